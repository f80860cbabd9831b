"""rethink benchmark worker for PyTorch (its PyPI wheel, run on the CPU).

Idiomatic PyTorch: nn.Module models, a plain training loop with torch.optim.SGD(momentum), batches
indexed from tensors in memory, NCHW (PyTorch's default layout). See common.py for flags and
output. TensorFlow's SAME padding is matched: every layer here gives the same output sizes
(28 -> 14 -> 7) and the same number of multiply-adds.
"""

import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

import common


class ConvModule(nn.Module):
    """Conv (no bias) -> BatchNorm with a learned shift and no learned scale -> ReLU."""

    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
        # PyTorch's momentum is the weight of the new batch: Keras/TF's 0.9 is PyTorch's 0.1.
        self.bn = nn.BatchNorm2d(cout, eps=common.BN_EPSILON, momentum=1 - common.BN_MOMENTUM)
        self.bn.weight.requires_grad_(False)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    def __init__(self, cin, classes):
        super().__init__()
        self.blocks, c = nn.ModuleList(), cin
        for block in common.INCEPTION:
            if block[0] == "conv":
                self.blocks.append(ConvModule(c, block[1], 3, 1))
                c = block[1]
            elif block[0] == "inception":
                self.blocks.append(nn.ModuleList([ConvModule(c, block[1], 1, 1), ConvModule(c, block[2], 3, 1)]))
                c = block[1] + block[2]
            else:
                self.blocks.append(nn.ModuleList([ConvModule(c, block[1], 3, 2), nn.MaxPool2d(3, 2, padding=1)]))
                c = block[1] + c
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        for b in self.blocks:
            x = b(x) if isinstance(b, ConvModule) else torch.cat([b[0](x), b[1](x)], 1)
        return self.fc(x.mean((2, 3)))


class AlexNet(nn.Module):
    def __init__(self, cin, h, w, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, 64, 5, padding=2)
        self.conv2 = nn.Conv2d(64, 64, 5, padding=2)
        self.pool = nn.MaxPool2d(3, 2, padding=1)
        # PyTorch divides alpha by the window size (2*radius+1); TensorFlow does not.
        size = 2 * common.LRN_RADIUS + 1
        self.lrn = nn.LocalResponseNorm(size, alpha=common.LRN_ALPHA * size, beta=common.LRN_BETA, k=common.LRN_BIAS)
        hh, ww = (h + 3) // 4, (w + 3) // 4
        self.fc3 = nn.Linear(64 * hh * ww, 384)
        self.fc4 = nn.Linear(384, 192)
        self.out = nn.Linear(192, classes)

    def forward(self, x):
        x = self.lrn(self.pool(F.relu(self.conv1(x))))
        x = self.lrn(self.pool(F.relu(self.conv2(x))))
        x = F.relu(self.fc3(x.flatten(1)))
        return self.out(F.relu(self.fc4(x)))


class MLP(nn.Module):
    def __init__(self, inputs, classes):
        super().__init__()
        self.fc1 = nn.Linear(inputs, 512)
        self.out = nn.Linear(512, classes)

    def forward(self, x):
        return self.out(F.relu(self.fc1(x.flatten(1))))


def build(a):
    torch.manual_seed(a.seed)
    if a.model == "inception":
        return Inception(a.channels, 10)
    if a.model == "alexnet":
        return AlexNet(a.channels, a.height, a.width, 10)
    return MLP(a.height * a.width * a.channels, 10)


def to_tensors(x, y):
    """NHWC NumPy images to an NCHW float32 tensor, labels to int64."""
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))), torch.from_numpy(y)


def step(model, opt, x, y):
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


def train_accuracy(model, x, y):
    model.eval()
    hits = 0
    with torch.no_grad():
        for i in range(0, len(y), 500):
            hits += int((model(x[i:i + 500]).argmax(1) == y[i:i + 500]).sum())
    model.train()
    return hits / len(y)


def main():
    a = common.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(a.threads)
    model = build(a)
    model.train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=a.lr, momentum=a.momentum)
    gen = torch.Generator().manual_seed(a.seed)
    if a.mode == "throughput":
        x, y = to_tensors(*common.throughput_data(a))
        batches = (torch.randint(0, len(y), (a.batch,), generator=gen) for _ in iter(int, 1))
        for _ in range(a.warmup):
            idx = next(batches)
            step(model, opt, x[idx], y[idx])
        for w in range(a.windows):
            t0 = time.perf_counter()
            for _ in range(a.steps):
                idx = next(batches)
                step(model, opt, x[idx], y[idx])
            common.emit(window=w, images_per_s=a.steps * a.batch / (time.perf_counter() - t0))
    else:
        x, y = to_tensors(*common.fit_data(a))
        t0 = time.perf_counter()
        for epoch in range(1, a.max_epochs + 1):
            perm = torch.randperm(len(y), generator=gen)
            for i in range(0, len(y), a.batch):
                idx = perm[i:i + a.batch]
                step(model, opt, x[idx], y[idx])
            acc = train_accuracy(model, x, y)
            common.emit(epoch=epoch, train_acc=acc, seconds=time.perf_counter() - t0)
            if acc >= 1.0:
                break
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    common.emit(done=True, framework="pytorch", version=f"PyTorch {torch.__version__}", params=int(params),
                mkldnn=bool(torch.backends.mkldnn.is_available()))


if __name__ == "__main__":
    main()

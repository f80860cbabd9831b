"""rethink benchmark worker for Keras 3 on TensorFlow 2.18 (tensorflow-cpu wheel).

Idiomatic Keras: a functional model, compile with SGD(momentum), model.fit on a tf.data pipeline
(throughput) or on NumPy arrays with shuffling (fit). Keras 3 leaves XLA off on CPU-only machines
(jit_compile="auto"), which is what a user gets. See common.py for flags and output.
"""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import common  # noqa: E402


def conv_module(x, k, filters, stride):
    x = layers.Conv2D(filters, k, strides=stride, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(momentum=common.BN_MOMENTUM, epsilon=common.BN_EPSILON, scale=False)(x)
    return layers.ReLU()(x)


def inception(x, classes):
    for block in common.INCEPTION:
        if block[0] == "conv":
            x = conv_module(x, 3, block[1], 1)
        elif block[0] == "inception":
            x = layers.Concatenate()([conv_module(x, 1, block[1], 1), conv_module(x, 3, block[2], 1)])
        else:
            pool = layers.MaxPooling2D(3, strides=2, padding="same")(x)
            x = layers.Concatenate()([conv_module(x, 3, block[1], 2), pool])
    x = layers.GlobalAveragePooling2D()(x)
    return layers.Dense(classes)(x)


class LRN(layers.Layer):
    """tf.nn.local_response_normalization with SPEC.md's settings."""

    def call(self, x):
        return tf.nn.local_response_normalization(x, depth_radius=common.LRN_RADIUS, bias=common.LRN_BIAS,
                                                  alpha=common.LRN_ALPHA, beta=common.LRN_BETA)


def alexnet(x, classes):
    for _ in range(2):
        x = layers.Conv2D(64, 5, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        x = LRN()(x)
    x = layers.Flatten()(x)
    x = layers.Dense(384, activation="relu")(x)
    x = layers.Dense(192, activation="relu")(x)
    return layers.Dense(classes)(x)


def mlp(x, classes):
    x = layers.Flatten()(x)
    x = layers.Dense(512, activation="relu")(x)
    return layers.Dense(classes)(x)


def build(a):
    keras.utils.set_random_seed(a.seed)
    inputs = keras.Input((a.height, a.width, a.channels))
    outputs = {"inception": inception, "alexnet": alexnet, "mlp": mlp}[a.model](inputs, 10)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=a.lr, momentum=a.momentum),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


class Windows(keras.callbacks.Callback):
    """Times each epoch of `steps` steps; the first epoch is the warm-up."""

    def __init__(self, batch):
        super().__init__()
        self.batch, self.start, self.index = batch, None, -1

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.start
        if epoch > 0:
            common.emit(window=epoch - 1, images_per_s=self.params["steps"] * self.batch / seconds)


class StopAtFit(keras.callbacks.Callback):
    """Reports the accuracy on the training set (inference mode, from validation_data) each epoch
    and stops training at 100%."""

    def __init__(self):
        super().__init__()
        self.t0 = None

    def on_train_begin(self, logs=None):
        self.t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        acc = float(logs["val_accuracy"])
        common.emit(epoch=epoch + 1, train_acc=acc, seconds=time.perf_counter() - self.t0)
        if acc >= 1.0:
            self.model.stop_training = True


def main():
    a = common.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    model = build(a)
    if a.mode == "throughput":
        x, y = common.throughput_data(a)
        ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(a.size, seed=a.seed)
              .batch(a.batch, drop_remainder=True).repeat().prefetch(tf.data.AUTOTUNE))
        # Warm-up: tracing and the first steps, not timed.
        model.fit(ds, steps_per_epoch=a.warmup, epochs=1, verbose=0, shuffle=False)
        model.fit(ds, steps_per_epoch=a.steps, epochs=a.windows + 1, verbose=0, shuffle=False, callbacks=[Windows(a.batch)])
    else:
        x, y = common.fit_data(a)
        model.fit(x, y, batch_size=a.batch, epochs=a.max_epochs, shuffle=True, verbose=0,
                  validation_data=(x, y), validation_batch_size=500, callbacks=[StopAtFit()])
    common.emit(done=True, framework="keras", version=f"Keras {keras.__version__}, TensorFlow {tf.__version__}",
                params=int(sum(np.prod(w.shape) for w in model.trainable_weights)), jit=bool(model.jit_compile))


if __name__ == "__main__":
    main()

package tfgraph

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// buildCheckpoint adds the save and restore ops of every saveable variable, keyed by path.
func (m *Model) buildCheckpoint(s *op.Scope) {
	if s.Err() != nil {
		return
	}
	names := make([]string, len(m.saveable))
	slices := make([]string, len(m.saveable))
	values := make([]tf.Output, len(m.saveable))
	types := make([]tf.DataType, len(m.saveable))
	for i, v := range m.saveable {
		names[i], values[i], types[i] = v.Name, v.Value, tf.Float
	}
	m.savePrefix = op.Placeholder(s.SubScope("prefix"), tf.String, op.PlaceholderShape(tf.ScalarShape()))
	nameT := op.Const(s.SubScope("names"), names)
	sliceT := op.Const(s.SubScope("slices"), slices)
	m.save = op.SaveV2(s.SubScope("save"), m.savePrefix, nameT, sliceT, values)
	restored := op.RestoreV2(s.SubScope("restore"), m.savePrefix, nameT, sliceT, types)
	if s.Err() != nil {
		return
	}
	m.restored = restored
	assigns := make([]*tf.Operation, len(m.saveable))
	for i, v := range m.saveable {
		assigns[i] = op.AssignVariableOp(s.SubScope("assign"), v.Handle, restored[i])
	}
	m.restore = op.NoOp(s.SubScope("restore_all").WithControlDependencies(assigns...))
}

// Save writes every variable (weights, batch-norm statistics, momentum, learning rate) to the
// TensorFlow checkpoint prefix (files prefix.index and prefix.data-00000-of-00001). The files
// are written under a temporary prefix in the same folder and renamed, data file first, so an
// interrupted save never leaves a half-written checkpoint under prefix.
func (m *Model) Save(prefix string) error {
	dir := filepath.Dir(prefix)
	tmp, err := os.MkdirTemp(dir, ".ckpt-*")
	if err != nil {
		return fmt.Errorf("tfgraph: save checkpoint: %w", err)
	}
	defer os.RemoveAll(tmp)
	tmpPrefix := filepath.Join(tmp, "ckpt")
	t, err := tf.NewTensor(tmpPrefix)
	if err != nil {
		return err
	}
	if err := m.writeCheckpoint(t); err != nil {
		return fmt.Errorf("tfgraph: save checkpoint %s: %w", prefix, withoutOOMHint(err))
	}
	for _, suffix := range []string{".data-00000-of-00001", ".index"} {
		if err := os.Rename(tmpPrefix+suffix, prefix+suffix); err != nil {
			return fmt.Errorf("tfgraph: save checkpoint: %w", err)
		}
	}
	return nil
}

// Restore reads every variable from the checkpoint prefix written by Save of a model with the
// same Spec.
func (m *Model) Restore(prefix string) error {
	if _, err := os.Stat(prefix + ".index"); err != nil {
		return fmt.Errorf("tfgraph: restore checkpoint: %w", err)
	}
	t, err := tf.NewTensor(prefix)
	if err != nil {
		return err
	}
	if err := m.readCheckpoint(t); err != nil {
		return fmt.Errorf("tfgraph: restore checkpoint %s: %w", prefix, err)
	}
	return nil
}

// oomHint is the paragraph TensorFlow appends to every RESOURCE_EXHAUSTED status, a full disk's
// included: rethink sets no RunOptions, so it is no help to a user.
const oomHint = "Hint: If you want to see a list of allocated tensors when OOM happens"

// withoutOOMHint is err with TensorFlow's OOM hint cut off its message (err itself when it has
// none). The result keeps err in its chain.
func withoutOOMHint(err error) error {
	msg := err.Error()
	i := strings.Index(msg, oomHint)
	if i < 0 {
		return err
	}
	return &trimmedError{msg: strings.TrimRight(msg[:i], "\n\t "), err: err}
}

// trimmedError is an error shown with a shorter message.
type trimmedError struct {
	msg string
	err error
}

func (e *trimmedError) Error() string { return e.msg }
func (e *trimmedError) Unwrap() error { return e.err }

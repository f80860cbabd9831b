package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// A graph's SaveV2 and RestoreV2 ops read and write files where the graph runs: on a worker
// that is the worker's disk. A model on a worker therefore fetches its variables to this
// process and writes them with SaveV2 in a small local graph (the same checkpoint format, so a
// run can continue anywhere), and restores by reading them locally and feeding them to the
// worker's assignments in place of its RestoreV2 outputs.

// localCheckpoint is that local graph and its session, made on first use.
type localCheckpoint struct {
	sess     *tf.Session
	prefix   tf.Output
	values   []tf.Output // placeholders, one per saveable variable
	save     *tf.Operation
	restored []tf.Output
}

func newLocalCheckpoint(vars []*Variable) (*localCheckpoint, error) {
	s := op.NewScope()
	l := &localCheckpoint{}
	names := make([]string, len(vars))
	slices := make([]string, len(vars))
	types := make([]tf.DataType, len(vars))
	for i, v := range vars {
		names[i], types[i] = v.Name, tf.Float
		l.values = append(l.values, op.Placeholder(s.SubScope("value"), tf.Float, op.PlaceholderShape(tf.MakeShape(v.Shape...))))
	}
	l.prefix = op.Placeholder(s.SubScope("prefix"), tf.String, op.PlaceholderShape(tf.ScalarShape()))
	nameT := op.Const(s.SubScope("names"), names)
	sliceT := op.Const(s.SubScope("slices"), slices)
	l.save = op.SaveV2(s.SubScope("save"), l.prefix, nameT, sliceT, l.values)
	l.restored = op.RestoreV2(s.SubScope("restore"), l.prefix, nameT, sliceT, types)
	g, err := s.Finalize()
	if err != nil {
		return nil, fmt.Errorf("local checkpoint graph: %w", err)
	}
	opts, err := sessionOptions("cpu", 1)
	if err != nil {
		return nil, err
	}
	if l.sess, err = tf.NewSession(g, opts); err != nil {
		return nil, fmt.Errorf("local checkpoint session: %w", err)
	}
	return l, nil
}

func (m *Model) localCheckpoint() (*localCheckpoint, error) {
	if m.local == nil {
		l, err := newLocalCheckpoint(m.saveable)
		if err != nil {
			return nil, err
		}
		m.local = l
	}
	return m.local, nil
}

// writeCheckpoint writes every saveable variable under prefix (a string tensor) on this
// machine, wherever the graph runs.
func (m *Model) writeCheckpoint(prefix *tf.Tensor) error {
	if m.Spec.Target == "" {
		_, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.savePrefix: prefix}, nil, []*tf.Operation{m.save})
		return err
	}
	l, err := m.localCheckpoint()
	if err != nil {
		return err
	}
	values := make([]tf.Output, len(m.saveable))
	for i, v := range m.saveable {
		values[i] = v.Value
	}
	got, err := m.sess.Run(nil, values, nil)
	if err != nil {
		return fmt.Errorf("fetch variables from the worker: %w", err)
	}
	feeds := map[tf.Output]*tf.Tensor{l.prefix: prefix}
	for i, t := range got {
		feeds[l.values[i]] = t
	}
	_, err = l.sess.Run(feeds, nil, []*tf.Operation{l.save})
	return err
}

// readCheckpoint assigns every saveable variable from the checkpoint at prefix on this machine.
func (m *Model) readCheckpoint(prefix *tf.Tensor) error {
	if m.Spec.Target == "" {
		_, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.savePrefix: prefix}, nil, []*tf.Operation{m.restore})
		return err
	}
	l, err := m.localCheckpoint()
	if err != nil {
		return err
	}
	got, err := l.sess.Run(map[tf.Output]*tf.Tensor{l.prefix: prefix}, l.restored, nil)
	if err != nil {
		return err
	}
	feeds := make(map[tf.Output]*tf.Tensor, len(got))
	for i, t := range got {
		feeds[m.restored[i]] = t
	}
	if _, err := m.sess.Run(feeds, nil, []*tf.Operation{m.restore}); err != nil {
		return fmt.Errorf("assign the variables on the worker: %w", err)
	}
	return nil
}

package tfgraph

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	_ "image/png" // summary images are PNG
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	sumpb "github.com/wamuir/graft/tensorflow/core/framework/summary_go_proto"
	tenpb "github.com/wamuir/graft/tensorflow/core/framework/tensor_go_proto"
	typpb "github.com/wamuir/graft/tensorflow/core/framework/types_go_proto"
	evpb "github.com/wamuir/graft/tensorflow/core/util/event_go_proto"
	"google.golang.org/protobuf/proto"
)

// ScalarEvent is one scalar summary read back from an event file.
type ScalarEvent struct {
	Step     int64
	WallTime float64 // seconds since the Unix epoch
	Tag      string
	Value    float64 // as stored: a float32 for WriteScalarSummary's simple_value
}

// ImageEvent is one image summary read back from an event file.
type ImageEvent struct {
	Step     int64
	WallTime float64 // seconds since the Unix epoch
	Tag      string
	// Width, Height (pixels) and Channels are as the Summary.Image record states them.
	Width, Height, Channels int
	// Encoded is the image as stored (PNG for WriteImageSummary).
	Encoded []byte
}

// Decode decodes the stored image.
func (e ImageEvent) Decode() (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(e.Encoded))
	if err != nil {
		return nil, fmt.Errorf("tfgraph: summary image %q at step %d: %w", e.Tag, e.Step, err)
	}
	return img, nil
}

// EventLog is what a folder of TensorBoard event files holds, in file order, then record order.
type EventLog struct {
	Files   []string // the event files read, in name order (the order TensorBoard reads them in)
	Version string   // the file_version of the first file, e.g. "brain.Event:2"
	Scalars []ScalarEvent
	Images  []ImageEvent
}

// ScalarSeries returns the scalars of one tag in order.
func (l EventLog) ScalarSeries(tag string) []ScalarEvent {
	var out []ScalarEvent
	for _, s := range l.Scalars {
		if s.Tag == tag {
			out = append(out, s)
		}
	}
	return out
}

// ErrNoEvents is returned by ReadEventLog for a folder without event files.
var ErrNoEvents = errors.New("tfgraph: no TensorBoard event files")

// ReadEventLog reads every TensorBoard event file directly in dir (names containing
// "tfevents", as TensorBoard looks for them) and returns their scalar and image summaries.
// Every record's CRCs are checked. A truncated last record, which a writer killed mid-write
// leaves, ends its file without an error; any other damage is an error.
func ReadEventLog(dir string) (EventLog, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return EventLog{}, fmt.Errorf("tfgraph: read events: %w", err)
	}
	var log EventLog
	for _, e := range entries {
		if !e.IsDir() && strings.Contains(e.Name(), "tfevents") {
			log.Files = append(log.Files, filepath.Join(dir, e.Name()))
		}
	}
	if len(log.Files) == 0 {
		return log, fmt.Errorf("%w in %s", ErrNoEvents, dir)
	}
	sort.Strings(log.Files)
	for _, f := range log.Files {
		if err := log.readFile(f); err != nil {
			return log, err
		}
	}
	return log, nil
}

func (l *EventLog) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tfgraph: read events: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for n := 0; ; n++ {
		rec, err := readRecord(r)
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tfgraph: %s: record %d: %w", path, n, err)
		}
		var ev evpb.Event
		if err := proto.Unmarshal(rec, &ev); err != nil {
			return fmt.Errorf("tfgraph: %s: record %d: %w", path, n, err)
		}
		l.add(&ev)
	}
}

func (l *EventLog) add(ev *evpb.Event) {
	if v := ev.GetFileVersion(); v != "" && l.Version == "" {
		l.Version = v
	}
	for _, v := range ev.GetSummary().GetValue() {
		switch x := v.Value.(type) {
		case *sumpb.Summary_Value_SimpleValue:
			l.Scalars = append(l.Scalars, ScalarEvent{Step: ev.Step, WallTime: ev.WallTime, Tag: v.Tag, Value: float64(x.SimpleValue)})
		case *sumpb.Summary_Value_Tensor:
			if f, ok := tensorScalar(x.Tensor); ok {
				l.Scalars = append(l.Scalars, ScalarEvent{Step: ev.Step, WallTime: ev.WallTime, Tag: v.Tag, Value: f})
			}
		case *sumpb.Summary_Value_Image:
			im := x.Image
			l.Images = append(l.Images, ImageEvent{Step: ev.Step, WallTime: ev.WallTime, Tag: v.Tag,
				Width: int(im.Width), Height: int(im.Height), Channels: int(im.Colorspace), Encoded: im.EncodedImageString})
		}
	}
}

// tensorScalar reads a float32 or float64 scalar tensor, the way TensorFlow 2's Python
// tf.summary.scalar stores scalars.
func tensorScalar(t *tenpb.TensorProto) (float64, bool) {
	if t == nil || len(t.GetTensorShape().GetDim()) != 0 {
		return 0, false
	}
	switch t.Dtype {
	case typpb.DataType_DT_FLOAT:
		if len(t.FloatVal) == 1 {
			return float64(t.FloatVal[0]), true
		}
		if len(t.TensorContent) == 4 {
			return float64(math.Float32frombits(binary.LittleEndian.Uint32(t.TensorContent))), true
		}
	case typpb.DataType_DT_DOUBLE:
		if len(t.DoubleVal) == 1 {
			return t.DoubleVal[0], true
		}
		if len(t.TensorContent) == 8 {
			return math.Float64frombits(binary.LittleEndian.Uint64(t.TensorContent)), true
		}
	}
	return 0, false
}

// readRecord reads one TFRecord: a little-endian uint64 length, the masked CRC-32C of those 8
// bytes, the data, and the masked CRC-32C of the data. It returns io.EOF at a clean end and
// io.ErrUnexpectedEOF inside a record.
func readRecord(r io.Reader) ([]byte, error) {
	var head [12]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	if got, want := binary.LittleEndian.Uint32(head[8:]), maskedCRC(head[:8]); got != want {
		return nil, fmt.Errorf("length CRC %#x, want %#x", got, want)
	}
	n := binary.LittleEndian.Uint64(head[:8])
	if n > 1<<30 {
		return nil, fmt.Errorf("record of %d bytes", n)
	}
	buf := make([]byte, n+4)
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	data := buf[:n]
	if got, want := binary.LittleEndian.Uint32(buf[n:]), maskedCRC(data); got != want {
		return nil, fmt.Errorf("data CRC %#x, want %#x", got, want)
	}
	return data, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC is TFRecord's masked CRC-32C.
func maskedCRC(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return (c>>15 | c<<17) + 0xa282ead8
}

package experiments

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// A Kind is one kind of experiment: SGD training of a network ("sgd", the first), and later a
// network built in closed form, kernel interpolation solved exactly, probes of trained
// networks. Every kind keeps the same contract, so that the command line, the app and the
// reports treat them alike:
//
//   - Run runs one Config of the kind on the caller's goroutine (call it on a worker, never on
//     a UI goroutine) and returns when the run ends or ctx is cancelled; a cancelled run
//     returns an error wrapping context.Canceled.
//   - It sends only the events of this package (Started, StepProgress, EpochDone,
//     FiltersReady, Fitted, Finished: a closed set), Finished last and always, with
//     SendFinished; it never closes out, and a nil out sends nothing. The caller reads out until
//     Finished, or cancels ctx when it stops reading: events other than Finished are dropped
//     once ctx is done, and Finished waits FinishedGrace at most then.
//   - It writes one run folder under opts.ResultsDir (CreateRunFolder makes it): config.json
//     with the config and its Kind, metrics.csv (WriteMetricsCSV, one row per evaluation),
//     summary.json (a Summary with its Status) and any artifacts of its own, every file
//     atomically (WriteJSON).
//
// A kind registers itself from an init function in its own file of this package (see sgd.go)
// or in a package of its own under experiments/; the app shows it through its view registry
// (app/kinds.go).
type Kind struct {
	// Name is what Config.Kind and presets call it: lower case, e.g. "sgd".
	Name string
	// Description says in a line what the kind does.
	Description string
	// Run runs one config of the kind (see the contract above).
	Run func(ctx context.Context, cfg Config, opts Options, out chan<- Event) (Summary, error)
	// SGD says the kind trains a network with SGD from Config's own fields, as "sgd" does, and
	// only adds to what it records (e.g. package archnoise's measures): progress lines, tables,
	// the history and departures treat its runs as SGD runs (see Config.TrainsSGD).
	SGD bool
}

// KindSGD is the kind that trains a network with SGD: Config's own fields are its settings.
const KindSGD = "sgd"

// ErrUnknownKind is wrapped by the error of a config whose Kind is not registered.
var ErrUnknownKind = errors.New("experiments: unknown kind of experiment")

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// Register adds a kind of experiment. It panics when the kind has no name or no Run, or when
// its name is taken: registering happens in init functions, where that is a programming error.
func Register(k Kind) {
	if k.Name == "" || k.Run == nil {
		panic("experiments: Register: a kind needs a name and a Run")
	}
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("experiments: Register: kind %q registered twice", k.Name))
	}
	kinds[k.Name] = k
}

// Kinds lists the registered kinds by name.
func Kinds() []Kind {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// KindByName returns the registered kind of that name ("" is "sgd").
func KindByName(name string) (Kind, error) {
	if name == "" {
		name = KindSGD
	}
	kindsMu.RLock()
	k, ok := kinds[name]
	kindsMu.RUnlock()
	if !ok {
		var names []string
		for _, k := range Kinds() {
			names = append(names, k.Name)
		}
		return Kind{}, fmt.Errorf("%w %q (registered: %v)", ErrUnknownKind, name, names)
	}
	return k, nil
}

// TrainsSGD reports whether the config's kind trains a network with SGD from Config's own
// fields: "sgd" itself, or a kind registered with SGD set. An unknown kind does not.
func (c Config) TrainsSGD() bool {
	k, err := KindByName(c.KindName())
	return err == nil && (k.Name == KindSGD || k.SGD)
}

// KindName is the kind of the config: Kind, or "sgd" when it is empty.
func (c Config) KindName() string {
	if c.Kind == "" {
		return KindSGD
	}
	return c.Kind
}

// Run runs cfg by its kind (see Kind for what every kind does): it blocks until the run ends;
// call it on a worker goroutine. Read out until Finished, or cancel ctx when you stop reading
// (Finished then waits FinishedGrace at most). With opts.ResumeDir, the kind is the one recorded in that
// folder's config.json (none recorded: "sgd") and cfg is ignored.
func Run(ctx context.Context, cfg Config, opts Options, out chan<- Event) (Summary, error) {
	name := cfg.Kind
	if opts.ResumeDir != "" {
		c, err := ReadConfig(filepath.Join(opts.ResumeDir, "config.json"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return failBeforeStart(ctx, cfg, out, err)
		}
		name = c.Kind // a missing config.json is the kind's to report
	}
	k, err := KindByName(name)
	if err != nil {
		return failBeforeStart(ctx, cfg, out, err)
	}
	cfg.Kind = k.Name
	return k.Run(ctx, cfg, opts, out)
}

// failBeforeStart ends a run that could not begin: a failed summary and the Finished event.
func failBeforeStart(ctx context.Context, cfg Config, out chan<- Event, err error) (Summary, error) {
	sum := Summary{Name: cfg.Name, Status: StatusFailed, Error: err.Error()}
	SendFinished(ctx, out, Finished{Summary: sum, Err: err})
	return sum, err
}

// CreateRunFolder makes a fresh run folder for cfg under opts.ResultsDir (or the default
// results folder) and writes its config.json, with the kind recorded: the first thing every
// kind does once its config is valid.
func CreateRunFolder(opts Options, cfg Config) (string, error) {
	root := opts.ResultsDir
	if root == "" {
		root = DefaultResultsDir()
	}
	cfg.Kind = cfg.KindName()
	dir, err := newRunDir(root, cfg.Name)
	if err != nil {
		return "", err
	}
	return dir, WriteJSON(filepath.Join(dir, "config.json"), cfg)
}

// LockRunFolder takes the lock a live run holds on its folder (so that ReadRun reads the folder
// as running, not killed, while the run goes): a kind calls it right after CreateRunFolder and
// calls release when it has written its summary.
func LockRunFolder(dir string) (release func(), err error) { return lockRun(dir) }

// EndRunFolder ends the run of a kind other than "sgd" in its folder dir, from err, the error
// its work ended with: it sets sum's Status (done, cancelled for a cancelled or expired
// context, failed otherwise), Error, Seconds since start and Finished, writes metrics.csv (when
// there are rows) and summary.json atomically, and marks a done run failed when a write fails.
// It returns err joined with any write's error; the caller then releases the folder's lock and
// sends Finished with sum.
func EndRunFolder(dir string, sum *Summary, rows []Metrics, start time.Time, err error) error {
	switch {
	case err == nil:
		sum.Status = StatusDone
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		sum.Status = StatusCancelled
	default:
		sum.Status = StatusFailed
	}
	if err != nil {
		sum.Error = err.Error()
	}
	sum.Seconds = time.Since(start).Seconds()
	sum.Finished = time.Now().Format(time.RFC3339)
	if len(rows) > 0 {
		err = errors.Join(err, WriteMetricsCSV(filepath.Join(dir, "metrics.csv"), rows))
	}
	err = errors.Join(err, WriteJSON(filepath.Join(dir, "summary.json"), *sum))
	if err != nil && sum.Status == StatusDone {
		sum.Status, sum.Error = StatusFailed, err.Error()
	}
	return err
}

// Wait blocks while p is set, or until ctx ends, and returns ctx's error; a nil p never blocks.
// Kinds other than "sgd" call it between the stages and iterations of their work.
func (p *Pause) Wait(ctx context.Context) error { return p.wait(ctx) }

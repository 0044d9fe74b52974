package cli_test

import (
	"context"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/cli"
)

// stalledWriter takes the first writes, then blocks until released, as
// an SSH client that stops reading does (its window closes).
type stalledWriter struct {
	room    int
	stalled chan struct{}
	release chan struct{}
}

func (w *stalledWriter) Write(p []byte) (int, error) {
	if w.room -= len(p); w.room < 0 {
		close(w.stalled)
		<-w.release
		return 0, io.ErrClosedPipe
	}
	return len(p), nil
}

func liveHeap() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// An export to a client that stops reading holds a bounded amount, not
// the export: the keys are read and written one at a time.
func TestStalledExportHoldsLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a database")
	}
	st := openStore(t, filepath.Join(t.TempDir(), "k.db"))
	const n = 20000
	if err := st.FillDemo(model.LocalAdmin("demo"), n, n); err != nil {
		t.Fatal(err)
	}
	for _, what := range []string{"keys", "employees"} {
		for _, format := range []string{"json", "csv"} {
			before := liveHeap()
			w := &stalledWriter{room: 64 << 10, stalled: make(chan struct{}), release: make(chan struct{})}
			done := make(chan int)
			go func() {
				done <- cli.Run(context.Background(), []string{"export", what, "--format", format},
					cli.Env{Store: st, Actor: tAnn, Stdout: w, Stderr: io.Discard, Getenv: func(string) string { return "" }})
			}()
			select {
			case <-w.stalled:
			case <-time.After(30 * time.Second):
				t.Fatal("the export never filled the client's window")
			}
			held := liveHeap() - before
			close(w.release)
			if status := <-done; status != 1 {
				t.Errorf("export %s to a client gone: status %d, want 1", what, status)
			}
			// 20,000 records are several MB of JSON; the export holds
			// one record and its buffers.
			t.Logf("export %s --format %s, stalled: %d KiB held", what, format, held>>10)
			if held > 1<<20 {
				t.Errorf("export %s --format %s stalled holds %d KiB", what, format, held>>10)
			}
		}
	}
}

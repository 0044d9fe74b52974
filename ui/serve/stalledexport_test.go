package serve_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/cli"
)

// A client that asks for an export and stops reading it: serve blocks on
// the SSH window, holding one record and its buffers, not the export;
// several such clients hold no more each.
func TestStalledExportOverSSHHoldsLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a database")
	}
	h := newHarness(t)
	h.cfg.RunCommand = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
		return cli.Run(ctx, args, cli.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Actor: actor, Store: h.st, Getenv: os.Getenv})
	}
	const keys = 30000 // about 8 MiB of JSON, four times the SSH window
	if err := h.st.FillDemo(model.LocalAdmin("test"), keys, 10); err != nil {
		t.Fatal(err)
	}
	h.start()
	c := h.login(h.alice)
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := heap()
	const stalled = 4
	for range stalled {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sess.Close() })
		if _, err := sess.StdoutPipe(); err != nil { // never read
			t.Fatal(err)
		}
		if err := sess.Start("export keys"); err != nil {
			t.Fatal(err)
		}
	}
	// Let the exports fill their windows and block.
	var held int64
	for i := 0; i < 20; i++ {
		time.Sleep(250 * time.Millisecond)
		held = heap() - before
	}
	t.Logf("%d stalled exports of %d keys hold %d KiB in all", stalled, keys, held>>10)
	// Each holds the SSH window's worth that the client library buffers
	// (this test's side, 2 MiB) and serve's own small buffers; a whole
	// export would be 8 MiB of JSON each, and far more as records.
	if held > stalled*3<<20 {
		t.Errorf("%d stalled exports hold %d KiB", stalled, held>>10)
	}
}

package serve_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui"
	"github.com/keydesk/keydesk/ui/serve"
)

// BenchmarkKeystrokeOverSSH is one admin in the real TUI over SSH on
// loopback, with 100,000 keys and 100,000 employees loaded: the time from
// a key press (moving the cursor in the Employees list) to the first bytes
// of the redrawn screen. Bubble Tea v1 draws at most 60 frames a second,
// so up to about 17 ms of it is waiting for the next frame.
func BenchmarkKeystrokeOverSSH(b *testing.B) {
	st, err := store.Open(demoDatabase(b), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	alice := newAdmin(b, "alice")
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), []byte(alice.line()), 0o600); err != nil {
		b.Fatal(err)
	}
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Store: st, DBPath: filepath.Join(dir, "keydesk.db"), Listen: "127.0.0.1:0",
			AuthorizedKeysPath: filepath.Join(dir, "authorized_keys"),
			NewTUI: func(ctx context.Context, st *store.Store, actor model.Actor, r *lipgloss.Renderer) tea.Model {
				return ui.New(ui.Config{Store: st, Actor: actor, Renderer: r, Context: ctx})
			},
			RunCommand: func(context.Context, []string, io.Reader, io.Writer, io.Writer, model.Actor) int { return 1 },
			Ready:      func(addr string) { ready <- addr },
		})
	}()
	defer func() { cancel(); <-done }()

	c, err := ssh.Dial("tcp", <-ready, &ssh.ClientConfig{
		User: "alice", Auth: []ssh.AuthMethod{ssh.PublicKeys(alice.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm-256color", 24, 80, ssh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	if err := sess.Shell(); err != nil {
		b.Fatal(err)
	}
	chunks := make(chan []byte, 1024)
	go func() {
		for {
			buf := make([]byte, 64<<10)
			n, err := out.Read(buf)
			if n > 0 {
				chunks <- buf[:n]
			}
			if err != nil {
				close(chunks)
				return
			}
		}
	}()
	in.Write([]byte("\x1b[?62c")) // answer the terminal query at once
	// Wait for the whole list (not just the first page) to be on screen.
	var screen bytes.Buffer
	deadline := time.After(30 * time.Second)
	for !bytes.Contains(screen.Bytes(), []byte("100,000 of 100,000")) {
		select {
		case chunk, ok := <-chunks:
			if !ok {
				b.Fatal("the session ended before the list showed")
			}
			screen.Write(chunk)
		case <-deadline:
			b.Fatal("the whole list never showed")
		}
	}
	quiet := func() { // let the screen settle, then drop what came
		for {
			select {
			case <-chunks:
			case <-time.After(50 * time.Millisecond):
				return
			}
		}
	}
	quiet()

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		key := "j"
		if i%2 == 1 {
			key = "k"
		}
		start := time.Now()
		in.Write([]byte(key))
		select {
		case <-chunks:
		case <-time.After(5 * time.Second):
			b.Fatal("no redraw after a key press")
		}
		lat = append(lat, time.Since(start))
		b.StopTimer()
		quiet()
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(q int) float64 { return float64(lat[min(len(lat)-1, len(lat)*q/100)]) / float64(time.Millisecond) }
	b.ReportMetric(ms(50), "p50-ms")
	b.ReportMetric(ms(99), "p99-ms")
}

package serve_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/cli"
)

// scrape reads the metrics page and returns each sample's value by its
// name and labels, as written ("keydesk_refusals_total{operation=\"key assign\"}").
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, body)
	}
	samples := map[string]float64{}
	line := regexp.MustCompile(`^(\S+(?:\{.*\})?) (\S+)$`)
	for _, l := range strings.Split(string(body), "\n") {
		if m := line.FindStringSubmatch(l); m != nil && !strings.HasPrefix(l, "#") {
			v, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				t.Fatalf("sample %q: %v", l, err)
			}
			samples[m[1]] = v
		}
	}
	return samples
}

// TestMetricsMoveWithRealOperations: serve --metrics exposes Prometheus
// figures that follow what admins do over SSH: sessions by role,
// operations and refusals by operation, commits, an import's duration,
// a backup's, and a handshake dropped for its grace time.
func TestMetricsMoveWithRealOperations(t *testing.T) {
	h := newHarness(t)
	h.cfg.RunCommand = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
		return cli.Run(ctx, args, cli.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Actor: actor, Store: h.st,
			Getenv: func(string) string { return "" }})
	}
	ready := make(chan string, 1)
	h.cfg.MetricsListen, h.cfg.MetricsReady = "127.0.0.1:0", func(addr string) { ready <- addr }
	h.cfg.LoginGraceTime = 3 * time.Second // short enough to wait for, long enough for a real login under -race and load
	helen := newAdmin(t, "helen")
	if _, err := h.st.AddAdmin(model.LocalAdmin("setup"), "helen", model.RoleHelpdesk, helen.line()); err != nil {
		t.Fatal(err)
	}
	h.start()
	addr := <-ready
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
		t.Fatalf("metrics on %s, not on the address given", addr)
	}

	before := scrape(t, addr)
	for _, name := range []string{`keydesk_sessions_open{role="helpdesk"}`, `keydesk_operations_total{operation="import keys"}`,
		`keydesk_refusals_total{operation="backup"}`, `keydesk_handshakes_dropped_total{cause="login_grace"}`, "go_goroutines"} {
		if _, ok := before[name]; !ok {
			t.Errorf("%s is not exposed before anything happened", name)
		}
	}

	alice := h.login(h.alice)
	csv := "serial,mac,model,firmware,rfid\nM-1,,,,\nM-2,,,,\n"
	if r := runCommand(t, alice, "import keys -", csv); r.status != 0 {
		t.Fatalf("import over SSH: %+v", r)
	}
	if r := runCommand(t, alice, "backup -", ""); r.status != 0 {
		t.Fatalf("backup over SSH: %+v", r)
	}
	hc := h.login(helen)
	if r := runCommand(t, hc, "backup -", ""); r.status != 1 {
		t.Fatalf("a helpdesk backup: %+v", r)
	}
	if r := runCommand(t, hc, "key wiped M-1", ""); r.status != 1 {
		t.Fatalf("a helpdesk wiping a Ready key: %+v", r)
	}
	// A helpdesk screen stays open while the figures are read.
	openSilentTerminal(t, hc)
	// A connection that never logs in is dropped at its grace time.
	raw, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	var after map[string]float64
	eventually(t, "the figures to move", func() bool {
		after = scrape(t, addr)
		return after[`keydesk_sessions_open{role="helpdesk"}`] == 1 &&
			after[`keydesk_handshakes_dropped_total{cause="login_grace"}`] == before[`keydesk_handshakes_dropped_total{cause="login_grace"}`]+1
	})
	moved := func(name string, by float64) {
		t.Helper()
		if got := after[name] - before[name]; got != by {
			t.Errorf("%s moved by %v, want %v", name, got, by)
		}
	}
	moved(`keydesk_operations_total{operation="import keys"}`, 1)
	moved(`keydesk_operations_total{operation="backup"}`, 1)
	moved(`keydesk_refusals_total{operation="backup"}`, 1)
	moved(`keydesk_refusals_total{operation="key wiped"}`, 1)
	moved(`keydesk_import_duration_seconds_count{kind="keys"}`, 1)
	moved(`keydesk_backup_duration_seconds_count{result="ok"}`, 1)
	moved(`keydesk_sessions_open{role="admin"}`, 0)
	if got := after[`keydesk_commit_duration_seconds_count{result="ok"}`] - before[`keydesk_commit_duration_seconds_count{result="ok"}`]; got < 4 {
		t.Errorf("%v commits counted for an import, a backup and two refusals", got)
	}
	if after[`keydesk_commit_duration_seconds_sum{result="ok"}`] <= before[`keydesk_commit_duration_seconds_sum{result="ok"}`] {
		t.Errorf("the commit latency did not grow")
	}
	if testing.Verbose() {
		for _, name := range []string{`keydesk_commit_duration_seconds_sum{result="ok"}`, `keydesk_commit_duration_seconds_count{result="ok"}`} {
			fmt.Printf("%s %v\n", name, after[name])
		}
	}
}

// TestMetricsAreOffByDefault: without --metrics nothing listens for them.
func TestMetricsAreOffByDefault(t *testing.T) {
	h := newHarness(t)
	h.start()
	if !strings.Contains(h.log.String(), "listening") || strings.Contains(h.log.String(), "metrics") {
		t.Errorf("the log speaks of metrics without --metrics:\n%s", h.log)
	}
}

package serve_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONLogIsOneObjectALine: with LogFormat json, every line serve
// logs (start, a session, stop) is a JSON object with time, level and msg.
func TestJSONLogIsOneObjectALine(t *testing.T) {
	h := newHarness(t)
	h.cfg.LogFormat = "json"
	h.start()
	runCommand(t, h.login(h.alice), "version", "")
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(h.log.String()), "\n")
	if len(lines) < 4 {
		t.Fatalf("only %d lines logged:\n%s", len(lines), h.log)
	}
	msgs := map[string]bool{}
	for _, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("not a JSON object: %q (%v)", line, err)
		}
		for _, field := range []string{"time", "level", "msg"} {
			if _, ok := obj[field]; !ok {
				t.Errorf("%q has no %s", line, field)
			}
		}
		msgs[obj["msg"].(string)] = true
	}
	for _, want := range []string{"listening", "session", "stopped"} {
		if !msgs[want] {
			t.Errorf("no %q in the log:\n%s", want, h.log)
		}
	}
}

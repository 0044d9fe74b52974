package serve_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

func TestAnchorFileGetsTheHeadWhenItMovesAndAtShutdown(t *testing.T) {
	h := newHarness(t)
	anchors := filepath.Join(t.TempDir(), "anchors")
	h.cfg.AnchorPath = anchors
	h.cfg.AnchorInterval = 50 * time.Millisecond
	actor := model.LocalAdmin("tester")
	h.start()

	if _, err := h.st.ImportKeys(actor, []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "ANCHOR1"}}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first anchor", func() bool { return len(anchorLines(t, anchors)) == 1 })
	// Nothing moved: no new line however many intervals pass.
	time.Sleep(5 * h.cfg.AnchorInterval)
	if n := len(anchorLines(t, anchors)); n != 1 {
		t.Fatalf("%d lines while the head stood still, want 1", n)
	}

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(anchorLines(t, anchors)); n != 1 {
		t.Errorf("%d lines after a shutdown with the head anchored already, want 1", n)
	}
}

func TestShutdownAnchorsTheLastWrites(t *testing.T) {
	h := newHarness(t)
	anchors := filepath.Join(t.TempDir(), "anchors")
	h.cfg.AnchorPath = anchors
	h.cfg.AnchorInterval = time.Hour // only the shutdown writes
	actor := model.LocalAdmin("tester")
	h.start()
	for _, serial := range []string{"ANCHOR1", "ANCHOR2"} {
		if _, err := h.st.ImportKeys(actor, []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: serial}}}); err != nil {
			t.Fatal(err)
		}
	}
	if lines := anchorLines(t, anchors); len(lines) != 0 {
		t.Fatalf("anchors %q before the interval", lines)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	lines := anchorLines(t, anchors)
	if len(lines) != 1 {
		t.Fatalf("anchor file %q: want one line, for the last write", lines)
	}
	head, err := h.st.AuditHead()
	if err != nil {
		t.Fatal(err)
	}
	last, err := model.ParseAnchorLine(lines[len(lines)-1])
	if err != nil || last.Seq != head.Seq || last.Hash != head.Hash {
		t.Fatalf("last anchor %q (%v), want the head %v", lines[len(lines)-1], err, head)
	}
	var anchorsSeen []model.AuditAnchor
	for _, l := range lines {
		a, err := model.ParseAnchorLine(l)
		if err != nil {
			t.Fatal(err)
		}
		anchorsSeen = append(anchorsSeen, a)
	}
	if _, err := h.st.VerifyAudit(anchorsSeen...); err != nil {
		t.Errorf("the anchors serve wrote do not verify: %v", err)
	}
	if info, err := os.Stat(anchors); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("anchor file mode %v (%v), want 0600", info.Mode(), err)
	}
}

func anchorLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

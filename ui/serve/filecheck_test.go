package serve_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// rm keydesk.db while serve runs: serve notices within its check
// interval, without a write, says so in its log, and refuses writes.
func TestServeNoticesItsFileWasRemoved(t *testing.T) {
	h := newHarness(t)
	h.cfg.FileCheckInterval = 20 * time.Millisecond
	h.start()
	actor := model.LocalAdmin("tester")
	if _, err := h.st.ImportKeys(actor, []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "LIVE1"}}}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(h.cfg.DBPath); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the log to say the file is gone", func() bool {
		return strings.Contains(h.log.String(), "the database file is gone") && strings.Contains(h.log.String(), "put the right file back")
	})
	_, err := h.st.ImportKeys(actor, []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "LOST1"}}})
	if err == nil || !strings.Contains(err.Error(), "was removed while keydesk had it open") {
		t.Errorf("a write after the file was removed: %v, want it refused", err)
	}
}

func TestServeReplacesAStaleAddressFile(t *testing.T) {
	h := newHarness(t)
	if err := os.WriteFile(h.cfg.DBPath+".serve", []byte("127.0.0.1:1\npid 999999999\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.start()
	if !strings.Contains(h.log.String(), "replacing a stale address file") {
		t.Errorf("log %q does not say the old address file was stale", h.log.String())
	}
	data, _ := os.ReadFile(h.cfg.DBPath + ".serve")
	if want := h.addr + "\npid " + strconv.Itoa(os.Getpid()) + "\n"; string(data) != want {
		t.Errorf("address file %q, want %q", data, want)
	}
}

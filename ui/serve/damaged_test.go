package serve_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve"
)

// serve refuses a damaged file before it listens, saying why and what to
// do, in its log and in its error.
func TestServeRefusesADamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keydesk.db")
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.FillDemo(model.LocalAdmin("alice"), 30, 20); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// One byte of the audit head the file records, flipped with bbolt
	// alone.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		head := append([]byte(nil), meta.Get([]byte("audit_head"))...)
		head[3] ^= 0x10
		return meta.Put([]byte("audit_head"), head)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	st, err = store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logged := &syncBuffer{}
	listening := false
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	d := &tuiDouble{}
	err = serve.Run(ctx, serve.Config{
		Store: st, Listen: "127.0.0.1:0", Log: logged, ShutdownGrace: time.Second,
		NewTUI: d.newTUI, RunCommand: newCommandDouble().run,
		Ready: func(string) { listening = true },
	})
	if err == nil || listening {
		t.Fatalf("serve on a damaged file: listening %v, error %v; want a refusal before listening", listening, err)
	}
	for _, want := range []string{"is damaged", "audit head", "Restore it from a backup", "keydesk audit verify"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}
	if !strings.Contains(logged.String(), "refusing to serve a damaged database") {
		t.Errorf("the log does not say it:\n%s", logged)
	}
}

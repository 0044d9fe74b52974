package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// tChunkRows are n keys whose serials start with prefix.
func tChunkRows(prefix string, n int) []KeyRow {
	rows := make([]KeyRow, n)
	for i := range rows {
		rows[i] = KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("%s%06d", prefix, (i*7919)%n),
			MAC:  fmt.Sprintf("%s:%02X:%02X:%02X", map[string]string{"A": "0A:0A:0A", "B": "0B:0B:0B", "C": "0C:0C:0C"}[prefix], byte(i>>16), byte(i>>8), byte(i)),
			RFID: fmt.Sprintf("%s%07X", prefix, i)}}
	}
	return rows
}

// tSmallChunks makes imports of more than 100 keys go in chunks of 100.
func tSmallChunks(t *testing.T) {
	was := importChunkKeys
	importChunkKeys = 100
	t.Cleanup(func() { importChunkKeys = was; importFailAfter = 0 })
}

// tVisible is what an admin can see of a database: every bucket's entries
// (the keys' indexes as the values they map, whatever their runs), the
// audit head, and the verification of the trail.
func tVisible(t *testing.T, s *Store) map[string]string {
	t.Helper()
	out := tDump(t, s)
	for k := range out {
		for _, b := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs, bucketAuditActors} {
			if strings.HasPrefix(k, string(b)+" ") {
				delete(out, k)
			}
		}
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs} {
			out[string(b)+" values"] = fmt.Sprint(tIndexEntries(t, tx, b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st := tVerify(t, s)
	out["verified"] = fmt.Sprintf("%d entries, head %s, %d keys", st.Entries, st.HeadHash, st.Keys)
	return out
}

func tSameState(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	if reflect.DeepEqual(before, after) {
		return
	}
	n := 0
	for k, v := range after {
		if before[k] != v && n < 5 {
			t.Errorf("%s: %s is %.80s, was %.80s", what, k, v, before[k])
			n++
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok && n < 10 {
			t.Errorf("%s: %s is gone", what, k)
			n++
		}
	}
	if n == 0 {
		t.Errorf("%s: the database changed", what)
	}
}

// tChunkedStock is a store of 250 keys whose imports go in chunks of 100,
// and what it shows.
func tChunkedStock(t *testing.T) (*Store, map[string]string) {
	t.Helper()
	tSmallChunks(t)
	s, _ := tOpen(t)
	if _, err := s.ImportKeys(tAdmin, tChunkRows("A", 250)); err != nil {
		t.Fatal(err)
	}
	return s, tVisible(t, s)
}

// An import that fails after some of its chunks are on disk is taken
// back at once: the database is as it was, and the same import then
// goes through.
func TestImportFailedMidwayIsTakenBack(t *testing.T) {
	s, before := tChunkedStock(t)
	rows := tChunkRows("B", 1000)
	for _, after := range []int{1, 5, 10} { // 10: every chunk written, not finished
		importFailAfter = after
		if _, err := s.ImportKeys(tAdmin, rows); err == nil || !strings.Contains(err.Error(), "a test") {
			t.Fatalf("failing after %d chunks: %v", after, err)
		}
		tSameState(t, fmt.Sprintf("failed after %d chunks", after), before, tVisible(t, s))
	}
	importFailAfter = 0
	if _, err := s.ImportKeys(tAdmin, rows); err != nil {
		t.Fatal(err)
	}
	if st := tVerify(t, s); st.Keys != 1250 {
		t.Errorf("%d keys checked, want 1250", st.Keys)
	}
	if k := tKey(t, s, "B000999"); k.Status != model.Ready {
		t.Errorf("B000999 is %s", k.Status)
	}
}

// A process that dies midway leaves the note of the import in progress:
// the next Open takes the import back before anything reads.
func TestImportInterruptedIsTakenBackAtOpen(t *testing.T) {
	tSmallChunks(t)
	path := filepath.Join(t.TempDir(), "keydesk.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportKeys(tAdmin, tChunkRows("A", 250)); err != nil {
		t.Fatal(err)
	}
	before := tVisible(t, s)
	// The import's first transaction and 4 chunks, as a process that died
	// then would have left them.
	err = s.db.Update(func(tx *bolt.Tx) error {
		cmd, err := s.newCommand(tAdmin, model.OpImportKeys, importKeysArgs{Rows: tChunkRows("B", 1000)})
		if err != nil {
			return err
		}
		run := &chunkedRun{}
		chunkedTxs.Store(tx, run)
		defer chunkedTxs.Delete(tx)
		if _, err := s.apply(tx, cmd); err != nil {
			return err
		}
		defer run.imp.stopBuilding() // the process is gone, its builder with it
		for range 4 {
			if err := run.imp.writeChunk(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tSameState(t, "reopened", before, tVisible(t, s))
	if _, err := s.ImportKeys(tAdmin, tChunkRows("B", 1000)); err != nil {
		t.Fatal(err)
	}
}

// While an import is written in chunks, a reader sees the keys before it
// or after it, never some of them.
func TestImportInChunksIsSeenWhole(t *testing.T) {
	tSmallChunks(t)
	s, _ := tOpen(t)
	if _, err := s.ImportKeys(tAdmin, tChunkRows("A", 250)); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	seen := map[string]bool{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var n, ready uint64
				err := s.view(func(tx *bolt.Tx) error {
					n = uint64(tx.Bucket(bucketKeys).Stats().KeyN)
					ready = uint64(tIndexValues(t, tx, bucketSerials))
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[fmt.Sprintf("%d keys, %d serials", n, ready)] = true
				mu.Unlock()
			}
		}()
	}
	// And a writer: its writes wait for the import, none lands between
	// two chunks (the chain and the counts then check out).
	wg.Add(1)
	added := 0
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.AddEmployee(tAdmin, tPerson(fmt.Sprintf("Writer%d", i)), ""); err != nil {
				t.Error(err)
				return
			}
			added++
		}
	}()
	if _, err := s.ImportKeys(tAdmin, tChunkRows("B", 3000)); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if st := tVerify(t, s); st.Keys != 3250 || st.People != added {
		t.Errorf("verified %d keys and %d people, want 3250 and %d", st.Keys, st.People, added)
	}
	for state := range seen {
		if state != "250 keys, 250 serials" && state != "3250 keys, 3250 serials" {
			t.Errorf("a reader saw %s", state)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no read ran")
	}
}

// An import writes the same bytes whether its chunks each commit (a
// large import on a single node) or share one transaction (a replay, a
// cluster node).
func TestImportInChunksWritesWhatOneTransactionWrites(t *testing.T) {
	tSmallChunks(t)
	chunked, clock := tOpen(t)
	// The same key file, for the same signatures.
	path := filepath.Join(t.TempDir(), "keydesk.db")
	key, err := os.ReadFile(chunked.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(strings.TrimSuffix(path, ".db")+".key", key, 0o600); err != nil {
		t.Fatal(err)
	}
	whole, err := Open(path, Options{Now: clock.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	if whole.KeyPath() != strings.TrimSuffix(path, ".db")+".key" {
		t.Fatalf("the key file is %s", whole.KeyPath())
	}
	for _, s := range []*Store{chunked, whole} {
		if _, err := s.ImportKeys(tAdmin, tChunkRows("A", 250)); err != nil {
			t.Fatal(err)
		}
	}
	rows := tChunkRows("B", 1000)
	if _, err := chunked.ImportKeys(tAdmin, rows); err != nil {
		t.Fatal(err)
	}
	cmd, err := whole.newCommand(tAdmin, model.OpImportKeys, importKeysArgs{Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	if err := whole.db.Update(func(tx *bolt.Tx) error { _, err := whole.apply(tx, cmd); return err }); err != nil {
		t.Fatal(err)
	}
	a, b := tDump(t, chunked), tDump(t, whole)
	for _, dump := range []map[string]string{a, b} {
		delete(dump, "meta "+hex.EncodeToString([]byte("secrets_check"))) // sealed with a nonce of its own at Open
	}
	if len(a) != len(b) {
		t.Errorf("%d entries written in chunks, %d in one transaction", len(a), len(b))
	}
	tSameState(t, "in chunks against one transaction", b, a)
}

// tNoBuilder fails if a goroutine still builds an import's chunks: an
// import that ended, however, lets its builder go. The builder has said
// it is done just before it ends, so it is given a moment to end.
func tNoBuilder(t *testing.T, what string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for range 200 {
		if !bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("(*keyImport).startBuilding")) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%s: an import's builder is still running", what)
}

// An import refused by its last pass (an RFID already in the stock),
// after its builder began on the chunks, leaves nothing written and no
// builder running; so does one that failed midway.
func TestImportRefusedLateStopsItsBuilder(t *testing.T) {
	s, before := tChunkedStock(t)
	rows := tChunkRows("B", 1000)
	rows[999].RFID = tChunkRows("A", 250)[7].RFID
	_, err := s.ImportKeys(tAdmin, rows)
	var bad *ImportError
	if !errors.As(err, &bad) || !strings.Contains(err.Error(), "already in the stock") {
		t.Fatalf("an RFID already in the stock: %v", err)
	}
	tSameState(t, "refused by its RFIDs", before, tVisible(t, s))
	tNoBuilder(t, "refused by its RFIDs")

	importFailAfter = 3
	if _, err := s.ImportKeys(tAdmin, tChunkRows("B", 1000)); err == nil {
		t.Fatal("failing after 3 chunks: no error")
	}
	tNoBuilder(t, "failed after 3 chunks")
}

package store

import (
	"encoding/binary"
	"reflect"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A schema 6 database is upgraded on Open: the same trail, the same
// histories (deleted employees' included), the same chain, which goes on;
// every record readable; tampering still found. Opened read-only, it
// reads as it is.

// writeSchemaV6 rewrites a closed database as schemas 2 to 6 had it:
// format 2 entries, one value each; the history index buckets (per key or
// employee, the numbers of its entries as uvarint differences); keys and
// employees in format 3; ids in the indexes in 8 bytes. edit may change
// the entries first.
func writeSchemaV6(t *testing.T, path string, edit func([]model.AuditEntry)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		tr := openTrail(tx)
		var entries []model.AuditEntry
		prev := ""
		if err := tr.entries.ForEach(func(k, v []byte) error {
			run, err := tr.run(k, v)
			for _, se := range run {
				e := se.AuditEntry
				e.PrevHash, prev = prev, e.Hash
				entries = append(entries, e)
			}
			return err
		}); err != nil {
			return err
		}
		if edit != nil {
			edit(entries)
		}
		sequence := tr.entries.Sequence()
		for _, name := range [][]byte{bucketAudit, bucketDeletedHeads} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		audit, _ := tx.CreateBucket(bucketAudit)
		tr = openTrail(tx)
		byKey, byEmployee := map[uint64][]byte{}, map[uint64][]byte{}
		last := map[*map[uint64][]byte]map[uint64]uint64{&byKey: {}, &byEmployee: {}}
		add := func(ix *map[uint64][]byte, id, seq uint64) {
			if id != 0 {
				(*ix)[id] = binary.AppendUvarint((*ix)[id], seq-last[ix][id])
				last[ix][id] = seq
			}
		}
		for _, e := range entries {
			actor, err := tr.actorID(e.Actor)
			if err != nil {
				return err
			}
			v, err := migrate.EncodeAuditV2(e, actor)
			if err != nil {
				return err
			}
			if err := audit.Put(record.ID(e.Seq), v); err != nil {
				return err
			}
			add(&byKey, e.KeyID, e.Seq)
			add(&byEmployee, e.EmployeeID, e.Seq)
		}
		audit.SetSequence(sequence)
		for name, ix := range map[string]map[uint64][]byte{string(bucketAuditKey): byKey, string(bucketAuditEmp): byEmployee} {
			b, err := tx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			for id, v := range ix {
				b.Put(record.ID(id), v)
			}
		}
		if err := migrate.Rewrite(tx.Bucket(bucketKeys), func(v []byte) ([]byte, error) {
			k, err := decodeKey(v)
			return migrate.EncodeKeySchema6(k), err
		}); err != nil {
			return err
		}
		if err := migrate.Rewrite(tx.Bucket(bucketEmployees), func(v []byte) ([]byte, error) {
			e, err := decodeEmployee(v)
			return migrate.EncodeEmployeeSchema6(e), err
		}); err != nil {
			return err
		}
		if err := writeIndexesV3(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(6))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writeIndexesV3 stores the unique indexes' ids in 8 bytes, as schemas 1
// to 6 did.
func writeIndexesV3(tx *bolt.Tx) error {
	if err := writePlainKeyIndexes(tx); err != nil {
		return err
	}
	for _, name := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs, bucketEmails, bucketNames} {
		if err := migrate.Rewrite(tx.Bucket(name), func(v []byte) ([]byte, error) { return record.ID(record.IndexID(v)), nil }); err != nil {
			return err
		}
	}
	return nil
}

type storeState struct {
	trail     []model.AuditEntry
	audit     AuditState
	snap      Snapshot
	keys      map[uint64][]model.AuditEntry
	employees map[uint64][]model.AuditEntry
}

// tState reads what the store says about its data, histories of ids 1 to
// maxID included (deleted employees too).
func tState(t *testing.T, s *Store, maxID uint64) storeState {
	t.Helper()
	st := storeState{trail: tAudit(t, s), audit: tVerify(t, s), keys: map[uint64][]model.AuditEntry{}, employees: map[uint64][]model.AuditEntry{}}
	var err error
	if st.snap, err = s.Snapshot(); err != nil {
		t.Fatal(err)
	}
	st.snap.At = time.Time{} // when it was read
	st.snap.Directory.At = time.Time{}
	for id := uint64(1); id <= maxID; id++ {
		if st.keys[id], err = s.KeyHistory(id); err != nil {
			t.Fatal(err)
		}
		if st.employees[id], err = s.EmployeeHistory(id); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// tSchemaV6 builds a database with a varied trail (an import, the demo, a
// deleted employee, two actors), reads its state and leaves it closed in
// schema 6.
func tSchemaV6(t *testing.T, edit func([]model.AuditEntry)) (string, storeState) {
	t.Helper()
	s, _ := tOpenSchema8(t)
	if err := s.FillDemo(tAdmin, 80, 50); err != nil {
		t.Fatal(err)
	}
	ssh := model.Actor{Name: "bob", Fingerprint: "SHA256:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Bootstrap: true}
	tImportKeys(t, s, "SN-V3")
	if _, err := s.AddEmployee(ssh, tPerson("Vera"), "SN-V3"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveKey(ssh, Serial("SN-V3"), model.Withdrawal, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEmployee(ssh, Email(tEmail("Vera"))); err != nil {
		t.Fatal(err)
	}
	state := tState(t, s, 90)
	if len(state.employees[51]) != 5 {
		t.Fatalf("Vera's history: %d entries before the upgrade, want 5", len(state.employees[51]))
	}
	for i := range state.snap.Keys {
		state.snap.Keys[i].LastHolderID = 0 // the directory issue's field, in no old format
	}
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	writeSchemaV6(t, path, edit)
	return path, state
}

func TestMigrateSchemaV6(t *testing.T) {
	path, want := tSchemaV6(t, nil)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		if record.ParseID(tx.Bucket(bucketMeta).Get(metaSchema)) != 6 || tx.Bucket(bucketAuditKey) == nil ||
			tx.Bucket(bucketAudit).Get(record.ID(1))[0] != record.AuditFormat2 || tx.Bucket(bucketKeys).Get(record.ID(1))[0] != record.EntityFormatSchema6 ||
			len(tx.Bucket(bucketSerials).Get([]byte("SN-V3"))) != 8 {
			t.Error("the test database is not in schema 6's form")
		}
		return nil
	})
	db.Close()

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a read-only open of schema 6: %v", err)
	}
	if got := tState(t, ro, 90); !reflect.DeepEqual(got, want) {
		t.Error("a read-only open of schema 6 reads another trail, records or histories")
	}
	ro.Close()

	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("opening a schema 6 database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	s.DB().View(func(tx *bolt.Tx) error {
		if v := record.ParseID(tx.Bucket(bucketMeta).Get(metaSchema)); v != schemaVersion {
			t.Errorf("schema %d after the upgrade, want %d", v, schemaVersion)
		}
		if tx.Bucket(bucketAuditKey) != nil || tx.Bucket(bucketAuditEmp) != nil {
			t.Error("the history index buckets are still there")
		}
		return nil
	})
	got := tState(t, s, 90)
	got.trail = tWithoutUpgrade(t, got.trail)
	tVerifiedAfterUpgrade(t, got.audit, want.audit)
	got.audit = want.audit
	if !reflect.DeepEqual(got.trail, want.trail) || got.audit != want.audit {
		t.Errorf("the trail changed in the upgrade: %d entries %+v, had %d %+v", len(got.trail), got.audit, len(want.trail), want.audit)
	}
	if !reflect.DeepEqual(got.snap, want.snap) {
		t.Error("keys or employees changed in the upgrade")
	}
	for id := range want.keys {
		if !reflect.DeepEqual(got.keys[id], want.keys[id]) {
			t.Errorf("key %d: history of %d entries after the upgrade, had %d", id, len(got.keys[id]), len(want.keys[id]))
		}
		if !reflect.DeepEqual(got.employees[id], want.employees[id]) {
			t.Errorf("employee %d: history of %d entries after the upgrade, had %d", id, len(got.employees[id]), len(want.employees[id]))
		}
	}

	// Work goes on: the chain from the old head, histories from the old
	// heads.
	tAddEmployee(t, s, "Zed")
	if _, err := s.AssignKey(tAdmin, Serial("SN-V3"), tEmail("Zed")); err != nil {
		t.Fatal(err)
	}
	after := tAudit(t, s)
	if first := after[len(want.trail)]; first.PrevHash != want.audit.HeadHash || first.Seq != want.audit.Entries+1 {
		t.Errorf("the first new entry: seq %d, prev %q; want %d after head %q", first.Seq, first.PrevHash, want.audit.Entries+1, want.audit.HeadHash)
	}
	v3 := tKey(t, s, "SN-V3")
	if h, err := s.KeyHistory(v3.ID); err != nil || len(h) != len(want.keys[v3.ID])+2 || !reflect.DeepEqual(h[2:], want.keys[v3.ID]) {
		t.Errorf("SN-V3's history after two more entries: %d entries (%v), want %d", len(h), err, len(want.keys[v3.ID])+2)
	}
	tVerify(t, s)
}

func TestMigrateSchemaV6KeepsTampering(t *testing.T) {
	const n = 150 // an entry of the demo after the import
	path, _ := tSchemaV6(t, func(es []model.AuditEntry) { es[n-1].Note = "nothing to see here" })
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	wantChainError(t, s, n, "was changed after it was written")
}

// The upgrade run on an upgraded database changes nothing.
func TestMigrateV7Twice(t *testing.T) {
	s, _ := tOpenSchema8(t)
	if err := s.FillDemo(tAdmin, 80, 50); err != nil {
		t.Fatal(err)
	}
	before := tDump(t, s)
	if err := s.db.Update(func(tx *bolt.Tx) error { return migrate.Run(tx, 6, 7, upgrader{}) }); err != nil {
		t.Fatal(err)
	}
	after := tDump(t, s)
	if !reflect.DeepEqual(before, after) {
		t.Error("migrateV4 changed an upgraded database")
	}
}

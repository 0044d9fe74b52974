package store

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A schema 1 database is upgraded on Open: the same trail, the same
// histories, the same chain, which then goes on.

// encodeAuditV1 is how schema 1 stored an entry.
func encodeAuditV1(a model.AuditEntry) []byte {
	e := record.NewEncoder(record.Format1)
	e.Uint(a.Seq)
	e.Time(a.Time)
	e.Str(a.Actor)
	e.Str(string(a.Action))
	e.Str(a.Target)
	e.Uint(uint64(a.From))
	e.Uint(uint64(a.To))
	e.Uint(uint64(a.Reason))
	e.Str(a.Note)
	e.Uint(a.KeyID)
	e.Uint(a.EmployeeID)
	e.Str(a.PrevHash)
	e.Str(a.Hash)
	return e.Buf
}

// writeSchemaV1 rewrites a closed database as schema 1 had it: format 1
// records and entries, one history index record per entry, the head in
// hex, no actor table, no counts. edit may change the entries first.
func writeSchemaV1(t *testing.T, path string, edit func([]model.AuditEntry)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		var entries []model.AuditEntry
		prev := ""
		tr := openTrail(tx)
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
		for _, name := range [][]byte{bucketAudit, bucketAuditActors, bucketCounts, bucketDeletedHeads} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		audit, _ := tx.CreateBucket(bucketAudit)
		byKey, _ := tx.CreateBucket(bucketAuditKey)
		byEmployee, _ := tx.CreateBucket(bucketAuditEmp)
		for _, e := range entries {
			if err := audit.Put(record.ID(e.Seq), encodeAuditV1(e)); err != nil {
				return err
			}
			if e.KeyID != 0 {
				byKey.Put(append(record.ID(e.KeyID), record.ID(e.Seq)...), nil)
			}
			if e.EmployeeID != 0 {
				byEmployee.Put(append(record.ID(e.EmployeeID), record.ID(e.Seq)...), nil)
			}
		}
		audit.SetSequence(sequence)
		if err := downgradeToV5(tx); err != nil {
			return err
		}
		if err := writeIndexesV3(tx); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		meta.Put(metaAuditHead, []byte(prev))
		return meta.Put(metaSchema, record.ID(1))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// tSchemaV1 builds a database with a varied trail, reads what the store
// says about it, and leaves it closed in schema 1.
func tSchemaV1(t *testing.T, edit func([]model.AuditEntry)) (path string, trail []model.AuditEntry, state AuditState, histories map[uint64][]model.AuditEntry) {
	t.Helper()
	s, _ := tOpenSchema8(t)
	if err := s.FillDemo(tAdmin, 80, 50); err != nil {
		t.Fatal(err)
	}
	ssh := model.Actor{Name: "bob", Fingerprint: "SHA256:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Bootstrap: true}
	tImportKeys(t, s, "SN-V1")
	if _, err := s.AddEmployee(ssh, tPerson("Vera"), "SN-V1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReissueCode(ssh, Serial("SN-V1")); err != nil {
		t.Fatal(err)
	}
	trail, state = tAudit(t, s), tVerify(t, s)
	histories = map[uint64][]model.AuditEntry{}
	for id := uint64(1); id <= 81; id++ {
		h, err := s.KeyHistory(id)
		if err != nil {
			t.Fatal(err)
		}
		histories[id] = h
	}
	path = s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	writeSchemaV1(t, path, edit)
	return path, trail, state, histories
}

func TestMigrateSchemaV1(t *testing.T) {
	path, trail, state, histories := tSchemaV1(t, nil)

	// The file is schema 1 now: hex hashes in the entries, no actor table.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		last := tx.Bucket(bucketAudit).Get(record.ID(state.Entries))
		if record.ParseID(tx.Bucket(bucketMeta).Get(metaSchema)) != 1 || !bytes.Contains(last, []byte(state.HeadHash)) || tx.Bucket(bucketAuditActors) != nil {
			t.Error("the test database is not in schema 1's form")
		}
		return nil
	})
	db.Close()

	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("opening a schema 1 database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	s.DB().View(func(tx *bolt.Tx) error {
		if v := record.ParseID(tx.Bucket(bucketMeta).Get(metaSchema)); v != schemaVersion {
			t.Errorf("schema %d after the upgrade, want %d", v, schemaVersion)
		}
		return nil
	})
	if got := tWithoutUpgrade(t, tAudit(t, s)); !reflect.DeepEqual(got, trail) {
		t.Errorf("the trail changed in the upgrade: %d entries, had %d", len(got), len(trail))
	}
	upgraded := tVerify(t, s)
	tVerifiedAfterUpgrade(t, upgraded, state)
	state = upgraded // the chain goes on after the upgrade's entries
	for id, want := range histories {
		if got, err := s.KeyHistory(id); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("key %d: history of %d entries after the upgrade (%v), had %d", id, len(got), err, len(want))
		}
	}

	// The chain goes on from the old head, and a new actor gets a number.
	tImportKeys(t, s, "SN-V2")
	after := tAudit(t, s)
	if last := after[len(after)-1]; last.PrevHash != state.HeadHash || last.Seq != state.Entries+1 {
		t.Errorf("the first new entry: seq %d, prev %q; want %d after head %q", last.Seq, last.PrevHash, state.Entries+1, state.HeadHash)
	}
	if _, err := s.AddEmployee(model.LocalAdmin("carol"), tPerson("Carl"), ""); err != nil {
		t.Fatal(err)
	}
	after = tAudit(t, s)
	if last := after[len(after)-1]; last.Actor != "carol (admin, local)" {
		t.Errorf("the new actor reads back as %q", last.Actor)
	}
	if st := tVerify(t, s); st.Entries != state.Entries+2 {
		t.Errorf("%d entries after two more changes, want %d", st.Entries, state.Entries+2)
	}
}

// Tampering done before the upgrade is still found after it.
func TestMigrateSchemaV1KeepsTampering(t *testing.T) {
	const n = 100
	for _, tc := range []struct {
		name     string
		edit     func([]model.AuditEntry)
		seq      uint64
		fragment string
	}{
		{"field changed", func(es []model.AuditEntry) { es[n-1].Note = "nothing to see here" }, n, "was changed after it was written"},
		{"entry changed and its hash recomputed", func(es []model.AuditEntry) {
			es[n-1].Note = "rewritten"
			es[n-1].Hash = es[n-1].ComputeHash()
		}, n + 1, "does not follow the entry before it"},
		{"previous hash changed", func(es []model.AuditEntry) { es[n-1].PrevHash = es[n-3].Hash }, n, "does not follow the entry before it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _, _, _ := tSchemaV1(t, tc.edit)
			s, err := Open(path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			wantChainError(t, s, tc.seq, tc.fragment)
		})
	}
}

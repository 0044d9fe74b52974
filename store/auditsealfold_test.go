package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// tSealPlaces counts the file's audit values by format and the seals kept
// in schema 9's audit_seals (-1: no such bucket).
func tSealPlaces(t testing.TB, db *bolt.DB) (formats map[byte]int, apart int) {
	t.Helper()
	formats, apart = map[byte]int{}, -1
	err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketEntrySeals); b != nil {
			apart = b.Stats().KeyN
		}
		return tx.Bucket(bucketAudit).ForEach(func(_, v []byte) error {
			formats[v[0]]++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return formats, apart
}

// A new file keeps every entry's seal in the entry: no audit_seals, every
// value in format 4 but an import's runs before its last (no seal).
func TestNewFileKeepsSealsInTheEntries(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SF-1", "Ann", model.Active)
	tImportKeys(t, s, "SF-2", "SF-3")
	tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	formats, apart := tSealPlaces(t, s.DB())
	if apart != -1 || formats[record.AuditSealedRunFormat] == 0 || formats[record.AuditRunFormat] != 0 {
		t.Fatalf("audit values by format %v, audit_seals holds %d", formats, apart)
	}
	if st := tVerify(t, s); !st.Sealed || !st.Signed || st.Records == 0 {
		t.Fatalf("VerifyAudit = %+v", st)
	}
}

// A file of schema 9 upgrades to 10 in place: its entries keep their
// seals in audit_seals, which is not written again; it verifies as
// before; entries written after carry their own; an admin whose last
// write is sealed in audit_seals still passes the live check, and again
// once a newer entry wrote them.
func TestSchema9FileUpgradesToSealsInTheEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keydesk.db")
	clock := &testClock{now: tStart}
	s, err := Open(path, Options{Now: clock.Now, NoSync: true, schemaCap: 9})
	if err != nil {
		t.Fatal(err)
	}
	tKeyIn(t, s, "S9-1", "Ann", model.Active)
	tKeyIn(t, s, "S9-5", "Cid", model.Active)
	tImportKeys(t, s, "S9-2", "S9-3", "S9-4")
	helen := tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	if _, err := s.SuspendKey(helen, Serial("S9-1"), ""); err != nil {
		t.Fatal(err)
	}
	before := tVerify(t, s)
	formats, apart := tSealPlaces(t, s.DB())
	if formats[record.AuditSealedRunFormat] != 0 || apart <= 0 {
		t.Fatalf("schema 9: audit values by format %v, audit_seals holds %d", formats, apart)
	}
	s.Close()

	s, err = Open(path, Options{Now: clock.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var schema uint64
	s.view(func(tx *bolt.Tx) error { schema = fileSchema(tx); return nil })
	if schema != schemaVersion {
		t.Fatalf("schema %d after the upgrade", schema)
	}
	if got := tVerify(t, s); got.Entries != before.Entries || got.Records != before.Records || got.Keys != before.Keys || !got.Signed {
		t.Fatalf("VerifyAudit after the upgrade %+v, before %+v", got, before)
	}
	if _, err := s.SuspendKey(helen, Serial("S9-5"), ""); err != nil {
		t.Fatalf("helen, added at schema 9, after the upgrade: %v", err)
	}
	if _, err := s.SetAdminRole(tAdmin, "helen", model.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	tKeyIn(t, s, "S10-3", "Bea", model.Active)
	if _, err := s.SuspendKey(helen, Serial("S10-3"), ""); err != nil {
		t.Fatalf("helen, changed at schema 10: %v", err)
	}
	tImportKeys(t, s, "S10-1", "S10-2")
	after := tVerify(t, s)
	if after.Entries <= before.Entries || !after.Signed || after.Records <= before.Records {
		t.Fatalf("VerifyAudit with entries of both schemas %+v, before %+v", after, before)
	}
	formats2, apart2 := tSealPlaces(t, s.DB())
	if apart2 != apart || formats2[record.AuditSealedRunFormat] == 0 || formats2[record.AuditRunFormat] < formats[record.AuditRunFormat] {
		t.Fatalf("after the upgrade: audit values by format %v (before %v), audit_seals holds %d (before %d)", formats2, formats, apart2, apart)
	}

	// A key changed with bbolt alone is named, whichever schema sealed it.
	for _, serial := range []string{"S9-3", "S10-2"} {
		id := tKey(t, s, serial).ID
		if err := s.db.Load().Update(func(tx *bolt.Tx) error {
			return editKey(tx, id, func(k *model.Key) { k.Firmware = "evil" })
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyAudit(); err == nil || !strings.Contains(err.Error(), "is not what audit entry") {
			t.Errorf("VerifyAudit after %s was changed: %v", serial, err)
		}
	}
}

// A cluster of schema 9 moves to 10 through its upgrade entry: while a
// node waits its entries keep their seals in audit_seals as the older
// keydesk's do, the upgrade entry moves every node at the same index, and
// from there every node writes the same format 4 entries.
func TestClusterSchema9UpgradesToSealsInTheEntries(t *testing.T) {
	c := newCappedCluster(t, 9)
	l := c.leader()
	if _, err := c.stores[l].ImportKeys(tAdmin, keyRows("F1", "F2", "F3")); err != nil {
		t.Fatal(err)
	}
	c.writeSome(l, "nine-", 2)
	c.settle()
	for i := range 3 {
		c.restartWith(i, 0)
		c.settle()
	}
	_, apart := tSealPlaces(t, c.stores[0].DB())
	if to, err := c.proposeUpgrade(); to != schemaVersion || err != nil {
		t.Fatalf("every voter upgraded: upgrade to %d, %v", to, err)
	}
	c.settle()
	for i := range 3 {
		if v := c.schemaOf(i); v != schemaVersion {
			t.Fatalf("node %d is of schema %d after the upgrade", i, v)
		}
		c.writeSome(i, fmt.Sprintf("ten%d-", i), 1)
	}
	if _, err := c.stores[c.leader()].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com"}, "F2"); err != nil {
		t.Fatal(err)
	}
	c.settle() // the same head and the same bytes on every node
	for i := range 3 {
		formats, got := tSealPlaces(t, c.stores[i].DB())
		if got != apart || formats[record.AuditSealedRunFormat] < 4 {
			t.Fatalf("node %d: audit values by format %v, audit_seals holds %d (%d at the upgrade)", i, formats, got, apart)
		}
		if st := tVerify(t, c.stores[i]); !st.Signed || st.Records == 0 {
			t.Fatalf("node %d: VerifyAudit = %+v", i, st)
		}
	}
}

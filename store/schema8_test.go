package store

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// tOpenSchema8 opens a new file that stays at schema 8 (codes sealed
// with their key id only, entries without the records they wrote), for
// the tests that turn it into a file of an older schema.
func tOpenSchema8(t testing.TB) (*Store, *testClock) {
	t.Helper()
	clock := &testClock{now: tStart}
	s, err := Open(filepath.Join(t.TempDir(), "keydesk.db"), Options{Now: clock.Now, NoSync: true, schemaCap: 8})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// tWithoutUpgrade is a trail read after the upgrade to schema 9, less the
// records.sealed entries the upgrade appended at its end.
func tWithoutUpgrade(t testing.TB, trail []model.AuditEntry) []model.AuditEntry {
	t.Helper()
	n := len(trail)
	for n > 0 && trail[n-1].Action == model.ActionRecordsSealed {
		n--
	}
	if n == len(trail) {
		t.Error("the upgrade to schema 9 appended no records.sealed entry")
	}
	return trail[:n]
}

// tVerifiedAfterUpgrade: after the upgrade the trail verifies as before,
// with the upgrade's entries more, and every record checked.
func tVerifiedAfterUpgrade(t testing.TB, got, before AuditState) {
	t.Helper()
	if got.Entries <= before.Entries || got.Keys != before.Keys || got.People != before.People || got.Records == 0 || !got.Signed {
		t.Errorf("VerifyAudit after the upgrade: %+v, before: %+v", got, before)
	}
}

// tForgetSeals removes from a file what schema 9 added beside the records
// (the entries' lists and signatures, the admins' last writes, the first
// records' seal), for a test that moves a file back to an older schema.
// Its entries still hash their lists: such a file reads, but does not
// verify.
func tForgetSeals(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketEntrySeals, bucketAdminLastWrite} {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) { // audit_seals: schema 9 only
			return err
		}
	}
	return tx.Bucket(bucketMeta).Delete(metaRecordsGenesis)
}

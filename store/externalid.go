package store

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// bucketExternalIDs indexes employees by their directory id (the
// directory issue). It is made by the first write that needs it, so a
// file of schema 8 needs no migration: a missing bucket is an empty index.
var bucketExternalIDs = []byte("idx_external")

// reindexExternal keeps the external id index in step with an employee's
// record (old is the record before, zero for a new one).
func reindexExternal(tx *bolt.Tx, old, e model.Employee) error {
	if old.ExternalID == e.ExternalID {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bucketExternalIDs)
	if err != nil {
		return err
	}
	return index.Reindex(b, old.ExternalID, e.ExternalID, record.IndexValue(e.ID))
}

// unindexExternal drops a deleted employee's directory id.
func unindexExternal(tx *bolt.Tx, e model.Employee) error {
	b := tx.Bucket(bucketExternalIDs)
	if e.ExternalID == "" || b == nil {
		return nil
	}
	return b.Delete([]byte(e.ExternalID))
}

// employeeIDByExternal is the employee with the directory id, 0 for none.
func employeeIDByExternal(tx *bolt.Tx, externalID string) uint64 {
	b := tx.Bucket(bucketExternalIDs)
	if externalID == "" || b == nil {
		return 0
	}
	v := b.Get([]byte(externalID))
	if v == nil {
		return 0
	}
	return record.IndexID(v)
}

// checkExternalUnique refuses a directory id another employee has.
func checkExternalUnique(tx *bolt.Tx, externalID string, self uint64) error {
	if id := employeeIDByExternal(tx, externalID); id != 0 && id != self {
		return &model.FieldError{Field: "external_id", Msg: "another employee already has the external id " + model.Printable(externalID)}
	}
	return nil
}

package store

import (
	"bytes"
	"slices"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// createImported makes the employees of an import whose rows were all
// checked (importEmployees), with their keys. Their records go in id
// order and their audit entries in sequence, both at the ends of their
// buckets; their e-mail and name index entries are kept aside and
// written at the end, each index in its own order. Written row by row,
// the index entries land in random places: until commit bbolt keeps a
// bucket's new entries in one node, where an insert in the middle moves
// every entry after it, and an import of n rows cost n² (55 minutes for a
// million). Sorted, each insert lands after the one before.
func (s *Store) createImported(tx *bolt.Tx, env *applyEnv, rows []EmployeeRow) ([]Handout, error) {
	now, by := env.Now, env.By
	employees := tx.Bucket(bucketEmployees)
	employees.FillPercent = 1 // ids only grow
	emails := make([]uniqueEntry, 0, len(rows))
	names := make([]uniqueEntry, 0, len(rows))
	var externals []uniqueEntry // directory ids, for the rows that have one
	var out []Handout
	for _, row := range rows {
		in, err := model.NormalizeEmployee(row.EmployeeInput)
		if err != nil {
			return nil, lineError(row.Line, err)
		}
		id, err := employees.NextSequence()
		if err != nil {
			return nil, err
		}
		e := model.Employee{ID: id, FirstName: in.FirstName, LastName: in.LastName, Email: in.Email,
			Phone: in.Phone, Department: in.Department, Position: in.Position, Company: in.Company, ExternalID: in.ExternalID, CreatedAt: now, UpdatedAt: now}
		if err := putEmployeeRecord(tx, model.Employee{}, &e); err != nil {
			return nil, err
		}
		emails = append(emails, uniqueEntry{key: []byte(e.Email), id: id})
		names = append(names, uniqueEntry{key: []byte(model.NameKey(e.FirstName, e.LastName)), id: id})
		if e.ExternalID != "" {
			externals = append(externals, uniqueEntry{key: []byte(e.ExternalID), id: id})
		}
		if err := s.appendAudit(tx, model.AuditEntry{
			Time: now, Actor: by, Action: model.ActionEmployeeCreated, Target: "employee " + e.Email, EmployeeID: e.ID,
		}); err != nil {
			return nil, err
		}
		if row.KeySerial != "" {
			view, err := s.assignNew(tx, by, row.KeySerial, &e)
			if err != nil {
				return nil, lineError(row.Line, err)
			}
			out = append(out, Handout{Serial: view.Serial, Email: e.Email, Code: view.Digits})
		}
		if err := s.leaveImported(tx, env, row, e.ID); err != nil {
			return nil, lineError(row.Line, err)
		}
	}
	if err := putSorted(tx.Bucket(bucketEmails), emails); err != nil {
		return nil, err
	}
	if err := putSorted(tx.Bucket(bucketNames), names); err != nil {
		return nil, err
	}
	if len(externals) == 0 {
		return out, nil
	}
	b, err := tx.CreateBucketIfNotExists(bucketExternalIDs)
	if err != nil {
		return nil, err
	}
	return out, putSorted(b, externals)
}

// uniqueEntry is one entry of a unique index: its value, the record's id.
type uniqueEntry struct {
	key []byte
	id  uint64
}

// putSorted writes entries into an index in key order. The keys were
// checked unique, against the index and each other, before.
func putSorted(b *bolt.Bucket, entries []uniqueEntry) error {
	slices.SortFunc(entries, func(a, b uniqueEntry) int { return bytes.Compare(a.key, b.key) })
	b.FillPercent = index.FillPercent
	for _, e := range entries {
		if err := b.Put(e.key, record.IndexValue(e.id)); err != nil {
			return err
		}
	}
	return nil
}

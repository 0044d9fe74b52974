package store

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Reading and writing single records inside a transaction, with their
// indexes. Every write of a key or employee goes through putKey/putEmployee
// so that no index can be forgotten.

func (s *Store) keyBySerial(tx *bolt.Tx, serial string) (model.Key, error) {
	norm, err := model.NormalizeSerial(serial)
	if err != nil {
		return model.Key{}, refused("%s", err)
	}
	id, err := s.keyIndex(tx, bucketSerials).Get(norm)
	if err != nil {
		return model.Key{}, err
	}
	if id == 0 {
		return model.Key{}, refused("there is no key with serial %s", norm)
	}
	return s.keyByID(tx, id)
}

// keyByID loads a key with its activation code, if it has one (its
// digits "" when they cannot be read here: see openCode).
func (s *Store) keyByID(tx *bolt.Tx, id uint64) (model.Key, error) {
	k, err := existingByID(tx, bucketKeys, id, decodeKey, "the key no longer exists")
	if err != nil {
		return k, err
	}
	if raw := tx.Bucket(bucketCodes).Get(record.ID(id)); raw != nil {
		code, err := s.openCode(id, raw)
		if err != nil {
			return k, err
		}
		k.Code = &code
	}
	return k, nil
}

// putKey writes a key, its code (or the code's removal) and its indexes.
// old is the key as stored before (zero for a new key).
// It sets k.Rev to the new revision.
func (s *Store) putKey(tx *bolt.Tx, old model.Key, k *model.Key) error {
	k.Rev = old.Rev + 1
	touchKey(tx, k.ID)
	id := record.ID(k.ID)
	if err := putWithHistory(tx, bucketKeys, sealKey, id, func(head uint64) []byte { return record.EncodeKey(*k, head) }); err != nil {
		return err
	}
	if err := recountKey(tx, old, *k); err != nil {
		return err
	}
	codes := tx.Bucket(bucketCodes)
	if k.Code != nil {
		env, err := s.envOf(tx)
		if err != nil {
			return err
		}
		sealed, err := s.sealCode(env.Random, k.ID, *k.Code)
		if err != nil {
			return err
		}
		if err := codes.Put(id, sealed); err != nil {
			return err
		}
		noteWrite(tx, sealCode, id)
	} else if old.Code != nil {
		if err := codes.Delete(id); err != nil {
			return err
		}
		noteWrite(tx, sealCode, id)
	}
	for _, ix := range []struct {
		bucket   []byte
		old, new string
	}{{bucketSerials, old.Serial, k.Serial}, {bucketMACs, old.MAC, k.MAC}, {bucketRFIDs, old.RFID, k.RFID}} {
		if err := s.keyIndex(tx, ix.bucket).Reindex(ix.old, ix.new, k.ID); err != nil {
			return err
		}
	}
	return nil
}

// putWithHistory writes record id of bucket name as encode makes it,
// keeping the head of its history (history.go), and notes the write for
// the records' seal (recordseal.go).
func putWithHistory(tx *bolt.Tx, name []byte, seal byte, id []byte, encode func(head uint64) []byte) error {
	b := tx.Bucket(name)
	if err := b.Put(id, encode(historyHead(b.Get(id)))); err != nil {
		return err
	}
	noteWrite(tx, seal, id)
	return nil
}

func employeeByEmail(tx *bolt.Tx, email string) (model.Employee, error) {
	norm, err := model.NormalizeEmail(email)
	if err != nil {
		return model.Employee{}, refused("%s", err)
	}
	id := tx.Bucket(bucketEmails).Get([]byte(norm))
	if id == nil {
		return model.Employee{}, refused("there is no employee with e-mail %s", norm)
	}
	return employeeByID(tx, record.IndexID(id))
}

func employeeByID(tx *bolt.Tx, id uint64) (model.Employee, error) {
	return existingByID(tx, bucketEmployees, id, decodeEmployee, "the employee no longer exists")
}

// putEmployee writes an employee and its unique indexes (e-mail, name).
// It sets e.Rev to the new revision.
func putEmployee(tx *bolt.Tx, old model.Employee, e *model.Employee) error {
	if err := putEmployeeRecord(tx, old, e); err != nil {
		return err
	}
	return reindexEmployee(tx, old, *e)
}

// putEmployeeRecord is putEmployee without the indexes, for an import
// that writes them all at the end, sorted (importemployees.go).
func putEmployeeRecord(tx *bolt.Tx, old model.Employee, e *model.Employee) error {
	e.Rev = old.Rev + 1
	touchEmployee(tx, e.ID)
	return putWithHistory(tx, bucketEmployees, sealEmployee, record.ID(e.ID), func(head uint64) []byte { return record.EncodeEmployee(*e, head) })
}

func reindexEmployee(tx *bolt.Tx, old model.Employee, e model.Employee) error {
	if err := index.Reindex(tx.Bucket(bucketEmails), old.Email, e.Email, record.IndexValue(e.ID)); err != nil {
		return err
	}
	if err := reindexExternal(tx, old, e); err != nil {
		return err
	}
	oldName := ""
	if old.ID != 0 {
		oldName = model.NameKey(old.FirstName, old.LastName)
	}
	return index.Reindex(tx.Bucket(bucketNames), oldName, model.NameKey(e.FirstName, e.LastName), record.IndexValue(e.ID))
}

func deleteEmployee(tx *bolt.Tx, e model.Employee) error {
	touchEmployee(tx, e.ID)
	employees := tx.Bucket(bucketEmployees)
	if err := keepHistory(tx, employees.Get(record.ID(e.ID)), e.ID); err != nil {
		return err
	}
	if err := employees.Delete(record.ID(e.ID)); err != nil {
		return err
	}
	noteWrite(tx, sealEmployee, record.ID(e.ID))
	if err := tx.Bucket(bucketEmails).Delete([]byte(e.Email)); err != nil {
		return err
	}
	if err := unindexExternal(tx, e); err != nil {
		return err
	}
	return tx.Bucket(bucketNames).Delete([]byte(model.NameKey(e.FirstName, e.LastName)))
}

// setEmployeeKey keeps the employee's side of the tie in step with the key.
func setEmployeeKey(tx *bolt.Tx, employeeID, keyID uint64) error {
	if employeeID == 0 {
		return nil
	}
	e, err := employeeByID(tx, employeeID)
	if err != nil {
		return err
	}
	updated := e
	updated.KeyID = keyID
	return putEmployee(tx, e, &updated)
}

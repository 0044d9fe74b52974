package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// KeyLine is one key as an export writes it: the key (without its code),
// its holder's and its last holder's e-mails ("" for none, or an employee
// deleted since) and its profile's name.
type KeyLine struct {
	Key             model.Key
	HolderEmail     string
	LastHolderEmail string
	Profile         string
}

// EachKey calls fn with every key in id order, in one read transaction,
// and the moment of that transaction (the licence statuses' day). Only
// one key is held at a time: an export of any size takes bounded memory,
// and a reader that stalls (a client that stops reading) holds no more.
func (s *Store) EachKey(fn func(line KeyLine, at time.Time) error) error {
	return s.view(func(tx *bolt.Tx) error {
		at := s.now()
		uses, err := profileUses(tx)
		if err != nil {
			return err
		}
		profiles := make(map[uint64]string, len(uses))
		for _, p := range uses {
			profiles[p.ID] = p.Name
		}
		employees := tx.Bucket(bucketEmployees)
		email := func(id uint64) (string, error) {
			if id == 0 {
				return "", nil
			}
			e, _, err := recordByID(employees, bucketEmployees, id, decodeEmployee)
			return e.Email, err
		}
		return eachRecord(tx, bucketKeys, decodeKey, func(k model.Key) error {
			line := KeyLine{Key: k, Profile: profiles[k.ProfileID]}
			var err error
			if line.HolderEmail, err = email(k.EmployeeID); err != nil {
				return err
			}
			if line.LastHolderEmail, err = email(k.LastHolderID); err != nil {
				return err
			}
			return fn(line, at)
		})
	})
}

// EachEmployee calls fn with every employee in id order and the serial
// of the key they hold ("" for none), in one read transaction, one at a
// time (as EachKey).
func (s *Store) EachEmployee(fn func(e model.Employee, keySerial string) error) error {
	return s.view(func(tx *bolt.Tx) error {
		keys := tx.Bucket(bucketKeys)
		return eachRecord(tx, bucketEmployees, decodeEmployee, func(e model.Employee) error {
			serial := ""
			if e.KeyID != 0 {
				k, _, err := recordByID(keys, bucketKeys, e.KeyID, decodeKey)
				if err != nil {
					return err
				}
				serial = k.Serial
			}
			return fn(e, serial)
		})
	})
}

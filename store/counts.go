package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// bucketCounts holds how many keys are in each status, kept by putKey in
// the same transaction as the key, so that a screen can show the counts
// without reading 100,000 keys first. profile_counts and licence_days
// (schema 6) do the same for profiles and licence end dates.
var bucketCounts = []byte("key_counts")

// bucketLicenceDays counts the keys whose licence ends on each day (the
// day number, big-endian, so in date order). A licence's status moves
// with the clock, so it cannot be counted once and kept; the keys due on
// each day can, and the statuses of today are a walk over the dates,
// never over the keys.
var bucketLicenceDays = []byte("licence_days")

func countKey(s model.Status) []byte { return []byte{byte(s)} }

// recountKey moves a key from the counts its old record was in to those
// of its new one. old is the zero key for a new one.
func recountKey(tx *bolt.Tx, old, k model.Key) error {
	if err := recount(tx, old.Status, k.Status); err != nil {
		return err
	}
	var oldProfile, newProfile, oldDay, newDay []byte
	if old.ProfileID != 0 {
		oldProfile = record.ID(old.ProfileID)
	}
	if k.ProfileID != 0 {
		newProfile = record.ID(k.ProfileID)
	}
	if d := record.LicenceDay(old.LicenceUntil); d != 0 {
		oldDay = record.ID(d)
	}
	if d := record.LicenceDay(k.LicenceUntil); d != 0 {
		newDay = record.ID(d)
	}
	if err := move(tx.Bucket(bucketProfileCounts), oldProfile, newProfile); err != nil {
		return err
	}
	return move(tx.Bucket(bucketLicenceDays), oldDay, newDay)
}

// recount moves one key from one status's count to another's.
func recount(tx *bolt.Tx, from, to model.Status) error {
	if from == to {
		return nil
	}
	var fromKey []byte
	if from != 0 {
		fromKey = countKey(from)
	}
	return move(tx.Bucket(bucketCounts), fromKey, countKey(to))
}

// move takes one from the count under from and adds one under to; nil is
// no count. A count that falls to zero is removed, so that the licence
// days hold only days some key ends on.
func move(counts *bolt.Bucket, from, to []byte) error {
	if string(from) == string(to) {
		return nil
	}
	if from != nil {
		n := record.ParseID(counts.Get(from))
		var err error
		if n <= 1 {
			err = counts.Delete(from)
		} else {
			err = counts.Put(from, record.ID(n-1))
		}
		if err != nil {
			return err
		}
	}
	if to == nil {
		return nil
	}
	return counts.Put(to, record.ID(record.ParseID(counts.Get(to))+1))
}

// licenceCounts is how many keys have a licence in each status at now,
// from the counts by end date.
func licenceCounts(tx *bolt.Tx, now time.Time) (map[model.LicenceStatus]int, error) {
	out := map[model.LicenceStatus]int{}
	if beforeProfiles(tx) {
		return out, nil // a schema 4 or 5 file, read-only: no licences yet
	}
	today := model.LicenceDay(now)
	err := tx.Bucket(bucketLicenceDays).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return record.ErrCorrupt
		}
		out[model.LicenceStatusForDays(int(record.ParseID(k))-today)] += int(record.ParseID(v))
		return nil
	})
	return out, err
}

// addToCount counts n more keys under key (a status, a profile, a day).
func addToCount(counts *bolt.Bucket, key []byte, n uint64) error {
	if n == 0 {
		return nil
	}
	return counts.Put(key, record.ID(record.ParseID(counts.Get(key))+n))
}

func statusCounts(tx *bolt.Tx) (map[model.Status]int, error) {
	out := make(map[model.Status]int, len(model.Statuses))
	err := tx.Bucket(bucketCounts).ForEach(func(k, v []byte) error {
		if len(k) != 1 || !model.Status(k[0]).Valid() {
			return record.ErrCorrupt
		}
		if c := record.ParseID(v); c > 0 {
			out[model.Status(k[0])] = int(c)
		}
		return nil
	})
	return out, err
}

// FirstPage is the start of the employee list in name order with the keys
// they hold: enough for a first screen while the whole lists load.
type FirstPage struct {
	Employees []model.Employee
	Keys      []model.Key // the keys of those employees, without codes
	Counts    map[model.Status]int
	Licences  map[model.LicenceStatus]int // keys with a licence, by its status at At
	At        time.Time
}

// EmployeesFirstPage reads the first n employees by name, their keys and
// the status counts, in one read transaction.
func (s *Store) EmployeesFirstPage(n int) (FirstPage, error) {
	var page FirstPage
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketNames).Cursor()
		for k, id := c.First(); k != nil && len(page.Employees) < n; k, id = c.Next() {
			e, err := employeeByID(tx, record.IndexID(id))
			if err != nil {
				return err
			}
			page.Employees = append(page.Employees, e)
			if e.KeyID != 0 {
				key, err := s.keyByID(tx, e.KeyID)
				if err != nil {
					return err
				}
				key.Code = nil
				page.Keys = append(page.Keys, key)
			}
		}
		var err error
		if page.Counts, err = statusCounts(tx); err != nil {
			return err
		}
		page.At = s.now()
		page.Licences, err = licenceCounts(tx, page.At)
		return err
	})
	return page, err
}

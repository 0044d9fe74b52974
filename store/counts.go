package store

import (
	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// bucketCounts holds how many keys are in each status, kept by putKey in
// the same transaction as the key, so that a screen can show the counts
// without reading 100,000 keys first.
var bucketCounts = []byte("key_counts")

func countKey(s model.Status) []byte { return []byte{byte(s)} }

// recount moves one key from one status's count to another's.
func recount(tx *bolt.Tx, from, to model.Status) error {
	if from == to {
		return nil
	}
	counts := tx.Bucket(bucketCounts)
	if from != 0 {
		if err := counts.Put(countKey(from), itob(btoi(counts.Get(countKey(from)))-1)); err != nil {
			return err
		}
	}
	return counts.Put(countKey(to), itob(btoi(counts.Get(countKey(to)))+1))
}

// migrateCounts (schema 2 -> 3) counts the keys already stored.
func migrateCounts(tx *bolt.Tx) error {
	counts, err := tx.CreateBucketIfNotExists(bucketCounts)
	if err != nil {
		return err
	}
	n := map[model.Status]uint64{}
	if err := tx.Bucket(bucketKeys).ForEach(func(_, v []byte) error {
		k, err := decodeKey(v)
		n[k.Status]++
		return err
	}); err != nil {
		return err
	}
	for s, c := range n {
		if err := counts.Put(countKey(s), itob(c)); err != nil {
			return err
		}
	}
	return nil
}

// StatusCounts returns how many keys are in each status.
func (s *Store) StatusCounts() (map[model.Status]int, error) {
	var out map[model.Status]int
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = statusCounts(tx)
		return err
	})
	return out, err
}

func statusCounts(tx *bolt.Tx) (map[model.Status]int, error) {
	out := make(map[model.Status]int, len(model.Statuses))
	err := tx.Bucket(bucketCounts).ForEach(func(k, v []byte) error {
		if len(k) != 1 || !model.Status(k[0]).Valid() {
			return errCorrupt
		}
		if c := btoi(v); c > 0 {
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
}

// EmployeesFirstPage reads the first n employees by name, their keys and
// the status counts, in one read transaction.
func (s *Store) EmployeesFirstPage(n int) (FirstPage, error) {
	var page FirstPage
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketNames).Cursor()
		for k, id := c.First(); k != nil && len(page.Employees) < n; k, id = c.Next() {
			e, err := employeeByID(tx, btoi(id))
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
		page.Counts, err = statusCounts(tx)
		return err
	})
	return page, err
}

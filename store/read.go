package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Snapshot is every key, employee and profile at one moment, for lists
// and exports. Keys carry no activation codes. At is that moment: the
// licence statuses of the snapshot are those of At.
type Snapshot struct {
	Keys      []model.Key
	Employees []model.Employee
	Profiles  []ProfileUse // Default first, then by name
	At        time.Time
	// Directory is the directory sync's state (the directory issue).
	Directory DirectoryStatus
}

// Counts returns how many keys are in each status.
func (s Snapshot) Counts() map[model.Status]int {
	counts := make(map[model.Status]int, len(model.Statuses))
	for _, k := range s.Keys {
		counts[k.Status]++
	}
	return counts
}

// Snapshot reads all keys, employees and profiles in one read
// transaction.
func (s *Store) Snapshot() (Snapshot, error) {
	var snap Snapshot
	err := s.view(func(tx *bolt.Tx) error {
		snap.At = s.now()
		var err error
		if snap.Profiles, err = profileUses(tx); err != nil {
			return err
		}
		if snap.Keys, err = allRecords(tx, bucketKeys, decodeKey); err != nil {
			return err
		}
		if snap.Employees, err = allRecords(tx, bucketEmployees, decodeEmployee); err != nil {
			return err
		}
		snap.Directory, err = s.directoryStatusTx(tx, snap.Employees, snap.At)
		return err
	})
	return snap, err
}

// Key returns one key by serial, without its code.
func (s *Store) Key(serial string) (model.Key, error) {
	return viewValue(s, func(tx *bolt.Tx) (model.Key, error) {
		k, err := s.keyBySerial(tx, serial)
		k.Code = nil
		return k, err
	})
}

// Employee returns one employee by e-mail.
func (s *Store) Employee(email string) (model.Employee, error) {
	return viewValue(s, func(tx *bolt.Tx) (model.Employee, error) { return employeeByEmail(tx, email) })
}

// ProfileByID returns one profile by id, as the key that has it says.
func (s *Store) ProfileByID(id uint64) (model.Profile, error) {
	return viewValue(s, func(tx *bolt.Tx) (model.Profile, error) { return profileByID(tx, id) })
}

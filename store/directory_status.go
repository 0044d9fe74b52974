package store

import (
	"encoding/json"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

var metaDirectoryLast = []byte("directory_last_sync")

// LastSync is the last sync applied: when, from where, what it did.
type LastSync struct {
	At      time.Time
	Source  string
	Summary string
}

// DirectoryStatus is what helpdesk, auditors and admins see of the sync:
// its last applied run and the leavers' keys that wait for the grace
// period (soonest first).
type DirectoryStatus struct {
	Last    LastSync // zero when no sync was applied
	Pending []model.SyncWithdrawal
	Due     []model.SyncWithdrawal // past the grace period, withdrawn at the next sync
	Policy  model.SyncPolicy
	At      time.Time
}

// PendingLine is the header's "3 leavers: keys withdrawn in 2 days".
func (d DirectoryStatus) PendingLine() string {
	if len(d.Due) > 0 {
		return model.PendingLine(d.Due, d.At)
	}
	return model.PendingLine(d.Pending, d.At)
}

func putLastSync(tx *bolt.Tx, last LastSync) error {
	raw, err := json.Marshal(last)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(metaDirectoryLast, raw)
}

// DirectoryStatus reads the sync's state.
func (s *Store) DirectoryStatus(who model.Actor) (DirectoryStatus, error) {
	var out DirectoryStatus
	if err := s.Check(who, model.OpDirectoryStatus); err != nil {
		return out, err
	}
	err := s.view(func(tx *bolt.Tx) error {
		out = DirectoryStatus{At: s.now()}
		set, _, err := s.readDirectory(tx)
		if err != nil && !IsSecretsError(err) {
			return err
		}
		out.Policy = set.Policy
		if raw := tx.Bucket(bucketMeta).Get(metaDirectoryLast); raw != nil {
			if err := json.Unmarshal(raw, &out.Last); err != nil {
				return errCorrupt
			}
		}
		return tx.Bucket(bucketEmployees).ForEach(func(_, v []byte) error {
			e, err := decodeEmployee(v)
			if err != nil || !e.HasLeft() || e.KeyID == 0 {
				return err
			}
			w := model.SyncWithdrawal{Employee: e, Due: model.WithdrawalAt(e, out.Policy.Grace)}
			if model.WithdrawalDue(e, out.Policy.Grace, out.At) {
				out.Due = append(out.Due, w)
			} else {
				out.Pending = append(out.Pending, w)
			}
			return nil
		})
	})
	return out, err
}

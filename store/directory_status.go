package store

import (
	"encoding/json"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

var metaDirectoryLast = []byte("directory_last_sync")

// LastSync is the last sync applied: when, from where, what it did.
type LastSync struct {
	At      time.Time
	Source  string
	Summary string
}

// SyncRefusedNote is a refused sync, for the screens.
type SyncRefusedNote struct {
	At     time.Time
	Source string
	Why    string
}

// DirectoryStatus is what helpdesk, auditors and admins see of the sync:
// its last applied run and the leavers' keys that wait for the grace
// period (soonest first).
type DirectoryStatus struct {
	Last LastSync // zero when no sync was applied
	// Refused is the last sync refused in this process since the last one
	// applied (nil: none).
	Refused *SyncRefusedNote
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
		employees, err := allEmployees(tx)
		if err != nil {
			return err
		}
		out, err = s.directoryStatusTx(tx, employees, s.now())
		return err
	})
	return out, err
}

// directoryStatusTx is the sync's state from the employees as read in tx.
func (s *Store) directoryStatusTx(tx *bolt.Tx, employees []model.Employee, now time.Time) (DirectoryStatus, error) {
	out := DirectoryStatus{At: now, Refused: s.syncRefused.Load()}
	set, _, err := s.readDirectory(tx)
	if err != nil && !IsSecretsError(err) {
		return out, err
	}
	out.Policy = set.Policy
	if raw := tx.Bucket(bucketMeta).Get(metaDirectoryLast); raw != nil {
		if err := json.Unmarshal(raw, &out.Last); err != nil {
			return out, record.ErrCorrupt
		}
	}
	for _, e := range employees {
		if !e.HasLeft() || e.KeyID == 0 {
			continue
		}
		w := model.SyncWithdrawal{Employee: e, Due: model.WithdrawalAt(e, out.Policy.Grace)}
		if model.WithdrawalDue(e, out.Policy.Grace, now) {
			out.Due = append(out.Due, w)
		} else {
			out.Pending = append(out.Pending, w)
		}
	}
	return out, nil
}

// noteSyncRefused keeps the last refusal for the screens; nil clears it.
func (s *Store) noteSyncRefused(source string, err error) {
	if err == nil {
		s.syncRefused.Store(nil)
		return
	}
	s.syncRefused.Store(&SyncRefusedNote{At: s.now(), Source: source, Why: err.Error()})
}

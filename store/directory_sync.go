package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// SyncOptions are an admin's choices for one sync.
type SyncOptions struct {
	// DryRun computes and returns the plan, and changes nothing.
	DryRun bool
	// ConfirmLeavers lets through a sync with more leavers than the
	// policy's share, when it is exactly their number.
	ConfirmLeavers int
}

// SyncResult is a sync's plan, and whether it was applied.
type SyncResult struct {
	Source  string
	Plan    model.SyncPlan
	Policy  model.SyncPolicy
	Applied bool
	At      time.Time
}

// SyncDirectory keeps the employees in step with a directory. The source
// is read first (outside any transaction, within the settings' timeout);
// then, in one write transaction, the plan is computed against the
// employees as they are, checked by the fail-safe and applied entry by
// entry: all of it or nothing. A source that fails or answers wrongly,
// and a plan the fail-safe refuses, change no record: one audit entry
// says why (none for a dry run), and the error is a *model.SyncRefusal
// or *model.SourceError.
func (s *Store) SyncDirectory(ctx context.Context, who model.Actor, src DirectorySource, opt SyncOptions) (SyncResult, error) {
	res := SyncResult{Source: src.Name()}
	if err := s.Check(who, model.OpDirectorySync); err != nil {
		return res, err
	}
	settings, _, err := s.directorySettings()
	if err != nil && !IsSecretsError(err) {
		return res, err
	}
	res.Policy = settings.Policy
	ctx, cancel := context.WithTimeout(ctx, settings.Timeout)
	people, fields, err := src.People(ctx)
	cancel()
	res.Source = src.Name() // after reading: a source may say what it left out
	if err != nil {
		var se *model.SourceError
		if !errors.As(err, &se) {
			err = &model.SourceError{Msg: "refused: the directory could not be read: " + err.Error() + "; nothing was changed"}
		}
		if !opt.DryRun {
			if rerr := s.recordSyncRefused(who, res.Source, err.Error()); rerr != nil {
				return res, rerr
			}
			s.noteSyncRefused(res.Source, err)
		}
		return res, err
	}
	if opt.DryRun {
		err := s.view(func(tx *bolt.Tx) error {
			res.At = s.now()
			employees, err := allEmployees(tx)
			if err != nil {
				return err
			}
			res.Plan, err = model.PlanSync(people, employees, fields, settings.Policy.Grace, res.At)
			if err != nil {
				return err
			}
			return res.Plan.CheckSync(settings.Policy, opt.ConfirmLeavers)
		})
		return res, err
	}
	out, err := s.exec(who, model.OpDirectorySync, syncArgs{Source: res.Source, People: people, Fields: uint8(fields), ConfirmLeavers: opt.ConfirmLeavers})
	if p, ok := out.(syncOutcome); ok {
		res.Plan, res.At, res.Applied = p.Plan, p.At, err == nil
		s.noteSyncRefused(res.Source, err)
	}
	return res, err
}

// syncArgs apply a sync: the people as the source listed them (read
// before the command, so that applying it reads nothing outside the
// database), planned against the employees as they are when it applies.
type syncArgs struct {
	Source         string
	People         []model.EmployeeInput
	Fields         uint8 // model.SyncFields
	ConfirmLeavers int
}

// syncOutcome is what a sync command returns, applied or refused.
type syncOutcome struct {
	Plan model.SyncPlan
	At   time.Time
}

func (a syncArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	settings, _, err := s.readDirectory(tx)
	if err != nil && !IsSecretsError(err) {
		return nil, err
	}
	employees, err := allEmployees(tx)
	if err != nil {
		return nil, err
	}
	out := syncOutcome{At: env.Now}
	out.Plan, err = model.PlanSync(a.People, employees, model.SyncFields(a.Fields), settings.Policy.Grace, env.Now)
	if err == nil {
		err = out.Plan.CheckSync(settings.Policy, a.ConfirmLeavers)
	}
	var se *model.SourceError
	var sr *model.SyncRefusal
	if errors.As(err, &se) || errors.As(err, &sr) {
		return committedRefusal{value: out, err: err}, s.appendAudit(tx, syncRefusedEntry(env.By, a.Source, err.Error(), env.Now))
	}
	if err != nil {
		return nil, err
	}
	return out, s.applySync(tx, env, a.Source, out.Plan)
}

// recordSyncRefused writes the one audit entry of a sync refused before
// its plan (the source failed).
func (s *Store) recordSyncRefused(who model.Actor, source, why string) error {
	_, err := s.exec(who, model.OpDirectorySync, syncRefusedArgs{Source: source, Why: why})
	return err
}

// syncRefusedArgs record a sync refused before it could be planned.
type syncRefusedArgs struct{ Source, Why string }

func (a syncRefusedArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	return nil, s.appendAudit(tx, syncRefusedEntry(env.By, a.Source, a.Why, env.Now))
}

func syncRefusedEntry(by, source, why string, at time.Time) model.AuditEntry {
	return model.AuditEntry{Time: at, Actor: by, Action: model.ActionDirectorySyncRefused, Target: "directory", Note: source + ": " + why}
}

// applySync writes a checked plan: movers and returners, leavers,
// joiners, then the keys due for withdrawal, each with its audit entry,
// and a last entry that sums the sync up.
func (s *Store) applySync(tx *bolt.Tx, env *applyEnv, source string, plan model.SyncPlan) error {
	by, now := env.By, env.Now
	for _, m := range plan.Movers {
		e, err := employeeByID(tx, m.Employee.ID)
		if err != nil {
			return err
		}
		if len(m.Fields) > 0 {
			if e, err = s.moveEmployee(tx, by, e, m.To, now); err != nil {
				return err
			}
		}
		if m.Returning {
			if _, err := s.employeeEvent(tx, env, e, model.EmployeeEvent{Kind: model.EmployeeReturn, At: now}, "found again in the directory"); err != nil {
				return err
			}
		}
	}
	for _, l := range plan.Leavers {
		e, err := employeeByID(tx, l.ID)
		if err != nil {
			return err
		}
		if _, err := s.employeeEvent(tx, env, e, model.EmployeeEvent{Kind: model.EmployeeLeave, At: now, Reason: model.LeftReasonDirectory}, ""); err != nil {
			return err
		}
	}
	for _, in := range plan.Joiners {
		if _, err := s.createEmployeeAt(tx, by, in, now); err != nil {
			return fmt.Errorf("joiner %s: %w", in.Email, err)
		}
	}
	for _, w := range plan.Withdrawals {
		e, err := employeeByID(tx, w.Employee.ID)
		if err != nil {
			return err
		}
		if !e.HasLeft() || e.KeyID == 0 {
			continue
		}
		if _, err := s.withdrawLeaverKey(tx, env, e); err != nil {
			return err
		}
	}
	if err := putLastSync(tx, LastSync{At: now, Source: source, Summary: plan.Summary()}); err != nil {
		return err
	}
	return s.appendAudit(tx, model.AuditEntry{Time: now, Actor: by, Action: model.ActionDirectorySynced, Target: "directory",
		Note: source + ": " + plan.Summary()})
}

// moveEmployee writes a mover's new profile, checked by the same rules as
// an edit.
func (s *Store) moveEmployee(tx *bolt.Tx, by string, old model.Employee, to model.EmployeeInput, now time.Time) (model.Employee, error) {
	norm, err := model.NormalizeEmployee(to)
	if err != nil {
		return old, err
	}
	if err := checkUnique(tx, norm, old.ID); err != nil {
		return old, err
	}
	if err := checkExternalUnique(tx, norm.ExternalID, old.ID); err != nil {
		return old, err
	}
	e := old
	e.FirstName, e.LastName, e.Email = norm.FirstName, norm.LastName, norm.Email
	e.Phone, e.Department, e.Position, e.Company, e.ExternalID = norm.Phone, norm.Department, norm.Position, norm.Company, norm.ExternalID
	e.UpdatedAt = now
	if err := putEmployee(tx, old, &e); err != nil {
		return old, err
	}
	return e, s.appendAudit(tx, model.AuditEntry{Time: now, Actor: by, Action: model.ActionEmployeeEdited, Target: "employee " + e.Email,
		Note: changedFields(old, e) + " (directory)", EmployeeID: e.ID})
}

// allEmployees decodes every employee.
func allEmployees(tx *bolt.Tx) ([]model.Employee, error) {
	b := tx.Bucket(bucketEmployees)
	// Ids come from the bucket's sequence: it bounds the count without
	// walking every page as Stats would.
	out := make([]model.Employee, 0, min(b.Sequence(), 1<<22))
	err := b.ForEach(func(_, v []byte) error {
		e, err := decodeEmployee(v)
		out = append(out, e)
		return err
	})
	return out, err
}

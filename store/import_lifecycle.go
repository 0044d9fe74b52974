package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
	bolt "go.etcd.io/bbolt"
)

// rowLeaving reads an imported employee's lifecycle columns: whether they
// have left, when (RFC 3339 as export writes it, or a date), and why.
func rowLeaving(row EmployeeRow, now time.Time) (left bool, at time.Time, err error) {
	status, err := model.ParseEmployeeStatus(row.Status)
	if err != nil {
		return false, at, err
	}
	when := strings.TrimSpace(row.LeftAt)
	if status == model.EmployeeActive {
		if when != "" || strings.TrimSpace(row.LeftReason) != "" {
			return false, at, refused("left_at and left_reason go with the status left")
		}
		return false, at, nil
	}
	if when == "" {
		return true, now, nil
	}
	if at, err = time.Parse(time.RFC3339, when); err == nil {
		return true, at.UTC(), nil
	}
	if at, err = time.Parse(time.DateOnly, when); err == nil {
		return true, at, nil
	}
	return false, at, refused("left_at %q is not a time like 2026-12-07T09:00:00Z or a date like 2026-12-07", model.Printable(when))
}

// checkRowDirectory checks an imported row's lifecycle and external id
// (against the database and the rows before it: seen maps ids to lines).
func checkRowDirectory(tx *bolt.Tx, row EmployeeRow, in model.EmployeeInput, seen map[string]int, now time.Time, bad *csvfile.BadRows) {
	if _, _, err := rowLeaving(row, now); err != nil {
		bad.Add(row.Line, err.Error())
	}
	if in.ExternalID == "" {
		return
	}
	if err := checkExternalUnique(tx, in.ExternalID, 0); err != nil {
		bad.Add(row.Line, err.Error())
	}
	if first, dup := seen[in.ExternalID]; dup {
		bad.Add(row.Line, "external id "+model.Printable(in.ExternalID)+" is also on line "+strconv.Itoa(first))
	}
	seen[in.ExternalID] = row.Line
}

// leaveImported marks an imported employee as left when their row says so.
func (s *Store) leaveImported(tx *bolt.Tx, env *applyEnv, row EmployeeRow, id uint64) error {
	left, at, err := rowLeaving(row, env.Now)
	if err != nil || !left {
		return err
	}
	e, err := employeeByID(tx, id)
	if err != nil {
		return err
	}
	_, err = s.employeeEvent(tx, env, e, model.EmployeeEvent{Kind: model.EmployeeLeave, At: at, Reason: row.LeftReason}, "imported")
	return err
}

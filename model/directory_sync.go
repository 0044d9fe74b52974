package model

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// A directory sync keeps the employees in step with a directory: the
// people it lists now are compared with the employees, and the plan says
// who joins, who moves (which fields change), who leaves and whose keys
// are withdrawn. Planning reads nothing but its arguments; the store
// applies a plan in one transaction.

// SyncFields says which employee fields a source provides: only those are
// compared (a directory without phone numbers must not wipe them).
type SyncFields uint8

const (
	SyncLastName SyncFields = 1 << iota
	SyncPhone
	SyncDepartment
	SyncPosition
	SyncCompany
	// first name, e-mail and external id are always provided
)

// SyncPolicy is the fail-safe and the grace period.
type SyncPolicy struct {
	// Grace is how long a leaver keeps their key before it is withdrawn
	// (0: at once).
	Grace time.Duration
	// MaxLeaverPercent refuses a sync that would make more than this share
	// of the active employees leavers, unless confirmed.
	MaxLeaverPercent int
	// MinEntries refuses a source that lists fewer people (0: no floor).
	MinEntries int
}

// Defaults of the policy: 3 days of grace, at most 10% leavers.
const (
	DefaultSyncGrace        = 72 * time.Hour
	DefaultMaxLeaverPercent = 10
)

// DefaultSyncPolicy is the policy until an admin sets another.
func DefaultSyncPolicy() SyncPolicy {
	return SyncPolicy{Grace: DefaultSyncGrace, MaxLeaverPercent: DefaultMaxLeaverPercent}
}

// Validate refuses a policy that cannot work.
func (p SyncPolicy) Validate() error {
	switch {
	case p.Grace < 0:
		return refuse("the grace period cannot be negative")
	case p.Grace > 365*24*time.Hour:
		return refuse("the grace period is at most a year")
	case p.MaxLeaverPercent < 0 || p.MaxLeaverPercent > 100:
		return refuse("the share of leavers is a percentage from 0 to 100")
	case p.MinEntries < 0:
		return refuse("the floor of people cannot be negative")
	}
	return nil
}

// SyncMove is an employee whose fields change, or who is found again
// after leaving (Returning), or both.
type SyncMove struct {
	Employee  Employee
	To        EmployeeInput // the whole profile after the move
	Fields    []string      // what changes, in words
	Returning bool
}

// SyncConflict is a person the sync cannot apply (their e-mail or name
// belongs to another employee); they are listed and left out.
type SyncConflict struct {
	Person EmployeeInput
	Msg    string
}

// SyncWithdrawal is a leaver's key to withdraw at Due.
type SyncWithdrawal struct {
	Employee Employee
	Due      time.Time
}

// SyncPlan is what a sync would do.
type SyncPlan struct {
	Entries     int // people the source listed
	Active      int // active employees before the sync
	Joiners     []EmployeeInput
	Movers      []SyncMove
	Leavers     []Employee
	Withdrawals []SyncWithdrawal // due now, leavers of this sync included
	Pending     []SyncWithdrawal // leavers' keys waiting for the grace period
	Conflicts   []SyncConflict
	Unchanged   int
}

// Returners counts the movers found again after leaving.
func (p SyncPlan) Returners() int {
	n := 0
	for _, m := range p.Movers {
		if m.Returning {
			n++
		}
	}
	return n
}

// LeaverPercent is the leavers' share of the active employees.
func (p SyncPlan) LeaverPercent() float64 {
	if p.Active == 0 {
		return 0
	}
	return 100 * float64(len(p.Leavers)) / float64(p.Active)
}

// Empty reports whether applying the plan would change nothing.
func (p SyncPlan) Empty() bool {
	return len(p.Joiners)+len(p.Movers)+len(p.Leavers)+len(p.Withdrawals) == 0
}

// Summary is the plan in one line, for the audit trail and the header.
func (p SyncPlan) Summary() string {
	s := fmt.Sprintf("%d in the directory: %d %s, %d %s, %d %s, %d %s, %d %s withdrawn",
		p.Entries, len(p.Joiners), plural(len(p.Joiners), "joiner", "joiners"),
		len(p.Movers), plural(len(p.Movers), "mover", "movers"),
		len(p.Leavers), plural(len(p.Leavers), "leaver", "leavers"),
		p.Returners(), plural(p.Returners(), "returner", "returners"),
		len(p.Withdrawals), plural(len(p.Withdrawals), "key", "keys"))
	if len(p.Conflicts) > 0 {
		s += fmt.Sprintf(", %d %s left out", len(p.Conflicts), plural(len(p.Conflicts), "conflict", "conflicts"))
	}
	return s
}

// SyncRefusal is a sync the fail-safe refused; nothing changes.
type SyncRefusal struct {
	Msg string
	// Leavers is set when confirming this number would let the sync
	// through (the share rule); 0 when no confirmation can.
	Leavers int
}

func (r *SyncRefusal) Error() string { return r.Msg }

// CheckSync is the fail-safe: a source that lists nobody or fewer people
// than the floor is refused, and so is a plan that would make more than
// the policy's share of the active employees leavers, unless the admin
// confirmed exactly that number of leavers.
func (p SyncPlan) CheckSync(policy SyncPolicy, confirmLeavers int) error {
	switch {
	case p.Entries == 0:
		return &SyncRefusal{Msg: "refused: the directory listed nobody, which is never right; nothing was changed"}
	case p.Entries < policy.MinEntries:
		return &SyncRefusal{Msg: fmt.Sprintf("refused: the directory listed %d %s, fewer than the floor of %d; nothing was changed",
			p.Entries, plural(p.Entries, "person", "people"), policy.MinEntries)}
	}
	n := len(p.Leavers)
	if n == 0 || p.LeaverPercent() <= float64(policy.MaxLeaverPercent) {
		if confirmLeavers > 0 && confirmLeavers != n {
			return &SyncRefusal{Msg: fmt.Sprintf("refused: %d %s confirmed, but the sync has %d; nothing was changed",
				confirmLeavers, plural(confirmLeavers, "leaver", "leavers"), n)}
		}
		return nil
	}
	if confirmLeavers == n {
		return nil
	}
	msg := fmt.Sprintf("refused: the sync would make %d of %d active employees leavers (%.1f%%), more than %d%%: "+
		"check the directory, or confirm that number (--confirm-leavers %d); nothing was changed",
		n, p.Active, p.LeaverPercent(), policy.MaxLeaverPercent, n)
	if confirmLeavers > 0 {
		msg = fmt.Sprintf("refused: %d %s confirmed, but the sync has %d (%.1f%% of %d active employees); nothing was changed",
			confirmLeavers, plural(confirmLeavers, "leaver", "leavers"), n, p.LeaverPercent(), p.Active)
	}
	return &SyncRefusal{Msg: msg, Leavers: n}
}

// SourceError is a directory that could not be read, or answered
// something that cannot be right (the same person twice). Nothing
// changes.
type SourceError struct{ Msg string }

func (e *SourceError) Error() string { return e.Msg }

// PlanSync compares the people a source lists (normalized: see
// NormalizePerson) with the employees. People are matched by external id,
// then by e-mail with an employee who has none yet (who is then given
// it). Employees who have an external id and are no longer listed leave;
// employees without one were typed in and are not the directory's to
// remove. Any leaver holding a key past the grace period has it withdrawn.
func PlanSync(people []EmployeeInput, employees []Employee, fields SyncFields, grace time.Duration, now time.Time) (SyncPlan, error) {
	plan := SyncPlan{Entries: len(people)}
	byExternal := make(map[string]int, len(employees))
	byEmail := make(map[string]int, len(employees))
	for i := range employees {
		e := &employees[i]
		if e.ExternalID != "" {
			byExternal[e.ExternalID] = i
		}
		byEmail[e.Email] = i
		if !e.HasLeft() {
			plan.Active++
		}
	}
	// The names are indexed only when a joiner or a renamed person needs
	// them: most syncs have few, and lower-casing 100,000 names is most
	// of a plan's time.
	var names map[string]int
	byName := func() map[string]int {
		if names == nil {
			names = make(map[string]int, len(employees))
			for i := range employees {
				names[NameKey(employees[i].FirstName, employees[i].LastName)] = i
			}
		}
		return names
	}
	seenExternal := make(map[string]int, len(people))
	seenEmail := make(map[string]int, len(people))
	matched := make([]bool, len(employees))
	takenName := make(map[string]bool)
	for n, p := range people {
		if first, dup := seenExternal[p.ExternalID]; dup {
			return plan, &SourceError{Msg: fmt.Sprintf("the directory lists external id %s twice (entries %d and %d): it answers wrongly, nothing was changed",
				Printable(p.ExternalID), first+1, n+1)}
		}
		seenExternal[p.ExternalID] = n
		if first, dup := seenEmail[p.Email]; dup {
			return plan, &SourceError{Msg: fmt.Sprintf("the directory lists e-mail %s twice (entries %d and %d): it answers wrongly, nothing was changed",
				Printable(p.Email), first+1, n+1)}
		}
		seenEmail[p.Email] = n

		i, found := byExternal[p.ExternalID]
		if !found {
			if j, ok := byEmail[p.Email]; ok && employees[j].ExternalID == "" && !matched[j] {
				i, found = j, true
			}
		}
		if !found {
			name := NameKey(p.FirstName, p.LastName)
			if j, ok := byEmail[p.Email]; ok {
				plan.Conflicts = append(plan.Conflicts, SyncConflict{Person: p,
					Msg: fmt.Sprintf("e-mail %s belongs to %s, who has another external id", Printable(p.Email), Printable(employees[j].FullName()))})
				continue
			}
			if j, ok := byName()[name]; ok || takenName[name] {
				who := "another person in the directory"
				if ok {
					who = Printable(employees[j].Email)
				}
				plan.Conflicts = append(plan.Conflicts, SyncConflict{Person: p,
					Msg: fmt.Sprintf("the name %s is taken by %s", Printable(p.FirstName+" "+p.LastName), who)})
				continue
			}
			takenName[name] = true
			plan.Joiners = append(plan.Joiners, p)
			continue
		}
		matched[i] = true
		e := employees[i]
		move := SyncMove{Employee: e, To: moveTo(e, p, fields), Returning: e.HasLeft()}
		move.Fields = movedFields(e, move.To)
		if conflict := moveConflict(e, move.To, i, byEmail, byName, takenName); conflict != "" {
			plan.Conflicts = append(plan.Conflicts, SyncConflict{Person: p, Msg: conflict})
			continue
		}
		if len(move.Fields) == 0 && !move.Returning {
			plan.Unchanged++
			continue
		}
		if renamed(e, move.To) {
			takenName[NameKey(move.To.FirstName, move.To.LastName)] = true
		}
		plan.Movers = append(plan.Movers, move)
	}
	for i := range employees {
		e := employees[i]
		switch {
		case matched[i]:
		case !e.HasLeft() && e.ExternalID != "":
			plan.Leavers = append(plan.Leavers, e)
			if e.KeyID != 0 {
				left := e
				left.LeftAt = now
				plan.addWithdrawal(left, grace, now)
			}
		case e.HasLeft() && e.KeyID != 0:
			plan.addWithdrawal(e, grace, now)
		}
	}
	sort.Slice(plan.Pending, func(a, b int) bool { return plan.Pending[a].Due.Before(plan.Pending[b].Due) })
	return plan, nil
}

func (p *SyncPlan) addWithdrawal(e Employee, grace time.Duration, now time.Time) {
	w := SyncWithdrawal{Employee: e, Due: WithdrawalAt(e, grace)}
	if WithdrawalDue(e, grace, now) {
		p.Withdrawals = append(p.Withdrawals, w)
	} else {
		p.Pending = append(p.Pending, w)
	}
}

// moveTo is the employee's profile with the fields the source provides.
func moveTo(e Employee, p EmployeeInput, fields SyncFields) EmployeeInput {
	to := EmployeeInput{FirstName: p.FirstName, LastName: e.LastName, Email: p.Email, Phone: e.Phone,
		Department: e.Department, Position: e.Position, Company: e.Company, ExternalID: p.ExternalID}
	pick := func(f SyncFields, dst *string, src string) {
		if fields&f != 0 {
			*dst = src
		}
	}
	pick(SyncLastName, &to.LastName, p.LastName)
	pick(SyncPhone, &to.Phone, p.Phone)
	pick(SyncDepartment, &to.Department, p.Department)
	pick(SyncPosition, &to.Position, p.Position)
	pick(SyncCompany, &to.Company, p.Company)
	return to
}

// movedFields names what a move changes.
func movedFields(e Employee, to EmployeeInput) []string {
	var out []string
	add := func(name, a, b string) {
		if a != b {
			out = append(out, name)
		}
	}
	add("first name", e.FirstName, to.FirstName)
	add("last name", e.LastName, to.LastName)
	add("e-mail", e.Email, to.Email)
	add("phone", e.Phone, to.Phone)
	add("department", e.Department, to.Department)
	add("position", e.Position, to.Position)
	add("company", e.Company, to.Company)
	add("external id", e.ExternalID, to.ExternalID)
	return out
}

// moveConflict says why a move cannot be applied: its new e-mail or name
// belongs to another employee (or another person of this sync).
func moveConflict(e Employee, to EmployeeInput, self int, byEmail map[string]int, byName func() map[string]int, takenName map[string]bool) string {
	if to.Email != e.Email {
		if j, ok := byEmail[to.Email]; ok && j != self {
			return fmt.Sprintf("%s's new e-mail %s belongs to another employee", Printable(e.FullName()), Printable(to.Email))
		}
	}
	if renamed(e, to) {
		name := NameKey(to.FirstName, to.LastName)
		if j, ok := byName()[name]; (ok && j != self) || takenName[name] {
			return fmt.Sprintf("%s's new name %s is taken by another employee", Printable(e.FullName()), Printable(to.FirstName+" "+to.LastName))
		}
	}
	return ""
}

// renamed reports whether a move changes the name pair that must be
// unique (case aside).
func renamed(e Employee, to EmployeeInput) bool {
	return !strings.EqualFold(strings.TrimSpace(e.FirstName), strings.TrimSpace(to.FirstName)) ||
		!strings.EqualFold(strings.TrimSpace(e.LastName), strings.TrimSpace(to.LastName))
}

// GraceText is a grace period in words: "3 days", "36h0m0s", "none".
func GraceText(d time.Duration) string {
	switch {
	case d == 0:
		return "none (at once)"
	case d%(24*time.Hour) == 0:
		n := int(d / (24 * time.Hour))
		return fmt.Sprintf("%d %s", n, plural(n, "day", "days"))
	}
	return d.String()
}

// NormalizePerson checks one person as a source lists them: the employee
// rules, and an external id, which a directory entry always has.
func NormalizePerson(in EmployeeInput) (EmployeeInput, error) {
	out, err := NormalizeEmployee(in)
	if err != nil {
		return out, err
	}
	if out.ExternalID == "" {
		return out, &FieldError{Field: "external_id", Msg: "the external id is missing"}
	}
	return out, nil
}

// PendingLine is what the header says waits: "3 leavers: keys withdrawn
// in 2 days" (the soonest), "" when nothing waits.
func PendingLine(pending []SyncWithdrawal, now time.Time) string {
	if len(pending) == 0 {
		return ""
	}
	soonest := pending[0].Due
	for _, w := range pending[1:] {
		if w.Due.Before(soonest) {
			soonest = w.Due
		}
	}
	n := len(pending)
	return fmt.Sprintf("%d %s: %s withdrawn %s", n, plural(n, "leaver", "leavers"), plural(n, "key", "keys"), inDuration(soonest.Sub(now)))
}

func inDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "at the next sync"
	case d < time.Hour:
		return "within the hour"
	case d < 48*time.Hour:
		h := int((d + time.Hour - 1) / time.Hour)
		return fmt.Sprintf("in %d %s", h, plural(h, "hour", "hours"))
	}
	days := int((d + 24*time.Hour - 1) / (24 * time.Hour))
	return fmt.Sprintf("in %d days", days)
}

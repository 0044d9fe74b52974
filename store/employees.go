package store

import (
	"errors"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// EmployeeRef names the employee an admin acts on; Rev as in KeyRef.
type EmployeeRef struct {
	Email string
	Rev   uint64
}

// Email refers to an employee by e-mail alone.
func Email(email string) EmployeeRef { return EmployeeRef{Email: email} }

// KeyUnavailableError says the key picked for a new employee cannot be
// assigned (another admin took it, or it is gone). The wizard returns to
// its key page on this error.
type KeyUnavailableError struct {
	Serial string
	Msg    string
}

func (e *KeyUnavailableError) Error() string { return e.Msg }

// IsKeyUnavailable reports whether err is a *KeyUnavailableError.
func IsKeyUnavailable(err error) bool {
	var k *KeyUnavailableError
	return errors.As(err, &k)
}

func (s *Store) loadEmployee(tx *bolt.Tx, ref EmployeeRef) (model.Employee, error) {
	e, err := employeeByEmail(tx, ref.Email)
	if err != nil {
		return e, err
	}
	if ref.Rev != 0 && e.Rev != ref.Rev {
		return e, refused("%s was changed while you were looking: look again before acting", e.FullName())
	}
	return e, nil
}

// checkUnique refuses an e-mail or name pair that belongs to another
// employee (self is the employee being edited, 0 for a new one).
func checkUnique(tx *bolt.Tx, in model.EmployeeInput, self uint64) error {
	if errs := uniqueProblems(tx, in, self); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// uniqueProblems is every clash of in with the directory: its e-mail,
// then its name (an import lists both).
func uniqueProblems(tx *bolt.Tx, in model.EmployeeInput, self uint64) []error {
	var errs []error
	if id := tx.Bucket(bucketEmails).Get([]byte(in.Email)); id != nil && record.IndexID(id) != self {
		errs = append(errs, &model.FieldError{Field: "email", Msg: "another employee already has the e-mail " + in.Email})
	}
	if id := tx.Bucket(bucketNames).Get([]byte(model.NameKey(in.FirstName, in.LastName))); id != nil && record.IndexID(id) != self {
		name := model.Employee{FirstName: in.FirstName, LastName: in.LastName}.FullName()
		errs = append(errs, &model.FieldError{Field: "first_name", Msg: "an employee named " + name + " already exists"})
	}
	return errs
}

// CheckNewEmployee validates a profile against the rules and the database
// without writing, so that the wizard can say what is wrong before the
// admin moves on.
func (s *Store) CheckNewEmployee(in model.EmployeeInput) (model.EmployeeInput, error) {
	norm, err := model.NormalizeEmployee(in)
	if err != nil {
		return norm, err
	}
	return norm, s.view(func(tx *bolt.Tx) error { return checkUnique(tx, norm, 0) })
}

// NewEmployee is the result of creating an employee, with the code when a
// key was assigned in the same step.
type NewEmployee struct {
	Employee model.Employee
	Code     *CodeView
}

// addEmployeeArgs create an employee, with a key when KeySerial is set.
type addEmployeeArgs struct {
	Employee  model.EmployeeInput
	KeySerial string
}

// operations: adding someone with a key is also assigning it.
func (a addEmployeeArgs) operations(op model.Operation) []model.Operation {
	if a.KeySerial == "" {
		return []model.Operation{op}
	}
	return []model.Operation{op, model.OpKeyAssign}
}

func (a addEmployeeArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	e, err := s.createEmployeeAt(tx, env.By, a.Employee, env.Now)
	if err != nil {
		return nil, err
	}
	out := NewEmployee{Employee: e}
	if a.KeySerial == "" {
		return out, nil
	}
	view, err := s.assignNew(tx, env.By, a.KeySerial, &e)
	if err != nil {
		return nil, err
	}
	out.Code = &view
	out.Employee, err = employeeByID(tx, e.ID) // the assignment rewrote it
	return out, err
}

// AddEmployee creates an employee and, when keySerial is set, assigns that
// key: both or neither are stored.
func (s *Store) AddEmployee(who model.Actor, in model.EmployeeInput, keySerial string) (NewEmployee, error) {
	return execAs[NewEmployee](s, who, model.OpEmployeeAdd, addEmployeeArgs{Employee: in, KeySerial: keySerial})
}

func (s *Store) createEmployeeAt(tx *bolt.Tx, by string, in model.EmployeeInput, now time.Time) (model.Employee, error) {
	norm, err := model.NormalizeEmployee(in)
	if err != nil {
		return model.Employee{}, err
	}
	if err := checkUnique(tx, norm, 0); err != nil {
		return model.Employee{}, err
	}
	if err := checkExternalUnique(tx, norm.ExternalID, 0); err != nil {
		return model.Employee{}, err
	}
	employees := tx.Bucket(bucketEmployees)
	employees.FillPercent = 1 // ids only grow
	id, err := employees.NextSequence()
	if err != nil {
		return model.Employee{}, err
	}
	e := model.Employee{ID: id, FirstName: norm.FirstName, LastName: norm.LastName, Email: norm.Email,
		Phone: norm.Phone, Department: norm.Department, Position: norm.Position, Company: norm.Company, ExternalID: norm.ExternalID, CreatedAt: now, UpdatedAt: now}
	if err := putEmployee(tx, model.Employee{}, &e); err != nil {
		return e, err
	}
	return e, s.appendAudit(tx, model.AuditEntry{
		Time: now, Actor: by, Action: model.ActionEmployeeCreated, Target: "employee " + e.Email, EmployeeID: e.ID,
	})
}

// assignNew assigns a key to an employee created in the same transaction,
// turning "the key is not Ready" into a KeyUnavailableError.
func (s *Store) assignNew(tx *bolt.Tx, by, serial string, e *model.Employee) (CodeView, error) {
	k, err := s.keyBySerial(tx, serial)
	if err != nil {
		return CodeView{}, &KeyUnavailableError{Serial: serial, Msg: err.Error()}
	}
	if k.Status != model.Ready {
		return CodeView{}, &KeyUnavailableError{Serial: k.Serial,
			Msg: "key " + k.Serial + " is no longer Ready (it is " + k.Status.String() + "): someone else took it, pick another"}
	}
	ch, err := s.applyKeyEvent(tx, by, k, model.Event{Kind: model.EventAssign, Employee: e})
	if err != nil {
		return CodeView{}, err
	}
	e.KeyID = k.ID
	return s.showCode(tx, by, ch.Key)
}

// editEmployeeArgs replace an employee's profile.
type editEmployeeArgs struct {
	Ref      EmployeeRef
	Employee model.EmployeeInput
}

func (a editEmployeeArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	old, err := s.loadEmployee(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	norm, err := model.NormalizeEmployee(a.Employee)
	if err != nil {
		return nil, err
	}
	if err := checkUnique(tx, norm, old.ID); err != nil {
		return nil, err
	}
	e := old
	e.FirstName, e.LastName, e.Email = norm.FirstName, norm.LastName, norm.Email
	e.Phone, e.Department, e.Position, e.Company = norm.Phone, norm.Department, norm.Position, norm.Company
	if norm.ExternalID != "" {
		if err := checkExternalUnique(tx, norm.ExternalID, old.ID); err != nil {
			return nil, err
		}
		e.ExternalID = norm.ExternalID
	}
	if e == old {
		return nil, refused("nothing to change for %s", old.FullName())
	}
	e.UpdatedAt = env.Now
	if err := putEmployee(tx, old, &e); err != nil {
		return nil, err
	}
	return e, s.appendAudit(tx, model.AuditEntry{
		Actor: env.By, Action: model.ActionEmployeeEdited, Target: "employee " + e.Email,
		Note: changedFields(old, e), EmployeeID: e.ID,
	})
}

// EditEmployee replaces an employee's profile.
func (s *Store) EditEmployee(who model.Actor, ref EmployeeRef, in model.EmployeeInput) (model.Employee, error) {
	return execAs[model.Employee](s, who, model.OpEmployeeEdit, editEmployeeArgs{Ref: ref, Employee: in})
}

// changedFields lists what an edit changed, for the audit note.
func changedFields(old, e model.Employee) string {
	var names []string
	add := func(name string, a, b string) {
		if a != b {
			names = append(names, name)
		}
	}
	add("first name", old.FirstName, e.FirstName)
	add("last name", old.LastName, e.LastName)
	add("e-mail (was "+old.Email+")", old.Email, e.Email)
	add("phone", old.Phone, e.Phone)
	add("department", old.Department, e.Department)
	add("position", old.Position, e.Position)
	add("company", old.Company, e.Company)
	add("external id", old.ExternalID, e.ExternalID)
	return "changed: " + strings.Join(names, ", ")
}

// deleteEmployeeArgs remove an employee who holds no key.
type deleteEmployeeArgs struct{ Ref EmployeeRef }

func (a deleteEmployeeArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	e, err := s.loadEmployee(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	if e.KeyID != 0 {
		k, err := s.keyByID(tx, e.KeyID)
		if err != nil {
			return nil, err
		}
		return nil, refused("%s holds key %s (%s): remove the key first", e.FullName(), k.Serial, k.Status)
	}
	if err := deleteEmployee(tx, e); err != nil {
		return nil, err
	}
	return nil, s.appendAudit(tx, model.AuditEntry{
		Actor: env.By, Action: model.ActionEmployeeDeleted, Target: "employee " + e.Email,
		Note: e.FullName(), EmployeeID: e.ID,
	})
}

// DeleteEmployee removes an employee who holds no key.
func (s *Store) DeleteEmployee(who model.Actor, ref EmployeeRef) error {
	_, err := s.exec(who, model.OpEmployeeDelete, deleteEmployeeArgs{Ref: ref})
	return err
}

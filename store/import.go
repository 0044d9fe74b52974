package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
	bolt "go.etcd.io/bbolt"
)

// ImportKeys adds keys to the stock as Ready (T1): all rows or none. Every
// bad row is listed in an *ImportError.
func (s *Store) ImportKeys(who model.Actor, rows []KeyRow) (int, error) {
	return s.importKeys(who, importKeysArgs{Rows: rows})
}

func (s *Store) importKeys(who model.Actor, args importKeysArgs) (int, error) {
	if err := s.Check(who, model.OpImportKeys); err != nil {
		return 0, err // the role first (see Check)
	}
	n := args.rows().Len()
	if n == 0 {
		return 0, refused("the file has no keys to import")
	}
	if n >= bigImport {
		defer lowerGC(importGCPercent)() // gcpercent.go
	}
	if _, err := s.execImport(who, model.OpImportKeys, args); err != nil {
		return 0, err
	}
	return n, nil
}

// importKeysArgs add keys to the stock, all rows or none. Rows read
// from a file are held in table rather than Rows (importtable.go).
type importKeysArgs struct {
	Rows  []KeyRow
	table *csvfile.KeyTable `command:"-"`
}

func (a importKeysArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	return nil, s.importKeysAt(tx, env, a.rows(), env.Now)
}

// keyExtras are what an imported key has besides its own fields: its
// profile (set up with the key, so not pending) and licence.
type keyExtras struct {
	profile uint64
	licence time.Time
}

// profileIDs finds the profiles an import names, each once. Without a
// transaction it knows only those found before.
type profileIDs struct {
	tx    *bolt.Tx
	known map[string]uint64
}

// extras finds a row's profile and licence; it returns every problem of
// the two, the first as err.
func (p *profileIDs) extras(row KeyRow) (x keyExtras, errs []error) {
	x = keyExtras{profile: model.DefaultProfileID}
	if strings.TrimSpace(row.LicenceUntil) != "" {
		var err error
		if x.licence, err = model.ParseLicenceDate(row.LicenceUntil); err != nil {
			errs = append(errs, err)
		}
	}
	if err := p.profile(row, &x); err != nil {
		errs = append(errs, err)
	}
	return x, errs
}

func (p *profileIDs) profile(row KeyRow, x *keyExtras) error {
	if strings.TrimSpace(row.Profile) == "" {
		return nil
	}
	name := model.ProfileNameKey(row.Profile)
	if id, ok := p.known[name]; ok {
		x.profile = id
		return nil
	}
	if p.tx == nil {
		return fmt.Errorf("profile %q was not there when the rows were checked", row.Profile)
	}
	prof, err := profileByName(p.tx, row.Profile)
	if err != nil {
		return err
	}
	if p.known == nil {
		p.known = map[string]uint64{}
	}
	p.known[name], x.profile = prof.ID, prof.ID
	return nil
}

// Handout is one assignment made by an employee import: what the admin
// hands out.
type Handout struct {
	Serial string
	Email  string
	Code   string
}

// ImportEmployees creates employees and assigns the keys named in the file,
// all in one transaction: all rows or none.
func (s *Store) ImportEmployees(who model.Actor, rows []EmployeeRow) ([]Handout, error) {
	if err := s.Check(who, model.OpImportEmployees); err != nil {
		return nil, err // the role first (see Check)
	}
	if len(rows) == 0 {
		return nil, refused("the file has no employees to import")
	}
	if len(rows) >= bigImport {
		defer lowerGC(importGCPercent)()
	}
	return execAs[[]Handout](s, who, model.OpImportEmployees, importEmployeesArgs{Rows: rows})
}

// importEmployeesArgs create employees and assign their keys, all rows or
// none.
type importEmployeesArgs struct{ Rows []EmployeeRow }

func (a importEmployeesArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	out, err := s.importEmployees(tx, env, a.Rows)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) importEmployees(tx *bolt.Tx, env *applyEnv, rows []EmployeeRow) ([]Handout, error) {
	var bad csvfile.BadRows
	emails, names, serials, externals := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	// Every problem of a line is listed, not only its first: the fields
	// each on its own, then (when they are good) what the directory and
	// the rest of the file say, and the key.
	for _, row := range rows {
		if problems := model.EmployeeProblems(row.EmployeeInput); len(problems) > 0 {
			for _, err := range problems {
				bad.Add(row.Line, err.Error())
			}
			if _, _, err := rowLeaving(row, env.Now); err != nil {
				bad.Add(row.Line, err.Error())
			}
		} else {
			in, err := model.NormalizeEmployee(row.EmployeeInput)
			if err != nil {
				bad.Add(row.Line, err.Error()) // EmployeeProblems missed it: still refused
				continue
			}
			for _, err := range uniqueProblems(tx, in, 0) {
				bad.Add(row.Line, err.Error())
			}
			checkRowDirectory(tx, row, in, externals, env.Now, &bad)
			if first, dup := emails[in.Email]; dup {
				bad.Add(row.Line, fmt.Sprintf("e-mail %s is also on line %d", in.Email, first))
			}
			emails[in.Email] = row.Line
			name := model.NameKey(in.FirstName, in.LastName)
			if first, dup := names[name]; dup {
				bad.Add(row.Line, fmt.Sprintf("the name %s %s is also on line %d", in.FirstName, in.LastName, first))
			}
			names[name] = row.Line
		}
		if row.KeySerial == "" {
			continue
		}
		k, err := s.keyBySerial(tx, row.KeySerial)
		switch {
		case err != nil:
			bad.Add(row.Line, err.Error())
			continue
		case model.Assignable(k) != nil:
			bad.Add(row.Line, model.Assignable(k).Error())
		}
		if first, dup := serials[k.Serial]; dup {
			bad.Add(row.Line, fmt.Sprintf("key %s is also on line %d (one key per employee)", k.Serial, first))
		}
		serials[k.Serial] = row.Line
	}
	if bad.Found() {
		return nil, bad.Err()
	}
	return s.createImported(tx, env, rows)
}

func lineError(line int, err error) error {
	var fe *model.FieldError
	if model.IsRefusal(err) || IsKeyUnavailable(err) || errors.As(err, &fe) {
		return &ImportError{Rows: []RowError{{Line: line, Msg: err.Error()}}}
	}
	return err
}

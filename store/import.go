package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// ImportKeys adds keys to the stock as Ready (T1): all rows or none. Every
// bad row is listed in an *ImportError.
func (s *Store) ImportKeys(who model.Actor, rows []KeyRow) (int, error) {
	if len(rows) == 0 {
		return 0, refused("the file has no keys to import")
	}
	err := s.update(who, model.OpImportKeys, func(tx *bolt.Tx, by string) error {
		return s.importKeysAt(tx, by, rows, s.now())
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

func (s *Store) importKeysAt(tx *bolt.Tx, by string, rows []KeyRow, now time.Time) error {
	var bad problems
	seen := map[string]int{} // "serial ABC" -> line, across the file
	inputs := make([]model.KeyInput, len(rows))
	extras := make([]keyExtras, len(rows))
	profiles := profileIDs{tx: tx}
	for i, row := range rows {
		in, err := model.NormalizeKey(row.KeyInput)
		if err == nil {
			extras[i], err = profiles.extras(row)
		}
		if err != nil {
			bad.add(row.Line, err.Error())
			continue
		}
		inputs[i] = in
		for _, f := range []struct {
			label, value string
			bucket       []byte
		}{{"serial", in.Serial, bucketSerials}, {"MAC address", in.MAC, bucketMACs}, {"RFID", in.RFID, bucketRFIDs}} {
			if f.value == "" {
				continue
			}
			if first, dup := seen[f.label+" "+f.value]; dup {
				bad.add(row.Line, fmt.Sprintf("%s %s is also on line %d", f.label, f.value, first))
			} else if tx.Bucket(f.bucket).Get([]byte(f.value)) != nil {
				bad.add(row.Line, fmt.Sprintf("%s %s is already in the stock", f.label, f.value))
			}
			seen[f.label+" "+f.value] = row.Line
		}
	}
	if bad.found() {
		return bad.err()
	}
	keys := tx.Bucket(bucketKeys)
	keys.FillPercent = 1 // ids only grow
	ids := make([]uint64, len(inputs))
	for i := range ids {
		var err error
		if ids[i], err = keys.NextSequence(); err != nil {
			return err
		}
	}
	if err := primeKeyIndexes(tx, inputs, ids); err != nil {
		return err
	}
	for i, in := range inputs {
		k := model.Key{ID: ids[i], Serial: in.Serial, MAC: in.MAC, Model: in.Model, Firmware: in.Firmware, RFID: in.RFID,
			ProfileID: extras[i].profile, AppliedProfileID: extras[i].profile, LicenceUntil: extras[i].licence}
		if _, err := s.applyKeyEvent(tx, by, k, model.Event{Kind: model.EventImport, Now: now}); err != nil {
			return err
		}
	}
	return nil
}

// keyExtras are what an imported key has besides its own fields: its
// profile (set up with the key, so not pending) and licence.
type keyExtras struct {
	profile uint64
	licence time.Time
}

// profileIDs finds the profiles an import names, each once.
type profileIDs struct {
	tx    *bolt.Tx
	known map[string]uint64
}

func (p *profileIDs) extras(row KeyRow) (keyExtras, error) {
	x := keyExtras{profile: model.DefaultProfileID}
	if strings.TrimSpace(row.LicenceUntil) != "" {
		var err error
		if x.licence, err = model.ParseLicenceDate(row.LicenceUntil); err != nil {
			return x, err
		}
	}
	if strings.TrimSpace(row.Profile) == "" {
		return x, nil
	}
	name := model.ProfileNameKey(row.Profile)
	if id, ok := p.known[name]; ok {
		x.profile = id
		return x, nil
	}
	prof, err := profileByName(p.tx, row.Profile)
	if err != nil {
		return x, err
	}
	if p.known == nil {
		p.known = map[string]uint64{}
	}
	p.known[name], x.profile = prof.ID, prof.ID
	return x, nil
}

// primeKeyIndexes writes the new keys' index entries in key order before
// putKey writes them again, in place, in file order. Until commit, bbolt
// keeps a bucket's new entries in one node, and each insert in the middle
// moves every entry after it: 100,000 keys in random order took 20 s
// instead of 2. An index the file already has in order needs no priming.
func primeKeyIndexes(tx *bolt.Tx, inputs []model.KeyInput, ids []uint64) error {
	type entry struct {
		value string
		id    uint64
	}
	for _, ix := range []struct {
		bucket []byte
		field  func(model.KeyInput) string
	}{
		{bucketSerials, func(in model.KeyInput) string { return in.Serial }},
		{bucketMACs, func(in model.KeyInput) string { return in.MAC }},
		{bucketRFIDs, func(in model.KeyInput) string { return in.RFID }},
	} {
		entries := make([]entry, 0, len(inputs))
		for i, in := range inputs {
			if v := ix.field(in); v != "" {
				entries = append(entries, entry{v, ids[i]})
			}
		}
		byValue := func(a, b entry) int { return strings.Compare(a.value, b.value) }
		if slices.IsSortedFunc(entries, byValue) {
			continue // putKey's own writes are appends already
		}
		slices.SortFunc(entries, byValue)
		b := tx.Bucket(ix.bucket)
		b.FillPercent = indexFillPercent
		for _, e := range entries {
			if err := b.Put([]byte(e.value), itob(e.id)); err != nil {
				return err
			}
		}
	}
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
	if len(rows) == 0 {
		return nil, refused("the file has no employees to import")
	}
	var out []Handout
	err := s.update(who, model.OpImportEmployees, func(tx *bolt.Tx, by string) error {
		var err error
		out, err = s.importEmployees(tx, by, rows)
		return err
	})
	return out, err
}

func (s *Store) importEmployees(tx *bolt.Tx, by string, rows []EmployeeRow) ([]Handout, error) {
	var bad problems
	emails, names, serials := map[string]int{}, map[string]int{}, map[string]int{}
	for _, row := range rows {
		in, err := model.NormalizeEmployee(row.EmployeeInput)
		if err == nil {
			err = checkUnique(tx, in, 0)
		}
		if err != nil {
			bad.add(row.Line, err.Error())
			continue
		}
		if first, dup := emails[in.Email]; dup {
			bad.add(row.Line, fmt.Sprintf("e-mail %s is also on line %d", in.Email, first))
		}
		emails[in.Email] = row.Line
		name := model.NameKey(in.FirstName, in.LastName)
		if first, dup := names[name]; dup {
			bad.add(row.Line, fmt.Sprintf("the name %s %s is also on line %d", in.FirstName, in.LastName, first))
		}
		names[name] = row.Line
		if row.KeySerial == "" {
			continue
		}
		k, err := s.keyBySerial(tx, row.KeySerial)
		switch {
		case err != nil:
			bad.add(row.Line, err.Error())
			continue
		case k.Status != model.Ready:
			bad.add(row.Line, fmt.Sprintf("key %s is %s: only a Ready key can be assigned", k.Serial, k.Status))
		}
		if first, dup := serials[k.Serial]; dup {
			bad.add(row.Line, fmt.Sprintf("key %s is also on line %d (one key per employee)", k.Serial, first))
		}
		serials[k.Serial] = row.Line
	}
	if bad.found() {
		return nil, bad.err()
	}
	var out []Handout
	for _, row := range rows {
		e, err := s.createEmployeeAt(tx, by, row.EmployeeInput, s.now())
		if err != nil {
			return nil, lineError(row.Line, err)
		}
		if row.KeySerial == "" {
			continue
		}
		view, err := s.assignNew(tx, by, row.KeySerial, &e)
		if err != nil {
			return nil, lineError(row.Line, err)
		}
		out = append(out, Handout{Serial: view.Serial, Email: e.Email, Code: view.Digits})
	}
	return out, nil
}

func lineError(line int, err error) error {
	var fe *model.FieldError
	if model.IsRefusal(err) || IsKeyUnavailable(err) || errors.As(err, &fe) {
		return &ImportError{Rows: []RowError{{Line: line, Msg: err.Error()}}}
	}
	return err
}

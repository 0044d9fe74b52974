// Package data turns a store.Snapshot into rows that the screens search,
// sort and draw. A row points into the snapshot and gives its text only
// through methods that pass it through model.Printable, so whatever
// draws a row draws safe text; only the rows on screen pay for that.
package data

import (
	"sort"
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// KeyRow is one key as the lists show it.
type KeyRow struct {
	key    *model.Key
	holder *model.Employee // nil when tied to nobody
	byName string          // lower-case holder name and e-mail, for sorting
}

func (k *KeyRow) ID() uint64            { return k.key.ID }
func (k *KeyRow) Rev() uint64           { return k.key.Rev }
func (k *KeyRow) Status() model.Status  { return k.key.Status }
func (k *KeyRow) Reason() model.Reason  { return k.key.Reason }
func (k *KeyRow) EmployeeID() uint64    { return k.key.EmployeeID }
func (k *KeyRow) ImportedAt() time.Time { return k.key.ImportedAt }
func (k *KeyRow) UpdatedAt() time.Time  { return k.key.UpdatedAt }
func (k *KeyRow) Serial() string        { return model.Printable(k.key.Serial) }
func (k *KeyRow) MAC() string           { return model.Printable(k.key.MAC) }
func (k *KeyRow) Model() string         { return model.Printable(k.key.Model) }
func (k *KeyRow) Firmware() string      { return model.Printable(k.key.Firmware) }
func (k *KeyRow) RFID() string          { return model.Printable(k.key.RFID) }
func (k *KeyRow) Note() string          { return model.Printable(k.key.Note) }
func (k *KeyRow) Ref() store.KeyRef     { return store.KeyRef{Serial: k.key.Serial, Rev: k.key.Rev} }

// Employee is the holder's name ("" when tied to nobody).
func (k *KeyRow) Employee() string {
	if k.holder == nil {
		return ""
	}
	return model.Printable(k.holder.FullName())
}

// Email is the holder's e-mail ("" when tied to nobody).
func (k *KeyRow) Email() string {
	if k.holder == nil {
		return ""
	}
	return model.Printable(k.holder.Email)
}

// EmployeeRow is one employee as the lists show it.
type EmployeeRow struct {
	emp      *model.Employee
	key      *model.Key // nil when holding none
	sortName string     // lower-case name, for sorting
}

func (e *EmployeeRow) ID() uint64           { return e.emp.ID }
func (e *EmployeeRow) Rev() uint64          { return e.emp.Rev }
func (e *EmployeeRow) KeyID() uint64        { return e.emp.KeyID }
func (e *EmployeeRow) CreatedAt() time.Time { return e.emp.CreatedAt }
func (e *EmployeeRow) UpdatedAt() time.Time { return e.emp.UpdatedAt }
func (e *EmployeeRow) Name() string         { return model.Printable(e.emp.FullName()) }
func (e *EmployeeRow) Email() string        { return model.Printable(e.emp.Email) }
func (e *EmployeeRow) Phone() string        { return model.Printable(e.emp.Phone) }
func (e *EmployeeRow) Department() string   { return model.Printable(e.emp.Department) }
func (e *EmployeeRow) Position() string     { return model.Printable(e.emp.Position) }
func (e *EmployeeRow) Ref() store.EmployeeRef {
	return store.EmployeeRef{Email: e.emp.Email, Rev: e.emp.Rev}
}
func (e *EmployeeRow) RawEmail() string { return e.emp.Email }

// KeySerial is the serial of the key held ("" for none).
func (e *EmployeeRow) KeySerial() string {
	if e.key == nil {
		return ""
	}
	return model.Printable(e.key.Serial)
}

// KeyStatus is the status of the key held (0 for none).
func (e *EmployeeRow) KeyStatus() model.Status {
	if e.key == nil {
		return 0
	}
	return e.key.Status
}

// Input is the profile as stored, to prefill an edit form.
func (e *EmployeeRow) Input() model.EmployeeInput {
	return model.EmployeeInput{FirstName: e.emp.FirstName, LastName: e.emp.LastName, Email: e.emp.Email,
		Phone: e.emp.Phone, Department: e.emp.Department, Position: e.emp.Position}
}

// Index is one snapshot of the data, ready for the screens. It is never
// changed after Build; a change in the store builds a new one.
type Index struct {
	Keys      []KeyRow
	Employees []EmployeeRow

	snap         store.Snapshot
	keyText      searchText // serial, MAC, RFID, holder of each key
	employeeText searchText // name, e-mail, department, position, phone digits, key of each employee
	keyByID      idTable
	employeeByID idTable
	counts       [model.Compromised + 1]int
	partial      bool // a Preview: the first employees only

	mu     sync.Mutex
	orders map[any][]int32 // sorted orders, computed once per sort
}

// Build makes the rows of a snapshot. Keys and employees are built at
// once on two cores, with the orders the first screens show.
func Build(snap store.Snapshot) *Index {
	x := &Index{
		Keys:         make([]KeyRow, len(snap.Keys)),
		Employees:    make([]EmployeeRow, len(snap.Employees)),
		snap:         snap,
		keyByID:      newIDTable(len(snap.Keys), func(i int) uint64 { return snap.Keys[i].ID }),
		employeeByID: newIDTable(len(snap.Employees), func(i int) uint64 { return snap.Employees[i].ID }),
		orders:       map[any][]int32{},
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var bySerial []int32
	go func() {
		defer wg.Done()
		x.buildKeys()
		bySerial = sortKeys(x.Keys, KeysBySerial)
	}()
	x.buildEmployees()
	byName := sortEmployees(x.Employees, EmployeesByName)
	wg.Wait()
	x.orders[KeysBySerial] = bySerial
	x.orders[EmployeesByName] = byName
	return x
}

// buildKeys fills the key rows: holder, counts and search text.
func (x *Index) buildKeys() {
	keys, employees := x.snap.Keys, x.snap.Employees
	size := 0
	for i := range keys {
		k := &keys[i]
		x.Keys[i].key = k
		x.counts[k.Status]++
		if j, ok := x.employeeByID.get(k.EmployeeID); ok && k.EmployeeID != 0 {
			x.Keys[i].holder = &employees[j]
		}
		size += len(k.Serial) + 2*len(k.MAC) + len(k.RFID) + 4
		if h := x.Keys[i].holder; h != nil {
			size += len(h.FirstName) + len(h.LastName) + len(h.Email) + 3
		}
	}
	var text lowerText
	text.grow(size)
	spans := make([][3]int32, len(keys))
	for i := range x.Keys {
		r := &x.Keys[i]
		start := text.len()
		text.add(r.key.Serial, r.key.MAC)
		text.addMACDigits(r.key.MAC)
		text.add(r.key.RFID)
		holder := text.len()
		if r.holder != nil {
			text.addName(r.holder.FirstName, r.holder.LastName)
			text.add(r.holder.Email)
		}
		spans[i] = [3]int32{int32(start), int32(holder), int32(text.len())}
	}
	all := text.String()
	x.keyText = searchText{text: all, starts: make([]int32, len(spans)+1)}
	for i, sp := range spans {
		x.keyText.starts[i] = sp[0]
		x.Keys[i].byName = all[sp[1]:sp[2]]
	}
	x.keyText.starts[len(spans)] = int32(len(all))
}

// buildEmployees fills the employee rows: key and search text.
func (x *Index) buildEmployees() {
	keys, employees := x.snap.Keys, x.snap.Employees
	size := 0
	for i := range employees {
		e := &employees[i]
		x.Employees[i].emp = e
		if j, ok := x.keyByID.get(e.KeyID); ok && e.KeyID != 0 {
			x.Employees[i].key = &keys[j]
			size += len(keys[j].Serial) + 1
		}
		size += len(e.FirstName) + len(e.LastName) + len(e.Email) + len(e.Department) + len(e.Position) + len(e.Phone) + 6
	}
	var text lowerText
	text.grow(size)
	spans := make([][3]int32, len(employees))
	for i := range x.Employees {
		r := &x.Employees[i]
		start := text.len()
		text.addName(r.emp.FirstName, r.emp.LastName)
		name := text.len() - 1 // without its NUL
		text.add(r.emp.Email, r.emp.Department, r.emp.Position)
		text.addDigits(r.emp.Phone)
		if r.key != nil {
			text.add(r.key.Serial)
		}
		spans[i] = [3]int32{int32(start), int32(name), int32(text.len())}
	}
	all := text.String()
	x.employeeText = searchText{text: all, starts: make([]int32, len(spans)+1)}
	for i, sp := range spans {
		x.employeeText.starts[i] = sp[0]
		x.Employees[i].sortName = all[sp[0]:sp[1]]
	}
	x.employeeText.starts[len(spans)] = int32(len(all))
}

// Key returns the key with this id.
func (x *Index) Key(id uint64) (*KeyRow, bool) {
	if i, ok := x.keyByID.get(id); ok {
		return &x.Keys[i], true
	}
	return nil, false
}

// KeyBySerial returns the key with this serial (as stored).
func (x *Index) KeyBySerial(serial string) (*KeyRow, bool) {
	order := x.KeyOrder(KeysBySerial)
	n := sort.Search(len(order), func(i int) bool { return x.Keys[order[i]].key.Serial >= serial })
	if n < len(order) && x.Keys[order[n]].key.Serial == serial {
		return &x.Keys[order[n]], true
	}
	return nil, false
}

// Employee returns the employee with this id.
func (x *Index) Employee(id uint64) (*EmployeeRow, bool) {
	if i, ok := x.employeeByID.get(id); ok {
		return &x.Employees[i], true
	}
	return nil, false
}

// Count is how many keys are in status s.
func (x *Index) Count(s model.Status) int {
	if !s.Valid() {
		return 0
	}
	return x.counts[s]
}

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
	// lastHolder held the key before it was taken back (lastholder.go).
	lastHolder *model.Employee
	profile    *store.ProfileUse // nil only for a damaged record
	applied    *store.ProfileUse // what the device has; nil when deleted since
	byName     string            // lower-case holder name and e-mail, for sorting
	licence    model.LicenceStatus
	left       int32 // licence days left at the index's moment
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

// Licence is the licence's status when the index was built.
func (k *KeyRow) Licence() model.LicenceStatus { return k.licence }

// LicenceUntil is the licence's end date (zero for none).
func (k *KeyRow) LicenceUntil() time.Time { return k.key.LicenceUntil }

// LicenceDaysLeft is how many days the licence had left when the index
// was built (meaningless without a licence).
func (k *KeyRow) LicenceDaysLeft() int { return int(k.left) }

// Profile is the key's access profile (nil only in a damaged database).
func (k *KeyRow) Profile() *model.Profile {
	if k.profile == nil {
		return nil
	}
	return &k.profile.Profile
}

// ProfileName is the profile's name, safe to print.
func (k *KeyRow) ProfileName() string {
	if k.profile == nil {
		return "?"
	}
	return model.Printable(k.profile.Name)
}

// ProfilePending reports whether the device has yet to apply the profile.
func (k *KeyRow) ProfilePending() bool { return k.key.ProfilePending() }

// AppliedProfileName is the profile the device still has while a change
// is pending ("" when that profile was deleted since).
func (k *KeyRow) AppliedProfileName() string {
	if k.applied == nil {
		return ""
	}
	return model.Printable(k.applied.Name)
}

// ProfileChangeable reports whether the model allows the key another
// profile now.
func (k *KeyRow) ProfileChangeable() bool { return model.ProfileChangeAllowed(k.key.Status) }

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
func (e *EmployeeRow) Company() string      { return model.Printable(e.emp.Company) }
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
		Phone: e.emp.Phone, Department: e.emp.Department, Position: e.emp.Position, Company: e.emp.Company}
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
	licences     [model.LicenceExpired + 1]int // keys by licence status at At
	partial      bool                          // a Preview: the first employees only

	// Profiles are every profile with its number of keys (counted by the
	// store, not here), Default first. At is when the snapshot was read:
	// the licence statuses are those of that moment.
	Profiles []store.ProfileUse
	At       time.Time

	mu         sync.Mutex
	orders     map[any][]int32 // sorted orders, computed once per sort
	groupLists map[groupsKey][]Group
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
		Profiles:     snap.Profiles,
		At:           snap.At,
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

// buildKeys fills the key rows: holder, profile, licence, counts and
// search text.
func (x *Index) buildKeys() {
	keys, employees := x.snap.Keys, x.snap.Employees
	profiles := x.profileTable()
	today := model.LicenceDay(x.At)
	size := 0
	for i := range keys {
		k := &keys[i]
		r := &x.Keys[i]
		r.key = k
		x.counts[k.Status]++
		if j, ok := x.employeeByID.get(k.EmployeeID); ok && k.EmployeeID != 0 {
			r.holder = &employees[j]
		}
		if j, ok := x.employeeByID.get(k.LastHolderID); ok && k.LastHolderID != 0 {
			r.lastHolder = &employees[j]
		}
		r.profile, r.applied = profiles.get(k.ProfileID), profiles.get(k.AppliedProfileID)
		if !k.LicenceUntil.IsZero() {
			r.left = int32(model.LicenceDay(k.LicenceUntil) - today)
			r.licence = model.LicenceStatusForDays(int(r.left))
		}
		x.licences[r.licence]++
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

// profileTable finds the profiles of the keys by id: ids are small and
// few, so a slice indexed by id.
type profileTable []*store.ProfileUse

func (x *Index) profileTable() profileTable {
	var maxID uint64
	for _, p := range x.Profiles {
		maxID = max(maxID, p.ID)
	}
	t := make(profileTable, maxID+1)
	for i := range x.Profiles {
		t[x.Profiles[i].ID] = &x.Profiles[i]
	}
	return t
}

func (t profileTable) get(id uint64) *store.ProfileUse {
	if id >= uint64(len(t)) {
		return nil
	}
	return t[id]
}

// LicenceCount is how many keys have a licence in status l (LicenceNone:
// how many have none).
func (x *Index) LicenceCount(l model.LicenceStatus) int {
	if int(l) >= len(x.licences) {
		return 0
	}
	return x.licences[l]
}

// Count is how many keys are in status s.
func (x *Index) Count(s model.Status) int {
	if !s.Valid() {
		return 0
	}
	return x.counts[s]
}

// Package data turns a store.Snapshot into rows that the screens search,
// sort and draw. A row points into the snapshot and gives its text only
// through methods that pass it through model.Printable, so whatever
// draws a row draws safe text; only the rows on screen pay for that.
package data

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// KeyRow is one key as the lists show it. Its record is swapped whole
// when a write touches the key (see update.go), so that a row is the
// same place in every version of the index and a write copies no list.
type KeyRow struct{ p atomic.Pointer[keyRec] }

// keyRec is a KeyRow's content; never changed once stored.
type keyRec struct {
	key    *model.Key
	holder *model.Employee // nil when tied to nobody
	// lastHolder is the row of who held the key before it was taken
	// back (lastholder.go): a row, so that their name is always the one
	// the index has now.
	lastHolder *EmployeeRow
	profile    *store.ProfileUse // nil only for a damaged record
	applied    *store.ProfileUse // what the device has; nil when deleted since
	byName     string            // lower-case holder name and e-mail, for sorting
	licence    model.LicenceStatus
	left       int32  // licence days left at the index's moment
	text       string // search text, for a row changed since the index's text was built
	gone       bool   // deleted since the index was built
}

func (k *KeyRow) r() *keyRec { return k.p.Load() }

// Snapshot is a row that keeps the record this one holds now, whatever
// the writes after: an action started on a key acts on the revision the
// admin saw.
func (k *KeyRow) Snapshot() *KeyRow {
	s := &KeyRow{}
	s.p.Store(k.r())
	return s
}

func (k *KeyRow) ID() uint64            { return k.r().key.ID }
func (k *KeyRow) Rev() uint64           { return k.r().key.Rev }
func (k *KeyRow) Status() model.Status  { return k.r().key.Status }
func (k *KeyRow) Reason() model.Reason  { return k.r().key.Reason }
func (k *KeyRow) EmployeeID() uint64    { return k.r().key.EmployeeID }
func (k *KeyRow) ImportedAt() time.Time { return k.r().key.ImportedAt }
func (k *KeyRow) UpdatedAt() time.Time  { return k.r().key.UpdatedAt }
func (k *KeyRow) Serial() string        { return model.Printable(k.r().key.Serial) }
func (k *KeyRow) MAC() string           { return model.Printable(k.r().key.MAC) }
func (k *KeyRow) Model() string         { return model.Printable(k.r().key.Model) }
func (k *KeyRow) Firmware() string      { return model.Printable(k.r().key.Firmware) }
func (k *KeyRow) RFID() string          { return model.Printable(k.r().key.RFID) }
func (k *KeyRow) Note() string          { return model.Printable(k.r().key.Note) }
func (k *KeyRow) Ref() store.KeyRef {
	key := k.r().key
	return store.KeyRef{Serial: key.Serial, Rev: key.Rev}
}

// Licence is the licence's status when the index was built.
func (k *KeyRow) Licence() model.LicenceStatus { return k.r().licence }

// LicenceUntil is the licence's end date (zero for none).
func (k *KeyRow) LicenceUntil() time.Time { return k.r().key.LicenceUntil }

// LicenceDaysLeft is how many days the licence had left when the index
// was built (meaningless without a licence).
func (k *KeyRow) LicenceDaysLeft() int { return int(k.r().left) }

// Profile is the key's access profile (nil only in a damaged database).
func (k *KeyRow) Profile() *model.Profile {
	r := k.r()
	if r.profile == nil {
		return nil
	}
	return &r.profile.Profile
}

// ProfileName is the profile's name, safe to print.
func (k *KeyRow) ProfileName() string {
	r := k.r()
	if r.profile == nil {
		return "?"
	}
	return model.Printable(r.profile.Name)
}

// ProfilePending reports whether the device has yet to apply the profile.
func (k *KeyRow) ProfilePending() bool { return k.r().key.ProfilePending() }

// AppliedProfileName is the profile the device still has while a change
// is pending ("" when that profile was deleted since).
func (k *KeyRow) AppliedProfileName() string {
	r := k.r()
	if r.applied == nil {
		return ""
	}
	return model.Printable(r.applied.Name)
}

// Employee is the holder's name ("" when tied to nobody).
func (k *KeyRow) Employee() string {
	r := k.r()
	if r.holder == nil {
		return ""
	}
	return model.Printable(r.holder.FullName())
}

// Email is the holder's e-mail ("" when tied to nobody).
func (k *KeyRow) Email() string {
	r := k.r()
	if r.holder == nil {
		return ""
	}
	return model.Printable(r.holder.Email)
}

// EmployeeRow is one employee as the lists show it; like KeyRow, its
// record is swapped whole when a write touches the employee.
type EmployeeRow struct{ p atomic.Pointer[employeeRec] }

type employeeRec struct {
	emp      *model.Employee
	key      *model.Key // nil when holding none
	sortName string     // lower-case name, for sorting
	text     string     // as in keyRec
	gone     bool
}

func (e *EmployeeRow) r() *employeeRec { return e.p.Load() }

func (e *EmployeeRow) ID() uint64           { return e.r().emp.ID }
func (e *EmployeeRow) Rev() uint64          { return e.r().emp.Rev }
func (e *EmployeeRow) KeyID() uint64        { return e.r().emp.KeyID }
func (e *EmployeeRow) CreatedAt() time.Time { return e.r().emp.CreatedAt }
func (e *EmployeeRow) UpdatedAt() time.Time { return e.r().emp.UpdatedAt }
func (e *EmployeeRow) Name() string         { return model.Printable(e.r().emp.FullName()) }
func (e *EmployeeRow) Email() string        { return model.Printable(e.r().emp.Email) }
func (e *EmployeeRow) Phone() string        { return model.Printable(e.r().emp.Phone) }
func (e *EmployeeRow) Department() string   { return model.Printable(e.r().emp.Department) }
func (e *EmployeeRow) Position() string     { return model.Printable(e.r().emp.Position) }
func (e *EmployeeRow) Company() string      { return model.Printable(e.r().emp.Company) }
func (e *EmployeeRow) Ref() store.EmployeeRef {
	emp := e.r().emp
	return store.EmployeeRef{Email: emp.Email, Rev: emp.Rev}
}
func (e *EmployeeRow) RawEmail() string { return e.r().emp.Email }

// KeySerial is the serial of the key held ("" for none).
func (e *EmployeeRow) KeySerial() string {
	r := e.r()
	if r.key == nil {
		return ""
	}
	return model.Printable(r.key.Serial)
}

// KeyStatus is the status of the key held (0 for none).
func (e *EmployeeRow) KeyStatus() model.Status {
	r := e.r()
	if r.key == nil {
		return 0
	}
	return r.key.Status
}

// Input is the profile as stored, to prefill an edit form.
func (e *EmployeeRow) Input() model.EmployeeInput {
	emp := e.r().emp
	return model.EmployeeInput{FirstName: emp.FirstName, LastName: emp.LastName, Email: emp.Email,
		Phone: emp.Phone, Department: emp.Department, Position: emp.Position, Company: emp.Company}
}

// Index is the data the screens read: one per local TUI or serve
// process (see Live), shared by every session. A write makes a new
// version from the one before (update.go): the rows it touched get new
// records in place, the rest is shared.
type Index struct {
	Keys      []KeyRow // rows of deleted records stay, Gone; Len counts the others
	Employees []EmployeeRow

	keyText      searchText // serial, MAC, RFID, holder of each key, as built
	employeeText searchText // name, e-mail, department, position, phone digits, key of each employee
	keyByID      idTable
	employeeByID idTable
	// Rows whose search text is their record's own: changed or added since
	// the texts above were built.
	dirtyKeys, dirtyEmployees map[int32]struct{}
	nKeys, nEmployees         int // rows not gone
	counts                    [model.Compromised + 1]int
	licences                  [model.LicenceExpired + 1]int // keys by licence status at At
	partial                   bool                          // a Preview: the first employees only
	grams                     gramsWhen                     // when the texts get their gram indexes (grams.go)
	version                   uint64                        // counts the updates since the last Build

	// Profiles are every profile with its number of keys (counted by the
	// store, not here), Default first. At is when the snapshot was read:
	// the licence statuses are those of that moment.
	Profiles  []store.ProfileUse
	At        time.Time
	directory store.DirectoryStatus // directory.go

	mu         sync.Mutex
	orders     map[any][]int32       // sorted orders, computed once per sort
	computing  map[any]*listCall     // orders being sorted (sort.go)
	pending    map[any]*pendingOrder // sorted before writes that moved rows (pending.go)
	groupLists map[groupsKey][]Group
	found      foundCache // searches, once per query and order
}

// Build makes the rows of a snapshot. Keys and employees are built at
// once on two cores, with the orders the first screens show.
func Build(snap store.Snapshot) *Index { return build(snap, gramsNow) }

// gramsWhen says when a build makes the texts' gram indexes.
type gramsWhen int

const (
	gramsNow   gramsWhen = iota // before it returns
	gramsLater                  // when asked (makeGrams): a Live's, published first
	gramsNever                  // a Preview: it searches nothing
)

// build is Build, with the search's gram indexes made now, later or
// never.
func build(snap store.Snapshot, grams gramsWhen) *Index {
	x := &Index{
		Keys:         make([]KeyRow, len(snap.Keys), rowCap(len(snap.Keys))),
		Employees:    make([]EmployeeRow, len(snap.Employees), rowCap(len(snap.Employees))),
		keyByID:      newIDTable(len(snap.Keys), func(i int) uint64 { return snap.Keys[i].ID }),
		employeeByID: newIDTable(len(snap.Employees), func(i int) uint64 { return snap.Employees[i].ID }),
		nKeys:        len(snap.Keys),
		nEmployees:   len(snap.Employees),
		orders:       map[any][]int32{},
		Profiles:     snap.Profiles,
		At:           snap.At,
		directory:    snap.Directory,
		grams:        grams,
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var bySerial []int32
	go func() {
		defer wg.Done()
		x.buildKeys(snap)
		bySerial = sortKeys(x.Keys, KeysBySerial)
	}()
	x.buildEmployees(snap)
	byName := sortEmployees(x.Employees, EmployeesByName)
	wg.Wait()
	x.orders[KeysBySerial] = bySerial
	x.orders[EmployeesByName] = byName
	return x
}

// rowCap leaves room for the rows writes add before the next Build, so
// that adding one copies no list.
func rowCap(n int) int { return n + n/16 + 64 }

// buildKeys fills the key rows: holder, profile, licence, counts and
// search text.
func (x *Index) buildKeys(snap store.Snapshot) {
	keys, employees := snap.Keys, snap.Employees
	profiles := newProfileTable(x.Profiles)
	today := model.LicenceDay(x.At)
	recs := make([]keyRec, len(keys))
	size := 0
	for i := range keys {
		k := &keys[i]
		r := &recs[i]
		r.key = k
		x.counts[k.Status]++
		if j, ok := x.employeeByID.get(k.EmployeeID); ok && k.EmployeeID != 0 {
			r.holder = &employees[j]
		}
		r.derive(x, profiles, today)
		x.licences[r.licence]++
		size += keyTextSize(k, r.holder)
	}
	holders := x.fillText(&x.keyText, len(recs), size, func(text *lowerText, i int) int {
		return text.addKey(recs[i].key, recs[i].holder)
	})
	for i := range recs {
		recs[i].byName = x.keyText.text[holders[i]:x.keyText.starts[i+1]]
		x.Keys[i].p.Store(&recs[i])
	}
}

// derive fills what a key's row shows beside the key, in x: who held it
// last, its profiles, and its licence on day today.
func (r *keyRec) derive(x *Index, profiles profileTable, today int) {
	k := r.key
	if j, ok := x.employeeByID.get(k.LastHolderID); ok && k.LastHolderID != 0 {
		r.lastHolder = &x.Employees[j]
	}
	r.profile, r.applied = profiles.get(k.ProfileID), profiles.get(k.AppliedProfileID)
	if !k.LicenceUntil.IsZero() {
		r.left = int32(model.LicenceDay(k.LicenceUntil) - today)
		r.licence = model.LicenceStatusForDays(int(r.left))
	}
}

// buildEmployees fills the employee rows: key and search text.
func (x *Index) buildEmployees(snap store.Snapshot) {
	keys, employees := snap.Keys, snap.Employees
	recs := make([]employeeRec, len(employees))
	size := 0
	for i := range employees {
		e := &employees[i]
		recs[i].emp = e
		if j, ok := x.keyByID.get(e.KeyID); ok && e.KeyID != 0 {
			recs[i].key = &keys[j]
		}
		size += employeeTextSize(e, recs[i].key)
	}
	names := x.fillText(&x.employeeText, len(recs), size, func(text *lowerText, i int) int {
		return text.addEmployee(recs[i].emp, recs[i].key)
	})
	for i := range recs {
		recs[i].sortName = x.employeeText.text[x.employeeText.starts[i]:names[i]]
		x.Employees[i].p.Store(&recs[i])
	}
}

// fillText writes the search text of n rows into s, one row after the
// other (size bytes in all), and its gram index. add writes row i's text
// and says where in the text a part of it starts (the key's holder, the
// employee's name's end); fillText returns those places.
func (x *Index) fillText(s *searchText, n, size int, add func(text *lowerText, i int) int) []int32 {
	var text lowerText
	text.grow(size)
	starts := make([]int32, n+1)
	marks := make([]int32, n)
	for i := range n {
		starts[i] = int32(text.len())
		marks[i] = int32(add(&text, i))
	}
	*s = searchText{text: text.String(), starts: starts}
	s.starts[n] = int32(len(s.text))
	s.grams = x.newGrams(s)
	return marks
}

// newGrams is the gram holder of a text built: empty, or with its
// index, as x.grams says.
func (x *Index) newGrams(s *searchText) *gramHolder {
	switch x.grams {
	case gramsNever:
		return nil
	case gramsNow:
		h := &gramHolder{}
		if g := buildGrams(s); g != nil {
			h.p.Store(g)
		}
		h.done.Store(true)
		return h
	}
	return &gramHolder{}
}

// Key returns the key with this id.
func (x *Index) Key(id uint64) (*KeyRow, bool) {
	if i, ok := x.keyByID.get(id); ok && !x.Keys[i].r().gone {
		return &x.Keys[i], true
	}
	return nil, false
}

// KeyBySerial returns the key with this serial (as stored).
func (x *Index) KeyBySerial(serial string) (*KeyRow, bool) {
	order := x.KeyOrder(KeysBySerial)
	n := sort.Search(len(order), func(i int) bool { return x.Keys[order[i]].r().key.Serial >= serial })
	if n < len(order) && x.Keys[order[n]].r().key.Serial == serial {
		return &x.Keys[order[n]], true
	}
	// A key whose serial changed since the order was sorted.
	for i := range x.dirtyKeys {
		if r := x.Keys[i].r(); !r.gone && r.key.Serial == serial {
			return &x.Keys[i], true
		}
	}
	return nil, false
}

// Employee returns the employee with this id.
func (x *Index) Employee(id uint64) (*EmployeeRow, bool) {
	if i, ok := x.employeeByID.get(id); ok && !x.Employees[i].r().gone {
		return &x.Employees[i], true
	}
	return nil, false
}

// KeyCount and EmployeeCount are how many keys and employees there are
// (rows of deleted records aside).
func (x *Index) KeyCount() int      { return x.nKeys }
func (x *Index) EmployeeCount() int { return x.nEmployees }

// Gone reports whether the row's record was deleted since the index
// was built.
func (k *KeyRow) Gone() bool      { return k.r().gone }
func (e *EmployeeRow) Gone() bool { return e.r().gone }

// profileTable finds the profiles of the keys by id: ids are small and
// few, so a slice indexed by id.
type profileTable []*store.ProfileUse

func newProfileTable(profiles []store.ProfileUse) profileTable {
	var maxID uint64
	for _, p := range profiles {
		maxID = max(maxID, p.ID)
	}
	t := make(profileTable, maxID+1)
	for i := range profiles {
		t[profiles[i].ID] = &profiles[i]
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

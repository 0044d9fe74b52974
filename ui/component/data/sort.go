package data

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
)

// KeySort is an order of the keys list.
type KeySort int

const (
	KeysBySerial KeySort = iota
	KeysByStatus
	KeysByLastChange
	KeysByEmployee
	KeysByLicence
)

// KeySorts are the orders `o` cycles through.
var KeySorts = []KeySort{KeysBySerial, KeysByStatus, KeysByLastChange, KeysByEmployee, KeysByLicence}

func (s KeySort) String() string {
	return [...]string{"serial", "status", "last change", "employee", "licence end"}[s]
}

// EmployeeSort is an order of the employees list.
type EmployeeSort int

const (
	EmployeesByName EmployeeSort = iota
	EmployeesByEmail
	EmployeesByDepartment
	EmployeesByKeyStatus
)

// EmployeeSorts are the orders `o` cycles through.
var EmployeeSorts = []EmployeeSort{EmployeesByName, EmployeesByEmail, EmployeesByDepartment, EmployeesByKeyStatus}

func (s EmployeeSort) String() string {
	return [...]string{"name", "e-mail", "department", "key status"}[s]
}

// KeyOrder returns the positions of all keys in the given order. It is
// computed once per index and shared: callers must not change it.
func (x *Index) KeyOrder(by KeySort) []int32 {
	x.mu.Lock()
	defer x.mu.Unlock()
	if o, ok := x.orders[by]; ok {
		return o
	}
	var o []int32
	if p, ok := x.pending[by]; ok {
		o = p.moveRows(x.keyNow(by))
		delete(x.pending, by)
	} else {
		o = sortKeys(x.Keys, by)
	}
	x.orders[by] = o
	return o
}

// EmployeeOrder returns the positions of all employees in the given order.
func (x *Index) EmployeeOrder(by EmployeeSort) []int32 {
	x.mu.Lock()
	defer x.mu.Unlock()
	if o, ok := x.orders[by]; ok {
		return o
	}
	var o []int32
	if p, ok := x.pending[by]; ok {
		o = p.moveRows(x.employeeNow(by))
		delete(x.pending, by)
	} else {
		o = sortEmployees(x.Employees, by)
	}
	x.orders[by] = o
	return o
}

// sortItem orders rows by a group (status, ...), then by text. The first
// 16 bytes of the text are kept as two numbers: most comparisons end
// there, without touching the strings.
type sortItem struct {
	group  int64
	hi, lo uint64
	text   string
	row    int32
}

func newSortItem(row int32, group int64, text string) sortItem {
	var b [16]byte
	copy(b[:], text)
	return sortItem{group: group, hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:]), text: text, row: row}
}

func compareItems(a, b sortItem) int {
	if c := cmp.Compare(a.group, b.group); c != 0 {
		return c
	}
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	if len(a.text) > 16 || len(b.text) > 16 {
		if c := strings.Compare(a.text, b.text); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.row, b.row) // stable
}

func sortRows[R any](rows []R, item func(i int32) sortItem, gone func(i int32) bool) []int32 {
	items := make([]sortItem, 0, len(rows))
	for i := range rows {
		if !gone(int32(i)) {
			items = append(items, item(int32(i)))
		}
	}
	slices.SortFunc(items, compareItems)
	out := make([]int32, len(items))
	for i, it := range items {
		out[i] = it.row
	}
	return out
}

func sortKeys(keys []KeyRow, by KeySort) []int32 {
	return sortRows(keys, func(i int32) sortItem { return keyItem(keys[i].r(), i, by) }, func(i int32) bool { return keys[i].r().gone })
}

// keyItem is where a key goes in an order.
func keyItem(k *keyRec, i int32, by KeySort) sortItem {
	switch by {
	case KeysByStatus:
		return newSortItem(i, int64(k.key.Status), k.key.Serial)
	case KeysByLastChange:
		return newSortItem(i, -k.key.UpdatedAt.UnixNano(), k.key.Serial) // newest first
	case KeysByEmployee:
		if k.holder == nil {
			return newSortItem(i, 1, k.key.Serial) // keys held by nobody last
		}
		return newSortItem(i, 0, k.byName)
	case KeysByLicence:
		if k.key.LicenceUntil.IsZero() {
			return newSortItem(i, 1<<62, k.key.Serial) // keys with no licence last
		}
		return newSortItem(i, k.key.LicenceUntil.Unix(), k.key.Serial) // soonest first
	}
	return newSortItem(i, 0, k.key.Serial)
}

func sortEmployees(emps []EmployeeRow, by EmployeeSort) []int32 {
	return sortRows(emps, func(i int32) sortItem { return employeeItem(emps[i].r(), i, by) }, func(i int32) bool { return emps[i].r().gone })
}

// employeeItem is where an employee goes in an order.
func employeeItem(e *employeeRec, i int32, by EmployeeSort) sortItem {
	switch by {
	case EmployeesByEmail:
		return newSortItem(i, 0, e.emp.Email)
	case EmployeesByDepartment:
		return newSortItem(i, 0, strings.ToLower(e.emp.Department)+"\x00"+e.sortName)
	case EmployeesByKeyStatus:
		status := int64(99) // no key: last
		if e.key != nil {
			status = int64(e.key.Status)
		}
		return newSortItem(i, status, e.sortName)
	}
	return newSortItem(i, 0, e.sortName)
}

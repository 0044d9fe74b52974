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
	return x.list(by, func() []int32 {
		if p, ok := x.takePending(by); ok {
			return p.moveRows(x.keyNow(by))
		}
		return sortKeys(x.Keys, by)
	})
}

// EmployeeOrder returns the positions of all employees in the given order.
func (x *Index) EmployeeOrder(by EmployeeSort) []int32 {
	return x.list(by, func() []int32 {
		if p, ok := x.takePending(by); ok {
			return p.moveRows(x.employeeNow(by))
		}
		return sortEmployees(x.Employees, by)
	})
}

func (x *Index) takePending(by any) (*pendingOrder, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	p, ok := x.pending[by]
	return p, ok
}

// list is the list named key (an order, the keys reported lost),
// computed once per index by the first session to ask, without holding
// the index's lock: a session sorting a million rows another way keeps
// no other session from its search or its list (the others asking for
// the same list wait for that one).
func (x *Index) list(key any, compute func() []int32) []int32 {
	x.mu.Lock()
	if o, ok := x.orders[key]; ok {
		x.mu.Unlock()
		return o
	}
	if c, ok := x.computing[key]; ok {
		x.mu.Unlock()
		<-c.done
		return c.list
	}
	c := &listCall{done: make(chan struct{})}
	if x.computing == nil {
		x.computing = map[any]*listCall{}
	}
	x.computing[key] = c
	x.mu.Unlock()
	c.list = compute()
	x.mu.Lock()
	x.orders[key] = c.list
	delete(x.pending, key) // moved: the order is whole again
	delete(x.computing, key)
	x.mu.Unlock()
	close(c.done)
	return c.list
}

// listCall is a list being computed.
type listCall struct {
	done chan struct{}
	list []int32
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

package data

import (
	"slices"
	"strings"

	"github.com/keydesk/keydesk/model"
)

// Group is one value of an employee field that lists filter by (a
// company, a department) and how many employees have it.
type Group struct {
	Value string // as stored; "" for none
	Count int
}

// Label is the value safe to print.
func (g Group) Label() string { return model.Printable(g.Value) }

// groupsKey names a cached list of groups in the index's orders.
type groupsKey string

// Companies lists every company of the employees, by name, with how many
// work there ("" for those with none, last).
func (x *Index) Companies() []Group {
	return x.groups("company", func(e *model.Employee) string { return e.Company })
}

// Departments lists every department the same way.
func (x *Index) Departments() []Group {
	return x.groups("department", func(e *model.Employee) string { return e.Department })
}

// groups counts the values of field, once per index. Values that differ
// only in case are one group (under the first spelling met): "IT" and
// "it" are one department to an admin.
func (x *Index) groups(name groupsKey, field func(*model.Employee) string) []Group {
	x.mu.Lock()
	g, ok := x.groupLists[name]
	x.mu.Unlock()
	if ok {
		return g
	}
	// Counted without the index's lock (a million employees take a
	// while): two sessions asking at once both count.
	at := map[string]int{}
	var out []Group
	for i := range x.Employees {
		r := x.Employees[i].r()
		if r.gone {
			continue
		}
		v := field(r.emp)
		k := strings.ToLower(v)
		j, ok := at[k]
		if !ok {
			j = len(out)
			at[k] = j
			out = append(out, Group{Value: v})
		}
		out[j].Count++
	}
	slices.SortFunc(out, func(a, b Group) int {
		if (a.Value == "") != (b.Value == "") {
			if a.Value == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(strings.ToLower(a.Value), strings.ToLower(b.Value))
	})
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.groupLists == nil {
		x.groupLists = map[groupsKey][]Group{}
	}
	x.groupLists[name] = out
	return out
}

// InCompany reports whether the employee works for company (case aside).
func (e *EmployeeRow) InCompany(company string) bool {
	return strings.EqualFold(e.r().emp.Company, company)
}

// InDepartment reports whether the employee is in department (case aside).
func (e *EmployeeRow) InDepartment(department string) bool {
	return strings.EqualFold(e.r().emp.Department, department)
}

package keyaction

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/keypicker"
	"github.com/keydesk/keydesk/ui/component/table"
)

// pickEmployee assigns a Ready key: choose among the employees who hold
// no key (one key per employee).
func (a action) pickEmployee() tea.Cmd {
	idx, st, actor, ref := a.idx, a.c.Store, a.c.Actor, a.key.Ref()
	var free []int32
	for _, i := range idx.EmployeeOrder(data.EmployeesByName) {
		if idx.Employees[i].KeyID() == 0 {
			free = append(free, i)
		}
	}
	src := dialog.PickerSource{
		Columns: []table.Column{
			{Title: "Name", Min: 16, Flex: 3},
			{Title: "E-mail", Min: 20, Flex: 3},
			{Title: "Department", Min: 10, Flex: 2, Drop: 1},
		},
		Noun: "employees without a key",
		Search: func(q string) []int32 {
			hit := idx.EmployeesMatching(q)
			if hit == nil {
				return free
			}
			return data.Filter(free, func(i int32) bool { return hit[i] })
		},
		Cells: func(i int32) []table.Cell {
			e := &idx.Employees[i]
			return []table.Cell{{Text: e.Name()}, {Text: e.Email()}, {Text: e.Department()}}
		},
	}
	p := dialog.NewPicker(a.c.Styles, "Assign key "+a.key.Serial()+" to…", src, func(i int32) tea.Cmd {
		email := idx.Employees[i].RawEmail()
		return func() tea.Msg { return assigned(st.AssignKey(actor, ref, email)) }
	})
	return open(p)
}

// pickKey gives a key to the employee on screen: choose among the Ready
// keys.
func (a action) pickKey() tea.Cmd {
	idx, st, actor := a.idx, a.c.Store, a.c.Actor
	email := a.t.Employee.RawEmail()
	var ready []keypicker.Key
	for _, i := range idx.KeyOrder(data.KeysBySerial) {
		if k := &idx.Keys[i]; k.Status() == model.Ready {
			ready = append(ready, keypicker.Key{Ref: k.Ref(), Serial: k.Serial(), MAC: k.MAC(), Model: k.Model(), Firmware: k.Firmware(), RFID: k.RFID()})
		}
	}
	p := dialog.NewKeyPicker(a.c.Styles, fmt.Sprintf("Give %s a key…", a.t.Employee.Name()), ready, func(k keypicker.Key) tea.Cmd {
		return func() tea.Msg { return assigned(st.AssignKey(actor, k.Ref, email)) }
	})
	return open(p)
}

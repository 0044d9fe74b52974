package record

import "github.com/keydesk/keydesk/model"

// EncodeEmployee stores an employee with its history head.
func EncodeEmployee(p model.Employee, head uint64) []byte {
	e := NewEncoder(EntityFormat)
	e.Uint(head)
	e.EmployeeFields(p)
	e.TimeSince(p.UpdatedAt, p.CreatedAt)
	e.Uint(p.Rev)
	e.Str(p.Company)
	// Appended by the directory issue, read when present (optional).
	e.Str(p.ExternalID)
	e.Time(p.LeftAt)
	e.Str(p.LeftReason)
	return e.Buf
}

// DecodeEmployee reads an employee in the format this keydesk writes.
func DecodeEmployee(b []byte) (model.Employee, error) {
	d := NewDecoder(b, EntityFormat)
	d.Uint() // the history head
	p := d.EmployeeFields()
	p.UpdatedAt, p.Rev = d.TimeSince(p.CreatedAt), d.Uint()
	d.EmployeeSinceSchema6(&p)
	return p, d.err
}

// EmployeeFields writes the fields every employee format starts with,
// since format 1: the employee's id to the creation time. (A format adds
// fields after these, never among them: see EmployeeSinceSchema6.)
func (e *Encoder) EmployeeFields(p model.Employee) {
	e.Uint(p.ID)
	e.Str(p.FirstName)
	e.Str(p.LastName)
	e.Str(p.Email)
	e.Str(p.Phone)
	e.Str(p.Department)
	e.Str(p.Position)
	e.Uint(p.KeyID)
	e.Time(p.CreatedAt)
}

// EmployeeFields reads what Encoder.EmployeeFields writes.
func (d *Decoder) EmployeeFields() model.Employee {
	return model.Employee{
		ID: d.Uint(), FirstName: d.Str(), LastName: d.Str(), Email: d.Str(), Phone: d.Str(),
		Department: d.Str(), Position: d.Str(), KeyID: d.Uint(), CreatedAt: d.Time(),
	}
}

// EmployeeSinceSchema6 reads the fields schema 6 and later added to an
// employee, the end of every format since: the company, the directory's
// id, when and why they left.
func (d *Decoder) EmployeeSinceSchema6(p *model.Employee) {
	p.Company = d.Str()
	p.ExternalID, p.LeftAt, p.LeftReason = d.Str(), d.Time(), d.Str()
	if d.err == nil && p.ID == 0 {
		d.Fail() // ids start at 1
	}
}

package model

// KeyProblems is every problem of a key's fields, each field checked on its
// own (NormalizeKey stops at the first): an import lists them all, so that
// one pass over the file fixes a line.
func KeyProblems(in KeyInput) []error {
	var errs []error
	note := func(_ string, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	note(NormalizeSerial(in.Serial))
	note(NormalizeMAC(in.MAC))
	note(checkText("model", in.Model, maxModel, false))
	note(checkText("firmware", in.Firmware, maxModel, false))
	note(NormalizeRFID(in.RFID))
	return errs
}

// EmployeeProblems is every problem of an employee's fields, each field
// checked on its own (NormalizeEmployee stops at the first), as
// *FieldError values in the order of the fields.
func EmployeeProblems(in EmployeeInput) []error {
	var errs []error
	field := func(name, label, value string, max int, required bool) (string, bool) {
		v, err := checkText(label, value, max, required)
		if err != nil {
			errs = append(errs, &FieldError{Field: name, Msg: err.Error()})
			return v, false
		}
		return v, true
	}
	field("first_name", "first name", in.FirstName, maxName, true)
	field("last_name", "last name", in.LastName, maxName, false)
	if email, ok := field("email", "e-mail", in.Email, maxEmail, true); ok {
		if _, err := NormalizeEmail(email); err != nil {
			errs = append(errs, &FieldError{Field: "email", Msg: err.Error()})
		}
	}
	if phone, ok := field("phone", "phone", in.Phone, maxPhone, false); ok && !validPhone(phone) {
		errs = append(errs, &FieldError{Field: "phone", Msg: "phone may hold only digits, spaces and + - ( ) ."})
	}
	field("department", "department", in.Department, maxOrg, false)
	field("position", "position", in.Position, maxOrg, false)
	field("company", "company", in.Company, maxOrg, false)
	field("external_id", "external id", in.ExternalID, maxExternalID, false)
	return errs
}

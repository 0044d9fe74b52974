package csvfile

import "testing"

// TestColumnPlaces: the col constants name the places of keyColumns and
// employeeColumns.
func TestColumnPlaces(t *testing.T) {
	for _, c := range []struct {
		columns []string
		place   int
		name    string
	}{
		{keyColumns, colSerial, "serial"}, {keyColumns, colMAC, "mac"}, {keyColumns, colModel, "model"},
		{keyColumns, colFirmware, "firmware"}, {keyColumns, colRFID, "rfid"}, {keyColumns, colProfile, "profile"},
		{keyColumns, colLicenceUntil, "licence_until"},
		{employeeColumns, colFirstName, "first_name"}, {employeeColumns, colLastName, "last_name"},
		{employeeColumns, colEmail, "email"}, {employeeColumns, colPhone, "phone"},
		{employeeColumns, colDepartment, "department"}, {employeeColumns, colPosition, "position"},
		{employeeColumns, colCompany, "company"}, {employeeColumns, colKey, "key"},
		{employeeColumns, colKeySerial, "key_serial"}, {employeeColumns, colExternalID, "external_id"},
		{employeeColumns, colStatus, "status"}, {employeeColumns, colLeftAt, "left_at"}, {employeeColumns, colLeftReason, "left_reason"},
	} {
		if c.columns[c.place] != c.name {
			t.Errorf("column %d is %q, want %q", c.place, c.columns[c.place], c.name)
		}
	}
	if len(keyColumns) != colLicenceUntil+1+len(keyDerivedColumns) || len(employeeColumns) != colLeftReason+1 {
		t.Errorf("a column has no constant: %v %v", keyColumns, employeeColumns)
	}
}

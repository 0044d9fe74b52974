package e2e

import (
	"encoding/json"
	"testing"
)

// The records of `keydesk export ... --format json` (SPEC 7), as far as
// the tests read them.

type keyRecord struct {
	Serial        string `json:"serial"`
	Status        string `json:"status"`
	Reason        string `json:"reason"`
	EmployeeEmail string `json:"employee_email"`
	LastHolder    string `json:"last_holder"`
}

type employeeRecord struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	KeySerial string `json:"key_serial"`
}

type auditRecord struct {
	Seq        int    `json:"seq"`
	Actor      string `json:"actor"`
	Action     string `json:"action"`
	Target     string `json:"target"`
	FromStatus string `json:"from_status"`
	ToStatus   string `json:"to_status"`
}

func decodeExport[T any](t *testing.T, what, data string) []T {
	t.Helper()
	var records []T
	if err := json.Unmarshal([]byte(data), &records); err != nil {
		t.Fatalf("the %s export is not a JSON array: %v\n%s", what, err, data)
	}
	return records
}

// findKey is the key with the serial; the test fails without one.
func findKey(t *testing.T, keys []keyRecord, serial string) keyRecord {
	t.Helper()
	for _, k := range keys {
		if k.Serial == serial {
			return k
		}
	}
	t.Fatalf("no key %s in the export", serial)
	return keyRecord{}
}

// keysWithStatus lists the serials of the keys in a status, in export
// order.
func keysWithStatus(keys []keyRecord, status string) []string {
	var serials []string
	for _, k := range keys {
		if k.Status == status {
			serials = append(serials, k.Serial)
		}
	}
	return serials
}

// statusCounts is what the header's counts should say.
func statusCounts(keys []keyRecord) map[string]int {
	counts := map[string]int{}
	for _, k := range keys {
		counts[k.Status]++
	}
	return counts
}

package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
)

// The directory issue appended fields to keys and employees: a record
// written before them reads with them empty, a new one reads them back.
func TestCodecAppendedDirectoryFields(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	k := model.Key{ID: 7, Serial: "K7", Status: model.Deactivated, Reason: model.Withdrawal, ImportedAt: at, UpdatedAt: at,
		Rev: 3, ProfileID: 1, AppliedProfileID: 1, LastHolderID: 42}
	rec := record.EncodeKey(k, 9)
	got, err := decodeKey(rec)
	if err != nil || !reflect.DeepEqual(got, k) {
		t.Fatalf("key: %+v, %v", got, err)
	}
	old, err := decodeKey(rec[:len(rec)-1]) // one byte: the uvarint 42
	k.LastHolderID = 0
	if err != nil || !reflect.DeepEqual(old, k) {
		t.Errorf("a key written before: %+v, %v", old, err)
	}

	e := model.Employee{ID: 3, FirstName: "Ann", Email: "ann@example.com", CreatedAt: at, UpdatedAt: at, Rev: 2, Company: "Acme",
		ExternalID: "uuid-1", LeftAt: at.Add(time.Hour), LeftReason: "resigned"}
	rec = record.EncodeEmployee(e, 0)
	gotE, err := decodeEmployee(rec)
	if err != nil || !reflect.DeepEqual(gotE, e) {
		t.Fatalf("employee: %+v, %v", gotE, err)
	}
	plain := e
	plain.ExternalID, plain.LeftAt, plain.LeftReason = "", time.Time{}, ""
	full := record.EncodeEmployee(plain, 0)
	before := full[:len(full)-3] // "", zero time, "": one byte each
	oldE, err := decodeEmployee(before)
	if err != nil || !reflect.DeepEqual(oldE, plain) {
		t.Errorf("an employee written before: %+v, %v", oldE, err)
	}
	if _, err := decodeEmployee(rec[:len(rec)-2]); err == nil {
		t.Error("a record cut inside the appended fields must read as damaged")
	}
}

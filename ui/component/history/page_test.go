package history

import (
	"errors"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func TestPageTakesOnlyItsOwnRecordsHistory(t *testing.T) {
	entries := []model.AuditEntry{{Seq: 1, Action: "key.assign"}}
	// A key and an employee may share an id: the answer names its kind.
	employee := EmployeePage(nil, 7)
	employee.Loaded(LoadedMsg{of: record{kind: "key", id: 7}, entries: entries})
	employee.Loaded(LoadedMsg{of: record{kind: "employee", id: 8}, entries: entries})
	if n := len(employee.Entries()); n != 0 {
		t.Fatalf("employee 7's page shows %d entries of another record", n)
	}
	key := KeyPage(nil, 7)
	key.Loaded(LoadedMsg{of: record{kind: "key", id: 7}, entries: entries})
	if n := len(key.Entries()); n != 1 {
		t.Fatalf("key 7's page shows %d entries of its own history, want 1", n)
	}
}

func TestPageSaysWhenTheHistoryCannotBeRead(t *testing.T) {
	p := KeyPage(nil, 3)
	p.Loaded(LoadedMsg{of: p.of, err: errors.New("disk \x1b[2Jgone")})
	got := p.table.Empty
	if !strings.HasPrefix(got, "the history cannot be read: disk ") || strings.Contains(got, "\x1b") {
		t.Fatalf("empty text = %q, want the reason without control characters", got)
	}
}

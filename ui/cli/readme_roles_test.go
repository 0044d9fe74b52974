package cli_test

import (
	"os"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// rolesTableHeading starts the README's table of what each role may do.
const rolesTableHeading = "### What each role may do"

// The README's table of roles says what model.Permitted says, for every
// operation: one row an operation, a column a role, "yes" or "—".
func TestReadmeRolesTableMatchesTheModel(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := readmeTable(t, string(readme), rolesTableHeading)
	if len(rows) < 2 {
		t.Fatalf("no table under %q in README.md; it should be:\n%s", rolesTableHeading, wantRolesTable())
	}
	header := rows[0]
	if want := append([]string{"operation"}, roleNames()...); strings.Join(header, "|") != strings.Join(want, "|") {
		t.Fatalf("the table's header is %q, want %q", header, want)
	}
	seen := map[model.Operation]bool{}
	for _, row := range rows[1:] {
		op, ok := operationNamed(strings.Trim(row[0], "`"))
		if !ok {
			t.Errorf("README row %q names no operation", row[0])
			continue
		}
		seen[op] = true
		for i, r := range model.Roles {
			want := "—"
			if model.Permitted(r, op) {
				want = "yes"
			}
			if i+1 >= len(row) || row[i+1] != want {
				t.Errorf("README says %q for %s by %s; model.Permitted says %q", cell(row, i+1), op.Command(), r, want)
			}
		}
	}
	for _, op := range model.Operations {
		if !seen[op] {
			t.Errorf("README's roles table has no row for %q", op.Command())
		}
	}
	if t.Failed() {
		t.Logf("the table as model.Permitted has it:\n%s", wantRolesTable())
	}
}

func roleNames() []string {
	var out []string
	for _, r := range model.Roles {
		out = append(out, r.String())
	}
	return out
}

func operationNamed(command string) (model.Operation, bool) {
	for _, op := range model.Operations {
		if op.Command() == command {
			return op, true
		}
	}
	return 0, false
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// readmeTable is the cells of the first Markdown table after heading,
// without the |---| line.
func readmeTable(t *testing.T, text, heading string) [][]string {
	t.Helper()
	at := strings.Index(text, "\n"+heading+"\n")
	if at < 0 {
		t.Fatalf("README.md has no heading %q", heading)
	}
	var rows [][]string
	started := false
	for _, line := range strings.Split(text[at+len(heading)+2:], "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if started {
				break
			}
			continue
		}
		started = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
			continue // the |---| line
		}
		rows = append(rows, cells)
	}
	return rows
}

// wantRolesTable is the table the README should hold.
func wantRolesTable() string {
	var b strings.Builder
	b.WriteString("| operation | " + strings.Join(roleNames(), " | ") + " |\n|---|" + strings.Repeat("---|", len(model.Roles)) + "\n")
	for _, op := range model.Operations {
		name := "`" + op.Command() + "`"
		if strings.HasPrefix(op.Command(), "(") {
			name = op.Command()
		}
		b.WriteString("| " + name + " |")
		for _, r := range model.Roles {
			if model.Permitted(r, op) {
				b.WriteString(" yes |")
			} else {
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

package model

import "strings"

// A CSV cell beginning with = + - @, a tab or a carriage return is a
// formula to a spreadsheet: a name like =HYPERLINK("http://...") would run
// when the file is opened. OWASP's rule is to prefix such a cell with ',
// which spreadsheets show as text. A cell that begins with ' is prefixed
// too, so that the prefix can be undone exactly: what an export writes,
// an import reads back.
const formulaStarts = "=+-@\t\r'"

// NeedsFormulaPrefix reports whether an export writes v with a leading '.
func NeedsFormulaPrefix(v string) bool {
	return v != "" && strings.IndexByte(formulaStarts, v[0]) >= 0
}

// UndoFormulaPrefix is what an import makes of a cell: the leading ' taken
// off only where an export would have added it (the ' followed by one of
// the characters above), so "'+44 20 7946" reads "+44 20 7946" and
// "'t was" stays as it is.
func UndoFormulaPrefix(cell string) string {
	if len(cell) >= 2 && cell[0] == '\'' && NeedsFormulaPrefix(cell[1:]) {
		return cell[1:]
	}
	return cell
}

package codeview

import "strings"

// glyphs draw the digits 5 rows high so that a code can be read across a
// room or off a shared screen.
var glyphs = [10][5]string{
	{"█████", "█   █", "█   █", "█   █", "█████"},
	{"  █  ", " ██  ", "  █  ", "  █  ", " ███ "},
	{"█████", "    █", "█████", "█    ", "█████"},
	{"█████", "    █", " ████", "    █", "█████"},
	{"█   █", "█   █", "█████", "    █", "    █"},
	{"█████", "█    ", "█████", "    █", "█████"},
	{"█████", "█    ", "█████", "█   █", "█████"},
	{"█████", "    █", "   █ ", "  █  ", "  █  "},
	{"█████", "█   █", "█████", "█   █", "█████"},
	{"█████", "█   █", "█████", "    █", "█████"},
}

// BigDigitsWidth is the width of a 6-digit code drawn by BigDigits.
const BigDigitsWidth = 6*5 + 4*1 + 5

// BigDigits draws a code in large digits, grouped 3 + 3.
func BigDigits(code string) string {
	var rows [5]strings.Builder
	for i, r := range code {
		if r < '0' || r > '9' {
			continue
		}
		for row := range rows {
			switch {
			case i == 3:
				rows[row].WriteString("     ") // the gap between the groups
			case i > 0:
				rows[row].WriteString(" ")
			}
			rows[row].WriteString(glyphs[r-'0'][row])
		}
	}
	lines := make([]string, len(rows))
	for i := range rows {
		lines[i] = rows[i].String()
	}
	return strings.Join(lines, "\n")
}

package data

import "strings"

// searchText is the lower-case search text of every row, one after the
// other in one string, each field ended by a NUL (a query never holds
// one, so it never matches across two fields or rows). A search is one
// pass of strings.Index over the whole text: it costs the same for
// 100,000 rows whatever they hold, a few milliseconds.
type searchText struct {
	text   string
	starts []int32 // where each row begins; one more: the end
}

// NormalizeQuery is the form a query is compared in: lower case, and a
// phone number as its digits alone ("+44 20 7946" → "44207946"), since
// the search text holds phones that way, however they were written.
func NormalizeQuery(q string) string {
	q = strings.ToLower(strings.TrimSpace(q))
	if digits, ok := phoneDigits(q); ok {
		return digits
	}
	return q
}

// phoneDigits is the digits of a query made only of digits and what
// phone numbers are written with (spaces, + - ( ) .), with at least one
// of those: a plain number stays as typed.
func phoneDigits(q string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case '0' <= c && c <= '9':
			b.WriteByte(c)
		case strings.IndexByte(" +-().", c) < 0:
			return "", false
		}
	}
	return b.String(), b.Len() > 0 && b.Len() < len(q)
}

// matching marks the rows whose text holds query; nil means every row
// (an empty query).
func (s *searchText) matching(query string) []bool {
	if query == "" {
		return nil
	}
	hit := make([]bool, len(s.starts)-1)
	row, pos := 0, 0
	for {
		j := strings.Index(s.text[pos:], query)
		if j < 0 {
			return hit
		}
		at := pos + j
		for int(s.starts[row+1]) <= at {
			row++
		}
		hit[row] = true
		pos = int(s.starts[row+1]) // one hit is enough: on to the next row
		if pos >= len(s.text) {
			return hit
		}
	}
}

// KeysMatching marks the keys whose serial, MAC (with or without its
// colons), RFID or holder holds the normalized query; nil for "" (all).
func (x *Index) KeysMatching(query string) []bool { return x.keyText.matching(query) }

// EmployeesMatching marks the employees whose name, e-mail, department,
// position, phone (its digits) or key serial holds the normalized
// query; nil for "" (all).
func (x *Index) EmployeesMatching(query string) []bool { return x.employeeText.matching(query) }

// Filter keeps the positions of order for which keep is true. With no
// filter at all (keep nil) it returns order itself.
func Filter(order []int32, keep func(i int32) bool) []int32 {
	if keep == nil {
		return order
	}
	out := make([]int32, 0, min(len(order), 1024))
	for _, i := range order {
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}

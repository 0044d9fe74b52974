package data

import (
	"strconv"
	"strings"
	"sync"
)

// searchText is the lower-case search text of every row, one after the
// other in one string, each field ended by a NUL (a query never holds
// one, so it never matches across two fields or rows). A search is one
// pass of strings.Index over the whole text: it costs the same for
// 100,000 rows whatever they hold, a few milliseconds.
type searchText struct {
	text   string
	starts []int32     // where each row begins; one more: the end
	grams  *gramHolder // the rows of each gram (grams.go); none yet: scan
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

// The ranks of a row for a query: how well it matched (0: not at all).
const (
	noMatch   uint8 = iota
	exact           // a field is the whole query ("ada lovelace", a serial)
	wordStart       // every word begins a word of the row ("ada love")
	inside          // every word is somewhere in the row ("vela")
)

// words splits a normalized query: every word must be found in the row,
// each in any field.
func words(query string) []string { return strings.Fields(query) }

// ranks scans the text for rows holding every word of query and ranks
// them. The text is scanned for the longest word only (the rarest, as
// a rule); each row found is then checked for the others. dirty rows
// are ranked from their own record's text instead (text of them is
// stale); rows at or past the text's end are all dirty.
func (s *searchText) ranks(query string, rows int, dirty map[int32]struct{}, own func(i int32) (string, bool)) []uint8 {
	ws := words(query)
	rank := make([]uint8, rows)
	if len(ws) == 0 {
		return rank
	}
	scan := ws[0]
	for _, w := range ws[1:] {
		if len(w) > len(scan) {
			scan = w
		}
	}
	// Two halves of the text on two cores: a search of a million rows
	// is a few tens of megabytes to read.
	built := len(s.starts) - 1
	if len(s.text) < parallelText || built < 2 {
		s.scan(0, built, scan, query, ws, rank, dirty)
	} else {
		var wg sync.WaitGroup
		wg.Add(1)
		half := built / 2
		go func() {
			defer wg.Done()
			s.scan(half, built, scan, query, ws, rank, dirty)
		}()
		s.scan(0, half, scan, query, ws, rank, dirty)
		wg.Wait()
	}
	for i := range dirty {
		if text, ok := own(i); ok {
			rank[i] = rankOf(text, query, ws)
		}
	}
	return rank
}

// parallelText is the size of text past which a search uses both cores.
const parallelText = 4 << 20

// scan ranks the rows [from, to) of the text that hold the word scan.
func (s *searchText) scan(from, to int, scan, query string, ws []string, rank []uint8, dirty map[int32]struct{}) {
	row, pos, end := from, int(s.starts[from]), int(s.starts[to])
	for pos < end {
		j := strings.Index(s.text[pos:end], scan)
		if j < 0 {
			break
		}
		at := pos + j
		for int(s.starts[row+1]) <= at {
			row++
		}
		next := int(s.starts[row+1])
		if _, stale := dirty[int32(row)]; !stale {
			rank[row] = rankOf(s.text[s.starts[row]:next], query, ws)
		}
		pos = next // one hit is enough: on to the next row
	}
}

// refine ranks for query only the rows that matched an earlier query of
// which it is a longer form (what typing one more key makes): every row
// that holds the longer holds the shorter, so the others need no look.
func (s *searchText) refine(query string, earlier []uint8, dirty map[int32]struct{}, own func(i int32) (string, bool)) []uint8 {
	ws := words(query)
	rank := make([]uint8, len(earlier))
	built := int32(len(s.starts) - 1)
	for i, r := range earlier {
		if r == noMatch {
			continue
		}
		row := int32(i)
		_, stale := dirty[row]
		if stale || row >= built {
			if text, ok := own(row); ok {
				rank[i] = rankOf(text, query, ws)
			}
			continue
		}
		rank[i] = rankOf(s.text[s.starts[row]:s.starts[row+1]], query, ws)
	}
	return rank
}

// rankOf ranks one row's text (fields each ended by a NUL).
func rankOf(text, query string, ws []string) uint8 {
	starts := true
	for _, w := range ws {
		at := strings.Index(text, w)
		if at < 0 {
			return noMatch
		}
		if starts && !startsWord(text, w, at) {
			starts = false
		}
	}
	switch {
	case !starts:
		return inside
	case hasField(text, query):
		return exact
	}
	return wordStart
}

// startsWord reports whether w occurs at the start of a word of text,
// at its first occurrence at or after at.
func startsWord(text, w string, at int) bool {
	for at >= 0 {
		if at == 0 || !isWordByte(text[at-1]) {
			return true
		}
		next := strings.Index(text[at+1:], w)
		if next < 0 {
			return false
		}
		at += 1 + next
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 0x80 || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}

// hasField reports whether a field of text is exactly q.
func hasField(text, q string) bool {
	for text != "" {
		end := strings.IndexByte(text, 0)
		if end < 0 {
			return text == q
		}
		if text[:end] == q {
			return true
		}
		text = text[end+1:]
	}
	return false
}

// fieldOf is the number of the field of text where the query's longest
// word is found, at a word's start if it is somewhere, or -1.
func fieldOf(text, query string) int {
	ws := words(query)
	if len(ws) == 0 {
		return -1
	}
	scan := ws[0]
	for _, w := range ws[1:] {
		if len(w) > len(scan) {
			scan = w
		}
	}
	if hasField(text, query) {
		at := strings.Index(text, query)
		return strings.Count(text[:at], "\x00")
	}
	at := strings.Index(text, scan)
	if at < 0 {
		return -1
	}
	for a := at; a >= 0; {
		if a == 0 || !isWordByte(text[a-1]) {
			at = a
			break
		}
		next := strings.Index(text[a+1:], scan)
		if next < 0 {
			break
		}
		a += 1 + next
	}
	return strings.Count(text[:at], "\x00")
}

// keyRanks and employeeRanks are the ranks of every row for a query,
// computed once per index and query and shared.
func (x *Index) keyRanks(query string) []uint8 {
	return x.ranks("rk", query, &x.keyText, len(x.Keys), x.dirtyKeys, func(i int32) (string, bool) {
		r := x.Keys[i].r()
		return r.text, !r.gone
	})
}

func (x *Index) employeeRanks(query string) []uint8 {
	return x.ranks("re", query, &x.employeeText, len(x.Employees), x.dirtyEmployees, func(i int32) (string, bool) {
		r := x.Employees[i].r()
		return r.text, !r.gone
	})
}

// ranks is the ranks of the n rows of text for a query: from the gram
// index, else refining a shorter query's ranks, else a scan. own is a
// row's text as it is now, for the rows dirty since the text was built.
func (x *Index) ranks(kind, query string, text *searchText, n int, dirty map[int32]struct{}, own func(i int32) (string, bool)) []uint8 {
	return x.found.ranks(&x.mu, kind+query, func() []uint8 {
		earlier := x.found.earlier(&x.mu, kind, query)
		if rank, ok := text.indexed(query, n, earlier, dirty, own); ok {
			return rank
		}
		if earlier != nil {
			return text.refine(query, earlier, dirty, own)
		}
		return text.ranks(query, n, dirty, own)
	})
}

// FindKeys is the keys that hold every word of the normalized query,
// best matches first (a field that is the whole query, then every word
// at a word's start, then anywhere), each group in the order by; for ""
// it is KeyOrder(by). Shared: callers must not change it.
func (x *Index) FindKeys(query string, by KeySort) []int32 {
	return find(x, "k", query, by, x.KeyOrder, x.keyRanks)
}

// FindEmployees is FindKeys for employees: name, e-mail, department,
// position, phone (its digits) and key serial.
func (x *Index) FindEmployees(query string, by EmployeeSort) []int32 {
	return find(x, "e", query, by, x.EmployeeOrder, x.employeeRanks)
}

// find is the rows of order(by) that match query, best first, kept in
// the index's cache (kind tells keys from employees there).
func find[S KeySort | EmployeeSort](x *Index, kind, query string, by S, order func(S) []int32, ranks func(string) []uint8) []int32 {
	if query == "" {
		return order(by)
	}
	return x.found.list(&x.mu, kind+strconv.Itoa(int(by))+" "+query, func() []int32 {
		return ranked(order(by), ranks(query))
	})
}

// EmployeesMatching marks the employees whose name, e-mail, department,
// position, phone (its digits) or key serial holds every word of the
// normalized query; nil for "" (all).
func (x *Index) EmployeesMatching(query string) []bool {
	if query == "" {
		return nil
	}
	return hits(x.employeeRanks(query))
}

func hits(rank []uint8) []bool {
	hit := make([]bool, len(rank))
	for i, r := range rank {
		hit[i] = r != noMatch
	}
	return hit
}

// foundCache keeps the last searches of an index: sessions typing the
// same query share one answer, and its memory is bounded whatever the
// number of sessions.
type foundCache struct {
	rankOf map[string][]uint8
	listOf map[string][]int32
	order  []string // oldest first
}

const foundCacheSize = 16

func (c *foundCache) remember(key string) {
	c.order = append(c.order, key)
	if len(c.order) > foundCacheSize {
		old := c.order[0]
		c.order = c.order[1:]
		delete(c.rankOf, old)
		delete(c.listOf, old)
	}
}

func (c *foundCache) ranks(mu *sync.Mutex, key string, compute func() []uint8) []uint8 {
	return cached(c, mu, &c.rankOf, key, compute)
}

// earlier is the ranks of the longest query searched in this index
// that query begins with (nil for none).
func (c *foundCache) earlier(mu *sync.Mutex, kind, query string) []uint8 {
	mu.Lock()
	defer mu.Unlock()
	var best []uint8
	longest := 0
	for key, r := range c.rankOf {
		q, ok := strings.CutPrefix(key, kind)
		if ok && q != "" && len(q) > longest && strings.HasPrefix(query, q) {
			best, longest = r, len(q)
		}
	}
	return best
}

func (c *foundCache) list(mu *sync.Mutex, key string, compute func() []int32) []int32 {
	return cached(c, mu, &c.listOf, key, compute)
}

// cached is the answer to key in m, or computes it (outside the lock:
// other searches go on meanwhile) and keeps it if no other session did
// first.
func cached[T any](c *foundCache, mu *sync.Mutex, m *map[string]T, key string, compute func() T) T {
	mu.Lock()
	v, ok := (*m)[key]
	mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	mu.Lock()
	defer mu.Unlock()
	if *m == nil {
		*m = map[string]T{}
	}
	if _, ok := (*m)[key]; !ok {
		(*m)[key] = v
		c.remember(key)
	}
	return v
}

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

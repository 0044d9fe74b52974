package data

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// gramIndex finds the rows of a searchText that hold a word without
// reading the text: for every gram of one, two and three bytes, the rows
// holding it (a posting), and for grams of one and two bytes also the
// rows where one begins a word. A search reads the postings of its
// words' grams, intersects them and ranks only the rows left: a word of
// one or two bytes is answered by its posting alone, a longer one is
// checked in the rows holding all its trigrams. It is built with the
// text, once per Build, and never changed: rows a write touched since
// are ranked from their own text (Index.dirtyKeys), as the scan does.
//
// A posting is its rows' deltas as uvarints, or a bitmap of the rows
// when that is smaller (a gram in more than one row in eight).
type gramIndex struct {
	rows int      // the text's rows
	ids  []uint32 // the grams met, ascending; the k-th:
	off  []uint32 // its posting is data[off[k]:off[k+1]]
	n    []uint32 // of n rows
	data []byte
}

// Gram ids. Bytes are coded on six bits, exact for what the texts are
// mostly made of (letters, digits, and the signs of e-mail addresses and
// MACs); other bytes share the remaining codes, so that a gram holding
// one stands for several (its posting is a superset: checked).
const (
	gramUni    = 0                 // + byte
	gramBi     = gramUni + 256     // + code<<6 | code
	gramTri    = gramBi + 1<<12    // + code<<12 | code<<6 | code
	gramUniAt  = gramTri + 1<<18   // + byte: at a word's start
	gramBiAt   = gramUniAt + 256   // + code<<6 | code: at a word's start
	gramTriAt  = gramBiAt + 1<<12  // + code<<12 | code<<6 | code: at a word's start
	gramField  = gramTriAt + 1<<18 // + code<<12 | code<<6 | code: a whole field of one to three bytes
	gramIDs    = gramField + 1<<18 // every gram
	firstInexa = 1 + 26 + 10 + 6   // the first code shared by several bytes
	inexact    = 64 - firstInexa   // how many codes they share
	noGram     = ^uint32(0)        // a gram no word can hold
	maxPosting = 1<<32 - 1         // the postings are addressed on 32 bits
)

// byteCode is the six-bit code of each byte (0: a byte no gram holds:
// NUL, which ends fields, and the space, which no word of a query holds).
var byteCode = func() (c [256]uint8) {
	next := uint8(1)
	for b := 'a'; b <= 'z'; b++ {
		c[b] = next
		next++
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = next
		next++
	}
	for _, b := range []byte(".@-_:+") {
		c[b] = next
		next++
	}
	for b := 1; b < 256; b++ {
		if c[b] == 0 && b != ' ' {
			c[b] = firstInexa + uint8(b%inexact)
		}
	}
	return c
}()

func exactCode(c uint8) bool { return c != 0 && c < firstInexa }

func biID(a, b uint8) uint32     { return uint32(a)<<6 | uint32(b) }
func triID(a, b, c uint8) uint32 { return gramTri + (uint32(a)<<12 | uint32(b)<<6 | uint32(c)) }

// gramBuilder makes the postings in two passes over the text: the first
// counts each gram's rows and the bytes of its deltas, the second writes
// them.
type gramBuilder struct {
	g    *gramIndex
	last []int32  // by gram id: the last row (+1) met
	n    []uint32 // by gram id: first pass, rows; second, the gram's k
	at   []uint32 // by gram id: first pass, bytes; second, where the next delta goes
	fill bool
}

func (b *gramBuilder) touch(id uint32, row int32) {
	prev := b.last[id]
	if prev == row+1 {
		return
	}
	b.last[id] = row + 1
	delta := uint64(row + 1 - prev)
	if !b.fill {
		b.n[id]++
		b.at[id] += uint32(uvarintLen(delta))
		return
	}
	g, k := b.g, b.n[id]
	start := g.off[k]
	if g.isBitmap(k) {
		g.data[start+uint32(row)>>3] |= 1 << (row & 7)
		return
	}
	b.at[id] += uint32(binary.PutUvarint(g.data[start+b.at[id]:], delta))
}

func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// bitmapLen is the size of a bitmap of the rows.
func (g *gramIndex) bitmapLen() uint32 { return uint32((g.rows + 7) / 8) }

// isBitmap: postings of the size of a bitmap are bitmaps; lists are
// always smaller (see buildGrams).
func (g *gramIndex) isBitmap(k uint32) bool { return g.off[k+1]-g.off[k] == g.bitmapLen() }

// slot is the k of a gram id (false: no row holds it).
func (g *gramIndex) slot(id uint32) (uint32, bool) {
	k, ok := slices.BinarySearch(g.ids, id)
	return uint32(k), ok
}

// gramsFrom is the rows from which a text gets a gram index: below, a
// scan of the text takes microseconds, less than making the index's
// tables.
var gramsFrom atomic.Int64

func init() { gramsFrom.Store(4096) }

// buildGrams indexes the grams of every row of s (nil if the text is
// small, or if the postings would not fit 32-bit offsets).
func buildGrams(s *searchText) *gramIndex {
	rows := len(s.starts) - 1
	if rows < int(gramsFrom.Load()) {
		return nil
	}
	g := &gramIndex{rows: rows}
	b := &gramBuilder{g: g, last: make([]int32, gramIDs), n: make([]uint32, gramIDs), at: make([]uint32, gramIDs)}
	b.pass(s)
	// Each gram met as a list, or as a bitmap where a list would be
	// larger.
	total := uint64(0)
	bitmap := uint64(g.bitmapLen())
	for id := range uint32(gramIDs) {
		if b.n[id] == 0 {
			continue
		}
		k := uint32(len(g.ids))
		g.ids = append(g.ids, id)
		g.off = append(g.off, uint32(total))
		g.n = append(g.n, b.n[id])
		b.n[id] = k
		total += min(uint64(b.at[id]), bitmap)
		if total > maxPosting {
			return nil
		}
	}
	g.off = append(g.off, uint32(total))
	g.data = make([]byte, total)
	clear(b.last)
	clear(b.at)
	b.fill = true
	b.pass(s)
	return g
}

// pass visits every gram of every row once per row.
func (b *gramBuilder) pass(s *searchText) {
	text := s.text
	for row := range len(s.starts) - 1 {
		r := int32(row)
		from, to := int(s.starts[row]), int(s.starts[row+1])
		prevWord := false // the byte before is part of a word
		field := from     // where the field of p begins
		for p := from; p < to; p++ {
			if text[p] == 0 {
				if id, ok := fieldGram(text[field:p]); ok {
					b.touch(id, r)
				}
				field = p + 1
			}
			c0 := text[p]
			k0 := byteCode[c0]
			start := !prevWord
			prevWord = isWordByte(c0)
			if k0 == 0 {
				continue
			}
			b.touch(gramUni+uint32(c0), r)
			if start {
				b.touch(gramUniAt+uint32(c0), r)
			}
			if p+1 >= to {
				continue
			}
			k1 := byteCode[text[p+1]]
			if k1 == 0 {
				continue
			}
			b.touch(gramBi+biID(k0, k1), r)
			if start {
				b.touch(gramBiAt+biID(k0, k1), r)
			}
			if p+2 >= to {
				continue
			}
			if k2 := byteCode[text[p+2]]; k2 != 0 {
				t := triID(k0, k1, k2)
				b.touch(t, r)
				if start {
					b.touch(t-gramTri+gramTriAt, r)
				}
			}
		}
	}
}

// Bytes is the memory the index holds.
func (g *gramIndex) Bytes() int {
	if g == nil {
		return 0
	}
	return len(g.data) + 4*len(g.ids) + 4*len(g.off) + 4*len(g.n)
}

// wordGrams are the grams a word's rows all hold; exact reports that
// the rows holding them are exactly those holding the word. ok is false
// for a word the index cannot answer (it holds a NUL or a space, which
// the texts hold only between fields and words).
func wordGrams(w string) (ids []uint32, exact, ok bool) {
	for i := 0; i < len(w); i++ {
		if byteCode[w[i]] == 0 {
			return nil, false, false
		}
	}
	exact = true
	for i := 0; i < len(w); i++ {
		exact = exact && exactCode(byteCode[w[i]])
	}
	switch len(w) {
	case 0:
		return nil, false, false
	case 1:
		return []uint32{gramUni + uint32(w[0])}, true, true
	case 2:
		return []uint32{gramBi + biID(byteCode[w[0]], byteCode[w[1]])}, exact, true
	}
	for i := 0; i+3 <= len(w); i++ {
		ids = append(ids, triID(byteCode[w[i]], byteCode[w[i+1]], byteCode[w[i+2]]))
	}
	return ids, exact && len(w) == 3, true
}

// atStartGram is the gram of the rows where a word of one to three
// exact bytes begins a word (noGram for other words).
func atStartGram(w string) uint32 {
	if len(w) == 1 {
		return gramUniAt + uint32(w[0])
	}
	for i := 0; i < len(w); i++ {
		if !exactCode(byteCode[w[i]]) {
			return noGram
		}
	}
	switch len(w) {
	case 2:
		return gramBiAt + biID(byteCode[w[0]], byteCode[w[1]])
	case 3:
		return triID(byteCode[w[0]], byteCode[w[1]], byteCode[w[2]]) - gramTri + gramTriAt
	}
	return noGram
}

// rowsOf is the rows of the k-th posting, ascending.
func (g *gramIndex) rowsOf(k uint32) []int32 {
	p := g.data[g.off[k]:g.off[k+1]]
	out := make([]int32, 0, g.n[k])
	if g.isBitmap(k) {
		for i := 0; i+8 <= len(p); i += 8 {
			for w := binary.LittleEndian.Uint64(p[i:]); w != 0; w &= w - 1 {
				out = append(out, int32(i*8+bits.TrailingZeros64(w)))
			}
		}
		for i := len(p) &^ 7; i < len(p); i++ {
			for w := p[i]; w != 0; w &= w - 1 {
				out = append(out, int32(i*8+bits.TrailingZeros8(w)))
			}
		}
		return out
	}
	row := int64(-1)
	for len(p) > 0 {
		d, n := binary.Uvarint(p)
		p = p[n:]
		row += int64(d)
		out = append(out, int32(row))
	}
	return out
}

// keep keeps the rows (ascending) that the posting of gram id holds,
// in place.
func (g *gramIndex) keep(rows []int32, id uint32) []int32 {
	k, ok := g.slot(id)
	if !ok {
		return rows[:0]
	}
	p := g.data[g.off[k]:g.off[k+1]]
	out := rows[:0]
	if g.isBitmap(k) {
		for _, r := range rows {
			if p[r>>3]&(1<<(r&7)) != 0 {
				out = append(out, r)
			}
		}
		return out
	}
	row := int64(-1)
	for _, r := range rows {
		for row < int64(r) && len(p) > 0 {
			d, n := binary.Uvarint(p)
			p = p[n:]
			row += int64(d)
		}
		if row == int64(r) {
			out = append(out, r)
		} else if row < int64(r) {
			break // the posting ended
		}
	}
	return out
}

// candidates is the rows holding every gram of every word, ascending,
// and whether they are exactly the rows holding every word (then the
// words' ranks need no reading of text but where they may begin a
// word). ok is false when the index cannot answer the words.
func (g *gramIndex) candidates(ws []string) (rows []int32, exact, ok bool) {
	var ids []uint32
	exact = true
	for _, w := range ws {
		wi, e, ok := wordGrams(w)
		if !ok {
			return nil, false, false
		}
		ids = append(ids, wi...)
		exact = exact && e
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ks := make([]uint32, len(ids))
	for i, id := range ids {
		k, ok := g.slot(id)
		if !ok {
			return nil, exact, true // a gram no row holds
		}
		ks[i] = k
	}
	// The rarest first: the others only filter it.
	slices.SortFunc(ks, func(a, b uint32) int { return int(g.n[a]) - int(g.n[b]) })
	rows = g.rowsOf(ks[0])
	for _, k := range ks[1:] {
		if len(rows) == 0 {
			break
		}
		rows = g.keep(rows, g.ids[k])
	}
	return rows, exact, true
}

// indexed ranks the rows for query from the gram index: the rows
// holding the words' grams, and of those only the ones that matched the
// earlier query it extends (nil: none); ok is false when the index
// cannot answer (no index, or a word it does not index). As ranks.
func (s *searchText) indexed(query string, rows int, earlier []uint8, dirty map[int32]struct{}, own func(i int32) (string, bool)) (rank []uint8, ok bool) {
	ws := words(query)
	g := s.grams.get()
	if g == nil || len(ws) == 0 {
		return nil, false
	}
	cands, whole, ok := g.candidates(ws)
	if !ok {
		return nil, false
	}
	if earlier != nil {
		kept := cands[:0]
		for _, r := range cands {
			if earlier[r] != noMatch {
				kept = append(kept, r)
			}
		}
		cands = kept
	}
	rank = make([]uint8, rows)
	// Words of one to three bytes: the rows are exactly those holding
	// them, each ranked "inside" unless every word begins a word there,
	// which the postings of words' starts tell; only those rows are
	// read, for a field that is the whole query (ranked first).
	short := whole
	for _, w := range ws {
		short = short && atStartGram(w) != noGram
	}
	if !short {
		s.rankRows(cands, query, ws, rank)
	} else {
		for _, r := range cands {
			rank[r] = inside
		}
		for _, w := range ws {
			cands = g.keep(cands, atStartGram(w))
		}
		for _, r := range cands {
			rank[r] = wordStart
		}
		ended := query + "\x00" // a field is the query: the query, then the field's end
		for _, r := range g.fieldRows(cands, query) {
			if isField(s.text[s.starts[r]:s.starts[r+1]], ended) {
				rank[r] = exact
			}
		}
	}
	// Rows changed since the text was built: from their own text.
	for i := range dirty {
		rank[i] = noMatch
		if text, ok := own(i); ok {
			rank[i] = rankOf(text, query, ws)
		}
	}
	return rank, true
}

// rankRows ranks rows from the text, on both cores when they are many.
func (s *searchText) rankRows(rows []int32, query string, ws []string, rank []uint8) {
	do := func(rows []int32) {
		for _, r := range rows {
			rank[r] = rankOf(s.text[s.starts[r]:s.starts[r+1]], query, ws)
		}
	}
	if len(rows) < parallelRows {
		do(rows)
		return
	}
	var wg sync.WaitGroup
	half := len(rows) / 2
	wg.Go(func() { do(rows[half:]) })
	do(rows[:half])
	wg.Wait()
}

// parallelRows is how many rows to rank past which a search uses both
// cores.
const parallelRows = 16 << 10

// isField reports whether a field of text (each ended by a NUL) is
// ended, a query with its NUL: hasField, in one search of the text where
// the query is rarely followed by a field's end.
func isField(text, ended string) bool {
	if strings.IndexByte(ended[:len(ended)-1], 0) >= 0 {
		return false
	}
	for at := 0; ; {
		i := strings.Index(text[at:], ended)
		if i < 0 {
			return false
		}
		if p := at + i; p == 0 || text[p-1] == 0 {
			return true
		}
		at += i + 1
	}
}

// fieldGram is the gram of a whole field of one to three bytes (a byte
// with no code, the space, counts as 0).
func fieldGram(f string) (uint32, bool) {
	if len(f) == 0 || len(f) > 3 {
		return 0, false
	}
	var id uint32
	for i := 0; i < len(f); i++ {
		id = id<<6 | uint32(byteCode[f[i]])
	}
	return gramField + id, true
}

// fieldRows keeps the rows of cands (ascending) where a field may be the
// whole query: all when the query is longer than three bytes; else those
// of its field gram (to check: bytes without an exact code share one).
func (g *gramIndex) fieldRows(cands []int32, query string) []int32 {
	id, ok := fieldGram(query)
	if !ok {
		return cands
	}
	return g.keep(slices.Clone(cands), id)
}

// gramHolder holds a text's gram index once made: the versions of the
// Index that share the text share it. A Live publishes a Build before
// its gram indexes are made (MakeGrams): searches read the text until
// then.
type gramHolder struct {
	p    atomic.Pointer[gramIndex]
	done atomic.Bool // made (or too small a text to have one)
}

func (h *gramHolder) get() *gramIndex {
	if h == nil {
		return nil
	}
	return h.p.Load()
}

// makeGrams makes the gram indexes of the texts that have none yet; it
// reports whether it made any (a text too small has none).
func (x *Index) makeGrams() (made bool) {
	for _, s := range []*searchText{&x.employeeText, &x.keyText} {
		if s.grams != nil && !s.grams.done.Load() {
			if g := buildGrams(s); g != nil {
				s.grams.p.Store(g)
				made = true
			}
			s.grams.done.Store(true)
		}
	}
	return made
}

// SearchIndexed reports whether the search's gram indexes are made (a
// Live's are made just after it publishes a Build; searches read the
// text until then, with the same answers).
func (x *Index) SearchIndexed() bool {
	for _, h := range []*gramHolder{x.keyText.grams, x.employeeText.grams} {
		if h != nil && !h.done.Load() {
			return false
		}
	}
	return true
}

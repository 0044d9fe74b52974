package data

import "encoding/binary"

// ranked is the rows of order that match, best rank first, each rank in
// order. Rows out of the order (deleted ones) never match.
//
// At a million rows this is a keystroke's largest part after the search
// itself: the whole order is read whatever the query. The matches are
// marked in a bitmap first, an eighth of the ranks' size, so that the
// order's million lookups mostly hit the processor's cache.
func ranked(order []int32, rank []uint8) []int32 {
	var n [inside + 1]int
	hit := make([]uint64, (len(rank)+63)/64)
	for w := 0; w < len(rank); w += 8 {
		if w+8 <= len(rank) && binary.LittleEndian.Uint64(rank[w:]) == 0 {
			continue // most rows of most queries
		}
		for i := w; i < min(w+8, len(rank)); i++ {
			if r := rank[i]; r != noMatch {
				n[r]++
				hit[i>>6] |= 1 << (i & 63)
			}
		}
	}
	out := make([]int32, n[exact]+n[wordStart]+n[inside])
	at := [inside + 1]int{exact: 0, wordStart: n[exact], inside: n[exact] + n[wordStart]}
	for _, i := range order {
		if hit[i>>6]&(1<<(uint32(i)&63)) != 0 {
			r := rank[i]
			out[at[r]] = i
			at[r]++
		}
	}
	return out
}

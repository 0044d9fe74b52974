package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRankedIsTheOrderByRank checks ranked against its definition, with
// rows out of the order (never matched, as deleted rows are) and ranks
// that fill the bitmap's words partly.
func TestRankedIsTheOrderByRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, rows := range []int{0, 1, 9, 1000, 70_000, 200_000} {
		for _, density := range []float64{0, 0.001, 0.3, 1} {
			rank := make([]uint8, rows)
			for i := range rank {
				if rng.Float64() < density {
					rank[i] = uint8(1 + rng.IntN(int(inside)))
				}
			}
			order := rng.Perm(rows)
			in := make([]int32, 0, rows)
			for _, i := range order {
				if rng.IntN(50) > 0 { // a row in fifty is out of the order
					in = append(in, int32(i))
				} else {
					rank[i] = noMatch
				}
			}
			var want []int32
			for r := exact; r <= inside; r++ {
				for _, i := range in {
					if rank[i] == r {
						want = append(want, i)
					}
				}
			}
			got := ranked(in, rank)
			if want == nil {
				want = []int32{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%d rows, density %v: ranked gives %d rows, want %d (first difference at %d)",
					rows, density, len(got), len(want), firstDifference(got, want))
			}
		}
	}
}

func firstDifference(a, b []int32) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

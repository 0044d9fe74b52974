package store

import (
	"path/filepath"
	"strconv"
	"testing"
)

// The check before a store's first write (and serve's start) reads every
// page: its cost grows with the file.
func BenchmarkCheckSound(b *testing.B) {
	for _, size := range []struct{ keys, employees int }{{1000, 600}, {20000, 12000}} {
		b.Run(strconv.Itoa(size.keys)+"keys", func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "k.db")
			s, err := Open(path, Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.FillDemo(tAdmin, size.keys, size.employees); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := s.checkSound(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

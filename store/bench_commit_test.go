package store

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// BenchmarkCommitDesigns compares ways of committing writes on the 100k
// database: the store's queue (groupCommit), bbolt's DB.Batch with its
// default 10 ms wait and with 1 ms, and one transaction per write. Alone:
// one admin's assignments one after the other. 50 writers: 50 goroutines
// at once, each assigning 5 keys and activating each.
func BenchmarkCommitDesigns(b *testing.B) {
	s := benchStore(b)
	designs := []struct {
		name      string
		committer func(fn func(tx *bolt.Tx) error) error
		delay     time.Duration
	}{
		{"queue", s.groupCommit, 0},
		{"Batch-10ms", s.batchCommit, 10 * time.Millisecond},
		{"Batch-1ms", s.batchCommit, time.Millisecond},
		{"one-by-one", func(fn func(tx *bolt.Tx) error) error { return s.guard(func() error { return s.db.Update(fn) }) }, 0},
	}
	defaultDelay := s.db.Load().MaxBatchDelay
	defer func() { s.committer, s.db.Load().MaxBatchDelay = s.groupCommit, defaultDelay }()
	for _, d := range designs {
		s.committer, s.db.Load().MaxBatchDelay = d.committer, d.delay
		b.Run(d.name+"/alone", func(b *testing.B) {
			serials, emails := benchPairs(b, s, b.N)
			againstFsync(b, bench.dir, func(i int) {
				if _, err := s.AssignKey(model.LocalAdmin("bench"), Serial(serials[i]), emails[i]); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(d.name+"/50-writers", func(b *testing.B) {
			benchWriters(b, s, 50, 5)
		})
	}
}

func (s *Store) batchCommit(fn func(tx *bolt.Tx) error) error {
	return s.guard(func() error { return s.db.Batch(fn) })
}

// benchWriters has writers goroutines at once each assign keys keys and
// activate them, and reports the operations' rate and latencies.
func benchWriters(b *testing.B, s *Store, writers, keys int) {
	serials, emails := benchPairs(b, s, b.N*writers*keys)
	var mu sync.Mutex
	var took []time.Duration
	timed := func(op func() error) {
		start := time.Now()
		if err := op(); err != nil {
			b.Error(err)
		}
		d := time.Since(start)
		mu.Lock()
		took = append(took, d)
		mu.Unlock()
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range keys {
					i := (n*writers+w)*keys + k
					var code string
					timed(func() error {
						view, err := s.AssignKey(model.LocalAdmin("bench"), Serial(serials[i]), emails[i])
						code = view.Digits
						return err
					})
					timed(func() error { _, err := s.DeviceEnterCode(tAdmin, serials[i], code); return err })
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(len(took))/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(took[len(took)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100])/1e6, "p99-ms")
}

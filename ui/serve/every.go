package serve

import (
	"context"
	"time"
)

// every calls work each interval until ctx ends, or until work returns
// false: the anchor file's appends and the database file's check.
func every(ctx context.Context, interval time.Duration, work func() bool) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if !work() {
				return
			}
		}
	}
}

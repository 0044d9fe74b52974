package cluster

import (
	"context"
	"time"
)

// every runs work each period, bounded by timeout, until the node stops
// or halts: the checkpoint comparison and the leader's upgrade check.
func (n *Node) every(period, timeout time.Duration, work func(context.Context)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-n.stopped:
			return
		case <-t.C:
			if n.m.Halted() != nil {
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			work(ctx)
			cancel()
		}
	}
}

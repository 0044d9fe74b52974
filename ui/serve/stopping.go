package serve

import "context"

type stoppingKey struct{}

// Stopping is closed when the keydesk serve that runs the command of ctx
// begins to stop; nil (never ready) outside serve. A command that never
// ends by itself (audit follow) ends then, rather than hold the shutdown
// for its whole grace time.
func Stopping(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(stoppingKey{}).(<-chan struct{})
	return ch
}

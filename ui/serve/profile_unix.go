//go:build unix

package serve

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

// profileEnv names a file: when set, serve writes a CPU profile of what
// it does between a SIGUSR1 and the next SIGUSR2 (or its end) there.
// It is a tool for measuring (the million-row benchmark sets it when
// KEYDESK_BENCH_CPUPROFILE asks for a profile of the writes), off unless
// set.
const profileEnv = "KEYDESK_SERVE_CPUPROFILE"

// startProfileHook arms the hook; the returned func stops it.
func startProfileHook(ctx context.Context) func() {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGUSR1, syscall.SIGUSR2)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var f *os.File
		stop := func() {
			if f != nil {
				pprof.StopCPUProfile()
				f.Close()
				f = nil
			}
		}
		defer stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case sig := <-sigs:
				if sig == syscall.SIGUSR1 && f == nil {
					var err error
					if f, err = os.Create(path); err == nil {
						if pprof.StartCPUProfile(f) != nil {
							f.Close()
							f = nil
						}
					}
				} else if sig == syscall.SIGUSR2 {
					stop()
				}
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
		<-stopped
	}
}

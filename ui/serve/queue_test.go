package serve_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// A burst of logins from one address, four times what may handshake at
// once from there, waits its turn: every one logs in and runs its
// command, none is closed.
func TestBurstFromOneAddressWaitsItsTurn(t *testing.T) {
	h := newHarness(t)
	h.cfg.MaxUnauthenticatedPerHost = 5
	h.start()
	const burst = 20
	errs := make(chan error, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.echo(h.alice, waitLimit); err != nil {
				errs <- fmt.Errorf("login %d: %v", i+1, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	var failed []string
	for err := range errs {
		failed = append(failed, err.Error())
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d logins from one address failed:\n%s", len(failed), burst, strings.Join(failed, "\n"))
	}
	if strings.Contains(h.log.String(), "closed the one least") {
		t.Errorf("a login of the burst was closed to make room:\n%s", h.log)
	}
}

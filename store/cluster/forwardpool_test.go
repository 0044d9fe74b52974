package cluster

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// TestForwardingReusesItsConnection: a follower's forwarded writes go over
// one kept connection, not a handshake each; a kept connection that broke
// fails one request (outcome unknown to the caller, who retries with the
// same id) and is never handed out again; a closed port keeps none.
func TestForwardingReusesItsConnection(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	ports := make([]*Port, 2)
	for i, id := range []string{"leader", "follower"} {
		ident, err := NewIdentity(ca, id)
		if err != nil {
			t.Fatal(err)
		}
		if ports[i], err = Listen("127.0.0.1:0", ident, nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ports[i].Close() })
	}
	leader, follower := ports[0], ports[1]
	var served atomic.Int64
	leader.HandleForward(func(_ context.Context, peer string, req Request) Reply {
		served.Add(1)
		return Reply{Result: Result{Data: append([]byte(peer+":"), req.Body...), Index: uint64(served.Load())}}
	})
	addr := raft.ServerAddress(leader.Addr().String())
	forward := func(body string) (Reply, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return follower.Forward(ctx, addr, Request{ID: NewRequestID(), Kind: KindCommand, Body: []byte(body)})
	}
	idle := func() []pooledConn {
		follower.fwd.mu.Lock()
		defer follower.fwd.mu.Unlock()
		return append([]pooledConn(nil), follower.fwd.idle[string(addr)]...)
	}

	var first any
	for i := range 5 {
		reply, err := forward("w")
		if err != nil || string(reply.Result.Data) != "follower:w" {
			t.Fatalf("forward %d: %+v %v", i, reply, err)
		}
		kept := idle()
		if len(kept) != 1 {
			t.Fatalf("after forward %d, %d connections kept, want 1", i, len(kept))
		}
		if first == nil {
			first = kept[0].conn
		} else if kept[0].conn != first {
			t.Fatalf("forward %d used a new connection", i)
		}
	}

	// The kept connection breaks (the leader's process died, say).
	idle()[0].conn.Close()
	if _, err := forward("lost"); err == nil {
		t.Fatal("a request over a broken connection reported an answer")
	}
	if reply, err := forward("again"); err != nil || string(reply.Result.Data) != "follower:again" {
		t.Fatalf("after a broken connection: %+v %v", reply, err)
	}
	if len(idle()) != 1 || idle()[0].conn == first {
		t.Fatal("the broken connection was kept")
	}
	if served.Load() != 6 {
		t.Fatalf("the leader served %d requests, want 6", served.Load())
	}

	follower.Close()
	if n := len(idle()); n != 0 {
		t.Fatalf("a closed port keeps %d connections", n)
	}
}

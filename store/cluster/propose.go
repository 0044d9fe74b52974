package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// Request is one write on its way to the leader.
type Request struct {
	ID   RequestID
	Kind Kind
	Body []byte
}

// Reply is the leader's answer to a forwarded request.
type Reply struct {
	Result Result
	// Retry: the request did not enter the log (the receiver is not the
	// leader, or is handing leadership over); try again elsewhere.
	Retry bool
	// Unknown: the request may have entered the log; retry with the same
	// id.
	Unknown bool
	// Err says why when neither Result nor a retry holds.
	Err string
}

// Forwarder carries a request from a follower to the leader at addr and
// brings its reply back (over the cluster port's forwarding protocol, or
// in memory in tests). An error means the reply was lost: the request may
// or may not have been applied.
type Forwarder interface {
	Forward(ctx context.Context, leader raft.ServerAddress, req Request) (Reply, error)
}

// Apply proposes cmd as a store command under a new request id.
func (n *Node) Apply(ctx context.Context, cmd []byte) (Result, error) {
	return n.Propose(ctx, Request{ID: NewRequestID(), Kind: KindCommand, Body: cmd})
}

// Propose gets req into the log through whichever node leads, and
// answers its result once this node's file holds it (read-your-writes).
// While no leader is known, or one loses its leadership mid-write, it
// retries with the same request id, which the state machine applies at
// most once, until RetryFor is spent.
func (n *Node) Propose(ctx context.Context, req Request) (Result, error) {
	if len(req.Body) > MaxCommandSize {
		return Result{}, fmt.Errorf("the command is %d bytes, more than the %d one log entry may carry", len(req.Body), MaxCommandSize)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.RetryFor)
	defer cancel()
	maybe := false // some attempt may have put req in the log
	pause := 10 * time.Millisecond
	for {
		if h := n.m.Halted(); h != nil {
			return Result{}, h
		}
		if n.raft.State() == raft.Shutdown {
			if maybe {
				return Result{}, ErrOutcomeUnknown
			}
			return Result{}, ErrStopped
		}
		reply, err := n.attempt(ctx, req)
		switch {
		case err == nil && !reply.Retry && !reply.Unknown && reply.Err == "":
			wait, done := context.WithTimeout(context.Background(), n.cfg.ReadYourWrites)
			n.m.WaitApplied(wait, reply.Result.Index) // if late, the answer still stands
			done()
			return reply.Result, nil
		case err == nil && reply.Err != "":
			return Result{}, errors.New(reply.Err)
		case err != nil || reply.Unknown:
			maybe = true
		}
		select {
		case <-ctx.Done():
			if maybe {
				return Result{}, ErrOutcomeUnknown
			}
			return Result{}, ErrNoLeader
		case <-time.After(pause):
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// attempt tries once: here if this node leads, else through the leader.
func (n *Node) attempt(ctx context.Context, req Request) (Reply, error) {
	addr, id := n.raft.LeaderWithID()
	switch {
	case id == "":
		return Reply{Retry: true}, nil
	case string(id) == n.cfg.ID:
		return n.Lead(ctx, req), nil
	case n.cfg.Forwarder == nil:
		return Reply{Err: "this node cannot reach the leader (no forwarding configured)"}, nil
	}
	return n.cfg.Forwarder.Forward(ctx, addr, req)
}

// Lead applies req if this node leads; it is also the forwarding
// protocol's server side. It stamps the entry with this leader's clock.
func (n *Node) Lead(ctx context.Context, req Request) Reply {
	if n.raft.State() != raft.Leader {
		return Reply{Retry: true}
	}
	if req.Kind != KindCommand && req.Kind != KindCluster && req.Kind != KindUpgrade {
		// Never a log entry: every node would halt on it.
		return Reply{Err: fmt.Sprintf("a request of kind %d is not a log entry", req.Kind)}
	}
	now := n.cfg.Now()
	body := req.Body
	if req.Kind == KindCommand && n.cfg.Stamp != nil {
		var err error
		if body, err = n.cfg.Stamp(req.ID, body, now); err != nil {
			return Reply{Err: err.Error()}
		}
	}
	data := envelope{Kind: req.Kind, ID: req.ID, Time: now, Body: body}.encode()
	timeout := n.cfg.ApplyTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	if timeout <= 0 {
		return Reply{Retry: true}
	}
	fut := n.raft.Apply(data, timeout)
	// raft bounds only the enqueueing by timeout; a commit that never
	// comes (an FSM stuck, a leader cut off) must not hold the asker.
	settled := make(chan error, 1)
	go func() { settled <- fut.Error() }()
	var err error
	select {
	case err = <-settled:
	case <-ctx.Done():
		return Reply{Unknown: true}
	}
	if err != nil {
		switch {
		case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrLeadershipTransferInProgress),
			errors.Is(err, raft.ErrEnqueueTimeout):
			return Reply{Retry: true} // never appended
		default: // ErrLeadershipLost, ErrRaftShutdown after append...
			return Reply{Unknown: true}
		}
	}
	applied, ok := fut.Response().(Applied)
	if !ok {
		return Reply{Unknown: true}
	}
	if applied.Err != nil {
		return Reply{Unknown: true} // this leader halted; another applies it
	}
	return Reply{Result: applied.Result}
}

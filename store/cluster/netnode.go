package cluster

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/hashicorp/raft"
)

// NetConfig runs a node on its cluster port (serve --cluster).
type NetConfig struct {
	ID string
	// Listen is the address to bind; Advertise the one other nodes dial
	// (default: the bound address).
	Listen, Advertise string
	Dir               string // Raft's folder (keydesk.raft/)
	Identity          *Identity
	Machine           *Machine
	Box               Sealer
	Stamp             func(id RequestID, cmd []byte, now time.Time) ([]byte, error)
	Log               io.Writer
	Tune              func(*raft.Config)
	OnHalt            func(error)
	// Stores replaces Dir (tests).
	Stores *Stores
	// UseToken: see NodeConfig.
	UseToken func(ctx context.Context, token, node, addr string) error
}

// StartNetNode opens the port and starts the node on it: Raft, write
// forwarding and joins, all on the one port.
func StartNetNode(cfg NetConfig) (*Node, *Port, error) {
	port, err := Listen(cfg.Listen, cfg.Identity, nil)
	if err != nil {
		return nil, nil, err
	}
	addr := cfg.Advertise
	if addr == "" {
		addr = port.Addr().String()
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	node, err := StartNode(NodeConfig{
		ID: cfg.ID, Addr: addr, Dir: cfg.Dir, Stores: cfg.Stores, Machine: cfg.Machine,
		Transport: port.Transport(cfg.Log), Forwarder: port, Stamp: cfg.Stamp,
		Log: cfg.Log, Tune: cfg.Tune, OnHalt: cfg.OnHalt, UseToken: cfg.UseToken,
	})
	if err != nil {
		port.Close()
		return nil, nil, err
	}
	port.SetMember(node.isMember)
	port.HandleForward(node.serveForwarded)
	if cfg.Box != nil {
		node.ServeJoins(port, cfg.Box)
	}
	return node, port, nil
}

// isMember: a node id in the Raft configuration. A node that knows no
// configuration yet (it has just joined, and the leader's first append
// is what brings it) accepts any certificate of the cluster's CA.
func (n *Node) isMember(id string) bool {
	servers, err := n.Servers()
	if err != nil || len(servers) == 0 {
		return true
	}
	for _, s := range servers {
		if string(s.ID) == id {
			return true
		}
	}
	return false
}

// serveForwarded answers a request forwarded by node peer.
func (n *Node) serveForwarded(ctx context.Context, peer string, req Request) Reply {
	if req.Kind == KindCheckpoints {
		return n.serveCheckpoints()
	}
	if req.Kind == KindSchema {
		return n.serveSchema()
	}
	if req.Kind != KindPromote {
		return n.Lead(ctx, req)
	}
	if string(req.Body) != peer {
		return Reply{Err: "a node can only ask to be made a voter itself"}
	}
	if !n.IsLeader() {
		return Reply{Retry: true}
	}
	servers, err := n.Servers()
	if err != nil {
		return Reply{Err: err.Error()}
	}
	for _, s := range servers {
		if string(s.ID) == peer {
			if s.Suffrage == raft.Voter {
				return Reply{}
			}
			if err := n.AddVoter(peer, string(s.Address)); err != nil {
				return Reply{Err: err.Error()}
			}
			return Reply{}
		}
	}
	return Reply{Err: "node " + peer + " is not in the cluster"}
}

// AskVoter asks the leader to make this node a voter, once it holds the
// log up to index (it joined as a non-voter, design 4.15). It gives up
// when ctx ends.
func (n *Node) AskVoter(ctx context.Context, index uint64) error {
	if err := n.m.WaitApplied(ctx, index); err != nil {
		return err
	}
	for {
		addr, id := n.raft.LeaderWithID()
		if id != "" && n.cfg.Forwarder != nil {
			var reply Reply
			var err error
			if string(id) == n.cfg.ID {
				return nil // the leader is a voter
			}
			reply, err = n.cfg.Forwarder.Forward(ctx, addr, Request{ID: NewRequestID(), Kind: KindPromote, Body: []byte(n.cfg.ID)})
			if err == nil && !reply.Retry && reply.Err == "" {
				return nil
			}
			if err == nil && reply.Err != "" {
				return errors.New(reply.Err)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

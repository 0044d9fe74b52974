package cluster

import (
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
		Log: cfg.Log, Tune: cfg.Tune, OnHalt: cfg.OnHalt,
	})
	if err != nil {
		port.Close()
		return nil, nil, err
	}
	port.SetMember(node.isMember)
	port.HandleForward(node.Lead)
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

package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// One cluster port per node, TLS 1.3, the protocol chosen by ALPN (as
// Vault's cluster port): Raft itself, forwarding of writes to the leader,
// and joining. Raft and forwarding need a certificate from the cluster's
// CA on both sides, naming a node of the Raft configuration; joining needs
// only the joiner to trust the CA (it has no certificate yet) and proves
// the key file instead (join.go).
const (
	protoRaft    = "keydesk-raft/1"
	protoForward = "keydesk-fwd/1"
	protoJoin    = "keydesk-join/1"
)

// Port is a node's cluster port.
type Port struct {
	id     *Identity
	ln     net.Listener
	local  net.IP // dialers bind to the node's own address
	member func(id string) bool

	raftConns chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once

	mu      sync.Mutex
	forward func(ctx context.Context, peer string, req Request) Reply
	join    func(conn net.Conn)
	// joins bounds the unauthenticated join handshakes in flight.
	joins chan struct{}

	fwd forwardPool // forwarding connections kept open (forwardpool.go)
}

// Listen opens the cluster port at addr. member says whether a node id
// belongs to the cluster now (nil: any holder of a CA certificate, used
// while the node starts).
func Listen(addr string, id *Identity, member func(id string) bool) (*Port, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &Port{id: id, member: member, raftConns: make(chan net.Conn, 16), closed: make(chan struct{}), joins: make(chan struct{}, 4)}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsUnspecified() {
		p.local = tcp.IP
	}
	p.ln = tls.NewListener(ln, p.serverConfig())
	go p.serve()
	return p, nil
}

// SetMember sets the membership check (once the node runs).
func (p *Port) SetMember(member func(id string) bool) {
	p.mu.Lock()
	p.member = member
	p.mu.Unlock()
}

// HandleForward serves forwarded requests with fn; peer is the asking
// node's id, from its verified certificate.
func (p *Port) HandleForward(fn func(ctx context.Context, peer string, req Request) Reply) {
	p.mu.Lock()
	p.forward = fn
	p.mu.Unlock()
}

func (p *Port) serverConfig() *tls.Config {
	base := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{p.id.Cert},
		NextProtos:   []string{protoRaft, protoForward, protoJoin},
	}
	base.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		c := base.Clone()
		c.GetConfigForClient = nil
		if len(hello.SupportedProtos) == 1 && hello.SupportedProtos[0] == protoJoin {
			c.NextProtos = []string{protoJoin}
			c.ClientAuth = tls.NoClientCert
			return c, nil
		}
		c.NextProtos = []string{protoRaft, protoForward}
		c.ClientAuth = tls.RequireAndVerifyClientCert
		c.ClientCAs = p.id.pool()
		c.VerifyPeerCertificate = p.verifyMember
		return c, nil
	}
	return base
}

// verifyMember accepts a verified peer only if its node id is in the
// cluster: a removed node's certificate stops working.
func (p *Port) verifyMember(_ [][]byte, chains [][]*x509.Certificate) error {
	if len(chains) == 0 || len(chains[0]) == 0 {
		return errors.New("no verified certificate")
	}
	p.mu.Lock()
	member := p.member
	p.mu.Unlock()
	if id := chains[0][0].Subject.CommonName; member != nil && !member(id) {
		return fmt.Errorf("node %q is not a member of this cluster", id)
	}
	return nil
}

func (p *Port) serve() {
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			select {
			case <-p.closed:
				return
			default:
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go p.route(conn.(*tls.Conn))
	}
}

// route finishes the handshake and hands the connection to its protocol.
func (p *Port) route(conn *tls.Conn) {
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := conn.Handshake(); err != nil {
		conn.Close()
		return
	}
	conn.SetDeadline(time.Time{})
	switch conn.ConnectionState().NegotiatedProtocol {
	case protoRaft:
		select {
		case p.raftConns <- conn:
		case <-p.closed:
			conn.Close()
		}
	case protoForward:
		peer := ""
		if certs := conn.ConnectionState().PeerCertificates; len(certs) > 0 {
			peer = certs[0].Subject.CommonName
		}
		p.serveForward(conn, peer)
	case protoJoin:
		select {
		case p.joins <- struct{}{}:
			defer func() { <-p.joins }()
		default:
			conn.Close() // too many joins at once
			return
		}
		p.mu.Lock()
		join := p.join
		p.mu.Unlock()
		if join == nil {
			conn.Close()
			return
		}
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		join(conn)
	default:
		conn.Close()
	}
}

// Accept, Close, Addr and Dial make the port Raft's StreamLayer.
func (p *Port) Accept() (net.Conn, error) {
	select {
	case c := <-p.raftConns:
		return c, nil
	case <-p.closed:
		return nil, net.ErrClosed
	}
}

func (p *Port) Close() error {
	var err error
	p.closeOnce.Do(func() {
		close(p.closed)
		err = p.ln.Close()
		p.fwd.closeAll()
	})
	return err
}

func (p *Port) Addr() net.Addr { return p.ln.Addr() }

func (p *Port) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	return p.dial(string(address), protoRaft, timeout)
}

func (p *Port) dial(addr, proto string, timeout time.Duration) (*tls.Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	if p.local != nil {
		d.LocalAddr = &net.TCPAddr{IP: p.local}
	}
	conf := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{p.id.Cert},
		RootCAs:      p.id.pool(),
		ServerName:   peerName,
		NextProtos:   []string{proto},
		// The server must be a member too.
		VerifyPeerCertificate: p.verifyMember,
	}
	conn, err := tls.DialWithDialer(d, "tcp", addr, conf)
	if err != nil {
		return nil, err
	}
	if conn.ConnectionState().NegotiatedProtocol != proto {
		conn.Close()
		return nil, fmt.Errorf("%s does not speak %s", addr, proto)
	}
	return conn, nil
}

// Transport is Raft's network transport over this port.
func (p *Port) Transport(logOut io.Writer) raft.Transport {
	return raft.NewNetworkTransport(p, 3, 10*time.Second, logOut)
}

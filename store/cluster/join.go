package cluster

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// Joining (Vault's bootstrap challenge, design 4.10-4.11). The database's
// key file never crosses the network: the operator copies it to the new
// node, and the node proves it holds it.
//
//	joiner -> node: node id, address, public key, join token
//	node -> joiner: a random challenge sealed with the key file's key
//	joiner -> node: HMAC-SHA256(challenge, node id)
//	node: checks in constant time, spends the token through the log (so
//	      it works once, on every node), adds the joiner as a voter, and
//	      answers its certificate, the CA, and the CA key sealed.
//
// The joiner trusts the node by the CA fingerprint cluster init printed.
// The challenge lives in the connection's goroutine only: unauthenticated
// callers cannot fill a table, and the port bounds joins in flight.

// Sealer is the database's key file (secrets.Box).
type Sealer interface {
	Seal(plain, context []byte) []byte
	Open(sealed, context []byte) ([]byte, error)
}

type joinHello struct {
	Node, Addr, Token string
	Pub               []byte
}

type joinStep struct {
	Challenge []byte `json:",omitempty"`
	Answer    []byte `json:",omitempty"`
	Cert      []byte `json:",omitempty"`
	CA        []byte `json:",omitempty"`
	CAKey     []byte `json:",omitempty"`
	Leader    string `json:",omitempty"`
	Err       string `json:",omitempty"`
	// Index is the log index the snapshot holds; Snapshot its size in
	// bytes, which follow the message.
	Index    uint64 `json:",omitempty"`
	Snapshot int64  `json:",omitempty"`
}

const maxJoinMessage = 64 << 10

func challengeContext(node string) []byte { return []byte("cluster join challenge " + node) }
func caKeyContext() []byte                { return []byte("cluster ca key") }

func proof(challenge []byte, node string) []byte {
	m := hmac.New(sha256.New, challenge)
	m.Write([]byte(node))
	return m.Sum(nil)
}

// ServeJoins lets new nodes join through this node's port. box is the
// key file; only the leader admits (others answer where the leader is).
func (n *Node) ServeJoins(p *Port, box Sealer) {
	p.mu.Lock()
	p.join = func(conn net.Conn) { n.serveJoin(conn, p.id, box) }
	p.mu.Unlock()
}

func (n *Node) serveJoin(conn net.Conn, id *Identity, box Sealer) {
	defer conn.Close()
	dec := json.NewDecoder(io.LimitReader(conn, maxJoinMessage))
	enc := json.NewEncoder(conn)
	fail := func(format string, args ...any) { enc.Encode(joinStep{Err: fmt.Sprintf(format, args...)}) }
	var hello joinHello
	if err := dec.Decode(&hello); err != nil {
		return
	}
	if hello.Node == "" || len(hello.Node) > 64 || hello.Addr == "" || len(hello.Pub) != ed25519.PublicKeySize {
		fail("a join names a node id (1 to 64 characters), its cluster address and its public key")
		return
	}
	if !n.IsLeader() {
		addr, _ := n.raft.LeaderWithID()
		enc.Encode(joinStep{Leader: string(addr), Err: "this node is not the leader"})
		return
	}
	challenge := make([]byte, 32)
	rand.Read(challenge)
	if err := enc.Encode(joinStep{Challenge: box.Seal(challenge, challengeContext(hello.Node))}); err != nil {
		return
	}
	var answer joinStep
	if err := dec.Decode(&answer); err != nil {
		return
	}
	if !hmac.Equal(answer.Answer, proof(challenge, hello.Node)) {
		fail("the new node does not hold this cluster's key file")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if n.cfg.UseToken != nil {
		// The store spends the token in a command of its own, with the
		// join's audit entry in the same transaction.
		if err := n.cfg.UseToken(ctx, hello.Token, hello.Node, hello.Addr); err != nil {
			fail("%v", err)
			return
		}
	} else {
		spent, err := n.Propose(ctx, Request{ID: NewRequestID(), Kind: KindCluster, Body: tokenUseCommand(hello.Token, hello.Node)})
		if err != nil {
			fail("%v", err)
			return
		}
		if spent.Refused {
			fail("%s", spent.Data)
			return
		}
	}
	if id.CAKey == nil {
		fail("this node cannot sign certificates (no CA key)")
		return
	}
	der, err := (&CA{Cert: id.CA, Key: id.CAKey}).Issue(hello.Node, hello.Pub)
	if err != nil {
		fail("%v", err)
		return
	}
	caKey, err := x509.MarshalPKCS8PrivateKey(id.CAKey)
	if err != nil {
		fail("%v", err)
		return
	}
	// A non-voter first: it does not count for the quorum until it has
	// caught up and asks to vote (AskVoter).
	if err := n.AddNonvoter(hello.Node, hello.Addr); err != nil {
		fail("cannot add the node: %v", err)
		return
	}
	// The joiner starts from this node's file, not from an empty one: the
	// log does not hold what the database held before cluster init.
	copied, index, err := n.m.copyOut()
	if err != nil {
		fail("cannot read the database: %v", err)
		return
	}
	defer os.Remove(copied.Name())
	defer copied.Close()
	size, _ := copied.Seek(0, io.SeekEnd)
	copied.Seek(0, io.SeekStart)
	conn.SetDeadline(time.Now().Add(30 * time.Minute))
	if err := enc.Encode(joinStep{Cert: der, CA: id.CA.Raw, CAKey: box.Seal(caKey, caKeyContext()), Index: index, Snapshot: size}); err != nil {
		return
	}
	io.Copy(conn, copied)
}

// JoinElsewhereError says the node asked is not the leader; Leader is.
type JoinElsewhereError struct{ Leader string }

func (e *JoinElsewhereError) Error() string {
	if e.Leader == "" {
		return "the node asked is not the leader, and knows no leader now"
	}
	return "the node asked is not the leader: ask " + e.Leader
}

// Join asks the node at addr to admit node id (reachable at nodeAddr)
// and answers its TLS identity. fingerprint pins the cluster's CA. A node
// that is not the leader names it, and Join asks the leader instead,
// until ctx ends.
func Join(ctx context.Context, addr, fingerprint, token, id, nodeAddr string, box Sealer, snapshot io.Writer) (*Joined, error) {
	for {
		ident, err := joinOnce(ctx, addr, fingerprint, token, id, nodeAddr, box, snapshot)
		var elsewhere *JoinElsewhereError
		if !errors.As(err, &elsewhere) {
			return ident, err
		}
		if elsewhere.Leader != "" {
			addr = elsewhere.Leader
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Joined is what a join brings: the node's TLS identity, and the log
// index of the database written to the snapshot writer.
type Joined struct {
	*Identity
	Index uint64
}

func joinOnce(ctx context.Context, addr, fingerprint, token, id, nodeAddr string, box Sealer, snapshot io.Writer) (*Joined, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	var pinned *x509.Certificate
	conf := &tls.Config{
		MinVersion:         tls.VersionTLS13,
		NextProtos:         []string{protoJoin},
		InsecureSkipVerify: true, // verified below against the pinned CA
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			var certs []*x509.Certificate
			for _, r := range raw {
				c, err := x509.ParseCertificate(r)
				if err != nil {
					return err
				}
				certs = append(certs, c)
			}
			for _, c := range certs[1:] {
				if Fingerprint(c) == fingerprint {
					pinned = c
				}
			}
			if pinned == nil {
				return errors.New("the node's CA does not match the fingerprint given (--ca)")
			}
			pool := x509.NewCertPool()
			pool.AddCert(pinned)
			_, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, DNSName: peerName})
			return err
		},
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: conf}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot reach %s: %w", addr, err)
	}
	conn := raw.(*tls.Conn)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	enc := json.NewEncoder(conn)
	dec := json.NewDecoder(io.LimitReader(conn, maxJoinMessage))
	if err := enc.Encode(joinHello{Node: id, Addr: nodeAddr, Token: token, Pub: pub}); err != nil {
		return nil, err
	}
	var step joinStep
	if err := dec.Decode(&step); err != nil {
		return nil, fmt.Errorf("the node closed the join: %w", err)
	}
	if step.Leader != "" || (step.Err == "this node is not the leader") {
		return nil, &JoinElsewhereError{Leader: step.Leader}
	}
	if step.Err != "" {
		return nil, errors.New(step.Err)
	}
	plain, err := box.Open(step.Challenge, challengeContext(id))
	if err != nil {
		return nil, errors.New("the cluster's challenge does not open with this node's key file: copy the key file from a node of the cluster")
	}
	if err := enc.Encode(joinStep{Answer: proof(plain, id)}); err != nil {
		return nil, err
	}
	if err := dec.Decode(&step); err != nil {
		return nil, fmt.Errorf("the node closed the join: %w", err)
	}
	if step.Err != "" {
		return nil, errors.New(step.Err)
	}
	ca, err := x509.ParseCertificate(step.CA)
	if err != nil || Fingerprint(ca) != fingerprint {
		return nil, errors.New("the node answered another CA than the one pinned")
	}
	ident := &Identity{ID: id, Cert: tls.Certificate{Certificate: [][]byte{step.Cert, ca.Raw}, PrivateKey: key}, CA: ca}
	if caKey, err := box.Open(step.CAKey, caKeyContext()); err == nil {
		if k, err := x509.ParsePKCS8PrivateKey(caKey); err == nil {
			ident.CAKey, _ = k.(ed25519.PrivateKey)
		}
	}
	if ident.CAKey == nil {
		// Every node signs joiners and derives the cluster's SSH host key
		// from it (hostkey.go).
		return nil, errors.New("the cluster's CA key did not arrive whole: try the join again")
	}
	if snapshot == nil {
		snapshot = io.Discard
	}
	conn.SetDeadline(time.Now().Add(30 * time.Minute))
	rest := bufio.NewReader(io.MultiReader(dec.Buffered(), conn))
	if b, err := rest.Peek(1); err == nil && b[0] == '\n' {
		rest.Discard(1) // the end of the JSON message
	}
	if n, err := io.Copy(snapshot, io.LimitReader(rest, step.Snapshot)); err != nil || n != step.Snapshot {
		return nil, fmt.Errorf("the database did not arrive whole (%d of %d bytes): %v", n, step.Snapshot, err)
	}
	return &Joined{Identity: ident, Index: step.Index}, nil
}

package cluster

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/hashicorp/raft"
)

// Forwarding: a follower sends a write to the leader over the cluster
// port and reads the answer back, one request per exchange, framed:
//
//	request: kind(1) id(16) length(4) body
//	reply:   flags(1) length(4) payload
//
// flags: 0 a result (payload = encoded Result), 1 retry, 2 unknown,
// 3 an error (payload = its text). Sizes are bounded both ways.

const (
	replyResult  = 0
	replyRetry   = 1
	replyUnknown = 2
	replyError   = 3
)

// maxReply bounds an answer (a result or an error text).
const maxReply = 4 << 20

func writeRequest(w io.Writer, req Request) error {
	b := make([]byte, 0, 21+len(req.Body))
	b = append(b, byte(req.Kind))
	b = append(b, req.ID[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(req.Body)))
	_, err := w.Write(append(b, req.Body...))
	return err
}

func readRequest(r io.Reader) (Request, error) {
	var h [21]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return Request{}, err
	}
	req := Request{Kind: Kind(h[0])}
	copy(req.ID[:], h[1:17])
	n := binary.BigEndian.Uint32(h[17:])
	if n > MaxCommandSize || (req.Kind != KindCommand && req.Kind != KindCluster && req.Kind != KindPromote && req.Kind != KindCheckpoints && req.Kind != KindSchema) {
		return Request{}, errors.New("forwarded request out of bounds")
	}
	req.Body = make([]byte, n)
	_, err := io.ReadFull(r, req.Body)
	return req, err
}

func writeReply(w io.Writer, r Reply) error {
	var flag byte
	var payload []byte
	switch {
	case r.Retry:
		flag = replyRetry
	case r.Unknown:
		flag = replyUnknown
	case r.Err != "":
		flag, payload = replyError, []byte(r.Err)
	default:
		payload = encodeResult(r.Result)
		if r.Result.Repeat {
			payload[1] |= 2
		}
	}
	b := binary.BigEndian.AppendUint32([]byte{flag}, uint32(len(payload)))
	_, err := w.Write(append(b, payload...))
	return err
}

func readReply(r io.Reader) (Reply, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return Reply{}, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	if n > maxReply {
		return Reply{}, errors.New("forwarded reply too large")
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return Reply{}, err
	}
	switch h[0] {
	case replyRetry:
		return Reply{Retry: true}, nil
	case replyUnknown:
		return Reply{Unknown: true}, nil
	case replyError:
		return Reply{Err: string(payload)}, nil
	case replyResult:
		repeat := len(payload) > 1 && payload[1]&2 != 0
		if repeat {
			payload[1] &^= 2
		}
		res, err := decodeResult(payload)
		res.Repeat = repeat
		return Reply{Result: res}, err
	}
	return Reply{}, fmt.Errorf("unknown reply flag %d", h[0])
}

// serveForward answers forwarded requests on conn until it closes.
func (p *Port) serveForward(conn net.Conn, peer string) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		conn.SetReadDeadline(time.Now().Add(5 * time.Minute)) // idle pooled connection
		req, err := readRequest(r)
		if err != nil {
			return
		}
		p.mu.Lock()
		lead := p.forward
		p.mu.Unlock()
		reply := Reply{Retry: true}
		if lead != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			reply = lead(ctx, peer, req)
			cancel()
		}
		conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := writeReply(conn, reply); err != nil {
			return
		}
	}
}

// Forward sends req to the leader through the port: the Forwarder of a
// node on the network.
func (p *Port) Forward(ctx context.Context, leader raft.ServerAddress, req Request) (Reply, error) {
	addr := string(leader)
	conn := p.fwd.get(addr)
	if conn == nil {
		var err error
		if conn, err = p.dial(addr, protoForward, 5*time.Second); err != nil {
			return Reply{Retry: true}, nil // nothing was sent
		}
	}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	if err := writeRequest(conn, req); err != nil {
		stop()
		conn.Close()
		return Reply{}, err
	}
	// One reply per request, read straight from the connection, which
	// then carries the next request.
	reply, err := readReply(conn)
	if !stop() || err != nil {
		conn.Close() // the deadline fired, or the stream is out of step
		return reply, err
	}
	p.fwd.put(addr, conn)
	return reply, nil
}

package mailer

import (
	"context"
	"crypto/tls"
	"net"
)

// dialError marks a failure to open the TCP connection at all.
type dialError struct{ err error }

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// handshakeError marks a failed implicit-TLS handshake.
type handshakeError struct{ err error }

func (e *handshakeError) Error() string { return e.err.Error() }
func (e *handshakeError) Unwrap() error { return e.err }

// dialer opens the connection for go-mail. go-mail only uses the context
// for dialing and then relies on socket deadlines, so the dialer also
// closes the socket the moment the send's context ends: a cancelled send
// stops at once instead of waiting for the server.
type dialer struct {
	sendCtx     context.Context // the whole send; its end closes the socket
	implicitTLS bool
	tlsConfig   *tls.Config
	conn        net.Conn
	stop        func() bool
}

func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, &dialError{err}
	}
	d.conn = conn
	d.stop = context.AfterFunc(d.sendCtx, func() { _ = conn.Close() })
	if !d.implicitTLS {
		return conn, nil
	}
	// A *tls.Conn, not a wrapper: go-mail looks at the type to know the
	// line is encrypted before it sends a password.
	tc := tls.Client(conn, d.tlsConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, &handshakeError{err}
	}
	return tc, nil
}

// close releases the socket whatever state go-mail left it in; go-mail
// does not close it when the greeting, STARTTLS or login fails.
func (d *dialer) close() {
	if d.stop != nil {
		d.stop()
	}
	if d.conn != nil {
		_ = d.conn.Close()
	}
}

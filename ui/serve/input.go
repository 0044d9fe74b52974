package serve

import (
	"errors"
	"io"
	"time"

	"github.com/charmbracelet/ssh"
)

// queryPatience is how long a new TUI session waits for the client's
// terminal to answer the background-colour query (wish gives up after one
// second; a little more lets a late answer be swallowed rather than typed
// into the TUI).
const queryPatience = 1500 * time.Millisecond

var errNoAnswer = errors.New("the terminal did not answer")

// sessionInput is a session's input, read by one goroutine. wish's
// renderer asks the client's terminal for its background colour and reads
// the answer from the session; a terminal that never answers would leave
// that read blocked until the admin's first key, which it would then
// swallow. Reading through sessionInput, the query gives up on time and
// the TUI gets every key.
type sessionInput struct {
	chunks chan []byte // closed when the session's input ends
	err    error       // why it ended; set before chunks is closed
	rest   []byte      // what the last reader left of a chunk
}

// newSessionInput starts reading r until it fails or done is closed.
func newSessionInput(r io.Reader, done <-chan struct{}) *sessionInput {
	in := &sessionInput{chunks: make(chan []byte)}
	go func() {
		defer close(in.chunks)
		for {
			buf := make([]byte, 4096)
			n, err := r.Read(buf)
			if n > 0 {
				select {
				case in.chunks <- buf[:n]:
				case <-done:
					in.err = io.EOF
					return
				}
			}
			if err != nil {
				in.err = err
				return
			}
		}
	}()
	return in
}

// Read reads as the TUI does: waiting as long as it takes.
func (in *sessionInput) Read(p []byte) (int, error) { return in.read(p, nil) }

func (in *sessionInput) read(p []byte, expired <-chan struct{}) (int, error) {
	if len(in.rest) == 0 {
		select {
		case chunk, ok := <-in.chunks:
			if !ok {
				return 0, in.err
			}
			in.rest = chunk
		case <-expired:
			return 0, errNoAnswer
		}
	}
	n := copy(p, in.rest)
	in.rest = in.rest[n:]
	return n, nil
}

// querySession is the session as wish's renderer sees it: its reads give
// up after queryPatience.
type querySession struct {
	ssh.Session
	in      *sessionInput
	expired <-chan struct{}
}

func newQuerySession(sess ssh.Session, in *sessionInput) querySession {
	expired := make(chan struct{})
	time.AfterFunc(queryPatience, func() { close(expired) })
	return querySession{Session: sess, in: in, expired: expired}
}

func (q querySession) Read(p []byte) (int, error) { return q.in.read(p, q.expired) }

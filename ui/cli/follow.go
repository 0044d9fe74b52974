package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve"
	"github.com/spf13/cobra"
)

// followPoll is how often a follower on this machine looks at the file
// for new entries; through keydesk serve it is told of each commit.
const followPoll = time.Second

func (a *app) auditFollowCommand() *cobra.Command {
	var since string
	format := newChoice("text", "text", "jsonl")
	cmd := a.command("follow [--since SEQ[:HASH]] [--format text|jsonl]",
		"Print every audit entry with its sequence number and hash, then each new one as it is written",
		argsNamed(), func(cmd *cobra.Command, _ []string) error {
			anchor, err := parseSince(since)
			if err != nil {
				return usagef(cmd, "--since %s", err)
			}
			write := followWriter(a.env.Stdout, format.value)
			if a.env.Store != nil {
				return a.followServed(a.env.Store, anchor, write)
			}
			return a.followLocal(anchor, write)
		})
	cmd.Long = `Print the audit trail, oldest first, one entry a line, then keep printing
each new entry as it is written, until stopped: for a log shipper (Vector,
Fluent Bit, Filebeat) to carry the trail into a SIEM.

Every line carries the entry's seq, hash and prev_hash. To resume where a
follower stopped, give the last seq it printed: --since 1200 prints from
entry 1201 on. --since 1200:HASH also checks that entry 1200 still has
that hash (the trail was not rewritten meanwhile). A trail that no longer
reaches --since (the database was restored from an older backup) is an
error, never a silent jump.

While keydesk serve runs, follow through it: ssh -p PORT HOST audit follow
--since 1200 --format jsonl (admins and auditors). Here, with no serve
running, the database is read once a second, without holding it between
reads.

--format text prints key=value pairs (text quoted); jsonl prints the
fields of export audit as one JSON object a line.`
	cmd.Flags().StringVar(&since, "since", "0", "print the entries after SEQ (the last one seen), checking its HASH when given")
	cmd.Flags().Var(format, "format", "text or jsonl")
	return cmd
}

// parseSince reads SEQ or SEQ:HASH.
func parseSince(s string) (model.AuditAnchor, error) {
	if strings.Contains(s, ":") {
		return model.ParseExpect(s)
	}
	seq, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return model.AuditAnchor{}, fmt.Errorf("%q is not an entry number (SEQ or SEQ:HASH)", model.Printable(s))
	}
	return model.AuditAnchor{Seq: seq}, nil
}

// followServed follows the store keydesk serve shares: every commit
// signals its watchers, so a new entry is printed at once.
func (a *app) followServed(st *store.Store, since model.AuditAnchor, write func(model.AuditEntry) error) error {
	changed, stop := st.Watch()
	defer stop()
	for {
		var err error
		if since, err = a.printAfter(st, since, write); err != nil {
			return err
		}
		select {
		case <-a.ctx.Done():
			return nil
		case <-serve.Stopping(a.ctx):
			fmt.Fprintf(a.env.Stderr, "keydesk serve is stopping: resume with --since %d:%s\n", since.Seq, since.Hash)
			return nil
		case <-changed:
		}
	}
}

// followLocal follows a file no serve holds: it opens it read-only for
// each look, so that commands on this machine go on writing between.
func (a *app) followLocal(since model.AuditAnchor, write func(model.AuditEntry) error) error {
	look := func(st *store.Store) error {
		var err error
		since, err = a.printAfter(st, since, write)
		return err
	}
	// The first look says what opening the file has to say (a warning,
	// who holds it); the later ones only read.
	if err := a.readAs(model.OpExportAudit, look); err != nil {
		return err
	}
	path, err := a.dbPath()
	if err != nil {
		return err
	}
	for {
		select {
		case <-a.ctx.Done():
			return nil
		case <-time.After(followPoll):
		}
		st, err := store.Open(path, store.Options{ReadOnly: true})
		var inUse *store.InUseError
		if errors.As(err, &inUse) {
			return inUseError(path)
		}
		if err != nil {
			return err
		}
		err = look(st)
		st.Close()
		if err != nil {
			return err
		}
	}
}

// printAfter prints every entry after since and returns the new place.
func (a *app) printAfter(st *store.Store, since model.AuditAnchor, write func(model.AuditEntry) error) (model.AuditAnchor, error) {
	for a.ctx.Err() == nil {
		var lastHash string
		last, n, err := st.AuditAfter(a.actor(), since, func(e model.AuditEntry) error {
			lastHash = e.Hash
			return write(e)
		})
		if err != nil {
			return since, err
		}
		if n == 0 {
			return since, nil
		}
		since = model.AuditAnchor{Seq: last, Hash: lastHash}
		if err := flush(a.env.Stdout); err != nil {
			return since, err
		}
	}
	return since, nil
}

// followWriter prints one entry a line in format.
func followWriter(w io.Writer, format string) func(model.AuditEntry) error {
	if format == "jsonl" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return func(e model.AuditEntry) error { return enc.Encode(newAuditRecord(e)) }
	}
	return func(e model.AuditEntry) error {
		r := newAuditRecord(e)
		_, err := fmt.Fprintf(w, "seq=%d time=%s actor=%s action=%s target=%s from=%s to=%s reason=%s note=%s hash=%s prev_hash=%s\n",
			r.Seq, r.Time, quoted(r.Actor), r.Action, quoted(r.Target), quoted(r.FromStatus), quoted(r.ToStatus),
			quoted(r.Reason), quoted(r.Note), r.Hash, r.PrevHash)
		return err
	}
}

// quoted is a value as Go quotes it: control characters escaped, so a
// line is one line and no text from the database reaches a terminal raw.
func quoted(s string) string { return strconv.QuoteToASCII(s) }

// flush sends buffered output on: keydesk serve buffers a command's
// stdout, which a follower must not wait for.
func flush(w io.Writer) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

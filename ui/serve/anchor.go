package serve

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/keydesk/keydesk/store/osfile"

	"github.com/charmbracelet/log"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// defaultAnchorInterval is how often serve looks whether the audit head
// moved: an anchor a minute at most.
const defaultAnchorInterval = time.Minute

// anchorFile appends the audit trail's head to a file outside the
// database (ideally on another machine, through a mount or a log
// shipper), so that `audit verify --anchors` can later prove the trail was
// not cut back or rewritten: the file's owner can re-seal the unkeyed
// chain, not change the heads already written here.
type anchorFile struct {
	path  string
	store *store.Store
	log   *log.Logger
	last  model.AuditAnchor // the newest head in the file
	now   func() time.Time
}

func newAnchorFile(path string, st *store.Store, logger *log.Logger) (*anchorFile, error) {
	a := &anchorFile{path: path, store: st, log: logger, now: time.Now}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			if anchor, err := model.ParseAnchorLine(line); err == nil {
				a.last = anchor
			}
		}
	}
	return a, sc.Err()
}

// run appends the head every interval when it moved, until ctx ends.
func (a *anchorFile) run(ctx context.Context, interval time.Duration) {
	every(ctx, interval, func() bool {
		a.write()
		return true
	})
}

// write appends the head if it moved since the last line, and syncs the
// file: an anchor that a crash loses is no anchor.
func (a *anchorFile) write() {
	head, err := a.store.AuditHead()
	if err != nil {
		a.log.Error("cannot read the audit head for the anchor file", "err", err)
		return
	}
	if head.Seq == 0 || head.Seq == a.last.Seq && head.Hash == a.last.Hash {
		return
	}
	head.Time = a.now()
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err == nil {
		_, err = f.WriteString(head.Line() + "\n")
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		a.log.Error("cannot append to the anchor file", "path", a.path, "err", osfile.Innermost(err))
		return
	}
	a.last = head
}

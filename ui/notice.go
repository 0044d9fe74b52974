package ui

import (
	"strings"

	"github.com/keydesk/keydesk/model"
)

// notice is the footer's message line: what just happened, or why it
// could not. The next key clears it.
type notice struct {
	text  string
	isErr bool
	// untilLoaded: it says the data is still loading; the whole index
	// clears it.
	untilLoaded bool
}

// errorNotice shows an error in the admin's words: a store refusal as it
// is, any other error as its last, plainest line.
func errorNotice(err error) notice {
	text := err.Error()
	if !model.IsRefusal(err) {
		// An unexpected error: keep the first line only; the store's
		// messages are already one line.
		text, _, _ = strings.Cut(text, "\n")
	}
	return notice{text: model.Printable(text), isErr: true}
}

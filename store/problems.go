package store

import (
	"fmt"
	"strings"
)

// noteProblem adds one problem to a report's list, or only counts it in
// more once the list holds max: a badly damaged file's report stays
// readable.
func noteProblem(list *[]string, more *int, max int, format string, args ...any) {
	if len(*list) == max {
		*more++
		return
	}
	*list = append(*list, fmt.Sprintf(format, args...))
}

// problemsText is a report's problems in one line, and how many more
// there were.
func problemsText(list []string, more int) string {
	text := strings.Join(list, "; ")
	if more > 0 {
		text += fmt.Sprintf("; and %d more", more)
	}
	return text
}

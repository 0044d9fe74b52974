package e2e

import (
	"regexp"
	"strconv"
	"strings"
)

// What the tests read off a screen, by the words SPEC 2 and 2.2 fix
// rather than by the layout, which may change.

// groupedCode is an activation code as shown for reading aloud: "482 913".
var groupedCode = regexp.MustCompile(`\b(\d{3}) (\d{3})\b`)

// codeOnScreen is the activation code shown on the screen, or "".
func codeOnScreen(screen string) string {
	m := groupedCode.FindStringSubmatch(screen)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

var digitWords = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// spelledOut matches code's digits spelled as words in order, whatever
// separates them ("four eight two — nine one three").
func spelledOut(code string) *regexp.Regexp {
	words := make([]string, len(code))
	for i, d := range code {
		words[i] = digitWords[d-'0']
	}
	return regexp.MustCompile(`\b` + strings.Join(words, `\W+`) + `\b`)
}

// headerCount matches a status word followed by its count ("Ready 14").
// Table cells never match: a status there is followed by padding, not by
// a single space and a number.
var headerCount = regexp.MustCompile(`\b(Ready|Reserved|Active|Locked|Suspended|Deactivated|Compromised) (\d[\d,]*)\b`)

// countsOnScreen is the first count shown for each status.
func countsOnScreen(screen string) map[string]int {
	counts := map[string]int{}
	for _, m := range headerCount.FindAllStringSubmatch(screen, -1) {
		if _, seen := counts[m[1]]; seen {
			continue
		}
		n, err := strconv.Atoi(strings.ReplaceAll(m[2], ",", ""))
		if err == nil {
			counts[m[1]] = n
		}
	}
	return counts
}

// showsCounts is a wait condition: the header shows these counts (a
// status missing from want counts 0).
func showsCounts(want map[string]int) func(string) bool {
	return func(screen string) bool {
		got := countsOnScreen(screen)
		for _, status := range statuses {
			if got[status] != want[status] {
				return false
			}
		}
		return true
	}
}

var statuses = []string{"Ready", "Reserved", "Active", "Locked", "Suspended", "Deactivated", "Compromised"}

// lineWith is the first line of the screen that contains s, or "".
func lineWith(screen, s string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}

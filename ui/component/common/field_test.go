package common

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		text     string
		width    int
		maxLines int
		want     []string
	}{
		{"short", 10, 3, []string{"short"}},
		{"aaaa bbbb cccc", 9, 3, []string{"aaaa bbbb", "cccc"}},
		{"abcdefghijkl", 5, 3, []string{"abcde", "fghij", "kl"}}, // a word longer than a line
		{"aaaa bbbb cccc dddd", 9, 1, []string{"aaaa bbb…"}},     // cut: the last line says so
		{"aaaa bb cccc dddd", 9, 1, []string{"aaaa bb…"}},        // room for the mark
		{"日本語のテキスト", 6, 2, []string{"日本語", "のテ…"}},               // wide characters
		{"anything", 0, 3, nil},
	}
	for _, tt := range tests {
		got := Wrap(tt.text, tt.width, tt.maxLines)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Wrap(%q, %d, %d) = %q, want %q", tt.text, tt.width, tt.maxLines, got, tt.want)
		}
		for _, l := range got {
			if ansi.StringWidth(l) > tt.width {
				t.Errorf("Wrap(%q, %d, %d): %q is wider than %d", tt.text, tt.width, tt.maxLines, l, tt.width)
			}
		}
	}
}

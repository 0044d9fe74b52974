package ui

import (
	"github.com/keydesk/keydesk/model"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/store"
)

// Benchmarks on 100,000 keys and 100,000 employees (`make bench`). The
// database is built once per process: FillDemo at that size takes a
// minute or two. KEYDESK_BENCH_DB names a file to keep it in between
// runs (filled when missing).

var (
	benchOnce  sync.Once
	benchDir   string
	benchStore *store.Store
	benchErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore != nil {
		benchStore.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func bigStore(b *testing.B) *store.Store {
	b.Helper()
	benchOnce.Do(func() {
		path := os.Getenv("KEYDESK_BENCH_DB")
		if path == "" {
			benchDir, benchErr = os.MkdirTemp("", "keydesk-ui-bench")
			if benchErr != nil {
				return
			}
			path = filepath.Join(benchDir, "bench.db")
		}
		_, missing := os.Stat(path)
		benchStore, benchErr = store.Open(path, store.Options{NoSync: true})
		if benchErr != nil || missing == nil {
			return
		}
		benchErr = benchStore.FillDemo(model.LocalAdmin("bench"), 100_000, 100_000)
		// Reopen, as an admin's program would: the fill's huge write
		// leaves memory in bbolt that no real session holds.
		benchStore.Close()
		if benchErr == nil {
			benchStore, benchErr = store.Open(path, store.Options{})
		}
		runtime.GC()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore
}

// initLoads runs New and Init and returns Init's two loads, not yet
// run: the first page of employees, then the whole index (without the
// rest of Init's commands: the role's look-up and the audit screen's
// loads run beside the first screen).
func initLoads(b *testing.B, st *store.Store) (a *app, firstPage, whole tea.Cmd) {
	a = newApp(Config{Store: st, Actor: tActor, Renderer: asciiRenderer()})
	a.noWatch = true
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	cmds, ok := a.Init()().(tea.BatchMsg)
	if !ok || len(cmds) < 2 {
		b.Fatalf("Init returned %T, want its two loads first", cmds)
	}
	return a, cmds[0], cmds[1]
}

// loadedApp is the app after the whole index came.
func loadedApp(b *testing.B, st *store.Store) *app {
	a, _, whole := initLoads(b, st)
	a.Update(whole())
	return a
}

func runeKey(r rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}} }

// BenchmarkFirstScreen is New + Init + the first page of employees + the
// first full View of the employees list: what an admin waits for before
// the screen is useful (the whole index keeps loading behind it).
func BenchmarkFirstScreen(b *testing.B) {
	st := bigStore(b)
	for b.Loop() {
		a, firstPage, _ := initLoads(b, st)
		msg := firstPage()
		if _, ok := msg.(previewMsg); !ok {
			b.Fatalf("Init's first load answered %T, want the first page", msg)
		}
		a.Update(msg)
		if v := a.View(); !strings.Contains(v, "Employees  first 200") {
			b.Fatalf("not the first page:\n%s", v)
		}
	}
}

// BenchmarkWholeIndex is New + Init + the whole snapshot loaded and
// built + the View of the whole employees list, and the heap it keeps.
func BenchmarkWholeIndex(b *testing.B) {
	st := bigStore(b)
	var heap uint64
	for b.Loop() {
		a := loadedApp(b, st)
		if v := a.View(); !strings.Contains(v, "of 100,000") {
			b.Fatalf("not the whole list:\n%s", v)
		}
		b.StopTimer()
		runtime.GC()
		runtime.GC() // and what sync.Pools held
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = ms.HeapAlloc
		runtime.KeepAlive(a)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/1e6, "MB-live-heap")
}

// typing is a search typed and erased again, one key at a time.
var typing = []tea.KeyMsg{runeKey('o'), runeKey('l'), runeKey('i'),
	{Type: tea.KeyBackspace}, {Type: tea.KeyBackspace}, {Type: tea.KeyBackspace}}

// BenchmarkSearchKeystroke is one key typed in the employees search line
// and the view drawn: each key searches all 100,000 employees again.
func BenchmarkSearchKeystroke(b *testing.B) {
	a := loadedApp(b, bigStore(b))
	a.Update(runeKey('/'))
	i := 0
	for b.Loop() {
		a.Update(typing[i%len(typing)])
		_ = a.View()
		i++
	}
}

// BenchmarkSearchKeystrokeKeys is the same on the keys list, where a
// search looks in serials, MACs, RFIDs and holders.
func BenchmarkSearchKeystrokeKeys(b *testing.B) {
	a := loadedApp(b, bigStore(b))
	a.Update(runeKey('2'))
	a.Update(runeKey('/'))
	i := 0
	for b.Loop() {
		a.Update(typing[i%len(typing)])
		_ = a.View()
		i++
	}
}

// BenchmarkSearchKeystrokeCall is the same on the call screen, where the
// helpdesk finds a caller by name, e-mail, phone or key serial among
// 100,000 employees: the same index search as the employees list.
func BenchmarkSearchKeystrokeCall(b *testing.B) {
	a := loadedApp(b, bigStore(b))
	a.Update(runeKey('0'))
	a.Update(runeKey('/')) // its search line waits, closed, for the first key
	if !a.call.Capturing() {
		b.Fatal("the call screen's search line is not open")
	}
	i := 0
	for b.Loop() {
		a.Update(typing[i%len(typing)])
		_ = a.View()
		i++
	}
	if !strings.Contains(a.View(), "Call") {
		b.Fatalf("not the call screen:\n%s", a.View())
	}
}

// BenchmarkScrollPage is pgdown on the keys list and the view drawn.
func BenchmarkScrollPage(b *testing.B) {
	a := loadedApp(b, bigStore(b))
	a.Update(runeKey('2'))
	for b.Loop() {
		a.Update(tea.KeyMsg{Type: tea.KeyPgDown})
		_ = a.View()
	}
}

// filterKeystrokes presses keys over and over on the keys list of a
// width-column terminal and draws the view each time.
func filterKeystrokes(b *testing.B, width int, keys []tea.KeyMsg) {
	a := loadedApp(b, bigStore(b))
	a.Update(tea.WindowSizeMsg{Width: width, Height: 24})
	a.Update(runeKey('2'))
	i := 0
	for b.Loop() {
		a.Update(keys[i%len(keys)])
		_ = a.View()
		i++
	}
}

// BenchmarkStatusFilterKeystroke is f and F on the keys list: Ready,
// Reserved, Ready, every key.
func BenchmarkStatusFilterKeystroke(b *testing.B) {
	filterKeystrokes(b, 80, []tea.KeyMsg{runeKey('f'), runeKey('f'), runeKey('F'), runeKey('F')})
}

// BenchmarkLicenceFilterKeystroke is F and f through the licence
// filters: expired, critical, expired, every key.
func BenchmarkLicenceFilterKeystroke(b *testing.B) {
	filterKeystrokes(b, 80, []tea.KeyMsg{runeKey('F'), runeKey('F'), runeKey('f'), runeKey('f')})
}

// BenchmarkSearchKeystrokeKeysLicence is BenchmarkSearchKeystrokeKeys
// with the expired licences kept: the search and the filter together.
func BenchmarkSearchKeystrokeKeysLicence(b *testing.B) {
	a := loadedApp(b, bigStore(b))
	a.Update(runeKey('2'))
	a.Update(runeKey('F'))
	a.Update(runeKey('/'))
	i := 0
	for b.Loop() {
		a.Update(typing[i%len(typing)])
		_ = a.View()
		i++
	}
}

// BenchmarkScrollPageWide is BenchmarkScrollPage at 120 columns, where
// the profile and licence columns are drawn.
func BenchmarkScrollPageWide(b *testing.B) {
	a := loadedApp(b, bigStore(b))
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a.Update(runeKey('2'))
	for b.Loop() {
		a.Update(tea.KeyMsg{Type: tea.KeyPgDown})
		_ = a.View()
	}
}

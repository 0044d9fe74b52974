package ui

import (
	"context"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/codeview"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/keyaction"
	"github.com/keydesk/keydesk/ui/component/mailprompt"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/screen/audit"
	"github.com/keydesk/keydesk/ui/screen/call"
	"github.com/keydesk/keydesk/ui/screen/employees"
	"github.com/keydesk/keydesk/ui/screen/keys"
	"github.com/keydesk/keydesk/ui/screen/profiles"
	"github.com/keydesk/keydesk/ui/screen/settings"
)

// screen is one tab.
type screen interface {
	Title() string
	SetSize(width, height int)
	SetIndex(idx *data.Index) tea.Cmd
	Shown() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	Capturing() bool
	help.KeyMap
}

// The screens, as indexes of app.screens; the header shows them in the
// order of app.tabs, each with the digit that goes to it.
const (
	tabEmployees = iota
	tabKeys
	tabAudit
	tabSettings
	tabCall
	tabProfiles
)

var tabDigits = [...]string{tabEmployees: "1", tabKeys: "2", tabAudit: "3", tabSettings: "4", tabCall: "0", tabProfiles: "5"}

// Smallest terminal the screens are drawn in.
const minWidth, minHeight = 60, 16

// app is the root model.
type app struct {
	common.Common
	ctx    context.Context
	cancel context.CancelFunc
	keys   *globalKeys
	help   help.Model

	employees *employees.Model
	keysTab   *keys.Model
	audit     *audit.Model
	settings  *settings.Model
	call      *call.Model
	profiles  *profiles.Model
	screens   []screen
	active    int

	resolveGen  int // the last role lookup asked for
	resolvedGen int // the newest one answered

	// Data: the process's shared view (data.Live), asked one load at a
	// time, one more if changes came meanwhile.
	live          *data.Live
	idx           *data.Index
	preview       *data.Index // the first page, shown until idx arrives
	previewRows   int         // the first page's length; tests read a short one
	loading       bool
	reloadPending bool
	awaiting      <-chan struct{} // the build of the next version, waited for (watch.go)
	loadGen       int
	changes       <-chan struct{}
	noWatch       bool                             // tests drive changes themselves
	waitingDay    int                              // the day whose end a reload waits for (nextDay)
	subscribe     func() (<-chan struct{}, func()) // the store's Watch; tests count unsubscriptions

	// Modal layers, top first: a dialog, the wizard, the code screen, help.
	dialog     common.Dialog
	wizard     wizardModel
	code       *codeScreen
	showHelp   bool
	helpOffset int     // the first line of the help shown, when it scrolls
	back       []place // where jumps came from (backstack.go)
	// directorySnapshot is the snapshot file the directory sync reads
	// ("": LDAP).
	directorySnapshot string

	mail   mailprompt.Config // what e-mailing a code needs
	notice notice            // the footer line; cleared by the next key
	footer footerMemo        // the footer drawn last (view.go)
	width  int
	height int
}

func newApp(cfg Config) *app {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	parent := cfg.Context
	if parent == nil {
		parent = context.Background()
	}
	a := &app{keys: defaultGlobalKeys(), width: 80, height: 24, previewRows: firstPageRows}
	a.ctx, a.cancel = context.WithCancel(parent)
	var release func()
	a.live, release = data.Share(cfg.Store)
	context.AfterFunc(a.ctx, release)
	a.Common = common.Common{
		Styles:   styles.New(cfg.Renderer),
		Store:    cfg.Store,
		Actor:    cfg.Actor,
		Access:   common.NewAccess(cfg.Actor),
		Now:      cfg.Now,
		ListKeys: common.DefaultListKeys(),
		Remote:   cfg.Remote,
	}
	a.subscribe = cfg.Store.Watch
	a.directorySnapshot = cfg.DirectorySnapshot
	a.help = common.NewHelp(a.Styles)
	actions := keyaction.DefaultKeyMap(a.Access)
	a.employees = employees.New(a.Common, actions)
	a.keysTab = keys.New(a.Common, actions)
	a.audit = audit.New(a.Common)
	a.mail = mailprompt.Config{
		Store: cfg.Store, Actor: cfg.Actor, Styles: a.Styles, Context: a.ctx,
		RootCAs: cfg.MailRootCAs, Timeout: cfg.MailTimeout,
	}
	a.settings = settings.New(a.Common, a.mail)
	a.mail.Configured = a.settings.Configured
	a.mail.SetupHint = "press 4 for Settings"
	a.mail.CanSetUp = func() bool { return a.Access.May(model.OpSettingsChange) }
	a.call = call.New(a.Common, actions, a.mail)
	a.profiles = profiles.New(a.Common)
	a.screens = []screen{a.employees, a.keysTab, a.audit, a.settings, a.call, a.profiles}
	if a.Access.Role() == model.RoleHelpdesk {
		a.active = tabCall // their work is calls
	}
	a.layout()
	return a
}

// Init loads the first page of employees and the whole index side by
// side, and subscribes to the store's changes.
func (a *app) Init() tea.Cmd {
	if a.noWatch {
		return tea.Batch(a.loadPreview(), a.load(), a.resolve(), a.current().Shown())
	}
	changes, stop := a.subscribe()
	a.changes = changes
	// Ends when the admin quits, and when the session ends without
	// quitting (Config.Context).
	context.AfterFunc(a.ctx, stop)
	return tea.Batch(a.loadPreview(), a.load(), a.resolve(), a.current().Shown(), watch(a.ctx, a.changes), a.clusterTick())
}

func (a *app) current() screen { return a.screens[a.active] }

// Update routes a message: results to whom they are about, keys to the
// topmost layer only.
func (a *app) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.update(msg)
	a.layout()
	return a, cmd
}

func (a *app) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		return nil
	case tea.KeyMsg:
		if keys := splitKeys(msg); keys != nil {
			return a.handleKeys(keys)
		}
		return a.handleKey(msg)
	case clusterTickMsg:
		if a.noWatch {
			return nil // tests send the ticks they mean
		}
		return a.clusterTick()
	case dataChangedMsg:
		// A role change is a write too: the role is looked up again.
		if a.changes == nil {
			return tea.Batch(a.load(), a.resolve()) // tests: no subscription to re-arm
		}
		return tea.Batch(a.load(), a.resolve(), watch(a.ctx, a.changes))
	case resolvedMsg:
		return a.resolved(msg)
	case previewMsg:
		return a.previewLoaded(msg)
	case indexMsg:
		return a.indexLoaded(msg)
	case dayChangedMsg, builtMsg:
		return a.load()
	case common.ErrMsg:
		a.notice = errorNotice(msg.Err)
		return nil
	case common.InfoMsg:
		a.notice = notice{text: msg.Text}
		return nil
	case common.StillLoadingMsg:
		a.notice = notice{text: msg.Text, untilLoaded: true}
		return nil
	case common.CodeMsg:
		if msg.Done != "" {
			a.notice = notice{text: msg.Done}
		}
		if a.active == tabCall && a.dialog == nil {
			if done, ok := a.call.TakeCode(msg); ok {
				if done != "" {
					a.notice = notice{text: done}
				}
				return nil // the call goes on on its own screen
			}
		}
		a.code = newCodeScreen(&a.Common, msg.View, a.mail)
		return nil
	case common.OpenDialogMsg:
		a.dialog = msg.Dialog
		return nil
	case common.OpenKeyMsg:
		a.dialog, a.code, a.showHelp = nil, nil, false
		return tea.Batch(a.jumpTo(tabKeys), a.keysTab.OpenSerial(msg.Serial))
	case common.OpenEmployeeMsg:
		a.dialog, a.code, a.showHelp = nil, nil, false
		return tea.Batch(a.jumpTo(tabEmployees), a.employees.Open(msg.ID))
	case common.StartWizardMsg:
		if !a.Access.May(model.OpEmployeeAdd) {
			return nil
		}
		return a.openWizard()
	case codeview.CopiedMsg:
		if a.wizard != nil {
			break // the wizard's result page says it
		}
		if a.code != nil {
			a.code.copied = true // on the code screen's own line: the footer would shrink the code
			return nil
		}
		a.notice = notice{text: "code copied to your clipboard (if your terminal allows it)"}
		return nil
	}
	// Anything else (a screen's own results, cursor messages, the
	// wizard's and the forms' messages) goes to every layer that may
	// want it; each drops what is not its own.
	var cmds []tea.Cmd
	if a.wizard != nil {
		cmds = append(cmds, a.toWizard(msg))
	}
	if a.code != nil {
		cmds = append(cmds, a.code.mail.Update(msg))
	}
	if a.dialog != nil {
		if done, cmd := a.dialog.Update(msg); done {
			a.dialog = nil
			cmds = append(cmds, cmd)
		} else {
			cmds = append(cmds, cmd)
		}
	}
	for _, s := range a.screens {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}

func (a *app) indexLoaded(msg indexMsg) tea.Cmd {
	a.loading = false
	var cmds []tea.Cmd
	if a.reloadPending {
		a.reloadPending = false
		cmds = append(cmds, a.load())
	}
	if msg.err != nil {
		a.notice = errorNotice(msg.err)
		return tea.Batch(cmds...)
	}
	cmds = append(cmds, a.awaitBuild(msg.next))
	a.idx, a.preview = msg.idx, nil
	if a.notice.untilLoaded {
		a.notice = notice{}
	}
	for _, s := range a.screens {
		cmds = append(cmds, s.SetIndex(msg.idx))
	}
	return tea.Batch(append(cmds, warmOrders(msg.idx), a.nextDay(msg.idx))...)
}

// handleKey gives a key to the topmost layer; global keys work only when
// nothing is typing.
func (a *app) handleKey(k tea.KeyMsg) tea.Cmd {
	a.notice = notice{}
	switch {
	case a.Access.Removed() != nil:
		if key.Matches(k, a.keys.Quit, a.keys.ForceQuit) {
			return a.quit()
		}
		return nil
	case a.wizard != nil && a.dialog == nil && !key.Matches(k, a.keys.ForceQuit):
		return a.toWizard(k)
	case key.Matches(k, a.keys.ForceQuit):
		// One rule everywhere: ctrl+c quits keydesk, and asks first when
		// a form (the wizard, an edit form) holds what would be lost.
		if a.unsaved() && a.dialog == nil {
			return a.confirmQuit()
		}
		return a.quit()
	case a.dialog != nil:
		done, cmd := a.dialog.Update(k)
		if done {
			a.dialog = nil
		}
		return cmd
	case a.code != nil && !a.code.capturing() && !a.code.mail.Sending() && a.tabKey(k) >= 0:
		// "press 4 for Settings" works from the code screen too.
		a.code = nil
		return a.switchTo(a.tabKey(k))
	case a.code != nil:
		return a.code.update(k, a)
	case a.showHelp:
		switch {
		case a.scrollHelp(k):
		case key.Matches(k, a.keys.Quit):
			a.showHelp = false
			return a.quit()
		case key.Matches(k, a.keys.Help, a.ListKeys.Back):
			a.showHelp = false
		}
		return nil
	case a.current().Capturing() && !a.tabLeavesCall(k):
		return a.current().Update(k)
	case a.tabKey(k) >= 0:
		a.back = nil
		return a.switchTo(a.tabKey(k))
	case key.Matches(k, a.keys.Next):
		a.back = nil
		return a.switchTo(a.tabAfter(1))
	case key.Matches(k, a.keys.Prev):
		a.back = nil
		return a.switchTo(a.tabAfter(-1))
	case key.Matches(k, a.keys.Help):
		a.showHelp, a.helpOffset = true, 0
		return nil
	case key.Matches(k, a.keys.Directory):
		return a.directoryPreview()
	case key.Matches(k, a.keys.Quit):
		return a.quit()
	}
	if cmd, ok := a.goBack(k); ok {
		return cmd
	}
	return a.current().Update(k)
}

// tabLeavesCall: the call screen's search line is open whenever it is
// shown, and has no use for tab, so tab and shift+tab go on to the next
// screen from there: it must not trap an admin going round.
func (a *app) tabLeavesCall(k tea.KeyMsg) bool {
	return a.active == tabCall && key.Matches(k, a.keys.Next, a.keys.Prev)
}

// tabKey is the screen a key names (0 to 5) among the session's, or -1.
func (a *app) tabKey(k tea.KeyMsg) int {
	for _, tab := range a.tabs() {
		if key.Matches(k, a.keys.tab(tab)) {
			return tab
		}
	}
	return -1
}

// tabs are the screens the session's role may use, in the header's
// order. The call screen is for those who may give a caller their code.
func (a *app) tabs() []int {
	if a.Access.May(model.OpKeyCode) {
		return []int{tabCall, tabEmployees, tabKeys, tabAudit, tabSettings, tabProfiles}
	}
	return []int{tabEmployees, tabKeys, tabAudit, tabSettings, tabProfiles}
}

// tabAfter is the screen step places after the current one, in the
// header's order, going round.
func (a *app) tabAfter(step int) int {
	tabs := a.tabs()
	at := slices.Index(tabs, a.active)
	return tabs[(at+step+len(tabs))%len(tabs)]
}

// formOpen reports whether an edit form (an employee's, the mail
// settings) holds typed text that quitting would drop.
// unsaved reports whether quitting now would lose what was typed in a
// form: the wizard or the employee form with something typed, or the
// settings or profile form open (they do not track their changes).
func (a *app) unsaved() bool {
	switch {
	case a.wizard != nil:
		return a.wizard.Dirty()
	case a.active == tabEmployees:
		return a.employees.Unsaved()
	}
	return a.formOpen()
}

func (a *app) formOpen() bool {
	switch a.active {
	case tabEmployees:
		return a.employees.Editing()
	case tabSettings:
		return a.settings.Editing()
	case tabProfiles:
		return a.profiles.Editing()
	}
	return false
}

func (a *app) switchTo(tab int) tea.Cmd {
	if tab == a.active {
		return nil
	}
	if a.active == tabAudit {
		a.audit.Hidden()
	}
	a.active = tab
	return a.current().Shown()
}

func (a *app) quit() tea.Cmd {
	a.cancel() // ends the store subscription
	return tea.Quit
}

func (a *app) confirmQuit() tea.Cmd {
	f := dialog.NewForm(a.Styles, "Quit keydesk?", "quit", func(dialog.Values) tea.Cmd { return a.quit() }).
		WithBody("The changes in the open form are not saved.")
	a.dialog = f
	return nil
}

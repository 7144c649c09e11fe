package app

import (
	"context"

	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
)

// Services are the bound services of one window over one profile.
type Services struct {
	Settings *Settings
	Tickets  *Tickets
	Groups   *Groups
	Logs     *Logs
	// Certificates manages S/MIME certificates and keys.
	Certificates *Certificates
	// PGPKeys manages OpenPGP keys.
	PGPKeys *PGPKeys
	// PendingKeys decides on keys found in received mail.
	PendingKeys *PendingKeys
	// Bundles lists and imports the keys colleagues left in the team
	// folder.
	Bundles *Bundles
	// Compose answers the composer's questions before a send.
	Compose *Compose
	// Accounts manages mailbox accounts; Sync runs their sync.
	Accounts *Accounts
	Sync     *Sync
	// Demo runs the demo mailbox for a profile without accounts.
	Demo *Demo

	emitter *wailsEmitter
}

// NewServices builds the services over an open profile. Events go to the
// window through a throttle once Startup has run.
func NewServices(p *profile.Profile) *Services {
	w := &wailsEmitter{}
	emit := NewThrottle(w, MinEventInterval)
	// One security.Service for the window: its cache of unlocked OpenPGP
	// keys is shared, and a delete through one service locks the key for
	// all of them.
	sec := security.New(p, security.Options{})
	mb := mailbox.New(p, sec)
	sync := &Sync{mb: mb, emit: emit, st: p.Store, status: SyncStatus{State: SyncStopped}}
	return &Services{
		Accounts:     &Accounts{mb: mb, emit: emit, changed: sync.accountsChanged},
		Sync:         sync,
		Demo:         &Demo{p: p, mb: mb, sec: sec, sync: sync, emit: emit},
		Settings:     &Settings{p: p, sec: sec.Processing, mb: mb, emit: emit},
		Compose:      &Compose{p: p, sec: sec, mb: mb, emit: emit},
		Tickets:      &Tickets{p: p, sec: sec.Processing, mb: mb, emit: emit, saveDialog: wailsSaveDialog(w), openURL: wailsBrowserOpen(w)},
		Groups:       &Groups{p: p},
		Logs:         &Logs{p: p, saveDialog: wailsSaveDialog(w)},
		Certificates: &Certificates{certs: sec.Certificates, mb: mb, emit: emit, saveDialog: wailsSaveDialog(w)},
		PGPKeys:      &PGPKeys{keys: sec.PGPKeys, mb: mb, emit: emit, saveDialog: wailsSaveDialog(w)},
		PendingKeys:  &PendingKeys{found: sec.FoundKeys, emit: emit},
		Bundles:      &Bundles{mb: mb, emit: emit},
		emitter:      w,
	}
}

// Bind lists what Wails exposes to the web view.
func (s *Services) Bind() []any {
	return []any{s.Settings, s.Tickets, s.Groups, s.Logs, s.Certificates, s.PGPKeys, s.PendingKeys, s.Bundles, s.Compose, s.Accounts, s.Sync, s.Demo}
}

// Startup is options.App.OnStartup: it hands the window context to the
// event adapter.
func (s *Services) Startup(ctx context.Context) {
	s.emitter.start(ctx)
	go s.resume()
}

// resume picks up where the last run stopped: the demo mailbox comes back
// with its server, and a profile with real accounts starts syncing (the
// outbox is flushed after each pass, so queued replies go out too).
func (s *Services) resume() {
	if s.Demo.resume() {
		return
	}
	accounts, err := s.Accounts.mb.Accounts(context.Background())
	if err != nil || len(accounts) == 0 {
		return
	}
	_, _ = s.Sync.Start(StartSyncRequest{})
}

// Shutdown is options.App.OnShutdown: it stops the sync and waits for it,
// so that the last batch is committed or rolled back before the store
// closes, then the demo server.
func (s *Services) Shutdown(context.Context) {
	_, _ = s.Sync.Stop(StopSyncRequest{})
	s.Demo.stop()
}

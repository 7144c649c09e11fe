package app

import (
	"context"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Event names the UI subscribes to (frontend/src/events.ts mirrors them).
const (
	// EventSettingsChanged carries a SettingsView after any change.
	EventSettingsChanged = "settings:changed"
	// EventKeychainStatus carries a KeychainStatus when it changes.
	EventKeychainStatus = "keychain:status"
	// EventCertificatesChanged (empty payload) tells the certificate list
	// to reload after an import or delete.
	EventCertificatesChanged = "certificates:changed"
	// EventPGPKeysChanged (empty payload) tells the OpenPGP key list to
	// reload after an import, delete or an accepted found key.
	EventPGPKeysChanged = "pgpkeys:changed"
	// EventPendingChanged (empty payload) tells the list of keys found in
	// mail to reload after a decision.
	EventPendingChanged = "pending:changed"
	// EventArticlesRechecked carries ArticlesRechecked after an import
	// changed the security outcome of stored articles.
	EventArticlesRechecked = "articles:rechecked"
	// EventSyncProgress carries SyncProgress while new mail is saved.
	EventSyncProgress = "sync:progress"
	// EventSyncState carries SyncStatus when the sync's state changes.
	EventSyncState = "sync:state"
	// EventTicketsChanged (empty payload) tells the ticket list to reload
	// after a sync pass saved or expunged mail.
	EventTicketsChanged = "tickets:changed"
	// EventAccountsChanged (empty payload) tells the account list to
	// reload after a save or delete.
	EventAccountsChanged = "accounts:changed"
	// EventOutboxChanged (empty payload) tells the outbox list to reload
	// after a send, retry or discard.
	EventOutboxChanged = "outbox:changed"
	// EventSendProgress carries SendProgress for each step of a send.
	EventSendProgress = "send:progress"
)

// ArticlesRechecked says how many stored articles changed outcome.
type ArticlesRechecked struct {
	Changed int `json:"changed"`
}

// Emitter publishes an event to the UI.
type Emitter interface {
	Emit(name string, payload any)
}

// MinEventInterval is the shortest gap between two events of one name;
// bursts in between are coalesced into the last payload.
const MinEventInterval = 100 * time.Millisecond

// Throttle coalesces events per name: the first goes out at once, later
// ones within MinEventInterval are merged and the last is sent when the
// interval ends, so a progress burst never floods the web view.
type Throttle struct {
	next     Emitter
	interval time.Duration

	mu      sync.Mutex
	last    map[string]time.Time
	pending map[string]any
}

var _ Emitter = (*Throttle)(nil)

// NewThrottle wraps next.
func NewThrottle(next Emitter, interval time.Duration) *Throttle {
	return &Throttle{next: next, interval: interval, last: map[string]time.Time{}, pending: map[string]any{}}
}

func (t *Throttle) Emit(name string, payload any) {
	t.mu.Lock()
	now := time.Now()
	if wait := t.last[name].Add(t.interval).Sub(now); wait > 0 {
		_, scheduled := t.pending[name]
		t.pending[name] = payload
		t.mu.Unlock()
		if !scheduled {
			time.AfterFunc(wait, func() { t.flush(name) })
		}
		return
	}
	t.last[name] = now
	t.mu.Unlock()
	t.next.Emit(name, payload)
}

func (t *Throttle) flush(name string) {
	t.mu.Lock()
	payload, ok := t.pending[name]
	delete(t.pending, name)
	t.last[name] = time.Now()
	t.mu.Unlock()
	if ok {
		t.next.Emit(name, payload)
	}
}

// wailsEmitter sends events through the Wails runtime once the window's
// context is known; before that, events are dropped (nobody listens yet).
type wailsEmitter struct {
	mu  sync.RWMutex
	ctx context.Context
}

func (w *wailsEmitter) start(ctx context.Context) {
	w.mu.Lock()
	w.ctx = ctx
	w.mu.Unlock()
}

func (w *wailsEmitter) Emit(name string, payload any) {
	w.mu.RLock()
	ctx := w.ctx
	w.mu.RUnlock()
	if ctx != nil {
		runtime.EventsEmit(ctx, name, payload)
	}
}

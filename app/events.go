package app

import (
	"context"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// EventName names an event the UI subscribes to. Events lists them all;
// internal/tsgen writes that list into frontend/src/api/generated.ts, and
// frontend/src/events.ts fails to type-check until each has its payload.
type EventName string

// Event names.
const (
	// EventSettingsChanged carries a SettingsView after any change.
	EventSettingsChanged EventName = "settings:changed"
	// EventKeychainStatus carries a KeychainStatus when it changes.
	EventKeychainStatus EventName = "keychain:status"
	// EventCertificatesChanged (empty payload) tells the certificate list
	// to reload after an import or delete.
	EventCertificatesChanged EventName = "certificates:changed"
	// EventPGPKeysChanged (empty payload) tells the OpenPGP key list to
	// reload after an import, delete or an accepted found key.
	EventPGPKeysChanged EventName = "pgpkeys:changed"
	// EventPendingChanged (empty payload) tells the list of keys found in
	// mail to reload after a decision.
	EventPendingChanged EventName = "pending:changed"
	// EventArticlesRechecked carries ArticlesRechecked after an import
	// changed the security outcome of stored articles.
	EventArticlesRechecked EventName = "articles:rechecked"
	// EventSyncProgress carries SyncProgress while new mail is saved.
	EventSyncProgress EventName = "sync:progress"
	// EventSyncState carries SyncStatus when the sync's state changes.
	EventSyncState EventName = "sync:state"
	// EventTicketsChanged (empty payload) tells the ticket list to reload
	// after a sync pass saved or expunged mail.
	EventTicketsChanged EventName = "tickets:changed"
	// EventAccountsChanged (empty payload) tells the account list to
	// reload after a save or delete.
	EventAccountsChanged EventName = "accounts:changed"
	// EventOutboxChanged (empty payload) tells the outbox list to reload
	// after a send, retry or discard.
	EventOutboxChanged EventName = "outbox:changed"
	// EventSendProgress carries SendProgress for each step of a send.
	EventSendProgress EventName = "send:progress"
	// EventTeamConflicts carries TeamConflicts when a team pass of the
	// running sync found changes of ours that lost to another agent's.
	EventTeamConflicts EventName = "team:conflicts"
)

// Events lists every event name, in the order declared above.
func Events() []EventName {
	return []EventName{EventSettingsChanged, EventKeychainStatus, EventCertificatesChanged, EventPGPKeysChanged,
		EventPendingChanged, EventArticlesRechecked, EventSyncProgress, EventSyncState, EventTicketsChanged,
		EventAccountsChanged, EventOutboxChanged, EventSendProgress, EventTeamConflicts}
}

// ArticlesRechecked says how many stored articles changed outcome.
type ArticlesRechecked struct {
	Changed int `json:"changed"`
}

// Emitter publishes an event to the UI.
type Emitter interface {
	Emit(name EventName, payload any)
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
	last    map[EventName]time.Time
	pending map[EventName]any
}

var _ Emitter = (*Throttle)(nil)

// NewThrottle wraps next.
func NewThrottle(next Emitter, interval time.Duration) *Throttle {
	return &Throttle{next: next, interval: interval, last: map[EventName]time.Time{}, pending: map[EventName]any{}}
}

func (t *Throttle) Emit(name EventName, payload any) {
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

func (t *Throttle) flush(name EventName) {
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

func (w *wailsEmitter) Emit(name EventName, payload any) {
	w.mu.RLock()
	ctx := w.ctx
	w.mu.RUnlock()
	if ctx != nil {
		runtime.EventsEmit(ctx, string(name), payload)
	}
}

package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

type recorder struct {
	mu     sync.Mutex
	events []EventName
	last   map[EventName]any
}

func (r *recorder) Emit(name EventName, payload any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, name)
	if r.last == nil {
		r.last = map[EventName]any{}
	}
	r.last[name] = payload
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

func openProfile(t *testing.T, kc keystore.Backend) *profile.Profile {
	t.Helper()
	p, err := profile.Open(context.Background(), profile.Options{Dir: t.TempDir(), Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestThrottleCoalescesBurstsAndKeepsTheLast(t *testing.T) {
	r := &recorder{}
	th := NewThrottle(r, 50*time.Millisecond)
	for i := range 100 {
		th.Emit("sync:progress", i)
	}
	th.Emit("other", "x")
	deadline := time.Now().Add(5 * time.Second)
	for r.count() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(120 * time.Millisecond) // nothing else may arrive
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) != 3 {
		t.Fatalf("events = %v; want the first progress, the coalesced last one, and other", r.events)
	}
	if r.last["sync:progress"] != 99 {
		t.Fatalf("last progress payload = %v, want 99", r.last["sync:progress"])
	}
}

func TestFormatError(t *testing.T) {
	cases := []struct {
		err  error
		code ErrorCode
	}{
		{&keystore.UnavailableError{Platform: "Secret Service", Err: errors.New("no bus")}, CodeKeychainUnavailable},
		{fmt.Errorf("reading: %w", keystore.ErrCorrupt), CodeKeychainCorrupt},
		{store.ErrNotFound, CodeNotFound},
		{invalid(errors.New("bad address")), CodeInvalid},
		{errors.New("boom"), CodeInternal},
	}
	for _, tc := range cases {
		got := Classify(tc.err)
		var wire Error
		if err := json.Unmarshal([]byte(FormatError(tc.err).(string)), &wire); err != nil || wire != *got {
			t.Errorf("FormatError(%v) sent %v, want %+v as JSON", tc.err, FormatError(tc.err), got)
		}
		if got.Code != tc.code || got.Message == "" {
			t.Errorf("FormatError(%v) = %+v, want code %s", tc.err, got, tc.code)
		}
	}
}

func TestSettingsRoundTripAndEvent(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	r := &recorder{}
	s := &Settings{p: p, sec: security.New(p, security.Options{}).Processing, emit: r}
	v, err := s.Get()
	if err != nil {
		t.Fatal(err)
	}
	if !v.SMIMEEnabled || v.TrustSystemRoots || !v.Keychain.OK || v.Version == "" {
		t.Fatalf("defaults = %+v", v)
	}
	off := false
	v, err = s.UpdateIntegrations(UpdateIntegrationsRequest{SMIMEEnabled: &off})
	if err != nil || v.SMIMEEnabled || !v.PGPEnabled {
		t.Fatalf("after update: %+v, %v", v, err)
	}
	if r.count() != 1 || r.events[0] != EventSettingsChanged {
		t.Fatalf("events = %v", r.events)
	}
}

func TestSettingsReportsAnUnreachableKeychain(t *testing.T) {
	kc := keystore.NewMemory(0)
	p := openProfile(t, kc)
	kc.FailAfter = 1
	st, _ := (&Settings{p: p, emit: &recorder{}}).CheckKeychain()
	if st.OK || st.Message == "" {
		t.Fatalf("status = %+v; want not OK with a message", st)
	}
}

func TestGroupsValidationIsInvalidInput(t *testing.T) {
	g := &Groups{p: openProfile(t, keystore.NewMemory(0))}
	_, err := g.Save(store.Group{Name: "x", SenderAddress: "nope", Technology: "PGP"})
	if e := Classify(err); e.Code != CodeInvalid {
		t.Fatalf("code = %s, want invalid", e.Code)
	}
	saved, err := g.Save(store.Group{Name: "Support", SenderAddress: "support@example.test", Technology: "PGP"})
	if err != nil || saved.ID == 0 {
		t.Fatalf("save: %+v, %v", saved, err)
	}
	if err := g.Delete(DeleteGroupRequest{ID: saved.ID}); err != nil {
		t.Fatal(err)
	}
}

func TestBoundSurfaceIsNarrow(t *testing.T) {
	// Guard against lifecycle or generic methods leaking into the bindings:
	// every bound service's exported methods are listed here on purpose.
	want := map[string][]string{
		"*app.Settings": {"CheckKeychain", "Get", "SetAgent", "UpdateIntegrations"},
		// SaveAttachment writes to a file picked in a native dialog.
		// State and owner changes go through the team path (team.go).
		"*app.Tickets": {"Agents", "Assign", "Conflicts", "Content", "Get", "List", "MarkRead", "OpenLink", "Recheckable", "Retry", "RetryFailed",
			"SaveAttachment", "SetState"},
		"*app.Groups": {"Delete", "List", "Save"},
		// Export writes to a file picked in a native dialog.
		"*app.Logs": {"Export", "List"},
		// Key material only goes in; ExportPrivateKey writes to a file the
		// agent picks in a native dialog and returns its path.
		// ExportBundle, likewise, or to the team folder: the passphrase
		// only goes in, the bundle never comes out to the web view.
		"*app.Certificates": {"Delete", "ExportBundle", "ExportCertificate", "ExportPrivateKey", "ImportCertificates", "ImportPrivateKey", "List", "SaveCertificate", "Trust"},
		// Likewise: ExportSecret writes to a file picked in a native dialog.
		"*app.PGPKeys": {"Delete", "ExportBundle", "ExportPublic", "ExportSecret", "Import", "List", "SavePublic"},
		// Keys found in mail: the agent decides, one key at a time.
		"*app.PendingKeys": {"Accept", "List", "Reject"},
		// Bundles colleagues left in the team folder: listed, and imported
		// with a passphrase that only goes in.
		"*app.Bundles": {"Import", "List"},
		// The composer asks before a send; public material only.
		// Private keys never pass; drafts are stored sealed.
		"*app.Compose": {"AddAttachment", "Choose", "Contacts", "DeleteDraft", "DiscardOutbox", "Drafts", "Fixes", "ImportCarried", "Meanwhile", "OpenDraft", "Outbox", "Prepare",
			"Readiness", "RemoveAttachment", "RetryOutbox", "SaveDraft", "Send"},
		// Passwords only go in (Save); List returns none.
		"*app.Accounts": {"Delete", "List", "Save", "TestConnection"},
		// The background sync: one request struct per call.
		"*app.Sync": {"Start", "Status", "Stop"},
		// The demo mailbox: started once, for a profile without accounts.
		"*app.Demo": {"Start", "Status"},
	}
	s := NewServices(openProfile(t, keystore.NewMemory(0)))
	if len(s.Bind()) != len(want) {
		t.Errorf("%d services bound, want %d", len(s.Bind()), len(want))
	}
	for _, svc := range s.Bind() {
		name, methods := exportedMethods(svc)
		if fmt.Sprint(methods) != fmt.Sprint(want[name]) {
			t.Errorf("%s binds %v, want %v", name, methods, want[name])
		}
	}
}

func TestSettingsSwitchOnRechecksAndAESGCMRoundTrips(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	r := &recorder{}
	s := &Settings{p: p, sec: security.New(p, security.Options{}).Processing, emit: r}
	on, off := true, false
	v, err := s.UpdateIntegrations(UpdateIntegrationsRequest{SMIMEAESGCM: &on, PGPEnabled: &off})
	if err != nil || !v.SMIMEAESGCM || v.PGPEnabled {
		t.Fatalf("after update: %+v, %v", v, err)
	}
	// Switching on with nothing failed re-checks nothing and says nothing.
	if _, err := s.UpdateIntegrations(UpdateIntegrationsRequest{PGPEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.last[EventArticlesRechecked]; ok {
		t.Fatalf("articles:rechecked sent with nothing to re-check: %v", r.events)
	}
}

func TestComposeReadinessNeedsATechnology(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	c := &Compose{sec: security.New(p, security.Options{})}
	if _, err := c.Readiness(ReadinessRequest{Technology: "ROT13"}); Classify(err).Code != CodeInvalid {
		t.Fatalf("unknown technology: %v", err)
	}
	r, err := c.Readiness(ReadinessRequest{Technology: "S/MIME", From: "a@example.test", Recipients: []string{"b@example.test"}})
	if err != nil || r.CanSign || r.CanEncrypt || len(r.Recipients) != 2 || r.Recipients[0].Reason != "no_certificate" {
		t.Fatalf("readiness with no certificates: %+v, %v", r, err)
	}
}

func TestSettingsTeamAutoAcceptKeysOffByDefault(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	s := &Settings{p: p, sec: security.New(p, security.Options{}).Processing, emit: &recorder{}}
	if v, err := s.Get(); err != nil || v.TeamAutoAcceptKeys {
		t.Fatalf("default: %+v, %v", v, err)
	}
	on := true
	if v, err := s.UpdateIntegrations(UpdateIntegrationsRequest{TeamAutoAcceptKeys: &on}); err != nil || !v.TeamAutoAcceptKeys {
		t.Fatalf("after switching on: %+v, %v", v, err)
	}
	if b, _ := p.Store.BoolSetting(context.Background(), store.SettingTeamAutoAcceptKeys); !b {
		t.Fatal("the store's setting is still off")
	}
}

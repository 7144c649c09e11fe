package app

import (
	"context"
	gosync "sync"

	"github.com/sealdesk/sealdesk/demo"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
)

// accountsExist: the demo never mixes its mail into a real desk.
const accountsExist = "The demo mailbox is only offered while no account is configured: this profile already has one."

// DemoStatus is what Demo.Start and Demo.Status return.
type DemoStatus struct {
	// Running: the demo IMAP server runs (on loopback, until the app
	// quits) and its account is synced.
	Running bool   `json:"running"`
	Account string `json:"account"`
}

// StartDemoRequest starts the demo mailbox.
type StartDemoRequest struct{}

// Demo is the bound service behind "Try the demo mailbox": an in-memory
// IMAP server on loopback with seeded mail (package demo), its account and
// keys set up like any other, and the ordinary background sync.
type Demo struct {
	mb   *mailbox.Service
	sec  *security.Service
	sync *Sync
	emit Emitter

	mu gosync.Mutex
	m  *demo.Mailbox
}

// Start runs the demo server for the app's lifetime, saves the account
// "Demo", imports the demo keys and starts the sync. It refuses with
// account_exists when the profile has an account; a second call while it
// runs is a no-op.
func (d *Demo) Start(StartDemoRequest) (DemoStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m != nil {
		return d.status(), nil
	}
	ctx := context.Background()
	accounts, err := d.mb.Accounts(ctx)
	if err != nil {
		return DemoStatus{}, err
	}
	if len(accounts) > 0 {
		return DemoStatus{}, &Error{Code: CodeAccountExists, Message: accountsExist}
	}
	m, err := demo.Start(ctx)
	if err != nil {
		return DemoStatus{}, err
	}
	if _, err := demo.Setup(ctx, d.mb, d.sec, m); err != nil {
		_ = m.Close()
		return DemoStatus{}, err
	}
	d.m = m
	d.emit.Emit(EventAccountsChanged, struct{}{})
	d.emit.Emit(EventCertificatesChanged, struct{}{})
	d.emit.Emit(EventPGPKeysChanged, struct{}{})
	if _, err := d.sync.Start(StartSyncRequest{Account: demo.AccountName}); err != nil {
		return d.status(), err
	}
	return d.status(), nil
}

// Status says whether the demo runs.
func (d *Demo) Status() (DemoStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status(), nil
}

func (d *Demo) status() DemoStatus {
	if d.m == nil {
		return DemoStatus{}
	}
	return DemoStatus{Running: true, Account: demo.AccountName}
}

// stop closes the demo server; Services.Shutdown calls it after the sync
// stopped.
func (d *Demo) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m != nil {
		_ = d.m.Close()
		d.m = nil
	}
}

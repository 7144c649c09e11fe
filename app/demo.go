package app

import (
	"context"
	"fmt"
	gosync "sync"

	"github.com/sealdesk/sealdesk/demo"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// accountsExist: the demo never mixes its mail into a real desk.
const accountsExist = "The demo mailbox is only offered while no account is configured: this profile already has one."

// DemoStatus is what Demo.Start and Demo.Status return.
type DemoStatus struct {
	// Running: the demo's IMAP and submission servers run (on loopback,
	// until the app quits) and its account is synced.
	Running bool   `json:"running"`
	Account string `json:"account"`
}

// StartDemoRequest starts the demo mailbox.
type StartDemoRequest struct{}

// Demo is the bound service behind "Try the demo mailbox": an in-memory
// IMAP server on loopback with seeded mail and a submission server that
// delivers inside the demo (package demo), its account, keys and group set
// up like any other, and the ordinary background sync.
type Demo struct {
	// p holds the groups and the sync checkpoints.
	p    *profile.Profile
	mb   *mailbox.Service
	sec  *security.Service
	sync *Sync
	emit Emitter

	mu gosync.Mutex
	m  *demo.Mailbox
}

// Start runs the demo servers for the app's lifetime, saves the account
// "Demo", imports the demo keys, makes sure a group sends from the demo
// helpdesk (demo.AddGroup) and starts the sync. When the profile's only
// account is the demo's (a later run of the app), it resumes it. It
// refuses with account_exists when the profile has any other account; a
// second call while it runs is a no-op.
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
	resume := len(accounts) == 1 && accounts[0].Name == demo.AccountName
	if len(accounts) > 0 && !resume {
		return DemoStatus{}, &Error{Code: CodeAccountExists, Message: accountsExist}
	}
	var last map[string]uint32
	if resume {
		if last, err = d.lastUIDs(ctx, accounts[0]); err != nil {
			return DemoStatus{}, err
		}
	}
	m, err := demo.Resume(ctx, last)
	if err != nil {
		return DemoStatus{}, err
	}
	if resume {
		// The demo's servers lived in an earlier run of the app. The new
		// IMAP server is seeded the same way (the same folders in the same
		// order, so the same UIDVALIDITY and UIDs) and skips the UIDs the
		// sync saw after those: pointing the saved account at it syncs
		// nothing twice and misses nothing new. Its freshly made keys are
		// not imported; the stored articles were judged with the first
		// ones.
		_, err = d.mb.SaveAccount(ctx, m.Account())
	} else {
		_, err = demo.Setup(ctx, d.mb, d.sec, m)
	}
	if err == nil {
		// On resume too: a demo set up before it had a group gets one.
		_, err = demo.AddGroup(ctx, d.p.Store)
	}
	if err != nil {
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

// lastUIDs is, per folder, the highest UID the account's sync saw: what
// the earlier demo server handed out (see demo.Resume).
func (d *Demo) lastUIDs(ctx context.Context, a store.Account) (map[string]uint32, error) {
	last := map[string]uint32{}
	for _, mb := range []string{"INBOX", "Sent"} {
		cp, err := d.p.Store.MailboxCheckpoint(ctx, a.ID, mb)
		if err != nil {
			return nil, fmt.Errorf("demo: reading the checkpoint of %s: %w", mb, err)
		}
		last[mb] = cp.LastUID
	}
	return last, nil
}

// stop closes the demo servers; Services.Shutdown calls it after the sync
// stopped.
func (d *Demo) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m != nil {
		_ = d.m.Close()
		d.m = nil
	}
}

// resume restarts the demo at start-up when it is the profile's only
// account, so its tickets stay live across restarts of the app. Failures
// show in Status and in the sync state. It reports whether the profile
// was the demo's.
func (d *Demo) resume() bool {
	accounts, err := d.mb.Accounts(context.Background())
	if err != nil || len(accounts) != 1 || accounts[0].Name != demo.AccountName {
		return false
	}
	_, _ = d.Start(StartDemoRequest{})
	return true
}

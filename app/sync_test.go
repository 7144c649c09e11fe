package app

import (
	"encoding/json"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
)

func TestAccountsNeverReturnThePassword(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	r := &recorder{}
	a := &Accounts{mb: mailbox.New(p, security.New(p, security.Options{})), emit: r}
	if _, err := a.Save(SaveAccountRequest{Name: "help", IMAP: "imap.example.org:143", IMAPTLS: "none", Username: "u", Password: "pw"}); Classify(err).Code != CodeInvalid {
		t.Fatalf("plaintext to a remote host: %v", err)
	}
	if _, err := a.Save(SaveAccountRequest{Name: "help", IMAP: "imap.example.org", Username: "u", Password: "hunter2"}); err != nil {
		t.Fatal(err)
	}
	list, err := a.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if b, _ := jsonOf(list); strings.Contains(b, "hunter2") {
		t.Fatalf("List leaks the password: %s", b)
	}
	if err := a.Delete(DeleteAccountRequest{Name: "help"}); err != nil {
		t.Fatal(err)
	}
	if r.count() != 2 || r.events[0] != EventAccountsChanged {
		t.Fatalf("events %v", r.events)
	}
}

func TestSyncStartReportsAndStops(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	r := &recorder{}
	mb := mailbox.New(p, security.New(p, security.Options{}))
	s := &Sync{mb: mb, emit: r, status: SyncStatus{State: SyncStopped}}
	if _, err := s.Start(StartSyncRequest{}); Classify(err).Code != CodeInvalid {
		t.Fatalf("start without accounts: %v", err)
	}
	// Nothing listens on port 1: the sync goes offline and keeps retrying.
	if _, err := (&Accounts{mb: mb, emit: r}).Save(SaveAccountRequest{Name: "help", IMAP: "127.0.0.1:1", IMAPTLS: "none", Username: "u", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	if st, err := s.Start(StartSyncRequest{Account: "help"}); err != nil || !st.Running {
		t.Fatalf("start: %+v, %v", st, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, _ := s.Status()
		if st.State == SyncOffline {
			if !strings.Contains(st.Message, "refused") {
				t.Fatalf("offline message %q", st.Message)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never offline: %+v", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	st, err := s.Stop(StopSyncRequest{})
	if err != nil || st.Running || st.State != SyncStopped {
		t.Fatalf("after stop: %+v, %v", st, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.last[EventSyncState]; !ok {
		t.Fatalf("no sync:state event: %v", r.events)
	}
}

func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func TestSavingAnAccountStartsTheSync(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	r := &recorder{}
	mb := mailbox.New(p, security.New(p, security.Options{}))
	s := &Sync{mb: mb, emit: r, status: SyncStatus{State: SyncStopped}}
	t.Cleanup(s.stop)
	a := &Accounts{mb: mb, emit: r, changed: s.accountsChanged}
	if _, err := a.Save(SaveAccountRequest{Name: "help", IMAP: "127.0.0.1:1", IMAPTLS: "none", Username: "u", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for st, _ := s.Status(); !st.Running || st.Account != ""; st, _ = s.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("the first account did not start the sync of all accounts: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Saves in quick succession each restart the sync; the restarts must not
// overlap, or an engine started by one would run on, orphaned, after Stop.
func TestRestartsInARowLeaveNoEngineBehind(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	mb := mailbox.New(p, security.New(p, security.Options{}))
	s := &Sync{mb: mb, emit: &recorder{}, status: SyncStatus{State: SyncStopped}}
	// A server that accepts and never greets: each engine holds one
	// connection open until it is stopped.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	var open atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			open.Add(1)
			go func() {
				_, _ = io.Copy(io.Discard, c)
				_ = c.Close()
				open.Add(-1)
			}()
		}
	}()
	a := &Accounts{mb: mb, emit: &recorder{}, changed: s.accountsChanged}
	for range 6 {
		if _, err := a.Save(SaveAccountRequest{Name: "help", IMAP: ln.Addr().String(), IMAPTLS: "none", Username: "u", Password: "pw"}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "an engine connected", func() bool { return open.Load() > 0 })
	time.Sleep(300 * time.Millisecond) // let the last restarts settle
	if n := open.Load(); n != 1 {
		t.Errorf("%d connections while one account syncs", n)
	}
	if _, err := s.Stop(StopSyncRequest{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every connection closed after Stop", func() bool { return open.Load() == 0 })
}

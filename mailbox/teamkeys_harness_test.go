package mailbox

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/internal/testenv"
	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
)

// keysServer is one IMAP server the key directory's tests run against,
// and what they do to its team folder by hand.
type keysServer struct {
	addr, user, pass string
	opt              SyncOptions
	// messages returns the team folder's messages; records parses those
	// that are records.
	messages func() [][]byte
	// lose deletes the team folder (the next pass makes it again, with a
	// new UIDVALIDITY: a new epoch).
	lose func()
	// appendRaw puts messages into the team folder as another program
	// would.
	appendRaw func(raws ...[]byte)
}

// memKeysServer is go-imap's memory server (UIDPLUS, no CONDSTORE).
func memKeysServer(t *testing.T) keysServer {
	srv := teamtest.NewServer(t)
	return keysServer{addr: srv.Addr, user: srv.User, pass: srv.Pass,
		messages:  func() [][]byte { return folderMessages(t, srv.Admin(t), team.DefaultFolder) },
		lose:      func() { srv.Recreate(t, team.DefaultFolder) },
		appendRaw: func(raws ...[]byte) { srv.Append(t, team.DefaultFolder, raws...) },
	}
}

// dovecotKeysServer is the harness's Dovecot (CONDSTORE, UIDPLUS), with a
// team folder of the test's own; skipped unless run through
// scripts/with-services.sh.
func dovecotKeysServer(t *testing.T) keysServer {
	addr := testenv.IMAP(t)
	user, pass := testenv.MailUser(t)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	folder := "SealDesk/Keys-" + hex.EncodeToString(rnd[:])
	admin := testenv.IMAPClient(t, user, pass, nil)
	name := folder
	if l, _ := admin.List("", "", nil).Collect(); len(l) > 0 && l[0].Delim != 0 {
		name = strings.ReplaceAll(folder, "/", string(l[0].Delim))
	}
	t.Cleanup(func() {
		_ = admin.Unselect().Wait()
		_ = admin.Delete(name).Wait()
		_ = admin.Logout().Wait()
	})
	return keysServer{addr: addr, user: user, pass: pass, opt: SyncOptions{Team: TeamOptions{Folder: folder}},
		messages: func() [][]byte { return folderMessages(t, admin, name) },
		lose: func() {
			_ = admin.Unselect().Wait()
			if err := admin.Delete(name).Wait(); err != nil {
				t.Fatalf("DELETE %s: %v", name, err)
			}
		},
		appendRaw: func(raws ...[]byte) {
			for _, raw := range raws {
				appendRaw(t, admin, name, raw)
			}
		},
	}
}

// records keeps the team folder's messages that parse as records.
func (ks keysServer) records() []team.Record {
	var out []team.Record
	for _, raw := range ks.messages() {
		if r, err := team.Parse(raw); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// keyRecords counts the key records (kind) of the records by fingerprint
// (lower case), and reports whether every one of them is marked
// republish.
func keyRecords(recs []team.Record, kind team.Kind) (map[string]int, bool) {
	out, republish := map[string]int{}, true
	for _, r := range recs {
		if r.Kind == kind {
			out[strings.ToLower(r.Fingerprint)]++
			republish = republish && r.Republish
		}
	}
	return out, republish
}

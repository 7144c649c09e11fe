package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// addGroup saves a group into the profile of c, as the admin screen does
// (sealctl has no group command).
func addGroup(t *testing.T, c ctl, kc keystore.Backend, g store.Group) {
	t.Helper()
	p, err := profile.Open(context.Background(), profile.Options{Dir: c.dir, Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Store.SaveGroup(context.Background(), g); err != nil {
		t.Fatal(err)
	}
}

// TestSendDefaultsAppliesTheComposersRules: send --defaults signs and
// encrypts as the group of the From address says where it can, holds a
// default off where it cannot (and says why on stderr), and the
// --sign, --encrypt and --type given override; without --defaults
// nothing changes.
func TestSendDefaultsAppliesTheComposersRules(t *testing.T) {
	corpus := corpusDir(t)
	kc := memoryKeychain(t)
	srv := smtptest.Start(t, smtptest.Options{Username: "agent", Password: "pw"})
	c := ctl{t, t.TempDir()}
	c.run(exitOK, "account", "add", "one", "--imap", "127.0.0.1:1", "--tls", "none", "--user", "agent",
		"--password-file", writeFile(t, "pw", []byte("pw\n")), "--smtp", "smtp://"+srv.Addr, "--smtp-tls", "none")
	const rcpt = "c@example.org"
	ca, cert, _ := smimeRecipient(t, t.TempDir(), rcpt)
	c.run(exitOK, "cert", "import", filepath.Join(corpus, "smime", "TestCA.pem"), ca, cert)
	c.run(exitOK, "cert", "key", filepath.Join(corpus, "smime", "Alice.p12"), "--passphrase-file", writeFile(t, "nss", []byte("nss\n")))
	addGroup(t, c, kc, store.Group{Name: "Support", SenderAddress: "Alice <alice@example.com>", DefaultSign: true, DefaultEncrypt: true, Technology: "S/MIME"})

	cases := []struct {
		name  string
		to    string
		flags []string
		// want: the lines of stdout and stderr that must be there, and
		// those that must not.
		want, not []string
	}{
		{"without --defaults nothing is sealed", rcpt, nil,
			nil, []string{"signed as", "encrypted (", "--defaults"}},
		{"the group's defaults, both possible", rcpt, []string{"--defaults"},
			[]string{"signed as alice@example.com (S/MIME)", "encrypted (S/MIME) to " + rcpt, "sign on: the group's default.", "encrypt on: the group's default."}, nil},
		{"Encrypt held off for a recipient without certificate, and why", "nobody@example.org", []string{"--defaults"},
			[]string{"signed as alice@example.com (S/MIME)", "encrypt off: The group encrypts by default, but not to every address: nobody@example.org"}, []string{"encrypted ("}},
		{"--sign=false overrides the group's Sign", rcpt, []string{"--defaults", "--sign=false"},
			[]string{"encrypted (S/MIME) to " + rcpt, "sign off: as --sign says."}, []string{"signed as"}},
		{"--type pgp overrides the technology; PGP can do nothing here", rcpt, []string{"--defaults", "--type", "pgp"},
			[]string{"PGP: as --type says.", "sign off: The group signs by default", "encrypt off: The group encrypts by default"}, []string{"signed as", "encrypted ("}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eml := writeFile(t, "m.eml", rawMessage("Alice <alice@example.com>", tc.to, "defaults", "defaults-"+string(rune('a'+i))+"@example.com", "", "Hi."))
			out := c.run(exitOK, append([]string{"send", eml}, tc.flags...)...)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out, n) {
					t.Errorf("has %q:\n%s", n, out)
				}
			}
		})
	}
	// An explicit --encrypt is the agent's choice: kept, and the send is refused with the reason.
	eml := writeFile(t, "m.eml", rawMessage("Alice <alice@example.com>", "nobody@example.org", "forced", "forced@example.com", "", "Hi."))
	if out := c.run(exitFailed, "send", eml, "--defaults", "--encrypt"); !strings.Contains(out, "encrypt on: as --encrypt says.") || !strings.Contains(out, "nothing was queued") {
		t.Fatalf("forced encrypt:\n%s", out)
	}
}

// Package testenv gives tests access to the real daemons started by the
// SealDesk test harness:
//
//	scripts/with-services.sh CMD   throwaway Dovecot (IMAP, IMAPS, submission,
//	                               LMTP) + Postfix (SMTP relay into Dovecot)
//	scripts/with-keyring.sh CMD    private unlocked Secret Service
//
// e.g. `scripts/with-keyring.sh scripts/with-services.sh go test -race ./...`.
//
// Every helper skips the calling test (t.Skip) when the corresponding
// SEALDESK_TEST_* variable is unset, so a plain `go test ./...` stays green
// and fast on machines without the daemons.
//
// The mail server is shared by all tests of a `go test` run, and `go test
// ./...` runs packages in parallel: tests must not assume an empty mailbox.
// Tag messages with a unique subject/Message-ID (see [NewMessage]) and search
// for them, or create a uniquely named mailbox per test.
package testenv

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"
)

// Environment variables exported by scripts/services.sh and
// scripts/with-keyring.sh.
const (
	EnvIMAPAddr       = "SEALDESK_TEST_IMAP_ADDR"       // host:port, plaintext IMAP
	EnvIMAPSAddr      = "SEALDESK_TEST_IMAPS_ADDR"      // host:port, implicit TLS
	EnvSubmissionAddr = "SEALDESK_TEST_SUBMISSION_ADDR" // host:port, Dovecot submission (AUTH, no TLS needed on loopback)
	EnvLMTPAddr       = "SEALDESK_TEST_LMTP_ADDR"       // host:port, Dovecot LMTP
	EnvSMTPAddr       = "SEALDESK_TEST_SMTP_ADDR"       // host:port, Postfix (relays example.test to LMTP, no AUTH)
	EnvTLSCert        = "SEALDESK_TEST_TLS_CERT"        // PEM path of the self-signed server cert
	EnvMailUser       = "SEALDESK_TEST_MAIL_USER"
	EnvMailPassword   = "SEALDESK_TEST_MAIL_PASSWORD"
	EnvMailUser2      = "SEALDESK_TEST_MAIL_USER2"
	EnvMailPassword2  = "SEALDESK_TEST_MAIL_PASSWORD2"
	EnvDovecotConf    = "SEALDESK_TEST_DOVECOT_CONF"
	EnvKeyring        = "SEALDESK_TEST_KEYRING" // "1" when a real Secret Service is on the session bus
)

const servicesHint = "run through `make test` or scripts/with-services.sh to test against real Dovecot"

// need returns the value of name or skips the test.
func need(t testing.TB, name, hint string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s unset: %s", name, hint)
	}
	return v
}

// IMAP returns the host:port of Dovecot's plaintext IMAP listener.
func IMAP(t testing.TB) string {
	t.Helper()
	return need(t, EnvIMAPAddr, servicesHint)
}

// IMAPS returns the host:port of Dovecot's implicit-TLS IMAP listener; use
// [TLSConfig] to trust its certificate.
func IMAPS(t testing.TB) string {
	t.Helper()
	return need(t, EnvIMAPSAddr, servicesHint)
}

// Submission returns the host:port of Dovecot's submission service (SMTP with
// AUTH PLAIN/LOGIN, plaintext allowed on loopback, STARTTLS offered). It
// relays through Postfix into LMTP.
func Submission(t testing.TB) string {
	t.Helper()
	return need(t, EnvSubmissionAddr, servicesHint+" (submission)")
}

// LMTP returns the host:port of Dovecot's LMTP listener.
func LMTP(t testing.TB) string {
	t.Helper()
	return need(t, EnvLMTPAddr, servicesHint+" (LMTP)")
}

// SMTP returns the host:port of the Postfix instance. It accepts mail for
// example.test from loopback without AUTH and delivers it into Dovecot.
func SMTP(t testing.TB) string {
	t.Helper()
	return need(t, EnvSMTPAddr, "run through `make test` or scripts/with-services.sh to test against real Postfix")
}

// MailUser returns the first test account (agent@example.test).
func MailUser(t testing.TB) (user, pass string) {
	t.Helper()
	return need(t, EnvMailUser, servicesHint), need(t, EnvMailPassword, servicesHint)
}

// MailUser2 returns the second test account (helpdesk@example.test).
func MailUser2(t testing.TB) (user, pass string) {
	t.Helper()
	return need(t, EnvMailUser2, servicesHint), need(t, EnvMailPassword2, servicesHint)
}

// TLSCert returns the path of the PEM certificate the test Dovecot presents
// (self-signed, SANs localhost and 127.0.0.1).
func TLSCert(t testing.TB) string {
	t.Helper()
	return need(t, EnvTLSCert, servicesHint)
}

// TLSConfig returns a client TLS config that trusts only the harness
// certificate (pinned via RootCAs) and verifies it normally.
func TLSConfig(t testing.TB) *tls.Config {
	t.Helper()
	pemBytes, err := os.ReadFile(TLSCert(t))
	if err != nil {
		t.Fatalf("testenv: read TLS cert: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("testenv: no certificate in %s", TLSCert(t))
	}
	return &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
}

// Keyring skips the test unless a real Secret Service (gnome-keyring on a
// private session bus, started by scripts/with-keyring.sh) is available.
func Keyring(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvKeyring) != "1" {
		t.Skipf("%s unset: run through `make test` or scripts/with-keyring.sh to test against a real Secret Service", EnvKeyring)
	}
}

// DovecotRestart stops the test Dovecot and starts it again with the same
// configuration (same ports, same mail). All existing IMAP/submission/LMTP
// connections are dropped. It returns once the IMAP port accepts connections
// again (typically 1-3 s).
//
// Dovecot is shared by every test of the run (including other packages
// running in parallel), so only use this in tests that are prepared for
// other tests' connections to die too, and never from a t.Parallel test.
func DovecotRestart(t testing.TB) {
	t.Helper()
	conf := need(t, EnvDovecotConf, servicesHint)
	addr := IMAP(t)
	// Layout from scripts/services.sh: base_dir is <conf dir>/run.
	children := dovecotChildren(filepath.Join(filepath.Dir(conf), "run", "master.pid"))
	// `dovecot stop` waits until the old master has exited (1-3 s).
	run(t, "dovecot", "-c", conf, "stop")
	// Dovecot 2.3 keeps logged-in mail processes running after the master
	// exits (until their clients disconnect); end them so clients see the
	// restart like a real server restart.
	killLeftovers(children)
	// `dovecot -c` daemonizes once its listeners are bound.
	run(t, "dovecot", "-c", conf)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: dovecot not listening on %s after restart: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dovecotChildren returns the PIDs of the children of the master whose PID
// is in pidFile (Linux /proc only; nil elsewhere or on error).
func dovecotChildren(pidFile string) []int {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return nil
	}
	master, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return nil
	}
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the ")" that ends the command name: state ppid ...
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(master) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killLeftovers sends SIGTERM to those pids that are still Dovecot
// processes (checked via /proc/PID/exe against PID reuse) and waits up to
// 3 s for them to exit, then SIGKILLs them.
func killLeftovers(pids []int) {
	var alive []int
	for _, pid := range pids {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || !(strings.HasPrefix(exe, "/usr/lib/dovecot/") || strings.HasSuffix(exe, "/dovecot")) {
			continue
		}
		if signal(pid, syscall.SIGTERM) == nil {
			alive = append(alive, pid)
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for len(alive) > 0 {
		var still []int
		for _, pid := range alive {
			if signal(pid, syscall.Signal(0)) == nil {
				still = append(still, pid)
			}
		}
		alive = still
		if time.Now().After(deadline) {
			for _, pid := range alive {
				_ = signal(pid, syscall.SIGKILL)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// IsolatedDialer returns a dialer whose connections come from a random
// loopback source address (127.x.y.z, all routed to lo on Linux).
//
// Use it for connections that deliberately fail authentication: Dovecot
// penalises the client IP after a failed login and delays the next login
// from that IP by 2-15 s, which would otherwise slow down every test using
// 127.0.0.1 afterwards.
func IsolatedDialer() *net.Dialer {
	var b [3]byte
	_, _ = rand.Read(b[:])
	ip := net.IPv4(127, b[0], b[1], b[2]|1) // never .0
	if ip.Equal(net.IPv4(127, 0, 0, 1)) {
		ip = net.IPv4(127, 0, 0, 3)
	}
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
}

// signal sends sig to pid (portable spelling of kill(2), so the package
// still compiles on Windows, where the harness is not available anyway).
func signal(pid int, sig os.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Signal(sig)
}

// run runs a command that may leave daemons behind. Output goes to a file,
// not a pipe: a daemon inheriting a pipe would make CombinedOutput block
// until the daemon exits.
func run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	defer out.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		b, _ := os.ReadFile(out.Name())
		t.Fatalf("testenv: %s %s: %v\n%s", name, strings.Join(args, " "), err, b)
	}
}

// IMAPClient dials the plaintext IMAP listener, logs in and registers a
// cleanup that logs out. opts may be nil.
func IMAPClient(t testing.TB, user, pass string, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(IMAP(t), opts)
	if err != nil {
		t.Fatalf("testenv: dial IMAP: %v", err)
	}
	t.Cleanup(func() {
		_ = c.Logout().Wait()
		_ = c.Close()
	})
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatalf("testenv: IMAP login as %s: %v", user, err)
	}
	return c
}

// LMTPDeliver delivers msg to rcpt through the LMTP server at addr (usually
// [LMTP](t)), bypassing Postfix. Delivery is synchronous: when it returns the
// message is in the recipient's INBOX.
func LMTPDeliver(t testing.TB, addr, rcpt string, msg []byte) {
	t.Helper()
	if err := lmtpDeliver(addr, rcpt, msg); err != nil {
		t.Fatalf("testenv: LMTP delivery to %s via %s: %v", rcpt, addr, err)
	}
}

func lmtpDeliver(addr, rcpt string, msg []byte) error {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	c := smtp.NewClientLMTP(conn)
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("LHLO: %w", err)
	}
	if err := c.Mail("harness@example.test", nil); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA write: %w", err)
	}
	// LMTP answers DATA once per recipient; CloseWithLMTPResponse fails if
	// any recipient was rejected.
	if _, err := w.CloseWithLMTPResponse(); err != nil {
		return fmt.Errorf("DATA end: %w", err)
	}
	return c.Quit()
}

// NewMessage builds a minimal RFC 5322 message with CRLF line endings and a
// unique Message-ID, which it also returns (without angle brackets) so tests
// can find the message again, e.g. with an IMAP SEARCH HEADER Message-ID.
func NewMessage(from, to, subject, body string) (msg []byte, messageID string) {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	messageID = hex.EncodeToString(rnd[:]) + "@harness.example.test"
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", messageID)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\r\n")
	}
	return b.Bytes(), messageID
}

package mailbox

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// BenchmarkDovecotSync is the product's sync against a real Dovecot, as
// scripts/bench-sync.sh sets it up (seeded Maildir, OpenSSL-made S/MIME
// mail): an initial sync of one folder into a fresh profile (SQLite store,
// in-memory keychain holding Bob's key, the security engines processing
// every new mail), then no-change resyncs. Run it with -benchtime 1x; the
// figures are custom metrics:
//
//	initial-s, msgs/s       the initial sync (SyncOnce, everything processed)
//	peak-RSS-MB             VmHWM after the initial sync
//	resync-first-ms         the first no-change pass after it
//	resync-median-ms, -max  over SEALDESK_BENCH_SYNC_RESYNCS further passes
//
// Environment: SEALDESK_TEST_IMAP_ADDR, SEALDESK_TEST_MAIL_USER and
// _PASSWORD (scripts/services.sh); SEALDESK_BENCH_SYNC_PKI (ca.crt, bob.crt,
// bob.key); SEALDESK_BENCH_SYNC_FOLDER (default INBOX; another folder is
// synced instead of INBOX, beside Sent as always); SEALDESK_BENCH_SYNC_N,
// the number of mails seeded there.
func BenchmarkDovecotSync(b *testing.B) {
	addr, pki := os.Getenv("SEALDESK_TEST_IMAP_ADDR"), os.Getenv("SEALDESK_BENCH_SYNC_PKI")
	if addr == "" || pki == "" {
		b.Skip("SEALDESK_TEST_IMAP_ADDR or SEALDESK_BENCH_SYNC_PKI unset: run scripts/bench-sync.sh (make bench)")
	}
	want, err := strconv.Atoi(os.Getenv("SEALDESK_BENCH_SYNC_N"))
	if err != nil {
		b.Fatalf("SEALDESK_BENCH_SYNC_N: %v", err)
	}
	folder := cmp.Or(os.Getenv("SEALDESK_BENCH_SYNC_FOLDER"), "INBOX")
	resyncs, _ := strconv.Atoi(cmp.Or(os.Getenv("SEALDESK_BENCH_SYNC_RESYNCS"), "9"))
	ctx := context.Background()

	p, err := profile.Open(ctx, profile.Options{Dir: b.TempDir(), Keychain: keystore.NewMemory(0)})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	sec := security.New(p, security.Options{})
	for _, f := range []string{"ca.crt", "bob.crt"} {
		data, err := os.ReadFile(filepath.Join(pki, f))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sec.Certificates.Import(ctx, security.Input{Name: f, Data: data}); err != nil {
			b.Fatal(err)
		}
	}
	key, err := os.ReadFile(filepath.Join(pki, "bob.key"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sec.Certificates.ImportKey(ctx, key, nil); err != nil {
		b.Fatal(err)
	}
	s := New(p, sec)
	if _, err := s.SaveAccount(ctx, AccountInput{Name: "bench", IMAP: addr, IMAPTLS: "none",
		Username: os.Getenv("SEALDESK_TEST_MAIL_USER"), Password: []byte(os.Getenv("SEALDESK_TEST_MAIL_PASSWORD")),
		// The mail sync beside mbsync, which has no team desk: the first
		// team pass (a number claim per ticket) is measured on its own
		// with SEALDESK_BENCH_TEAM=1 and by BenchmarkTeamNoChange.
		NoTeam: os.Getenv("SEALDESK_BENCH_TEAM") != "1"}); err != nil {
		b.Fatal(err)
	}
	var opt SyncOptions
	if folder != "INBOX" {
		opt.Engine.SkipInbox = true
		opt.Engine.Mailboxes = []string{folder}
	}

	b.ResetTimer()
	start := time.Now()
	sum, err := s.SyncOnce(ctx, "bench", opt)
	initial := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	hwm := vmHWM(b)
	if sum.New() != want || sum.Processed != want || sum.Failed != 0 {
		b.Fatalf("initial sync: %d new, %d processed, %d failed; want %d", sum.New(), sum.Processed, sum.Failed, want)
	}
	// The security work was done, and done right: every fifth mail is
	// S/MIME, and none of them failed.
	states := map[string]int{}
	rows, err := p.Store.DB().QueryContext(ctx, `SELECT COALESCE(security_state, ''), COUNT(*) FROM articles GROUP BY 1`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			b.Fatal(err)
		}
		states[st] = n
	}
	rows.Close()
	b.Logf("initial sync of %d mails in %s: %s", want, folder, fmt.Sprint(states))
	if states[store.SecurityFailed] != 0 || states[store.SecuritySigned]+states[store.SecurityEncrypted] != want/5 {
		b.Fatalf("security states %v: want %d S/MIME mails verified or decrypted, none failed", states, want/5)
	}

	timeResync := func() time.Duration {
		start := time.Now()
		sum, err := s.SyncOnce(ctx, "bench", opt)
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if sum.New() != 0 || sum.Processed != 0 {
			b.Fatalf("no-change resync: %+v", sum)
		}
		return d
	}
	first := timeResync()
	var rs []time.Duration
	for range resyncs {
		rs = append(rs, timeResync())
	}
	slices.Sort(rs)
	b.StopTimer()

	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(initial.Seconds(), "initial-s")
	b.ReportMetric(float64(want)/initial.Seconds(), "msgs/s")
	b.ReportMetric(float64(hwm)/1024, "peak-RSS-MB")
	b.ReportMetric(ms(first), "resync-first-ms")
	if len(rs) > 0 {
		b.ReportMetric(ms(rs[len(rs)/2]), "resync-median-ms")
		b.ReportMetric(ms(rs[len(rs)-1]), "resync-max-ms")
	}
}

// vmHWM is the process's peak resident set size in KiB (Linux).
func vmHWM(b *testing.B) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

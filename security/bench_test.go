package security

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/profile"
)

// The S/MIME benchmarks run over mails and keys that OpenSSL made, so the
// figures sit beside `openssl cms` on the very same input: scripts/bench.sh
// makes them and sets SEALDESK_BENCH_SMIME to their directory. Each of its
// subdirectories (rsa2048, p256) holds ca.crt, bob.crt, bob.key (we are Bob)
// and signed.eml, encrypted.eml, signed+encrypted.eml from Alice.

var benchKinds = []string{"signed", "encrypted", "signed+encrypted"}

func benchService(b *testing.B, dir string) *Service {
	b.Helper()
	ctx := context.Background()
	// The in-memory keychain keeps a D-Bus round trip out of the figure:
	// the figure is the security pipeline, not the Secret Service.
	p, err := profile.Open(ctx, profile.Options{Dir: b.TempDir(), Keychain: keystore.NewMemory(0)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	svc := New(p, Options{})
	for _, f := range []string{"ca.crt", "bob.crt"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Certificates.Import(ctx, Input{Name: f, Data: data}); err != nil {
			b.Fatal(err)
		}
	}
	key, err := os.ReadFile(filepath.Join(dir, "bob.key"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Certificates.ImportKey(ctx, key, nil); err != nil {
		b.Fatal(err)
	}
	return svc
}

func benchDirs(b *testing.B) map[string]string {
	root := os.Getenv("SEALDESK_BENCH_SMIME")
	if root == "" {
		b.Skip("SEALDESK_BENCH_SMIME unset: run `make bench`, which makes the mails with OpenSSL")
	}
	return map[string]string{"rsa2048": filepath.Join(root, "rsa2048"), "p256": filepath.Join(root, "p256")}
}

func benchMail(b *testing.B, dir, kind string) []byte {
	raw, err := os.ReadFile(filepath.Join(dir, kind+".eml"))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkSMIMEInspect is the whole incoming pipeline per mail: keyring
// snapshot from SQLite, private key from the keychain, the S/MIME engine,
// the article written back with its sealed content, and the security log.
func BenchmarkSMIMEInspect(b *testing.B) {
	for alg, dir := range benchDirs(b) {
		svc := benchService(b, dir)
		for _, kind := range benchKinds {
			raw := benchMail(b, dir, kind)
			b.Run(alg+"/"+kind, func(b *testing.B) { benchInspect(b, svc, raw, "S/MIME") })
		}
	}
}

// benchInspect inspects raw once to check it processes cleanly as tech,
// then again and again: the steady state of re-processing a stored article.
func benchInspect(b *testing.B, svc *Service, raw []byte, tech string) {
	ctx := context.Background()
	in, err := svc.Processing.Inspect(ctx, raw, InspectOptions{})
	if err != nil || in.Security.Failed() || string(in.Security.Type) != tech {
		b.Fatalf("the benchmark mail does not process cleanly as %s: %v %+v", tech, err, in.Security)
	}
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := svc.Processing.Inspect(ctx, raw, InspectOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuPerOp reports, beside ns/op, the CPU time the process used per
// operation (cpu-ns/op: every goroutine and the garbage collector
// included). On a machine shared with other work the wall clock also
// counts the time the benchmark waited for a core; the CPU time does not,
// so ratios of it are steadier. Call it right before the timed loop and
// the function it returns right after it.
func cpuPerOp(b *testing.B) func() {
	var c cpuClock
	c.start()
	return func() {
		c.stop()
		c.report(b)
	}
}

// cpuClock adds up the process's CPU time over the stretches between
// start and stop, for a benchmark that stops its timer for a while.
type cpuClock struct{ since, used time.Duration }

func (c *cpuClock) start() { c.since = processCPU() }

func (c *cpuClock) stop() { c.used += processCPU() - c.since }

func (c *cpuClock) report(b *testing.B) {
	if processCPU() > 0 && b.N > 0 {
		b.ReportMetric(float64(c.used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkSMIMEEngine is the S/MIME engine alone over the same mails, to
// show what the store and log add.
func BenchmarkSMIMEEngine(b *testing.B) {
	ctx := context.Background()
	for alg, dir := range benchDirs(b) {
		svc := benchService(b, dir)
		kr, err := svc.Certificates.Keyring(ctx)
		if err != nil {
			b.Fatal(err)
		}
		engine := smime.NewEngine(kr)
		for _, kind := range benchKinds {
			raw := benchMail(b, dir, kind)
			b.Run(alg+"/"+kind, func(b *testing.B) {
				for b.Loop() {
					p, err := engine.Process(raw, smime.ProcessOptions{})
					if err != nil || p.Result.Failed() {
						b.Fatalf("%v %+v", err, p.Result)
					}
				}
			})
		}
		kr.Release()
	}
}

// BenchmarkRSA2048PrivateOp is the reference the S/MIME goal is stated in:
// one RSA-2048 private-key operation in Go's crypto/rsa (the library the
// engine uses), printed beside OpenSSL's by scripts/bench.sh.
func BenchmarkRSA2048PrivateOp(b *testing.B) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, &k.PublicKey, make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := rsa.DecryptPKCS1v15(nil, k, ct); err != nil {
			b.Fatal(err)
		}
	}
}

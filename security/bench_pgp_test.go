package security

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// The OpenPGP benchmarks run over keys and PGP/MIME mails that GnuPG made
// (scripts/bench-pgp.sh, which sets SEALDESK_BENCH_PGP). Each subdirectory
// (ed25519, rsa3072) holds alice.pub.asc, bob.sec.asc (we are Bob), the
// mails signed.eml, encrypted.eml, signed+encrypted.eml, and their bare
// OpenPGP payloads (signed.content + signed.sig.asc, *.asc) for the
// gopenpgp baseline.

func pgpBenchDirs(b *testing.B) map[string]string {
	root := os.Getenv("SEALDESK_BENCH_PGP")
	if root == "" {
		b.Skip("SEALDESK_BENCH_PGP unset: run `make bench`, which makes the mails with GnuPG")
	}
	return map[string]string{"ed25519": filepath.Join(root, "ed25519"), "rsa3072": filepath.Join(root, "rsa3072")}
}

func pgpBenchService(b *testing.B, dir string) *Service {
	b.Helper()
	ctx := context.Background()
	p, err := profile.Open(ctx, profile.Options{Dir: b.TempDir(), Keychain: keystore.NewMemory(0)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	svc := New(p, Options{})
	var inputs []Input
	for _, f := range []string{"alice.pub.asc", "bob.sec.asc"} {
		inputs = append(inputs, Input{Name: f, Data: readBench(b, dir, f)})
	}
	if _, err := svc.PGPKeys.Import(ctx, nil, inputs...); err != nil {
		b.Fatal(err)
	}
	return svc
}

func readBench(b *testing.B, dir, name string) []byte {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkPGPInspect is the whole incoming pipeline per mail, as
// BenchmarkSMIMEInspect is for S/MIME.
func BenchmarkPGPInspect(b *testing.B) {
	for alg, dir := range pgpBenchDirs(b) {
		svc := pgpBenchService(b, dir)
		for _, kind := range benchKinds {
			raw := readBench(b, dir, kind+".eml")
			b.Run(alg+"/"+kind, func(b *testing.B) { benchInspect(b, svc, raw, "PGP") })
		}
	}
}

// BenchmarkPGPProcessBatch is the same pipeline as the sync runs it:
// stored articles processed in batches of pgpBatch (ProcessStoredBatch:
// one keyring snapshot, results and log entries written in one
// transaction). ns/op is per article.
func BenchmarkPGPProcessBatch(b *testing.B) {
	ctx := context.Background()
	for alg, dir := range pgpBenchDirs(b) {
		svc := pgpBenchService(b, dir)
		for _, kind := range benchKinds {
			raw := readBench(b, dir, kind+".eml")
			ids := make([]int64, pgpBatch)
			for i := range ids {
				// One mail, one article: each copy is a message of its own.
				eol := "\n"
				if bytes.Contains(raw, []byte("\r\n")) {
					eol = "\r\n"
				}
				copyRaw := append(fmt.Appendf(nil, "X-Bench-Copy: %d%s", i, eol), raw...)
				a, err := svc.Processing.p.Store.InsertArticle(ctx, store.Article{Direction: "in", Raw: copyRaw}, nil)
				if err != nil {
					b.Fatal(err)
				}
				ids[i] = a.ID
			}
			b.Run(alg+"/"+kind, func(b *testing.B) {
				for _, err := range svc.Processing.ProcessStoredBatch(ctx, ids) {
					if err != nil {
						b.Fatal(err)
					}
				}
				if a, _ := svc.Processing.p.Store.Article(ctx, ids[0]); a.Security.Failed() || a.Security.Type != "PGP" {
					b.Fatalf("the benchmark mail does not process cleanly: %+v", a.Security)
				}
				b.ResetTimer()
				for done := 0; done < b.N; done += len(ids) {
					for _, err := range svc.Processing.ProcessStoredBatch(ctx, ids[:min(len(ids), b.N-done)]) {
						if err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

// pgpBatch is the batch size of BenchmarkPGPProcessBatch (the sync's
// workers take up to 32 waiting messages at a time).
const pgpBatch = 32

// BenchmarkPGPEngine is the OpenPGP engine alone over the same mails.
func BenchmarkPGPEngine(b *testing.B) {
	ctx := context.Background()
	for alg, dir := range pgpBenchDirs(b) {
		svc := pgpBenchService(b, dir)
		kr, err := svc.PGPKeys.Keyring(ctx)
		if err != nil {
			b.Fatal(err)
		}
		engine := pgp.NewEngine(kr)
		for _, kind := range benchKinds {
			raw := readBench(b, dir, kind+".eml")
			b.Run(alg+"/"+kind, func(b *testing.B) {
				for b.Loop() {
					p, err := engine.Process(raw, pgp.ProcessOptions{})
					if err != nil || p.Result.Failed() {
						b.Fatalf("%v %+v", err, p.Result)
					}
				}
			})
		}
		kr.Release()
	}
}

// BenchmarkPGPBare is gopenpgp alone on the OpenPGP payloads of the same
// mails, with Bob's key already unlocked: the floor the pipeline is
// measured against (goal: inspect within 2x of it).
func BenchmarkPGPBare(b *testing.B) {
	pg := gcrypto.PGP()
	for alg, dir := range pgpBenchDirs(b) {
		bob, err := gcrypto.NewKeyFromArmored(string(readBench(b, dir, "bob.sec.asc")))
		if err != nil {
			b.Fatal(err)
		}
		alice, err := gcrypto.NewKeyFromArmored(string(readBench(b, dir, "alice.pub.asc")))
		if err != nil {
			b.Fatal(err)
		}
		ours, _ := gcrypto.NewKeyRing(bob)
		theirs, _ := gcrypto.NewKeyRing(alice)
		for _, kind := range benchKinds {
			b.Run(alg+"/"+kind, func(b *testing.B) {
				if kind == "signed" {
					content, sig := readBench(b, dir, "signed.content"), readBench(b, dir, "signed.sig.asc")
					ver, _ := pg.Verify().VerificationKeys(theirs).New()
					for b.Loop() {
						res, err := ver.VerifyDetached(content, sig, gcrypto.Armor)
						if err != nil || res.SignatureError() != nil {
							b.Fatal(err, res.SignatureError())
						}
					}
					return
				}
				payload := readBench(b, dir, kind+".asc")
				dec, _ := pg.Decryption().DecryptionKeys(ours).VerificationKeys(theirs).New()
				for b.Loop() {
					res, err := dec.Decrypt(payload, gcrypto.Armor)
					if err != nil || !bytes.Contains(res.Bytes(), []byte("Tuesdays")) ||
						(kind == "signed+encrypted" && res.SignatureError() != nil) {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

package security

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// BenchmarkPGPProcessBatch is the pipeline as the sync runs it: articles
// just saved, pending, processed pgpBatch at a time with their raw
// messages in hand (ProcessSaved, which mailbox's processor calls: one
// keyring snapshot, results and log entries written in one transaction,
// the tickets' security summary updated by the store's trigger as each
// article stops being pending). ns/op is per article.
func BenchmarkPGPProcessBatch(b *testing.B) { benchPGPBatch(b, false) }

// BenchmarkPGPProcessPending is the same over articles an earlier run left
// pending (ProcessStoredBatch: the batch's raw messages are read from the
// store first, in one query).
func BenchmarkPGPProcessPending(b *testing.B) { benchPGPBatch(b, true) }

func benchPGPBatch(b *testing.B, pending bool) {
	ctx := context.Background()
	for alg, dir := range pgpBenchDirs(b) {
		svc := pgpBenchService(b, dir)
		st := svc.Processing.p.Store
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
				a, err := st.InsertArticle(ctx, store.Article{Direction: "in", Raw: copyRaw}, nil)
				if err != nil {
					b.Fatal(err)
				}
				ids[i] = a.ID
			}
			// What the sync holds for each saved message (mail/sync's
			// SavedMessage), read before the clock runs.
			loaded, err := st.RawArticles(ctx, ids)
			if err != nil {
				b.Fatal(err)
			}
			arts := make([]store.RawArticle, len(ids))
			for i, id := range ids {
				arts[i] = loaded[id]
			}
			list, _ := json.Marshal(ids)
			// The articles as the sync saved them: pending, no verdict.
			// Processing them again would write the same state, which
			// the store's ticket trigger skips.
			unprocess := func() {
				if _, err := st.DB().ExecContext(ctx, `UPDATE articles SET security_pending = 1, security_state = 'none'
				    WHERE id IN (SELECT value FROM json_each(?))`, string(list)); err != nil {
					b.Fatal(err)
				}
			}
			run := func(n int) {
				var errs []error
				if pending {
					errs = svc.Processing.ProcessStoredBatch(ctx, ids[:n])
				} else {
					errs = svc.Processing.ProcessSaved(ctx, arts[:n])
				}
				for _, err := range errs {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.Run(alg+"/"+kind, func(b *testing.B) {
				unprocess()
				run(len(ids))
				if a, _ := st.Article(ctx, ids[0]); a.Security.Failed() || a.Security.Type != "PGP" {
					b.Fatalf("the benchmark mail does not process cleanly: %+v", a.Security)
				}
				if left, err := st.PendingArticles(ctx); err != nil || slices.Contains(left, ids[0]) {
					b.Fatalf("the benchmark article is still pending (%v)", err)
				}
				var cpu cpuClock
				b.ResetTimer()
				for done := 0; done < b.N; done += len(ids) {
					b.StopTimer()
					unprocess()
					b.StartTimer()
					cpu.start()
					run(min(len(ids), b.N-done))
					cpu.stop()
				}
				b.StopTimer()
				cpu.report(b)
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
				defer cpuPerOp(b)()
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
					defer cpuPerOp(b)()
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
				defer cpuPerOp(b)()
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

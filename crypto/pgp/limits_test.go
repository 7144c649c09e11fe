package pgp

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// bombSize is what the issue measured: about 450 KB of mail that
// decompresses to 250 MB.
const bombSize = 250 << 20

var (
	bombOnce sync.Once
	bombMsg  []byte
)

// compressionBomb is an OpenPGP message to k of size zero bytes,
// ZLIB-compressed at level 9 (about a thousandfold), armored.
func compressionBomb(t testing.TB, k *Key, size int) []byte {
	t.Helper()
	var bin bytes.Buffer
	cfg := &packet.Config{DefaultCompressionAlgo: packet.CompressionZLIB,
		CompressionConfig: &packet.CompressionConfig{Level: 9}, Time: func() time.Time { return gpgTime }}
	w, err := openpgp.Encrypt(&bin, []*openpgp.Entity{k.entity()}, nil, nil, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for n := 0; n < size; n += len(zero) {
		if _, err := w.Write(zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := armorEncode(armorMessage, bin.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func bomb(t testing.TB) []byte {
	fx := getFixture(t)
	bombOnce.Do(func() {
		bombMsg = pgpMIMEEncrypted(samAddr, samAddr, "bomb", compressionBomb(t, fx.sam, bombSize))
	})
	return bombMsg
}

// heapPeak runs f and returns the most heap in use while it ran (sampled
// every millisecond) above what was in use before, and the bytes it
// allocated in all.
func heapPeak(f func()) (peak, total uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	var max uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > max {
				max = m.HeapAlloc
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if max < before.HeapAlloc {
		max = before.HeapAlloc
	}
	return max - before.HeapAlloc, after.TotalAlloc - before.TotalAlloc
}

// TestDecompressionBomb: a message of a few hundred KB that decompresses
// to 250 MB is refused at the size budget, as TooLarge, with bounded
// memory.
func TestDecompressionBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 250 MB")
	}
	fx := getFixture(t)
	raw := bomb(t)
	kr := NewMemoryKeyring()
	if err := kr.AddSecret(fx.sam, []byte(samPass)); err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(kr)
	// Unlock once outside the measurement.
	if _, err := kr.UnlockSecretKey(fx.sam.Fingerprint); err != nil {
		t.Fatal(err)
	}
	var p *Processed
	var err error
	peak, total := heapPeak(func() { p, err = eng.Process(raw, ProcessOptions{Now: testNow}) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bomb: %d KB of mail, %d MiB once decompressed: heap peak +%d MiB, %d MiB allocated",
		len(raw)>>10, bombSize>>20, peak>>20, total>>20)
	enc := p.Result.Encryption
	if !p.Result.Encrypted || enc.Success || enc.Failure != verdict.DecryptTooLarge || p.Entity != nil || p.Text != "" {
		t.Fatalf("result %+v, entity %d bytes", p.Result, len(p.Entity))
	}
	// The budget and its buffer's doubling (see Budget.ReadAll), plus
	// the decompressor's window: well below the 250 MB the message
	// expands to (the 256 MiB cap before cost 450 MiB at the peak).
	if limit := uint64(2*verdict.MaxMessageSize + 16<<20); total > limit || peak > limit {
		t.Errorf("allocated %d MiB, peak %d MiB: want at most %d MiB", total>>20, peak>>20, limit>>20)
	}
}

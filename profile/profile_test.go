package profile

import (
	"context"
	"errors"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/keystore"
)

func TestOpenTwoProfilesKeepSecretsApart(t *testing.T) {
	ctx := context.Background()
	kc := keystore.NewMemory(keystore.WindowsItemLimit)
	a, err := Open(ctx, Options{Dir: t.TempDir(), Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, Options{Dir: t.TempDir(), Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Keys.Service() == b.Keys.Service() {
		t.Fatal("two data directories share a keychain namespace")
	}
	if err := a.KeychainStatus(); err != nil {
		t.Fatal(err)
	}
	sa, _ := a.Sealer()
	ct, _ := sa.Seal([]byte("x"), nil)
	sb, _ := b.Sealer()
	if _, err := sb.Open(ct, nil); !errors.Is(err, keystore.ErrSealedDamaged) {
		t.Fatalf("profile b opened profile a's sealed data: %v", err)
	}
}

func TestKeychainUnavailableIsReportedNotFatal(t *testing.T) {
	ctx := context.Background()
	kc := keystore.NewMemory(0)
	p, err := Open(ctx, Options{Dir: t.TempDir(), Keychain: kc})
	if err != nil {
		t.Fatalf("a profile must open without a keychain: %v", err)
	}
	defer p.Close()
	kc.FailAfter = 1 // the store key's first write fails
	if err := p.KeychainStatus(); !errors.Is(err, keystore.ErrUnavailable) {
		t.Fatalf("status = %v, want ErrUnavailable", err)
	}
	if err := p.KeychainStatus(); err != nil {
		t.Fatalf("status after the keychain came back: %v", err)
	}
}

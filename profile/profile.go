// Package profile opens one SealDesk profile — a data directory with its
// database, and the keychain items namespaced to it — for the desktop app
// and for sealctl alike, so both run over exactly the same packages.
//
// Opening a profile does not need the keychain: the app still starts, and
// says how to fix it, when no keychain is reachable. Operations that need a
// secret fail with keystore.ErrUnavailable until it is.
package profile

import (
	"context"
	"fmt"
	"sync"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/store"
)

// Options says where a profile lives. Nil Keychain means the OS keychain.
type Options struct {
	// Dir is the data directory; empty resolves it as store.ResolveDir does.
	Dir      string
	Keychain keystore.Backend
}

// Profile is an open profile. It is safe for concurrent use.
type Profile struct {
	Store *store.Store
	Keys  *keystore.Store

	sealerOnce sync.Mutex
	sealer     *keystore.Sealer
}

// Open opens the profile's database and its keychain namespace.
func Open(ctx context.Context, opts Options) (*Profile, error) {
	dir, err := store.ResolveDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	id, err := st.ProfileID(ctx)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("profile: reading the profile id: %w", err)
	}
	backend := opts.Keychain
	if backend == nil {
		backend = keystore.NewOS(0)
	}
	return &Profile{Store: st, Keys: keystore.New(backend, id)}, nil
}

// Close closes the database.
func (p *Profile) Close() error { return p.Store.Close() }

// Sealer returns the store-key sealer, loading (or on first use creating)
// the store key from the keychain. It is retried on every call until it
// succeeds, so unlocking the keychain later needs no restart.
func (p *Profile) Sealer() (*keystore.Sealer, error) {
	p.sealerOnce.Lock()
	defer p.sealerOnce.Unlock()
	if p.sealer != nil {
		return p.sealer, nil
	}
	s, err := keystore.OpenSealer(p.Keys)
	if err != nil {
		return nil, err
	}
	p.sealer = s
	return s, nil
}

// KeychainStatus reports whether the keychain is usable: nil, or an error
// that says what is wrong and how to fix it.
func (p *Profile) KeychainStatus() error {
	if err := p.Keys.Check(); err != nil {
		return err
	}
	_, err := p.Sealer()
	return err
}

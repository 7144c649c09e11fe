package security

import (
	"context"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// Options tunes a Service. The zero value is what the app and sealctl use.
type Options struct {
	// Now is the clock certificates are judged by; nil means time.Now.
	Now func() time.Time
	// KDFIterations is the PBKDF2 count of exported private keys; 0 means
	// DefaultKDFIterations. Tests lower it: each iteration is paid again
	// on every import of the exported file.
	KDFIterations int
	// PGPUnlockTTL is how long an unlocked OpenPGP secret key stays in
	// memory after its last use; 0 means DefaultUnlockTTL, negative means
	// not at all (every operation unlocks again, which costs an S2K
	// derivation each time).
	PGPUnlockTTL time.Duration
}

// Service is the security use cases of one profile, cut by concern. Each
// part is safe for concurrent use: every operation loads its own keyring
// snapshot. The parts share one deps (the profile, the clock, the caches
// and the engines), so a key locked or deleted through one is locked for
// all: build one Service per profile and hand each caller the parts it
// needs.
type Service struct {
	// Certificates is the S/MIME inventory: import, export, trust, delete.
	Certificates *Certificates
	// PGPKeys is the OpenPGP inventory.
	PGPKeys *PGPKeys
	// FoundKeys are the keys and certificates found in mail, waiting for
	// an agent's decision.
	FoundKeys *FoundKeys
	// Processing runs the engines over received mail: inspect, retry,
	// the sync's batches, and the article view.
	Processing *Processing
	// Sealing signs and encrypts outgoing mail and says beforehand
	// whether it can (readiness).
	Sealing *Sealing
}

// New returns the use cases over an open profile.
func New(p *profile.Profile, opts Options) *Service {
	d := &deps{p: p, now: opts.Now, iter: opts.KDFIterations, unlocked: newUnlockCache(opts.PGPUnlockTTL), parsed: newParseCache()}
	if d.now == nil {
		d.now = time.Now
	}
	if d.iter <= 0 {
		d.iter = DefaultKDFIterations
	}
	s := &Service{
		Certificates: &Certificates{deps: d},
		PGPKeys:      &PGPKeys{deps: d},
		FoundKeys:    &FoundKeys{deps: d},
		Processing:   &Processing{deps: d},
		Sealing:      &Sealing{deps: d},
	}
	// Who calls whom across concerns, said once: an import re-runs the
	// failed articles, accepting a found key imports it, processing
	// proposes the keys a message carries.
	s.Certificates.proc, s.Certificates.found = s.Processing, s.FoundKeys
	s.PGPKeys.proc = s.Processing
	s.FoundKeys.certs, s.FoundKeys.pgp = s.Certificates, s.PGPKeys
	s.Processing.found = s.FoundKeys
	// The order is the order processing asks the engines whether they
	// claim a layer (see Engine and keySet.walk): S/MIME's detection is
	// the strictest, and OpenPGP claims every layer, plain mail included,
	// so it comes last.
	d.engines = []Engine{&smimeEngine{d: d}, &pgpEngine{d: d}}
	return s
}

// deps are what every concern shares: the profile (store, keychain, store
// key), the clock, the caches of parsed and unlocked keys, the security
// log and the engines.
type deps struct {
	p    *profile.Profile
	now  func() time.Time
	iter int
	// unlocked holds OpenPGP secret keys unlocked by recent operations.
	unlocked *unlockCache
	// parsed keeps parsed certificates and public keys across operations.
	parsed *parseCache
	// engines in the order they are asked to claim a layer.
	engines []Engine
}

// engine is the engine of tech, nil when there is none.
func (d *deps) engine(tech verdict.Technology) Engine {
	for _, e := range d.engines {
		if e.Technology() == tech {
			return e
		}
	}
	return nil
}

// log appends one entry to the security log. A log write failing does not
// fail the operation it records.
func (d *deps) log(ctx context.Context, tech verdict.Technology, e store.LogEntry) {
	e.Technology = string(tech)
	_, _ = d.p.Store.AppendLog(ctx, e)
}

// openContent is the article's decrypted entity from the sealed cache,
// nil when there is none or it cannot be opened.
func (d *deps) openContent(a store.Article) []byte {
	if len(a.SealedContent) == 0 {
		return nil
	}
	sealer, err := d.p.Sealer()
	if err != nil {
		return nil
	}
	b, err := sealer.Open(a.SealedContent, ArticleAAD(a.ID))
	if err != nil {
		return nil
	}
	return b
}

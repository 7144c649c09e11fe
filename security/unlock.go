package security

import (
	"sync"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
)

// DefaultUnlockTTL is how long an unlocked OpenPGP secret key is kept
// after its last use. Unlocking runs the key's S2K derivation, which GnuPG
// calibrates to take about 100 ms, far more than processing a message
// (README, Benchmarks): unlocked keys are kept. Ten idle minutes cover
// a sync or a re-check of many articles and an agent's session at a ticket,
// and bound how long the key sits in memory after the agent stopped.
const DefaultUnlockTTL = 10 * time.Minute

// unlockCache keeps unlocked OpenPGP secret keys of one Service. Entries
// are reference-counted by the keyrings using them: a key that is locked
// (deleted, replaced, idle too long) while an operation still uses it is
// wiped only when that operation releases it, so no operation ever sees
// its key zeroed under it and no lock waits for one.
type unlockCache struct {
	ttl time.Duration

	mu        sync.Mutex
	entries   map[string]*unlocked
	scheduled bool
}

type unlocked struct {
	fp       string
	key      *pgp.Key
	users    int
	lastUsed time.Time
	dead     bool // locked: wiped when the last user releases it
}

func newUnlockCache(ttl time.Duration) *unlockCache {
	if ttl == 0 {
		ttl = DefaultUnlockTTL
	}
	return &unlockCache{ttl: ttl, entries: map[string]*unlocked{}}
}

// acquire returns the unlocked key for fp, counting one more user, or nil.
func (c *unlockCache) acquire(fp string) *unlocked {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[fp]
	if e == nil {
		return nil
	}
	e.users++
	e.lastUsed = time.Now()
	return e
}

// add stores a key just unlocked, counting its first user. If another
// operation unlocked the same key meanwhile, that copy wins and k is wiped.
func (c *unlockCache) add(fp string, k *pgp.Key) *unlocked {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[fp]; e != nil {
		e.users++
		e.lastUsed = time.Now()
		k.Wipe()
		return e
	}
	e := &unlocked{fp: fp, key: k, users: 1, lastUsed: time.Now()}
	c.entries[fp] = e
	if c.ttl > 0 && !c.scheduled {
		c.scheduled = true
		time.AfterFunc(c.ttl, c.sweep)
	}
	return e
}

// release ends one user's use of an entry.
func (c *unlockCache) release(e *unlocked) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.users--
	switch {
	case e.users > 0:
	case e.dead:
		e.key.Wipe()
	case c.ttl < 0:
		c.retire(e)
	}
}

// lock forgets the unlocked keys of fps (all when none are named): later
// operations unlock again, current ones finish with what they hold.
func (c *unlockCache) lock(fps ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(fps) == 0 {
		for fp := range c.entries {
			fps = append(fps, fp)
		}
	}
	for _, fp := range fps {
		if e := c.entries[fp]; e != nil {
			c.retire(e)
		}
	}
}

// sweep locks the keys idle for ttl and reschedules itself while keys
// remain.
func (c *unlockCache) sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scheduled = false
	for _, e := range c.entries {
		if time.Since(e.lastUsed) >= c.ttl {
			c.retire(e)
		}
	}
	if len(c.entries) > 0 {
		c.scheduled = true
		time.AfterFunc(c.ttl, c.sweep)
	}
}

// retire removes an entry from the cache and wipes its key unless an
// operation still uses it; c.mu is held.
func (c *unlockCache) retire(e *unlocked) {
	if c.entries[e.fp] == e {
		delete(c.entries, e.fp)
	}
	e.dead = true
	if e.users <= 0 {
		e.key.Wipe()
	}
}

// held is the number of unlocked keys in memory, for tests.
func (c *unlockCache) held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

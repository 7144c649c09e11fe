package security

import (
	"context"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/store"
)

// Integrations says which technologies are switched on in Settings
// (Zammad's System > Integrations switches).
type Integrations struct {
	SMIME bool
	PGP   bool
}

// ErrSwitchedOff is returned when an outgoing operation asks for a
// technology that is switched off; it wraps into a message that says so.
var ErrSwitchedOff = errors.New("security: switched off")

// Integrations reads the switches.
func (s *deps) Integrations(ctx context.Context) (Integrations, error) {
	var on Integrations
	var err error
	if on.SMIME, err = s.p.Store.BoolSetting(ctx, store.SettingSMIMEEnabled); err != nil {
		return on, err
	}
	on.PGP, err = s.p.Store.BoolSetting(ctx, store.SettingPGPEnabled)
	return on, err
}

// requireOn fails with a message a person can act on when tech is off.
func (s *deps) requireOn(ctx context.Context, e Engine) error {
	on, err := s.Integrations(ctx)
	if err != nil {
		return err
	}
	if !e.Enabled(on) {
		return fmt.Errorf("%w: %s is switched off in Settings > Integrations: switch it on to sign or encrypt with it", ErrSwitchedOff, e.Technology())
	}
	return nil
}

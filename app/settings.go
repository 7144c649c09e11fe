package app

import (
	"context"
	"strconv"

	"github.com/sealdesk/sealdesk/internal/version"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// KeychainStatus tells the UI whether secrets can be stored, and if not,
// what to do about it.
type KeychainStatus struct {
	OK      bool   `json:"ok"`
	Service string `json:"service"`
	Message string `json:"message"`
}

// SettingsView is everything the Settings screen shows.
type SettingsView struct {
	SMIMEEnabled     bool `json:"smime_enabled"`
	PGPEnabled       bool `json:"pgp_enabled"`
	TrustSystemRoots bool `json:"trust_system_roots"`
	SMIMEAESGCM      bool `json:"smime_aes_gcm"`
	// TeamAutoAcceptKeys: accept a team member's plain addition (a leaf
	// S/MIME certificate a locally trusted CA vouches for, for an address
	// with no certificate yet) without asking; off by default.
	TeamAutoAcceptKeys bool           `json:"team_auto_accept_keys"`
	DataDir            string         `json:"data_dir"`
	Version            string         `json:"version"`
	Keychain           KeychainStatus `json:"keychain"`
	// AgentName and AgentAddress are this laptop's agent identity on the
	// team desk (SetAgent); empty until set.
	AgentName    string `json:"agent_name"`
	AgentAddress string `json:"agent_address"`
}

// UpdateIntegrationsRequest switches integrations; nil fields stay as they are.
type UpdateIntegrationsRequest struct {
	SMIMEEnabled       *bool `json:"smime_enabled,omitempty"`
	PGPEnabled         *bool `json:"pgp_enabled,omitempty"`
	TrustSystemRoots   *bool `json:"trust_system_roots,omitempty"`
	SMIMEAESGCM        *bool `json:"smime_aes_gcm,omitempty"`
	TeamAutoAcceptKeys *bool `json:"team_auto_accept_keys,omitempty"`
}

// Settings is the bound service behind the Settings and About screens.
type Settings struct {
	p    *profile.Profile
	sec  *security.Processing
	mb   *mailbox.Service
	emit Emitter
}

// Get returns the current settings.
func (s *Settings) Get() (SettingsView, error) {
	ctx := context.Background()
	v := SettingsView{DataDir: s.p.Store.Dir(), Version: version.String(), Keychain: s.keychain()}
	for key, dst := range map[string]*bool{
		store.SettingSMIMEEnabled:       &v.SMIMEEnabled,
		store.SettingPGPEnabled:         &v.PGPEnabled,
		store.SettingTrustSystemRoots:   &v.TrustSystemRoots,
		store.SettingSMIMEAESGCM:        &v.SMIMEAESGCM,
		store.SettingTeamAutoAcceptKeys: &v.TeamAutoAcceptKeys,
	} {
		b, err := s.p.Store.BoolSetting(ctx, key)
		if err != nil {
			return v, err
		}
		*dst = b
	}
	me := myAgent(ctx, s.p.Store)
	v.AgentName, v.AgentAddress = me.Name, me.Address
	return v, nil
}

// UpdateIntegrations changes integration switches and returns the result.
func (s *Settings) UpdateIntegrations(req UpdateIntegrationsRequest) (SettingsView, error) {
	ctx := context.Background()
	for key, val := range map[string]*bool{
		store.SettingSMIMEEnabled:       req.SMIMEEnabled,
		store.SettingPGPEnabled:         req.PGPEnabled,
		store.SettingTrustSystemRoots:   req.TrustSystemRoots,
		store.SettingSMIMEAESGCM:        req.SMIMEAESGCM,
		store.SettingTeamAutoAcceptKeys: req.TeamAutoAcceptKeys,
	} {
		if val == nil {
			continue
		}
		if err := s.p.Store.SetSetting(ctx, key, strconv.FormatBool(*val)); err != nil {
			return SettingsView{}, err
		}
	}
	v, err := s.Get()
	if err != nil {
		return v, err
	}
	s.emit.Emit(EventSettingsChanged, v)
	// Switching a technology on (or trusting more CAs) can fix articles
	// that failed while it was off: check them again, as after an import.
	if isTrue(req.SMIMEEnabled) || isTrue(req.PGPEnabled) || isTrue(req.TrustSystemRoots) {
		changed, err := s.sec.RecheckFailed(ctx)
		if err != nil {
			return v, err
		}
		if changed > 0 {
			s.emit.Emit(EventArticlesRechecked, ArticlesRechecked{Changed: changed})
		}
	}
	return v, nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// CheckKeychain probes the keychain again (after the user unlocked it) and
// publishes the result.
func (s *Settings) CheckKeychain() (KeychainStatus, error) {
	st := s.keychain()
	s.emit.Emit(EventKeychainStatus, st)
	return st, nil
}

func (s *Settings) keychain() KeychainStatus {
	st := KeychainStatus{OK: true, Service: s.p.Keys.Service()}
	if err := s.p.KeychainStatus(); err != nil {
		st.OK, st.Message = false, err.Error()
	}
	return st
}

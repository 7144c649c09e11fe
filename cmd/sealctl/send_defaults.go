package main

import (
	"bytes"
	"fmt"
	"net/mail"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/thread"
)

// composerDefaults decides, for send --defaults, the technology and
// whether to sign and encrypt exactly as the composer does
// (compose.Composer.Choose): the group of the From address, the
// technology of the stored mail the message answers (In-Reply-To), and
// the flags given on the command line as the agent's own choices. It
// says on stderr what it chose and why. tech is TechNone when --type was
// not given.
func (e *env) composerDefaults(raw []byte, given map[string]bool, sign, encrypt bool, tech verdict.Technology) (verdict.Technology, bool, bool, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return verdict.TechNone, false, false, fmt.Errorf("the message's header does not parse: %w", err)
	}
	s := compose.Situation{Sign: sign, Encrypt: encrypt,
		Chosen: compose.Chosen{Technology: given["type"], Sign: given["sign"], Encrypt: given["encrypt"]}}
	// The one From parser (crypto/sender): anything but one readable
	// address leaves From empty, and the group is then unknown.
	if from, err := sender.Addresses(msg.Header["From"]); err == nil && len(from) == 1 {
		s.From = from[0]
	}
	for _, k := range []string{"To", "Cc", "Bcc"} {
		l, _ := sender.Addresses(msg.Header[k]) // a field that does not parse fails the send itself, with its reason
		s.Recipients = append(s.Recipients, l...)
	}
	if h, err := thread.ParseHeader(raw); err == nil && len(h.InReplyTo) > 0 {
		s.InReplyTo = h.InReplyTo[0]
	}
	s.Technology = tech
	sec := e.security()
	c, err := (&compose.Composer{Store: e.profile.Store, Quoter: sec.Processing, Judge: sec.Sealing}).Choose(e.ctx, s)
	if err != nil {
		return verdict.TechNone, false, false, err
	}
	note := c.TechnologyNote
	if c.TechnologyWhy == compose.WhyChosen {
		note = "as --type says."
	}
	fmt.Fprintf(e.stderr, "sealctl: send --defaults: %s: %s\n", c.Technology, note)
	fmt.Fprintf(e.stderr, "sealctl: send --defaults: %s\n", toggleWhy("sign", c.Sign, given["sign"], c.SignHeld, c.SignNote))
	fmt.Fprintf(e.stderr, "sealctl: send --defaults: %s\n", toggleWhy("encrypt", c.Encrypt, given["encrypt"], c.EncryptHeld, c.EncryptNote))
	return c.Technology, c.Sign, c.Encrypt, nil
}

// toggleWhy says why a toggle is on or off.
func toggleWhy(name string, on, flagged, held bool, note string) string {
	state := name + " off"
	if on {
		state = name + " on"
	}
	switch {
	case flagged:
		return state + ": as --" + name + " says."
	case held:
		return state + ": " + note
	case on:
		return state + ": the group's default."
	}
	return state + ": the group's default (or no group sends from this address)."
}

package team

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"
)

// Version is the record format this SealDesk writes and reads.
const Version = 1

// HeaderName marks a record: "v1 claim".
const HeaderName = "X-SealDesk-Record"

// MaxSize bounds a record; anything larger is not one of ours.
const MaxSize = 64 << 10

// Kind is what a record says.
type Kind string

const (
	// KindClaim: each of Claims (in order): ticket Root gets team number
	// Number. One record carries up to MaxClaims, so a profile joining
	// with thousands of tickets writes tens of records, not thousands.
	KindClaim Kind = "claim"
	// KindState: ticket Root's state becomes State (Until for pending).
	KindState Kind = "state"
	// KindOwner: ticket Root's owner becomes Owner ("" = unassigned).
	KindOwner Kind = "owner"
	// KindAgent: the agent at Address is called Name.
	KindAgent Kind = "agent"
	// KindKey: a public certificate (Format smime: Data is its DER) or
	// OpenPGP public key (Format openpgp: Data is the binary transferable
	// public key) imported on one laptop, for Address (may be "" for a CA
	// certificate), offered to the others under Found in mail, never
	// trusted by the record itself (docs/team.md, the shared key
	// directory). See keyrecord.go.
	KindKey Kind = "key"
	// KindUnkey: the certificate or public key Format/Fingerprint was
	// removed from one laptop's inventory (Address, optional, says whose
	// it was, for a person browsing the folder). A notice, never an
	// order: no laptop removes a key because a record says so
	// (docs/team.md, the shared key directory). See keyrecord.go.
	KindUnkey Kind = "unkey"
	// KindBundle: a passphrase-protected bundle of the helpdesk's own key
	// for a colleague (bundle.go), in a multipart message like an
	// Autocrypt Setup Message. The rules skip it; agents list and import it.
	KindBundle Kind = "bundle"
	// KindReply: the writing agent is about to send an answer to ticket
	// Root, having seen the ticket up to its article Seen (a Message-ID,
	// "" for none) with Articles articles. Of two agents who answer from
	// the same view, the lower UID goes first and the other is stopped
	// before sending (compose.Blocking; docs/team.md, reply claims).
	KindReply Kind = "reply"
)

// Record is one team record. Which fields are set depends on Kind.
type Record struct {
	Kind Kind `json:"-"`
	// MessageID identifies the record message (without angle brackets); a
	// second record with the same one is a repeated write and is ignored.
	MessageID string  `json:"-"`
	Root      string  `json:"root,omitempty"`
	Claims    []Claim `json:"claims,omitempty"`
	State     string  `json:"state,omitempty"`
	// Until is a pending ticket's reminder date, YYYY-MM-DD.
	Until string `json:"until,omitempty"`
	// Owner is an agent's address; "" unassigns (an owner record).
	Owner string `json:"owner,omitempty"`
	// Base is the UID of the record this change replaces (0: none); see
	// docs/team.md rule 3.
	Base uint32 `json:"base,omitempty"`
	// Address and Name describe an agent (KindAgent).
	Address string `json:"address,omitempty"`
	Name    string `json:"name,omitempty"`
	// Format, Data and Fingerprint describe a published key (KindKey):
	// Data is public material only (checkKey refuses any secret). An
	// unkey record (KindUnkey) has Format and Fingerprint, never Data.
	Format      string `json:"format,omitempty"`
	Data        []byte `json:"data,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// Seen and Articles describe the view a reply claim (KindReply) was
	// written from: the Message-ID of the newest article the composer had
	// seen ("" for none) and how many articles it had seen.
	Seen     string `json:"seen,omitempty"`
	Articles int    `json:"articles,omitempty"`
	// Agent and At are what the writer says: shown, never used to order.
	Agent string    `json:"agent,omitempty"`
	At    time.Time `json:"at"`
	// Republish marks a record restoring a lost log (docs/team.md, Faults).
	Republish bool `json:"republish,omitempty"`
	// Bundle describes a bundle record (KindBundle) and holds its
	// attachment.
	Bundle *Bundle `json:"bundle,omitempty"`
}

// Claim is one number claim of a claim record.
type Claim struct {
	Root   string `json:"root"`
	Number int64  `json:"number"`
}

// MaxClaims bounds the claims of one record.
const MaxClaims = 200

// Errors of Parse; all mean "skip this message".
var (
	// ErrNotRecord: the message has no X-SealDesk-Record header.
	ErrNotRecord = errors.New("team: not a team record")
	// ErrNewerVersion: written by a newer SealDesk; ignored until upgrade.
	ErrNewerVersion = errors.New("team: record from a newer version")
	// ErrInvalid: a record of ours that does not parse or is incomplete.
	ErrInvalid = errors.New("team: invalid record")
)

// ValidState reports whether s is a ticket state.
func ValidState(s string) bool { return s == "open" || s == "pending" || s == "closed" }

// Parse reads a record message. It never panics on any input and bounds
// what it reads (MaxSize).
func Parse(raw []byte) (Record, error) {
	var r Record
	if len(raw) > MaxBundleSize {
		return r, fmt.Errorf("%w: %d bytes, more than %d", ErrInvalid, len(raw), MaxBundleSize)
	}
	br := bufio.NewReader(bytes.NewReader(raw))
	h, err := textproto.ReadHeader(br)
	if err != nil {
		return r, fmt.Errorf("%w: header: %v", ErrInvalid, err)
	}
	mark := strings.Fields(h.Get(HeaderName))
	if len(mark) == 0 {
		return r, ErrNotRecord
	}
	if len(mark) != 2 || !strings.HasPrefix(mark[0], "v") {
		return r, fmt.Errorf("%w: %s %q", ErrInvalid, HeaderName, h.Get(HeaderName))
	}
	v, err := strconv.Atoi(mark[0][1:])
	if err != nil || v < 1 {
		return r, fmt.Errorf("%w: version %q", ErrInvalid, mark[0])
	}
	if v > Version {
		return r, fmt.Errorf("%w: v%d (this SealDesk reads v%d)", ErrNewerVersion, v, Version)
	}
	r.Kind = Kind(mark[1])
	r.MessageID = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	if r.Kind == KindBundle {
		return parseBundle(r, h, br)
	}
	if len(raw) > MaxSize {
		return r, fmt.Errorf("%w: %d bytes, more than %d", ErrInvalid, len(raw), MaxSize)
	}
	body, _ := io.ReadAll(br)
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("%w: body: %v", ErrInvalid, err)
	}
	if err := r.check(); err != nil {
		return r, err
	}
	return r, nil
}

// check says whether a record is complete for its kind.
func (r Record) check() error {
	bad := func(what string) error { return fmt.Errorf("%w: %s record: %s", ErrInvalid, r.Kind, what) }
	if strings.ContainsAny(r.Root+r.Address+r.Name+r.Owner+r.Agent+r.MessageID+r.Format+r.Fingerprint+r.Seen, "\r\n\x00") {
		return bad("a line break or NUL in a field")
	}
	switch r.Kind {
	case KindClaim:
		if len(r.Claims) == 0 || len(r.Claims) > MaxClaims {
			return bad(fmt.Sprintf("needs 1 to %d claims", MaxClaims))
		}
		for _, c := range r.Claims {
			if c.Root == "" || c.Number <= 0 || strings.ContainsAny(c.Root, "\r\n\x00") {
				return bad("a claim needs a root and a positive number")
			}
		}
	case KindState:
		if r.Root == "" || !ValidState(r.State) {
			return bad("needs root and state open, pending or closed")
		}
		if r.Until != "" {
			if _, err := time.Parse(time.DateOnly, r.Until); err != nil {
				return bad("until is not YYYY-MM-DD")
			}
		}
	case KindOwner:
		if r.Root == "" {
			return bad("needs root")
		}
	case KindReply:
		if r.Root == "" || r.Articles < 0 {
			return bad("needs root and a count of articles seen (0 or more)")
		}
	case KindAgent:
		if r.Address == "" {
			return bad("needs address")
		}
	case KindBundle:
		if err := r.Bundle.check(); err != nil {
			return fmt.Errorf("%w: bundle record: %w", ErrInvalid, err)
		}
	case KindKey:
		if err := r.checkKey(); err != nil {
			return err
		}
	case KindUnkey:
		if err := r.checkUnkey(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: unknown kind %q", ErrNewerVersion, r.Kind)
	}
	if r.MessageID == "" {
		return bad("no Message-ID")
	}
	return nil
}

// NewMessageID returns a fresh Message-ID for a record (without brackets).
func NewMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "team." + hex.EncodeToString(b) + "@sealdesk.invalid"
}

// Build writes r as a record message. r.MessageID must be set (so a
// repeated write of the same record can be recognised); from is the
// writing agent ("" for none).
func Build(r Record, from *mail.Address) ([]byte, error) {
	if r.At.IsZero() {
		r.At = time.Now().UTC()
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("team: %w", err)
	}
	var b bytes.Buffer
	if from != nil && from.Address != "" {
		fmt.Fprintf(&b, "From: %s\r\n", from.String())
	} else {
		b.WriteString("From: SealDesk <team@sealdesk.invalid>\r\n")
	}
	fmt.Fprintf(&b, "Date: %s\r\n", r.At.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", r.MessageID)
	what := r.Root + r.Address
	if r.Kind == KindKey || r.Kind == KindUnkey {
		what = fmt.Sprintf("%s %s %s", r.Format, r.Address, r.Fingerprint)
	}
	if r.Kind == KindClaim {
		what = fmt.Sprintf("%d tickets", len(r.Claims))
	}
	if r.Kind == KindBundle {
		what = r.Bundle.subject()
	}
	subject := fmt.Sprintf("[SealDesk v%d %s] %s", Version, r.Kind, what)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "%s: v%d %s\r\n", HeaderName, Version, r.Kind)
	b.WriteString("MIME-Version: 1.0\r\n")
	if r.Kind == KindBundle {
		writeBundleBody(&b, body, r.Bundle)
	} else {
		b.WriteString("Content-Type: application/json; charset=utf-8\r\n\r\n")
		b.Write(body)
		b.WriteString("\r\n")
	}
	limit := MaxSize
	if r.Kind == KindBundle {
		limit = MaxBundleSize
	}
	if b.Len() > limit {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrInvalid, b.Len(), limit)
	}
	return b.Bytes(), nil
}

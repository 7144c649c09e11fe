package sender

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	_ "github.com/emersion/go-message/charset" // RFC 2047 words in legacy charsets (windows-1252, ...)
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// MaxFieldLen bounds one address field that is parsed (RFC 5322 section
// 2.1.1 limits a line to 998 characters; folded fields may be longer, but
// not this long in real mail). It bounds the parser's time on hostile input.
const MaxFieldLen = 64 << 10

// Identity is what a header says about the sender.
type Identity struct {
	// From lists every address of every From field, in order.
	From []*mail.Address
	// Address is the single From address, lower case, when there is
	// exactly one From field with one address; else "". It is set even
	// when Problem is ReasonFromName, to say which address was written.
	Address string
	// Name is that address's display name, decoded.
	Name string
	// Problem is empty when From names exactly one sender that a signer
	// may prove; Detail says the problem precisely.
	Problem verdict.Reason
	Detail  string
	// Raw holds the From fields as written, for display when they cannot
	// be read (never a source of addresses).
	Raw []string
	// ReplyTo and Agent are the Reply-To and Sender fields' addresses
	// (unreadable ones are left out: they are only shown, never trusted).
	ReplyTo, Agent []*mail.Address
	// Date is the Date field, zero when missing or unreadable.
	Date time.Time
}

// Parse reads the From, Sender, Reply-To and Date fields of h.
func Parse(h *textproto.Header) Identity {
	id := Identity{Raw: h.Values("From")}
	if d, err := ParseDate(h.Get("Date")); err == nil {
		id.Date = d
	}
	for _, v := range h.Values("Reply-To") {
		list, _ := ParseList(v)
		id.ReplyTo = append(id.ReplyTo, list...)
	}
	for _, v := range h.Values("Sender") {
		list, _ := ParseList(v)
		id.Agent = append(id.Agent, list...)
	}
	var unreadable error
	for _, v := range id.Raw {
		list, err := ParseList(v)
		if err != nil && unreadable == nil {
			unreadable = err
		}
		id.From = append(id.From, list...)
	}
	switch {
	case unreadable != nil:
		id.Problem, id.Detail = verdict.ReasonFromUnreadable, "the From field cannot be read: "+unreadable.Error()
		id.From = nil
	case len(id.Raw) > 1:
		id.Problem, id.Detail = verdict.ReasonFromHeaders, fmt.Sprintf("the message has %d From fields (%s)", len(id.Raw), Format(id.From))
	case len(id.From) == 0:
		id.Problem, id.Detail = verdict.ReasonFromMissing, "the message has no From address"
	case len(id.From) > 1:
		id.Problem, id.Detail = verdict.ReasonFromAddresses, "the From field names several senders ("+Format(id.From)+")"
	default:
		a := id.From[0]
		id.Address, id.Name = strings.ToLower(a.Address), a.Name
		if other, ok := OtherAddressInName(a.Name, a.Address); ok {
			id.Problem = verdict.ReasonFromName
			id.Detail = fmt.Sprintf("the display name shows %s, but the address is %s", other, id.Address)
		}
	}
	return id
}

// ParseList parses one address field with go-message's charset-aware
// parser (RFC 5322 section 3.4, RFC 2047 words in display names). An
// empty field is an empty list.
func ParseList(v string) ([]*mail.Address, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	if len(v) > MaxFieldLen {
		return nil, fmt.Errorf("sender: the field is longer than %d bytes", MaxFieldLen)
	}
	list, err := gomail.ParseAddressList(v)
	if err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	return list, nil
}

// Addresses parses every value of an address field (To, Cc, Bcc) into
// lower-case addresses; the first value that cannot be read is an error.
func Addresses(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		list, err := ParseList(v)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			out = append(out, strings.ToLower(a.Address))
		}
	}
	return out, nil
}

// OK reports whether From names exactly one sender that a signer may prove.
func (id Identity) OK() bool { return id.Problem == "" }

// ProvenBy reports whether emails (a certificate's or key's proven
// addresses) include the From address, domains compared in ASCII form.
// It is false whenever there is no single From address.
func (id Identity) ProvenBy(emails []string) bool {
	if id.Address == "" {
		return false
	}
	want := Canonical(id.Address)
	for _, e := range emails {
		if Canonical(e) == want {
			return true
		}
	}
	return false
}

// Display is the From line for people: the addresses with their names
// (a name that could pass for an address is quoted), or the fields as
// written when they cannot be read.
func (id Identity) Display() string {
	if id.Problem == verdict.ReasonFromUnreadable {
		return strings.ToValidUTF8(strings.Join(id.Raw, ", "), string(utf8.RuneError))
	}
	return Format(id.From)
}

// Info is the identity as it is stored with the security result.
func (id Identity) Info() *verdict.Sender {
	s := &verdict.Sender{From: id.Address, Name: id.Name, Problem: id.Problem, Detail: id.Detail}
	if a := asciiForm(id.Address); a != id.Address {
		s.ASCII = a
	}
	from := Canonical(id.Address)
	for _, a := range id.ReplyTo {
		if Canonical(a.Address) != from {
			s.ReplyTo = append(s.ReplyTo, strings.ToLower(a.Address))
		}
	}
	for _, a := range id.Agent {
		if Canonical(a.Address) != from {
			s.Agent = strings.ToLower(a.Address)
			break
		}
	}
	return s
}

// Format writes an address list for display: "Name <addr>" or the bare
// address, comma-separated, names unencoded. A name that holds an "@" or
// characters of address syntax is quoted, so that it cannot be read as
// the address.
func Format(list []*mail.Address) string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		switch {
		case a.Name == "":
			out = append(out, a.Address)
		case strings.ContainsAny(fold(a.Name), `@<>,;:"`):
			out = append(out, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(a.Name)+`" <`+a.Address+">")
		default:
			out = append(out, a.Name+" <"+a.Address+">")
		}
	}
	return strings.Join(out, ", ")
}

// Judge compares the identity with a signer: emails are the addresses the
// signer's certificate or key proves, who names the signer for people.
// It returns "" when the signer is the sender, else the reason, a detail
// for the check and a comment that says whose the (possibly intact)
// signature is and what is wrong with the sender.
func (id Identity) Judge(emails []string, who string) (reason verdict.Reason, detail, comment string) {
	switch {
	case id.Problem == verdict.ReasonFromName:
		return id.Problem, id.Detail, fmt.Sprintf("Signed by %s, but the sender's display name shows another address (%s): the message pretends to come from someone else. Treat it as not signed.", who, id.Detail)
	case !id.OK():
		return id.Problem, id.Detail, fmt.Sprintf("Signed by %s, but %s, so the signature cannot confirm the sender. Treat it as not signed.", who, id.Detail)
	case !id.ProvenBy(emails):
		real := strings.Join(emails, ", ")
		if real == "" {
			real = "no e-mail address"
		}
		return verdict.ReasonFromMismatch, "signed by " + real + ", From is " + id.Address,
			fmt.Sprintf("Signed by %s, not by the sender %s: the sender address may be forged.", who, id.Address)
	}
	return "", "", ""
}

package sender

import (
	"bufio"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/textproto"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

func header(t testing.TB, fields string) *textproto.Header {
	t.Helper()
	h, err := textproto.ReadHeader(bufio.NewReader(strings.NewReader(fields + "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	return &h
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, fields string
		problem      verdict.Reason
		addr, who    string
	}{
		{"plain", "From: Alice <Alice@Example.org>\r\n", "", "alice@example.org", "Alice"},
		{"windows-1252 name (Outlook)", "From: =?windows-1252?Q?M=FCller=2C_J=F6rg?= <joerg@example.org>\r\n", "", "joerg@example.org", "Müller, Jörg"},
		// The defect: the old fallback kept the last <...> of an unparsable list.
		{"two senders, one with a windows-1252 name", "From: =?windows-1252?Q?Bank_=80?= <security@bank.example>, M <mallory@evil.example>\r\n", verdict.ReasonFromAddresses, "", ""},
		{"two senders", "From: Bank <security@bank.example>, M <mallory@evil.example>\r\n", verdict.ReasonFromAddresses, "", ""},
		{"two From fields", "From: Bank <security@bank.example>\r\nFrom: M <mallory@evil.example>\r\n", verdict.ReasonFromHeaders, "", ""},
		{"no From", "To: a@example.org\r\n", verdict.ReasonFromMissing, "", ""},
		{"empty group", "From: undisclosed:;\r\n", verdict.ReasonFromMissing, "", ""},
		{"unreadable", "From: Bank <security@bank.example\r\n", verdict.ReasonFromUnreadable, "", ""},
		{"unknown charset", "From: =?x-no-such?Q?Bank?= <security@bank.example>\r\n", verdict.ReasonFromUnreadable, "", ""},
		{"address in name", `From: "boss@corp.example" <eve@evil.example>` + "\r\n", verdict.ReasonFromName, "eve@evil.example", "boss@corp.example"},
		{"padded address in name", `From: "boss @ corp . example" <eve@evil.example>` + "\r\n", verdict.ReasonFromName, "eve@evil.example", "boss @ corp . example"},
		{"fullwidth at in name", "From: \"boss\uFF20corp.example\" <eve@evil.example>\r\n", verdict.ReasonFromName, "eve@evil.example", "boss\uFF20corp.example"},
		{"ideographic dot in name", "From: \"boss@corp\u3002example\" <eve@evil.example>\r\n", verdict.ReasonFromName, "eve@evil.example", "boss@corp\u3002example"},
		{"zero-width space in name", "From: \"boss@\u200bcorp.example\" <eve@evil.example>\r\n", verdict.ReasonFromName, "eve@evil.example", "boss@\u200bcorp.example"},
		{"encoded word hiding an address", "From: =?utf-8?Q?boss=40corp=2Eexample?= <eve@evil.example>\r\n", verdict.ReasonFromName, "eve@evil.example", "boss@corp.example"},
		{"encoded word with list syntax", "From: =?utf-8?B?QmFuayA8c2VjdXJpdHlAYmFuay5leGFtcGxlPiw=?= <eve@evil.example>\r\n", verdict.ReasonFromName, "eve@evil.example", "Bank <security@bank.example>,"},
		{"own address in name", `From: "Support (support@example.org)" <support@example.org>` + "\r\n", "", "support@example.org", "Support (support@example.org)"},
		{"at sign without a domain in name", `From: "Support @ ACME" <support@example.org>` + "\r\n", "", "support@example.org", "Support @ ACME"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := Parse(header(t, tc.fields))
			if id.Problem != tc.problem || id.Address != tc.addr || id.Name != tc.who {
				t.Errorf("Parse = problem %q address %q name %q (%s); want %q %q %q", id.Problem, id.Address, id.Name, id.Detail, tc.problem, tc.addr, tc.who)
			}
			if id.OK() != (tc.problem == "") {
				t.Errorf("OK = %v", id.OK())
			}
			if !id.OK() && id.Detail == "" {
				t.Error("a problem without detail")
			}
		})
	}
}

func TestProvenBy(t *testing.T) {
	id := Parse(header(t, "From: <CEO@b\u00fccher.example>\r\n"))
	if !id.OK() || !id.ProvenBy([]string{"ceo@xn--bcher-kva.example"}) {
		t.Errorf("an IDN From is not proven by its A-label address: %+v", id)
	}
	if id.ProvenBy([]string{"ceo@bucher.example"}) {
		t.Error("a look-alike ASCII domain proves an IDN From")
	}
	if info := id.Info(); info.ASCII != "ceo@xn--bcher-kva.example" {
		t.Errorf("Info.ASCII = %q, want the A-label form", info.ASCII)
	}
	none := Parse(header(t, "From: a@example.org, b@example.org\r\n"))
	if none.ProvenBy([]string{"a@example.org", "b@example.org"}) {
		t.Error("several From addresses proven by a signer that carries them all")
	}
}

func TestInfoReplyElsewhere(t *testing.T) {
	id := Parse(header(t, "From: Alice <alice@example.org>\r\nReply-To: alice@example.org, =?windows-1252?Q?Pay=80?= <pay@evil.example>\r\nSender: list@lists.example\r\n"))
	info := id.Info()
	if info.From != "alice@example.org" || len(info.ReplyTo) != 1 || info.ReplyTo[0] != "pay@evil.example" || info.Agent != "list@lists.example" {
		t.Errorf("Info = %+v", info)
	}
	if same := Parse(header(t, "From: alice@example.org\r\nReply-To: Alice <ALICE@example.org>\r\n")).Info(); len(same.ReplyTo) != 0 || same.Agent != "" {
		t.Errorf("a Reply-To equal to From is reported: %+v", same)
	}
}

func TestDisplay(t *testing.T) {
	for fields, want := range map[string]string{
		"From: =?windows-1252?Q?J=F6rg?= <j@example.org>\r\n":      "Jörg <j@example.org>",
		`From: "boss@corp.example" <eve@evil.example>` + "\r\n":    `"boss@corp.example" <eve@evil.example>`,
		"From: a@example.org\r\nFrom: B <b@example.org>\r\n":       "a@example.org, B <b@example.org>",
		"From: Broken <b@example.org\r\n":                          "Broken <b@example.org",
		"From: =?utf-8?Q?x=40y=2Ez?= <eve@evil.example>\r\n":       `"x@y.z" <eve@evil.example>`,
		"From: \"Quote \\\" boss@corp.ex\" <eve@evil.example>\r\n": `"Quote \" boss@corp.ex" <eve@evil.example>`,
	} {
		if got := Parse(header(t, fields)).Display(); got != want {
			t.Errorf("Display(%q) = %q, want %q", fields, got, want)
		}
	}
}

func TestFormat(t *testing.T) {
	got := Format([]*mail.Address{{Name: "Jürgen Müller", Address: "j@example.test"}, {Address: "help@example.test"}})
	if want := "Jürgen Müller <j@example.test>, help@example.test"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	if Format(nil) != "" {
		t.Fatal("an empty list is not empty")
	}
}

func TestDateMismatch(t *testing.T) {
	d := time.Date(2026, 1, 26, 20, 38, 0, 0, time.UTC)
	for _, tc := range []struct {
		signed   time.Time
		mismatch bool
	}{
		{d, false},
		{d.Add(-time.Hour), false},
		{d.Add(time.Hour), false},
		{d.Add(-time.Hour - time.Second), true},
		{d.Add(time.Hour + time.Second), true}, // signed after the date it claims
		{time.Time{}, false},
	} {
		if got := DateMismatch(tc.signed, d); (got != "") != tc.mismatch {
			t.Errorf("DateMismatch(%v) = %q, want mismatch %v", tc.signed, got, tc.mismatch)
		}
	}
}

func TestParseListBounded(t *testing.T) {
	if _, err := ParseList(strings.Repeat("a", MaxFieldLen+1) + "@example.org"); err == nil {
		t.Error("an oversized field parsed")
	}
	if got, err := Addresses([]string{"A <a@Example.org>, b@example.org", "c@example.org"}); err != nil || strings.Join(got, " ") != "a@example.org b@example.org c@example.org" {
		t.Errorf("Addresses = %v, %v", got, err)
	}
	if _, err := Addresses([]string{"a@example.org", "<broken"}); err == nil {
		t.Error("Addresses hides an unreadable field")
	}
}

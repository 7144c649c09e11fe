package outgoing

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
)

func addr(s string) *mail.Address {
	a, err := mail.ParseAddress(s)
	if err != nil {
		panic(err)
	}
	return a
}

func TestSubject(t *testing.T) {
	has := func(s string) bool { return strings.Contains(s, "[Ticket#") }
	tests := []struct {
		mode       Mode
		orig, want string
	}{
		{ModeReply, "Printer [Ticket#10042]", "Re: Printer [Ticket#10042]"},
		{ModeReply, "Re: AW: Printer [Ticket#10042]", "Re: Printer [Ticket#10042]"},
		{ModeReplyAll, "Printer", "Re: Printer [Ticket#10042]"},
		{ModeForward, "Re: [Ticket#10042] Printer", "Fwd: [Ticket#10042] Printer"},
		{ModeForward, "", "Fwd: [Ticket#10042]"},
		{ModeNew, "Hello", "Hello [Ticket#10042]"},
	}
	for _, tc := range tests {
		if got := Subject(tc.mode, tc.orig, "[Ticket#10042]", has); got != tc.want {
			t.Errorf("Subject(%s, %q) = %q, want %q", tc.mode, tc.orig, got, tc.want)
		}
	}
	if got := Subject(ModeReply, "Re: x", "", nil); got != "Re: x" {
		t.Errorf("no marker: %q", got)
	}
}

func TestRecipients(t *testing.T) {
	ours := func(a string) bool { return a == "desk@example.test" }
	in := Original{From: []*mail.Address{addr("Ann <ann@example.org>")}, To: []*mail.Address{addr("desk@example.test"), addr("bob@example.org")},
		Cc: []*mail.Address{addr("carol@example.org"), addr("ann@example.org")}}
	tests := []struct {
		name   string
		mode   Mode
		o      Original
		to, cc []string
	}{
		{"reply goes to From", ModeReply, in, []string{`"Ann" <ann@example.org>`}, nil},
		{"reply-all adds To and Cc without us and duplicates", ModeReplyAll, in, []string{`"Ann" <ann@example.org>`},
			[]string{"<bob@example.org>", "<carol@example.org>"}},
		{"Reply-To wins", ModeReply, func() Original { o := in; o.ReplyTo = []*mail.Address{addr("list@example.org")}; return o }(),
			[]string{"<list@example.org>"}, nil},
		{"reply to our own mail goes to its To", ModeReply, Original{Outgoing: true, From: []*mail.Address{addr("desk@example.test")},
			To: []*mail.Address{addr("ann@example.org")}}, []string{"<ann@example.org>"}, nil},
		{"forward starts empty", ModeForward, in, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			to, cc := Recipients(tc.mode, tc.o, ours)
			if !reflect.DeepEqual(to, tc.to) || !reflect.DeepEqual(cc, tc.cc) {
				t.Errorf("to %q cc %q, want %q %q", to, cc, tc.to, tc.cc)
			}
		})
	}
}

func TestThreadingAndQuotes(t *testing.T) {
	o := Original{MessageID: "c@x", References: []string{"a@x", "b@x"}, Subject: "Printer", From: []*mail.Address{addr("Ann <ann@example.org>")},
		To: []*mail.Address{addr("desk@example.test")}, Date: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC), Text: "line 1\r\n> old\r\n\r\nline 3\r\n"}
	irt, refs := Threading(o, 0)
	if irt != "c@x" || !reflect.DeepEqual(refs, []string{"a@x", "b@x", "c@x"}) {
		t.Errorf("threading %q %v", irt, refs)
	}
	if _, refs := Threading(o, 2); !reflect.DeepEqual(refs, []string{"a@x", "c@x"}) {
		t.Errorf("bounded references %v", refs)
	}
	if irt, refs := Threading(Original{}, 0); irt != "" || refs != nil {
		t.Errorf("no Message-ID: %q %v", irt, refs)
	}
	want := "\n\nOn Sun, 1 Mar 2026 09:30, Ann <ann@example.org> wrote:\n> line 1\n>> old\n>\n> line 3\n"
	if got := QuoteReply(o); got != want {
		t.Errorf("QuoteReply = %q", got)
	}
	fwd := QuoteForward(o)
	if !strings.Contains(fwd, "Forwarded message") || !strings.Contains(fwd, "Subject: Printer\n") || !strings.HasSuffix(fwd, "\nline 3\n") {
		t.Errorf("QuoteForward = %q", fwd)
	}
}

func TestHeaderOf(t *testing.T) {
	raw := []byte("Message-ID: <c@x>\r\nReferences: <a@x> <b@x>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nFrom: Ann <ann@example.org>\r\nReply-To: l@example.org\r\nTo: desk@example.test\r\n\r\nbody")
	o := HeaderOf(raw)
	if o.MessageID != "c@x" || len(o.References) != 2 || o.Subject != "Grüße" || o.From[0].Address != "ann@example.org" || o.ReplyTo[0].Address != "l@example.org" {
		t.Errorf("HeaderOf = %+v", o)
	}
}

package team

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)
	for _, r := range []Record{
		{Kind: KindClaim, Claims: []Claim{{Root: "a@x", Number: 10001}, {Root: "b@x", Number: 10002}}},
		{Kind: KindState, Root: "a@x", State: "pending", Until: "2026-06-09", Base: 17},
		{Kind: KindOwner, Root: "a@x", Owner: "", Base: 3},
		{Kind: KindAgent, Address: "anna@example.test", Name: "Anna Ägent"},
		{Kind: KindReply, Root: "a@x", Seen: "q-2@example.org", Articles: 2},
	} {
		t.Run(string(r.Kind), func(t *testing.T) {
			r.MessageID, r.Agent, r.At = NewMessageID(), "anna@example.test", at
			raw, err := Build(r, &mail.Address{Name: "Anna Ägent", Address: "anna@example.test"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(raw)
			if err != nil {
				t.Fatalf("%v\n%s", err, raw)
			}
			if got.Kind != r.Kind || got.MessageID != r.MessageID || got.Root != r.Root || got.Base != r.Base ||
				got.State != r.State || got.Until != r.Until || got.Owner != r.Owner || got.Name != r.Name ||
				got.Seen != r.Seen || got.Articles != r.Articles ||
				len(got.Claims) != len(r.Claims) || !got.At.Equal(at) {
				t.Fatalf("got %+v, want %+v", got, r)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	rec := func(mark, body string) []byte {
		return []byte("Message-ID: <m@x>\r\nX-SealDesk-Record: " + mark + "\r\n\r\n" + body)
	}
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"plain mail", []byte("Subject: hi\r\n\r\nhello"), ErrNotRecord},
		{"newer version", rec("v2 claim", `{"claims":[{"root":"a","number":1}]}`), ErrNewerVersion},
		{"unknown kind", rec("v1 merge", `{}`), ErrNewerVersion},
		{"empty key record", rec("v1 key", `{}`), ErrInvalid},
		{"bad json", rec("v1 state", `{"root":`), ErrInvalid},
		{"bad state", rec("v1 state", `{"root":"a","state":"done"}`), ErrInvalid},
		{"bad date", rec("v1 state", `{"root":"a","state":"pending","until":"tomorrow"}`), ErrInvalid},
		{"no claims", rec("v1 claim", `{"claims":[]}`), ErrInvalid},
		{"zero number", rec("v1 claim", `{"claims":[{"root":"a","number":0}]}`), ErrInvalid},
		{"bad mark", rec("claim", `{}`), ErrInvalid},
		{"line break", rec("v1 owner", `{"root":"a\r\nBcc: x","owner":""}`), ErrInvalid},
		{"too big", rec("v1 owner", `{"root":"`+strings.Repeat("a", MaxSize)+`"}`), ErrInvalid},
		{"reply without root", rec("v1 reply", `{"seen":"m@x","articles":1}`), ErrInvalid},
		{"reply with negative count", rec("v1 reply", `{"root":"a","articles":-1}`), ErrInvalid},
		{"reply with a fractional count", rec("v1 reply", `{"root":"a","articles":1.5}`), ErrInvalid},
		{"reply with a line break in seen", rec("v1 reply", `{"root":"a","seen":"m@x\r\nBcc: y","articles":1}`), ErrInvalid},
		{"newer reply", rec("v2 reply", `{"root":"a"}`), ErrNewerVersion},
		{"no message id", []byte("X-SealDesk-Record: v1 owner\r\n\r\n{\"root\":\"a\"}"), ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(tc.raw); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzParse: no input makes Parse panic, and what it accepts builds and
// parses again to the same record.
func FuzzParse(f *testing.F) {
	r := Record{Kind: KindState, MessageID: "m@x", Root: "a@x", State: "closed", Base: 2, At: time.Unix(1, 0).UTC()}
	raw, _ := Build(r, nil)
	f.Add(raw)
	reply, _ := Build(Record{Kind: KindReply, MessageID: "r@x", Root: "a@x", Seen: "q@x", Articles: 3, Agent: "anna@x", At: time.Unix(2, 0).UTC()}, nil)
	f.Add(reply)
	f.Add([]byte("X-SealDesk-Record: v1 reply\r\nMessage-ID: <m@x>\r\n\r\n{\"root\":\"r\",\"seen\":\"\",\"articles\":0}"))
	f.Add([]byte("X-SealDesk-Record: v1 claim\r\nMessage-ID: <m@x>\r\n\r\n{\"claims\":[{\"root\":\"r\",\"number\":5}]}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := Parse(raw)
		if err != nil {
			return
		}
		again, err := Build(got, nil)
		if err != nil {
			t.Fatalf("accepted %+v but cannot build it: %v", got, err)
		}
		back, err := Parse(again)
		if err != nil || back.Kind != got.Kind || back.Root != got.Root || back.Base != got.Base ||
			back.Format != got.Format || back.Fingerprint != got.Fingerprint || len(back.Data) != len(got.Data) ||
			back.Seen != got.Seen || back.Articles != got.Articles {
			t.Fatalf("round trip: %+v -> %+v, %v", got, back, err)
		}
	})
}

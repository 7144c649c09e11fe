package mime

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// msg joins header lines and body with CRLF.
func msg(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n")) }

var (
	plainMsg = msg("From: a@example.org", "Content-Type: text/plain; charset=utf-8", "", "Hello <world>", "")
	altMsg   = msg("Content-Type: multipart/alternative; boundary=b", "", "--b",
		"Content-Type: text/plain", "", "plain version", "--b",
		"Content-Type: text/html", "", "<p>html version</p>", "--b--", "")
	relatedMsg = msg("Content-Type: multipart/related; boundary=r", "", "--r",
		"Content-Type: text/html", "", `<img src="cid:logo@x">`, "--r",
		"Content-Type: image/png", "Content-ID: <logo@x>", "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=", "--r--", "")
	attachMsg = msg("Content-Type: multipart/mixed; boundary=m", "", "--m",
		"Content-Type: text/plain", "", "see attached", "--m",
		"Content-Type: application/pdf", "Content-Disposition: attachment; filename*=utf-8''Rechnung%20M%C3%A4rz.pdf",
		"Content-Transfer-Encoding: base64", "", "JVBERi0=", "--m--", "")
	latin1Msg = msg("Content-Type: text/plain; charset=iso-8859-1", "", "Gr\xfc\xdfe", "")
	unknownCS = msg("Content-Type: text/plain; charset=x-klingon", "", "Qapla\xff", "")
	badUTF8   = msg("Content-Type: text/plain; charset=utf-8", "", "ok \xff\xfe", "")
	brokenB64 = msg("Content-Type: text/plain", "Content-Transfer-Encoding: base64", "", "aGVsbG8=!!!!", "")
	signedMsg = msg("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s", "", "--s",
		"Content-Type: text/plain", "", "signed text", "--s",
		"Content-Type: application/pkcs7-signature", "", "MIIB", "--s--", "")
	encMsg = msg("Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m",
		"Content-Transfer-Encoding: base64", "", "MIIB", "")
	partialMsg = msg("Content-Type: multipart/mixed; boundary=m", "", "--m",
		"Content-Type: text/plain", "", "added by anyone", "--m",
		"Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s", "", "--s",
		"Content-Type: text/plain", "", "signed inner", "--s",
		"Content-Type: application/pgp-signature", "", "sig", "--s--", "--m--", "")
	inner = msg("Content-Type: text/html", "", "<b>decrypted</b>", "")
)

type want struct {
	origin Origin
	bodies []string // each body's text, prefixed "html:" for HTML
	atts   []string // name|type|size
	notice string   // contained in a notice, if set
}

func TestSplit(t *testing.T) {
	cases := []struct {
		name           string
		raw, protected []byte
		whole          bool
		want           []want
	}{
		{"plain text", plainMsg, plainMsg, false, []want{{Unprotected, []string{"Hello <world>\r\n"}, nil, ""}}},
		{"alternative picks html", altMsg, altMsg, false, []want{{Unprotected, []string{"html:<p>html version</p>"}, nil, ""}}},
		{"related image by content-id", relatedMsg, relatedMsg, false,
			[]want{{Unprotected, []string{`html:<img src="cid:logo@x">`}, []string{"image.png|image/png|8"}, ""}}},
		{"attachment with an RFC 2231 name", attachMsg, attachMsg, false,
			[]want{{Unprotected, []string{"see attached"}, []string{"Rechnung März.pdf|application/pdf|5"}, ""}}},
		{"latin-1 decoded", latin1Msg, latin1Msg, false, []want{{Unprotected, []string{"Grüße\r\n"}, nil, ""}}},
		{"unknown charset noted", unknownCS, unknownCS, false, []want{{Unprotected, []string{"Qapla\uFFFD\r\n"}, nil, `"x-klingon"`}}},
		{"invalid utf-8 noted", badUTF8, badUTF8, false, []want{{Unprotected, []string{"ok \uFFFD\r\n"}, nil, "shown as �"}}},
		{"broken base64 noted", brokenB64, brokenB64, false, []want{{Unprotected, []string{"hello"}, nil, "could not be decoded"}}},
		{"signed layer replaced by the verified entity", signedMsg, inner, false,
			[]want{{Protected, []string{"html:<b>decrypted</b>\r\n"}, nil, ""}}},
		{"undecryptable", encMsg, nil, false, []want{{Unopened, nil, nil, "could not be decrypted"}}},
		{"decrypted", encMsg, inner, false, []want{{Protected, []string{"html:<b>decrypted</b>\r\n"}, nil, ""}}},
		{"signed part inside an unsigned message", partialMsg, partialMsg, false, []want{
			{Unprotected, []string{"added by anyone"}, nil, ""}, {Unchecked, []string{"signed inner"}, nil, ""}}},
		{"whole inline protection", plainMsg, inner, true, []want{{Protected, []string{"html:<b>decrypted</b>\r\n"}, nil, ""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			secs, err := Split(tc.raw, tc.protected, tc.whole)
			if err != nil {
				t.Fatal(err)
			}
			if len(secs) != len(tc.want) {
				t.Fatalf("%d sections, want %d: %+v", len(secs), len(tc.want), secs)
			}
			for i, w := range tc.want {
				s := secs[i]
				if s.Origin != w.origin {
					t.Errorf("section %d: origin %s, want %s", i, s.Origin, w.origin)
				}
				var bodies []string
				for _, b := range s.Bodies {
					if b.HTML {
						bodies = append(bodies, "html:"+b.Text)
					} else {
						bodies = append(bodies, b.Text)
					}
				}
				if strings.Join(bodies, "¦") != strings.Join(w.bodies, "¦") {
					t.Errorf("section %d: bodies %q, want %q", i, bodies, w.bodies)
				}
				var atts []string
				for _, a := range s.Attachments {
					atts = append(atts, a.Name+"|"+a.ContentType+"|"+strconv.Itoa(a.Size))
				}
				if strings.Join(atts, "¦") != strings.Join(w.atts, "¦") {
					t.Errorf("section %d: attachments %q, want %q", i, atts, w.atts)
				}
				if w.notice != "" && !strings.Contains(strings.Join(s.Notices, " "), w.notice) {
					t.Errorf("section %d: notices %q, want %q", i, s.Notices, w.notice)
				}
			}
		})
	}
}

func TestNotMIMEIsAClearError(t *testing.T) {
	_, err := Parse([]byte("no colon in this header line\r\n\r\nbody"))
	t.Log(err)
	if !errors.Is(err, ErrNotMIME) || strings.Contains(err.Error(), "invalid byte sequence") {
		t.Fatalf("err = %v", err)
	}
}

func TestAttachmentIndexesRunAcrossSections(t *testing.T) {
	raw := msg("Content-Type: multipart/mixed; boundary=m", "", "--m",
		"Content-Type: application/zip", "Content-Disposition: attachment; filename=a.zip", "", "PK", "--m",
		"Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s", "", "--s",
		"Content-Type: application/zip", "Content-Disposition: attachment; filename=b.zip", "", "PK", "--s",
		"Content-Type: application/pgp-signature", "", "sig", "--s--", "--m--", "")
	secs, err := Split(raw, raw, false)
	if err != nil || len(secs) != 2 {
		t.Fatalf("%+v, %v", secs, err)
	}
	if a, b := secs[0].Attachments[0], secs[1].Attachments[0]; a.Index != 0 || b.Index != 1 || b.Name != "b.zip" || string(b.Data()) != "PK" {
		t.Fatalf("%+v %+v", a, b)
	}
}

// markerInline is a stand-in for a security engine: "[[x]]" in a text is
// a protected block holding x, "[[!]]" one that could not be opened.
func markerInline(calls *[]string) func(string, bool, string) []InlinePart {
	return func(text string, html bool, charset string) []InlinePart {
		*calls = append(*calls, text)
		if !strings.Contains(text, "[[") {
			return nil
		}
		var out []InlinePart
		for {
			i := strings.Index(text, "[[")
			j := strings.Index(text, "]]")
			if i < 0 || j < i {
				break
			}
			if i > 0 {
				out = append(out, InlinePart{Origin: Unprotected, Text: text[:i]})
			}
			if in := text[i+2 : j]; in == "!" {
				out = append(out, InlinePart{Origin: Unopened, Label: "not opened", Notices: []string{"no key"}})
			} else {
				out = append(out, InlinePart{Origin: Protected, Label: "block", Text: in})
			}
			text = text[j+2:]
		}
		if text != "" {
			out = append(out, InlinePart{Origin: Unprotected, Text: text})
		}
		return out
	}
}

func TestSplitInline(t *testing.T) {
	text := func(body string) []byte { return msg("Content-Type: text/plain; charset=utf-8", "", body) }
	cases := []struct {
		name           string
		raw, protected []byte
		want           string // origin[label]:bodies|notices, sections joined by " / "
		calls          int
	}{
		{"no block: as it is", plainMsg, plainMsg, "unprotected[]:Hello <world>\r\n|", 1},
		{"blocks among text", text("a [[b]] c"), nil, "unprotected[]:a | / protected[block]:b| / unprotected[]: c|", 1},
		{"adjacent blocks stay apart", text("[[b]][[c]]"), nil, "protected[block]:b| / protected[block]:c|", 1},
		{"unopened block has no text", text("a [[!]]"), nil, "unprotected[]:a | / unopened[not opened]:|no key", 1},
		{"text part after the blocks is not merged into them", msg("Content-Type: multipart/mixed; boundary=m", "", "--m",
			"Content-Type: text/plain", "", "[[b]]", "--m", "Content-Type: text/plain", "", "after", "--m--", ""), nil,
			"protected[block]:b| / unprotected[]:after|", 2},
		{"alternative keeps labelled sections", msg("Content-Type: multipart/alternative; boundary=b", "", "--b",
			"Content-Type: text/plain", "", "plain", "--b", "Content-Type: text/html", "", "x [[y]]", "--b--", ""), nil,
			"unprotected[]:x | / protected[block]:y|", 2},
		{"protected content is not offered", signedMsg, text("[[b]]"), "protected[]:[[b]]|", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var calls []string
			secs, err := SplitWith(tc.raw, tc.protected, false, SplitOptions{Inline: markerInline(&calls)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range secs {
				var bodies []string
				for _, b := range s.Bodies {
					bodies = append(bodies, b.Text)
				}
				got = append(got, string(s.Origin)+"["+s.Label+"]:"+strings.Join(bodies, "¦")+"|"+strings.Join(s.Notices, ";"))
			}
			if g := strings.Join(got, " / "); g != tc.want {
				t.Errorf("sections %q\nwant     %q", g, tc.want)
			}
			if len(calls) != tc.calls {
				t.Errorf("Inline called %d times (%q), want %d", len(calls), calls, tc.calls)
			}
		})
	}
}

package pgp

import (
	"strings"
	"testing"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// encryptArmored encrypts text to the recipients as an armored OpenPGP
// message, signed by signer when it is not nil.
func encryptArmored(t testing.TB, text string, signer *Key, recipients ...*Key) string {
	t.Helper()
	kr, err := gcrypto.NewKeyRing(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recipients {
		pub := r.key
		if pub.IsPrivate() {
			if pub, err = r.key.ToPublic(); err != nil {
				t.Fatal(err)
			}
		}
		if err := kr.AddKey(pub); err != nil {
			t.Fatal(err)
		}
	}
	b := gcrypto.PGPWithProfile(sendProfile()).Encryption().Recipients(kr).EncryptionTime(gpgTime.Unix()).SignTime(gpgTime.Unix())
	if signer != nil {
		b = b.SigningKey(signer.key)
	}
	h, err := b.New()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := h.Encrypt([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	arm, err := armorEncode(armorMessage, msg.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return string(arm)
}

// assertSegments checks each segment's kind, text, signature verdict
// ("valid", "not valid" or "" when unsigned) and code against want.
func assertSegments(t *testing.T, got []Segment, want []seg) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d segments, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		sign := ""
		if g.Signed {
			sign = map[bool]string{true: "valid", false: "not valid"}[g.Sign.Success]
		}
		code := string(g.Sign.Reason) + string(g.Encryption.Failure)
		if g.Kind != w.kind || !strings.Contains(g.Text, w.text) || sign != w.sign || code != w.code {
			t.Errorf("segment %d: %s %q sign %q code %q (%q / %q), want %+v", i, g.Kind, g.Text, sign, code, g.Sign.Comment, g.Encryption.Comment, w)
		}
	}
}

// seg is a wanted segment: kind, a piece of its text ("" for none), for
// blocks whether their signature holds ("" not signed, "valid", "not
// valid"), and the block's code (Sign.Reason or Encryption.Failure).
type seg struct {
	kind SegmentKind
	text string
	sign string
	code string
}

// TestInlineSplit: a text part with inline OpenPGP blocks among
// unprotected text is cut into segments, each judged on its own; the
// message itself stays "not signed" / "not fully encrypted" (Process).
func TestInlineSplit(t *testing.T) {
	f := getFixture(t)
	sam := mustUnlock(t, f.sam)
	hidden := hiddenKey(t)
	enc := encryptArmored(t, "the secret plan\n", nil, f.sam)
	encSigned := encryptArmored(t, "signed secret\n", sam, f.sam)
	signed := string(clearsignWith(t, sam, "Hello Sam,\n- dash line\n"))
	cases := []struct {
		name    string
		from    string
		text    string
		html    bool
		want    []seg // nil: the text is shown as it is
		notText string
	}{
		{"no block", samAddr, "just text\n", false, nil, ""},
		{"only a public key", samAddr, "my key:\n" + "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n", false, nil, ""},
		{"signed block between unsigned text", samAddr, "Wire money to X.\n" + signed + "PS: unsigned\n", false, []seg{
			{SegmentPlain, "Wire money to X.", "", ""}, {SegmentSigned, "- dash line", "valid", ""}, {SegmentPlain, "PS: unsigned", "", ""}}, ""},
		{"signed block by someone else than the sender", "bob@example.org", "Hi\n" + signed, false, []seg{
			{SegmentPlain, "Hi", "", ""}, {SegmentSigned, "Hello Sam", "not valid", string(verdict.ReasonFromMismatch)}}, ""},
		{"altered signed text", samAddr, "Hi\n" + strings.Replace(signed, "Hello Sam", "Hello Eve", 1), false, []seg{
			{SegmentPlain, "Hi", "", ""}, {SegmentSigned, "Hello Eve", "not valid", string(verdict.ReasonBadSignature)}}, ""},
		{"encrypted block between unencrypted text", samAddr, "Before.\r\n" + enc + "After.\r\n", false, []seg{
			{SegmentPlain, "Before.", "", ""}, {SegmentDecrypted, "the secret plan", "", ""}, {SegmentPlain, "After.", "", ""}}, "-----BEGIN PGP MESSAGE-----"},
		{"encrypted and signed block", samAddr, "Note:\n" + encSigned, false, []seg{
			{SegmentPlain, "Note:", "", ""}, {SegmentDecrypted, "signed secret", "valid", ""}}, ""},
		{"two encrypted blocks stay apart", samAddr, enc + "\nmiddle\n" + enc, false, []seg{
			{SegmentDecrypted, "the secret plan", "", ""}, {SegmentPlain, "middle", "", ""}, {SegmentDecrypted, "the secret plan", "", ""}}, ""},
		{"block for someone else", samAddr, "Hi\n" + encryptArmored(t, "not for sam\n", nil, hidden), false, []seg{
			{SegmentPlain, "Hi", "", ""}, {SegmentUnopened, "", "", string(verdict.DecryptNoKey)}}, "not for sam"},
		{"cut-off block", samAddr, "Hi\n" + enc[:len(enc)/2], false, []seg{
			{SegmentPlain, "Hi", "", ""}, {SegmentUnopened, "", "", string(verdict.DecryptDamaged)}}, "-----BEGIN PGP MESSAGE-----"},
		{"damaged block, then a good one", samAddr, "-----BEGIN PGP MESSAGE-----\n\n!!!!\n-----END PGP MESSAGE-----\nthen\n" + enc, false, []seg{
			{SegmentUnopened, "", "", string(verdict.DecryptDamaged)}, {SegmentPlain, "then", "", ""}, {SegmentDecrypted, "the secret plan", "", ""}}, "!!!!"},
		{"cut-off key, then an encrypted block", samAddr, "-----BEGIN PGP PUBLIC KEY BLOCK-----\nxx\n" + enc, false, []seg{
			{SegmentPlain, "PUBLIC KEY", "", ""}, {SegmentDecrypted, "the secret plan", "", ""}}, "-----BEGIN PGP MESSAGE-----"},
		{"block in html", samAddr, "<p>Hello</p><p>" + strings.ReplaceAll(enc, "\n", "<br>\n") + "</p>", true, []seg{
			{SegmentPlain, "Hello", "", ""}, {SegmentDecrypted, "the secret plan", "", ""}}, "<br>"},
	}
	eng := NewEngine(samKeyring(t, f))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := gpgDated(mkMail(c.from, samAddr, "s", "text/plain; charset=utf-8", "x\n"))
			sp, err := eng.InlineSplitter(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			got := sp.Split(c.text, c.html, "utf-8")
			if c.want == nil {
				if got != nil {
					t.Fatalf("segments %+v, want none", got)
				}
				return
			}
			assertSegments(t, got, c.want)
			for i, g := range got {
				if g.Kind == SegmentUnopened && (g.Text != "" || g.Encryption.Comment == "") {
					t.Errorf("segment %d: unopened with text %q, comment %q", i, g.Text, g.Encryption.Comment)
				}
				if g.Kind == SegmentDecrypted && !g.Encryption.Success {
					t.Errorf("segment %d: decrypted without success", i)
				}
				if c.notText != "" && strings.Contains(g.Text, c.notText) {
					t.Errorf("segment %d shows %q: %q", i, c.notText, g.Text)
				}
			}
			// The message as a whole: never a valid signature nor a
			// successful decryption when unprotected text surrounds a block.
			ctype := "text/plain; charset=utf-8"
			if c.html {
				ctype = "text/html; charset=utf-8"
			}
			p, err := eng.Process(gpgDated(mkMail(c.from, samAddr, "s", ctype, c.text)), ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if p.Result.Sign.Success || p.Result.Encryption.Success {
				t.Errorf("partly protected message judged whole: %+v", p.Result)
			}
		})
	}
}

// TestInlineSplitGnuPG: blocks made by GnuPG, among unprotected text.
func TestInlineSplitGnuPG(t *testing.T) {
	f := needGPG(t)
	gpgOut := func(stdin string, args ...string) string {
		out, err := f.gpg([]byte(stdin), args...)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	alice := []string{"--passphrase", alicePass, "-u", aliceAddr}
	cases := []struct {
		name string
		text string
		want []seg
	}{
		{"clearsigned by alice, text added", "Added by anyone.\n" + gpgOut("Hello Sam\n", append(alice, "--clearsign")...), []seg{
			{SegmentPlain, "Added by anyone.", "", ""}, {SegmentSigned, "Hello Sam", "valid", ""}}},
		{"encrypted and signed by alice, text added", gpgOut("secret text\n", append(alice, "--armor", "-r", samAddr, "--sign", "--encrypt")...) + "\n-- \nfooter\n", []seg{
			{SegmentDecrypted, "secret text", "valid", ""}, {SegmentPlain, "footer", "", ""}}},
		{"no MDC (rfc2440)", "Hi\n" + gpgOut("old secret\n", "--rfc2440", "--cipher-algo", "AES", "--armor", "-r", samAddr, "--encrypt"), []seg{
			{SegmentPlain, "Hi", "", ""}, {SegmentUnopened, "", "", string(verdict.DecryptNotProtected)}}},
		{"signer key unknown", "Hi\n" + gpgOut("from eve\n", "-u", eveAddr, "--clearsign"), []seg{
			{SegmentPlain, "Hi", "", ""}, {SegmentSigned, "from eve", "not valid", string(verdict.ReasonNoPublicKey)}}},
	}
	eng := NewEngine(samKeyring(t, f, aliceAddr))
	sp, err := eng.InlineSplitter(gpgDated(mkMail(aliceAddr, samAddr, "s", "text/plain", "x\n")), ProcessOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sp.Split(c.text, false, "utf-8")
			assertSegments(t, got, c.want)
			for _, g := range got {
				if g.Kind == SegmentUnopened && strings.Contains(g.Text, "old secret") {
					t.Error("plaintext of a block without integrity protection released")
				}
			}
		})
	}
}

// FuzzInlineSplit: whatever the text, plain segments are text as sent
// (never decrypted content merged in), unopened blocks carry no text and
// say why, and decrypted ones only come from a successful decryption.
func FuzzInlineSplit(f *testing.F) {
	fx := getSam(f)
	sam := mustUnlock(f, fx.sam)
	enc := encryptArmored(f, "fuzz secret\n", sam, fx.sam)
	f.Add("before\n"+enc+"after\n", false)
	f.Add("x\n"+string(clearsignWith(f, sam, "signed\n"))+"y\n", false)
	f.Add("<p>"+strings.ReplaceAll(enc, "\n", "<br>")+"</p>", true)
	f.Add(enc[:len(enc)/2], false)
	f.Add("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nno signature\n", false)
	f.Add("-----BEGIN PGP PUBLIC KEY BLOCK-----\nxx\n-----BEGIN PGP MESSAGE-----\n\n!!\n-----END PGP MESSAGE-----\n", false)
	eng := NewEngine(samKeyring(f, fx))
	sp, err := eng.InlineSplitter(mkMail(samAddr, samAddr, "s", "text/plain", "x\n"), ProcessOptions{Now: testNow})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, html bool) {
		segs := sp.Split(text, html, "utf-8")
		if segs == nil {
			return
		}
		norm := strings.ReplaceAll(text, "\r\n", "\n")
		for i, s := range segs {
			switch s.Kind {
			case SegmentPlain:
				if strings.TrimSpace(s.Text) == "" {
					t.Fatalf("segment %d: empty plain segment", i)
				}
				if !html && !strings.Contains(norm, s.Text) {
					t.Fatalf("segment %d: plain text %q is not from the input", i, s.Text)
				}
				if strings.Contains(s.Text, "fuzz secret") && !strings.Contains(norm, "fuzz secret") {
					t.Fatalf("segment %d: decrypted text merged into plain text", i)
				}
			case SegmentUnopened:
				if s.Text != "" || s.Encryption.Comment == "" || s.Encryption.Success {
					t.Fatalf("segment %d: unopened %+v", i, s)
				}
			case SegmentDecrypted:
				if !s.Encryption.Success || s.Encryption.Key == "" {
					t.Fatalf("segment %d: decrypted %+v", i, s)
				}
			case SegmentSigned:
				if !s.Signed {
					t.Fatalf("segment %d: signed segment without a verdict", i)
				}
			default:
				t.Fatalf("segment %d: kind %q", i, s.Kind)
			}
		}
	})
}

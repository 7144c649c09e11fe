package pgp

import (
	"encoding/base64"
	"mime"
	"strings"

	nettextproto "net/textproto"

	"github.com/emersion/go-message/charset"
	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
)

// protectedNames are the header fields taken from inside the protection
// (RFC 9788 section 2.1 lists what a sender protects).
var protectedNames = []string{"Subject", "From", "To", "Cc", "Date", "Reply-To", "Message-Id", "In-Reply-To", "References", "Followup-To", "Keywords"}

// protectedHeaders reads the header fields of the protected payload: RFC
// 9788 marks it with hp="cipher" (or "clear" for signed-only mail), the
// earlier draft with protected-headers="v1".
func (s *state) protectedHeaders(e *mimepart.Entity) {
	if e.Params["protected-headers"] == "" && e.Params["hp"] == "" {
		return
	}
	h := map[string]string{}
	for _, n := range protectedNames {
		if v := e.Header.Get(n); v != "" {
			h[nettextproto.CanonicalMIMEHeaderKey(n)] = decodeWords(v)
		}
	}
	if len(h) == 0 {
		return
	}
	s.p.ProtectedHeaders = h
	s.p.ProtectedSubject = h["Subject"]
}

func decodeWords(v string) string {
	d := mime.WordDecoder{CharsetReader: charset.Reader}
	if out, err := d.DecodeHeader(v); err == nil {
		return out
	}
	return v
}

// stripLegacyDisplay removes the legacy display part (RFC 9788 section
// 2.3: a text/plain part with hp-legacy-display="1"; the draft marked it
// protected-headers="v1") from the text: the protected headers are shown
// by the UI instead.
func stripLegacyDisplay(text string, e *mimepart.Entity) string {
	if !strings.HasPrefix(e.MediaType, "multipart/") {
		return text
	}
	kids := children(e)
	if len(kids) == 0 {
		return text
	}
	first := kids[0]
	if first.MediaType != "text/plain" || (first.Params["hp-legacy-display"] != "1" && first.Params["protected-headers"] == "") {
		return text
	}
	legacy := mimepart.ReadableText(first)
	if legacy != "" && strings.HasPrefix(text, legacy) {
		return strings.TrimLeft(text[len(legacy):], "\n")
	}
	return text
}

// autocryptKeys reads Autocrypt headers (Autocrypt Level 1, section 2.1):
// "addr=...; [prefer-encrypt=mutual;] keydata=BASE64". As the
// specification says, a header whose addr is not the From address, or
// with an unknown critical attribute, is ignored, and so are all of them
// when there is more than one valid header.
func autocryptKeys(values []string, from string) []FoundKey {
	var found []FoundKey
	for _, v := range values {
		attrs := map[string]string{}
		ok := true
		for _, a := range strings.Split(v, ";") {
			k, val, has := strings.Cut(strings.TrimSpace(a), "=")
			if !has {
				continue
			}
			k = strings.ToLower(strings.TrimSpace(k))
			switch {
			case k == "addr" || k == "prefer-encrypt" || k == "keydata":
				attrs[k] = strings.TrimSpace(val)
			case strings.HasPrefix(k, "_"):
			default:
				ok = false // unknown critical attribute
			}
		}
		addr := strings.ToLower(attrs["addr"])
		if !ok || addr == "" || attrs["keydata"] == "" || addr != from {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(string(mimepart.StripSpace([]byte(attrs["keydata"]))))
		if err != nil {
			continue
		}
		keys, err := ParseKeys(data)
		if err != nil || len(keys) != 1 || keys[0].Secret {
			continue
		}
		fk := FoundKey{Source: "autocrypt", Address: addr, Key: keys[0]}
		if attrs["prefer-encrypt"] == "mutual" {
			fk.PreferEncrypt = "mutual"
		}
		if !keys[0].HasEmail(addr) {
			fk.Warning = "the key does not carry the address " + addr
		}
		found = append(found, fk)
	}
	if len(found) > 1 {
		return nil
	}
	return found
}

// attachedKey collects the keys of an application/pgp-keys part (RFC 3156
// section 7) or of a key file attached to the message.
func (s *state) attachedKey(e *mimepart.Entity) {
	body, _ := e.DecodedBody()
	s.foundKey("attachment", body)
}

func (s *state) foundKey(source string, data []byte) {
	keys, err := ParseKeys(data)
	if err != nil {
		return
	}
	for _, k := range keys {
		if k.Secret {
			// Never collect secret keys from mail; offer the public half.
			pub, err := k.Public()
			if err != nil {
				continue
			}
			k = pub
		}
		s.p.FoundKeys = append(s.p.FoundKeys, FoundKey{Source: source, Key: k})
	}
}

// autocryptHeader builds our Autocrypt header value (Autocrypt Level 1,
// section 2.1), folded for the header.
func autocryptHeader(addr string, k *Key, mutual bool) (string, error) {
	pub, err := k.PublicBytes()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("addr=" + addr + ";")
	if mutual {
		b.WriteString(" prefer-encrypt=mutual;")
	}
	b.WriteString(" keydata=")
	enc := base64.StdEncoding.EncodeToString(pub)
	for len(enc) > 0 {
		n := min(76, len(enc))
		b.WriteString("\r\n " + enc[:n])
		enc = enc[n:]
	}
	return b.String(), nil
}

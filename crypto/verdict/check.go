package verdict

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// CheckKind names one step of a signature's verification. Both engines
// emit the same kinds; certificate is S/MIME's, key OpenPGP's.
type CheckKind string

const (
	CheckStructure   CheckKind = "structure"    // the signature's form: parts, SignedData, what it covers
	CheckCertificate CheckKind = "certificate"  // S/MIME: the signer's certificate was found
	CheckKey         CheckKind = "key"          // OpenPGP: the signer's public key was found
	CheckDigest      CheckKind = "digest"       // the content's digest and its algorithm
	CheckSignature   CheckKind = "signature"    // the signature value, with the signer's key
	CheckKeySize     CheckKind = "key_size"     // the signer's key is strong enough
	CheckValidity    CheckKind = "validity"     // the certificate or key is valid now
	CheckChain       CheckKind = "chain"        // S/MIME: a chain to a trust anchor
	CheckKeyUsage    CheckKind = "key_usage"    // S/MIME: the certificate may sign e-mail
	CheckFrom        CheckKind = "from"         // the signer proves the From address
	CheckSigningTime CheckKind = "signing_time" // signed within an hour of the Date header
)

// CheckKinds lists every CheckKind.
func CheckKinds() []CheckKind {
	return []CheckKind{CheckStructure, CheckCertificate, CheckKey, CheckDigest, CheckSignature, CheckKeySize,
		CheckValidity, CheckChain, CheckKeyUsage, CheckFrom, CheckSigningTime}
}

// Check is one step of a verification, for the details view and scripts.
// Decisions read Kind, Signer, Layer, OK and Reason; Detail is for people.
type Check struct {
	Kind CheckKind `json:"kind"`
	// Name is Label(), the check's name for people ("chain", "signer 2:
	// key usage", "inner signature 1: digest"). It is written when the
	// check is encoded to JSON (the details view shows it, `inspect
	// --json` always had it); nothing sets or reads it in Go.
	Name string `json:"name"`
	// Signer numbers the signer the check is about, from 1, when its
	// layer has several signers; 0 when it has one, or for a check of
	// the layer itself (structure).
	Signer int `json:"signer"`
	// Layer is the signature layer: 0 the outermost (the message's
	// signature), 1 the first signature inside it, and so on (nested
	// S/MIME signatures).
	Layer  int    `json:"layer"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	// Reason codes why a failed check fails; empty when OK.
	Reason Reason `json:"reason,omitempty"`
}

// Label names the check for people: its kind, after the signer and the
// layer it belongs to when there are several.
func (c Check) Label() string {
	name := strings.ReplaceAll(string(c.Kind), "_", " ")
	if c.Signer > 0 {
		name = fmt.Sprintf("signer %d: %s", c.Signer, name)
	}
	if c.Layer > 0 {
		name = fmt.Sprintf("inner signature %d: %s", c.Layer, name)
	}
	return name
}

// checkJSON is Check without its methods, for decoding.
type checkJSON Check

// MarshalJSON writes the check with Name as Label(), byte for byte as
// encoding/json writes checkJSON (TestCheckJSONAsReflection and
// FuzzCheckJSON hold the two equal). It is written by hand: a result holds
// several checks, the store encodes a result for every article it
// processes, and json.Marshal's reflection over each check was a large
// part of that (README, Benchmarks).
func (c Check) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 96+2*len(c.Kind)+len(c.Detail)+len(c.Reason))
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, string(c.Kind))
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.Label())
	b = append(b, `,"signer":`...)
	b = strconv.AppendInt(b, int64(c.Signer), 10)
	b = append(b, `,"layer":`...)
	b = strconv.AppendInt(b, int64(c.Layer), 10)
	b = append(b, `,"ok":`...)
	b = strconv.AppendBool(b, c.OK)
	if c.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendJSONString(b, c.Detail)
	}
	if c.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, string(c.Reason))
	}
	return append(b, '}'), nil
}

// appendJSONString appends s as a JSON string as encoding/json writes it:
// as it is when it is printable ASCII that json.Marshal leaves alone
// (codes, fingerprints, most details), else through json.Marshal, which
// escapes quotes, controls and HTML characters and repairs broken UTF-8.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// UnmarshalJSON reads a check. A check stored before kinds existed has
// only its name, in which the signer and layer were written ("inner
// signature 1: signer 2: key usage"): they are read back from it once
// here, so that stored results decide by kind like new ones.
func (c *Check) UnmarshalJSON(b []byte) error {
	var v checkJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Check(v)
	if c.Kind == "" && c.Name != "" {
		c.Kind, c.Signer, c.Layer = legacyName(c.Name)
		if !c.OK && c.Reason == "" {
			c.Reason = legacyReasons[c.Kind]
		}
	}
	return nil
}

// legacyReasons are the reasons of failed checks stored before every
// failed check had one (only the sender and date checks did): what the
// check of each kind most often failed for, as the warnings of that time
// said.
var legacyReasons = map[CheckKind]Reason{
	CheckStructure: ReasonPartial, CheckCertificate: ReasonNoCertificate, CheckKey: ReasonNoPublicKey,
	CheckDigest: ReasonContentAltered, CheckSignature: ReasonBadSignature, CheckKeySize: ReasonWeakKey,
	CheckValidity: ReasonExpired, CheckChain: ReasonUntrusted, CheckKeyUsage: ReasonKeyUsage,
	CheckFrom: ReasonFromMismatch, CheckSigningTime: ReasonDateMismatch,
}

// legacyName parses a check name written before kinds existed. A name it
// does not know yields no kind.
func legacyName(name string) (CheckKind, int, int) {
	var signer, layer int
	if n, err := fmt.Sscanf(name, "inner signature %d: ", &layer); err == nil && n == 1 {
		name = name[strings.Index(name, ": ")+2:]
	}
	if n, err := fmt.Sscanf(name, "signer %d: ", &signer); err == nil && n == 1 {
		name = name[strings.Index(name, ": ")+2:]
	}
	k := CheckKind(strings.ReplaceAll(name, " ", "_"))
	for _, known := range CheckKinds() {
		if k == known {
			return k, signer, layer
		}
	}
	return "", 0, 0
}

// CheckCodes reports the first way r breaks the contract of its codes:
// every check has a kind, every failed check a reason, a signature that
// is not valid a Reason, a failed decryption a Failure. Engines' tests
// and fuzz targets hold every result to it.
func (r Result) CheckCodes() error {
	for i, c := range r.Sign.Checks {
		switch {
		case c.Kind == "":
			return fmt.Errorf("verdict: check %d (%s) has no kind", i, c.Detail)
		case !c.OK && c.Reason == "":
			return fmt.Errorf("verdict: failed check %d (%s: %s) has no reason", i, c.Kind, c.Detail)
		case c.OK && c.Reason != "":
			return fmt.Errorf("verdict: passed check %d (%s) has reason %s", i, c.Kind, c.Reason)
		}
	}
	if r.Signed && !r.Sign.Success && r.Sign.Reason == "" {
		return fmt.Errorf("verdict: signature not valid without a reason: %s", r.Sign.Comment)
	}
	if r.Sign.Success && r.Sign.Reason != "" {
		return fmt.Errorf("verdict: valid signature with reason %s", r.Sign.Reason)
	}
	if r.Encrypted && !r.Encryption.Success && r.Encryption.Failure == "" {
		return fmt.Errorf("verdict: decryption failed without a failure code: %s", r.Encryption.Comment)
	}
	if r.Encryption.Success && r.Encryption.Failure != "" {
		return fmt.Errorf("verdict: decryption succeeded with failure %s", r.Encryption.Failure)
	}
	return nil
}

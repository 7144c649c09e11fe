package security

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// layerEngine is a test Engine that claims the outer layer of a message
// carrying X-Test-Outer, leaves its body closed as an inner layer, and
// records the layers it was asked about.
type layerEngine struct {
	asked   []int
	decline bool
}

func (e *layerEngine) Technology() verdict.Technology { return "TEST" }
func (e *layerEngine) Enabled(Integrations) bool      { return true }
func (e *layerEngine) Detect(l *Layer) (bool, error) {
	e.asked = append(e.asked, l.Depth)
	return bytes.HasPrefix(l.Raw, []byte("X-Test-Outer:")), nil
}
func (e *layerEngine) Process(_ *keySet, l *Layer, _ time.Time, _ bool) (*processed, error) {
	if e.decline {
		return nil, nil
	}
	_, inner, _ := bytes.Cut(l.Raw, []byte("\r\n\r\n"))
	return &processed{Result: verdict.Result{Type: "TEST", Signed: true}, Entity: l.Raw, Inner: inner}, nil
}
func (e *layerEngine) Sealer(context.Context, SealRequest) (*sealer, error) { return nil, nil }
func (e *layerEngine) Judge(context.Context, SealRequest) (*judge, error)   { return nil, nil }

// TestWalkAsksEnginesPerLayer pins the walk issue 12 builds on: the engine
// that claims the outer layer is not asked to open what it left closed;
// every engine is asked about the inner layer, and the one that claims it
// (here OpenPGP, which reads plain mail) processes it. An engine that
// claims a layer and hands it back leaves it to the next.
func TestWalkAsksEnginesPerLayer(t *testing.T) {
	f := newFixture(t)
	d := f.svc.Processing.deps
	fake := &layerEngine{}
	d.engines = []Engine{fake, d.engine(verdict.TechPGP)}
	inner := "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: inner\r\n\r\nHello.\r\n"
	ks := d.keySet(f.ctx)
	defer ks.Release()
	p, err := ks.process([]byte("X-Test-Outer: yes\r\n\r\n"+inner), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.Result.Type != "TEST" || p.Inside == nil || p.Inside.Result.Type != verdict.TechNone {
		t.Fatalf("outer %q, inside %+v: want TEST over a plain inner layer", p.Result.Type, p.Inside)
	}
	if !bytes.Equal(p.Inside.Entity, []byte(inner)) {
		t.Fatalf("inner entity %q", p.Inside.Entity)
	}
	if len(fake.asked) != 2 || fake.asked[0] != 0 || fake.asked[1] != 1 {
		t.Fatalf("the test engine was asked about layers %v, want [0 1]", fake.asked)
	}

	fake.decline = true
	p, err = ks.process([]byte("X-Test-Outer: yes\r\n\r\n"+inner), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.Result.Type != verdict.TechNone || p.Inside != nil {
		t.Fatalf("declined layer: got %q, inside %v; want the OpenPGP engine's TechNone", p.Result.Type, p.Inside)
	}
}

// TestArticleReportsTheInsideOfAnOuterSignature pins how a walk's layers
// make the article's result (issue 12): a layer that is only a signature
// around an encryption (OuterSignature, Inner) reports its inside, the
// signature kept as OuterSignature; an inside that cannot be read leaves
// the outer layer, which says nothing is signed.
func TestArticleReportsTheInsideOfAnOuterSignature(t *testing.T) {
	outer := &verdict.OuterSignature{Type: "TEST", Sign: verdict.SignResult{Success: true}}
	wrapping := processed{Result: verdict.Result{Type: "TEST", Encrypted: true, OuterSignature: outer}, Inner: []byte("x")}
	inside := &processed{Result: verdict.Result{Type: verdict.TechPGP, Encrypted: true, Encryption: verdict.EncryptionResult{Success: true}}, Text: "inner text"}

	p := wrapping
	p.Inside = inside
	a := p.article()
	if a.Result.Type != verdict.TechPGP || a.Result.Signed || !a.Result.Encryption.Success || a.Result.OuterSignature != outer || a.Text != "inner text" {
		t.Fatalf("article %+v", a)
	}
	if inside.Result.OuterSignature != nil {
		t.Fatal("article changed the inner outcome")
	}
	p.Inside = nil
	if a := p.article(); a.Result.Signed || !a.Result.Encrypted || a.Result.Encryption.Success || a.Result.OuterSignature != outer {
		t.Fatalf("unread inside: %+v", a.Result)
	}
	// Without an outer signature an inner layer does not replace the outer.
	p = processed{Result: verdict.Result{Type: "TEST", Signed: true}, Inside: inside}
	if a := p.article(); a.Result.Type != "TEST" {
		t.Fatalf("layer without an outer signature reported its inside: %+v", a.Result)
	}
}

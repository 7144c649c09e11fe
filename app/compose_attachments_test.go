package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// attachmentBytes is a file's content that is easy to spot in a request
// or a database file, in the clear or in base64.
var attachmentBytes = bytes.Repeat([]byte("ATTACHED-PDF-CONTENT "), 12<<10) // 252 KiB

// TestComposeAutosaveCarriesNoAttachmentBytes: the composer autosaves the
// draft 1.5 s after each keystroke. The autosave request (DraftMessage)
// has no field that could carry an attachment's content, so a draft with
// a 252 KiB attachment autosaves in well under a kilobyte, and the sealed
// row it rewrites stays that small too.
func TestComposeAutosaveCarriesNoAttachmentBytes(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf(DraftMessage{}), reflect.TypeOf(SendRequest{})} {
		if path, ok := bytesField(typ, typ.Name()); ok {
			t.Errorf("%s can carry content: %s", typ.Name(), path)
		}
	}

	f := newCompose(t, smtptest.Options{})
	d, err := f.c.SaveDraft(DraftMessage{Mode: "new", From: "support@desk.test", To: []string{"ann@example.org"}, Subject: "Invoice", Text: "See attached.", Technology: "S/MIME"})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := f.c.AddAttachment(AddAttachmentRequest{DraftID: d.ID, Name: "invoice.pdf", ContentType: "application/pdf", Data: base64.StdEncoding.EncodeToString(attachmentBytes)})
	if err != nil || ref.ID == 0 || ref.Size != len(attachmentBytes) || ref.Name != "invoice.pdf" {
		t.Fatalf("add: %+v, %v", ref, err)
	}
	d.Attachments = []AttachmentRef{ref}
	d.Text += " And one more line."
	req, err := json.Marshal(d) // what the web view sends on each autosave
	if err != nil {
		t.Fatal(err)
	}
	if len(req) > 1024 {
		t.Errorf("an autosave sends %d bytes for a draft with a %d-byte attachment:\n%.300s", len(req), len(attachmentBytes), req)
	}
	saved, err := f.c.SaveDraft(d)
	if err != nil || len(saved.Attachments) != 1 || saved.Attachments[0] != ref {
		t.Fatalf("save: %+v, %v", saved.Attachments, err)
	}
	row, err := f.c.p.Store.Draft(f.ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(row.Sealed) > 1024 {
		t.Errorf("an autosave re-sealed %d bytes", len(row.Sealed))
	}
}

// bytesField finds a field of typ (or of the structs it holds) that holds
// bytes: a []byte, or a string named like content (Data, Content, Raw).
func bytesField(typ reflect.Type, path string) (string, bool) {
	switch typ.Kind() {
	case reflect.Slice, reflect.Array, reflect.Pointer, reflect.Map:
		if typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Uint8 {
			return path, true
		}
		return bytesField(typ.Elem(), path+"[]")
	case reflect.Struct:
		for i := range typ.NumField() {
			sf := typ.Field(i)
			switch sf.Name {
			case "Data", "Content", "Raw":
				return path + "." + sf.Name, true
			}
			if p, ok := bytesField(sf.Type, path+"."+sf.Name); ok {
				return p, true
			}
		}
	}
	return "", false
}

// TestComposeDraftAttachmentsLiveWithTheDraft: an attachment is stored
// sealed with its draft, listed when the draft opens after a restart,
// sent from the store, and goes with the draft.
func TestComposeDraftAttachmentsLiveWithTheDraft(t *testing.T) {
	ctx := context.Background()
	dir, kc := t.TempDir(), keystore.NewMemory(0)
	open := func() *Compose {
		p, err := profile.Open(ctx, profile.Options{Dir: dir, Keychain: kc})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return &Compose{p: p}
	}
	c := open()
	d, err := c.SaveDraft(DraftMessage{Mode: "new", Subject: "Contract", Technology: "S/MIME"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAttachment(AddAttachmentRequest{Name: "x.txt", Data: "eA=="}); code(err) != CodeInvalid {
		t.Fatalf("attaching to an unsaved draft: %v", err)
	}
	if _, err := c.AddAttachment(AddAttachmentRequest{DraftID: d.ID, Name: "x.txt", Data: "not base64!"}); code(err) != CodeInvalid {
		t.Fatalf("bad base64: %v", err)
	}
	if _, err := c.AddAttachment(AddAttachmentRequest{DraftID: 999, Name: "x.txt", Data: "eA=="}); code(err) != CodeNotFound {
		t.Fatalf("no such draft: %v", err)
	}
	keep, err := c.AddAttachment(AddAttachmentRequest{DraftID: d.ID, Name: "contract.pdf", ContentType: "application/pdf", Data: base64.StdEncoding.EncodeToString(attachmentBytes)})
	if err != nil {
		t.Fatal(err)
	}
	drop, err := c.AddAttachment(AddAttachmentRequest{DraftID: d.ID, Name: "old.pdf", ContentType: "application/pdf", Data: "eA=="})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAttachment(AttachmentRequest{DraftID: d.ID, ID: drop.ID}); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAttachment(AttachmentRequest{DraftID: d.ID, ID: drop.ID}); code(err) != CodeNotFound {
		t.Fatalf("second remove: %v", err)
	}
	other, err := c.SaveDraft(DraftMessage{Mode: "new", Subject: "Other", Technology: "S/MIME"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAttachment(AttachmentRequest{DraftID: other.ID, ID: keep.ID}); code(err) != CodeNotFound {
		t.Fatalf("removing another draft's attachment: %v", err)
	}
	// Neither the content nor the file name is in the database in the clear.
	files, _ := filepath.Glob(filepath.Join(c.p.Store.Dir(), store.FileName+"*"))
	for _, name := range files {
		b, _ := os.ReadFile(name)
		if bytes.Contains(b, []byte("ATTACHED-PDF-CONTENT")) || bytes.Contains(b, []byte("contract.pdf")) {
			t.Fatalf("%s holds the attachment in the clear", name)
		}
	}
	c.p.Close()

	c = open() // a restart
	got, err := c.OpenDraft(DraftRequest{ID: d.ID})
	if err != nil || len(got.Attachments) != 1 || got.Attachments[0] != keep {
		t.Fatalf("after a restart: %+v, %v", got.Attachments, err)
	}
	atts, err := c.sendAttachments(ctx, got)
	if err != nil || len(atts) != 1 || !bytes.Equal(atts[0].Data, attachmentBytes) || atts[0].Name != "contract.pdf" || atts[0].ContentType != "application/pdf" {
		t.Fatalf("what Send reads: %d, %v", len(atts), err)
	}
	// A reference to another draft's attachment is not sent.
	other.Attachments = got.Attachments
	if _, err := c.sendAttachments(ctx, other); code(err) != CodeInvalid {
		t.Fatalf("sending another draft's attachment: %v", err)
	}
	// A sealed attachment moved to another draft does not open (AAD).
	if _, err := c.p.Store.DB().Exec(`UPDATE draft_attachments SET draft_id = ? WHERE id = ?`, other.ID, keep.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenDraft(DraftRequest{ID: other.ID}); code(err) != CodeInternal {
		t.Fatalf("moved attachment: %v", err)
	}
	if err := c.DeleteDraft(DraftRequest{ID: other.ID}); err != nil {
		t.Fatal(err)
	}
	if rows, err := c.p.Store.DraftAttachments(ctx, other.ID); err != nil || len(rows) != 0 {
		t.Fatalf("attachments outlived their draft: %d, %v", len(rows), err)
	}
}

// TestComposeOpensDraftsWithInlineAttachments: a draft saved before
// attachments had rows of their own held them in its sealed JSON. It
// opens with them moved to the store, and its sealed JSON no longer
// carries them.
func TestComposeOpensDraftsWithInlineAttachments(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	old := `{"mode":"new","from":"support@desk.test","to":["ann@example.org"],"subject":"Old","text":"x","technology":"S/MIME",` +
		`"attachments":[{"name":"old.pdf","content_type":"application/pdf","data":"` + base64.StdEncoding.EncodeToString(attachmentBytes) + `","size":5}]}`
	row, err := f.c.drafts().Save(f.ctx, store.Draft{Mode: "new"}, json.RawMessage(old))
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.c.OpenDraft(DraftRequest{ID: row.ID})
	if err != nil || len(d.Attachments) != 1 || d.Attachments[0].Name != "old.pdf" || d.Attachments[0].Size != len(attachmentBytes) || d.Subject != "Old" {
		t.Fatalf("old draft: %+v, %v", d, err)
	}
	again, err := f.c.OpenDraft(DraftRequest{ID: row.ID})
	if err != nil || len(again.Attachments) != 1 || again.Attachments[0] != d.Attachments[0] {
		t.Fatalf("opened twice: %+v, %v", again.Attachments, err)
	}
	after, err := f.c.p.Store.Draft(f.ctx, row.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Sealed) > 1024 {
		t.Errorf("the old draft still seals %d bytes", len(after.Sealed))
	}
	v, err := f.c.Send(SendRequest{SendID: "old", Draft: d})
	if err != nil || v.Status != store.OutboxSent {
		t.Fatalf("send: %+v, %v", v, err)
	}
	msgs := f.srv.Messages()
	if len(msgs) != 1 || !bytes.Contains(msgs[0].Data, []byte(base64.StdEncoding.EncodeToString(attachmentBytes[:57]))) {
		t.Fatalf("the attachment did not go out")
	}
	if _, err := f.c.p.Store.DraftAttachmentData(f.ctx, row.ID, d.Attachments[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the attachment outlived the sent draft: %v", err)
	}
}

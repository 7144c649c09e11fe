package app

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/mime"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// Tickets is the bound service behind the ticket list and the ticket view.
type Tickets struct {
	p          *profile.Profile
	sec        *security.Processing
	mb         *mailbox.Service
	emit       Emitter
	saveDialog func(SaveRequest) (string, error)
	// openURL hands a web address to the system's browser.
	openURL func(string) error
}

// TicketRequest names a ticket.
type TicketRequest struct {
	ID int64 `json:"id"`
}

// ArticleRequest names an article.
type ArticleRequest struct {
	ArticleID int64 `json:"article_id"`
}

// ContentRequest asks for an article's content; LoadRemote is the agent's
// choice for this message only.
type ContentRequest struct {
	ArticleID  int64 `json:"article_id"`
	LoadRemote bool  `json:"load_remote"`
}

// SaveAttachmentRequest names one attachment of an article's content.
type SaveAttachmentRequest struct {
	ArticleID int64 `json:"article_id"`
	Index     int   `json:"index"`
}

// SetStateRequest moves a ticket to one of store.TicketStates; Until is a
// pending ticket's reminder date (YYYY-MM-DD, "" for none).
type SetStateRequest struct {
	ID    int64             `json:"id"`
	State store.TicketState `json:"state"`
	Until string            `json:"until"`
}

// MarkReadRequest sets a ticket's unread mark.
type MarkReadRequest struct {
	ID   int64 `json:"id"`
	Read bool  `json:"read"`
}

// TicketView is a ticket with its articles, oldest first, and its history
// of state and owner changes (who changed what, when).
type TicketView struct {
	Ticket   store.Ticket         `json:"ticket"`
	Articles []ArticleView        `json:"articles"`
	History  []store.HistoryEntry `json:"history"`
}

// ArticleView is an article's header and security result with the
// warnings derived from it.
type ArticleView struct {
	Article  store.ArticleSummary `json:"article"`
	Warnings []security.Warning   `json:"warnings"`
	// Band is what the seal and the lock say in short, chosen by the
	// result's codes (security's wording table).
	Band security.Labels `json:"band"`
	// CanRetry: the security process failed ("Retry security process").
	CanRetry bool `json:"can_retry"`
}

// ArticleContent is what the mail frame shows, section by section:
// protected content is never merged with parts that were not.
type ArticleContent struct {
	ArticleID     int64            `json:"article_id"`
	Sections      []ContentSection `json:"sections"`
	RemoteBlocked int              `json:"remote_blocked"`
	LoadRemote    bool             `json:"load_remote"`
}

// ContentSection is one run of parts of one origin (mail/mime.Origin).
type ContentSection struct {
	Origin string `json:"origin"`
	// Label says in plain language what the agent may believe about it;
	// empty for a mail that has no protection at all.
	Label string `json:"label"`
	// Document is a complete HTML document for a sandboxed iframe's
	// srcdoc, with its Content-Security-Policy; "" when there is no text.
	Document      string            `json:"document"`
	RemoteBlocked int               `json:"remote_blocked"`
	Notices       []string          `json:"notices"`
	Attachments   []mime.Attachment `json:"attachments"`
	// Links are the section's links with their real destinations: the
	// sandboxed frame cannot open them, OpenLink can.
	Links []mime.Link `json:"links"`
}

// SaveAttachmentResult says where the attachment was saved; Cancelled when
// the agent closed the dialog.
type SaveAttachmentResult struct {
	Path      string `json:"path"`
	Cancelled bool   `json:"cancelled"`
}

// Recheckable counts failed articles that new key material may fix.
type Recheckable struct {
	Count int `json:"count"`
}

// List returns one page of tickets: the UI asks per visible window, never
// per row.
func (t *Tickets) List(q store.TicketQuery) (store.TicketPage, error) {
	page, err := t.p.Store.Tickets(context.Background(), q)
	if errors.Is(err, store.ErrBadFilter) {
		return page, invalid(err)
	}
	return page, err
}

// Get returns a ticket and its articles.
func (t *Tickets) Get(req TicketRequest) (TicketView, error) {
	ctx := context.Background()
	tk, err := t.p.Store.Ticket(ctx, req.ID)
	if err != nil {
		return TicketView{}, err
	}
	list, err := t.p.Store.TicketArticles(ctx, req.ID)
	if err != nil {
		return TicketView{}, err
	}
	v := TicketView{Ticket: tk, Articles: make([]ArticleView, 0, len(list))}
	for _, a := range list {
		v.Articles = append(v.Articles, articleView(a))
	}
	v.History, err = t.p.Store.TicketHistory(ctx, req.ID)
	return v, err
}

func articleView(a store.ArticleSummary) ArticleView {
	return ArticleView{Article: a, Warnings: security.Warnings(a.Security), Band: security.BandLabels(a.Security), CanRetry: a.Security.Failed() || a.Pending}
}

// Content returns an article's content as sandboxed HTML documents.
func (t *Tickets) Content(req ContentRequest) (ArticleContent, error) {
	out := ArticleContent{ArticleID: req.ArticleID, Sections: []ContentSection{}, LoadRemote: req.LoadRemote}
	d, err := t.sec.Display(context.Background(), req.ArticleID)
	if errors.Is(err, mime.ErrNotMIME) {
		// The article exists but cannot be read: say so in its place.
		out.Sections = append(out.Sections, ContentSection{Origin: string(mime.Unprotected), Notices: []string{
			"This message cannot be shown: " + strings.TrimPrefix(err.Error(), "mime: ") + "."}, Attachments: []mime.Attachment{}, Links: []mime.Link{}})
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, s := range d.Sections {
		r := mime.Render(s.Content, mime.RenderOptions{LoadRemote: req.LoadRemote})
		sec := ContentSection{Origin: string(s.Origin), Label: sectionLabel(s.Origin, d.Article.Security),
			Document: r.Document, RemoteBlocked: r.RemoteBlocked, Notices: s.Notices, Attachments: s.Attachments, Links: r.Links}
		if s.Label != "" { // an inline OpenPGP block carries its own verdict
			sec.Label = s.Label
		}
		if sec.Notices == nil {
			sec.Notices = []string{}
		}
		if sec.Attachments == nil {
			sec.Attachments = []mime.Attachment{}
		}
		out.RemoteBlocked += r.RemoteBlocked
		out.Sections = append(out.Sections, sec)
	}
	return out, nil
}

// sectionLabel says what a section's origin means for this article.
func sectionLabel(o mime.Origin, r verdict.Result) string {
	switch o {
	case mime.Protected:
		var what []string
		if r.Encrypted && r.Encryption.Success {
			what = append(what, "decrypted")
		}
		if r.Signed && r.Sign.Success {
			what = append(what, "signature valid")
		} else if r.Signed {
			what = append(what, "signature NOT valid")
		}
		if len(what) == 0 {
			return ""
		}
		return "Protected content: " + strings.Join(what, ", ")
	case mime.Unchecked:
		return "A signed part inside this message: its signature was not checked as the message's. Treat it as not signed."
	case mime.Unopened:
		return "Encrypted content that was not decrypted."
	}
	if r.Type == verdict.TechNone && !r.Signed && !r.Encrypted {
		return ""
	}
	return "Not protected: this part travelled outside the signature and encryption; anyone could have read or changed it."
}

// SaveAttachment writes one attachment to a file the agent picks in a
// native save dialog. Its bytes never pass through the web view.
func (t *Tickets) SaveAttachment(req SaveAttachmentRequest) (SaveAttachmentResult, error) {
	at, err := t.sec.Attachment(context.Background(), req.ArticleID, req.Index)
	if err != nil {
		return SaveAttachmentResult{}, err
	}
	path, err := t.saveDialog(SaveRequest{Title: "Save the attachment", Name: attachmentFileName(at.Name), Filter: "All files", Pattern: "*"})
	if err != nil || path == "" {
		return SaveAttachmentResult{Cancelled: err == nil}, err
	}
	if err := os.WriteFile(path, at.Data(), 0o600); err != nil {
		return SaveAttachmentResult{}, errors.New("the attachment could not be saved to " + path + ": " + err.Error())
	}
	return SaveAttachmentResult{Path: path}, nil
}

// attachmentFileName keeps a sender's file name from naming a directory
// or a hidden file.
func attachmentFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimLeft(strings.ReplaceAll(name, "\x00", ""), ". ")
	if name == "" {
		return "attachment"
	}
	return name
}

// RetryResult is the article a Retry ran over, as the ticket view shows
// it, and its ticket's row, whose security summary may have changed, for
// the ticket list to patch.
type RetryResult struct {
	Article ArticleView  `json:"article"`
	Ticket  store.Ticket `json:"ticket"`
}

// Retry runs the security process over one article again and returns
// that article and its ticket's row, not the ticket's other articles. No
// event: the view replaces the article and the list patches the row.
func (t *Tickets) Retry(req ArticleRequest) (RetryResult, error) {
	ctx := context.Background()
	if _, _, err := t.sec.Retry(ctx, req.ArticleID); err != nil {
		return RetryResult{}, err
	}
	a, ticketID, err := t.p.Store.ArticleSummary(ctx, req.ArticleID)
	if err != nil {
		return RetryResult{}, err
	}
	tk, err := t.p.Store.Ticket(ctx, ticketID)
	if err != nil {
		return RetryResult{}, err
	}
	return RetryResult{Article: articleView(a), Ticket: tk}, nil
}

// SetState moves a ticket to one of store.TicketStates through the team
// path (team.go): on an account with team records the change is published
// for the other agents.
func (t *Tickets) SetState(req SetStateRequest) (TicketChange, error) {
	return t.change(req.ID, func(ctx context.Context, number int64) (mailbox.ChangeResult, error) {
		return t.mb.SetTicketState(ctx, number, string(req.State), req.Until, mailbox.TeamOptions{})
	})
}

// MarkRead sets a ticket's unread mark. No event: the list patches its row.
func (t *Tickets) MarkRead(req MarkReadRequest) (store.Ticket, error) {
	ctx := context.Background()
	if err := t.p.Store.MarkTicketRead(ctx, req.ID, req.Read); err != nil {
		return store.Ticket{}, err
	}
	return t.p.Store.Ticket(ctx, req.ID)
}

// Recheckable counts failed articles that were judged before the newest
// certificate or key arrived (the banner "N articles can be checked again").
func (t *Tickets) Recheckable() (Recheckable, error) {
	n, err := t.p.Store.RecheckableArticles(context.Background())
	return Recheckable{Count: n}, err
}

// RetryFailed runs the security process again over every failed article.
func (t *Tickets) RetryFailed() (ArticlesRechecked, error) {
	n, err := t.sec.RecheckFailed(context.Background())
	if err != nil {
		return ArticlesRechecked{}, err
	}
	if n > 0 {
		t.emit.Emit(EventArticlesRechecked, ArticlesRechecked{Changed: n})
	}
	t.emit.Emit(EventTicketsChanged, struct{}{})
	return ArticlesRechecked{Changed: n}, nil
}

package security

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/charset"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/mimelimit"
	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/thread"
	"github.com/sealdesk/sealdesk/store"
)

// Processing runs the engines over received mail and stores what they
// found: Inspect (one message by hand), Retry and RecheckFailed (stored
// articles again), ProcessStored and ProcessStoredBatch (what the sync
// saved), and Display, Attachment and QuoteSource (the article view and
// the composer's quote, which unwrap without storing).
type Processing struct {
	*deps
	// found records the keys a processed message carries.
	found *FoundKeys
}

// Inspection is a processed incoming message as the agent sees it.
type Inspection struct {
	ArticleID int64          `json:"article_id"`
	Subject   string         `json:"subject"`
	From      string         `json:"from"`
	Security  verdict.Result `json:"security"`
	// Text is the readable plain text after decryption; what a signature
	// covers is said by Security.Sign.Success, never by the text.
	Text string `json:"text"`
	// Pending are the keys and certificates this message offered that were
	// not proposed before; they wait for the agent's decision.
	Pending []store.PendingKey `json:"pending"`
}

// InspectOptions tunes Inspect.
type InspectOptions struct {
	// At judges certificate validity as of this time; zero means the
	// service's clock.
	At time.Time
}

// Inspect processes one raw message as an incoming article: it runs the
// S/MIME or the OpenPGP engine (see process), stores the article (raw as
// received, metadata, result, decrypted content sealed with the store key),
// logs the verify and decrypt operations and proposes the keys the message
// carries (see proposeFound). A message already stored (same bytes) is
// processed again in place instead of stored twice. Only input that is not
// a message at all is an error (smime.ErrNotMessage), and a message beyond
// the limits of package mimelimit, which is stored unprocessed (see
// insertUnprocessed).
func (s *Processing) Inspect(ctx context.Context, raw []byte, opts InspectOptions) (Inspection, error) {
	at := opts.At
	if at.IsZero() {
		at = s.now()
	}
	if old, err := s.p.Store.ArticleByContent(ctx, mirror.Hash(raw)); err == nil {
		in, _, err := s.retry(ctx, old, nil, at)
		return in, err
	} else if !errors.Is(err, store.ErrNotFound) {
		return Inspection{}, err
	}
	ks := s.keySet(ctx)
	defer ks.Release()
	p, err := ks.process(raw, at)
	if errors.Is(err, mimelimit.ErrExceeded) {
		return s.insertUnprocessed(ctx, raw, at, err)
	}
	if err != nil {
		return Inspection{}, err
	}
	meta := parseMeta(raw)
	if p.Subject != "" {
		meta.Subject = p.Subject
	}
	// Threading a message into an existing ticket is the sync engine's
	// job; a message inspected by hand opens its own ticket (TicketID 0).
	a, err := s.p.Store.InsertArticle(ctx, store.Article{
		MessageID: meta.MessageID, Direction: "in", From: meta.From, To: meta.To, Cc: meta.Cc,
		Subject: meta.Subject, Date: meta.Date, Raw: raw, Security: p.Result, ParseError: meta.ParseError,
	}, s.sealContent(p))
	var dup *store.DuplicateError
	if errors.As(err, &dup) {
		// Stored meanwhile (another process inspected or synced the same
		// message): one mail, one article. This run's outcome is saved on
		// that article, as a re-run in place would.
		old, err := s.p.Store.Article(ctx, dup.ID)
		if err != nil {
			return Inspection{}, err
		}
		in, _, err := s.saveRun(ctx, old, p, at)
		return in, err
	}
	if err != nil {
		return Inspection{}, err
	}
	s.logIncoming(ctx, a.ID, meta.MessageID, p.Result)
	return Inspection{ArticleID: a.ID, Subject: meta.Subject, From: meta.From, Security: p.Result, Text: p.Text,
		Pending: s.found.proposeFound(ctx, a.ID, raw, p, at)}, nil
}

// insertUnprocessed stores a message beyond the limits of package
// mimelimit as received, without a security result, the reason as its
// parse error, as the sync does (ProcessStoredBatch). It returns the
// stored article and the limit error both.
func (s *Processing) insertUnprocessed(ctx context.Context, raw []byte, at time.Time, limit error) (Inspection, error) {
	meta := parseMeta(raw)
	a, err := s.p.Store.InsertArticle(ctx, store.Article{
		MessageID: meta.MessageID, Direction: "in", From: meta.From, To: meta.To, Cc: meta.Cc,
		Subject: meta.Subject, Date: meta.Date, Raw: raw, Security: verdict.Result{ProcessedAt: at}, ParseError: limit.Error(),
	}, nil)
	if err != nil {
		return Inspection{}, err
	}
	return Inspection{ArticleID: a.ID, Subject: meta.Subject, From: meta.From, Security: a.Security, Pending: []store.PendingKey{}},
		fmt.Errorf("security: article %d: %w", a.ID, limit)
}

// Retry processes a stored article again from its raw message (the
// agent's "Retry security process") and reports whether its outcome
// changed.
func (s *Processing) Retry(ctx context.Context, articleID int64) (Inspection, bool, error) {
	a, err := s.p.Store.Article(ctx, articleID)
	if err != nil {
		return Inspection{}, false, err
	}
	return s.retry(ctx, a, nil, s.now())
}

// RecheckFailed runs the engines again over every article whose security
// result failed, S/MIME and OpenPGP, and returns how many changed outcome
// (a signature now valid, a message now decrypted).
func (s *Processing) RecheckFailed(ctx context.Context) (int, error) {
	return s.recheckFailed(ctx, verdict.TechNone)
}

// recheckFailed re-runs the failed articles of one technology (TechNone:
// all) with one keyring snapshot. It is what an import calls: re-running
// only the articles the new material could fix would need to know why
// each failed, and re-running a failed one costs little.
func (s *Processing) recheckFailed(ctx context.Context, tech verdict.Technology) (int, error) {
	ids, err := s.p.Store.ArticlesToRetry(ctx, string(tech))
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	ks := s.keySet(ctx)
	defer ks.Release()
	changed := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return changed, err
		}
		a, err := s.p.Store.Article(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return changed, err
		}
		_, ch, err := s.retry(ctx, a, ks, s.now())
		if err != nil {
			return changed, err
		}
		if ch {
			changed++
		}
	}
	return changed, nil
}

func (s *Processing) retry(ctx context.Context, a store.Article, ks *keySet, at time.Time) (Inspection, bool, error) {
	if ks == nil {
		ks = s.keySet(ctx)
		defer ks.Release()
	}
	p, err := ks.process(a.Raw, at)
	if err != nil {
		return Inspection{}, false, fmt.Errorf("security: article %d: %w", a.ID, err)
	}
	return s.saveRun(ctx, a, p, at)
}

// saveRun stores one engine run over a stored article and reports whether
// its outcome changed.
func (s *Processing) saveRun(ctx context.Context, a store.Article, p *processed, at time.Time) (Inspection, bool, error) {
	// Result and log entries in one transaction (store.SaveProcessed).
	saved, err := s.p.Store.SaveProcessed(ctx, []store.Processed{s.processedRow(a, p)})
	if err == nil && len(saved.Missing) > 0 {
		err = fmt.Errorf("security: article %d: %w", a.ID, store.ErrNotFound)
	}
	if err != nil {
		return Inspection{}, false, err
	}
	changed := outcome(a.Security) != outcome(p.Result)
	subject := a.Subject
	if p.Subject != "" {
		subject = p.Subject
	}
	return Inspection{ArticleID: a.ID, Subject: subject, From: a.From, Security: p.Result, Text: p.Text,
		Pending: s.found.proposeFound(ctx, a.ID, a.Raw, p, at)}, changed, nil
}

// outcome is what "changed" means for a re-run: the state, or whether the
// signature or the decryption succeeded; reworded comments do not count.
func outcome(r verdict.Result) string {
	return fmt.Sprint(store.SecurityState(r), r.Sign.Success, r.Encryption.Success)
}

// sealContent caches the decrypted entity sealed with the store key, bound
// to the article. Plain and signed-only mail is not cached: its raw form is
// already readable. When the store key cannot be had the cache is skipped:
// it is derived data, and the article must still be stored.
func (s *Processing) sealContent(p *processed) store.SealFunc {
	if !p.Result.Encrypted || !p.Result.Encryption.Success || p.Entity == nil {
		return nil
	}
	return func(id int64) ([]byte, error) {
		sealer, err := s.p.Sealer()
		if err != nil {
			return nil, nil
		}
		return sealer.Seal(p.Entity, ArticleAAD(id))
	}
}

// ArticleAAD binds an article's sealed content to its row.
func ArticleAAD(id int64) []byte { return []byte("article:" + strconv.FormatInt(id, 10)) }

// processedRow is what the store writes for one engine run over a stored
// article: its result, sealed content, protected subject and log entries.
func (s *Processing) processedRow(a store.Article, p *processed) store.Processed {
	return store.Processed{ArticleID: a.ID, Subject: p.Subject, Result: p.Result, Seal: s.sealContent(p),
		Log: incomingLog(a.ID, a.MessageID, p.Result)}
}

// incomingLog are the verify and decrypt entries of one processing. The
// detail is the engine's comment, written for the agent; it never holds
// content or key material.
func incomingLog(articleID int64, messageID string, r verdict.Result) []store.LogEntry {
	if r.Type == verdict.TechNone {
		return nil
	}
	var out []store.LogEntry
	e := store.LogEntry{Direction: "in", Technology: string(r.Type), ArticleID: articleID, MessageID: messageID}
	if r.Encrypted {
		e.Operation, e.Status, e.Detail = "decrypt", status(r.Encryption.Success), r.Encryption.Comment
		out = append(out, e)
	}
	if r.Signed {
		e.Operation, e.Status, e.Detail = "verify", status(r.Sign.Success), r.Sign.Comment
		out = append(out, e)
	}
	if o := r.OuterSignature; o != nil {
		e.Technology, e.Operation, e.Status = string(o.Type), "verify", status(o.Sign.Success)
		e.Detail = "Outer signature, " + verdict.OuterSignatureNote + ". " + o.Sign.Comment
		out = append(out, e)
	}
	return out
}

// logIncoming records verify and decrypt of an article just inserted. A
// log write failing does not fail the processing.
func (s *Processing) logIncoming(ctx context.Context, articleID int64, messageID string, r verdict.Result) {
	for _, e := range incomingLog(articleID, messageID, r) {
		_, _ = s.p.Store.AppendLog(ctx, e)
	}
}

func status(ok bool) string {
	if ok {
		return "success"
	}
	return "failed"
}

// meta is the header data an article keeps for lists and search.
type meta struct {
	MessageID, From, To, Cc, Subject, Date, ParseError string
}

// parseMeta reads the outer header. Encoded words (RFC 2047) are decoded
// with go-message's charsets; a header that does not parse is kept raw and
// noted, never a reason to drop the message.
func parseMeta(raw []byte) meta {
	var m meta
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.ParseError = err.Error()
		return m
	}
	dec := mime.WordDecoder{CharsetReader: charset.Reader}
	get := func(k string) string {
		v := msg.Header.Get(k)
		if d, err := dec.DecodeHeader(v); err == nil {
			return strings.TrimSpace(d)
		}
		return strings.TrimSpace(v)
	}
	m.MessageID = strings.Trim(msg.Header.Get("Message-ID"), " <>")
	m.To, m.Cc, m.Subject, m.Date = get("To"), get("Cc"), get("Subject"), msg.Header.Get("Date")
	// From as the list and the engines read it (crypto/sender): every From
	// field, never a decoded header that a name could make look like
	// another address.
	h, _ := thread.ParseHeader(raw)
	m.From = h.FromText
	return m
}

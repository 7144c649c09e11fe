package compose

import (
	"context"
	"errors"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// Situation is a message being written as the composer or sealctl knows
// it: what Choose needs, before the group and the answered mail are
// looked up.
type Situation struct {
	// GroupID is the group sent from; 0 means the group whose sender
	// address is From, if any.
	GroupID int64
	From    string
	// ArticleID is the article answered; 0 means the one whose Message-ID
	// is InReplyTo, if any. Neither: nothing is answered.
	ArticleID  int64
	InReplyTo  string
	Recipients []string
	Keys       security.KeyChoice
	Technology verdict.Technology
	Sign       bool
	Encrypt    bool
	Chosen     Chosen
}

// Choose looks up the group's defaults and the answered mail's
// technology and applies Choose.
func (c *Composer) Choose(ctx context.Context, s Situation) (Choice, error) {
	def, err := c.defaults(ctx, s.GroupID, s.From)
	if err != nil {
		return Choice{}, err
	}
	answered, err := c.answered(ctx, s.ArticleID, s.InReplyTo)
	if err != nil {
		return Choice{}, err
	}
	return Choose(ctx, c.Judge, Request{Defaults: def, Answered: answered, From: addressOf(s.From),
		Recipients: addresses(s.Recipients), Keys: s.Keys, Technology: s.Technology, Sign: s.Sign, Encrypt: s.Encrypt, Chosen: s.Chosen})
}

// defaults are those of the group by ID, else of the group of from, else
// none (S/MIME, nothing on).
func (c *Composer) defaults(ctx context.Context, groupID int64, from string) (Defaults, error) {
	groups, err := c.Store.Groups(ctx)
	if err != nil {
		return Defaults{}, err
	}
	for _, g := range groups {
		if groupID != 0 && g.ID == groupID {
			return GroupDefaults(g), nil
		}
	}
	if g, ok := GroupByAddress(groups, from); ok {
		return GroupDefaults(g), nil
	}
	return Defaults{Technology: verdict.TechSMIME}, nil
}

// answered is the technology of the article answered; an article no
// longer held answers nothing.
func (c *Composer) answered(ctx context.Context, articleID int64, inReplyTo string) (verdict.Technology, error) {
	var art store.Article
	var err error
	switch {
	case articleID != 0:
		art, err = c.Store.Article(ctx, articleID)
	case inReplyTo != "":
		art, err = c.Store.ArticleByMessageID(ctx, inReplyTo)
	default:
		return verdict.TechNone, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return verdict.TechNone, nil
	}
	return art.Security.Type, err
}

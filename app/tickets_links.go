package app

import (
	"errors"
	"strings"

	"github.com/sealdesk/sealdesk/mail/mime"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// OpenLinkRequest names a link of an article's content.
type OpenLinkRequest struct {
	ArticleID int64  `json:"article_id"`
	URL       string `json:"url"`
}

// errLinkNotInMail: the web view asked to open an address the article
// does not contain. The UI only offers the article's own links, so this
// is never an agent's mistake; refusing it keeps OpenLink from being a
// general "open any URL" call.
var errLinkNotInMail = errors.New("this address is not a link of the message, so it was not opened")

// OpenLink opens one of an article's web links in the system's browser,
// after the agent saw its real destination and confirmed. mailto: links
// are the composer's (the UI starts a new message instead).
func (t *Tickets) OpenLink(req OpenLinkRequest) error {
	if _, err := mime.WebLink(req.URL); err != nil {
		return invalid(errors.New(strings.TrimPrefix(err.Error(), "mime: ")))
	}
	c, err := t.Content(ContentRequest{ArticleID: req.ArticleID})
	if err != nil {
		return err
	}
	for _, s := range c.Sections {
		for _, l := range s.Links {
			if l.URL == req.URL {
				return t.openURL(l.URL)
			}
		}
	}
	return invalid(errLinkNotInMail)
}

// wailsBrowserOpen opens an address with the system's default browser.
func wailsBrowserOpen(w *wailsEmitter) func(string) error {
	return func(u string) error {
		w.mu.RLock()
		ctx := w.ctx
		w.mu.RUnlock()
		if ctx == nil {
			return errors.New("the window is not ready yet")
		}
		runtime.BrowserOpenURL(ctx, u)
		return nil
	}
}

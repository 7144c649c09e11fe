package app

import (
	"context"

	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// Tickets is the bound service behind the ticket list.
type Tickets struct {
	p *profile.Profile
}

// List returns one page of tickets: the UI asks per visible window, never
// per row.
func (t *Tickets) List(q store.TicketQuery) (store.TicketPage, error) {
	return t.p.Store.Tickets(context.Background(), q)
}

package app

import (
	"context"

	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// Logs is the bound service behind Recent Logs.
type Logs struct {
	p *profile.Profile
}

// List returns the newest security log entries that match q.
func (l *Logs) List(q store.LogQuery) ([]store.LogEntry, error) {
	return l.p.Store.Log(context.Background(), q)
}

package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"time"

	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// Logs is the bound service behind Recent Logs.
type Logs struct {
	p *profile.Profile
	// saveDialog asks where to save a file; "" means the agent cancelled.
	saveDialog func(SaveRequest) (string, error)
}

// ExportLogsRequest exports what a query matches (up to 5,000 entries, the
// newest first) as csv or json.
type ExportLogsRequest struct {
	Query  store.LogQuery `json:"query"`
	Format string         `json:"format"`
}

// List returns the newest security log entries that match q.
func (l *Logs) List(q store.LogQuery) ([]store.LogEntry, error) {
	return l.p.Store.Log(context.Background(), q)
}

// Export writes the matching entries to a file the agent picks in a native
// save dialog (the web view cannot save downloads) and returns its path,
// or "" when the agent cancelled.
func (l *Logs) Export(req ExportLogsRequest) (string, error) {
	if req.Format != store.LogFormatCSV && req.Format != store.LogFormatJSON {
		return "", invalid(errors.New("choose CSV or JSON to export the log"))
	}
	q := req.Query
	if q.Limit <= 0 {
		q.Limit = 5000
	}
	entries, err := l.p.Store.Log(context.Background(), q)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := store.WriteLog(&buf, entries, req.Format); err != nil {
		return "", err
	}
	name := "sealdesk-security-log-" + time.Now().Format("2006-01-02") + "." + req.Format
	filter := map[string]string{store.LogFormatCSV: "CSV (*.csv)", store.LogFormatJSON: "JSON (*.json)"}[req.Format]
	path, err := l.saveDialog(SaveRequest{Title: "Export the security log", Name: name, Filter: filter, Pattern: "*." + req.Format})
	if err != nil || path == "" {
		return "", err
	}
	// 0600: message IDs and outcomes are the helpdesk's business only.
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return "", errors.New("the log could not be saved to " + path + ": " + err.Error() + ". Choose another folder.")
	}
	return path, nil
}

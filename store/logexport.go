package store

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Security log export formats.
const (
	LogFormatCSV  = "csv"
	LogFormatJSON = "json"
)

// logColumns is the CSV header; the JSON keys are LogEntry's.
var logColumns = []string{"time", "direction", "technology", "operation", "status", "message_id", "article_id", "detail"}

// WriteLog writes entries as CSV (RFC 4180, with a header row) or as a JSON
// array. Detail and Message-ID come from received mail, so CSV cells are
// defused against formula injection: a spreadsheet would run a cell that
// starts with = + - @ (or a tab or carriage return, which some spreadsheets
// skip before looking). See OWASP "CSV Injection".
func WriteLog(w io.Writer, entries []LogEntry, format string) error {
	switch format {
	case LogFormatJSON:
		if entries == nil {
			entries = []LogEntry{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case LogFormatCSV:
		cw := csv.NewWriter(w)
		// CRLF line ends, as RFC 4180 section 2 asks and spreadsheets expect.
		cw.UseCRLF = true
		if err := cw.Write(logColumns); err != nil {
			return err
		}
		for _, e := range entries {
			row := []string{e.At, e.Direction, e.Technology, e.Operation, e.Status, e.MessageID, "", e.Detail}
			if e.ArticleID != 0 {
				row[6] = strconv.FormatInt(e.ArticleID, 10)
			}
			for i := range row {
				row[i] = defuseCell(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("store: the log can be exported as csv or json, not %q", format)
}

// defuseCell makes a spreadsheet show a cell as text rather than evaluate
// it, by prefixing a single quote.
func defuseCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

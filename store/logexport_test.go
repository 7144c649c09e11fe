package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestWriteLogCSVEscapesAndDefusesFormulas(t *testing.T) {
	entries := []LogEntry{
		{At: "2026-03-01T10:00:00Z", Direction: "in", Technology: "S/MIME", Operation: "verify", Status: "success",
			ArticleID: 7, MessageID: "<a@x>", Detail: `signed by "Alice", valid`},
		{At: "2026-03-01T11:00:00Z", Direction: "in", Technology: "PGP", Operation: "decrypt", Status: "failed",
			MessageID: "=HYPERLINK(\"http://evil\")", Detail: "line one\nline two"},
		{At: "2026-03-01T12:00:00Z", Direction: "out", Technology: "PGP", Operation: "sign", Status: "success",
			MessageID: "@SUM(1)", Detail: "+1"},
		{At: "2026-03-01T13:00:00Z", Direction: "out", Technology: "S/MIME", Operation: "encrypt", Status: "failed",
			MessageID: "-2+3", Detail: "\tcmd|' /C calc'!A0"},
	}
	var buf bytes.Buffer
	if err := WriteLog(&buf, entries, LogFormatCSV); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Errorf("CSV lines do not end in CRLF: %q", buf.String())
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse back: %v", err)
	}
	want := [][]string{
		{"time", "direction", "technology", "operation", "status", "message_id", "article_id", "detail"},
		{"2026-03-01T10:00:00Z", "in", "S/MIME", "verify", "success", "<a@x>", "7", `signed by "Alice", valid`},
		{"2026-03-01T11:00:00Z", "in", "PGP", "decrypt", "failed", "'=HYPERLINK(\"http://evil\")", "", "line one\nline two"},
		{"2026-03-01T12:00:00Z", "out", "PGP", "sign", "success", "'@SUM(1)", "", "'+1"},
		{"2026-03-01T13:00:00Z", "out", "S/MIME", "encrypt", "failed", "'-2+3", "", "'\tcmd|' /C calc'!A0"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows =\n%q\nwant\n%q", rows, want)
	}
}

func TestWriteLogJSONRoundTrips(t *testing.T) {
	entries := []LogEntry{{ID: 3, At: "2026-03-01T10:00:00Z", Direction: "in", Technology: "PGP", Operation: "verify",
		Status: "success", MessageID: "=1+1", Detail: "ok"}}
	var buf bytes.Buffer
	if err := WriteLog(&buf, entries, LogFormatJSON); err != nil {
		t.Fatal(err)
	}
	var back []LogEntry
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || !reflect.DeepEqual(back, entries) {
		t.Fatalf("JSON = %s; back = %+v, %v", buf.String(), back, err)
	}
	buf.Reset()
	if err := WriteLog(&buf, nil, LogFormatJSON); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Fatalf("empty JSON export = %q, %v; want []", buf.String(), err)
	}
}

func TestWriteLogRefusesAnUnknownFormat(t *testing.T) {
	if err := WriteLog(&bytes.Buffer{}, nil, "xlsx"); err == nil || !strings.Contains(err.Error(), "csv or json") {
		t.Fatalf("err = %v", err)
	}
}

func TestSecurityLogFiltersByDirection(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, e := range []LogEntry{
		{Direction: "in", Technology: "S/MIME", Operation: "verify", Status: "success"},
		{Direction: "out", Technology: "S/MIME", Operation: "sign", Status: "success"},
		{Direction: "out", Technology: "PGP", Operation: "encrypt", Status: "success"},
	} {
		if _, err := s.AppendLog(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for dir, want := range map[string]int{"": 3, "in": 1, "out": 2} {
		got, err := s.Log(ctx, LogQuery{Direction: dir})
		if err != nil || len(got) != want {
			t.Errorf("Log(direction %q) = %d entries, %v; want %d", dir, len(got), err, want)
		}
	}
}

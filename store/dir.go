package store

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// EnvDataDir overrides the data directory, as --data does.
const EnvDataDir = "SEALDESK_DATA"

// ResolveDir picks the data directory: the --data flag when given, else
// $SEALDESK_DATA, else SealDesk under the user's configuration directory
// (~/.config on Linux, ~/Library/Application Support on macOS, %AppData% on
// Windows). Upgrades and uninstalls leave it in place.
func ResolveDir(flag string) (string, error) {
	dir := flag
	if dir == "" {
		dir = os.Getenv(EnvDataDir)
	}
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("store: no data directory: %w (pass --data DIR or set %s)", err, EnvDataDir)
		}
		dir = filepath.Join(base, "SealDesk")
	}
	return filepath.Abs(dir)
}

// sqliteURI is the SQLite URI of the database file at path, with query
// (already encoded) for the driver. modernc.org/sqlite splits the driver's
// parameters off at the first '?' and hands the whole string to
// sqlite3_open_v2 with SQLITE_OPEN_URI, where '?' starts the query, '#' a
// fragment and %XX is decoded (https://www.sqlite.org/uri.html section
// 3.1). A raw path is therefore cut at '#' or '?' (`desk #1` opened
// `desk `) and has its '%' sequences decoded: the path is escaped as a
// URI path (RFC 3986 section 3.3: '?', '#', '%', spaces and non-ASCII
// bytes become %XX, which SQLite decodes back). The path is
// absolute with forward slashes; a Windows drive path becomes
// file:///C:/..., the form SQLite documents for Windows.
func sqliteURI(path, query string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: query}
	return u.String()
}

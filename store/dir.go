package store

import (
	"fmt"
	"os"
	"path/filepath"
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

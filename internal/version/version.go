// Package version carries SealDesk's version, stamped at build time with
// -ldflags "-X github.com/sealdesk/sealdesk/internal/version.Version=…"
// from `git describe`. Unstamped builds fall back to the VCS revision Go
// records, then to "dev".
package version

import "runtime/debug"

// Version is set by the linker; see the Makefile.
var Version = ""

// String returns the version to show: `sealdesk --version`, `sealctl
// version` and the About screen.
func String() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

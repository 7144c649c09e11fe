package main

import (
	"fmt"
	"runtime"

	"github.com/sealdesk/sealdesk/internal/version"
)

type versionInfo struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

func runVersion(e *env, args []string) error {
	fs := e.flags("version", "[--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	v := versionInfo{Version: version.String(), Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if *asJSON {
		return e.printJSON(v)
	}
	_, err := fmt.Fprintf(e.stdout, "sealctl %s (%s, %s/%s)\n", v.Version, v.Go, v.OS, v.Arch)
	return err
}

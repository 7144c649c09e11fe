package main

import (
	"fmt"
)

type statusInfo struct {
	DataDir       string `json:"data_dir"`
	SchemaVersion int    `json:"schema_version"`
	Keychain      struct {
		OK      bool   `json:"ok"`
		Service string `json:"service"`
		Message string `json:"message,omitempty"`
	} `json:"keychain"`
}

// runStatus reports the profile's state. It exits 3 when the keychain is
// not usable, so a provisioning script can check before importing keys.
func runStatus(e *env, args []string) error {
	fs := e.flags("status", "[--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	p := e.profile
	var st statusInfo
	st.DataDir = p.Store.Dir()
	v, err := p.Store.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	st.SchemaVersion = v
	st.Keychain.Service = p.Keys.Service()
	kcErr := p.KeychainStatus()
	st.Keychain.OK = kcErr == nil
	if kcErr != nil {
		st.Keychain.Message = kcErr.Error()
	}
	if *asJSON {
		if err := e.printJSON(st); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "data directory: %s\nschema version: %d\nkeychain:       %s ", st.DataDir, st.SchemaVersion, st.Keychain.Service)
		if st.Keychain.OK {
			fmt.Fprintln(e.stdout, "(reachable)")
		} else {
			fmt.Fprintln(e.stdout, "(NOT reachable)")
		}
	}
	return kcErr
}

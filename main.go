// Command sealdesk is the SealDesk desktop app: it opens a window over one
// profile (data directory + keychain namespace) and binds the app services.
package main

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/sealdesk/sealdesk/app"
	"github.com/sealdesk/sealdesk/internal/version"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	flags := flag.NewFlagSet("sealdesk", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	dataDir := flags.String("data", "", "data directory (default: $"+store.EnvDataDir+" or the user config dir)")
	showVersion := flags.Bool("version", false, "print the version and exit")
	// Flags of Wails' dev build (-assetdir, -devserver …) are parsed by Wails
	// itself; declare them so they do not stop our parsing.
	for _, f := range []string{"assetdir", "devserver", "frontenddevserverurl", "loglevel"} {
		flags.String(f, "", "")
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "sealdesk: %v\nusage: sealdesk [--data DIR] [--version]\n", err)
		os.Exit(2)
	}
	if *showVersion {
		fmt.Println("sealdesk", version.String())
		return
	}

	ctx := context.Background()
	p, err := profile.Open(ctx, profile.Options{Dir: *dataDir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sealdesk:", err)
		os.Exit(1)
	}
	defer p.Close()
	services := app.NewServices(p)

	err = wails.Run(&options.App{
		Title:            "SealDesk",
		Width:            1280,
		Height:           800,
		MinWidth:         900,
		MinHeight:        560,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 1},
		OnStartup:        services.Startup,
		OnShutdown:       services.Shutdown,
		Bind:             services.Bind(),
		ErrorFormatter:   app.FormatError,
		Linux:            &linux.Options{ProgramName: "sealdesk", Icon: icon},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sealdesk:", err)
		os.Exit(1)
	}
}

# SealDesk. The two commands for a fresh machine (see README):
#   make run    installs what is missing, builds, opens the app
#   make test   installs what is missing, runs every test against real parts
# Both are idempotent and quick when everything is already present.

SHELL := /bin/bash
GOBIN := $(shell go env GOPATH)/bin
export PATH := $(GOBIN):$(PATH)

WAILS_VERSION := v2.15.0
# Linux builds link WebKitGTK 4.1 (Debian's libwebkit2gtk-4.1).
UI_TAGS := webkit2_41
# A release is a v* tag; between releases the version says what it was built from.
VERSION := $(shell git describe --tags --match 'v*' --dirty 2>/dev/null || echo v0.1.0-dev+$$(git rev-parse --short HEAD 2>/dev/null || echo unknown))
LDFLAGS := -X github.com/sealdesk/sealdesk/internal/version.Version=$(VERSION)

FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json
GO_SRC := $(shell find . -name '*.go' -not -path './frontend/*' 2>/dev/null) go.mod go.sum

.PHONY: help run test fuzz deps tools frontend build build-dev sealctl bindings bench clean screenshots
.PHONY: nfpm package package-linux package-windows test-package print-version

help:
	@echo "make run    - install what is missing, build and open SealDesk"
	@echo "make test   - install what is missing and run every test (what CI runs)"
	@echo "make fuzz   - run every fuzz target for FUZZTIME (default 60s) each; a crasher stays in testdata/fuzz"
	@echo "make build  - build/bin/sealdesk;  make sealctl - build/bin/sealctl (no cgo)"
	@echo "make bindings - regenerate frontend/src/wailsjs and src/api/generated.ts after changing bound Go services or enums"
	@echo "make package - dist/: .deb, .rpm, Windows exe + NSIS installer, each with a .sha256"
	@echo "make test-package - build the packages, install the .deb (upgrade, remove), check the rest"

deps:
	@scripts/deps.sh

# The Wails CLI at exactly the pinned version.
tools: $(GOBIN)/wails
$(GOBIN)/wails: Makefile
	@if ! wails version 2>/dev/null | grep -q '$(WAILS_VERSION)'; then \
		echo "==> installing the wails CLI $(WAILS_VERSION)"; \
		go install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION); \
	fi
	@touch $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	@echo "==> npm ci"
	@cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: frontend/dist/index.html
frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	@echo "==> building the front end"
	@cd frontend && npm run --silent build

build: build/bin/sealdesk
build/bin/sealdesk: tools frontend/dist/index.html $(GO_SRC)
	@echo "==> building SealDesk $(VERSION)"
	@wails build -s -skipbindings -tags $(UI_TAGS) -ldflags "$(LDFLAGS)" >build/wails-build.log 2>&1 || { cat build/wails-build.log; exit 1; }

# The dev build serves the UI to a browser through Wails' dev bridge; the
# end-to-end tests drive it in headless Chromium.
build-dev: build/bin/sealdesk-dev
build/bin/sealdesk-dev: frontend/dist/index.html $(GO_SRC)
	@go build -tags dev,$(UI_TAGS) -ldflags "$(LDFLAGS)" -o $@ .

sealctl: build/bin/sealctl
build/bin/sealctl: $(GO_SRC)
	@CGO_ENABLED=0 go build -ldflags "$(LDFLAGS)" -o $@ ./cmd/sealctl

# The Wails bindings (frontend/src/wailsjs) and the enums' lists
# (frontend/src/api/generated.ts, internal/tsgen). Generating runs the app,
# which opens a profile: a throwaway one, so neither the agent's profile nor
# its schema version has a say. Wails writes its runtime files as 755.
bindings: tools
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && SEALDESK_DATA="$$d" wails generate module -tags $(UI_TAGS)
	@chmod 644 frontend/src/wailsjs/runtime/*
	@go run ./internal/tsgen

run: deps build
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		echo "No display: starting SealDesk in a virtual X server (xvfb-run). On a desktop it opens as a window."; \
		exec xvfb-run -a -s "-screen 0 1280x800x24" build/bin/sealdesk; \
	fi; exec build/bin/sealdesk

test: deps tools frontend/node_modules/.package-lock.json
	@scripts/test.sh

# Every fuzz target in turn, FUZZTIME each (`make test` runs them for 3 s).
# A crasher stays in its package's testdata/fuzz/ and is a test from then on.
FUZZTIME ?= 60s
fuzz: deps
	@FUZZTIME='$(FUZZTIME)' scripts/fuzz.sh

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html .cache

screenshots: frontend/node_modules/.package-lock.json
	@SEALDESK_LDFLAGS="$(LDFLAGS)" scripts/screenshots.sh

# Benchmarks beside their peers (openssl speed, openssl cms), as ratios.
bench: deps
	@scripts/bench.sh

# --- Packages (see README "Install") ----------------------------------------
# dist/ gets the .deb and .rpm (nfpm), the Windows exe and its NSIS installer
# (cross-built), each with NAME.sha256. Versions come from VERSION, mapped per
# format by scripts/package-version.sh. Up-to-date artifacts are not rebuilt.
NFPM_VERSION := v2.45.2

# nfpm at exactly the pinned version (later ones do not install from the proxy).
nfpm: $(GOBIN)/nfpm
$(GOBIN)/nfpm: Makefile
	@if ! go version -m $@ 2>/dev/null | grep -qE '^\s+mod\s+github.com/goreleaser/nfpm/v2\s+$(NFPM_VERSION)\s'; then \
		echo "==> installing nfpm $(NFPM_VERSION)"; \
		go install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION); \
	fi
	@touch $@

package: package-linux package-windows

package-linux: build sealctl nfpm
	@VERSION='$(VERSION)' scripts/package.sh linux

package-windows: tools frontend/dist/index.html
	@VERSION='$(VERSION)' scripts/package.sh windows

# Builds the packages, then installs, upgrades and removes the .deb on this
# machine (as root: CI's fresh machine), see scripts/test-package.sh.
test-package: package
	@VERSION='$(VERSION)' scripts/test-package.sh

print-version:
	@echo '$(VERSION)'

// Package app holds the small services the desktop UI calls through Wails
// bindings. They only translate between the UI and the plain packages below
// (store, crypto/…, mail/…) and publish typed events; business logic lives
// in those packages, where it is tested without a window.
//
// Every exported method of a bound service is callable from the web view,
// so the surface stays narrow: one request struct per call, no generic
// file or process access, and never key material or passphrases going out.
// Wails runs each call on its own goroutine: services are safe for
// concurrent use.
package app

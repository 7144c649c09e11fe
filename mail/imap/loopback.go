package imap

// IsLoopback reports whether host (a name or an IP, no port) is where
// TLSNone is allowed: "localhost" or a loopback IP. Other names are not
// resolved. Account forms use it to refuse plaintext before any dial.
func IsLoopback(host string) bool { return isLoopback(host) }

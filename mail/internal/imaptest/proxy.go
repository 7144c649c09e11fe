package imaptest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy forwards loopback TCP connections to a target and can cut them:
// fault injection for the sync engine.
type Proxy struct {
	Addr   string
	target string
	ln     net.Listener

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	// cutAfter > 0 arms a one-shot cut once that many bytes went from the
	// server to the client over all connections since arming.
	cutAfter atomic.Int64
	sent     atomic.Int64
	cuts     atomic.Int32
	wg       sync.WaitGroup
}

// NewProxy listens on 127.0.0.1 and forwards to target until the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("imaptest: proxy listen: %v", err)
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		p.CutAll()
		p.wg.Wait()
	})
	return p
}

// CutAfter arms a cut of every connection once n more bytes have gone
// from the server to the client; it fires once.
func (p *Proxy) CutAfter(n int64) {
	p.sent.Store(0)
	p.cutAfter.Store(n)
}

// Cuts is how many times a cut fired.
func (p *Proxy) Cuts() int { return int(p.cuts.Load()) }

// CutAll closes every open connection now.
func (p *Proxy) CutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
}

func (p *Proxy) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.track(client, true)
		p.track(server, true)
		p.wg.Add(2)
		go func() {
			defer p.wg.Done()
			_, _ = io.Copy(server, client)
			_ = server.Close()
			_ = client.Close()
		}()
		go func() {
			defer p.wg.Done()
			p.pump(client, server)
			_ = server.Close()
			_ = client.Close()
			p.track(client, false)
			p.track(server, false)
		}()
	}
}

// pump copies server to client, counting bytes for CutAfter.
func (p *Proxy) pump(client, server net.Conn) {
	buf := make([]byte, 4096)
	for {
		n, err := server.Read(buf)
		if n > 0 {
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
			total := p.sent.Add(int64(n))
			if limit := p.cutAfter.Load(); limit > 0 && total >= limit && p.cutAfter.CompareAndSwap(limit, 0) {
				p.cuts.Add(1)
				p.CutAll()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

package imaptest

import (
	"context"
	"net"
	"sync/atomic"
)

// CancelDialer cancels a context once the client has read more than Limit
// bytes: a cancellation in the middle of whatever is streaming then.
type CancelDialer struct {
	Limit  int64
	Cancel context.CancelFunc
	read   atomic.Int64
}

func (d *CancelDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, d: d}, nil
}

type countingConn struct {
	net.Conn
	d *CancelDialer
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if c.d.read.Add(int64(n)) > c.d.Limit {
		c.d.Cancel()
	}
	return n, err
}

package imap

import (
	"context"
	"errors"
)

// ErrClosedDuringIdle: the server (or the network) ended the connection
// while it idled.
var ErrClosedDuringIdle = errors.New("the server closed the connection during IDLE")

// Idle idles on the selected mailbox (RFC 2177) until wait returns, then
// ends IDLE with DONE and waits for the server's tagged answer. wait runs
// only once the server has answered the continuation, so news that
// arrives from then on is sure to be announced; it is given the
// connection's closed channel and should return ErrClosedDuringIdle when
// that fires. The error is ctx's if ctx ended, else wait's, else the
// IDLE command's. go-imap restarts IDLE every 28 minutes, before the
// server's 30-minute autologout (RFC 2177 section 3).
func (c *Client) Idle(ctx context.Context, wait func(closed <-chan struct{}) error) error {
	stop := c.Guard(ctx)
	defer stop()
	idle, err := c.raw.Idle()
	if err != nil {
		return err
	}
	waitErr := wait(c.raw.Closed())
	err = idle.Close()
	if err == nil {
		err = idle.Wait()
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case waitErr != nil:
		return waitErr
	}
	return err
}

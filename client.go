package haven

import (
	"context"
	"errors"
	"fmt"
	"time"
)

type clientAddrKey struct{}

// WithClientAddr returns ctx carrying the address of the client that made
// the request, as the HTTP server decided it (internal/server.ClientAddr):
// the one address sign-in's limits count, on the pages and in the API.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr returns the client address ctx carries, or "" when none was
// set (every request without one then shares one count).
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}

// RetryAfter is the cause of an ETOOMANY error: how long until the refused
// attempt may be made again, as the limit that refused it computed.
type RetryAfter time.Duration

// Error says how long to wait, in whole seconds.
func (d RetryAfter) Error() string { return fmt.Sprintf("retry after %d seconds", d.Seconds()) }

// Seconds returns the wait in whole seconds, rounded up, and at least 1:
// the value of an HTTP Retry-After header.
func (d RetryAfter) Seconds() int {
	s := int((time.Duration(d) + time.Second - 1) / time.Second)
	return max(s, 1)
}

// RetryAfterOf returns the wait err carries and true, or false when it
// carries none.
func RetryAfterOf(err error) (RetryAfter, bool) {
	var d RetryAfter
	if errors.As(err, &d) {
		return d, true
	}
	return 0, false
}

package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/havenhrd/haven"
)

// Loopback is what --trust-proxy trusts when given without a list: a
// reverse proxy on the same machine.
var Loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// prefixes, such as "10.0.0.0/8, 192.168.1.5, ::1". An empty list trusts
// no proxy.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ClientAddr returns the address of the client that made r: the one
// function that decides it, for the pages, the API and sign-in's limits.
//
// The peer (RemoteAddr) is the client unless it is one of the trusted
// proxies. Behind trusted proxies, X-Forwarded-For is read from the right,
// where each proxy appended the peer it saw, and the first address that is
// not a trusted proxy is the client. Everything left of it was written by
// the client, who may forge it, and is never read. An entry that is not an
// IP address ends the walk: the nearest proxy that vouched for it is taken
// as the client, so garbage can never make a count of its own.
func ClientAddr(r *http.Request, trusted []netip.Prefix) string {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr // not a TCP peer (a test, a Unix socket): as given
	}
	if !contains(trusted, peer) {
		return peer.String()
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		entries := strings.Split(hops[i], ",")
		for j := len(entries) - 1; j >= 0; j-- {
			a, ok := parseAddr(strings.TrimSpace(entries[j]))
			if !ok {
				return client.String()
			}
			client = a
			if !contains(trusted, a) {
				return a.String()
			}
		}
	}
	return client.String() // every hop a trusted proxy: the farthest one
}

// parseAddr reads an IP address, with or without a port (IPv6 with a port
// in brackets). IPv4-mapped IPv6 addresses are read as IPv4, and zones are
// dropped, so that one client has one spelling.
func parseAddr(s string) (netip.Addr, bool) {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}

func contains(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr records the request's client address in its context, where
// every handler reads it (haven.ClientAddr).
func (s *srv) clientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := haven.WithClientAddr(r.Context(), ClientAddr(r, s.cfg.TrustedProxies))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// setRetryAfter tells the client of a refusal by a limit how many seconds
// to wait (RFC 9110, 10.2.3).
func setRetryAfter(w http.ResponseWriter, err error) {
	if d, ok := haven.RetryAfterOf(err); ok {
		w.Header().Set("Retry-After", fmt.Sprint(d.Seconds()))
	}
}

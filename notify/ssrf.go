package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned when a callback would reach an internal
// address (SSRF protection).
var ErrForbiddenAddress = errors.New("notify: callback address is not public")

// Resolver looks host names up; *net.Resolver satisfies it, tests inject
// their own.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Guard keeps callbacks away from internal addresses. URLs are checked when
// a subscription is saved (CheckURL) and again on every connection
// (DialContext with a Control hook that sees the address actually dialled),
// so a name that later resolves to an internal address (DNS rebinding) is
// still refused. Redirects are never followed (see NewWebhookClient).
type Guard struct {
	// AllowPrivate turns the checks off: demo mode, or an explicit flag for
	// receivers on a private network.
	AllowPrivate bool
	// Resolver defaults to net.DefaultResolver.
	Resolver Resolver
}

var blockedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",      // "this network"
		"100.64.0.0/10",  // carrier-grade NAT
		"192.0.0.0/24",   // IETF protocol assignments
		"198.18.0.0/15",  // benchmarking
		"240.0.0.0/4",    // reserved, and broadcast
		"::/96",          // IPv4-compatible (deprecated), ::, ::1
		"64:ff9b::/96",   // NAT64: may reach internal IPv4
		"64:ff9b:1::/48", // local-use NAT64
		"2002::/16",      // 6to4: embeds an IPv4 address
		"2001::/32",      // Teredo
		"fec0::/10",      // site-local (deprecated)
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// Forbidden reports whether a callback may not connect to ip: loopback,
// private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (including
// 169.254.169.254 metadata), unspecified, multicast, CGNAT, IPv4-mapped
// IPv6 and a few other special ranges.
func Forbidden(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Is4In6() {
		return true
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// CheckURL validates a callback URL when a subscription is saved: http or
// https, a host, no user:password in the URL (Basic credentials are kept
// sealed apart), and every address the host resolves to public.
func (g *Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" {
		return errors.New("notify: callback URL must be an http or https URL with a host")
	}
	if u.User != nil {
		return errors.New("notify: callback URL must not contain a user name or password")
	}
	if g.AllowPrivate {
		return nil
	}
	addrs, err := g.lookup(ctx, u.Hostname())
	if err != nil {
		return fmt.Errorf("notify: callback host cannot be resolved: %w", err)
	}
	for _, a := range addrs {
		if Forbidden(a) {
			return fmt.Errorf("%w: %s resolves to %s", ErrForbiddenAddress, u.Hostname(), a)
		}
	}
	return nil
}

func (g *Guard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{ip}, nil
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	return addrs, err
}

// control runs after the address is resolved and before connecting: the
// last word, whatever the name resolved to.
func (g *Guard) control(network, address string, _ syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	if Forbidden(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
	}
	return nil
}

// DialContext resolves with the Guard's resolver and dials each address in
// turn through a net.Dialer whose Control refuses internal addresses.
func (g *Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := g.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: g.control}
	var firstErr error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

package notify

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ips, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, s := range ips {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func TestForbidden(t *testing.T) {
	for ip, want := range map[string]bool{
		"127.0.0.1":        true,
		"127.8.9.10":       true,
		"10.1.2.3":         true,
		"172.16.0.1":       true,
		"172.31.255.255":   true,
		"192.168.1.1":      true,
		"169.254.169.254":  true,
		"0.0.0.0":          true,
		"100.64.0.1":       true,
		"100.127.255.254":  true,
		"224.0.0.1":        true,
		"255.255.255.255":  true,
		"::":               true,
		"::1":              true,
		"fc00::1":          true,
		"fd12:3456::1":     true,
		"fe80::1":          true,
		"ff02::1":          true,
		"::ffff:127.0.0.1": true,
		"::ffff:10.0.0.1":  true,
		"64:ff9b::a00:1":   true,
		"8.8.8.8":          false,
		"172.32.0.1":       false,
		"100.128.0.1":      false,
		"93.184.216.34":    false,
		"2606:4700::1111":  false,
	} {
		if got := Forbidden(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Forbidden(%s) = %v, want %v", ip, got, want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	r := fakeResolver{
		"good.example":  {"93.184.216.34"},
		"evil.example":  {"10.0.0.5"},
		"mixed.example": {"93.184.216.34", "192.168.0.10"},
		"meta.example":  {"169.254.169.254"},
		"v6.example":    {"fd00::1"},
	}
	ctx := context.Background()
	g := &Guard{Resolver: r}
	for u, wantErr := range map[string]bool{
		"https://good.example/hook":   false,
		"http://93.184.216.34/hook":   false,
		"https://evil.example/hook":   true,
		"https://mixed.example/hook":  true,
		"https://meta.example/":       true,
		"https://v6.example/":         true,
		"https://127.0.0.1/":          true,
		"https://[::1]:8443/":         true,
		"https://[::ffff:7f00:1]/":    true,
		"https://unknown.example/":    true,
		"ftp://good.example/":         true,
		"https://u:p@good.example/":   true,
		"https:///nohost":             true,
		"not a url":                   true,
		"https://localhost.invalid/x": true,
	} {
		err := g.CheckURL(ctx, u)
		if (err != nil) != wantErr {
			t.Errorf("CheckURL(%q) = %v, want error %v", u, err, wantErr)
		}
	}
	if err := g.CheckURL(ctx, "https://evil.example/"); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("private address: err = %v, want ErrForbiddenAddress", err)
	}
	demo := &Guard{AllowPrivate: true, Resolver: r}
	if err := demo.CheckURL(ctx, "http://127.0.0.1:8080/hook"); err != nil {
		t.Errorf("demo mode refused loopback: %v", err)
	}
	if err := demo.CheckURL(ctx, "ftp://127.0.0.1/"); err == nil {
		t.Error("demo mode accepted an ftp URL")
	}
}

func TestControlChecksTheDialledAddress(t *testing.T) {
	g := &Guard{}
	for addr, wantErr := range map[string]bool{
		"127.0.0.1:80":       true,
		"[::1]:443":          true,
		"10.0.0.1:443":       true,
		"[fe80::1%eth0]:443": true,
		"8.8.8.8:443":        false,
		"[2606:4700::1]:443": false,
		"garbage":            true,
	} {
		if err := g.control("tcp", addr, nil); (err != nil) != wantErr {
			t.Errorf("control(%s) = %v, want error %v", addr, err, wantErr)
		}
	}
	if err := (&Guard{AllowPrivate: true}).control("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("AllowPrivate: %v", err)
	}
}

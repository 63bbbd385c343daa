package notify

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestSealRoundTripAndTamper(t *testing.T) {
	s := testSealer(t)
	sealed, err := s.SealSecret("sub-1", "whsec_abc")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "whsec_abc") {
		t.Fatal("sealed value contains the plaintext")
	}
	again, _ := s.SealSecret("sub-1", "whsec_abc")
	if again == sealed {
		t.Error("sealing twice gave the same text: nonce reused")
	}
	if got, err := s.Open(sealed, "secret:sub-1"); err != nil || got != "whsec_abc" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	// Copied to another subscription, or to the password field: refused.
	for _, label := range []string{"secret:sub-2", "password:sub-1"} {
		if _, err := s.Open(sealed, label); !errors.Is(err, ErrSealed) {
			t.Errorf("Open with label %q: err = %v, want ErrSealed", label, err)
		}
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, "v1."))
	for i := range raw {
		bad := append([]byte(nil), raw...)
		bad[i] ^= 1
		if _, err := s.Open("v1."+base64.RawURLEncoding.EncodeToString(bad), "secret:sub-1"); !errors.Is(err, ErrSealed) {
			t.Fatalf("flipping byte %d: err = %v, want ErrSealed", i, err)
		}
	}
	for _, junk := range []string{"", "v1.", "v1.!!", "v2." + strings.TrimPrefix(sealed, "v1."), sealed[:len(sealed)-4]} {
		if _, err := s.Open(junk, "secret:sub-1"); !errors.Is(err, ErrSealed) {
			t.Errorf("Open(%q): err = %v", junk, err)
		}
	}
	other, _ := NewSealer([]byte("fedcba9876543210fedcba9876543210"))
	if _, err := other.Open(sealed, "secret:sub-1"); !errors.Is(err, ErrSealed) {
		t.Errorf("another key opened it: %v", err)
	}
}

func TestKeyRotationAndParsing(t *testing.T) {
	oldKey, _ := GenerateKey()
	newKey, _ := GenerateKey()
	old, err := ParseKeys(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := old.SealPassword("s", "pw")
	both, err := ParseKeys(newKey + ", " + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := both.Open(sealed, "password:s"); err != nil || got != "pw" {
		t.Errorf("new key list cannot open the old value: %q %v", got, err)
	}
	resealed, _ := both.SealPassword("s", "pw")
	if _, err := old.Open(resealed, "password:s"); err == nil {
		t.Error("sealing did not use the first (new) key")
	}
	urlForm := base64.RawURLEncoding.EncodeToString(testKey)
	if _, err := ParseKeys(urlForm); err != nil {
		t.Errorf("unpadded URL base64: %v", err)
	}
	for _, bad := range []string{"", " , ", "not base64 at all!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
}

func TestOpenCredentials(t *testing.T) {
	s := testSealer(t)
	sub := subscription(t, s, "s1", "https://x.example", "whsec_one", "whsec_two")
	sub.BasicUser = "u"
	sub.SealedBasicPassword, _ = s.SealPassword("s1", "p")
	c, err := s.OpenCredentials(sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Secrets) != 2 || c.Secrets[0] != "whsec_one" || c.Secrets[1] != "whsec_two" || c.BasicUser != "u" || c.BasicPassword != "p" {
		t.Errorf("credentials = %+v", c)
	}
	// A secret sealed for another subscription is refused.
	sub.SealedSecrets[1], _ = s.SealSecret("s2", "whsec_x")
	if _, err := s.OpenCredentials(sub); err == nil {
		t.Error("opened a secret sealed for another subscription")
	}
}

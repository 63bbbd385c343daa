package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Sealer encrypts secrets at rest with AES-256-GCM. Signing secrets cannot be
// hashed like passwords because the service must sign with them, so they are
// sealed with a key from configuration instead: a copy of the database alone
// does not reveal them.
//
// Several keys may be configured so the key itself can be rotated: the first
// seals, every key is tried when opening.
type Sealer struct {
	aeads []cipher.AEAD
}

// sealVersion prefixes sealed text so the format can change later.
const sealVersion = "v1."

// ErrSealed is returned when sealed text cannot be opened: wrong key,
// wrong label, or tampered with.
var ErrSealed = errors.New("notify: sealed value cannot be opened (wrong key or tampered)")

// GenerateKey returns a new random key in the form ParseKeys accepts.
func GenerateKey() (string, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(k), nil
}

// ParseKeys reads the configuration setting: one or more comma-separated
// base64 (standard or URL alphabet) encodings of 32-byte keys, the current
// key first.
func ParseKeys(setting string) (*Sealer, error) {
	var keys [][]byte
	for i, part := range strings.Split(setting, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, err := decodeKey(part)
		if err != nil {
			return nil, fmt.Errorf("notify: secrets key %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("notify: no secrets key configured")
	}
	return NewSealer(keys...)
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != 32 {
				return nil, fmt.Errorf("is %d bytes, want 32", len(k))
			}
			return k, nil
		}
	}
	return nil, errors.New("is not base64")
}

// NewSealer builds a Sealer from raw 32-byte keys, the sealing key first.
func NewSealer(keys ...[]byte) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("notify: no secrets key")
	}
	s := &Sealer{}
	for _, k := range keys {
		if len(k) != 32 {
			return nil, fmt.Errorf("notify: secrets key is %d bytes, want 32", len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// Seal encrypts plaintext. The label is bound in as additional data, so a
// sealed value copied to another row or field fails to open.
func (s *Sealer) Seal(plaintext, label string) (string, error) {
	aead := s.aeads[0]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := aead.Seal(nonce, nonce, []byte(plaintext), []byte(label))
	return sealVersion + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same label.
func (s *Sealer) Open(sealed, label string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, sealVersion)
	if !ok {
		return "", ErrSealed
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return "", ErrSealed
	}
	for _, aead := range s.aeads {
		n := aead.NonceSize()
		if len(raw) < n+aead.Overhead() {
			return "", ErrSealed
		}
		if pt, err := aead.Open(nil, raw[:n], raw[n:], []byte(label)); err == nil {
			return string(pt), nil
		}
	}
	return "", ErrSealed
}

// SealSecret seals a subscription's signing secret, bound to its id.
func (s *Sealer) SealSecret(subscriptionID, secret string) (string, error) {
	return s.Seal(secret, "secret:"+subscriptionID)
}

// SealPassword seals a subscription's HTTP Basic password, bound to its id.
func (s *Sealer) SealPassword(subscriptionID, password string) (string, error) {
	return s.Seal(password, "password:"+subscriptionID)
}

// Credentials are a subscription's opened secrets.
type Credentials struct {
	Secrets       []string // oldest first
	BasicUser     string
	BasicPassword string
}

// OpenCredentials opens everything sealed in a subscription.
func (s *Sealer) OpenCredentials(sub Subscription) (Credentials, error) {
	c := Credentials{BasicUser: sub.BasicUser}
	for _, sealed := range sub.SealedSecrets {
		secret, err := s.Open(sealed, "secret:"+sub.ID)
		if err != nil {
			return Credentials{}, err
		}
		c.Secrets = append(c.Secrets, secret)
	}
	if sub.SealedBasicPassword != "" {
		pw, err := s.Open(sub.SealedBasicPassword, "password:"+sub.ID)
		if err != nil {
			return Credentials{}, err
		}
		c.BasicPassword = pw
	}
	return c, nil
}

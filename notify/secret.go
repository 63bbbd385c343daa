package notify

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
)

// SecretPrefix marks a Standard Webhooks signing secret.
const SecretPrefix = "whsec_"

// secretBytes is the amount of randomness in a generated secret; Standard
// Webhooks asks for 24 to 64 bytes.
const secretBytes = 32

// GenerateSecret returns a new signing secret, "whsec_" and the base64 of
// 32 random bytes. It is shown to the supplier once and stored sealed.
func GenerateSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// ErrBadSecret is returned for a secret that cannot be used to sign.
var ErrBadSecret = errors.New("notify: signing secret is not usable")

// standardKey is the HMAC key for Standard Webhooks signatures: the decoded
// base64 part of a "whsec_" secret. A secret without the prefix (one carried
// over from upstream, where secrets were free text) is used as raw bytes, as
// the reference libraries' NewWebhookRaw does.
func standardKey(secret string) ([]byte, error) {
	if secret == "" {
		return nil, ErrBadSecret
	}
	rest, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return []byte(secret), nil
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) < 16 {
		return nil, ErrBadSecret
	}
	return key, nil
}

// pecsKey is the HMAC key for PECS-SIGNATURE: upstream signs with the secret
// exactly as the supplier was given it, so existing receivers keep using the
// text they hold, prefix and all.
func pecsKey(secret string) []byte { return []byte(secret) }

// ValidateSecret reports whether a secret can sign both ways.
func ValidateSecret(secret string) error {
	_, err := standardKey(secret)
	return err
}

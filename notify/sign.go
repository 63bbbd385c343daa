package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of both signature schemes.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
	HeaderPECSSignature    = "PECS-SIGNATURE"
	HeaderPECSID           = "PECS-NOTIFICATION-ID"
)

// SignStandard returns the webhook-signature value for the given secrets:
// one "v1,<base64>" per secret, space-separated, each an HMAC-SHA256 of
// "<id>.<unix timestamp>.<body>".
func SignStandard(secrets []string, id string, ts time.Time, body []byte) (string, error) {
	if len(secrets) == 0 {
		return "", ErrBadSecret
	}
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		key, err := standardKey(s)
		if err != nil {
			return "", err
		}
		sigs = append(sigs, "v1,"+standardMAC(key, id, ts.Unix(), body))
	}
	return strings.Join(sigs, " "), nil
}

func standardMAC(key []byte, id string, unix int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(unix, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignPECS returns upstream's PECS-SIGNATURE: base64 of HMAC-SHA256 of the
// body alone, keyed with the secret text.
func SignPECS(secret string, body []byte) string {
	m := hmac.New(sha256.New, pecsKey(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verification errors.
var (
	ErrMissingHeaders = errors.New("notify: signature headers missing")
	ErrTimestamp      = errors.New("notify: webhook-timestamp missing or outside tolerance")
	ErrSignature      = errors.New("notify: no signature matches")
)

// VerifyStandard checks Standard Webhooks headers against a secret: the
// timestamp must be within tolerance of now and one of the v1 signatures
// must match (compared in constant time).
func VerifyStandard(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, tsText, sigs := h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeaders
	}
	unix, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return ErrTimestamp
	}
	key, err := standardKey(secret)
	if err != nil {
		return err
	}
	want := []byte(standardMAC(key, id, unix, body))
	for _, s := range strings.Fields(sigs) {
		v, sig, ok := strings.Cut(s, ",")
		if ok && v == "v1" && hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return ErrSignature
}

// VerifyPECS checks upstream's PECS-SIGNATURE against a secret.
func VerifyPECS(secret string, h http.Header, body []byte) error {
	got := h.Get(HeaderPECSSignature)
	if got == "" {
		return ErrMissingHeaders
	}
	if !hmac.Equal([]byte(got), []byte(SignPECS(secret, body))) {
		return ErrSignature
	}
	return nil
}

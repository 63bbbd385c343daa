package notify

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

func TestGeneratedSecretFormat(t *testing.T) {
	s := newSecret(t)
	rest, ok := strings.CutPrefix(s, "whsec_")
	if !ok {
		t.Fatalf("secret %q lacks whsec_", s)
	}
	if b, err := base64.StdEncoding.DecodeString(rest); err != nil || len(b) < 24 || len(b) > 64 {
		t.Errorf("secret body decodes to %d bytes, %v", len(b), err)
	}
	if newSecret(t) == s {
		t.Error("two generated secrets are equal")
	}
}

// Our verifier agrees with the reference library's signer, and vice versa
// (checked in the delivery tests), including legacy free-text secrets.
func TestVerifyStandardAgainstOfficialSigner(t *testing.T) {
	now := time.Now()
	body := []byte(`{"data":{}}`)
	secret := newSecret(t)
	wh, _ := standardwebhooks.NewWebhook(secret)
	sig, _ := wh.Sign("msg_1", now, body)
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", "v2,ignored "+sig)
	if err := VerifyStandard(secret, h, body, now, 5*time.Minute); err != nil {
		t.Errorf("official signature refused: %v", err)
	}
	if err := VerifyStandard(secret, h, []byte(`{"data":{} }`), now, 5*time.Minute); err != ErrSignature {
		t.Errorf("altered body: %v", err)
	}
	if err := VerifyStandard(secret, h, body, now.Add(6*time.Minute), 5*time.Minute); err != ErrTimestamp {
		t.Errorf("stale timestamp: %v", err)
	}
	h.Del("webhook-id")
	if err := VerifyStandard(secret, h, body, now, 5*time.Minute); err != ErrMissingHeaders {
		t.Errorf("missing id: %v", err)
	}

	legacy := "an upstream free-text secret"
	raw, _ := standardwebhooks.NewWebhookRaw([]byte(legacy))
	ours, err := SignStandard([]string{legacy}, "msg_2", now, body)
	if err != nil {
		t.Fatal(err)
	}
	h2 := http.Header{}
	h2.Set("webhook-id", "msg_2")
	h2.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h2.Set("webhook-signature", ours)
	if err := raw.Verify(body, h2); err != nil {
		t.Errorf("legacy secret: official verifier refused ours: %v", err)
	}
}

func TestBadSecrets(t *testing.T) {
	for _, s := range []string{"", "whsec_***", "whsec_" + base64.StdEncoding.EncodeToString([]byte("short"))} {
		if ValidateSecret(s) == nil {
			t.Errorf("ValidateSecret(%q) accepted", s)
		}
	}
}

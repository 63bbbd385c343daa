package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/securemove/securemove/notify"
)

func subsRun(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"subscriptions"}, args...), func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

var subLine = regexp.MustCompile(`(?m)^subscription_id=(\S+)\nsecret=(whsec_\S+)\n$`)

func TestSubscriptionsCommand(t *testing.T) {
	db := clientsDB(t)
	ctx := context.Background()
	code, out, errOut := subsRun(t, nil, "create", "-supplier", "serco", "-url", "https://203.0.113.10/hooks", "-email", "ops@serco.example", "-db", db)
	m := subLine.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("create: %d %q %q", code, out, errOut)
	}
	id, secret := m[1], m[2]
	// The key was generated beside the database and seals the secret.
	key, err := os.ReadFile(db + ".secrets-key")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := notify.ParseKeys(strings.TrimSpace(string(key)))
	if err != nil {
		t.Fatal(err)
	}
	st := openDB(t, db)
	ds := claimFor(t, st, id)
	if len(ds) != 0 {
		t.Fatalf("a new subscription has notifications: %+v", ds)
	}
	if code, _, errOut := subsRun(t, nil, "test", id, "-db", db); code != 0 {
		t.Fatalf("test: %d %s", code, errOut)
	}
	ds = claimFor(t, st, id)
	if len(ds) != 1 || ds[0].Notification.EventType != "test_notification" {
		t.Fatalf("after test: %+v", ds)
	}
	creds, err := sealer.OpenCredentials(ds[0].Subscription)
	if err != nil || len(creds.Secrets) != 1 || creds.Secrets[0] != secret {
		t.Fatalf("sealed secret: %+v %v", creds, err)
	}

	code, out, _ = subsRun(t, nil, "rotate", id, "-db", db)
	m2 := subLine.FindStringSubmatch(out)
	if code != 0 || m2 == nil || m2[1] != id || m2[2] == secret {
		t.Fatalf("rotate: %d %q", code, out)
	}
	if code, _, errOut := subsRun(t, nil, "rotate", id, "-db", db); code != 1 || !strings.Contains(errOut, "retire the old secret") {
		t.Fatalf("second rotate: %d %q", code, errOut)
	}
	if code, out, _ := subsRun(t, nil, "list", "-db", db); code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "serco") {
		t.Fatalf("list: %d %q", code, out)
	} else if fields := strings.Fields(strings.Split(out, "\n")[1]); fields[4] != "enabled" || fields[5] != "2" {
		t.Fatalf("list row %q", fields)
	}
	if code, _, errOut := subsRun(t, nil, "retire-secret", id, "-db", db); code != 0 {
		t.Fatalf("retire: %s", errOut)
	}
	if code, _, _ := subsRun(t, nil, "disable", id, "-db", db); code != 0 {
		t.Fatal("disable failed")
	}
	si, err := st.Subscription(ctx, id)
	if err != nil || si.Enabled || si.LiveSecrets != 1 {
		t.Fatalf("after retire and disable: %+v %v", si, err)
	}
}

func TestSubscriptionsCommandErrors(t *testing.T) {
	db := clientsDB(t)
	for _, c := range []struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		{nil, []string{}, 2, "Usage: securemove subscriptions"},
		{nil, []string{"create", "-supplier", "serco", "-db", db}, 2, "-url <URL>, -email <address> or both"},
		{nil, []string{"create", "-supplier", "nobody", "-url", "https://x.example/", "-db", db}, 1, "suppliers: "},
		{nil, []string{"create", "-supplier", "serco", "-url", "http://127.0.0.1:9/", "-db", db}, 1, "private or internal network"},
		{nil, []string{"create", "-supplier", "serco", "-url", "ftp://x.example/", "-db", db}, 1, "starting with https://"},
		{map[string]string{"SECUREMOVE_ENV": "production"}, []string{"create", "-supplier", "serco", "-url", "https://x.example/", "-db", db}, 1, "SECUREMOVE_SECRETS_KEY"},
		{nil, []string{"rotate", "-db", db}, 2, "exactly one subscription id"},
		{nil, []string{"disable", "no-such-id", "-db", db}, 1, "no such subscription"},
		{nil, []string{"frobnicate"}, 2, "unknown command"},
		// An unreadable variable is not taken as off (nor as on).
		{map[string]string{"SECUREMOVE_ALLOW_PRIVATE_CALLBACKS": "yes"}, []string{"create", "-supplier", "serco", "-url", "http://127.0.0.1:9/", "-db", db}, 2, `SECUREMOVE_ALLOW_PRIVATE_CALLBACKS="yes": give true or false`},
		{map[string]string{"SECUREMOVE_DEMO": "on"}, []string{"create", "-supplier", "serco", "-url", "https://x.example/", "-db", db}, 2, `SECUREMOVE_DEMO="on"`},
	} {
		code, _, errOut := subsRun(t, c.env, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
	// A loopback receiver is allowed with the flag (or in demo mode).
	if code, _, errOut := subsRun(t, nil, "create", "-supplier", "serco", "-url", "http://127.0.0.1:9/", "-allow-private-callbacks", "-db", db); code != 0 {
		t.Fatalf("allowed private: %s", errOut)
	}
	// The flag wins over a variable it could not read, as for the server.
	if code, _, errOut := subsRun(t, map[string]string{"SECUREMOVE_ALLOW_PRIVATE_CALLBACKS": "yes"}, "create", "-supplier", "serco", "-url", "http://127.0.0.1:9/", "-allow-private-callbacks", "-db", db); code != 0 {
		t.Fatalf("allowed private by the flag over a bad variable: %s", errOut)
	}
}

// TestSubscriptionsTestWritesOnlyWhatIsSent: "subscriptions test" once
// wrote an e-mail notification whatever the server's setting, and said a
// running server would send it; one without SMTP never does. It now
// takes the server's -smtp-url (SECUREMOVE_SMTP_URL): without it, only the
// webhook is written, and a subscription with only an e-mail address has
// nothing to send, which it says (exit 1, nothing written).
func TestSubscriptionsTestWritesOnlyWhatIsSent(t *testing.T) {
	db := clientsDB(t)
	create := func(args ...string) string {
		t.Helper()
		code, out, errOut := subsRun(t, nil, append([]string{"create", "-supplier", "serco", "-db", db}, args...)...)
		m := subLine.FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("create %v: %d %q %q", args, code, out, errOut)
		}
		return m[1]
	}
	emailOnly := create("-email", "ops@serco.example")
	both := create("-email", "ops@serco.example", "-url", "https://203.0.113.10/hooks")
	st := openDB(t, db)
	written := func(id string) map[string]int {
		t.Helper()
		rows, err := st.DB().Query("SELECT channel, COUNT(*) FROM notifications WHERE subscription_id = ? GROUP BY channel", id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var ch string
			var n int
			if err := rows.Scan(&ch, &n); err != nil {
				t.Fatal(err)
			}
			out[ch] = n
		}
		return out
	}
	const smtp = "smtp://mail.example:587?from=moves@example.gov.uk"

	code, out, errOut := subsRun(t, nil, "test", emailOnly, "-db", db)
	if code != 1 || !strings.Contains(errOut, "Nothing to send: this subscription has only an e-mail address and this server sends no e-mail") ||
		strings.Contains(out, "queued") {
		t.Fatalf("e-mail only, no SMTP: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if got := written(emailOnly); len(got) != 0 {
		t.Fatalf("e-mail only, no SMTP, wrote %v", got)
	}
	if code, _, errOut := subsRun(t, nil, "test", both, "-db", db); code != 0 {
		t.Fatalf("webhook and e-mail, no SMTP: %d %s", code, errOut)
	}
	if got := written(both); got["webhook"] != 1 || got["email"] != 0 {
		t.Fatalf("webhook and e-mail, no SMTP, wrote %v; want the webhook only", got)
	}
	// With the server's setting, from the environment or the flag.
	if code, _, errOut := subsRun(t, map[string]string{"SECUREMOVE_SMTP_URL": smtp}, "test", emailOnly, "-db", db); code != 0 {
		t.Fatalf("e-mail only, SECUREMOVE_SMTP_URL: %d %s", code, errOut)
	}
	if code, _, errOut := subsRun(t, nil, "test", both, "-db", db, "-smtp-url", smtp); code != 0 {
		t.Fatalf("both, -smtp-url: %d %s", code, errOut)
	}
	if got := written(emailOnly); got["email"] != 1 || len(got) != 1 {
		t.Fatalf("e-mail only, with SMTP, wrote %v", got)
	}
	if got := written(both); got["webhook"] != 2 || got["email"] != 1 {
		t.Fatalf("both, with SMTP, wrote %v", got)
	}
	if code, _, errOut := subsRun(t, nil, "test", both, "-db", db, "-smtp-url", "mail.example"); code != 2 || !strings.Contains(errOut, "smtp://") {
		t.Fatalf("bad -smtp-url: %d %q", code, errOut)
	}
}

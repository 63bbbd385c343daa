package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
)

const subscriptionsUsage = `Usage: securemove subscriptions <command> [flags]

Manage the suppliers' notification subscriptions (webhooks and e-mail).
Signing secrets are shown once, when they are made; the database keeps them
sealed with the secrets key (-secrets-key or SECUREMOVE_SECRETS_KEY, as for
the server; outside production the key generated beside the database).

Commands:
  create -supplier <key> -url <URL> [-email <address>] [-basic-user U -basic-password P]
                                    a subscription (prints subscription_id= and secret=);
                                    -url or -email or both
  rotate <subscription_id>          add a second live secret and print it
  retire-secret <subscription_id>   retire the older of two live secrets
  list                              list the subscriptions
  disable <subscription_id>         stop notifying; notifications wait until enabled
  enable <subscription_id>          start again
  test <subscription_id> [-smtp-url URL]
                                    send a test notification; e-mail only with
                                    -smtp-url (SECUREMOVE_SMTP_URL), as the server

Every command takes -db (or SECUREMOVE_DB), as the server does.
`

// runSubscriptions manages subscriptions from the command line; it shares
// its flag handling and wording with the clients commands.
func runSubscriptions(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if code, done := cliHelp(args, subscriptionsUsage, stderr); done {
		return code
	}
	cmd, args := args[0], args[1:]
	fs, db := cliFlags("subscriptions", cmd, getenv, stderr)
	var in store.SubscriptionInput
	secretsKeySetting := getenv("SECUREMOVE_SECRETS_KEY")
	// As for the server, a variable that cannot be read is an error, not
	// off: unless -allow-private-callbacks is given, which wins.
	var badEnv []string
	envBool := func(name string) bool {
		v := getenv(name)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			badEnv = append(badEnv, fmt.Sprintf("%s=%q: give true or false (or 1 or 0)", name, v))
		}
		return b
	}
	allowPrivate := envBool("SECUREMOVE_ALLOW_PRIVATE_CALLBACKS")
	demo := envBool("SECUREMOVE_DEMO")
	// The server writes no e-mail notification without SMTP; nor does a
	// test sent from here (it would wait for a server that never sends it).
	smtpURL := getenv("SECUREMOVE_SMTP_URL")
	positional := 1
	switch cmd {
	case "create":
		positional = 0
		fs.StringVar(&in.Supplier, "supplier", "", "key of the supplier to notify (serco, geoamey, …)")
		fs.StringVar(&in.CallbackURL, "url", "", "callback URL the webhooks are posted to")
		fs.StringVar(&in.Email, "email", "", "address e-mails are sent to")
		fs.StringVar(&in.BasicUser, "basic-user", "", "HTTP Basic user name the receiver asks for (optional)")
		fs.StringVar(&in.BasicPassword, "basic-password", "", "HTTP Basic password (optional)")
		fs.BoolVar(&allowPrivate, "allow-private-callbacks", allowPrivate || demo, "allow a callback URL on loopback or a private network (SECUREMOVE_ALLOW_PRIVATE_CALLBACKS)")
		fs.StringVar(&secretsKeySetting, "secrets-key", secretsKeySetting, "key sealing secrets (SECUREMOVE_SECRETS_KEY)")
	case "rotate":
		fs.StringVar(&secretsKeySetting, "secrets-key", secretsKeySetting, "key sealing secrets (SECUREMOVE_SECRETS_KEY)")
	case "test":
		fs.StringVar(&smtpURL, "smtp-url", smtpURL, "the server's SMTP setting: without it no e-mail is written, only the webhook (SECUREMOVE_SMTP_URL)")
	case "retire-secret", "disable", "enable":
	case "list":
		positional = 0
	default:
		fmt.Fprintf(stderr, "subscriptions: unknown command %q\n\n%s", cmd, subscriptionsUsage)
		return 2
	}
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "allow-private-callbacks" })
	if cmd == "create" && len(badEnv) > 0 && !given {
		fmt.Fprintf(stderr, "subscriptions create: %s\n", strings.Join(badEnv, "; "))
		return 2
	}
	if len(pos) != positional {
		if positional == 1 {
			fmt.Fprintf(stderr, "subscriptions %s: give exactly one subscription id (see: securemove subscriptions list)\n", cmd)
		} else {
			fmt.Fprintf(stderr, "subscriptions %s: unexpected argument %q\n", cmd, pos[0])
		}
		return 2
	}
	if cmd == "create" && (in.Supplier == "" || (in.CallbackURL == "" && in.Email == "")) {
		fmt.Fprintln(stderr, "subscriptions create: give -supplier <key> and -url <URL>, -email <address> or both")
		return 2
	}
	if cmd == "test" {
		if _, err := notify.ParseSMTPURL(smtpURL); err != nil {
			fmt.Fprintf(stderr, "subscriptions test: -smtp-url (SECUREMOVE_SMTP_URL): %s\n", strings.TrimPrefix(err.Error(), "notify: "))
			return 2
		}
	}
	st, ok := openCLIStore(ctx, "subscriptions", *db, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	st.SendsEmail(smtpURL != "")
	var sealer *notify.Sealer
	if cmd == "create" || cmd == "rotate" {
		key, err := secretsKey(notifyConfig{db: *db, secretsKey: secretsKeySetting, production: strings.EqualFold(getenv("SECUREMOVE_ENV"), "production")})
		if err == nil {
			sealer, err = notify.ParseKeys(key)
		}
		if err != nil {
			fmt.Fprintf(stderr, "subscriptions %s: %v\n", cmd, err)
			return 1
		}
		g := &notify.Guard{AllowPrivate: allowPrivate}
		in.CheckURL = g.CheckURL
	}
	if err := subscriptionsCommand(ctx, st, cmd, pos, in, sealer, stdout, stderr); err != nil {
		msg := cliMessageFor("subscription", err)
		if msg == store.NothingToSend {
			msg += " (give -smtp-url or SECUREMOVE_SMTP_URL, as the server's, when it has one)"
		}
		fmt.Fprintf(stderr, "subscriptions %s: %s\n", cmd, msg)
		return 1
	}
	return 0
}

const cliActor = "command line"

func subscriptionsCommand(ctx context.Context, st *store.Store, cmd string, pos []string, in store.SubscriptionInput, sealer *notify.Sealer, stdout, stderr io.Writer) error {
	switch cmd {
	case "create":
		si, secret, err := st.CreateSubscription(ctx, in, sealer, cliActor)
		if err != nil {
			return createError(ctx, st, in.Supplier, err)
		}
		return printSecret(stdout, stderr, "subscription_id", si.ID, "secret", secret, secretNotShownAgain)
	case "rotate":
		secret, err := st.RotateSubscriptionSecret(ctx, pos[0], sealer, cliActor)
		if err != nil {
			return err
		}
		return printSecret(stdout, stderr, "subscription_id", pos[0], "secret", secret,
			"Notifications are now signed with both secrets. Once the supplier verifies with the new one, run: securemove subscriptions retire-secret "+pos[0])
	case "retire-secret":
		if err := st.RetireSubscriptionSecret(ctx, pos[0], cliActor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "retired the old secret of %s; notifications are signed with the new one only\n", pos[0])
	case "disable", "enable":
		if err := st.SetSubscriptionEnabled(ctx, pos[0], cmd == "enable", cliActor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", cmd, pos[0])
	case "test":
		if err := st.SendTestNotification(ctx, pos[0], cliActor); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "queued a test notification for %s; a running server sends it within seconds\n", pos[0])
	case "list":
		subs, err := st.Subscriptions(ctx)
		if err != nil {
			return err
		}
		var rows [][]any
		for _, s := range subs {
			status := "enabled"
			if !s.Enabled {
				status = "disabled"
			}
			rows = append(rows, []any{s.ID, s.SupplierKey, dash(s.CallbackURL), dash(s.Email), status,
				s.LiveSecrets, s.Pending, s.Delivered, s.Failed, s.CreatedAt.Format(time.RFC3339)})
		}
		return printTable(stdout, "no subscriptions yet; create one with: securemove subscriptions create -supplier <key> -url <URL>",
			[]string{"SUBSCRIPTION_ID", "SUPPLIER", "URL", "EMAIL", "STATUS", "LIVE_SECRETS", "PENDING", "DELIVERED", "FAILED", "CREATED"}, rows)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Package notify tells suppliers about changes to their moves: signed
// webhooks and short e-mails, delivered at least once.
//
// # At least once
//
// The store writes one notification record per change, subscription and
// channel into an outbox table in the same transaction as the change, so a
// change that was acknowledged is never left unannounced. A Worker drains
// the outbox through the Outbox interface (implemented by the store), in
// batches: Claim leases up to BatchSize (100) due records of each
// subscription at once by moving their next attempt time forward, the
// Worker attempts them, and Record stores the batch's outcomes together.
// If the process dies mid-batch, the lease runs out and the records come
// due again. A receiver may therefore see a notification more than once;
// it drops duplicates by id.
//
// Batches matter because the store has one writer, which also takes the
// events in: two transactions per batch instead of two per notification
// keep a subscribed supplier from slowing everybody's writes.
//
// # Ids
//
// A notification's id is sent as both webhook-id (Standard Webhooks) and
// PECS-NOTIFICATION-ID (upstream), is the body's data.id, and is the same on
// every attempt.
//
// # Signatures
//
// Every webhook carries both schemes, so new and existing receivers verify:
//
//	webhook-id, webhook-timestamp (Unix seconds of this attempt),
//	webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>
//	PECS-SIGNATURE: base64 HMAC-SHA256(secret text, body)
//
// Secrets are "whsec_" + base64 of 32 random bytes; the Standard Webhooks
// key is the decoded part, the PECS key is the secret text as given to the
// supplier (which is what upstream's receivers hold). A secret without the
// prefix (carried over from upstream) is used as raw bytes for both.
//
// While a secret is rotated a subscription has two live secrets, and
// webhook-signature carries one v1 signature per secret, space-separated, so
// a receiver holding either verifies. PECS-SIGNATURE has room for one value
// and upstream's receivers compare the whole header, so it is signed with the
// OLDEST live secret only: existing receivers keep verifying until the old
// secret is retired, and should switch to the new one at that moment (or
// move to Standard Webhooks verification, which tolerates the overlap).
//
// Secrets and Basic passwords are sealed at rest with AES-256-GCM (Sealer)
// under a key from configuration, bound to the subscription id.
//
// # Responses and retries
//
// Any 2xx is success. Anything else, a timeout (10 s) or a connection error
// is retried. Redirects are not followed: a 3xx is a failure (a receiver
// could otherwise bounce a signed request to an internal address). 410 Gone
// disables the subscription. Retry-After (seconds or HTTP-date) is honoured
// when longer than the scheduled wait, up to 24 h. E-mail follows the same
// rules. Each wait has ±10 % jitter.
//
//	attempt  wait before it   time since first (no jitter)
//	1        —                0
//	2        5 s              5 s
//	3        5 min            5 min 5 s
//	4        30 min           35 min
//	5        2 h              2 h 35 min
//	6        5 h              7 h 35 min
//	7        10 h             17 h 35 min
//	8        14 h             1 d 7 h 35 min
//	9        20 h             2 d 3 h 35 min
//	10       24 h             3 d 3 h 35 min  (then given up: failed)
//
// # Scheduling
//
// Each subscription has at most one batch in flight (Claim excludes those
// in flight), its notifications sent one at a time in due order; batches
// of different subscriptions run concurrently (Concurrency, 8), so one slow
// or failing receiver never delays another supplier's notifications. An
// attempt that fails stops the batch on its channel: the rest there are
// released, not counted as attempted. If the receiver as a whole is unwell
// (no answer, 429, a gateway's 5xx, Retry-After) they are due with the
// failed one's retry, and go after it; otherwise due as before, and the
// next round goes on with them while the failed one waits out its
// backoff (Worker.deliver). A batch also starts no
// attempt once half its lease (2 min) has passed, so no attempt outlives
// the lease.
//
// # SSRF
//
// Callback URLs that resolve to loopback, private, link-local, unspecified,
// multicast, CGNAT (100.64/10), IPv6 ULA (fc00::/7), IPv4-mapped and other
// special addresses are refused when a subscription is saved (Guard.CheckURL)
// and again at every connection (a net.Dialer Control hook sees the address
// actually dialled, which defeats DNS rebinding). Guard.AllowPrivate lifts
// this for demo mode or a receiver on a private network.
//
// # E-mail
//
// One URL setting configures SMTP (smtp://user:pass@host:587?from=addr uses
// STARTTLS when offered; smtps:// is TLS from the start); unset means no
// e-mail. A message names the move's reference and links to it; it carries
// no personal details.
//
// # What the store keeps
//
// subscriptions: id, supplier_id, callback_url, email, sealed secrets (one,
// or two while rotating, oldest first — add the new one, retire the old one
// later), basic_user, sealed basic_password, enabled, disabled_at and
// reason. notifications (the outbox): id (uuid; the webhook id),
// subscription_id, channel, event_type, created_at, move_id,
// move_reference, event_id, lodging_id, attempts, next_attempt_at (indexed
// with subscription_id; also the lease), last_attempt_at, last_status,
// last_error, delivered_at, failed_at. Undelivered means delivered_at and
// failed_at both null; that feeds the metrics' outbox gauges.
//
// # Demo receiver
//
// Sink verifies both signatures of what it receives against one secret and
// keeps the last arrivals for a page; ServeSink runs it on an address for
// the `securemove webhook-sink` command.
package notify

package serve

import "github.com/securemove/securemove/notify"

// NotifyDeps is what the subscription pages need of "Tell suppliers": the
// sealer for new secrets, the guard for callback URLs and the worker to
// wake after a test notification or a resend.
type NotifyDeps struct {
	Sealer *notify.Sealer
	Guard  *notify.Guard
	Worker *notify.Worker
	// Sink, in demo mode, is the built-in receiver under /demo/webhooks.
	Sink *notify.Sink
}

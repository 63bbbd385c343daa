package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/securemove/securemove/notify"
)

// runWebhookSink runs a receiver that verifies both signatures of what it
// is sent with one secret and lists the arrivals on GET: a stand-in for a
// supplier's endpoint while trying the service out.
func runWebhookSink(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("securemove webhook-sink", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8089", "address to listen on")
	secret := fs.String("secret", "", "the subscription's signing secret (whsec_…), as printed by subscriptions create")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	sink, err := notify.NewSink(*secret, 100, nil)
	if err != nil {
		fmt.Fprintln(stderr, "webhook-sink: give the subscription's secret with -secret whsec_…")
		return 2
	}
	err = notify.ServeSink(ctx, *addr, sink, func(a net.Addr) {
		fmt.Fprintf(stdout, "webhook sink listening on http://%s/ (POST to verify and keep, GET to list)\n", a)
	})
	if err != nil {
		fmt.Fprintf(stderr, "webhook-sink: %v\n", err)
		return 1
	}
	return 0
}

package main

import (
	"context"
	"fmt"
	"io"
)

// runClients manages API clients from the command line.
func runClients(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "clients: not available in this build yet")
	return 2
}

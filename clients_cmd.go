package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

const clientsUsage = `Usage: securemove clients <command> [flags]

Manage the API clients of the supplier API. Secrets are shown once, when
they are made: the database keeps only their hashes.

Commands:
  create -supplier <key> [-name N]   a client of a supplier (prints client_id= and client_secret=)
  create -internal -name N           an internal client, which sees every move
  rotate <client_id>                 add a second live secret and print it
  retire-secret <client_id>          retire the older of two live secrets
  list                               list the clients
  disable <client_id>                stop a client; its tokens stop working at once

Every command takes -db (or SECUREMOVE_DB), as the server does.
`

// runClients manages API clients from the command line.
func runClients(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if code, done := cliHelp(args, clientsUsage, stderr); done {
		return code
	}
	cmd, args := args[0], args[1:]
	fs, db := cliFlags("clients", cmd, getenv, stderr)
	var supplier, name string
	var internal bool
	positional := 0
	switch cmd {
	case "create":
		fs.StringVar(&supplier, "supplier", "", "key of the supplier the client belongs to (serco, geoamey, …)")
		fs.StringVar(&name, "name", "", "a name to tell the client apart (default: the supplier's name)")
		fs.BoolVar(&internal, "internal", false, "an internal client, with no supplier: it sees every move")
	case "rotate", "retire-secret", "disable":
		positional = 1
	case "list":
	default:
		fmt.Fprintf(stderr, "clients: unknown command %q\n\n%s", cmd, clientsUsage)
		return 2
	}
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != positional {
		if positional == 1 {
			fmt.Fprintf(stderr, "clients %s: give exactly one client id, e.g. securemove clients %s serco-0123456789abcdef\n", cmd, cmd)
		} else {
			fmt.Fprintf(stderr, "clients %s: unexpected argument %q\n", cmd, pos[0])
		}
		return 2
	}
	if cmd == "create" {
		switch {
		case internal && supplier != "":
			fmt.Fprintln(stderr, "clients create: give -supplier or -internal, not both")
			return 2
		case !internal && supplier == "":
			fmt.Fprintln(stderr, "clients create: give -supplier <key> (or -internal for a client that sees every move)")
			return 2
		case internal && strings.TrimSpace(name) == "":
			fmt.Fprintln(stderr, "clients create: an internal client needs -name")
			return 2
		}
	}
	st, ok := openCLIStore(ctx, "clients", *db, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	if err := clientsCommand(ctx, st, cmd, pos, supplier, name, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "clients %s: %s\n", cmd, cliMessage(err))
		return 1
	}
	return 0
}

func clientsCommand(ctx context.Context, st *store.Store, cmd string, pos []string, supplier, name string, stdout, stderr io.Writer) error {
	switch cmd {
	case "create":
		if name == "" {
			sp, err := st.Supplier(ctx, supplier)
			if err != nil {
				return unknownSupplier(ctx, st, supplier, err)
			}
			name = sp.Name
		}
		cl, secret, err := st.CreateClient(ctx, store.NewClient{Name: name, Supplier: supplier, CreatedBy: "command line"})
		if err != nil {
			return createError(ctx, st, supplier, err)
		}
		return printSecret(stdout, stderr, "client_id", cl.ID, "client_secret", secret, secretNotShownAgain)
	case "rotate":
		secret, err := st.RotateClientSecret(ctx, pos[0])
		if err != nil {
			return err
		}
		return printSecret(stdout, stderr, "client_id", pos[0], "client_secret", secret,
			"The client now has two live secrets. Once the supplier uses the new one, run: securemove clients retire-secret "+pos[0])
	case "retire-secret":
		sec, err := st.RetireOlderSecret(ctx, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "retired the secret ending %s of %s; tokens issued with it no longer work\n", sec.Hint, pos[0])
	case "disable":
		if err := st.DisableClient(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s; its tokens no longer work\n", pos[0])
	case "list":
		cls, err := st.Clients(ctx)
		if err != nil {
			return err
		}
		var rows [][]any
		for _, cl := range cls {
			sup, status := cl.SupplierKey, "active"
			if sup == "" {
				sup = "(internal)"
			}
			if cl.Disabled {
				status = "disabled"
			}
			rows = append(rows, []any{cl.ID, cl.Name, sup, status, len(cl.LiveSecrets()), cl.CreatedAt.Format(time.RFC3339)})
		}
		return printTable(stdout, "no API clients yet; create one with: securemove clients create -supplier <key>",
			[]string{"CLIENT_ID", "NAME", "SUPPLIER", "STATUS", "LIVE_SECRETS", "CREATED"}, rows)
	}
	return nil
}

const secretNotShownAgain = "Keep the secret safe and send it to the supplier securely: it is not shown again."

// printSecret prints a secret just made as name=value lines a script can
// read, and what to do next on stderr, for a person.
func printSecret(stdout, stderr io.Writer, idName, id, secretName, secret, next string) error {
	fmt.Fprintf(stdout, "%s=%s\n%s=%s\n", idName, id, secretName, secret)
	fmt.Fprintln(stderr, next)
	return nil
}

// printTable writes rows under header in aligned columns, or says empty
// when there are none.
func printTable(w io.Writer, empty string, header []string, rows [][]any) error {
	if len(rows) == 0 {
		fmt.Fprintln(w, empty)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, v)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// createError is why a create failed, naming the suppliers there are when
// it named none of them.
func createError(ctx context.Context, st *store.Store, supplier string, err error) error {
	if e, ok := moves.AsError(err); ok && e.Fields.Has("supplier") {
		return unknownSupplier(ctx, st, supplier, err)
	}
	return err
}

func unknownSupplier(ctx context.Context, st *store.Store, key string, err error) error {
	if moves.ErrorCode(err) != moves.NotFound && moves.ErrorCode(err) != moves.Invalid {
		return err
	}
	sps, _ := st.Suppliers(ctx)
	var keys []string
	for _, sp := range sps {
		keys = append(keys, sp.Key)
	}
	if len(keys) == 0 {
		return fmt.Errorf("no supplier %q: the database has no suppliers yet", key)
	}
	return fmt.Errorf("no supplier %q; suppliers: %s", key, strings.Join(keys, ", "))
}

// cliHelp prints a command group's usage when its arguments ask for it,
// or are missing (an error: 2).
func cliHelp(args []string, usage string, stderr io.Writer) (code int, done bool) {
	if len(args) > 0 && !slices.Contains([]string{"-h", "-help", "--help", "help"}, args[0]) {
		return 0, false
	}
	fmt.Fprint(stderr, usage)
	if len(args) == 0 {
		return 2, true
	}
	return 0, true
}

// cliFlags starts the flags of a command of a group (clients,
// subscriptions): every command takes -db, as the server does.
func cliFlags(group, cmd string, getenv func(string) string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("securemove "+group+" "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := getenv("SECUREMOVE_DB")
	if db == "" {
		db = "./data/securemove.db"
	}
	fs.StringVar(&db, "db", db, "SQLite database file or postgres:// URL (SECUREMOVE_DB)")
	return fs, &db
}

// parseArgs parses flags that may come before or after the positional
// arguments, which it returns; !ok means stop with code.
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		if fs.NArg() == 0 {
			return pos, 0, true
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// openCLIStore opens the server's database for a command, refusing to
// create one that is not there (a mistyped -db would otherwise make an
// empty database).
func openCLIStore(ctx context.Context, group, db string, stderr io.Writer) (*store.Store, bool) {
	if _, err := os.Stat(db); err != nil && !store.IsPostgres(db) {
		fmt.Fprintf(stderr, "%s: no database at %s; give -db (or SECUREMOVE_DB) as for the server, or start the server once to create it\n", group, db)
		return nil, false
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", group, cliMessage(err))
		return nil, false
	}
	return st, true
}

// cliMessage words an error of the clients commands for the command line.
func cliMessage(err error) string { return cliMessageFor("client", err) }

// cliMessageFor words an error for the command line; noun names what a
// NotFound did not find (its group lists them).
func cliMessageFor(noun string, err error) string {
	if e, ok := moves.AsError(err); ok {
		switch e.Code {
		case moves.NotFound:
			return fmt.Sprintf("no such %s (see: securemove %ss list)", noun, noun)
		case moves.Conflict, moves.Invalid:
			if e.Message != "" && len(e.Fields) == 0 {
				return e.Message
			}
			var parts []string
			for _, f := range e.Fields {
				parts = append(parts, f.Message)
			}
			return strings.Join(parts, "; ")
		}
	}
	return err.Error()
}

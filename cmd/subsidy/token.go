package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/storage"
)

func init() {
	register(command{name: "token", summary: "create an access token for the registry (token create --name N --role viewer|officer)", run: runToken})
}

// openDatabase opens the registry database named by url (empty: SQLite in
// dataDir, or in the default data directory when that is empty too).
func openDatabase(ctx context.Context, url, dataDir string) (*storage.DB, error) {
	if dataDir == "" {
		dataDir = handlers.DefaultDataDir()
	}
	return storage.Open(ctx, url, dataDir)
}

// runToken is "subsidy token create": it stores a new token's hash and
// prints the token once, on standard output.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: subsidy token create --name NAME --role viewer|officer [--database URL] [--data-dir DIR]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return exitCode(2)
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "who the token is for (shown in the audit log)")
	role := fs.String("role", storage.RoleViewer, "viewer (reads the registry) or officer (also writes)")
	database := fs.String("database", os.Getenv("SUBSIDY_DATABASE"), "the registry's database, as for serve ($SUBSIDY_DATABASE)")
	dataDir := fs.String("data-dir", os.Getenv("SUBSIDY_DATA_DIR"), "the data directory, as for serve ($SUBSIDY_DATA_DIR)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(2)
	}
	if *name == "" {
		fmt.Fprintln(stderr, "subsidy token create: --name is required")
		return exitCode(2)
	}
	if *role != storage.RoleViewer && *role != storage.RoleOfficer {
		fmt.Fprintf(stderr, "subsidy token create: --role %q: want viewer or officer\n", *role)
		return exitCode(2)
	}
	db, err := openDatabase(ctx, *database, *dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	_, secret, err := db.CreateToken(ctx, *name, *role)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "token for %s (%s) created; it is shown only now\n", *name, *role)
	return nil
}

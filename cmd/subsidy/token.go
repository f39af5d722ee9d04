package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/eaeu-subsidy/subsidy/calc"
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
	c := newCmdline("token", "create --name NAME --role viewer|officer [--database URL] [--data-dir DIR]", `
Creates an access token for the registry: stores its hash and prints the
token once, on standard output. viewer reads the registry; officer also
writes.`, stdout, stderr)
	name := c.fs.String("name", "", "`NAME` of who the token is for (shown in the audit log)")
	role := c.fs.String("role", storage.RoleViewer, "`ROLE`: viewer (reads the registry) or officer (also writes)")
	database := c.fs.String("database", os.Getenv("SUBSIDY_DATABASE"), "the registry's database `URL`, as for serve ($SUBSIDY_DATABASE)")
	dataDir := c.fs.String("data-dir", os.Getenv("SUBSIDY_DATA_DIR"), "the data directory `DIR`, as for serve ($SUBSIDY_DATA_DIR)")
	return c.run(args, 1, 1, func() error {
		if c.fs.Arg(0) != "create" {
			return usagef(calc.Text{
				Ru: "неизвестная подкоманда %q: допустимо create",
				En: "unknown subcommand %q: want create",
			}, c.fs.Arg(0))
		}
		if *name == "" {
			return usagef(calc.Text{Ru: "--name is required", En: "--name is required"})
		}
		if *role != storage.RoleViewer && *role != storage.RoleOfficer {
			return usagef(calc.Text{Ru: "--role %q: want viewer or officer", En: "--role %q: want viewer or officer"}, *role)
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
	})
}

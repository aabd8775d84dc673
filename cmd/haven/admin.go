package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/havenhrd/haven"
)

// cmdOrg: haven org create.
func cmdOrg(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("org: say create")
	}
	fs := flag.NewFlagSet("org create", flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	as := fs.String("as", "", "username of the programme administrator")
	kind := fs.String("kind", "", "referral_partner, protection_partner, visa_office, screening_partner, medical_partner, settlement_organisation or programme_administration")
	name := fs.String("name", "", "the organisation's name")
	country := fs.String("country", "", "ISO 3166-1 code of its seat")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	k, err := haven.ParseOrgKind(*kind)
	if err != nil {
		return usagef("org create: %s", haven.ErrorMessageOf(err))
	}
	e, err := open(ctx, *dsn, getenv, stderr, true)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	actor, err := actorByUsername(ctx, e.app, *as)
	if err != nil {
		return describe(err)
	}
	o := &haven.Organisation{Kind: k, Name: *name, Country: *country}
	if err := e.app.Programme.CreateOrganisation(ctx, actor, o); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "haven: organisation %s created (%s)\n", o.ID, o.Kind)
	return nil
}

// cmdUser: haven user create | disable | enrol.
func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "disable" && args[0] != "enrol") {
		return usagef("user: say create, disable or enrol")
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	as := fs.String("as", "", "username of the programme administrator")
	org := fs.String("org", "", "the organisation's ID (create)")
	role := fs.String("role", "caseworker", "caseworker, supervisor or admin (create)")
	username := fs.String("username", "", "the user's username")
	name := fs.String("name", "", "the user's display name (create)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	e, err := open(ctx, *dsn, getenv, stderr, true)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	actor, err := actorByUsername(ctx, e.app, *as)
	if err != nil {
		return describe(err)
	}
	switch sub {
	case "create":
		r, err := haven.ParseRole(*role)
		if err != nil {
			return usagef("user create: %s", haven.ErrorMessageOf(err))
		}
		u := &haven.User{OrgID: haven.ID(*org), Role: r, Username: *username, DisplayName: *name}
		secret, err := e.app.Programme.CreateUser(ctx, actor, u)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "haven: user %s (%s) created\n", u.Username, u.ID)
		printEnrolment(stdout, u, secret)
		return nil
	}
	u, err := e.app.Programme.FindUserByUsername(ctx, *username)
	if err != nil {
		return describe(err)
	}
	if sub == "disable" {
		if err := e.app.Accounts.DisableUser(ctx, actor, u.ID); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "haven: user %s disabled; every session ended\n", u.Username)
		return nil
	}
	secret, err := e.app.Accounts.IssueEnrolment(ctx, actor, u.ID)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "haven: %s's factors and sessions removed\n", u.Username)
	printEnrolment(stdout, u, secret)
	return nil
}

// cmdToken: haven token create | revoke.
func cmdToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		return usagef("token: say create or revoke")
	}
	sub := args[0]
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	dsn := fs.String("db", "", "SQLite file path or postgres:// URL")
	as := fs.String("as", "", "username of the programme administrator")
	user := fs.String("user", "", "username the token acts as (create)")
	name := fs.String("name", "", "what the token is for (create)")
	days := fs.Int("days", 90, "days until the token expires, at most 366 (create)")
	id := fs.String("id", "", "the token's ID (revoke)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	e, err := open(ctx, *dsn, getenv, stderr, true)
	if err != nil {
		return describe(err)
	}
	defer e.Close()
	actor, err := actorByUsername(ctx, e.app, *as)
	if err != nil {
		return describe(err)
	}
	if sub == "revoke" {
		if err := e.app.Accounts.RevokeAPIToken(ctx, actor, haven.ID(*id)); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "haven: token %s revoked\n", *id)
		return nil
	}
	u, err := e.app.Programme.FindUserByUsername(ctx, *user)
	if err != nil {
		return describe(err)
	}
	tok, tid, err := e.app.Accounts.CreateAPIToken(ctx, actor, u.ID, *name, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "haven: token %s for %s, expires in %d days; shown this once:\n  %s\n", tid, u.Username, *days, tok)
	return nil
}

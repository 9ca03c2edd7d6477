package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/tend-crm/tend/store"
)

// runUser manages users from the shell: the way to make the first admin,
// and to let people in when users.enroll is none.
func runUser(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fmt.Fprintln(e.stderr, "Usage: tend user add NAME --platform slack|telegram --id PLATFORM_USER_ID [--role rep|manager|admin] [--tz ZONE]\n       tend user list")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	sub := args[0]
	f := newFlags(e, "user "+sub, "").withDB()
	platform := f.String("platform", "", "slack, telegram or console")
	id := f.String("id", "", "the user's id on that platform (Slack U…, Telegram numeric id)")
	role := f.String("role", "rep", "rep, manager or admin")
	tz := f.String("tz", "", "time zone (default users.default_time_zone)")
	words, err := f.parseInterleaved(args[1:])
	if err != nil {
		return err
	}
	cfg, db, err := openData(ctx, e, f)
	if err != nil {
		return err
	}
	defer db.Close()

	if sub == "list" {
		users, err := db.ListUsers(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tTIME ZONE\tIDENTITIES")
		for _, u := range users {
			ids := make([]string, len(u.Identities))
			for i, id := range u.Identities {
				ids[i] = id.Platform + ":" + id.ExternalID
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, u.TimeZone, strings.Join(ids, " "))
		}
		return w.Flush()
	}

	name := strings.Join(words, " ")
	switch {
	case name == "" || *id == "":
		return fmt.Errorf("user add: a name and --id are required")
	case *platform != "slack" && *platform != "telegram" && *platform != "console":
		return fmt.Errorf("user add: --platform must be slack, telegram or console")
	case *role != "rep" && *role != "manager" && *role != "admin":
		return fmt.Errorf("user add: --role must be rep, manager or admin")
	}
	zone := *tz
	if zone == "" {
		zone = cfg.Users.DefaultTimeZone
	}
	if _, err := loadZone(zone); err != nil {
		return err
	}
	// On Telegram a user's private chat has their id, so reminders can
	// reach them before they write; Slack's is learnt from their first DM.
	ident := store.Identity{Platform: *platform, ExternalID: *id}
	if *platform == "telegram" {
		ident.ChatID = *id
	}
	u, err := db.CreateUser(ctx, store.User{Name: name, Role: store.Role(*role), TimeZone: zone, Lang: "en", DigestTime: "08:30",
		Identities: []store.Identity{ident}})
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s) as user %d, %s:%s\n", u.Name, u.Role, u.ID, *platform, *id)
	return nil
}

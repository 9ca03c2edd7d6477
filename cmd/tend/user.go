package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tend-crm/tend/store"
)

// runUser manages users from the shell: the way to make the first admin,
// and to let people in when users.enroll is none.
func runUser(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list" && args[0] != "remove") {
		fmt.Fprintln(e.stderr, "Usage: tend user add NAME --platform slack|telegram --id PLATFORM_USER_ID [--role rep|manager|admin] [--manager USER] [--tz ZONE]\n"+
			"       tend user list\n"+
			"       tend user remove USER --to USER   (hand their customers, open deals and follow-ups over; they can no longer use Tend)")
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
	manager := f.Int64("manager", 0, "id of the user's manager (see tend user list)")
	to := f.Int64("to", 0, "remove: id of the user who takes over")
	words, err := f.parseInterleaved(args[1:])
	if err != nil {
		return err
	}
	how := mustExist
	if sub == "add" { // the first admin is added to a new book
		how = mayCreate
	}
	cfg, db, err := openData(ctx, e, f, how)
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
		fmt.Fprintln(w, "ID\tNAME\tROLE\tMANAGER\tTIME ZONE\tIDENTITIES")
		for _, u := range users {
			ids := make([]string, len(u.Identities))
			for i, id := range u.Identities {
				ids[i] = id.Platform + ":" + id.ExternalID
			}
			mgr := "-"
			if u.ManagerID != 0 {
				mgr = fmt.Sprint(u.ManagerID)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, mgr, u.TimeZone, strings.Join(ids, " "))
		}
		return w.Flush()
	}
	if sub == "remove" {
		return removeUser(ctx, e, db, words, store.UserID(*to))
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
	if *manager != 0 {
		if m, err := db.User(ctx, store.UserID(*manager)); err != nil || m.Role == store.RoleRep || !m.Active() {
			return fmt.Errorf("user add: --manager %d is not an active manager or admin", *manager)
		}
	}
	u, err := db.CreateUser(ctx, store.User{Name: name, Role: store.Role(*role), TimeZone: zone, Lang: "en", DigestTime: "08:30",
		ManagerID: store.UserID(*manager), Identities: []store.Identity{ident}})
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s) as user %d, %s:%s\n", u.Name, u.Role, u.ID, *platform, *id)
	return nil
}

// removeUser hands a leaver's book over from the shell. The change is
// recorded as the first admin's: the shell has the file, and so the
// rights of one.
func removeUser(ctx context.Context, e env, db dataStore, words []string, to store.UserID) error {
	if len(words) != 1 || to == 0 {
		return fmt.Errorf("user remove: want a user id and --to ID (see tend user list)")
	}
	id, err := strconv.ParseInt(words[0], 10, 64)
	if err != nil {
		return fmt.Errorf("user remove: %q is not a user id (see tend user list)", words[0])
	}
	users, err := db.ListUsers(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(users, func(u store.User) bool { return u.Role == store.RoleAdmin && u.ID != store.UserID(id) })
	if i < 0 {
		return fmt.Errorf("user remove: there is no other admin to record the change as; add one with tend user add --role admin")
	}
	admin := store.Scope{UserID: users[i].ID, Role: store.RoleAdmin}
	h, err := db.RemoveUser(ctx, admin, store.Origin{}, store.UserID(id), to)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("user remove: users %d and %d must both be active (see tend user list)", id, to)
	}
	if err != nil {
		return fmt.Errorf("user remove: %w", err)
	}
	fmt.Fprintf(e.stdout, "removed user %d; user %d takes over %d customers, %d open deals, %d open follow-ups and %d team members\n",
		id, to, h.Customers, h.Deals, h.FollowUps, h.Team)
	return nil
}

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
		out := e.stderr
		if len(args) > 0 && isHelp(args[0]) {
			out = e.stdout
		}
		fmt.Fprintln(out, "Usage: tend user add NAME --platform slack|telegram --id PLATFORM_USER_ID [--role rep|manager|admin] [--manager USER] [--tz ZONE]\n"+
			"       tend user list\n"+
			"       tend user remove USER --to USER   (hand their customers, open deals and follow-ups over; they can no longer use Tend)")
		if out == e.stdout {
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
	manager := f.String("manager", "", "add: the user's manager, by id or name (see tend user list)")
	to := f.String("to", "", "remove: the user who takes over, by id or name")
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
		names := make(map[store.UserID]string, len(users))
		for _, u := range users {
			names[u.ID] = u.Name
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
				mgr = fmt.Sprintf("%d (%s)", u.ManagerID, names[u.ManagerID])
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, mgr, u.TimeZone, strings.Join(ids, " "))
		}
		return w.Flush()
	}
	if sub == "remove" {
		return removeUser(ctx, e, db, words, *to)
	}

	name := strings.Join(words, " ")
	switch {
	case name == "" || *id == "":
		return fmt.Errorf("user add: a name and --id are required")
	case *platform != "slack" && *platform != "telegram" && *platform != "console":
		return fmt.Errorf("user add: --platform must be slack, telegram or console")
	case *role != "rep" && *role != "manager" && *role != "admin":
		return fmt.Errorf("user add: --role must be rep, manager or admin")
	case *platform == "telegram" && !isTelegramID(*id):
		return fmt.Errorf("user add: a Telegram --id is the person's numeric id (like 123456789), not %q", *id)
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
	var managerID store.UserID
	if *manager != "" {
		m, err := findUser(ctx, db, *manager)
		if err != nil {
			return fmt.Errorf("user add: --manager: %w", err)
		}
		if m.Role == store.RoleRep {
			return fmt.Errorf("user add: --manager: %s is a rep, not a manager or admin", m.Name)
		}
		managerID = m.ID
	}
	u, err := db.CreateUser(ctx, store.User{Name: name, Role: store.Role(*role), TimeZone: zone, Lang: "en", DigestTime: "08:30",
		ManagerID: managerID, Identities: []store.Identity{ident}})
	if errors.Is(err, store.ErrConflict) {
		if owner, err := db.UserByIdentity(ctx, ident); err == nil && !owner.Active() {
			// Their history stays theirs: the identity is not moved.
			return fmt.Errorf("user add: %s:%s was %s's, who was removed; Tend keeps it with their history", *platform, *id, owner.Name)
		}
		return fmt.Errorf("user add: %s:%s is already a user's (see tend user list)", *platform, *id)
	}
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s) as user %d, %s:%s\n", u.Name, u.Role, u.ID, *platform, *id)
	return nil
}

// removeUser hands a leaver's book over from the shell. The change is
// recorded as the first admin's: the shell has the file, and so the
// rights of one.
func removeUser(ctx context.Context, e env, db dataStore, words []string, to string) error {
	if len(words) == 0 || to == "" {
		return fmt.Errorf("user remove: want a user and --to USER, by id or name (see tend user list)")
	}
	leaver, err := findUser(ctx, db, strings.Join(words, " "))
	if err != nil {
		return fmt.Errorf("user remove: %w", err)
	}
	heir, err := findUser(ctx, db, to)
	if err != nil {
		return fmt.Errorf("user remove: --to: %w", err)
	}
	users, err := db.ListUsers(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(users, func(u store.User) bool { return u.Role == store.RoleAdmin && u.ID != leaver.ID })
	if i < 0 {
		return fmt.Errorf("user remove: there is no other admin to record the change as; add one with tend user add --role admin")
	}
	admin := store.Scope{UserID: users[i].ID, Role: store.RoleAdmin}
	h, err := db.RemoveUser(ctx, admin, store.Origin{}, leaver.ID, heir.ID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("user remove: %s and %s must both be active (see tend user list)", leaver.Name, heir.Name)
	}
	if err != nil {
		return fmt.Errorf("user remove: %w", err)
	}
	fmt.Fprintf(e.stdout, "removed %s (user %d); %s (user %d) takes over customers: %d, open deals: %d, open follow-ups: %d, team members: %d\n",
		leaver.Name, leaver.ID, heir.Name, heir.ID, h.Customers, h.Deals, h.FollowUps, h.Team)
	return nil
}

// findUser finds an active user by id or by name (case and accents aside);
// a name two users share must be given as an id.
func findUser(ctx context.Context, db dataStore, ref string) (store.User, error) {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return store.User{}, err
	}
	id, idErr := strconv.ParseInt(ref, 10, 64)
	var found []store.User
	for _, u := range users {
		if idErr == nil && u.ID == store.UserID(id) || idErr != nil && store.NameKey(u.Name) == store.NameKey(ref) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return store.User{}, fmt.Errorf("no active user %q (see tend user list)", ref)
	case 1:
		return found[0], nil
	}
	return store.User{}, fmt.Errorf("%d users are called %q: give an id (see tend user list)", len(found), ref)
}

// isTelegramID says whether id can be a Telegram user's: a positive number.
func isTelegramID(id string) bool {
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0
}

package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/postgres"
	"github.com/tend-crm/tend/store/postgres/pgtest"
	"github.com/tend-crm/tend/store/sqlite"
)

// TestMigrateData moves a book made through the store from SQLite to
// PostgreSQL and checks that the PostgreSQL store answers as the file did.
func TestMigrateData(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "tend.db")
	lite, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lite.Now = func() time.Time { return now }
	admin, rep := book(t, lite, now)
	want := answers(t, lite, admin, rep, now)
	lite.Close()
	if len(want.FollowUps) != 2 || len(want.Book.FollowUps) == 0 || len(want.Book.Occasions) != 1 || len(want.Search) == 0 || len(want.History) < 3 {
		t.Fatalf("the book answers too little to compare: %+v", want)
	}

	out, err := tend(t, "", "migrate-data", "--from", path, "--to", dsn)
	if err != nil {
		t.Fatalf("migrate-data: %v\n%s", err, out)
	}
	for _, table := range []string{"users", "identities", "customers", "contacts", "customer_aliases", "interactions", "follow_ups",
		"occasions", "deals", "changes", "audit", "processed_events", "deliveries", "drafts", "access_codes"} {
		if !strings.Contains(out, "\n"+table+" ") {
			t.Errorf("migrate-data reports no %s:\n%s", table, out)
		}
	}
	if strings.Contains(out, "≠") || !strings.Contains(out, "every table's rows and checksum match") {
		t.Errorf("migrate-data report:\n%s", out)
	}
	t.Logf("migrate-data:\n%s", out)

	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	pg.Now = func() time.Time { return now }
	if got := answers(t, pg, admin, rep, now); !reflect.DeepEqual(got, want) {
		t.Errorf("PostgreSQL answers\n%+v\nwant (as SQLite)\n%+v", got, want)
	}
	// New rows get new ids: the sequences moved past the copied ones.
	if _, err := pg.Record(ctx, rep, store.Origin{}, store.Activity{Customer: store.CustomerRef{Name: "Initech"},
		Interaction: &store.Interaction{Kind: store.KindCall, Summary: "after the move"}}); err != nil {
		t.Errorf("Record after the move: %v", err)
	}
	// The undo history came along: the rep's last change undoes.
	if _, err := pg.Undo(ctx, rep, store.Origin{}, 0); err != nil {
		t.Errorf("Undo after the move: %v", err)
	}

	if out, err := tend(t, "", "migrate-data", "--from", path, "--to", dsn); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("migrate-data into a database with a book = %v\n%s\nwant a refusal", err, out)
	}
}

// book makes a little of everything through the store.
func book(t *testing.T, db *sqlite.DB, now time.Time) (admin, rep store.Scope) {
	ctx := t.Context()
	mk := func(name string, role store.Role, manager store.UserID) store.Scope {
		u, err := db.CreateUser(ctx, store.User{Name: name, Role: role, ManagerID: manager, TimeZone: "Asia/Ho_Chi_Minh",
			Identities: []store.Identity{{Platform: "slack", ExternalID: "U" + name, ChatID: "D" + name}}})
		if err != nil {
			t.Fatal(err)
		}
		return store.Scope{UserID: u.ID, Role: role}
	}
	admin = mk("Lan", store.RoleAdmin, 0)
	rep = mk("Minh", store.RoleRep, admin.UserID)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	origin := func(id string) store.Origin { return store.Origin{Platform: "slack", EventID: id} }
	r, err := db.Record(ctx, rep, origin("E1"), store.Activity{Customer: store.CustomerRef{Name: "Minh Phát"}, Contact: "chị Hoa",
		Interaction: &store.Interaction{Kind: store.KindCall, At: now.Add(-time.Hour), Summary: "báo giá máy lọc nước"},
		FollowUp:    &store.FollowUp{Due: now.Add(-24 * time.Hour), Note: "gửi báo giá"},
		Occasion:    &store.Occasion{Kind: "birthday", Month: time.March, Day: 10}})
	must(err)
	_, err = db.Record(ctx, rep, origin("E2"), store.Activity{Customer: store.CustomerRef{Name: "Acme"},
		FollowUp: &store.FollowUp{Due: now.Add(48 * time.Hour), AllDay: true, Note: "demo"}})
	must(err)
	_, err = db.AddAlias(ctx, rep, origin("E3"), r.Customer.ID, "MP")
	must(err)
	d, _, err := db.CreateDeal(ctx, rep, origin("E4"), store.NewDeal{Customer: store.CustomerRef{ID: r.Customer.ID}, Title: "Máy lọc", Value: 5000, Currency: "USD"})
	must(err)
	_, _, err = db.UpdateDeal(ctx, rep, origin("E5"), d.ID, store.DealUpdate{Stage: ptr("proposal")})
	must(err)
	_, err = db.BindChat(ctx, rep, origin("E6"), store.ChatBinding{Platform: "slack", ChatID: "C1", DealID: d.ID})
	must(err)
	x, err := db.Record(ctx, rep, origin("E7"), store.Activity{Customer: store.CustomerRef{Name: "Globex"},
		Interaction: &store.Interaction{Kind: store.KindNote, Summary: "undone"}})
	must(err)
	_, err = db.Undo(ctx, rep, origin("E8"), x.Change)
	must(err)
	must(db.ClaimEvent(ctx, origin("E9")))
	_, err = db.ClaimDelivery(ctx, "digest:1:2026-03-09", rep.UserID)
	must(err)
	must(db.MarkDelivered(ctx, "digest:1:2026-03-09", "ts1"))
	_, err = db.SaveDraft(ctx, rep.UserID, "called Acme")
	must(err)
	_, err = db.CreateCode(ctx, admin, store.CodeInvite, store.RoleRep, now.Add(time.Hour))
	must(err)
	return admin, rep
}

func ptr[T any](v T) *T { return &v }

// answers is what a store says to a few questions.
type storeAnswers struct {
	FollowUps []store.FollowUp
	Book      store.Book
	Search    []store.Hit
	History   []store.HistoryEntry
	Users     []store.User
}

func answers(t *testing.T, db store.Store, admin, rep store.Scope, now time.Time) storeAnswers {
	t.Helper()
	ctx := context.WithoutCancel(t.Context())
	var a storeAnswers
	var err error
	check := func(what string, err error) {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	a.FollowUps, err = db.FollowUps(ctx, rep, store.FollowUpFilter{})
	check("FollowUps", err)
	a.Book, err = db.AgendaBook(ctx, rep, store.AgendaFilter{Now: now, Until: now.Add(7 * 24 * time.Hour), StuckSince: now.Add(time.Hour),
		Occasions: []store.MonthDay{{Month: time.March, Day: 10}}})
	check("AgendaBook", err)
	a.Search, err = db.Search(ctx, rep, store.SearchQuery{Text: "bao gia"})
	check("Search", err)
	cs, err := db.FindCustomers(ctx, admin, "mp", 1)
	check("FindCustomers", err)
	if len(cs) == 1 {
		a.History, err = db.History(ctx, admin, cs[0].ID, 20)
		check("History", err)
	}
	a.Users, err = db.ListUsers(ctx)
	check("ListUsers", err)
	return a
}

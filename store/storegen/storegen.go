// Package storegen makes books of customers for benchmarks, demos and
// load tests: a sales team of reps under managers, customers with
// contacts, a history of interactions, open and done follow-ups and deals,
// in Vietnamese and English names. The same Size and seed always give the
// same book.
package storegen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tend-crm/tend/store"
)

// Size is how big a book to make.
type Size struct {
	Reps         int // reps, in teams of TeamSize under a manager
	Customers    int
	Interactions int // spread over the customers
	// HeavyRep is how many of the customers the first rep ("rep1") owns:
	// the busy rep benchmarks ask for. The others share the rest evenly.
	HeavyRep int
	Seed     uint64
}

// TeamSize is how many reps a manager has.
const TeamSize = 10

// DefaultSize is the book of the performance targets.
var DefaultSize = Size{Reps: 500, Customers: 100_000, Interactions: 1_000_000, HeavyRep: 5_000, Seed: 1}

// Sink receives the generated rows, users first, then each customer
// followed by its rows. store/sqlite's Loader is one.
type Sink interface {
	AddUser(store.User) (store.UserID, error)
	AddCustomer(store.Customer) (store.CustomerID, error)
	AddContact(store.Contact) (store.ContactID, error)
	AddInteraction(store.Interaction) error
	AddFollowUp(store.FollowUp) error
	AddDeal(store.Deal) error
}

// Book says what was generated: the users by login (their console
// identity: "admin", "mgr1", "rep1") and the counts.
type Book struct {
	Logins       map[string]store.UserID
	Reps         []store.UserID
	Customers    int
	Interactions int
	FollowUps    int
	Deals        int
}

// Generate writes a book of size to sink, dated before now.
func Generate(ctx context.Context, sink Sink, size Size, now time.Time) (Book, error) {
	if size.Reps < 1 || size.Customers < size.HeavyRep || size.Interactions < 0 {
		return Book{}, fmt.Errorf("storegen: size %+v: need a rep, and no more heavy-rep customers than customers", size)
	}
	g := &gen{rnd: rand.New(rand.NewPCG(size.Seed, size.Seed^0x7e4d)), now: now.UTC().Truncate(time.Second), sink: sink,
		book: Book{Logins: map[string]store.UserID{}}}
	if err := g.users(size.Reps); err != nil {
		return g.book, fmt.Errorf("storegen: users: %w", err)
	}
	left := size.Interactions
	for i := range size.Customers {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return g.book, err
			}
		}
		owner := g.book.Reps[0]
		if i >= size.HeavyRep && len(g.book.Reps) > 1 {
			owner = g.book.Reps[1+(i-size.HeavyRep)%(len(g.book.Reps)-1)]
		}
		// Interactions are spread evenly, the remainder on the first ones.
		n := left / (size.Customers - i)
		left -= n
		if err := g.customer(i, owner, n); err != nil {
			return g.book, fmt.Errorf("storegen: customer %d: %w", i, err)
		}
	}
	return g.book, nil
}

type gen struct {
	rnd  *rand.Rand
	now  time.Time
	sink Sink
	book Book
}

func (g *gen) users(reps int) error {
	add := func(login, name string, role store.Role, manager store.UserID) (store.UserID, error) {
		id, err := g.sink.AddUser(store.User{Name: name, Role: role, TimeZone: pick(g.rnd, zones), Lang: pick(g.rnd, []string{"vi", "en"}),
			DigestTime: "08:30", ManagerID: manager, Identities: []store.Identity{{Platform: "console", ExternalID: login, ChatID: login}}})
		g.book.Logins[login] = id
		return id, err
	}
	if _, err := add("admin", "Admin", store.RoleAdmin, 0); err != nil {
		return err
	}
	var manager store.UserID
	for i := range reps {
		if i%TeamSize == 0 {
			var err error
			if manager, err = add(fmt.Sprintf("mgr%d", i/TeamSize+1), g.person(), store.RoleManager, 0); err != nil {
				return err
			}
		}
		id, err := add(fmt.Sprintf("rep%d", i+1), g.person(), store.RoleRep, manager)
		if err != nil {
			return err
		}
		g.book.Reps = append(g.book.Reps, id)
	}
	return nil
}

var (
	zones     = []string{"Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh", "Asia/Bangkok", "Europe/Berlin", "America/New_York"}
	bases     = []string{"Minh Phát", "Sao Mai", "Hoàng Long", "Thành Công", "Phú Thịnh", "An Khang", "Việt Tiến", "Hưng Thịnh", "Đại Nam", "Bình Minh", "Tân Hiệp", "Kim Long", "Hòa Bình", "Thiên Phú", "Trường Sơn", "Nam Việt", "Đông Á", "Phương Nam", "Hải Đăng", "Ngọc Lan", "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Wonka", "Tyrell", "Cyberdyne", "Aperture", "Oscorp", "Nakatomi", "Monarch", "Stark", "Wayne", "Dunder", "Massive", "Gringotts", "Zenith"}
	suffixes  = []string{"Corp", "Trading", "Logistics", "Foods", "Tech", "Group", "Bakery", "Pharma", "Textiles", "Furniture", "Coffee", "Studio", "Dental", "Motors", "Garden", "Print", "Steel", "Travel", "Media", "Spa"}
	families  = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Smith", "Müller", "García", "Brown"}
	givens    = []string{"Lan", "Minh", "Hùng", "Hoa", "Tuấn", "Mai", "Dũng", "Linh", "Quân", "Thảo", "Phương", "Anh", "Jane", "John", "Anna", "Peter", "Maria"}
	roles     = []string{"giám đốc", "kế toán", "purchasing manager", "CEO", "office manager", "trưởng phòng mua hàng"}
	stages    = []store.Stage{store.StageLead, store.StageProspect, store.StageProspect, store.StageCustomer, store.StageCustomer, store.StageCustomer, store.StageLoyal, store.StageAdvocate, store.StageLost}
	kinds     = []store.Kind{store.KindCall, store.KindCall, store.KindCall, store.KindMeeting, store.KindEmail, store.KindMessage, store.KindNote}
	summaries = []string{"talked about pricing", "sent the quote", "renewal next quarter", "asked for a demo", "báo giá 150 triệu", "chị muốn gặp tuần sau", "complained about delivery", "happy with the service", "hỏi về bảo hành", "wants a discount for 100 units", "gửi hợp đồng", "follow up after the trade fair"}
	promises  = []string{"send the quote", "call back about the renewal", "gửi báo giá", "hẹn gặp trao đổi hợp đồng", "check the delivery date", "demo for the new team"}
	// Most deals of a book are closed: 35 in 100 open, 40 won, 25 lost.
	dealStages = slices.Concat(slices.Repeat([]string{"qualify", "proposal", "negotiation"}, 35), slices.Repeat([]string{"won"}, 120), slices.Repeat([]string{"lost"}, 75))
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (g *gen) person() string { return pick(g.rnd, families) + " " + pick(g.rnd, givens) }

const day = 24 * time.Hour

// ago is a random time within the last d.
func (g *gen) ago(d time.Duration) time.Time {
	return g.now.Add(-time.Duration(g.rnd.Int64N(int64(d)))).Truncate(time.Minute)
}

func (g *gen) customer(i int, owner store.UserID, interactions int) error {
	name := fmt.Sprintf("%s %s", bases[i%len(bases)], suffixes[(i/len(bases))%len(suffixes)])
	if n := i / (len(bases) * len(suffixes)); n > 0 {
		name = fmt.Sprintf("%s %d", name, n+1)
	}
	stage := pick(g.rnd, stages)
	// Interactions, oldest first, within two years; the last one sets
	// when the customer was last contacted.
	at := make([]time.Time, interactions)
	for k := range at {
		at[k] = g.ago(730 * day)
	}
	c := store.Customer{Name: name, OwnerID: owner, Stage: stage, Segment: pick(g.rnd, []string{"A", "B", "B", "C", "C", "C"}),
		Phone: fmt.Sprintf("09%08d", g.rnd.IntN(1e8)), CreatedAt: g.now.Add(-800 * day)}
	for _, t := range at {
		if t.After(c.LastContactAt) {
			c.LastContactAt = t
		}
	}
	c.CadenceDays = store.DefaultCadence(stage)
	if c.CadenceDays > 0 && !c.LastContactAt.IsZero() {
		c.TouchDueAt = c.LastContactAt.Add(time.Duration(c.CadenceDays) * day)
	}
	id, err := g.sink.AddCustomer(c)
	if err != nil {
		return err
	}
	contact, err := g.sink.AddContact(store.Contact{CustomerID: id, Name: g.person(), Role: pick(g.rnd, roles), Phone: fmt.Sprintf("09%08d", g.rnd.IntN(1e8))})
	if err != nil {
		return err
	}
	for _, t := range at {
		if err := g.sink.AddInteraction(store.Interaction{CustomerID: id, ContactID: contact, UserID: owner, Kind: pick(g.rnd, kinds), At: t, Summary: pick(g.rnd, summaries)}); err != nil {
			return err
		}
	}
	g.book.Customers++
	g.book.Interactions += len(at)
	// One customer in ten has an open follow-up, mostly ahead, some
	// overdue by up to two weeks; one in four a done one.
	if g.rnd.IntN(10) == 0 {
		due := g.now.Add(time.Duration(g.rnd.Int64N(int64(59*day))) - 14*day).Truncate(time.Hour)
		if err := g.sink.AddFollowUp(store.FollowUp{CustomerID: id, ContactID: contact, OwnerID: owner, Due: due, AllDay: g.rnd.IntN(2) == 0,
			Note: pick(g.rnd, promises), Status: store.FollowUpOpen, CreatedAt: due.Add(-7 * day)}); err != nil {
			return err
		}
		g.book.FollowUps++
	}
	if g.rnd.IntN(4) == 0 {
		done := g.ago(365 * day)
		if err := g.sink.AddFollowUp(store.FollowUp{CustomerID: id, OwnerID: owner, Due: done, Note: pick(g.rnd, promises),
			Status: store.FollowUpDone, CreatedAt: done.Add(-7 * day), CompletedAt: done}); err != nil {
			return err
		}
		g.book.FollowUps++
	}
	// A fifth have a deal.
	if g.rnd.IntN(5) == 0 {
		moved := g.ago(120 * day)
		if err := g.sink.AddDeal(store.Deal{CustomerID: id, OwnerID: owner, Title: pick(g.rnd, []string{"renewal", "new order", "gia hạn hợp đồng", "mở rộng"}),
			Value: int64(g.rnd.IntN(500)+1) * 1_000_000, Currency: "VND", Stage: pick(g.rnd, dealStages),
			StageChangedAt: moved, CreatedAt: moved.Add(-30 * day)}); err != nil {
			return err
		}
		g.book.Deals++
	}
	return nil
}

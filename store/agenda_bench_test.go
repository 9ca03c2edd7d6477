package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tend-crm/tend/store"
)

// BenchmarkAgendaRanking ranks a busy rep's book of 600 customers with
// reasons (half with a follow-up, half with a deal not moving, all past
// their cadence), the pure part of the follow-up answer:
// go test ./store -run '^$' -bench AgendaRanking -benchmem
func BenchmarkAgendaRanking(b *testing.B) {
	bk := store.Book{Customers: map[store.CustomerID]store.Customer{}}
	for i := range 600 {
		id := store.CustomerID(i + 1)
		bk.Customers[id] = store.Customer{ID: id, Name: fmt.Sprintf("Customer %03d", i), Segment: []string{"A", "B", "C"}[i%3],
			CadenceDays: 14, LastContactAt: now.AddDate(0, 0, -20-i%40), TouchDueAt: now.AddDate(0, 0, -6-i%40), CreatedAt: now.AddDate(-1, 0, 0)}
		if i%2 == 0 {
			bk.FollowUps = append(bk.FollowUps, store.FollowUp{CustomerID: id, Due: now.AddDate(0, 0, -i%30)})
		}
		if i%2 == 1 {
			bk.Deals = append(bk.Deals, store.Deal{CustomerID: id, StageChangedAt: now.AddDate(0, 0, -15-i%60)})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		store.Agenda(bk, now, time.UTC, store.DefaultWeights)
	}
}

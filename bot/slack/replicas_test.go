package slack_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tend-crm/tend/bot"
	tendslack "github.com/tend-crm/tend/bot/slack"
	"github.com/tend-crm/tend/bot/slack/slacktest"
)

// TestSocketReplicasShareEnvelopes runs two adapters, as two replicas of
// one app would, each on its own Socket Mode connection, over one ledger
// of events (the fake router's, as the database's would be). Slack spreads
// envelopes over the connections; one that a closed connection left
// unacknowledged comes again on a live one, and is answered once.
func TestSocketReplicasShareEnvelopes(t *testing.T) {
	f := slacktest.NewServer(t)
	r := newRouter()
	var mu sync.Mutex
	by := map[string][]string{} // event id → replicas whose handler ran
	hold := make(chan struct{})
	var holding sync.WaitGroup
	replica := func(name string, held bool) {
		h := bot.HandlerFuncs{Message: func(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
			mu.Lock()
			by[m.EventID] = append(by[m.EventID], name)
			// Only the first delivery is held: one's adapter reconnects, and
			// a redelivery may come back to it on its new connection.
			gated := held && len(by) > 20 && len(by[m.EventID]) == 1
			mu.Unlock()
			if gated {
				holding.Done()
				<-hold
			}
			return r.HandleMessage(ctx, m)
		}}
		a, err := tendslack.New(socketConfig(f), h, discard())
		if err != nil {
			t.Fatal(err)
		}
		// Acked only once handled: the held ones stay unacked.
		tendslack.SetAckWait(a, liveness)
		start(t, a)
	}
	wait := func(what string, cond func() bool) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), liveness)
		defer cancel()
		if err := f.Wait(ctx, cond); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	replica("one", true)
	first := f.Conn(t)
	replica("two", false)
	f.Conn(t)

	event := func(i int) map[string]any {
		dm := slacktest.DM(fmt.Sprintf("m%d", i), fmt.Sprintf("1700000%03d.000100", i))
		dm["channel"] = fmt.Sprintf("D%d", i) // each in its own chat: none waits behind another
		return slacktest.EventEnvelope(envID(i), fmt.Sprintf("Ev%d", i), 0, dm)
	}
	for i := range 20 {
		f.Deliver(event(i))
	}
	wait("20 answers", func() bool { return f.Unacked() == 0 && len(f.Calls()) == 20 })
	mu.Lock()
	count := map[string]int{}
	for ev, names := range by {
		if len(names) != 1 {
			t.Errorf("%s handled by %v, want one replica", ev, names)
		}
		count[names[0]]++
	}
	mu.Unlock()
	if count["one"] != 10 || count["two"] != 10 {
		t.Errorf("handled per replica %v, want 10 each: envelopes go to the connections in turn", count)
	}

	// Replica one holds its next two, unacked, when its connection drops.
	holding.Add(2)
	for i := 20; i < 24; i++ {
		f.Deliver(event(i))
	}
	holding.Wait()
	wait("two's two answered", func() bool { return len(f.Calls()) == 22 })
	first.Drop()
	wait("the held two again on two's connection, answered", func() bool { return f.Unacked() == 0 && len(f.Calls()) == 24 })
	close(hold)

	mu.Lock()
	defer mu.Unlock()
	for _, ev := range []string{"Ev20", "Ev22"} { // one's turns
		if got := by[ev]; len(got) != 2 || got[0] != "one" {
			t.Errorf("%s handled by %v, want one (held), then again (redelivered)", ev, got)
		}
	}
	seen := map[string]int{}
	for _, c := range f.Calls() {
		seen[c.Text]++
	}
	for i := range 24 {
		if n := seen[fmt.Sprintf("re: m%d", i)]; n != 1 {
			t.Errorf("m%d answered %d times, want once", i, n)
		}
	}
}

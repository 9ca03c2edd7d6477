package conversation_test

import (
	"strings"
	"testing"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
	"github.com/tend-crm/tend/store/sqlite"
)

func TestParseReferral(t *testing.T) {
	tests := []struct {
		in                 string
		kind               conversation.IntentKind
		customer, referrer string
	}{
		{"Acme was referred by Globex", conversation.IntentReferral, "Acme", "Globex"},
		{"Acme Corp referred by Globex Inc.", conversation.IntentReferral, "Acme Corp", "Globex Inc"},
		{"Globex referred Acme", conversation.IntentReferral, "Acme", "Globex"},
		{"Globex referred Acme to us", conversation.IntentReferral, "Acme", "Globex"},
		{"Minh Phát được Sao Mai giới thiệu", conversation.IntentReferral, "Minh Phát", "Sao Mai"},
		{"Minh Phát do anh Tuấn Hoàng Long giới thiệu", conversation.IntentReferral, "Minh Phát", "anh Tuấn Hoàng Long"},
		{"Minh Phát được giới thiệu bởi Sao Mai", conversation.IntentReferral, "Minh Phát", "Sao Mai"},
		// A report that mentions a referral is a report.
		{"called Acme, they were referred by Globex", conversation.IntentLog, "Acme", ""},
		{"called Acme about the customer Globex referred", conversation.IntentLog, "Acme", ""},
		{"gọi Minh Phát giới thiệu sản phẩm", conversation.IntentLog, "", ""},
		{"Minh Phát được khen", conversation.IntentUnknown, "", ""},
		{"Minh Phát được giới thiệu", conversation.IntentUnknown, "", ""},
		{"x do giới thiệu", conversation.IntentUnknown, "", ""},
		{"referred by Globex", conversation.IntentUnknown, "", ""},
	}
	for _, tt := range tests {
		got := conversation.Parse(tt.in, monday, hanoi)
		if got.Kind != tt.kind || (tt.customer != "" && got.Customer != tt.customer) || got.Referrer != tt.referrer {
			t.Errorf("Parse(%q) = %s %q by %q, want %s %q by %q", tt.in, got.Kind, got.Customer, got.Referrer, tt.kind, tt.customer, tt.referrer)
		}
	}
}

func TestReferrals(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"recorded, shown on both cards, undone", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme")
			h.say("ann", "called Globex")
			got := h.say("ann", "Acme was referred by Globex")
			wantText(t, got, "Noted: Acme was referred by Globex.")
			wantText(t, h.say("ann", "show Acme"), "Acme · prospect\nReferred by Globex")
			wantText(t, h.say("ann", "show Globex"), "Referred: Acme")
			wantText(t, h.say("ann", "Globex referred Acme"), "I knew already: Acme was referred by Globex.")
			wantText(t, h.press("ann", button(t, got, "Undo")), "Undone")
			if s := text(h.say("ann", "show Acme")); strings.Contains(s, "Referred") {
				t.Errorf("after undo the card says:\n%s", s)
			}
		}},
		{"Vietnamese; unknown and self referrals are refused", func(t *testing.T, h *harness) {
			h.say("lan", "gọi Minh Phát")
			h.say("lan", "gọi Sao Mai")
			wantText(t, h.say("lan", "Minh Phát được Sao Mai giới thiệu"), "Đã ghi: Minh Phát được Sao Mai giới thiệu.")
			wantText(t, h.say("lan", "xem Sao Mai"), "Đã giới thiệu: Minh Phát")
			// An English sentence is answered in English, whatever the names in it.
			wantText(t, h.say("lan", "Minh Phát was referred by Nobody"), "I don't know a customer called Nobody.")
			wantText(t, h.say("lan", "Minh Phát được Nobody giới thiệu"), "Tôi không biết khách hàng nào tên Nobody.")
			wantText(t, h.say("lan", "Sao Mai referred Sao Mai"), "Sao Mai cannot refer itself.")
		}},
		{"a won deal of a referred customer schedules thanks to the referrer", func(t *testing.T, h *harness) {
			h.say("ann", "called Acme")
			h.say("ann", "called Globex")
			h.say("ann", "Globex referred Acme")
			h.say("ann", "new deal Acme renewal 12k")
			h.now = monday.AddDate(0, 0, 4) // Friday: thanks on Monday
			got := h.say("ann", "won Acme renewal")
			wantText(t, got, "thank Globex for referring Acme: Mon 16 Mar")
			h.now = monday.AddDate(0, 0, 7)
			wantText(t, h.say("ann", "who should I follow up with?"), "due today: thank Globex for referring Acme")
			// Undoing the win takes the thanks back with the care plan.
			wantText(t, h.press("ann", button(t, got, "Undo")), "Undone")
			if s := text(h.say("ann", "who should I follow up with?")); strings.Contains(s, "thank Globex") {
				t.Errorf("after undo the agenda says:\n%s", s)
			}
			// A customer nobody referred gets no such follow-up.
			h.say("ann", "new deal Globex 5k")
			if s := text(h.say("ann", "won Globex")); strings.Contains(s, "referring") {
				t.Errorf("won Globex says:\n%s", s)
			}
		}},
		{"a loyal customer who won lately is worth a referral ask", func(t *testing.T, h *harness) {
			h.say("ann", "hello")
			ann := h.user("ann")
			err := h.db.Load(t.Context(), func(l *sqlite.Loader) error {
				id, err := l.AddCustomer(store.Customer{Name: "Happy Co", OwnerID: ann.UserID, Stage: store.StageLoyal, LastContactAt: monday})
				if err != nil {
					return err
				}
				return l.AddDeal(store.Deal{CustomerID: id, OwnerID: ann.UserID, Title: "Happy renewal", Currency: "USD",
					Stage: store.DealWon, StageChangedAt: monday.AddDate(0, 0, -5)})
			})
			if err != nil {
				t.Fatal(err)
			}
			wantText(t, h.say("ann", "who should I follow up with?"), `Happy Co — won "Happy renewal" 5 days ago, ask for a referral`)
			wantText(t, h.say("ann", "ai cần gọi lại hôm nay?"), `Happy Co — đã chốt "Happy renewal" 5 ngày trước, nhờ giới thiệu khách`)
			// Once they referred someone, they are off the list.
			h.say("ann", "called Newco")
			h.say("ann", "Newco was referred by Happy Co")
			if s := text(h.say("ann", "who should I follow up with?")); strings.Contains(s, "referral") {
				t.Errorf("after the referral the agenda says:\n%s", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newHarness(t)) })
	}
}

package conversation_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
)

func TestParseCustomerUpdate(t *testing.T) {
	tests := []struct {
		in, customer, want string // want: the change as field=value
	}{
		{"Acme's phone is 0903 123 456", "Acme", "phone=0903 123 456"},
		{"số điện thoại Minh Phát 0903 123 456", "Minh Phát", "phone=0903 123 456"},
		{"sđt Minh Phát là +84 903 123 456", "Minh Phát", "phone=+84 903 123 456"},
		{"Acme email is jane@acme.com", "Acme", "email=jane@acme.com"},
		{"email of Acme jane@acme.com", "Acme", "email=jane@acme.com"},
		{"Acme is segment A", "Acme", "segment=A"},
		{"Minh Phát là khách hạng A", "Minh Phát", "segment=A"},
		{"Acme is a loyal customer", "Acme", "stage=loyal"},
		{"Sao Mai is now a prospect", "Sao Mai", "stage=prospect"},
		{"Minh Phát là khách thân thiết", "Minh Phát", "stage=loyal"},
		{"keep in touch with Acme every 2 weeks", "Acme", "cadence=14"},
		{"giữ liên lạc với Minh Phát mỗi tháng", "Minh Phát", "cadence=30"},
		{"keep in touch with Acme every 3 months", "Acme", "cadence=90"},
		{"keep in touch with Acme every year", "Acme", "cadence=365"},
		{"keep in touch with Acme every 2 years", "Acme", "cadence=730"},
		{"keep in touch with Acme every 10 years", "Acme", "cadence=3650"},
		{"giữ liên lạc với Minh Phát mỗi năm", "Minh Phát", "cadence=365"},
		{"giu lien lac voi Minh Phat moi 2 nam", "Minh Phat", "cadence=730"},
	}
	for _, tt := range tests {
		in := conversation.Parse(tt.in, monday, hanoi)
		if in.Kind != conversation.IntentUpdateCustomer || in.Customer != tt.customer || in.Update == nil {
			t.Errorf("Parse(%q) = %+v", tt.in, in)
			continue
		}
		var got string
		switch u := in.Update; {
		case u.Phone != nil:
			got = "phone=" + *u.Phone
		case u.Email != nil:
			got = "email=" + *u.Email
		case u.Segment != nil:
			got = "segment=" + *u.Segment
		case u.Stage != nil:
			got = "stage=" + string(*u.Stage)
		case u.CadenceDays != nil:
			got = "cadence=" + strconv.Itoa(*u.CadenceDays)
		}
		if got != tt.want {
			t.Errorf("Parse(%q) changes %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, s := range []string{"called Acme, she is a loyal customer", "Acme is a great customer", "met Acme segment A people"} {
		if in := conversation.Parse(s, monday, hanoi); in.Kind == conversation.IntentUpdateCustomer {
			t.Errorf("Parse(%q) = %+v, want no customer update", s, in)
		}
	}
}

func TestUpdateCustomerAndCalledButton(t *testing.T) {
	h := newHarness(t)
	h.say("lan", "called Acme, follow up tomorrow about the quote")
	got := text(h.say("lan", "Acme is segment A"))
	if !strings.Contains(got, "Acme: segment A.") {
		t.Errorf("segment reply:\n%s", got)
	}
	got = text(h.say("lan", "keep in touch with Acme every 2 weeks"))
	if !strings.Contains(got, "keep in touch every 14 days") {
		t.Errorf("cadence reply:\n%s", got)
	}
	// Years: ten is the longest cadence there is, eleven too long.
	if got := text(h.say("lan", "keep in touch with Acme every 10 years")); !strings.Contains(got, "keep in touch every 3650 days") {
		t.Errorf("ten-year cadence reply:\n%s", got)
	}
	if got := text(h.say("lan", "keep in touch with Acme every 11 years")); !strings.Contains(got, "1 day to 10 years") {
		t.Errorf("eleven-year cadence reply:\n%s", got)
	}
	h.say("lan", "keep in touch with Acme every 2 weeks")
	if got := text(h.say("lan", "Acme is segment Q")); strings.Contains(got, "segment Q") {
		t.Errorf("a bad segment was taken:\n%s", got)
	}
	c, err := h.db.FindCustomers(t.Context(), store.Scope{UserID: 1, Role: store.RoleRep}, "Acme", 1)
	if err != nil || len(c) != 1 || c[0].Segment != "A" || c[0].CadenceDays != 14 {
		t.Fatalf("Acme = %+v, %v", c, err)
	}

	// The follow-up's "Called" button logs the call and closes it.
	h.now = h.now.AddDate(0, 0, 1)
	agenda := h.say("lan", "who should I follow up with?")
	got = text(h.press("lan", button(t, agenda, "Called")))
	if !strings.Contains(got, "Logged your call with Acme; the follow-up is done.") {
		t.Errorf("Called:\n%s", got)
	}
	if got := text(h.say("lan", "who should I follow up with?")); strings.Contains(got, "due today") {
		t.Errorf("the follow-up is still due after Called:\n%s", got)
	}
	if card := text(h.say("lan", "show Acme")); !strings.Contains(card, "today, a call") {
		t.Errorf("card lacks the call:\n%s", card)
	}
}

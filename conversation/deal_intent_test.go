package conversation

import (
	"testing"
	"time"
)

func TestParseDeal(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	now := time.Date(2026, 3, 9, 10, 0, 0, 0, loc)
	tests := []struct {
		text   string
		kind   IntentKind
		deal   string
		amount string
		stage  string
		reason string
		owner  string
		due    string
	}{
		{"new deal Acme renewal 12,000 USD", IntentNewDeal, "Acme renewal", "12,000 USD", "", "", "", ""},
		{"cơ hội mới Minh Phát 150 triệu", IntentNewDeal, "Minh Phát", "150 triệu", "", "", "", ""},
		{"new deal Globex expansion $12k close 30/6", IntentNewDeal, "Globex expansion", "$12k", "", "", "", "2026-06-30"},
		{"/tend deal new Initech 2tr", IntentNewDeal, "Initech", "2tr", "", "", "", ""},
		{"new deal Hải Hà", IntentNewDeal, "Hải Hà", "", "", "", "", ""},
		{"Acme renewal to proposal", IntentDealStage, "Acme renewal", "", "proposal", "", "", ""},
		{"move Acme renewal to negotiation", IntentDealStage, "Acme renewal", "", "negotiation", "", "", ""},
		{"chuyển Minh Phát sang đàm phán", IntentDealStage, "Minh Phát", "", "negotiation", "", "", ""},
		{"Minh Phát sang báo giá", IntentDealStage, "Minh Phát", "", "proposal", "", "", ""},
		{"won Acme renewal", IntentDealStage, "Acme renewal", "", "won", "", "", ""},
		{"chốt deal Minh Phát", IntentDealStage, "Minh Phát", "", "won", "", "", ""},
		{"thắng Minh Phát", IntentDealStage, "Minh Phát", "", "won", "", "", ""},
		{"mất deal Sao Mai vì giá", IntentDealStage, "Sao Mai", "", "lost", "giá", "", ""},
		{"lost Acme renewal because of price", IntentDealStage, "Acme renewal", "", "lost", "price", "", ""},
		{"Acme renewal value 15,000 USD", IntentDealUpdate, "Acme renewal", "15,000 USD", "", "", "", ""},
		{"set value of Acme renewal to 15k", IntentDealUpdate, "Acme renewal", "15k", "", "", "", ""},
		{"đổi giá trị Minh Phát thành 200 triệu", IntentDealUpdate, "Minh Phát", "200 triệu", "", "", "", ""},
		{"Acme renewal close date 30/6", IntentDealUpdate, "Acme renewal", "", "", "", "", "2026-06-30"},
		{"assign Acme renewal to Lan", IntentDealUpdate, "Acme renewal", "", "", "", "Lan", ""},
		{"giao Minh Phát cho chị Lan", IntentDealUpdate, "Minh Phát", "", "", "", "chị Lan", ""},
		{"Acme renewal owner Bob", IntentDealUpdate, "Acme renewal", "", "", "", "Bob", ""},
		{"deal Acme renewal", IntentShowDeal, "Acme renewal", "", "", "", "", ""},
		{"/tend deal", IntentShowDeal, "", "", "", "", "", ""},
		{"/tend deal Acme renewal", IntentShowDeal, "Acme renewal", "", "", "", "", ""},
		{"/tend deal link Acme renewal", IntentLinkDeal, "Acme renewal", "", "", "", "", ""},
		{"link deal Acme renewal all", IntentLinkDeal, "Acme renewal", "", "", "", "", ""},
		{"pipeline", IntentPipeline, "", "", "", "", "", ""},
		{"báo cáo", IntentPipeline, "", "", "", "", "", ""},
		{"/tend pipeline", IntentPipeline, "", "", "", "", "", ""},
		{"need: new CRM, budget 200 triệu, authority: chị Lan", IntentQualify, "", "", "", "", "", ""},
		// No deal named: the chat's own deal, or the router asks which
		// (these panicked in phrase.span).
		{"value 15k", IntentDealUpdate, "", "15k", "", "", "", ""},
		{"close date 30/12", IntentDealUpdate, "", "", "", "", "", "2026-12-30"},
		{"lost because of price", IntentDealStage, "", "", "lost", "price", "", ""},
		{"lost deal because of price", IntentDealStage, "", "", "lost", "price", "", ""},
		{"mất deal vì giá", IntentDealStage, "", "", "lost", "giá", "", ""},
		{"new deal 5k", IntentNewDeal, "", "5k", "", "", "", ""},
		{"new deal $5", IntentNewDeal, "", "$5", "", "", "", ""},
		{"new deal 12,000 USD Acme", IntentNewDeal, "", "12,000 USD", "", "", "", ""},
		{"cơ hội mới 150 triệu", IntentNewDeal, "", "150 triệu", "", "", "", ""},
		{"co hoi moi 5 trieu", IntentNewDeal, "", "5 trieu", "", "", "", ""},
		{"/tend deal new 5k", IntentNewDeal, "", "5k", "", "", "", ""},
		{"/tend !", IntentUnknown, "", "", "", "", "", ""},
		{"/tend ...", IntentUnknown, "", "", "", "", "", ""},
		{"/tend  .", IntentUnknown, "", "", "", "", "", ""},
		// Not deals.
		{"called Acme about the renewal value", IntentLog, "Acme", "", "", "", "", ""},
		{"tháng sau gọi Minh Phát", IntentSetFollowUp, "Minh Phát", "", "", "", "", ""},
		{"need to call Acme tomorrow", IntentUnknown, "", "", "", "", "", ""},
	}
	for _, tt := range tests {
		in := Parse(tt.text, now, loc)
		var d DealChange
		if in.Deal != nil {
			d = *in.Deal
		}
		due := ""
		if in.Due != nil && in.Kind != IntentSetFollowUp {
			due = in.Due.In(loc).Format("2006-01-02")
		}
		if in.Kind != tt.kind || in.Customer != tt.deal || d.Amount != tt.amount || d.Stage != tt.stage || d.LostReason != tt.reason ||
			d.Owner != tt.owner || due != tt.due {
			t.Errorf("Parse(%q) = %s %q amount %q stage %q reason %q owner %q due %q\n want %s %q amount %q stage %q reason %q owner %q due %q",
				tt.text, in.Kind, in.Customer, d.Amount, d.Stage, d.LostReason, d.Owner, due,
				tt.kind, tt.deal, tt.amount, tt.stage, tt.reason, tt.owner, tt.due)
		}
	}
	q := Parse("need: new CRM, budget 1,2 tỷ, authority: chị Lan", now, loc).Deal.Qualify
	if q == nil || *q.Need != "new CRM" || *q.Budget != "1,2 tỷ" || *q.Authority != "chị Lan" {
		t.Errorf("qualification = %+v", q)
	}
	if l := Parse("link deal Acme renewal all", now, loc).Deal; l.Capture != "all" {
		t.Errorf("capture = %q, want all", l.Capture)
	}
}

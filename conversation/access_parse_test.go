package conversation_test

import (
	"testing"
	"time"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
)

func TestParseAccess(t *testing.T) {
	tests := []struct {
		text string
		want conversation.Intent
	}{
		{"/start ABCD2345", conversation.Intent{Kind: conversation.IntentJoin, Code: "ABCD2345"}},
		{"/start@TendBot ABCD2345", conversation.Intent{Kind: conversation.IntentJoin, Code: "ABCD2345"}},
		{"/start", conversation.Intent{Kind: conversation.IntentHelp}},
		{"/start hello world", conversation.Intent{Kind: conversation.IntentHelp}},
		{"join abcd-2345", conversation.Intent{Kind: conversation.IntentJoin, Code: "abcd-2345"}},
		{"tham gia ABCD2345", conversation.Intent{Kind: conversation.IntentJoin, Code: "ABCD2345"}},
		{"link XYZW2345", conversation.Intent{Kind: conversation.IntentLink, Code: "XYZW2345"}},
		{"/tend link", conversation.Intent{Kind: conversation.IntentLink}},
		{"/tend invite", conversation.Intent{Kind: conversation.IntentInvite, Role: store.RoleRep}},
		{"/tend invite manager", conversation.Intent{Kind: conversation.IntentInvite, Role: store.RoleManager}},
		{"/tend invite quản lý", conversation.Intent{Kind: conversation.IntentInvite, Role: store.RoleManager}},
		{"/tend user team Lan Nguyễn to Minh", conversation.Intent{Kind: conversation.IntentTeam, User: "Lan Nguyễn", To: "Minh"}},
		{"/tend user remove @lan to @minh", conversation.Intent{Kind: conversation.IntentRemoveUser, User: "@lan", To: "@minh"}},
		{"/tend user remove <@U1> cho <@U2>", conversation.Intent{Kind: conversation.IntentRemoveUser, User: "<@U1>", To: "<@U2>"}},
		{"/tend user remove lan", conversation.Intent{Kind: conversation.IntentRemoveUser, User: "lan"}},
		{"join the meeting with Acme", conversation.Intent{Kind: conversation.IntentUnknown}},
	}
	for _, tt := range tests {
		got := conversation.Parse(tt.text, time.Now(), time.UTC)
		if got.Kind != tt.want.Kind || got.Code != tt.want.Code || got.Role != tt.want.Role || got.User != tt.want.User || got.To != tt.want.To {
			t.Errorf("Parse(%q) = %s code %q role %q user %q to %q; want %+v", tt.text, got.Kind, got.Code, got.Role, got.User, got.To, tt.want)
		}
	}
}

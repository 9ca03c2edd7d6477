package telegramtest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tend-crm/tend/bot/telegram/telegramtest"
)

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

func call(t *testing.T, s *telegramtest.Server, token, method string, p url.Values) answer {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/bot"+token+"/"+method, p)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	if a.OK != (resp.StatusCode == http.StatusOK) || !a.OK && a.ErrorCode != resp.StatusCode {
		t.Errorf("%s: status %d with %+v", method, resp.StatusCode, a)
	}
	return a
}

func updateIDs(t *testing.T, a answer) []int {
	t.Helper()
	var ups []struct {
		UpdateID int `json:"update_id"`
		Message  struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, u := range ups {
		ids = append(ids, u.UpdateID)
	}
	return ids
}

func TestGetUpdatesConfirmsByOffset(t *testing.T) {
	s := telegramtest.New()
	defer s.Close()
	lan := telegramtest.User{ID: 42, FirstName: "Lan"}
	a, b := s.QueueMessage(lan, "one"), s.QueueMessage(lan, "two")

	if got := updateIDs(t, call(t, s, telegramtest.Token, "getUpdates", nil)); len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("first poll: %v", got)
	}
	// Not confirmed yet: the same updates again.
	if got := updateIDs(t, call(t, s, telegramtest.Token, "getUpdates", url.Values{"offset": {"0"}})); len(got) != 2 {
		t.Fatalf("second poll: %v", got)
	}
	got := updateIDs(t, call(t, s, telegramtest.Token, "getUpdates", url.Values{"offset": {itoa(b)}}))
	if len(got) != 1 || got[0] != b || s.Confirmed() != b || s.Pending() != 1 {
		t.Fatalf("after confirming %d: %v, confirmed %d, pending %d", a, got, s.Confirmed(), s.Pending())
	}
	// A lower offset later does not bring a confirmed update back.
	if got := updateIDs(t, call(t, s, telegramtest.Token, "getUpdates", url.Values{"offset": {itoa(a)}})); len(got) != 1 || got[0] != b {
		t.Fatalf("after a lower offset: %v", got)
	}
}

func TestLongPollEndsOnAnUpdateOrAnotherPoll(t *testing.T) {
	s := telegramtest.New()
	defer s.Close()
	first := make(chan answer, 1)
	go func() { first <- call(t, s, telegramtest.Token, "getUpdates", url.Values{"timeout": {"30"}}) }()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// The poll is waiting once the stand-in has seen the call.
	if err := s.Wait(ctx, func() bool { return s.Calls("getUpdates") == 1 }); err != nil {
		t.Fatal(err)
	}
	second := make(chan answer, 1)
	go func() { second <- call(t, s, telegramtest.Token, "getUpdates", url.Values{"timeout": {"30"}}) }()
	if a := <-first; a.ErrorCode != http.StatusConflict || !strings.Contains(a.Description, "Conflict") {
		t.Errorf("older poll: %+v", a)
	}
	id := s.QueueMessage(telegramtest.User{ID: 7, FirstName: "Minh"}, "hello")
	if got := updateIDs(t, <-second); len(got) != 1 || got[0] != id {
		t.Errorf("newer poll: %v", got)
	}
}

func TestMethods(t *testing.T) {
	s := telegramtest.New()
	defer s.Close()
	for _, tc := range []struct {
		token, method string
		p             url.Values
		code          int
	}{
		{telegramtest.Token, "getMe", nil, 200},
		{"1:wrong", "getMe", nil, 401},
		{telegramtest.Token, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"<b>hi</b>"}, "parse_mode": {"HTML"}}, 200},
		{telegramtest.Token, "sendMessage", url.Values{"chat_id": {"42"}, "text": {" "}}, 400},
		{telegramtest.Token, "sendMessage", url.Values{"chat_id": {"42"}, "text": {strings.Repeat("x", 4097)}}, 400},
		{telegramtest.Token, "editMessageText", url.Values{"chat_id": {"42"}, "message_id": {"1000"}, "text": {"edited"}}, 200},
		{telegramtest.Token, "answerCallbackQuery", url.Values{"callback_query_id": {"cb1"}}, 200},
		{telegramtest.Token, "setMyCommands", url.Values{"commands": {"[]"}}, 200},
		{telegramtest.Token, "sendPhoto", nil, 404},
	} {
		a := call(t, s, tc.token, tc.method, tc.p)
		if code := map[bool]int{true: 200}[a.OK]; code == 0 && a.ErrorCode != tc.code || code == 200 && tc.code != 200 {
			t.Errorf("%s %v: %+v, want %d", tc.method, tc.p, a, tc.code)
		}
	}
	sent := s.Sent()
	if len(sent) != 2 || sent[0].Text != "<b>hi</b>" || sent[0].ParseMode != "HTML" || sent[1].Method != "editMessageText" || sent[1].MessageID != sent[0].MessageID {
		t.Errorf("sent: %+v", sent)
	}
	s.Fail("sendMessage", telegramtest.Failure{Code: 429, Description: "Too Many Requests: retry after 3", RetryAfter: 3})
	if a := call(t, s, telegramtest.Token, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}}); a.ErrorCode != 429 || !strings.Contains(string(a.Result)+a.Description, "retry after 3") {
		t.Errorf("queued failure: %+v", a)
	}
	if a := call(t, s, telegramtest.Token, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}}); !a.OK {
		t.Errorf("after the failure: %+v", a)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// Search and history: "what did we discuss with Acme about pricing?",
// "tìm báo giá Minh Phát", "history Acme", "lịch sử Minh Phát".

const (
	IntentSearch  IntentKind = "search"
	IntentHistory IntentKind = "history"
)

var (
	searchPrefixes = []string{"search for", "search", "look for", "find notes about", "find notes on",
		"what did we discuss with", "what did we discuss", "what did we talk about with", "what did we talk about",
		"what did i discuss with", "what did i talk about with", "what do we know about", "anything about",
		"tim kiem", "tim", "tra cuu", "da noi gi voi", "da trao doi gi voi", "chung ta da noi gi voi",
		"minh da noi gi voi", "da noi chuyen gi voi"}
	historyPrefixes = []string{"show history of", "show history for", "show history", "history of", "history for", "history",
		"changes to", "audit of", "audit", "lich su thay doi cua", "lich su thay doi", "lich su cua", "lich su", "xem lich su cua", "xem lich su"}
	// searchStops are the words of a question that are not what it asks
	// about: "with Acme about pricing" is "Acme pricing".
	searchStops = []string{"about", "with", "on", "regarding", "re", "the", "a", "an", "for", "of", "to", "in", "and", "any", "all",
		"ve", "voi", "cua", "gi", "nao", "ben", "cac", "nhung"}
)

// parseLookup reads a search or a history request at byte at: its verb
// and what follows. ok is false when the text is neither.
func parseLookup(p phrase, at int, in Intent) (Intent, bool) {
	if _, end, ok := p.prefix(at, historyPrefixes); ok {
		in.Kind, in.Customer = IntentHistory, p.rest(end)
		return in, true
	}
	if _, end, ok := p.prefix(at, searchPrefixes); ok {
		in.Kind, in.Query = IntentSearch, searchQuery(p, end)
		return in, true
	}
	return in, false
}

// searchQuery is the text from byte at without the question's words.
func searchQuery(p phrase, at int) string {
	var words []string
	for _, w := range strings.Fields(p.rest(at)) {
		if !slices.Contains(searchStops, store.Fold(w)) {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// maxHits is how many results one search answer lists.
const maxHits = 8

func (r *Router) search(ctx context.Context, ses *session, query string) outcome {
	hits, err := r.Store.Search(ctx, ses.scope, store.SearchQuery{Text: query, Limit: maxHits})
	switch {
	case errors.Is(err, store.ErrInvalid):
		return say(t(ses.lang, msgSearchWhat))
	case err != nil:
		return failed(err)
	case len(hits) == 0:
		return say(t(ses.lang, msgSearchNone, query))
	}
	terms := store.SearchTerms(query)
	lines := []string{t(ses.lang, msgSearchHeader, query)}
	var buttons []bot.Button
	seen := map[store.CustomerID]bool{}
	for i, h := range hits {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, r.hitLine(ses, h, terms)))
		if !seen[h.CustomerID] && len(buttons) < 3 {
			seen[h.CustomerID] = true
			buttons = append(buttons, bot.Button{Label: t(ses.lang, msgShowBtn, h.Customer), Value: fmt.Sprintf("show:%d", h.CustomerID)})
		}
	}
	return say(strings.Join(lines, "\n"), buttons...)
}

// hitLine words one result: the customer, what was found, when, and the
// words around the match.
func (r *Router) hitLine(ses *session, h store.Hit, terms []string) string {
	when := dueText(ses.lang, h.At, true, ses.now, ses.loc)
	snip := store.Snippet(h.Text, terms, 90)
	switch h.Kind {
	case store.HitContact:
		return t(ses.lang, msgHitContact, h.Customer, h.Title) + parens(snip)
	case store.HitDeal:
		return t(ses.lang, msgHitDeal, h.Customer, h.Title) + parens(stageName(ses.lang, h.Text)) // a deal is found with its stage
	case store.HitInteraction:
		return t(ses.lang, msgHitInteraction, h.Customer, kindWord(ses.lang, h.Type), when, snip)
	case store.HitFollowUp:
		if snip == "" { // found by its customer's name: say so rather than end on a colon
			snip = t(ses.lang, msgNoNote)
		}
		return t(ses.lang, msgHitFollowUp, h.Customer, snip)
	}
	return t(ses.lang, msgHitCustomer, h.Customer)
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// historySize is how many changes a history answer lists.
const historySize = 10

func (r *Router) history(ctx context.Context, ses *session, id store.CustomerID) outcome {
	c, err := r.Store.Customer(ctx, ses.scope, id)
	if err != nil {
		return failed(err)
	}
	es, err := r.Store.History(ctx, ses.scope, id, historySize)
	if err != nil {
		return failed(err)
	}
	if len(es) == 0 {
		return say(t(ses.lang, msgHistoryEmpty, c.Name))
	}
	lines := []string{t(ses.lang, msgHistoryHeader, c.Name)}
	for _, e := range es {
		line := fmt.Sprintf("• %s · %s · %s", dueText(ses.lang, e.At, false, ses.now, ses.loc), e.UserName, changeText(ses.lang, e.Summary))
		if !e.UndoneAt.IsZero() {
			line += " " + t(ses.lang, msgHistoryUndone)
		}
		lines = append(lines, line)
	}
	return say(strings.Join(lines, "\n"), bot.Button{Label: t(ses.lang, msgShowBtn, c.Name), Value: fmt.Sprintf("show:%d", id)})
}

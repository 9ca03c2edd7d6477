package conversation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// Who may come in, and the admin's user commands: invites, links between
// a person's accounts, teams and hand-overs.

// EnrollAs returns an Router.Enroll that lets everyone in with role.
func EnrollAs(role store.Role) func(bot.Platform, bot.Sender) store.Role {
	return func(bot.Platform, bot.Sender) store.Role { return role }
}

// How long codes stay good: an invite is sent on and may wait for a few
// days; a link code is typed a minute later on the other platform.
const (
	inviteTTL = 7 * 24 * time.Hour
	linkTTL   = 15 * time.Minute
)

// isCode reports whether s looks like a code Tend hands out: letters and
// digits, with an optional dash, short enough to type.
func isCode(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r == '-':
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			n++
		default:
			return false
		}
	}
	return n >= 6 && n <= 16
}

var (
	joinWords = []string{"join", "tham gia"}
	linkWords = []string{"link", "lien ket"}
)

// parseAccessCommand reads "/start CODE" (a Telegram deep link), "/join
// CODE", "/tend invite [manager|admin]", "/tend link [CODE]", "/tend user
// team NAME to MANAGER" and "/tend user remove NAME to HEIR".
func parseAccessCommand(p phrase, word string, rest int, in Intent) (Intent, bool) {
	arg := p.rest(rest)
	switch word {
	case "/start", "/join":
		if !isCode(arg) {
			return in, false // a bare /start is a hello
		}
		in.Kind, in.Code = IntentJoin, arg
	case "/invite":
		in.Kind, in.Role = IntentInvite, store.RoleRep
		switch strings.ToLower(store.Fold(arg)) {
		case "manager", "quan ly":
			in.Role = store.RoleManager
		case "admin", "quan tri vien":
			in.Role = store.RoleAdmin
		}
	case "/link":
		in.Kind = IntentLink
		if isCode(arg) {
			in.Code = arg
		}
	case "/user":
		sub, at := p.word(rest)
		who, to := userPair(p.rest(at))
		switch sub {
		case "team":
			in.Kind = IntentTeam
		case "remove":
			in.Kind = IntentRemoveUser
		default:
			return in, false
		}
		in.User, in.To = who, to
	default:
		return in, false
	}
	return in, true
}

// userPair splits "Lan to Minh" / "Lan cho Minh".
func userPair(s string) (string, string) {
	p := newPhrase(s)
	for _, sep := range []string{" to ", " cho ", " -> ", " → "} {
		if i := strings.Index(p.fold, sep); i >= 0 {
			return p.span(0, i), p.span(i+len(sep), len(p.fold))
		}
	}
	return strings.TrimSpace(s), ""
}

// parseAccessFree reads "join CODE" and "link CODE" in free text.
func parseAccessFree(p phrase, at int, in Intent) (Intent, bool) {
	for _, w := range []struct {
		kind  IntentKind
		words []string
	}{{IntentJoin, joinWords}, {IntentLink, linkWords}} {
		if _, end, ok := p.prefix(at, w.words); ok {
			if code := p.rest(end); isCode(code) {
				in.Kind, in.Code = w.kind, code
				return in, true
			}
		}
	}
	return in, false
}

// newcomer handles a person Tend does not know yet: a code lets them in
// or links their account; otherwise Enroll decides; a stranger gets a
// short refusal in their language and nothing is stored.
func (r *Router) newcomer(ctx context.Context, p bot.Platform, from bot.Sender, ident store.Identity, text string, addressed bool) (store.User, []bot.Reply, error) {
	lang := from.Lang
	if lang == "" {
		lang = detectLang(truncate(text, maxParse))
	}
	if lang != "vi" {
		lang = "en"
	}
	in := Parse(text, r.Now(), time.UTC)
	if in.Code != "" && (in.Kind == IntentJoin || in.Kind == IntentLink) {
		return r.redeem(ctx, p, from, ident, in.Code, lang)
	}
	role := store.Role("")
	if r.Enroll != nil {
		role = r.Enroll(p, from)
	}
	if role == "" {
		r.Logger.Info("stranger turned away", bot.LogKeyPlatform, p, "user", from.ID)
		if !addressed {
			return store.User{}, nil, errNoSession
		}
		return store.User{}, []bot.Reply{{Text: t(lang, msgStranger)}}, errNoSession
	}
	u, err := r.Store.CreateUser(ctx, r.newUser(from, ident, role, lang))
	if errors.Is(err, store.ErrConflict) { // enrolled meanwhile by a concurrent message
		u, err = r.Store.UserByIdentity(ctx, ident)
	}
	return u, nil, err
}

// newUser is the record of a person coming in with role.
func (r *Router) newUser(from bot.Sender, ident store.Identity, role store.Role, lang string) store.User {
	name := clip(strings.TrimSpace(store.Normalize(from.Name)), 100)
	if name == "" {
		name = clip(strings.TrimSpace(store.Normalize(from.ID)), 100)
	}
	if name == "" {
		name = "?"
	}
	tz := from.TimeZone
	if _, err := time.LoadLocation(tz); tz == "" || err != nil {
		tz = r.DefaultTimeZone
	}
	return store.User{Name: name, Role: role, TimeZone: tz, Lang: lang, DigestTime: "08:30", Identities: []store.Identity{ident}}
}

// redeem uses an invite or link code for a person Tend does not know.
func (r *Router) redeem(ctx context.Context, p bot.Platform, from bot.Sender, ident store.Identity, code, lang string) (store.User, []bot.Reply, error) {
	if ident.ChatID == "" && p == bot.Telegram {
		ident.ChatID = from.ID // a Telegram private chat has the user's id
	}
	u, kind, err := r.Store.RedeemCode(ctx, code, r.newUser(from, ident, store.RoleRep, lang))
	switch {
	case errors.Is(err, store.ErrNotFound):
		r.Logger.Info("access code refused", bot.LogKeyPlatform, p, "user", from.ID)
		return u, []bot.Reply{{Text: t(lang, msgBadCode)}}, errNoSession
	case errors.Is(err, store.ErrConflict):
		return u, []bot.Reply{{Text: t(lang, msgAccountTaken)}}, errNoSession
	case err != nil:
		return u, nil, err
	}
	r.Logger.Info("access code redeemed", bot.LogKeyPlatform, p, "user", from.ID, bot.LogKeyUser, u.ID, "kind", kind)
	if kind == store.CodeLink {
		return u, []bot.Reply{{Text: t(u.Lang, msgAccountLinked, u.Name)}}, errNoSession
	}
	return u, []bot.Reply{{Text: t(u.Lang, msgWelcome, u.Name) + "\n\n" + t(u.Lang, msgHelp)}}, errNoSession
}

// access answers the intents of this file for a known user.
func (r *Router) access(ctx context.Context, ses *session, in Intent) outcome {
	switch in.Kind {
	case IntentJoin:
		return say(t(ses.lang, msgAlreadyIn))
	case IntentLink:
		if in.Code != "" { // a code typed by someone already known here
			return say(t(ses.lang, msgAccountTaken))
		}
		code, err := r.Store.CreateCode(ctx, ses.scope, store.CodeLink, "", ses.now.Add(linkTTL))
		if err != nil {
			return failed(err)
		}
		return say(t(ses.lang, msgLinkCode, code, int(linkTTL/time.Minute)))
	}
	if ses.user.Role != store.RoleAdmin {
		return say(t(ses.lang, msgAdminsOnly))
	}
	switch in.Kind {
	case IntentInvite:
		code, err := r.Store.CreateCode(ctx, ses.scope, store.CodeInvite, in.Role, ses.now.Add(inviteTTL))
		if err != nil {
			return failed(err)
		}
		r.Logger.Info("invite created", bot.LogKeyUser, ses.user.ID, "role", in.Role)
		return say(t(ses.lang, msgInvite, code, roleWord(ses.lang, in.Role), int(inviteTTL/(24*time.Hour))))
	case IntentTeam:
		return r.team(ctx, ses, in.User, in.To)
	case IntentRemoveUser:
		return r.removeUser(ctx, ses, in.User, in.To)
	}
	return say(t(ses.lang, msgUnknown))
}

func roleWord(lang string, role store.Role) string {
	switch role {
	case store.RoleAdmin:
		return t(lang, msgRoleAdmin)
	case store.RoleManager:
		return t(lang, msgRoleManager)
	}
	return t(lang, msgRoleRep)
}

// findUser finds an active user by name (folded, whole) or by a platform
// id as written in a mention: "Lan", "@lan", "<@U123>", "U123".
func (r *Router) findUser(ctx context.Context, who string) (store.User, error) {
	who = strings.TrimSpace(who)
	id := strings.Trim(who, "<@>")
	if i := strings.IndexByte(id, '|'); i >= 0 { // Slack's <@U123|name>
		id = id[:i]
	}
	key := store.NameKey(strings.TrimPrefix(who, "@"))
	users, err := r.Store.ListUsers(ctx)
	if err != nil {
		return store.User{}, err
	}
	var found []store.User
	for _, u := range users {
		match := key != "" && store.NameKey(u.Name) == key
		for _, i := range u.Identities {
			match = match || (id != "" && i.ExternalID == id)
		}
		if match {
			found = append(found, u)
		}
	}
	if len(found) != 1 {
		return store.User{}, fmt.Errorf("user %q: %d matches: %w", who, len(found), store.ErrNotFound)
	}
	return found[0], nil
}

// team puts a user in a manager's team.
func (r *Router) team(ctx context.Context, ses *session, who, manager string) outcome {
	u, err1 := r.findUser(ctx, who)
	m, err2 := r.findUser(ctx, manager)
	switch {
	case errors.Is(err1, store.ErrNotFound):
		return say(t(ses.lang, msgNoSuchUser, who))
	case errors.Is(err2, store.ErrNotFound):
		return say(t(ses.lang, msgNoSuchUser, manager))
	case err1 != nil || err2 != nil:
		return failed(errors.Join(err1, err2))
	case m.Role == store.RoleRep || m.ID == u.ID:
		return say(t(ses.lang, msgNotAManager, m.Name))
	}
	if _, err := r.Store.UpdateUser(ctx, u.ID, store.UserUpdate{ManagerID: &m.ID}); err != nil {
		return failed(err)
	}
	r.Logger.Info("team changed", bot.LogKeyUser, ses.user.ID, "member", u.ID, "manager", m.ID)
	return say(t(ses.lang, msgTeamSet, u.Name, m.Name))
}

// removeUser hands a leaver's book to a successor and deactivates them.
func (r *Router) removeUser(ctx context.Context, ses *session, who, heir string) outcome {
	if heir == "" {
		return say(t(ses.lang, msgRemoveUsage))
	}
	u, err1 := r.findUser(ctx, who)
	h, err2 := r.findUser(ctx, heir)
	switch {
	case errors.Is(err1, store.ErrNotFound):
		return say(t(ses.lang, msgNoSuchUser, who))
	case errors.Is(err2, store.ErrNotFound):
		return say(t(ses.lang, msgNoSuchUser, heir))
	case err1 != nil || err2 != nil:
		return failed(errors.Join(err1, err2))
	case u.ID == h.ID || u.ID == ses.user.ID:
		return say(t(ses.lang, msgRemoveUsage))
	}
	ho, err := r.Store.RemoveUser(ctx, ses.scope, ses.origin, u.ID, h.ID)
	if err != nil {
		return failed(err)
	}
	r.Logger.Info("user removed", bot.LogKeyUser, ses.user.ID, "removed", u.ID, "heir", h.ID)
	o := say(t(ses.lang, msgRemoved, u.Name, h.Name, ho.Customers, ho.Deals, ho.FollowUps), undoButton(ses.lang, ho.Change))
	o.write = true
	return o
}

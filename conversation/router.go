// Package conversation understands what people tell Tend and answers them.
// Its Router turns a bot.Message or bot.Action into store calls and
// replies; it knows no chat platform and no SQL.
package conversation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tend-crm/tend/bot"
	"github.com/tend-crm/tend/store"
)

// Store is what the router needs of the store.
type Store interface {
	store.Users
	store.Customers
	store.Timeline
	store.Writer
	store.Events
	store.Drafts
	store.Agendas
	store.Deals
	store.Access
	store.Search
	store.History
	store.Campaigns
	store.Referrals
	store.Importer
	store.Exporter
}

// Router answers messages and button presses. It implements bot.Handler.
type Router struct {
	Store  Store
	Now    func() time.Time
	Logger *slog.Logger
	// Weights rank the agenda.
	Weights store.Weights
	// Enroll decides who comes in on first contact without a code: the
	// role a person new on a platform gets, or "" to turn them away with a
	// short refusal and nothing stored. Nil turns everyone away; invite
	// codes still let people in.
	Enroll func(bot.Platform, bot.Sender) store.Role
	// DefaultTimeZone is a new user's zone when the platform tells none.
	DefaultTimeZone string
	// PageSize is how many agenda lines one answer shows.
	PageSize int
	// Notifier posts a deal's news (stage changes) to the chats bound to
	// it; nil posts nothing.
	Notifier bot.Notifier
	// CarePlan is what a won deal schedules for its owner.
	CarePlan CarePlan
	// Observe, when set, is told of every message and button press handled:
	// the platform, the intent (an IntentKind; "button" for a press,
	// "stranger" for someone turned away, "too_long", "error" when the
	// speaker could not be looked up) and how long handling
	// took. It is how metrics and the per-message log line learn the intent.
	Observe func(p bot.Platform, intent string, took time.Duration)
	// Stages are the deal pipeline in order, with won and lost; the store
	// must accept the same names. A stage is named in chat by its name;
	// the default ones also by their words in both languages.
	Stages []DealStage
}

var _ bot.Handler = (*Router)(nil)

// NewRouter returns a Router on s with the defaults.
func NewRouter(s Store) *Router {
	return &Router{
		Store:           s,
		Now:             time.Now,
		Logger:          slog.New(slog.DiscardHandler),
		Weights:         store.DefaultWeights,
		Enroll:          EnrollAs(store.RoleRep),
		DefaultTimeZone: "UTC",
		PageSize:        10,
		CarePlan:        DefaultCarePlan,
		Stages:          DefaultPipeline,
	}
}

// session is one message's context: who asks, in which zone and language.
type session struct {
	user   store.User
	scope  store.Scope
	loc    *time.Location
	lang   string
	now    time.Time
	origin store.Origin
	chat   bot.Target // where the message was said
	dm     bool       // a private chat: the user's own lists may be shown
}

// overheard handles talk in a shared chat that is not addressed to Tend:
// no answer and no enrolment; only a chat bound to a deal that keeps all
// its messages keeps those of the people Tend knows.
func (r *Router) overheard(ctx context.Context, m bot.Message) error {
	u, err := r.Store.UserByIdentity(ctx, store.Identity{Platform: string(m.Platform), ExternalID: m.From.ID})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ses := r.sessionFor(u, r.Now())
	ses.origin, ses.chat = store.Origin{Platform: string(m.Platform), EventID: m.EventID}, m.Target()
	_, err = r.capture(ctx, ses, m, Intent{Kind: IntentUnknown})
	return err
}

// HandleMessage implements bot.Handler.
func (r *Router) HandleMessage(ctx context.Context, m bot.Message) ([]bot.Reply, error) {
	if !m.IsDM && !m.Mentioned {
		return nil, r.overheard(ctx, m)
	}
	intent := "error"
	defer r.observe(m.Platform, &intent, time.Now())
	ses, replies, err := r.session(ctx, m.Platform, m.From, m.ChatID, m.IsDM, m.IsDM || m.Mentioned, m.EventID, m.Text)
	if ses == nil {
		intent = turnedAway(replies, intent)
		return replies, err
	}
	if n := len(m.Text); n > maxMessage {
		intent = "too_long"
		ses.lang = detectLang(truncate(m.Text, maxParse))
		return r.claimed(ctx, ses, []bot.Reply{{Text: t(ses.lang, msgTooLong, n>>10, maxMessage>>10)}})
	}
	in := r.parse(m.Text, ses.now, ses.loc)
	intent = string(in.Kind)
	if in.Spoken {
		ses.lang = in.Lang
	}
	ses.chat, ses.dm = m.Target(), m.IsDM
	if len(m.Files) > 0 { // a file shared, whatever its caption says
		intent = "import"
		return r.answer(ctx, ses, r.importFile(ctx, ses, m.Files[0]))
	}
	// A chat bound to a deal is the deal's conversation: its messages go
	// to the deal's timeline without a reply. This comes before any rule
	// that ignores a shared chat's messages not addressed to Tend.
	if done, err := r.capture(ctx, ses, m, in); done || err != nil {
		if err != nil {
			return r.answer(ctx, ses, failed(err))
		}
		return nil, nil
	}
	return r.answer(ctx, ses, r.dispatch(ctx, ses, in, m.Text, pick{}))
}

// maxMessage is the longest message Tend logs. Longer ones are refused
// whole, with a word, rather than cut silently.
const maxMessage = 16 << 10

// HandleAction implements bot.Handler.
func (r *Router) HandleAction(ctx context.Context, a bot.Action) ([]bot.Reply, error) {
	intent := "error"
	defer r.observe(a.Platform, &intent, time.Now())
	ses, replies, err := r.session(ctx, a.Platform, a.From, a.ChatID, false, true, a.EventID, "")
	if ses == nil {
		intent = turnedAway(replies, intent)
		return replies, err
	}
	ses.chat, ses.dm = a.Target(), privateChat(ses.user, a.Platform, a.ChatID)
	intent = "button"
	return r.answer(ctx, ses, r.press(ctx, ses, a.Value))
}

// turnedAway names what a nil session was: a stranger gets no reply, an
// error its apology.
func turnedAway(replies []bot.Reply, intent string) string {
	if replies == nil {
		return "stranger"
	}
	return intent
}

// observe reports a handled message or press to Observe, if set.
func (r *Router) observe(p bot.Platform, intent *string, start time.Time) {
	if r.Observe != nil {
		r.Observe(p, *intent, time.Since(start))
	}
}

// session resolves who is speaking. A nil session means the replies are
// final (a newcomer let in or turned away, an error).
// text is what the person wrote, if anything: a newcomer's first words or
// code; addressed says whether they spoke to Tend (a refusal is owed).
func (r *Router) session(ctx context.Context, p bot.Platform, from bot.Sender, chat string, dm, addressed bool, event, text string) (*session, []bot.Reply, error) {
	origin := store.Origin{Platform: string(p), EventID: event}
	u, replies, err := r.user(ctx, p, from, chat, dm, addressed, text)
	if errors.Is(err, errNoSession) {
		if u.ID != 0 { // let in by a code: a redelivery must not try it again
			if err := r.Store.ClaimEvent(ctx, origin); errors.Is(err, store.ErrDuplicate) {
				return nil, nil, nil
			}
		}
		return nil, replies, nil
	}
	if err != nil {
		return nil, []bot.Reply{{Text: t(from.Lang, msgInternal, r.incident(err, p, chat))}}, nil
	}
	ses := r.sessionFor(u, r.Now())
	ses.origin = origin
	return ses, nil, nil
}

// errNoSession: the person is not a user who may be answered (a stranger,
// someone who left) or has just been let in or linked by a code; the
// replies that come with it are final.
var errNoSession = errors.New("conversation: no session")

// user finds the speaker, enrolling them on first contact, and keeps their
// time zone and private chat up to date.
func (r *Router) user(ctx context.Context, p bot.Platform, from bot.Sender, chat string, dm, addressed bool, text string) (store.User, []bot.Reply, error) {
	if from.ID == "" {
		return store.User{}, nil, errNoSession
	}
	ident := store.Identity{Platform: string(p), ExternalID: from.ID}
	if dm {
		ident.ChatID = chat
	}
	u, err := r.Store.UserByIdentity(ctx, ident)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return r.newcomer(ctx, p, from, ident, text, addressed)
	case err != nil:
		return u, nil, err
	case !u.Active():
		r.Logger.Info("user who left turned away", bot.LogKeyPlatform, p, bot.LogKeyUser, u.ID)
		if !addressed {
			return store.User{}, nil, errNoSession
		}
		return store.User{}, []bot.Reply{{Text: t(u.Lang, msgStranger)}}, errNoSession
	}
	var upd store.UserUpdate
	if from.TimeZone != "" && from.TimeZone != u.TimeZone {
		if _, err := time.LoadLocation(from.TimeZone); err == nil {
			upd.TimeZone = &from.TimeZone
		}
	}
	if dm && !hasChat(u, ident) {
		upd.Identity = &ident
	}
	if upd.TimeZone == nil && upd.Identity == nil {
		return u, nil, nil
	}
	u, err = r.Store.UpdateUser(ctx, u.ID, upd)
	return u, nil, err
}

// privateChat reports whether chat is the user's private chat with Tend
// on platform (the console has no other).
func privateChat(u store.User, p bot.Platform, chat string) bool {
	if p == bot.Console {
		return true
	}
	for _, i := range u.Identities {
		if i.Platform == string(p) && i.ChatID != "" && i.ChatID == chat {
			return true
		}
	}
	return false
}

func hasChat(u store.User, id store.Identity) bool {
	for _, i := range u.Identities {
		if i.Platform == id.Platform && i.ExternalID == id.ExternalID {
			return i.ChatID == id.ChatID
		}
	}
	return false
}

// outcome is what handling produced: replies, or an error to word.
type outcome struct {
	replies []bot.Reply
	err     error
	write   bool // the store call claimed the event itself
}

// answer turns an outcome into replies: a redelivered event gets none, a
// known error its sentence, anything else an apology with an incident
// reference that is also in the log.
func (r *Router) answer(ctx context.Context, ses *session, o outcome) ([]bot.Reply, error) {
	var amb *store.AmbiguousError
	switch {
	case o.err == nil && !o.write:
		return r.claimed(ctx, ses, o.replies)
	case o.err == nil:
		return o.replies, nil
	case errors.Is(o.err, store.ErrDuplicate):
		return nil, nil
	case errors.As(o.err, &amb):
		return r.claimed(ctx, ses, []bot.Reply{{Text: t(ses.lang, msgWhichCustomer, amb.Query), Buttons: customerButtons(amb.Matches, "show")}})
	case errors.Is(o.err, store.ErrNotFound):
		return r.claimed(ctx, ses, []bot.Reply{{Text: t(ses.lang, msgNotFound)}})
	case errors.Is(o.err, store.ErrForbidden):
		return r.claimed(ctx, ses, []bot.Reply{{Text: t(ses.lang, msgAdminsOnly)}})
	}
	ref := r.incident(o.err, bot.Platform(ses.origin.Platform), "")
	return []bot.Reply{{Text: t(ses.lang, msgInternal, ref)}}, nil
}

// claimed records the event of an answer that changed nothing, so a
// redelivery is not answered twice.
func (r *Router) claimed(ctx context.Context, ses *session, replies []bot.Reply) ([]bot.Reply, error) {
	switch err := r.Store.ClaimEvent(ctx, ses.origin); {
	case errors.Is(err, store.ErrDuplicate):
		return nil, nil
	case err != nil:
		return []bot.Reply{{Text: t(ses.lang, msgInternal, r.incident(err, bot.Platform(ses.origin.Platform), ""))}}, nil
	}
	return replies, nil
}

// incident logs an unexpected error once, with a short reference the user
// can quote.
func (r *Router) incident(err error, p bot.Platform, chat string) string {
	var b [3]byte
	rand.Read(b[:])
	ref := hex.EncodeToString(b[:])
	r.Logger.Error("handling failed", "ref", ref, bot.LogKeyPlatform, p, bot.LogKeyChat, chat, "err", err)
	return ref
}

func say(text string, buttons ...bot.Button) outcome {
	return outcome{replies: []bot.Reply{{Text: text, Buttons: buttons}}}
}

func failed(err error) outcome { return outcome{err: err} }

func undoButton(lang string, id store.ChangeID) bot.Button {
	return bot.Button{Label: t(lang, msgUndoBtn), Value: fmt.Sprintf("undo:%d", id)}
}

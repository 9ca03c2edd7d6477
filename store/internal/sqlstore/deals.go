package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// Deal implements store.Deals.
func (st *Store) Deal(ctx context.Context, s store.Scope, id store.DealID) (store.Deal, error) {
	d, err := visibleDeal(ctx, st.read, s, id)
	if err != nil {
		return d, fmt.Errorf("store: deal %d: %w", id, err)
	}
	return d, nil
}

func visibleDeal(ctx context.Context, q Querier, s store.Scope, id store.DealID) (store.Deal, error) {
	return visibleRow(ctx, q, s, ScanDeal, "SELECT "+DealCols+" FROM deals d JOIN customers c ON c.id = d.customer_id WHERE d.id = ?", int64(id), "")
}

// FindDeals implements store.Deals. A deal is found by its title ("Acme
// renewal") or by its customer's name or alias ("Acme").
func (st *Store) FindDeals(ctx context.Context, s store.Scope, name string, limit int) ([]store.Deal, error) {
	key := store.NameKey(name)
	if key == "" {
		return nil, nil
	}
	q := "SELECT " + DealCols + ` FROM deals d JOIN customers c ON c.id = d.customer_id
		WHERE (d.title_key = ? OR d.title_key LIKE ? OR c.name_key = ?
			OR EXISTS (SELECT 1 FROM customer_aliases a WHERE a.customer_id = c.id AND a.alias_key = ?)) AND ` + Visible + `
		ORDER BY d.title_key <> ?, d.stage IN ('won', 'lost'), d.created_at DESC, d.id DESC LIMIT ?`
	args := append([]any{key, key + " %", key, key}, VisArgs(s)...)
	args = append(args, key, LimitOr(limit, 10))
	out, err := QueryAll(ctx, ScanDeal, st.read, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find deals: %w", err)
	}
	return out, nil
}

// stages are the pipeline's; its words and weights are the
// conversation's business.
func (st *Store) stages() []string {
	if len(st.Stages) == 0 {
		return store.DefaultStages
	}
	return st.Stages
}

func (st *Store) checkStage(stage string) error {
	if !slices.Contains(st.stages(), stage) {
		return &store.InvalidError{Field: store.FieldStage, Reason: fmt.Sprintf("stage %q", stage)}
	}
	return nil
}

// CreateDeal implements store.Deals.
func (st *Store) CreateDeal(ctx context.Context, s store.Scope, o store.Origin, nd store.NewDeal) (store.Deal, store.ChangeID, error) {
	var d store.Deal
	if nd.Stage == "" {
		nd.Stage = st.stages()[0]
	}
	if err := errors.Join(st.checkStage(nd.Stage), store.CheckMoney(nd.Value, nd.Currency)); err != nil {
		return d, 0, fmt.Errorf("store: create deal: %w", err)
	}
	cid, err := st.change(ctx, s, o, "new deal", func(c *change) error {
		var r store.Recorded
		if err := c.resolveCustomer(s, nd.Customer, &r); err != nil {
			return err
		}
		title := strings.TrimSpace(store.Normalize(nd.Title))
		if title == "" {
			title = r.Customer.Name
		}
		key := store.NameKey(title)
		if key == "" || len(title) > 200 {
			return &store.InvalidError{Field: store.FieldName, Reason: fmt.Sprintf("deal title %q", nd.Title)}
		}
		d = store.Deal{CustomerID: r.Customer.ID, OwnerID: s.UserID, Title: title, Value: nd.Value, Currency: nd.Currency,
			Stage: nd.Stage, ExpectedClose: nd.ExpectedClose.UTC().Truncate(time.Second), StageChangedAt: c.now, CreatedAt: c.now}
		id, err := c.insert("deals", col{"customer_id", int64(d.CustomerID)}, col{"owner_id", int64(d.OwnerID)},
			col{"title", d.Title}, col{"title_key", key}, col{"value", d.Value}, col{"currency", d.Currency},
			col{"stage", d.Stage}, col{"expected_close", Unix(d.ExpectedClose)}, col{"stage_changed_at", c.now.Unix()},
			col{"created_at", c.now.Unix()})
		d.ID = store.DealID(id)
		if err != nil {
			return err
		}
		return c.describe("new deal: " + d.Title)
	})
	if err != nil {
		return store.Deal{}, 0, fmt.Errorf("store: create deal: %w", err)
	}
	return d, cid, nil
}

// UpdateDeal implements store.Deals.
func (st *Store) UpdateDeal(ctx context.Context, s store.Scope, o store.Origin, id store.DealID, upd store.DealUpdate) (store.Deal, store.ChangeID, error) {
	var d store.Deal
	if upd.Stage != nil {
		if err := st.checkStage(*upd.Stage); err != nil {
			return d, 0, fmt.Errorf("store: update deal: %w", err)
		}
	}
	for _, t := range []*string{upd.Need, upd.Budget, upd.Authority, upd.LostReason} {
		if t != nil {
			if err := store.CheckText("qualification", *t); err != nil {
				return d, 0, fmt.Errorf("store: update deal: %w", err)
			}
		}
	}
	cid, err := st.change(ctx, s, o, "update deal", func(c *change) error {
		// Locked first: the stage, lost reason and currency written are
		// decided from those read, which another move of the deal changes.
		if err := c.lockRows("deals", int64(id)); err != nil {
			return err
		}
		var err error
		if d, err = visibleDeal(c.ctx, c.tx, s, id); err != nil {
			return err
		}
		var cols []col
		set := func(name string, v any) { cols = append(cols, col{name, v}) }
		text := func(name string, p *string, field *string) {
			if p != nil {
				*field = strings.TrimSpace(store.Normalize(*p))
				set(name, *field)
			}
		}
		if upd.Value != nil || upd.Currency != nil {
			if upd.Value != nil {
				d.Value = *upd.Value
			}
			if upd.Currency != nil {
				d.Currency = *upd.Currency
			}
			if err := store.CheckMoney(d.Value, d.Currency); err != nil {
				return err
			}
			set("value", d.Value)
			set("currency", d.Currency)
		}
		plan := upd.CarePlanFor(d)
		if upd.Stage != nil && *upd.Stage != d.Stage {
			d.Stage, d.StageChangedAt = *upd.Stage, c.now
			set("stage", d.Stage)
			set("stage_changed_at", c.now.Unix())
			if d.Stage != store.DealLost && upd.LostReason == nil && d.LostReason != "" {
				d.LostReason = ""
				set("lost_reason", "")
			}
		}
		text("lost_reason", upd.LostReason, &d.LostReason)
		text("need", upd.Need, &d.Need)
		text("budget", upd.Budget, &d.Budget)
		text("authority", upd.Authority, &d.Authority)
		if upd.ExpectedClose != nil {
			d.ExpectedClose = upd.ExpectedClose.UTC().Truncate(time.Second)
			set("expected_close", Unix(d.ExpectedClose))
		}
		if upd.Owner != nil {
			var n int
			if err := c.tx.QueryRowContext(c.ctx, "SELECT COUNT(*) FROM users WHERE id = ?", *upd.Owner).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("owner %d: %w", *upd.Owner, store.ErrNotFound)
			}
			d.OwnerID = *upd.Owner
			set("owner_id", int64(d.OwnerID))
		}
		if len(cols) == 0 && plan == nil {
			return &store.InvalidError{Field: store.FieldValue, Reason: "nothing to change"}
		}
		if len(cols) > 0 {
			if err := c.update("deals", int64(id), cols...); err != nil {
				return err
			}
		}
		if plan != nil {
			if err := c.carePlan(d, *plan); err != nil {
				return err
			}
		}
		return c.describe(upd.Summary() + ": " + d.Title)
	})
	if err != nil {
		return store.Deal{}, 0, fmt.Errorf("store: update deal: %w", err)
	}
	return d, cid, nil
}

// carePlan schedules a won deal's check-ins for its owner and the yearly
// date of the purchase, as rows of the same change. What a plan would
// repeat (a deal won, then lost, then won again) is not added twice: a
// check-in with the same note still open on the customer, an occasion of
// the same kind and label.
func (c *change) carePlan(d store.Deal, p store.CarePlan) error {
	r := store.Recorded{Customer: store.Customer{ID: d.CustomerID}}
	owner := store.Scope{UserID: d.OwnerID}
	exists := func(query string, args ...any) (bool, error) {
		var n int
		err := c.tx.QueryRowContext(c.ctx, "SELECT COUNT(*) FROM "+query, args...).Scan(&n)
		return n > 0, err
	}
	for _, f := range p.FollowUps {
		dup, err := exists("follow_ups WHERE customer_id = ? AND status = 'open' AND note = ?", int64(d.CustomerID), store.Normalize(f.Note))
		if err != nil {
			return err
		}
		if dup {
			continue
		}
		if err := c.addFollowUp(owner, f, &r); err != nil {
			return err
		}
	}
	if p.Occasion == nil {
		return nil
	}
	dup, err := exists("occasions WHERE customer_id = ? AND kind = ? AND label = ?", int64(d.CustomerID), p.Occasion.Kind, store.Normalize(p.Occasion.Label))
	if err != nil || dup {
		return err
	}
	return c.addOccasion(*p.Occasion, &r)
}

// BindChat implements store.Deals.
func (st *Store) BindChat(ctx context.Context, s store.Scope, o store.Origin, b store.ChatBinding) (store.ChangeID, error) {
	if b.Capture == "" {
		b.Capture = store.CaptureMentions
	}
	if b.Platform == "" || b.ChatID == "" || (b.Capture != store.CaptureMentions && b.Capture != store.CaptureAll) {
		return 0, fmt.Errorf("store: bind chat: %w", &store.InvalidError{Field: store.FieldValue, Reason: fmt.Sprintf("binding %+v", b)})
	}
	cid, err := st.change(ctx, s, o, "bind chat", func(c *change) error {
		d, err := visibleDeal(c.ctx, c.tx, s, b.DealID)
		if err != nil {
			return err
		}
		// A chat linked twice at once is linked once, then moved.
		if err := c.lockKey(newBindingLock, b.Platform+" "+b.ChatID+" "+b.ThreadID); err != nil {
			return err
		}
		var old int64
		err = c.tx.QueryRowContext(c.ctx, "SELECT id FROM deal_bindings WHERE platform = ? AND chat_id = ? AND thread_id = ?",
			b.Platform, b.ChatID, b.ThreadID).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = c.insert("deal_bindings", col{"platform", b.Platform}, col{"chat_id", b.ChatID}, col{"thread_id", b.ThreadID},
				col{"deal_id", int64(b.DealID)}, col{"capture", string(b.Capture)}, col{"bound_by", int64(s.UserID)},
				col{"created_at", c.now.Unix()})
		case err == nil:
			err = c.update("deal_bindings", old, col{"deal_id", int64(b.DealID)}, col{"capture", string(b.Capture)},
				col{"bound_by", int64(s.UserID)})
		}
		if err != nil {
			return err
		}
		return c.describe("link chat: " + d.Title)
	})
	if err != nil {
		return 0, fmt.Errorf("store: bind chat: %w", err)
	}
	return cid, nil
}

const bindingCols = "platform, chat_id, thread_id, deal_id, capture, bound_by"

func scanBinding(sc Scanner) (store.ChatBinding, error) {
	var b store.ChatBinding
	err := sc.Scan(&b.Platform, &b.ChatID, &b.ThreadID, &b.DealID, &b.Capture, &b.BoundBy)
	return b, err
}

// ChatBinding implements store.Deals.
func (st *Store) ChatBinding(ctx context.Context, platform, chat, thread string) (store.ChatBinding, error) {
	return chatBinding(ctx, st.read, platform, chat, thread)
}

func chatBinding(ctx context.Context, q Querier, platform, chat, thread string) (store.ChatBinding, error) {
	// A thread's own binding wins over its chat's.
	b, err := scanBinding(q.QueryRowContext(ctx, "SELECT "+bindingCols+` FROM deal_bindings
		WHERE platform = ? AND chat_id = ? AND thread_id IN (?, '') ORDER BY thread_id = '' LIMIT 1`, platform, chat, thread))
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("store: chat binding: %w", store.ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("store: chat binding: %w", err)
	}
	return b, nil
}

// BindingsOf implements store.Deals.
func (st *Store) BindingsOf(ctx context.Context, id store.DealID) ([]store.ChatBinding, error) {
	out, err := QueryAll(ctx, scanBinding, st.read, "SELECT "+bindingCols+" FROM deal_bindings WHERE deal_id = ? ORDER BY id", id)
	if err != nil {
		return nil, fmt.Errorf("store: bindings of deal %d: %w", id, err)
	}
	return out, nil
}

// CaptureMessage implements store.Deals.
func (st *Store) CaptureMessage(ctx context.Context, s store.Scope, o store.Origin, b store.ChatBinding, in store.Interaction) (store.Interaction, error) {
	if err := store.CheckText("message", in.Summary); err != nil {
		return in, fmt.Errorf("store: capture: %w", err)
	}
	var r store.Recorded
	_, err := st.change(ctx, s, o, "capture", func(c *change) error {
		bound, err := chatBinding(c.ctx, c.tx, b.Platform, b.ChatID, b.ThreadID)
		if err != nil {
			return err
		}
		d, err := visibleDeal(c.ctx, c.tx, store.Scope{Role: store.RoleAdmin}, bound.DealID)
		if err != nil {
			return err
		}
		in.DealID = d.ID
		// The customer's row gives the keep-in-touch fields to move on,
		// locked as Record locks it.
		if r.Customer, err = c.lockCustomer(d.CustomerID); err != nil {
			return err
		}
		if err := c.addInteraction(s, o, in, &r); err != nil {
			return err
		}
		return c.describe("capture message: " + d.Title)
	})
	if err != nil {
		return in, fmt.Errorf("store: capture: %w", err)
	}
	return *r.Interaction, nil
}

// DealInteractions implements store.Deals.
func (st *Store) DealInteractions(ctx context.Context, s store.Scope, id store.DealID, limit int) ([]store.Interaction, error) {
	out, err := QueryAll(ctx, ScanInteraction, st.read, "SELECT "+InteractionCols+` FROM interactions i
		JOIN customers c ON c.id = i.customer_id WHERE i.deal_id = ? AND `+Visible+" ORDER BY i.at DESC, i.id DESC LIMIT ?",
		append(append([]any{id}, VisArgs(s)...), LimitOr(limit, 50))...)
	if err != nil {
		return nil, fmt.Errorf("store: interactions of deal %d: %w", id, err)
	}
	return out, nil
}

// ActivitySince implements store.Deals.
func (st *Store) ActivitySince(ctx context.Context, s store.Scope, since time.Time) ([]store.RepActivity, error) {
	out, err := QueryAll(ctx, func(sc Scanner) (a store.RepActivity, err error) {
		err = sc.Scan(&a.UserID, &a.Name, &a.Calls, &a.Meetings, &a.FollowUpsDone)
		return a, err
	}, st.read, `SELECT u.id, u.name,
			(SELECT COUNT(*) FROM interactions i WHERE i.user_id = u.id AND i.kind = 'call' AND i.at >= ?1),
			(SELECT COUNT(*) FROM interactions i WHERE i.user_id = u.id AND i.kind = 'meeting' AND i.at >= ?1),
			(SELECT COUNT(*) FROM follow_ups f WHERE f.owner_id = u.id AND f.status = 'done' AND f.completed_at >= ?1)
		FROM users u WHERE (u.id = ?2 OR ?3 OR (?4 AND u.manager_id = ?2)) AND u.left_at = 0 ORDER BY u.name, u.id`,
		since.Unix(), s.UserID, s.SeesAll(), s.Role == store.RoleManager)
	if err != nil {
		return nil, fmt.Errorf("store: activity: %w", err)
	}
	return out, nil
}

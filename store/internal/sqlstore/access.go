package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tend-crm/tend/store"
)

// CreateCode implements store.Access.
func (st *Store) CreateCode(ctx context.Context, s store.Scope, kind store.CodeKind, role store.Role, expires time.Time) (string, error) {
	switch {
	case kind == store.CodeInvite && s.Role != store.RoleAdmin:
		return "", fmt.Errorf("store: create code: invites are for admins: %w", store.ErrForbidden)
	case kind == store.CodeInvite && role != store.RoleRep && role != store.RoleManager && role != store.RoleAdmin:
		return "", fmt.Errorf("store: create code: %w: role %q", store.ErrInvalid, role)
	case kind == store.CodeLink:
		role = ""
	case kind != store.CodeInvite:
		return "", fmt.Errorf("store: create code: %w: kind %q", store.ErrInvalid, kind)
	}
	if s.UserID == 0 {
		return "", fmt.Errorf("store: create code: no user: %w", store.ErrForbidden)
	}
	code := store.NewAccessCode()
	res, err := st.write.ExecContext(ctx, `INSERT INTO access_codes (hash, kind, role, user_id, created_at, expires_at)
		SELECT CAST(? AS text), CAST(? AS text), CAST(? AS text), id, CAST(? AS bigint), CAST(? AS bigint) FROM users WHERE id = ? AND left_at = 0`,
		store.HashAccessCode(code), kind, role, st.Now().Unix(), expires.Unix(), s.UserID)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = fmt.Errorf("user %d is not active: %w", s.UserID, store.ErrForbidden)
		}
	}
	if err != nil {
		return "", fmt.Errorf("store: create code: %w", st.dialect.MapErr(err))
	}
	return code, nil
}

// RedeemCode implements store.Access. The code is marked used by the same
// statement that checks it is unused, in the transaction that creates the
// user or adds the identity: a second redeemer finds it used, and a
// refused identity leaves it unused.
func (st *Store) RedeemCode(ctx context.Context, code string, u store.User) (store.User, store.CodeKind, error) {
	var kind store.CodeKind
	if len(u.Identities) == 0 {
		return u, kind, fmt.Errorf("store: redeem code: %w: no identity", store.ErrInvalid)
	}
	err := st.tx(ctx, func(ctx context.Context, tx Tx) error {
		now := st.Now().Unix()
		var role store.Role
		var maker store.UserID
		err := tx.QueryRowContext(ctx, `UPDATE access_codes SET used_at = ?
			WHERE hash = ? AND used_at = 0 AND expires_at > ? AND user_id IN (SELECT id FROM users WHERE left_at = 0)
			RETURNING kind, role, user_id`, now, store.HashAccessCode(code), now).Scan(&kind, &role, &maker)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		switch kind {
		case store.CodeInvite:
			u.Role, u.ManagerID = role, 0
			if u, err = st.insertUser(ctx, tx, u); err != nil {
				return err
			}
		case store.CodeLink:
			ident := u.Identities[0]
			if _, err := tx.ExecContext(ctx, "INSERT INTO identities (platform, external_id, user_id, chat_id) VALUES (?, ?, ?, ?)",
				ident.Platform, ident.ExternalID, maker, ident.ChatID); err != nil {
				return err
			}
			u.ID = maker
		default:
			return fmt.Errorf("unknown code kind %q", kind)
		}
		_, err = tx.ExecContext(ctx, "UPDATE access_codes SET used_by = ? WHERE hash = ?", u.ID, store.HashAccessCode(code))
		return err
	})
	if err != nil {
		return u, kind, fmt.Errorf("store: redeem code: %w", err)
	}
	u, err = st.User(ctx, u.ID)
	return u, kind, err
}

// RemoveUser implements store.Access.
func (st *Store) RemoveUser(ctx context.Context, s store.Scope, o store.Origin, id, to store.UserID) (store.Handover, error) {
	var h store.Handover
	switch {
	case s.Role != store.RoleAdmin:
		return h, fmt.Errorf("store: remove user: %w", store.ErrForbidden)
	case id == to:
		return h, fmt.Errorf("store: remove user: %w: a user cannot hand over to themselves", store.ErrInvalid)
	}
	var err error
	h.Change, err = st.change(ctx, s, o, "remove user", func(c *change) error {
		var leaver, heir string
		users := []struct {
			id   store.UserID
			name *string
		}{{id, &leaver}, {to, &heir}}
		if to < id {
			users[0], users[1] = users[1], users[0]
		}
		for _, u := range users {
			// Locked, in id order: a user removed twice at once is handed
			// over once, and one handed what a leaver had at the same time
			// is not left with it.
			err := c.tx.QueryRowContext(c.ctx, "SELECT name FROM users WHERE id = ? AND left_at = 0"+st.lock(forUpdate), u.id).Scan(u.name)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("user %d: %w", u.id, store.ErrNotFound)
			}
			if err != nil {
				return err
			}
		}
		moves := []struct {
			n            *int
			table, where string
			col          string
		}{
			{&h.Customers, "customers", "owner_id = ?", "owner_id"},
			{&h.Deals, "deals", "owner_id = ? AND stage NOT IN ('won', 'lost')", "owner_id"},
			{&h.FollowUps, "follow_ups", "owner_id = ? AND status = 'open'", "owner_id"},
			{&h.Team, "users", "manager_id = ?", "manager_id"},
		}
		for _, m := range moves {
			// Table and column names come from the list above, never from input.
			ids, err := QueryAll(c.ctx, func(sc Scanner) (n int64, err error) {
				err = sc.Scan(&n)
				return n, err
			}, c.tx, "SELECT id FROM "+m.table+" WHERE "+m.where+" ORDER BY id", id)
			if err != nil {
				return err
			}
			for _, row := range ids {
				var val any = int64(to)
				if m.table == "users" && row == int64(to) {
					val = nil // the heir was in the leaver's team: nobody manages them now
				}
				if err := c.update(m.table, row, col{m.col, val}); err != nil {
					return err
				}
			}
			*m.n = len(ids)
		}
		if err := c.update("users", int64(id), col{"left_at", c.now.Unix()}); err != nil {
			return err
		}
		return c.describe(fmt.Sprintf("remove user: %s, hand over to %s", leaver, heir))
	})
	if err != nil {
		return store.Handover{}, fmt.Errorf("store: remove user: %w", err)
	}
	return h, nil
}

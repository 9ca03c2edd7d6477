package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tend-crm/tend/store"
)

const userCols = "id, name, role, time_zone, lang, digest_time, digest_weekends, created_at, COALESCE(manager_id, 0), left_at"

func scanUser(sc Scanner) (store.User, error) {
	var u store.User
	var created, left int64
	err := sc.Scan(&u.ID, &u.Name, &u.Role, &u.TimeZone, &u.Lang, &u.DigestTime, &u.DigestWeekends, &created, &u.ManagerID, &left)
	u.CreatedAt, u.LeftAt = FromUnix(created), FromUnix(left)
	return u, err
}

// User implements store.Users.
func (st *Store) User(ctx context.Context, id store.UserID) (store.User, error) {
	u, err := scanUser(st.read.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("store: user %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, err)
	}
	u.Identities, err = st.identities(ctx, st.read, u.ID)
	return u, err
}

// UserByIdentity implements store.Users.
func (st *Store) UserByIdentity(ctx context.Context, id store.Identity) (store.User, error) {
	// One query, the user on every row with one of their identities: every
	// message starts with it.
	var u store.User
	var idents []store.Identity
	rows, err := st.read.QueryContext(ctx, "SELECT "+userCols+`, i.platform, i.external_id, i.chat_id
		FROM users JOIN identities i ON i.user_id = users.id
		WHERE users.id = (SELECT user_id FROM identities WHERE platform = ? AND external_id = ?)
		ORDER BY i.platform, i.external_id`, id.Platform, id.ExternalID)
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var ident store.Identity
			if u, err = scanUser(extra{rows, []any{&ident.Platform, &ident.ExternalID, &ident.ChatID}}); err != nil {
				break
			}
			idents = append(idents, ident)
		}
		err = cmpErr(err, rows.Err())
	}
	if err == nil && len(idents) == 0 {
		err = store.ErrNotFound
	}
	u.Identities = idents
	if err != nil {
		return store.User{}, fmt.Errorf("store: user by %s identity: %w", id.Platform, err)
	}
	return u, nil
}

// extra scans a row's further columns into dest after a scanner's own.
type extra struct {
	sc   Scanner
	dest []any
}

func (e extra) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.dest...)...) }

// CreateUser implements store.Users.
func (st *Store) CreateUser(ctx context.Context, u store.User) (store.User, error) {
	err := st.tx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		u, err = st.insertUser(ctx, tx, u)
		return err
	})
	if err != nil {
		return u, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// insertUser adds u and its identities in tx.
func (st *Store) insertUser(ctx context.Context, tx Tx, u store.User) (store.User, error) {
	if u.Name == "" || u.Role == "" {
		return u, fmt.Errorf("%w: name and role are required", store.ErrInvalid)
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if u.Lang == "" {
		u.Lang = "en"
	}
	u.CreatedAt = st.Now().UTC().Truncate(1e9)
	id, err := st.dialect.insertID(ctx, tx, `INSERT INTO users (name, role, time_zone, lang, digest_time, digest_weekends, created_at, manager_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.Name, u.Role, u.TimeZone, u.Lang, u.DigestTime, Bit(u.DigestWeekends), u.CreatedAt.Unix(),
		NullID(u.ManagerID))
	u.ID = store.UserID(id)
	if err != nil {
		return u, err
	}
	for _, ident := range u.Identities {
		if _, err := tx.ExecContext(ctx, "INSERT INTO identities (platform, external_id, user_id, chat_id) VALUES (?, ?, ?, ?)",
			ident.Platform, ident.ExternalID, u.ID, ident.ChatID); err != nil {
			return u, err
		}
	}
	return u, nil
}

// UpdateUser implements store.Users.
func (st *Store) UpdateUser(ctx context.Context, id store.UserID, upd store.UserUpdate) (store.User, error) {
	err := st.tx(ctx, func(ctx context.Context, tx Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = ?", id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		sets := []struct {
			col string
			val any
			ok  bool
		}{
			{"name", deref(upd.Name), upd.Name != nil},
			{"role", deref(upd.Role), upd.Role != nil},
			{"time_zone", deref(upd.TimeZone), upd.TimeZone != nil},
			{"lang", deref(upd.Lang), upd.Lang != nil},
			{"digest_time", deref(upd.DigestTime), upd.DigestTime != nil},
			{"digest_weekends", Bit(deref(upd.DigestWeekends)), upd.DigestWeekends != nil},
			{"manager_id", NullID(deref(upd.ManagerID)), upd.ManagerID != nil},
		}
		for _, s := range sets {
			if !s.ok {
				continue
			}
			// Column names come from the list above, never from input.
			if _, err := tx.ExecContext(ctx, "UPDATE users SET "+s.col+" = ? WHERE id = ?", s.val, id); err != nil {
				return err
			}
		}
		if ident := upd.Identity; ident != nil {
			res, err := tx.ExecContext(ctx, `INSERT INTO identities (platform, external_id, user_id, chat_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (platform, external_id) DO UPDATE SET chat_id = excluded.chat_id WHERE identities.user_id = excluded.user_id`,
				ident.Platform, ident.ExternalID, id, ident.ChatID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return cmpErr(err, fmt.Errorf("%s identity belongs to another user: %w", ident.Platform, store.ErrConflict))
			}
		}
		return nil
	})
	if err != nil {
		return store.User{}, fmt.Errorf("store: update user %d: %w", id, err)
	}
	return st.User(ctx, id)
}

// ListUsers implements store.Users.
func (st *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	users, err := QueryAll(ctx, scanUser, st.read, "SELECT "+userCols+" FROM users WHERE left_at = 0 ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	for i := range users {
		if users[i].Identities, err = st.identities(ctx, st.read, users[i].ID); err != nil {
			return nil, err
		}
	}
	return users, nil
}

func (st *Store) identities(ctx context.Context, q Querier, id store.UserID) ([]store.Identity, error) {
	ids, err := QueryAll(ctx, func(sc Scanner) (i store.Identity, err error) {
		err = sc.Scan(&i.Platform, &i.ExternalID, &i.ChatID)
		return i, err
	}, q, "SELECT platform, external_id, chat_id FROM identities WHERE user_id = ? ORDER BY platform, external_id", id)
	if err != nil {
		return nil, fmt.Errorf("store: identities of user %d: %w", id, err)
	}
	return ids, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

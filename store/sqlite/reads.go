package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// uncancelled runs queries without their caller's cancellation, having
// checked it first. database/sql watches a cancellable context on a
// goroutine of its own for every query that returns rows, and inside a
// transaction for every query whatever its context: on a one-row read
// that doubled the cost (BenchmarkQueryContext). Tend's queries are
// short; a request cancelled mid-way stops at its next query, and
// sqlstore.QueryAll checks between rows.
type uncancelled struct{ q sqlstore.Querier }

func (u uncancelled) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return u.q.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (u uncancelled) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if ctx.Err() != nil {
		return u.q.QueryRowContext(ctx, query, args...) // a row holding ctx's error
	}
	return u.q.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

func (u uncancelled) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return u.q.ExecContext(context.WithoutCancel(ctx), query, args...)
}

// snapshot runs fn on one read connection inside a transaction, so that
// every query of fn sees the book in the same state. It is not a
// database/sql transaction, whose cancellable context would cost every
// query a goroutine (see uncancelled).
func (db *DB) snapshot(ctx context.Context, fn func(q sqlstore.Querier) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	bg := context.WithoutCancel(ctx)
	conn, err := db.readPool.Conn(bg)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(bg, "BEGIN"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { err = errors.Join(err, end(bg, conn)) }()
	return fn(uncancelled{conn})
}

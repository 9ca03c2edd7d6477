package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// uncancelled runs queries without their caller's cancellation, having
// checked it first. database/sql watches a cancellable context on a
// goroutine of its own for every query that returns rows, and inside a
// transaction for every query whatever its context: on a one-row read
// that doubled the cost (BenchmarkQueryContext). Tend's queries are
// short; a request cancelled mid-way stops at its next query, and
// queryAll checks between rows.
type uncancelled struct{ q querier }

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
func (db *DB) snapshot(ctx context.Context, fn func(q querier) error) (err error) {
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

// integer scans an integer column into p as it is. database/sql converts
// into any other type than int64 by reflection, and into one of another
// size (int, a month, a kind) through a decimal string: a tenth of the
// agenda's time went there.
type integer[T ~int | ~int64 | ~uint8] struct{ p *T }

func intInto[T ~int | ~int64 | ~uint8](p *T) integer[T] { return integer[T]{p} }

func (i integer[T]) Scan(src any) error {
	n, ok := src.(int64)
	if !ok {
		return fmt.Errorf("sqlite: %T is not an integer", src)
	}
	*i.p = T(n)
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"

	"github.com/tend-crm/tend/store/internal/sqlstore"
)

// Group commit. A message's write is a handful of small statements and a
// commit, and the commit (writing the WAL pages of every table and index
// touched, the search index's pending terms) costs as much as the rest.
// Writes that arrive while a commit is under way therefore wait and go
// together in the next transaction, each in its own savepoint: a write
// that fails rolls back alone, the others commit, and no caller hears of
// success before its write is durable. With one writer at a time nothing
// is batched and nothing waits.

// maxBatch bounds how many writes share a commit, so that one slow batch
// does not hold many callers.
const maxBatch = 64

var (
	// errClosed is returned for writes that arrive after Close.
	errClosed = errors.New("sqlite: store closed")
	// errPanic wraps a write that panicked: it fails alone, like any other
	// error, instead of taking the batch and the process with it.
	errPanic = errors.New("sqlite: write panicked")
)

type txRequest struct {
	ctx  context.Context
	fn   func(context.Context, sqlstore.Tx) error
	done chan error
}

// tx runs fn in a write transaction, committing if it returns nil. fn must
// use the context it is given, not its caller's, for its statements: it
// cannot be cancelled. SQLite rolls back the whole transaction when a
// statement is interrupted, which would take the batch with it, and
// go-sqlite3 runs every statement of a cancellable context on a goroutine
// of its own (twice the import's time, for one). A write whose caller
// gave up before it started is not run; a long one, such as an import,
// checks its caller's context between rows itself.
func (db *DB) tx(ctx context.Context, fn func(context.Context, sqlstore.Tx) error) error {
	req := &txRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return errClosed
	}
	return <-req.done
}

// commitLoop runs the writes, batching those that queue up meanwhile.
func (db *DB) commitLoop() {
	defer close(db.stopped)
	batch := make([]*txRequest, 0, maxBatch)
	for {
		select {
		case req := <-db.writes:
			batch = append(batch[:0], req)
		case <-db.quit:
			return
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case req := <-db.writes:
				batch = append(batch, req)
			default:
				break gather
			}
		}
		db.commit(batch)
	}
}

// commit runs a batch in one transaction and answers every request. The
// transaction is BEGIN … COMMIT on the write connection rather than a
// database/sql transaction, whose context is always cancellable: every
// query in one cost a goroutine to watch it.
func (db *DB) commit(batch []*txRequest) {
	ctx := context.Background()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		answer(batch, mapErr(err))
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		end(ctx, conn)
		answer(batch, mapErr(err))
		return
	}
	var ok []*txRequest
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		if err := db.runOne(conn, r); err != nil {
			var broken *brokenTxError
			if errors.As(err, &broken) {
				// The transaction itself failed: nothing of the batch stands.
				end(ctx, conn)
				answer(append(ok, batch[i:]...), mapErr(broken.err))
				return
			}
			r.done <- mapErr(err)
			continue
		}
		ok = append(ok, r)
	}
	if len(ok) > 0 {
		_, err = conn.ExecContext(ctx, "COMMIT")
	}
	if len(ok) == 0 || err != nil {
		end(ctx, conn)
	}
	answer(ok, mapErr(err))
}

// end rolls back whatever transaction conn still has open. A connection
// left inside one (the rollback failed) is dropped, never pooled, and the
// rollback's error returned.
func end(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "ROLLBACK") // fails when there is nothing to roll back
	stuck := false
	conn.Raw(func(dc any) error {
		if c, ok := dc.(*sqlite3.SQLiteConn); ok && !c.AutoCommit() {
			stuck = true
			return driver.ErrBadConn
		}
		return nil
	})
	if stuck {
		return fmt.Errorf("end: %w", err)
	}
	return nil
}

func answer(reqs []*txRequest, err error) {
	for _, r := range reqs {
		r.done <- err
	}
}

// brokenTxError is a failure of the savepoint machinery, after which the
// transaction cannot be trusted.
type brokenTxError struct{ err error }

func (e *brokenTxError) Error() string { return e.err.Error() }

// runOne runs one request in a savepoint of tx, rolling back to it when
// the request fails.
func (db *DB) runOne(tx sqlstore.Tx, r *txRequest) (err error) {
	ctx := context.WithoutCancel(r.ctx)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return &brokenTxError{fmt.Errorf("savepoint: %w", err)}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errPanic, p)
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO w; RELEASE w"); rerr != nil {
				err = &brokenTxError{fmt.Errorf("rollback to savepoint after %w: %w", err, rerr)}
			}
			return
		}
		if _, rerr := tx.ExecContext(ctx, "RELEASE w"); rerr != nil {
			err = &brokenTxError{fmt.Errorf("release savepoint: %w", rerr)}
		}
	}()
	return r.fn(ctx, tx)
}

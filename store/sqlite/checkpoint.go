package sqlite

import (
	"context"
	"time"
)

// Checkpoints. In WAL mode a commit appends the pages it changed to the
// WAL, and SQLite copies them back into the database file (a checkpoint)
// once the WAL passes wal_autocheckpoint pages: inside the commit that
// crossed it, while every queued write waits on the copy and its sync.
// A logged message changes some twenty-five pages of tables and indexes,
// so at the default of 1,000 pages that was every few commits. The copy
// runs instead on a connection of its own, in the background, beside the
// writer; the writer's own threshold stays, set high, as a backstop
// should the background fall behind.
const (
	checkpointEvery = 100 * time.Millisecond
	// autoCheckpointPages is the writer's threshold: 64 MB of 4 KB pages,
	// which also bounds the WAL file.
	autoCheckpointPages = 16384
)

// checkpointLoop copies the WAL into the database file as far as the
// readers allow, without waiting for them or for the writer.
func (db *DB) checkpointLoop() {
	defer db.background.Done()
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	failing := false // logged once per run of failures, not ten times a second
	for {
		select {
		case <-tick.C:
			_, err := db.ckpt.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
			switch {
			case err != nil && !failing:
				db.log.Error("sqlite: checkpoint failing", "err", err)
			case err == nil && failing:
				db.log.Info("sqlite: checkpoint working again")
			}
			failing = err != nil
		case <-db.quit:
			return
		}
	}
}

package sqlite

import "database/sql"

// Pools exposes the write handle and the read pool to the black-box tests
// in sqlite_test, which check what each connection is opened with.
func (db *DB) Pools() (write, read *sql.DB) { return db.write, db.readPool }

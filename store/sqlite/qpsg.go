package sqlite

// The query planner stability guarantee, on every connection.
//
// go-sqlite3 clears a statement's bindings each time it reuses it, and
// SQLite expires a statement on that if its plan looked at a bound value:
// a bound LIMIT, a LIKE pattern, a partial index's condition, or only an
// `x = ?` the chosen index does not cover. Such a statement, most of
// Tend's reads among them, was parsed and planned afresh on every run
// despite the statement cache: 60 µs where 15 do. With the guarantee
// (SQLITE_DBCONFIG_ENABLE_QPSG) a plan never depends on bound values, so
// a cached statement stays prepared. go-sqlite3 has no way to set it, so
// an automatic extension sets it on every connection SQLite opens.

/*
// Declared rather than included: go-sqlite3 compiles SQLite into the
// binary but does not share its header.
typedef struct sqlite3 sqlite3;
extern int sqlite3_auto_extension(void (*entry)(void));
extern int sqlite3_db_config(sqlite3 *db, int op, ...);

#define TEND_DBCONFIG_ENABLE_QPSG 1007 // SQLITE_DBCONFIG_ENABLE_QPSG

static int tend_enable_qpsg(sqlite3 *db, char **err, const void *api) {
	return sqlite3_db_config(db, TEND_DBCONFIG_ENABLE_QPSG, 1, (int *)0);
}

static int tend_register_qpsg(void) {
	return sqlite3_auto_extension((void (*)(void))tend_enable_qpsg);
}
*/
import "C"

import "fmt"

func init() {
	if rc := C.tend_register_qpsg(); rc != 0 {
		panic(fmt.Sprintf("sqlite: registering the query planner stability guarantee: SQLite error %d", rc))
	}
}

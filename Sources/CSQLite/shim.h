#ifndef EBID_CSQLITE_SHIM_H
#define EBID_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import: sqlite copies the bytes at once. */
static inline sqlite3_destructor_type ebid_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif

/*
 * db.c — the store behind `regrt serve`: SQLite (one file, WAL) or
 * PostgreSQL (libpq), one SQL text for both.
 *
 * Every statement is prepared once and reused (sqlite3_prepare_v3 / PQprepare,
 * keyed by its text): values only ever travel as bound parameters. The
 * connection is used by one thread at a time (the caller holds srv_lock).
 *
 * Durability: SQLite runs in WAL mode with synchronous=FULL, so a committed
 * transaction is on disk before the server answers; PostgreSQL commits with
 * its default synchronous_commit=on. A transaction that fails (a full disk)
 * is rolled back whole: nothing half-stored.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "srv.h"

#define DB_MAX_STMTS 64

struct srv_db {
    int pg;
    sqlite3 *lite;
    PGconn *conn;
    struct {
        const char *sql; /* the caller's text (string literals) */
        sqlite3_stmt *st;
        char name[16];
    } stmts[DB_MAX_STMTS];
    int n_stmts;
    int full;
};

int srv_db_is_pg(const srv_db *db) { return db->pg; }
int srv_db_full(const srv_db *db) { return db->full; }

void srv_rows_free(srv_rows *r)
{
    if (!r) return;
    size_t n = (size_t)r->n_rows * r->n_cols;
    for (size_t i = 0; i < n; i++) free(r->v[i]);
    free(r->v);
    free(r->len);
    memset(r, 0, sizeof *r);
}

static int is_pg_url(const char *url)
{
    return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

srv_db *srv_db_open(const char *url, rt_error *err)
{
    srv_db *db = rt_xcalloc(1, sizeof *db);
    if (is_pg_url(url)) {
        db->pg = 1;
        db->conn = PQconnectdb(url);
        if (PQstatus(db->conn) != CONNECTION_OK) {
            rt_err(err, 2, TR("cannot connect to the PostgreSQL store: %s",
                              "không kết nối được kho PostgreSQL: %s"),
                   PQerrorMessage(db->conn));
            size_t n = strlen(err->msg);
            while (n && err->msg[n - 1] == '\n') err->msg[--n] = 0;
            PQfinish(db->conn);
            free(db);
            return NULL;
        }
        PGresult *r = PQexec(db->conn, "SET client_min_messages = warning");
        PQclear(r);
        return db;
    }
    const char *path = !strncmp(url, "sqlite:", 7) ? url + 7 : url;
    if (sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rt_err(err, 2, TR("cannot open the SQLite store '%s': %s", "không mở được kho SQLite '%s': %s"), path,
               db->lite ? sqlite3_errmsg(db->lite) : "out of memory");
        sqlite3_close(db->lite);
        free(db);
        return NULL;
    }
    sqlite3_busy_timeout(db->lite, 10000);
    char *msg = NULL;
    /* WAL: readers never block the writer; FULL: a commit is synced before
     * the answer (an acknowledged submission survives a crash of the
     * machine, not only of the process). */
    if (sqlite3_exec(db->lite, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        rt_err(err, 2, TR("cannot set up the SQLite store '%s': %s", "không thiết lập được kho SQLite '%s': %s"),
               path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db->lite);
        free(db);
        return NULL;
    }
    /* REGRT_SERVE_SQLITE_MAX_PAGES=N caps the file at N pages: a full disk
     * on demand, for the test that a full store answers 503 and keeps
     * nothing partial. */
    const char *cap = getenv("REGRT_SERVE_SQLITE_MAX_PAGES");
    if (cap && *cap) {
        char q[64];
        snprintf(q, sizeof q, "PRAGMA max_page_count=%ld", strtol(cap, NULL, 10));
        sqlite3_exec(db->lite, q, NULL, NULL, NULL);
    }
    return db;
}

void srv_db_close(srv_db *db)
{
    if (!db) return;
    for (int i = 0; i < db->n_stmts; i++)
        if (db->stmts[i].st) sqlite3_finalize(db->stmts[i].st);
    if (db->lite) sqlite3_close(db->lite);
    if (db->conn) PQfinish(db->conn);
    free(db);
}

static int stmt_slot(srv_db *db, const char *sql)
{
    for (int i = 0; i < db->n_stmts; i++)
        if (db->stmts[i].sql == sql || !strcmp(db->stmts[i].sql, sql)) return i;
    return -1;
}

/* ---- SQLite ------------------------------------------------------------------ */

static int lite_fail(srv_db *db, int rc, rt_error *err)
{
    db->full = rc == SQLITE_FULL || sqlite3_extended_errcode(db->lite) == SQLITE_IOERR_WRITE ||
               sqlite3_extended_errcode(db->lite) == SQLITE_IOERR_FSYNC;
    rt_err(err, 2, TR("store error: %s", "lỗi kho dữ liệu: %s"), sqlite3_errmsg(db->lite));
    return -1;
}

static int lite_exec(srv_db *db, const char *sql, const srv_param *ps, int n, srv_rows *rows, rt_error *err)
{
    int i = stmt_slot(db, sql);
    sqlite3_stmt *st;
    if (i < 0) {
        int rc = sqlite3_prepare_v3(db->lite, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK) return lite_fail(db, rc, err);
        if (db->n_stmts < DB_MAX_STMTS) {
            db->stmts[db->n_stmts].sql = sql;
            db->stmts[db->n_stmts].st = st;
            db->n_stmts++;
        }
    } else {
        st = db->stmts[i].st;
    }
    int cached = stmt_slot(db, sql) >= 0;
    for (int k = 0; k < n; k++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", k + 1);
        int ix = sqlite3_bind_parameter_index(st, name);
        if (ix == 0) continue; /* not used by this statement */
        const srv_param *p = &ps[k];
        size_t len = p->p && p->n == (size_t)-1 ? strlen(p->p) : p->n;
        if (!p->p) sqlite3_bind_null(st, ix);
        else if (p->binary) sqlite3_bind_blob64(st, ix, p->p, len, SQLITE_TRANSIENT);
        else sqlite3_bind_text64(st, ix, p->p, len, SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    int rc;
    uint32_t cap = 0;
    if (rows) memset(rows, 0, sizeof *rows);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!rows) continue;
        uint32_t nc = (uint32_t)sqlite3_column_count(st);
        rows->n_cols = nc;
        if (rows->n_rows == cap) {
            cap = cap ? cap * 2 : 16;
            rows->v = rt_xrealloc(rows->v, (size_t)cap * nc * sizeof *rows->v);
            rows->len = rt_xrealloc(rows->len, (size_t)cap * nc * sizeof *rows->len);
        }
        for (uint32_t c = 0; c < nc; c++) {
            size_t at = (size_t)rows->n_rows * nc + c;
            if (sqlite3_column_type(st, (int)c) == SQLITE_NULL) {
                rows->v[at] = NULL;
                rows->len[at] = 0;
                continue;
            }
            const void *b = sqlite3_column_blob(st, (int)c);
            size_t bl = (size_t)sqlite3_column_bytes(st, (int)c);
            rows->v[at] = rt_xstrndup(b ? b : "", bl);
            rows->len[at] = bl;
        }
        rows->n_rows++;
    }
    int ok = rc == SQLITE_DONE;
    if (!ok) lite_fail(db, rc, err);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (!cached) sqlite3_finalize(st);
    if (!ok) {
        if (rows) srv_rows_free(rows);
        return -1;
    }
    return 0;
}

/* ---- PostgreSQL -------------------------------------------------------------- */

static int pg_fail(srv_db *db, PGresult *r, rt_error *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    db->full = state && (!strcmp(state, "53100") || !strncmp(state, "58", 2));
    const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(db->conn);
    rt_err(err, 2, TR("store error: %s", "lỗi kho dữ liệu: %s"), m && *m ? m : "?");
    size_t n = strlen(err->msg);
    while (n && err->msg[n - 1] == '\n') err->msg[--n] = 0;
    PQclear(r);
    return -1;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int pg_exec(srv_db *db, const char *sql, const srv_param *ps, int n, srv_rows *rows, rt_error *err)
{
    int i = stmt_slot(db, sql);
    char name[16];
    if (i < 0) {
        if (db->n_stmts >= DB_MAX_STMTS) {
            rt_err(err, 2, "store: too many distinct statements");
            return -1;
        }
        i = db->n_stmts;
        snprintf(name, sizeof name, "s%d", i);
        PGresult *r = PQprepare(db->conn, name, sql, 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) return pg_fail(db, r, err);
        PQclear(r);
        db->stmts[i].sql = sql;
        memcpy(db->stmts[i].name, name, sizeof name);
        db->n_stmts++;
    }
    const char *vals[32];
    int lens[32], fmts[32];
    if (n > 32) n = 32;
    for (int k = 0; k < n; k++) {
        vals[k] = ps[k].p;
        lens[k] = ps[k].p ? (int)(ps[k].n == (size_t)-1 ? strlen(ps[k].p) : ps[k].n) : 0;
        fmts[k] = ps[k].binary;
    }
    PGresult *r = PQexecPrepared(db->conn, db->stmts[i].name, n, vals, lens, fmts, 0);
    ExecStatusType t = PQresultStatus(r);
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
        if (PQstatus(db->conn) == CONNECTION_BAD) {
            /* The server went away: reconnect once for the next request
             * (prepared statements are gone with the session). */
            PQreset(db->conn);
            db->n_stmts = 0;
        }
        return pg_fail(db, r, err);
    }
    if (rows) {
        memset(rows, 0, sizeof *rows);
        uint32_t nr = (uint32_t)PQntuples(r), nc = (uint32_t)PQnfields(r);
        rows->n_rows = nr;
        rows->n_cols = nc;
        rows->v = rt_xcalloc((size_t)nr * nc + 1, sizeof *rows->v);
        rows->len = rt_xcalloc((size_t)nr * nc + 1, sizeof *rows->len);
        for (uint32_t a = 0; a < nr; a++)
            for (uint32_t c = 0; c < nc; c++) {
                size_t at = (size_t)a * nc + c;
                if (PQgetisnull(r, (int)a, (int)c)) continue;
                const char *v = PQgetvalue(r, (int)a, (int)c);
                size_t vl = (size_t)PQgetlength(r, (int)a, (int)c);
                if (PQftype(r, (int)c) == 17 && vl >= 2 && v[0] == '\\' && v[1] == 'x') {
                    /* bytea, hex output */
                    size_t bl = (vl - 2) / 2;
                    char *b = rt_xmalloc(bl + 1);
                    for (size_t q = 0; q < bl; q++)
                        b[q] = (char)(hexval((unsigned char)v[2 + 2 * q]) << 4 | hexval((unsigned char)v[3 + 2 * q]));
                    b[bl] = 0;
                    rows->v[at] = b;
                    rows->len[at] = bl;
                } else {
                    rows->v[at] = rt_xstrndup(v, vl);
                    rows->len[at] = vl;
                }
            }
    }
    PQclear(r);
    return 0;
}

int srv_db_exec(srv_db *db, const char *sql, const srv_param *params, int n, srv_rows *rows, rt_error *err)
{
    db->full = 0;
    return db->pg ? pg_exec(db, sql, params, n, rows, err) : lite_exec(db, sql, params, n, rows, err);
}

static int simple(srv_db *db, const char *lite, const char *pg, rt_error *err)
{
    if (db->pg) {
        PGresult *r = PQexec(db->conn, pg);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) return pg_fail(db, r, err);
        PQclear(r);
        return 0;
    }
    char *msg = NULL;
    int rc = sqlite3_exec(db->lite, lite, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        db->full = rc == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR;
        rt_err(err, 2, TR("store error: %s", "lỗi kho dữ liệu: %s"), msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* IMMEDIATE: the write lock is taken at the start, so that a transaction
 * never fails half-way for a concurrent writer (another process). */
int srv_db_begin(srv_db *db, rt_error *err) { return simple(db, "BEGIN IMMEDIATE", "BEGIN", err); }

int srv_db_commit(srv_db *db, rt_error *err)
{
    if (simple(db, "COMMIT", "COMMIT", err)) {
        srv_db_rollback(db);
        return -1;
    }
    return 0;
}

void srv_db_rollback(srv_db *db)
{
    rt_error e;
    int full = db->full;
    if (db->pg) {
        PGresult *r = PQexec(db->conn, "ROLLBACK");
        PQclear(r);
    } else if (!sqlite3_get_autocommit(db->lite)) {
        simple(db, "ROLLBACK", "ROLLBACK", &e);
    }
    db->full = full;
}

/* ---- schema ---------------------------------------------------------------------- */

/*
 * submission: every submission ever received, accepted or rejected, with its
 *   original XML, once per instanceID and content (the same instanceID with
 *   other content is an edit, ODK-style, and a new row); `is_current` marks the report that counts for its form, unit
 *   and period (a later accepted one supersedes it; both stay).
 * account: Argon2id hashes (libsodium's crypto_pwhash_str format).
 * audit: one row per write (submissions, refusals, account changes).
 * outbox: consolidated reports to forward to the tier above.
 */
static const char *const SCHEMA[] = {
    "CREATE TABLE IF NOT EXISTS account ("
    " name TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL, unit TEXT NOT NULL,"
    " rate INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS submission ("
    " seq BIGINT PRIMARY KEY, instance_id TEXT NOT NULL, sha256 TEXT NOT NULL, regime TEXT NOT NULL, form TEXT NOT NULL,"
    " unit TEXT NOT NULL, period TEXT NOT NULL, account TEXT NOT NULL, received TEXT NOT NULL,"
    " status TEXT NOT NULL, is_current INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,"
    " messages TEXT NOT NULL, xml BYTEA NOT NULL, UNIQUE (instance_id, sha256))",
    "CREATE INDEX IF NOT EXISTS submission_key ON submission (form, period, unit, is_current)",
    "CREATE TABLE IF NOT EXISTS audit ("
    " seq BIGINT PRIMARY KEY, at TEXT NOT NULL, account TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outbox ("
    " instance_id TEXT PRIMARY KEY, form TEXT NOT NULL, period TEXT NOT NULL, created TEXT NOT NULL,"
    " state TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL, xml BYTEA NOT NULL)",
};

int srv_schema(srv_db *db, rt_error *err)
{
    for (size_t i = 0; i < sizeof SCHEMA / sizeof *SCHEMA; i++) {
        if (db->pg) {
            PGresult *r = PQexec(db->conn, SCHEMA[i]);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) return pg_fail(db, r, err);
            PQclear(r);
        } else if (simple(db, SCHEMA[i], SCHEMA[i], err)) {
            return -1;
        }
    }
    return 0;
}

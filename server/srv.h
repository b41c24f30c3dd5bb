/*
 * srv.h — internals of `regrt serve`, the reporting server (server/).
 *
 * One process serves one tier's installation: the compiled regimes of a
 * folder, their unit lists and a store (SQLite file or PostgreSQL URL). HTTP
 * is libmicrohttpd's; every request goes through srv_dispatch(), which finds
 * its route in the route tables below, authenticates the caller when the
 * route asks for it, and hands the handler a srv_req. Handlers fill a
 * srv_resp; the dispatcher adds the OpenRosa headers to every response.
 *
 * Adding pages: write a file server/<name>.c with a `const srv_route
 * srv_routes_<name>[]` table ending with a zeroed entry, declare it below and
 * list it in srv_route_tables (serve.c). Handlers run on libmicrohttpd's
 * worker threads; anything touching the store or libregrt takes srv_lock()
 * (the store connection and the runtime's message language are shared).
 */
#ifndef SRV_H
#define SRV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "rt.h"
#include "scan.h"

/* ---- the store ------------------------------------------------------------ */

/*
 * The same SQL runs on both back ends: parameters are written $1, $2...
 * (PostgreSQL's syntax; SQLite takes them as named parameters), values are
 * passed as text or bytes, results come back as text (NULL = SQL NULL).
 */
typedef struct srv_db srv_db;

typedef struct srv_param {
    const char *p; /* NULL = SQL NULL */
    size_t n;      /* bytes; (size_t)-1 = strlen(p) */
    int binary;    /* 1 = BLOB/BYTEA */
} srv_param;

typedef struct srv_rows {
    uint32_t n_rows, n_cols;
    char **v;      /* n_rows * n_cols, NULL for SQL NULL */
    size_t *len;   /* byte lengths */
} srv_rows;

/* "sqlite:PATH", a plain path, or "postgresql://..." / "postgres://...". */
srv_db *srv_db_open(const char *url, rt_error *err);
void srv_db_close(srv_db *db);
int srv_db_is_pg(const srv_db *db);
/* Runs one statement (prepared once and cached by its text). rows may be
 * NULL. Returns 0, or -1 with err (status 2; err->msg the store's message);
 * *disk_full is set when the store ran out of space. */
int srv_db_exec(srv_db *db, const char *sql, const srv_param *params, int n, srv_rows *rows,
                rt_error *err);
int srv_db_begin(srv_db *db, rt_error *err);
int srv_db_commit(srv_db *db, rt_error *err);
void srv_db_rollback(srv_db *db);
/* 1 when the last failure was "disk full" / "no space" (answered 503). */
int srv_db_full(const srv_db *db);
void srv_rows_free(srv_rows *r);
static inline const char *srv_cell(const srv_rows *r, uint32_t row, uint32_t col)
{
    const char *v = r->v[(size_t)row * r->n_cols + col];
    return v ? v : "";
}
/* Creates the tables when missing (idempotent). */
int srv_schema(srv_db *db, rt_error *err);

/* ---- accounts ------------------------------------------------------------- */

typedef enum srv_role { SRV_ROLE_REPORTER = 0, SRV_ROLE_SUPERVISOR, SRV_ROLE_ADMIN } srv_role;

typedef struct srv_account {
    char name[64];
    srv_role role;
    char unit[64];   /* reporter: its unit; supervisor: the root of its subtree ("" = all) */
    int rate;        /* requests per minute; 0 = unlimited */
} srv_account;

const char *srv_role_name(srv_role r);
int srv_role_parse(const char *s, srv_role *r);
/* Argon2id (libsodium crypto_pwhash_str); cost: 0 = standard (19 MiB, 2
 * passes), 1 = interactive, 2 = moderate, -1 = minimum (tests, load runs). */
int srv_hash_password(const char *pw, int cost, char out[128]);

/* ---- the server ----------------------------------------------------------- */

typedef struct srv_regime {
    char *dir;
    rt_regime *rg;
    const rg_regime_desc *desc;
    rt_units *units;
    char *units_path;
    rt_holidays *holidays;
} srv_regime;

typedef struct srv_form_ref {
    srv_regime *reg;   /* set once every regime is loaded */
    int reg_ix;        /* index in srv.regimes */
    int form;          /* index in reg->desc->forms */
    char *xform_path;
    char md5[33];      /* of the XForm file, for the form list */
} srv_form_ref;

struct srv_ratelimit;

typedef struct srv {
    srv_regime *regimes;
    int n_regimes;
    srv_form_ref *forms;
    int n_forms;
    srv_db *db;
    char *spool;           /* scratch folder for submissions being validated */
    size_t max_body;       /* bytes of a request body */
    const char *realm;
    int port;
    pthread_mutex_t mu;    /* store and libregrt */
    uint64_t tmp_seq;
    struct srv_ratelimit *rl;
    /* forwarding to the tier above (forward.c) */
    const char *forward_url, *forward_user;
    char *forward_password;
    int forward_interval; /* seconds between passes */
    volatile int stopping;
    char *base_url;        /* as seen by clients, for downloadUrl */
} srv;

/* A request as a handler sees it. */
typedef struct srv_req {
    srv *s;
    struct MHD_Connection *conn;
    const char *method, *url;
    const srv_account *acct; /* NULL when the route needs no account */
    rt_lang lang;            /* from Accept-Language, vi by default */
    const char *body;        /* the whole body (POST), NUL-terminated */
    size_t body_len;
    /* multipart/form-data: the xml_submission_file part (else NULL) */
    const char *xml;
    size_t xml_len;
} srv_req;

typedef struct srv_resp {
    int status;
    rt_buf body;
    const char *ctype; /* default text/plain; charset=utf-8 */
    char location[256];
    char extra_name[64], extra_value[256]; /* one more header */
} srv_resp;

typedef int (*srv_handler)(srv_req *r, srv_resp *out);

enum { SRV_AUTH_NONE = 0, SRV_AUTH_ANY = 1, SRV_AUTH_SUPERVISOR = 2, SRV_AUTH_ADMIN = 3 };

typedef struct srv_route {
    const char *method; /* "GET" (also serves HEAD), "POST" */
    const char *path;   /* exact, or a prefix when it ends with '/' */
    int auth;           /* SRV_AUTH_* */
    srv_handler fn;
} srv_route;

extern const srv_route srv_routes_openrosa[];
extern const srv_route srv_routes_api[];
extern const srv_route srv_routes_pages[]; /* pages.c: the web pages, /app/ */
extern const srv_route srv_routes_forward[];

void srv_lock(srv *s);
void srv_unlock(srv *s);
/* Query argument of the request, or NULL. */
const char *srv_arg(const srv_req *r, const char *name);
/* An OpenRosaResponse body with one message per line of msg. */
void srv_openrosa_body(srv_resp *o, const char *nature, const char *msg);
/* XML-escapes s into b. */
void srv_buf_xml(rt_buf *b, const char *s, size_t n);
/* Form and unit lookups. */
srv_form_ref *srv_find_form(srv *s, const char *code);
/* 1 when unit `code` is `root` or below it in the regime's tiers. */
int srv_unit_within(const srv_regime *g, const char *code, const char *root);
/* Writes an audit entry (caller holds the lock and a transaction, or not). */
int srv_audit(srv *s, const char *account, const char *action, const char *detail, rt_error *err);
void srv_now(char out[32]);

/* Authentication (auth.c): the account of a Basic Authorization header, or
 * NULL (401/403 filled into *o). */
int srv_authenticate(srv *s, struct MHD_Connection *conn, rt_lang lang, srv_account *acct, srv_resp *o);
#define TRL(l, en, vi) ((l) == RT_LANG_VI ? (vi) : (en))
int srv_rate_ok(srv *s, const srv_account *a);
struct srv_ratelimit *srv_ratelimit_new(void);
void srv_ratelimit_free(struct srv_ratelimit *rl);

/* Submission (submit.c): validates and stores one XML instance. */
int srv_submit(srv *s, const srv_account *acct, rt_lang lang, const char *xml, size_t len,
               srv_resp *o);
/* Writes N bytes to PATH (created 0600, truncated); 0, or -1 with errno. */
int srv_write_file(const char *path, const char *p, size_t n);

/* Forwarding (forward.c). */
int srv_forward_start(srv *s);
void srv_forward_kick(void);
void srv_forward_stop(srv *s);

/* The configuration of a server (regrt serve's options). */
typedef struct srv_config {
    const char *regimes, *store, *bind, *spool, *realm, *base_url;
    const char *units_all;
    char *units_name[16];
    const char *units_file[16];
    char *bind_alloc;
    int n_units_for;
    int port, threads;
    size_t max_body;
    const char *forward_url, *forward_user, *forward_password_file;
    int forward_interval;
    const char *argv0;
    const char *trust;   /* --trust DIR (NULL: $REGIME_TRUST, else the system's) */
    int allow_unsigned;
} srv_config;

struct MHD_Daemon;
int srv_open(srv *s, const srv_config *c, rt_error *err);
struct MHD_Daemon *srv_listen(srv *s, const srv_config *c, rt_error *err);
void srv_close(srv *s, const srv_config *c);

/* MD5 of a file as 32 hex digits (md5.c: the form list's hash). */
int srv_md5_file(const char *path, char out[33]);

/* Entry points from regrt.c. */
int srv_main(int argc, char **argv);
int srv_admin_main(int argc, char **argv);

#endif /* SRV_H */

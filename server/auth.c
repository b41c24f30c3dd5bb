/*
 * auth.c — accounts: Argon2id password hashes, HTTP Basic authentication,
 * per-account rate limits.
 *
 * Why Basic and not Digest: OpenRosa lets a server support either (its
 * Authentication API: "servers MUST support at least one of"); Digest needs
 * the server to keep MD5(user:realm:password), a password equivalent, which
 * the store must not hold. Passwords are kept as Argon2id hashes only, so
 * the server must see the password: Basic, which is safe only over TLS
 * (docs/SERVER.md: behind nginx).
 *
 * Argon2id is deliberately slow (tens of milliseconds). A successful check
 * is remembered for SRV_AUTH_TTL seconds as a keyed BLAKE2b of the password
 * (key random per process), so that a client sending many requests pays it
 * once; a changed password or a disabled account takes effect within that
 * time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "srv.h"

#define SRV_AUTH_TTL 300
#define RL_BUCKETS 16384

typedef struct rl_entry {
    struct rl_entry *next;
    char name[64];
    /* rate limit: a token bucket refilled at `rate` per minute */
    double tokens;
    double last;
    /* remembered credentials */
    unsigned char pwmac[crypto_generichash_BYTES];
    double verified_until;
    srv_account acct;
} rl_entry;

struct srv_ratelimit {
    pthread_mutex_t mu;
    unsigned char key[crypto_generichash_KEYBYTES];
    rl_entry *b[RL_BUCKETS];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct srv_ratelimit *srv_ratelimit_new(void)
{
    struct srv_ratelimit *rl = rt_xcalloc(1, sizeof *rl);
    pthread_mutex_init(&rl->mu, NULL);
    randombytes_buf(rl->key, sizeof rl->key);
    return rl;
}

void srv_ratelimit_free(struct srv_ratelimit *rl)
{
    if (!rl) return;
    for (int i = 0; i < RL_BUCKETS; i++)
        for (rl_entry *e = rl->b[i], *n; e; e = n) {
            n = e->next;
            free(e);
        }
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

/* Caller holds rl->mu. */
static rl_entry *entry(struct srv_ratelimit *rl, const char *name, int create)
{
    uint32_t h = (uint32_t)rt_hash(name, strlen(name)) % RL_BUCKETS;
    for (rl_entry *e = rl->b[h]; e; e = e->next)
        if (!strcmp(e->name, name)) return e;
    if (!create) return NULL;
    rl_entry *e = rt_xcalloc(1, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->tokens = -1;
    e->next = rl->b[h];
    rl->b[h] = e;
    return e;
}

const char *srv_role_name(srv_role r)
{
    return r == SRV_ROLE_ADMIN ? "admin" : r == SRV_ROLE_SUPERVISOR ? "supervisor" : "reporter";
}

int srv_role_parse(const char *s, srv_role *r)
{
    if (!strcmp(s, "reporter")) *r = SRV_ROLE_REPORTER;
    else if (!strcmp(s, "supervisor")) *r = SRV_ROLE_SUPERVISOR;
    else if (!strcmp(s, "admin")) *r = SRV_ROLE_ADMIN;
    else return -1;
    return 0;
}

int srv_hash_password(const char *pw, int cost, char out[128])
{
    /* cost 0, the default: OWASP's minimum for Argon2id (19 MiB, 2 passes),
     * a few times cheaper than libsodium's "interactive" (64 MiB): a server
     * verifies thousands of accounts in a deadline rush. 1 = libsodium's
     * interactive, 2 = moderate, -1 = the minimum (tests and load runs). */
    unsigned long long ops = cost == 2   ? crypto_pwhash_OPSLIMIT_MODERATE
                             : cost == 1 ? crypto_pwhash_OPSLIMIT_INTERACTIVE
                             : cost < 0  ? crypto_pwhash_OPSLIMIT_MIN
                                         : 2;
    size_t mem = cost == 2   ? crypto_pwhash_MEMLIMIT_MODERATE
                 : cost == 1 ? crypto_pwhash_MEMLIMIT_INTERACTIVE
                 : cost < 0  ? 8192
                             : (size_t)19 << 20;
    return crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13);
}

static void deny(srv_resp *o, int status, const char *realm, const char *msg)
{
    o->status = status;
    if (status == 401) {
        snprintf(o->extra_name, sizeof o->extra_name, "WWW-Authenticate");
        snprintf(o->extra_value, sizeof o->extra_value, "Basic realm=\"%s\", charset=\"UTF-8\"", realm);
    }
    srv_openrosa_body(o, "error", msg);
}

int srv_authenticate(srv *s, struct MHD_Connection *conn, rt_lang lang, srv_account *acct, srv_resp *o)
{
    char *pw = NULL;
    char *user = MHD_basic_auth_get_username_password(conn, &pw);
    if (!user) {
        deny(o, 401, s->realm, TRL(lang, "Authentication required: give your account name and password.",
                                  "Cần xác thực: hãy nhập tên tài khoản và mật khẩu."));
        return -1;
    }
    int rc = -1;
    unsigned char mac[crypto_generichash_BYTES];
    struct srv_ratelimit *rl = s->rl;
    crypto_generichash(mac, sizeof mac, (const unsigned char *)(pw ? pw : ""), pw ? strlen(pw) : 0, rl->key,
                       sizeof rl->key);
    double t = now_s();
    if (strlen(user) < sizeof acct->name) {
        pthread_mutex_lock(&rl->mu);
        rl_entry *e = entry(rl, user, 0);
        if (e && e->verified_until > t && !sodium_memcmp(e->pwmac, mac, sizeof mac)) {
            *acct = e->acct;
            rc = 0;
        }
        pthread_mutex_unlock(&rl->mu);
        if (rc) {
            srv_rows rows;
            rt_error err;
            srv_param p[1] = {{user, (size_t)-1, 0}};
            srv_lock(s);
            int q = srv_db_exec(s->db, "SELECT hash, role, unit, rate FROM account WHERE name = $1 AND disabled = 0",
                                p, 1, &rows, &err);
            srv_unlock(s);
            if (q) {
                o->status = 503;
                srv_openrosa_body(o, "error", err.msg);
                free(user);
                free(pw);
                return -1;
            }
            if (rows.n_rows == 1) {
                /* the slow part, outside every lock */
                if (crypto_pwhash_str_verify(srv_cell(&rows, 0, 0), pw ? pw : "", pw ? strlen(pw) : 0) == 0) {
                    memset(acct, 0, sizeof *acct);
                    snprintf(acct->name, sizeof acct->name, "%s", user);
                    srv_role_parse(srv_cell(&rows, 0, 1), &acct->role);
                    snprintf(acct->unit, sizeof acct->unit, "%s", srv_cell(&rows, 0, 2));
                    acct->rate = atoi(srv_cell(&rows, 0, 3));
                    pthread_mutex_lock(&rl->mu);
                    e = entry(rl, user, 1);
                    memcpy(e->pwmac, mac, sizeof mac);
                    e->verified_until = t + SRV_AUTH_TTL;
                    e->acct = *acct;
                    pthread_mutex_unlock(&rl->mu);
                    rc = 0;
                }
            }
            srv_rows_free(&rows);
        }
    }
    if (rc) deny(o, 401, s->realm, TRL(lang, "Wrong account name or password.", "Sai tên tài khoản hoặc mật khẩu."));
    if (pw) sodium_memzero(pw, strlen(pw));
    free(user);
    free(pw);
    return rc;
}

int srv_rate_ok(srv *s, const srv_account *a)
{
    if (a->rate <= 0) return 1;
    struct srv_ratelimit *rl = s->rl;
    double t = now_s();
    pthread_mutex_lock(&rl->mu);
    rl_entry *e = entry(rl, a->name, 1);
    if (e->tokens < 0) {
        e->tokens = a->rate;
        e->last = t;
    }
    e->tokens += (t - e->last) * a->rate / 60.0;
    if (e->tokens > a->rate) e->tokens = a->rate;
    e->last = t;
    int ok = e->tokens >= 1;
    if (ok) e->tokens -= 1;
    pthread_mutex_unlock(&rl->mu);
    return ok;
}

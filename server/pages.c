/*
 * pages.c — the web pages of `regrt serve` (docs/WEB.md), under /app/.
 *
 * Sessions are cookies, not the Basic authentication of the OpenRosa
 * routes: POST /app/login checks the account's Argon2id hash as auth.c does
 * and opens a session (a random token in an HttpOnly, SameSite=Strict
 * cookie; kept in memory, so a restart signs everyone out). Every form and
 * every POST carries a CSRF token: the login form a double-submit cookie,
 * the others the session's token (hidden field, or X-CSRF-Token header).
 * Handlers run under the server's (recursive) lock, as every route's do.
 * The pages themselves are small HTML shells; runtime/web/app.js renders
 * them from JSON (/app/data/...) and from the supervisors' API, reached
 * through /app/api/... with the session's account. The assets are compiled
 * into the binary (web_assets.c, generated from runtime/web/); a regime's
 * WebAssembly kernels are served from <regime dir>/web/ when it was built
 * there (`regc build --target wasm32-unknown-unknown -o DIR/web`).
 */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "srv.h"

/* web_assets.c (generated) */
typedef struct srv_asset {
    const char *name, *ctype;
    const unsigned char *data;
    size_t len;
} srv_asset;
extern const srv_asset srv_web_assets[];

#define SESSION_COOKIE "regime_session"
#define LOGIN_COOKIE "regime_login"
#define N_SESSIONS 4096
#define SESSION_TTL (12 * 3600)

typedef struct session {
    char token[65], csrf[65];
    srv_account acct;
    time_t expires;
} session;

static session sessions[N_SESSIONS];
static pthread_mutex_t sess_mu = PTHREAD_MUTEX_INITIALIZER;

static void random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

static const char *cookie(const srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* The session of the request (copied), or 0. */
static int session_of(const srv_req *r, session *out)
{
    const char *t = cookie(r, SESSION_COOKIE);
    if (!t || strlen(t) != 64) return 0;
    int found = 0;
    time_t now = time(NULL);
    pthread_mutex_lock(&sess_mu);
    for (int i = 0; i < N_SESSIONS; i++)
        if (sessions[i].token[0] && sessions[i].expires > now && !sodium_memcmp(sessions[i].token, t, 64)) {
            *out = sessions[i];
            found = 1;
            break;
        }
    pthread_mutex_unlock(&sess_mu);
    return found;
}

static int session_open(const srv_account *a, session *out)
{
    time_t now = time(NULL);
    int slot = -1;
    pthread_mutex_lock(&sess_mu);
    for (int i = 0; i < N_SESSIONS && slot < 0; i++)
        if (!sessions[i].token[0] || sessions[i].expires <= now) slot = i;
    if (slot >= 0) {
        session *s = &sessions[slot];
        random_hex(s->token);
        random_hex(s->csrf);
        s->acct = *a;
        s->expires = now + SESSION_TTL;
        *out = *s;
    }
    pthread_mutex_unlock(&sess_mu);
    return slot >= 0 ? 0 : -1;
}

static void session_close(const char *token)
{
    pthread_mutex_lock(&sess_mu);
    for (int i = 0; i < N_SESSIONS; i++)
        if (sessions[i].token[0] && !sodium_memcmp(sessions[i].token, token, 64)) sodium_memzero(&sessions[i], sizeof sessions[i]);
    pthread_mutex_unlock(&sess_mu);
}

static rt_lang page_lang(const srv_req *r)
{
    const char *l = cookie(r, "lang");
    return l && !strcmp(l, "en") ? RT_LANG_EN : RT_LANG_VI;
}

static int tok_eq(const char *a, const char *b)
{
    return a && b && strlen(a) == 64 && strlen(b) == 64 && !sodium_memcmp(a, b, 64);
}

/* Value of field `name` of an application/x-www-form-urlencoded body, decoded
 * into out; 0 when absent. */
static int form_field(const srv_req *r, const char *name, char *out, size_t cap)
{
    const char *p = r->body;
    size_t nl = strlen(name);
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') {
            size_t vl = len - nl - 1;
            if (vl >= cap) vl = cap - 1;
            memcpy(out, p + nl + 1, vl);
            out[vl] = 0;
            for (char *q = out; *q; q++)
                if (*q == '+') *q = ' ';
            MHD_http_unescape(out);
            return 1;
        }
        p = amp ? amp + 1 : NULL;
    }
    out[0] = 0;
    return 0;
}

static void set_cookie(srv_resp *o, const char *name, const char *value, int max_age)
{
    snprintf(o->extra_name, sizeof o->extra_name, "Set-Cookie");
    snprintf(o->extra_value, sizeof o->extra_value, "%s=%s; Path=/app; HttpOnly; SameSite=Strict; Max-Age=%d", name,
             value, max_age);
}

static void redirect(srv_resp *o, const char *to)
{
    o->status = 303;
    snprintf(o->location, sizeof o->location, "%s", to);
    o->ctype = "text/plain; charset=utf-8";
}

static void esc(rt_buf *b, const char *s) { srv_buf_xml(b, s ? s : "", s ? strlen(s) : 0); }

static void attr(rt_buf *b, const char *name, const char *value)
{
    rt_buf_printf(b, " data-%s=\"", name);
    esc(b, value);
    rt_buf_ch(b, '"');
}

/* The HTML shell of a page: app.js renders <main id="app"> from the data-*
 * attributes (docs/WEB.md). attrs: name, value pairs, NULL-terminated. */
static void shell(srv_resp *o, rt_lang lang, const char *page, const session *s, const char *const *attrs)
{
    rt_buf *b = &o->body;
    int vi = lang == RT_LANG_VI;
    o->status = 200;
    o->ctype = "text/html; charset=utf-8";
    rt_buf_printf(b, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>%s</title><link rel=\"stylesheet\" href=\"/app/static/app.css\"></head>\n"
                     "<body data-page=\"%s\" data-lang=\"%s\"",
                  vi ? "vi" : "en", vi ? "Báo cáo định kỳ" : "Periodic reports", page, vi ? "vi" : "en");
    if (s) attr(b, "csrf", s->csrf);
    for (int i = 0; attrs && attrs[i]; i += 2) attr(b, attrs[i], attrs[i + 1] ? attrs[i + 1] : "");
    rt_buf_printf(b, ">\n<header class=\"top\"><a class=\"title\" href=\"/app/\">%s</a>",
                  vi ? "Báo cáo định kỳ" : "Periodic reports");
    if (s) {
        rt_buf_str(b, "<span class=\"who\">");
        esc(b, s->acct.name);
        rt_buf_str(b, "</span>");
    }
    rt_buf_printf(b, "<a href=\"#\" id=\"lang-switch\" data-set-lang=\"%s\">%s</a>", vi ? "en" : "vi",
                  vi ? "English" : "Tiếng Việt");
    if (s) {
        rt_buf_str(b, "<form method=\"post\" action=\"/app/logout\"><input type=\"hidden\" name=\"csrf\" value=\"");
        esc(b, s->csrf);
        rt_buf_printf(b, "\"><button class=\"link\" type=\"submit\" id=\"sign-out\">%s</button></form>",
                      vi ? "Đăng xuất" : "Sign out");
    }
    rt_buf_str(b, "</header>\n<main id=\"app\"></main>\n"
                  "<script src=\"/app/static/regime.js\"></script><script src=\"/app/static/app.js\"></script>\n"
                  "</body></html>\n");
}

/* ---- sign in, sign out ---------------------------------------------------------------- */

static void login_form(srv_resp *o, rt_lang lang, const char *error, int status)
{
    int vi = lang == RT_LANG_VI;
    char tok[65];
    random_hex(tok);
    shell(o, lang, "login", NULL, NULL);
    o->status = status;
    /* the form is in the page itself: it works without JavaScript */
    rt_buf b = {0};
    rt_buf_printf(&b, "<main id=\"app\"><form class=\"card login\" method=\"post\" action=\"/app/login\">"
                      "<h1>%s</h1>",
                  vi ? "Đăng nhập" : "Sign in");
    if (error) {
        rt_buf_str(&b, "<p class=\"notice bad\" id=\"login-error\">");
        esc(&b, error);
        rt_buf_str(&b, "</p>");
    }
    rt_buf_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                      "<label for=\"name\">%s</label><input type=\"text\" id=\"name\" name=\"name\" autocomplete=\"username\" required>"
                      "<label for=\"password\">%s</label><input type=\"password\" id=\"password\" name=\"password\" "
                      "autocomplete=\"current-password\" required>"
                      "<div class=\"actions\"><button type=\"submit\" id=\"sign-in\">%s</button></div></form></main>",
                  tok, vi ? "Tài khoản" : "Account", vi ? "Mật khẩu" : "Password", vi ? "Đăng nhập" : "Sign in");
    rt_buf_ch(&b, 0);
    /* put the form in place of the empty <main> */
    rt_buf_ch(&o->body, 0);
    char *m = strstr(o->body.p, "<main id=\"app\"></main>");
    rt_buf out = {0};
    if (m) {
        rt_buf_put(&out, o->body.p, (size_t)(m - o->body.p));
        rt_buf_str(&out, b.p);
        rt_buf_str(&out, m + strlen("<main id=\"app\"></main>"));
        rt_buf_free(&o->body);
        o->body = out;
    } else {
        o->body.n--;
    }
    rt_buf_free(&b);
    set_cookie(o, LOGIN_COOKIE, tok, 3600);
}

static int h_login_get(srv_req *r, srv_resp *o)
{
    session s;
    if (session_of(r, &s)) {
        redirect(o, "/app/");
        return 0;
    }
    login_form(o, page_lang(r), NULL, 200);
    return 0;
}

/* The account of name/password, as auth.c checks it (Argon2id). */
static int check_password(srv *sv, const char *name, const char *pw, srv_account *acct)
{
    srv_rows rows;
    rt_error err;
    srv_param p[1] = {{name, (size_t)-1, 0}};
    srv_lock(sv);
    int q = srv_db_exec(sv->db, "SELECT hash, role, unit, rate FROM account WHERE name = $1 AND disabled = 0", p, 1,
                        &rows, &err);
    srv_unlock(sv);
    if (q) return -2;
    /* the slow Argon2id check outside the server's lock, as auth.c does:
     * handlers are entered holding it once (serve.c) */
    int ok = rows.n_rows == 1 && strlen(name) < sizeof acct->name;
    if (ok) {
        srv_unlock(sv);
        ok = crypto_pwhash_str_verify(srv_cell(&rows, 0, 0), pw, strlen(pw)) == 0;
        srv_lock(sv);
    }
    if (ok) {
        memset(acct, 0, sizeof *acct);
        snprintf(acct->name, sizeof acct->name, "%.63s", name); /* strlen(name) < 64 checked above */
        srv_role_parse(srv_cell(&rows, 0, 1), &acct->role);
        snprintf(acct->unit, sizeof acct->unit, "%s", srv_cell(&rows, 0, 2));
        acct->rate = atoi(srv_cell(&rows, 0, 3));
    }
    srv_rows_free(&rows);
    return ok ? 0 : -1;
}

static int h_login_post(srv_req *r, srv_resp *o)
{
    rt_lang lang = page_lang(r);
    int vi = lang == RT_LANG_VI;
    char name[128], pw[256], csrf[128];
    form_field(r, "name", name, sizeof name);
    form_field(r, "password", pw, sizeof pw);
    form_field(r, "csrf", csrf, sizeof csrf);
    if (!tok_eq(csrf, cookie(r, LOGIN_COOKIE))) {
        login_form(o, lang, vi ? "Phiên đăng nhập đã hết hạn; hãy thử lại." : "The sign-in form expired; try again.", 403);
        return 0;
    }
    srv_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.name, sizeof a.name, "%.63s", name);
    a.rate = 30; /* sign-in attempts per minute and account */
    if (!srv_rate_ok(r->s, &a)) {
        login_form(o, lang, vi ? "Quá nhiều lần thử; hãy đợi một phút." : "Too many attempts; wait a minute.", 429);
        return 0;
    }
    int rc = check_password(r->s, name, pw, &a);
    sodium_memzero(pw, sizeof pw);
    session s;
    if (rc == 0 && session_open(&a, &s) == 0) {
        char detail[160];
        snprintf(detail, sizeof detail, "web sign-in");
        rt_error err;
        srv_lock(r->s);
        srv_audit(r->s, a.name, "login", detail, &err);
        srv_unlock(r->s);
        redirect(o, "/app/");
        set_cookie(o, SESSION_COOKIE, s.token, SESSION_TTL);
        return 0;
    }
    login_form(o, lang,
               rc == -2 ? (vi ? "Máy chủ không đọc được kho dữ liệu." : "The server cannot read its store.")
                        : (vi ? "Sai tên tài khoản hoặc mật khẩu." : "Wrong account name or password."),
               rc == -2 ? 503 : 401);
    return 0;
}

static int h_logout(srv_req *r, srv_resp *o)
{
    session s;
    char csrf[128];
    form_field(r, "csrf", csrf, sizeof csrf);
    if (session_of(r, &s)) {
        if (!tok_eq(csrf, s.csrf)) {
            o->status = 403;
            rt_buf_str(&o->body, "CSRF token missing or wrong\n");
            return 0;
        }
        session_close(s.token);
    }
    redirect(o, "/app/login");
    set_cookie(o, SESSION_COOKIE, "", 0);
    return 0;
}

/* ---- pages ----------------------------------------------------------------------------- */

/* The session, or a redirect to the sign-in page (pages) / 401 (data). */
static int need_session(srv_req *r, srv_resp *o, session *s, int data)
{
    if (session_of(r, s)) {
        r->acct = &s->acct;
        return 1;
    }
    if (data) {
        o->status = 401;
        o->ctype = "application/json";
        rt_buf_str(&o->body, "{\"error\":\"sign in\"}\n");
    } else {
        redirect(o, "/app/login");
    }
    return 0;
}

static int forbidden(srv_resp *o, rt_lang lang)
{
    o->status = 403;
    rt_buf_str(&o->body, lang == RT_LANG_VI ? "Tài khoản này không được phép làm việc đó.\n"
                                            : "This account may not do that.\n");
    return 0;
}

static int h_home(srv_req *r, srv_resp *o)
{
    session s;
    if (!need_session(r, o, &s, 0)) return 0;
    if (s.acct.role != SRV_ROLE_REPORTER) {
        redirect(o, "/app/board");
        return 0;
    }
    const char *attrs[] = {"data", "/app/data/home", NULL};
    shell(o, page_lang(r), "home", &s, attrs);
    return 0;
}

static int64_t today_local(void)
{
    char now[32];
    srv_now(now);
    int64_t day;
    if (rt_date_parse(now, 10, &day)) return 0;
    /* the clock is UTC; Vietnam is UTC+7 */
    if (strlen(now) >= 13 && (now[11] - '0') * 10 + (now[12] - '0') + 7 >= 24) day++;
    return day;
}

static int is_working(const srv_regime *g, int64_t d) { return rt_weekday(d) < 5 && !rt_holidays_is(g->holidays, d); }

/* Working days from a to b: positive when b is later, negative when earlier. */
static int64_t working_between(const srv_regime *g, int64_t a, int64_t b)
{
    int64_t n = 0;
    if (b >= a)
        for (int64_t d = a + 1; d <= b; d++) n += is_working(g, d);
    else
        for (int64_t d = b + 1; d <= a; d++) n -= is_working(g, d);
    return n;
}

/* The deadline of form f for period p (0 when none). */
static int64_t deadline_of(const srv_form_ref *fr, int64_t p)
{
    const rg_regime_desc *d = fr->reg->desc;
    const rg_form *f = &d->forms[fr->form];
    int64_t ws, we;
    if (rt_cutoff_window(d->cutoff, d->cutoff_day, f->frequency, p, &ws, &we)) return 0;
    const rg_deadline *dl = NULL;
    for (uint32_t k = 0; k < d->n_deadlines; k++)
        if (d->deadlines[k].tier == f->unit_tier) dl = &d->deadlines[k];
    return dl ? rt_deadline(we, dl->days, (int)dl->working, fr->reg->holidays) : we;
}

/* The period now due: the earliest whose cut-off window has begun and whose
 * deadline is today or later; else the latest whose window has begun. */
static int64_t period_due(const srv_form_ref *fr, int64_t today)
{
    const rg_regime_desc *d = fr->reg->desc;
    const rg_form *f = &d->forms[fr->form];
    char buf[16];
    int y, m, dd;
    rt_civil_from_days(today, &y, &m, &dd);
    snprintf(buf, sizeof buf, "%04d", y);
    int64_t p0 = rt_period_parse(f->frequency, buf, 4);
    if (f->frequency == RG_F_MONTHLY) p0 = (int64_t)y * 12 + m - 1;
    else if (f->frequency == RG_F_QUARTERLY) p0 = (int64_t)y * 4 + (m - 1) / 3;
    else if (f->frequency == RG_F_HALF_YEARLY) p0 = (int64_t)y * 2 + (m - 1) / 6;
    else p0 = y;
    int64_t last = -1;
    for (int64_t p = p0 - 2; p <= p0 + 2; p++) {
        int64_t ws, we;
        if (rt_cutoff_window(d->cutoff, d->cutoff_day, f->frequency, p, &ws, &we)) continue;
        if (ws > today) continue;
        last = p;
        if (deadline_of(fr, p) >= today) return p;
    }
    return last >= 0 ? last : p0;
}

static void texts_pick(rt_buf *b, const rg_texts *t, rt_lang lang)
{
    const char *want = lang == RT_LANG_VI ? "vi" : "en", *got = "";
    for (uint32_t i = 0; t && i < t->n; i++)
        if (t->items[i].lang && !strcmp(t->items[i].lang, want)) got = t->items[i].text;
    if (!*got)
        for (uint32_t i = 0; t && i < t->n; i++)
            if (t->items[i].lang && !strcmp(t->items[i].lang, "en")) got = t->items[i].text;
    rt_buf_json(b, got, strlen(got));
}

/* The unit's name in the regime of form ref fr ("" when unknown). */
static const char *unit_name(const srv_regime *g, const char *code, int tier)
{
    if (!g->units) return "";
    int32_t u = rt_units_find(g->units, tier, code, strlen(code));
    return u >= 0 ? rt_units_name(g->units, (uint32_t)u) : "";
}

static int h_data_home(srv_req *r, srv_resp *o)
{
    session s;
    if (!need_session(r, o, &s, 1)) return 0;
    rt_lang lang = page_lang(r);
    rt_buf *b = &o->body;
    int64_t today = today_local();
    const char *uname = "";
    rt_buf_str(b, "{\"unit\":");
    rt_buf_json(b, s.acct.unit, strlen(s.acct.unit));
    rt_buf_str(b, ",\"due\":[");
    int n = 0;
    srv_lock(r->s);
    for (int i = 0; i < r->s->n_forms; i++) {
        const srv_form_ref *fr = &r->s->forms[i];
        const rg_form *f = &fr->reg->desc->forms[fr->form];
        if (!fr->reg->units || rt_units_find(fr->reg->units, f->unit_tier, s.acct.unit, strlen(s.acct.unit)) < 0) continue;
        if (!*uname) uname = unit_name(fr->reg, s.acct.unit, f->unit_tier);
        int64_t p = period_due(fr, today), due = deadline_of(fr, p);
        char ps[16], ds[16];
        rt_period_format(f->frequency, p, ps);
        rt_date_format(due, ds);
        srv_param prm[3] = {{f->code, (size_t)-1, 0}, {ps, (size_t)-1, 0}, {s.acct.unit, (size_t)-1, 0}};
        srv_rows rows;
        rt_error err;
        int sub = 0;
        if (!srv_db_exec(r->s->db,
                         "SELECT COUNT(*) FROM submission WHERE form = $1 AND period = $2 AND unit = $3 AND status = 'accepted'",
                         prm, 3, &rows, &err)) {
            sub = rows.n_rows && atoi(srv_cell(&rows, 0, 0)) > 0;
            srv_rows_free(&rows);
        }
        rt_buf_str(b, n++ ? ",{\"form\":" : "{\"form\":");
        rt_buf_json(b, f->code, strlen(f->code));
        rt_buf_str(b, ",\"label\":");
        texts_pick(b, &f->label, lang);
        rt_buf_printf(b, ",\"period\":\"%s\",\"deadline\":\"%s\",\"working_days_left\":%lld,\"submitted\":%s,"
                         "\"url\":\"/app/entry?form=",
                      ps, ds, (long long)working_between(fr->reg, today, due), sub ? "true" : "false");
        rt_buf_str(b, f->code);
        rt_buf_printf(b, "&period=%s\"}", ps);
    }
    rt_buf_str(b, "],\"history\":[");
    srv_param prm[1] = {{s.acct.unit, (size_t)-1, 0}};
    srv_rows rows;
    rt_error err;
    if (!srv_db_exec(r->s->db,
                     "SELECT form, period, received, status, errors, warnings FROM submission WHERE unit = $1 "
                     "ORDER BY seq DESC LIMIT 100",
                     prm, 1, &rows, &err)) {
        for (uint32_t i = 0; i < rows.n_rows; i++) {
            rt_buf_str(b, i ? ",{\"form\":" : "{\"form\":");
            rt_buf_json(b, srv_cell(&rows, i, 0), strlen(srv_cell(&rows, i, 0)));
            rt_buf_str(b, ",\"period\":");
            rt_buf_json(b, srv_cell(&rows, i, 1), strlen(srv_cell(&rows, i, 1)));
            rt_buf_str(b, ",\"received\":");
            rt_buf_json(b, srv_cell(&rows, i, 2), strlen(srv_cell(&rows, i, 2)));
            rt_buf_str(b, ",\"status\":");
            rt_buf_json(b, srv_cell(&rows, i, 3), strlen(srv_cell(&rows, i, 3)));
            rt_buf_printf(b, ",\"errors\":%d,\"warnings\":%d}", atoi(srv_cell(&rows, i, 4)), atoi(srv_cell(&rows, i, 5)));
        }
        srv_rows_free(&rows);
    }
    srv_unlock(r->s);
    rt_buf_str(b, "],\"unit_name\":");
    rt_buf_json(b, uname, strlen(uname));
    rt_buf_str(b, "}\n");
    o->status = 200;
    o->ctype = "application/json";
    return 0;
}

static int h_entry(srv_req *r, srv_resp *o)
{
    session s;
    if (!need_session(r, o, &s, 0)) return 0;
    rt_lang lang = page_lang(r);
    if (s.acct.role != SRV_ROLE_REPORTER) return forbidden(o, lang);
    const char *code = srv_arg(r, "form"), *per = srv_arg(r, "period");
    srv_form_ref *fr = code ? srv_find_form(r->s, code) : NULL;
    if (!fr || !per) {
        o->status = 404;
        rt_buf_str(&o->body, lang == RT_LANG_VI ? "Không có biểu này.\n" : "No such form.\n");
        return 0;
    }
    const rg_form *f = &fr->reg->desc->forms[fr->form];
    int64_t p = rt_period_parse(f->frequency, per, strlen(per));
    if (p < 0) {
        o->status = 400;
        rt_buf_str(&o->body, lang == RT_LANG_VI ? "Kỳ báo cáo sai dạng.\n" : "Malformed period.\n");
        return 0;
    }
    char ps[16], ds[16], desc[256], wasm[256];
    rt_period_format(f->frequency, p, ps);
    rt_date_format(deadline_of(fr, p), ds);
    snprintf(desc, sizeof desc, "/app/static/%s.wasm.json", fr->reg->desc->name);
    snprintf(wasm, sizeof wasm, "/app/static/%s.wasm", fr->reg->desc->name);
    const char *attrs[] = {"desc", desc, "wasm", wasm, "form", f->code, "unit", s.acct.unit, "unit-name",
                           unit_name(fr->reg, s.acct.unit, f->unit_tier), "period", ps, "deadline", ds, "submit",
                           "/app/submit", NULL};
    shell(o, lang, "entry", &s, attrs);
    return 0;
}

/* Turns the OpenRosa answer of srv_submit into the page's JSON: each
 * message line "FILE:LINE: row N (...): SEVERITY RULE: text" becomes
 * {row, rule, severity, message}; a hierarchy's line "hierarchy H (...):
 * SEVERITY RULE: text" too, with row 0; other lines have row 0. */
static void verdict_json(const srv_resp *sub, rt_buf *b)
{
    int ok = sub->status >= 200 && sub->status < 300;
    rt_buf_printf(b, "{\"status\":\"%s\",\"http\":%d,\"messages\":[", ok ? "accepted" : "rejected", sub->status);
    rt_buf text = {0};
    rt_buf_put(&text, sub->body.p ? sub->body.p : "", sub->body.n);
    rt_buf_ch(&text, 0);
    int n = 0, first = 1;
    unsigned errors = 0, warnings = 0;
    for (const char *p = text.p; (p = strstr(p, "<message")) != NULL;) {
        const char *gt = strchr(p, '>'), *end = gt ? strstr(gt, "</message>") : NULL;
        if (!gt || !end) break;
        /* unescape the few entities srv_buf_xml writes */
        rt_buf m = {0};
        for (const char *q = gt + 1; q < end; q++) {
            if (*q == '&') {
                if (!strncmp(q, "&lt;", 4)) rt_buf_ch(&m, '<'), q += 3;
                else if (!strncmp(q, "&gt;", 4)) rt_buf_ch(&m, '>'), q += 3;
                else if (!strncmp(q, "&amp;", 5)) rt_buf_ch(&m, '&'), q += 4;
                else if (!strncmp(q, "&quot;", 6)) rt_buf_ch(&m, '"'), q += 5;
                else rt_buf_ch(&m, *q);
            } else {
                rt_buf_ch(&m, *q);
            }
        }
        rt_buf_ch(&m, 0);
        p = end + 10;
        if (first) { /* the first line is the summary ("Accepted ...") */
            first = 0;
            rt_buf_free(&m);
            continue;
        }
        long row = 0;
        const char *rule = "", *sev = "error", *msg = m.p;
        size_t rule_n = 0;
        const char *rp = strstr(m.p, ": row ");
        if (!rp) rp = strstr(m.p, ": dòng ");
        /* a hierarchy's result belongs to a group of rows, not to one:
         * "hierarchy H (unit ..., period ...): SEVERITY RULE: text", row 0 */
        int group = !rp && (!strncmp(m.p, "hierarchy ", 10) || !strncmp(m.p, "phân cấp ", strlen("phân cấp ")));
        const char *close = rp ? strstr(rp, "): ") : group ? strstr(m.p, "): ") : NULL;
        if ((rp || group) && close) {
            if (rp) row = strtol(strchr(rp + 2, ' ') + 1, NULL, 10);
            const char *s = close + 3, *colon = strstr(s, ": ");
            if (colon) {
                const char *sp = colon;
                while (sp > s && sp[-1] != ' ') sp--;
                rule = sp;
                rule_n = (size_t)(colon - sp);
                sev = !strncmp(s, "warning", 7) || !strncmp(s, "cảnh báo", strlen("cảnh báo")) ? "warning"
                      : !strncmp(s, "error", 5) || !strncmp(s, "lỗi", strlen("lỗi"))         ? "error"
                                                                                             : "info";
                msg = colon + 2;
            }
        }
        if (!strcmp(sev, "error")) errors++;
        else if (!strcmp(sev, "warning")) warnings++;
        rt_buf_printf(b, "%s{\"row\":%ld,\"rule\":", n++ ? "," : "", row);
        rt_buf_json(b, rule, rule_n);
        rt_buf_printf(b, ",\"severity\":\"%s\",\"message\":", sev);
        rt_buf_json(b, msg, strlen(msg));
        rt_buf_ch(b, '}');
        rt_buf_free(&m);
    }
    rt_buf_printf(b, "],\"errors\":%u,\"warnings\":%u}\n", errors, warnings);
    rt_buf_free(&text);
}

static int h_submit(srv_req *r, srv_resp *o)
{
    session s;
    if (!need_session(r, o, &s, 1)) return 0;
    rt_lang lang = page_lang(r);
    const char *tok = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    if (!tok_eq(tok, s.csrf)) {
        o->status = 403;
        o->ctype = "application/json";
        rt_buf_str(&o->body, "{\"status\":\"error\",\"messages\":[{\"row\":0,\"rule\":\"\",\"severity\":\"error\","
                             "\"message\":\"CSRF token missing or wrong\"}]}\n");
        return 0;
    }
    if (s.acct.role != SRV_ROLE_REPORTER) return forbidden(o, lang);
    if (!srv_rate_ok(r->s, &s.acct)) {
        o->status = 429;
        rt_buf_str(&o->body, "{\"status\":\"error\",\"messages\":[]}\n");
        return 0;
    }
    srv_resp sub;
    memset(&sub, 0, sizeof sub);
    srv_submit(r->s, &s.acct, lang, r->body ? r->body : "", r->body_len, &sub);
    verdict_json(&sub, &o->body);
    o->status = sub.status >= 200 && sub.status < 300 ? 200 : sub.status == 503 ? 503 : 400;
    o->ctype = "application/json";
    rt_buf_free(&sub.body);
    return 0;
}

static int h_board(srv_req *r, srv_resp *o)
{
    session s;
    if (!need_session(r, o, &s, 0)) return 0;
    if (s.acct.role == SRV_ROLE_REPORTER) return forbidden(o, page_lang(r));
    const char *attrs[] = {"data", "/app/data/board", "api", "/app/api", NULL};
    shell(o, page_lang(r), "board", &s, attrs);
    return 0;
}

/* The board's frame: forms, the period, deadline, the units of the
 * supervisor's subtree with their group (their ancestor in the tier below
 * the supervisor's unit) and whether their latest report was rejected. */
static int h_data_board(srv_req *r, srv_resp *o)
{
    session s;
    if (!need_session(r, o, &s, 1)) return 0;
    rt_lang lang = page_lang(r);
    if (s.acct.role == SRV_ROLE_REPORTER) return forbidden(o, lang);
    const char *code = srv_arg(r, "form");
    srv_form_ref *fr = code ? srv_find_form(r->s, code) : (r->s->n_forms ? &r->s->forms[0] : NULL);
    if (!fr) {
        o->status = 404;
        rt_buf_str(&o->body, "{\"error\":\"no such form\"}\n");
        return 0;
    }
    const rg_regime_desc *d = fr->reg->desc;
    const rg_form *f = &d->forms[fr->form];
    const char *per = srv_arg(r, "period");
    int64_t today = today_local();
    int64_t p = per ? rt_period_parse(f->frequency, per, strlen(per)) : period_due(fr, today);
    if (p < 0) p = period_due(fr, today);
    char ps[16], ds[16], as[16];
    rt_period_format(f->frequency, p, ps);
    rt_date_format(deadline_of(fr, p), ds);
    rt_date_format(today, as);
    rt_buf *b = &o->body;
    rt_buf_str(b, "{\"form\":");
    rt_buf_json(b, f->code, strlen(f->code));
    rt_buf_str(b, ",\"form_label\":");
    texts_pick(b, &f->label, lang);
    rt_buf_printf(b, ",\"frequency\":\"%s\",\"period\":\"%s\",\"deadline\":\"%s\",\"as_of\":\"%s\",\"forms\":[",
                  rt_freq_name(f->frequency), ps, ds, as);
    for (int i = 0; i < r->s->n_forms; i++) {
        const srv_form_ref *x = &r->s->forms[i];
        const rg_form *xf = &x->reg->desc->forms[x->form];
        rt_buf_str(b, i ? ",{\"code\":" : "{\"code\":");
        rt_buf_json(b, xf->code, strlen(xf->code));
        rt_buf_str(b, ",\"label\":");
        texts_pick(b, &xf->label, lang);
        rt_buf_ch(b, '}');
    }
    /* the tier of the groups: the one below the supervisor's unit */
    const rt_units *u = fr->reg->units;
    const char *root = s.acct.role == SRV_ROLE_SUPERVISOR ? s.acct.unit : "";
    int root_tier = -1;
    for (uint32_t t = 0; u && *root && t < d->n_tiers; t++)
        if (rt_units_find(u, (int)t, root, strlen(root)) >= 0) root_tier = (int)t;
    int group_tier = root_tier + 1;
    if (group_tier >= f->unit_tier) group_tier = -1;
    rt_buf_str(b, "],\"dims\":[");
    for (uint32_t i = 0; i < f->n_dims; i++) {
        if (i) rt_buf_ch(b, ',');
        const char *dc = f->fields[f->dims[i]].code;
        rt_buf_json(b, dc, strlen(dc));
    }
    rt_buf_str(b, "],\"labels\":{");
    for (uint32_t i = 0; i < f->n_fields; i++) {
        if (i) rt_buf_ch(b, ',');
        rt_buf_json(b, f->fields[i].code, strlen(f->fields[i].code));
        rt_buf_ch(b, ':');
        texts_pick(b, &f->fields[i].label, lang);
    }
    for (uint32_t i = 0; i < f->n_outputs; i++) {
        if (f->outputs[i].field >= 0) continue;
        rt_buf_ch(b, ',');
        rt_buf_json(b, f->outputs[i].code, strlen(f->outputs[i].code));
        rt_buf_ch(b, ':');
        texts_pick(b, &f->outputs[i].label, lang);
    }
    rt_buf_ch(b, '}');
    int level = root_tier >= 0 ? root_tier : 0;
    rt_buf_str(b, ",\"level\":");
    rt_buf_json(b, d->tiers[level].name, strlen(d->tiers[level].name));
    rt_buf_str(b, ",\"group_tier_label\":");
    if (group_tier >= 0) texts_pick(b, &d->tiers[group_tier].label, lang);
    else rt_buf_str(b, "\"\"");
    rt_buf_str(b, ",\"group_tier\":");
    if (group_tier >= 0) rt_buf_json(b, d->tiers[group_tier].name, strlen(d->tiers[group_tier].name));
    else rt_buf_str(b, "\"\"");
    /* rejected: units whose reports for the period are all rejected */
    srv_param prm[2] = {{f->code, (size_t)-1, 0}, {ps, (size_t)-1, 0}};
    srv_rows rows;
    rt_error err;
    memset(&rows, 0, sizeof rows);
    srv_lock(r->s);
    int q = srv_db_exec(r->s->db,
                        "SELECT unit, SUM(CASE WHEN status IN ('accepted', 'superseded') THEN 1 ELSE 0 END) FROM "
                        "submission WHERE form = $1 AND period = $2 GROUP BY unit",
                        prm, 2, &rows, &err);
    srv_unlock(r->s);
    rt_buf_str(b, ",\"units\":[");
    rt_buf groups = {0};
    int n = 0, ng = 0;
    uint32_t nu = u ? rt_units_count(u, f->unit_tier) : 0;
    const uint32_t *sorted = u ? rt_units_sorted(u, f->unit_tier) : NULL;
    for (uint32_t k = 0; k < nu; k++) {
        uint32_t g = sorted[k];
        const char *uc = rt_units_code(u, g);
        if (!srv_unit_within(fr->reg, uc, root)) continue;
        const char *gc = "";
        int32_t a = (int32_t)g;
        while (group_tier >= 0 && a >= 0 && rt_units_tier(u, (uint32_t)a) > group_tier) a = rt_units_parent(u, (uint32_t)a);
        if (group_tier >= 0 && a >= 0 && rt_units_tier(u, (uint32_t)a) == group_tier) {
            gc = rt_units_code(u, (uint32_t)a);
            /* a group is listed once, when its first unit is met */
            char key[80];
            snprintf(key, sizeof key, "\"code\":\"%s\"", gc);
            rt_buf_ch(&groups, 0);
            groups.n--;
            if (!groups.p || !strstr(groups.p, key)) {
                rt_buf_str(&groups, ng++ ? ",{\"code\":" : "{\"code\":");
                rt_buf_json(&groups, gc, strlen(gc));
                rt_buf_str(&groups, ",\"name\":");
                const char *gn = rt_units_name(u, (uint32_t)a);
                rt_buf_json(&groups, gn, strlen(gn));
                rt_buf_ch(&groups, '}');
            }
        }
        int rejected = 0;
        for (uint32_t i = 0; !q && i < rows.n_rows; i++)
            if (!strcmp(srv_cell(&rows, i, 0), uc) && atoi(srv_cell(&rows, i, 1)) == 0) rejected = 1;
        rt_buf_str(b, n++ ? ",{\"code\":" : "{\"code\":");
        rt_buf_json(b, uc, strlen(uc));
        rt_buf_str(b, ",\"name\":");
        const char *un = rt_units_name(u, g);
        rt_buf_json(b, un, strlen(un));
        rt_buf_str(b, ",\"group\":");
        rt_buf_json(b, gc, strlen(gc));
        rt_buf_printf(b, ",\"rejected\":%s}", rejected ? "true" : "false");
    }
    if (!q) srv_rows_free(&rows);
    rt_buf_str(b, "],\"groups\":[");
    if (groups.n) rt_buf_put(b, groups.p, groups.n);
    rt_buf_str(b, "]}\n");
    rt_buf_free(&groups);
    o->status = 200;
    o->ctype = "application/json";
    return 0;
}

/* /app/api/X: the supervisors' API (api.c) with the session's account. */
static int h_api(srv_req *r, srv_resp *o)
{
    session s;
    if (!need_session(r, o, &s, 1)) return 0;
    if (s.acct.role == SRV_ROLE_REPORTER) return forbidden(o, page_lang(r));
    const char *path = r->url + strlen("/app");
    for (const srv_route *x = srv_routes_api; x->path; x++) {
        size_t n = strlen(x->path);
        if (strcmp(x->method, "GET")) continue;
        if (x->path[n - 1] == '/' ? strncmp(path, x->path, n) : strcmp(path, x->path)) continue;
        if (x->auth == SRV_AUTH_ADMIN && s.acct.role != SRV_ROLE_ADMIN) return forbidden(o, page_lang(r));
        srv_req sub = *r;
        sub.url = path;
        sub.acct = &s.acct;
        sub.lang = page_lang(r);
        rt_set_lang(sub.lang); /* the dispatcher restores it */
        int rc = x->fn(&sub, o);
        /* a download: name the file */
        const char *fmt = srv_arg(r, "format");
        if (fmt && !strcmp(fmt, "csv") && !o->extra_name[0] && o->status == 200) {
            snprintf(o->extra_name, sizeof o->extra_name, "Content-Disposition");
            snprintf(o->extra_value, sizeof o->extra_value, "attachment; filename=\"%s.csv\"", path + 5);
        }
        return rc;
    }
    o->status = 404;
    rt_buf_str(&o->body, "not found\n");
    return 0;
}

/* ---- assets ----------------------------------------------------------------------------- */

static int h_static(srv_req *r, srv_resp *o)
{
    const char *name = r->url + strlen("/app/static/");
    for (const srv_asset *a = srv_web_assets; a->name; a++)
        if (!strcmp(a->name, name)) {
            o->status = 200;
            o->ctype = a->ctype;
            rt_buf_put(&o->body, a->data, a->len);
            return 0;
        }
    /* <regime>.wasm and <regime>.wasm.json from the regime's web/ folder */
    size_t n = strlen(name);
    int wasm = n > 5 && !strcmp(name + n - 5, ".wasm"), json = n > 10 && !strcmp(name + n - 10, ".wasm.json");
    for (int i = 0; (wasm || json) && i < r->s->n_regimes; i++) {
        const srv_regime *g = &r->s->regimes[i];
        size_t k = strlen(g->desc->name);
        if (strncmp(name, g->desc->name, k) || strcmp(name + k, wasm ? ".wasm" : ".wasm.json")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/web/%s", g->dir, name);
        FILE *f = fopen(path, "rb");
        if (!f) break;
        char buf[65536];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) rt_buf_put(&o->body, buf, got);
        fclose(f);
        o->status = 200;
        o->ctype = wasm ? "application/wasm" : "application/json";
        return 0;
    }
    o->status = 404;
    rt_buf_str(&o->body, "not found\n");
    return 0;
}

static int h_root(srv_req *r, srv_resp *o)
{
    redirect(o, "/app/");
    return 0;
}

const srv_route srv_routes_pages[] = {
    {"GET", "/app/login", SRV_AUTH_NONE, h_login_get},
    {"POST", "/app/login", SRV_AUTH_NONE, h_login_post},
    {"POST", "/app/logout", SRV_AUTH_NONE, h_logout},
    {"GET", "/app/data/home", SRV_AUTH_NONE, h_data_home},
    {"GET", "/app/data/board", SRV_AUTH_NONE, h_data_board},
    {"GET", "/app/entry", SRV_AUTH_NONE, h_entry},
    {"POST", "/app/submit", SRV_AUTH_NONE, h_submit},
    {"GET", "/app/board", SRV_AUTH_NONE, h_board},
    {"GET", "/app/api/", SRV_AUTH_NONE, h_api},
    {"GET", "/app/static/", SRV_AUTH_NONE, h_static},
    {"GET", "/app/", SRV_AUTH_NONE, h_home},
    {"GET", "/app", SRV_AUTH_NONE, h_root},
    {NULL, NULL, 0, NULL},
};

/*
 * serve.c — `regrt serve`: configuration, the libmicrohttpd daemon, request
 * bodies, routing (srv.h), the OpenRosa endpoints.
 *
 * Request life in libmicrohttpd: the access handler is called once with the
 * headers (the route is found, the caller authenticated, the declared size
 * checked: a refusal is answered before the body is read), then with chunks
 * of the body (multipart/form-data goes through libmicrohttpd's post
 * processor; the xml_submission_file part is kept, other parts are counted
 * against the limit and dropped), then once more with no data: the handler
 * runs and the response is queued.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <microhttpd.h>
#include <sodium.h>

#include "srv.h"

/* Routes of other files are listed here (srv.h: "Adding pages"). */
static const srv_route *const srv_route_tables[] = {srv_routes_openrosa, srv_routes_api, srv_routes_forward,
                                                     srv_routes_pages};

void srv_lock(srv *s) { pthread_mutex_lock(&s->mu); }
void srv_unlock(srv *s) { pthread_mutex_unlock(&s->mu); }

void srv_now(char out[32])
{
    /* REGRT_SERVE_NOW=YYYY-MM-DDTHH:MM:SSZ pins the clock (tests of
     * lateness); otherwise the system clock, in UTC. */
    const char *pin = getenv("REGRT_SERVE_NOW");
    if (pin && *pin) {
        snprintf(out, 32, "%s", pin);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void srv_buf_xml(rt_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '<') rt_buf_str(b, "&lt;");
        else if (c == '>') rt_buf_str(b, "&gt;");
        else if (c == '&') rt_buf_str(b, "&amp;");
        else if (c == '"') rt_buf_str(b, "&quot;");
        else rt_buf_ch(b, c);
    }
}

void srv_openrosa_body(srv_resp *o, const char *nature, const char *msg)
{
    o->body.n = 0;
    o->ctype = "text/xml; charset=utf-8";
    rt_buf_str(&o->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">\n");
    const char *p = msg;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            rt_buf_printf(&o->body, "  <message nature=\"%s\">", nature);
            srv_buf_xml(&o->body, p, n);
            rt_buf_str(&o->body, "</message>\n");
        }
        p += n + (nl ? 1 : 0);
    }
    rt_buf_str(&o->body, "</OpenRosaResponse>\n");
}

int srv_audit(srv *s, const char *account, const char *action, const char *detail, rt_error *err)
{
    char at[32];
    srv_now(at);
    srv_param p[4] = {{at, (size_t)-1, 0}, {account, (size_t)-1, 0}, {action, (size_t)-1, 0}, {detail, (size_t)-1, 0}};
    return srv_db_exec(s->db,
                       "INSERT INTO audit (seq, at, account, action, detail) SELECT COALESCE(MAX(seq), 0) + 1, "
                       "CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT) FROM audit",
                       p, 4, NULL, err);
}

srv_form_ref *srv_find_form(srv *s, const char *code)
{
    for (int i = 0; i < s->n_forms; i++)
        if (!strcmp(s->regimes[s->forms[i].reg_ix].desc->forms[s->forms[i].form].code, code)) return &s->forms[i];
    return NULL;
}

int srv_unit_within(const srv_regime *g, const char *code, const char *root)
{
    if (!root || !*root) return 1;
    if (!g->units) return 0;
    for (uint32_t t = 0; t < g->desc->n_tiers; t++) {
        int32_t u = rt_units_find(g->units, (int)t, code, strlen(code));
        for (; u >= 0; u = rt_units_parent(g->units, (uint32_t)u))
            if (!strcmp(rt_units_code(g->units, (uint32_t)u), root)) return 1;
    }
    return 0;
}

/* ---- OpenRosa: form list, form download, submission ----------------------------- */

static void base_url(srv_req *r, rt_buf *b)
{
    if (r->s->base_url) {
        rt_buf_str(b, r->s->base_url);
        return;
    }
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    const char *proto = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
    rt_buf_str(b, proto && !strcmp(proto, "https") ? "https://" : "http://");
    /* a Host header is what the client used; one with odd bytes is not echoed */
    int ok = host && *host && strlen(host) < 200;
    for (const char *p = host; ok && *p; p++)
        if (!(*p == '.' || *p == ':' || *p == '-' || *p == '[' || *p == ']' || (*p >= '0' && *p <= '9') ||
              ((*p | 32) >= 'a' && (*p | 32) <= 'z')))
            ok = 0;
    if (ok) rt_buf_str(b, host);
    else rt_buf_printf(b, "127.0.0.1:%d", r->s->port);
}

static int h_formlist(srv_req *r, srv_resp *o)
{
    const char *only = srv_arg(r, "formID");
    rt_buf *b = &o->body;
    rt_buf_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n");
    for (int i = 0; i < r->s->n_forms; i++) {
        srv_form_ref *fr = &r->s->forms[i];
        const rg_regime_desc *d = fr->reg->desc;
        const rg_form *f = &d->forms[fr->form];
        if (only && strcmp(only, f->code)) continue;
        rt_buf_str(b, "  <xform>\n    <formID>");
        srv_buf_xml(b, f->code, strlen(f->code));
        rt_buf_str(b, "</formID>\n    <name>");
        const char *name = rt_texts_pick(&f->label);
        if (!name || !*name) name = f->code;
        srv_buf_xml(b, name, strlen(name));
        rt_buf_str(b, "</name>\n    <version>");
        const char *v = d->version ? d->version : "";
        srv_buf_xml(b, v, strlen(v));
        rt_buf_printf(b, "</version>\n    <hash>md5:%s</hash>\n    <descriptionText>", fr->md5);
        const char *rl = rt_texts_pick(&d->label);
        srv_buf_xml(b, rl ? rl : "", rl ? strlen(rl) : 0);
        rt_buf_str(b, "</descriptionText>\n    <downloadUrl>");
        base_url(r, b);
        rt_buf_str(b, "/forms/");
        srv_buf_xml(b, f->code, strlen(f->code));
        rt_buf_str(b, ".xml</downloadUrl>\n  </xform>\n");
    }
    rt_buf_str(b, "</xforms>\n");
    o->status = 200;
    o->ctype = "text/xml; charset=utf-8";
    return 0;
}

static int h_form(srv_req *r, srv_resp *o)
{
    const char *name = r->url + strlen("/forms/");
    size_t n = strlen(name);
    char code[128];
    if (n > 4 && n - 4 < sizeof code && !strcmp(name + n - 4, ".xml")) {
        memcpy(code, name, n - 4);
        code[n - 4] = 0;
        srv_form_ref *fr = srv_find_form(r->s, code);
        if (fr) {
            int fd = open(fr->xform_path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                char tmp[65536];
                ssize_t k;
                while ((k = read(fd, tmp, sizeof tmp)) > 0) rt_buf_put(&o->body, tmp, (size_t)k);
                close(fd);
                o->status = 200;
                o->ctype = "text/xml; charset=utf-8";
                return 0;
            }
        }
    }
    o->status = 404;
    srv_openrosa_body(o, "error", TR("No such form on this server; see /formList.", "Không có biểu này trên máy chủ; xem /formList."));
    return 0;
}

static int h_submission_head(srv_req *r, srv_resp *o)
{
    /* OpenRosa: a HEAD (or a GET without body) answers 204 with the largest
     * body accepted; clients use it to find authentication first. */
    o->status = 204;
    snprintf(o->extra_name, sizeof o->extra_name, "X-OpenRosa-Accept-Content-Length");
    snprintf(o->extra_value, sizeof o->extra_value, "%zu", r->s->max_body);
    return 0;
}

static int h_submission(srv_req *r, srv_resp *o)
{
    if (!r->xml) {
        o->status = 400;
        srv_openrosa_body(o, "error",
                          TR("The request holds no xml_submission_file part: send the instance as multipart/form-data with a part named xml_submission_file.",
                             "Yêu cầu không có phần xml_submission_file: hãy gửi bản nộp dạng multipart/form-data với phần tên xml_submission_file."));
        return 0;
    }
    return srv_submit(r->s, r->acct, r->lang, r->xml, r->xml_len, o);
}

const srv_route srv_routes_openrosa[] = {
    {"GET", "/formList", SRV_AUTH_ANY, h_formlist},
    {"GET", "/forms/", SRV_AUTH_ANY, h_form},
    {"HEAD", "/submission", SRV_AUTH_ANY, h_submission_head},
    {"GET", "/submission", SRV_AUTH_ANY, h_submission_head},
    {"POST", "/submission", SRV_AUTH_ANY, h_submission},
    {NULL, NULL, 0, NULL},
};

/* ---- requests --------------------------------------------------------------------- */

typedef struct conn_state {
    const srv_route *route;
    srv_account acct;
    int have_acct;
    struct MHD_PostProcessor *pp;
    rt_buf body;      /* raw body (not multipart) */
    rt_buf xml;       /* xml_submission_file */
    int have_xml;
    size_t seen;      /* body bytes received */
    int too_big;
    srv_resp early;   /* an answer decided before the body */
    int answered;
} conn_state;

const char *srv_arg(const srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static rt_lang pick_lang(struct MHD_Connection *c)
{
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    /* the first of vi or en named, in the client's order; vi by default */
    for (const char *p = al; p && *p;) {
        while (*p == ' ' || *p == ',') p++;
        if (!strncasecmp(p, "vi", 2) && (p[2] == 0 || p[2] == '-' || p[2] == ',' || p[2] == ';' || p[2] == ' '))
            return RT_LANG_VI;
        if (!strncasecmp(p, "en", 2) && (p[2] == 0 || p[2] == '-' || p[2] == ',' || p[2] == ';' || p[2] == ' '))
            return RT_LANG_EN;
        const char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
    }
    return RT_LANG_VI;
}

static enum MHD_Result send_resp(srv *s, struct MHD_Connection *c, srv_resp *o, rt_lang lang)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(o->body.n, o->body.n ? o->body.p : NULL, MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "X-OpenRosa-Version", "1.0");
    MHD_add_response_header(resp, "Content-Language", lang == RT_LANG_VI ? "vi" : "en");
    if (o->status != 204)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, o->ctype ? o->ctype : "text/plain; charset=utf-8");
    if (o->location[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, o->location);
    if (o->extra_name[0]) MHD_add_response_header(resp, o->extra_name, o->extra_value);
    if (o->status != 204 && o->status != 401 && !o->extra_name[0]) {
        char v[32];
        snprintf(v, sizeof v, "%zu", s->max_body);
        MHD_add_response_header(resp, "X-OpenRosa-Accept-Content-Length", v);
    }
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result r = MHD_queue_response(c, (unsigned)o->status, resp);
    MHD_destroy_response(resp);
    return r;
}

static const srv_route *find_route(const char *method, const char *url)
{
    for (size_t t = 0; t < sizeof srv_route_tables / sizeof *srv_route_tables; t++)
        for (const srv_route *r = srv_route_tables[t]; r->path; r++) {
            if (strcmp(r->method, method)) continue;
            size_t n = strlen(r->path);
            if (r->path[n - 1] == '/' ? !strncmp(url, r->path, n) : !strcmp(url, r->path)) return r;
        }
    return NULL;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                               const char *ctype, const char *enc, const char *data, uint64_t off, size_t size)
{
    conn_state *cs = cls;
    (void)kind, (void)filename, (void)ctype, (void)enc, (void)off;
    if (key && !strcmp(key, "xml_submission_file")) {
        if (cs->have_xml == 2) return MHD_YES; /* a second part of that name: ignored */
        cs->have_xml = 1;
        rt_buf_put(&cs->xml, data, size);
    } else if (cs->have_xml == 1) {
        cs->have_xml = 2;
    }
    return MHD_YES;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    conn_state *cs = *con_cls;
    if (!cs) return;
    if (cs->pp) MHD_destroy_post_processor(cs->pp);
    rt_buf_free(&cs->body);
    rt_buf_free(&cs->xml);
    rt_buf_free(&cs->early.body);
    free(cs);
    *con_cls = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    srv *s = cls;
    (void)version;
    conn_state *cs = *con_cls;
    rt_lang lang = pick_lang(c);
    if (!cs) {
        cs = rt_xcalloc(1, sizeof *cs);
        *con_cls = cs;
        const char *m = !strcmp(method, "HEAD") ? "HEAD" : method;
        cs->route = find_route(m, url);
        if (!cs->route && !strcmp(method, "HEAD")) cs->route = find_route("GET", url);
        if (!cs->route) {
            cs->early.status = find_route("GET", url) || find_route("POST", url) ? 405 : 404;
            srv_openrosa_body(&cs->early, "error", cs->early.status == 404 ? TRL(lang, "Not found.", "Không tìm thấy.")
                                                                            : TRL(lang, "Method not allowed.", "Phương thức không được phép."));
            cs->answered = 1;
            return MHD_YES;
        }
        /* OpenRosa's size limit, before reading any of the body */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > s->max_body) {
            cs->early.status = 413;
            char msg[256];
            snprintf(msg, sizeof msg, TRL(lang, "The request is larger than %zu bytes.", "Yêu cầu lớn hơn %zu byte."), s->max_body);
            srv_openrosa_body(&cs->early, "error", msg);
            cs->answered = 1;
            return MHD_YES;
        }
        if (cs->route->auth != SRV_AUTH_NONE) {
            if (srv_authenticate(s, c, lang, &cs->acct, &cs->early)) {
                cs->answered = 1;
                return MHD_YES;
            }
            cs->have_acct = 1;
            int need = cs->route->auth;
            if ((need == SRV_AUTH_SUPERVISOR && cs->acct.role == SRV_ROLE_REPORTER) ||
                (need == SRV_AUTH_ADMIN && cs->acct.role != SRV_ROLE_ADMIN)) {
                cs->early.status = 403;
                srv_openrosa_body(&cs->early, "error", TRL(lang, "This account may not do that.", "Tài khoản này không được phép làm việc đó."));
                cs->answered = 1;
                return MHD_YES;
            }
            if (!srv_rate_ok(s, &cs->acct)) {
                cs->early.status = 429;
                snprintf(cs->early.extra_name, sizeof cs->early.extra_name, "Retry-After");
                snprintf(cs->early.extra_value, sizeof cs->early.extra_value, "60");
                srv_openrosa_body(&cs->early, "error", TRL(lang, "Too many requests from this account; wait a minute.",
                                                          "Tài khoản này gửi quá nhiều yêu cầu; hãy đợi một phút."));
                cs->answered = 1;
                return MHD_YES;
            }
        }
        if (!strcmp(method, "POST")) {
            const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
            if (ct && !strncasecmp(ct, "multipart/form-data", 19)) {
                cs->pp = MHD_create_post_processor(c, 65536, on_part, cs);
                if (!cs->pp) {
                    cs->early.status = 400;
                    srv_openrosa_body(&cs->early, "error", TRL(lang, "Malformed multipart/form-data request (no boundary).",
                                                              "Yêu cầu multipart/form-data sai dạng (không có boundary)."));
                    cs->answered = 1;
                }
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        /* body chunks: counted against the limit (chunked bodies declare no length) */
        cs->seen += *upload_size;
        if (cs->seen > s->max_body) cs->too_big = 1;
        if (!cs->answered && !cs->too_big) {
            if (cs->pp) {
                if (MHD_post_process(cs->pp, upload, *upload_size) != MHD_YES) {
                    cs->early.status = 400;
                    srv_openrosa_body(&cs->early, "error", TRL(lang, "Malformed multipart/form-data body.",
                                                              "Nội dung multipart/form-data sai dạng."));
                    cs->answered = 1;
                }
            } else {
                rt_buf_put(&cs->body, upload, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    srv_resp o;
    memset(&o, 0, sizeof o);
    if (cs->answered) {
        enum MHD_Result r = send_resp(s, c, &cs->early, lang);
        return r;
    }
    if (cs->too_big) {
        o.status = 413;
        char msg[256];
        snprintf(msg, sizeof msg, TRL(lang, "The request is larger than %zu bytes.", "Yêu cầu lớn hơn %zu byte."), s->max_body);
        srv_openrosa_body(&o, "error", msg);
    } else {
        srv_req r;
        memset(&r, 0, sizeof r);
        r.s = s;
        r.conn = c;
        r.method = method;
        r.url = url;
        r.acct = cs->have_acct ? &cs->acct : NULL;
        r.lang = lang;
        rt_buf_ch(&cs->body, 0);
        r.body = cs->body.p;
        r.body_len = cs->body.n - 1;
        if (cs->have_xml) {
            rt_buf_ch(&cs->xml, 0);
            r.xml = cs->xml.p;
            r.xml_len = cs->xml.n - 1;
        }
        o.status = 500;
        /* handlers run one at a time: the store connection and libregrt's
         * message language are shared (the lock is recursive) */
        srv_lock(s);
        rt_lang saved = rt_get_lang();
        rt_set_lang(lang);
        cs->route->fn(&r, &o);
        rt_set_lang(saved);
        srv_unlock(s);
    }
    enum MHD_Result res = send_resp(s, c, &o, lang);
    rt_buf_free(&o.body);
    return res;
}

/* ---- configuration ------------------------------------------------------------------ */

static int has_so(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 3 && !strcmp(e->d_name + n - 3, ".so") && e->d_name[0] != '.') found = 1;
    }
    closedir(d);
    return found;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* OpenRosa's form list hash is MD5 of the form file; libsodium has no MD5,
 * so a small one is used (md5.c). */
static int md5_file(const char *path, char out[33]) { return srv_md5_file(path, out); }


static const char *units_of(const srv_config *so, const char *regime)
{
    for (int i = 0; i < so->n_units_for; i++)
        if (!strcmp(so->units_name[i], regime)) return so->units_file[i];
    return so->units_all;
}

static int load_regime(srv *s, const srv_config *so, const char *dir, rt_error *err)
{
    rt_regime *rg = rt_regime_open(dir, err);
    if (!rg) return -1;
    s->regimes = rt_xrealloc(s->regimes, (size_t)(s->n_regimes + 1) * sizeof *s->regimes);
    srv_regime *g = &s->regimes[s->n_regimes++];
    memset(g, 0, sizeof *g);
    g->dir = rt_xstrndup(dir, strlen(dir));
    g->rg = rg;
    g->desc = rt_regime_desc(rg);
    const char *up = units_of(so, g->desc->name);
    if (!up) {
        rt_err(err, 2, TR("no unit list for regime '%s': add --units FILE or --units %s=FILE",
                          "chưa có danh sách đơn vị cho chế độ '%s': thêm --units TỆP hoặc --units %s=TỆP"),
               g->desc->name, g->desc->name);
        return -1;
    }
    g->units_path = rt_xstrndup(up, strlen(up));
    g->units = rt_units_load(g->desc, up, err);
    if (!g->units) return -1;
    rt_opts o;
    memset(&o, 0, sizeof o);
    o.argv0 = so->argv0;
    o.lib = dir;
    char *hp = NULL;
    g->holidays = rt_holidays_for(&o, g->desc, &hp, err);
    free(hp);
    if (!g->holidays) return -1;
    for (uint32_t f = 0; f < g->desc->n_forms; f++) {
        const char *code = g->desc->forms[f].code;
        if (srv_find_form(s, code)) {
            rt_err(err, 2, TR("form '%s' is in two regimes of %s; OpenRosa form ids must be unique on a server",
                              "biểu '%s' có trong hai chế độ của %s; mã biểu OpenRosa phải là duy nhất trên một máy chủ"),
                   code, so->regimes);
            return -1;
        }
        s->forms = rt_xrealloc(s->forms, (size_t)(s->n_forms + 1) * sizeof *s->forms);
        srv_form_ref *fr = &s->forms[s->n_forms++];
        memset(fr, 0, sizeof *fr);
        fr->reg_ix = s->n_regimes - 1;
        fr->form = (int)f;
        size_t n = strlen(dir) + strlen(code) + 32;
        fr->xform_path = rt_xmalloc(n);
        snprintf(fr->xform_path, n, "%s/forms/%s.xform.xml", dir, code);
        if (md5_file(fr->xform_path, fr->md5)) {
            rt_err(err, 2, TR("cannot read the XForm '%s' (written by regc build): %s",
                              "không đọc được XForm '%s' (do regc build ghi): %s"),
                   fr->xform_path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int load_regimes(srv *s, const srv_config *so, rt_error *err)
{
    if (has_so(so->regimes)) return load_regime(s, so, so->regimes, err);
    DIR *d = opendir(so->regimes);
    if (!d) {
        rt_err(err, 2, TR("cannot open the regimes folder '%s': %s", "không mở được thư mục chế độ '%s': %s"),
               so->regimes, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(so->regimes) + strlen(e->d_name) + 2;
        char *p = rt_xmalloc(len);
        snprintf(p, len, "%s/%s", so->regimes, e->d_name);
        if (has_so(p)) {
            names = rt_xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = p;
        } else {
            free(p);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc && load_regime(s, so, names[i], err)) rc = -1;
        free(names[i]);
    }
    free(names);
    if (!rc && s->n_regimes == 0) {
        rt_err(err, 2, TR("no compiled regime in '%s': give a folder written by 'regc build', or a folder of such folders",
                          "không có chế độ đã biên dịch trong '%s': hãy chỉ thư mục do 'regc build' ghi, hoặc thư mục chứa các thư mục đó"),
               so->regimes);
        rc = -1;
    }
    return rc;
}

static void usage(FILE *f)
{
    fputs(TR("Usage: regrt serve --regimes DIR --units FILE [--units REGIME=FILE]... [options]\n"
             "\n"
             "Serves the compiled regimes of DIR (a folder written by 'regc build', or a folder of\n"
             "such folders) over OpenRosa: /formList, /forms/FORM.xml, /submission; every\n"
             "submission is validated on arrival and stored, accepted or rejected.\n"
             "\n"
             "Options:\n"
             "  --store URL          sqlite:PATH or PATH (default serve.db), or postgresql://...\n"
             "  --listen [ADDR:]PORT where to listen (default 127.0.0.1:8080; port 0 = any free port)\n"
             "  --max-body BYTES     largest request accepted (default 10485760)\n"
             "  --threads N          worker threads (default 4)\n"
             "  --spool DIR          scratch folder for submissions being checked\n"
             "  --base-url URL       the server's address as clients see it (downloadUrl)\n"
             "  --realm NAME         authentication realm (default Regime)\n"
             "  --trust DIR          trusted public keys of the regimes (default $REGIME_TRUST, else\n"
             "                       /etc/regime/trusted); --allow-unsigned: load unsigned ones anyway\n"
             "  --forward-to URL     the server of the tier above (forwarding, docs/SERVER.md)\n"
             "  --forward-user NAME --forward-password-file FILE   its account\n"
             "  --lang vi|en         language of the server's own log\n"
             "Accounts: 'regrt serve-admin --help'. See docs/SERVER.md.\n",
             "Cách dùng: regrt serve --regimes THƯ_MỤC --units TỆP [--units CHẾ_ĐỘ=TỆP]... [tùy chọn]\n"
             "\n"
             "Phục vụ các chế độ báo cáo đã biên dịch qua OpenRosa: /formList, /forms/BIỂU.xml,\n"
             "/submission; mỗi bản nộp được kiểm tra khi đến và được lưu, chấp nhận hay từ chối.\n"
             "\n"
             "Tùy chọn:\n"
             "  --store URL          sqlite:ĐƯỜNG_DẪN hoặc ĐƯỜNG_DẪN (mặc định serve.db), hoặc postgresql://...\n"
             "  --listen [ĐC:]CỔNG   nơi lắng nghe (mặc định 127.0.0.1:8080; cổng 0 = cổng trống bất kỳ)\n"
             "  --max-body BYTE      yêu cầu lớn nhất được nhận (mặc định 10485760)\n"
             "  --threads N          số luồng xử lý (mặc định 4)\n"
             "  --spool THƯ_MỤC      thư mục tạm cho bản nộp đang kiểm tra\n"
             "  --base-url URL       địa chỉ máy chủ như máy khách thấy (downloadUrl)\n"
             "  --realm TÊN          realm xác thực (mặc định Regime)\n"
             "  --trust THƯ_MỤC      khóa công khai tin cậy của các chế độ (mặc định $REGIME_TRUST, nếu\n"
             "                       không /etc/regime/trusted); --allow-unsigned: vẫn nạp bản chưa ký\n"
             "  --forward-to URL     máy chủ cấp trên (chuyển tiếp, docs/SERVER.md)\n"
             "  --forward-user TÊN --forward-password-file TỆP   tài khoản ở đó\n"
             "Tài khoản: 'regrt serve-admin --help'. Xem docs/SERVER.md.\n"),
          f);
}

static int opt(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n)) return 0;
    if (argv[*i][n] == '=') {
        *out = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n]) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, TR("regrt serve: option %s needs a value\n", "regrt serve: tùy chọn %s cần một giá trị\n"), name);
        exit(2);
    }
    *out = argv[++*i];
    return 1;
}

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

/* Loads the regimes and units, opens the store, makes the spool folder. */
int srv_open(srv *s, const srv_config *so, rt_error *err)
{
    memset(s, 0, sizeof *s);
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&s->mu, &ma);
    pthread_mutexattr_destroy(&ma);
    s->max_body = so->max_body;
    s->realm = so->realm;
    s->base_url = so->base_url ? rt_xstrndup(so->base_url, strlen(so->base_url)) : NULL;
    if (load_regimes(s, so, err)) return -1;
    for (int i = 0; i < s->n_forms; i++) s->forms[i].reg = &s->regimes[s->forms[i].reg_ix];
    s->db = srv_db_open(so->store, err);
    if (!s->db || srv_schema(s->db, err)) return -1;
    if (so->spool) {
        s->spool = rt_xstrndup(so->spool, strlen(so->spool));
        mkdir(s->spool, 0700);
    } else {
        char tmpl[] = "/tmp/regrt-serve-XXXXXX";
        if (!mkdtemp(tmpl)) {
            rt_err(err, 2, "cannot create a spool folder in /tmp: %s", strerror(errno));
            return -1;
        }
        s->spool = rt_xstrndup(tmpl, strlen(tmpl));
    }
    s->rl = srv_ratelimit_new();
    if (so->forward_url) {
        s->forward_url = so->forward_url;
        s->forward_user = so->forward_user;
        if (so->forward_password_file) {
            FILE *pf = fopen(so->forward_password_file, "r");
            char line[256] = "";
            if (!pf || !fgets(line, sizeof line, pf)) {
                rt_err(err, 2, TR("cannot read --forward-password-file %s", "không đọc được --forward-password-file %s"),
                       so->forward_password_file);
                if (pf) fclose(pf);
                return -1;
            }
            fclose(pf);
            line[strcspn(line, "\r\n")] = 0;
            s->forward_password = rt_xstrndup(line, strlen(line));
        }
        s->forward_interval = so->forward_interval;
    }
    return 0;
}

/* Starts libmicrohttpd on so->bind:so->port (s->port is then the port). */
struct MHD_Daemon *srv_listen(srv *s, const srv_config *so, rt_error *err)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)so->port);
    if (inet_pton(AF_INET, so->bind, &sa.sin_addr) != 1) {
        rt_err(err, 2, TR("--listen: '%s' is not an IPv4 address", "--listen: '%s' không phải địa chỉ IPv4"), so->bind);
        return NULL;
    }
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL, (uint16_t)so->port, NULL,
                         NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)so->threads, MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
                         MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_CONNECTION_LIMIT, 2000u,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024), MHD_OPTION_END);
    if (!d) {
        rt_err(err, 2, TR("cannot listen on %s:%d: %s", "không lắng nghe được trên %s:%d: %s"), so->bind, so->port,
               strerror(errno));
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : so->port;
    return d;
}

void srv_close(srv *s, const srv_config *so)
{
    srv_db_close(s->db);
    srv_ratelimit_free(s->rl);
    for (int i = 0; i < s->n_regimes; i++) {
        rt_units_free(s->regimes[i].units);
        rt_holidays_free(s->regimes[i].holidays);
        rt_regime_close(s->regimes[i].rg);
        free(s->regimes[i].dir);
        free(s->regimes[i].units_path);
    }
    for (int i = 0; i < s->n_forms; i++) free(s->forms[i].xform_path);
    free(s->forms);
    free(s->regimes);
    if (s->spool && !so->spool) rmdir(s->spool);
    free(s->spool);
    free(s->base_url);
    free(s->forward_password);
    pthread_mutex_destroy(&s->mu);
    memset(s, 0, sizeof *s);
}

int srv_main(int argc, char **argv)
{
    srv_config so;
    memset(&so, 0, sizeof so);
    so.store = "serve.db";
    so.bind = "127.0.0.1";
    so.port = 8080;
    so.threads = 4;
    so.max_body = 10u << 20;
    so.realm = "Regime";
    so.forward_interval = 5;
    so.argv0 = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (opt(argc, argv, &i, "--regimes", &so.regimes)) {
        } else if (opt(argc, argv, &i, "--store", &so.store)) {
        } else if (opt(argc, argv, &i, "--spool", &so.spool)) {
        } else if (opt(argc, argv, &i, "--realm", &so.realm)) {
        } else if (opt(argc, argv, &i, "--base-url", &so.base_url)) {
        } else if (opt(argc, argv, &i, "--forward-to", &so.forward_url)) {
        } else if (opt(argc, argv, &i, "--forward-user", &so.forward_user)) {
        } else if (opt(argc, argv, &i, "--forward-password-file", &so.forward_password_file)) {
        } else if (opt(argc, argv, &i, "--trust", &so.trust)) {
        } else if (!strcmp(argv[i], "--allow-unsigned")) {
            so.allow_unsigned = 1;
        } else if (opt(argc, argv, &i, "--lang", &v)) {
        } else if (opt(argc, argv, &i, "--units", &v)) {
            const char *eq = strchr(v, '=');
            if (eq && so.n_units_for < 16) {
                so.units_name[so.n_units_for] = rt_xstrndup(v, (size_t)(eq - v));
                so.units_file[so.n_units_for] = eq + 1;
                so.n_units_for++;
            } else {
                so.units_all = v;
            }
        } else if (opt(argc, argv, &i, "--listen", &v)) {
            const char *colon = strrchr(v, ':');
            char *end;
            long p = strtol(colon ? colon + 1 : v, &end, 10);
            if (*end || p < 0 || p > 65535) {
                fprintf(stderr, TR("regrt serve: --listen %s: give [ADDRESS:]PORT\n", "regrt serve: --listen %s: hãy cho [ĐỊA_CHỈ:]CỔNG\n"), v);
                return 2;
            }
            so.port = (int)p;
            if (colon) {
                free(so.bind_alloc);
                so.bind = so.bind_alloc = rt_xstrndup(v, (size_t)(colon - v));
            }
        } else if (opt(argc, argv, &i, "--max-body", &v)) {
            char *end;
            unsigned long long n = strtoull(v, &end, 10);
            if (*end || n < 1024) {
                fprintf(stderr, TR("regrt serve: --max-body %s: give a number of bytes >= 1024\n",
                                   "regrt serve: --max-body %s: hãy cho số byte >= 1024\n"), v);
                return 2;
            }
            so.max_body = (size_t)n;
        } else if (opt(argc, argv, &i, "--threads", &v)) {
            so.threads = atoi(v);
            if (so.threads < 1 || so.threads > 64) {
                fprintf(stderr, TR("regrt serve: --threads %s: give 1 to 64\n", "regrt serve: --threads %s: hãy cho 1 đến 64\n"), v);
                return 2;
            }
        } else {
            fprintf(stderr, TR("regrt serve: unknown option '%s'\nTry 'regrt serve --help'.\n",
                               "regrt serve: tùy chọn không hợp lệ '%s'\nXem 'regrt serve --help'.\n"), argv[i]);
            return 2;
        }
    }
    if (!so.regimes) {
        fprintf(stderr, TR("regrt serve: missing --regimes DIR\nTry 'regrt serve --help'.\n",
                           "regrt serve: thiếu --regimes THƯ_MỤC\nXem 'regrt serve --help'.\n"));
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "regrt serve: libsodium cannot start\n");
        return 2;
    }
    /* the regimes load only when signed by a trusted key (docs/DISTRIBUTION.md) */
    rt_trust_configure(so.trust, so.allow_unsigned ? 1 : -1);
    srv s;
    rt_error err;
    memset(&err, 0, sizeof err);
    int rc = 2;
    struct MHD_Daemon *d = NULL;
    if (srv_open(&s, &so, &err)) goto out;
    d = srv_listen(&s, &so, &err);
    if (!d) goto out;
    if (s.forward_url && srv_forward_start(&s)) goto out;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("regrt serve: %d regime(s), %d form(s), store %s, listening on http://%s:%d\n", s.n_regimes, s.n_forms,
           srv_db_is_pg(s.db) ? "postgresql" : "sqlite", so.bind, s.port);
    fflush(stdout);
    while (!g_stop) pause();
    s.stopping = 1;
    if (s.forward_url) srv_forward_stop(&s);
    rc = 0;
out:
    if (d) MHD_stop_daemon(d);
    if (rc && err.msg[0]) fprintf(stderr, "regrt serve: %s\n", err.msg);
    srv_close(&s, &so);
    for (int i = 0; i < so.n_units_for; i++) free(so.units_name[i]);
    free(so.bind_alloc);
    return rc;
}


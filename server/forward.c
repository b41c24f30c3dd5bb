/*
 * forward.c — tiers connected: a province's server sends its report for a
 * period to the server of the tier above, as ordinary OpenRosa submissions.
 *
 * What travels: the province's accepted reports themselves (the current
 * accepted document of every unit of its subtree for the period), not
 * figures computed from them. The national server validates each one again
 * with the same compiled regime and consolidates them with the same code, so
 * a national figure can always be traced to the documents behind it; it sees
 * the province as the reporting unit of the batch (the province's account
 * there is a supervisor of its subtree), with the province's deadline
 * (`/api/status?tier=province`).
 *
 * Reliability: `POST /api/forward?form=F&period=P` writes the documents to
 * the outbox table (keyed by their SHA-256: forwarding twice queues nothing
 * new) in one transaction; a thread sends pending rows one by one with
 * libcurl. 201 and 202 (a duplicate at the other end) mark a row sent; 400,
 * 403 and 413 mark it refused, with the answer kept; anything else (no
 * connection, 5xx, 429) leaves it pending and the thread waits, doubling the
 * wait up to a minute. The outbox is in the store, so a restart of either
 * server resumes where it stopped; the other side's instanceID check makes a
 * resend after a lost answer harmless.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "srv.h"

static pthread_t g_thread;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_kick, g_started;

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    rt_buf *b = ctx;
    if (b->n < 65536) rt_buf_put(b, p, size * n);
    return size * n;
}

/* One POST; returns the HTTP status, or 0 when no answer came. */
static long post_one(srv *s, const char *xml, size_t len, rt_buf *answer, char *cerr)
{
    CURL *c = curl_easy_init();
    if (!c) return 0;
    rt_buf url = {0};
    rt_buf_str(&url, s->forward_url);
    if (url.n && url.p[url.n - 1] == '/') url.n--;
    rt_buf_str(&url, "/submission");
    rt_buf_ch(&url, 0);
    curl_mime *mime = curl_mime_init(c);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, "xml_submission_file");
    curl_mime_filename(part, "submission.xml");
    curl_mime_type(part, "text/xml");
    curl_mime_data(part, xml, len);
    struct curl_slist *h = curl_slist_append(NULL, "X-OpenRosa-Version: 1.0");
    h = curl_slist_append(h, "Accept-Language: en");
    curl_easy_setopt(c, CURLOPT_URL, url.p);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, s->forward_user ? s->forward_user : "");
    curl_easy_setopt(c, CURLOPT_PASSWORD, s->forward_password ? s->forward_password : "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, answer);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    long code = 0;
    cerr[0] = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    rt_buf_free(&url);
    return code;
}

/* One pass over the pending rows; returns 1 when a transient failure asks
 * for a pause, 0 when the outbox is drained. */
static int pass(srv *s)
{
    for (;;) {
        if (s->stopping) return 0;
        srv_rows rows;
        rt_error err;
        srv_lock(s);
        int q = srv_db_exec(s->db,
                            "SELECT instance_id, xml, attempts FROM outbox WHERE state = 'pending' ORDER BY created, "
                            "instance_id LIMIT 1",
                            NULL, 0, &rows, &err);
        srv_unlock(s);
        if (q) return 1;
        if (!rows.n_rows) {
            srv_rows_free(&rows);
            return 0;
        }
        rt_buf answer = {0};
        char cerr[CURL_ERROR_SIZE];
        long code = post_one(s, rows.v[1], rows.len[1], &answer, cerr);
        const char *state = code == 201 || code == 202             ? "sent"
                            : code == 400 || code == 403 || code == 413 ? "refused"
                                                                        : "pending";
        char att[24], detail[128];
        snprintf(att, sizeof att, "%d", atoi(srv_cell(&rows, 0, 2)) + 1);
        rt_buf_ch(&answer, 0);
        if (!code) snprintf(detail, sizeof detail, "no answer: %.100s", cerr);
        else snprintf(detail, sizeof detail, "HTTP %ld", code);
        rt_buf last = {0};
        rt_buf_str(&last, detail);
        if (code && answer.n > 1) {
            rt_buf_ch(&last, ' ');
            rt_buf_str(&last, answer.p);
        }
        rt_buf_ch(&last, 0);
        srv_param p[4] = {{state, (size_t)-1, 0}, {att, (size_t)-1, 0}, {last.p, (size_t)-1, 0},
                          {srv_cell(&rows, 0, 0), (size_t)-1, 0}};
        srv_lock(s);
        if (srv_db_begin(s->db, &err) == 0) {
            int bad = srv_db_exec(s->db, "UPDATE outbox SET state = $1, attempts = $2, last_error = $3 WHERE instance_id = $4",
                                  p, 4, NULL, &err);
            if (!bad && strcmp(state, "pending")) {
                char d[256];
                snprintf(d, sizeof d, "forwarded %s to %.100s: %s", srv_cell(&rows, 0, 0), s->forward_url, detail);
                bad = srv_audit(s, "forwarder", "forward", d, &err);
            }
            if (bad) srv_db_rollback(s->db);
            else srv_db_commit(s->db, &err);
        }
        srv_unlock(s);
        rt_buf_free(&last);
        rt_buf_free(&answer);
        srv_rows_free(&rows);
        if (!strcmp(state, "pending")) return 1;
    }
}

static void *run(void *arg)
{
    srv *s = arg;
    int wait = 1;
    while (!s->stopping) {
        int again = pass(s);
        wait = again ? (wait < 60 ? wait * 2 : 60) : 1;
        if (!again) wait = s->forward_interval > 0 ? s->forward_interval : 5;
        pthread_mutex_lock(&g_mu);
        if (!g_kick && !s->stopping) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += again ? (wait > 1 ? wait / 2 : 1) : wait;
            pthread_cond_timedwait(&g_cv, &g_mu, &ts);
        }
        g_kick = 0;
        pthread_mutex_unlock(&g_mu);
    }
    return NULL;
}

void srv_forward_kick(void)
{
    pthread_mutex_lock(&g_mu);
    g_kick = 1;
    pthread_cond_signal(&g_cv);
    pthread_mutex_unlock(&g_mu);
}

int srv_forward_start(srv *s)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (pthread_create(&g_thread, NULL, run, s)) return -1;
    g_started = 1;
    return 0;
}

void srv_forward_stop(srv *s)
{
    if (!g_started) return;
    s->stopping = 1;
    srv_forward_kick();
    pthread_join(g_thread, NULL);
    g_started = 0;
    curl_global_cleanup();
}

/* ---- POST /api/forward, GET /api/outbox --------------------------------------------- */

static int h_forward(srv_req *r, srv_resp *o)
{
    srv *s = r->s;
    o->ctype = "text/plain; charset=utf-8";
    if (!s->forward_url) {
        o->status = 409;
        rt_buf_str(&o->body, TR("this server forwards to no tier above (start it with --forward-to URL)\n",
                                "máy chủ này không chuyển tiếp lên cấp trên (khởi động với --forward-to URL)\n"));
        return 0;
    }
    const char *form = srv_arg(r, "form"), *period = srv_arg(r, "period");
    srv_form_ref *fr = form ? srv_find_form(s, form) : NULL;
    if (!fr || !period) {
        o->status = 400;
        rt_buf_str(&o->body, TR("give ?form=CODE&period=P\n", "hãy cho ?form=MÃ&period=KỲ\n"));
        return 0;
    }
    const char *root = r->acct->role == SRV_ROLE_SUPERVISOR ? r->acct->unit : "";
    srv_param p[2] = {{form, (size_t)-1, 0}, {period, (size_t)-1, 0}};
    srv_rows rows;
    rt_error err;
    if (srv_db_exec(s->db,
                    "SELECT sha256, unit, xml FROM submission WHERE form = $1 AND period = $2 AND is_current = 1 AND "
                    "status = 'accepted' ORDER BY unit",
                    p, 2, &rows, &err)) {
        o->status = 503;
        rt_buf_printf(&o->body, "%s\n", err.msg);
        return 0;
    }
    char now[32];
    srv_now(now);
    unsigned queued = 0, docs = 0;
    int bad = srv_db_begin(s->db, &err);
    for (uint32_t i = 0; i < rows.n_rows && !bad; i++) {
        if (!srv_unit_within(fr->reg, srv_cell(&rows, i, 1), root)) continue;
        docs++;
        srv_param q[5] = {{srv_cell(&rows, i, 0), (size_t)-1, 0}, {form, (size_t)-1, 0}, {period, (size_t)-1, 0},
                          {now, (size_t)-1, 0}, {rows.v[i * rows.n_cols + 2], rows.len[i * rows.n_cols + 2], 1}};
        srv_rows ins;
        bad = srv_db_exec(s->db,
                          "INSERT INTO outbox (instance_id, form, period, created, state, attempts, last_error, xml) "
                          "VALUES ($1, $2, $3, $4, 'pending', 0, '', $5) ON CONFLICT (instance_id) DO NOTHING "
                          "RETURNING instance_id",
                          q, 5, &ins, &err);
        if (!bad) {
            queued += ins.n_rows;
            srv_rows_free(&ins);
        }
    }
    if (!bad) {
        char d[200];
        snprintf(d, sizeof d, "forward %s %s: %u document(s), %u new", form, period, docs, queued);
        bad = srv_audit(s, r->acct->name, "forward", d, &err);
    }
    if (bad || srv_db_commit(s->db, &err)) {
        srv_db_rollback(s->db);
        o->status = 503;
        rt_buf_printf(&o->body, "%s\n", err.msg);
    } else {
        o->status = 202;
        rt_buf_printf(&o->body, TR("%u report(s) of %s for %s; %u queued now, the others were queued before\n",
                                   "%u báo cáo %s kỳ %s; %u mới được xếp hàng gửi, các báo cáo khác đã xếp trước đó\n"),
                      docs, form, period, queued);
        srv_forward_kick();
    }
    srv_rows_free(&rows);
    return 0;
}

static int h_outbox(srv_req *r, srv_resp *o)
{
    srv_rows rows;
    rt_error err;
    if (srv_db_exec(r->s->db,
                    "SELECT instance_id, form, period, created, state, attempts, last_error FROM outbox ORDER BY "
                    "created, instance_id",
                    NULL, 0, &rows, &err)) {
        o->status = 503;
        rt_buf_printf(&o->body, "%s\n", err.msg);
        return 0;
    }
    rt_buf_str(&o->body, "key,form,period,queued,state,attempts,last_answer\n");
    for (uint32_t i = 0; i < rows.n_rows; i++) {
        for (uint32_t c = 0; c < rows.n_cols; c++) {
            if (c) rt_buf_ch(&o->body, ',');
            const char *v = srv_cell(&rows, i, c);
            size_t n = strlen(v);
            rt_buf b = {0};
            /* one line per row: the answer's newlines become spaces */
            for (size_t k = 0; k < n; k++) rt_buf_ch(&b, v[k] == '\n' || v[k] == '\r' ? ' ' : v[k]);
            rt_buf_csv(&o->body, b.p ? b.p : "", b.n);
            rt_buf_free(&b);
        }
        rt_buf_ch(&o->body, '\n');
    }
    srv_rows_free(&rows);
    o->status = 200;
    o->ctype = "text/csv; charset=utf-8";
    return 0;
}

const srv_route srv_routes_forward[] = {
    {"POST", "/api/forward", SRV_AUTH_SUPERVISOR, h_forward},
    {"GET", "/api/outbox", SRV_AUTH_SUPERVISOR, h_outbox},
    {NULL, NULL, 0, NULL},
};

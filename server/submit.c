/*
 * submit.c — one submission: which form, validated by the compiled regime,
 * stored (accepted or rejected) in one transaction, answered in the client's
 * language.
 *
 * The instance goes through exactly the path of `regrt validate DIR X.xml`
 * (rt_scan_file: hostile-XML refusal, the form's XSD, the compiled kernels,
 * the violation report), so the server and the command line can never
 * disagree about a submission. The instance is spooled to a file for that
 * (the scan reads files) and the file is removed afterwards.
 *
 * Identity: a submission is its instanceID (meta/instanceID, as ODK sends
 * it) and its content. The same instanceID and content again is a
 * duplicate: nothing is stored, the first answer is given again. The same
 * instanceID with other content is an edit (ODK keeps the instanceID when a
 * sent form is edited): stored as a new row. A document without an
 * instanceID, or one that cannot be read at all, is identified by the
 * SHA-256 of its bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sodium.h>

#include "ext.h"
#include "hier.h"
#include "srv.h"
#include "xml.h"

/* The name of the first element of the document: skips the XML
 * declaration, comments, processing instructions and a DOCTYPE (which the
 * scan refuses later when it declares entities). */
static int root_name(const char *p, size_t n, char *out, size_t cap)
{
    const char *end = p + n;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || lt + 1 >= end) return -1;
        p = lt + 1;
        if (*p == '?' || *p == '!') {
            const char *gt = memchr(p, '>', (size_t)(end - p));
            if (end - p >= 3 && !memcmp(p, "!--", 3)) gt = memmem(p, (size_t)(end - p), "-->", 3);
            if (!gt) return -1;
            p = gt + 1;
            continue;
        }
        size_t k = 0;
        while (p < end && k + 1 < cap && *p != '>' && *p != '/' && *p != ' ' && *p != '\t' && *p != '\n' &&
               *p != '\r')
            out[k++] = *p++;
        out[k] = 0;
        return k ? 0 : -1;
    }
    return -1;
}

static char *trimmed(xmlNodePtr n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c) return rt_xstrndup("", 0);
    const char *s = (const char *)c;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
    while (len && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) s++, len--;
    char *r = rt_xstrndup(s, len);
    xmlFree(c);
    return r;
}

/* unit, period and instanceID of an instance the scan has accepted as
 * well-formed and harmless (no entity, no DTD). */
static void keys_of(const rg_form *f, const char *xml, size_t len, char **unit, char **period, char **iid)
{
    *unit = *period = *iid = NULL;
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "submission.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                        XML_PARSE_NOWARNING);
    if (!doc) return;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *ucode = f->unit_field >= 0 ? f->fields[f->unit_field].code : "unit";
    const char *pcode = f->period_field >= 0 ? f->fields[f->period_field].code : "period";
    for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const char *nm = (const char *)c->name;
        if (!*unit && !strcmp(nm, ucode)) *unit = trimmed(c);
        else if (!*period && !strcmp(nm, pcode)) *period = trimmed(c);
        else if (!strcmp(nm, "meta"))
            for (xmlNodePtr m = c->children; m; m = m->next)
                if (m->type == XML_ELEMENT_NODE && !strcmp((const char *)m->name, "instanceID") && !*iid)
                    *iid = trimmed(m);
    }
    if (!*iid && root) {
        xmlChar *a = xmlGetProp(root, (const xmlChar *)"instanceID");
        if (a) {
            *iid = rt_xstrndup((const char *)a, strlen((const char *)a));
            xmlFree(a);
        }
    }
    xmlFreeDoc(doc);
    if (*iid && !**iid) {
        free(*iid);
        *iid = NULL;
    }
}

static void sha256_hex(const char *p, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)p, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int srv_write_file(const char *path, const char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            close(fd);
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return close(fd);
}

static char *read_all(const char *path, size_t *n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    rt_buf b = {0};
    char tmp[65536];
    ssize_t k;
    while ((k = read(fd, tmp, sizeof tmp)) > 0) rt_buf_put(&b, tmp, (size_t)k);
    close(fd);
    rt_buf_ch(&b, 0);
    *n = b.n - 1;
    return b.p;
}

typedef struct outcome {
    int unusable;       /* the scan refused the document (status 2) */
    uint64_t errors, warnings; /* rows', plus the hierarchies' failed results */
    uint64_t hier_warnings;    /* of those warnings, the hierarchies' */
    rt_buf messages;    /* one message per line */
} outcome;

/* Runs the document through the scan of the form; caller holds the lock. */
static void validate(srv *s, srv_form_ref *fr, const char *xml, size_t len, outcome *oc)
{
    memset(oc, 0, sizeof *oc);
    char xpath[512], rpath[512];
    uint64_t seq = ++s->tmp_seq;
    snprintf(xpath, sizeof xpath, "%s/%ld-%llu.xml", s->spool, (long)getpid(), (unsigned long long)seq);
    snprintf(rpath, sizeof rpath, "%s/%ld-%llu.txt", s->spool, (long)getpid(), (unsigned long long)seq);
    if (srv_write_file(xpath, xml, len)) {
        oc->unusable = 2;
        rt_buf_printf(&oc->messages, TR("the server cannot spool the submission: %s",
                                        "máy chủ không lưu tạm được bản nộp: %s"),
                      strerror(errno));
        unlink(xpath);
        return;
    }
    const rg_form *f = &fr->reg->desc->forms[fr->form];
    uint8_t *on = rt_xmalloc(f->n_rules ? f->n_rules : 1);
    for (uint32_t r = 0; r < f->n_rules; r++) on[r] = 1;
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = fr->reg->rg;
    cfg.form = f;
    cfg.units = fr->reg->units;
    cfg.rule_on = on;
    cfg.threads = 1;
    rt_error err;
    memset(&err, 0, sizeof err);
    rt_out out;
    if (rt_out_open(&out, rpath, &err)) {
        oc->unusable = 2;
        rt_buf_str(&oc->messages, err.msg);
        free(on);
        unlink(xpath);
        return;
    }
    rt_report rep;
    memset(&rep, 0, sizeof rep);
    rep.fmt = RT_FMT_TEXT;
    rep.desc = fr->reg->desc;
    rep.form = f;
    rep.out = &out;
    rep.file = "xml_submission_file";
    rt_report_begin(&rep);
    cfg.report = &rep;
    /* hierarchies (a "Tổng số" row against its domain rows): the rows are
     * grouped during the scan and checked after it, as regrt validate does */
    rt_hier *hier = rt_hier_new(fr->reg->desc, f);
    rt_hier_attach(hier, &cfg);
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(f->n_rules ? f->n_rules : 1, sizeof(uint64_t));
    /* per-unit rules: reported once, as regrt validate does */
    rt_pu *pu = NULL;
    if (rt_pu_prepare(&cfg, xpath, "xml_submission_file", &pu, &err) || rt_scan_file(&cfg, xpath, &st, &err)) {
        rt_out_abort(&out);
        oc->unusable = 1;
        /* the message names the spooled file: say xml_submission_file */
        const char *m = err.msg;
        size_t xl = strlen(xpath);
        while (*m) {
            const char *hit = strstr(m, xpath);
            if (!hit) {
                rt_buf_str(&oc->messages, m);
                break;
            }
            rt_buf_put(&oc->messages, m, (size_t)(hit - m));
            rt_buf_str(&oc->messages, "xml_submission_file");
            m = hit + xl;
        }
    } else {
        rt_hier_report(hier, &rep); /* after the rows' results */
        if (rt_out_close(&out, &err)) {
            oc->unusable = 2;
            rt_buf_str(&oc->messages, err.msg);
        } else {
            size_t n;
            char *txt = read_all(rpath, &n);
            if (txt) rt_buf_put(&oc->messages, txt, n);
            free(txt);
            uint64_t he, hw;
            rt_hier_counts(hier, &he, &hw);
            oc->errors = st.rows_err + st.rows_overflow + he;
            oc->warnings = st.rows_warn + hw;
            oc->hier_warnings = hw;
        }
    }
    rt_hier_free(hier);
    rt_pu_free(pu);
    free(st.rule_fail);
    free(on);
    unlink(xpath);
    unlink(rpath);
}

static void say_outcome(srv_resp *o, int status, const char *nature, const char *head, const rt_buf *msgs)
{
    rt_buf b = {0};
    rt_buf_str(&b, head);
    if (msgs && msgs->n) {
        rt_buf_ch(&b, '\n');
        rt_buf_put(&b, msgs->p, msgs->n);
    }
    rt_buf_ch(&b, 0);
    o->status = status;
    srv_openrosa_body(o, nature, b.p);
    rt_buf_free(&b);
}

int srv_submit(srv *s, const srv_account *acct, rt_lang lang, const char *xml, size_t len, srv_resp *o)
{
    char root[128];
    srv_form_ref *fr = NULL;
    if (root_name(xml, len, root, sizeof root) == 0) fr = srv_find_form(s, root);
    srv_lock(s);
    rt_lang saved = rt_get_lang();
    rt_set_lang(lang);
    rt_error err;
    memset(&err, 0, sizeof err);
    if (!fr) {
        o->status = 400;
        char m[512];
        snprintf(m, sizeof m,
                 TR("xml_submission_file is not an instance of a form of this server (root element <%s>); download the form again from /formList",
                    "xml_submission_file không phải bản nộp của một biểu trên máy chủ này (phần tử gốc <%s>); hãy tải lại biểu từ /formList"),
                 root[0] && fr == NULL && root_name(xml, len, root, sizeof root) == 0 ? root : "?");
        srv_openrosa_body(o, "error", m);
        char d[256];
        snprintf(d, sizeof d, "refused: unknown form <%.100s>, %zu bytes", root, len);
        srv_audit(s, acct->name, "submit-refused", d, &err);
        rt_set_lang(saved);
        srv_unlock(s);
        return 0;
    }
    const rg_form *f = &fr->reg->desc->forms[fr->form];
    outcome oc;
    validate(s, fr, xml, len, &oc);
    if (oc.unusable == 2) {
        /* the server's own trouble (its scratch disk): nothing is stored,
         * the client is asked to come back */
        rt_buf_ch(&oc.messages, 0);
        char m[1200];
        snprintf(m, sizeof m,
                 TR("The server could not check the submission (%s); nothing was stored. Send it again later.",
                    "Máy chủ không kiểm tra được bản nộp (%s); không có gì được lưu. Hãy gửi lại sau."),
                 oc.messages.p);
        o->status = 503;
        snprintf(o->extra_name, sizeof o->extra_name, "Retry-After");
        snprintf(o->extra_value, sizeof o->extra_value, "60");
        srv_openrosa_body(o, "error", m);
        rt_buf_free(&oc.messages);
        rt_set_lang(saved);
        srv_unlock(s);
        return 0;
    }
    char hash[65];
    sha256_hex(xml, len, hash);
    char *unit = NULL, *period = NULL, *iid = NULL;
    if (!oc.unusable) keys_of(f, xml, len, &unit, &period, &iid);
    if (!iid) {
        iid = rt_xmalloc(72);
        snprintf(iid, 72, "sha256:%s", hash);
    }
    if (!unit) unit = rt_xstrndup(acct->role == SRV_ROLE_REPORTER ? acct->unit : "", strlen(acct->role == SRV_ROLE_REPORTER ? acct->unit : ""));
    if (!period) period = rt_xstrndup("", 0);

    /* scope: a reporter submits for its own unit only, a supervisor within
     * its subtree */
    int allowed = acct->role == SRV_ROLE_ADMIN ||
                  (acct->role == SRV_ROLE_REPORTER && !strcmp(unit, acct->unit)) ||
                  (acct->role == SRV_ROLE_SUPERVISOR && srv_unit_within(fr->reg, unit, acct->unit));
    if (!allowed) {
        char m[512];
        snprintf(m, sizeof m,
                 TR("account '%s' may not submit for unit '%s' (it reports for unit '%s'); nothing was stored",
                    "tài khoản '%s' không được nộp thay đơn vị '%s' (tài khoản này báo cáo cho đơn vị '%s'); không lưu gì"),
                 acct->name, unit, acct->unit);
        o->status = 403;
        srv_openrosa_body(o, "error", m);
        char d[256];
        snprintf(d, sizeof d, "refused: %s for unit %.64s by a %s of %.64s", iid, unit, srv_role_name(acct->role), acct->unit);
        srv_audit(s, acct->name, "submit-refused", d, &err);
        goto done;
    }

    int rejected = oc.unusable || oc.errors > 0;
    char received[32];
    srv_now(received);
    if (srv_db_begin(s->db, &err)) goto store_failed;
    srv_param dup[2] = {{iid, (size_t)-1, 0}, {hash, (size_t)-1, 0}};
    srv_rows rows;
    if (srv_db_exec(s->db, "SELECT status, messages, seq FROM submission WHERE instance_id = $1 AND sha256 = $2",
                    dup, 2, &rows, &err))
        goto store_failed;
    if (rows.n_rows) {
        /* the same document again: the first answer, nothing stored */
        srv_db_commit(s->db, &err);
        int was_rejected = !strcmp(srv_cell(&rows, 0, 0), "rejected");
        rt_buf m = {0};
        rt_buf_str(&m, srv_cell(&rows, 0, 1));
        char head[512];
        snprintf(head, sizeof head,
                 TR("Already received (submission %s, instanceID %s): %s.", "Đã nhận trước đó (bản nộp %s, instanceID %s): %s."),
                 srv_cell(&rows, 0, 2), iid,
                 was_rejected ? TR("rejected", "bị từ chối") : TR("accepted", "được chấp nhận"));
        say_outcome(o, was_rejected ? 400 : 202, was_rejected ? "error" : "submit-success", head, &m);
        rt_buf_free(&m);
        srv_rows_free(&rows);
        goto done;
    }
    srv_rows_free(&rows);
    if (srv_db_exec(s->db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM submission", NULL, 0, &rows, &err))
        goto store_failed;
    char seq[32];
    snprintf(seq, sizeof seq, "%s", srv_cell(&rows, 0, 0));
    srv_rows_free(&rows);
    const char *form_code = f->code;
    if (!rejected) {
        srv_param up[3] = {{form_code, (size_t)-1, 0}, {unit, (size_t)-1, 0}, {period, (size_t)-1, 0}};
        if (srv_db_exec(s->db,
                        "UPDATE submission SET is_current = 0, status = 'superseded' WHERE form = $1 AND unit = $2 "
                        "AND period = $3 AND is_current = 1",
                        up, 3, NULL, &err))
            goto store_failed;
    }
    char nerr[24], nwarn[24];
    snprintf(nerr, sizeof nerr, "%llu", (unsigned long long)(oc.unusable ? 1 : oc.errors));
    snprintf(nwarn, sizeof nwarn, "%llu", (unsigned long long)oc.warnings);
    rt_buf_ch(&oc.messages, 0);
    oc.messages.n--;
    srv_param ins[14] = {
        {seq, (size_t)-1, 0},      {iid, (size_t)-1, 0},       {hash, (size_t)-1, 0},
        {fr->reg->desc->name, (size_t)-1, 0}, {form_code, (size_t)-1, 0}, {unit, (size_t)-1, 0},
        {period, (size_t)-1, 0},   {acct->name, (size_t)-1, 0}, {received, (size_t)-1, 0},
        {rejected ? "rejected" : "accepted", (size_t)-1, 0},   {rejected ? "0" : "1", (size_t)-1, 0},
        {nerr, (size_t)-1, 0},     {nwarn, (size_t)-1, 0},
        {oc.messages.p ? oc.messages.p : "", oc.messages.n, 0},
    };
    srv_param all[15];
    memcpy(all, ins, sizeof ins);
    all[14] = (srv_param){xml, len, 1};
    if (srv_db_exec(s->db,
                    "INSERT INTO submission (seq, instance_id, sha256, regime, form, unit, period, account, received, "
                    "status, is_current, errors, warnings, messages, xml) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                    "$10, $11, $12, $13, $14, $15)",
                    all, 15, NULL, &err))
        goto store_failed;
    char d[400];
    snprintf(d, sizeof d, "submission %s instanceID %.120s form %s unit %.64s period %.32s: %s", seq, iid, form_code,
             unit, period, rejected ? "rejected" : "accepted");
    if (srv_audit(s, acct->name, "submit", d, &err)) goto store_failed;
    if (srv_db_commit(s->db, &err)) goto store_failed;
    char head[512];
    if (rejected)
        snprintf(head, sizeof head,
                 TR("Rejected and kept (submission %s): the report breaks error-level rules; correct it and send it again.",
                    "Bị từ chối và được lưu lại (bản nộp %s): báo cáo vi phạm quy tắc mức lỗi; hãy sửa và gửi lại."),
                 seq);
    else if (oc.hier_warnings)
        snprintf(head, sizeof head,
                 TR("Accepted (submission %s): %llu row(s) with warnings, %llu hierarchy warning(s).",
                    "Đã chấp nhận (bản nộp %s): %llu dòng có cảnh báo, %llu cảnh báo phân cấp."),
                 seq, (unsigned long long)(oc.warnings - oc.hier_warnings), (unsigned long long)oc.hier_warnings);
    else
        snprintf(head, sizeof head,
                 TR("Accepted (submission %s): %llu row(s) with warnings.", "Đã chấp nhận (bản nộp %s): %llu dòng có cảnh báo."),
                 seq, (unsigned long long)oc.warnings);
    say_outcome(o, rejected ? 400 : 201, rejected ? "error" : "submit-success", head, &oc.messages);
    snprintf(o->location, sizeof o->location, "/submission/%s", seq);
    goto done;

store_failed:
    srv_db_rollback(s->db);
    o->status = 503;
    snprintf(o->extra_name, sizeof o->extra_name, "Retry-After");
    snprintf(o->extra_value, sizeof o->extra_value, "60");
    {
        char m[1200];
        snprintf(m, sizeof m,
                 TR("The server could not store the submission (%s); nothing was stored. Send it again later.",
                    "Máy chủ không lưu được bản nộp (%s); không có gì được lưu. Hãy gửi lại sau."),
                 err.msg);
        srv_openrosa_body(o, "error", m);
    }
done:
    rt_buf_free(&oc.messages);
    free(unit);
    free(period);
    free(iid);
    rt_set_lang(saved);
    srv_unlock(s);
    return 0;
}

/*
 * fuzz_csv.c — libFuzzer harness for every CSV reader of libregrt.
 *
 * One input is one CSV file. It goes through
 *   1. the submission scan (runtime/scan.c: block reader, fast path, RFC 4180
 *      tokenizer, value parsers, compiled kernels, report) of a form chosen
 *      by the header: edoc (dates, booleans, text) when it names
 *      `agency_kind`, itplan's indicators (shares, integers, dates, codes) or
 *      budget (money) when it names `agencies_total` or `allocated`, tthc
 *      (counts, codes, units, periods) otherwise; the report as CSV, then
 *      once more as text or JSON;
 *   2. the whole-file reader (rt_csv_open_mem / rt_csv_next), the unit list
 *      loader and the holiday loader, which read the same bytes as a units
 *      file and a holiday file;
 *   3. two oracles, when the whole-file reader accepts the file:
 *      - the scan reads as many rows as the reader has records after the
 *        header (no row lost, none invented);
 *      - the same records written back with every field quoted (which forces
 *        the scan's general path where the original took the fast path, and
 *        drops the BOM, CRLF and blank lines) give the same validation
 *        report, the same counts, and the same roll-up, byte for byte.
 * Any difference aborts with both versions on stderr.
 *
 * The regimes are compiled by `regc build` into build/fuzz/lib/ (Makefile,
 * section "fuzzing (robustness)"); FUZZ_ROOT (the repository, compiled in)
 * and FUZZ_LIB_DIR may override where they are found. Files live in memory
 * (memfd), so the harness touches no disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct target {
    const char *name, *units_rel, *marker, *form_code;
    char lib[1024], units_path[1024];
    rt_regime *rg;
    rt_units *units;
    int form;
} target;

static target targets[] = {
    {"tthc", "tests/fixtures/edge_units.csv", NULL, "bieu06", "", "", NULL, NULL, 0},
    {"edoc", "examples/edoc/agencies.csv", "agency_kind", "edoc", "", "", NULL, NULL, 0},
    {"itplan", "tests/fixtures/units_2025-07-01_sample.csv", "agencies_total", "indicators", "", "", NULL, NULL, 0},
    {"itplan", "tests/fixtures/units_2025-07-01_sample.csv", "allocated", "budget", "", "", NULL, NULL, 0},
};

static int data_fd = -1, copy_fd = -1; /* the input, and its quoted copy */
static char data_path[64], copy_path[64];
static int ready;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_csv: %s\n", what);
    abort();
}

static int mem_file(const char *name, char *path, size_t n)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) die("memfd_create failed");
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

static void put_file(int fd, const void *p, size_t n)
{
    if (ftruncate(fd, 0) || (n && pwrite(fd, p, n, 0) != (ssize_t)n)) die("cannot write a memfd");
}

static void init(void)
{
    const char *root = getenv("FUZZ_ROOT");
    const char *libdir = getenv("FUZZ_LIB_DIR");
    if (!root || !*root) root = FUZZ_ROOT;
    rt_set_quiet(1);
    /* the libraries are signed with the development key (Makefile) */
    static char trust[4200];
    snprintf(trust, sizeof trust, "%s/build/devkey/trusted", root);
    rt_trust_configure(trust, 0);
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        target *t = &targets[i];
        rt_error e;
        memset(&e, 0, sizeof e);
        if (libdir && *libdir) snprintf(t->lib, sizeof t->lib, "%s/%s", libdir, t->name);
        else snprintf(t->lib, sizeof t->lib, "%s/build/fuzz/lib/%s", root, t->name);
        snprintf(t->units_path, sizeof t->units_path, "%s/%s", root, t->units_rel);
        t->rg = rt_regime_open(t->lib, &e);
        if (!t->rg) {
            fprintf(stderr, "fuzz_csv: %s\n(build it with `make build/fuzz/fuzz_csv`)\n", e.msg);
            abort();
        }
        t->units = rt_units_load(rt_regime_desc(t->rg), t->units_path, &e);
        if (!t->units) {
            fprintf(stderr, "fuzz_csv: %s\n", e.msg);
            abort();
        }
        t->form = rt_regime_form(t->rg, t->form_code);
        if (t->form < 0) {
            fprintf(stderr, "fuzz_csv: %s has no form %s\n", t->name, t->form_code);
            abort();
        }
    }
    data_fd = mem_file("fuzz-csv-data", data_path, sizeof data_path);
    copy_fd = mem_file("fuzz-csv-copy", copy_path, sizeof copy_path);
    /* Reports go to the standard output: make it a memfd we can read back. */
    int out = memfd_create("fuzz-csv-out", 0);
    if (out < 0 || dup2(out, 1) < 0) die("cannot redirect stdout");
    close(out);
    ready = 1;
}

/* ---- standard output captured ------------------------------------------------ */

static void out_reset(void)
{
    if (ftruncate(1, 0) || lseek(1, 0, SEEK_SET) != 0) die("cannot reset stdout");
}

/* What was written to stdout since out_reset (malloc'd, *n bytes). */
static char *out_take(size_t *n)
{
    off_t end = lseek(1, 0, SEEK_CUR);
    if (end < 0) die("lseek stdout");
    char *p = malloc((size_t)end + 1);
    if (!p || pread(1, p, (size_t)end, 0) != (ssize_t)end) die("cannot read stdout back");
    p[end] = 0;
    *n = (size_t)end;
    return p;
}

/* ---- one validation scan -------------------------------------------------------- */

typedef struct run {
    int rc;
    rt_scan_stats st;
    uint64_t fail[64];
    char *report;
    size_t n_report;
} run;

static void scan_once(target *t, const char *path, int threads, rt_format fmt, run *r)
{
    const rg_regime_desc *d = rt_regime_desc(t->rg);
    const rg_form *form = &d->forms[t->form];
    uint8_t on[64];
    if (form->n_rules > 64) die("the fuzzed form has more than 64 rules");
    memset(on, 1, sizeof on);
    memset(r, 0, sizeof *r);
    r->st.rule_fail = r->fail;
    rt_error e;
    memset(&e, 0, sizeof e);
    out_reset();
    rt_out out;
    if (rt_out_open(&out, NULL, &e)) die("rt_out_open(stdout)");
    rt_report rep;
    memset(&rep, 0, sizeof rep);
    rep.fmt = fmt;
    rep.desc = d;
    rep.form = form;
    rep.out = &out;
    rep.file = "data.csv";
    rt_report_begin(&rep);
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = t->rg;
    cfg.form = form;
    cfg.units = t->units;
    cfg.rule_on = on;
    cfg.threads = threads;
    cfg.report = &rep;
    r->rc = rt_scan_file(&cfg, path, &r->st, &e);
    if (r->rc == 0) {
        if (rt_out_close(&out, &e)) die("rt_out_close(stdout)");
    } else {
        rt_out_abort(&out);
        if (e.status != 2 || !e.msg[0]) die("a failed scan without an error message and status 2");
    }
    r->report = out_take(&r->n_report);
}

static int rollup_once(target *t, const char *path, char **text, size_t *n)
{
    rt_opts o;
    memset(&o, 0, sizeof o);
    const char *files[1] = {path};
    o.lib = t->lib;
    o.units = t->units_path;
    o.form = t->form_code;
    o.data = files;
    o.n_data = 1;
    o.threads = 1;
    rt_error e;
    memset(&e, 0, sizeof e);
    out_reset();
    int rc = rt_cmd_rollup(&o, &e);
    if (rc != 0 && (rc != 2 || !e.msg[0])) die("rollup failed without an error message and status 2");
    *text = out_take(n);
    return rc;
}

/* ---- the whole-file reader, and the quoted copy ------------------------------------ */

/* Reads the input with rt_csv_next; writes every record, every field quoted,
 * into *copy. Returns the number of records, or -1 when the reader refuses
 * the file. */
static long read_all(const uint8_t *data, size_t size, rt_buf *copy)
{
    rt_error e;
    memset(&e, 0, sizeof e);
    rt_csv *c = rt_csv_open_mem("data.csv", (const char *)data, size, &e);
    if (!c) return -1;
    long n = 0;
    int r;
    while ((r = rt_csv_next(c, &e)) > 0) {
        uint32_t nf = rt_csv_nfields(c);
        for (uint32_t i = 0; i < nf; i++) {
            uint32_t len;
            const char *v = rt_csv_field(c, i, &len);
            if (i) rt_buf_ch(copy, ',');
            rt_buf_ch(copy, '"');
            for (uint32_t k = 0; k < len; k++) {
                if (v[k] == '"') rt_buf_ch(copy, '"');
                rt_buf_ch(copy, v[k]);
            }
            rt_buf_ch(copy, '"');
        }
        rt_buf_ch(copy, '\n');
        if (rt_csv_line(c) == 0) die("rt_csv_line is 0 for a record");
        n++;
    }
    if (r < 0 && (e.status != 2 || !e.msg[0])) die("rt_csv_next failed without a message");
    rt_csv_close(c);
    return r < 0 ? -1 : n;
}

static void mismatch(const char *what, const run *a, const run *b, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_csv: %s\n--- input (%zu bytes) rc %d rows %llu err %llu\n%.*s\n--- report\n%s\n"
                    "--- quoted copy: rc %d rows %llu err %llu\n--- report\n%s\n",
            what, size, a->rc, (unsigned long long)a->st.rows, (unsigned long long)a->st.rows_err,
            (int)(size > 4000 ? 4000 : size), (const char *)data, a->report, b->rc,
            (unsigned long long)b->st.rows, (unsigned long long)b->st.rows_err, b->report);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) init();
    /* the regime: by the header (the first line) */
    target *t = &targets[0];
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hl = nl ? (size_t)(nl - data) : size;
    for (size_t i = 1; i < sizeof targets / sizeof *targets; i++)
        if (memmem(data, hl, targets[i].marker, strlen(targets[i].marker))) t = &targets[i];
    put_file(data_fd, data, size);

    /* the small-file readers on the same bytes: they must refuse or accept, cleanly */
    rt_error e;
    memset(&e, 0, sizeof e);
    rt_units *u = rt_units_load(rt_regime_desc(t->rg), data_path, &e);
    if (!u && (e.status != 2 || !e.msg[0])) die("rt_units_load failed without a message");
    if (u) {
        for (uint32_t g = 0; g < rt_units_total(u); g++) {
            (void)rt_units_code(u, g);
            (void)rt_units_parent(u, g);
        }
        rt_units_free(u);
    }
    memset(&e, 0, sizeof e);
    rt_holidays *h = rt_holidays_load(data_path, &e);
    if (!h && (e.status != 2 || !e.msg[0])) die("rt_holidays_load failed without a message");
    rt_holidays_free(h);

    run a, b;
    scan_once(t, data_path, 1 + (int)(size & 1), RT_FMT_CSV, &a);
    /* the other report formats, for their code (nothing to compare with) */
    run c;
    scan_once(t, data_path, 1, size & 2 ? RT_FMT_JSON : RT_FMT_TEXT, &c);
    if (c.rc != a.rc) mismatch("the report format changes the outcome", &a, &c, data, size);
    free(c.report);
    rt_buf copy = {0};
    long records = read_all(data, size, &copy);
    if (records >= 0) {
        if (a.rc == 0 && a.st.rows != (uint64_t)(records > 0 ? records - 1 : 0))
            mismatch("the scan and the whole-file reader disagree on the number of rows", &a, &a, data,
                     size);
        put_file(copy_fd, copy.p, copy.n);
        scan_once(t, copy_path, 1, RT_FMT_CSV, &b);
        if ((a.rc == 0) != (b.rc == 0)) mismatch("one version is refused, the other is not", &a, &b, data, size);
        if (a.rc == 0) {
            int same = a.st.rows == b.st.rows && a.st.rows_err == b.st.rows_err &&
                       a.st.rows_warn == b.st.rows_warn && a.st.rows_bad_width == b.st.rows_bad_width &&
                       a.st.rows_overflow == b.st.rows_overflow && !memcmp(a.fail, b.fail, sizeof a.fail);
            if (!same) mismatch("the counts differ", &a, &b, data, size);
            if (a.n_report != b.n_report || memcmp(a.report, b.report, a.n_report))
                mismatch("the reports differ", &a, &b, data, size);
            if (a.st.rows_err > a.st.rows) mismatch("more rows with errors than rows", &a, &b, data, size);
            /* the roll-up of both versions: same groups, same sums */
            char *ra, *rb;
            size_t na, nb;
            int rca = rollup_once(t, data_path, &ra, &na);
            int rcb = rollup_once(t, copy_path, &rb, &nb);
            if (rca != rcb || na != nb || memcmp(ra, rb, na)) {
                fprintf(stderr, "fuzz_csv: the roll-ups differ (%d, %d)\n--- original\n%s\n--- quoted\n%s\n",
                        rca, rcb, ra, rb);
                abort();
            }
            free(ra);
            free(rb);
        }
        free(b.report);
    }
    rt_buf_free(&copy);
    free(a.report);
    return 0;
}

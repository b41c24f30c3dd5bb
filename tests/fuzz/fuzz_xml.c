/*
 * fuzz_xml.c — libFuzzer harness for XML submission instances.
 *
 * One input is one instance, saved as DATA.xml (on /dev/shm when it exists)
 * and read by rt_scan_file(): the size cap, the attribute-count pre-scan,
 * libxml2 with the hostile-document guards (entities, external DTD, depth),
 * the root/version checks, XSD validation, the CSV bridge, the kernels and
 * the report in the format picked by the input's size (runtime/xml.c). One
 * input in four is also rolled up (rt_cmd_rollup), which feeds the XSD
 * verdicts into the accumulators.
 *
 * The form is picked by the text: edoc (a form without dimensions: the
 * whole instance is one row) when it mentions <edoc, itplan's indicators or
 * budget when it mentions <indicators or <budget, tthc (one <row> per
 * domain) otherwise. They are compiled by `regc build` into build/fuzz/lib/,
 * forms/ and XSDs beside them (Makefile, section "fuzzing (robustness)").
 *
 * Checked besides the sanitizers: a refused file has status 2 and a message
 * that names the file; counts stay consistent (rows with errors <= rows, or
 * exactly one when a rowless instance is in error).
 *
 * (An earlier harness drove the same path with the
 * tthc fixture only; this one supersedes it for `make fuzz`.)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xml.h"

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
    {"edoc", "examples/edoc/agencies.csv", "<edoc", "edoc", "", "", NULL, NULL, 0},
    {"itplan", "tests/fixtures/units_2025-07-01_sample.csv", "<indicators", "indicators", "", "", NULL, NULL, 0},
    {"itplan", "tests/fixtures/units_2025-07-01_sample.csv", "<budget", "budget", "", "", NULL, NULL, 0},
};

static char path[512];
static int ready;

static void remove_input(void) { unlink(path); }

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
            fprintf(stderr, "fuzz_xml: %s\n(build it with `make build/fuzz/fuzz_xml`)\n", e.msg);
            abort();
        }
        t->units = rt_units_load(rt_regime_desc(t->rg), t->units_path, &e);
        if (!t->units) {
            fprintf(stderr, "fuzz_xml: %s\n", e.msg);
            abort();
        }
        t->form = rt_regime_form(t->rg, t->form_code);
        if (t->form < 0) abort();
    }
    struct stat st;
    const char *dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : NULL;
    if (!dir) dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    snprintf(path, sizeof path, "%s/fuzz_xml_%d.xml", dir, (int)getpid());
    atexit(remove_input);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull < 0 || dup2(devnull, 1) < 0) abort(); /* reports go to stdout */
    close(devnull);
    ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) init();
    target *t = &targets[0];
    for (size_t i = 1; i < sizeof targets / sizeof *targets; i++)
        if (memmem(data, size, targets[i].marker, strlen(targets[i].marker))) t = &targets[i];
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f)) abort();

    const rg_regime_desc *d = rt_regime_desc(t->rg);
    const rg_form *form = &d->forms[t->form];
    uint8_t *on = calloc(form->n_rules + 1, 1);
    memset(on, 1, form->n_rules);
    uint64_t *rule_fail = calloc(form->n_rules + 1, sizeof *rule_fail);
    rt_error e;
    memset(&e, 0, sizeof e);
    rt_out out;
    if (rt_out_open(&out, NULL, &e)) abort();
    rt_report rep;
    memset(&rep, 0, sizeof rep);
    rep.fmt = (rt_format)(size % 3);
    rep.desc = d;
    rep.form = form;
    rep.out = &out;
    rep.file = path;
    rt_report_begin(&rep);
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = t->rg;
    cfg.form = form;
    cfg.units = t->units;
    cfg.rule_on = on;
    cfg.threads = 1;
    cfg.report = &rep;
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rule_fail;
    int rc = rt_scan_file(&cfg, path, &st, &e);
    if (rc == 0) {
        if (rt_out_close(&out, &e)) abort();
        if (st.rows_err > (st.rows ? st.rows : 1)) {
            fprintf(stderr, "fuzz_xml: %llu rows with errors out of %llu rows\n",
                    (unsigned long long)st.rows_err, (unsigned long long)st.rows);
            abort();
        }
    } else {
        rt_out_abort(&out);
        if (e.status != 2 || !strstr(e.msg, path)) {
            fprintf(stderr, "fuzz_xml: refused with status %d and a message that does not name the file: %s\n",
                    e.status, e.msg);
            abort();
        }
    }
    if (rc == 0 && size % 4 == 0) {
        rt_opts o;
        memset(&o, 0, sizeof o);
        const char *files[1] = {path};
        o.lib = t->lib;
        o.units = t->units_path;
        o.form = t->form_code;
        o.data = files;
        o.n_data = 1;
        o.threads = 1;
        memset(&e, 0, sizeof e);
        int r = rt_cmd_rollup(&o, &e);
        if (r != 0 && (r != 2 || !e.msg[0])) abort();
    }
    free(on);
    free(rule_fail);
    return 0;
}

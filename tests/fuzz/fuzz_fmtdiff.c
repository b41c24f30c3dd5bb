/*
 * fuzz_fmtdiff.c — libFuzzer harness for `regc fmt` and `regc diff`.
 *
 * An input is one spec A, or two specs A and B separated by the line
 * "#@@ new" (a comment, so that either half stays a plausible spec). What
 * must hold, beyond "no crash, no leak, no undefined behaviour":
 *
 *   fmt is verified: fmt_source() re-parses its output, compares the trees
 *     and formats again; a failure of that proof (status 2: E0700/E0701)
 *     is a finding here, not a diagnostic;
 *   fmt keeps the meaning: A and fmt(A) give the same diagnostics (codes,
 *     in order) and, when both check, `diff` finds no change between them;
 *   fmt(fmt(A)) == fmt(A), byte for byte, through the public entry point;
 *   diff of a spec with itself is empty;
 *   diff of A and B (both ways) runs, prints text and JSON, counts its
 *     classes consistently, and is empty one way iff it is empty the other.
 *
 * Specs are compiled as FUZZ_ROOT/examples/tthc/fuzz.regime, so imports and
 * code-list files resolve as for the tthc example, then in FUZZ_ROOT/stdlib;
 * compile_ctx.sandbox keeps code-list files below that directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "driver.h"
#include "fmt.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SEP[] = "\n#@@ new\n";
static char name_a[1024], name_b[1024], stdlib_dir[1024];
static FILE *devnull;

static void init(void)
{
    const char *root = getenv("FUZZ_ROOT");
    if (!root || !*root) root = FUZZ_ROOT;
    snprintf(name_a, sizeof name_a, "%s/examples/tthc/fuzz.regime", root);
    snprintf(name_b, sizeof name_b, "%s/examples/tthc/fuzz_new.regime", root);
    snprintf(stdlib_dir, sizeof stdlib_dir, "%s/stdlib", root);
    devnull = fopen("/dev/null", "w");
    if (!devnull) abort();
}

static m_regime *compile(compile_ctx *c, const char *name, const char *text, size_t n)
{
    driver_init(c, DIAG_EN);
    c->sandbox = 1; /* a fuzzed `from "/dev/stdin"` must not block */
    driver_add_search(c, stdlib_dir);
    driver_load_text(c, name, text, n);
    return driver_check(c);
}

/* The codes of every diagnostic, in order, as one string. */
static char *codes_of(const diag_ctx *d)
{
    size_t cap = (size_t)d->n * 8 + 1, n = 0;
    char *s = malloc(cap);
    if (!s) abort();
    for (int i = 0; i < d->n; i++) {
        memcpy(s + n, d->items[i].code, strnlen(d->items[i].code, 7));
        n += strnlen(d->items[i].code, 7);
        s[n++] = ' ';
    }
    s[n] = 0;
    return s;
}

static void finding(const char *what, const char *a, size_t na, const char *b, size_t nb)
{
    fprintf(stderr, "fuzz_fmtdiff: %s\n--- input\n%.*s\n--- other\n%.*s\n---\n", what,
            (int)(na > 6000 ? 6000 : na), a, (int)(nb > 6000 ? 6000 : nb), b ? b : "");
    abort();
}

static void print_diags(const compile_ctx *c)
{
    diag_print_text(&c->diag, stderr, 0);
}

/* fmt one text; 0 with *out (malloc'd), 1 syntax errors. A failed proof aborts. */
static int format(const char *name, const char *text, size_t n, char **out)
{
    arena a;
    src_manager sm;
    diag_ctx d;
    arena_init(&a);
    src_init(&sm);
    diag_init(&d, &sm, DIAG_EN);
    int id = src_add(&sm, name, text, n);
    int r = id < 0 ? 1 : fmt_source(&a, &d, id, out);
    if (r == 2) {
        diag_print_text(&d, stderr, 0);
        finding("fmt could not verify its own output (E0700/E0701)", text, n, NULL, 0);
    }
    diag_free(&d);
    src_free(&sm);
    arena_free(&a);
    return r;
}

static void check_diff(const compile_ctx *x, const compile_ctx *y, diff_result *r)
{
    diff_models(x, y, r);
    if (r->n_breaking + r->n_compatible != r->n || r->n < 0) {
        fprintf(stderr, "fuzz_fmtdiff: %d changes but %d breaking + %d compatible\n", r->n, r->n_breaking,
                r->n_compatible);
        abort();
    }
    for (int i = 0; i < r->n; i++)
        if (!r->v[i].kind || !r->v[i].path || !r->v[i].detail) abort();
    (void)diff_fails(r);
    diff_print_text(r, devnull);
    diff_print_json(r, "old.regime", x->model, "new.regime", y->model, devnull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull) init();
    const char *text = (const char *)data;
    const char *sep = memmem(data, size, SEP, sizeof SEP - 1);
    size_t na = sep ? (size_t)(sep - text) : size;
    const char *tb = sep ? sep + sizeof SEP - 1 : NULL;
    size_t nb = sep ? size - na - (sizeof SEP - 1) : 0;

    /* ---- fmt: verified, idempotent, meaning-preserving ---- */
    char *f1 = NULL;
    if (format(name_a, text, na, &f1) == 0) {
        char *f2 = NULL;
        if (format(name_a, f1, strlen(f1), &f2) != 0) finding("fmt's output does not format", text, na, f1, strlen(f1));
        if (strcmp(f1, f2)) finding("fmt is not idempotent", f1, strlen(f1), f2, strlen(f2));
        free(f2);

        compile_ctx ca, cf;
        m_regime *ma = compile(&ca, name_a, text, na);
        m_regime *mf = compile(&cf, name_a, f1, strlen(f1));
        char *ka = codes_of(&ca.diag), *kf = codes_of(&cf.diag);
        if ((ma == NULL) != (mf == NULL) || strcmp(ka, kf)) {
            fprintf(stderr, "diagnostics of the input: %s\ndiagnostics of fmt's output: %s\n", ka, kf);
            print_diags(&ca);
            print_diags(&cf);
            finding("fmt changed what `regc check` says", text, na, f1, strlen(f1));
        }
        if (ma && mf) {
            diff_result r;
            check_diff(&ca, &cf, &r);
            if (r.n) {
                diff_print_text(&r, stderr);
                finding("diff sees a change between a spec and its formatting", text, na, f1, strlen(f1));
            }
            diff_free(&r);
        }
        free(ka);
        free(kf);
        driver_free(&ca);
        driver_free(&cf);
    }
    free(f1);

    /* ---- diff: a spec with itself, and A against B ---- */
    compile_ctx a1, a2;
    m_regime *m1 = compile(&a1, name_a, text, na);
    if (m1) {
        m_regime *m2 = compile(&a2, name_a, text, na);
        if (!m2) finding("the same text checks once and fails once", text, na, NULL, 0);
        diff_result r;
        check_diff(&a1, &a2, &r);
        if (r.n) {
            diff_print_text(&r, stderr);
            finding("diff of a spec with itself reports changes", text, na, NULL, 0);
        }
        diff_free(&r);
        driver_free(&a2);
        if (tb) {
            compile_ctx b;
            if (compile(&b, name_b, tb, nb)) {
                diff_result ab, ba;
                check_diff(&a1, &b, &ab);
                check_diff(&b, &a1, &ba);
                if ((ab.n == 0) != (ba.n == 0)) {
                    diff_print_text(&ab, stderr);
                    diff_print_text(&ba, stderr);
                    finding("diff is empty one way and not the other", text, na, tb, nb);
                }
                diff_free(&ab);
                diff_free(&ba);
            }
            driver_free(&b);
        }
    }
    driver_free(&a1);
    return 0;
}

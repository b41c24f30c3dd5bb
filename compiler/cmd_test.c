/* cmd_test.c — `regc test FILE...`: runs the `test` blocks of specs.
 *
 * The spec is compiled into the very library `regc build` ships (cg_build_so
 * into a private temporary folder, then dlopen), and each test's
 * data rows are read the way the runtime reads a CSV submission (the same
 * value parsers, required-and-empty is malformed, a value outside its range
 * is malformed, an unknown code is present but not in its list) into column
 * batches that go through the library's kernels (regrt.h, "in-memory
 * batches"): what `regc test` says is what `regrt` computes.
 *   - `expect row N passes | fails A, B`: the rules that fail on row N
 *     (numbered across the test's data blocks) are exactly those listed;
 *   - `expect row N message LANG "TEXT"`: one of the rules row N fails has
 *     that message in that language, as `regrt validate` writes it;
 *   - `expect ROLLUP LEVEL UNIT PERIOD DIMS... MEASURE = VALUE`: the valid
 *     rows (no error-level failure) accumulated over time into the roll-up's
 *     period, then combined over units up to LEVEL, give VALUE.
 * previous() reads the row of the same unit and dimensions one period
 * earlier in the test's own data, joined by libregrt (rt_batch_previous:
 * as regrt joins files, none when the key repeats), as many rounds as the
 * form's prev_depth; `form.field` reads the row of that form,
 * among the test's data blocks, of the same unit and period (and the same
 * values of the dimensions both forms have; missing when there is none or
 * more than one), as regrt joins other forms' files; children() reads
 * nothing (the rule is skipped). Unit codes are looked up in the tiers' units file when it can be
 * read, which also gives the hierarchy for roll-ups above the reporting tier.
 *
 * Output: failures as diagnostics located at the expectation, with the
 * declaration of each rule involved, then `N passed, M failed` (tests);
 * `--format json` and `--format junit` for CI. Exit status: 0 every test
 * passed, 1 a test failed, 2 a spec does not check or usage error. */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg_llvm.h"
#include "cli.h"
#include "cmd.h"
#include "core.h"
#include "driver.h"
#include "eval.h"
#include "fmt.h"
#include "ir.h"
#include "lower.h"
#include "core.h"
#include "regrt.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc test [options] FILE...\n\n"
               "Runs the tests written inside specs: the rules each data row must pass or\n"
               "fail, and the roll-up results the rows must give. Prints every failure with\n"
               "the place of the expectation and of the rules involved, then a summary line\n"
               "`N passed, M failed`.\n"
               "Exit status: 0 every test passed, 1 a test failed, 2 a spec does not check\n"
               "or usage error.\n\n"
               "Options:\n"
               "  -I DIR                   add DIR to the import search path\n"
               "  --format text|json|junit results as text (default), JSON or JUnit XML\n"
               "  --lang en|vi             language of messages (default en)\n"
               "  -h, --help               this help\n");
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

#define BIT(w, i) (((w)[(i) >> 6] >> ((i) & 63)) & 1u)
#define SET(w, i) ((w)[(i) >> 6] |= 1ull << ((i) & 63))

/* ---- one file's context -------------------------------------------------------- */

typedef struct tfile {
    compile_ctx *c;
    const m_regime *r;
    ir_regime ir;
    rt_units *units;        /* NULL when the tiers name no readable file */
    void *lib;              /* the compiled library of the spec (dlopen) */
    const rg_regime_desc *desc; /* its descriptor */
    char *libdir, *libso;   /* its temporary folder and file */
    const char *units_error;
    diag_ctx out;           /* the failures, printed with the spec's lines */
} tfile;

/* Per test: the results, for JSON and JUnit. */
typedef struct tresult {
    const ast_decl *test;
    int first, n;           /* failures out.items[first .. first+n) */
    int expectations;
} tresult;

/* The rows of one form in a test, as a batch. */
typedef struct tbatch {
    const ir_form *f;
    const m_form *mf;
    uint32_t n, nw;
    rg_column *cols;
    int64_t *vals;
    uint64_t *bits;           /* present and malformed words of every column */
    const char **strs;
    uint32_t *lens;
    uint64_t *well_formed;
    uint64_t **fail;          /* per rule */
    uint64_t *fail_words;
    uint64_t *overflow;
    const char **unit_code;   /* per row, for roll-ups */
    int *test_row;            /* 1-based row number in the test */
    /* other forms joined to the rows (form.field): per form index, NULL or
     * that form's columns, joined by libregrt (rt_batch_other) */
    const rg_column *const *other;
    const uint64_t *const *other_rows; /* rt_batch_other_rows */
    void *other_state;
    rg_column *children;      /* children's sums of parent rows, or NULL */
    const rg_column *jprev;   /* the previous period joined (rt_batch_previous) */
    void *prev_state;
    int64_t *children_v;
    uint64_t *children_p, *children_rows;
    uint64_t *rep;            /* per-unit rules: the rows that report them,
                                 NULL = every row (rt_batch_per_unit) */
    /* the hierarchies' failures, on the row holding each rule's total
     * (libregrt's rt_batch_hierarchies, as regrt validate groups rows) */
    int n_hfail, cap_hfail;
    uint32_t *hfail_row;
    const char **hfail_code;
    char **hfail_msg;
    int *hfail_verdict;       /* every result on a row: 1 true, 0 false, -1 null */
} tbatch;

static void batch_free(tbatch *b)
{
    free(b->rep);
    free(b->cols);
    free(b->vals);
    free(b->bits);
    free(b->strs);
    free(b->lens);
    free(b->well_formed);
    free(b->fail);
    free(b->fail_words);
    free(b->overflow);
    free(b->unit_code);
    free(b->test_row);
    rt_batch_other_free(b->other_state);
    rt_batch_previous_free(b->prev_state);
    free(b->children);
    free(b->children_v);
    free(b->children_p);
    free(b->children_rows);
    for (int i = 0; i < b->n_hfail; i++)
        free(b->hfail_msg[i]);
    free(b->hfail_row);
    free(b->hfail_code);
    free(b->hfail_msg);
    free(b->hfail_verdict);
}

static void batch_init(tbatch *b, const ir_form *f, const m_form *mf, uint32_t n)
{
    memset(b, 0, sizeof *b);
    b->f = f;
    b->mf = mf;
    b->n = n;
    b->nw = (n + 63) / 64;
    size_t nf = (size_t)f->n_fields, nw = b->nw ? b->nw : 1;
    b->cols = xcalloc(nf, sizeof *b->cols);
    b->vals = xcalloc(nf * n, sizeof *b->vals);
    b->bits = xcalloc(nf * nw * 2, sizeof *b->bits);
    b->strs = xcalloc(nf * n, sizeof *b->strs);
    b->lens = xcalloc(nf * n, sizeof *b->lens);
    b->well_formed = xcalloc(nw, sizeof *b->well_formed);
    b->fail = xcalloc((size_t)f->n_rules, sizeof *b->fail);
    b->fail_words = xcalloc((size_t)f->n_rules * nw, sizeof *b->fail_words);
    b->overflow = xcalloc(nw, sizeof *b->overflow);
    b->unit_code = xcalloc(n, sizeof *b->unit_code);
    b->test_row = xcalloc(n, sizeof *b->test_row);
    for (size_t k = 0; k < nf; k++) {
        b->cols[k] = (rg_column){b->vals + k * n, b->strs + k * n, b->lens + k * n, b->bits + k * nw * 2,
                                 b->bits + k * nw * 2 + nw};
    }
    for (int r = 0; r < f->n_rules; r++)
        b->fail[r] = b->fail_words + (size_t)r * nw;
    for (uint32_t i = 0; i < n; i++)
        SET(b->well_formed, i);
}

/* ---- literals as submitted text -------------------------------------------------- */

/* The text a literal stands for in a submission cell ("" for `missing`). */
static const char *cell_text(arena *a, const ast_expr *e)
{
    switch (e->kind) {
    case AST_E_NUMBER: case AST_E_PERCENT: return e->u.num.text;
    case AST_E_STRING: return e->u.str;
    case AST_E_PERIOD: return e->u.period.text;
    case AST_E_NAME: return e->u.name.text;
    case AST_E_BOOL: return e->u.boolean ? "true" : "false";
    case AST_E_DATE: {
        char *s = fmt_expr_str(e);
        char *r = arena_strdup(a, s);
        free(s);
        return r;
    }
    default: return "";
    }
}

static int64_t code_index(const m_codelist *l, const char *s)
{
    for (int i = 0; l && i < l->n_codes; i++)
        if (!strcmp(l->codes[i].code, s))
            return i;
    return -1;
}

/* Unit codes without a units file: every distinct code gets an index. */
typedef struct unit_names {
    const char **v;
    int n;
} unit_names;

/* Whether a form has children() rules (its rows may be parents'). */
static int has_children_rules(const ir_form *f)
{
    for (int r = 0; r < f->n_rules; r++)
        if (f->rules[r].flags & RG_RULE_CHILDREN)
            return 1;
    return 0;
}

static int64_t unit_index(const tfile *t, const tbatch *b, unit_names *un, const char *s)
{
    const m_form *mf = b->mf;
    if (t->units) {
        int32_t g = rt_units_find(t->units, mf->unit_tier, s, strlen(s));
        /* a form with children() rules takes parents' own rows, as regrt */
        for (int tier = mf->unit_tier - 1; g < 0 && tier >= 0 && has_children_rules(b->f); tier--)
            g = rt_units_find(t->units, tier, s, strlen(s));
        return g;
    }
    for (int i = 0; i < un->n; i++)
        if (!strcmp(un->v[i], s))
            return i;
    un->v = realloc(un->v, sizeof *un->v * (size_t)(un->n + 1));
    if (!un->v)
        abort();
    un->v[un->n] = s;
    return un->n++;
}

/* Reads one cell as the runtime's scanner does; returns 1 when malformed. */
static int read_cell(const tfile *t, const tbatch *b, unit_names *un, int fi, uint32_t i, const char *s)
{
    const ir_field *x = &b->f->fields[fi];
    const m_field *mf = x->src;
    const rg_column *col = &b->cols[fi];
    size_t l = strlen(s);
    b->strs[(size_t)fi * b->n + i] = s; /* col->str, writable here */
    b->lens[(size_t)fi * b->n + i] = (uint32_t)l;
    if (!l)
        return (x->flags & RG_FIELD_REQUIRED) != 0;
    int maxd = mf ? mf->max_digits : 0, bad = 0;
    int64_t v = 0;
    switch (x->type) {
    case RG_T_COUNT: bad = rt_parse_count(s, l, maxd, &v); break;
    case RG_T_INTEGER: bad = rt_parse_integer(s, l, maxd, &v); break;
    case RG_T_DECIMAL: case RG_T_MONEY: case RG_T_PERCENT: case RG_T_RATIO:
        bad = rt_parse_decimal(s, l, x->scale, maxd, &v);
        if (bad && x->type == RG_T_PERCENT && s[l - 1] == '%')
            bad = rt_parse_decimal(s, l - 1, x->scale, maxd, &v);
        break;
    case RG_T_BOOL: bad = rt_parse_bool(s, l, &v); break;
    case RG_T_DATE: bad = rt_date_parse(s, l, &v); break;
    case RG_T_CODE: v = code_index(mf ? mf->type.list : NULL, s); break;
    case RG_T_UNIT: v = unit_index(t, b, un, s); break;
    case RG_T_PERIOD:
        v = rt_period_parse(b->mf->frequency, s, l);
        bad = v < 0;
        break;
    default: break;
    }
    if (bad)
        return 1;
    if (mf && (((mf->flags & RG_FIELD_HAS_MIN) && v < mf->min) || ((mf->flags & RG_FIELD_HAS_MAX) && v > mf->max)))
        return 1;
    col->v[i] = v;
    SET(col->present, i);
    return 0;
}

/* ---- evaluation ------------------------------------------------------------------ */

/* Whether row i reports rule r: a per-unit rule only on its unit and
 * period's representative row, as regrt reports it (the error still
 * rejects every row of the unit, which the roll-up's validity keeps). */
static int reports(const tbatch *b, int r, uint32_t i)
{
    if (!BIT(b->fail[r], i))
        return 0;
    return !b->rep || !(b->f->rules[r].flags & RG_RULE_PER_UNIT) || BIT(b->rep, i);
}

/* Runs the library's validate kernel: computed fields, then the rules; when
 * the form reads previous(), again with the previous period joined, one
 * round per period back a chain reads (the previous rows' own computed
 * fields first). */
static void evaluate_children(const tfile *t, tbatch *b, const rg_form *k);

typedef struct hier_ctx {
    tbatch *b;
    const rg_form *k;
} hier_ctx;

static void on_hier_result(void *ctx, const rt_hier_result *r, const char *message)
{
    hier_ctx *h = ctx;
    tbatch *b = h->b;
    if (r->row < 0)
        return;
    if (b->n_hfail == b->cap_hfail) {
        b->cap_hfail = b->cap_hfail ? b->cap_hfail * 2 : 8;
        b->hfail_row = realloc(b->hfail_row, sizeof *b->hfail_row * (size_t)b->cap_hfail);
        b->hfail_code = realloc(b->hfail_code, sizeof *b->hfail_code * (size_t)b->cap_hfail);
        b->hfail_msg = realloc(b->hfail_msg, sizeof *b->hfail_msg * (size_t)b->cap_hfail);
        b->hfail_verdict = realloc(b->hfail_verdict, sizeof *b->hfail_verdict * (size_t)b->cap_hfail);
        if (!b->hfail_row || !b->hfail_code || !b->hfail_msg || !b->hfail_verdict)
            abort();
    }
    b->hfail_verdict[b->n_hfail] = r->verdict;
    b->hfail_row[b->n_hfail] = (uint32_t)r->row;
    b->hfail_code[b->n_hfail] = h->k->hierarchies[r->hierarchy].pivot->rules[r->rule].code;
    b->hfail_msg[b->n_hfail] = message ? strdup(message) : NULL;
    b->n_hfail++;
}

static void evaluate(const tfile *t, tbatch *b, const rg_form *k)
{
    rg_batch rb = {.n_rows = b->n, .cols = b->cols, .well_formed = b->well_formed, .other = b->other, .other_rows = b->other_rows};
    k->validate(&rb, b->fail, b->overflow);
    for (uint32_t d = 0, rounds = k->prev_depth; d < rounds; d++) {
        /* libregrt's own join (regrt.h), as regrt validate joins files */
        rb.prev = b->jprev = rt_batch_previous(k, &rb, &b->prev_state);
        if (!d)
            rounds = rt_batch_previous_rounds(k, b->prev_state);
        rb.prev_rows = rb.prev ? rb.prev[k->n_fields + k->n_lags].present : NULL;
        k->validate(&rb, b->fail, b->overflow);
    }
    evaluate_children(t, b, k);
    if (k->n_hierarchies) {
        /* messages in English: expect_message asks again per language */
        hier_ctx h = {b, k};
        rg_batch hb = {.n_rows = b->n, .cols = b->cols, .well_formed = b->well_formed};
        rt_batch_hierarchies(t->desc, k, &hb, on_hier_result, &h);
    }
}

/* children(): each parent row (a unit above the form's tier) against the
 * valid rows of the form's tier under it, of the same period and dimension
 * values, summed by the library's accumulate and finalize kernels, as
 * regrt does (runtime/children.c); the children() rules' bits come from
 * that evaluation for parent rows and are cleared for every other row. */
static void evaluate_children(const tfile *t, tbatch *b, const rg_form *k)
{
    const ir_form *f = b->f;
    const m_form *mf = b->mf;
    if (!has_children_rules(f))
        return;
    uint32_t n = b->n, nw = b->nw ? b->nw : 1;
    int uf = f->field_of[mf->unit_field], pf = f->field_of[mf->period_field];
    const rg_column *uc = &b->cols[uf], *pc = &b->cols[pf];
    /* valid rows of the form's tier: no error-level failure, no overflow */
    uint64_t *leaf = xcalloc(nw, sizeof *leaf), *parent = xcalloc(nw, sizeof *parent);
    for (uint32_t i = 0; i < n; i++) {
        if (!t->units || !BIT(uc->present, i) || uc->v[i] < 0)
            continue;
        int tier = rt_units_tier(t->units, (uint32_t)uc->v[i]);
        if (tier < mf->unit_tier) {
            SET(parent, i);
            continue;
        }
        int err = BIT(b->overflow, i);
        for (int q = 0; q < f->n_rules; q++)
            err |= BIT(b->fail[q], i) && f->rules[q].severity == RG_SEV_ERROR && !(f->rules[q].flags & RG_RULE_CHILDREN);
        if (!err)
            SET(leaf, i);
    }
    size_t nf = (size_t)f->n_fields;
    rg_column *ch = xcalloc(nf + 1, sizeof *ch); /* [nf]: rows with children */
    int64_t *cv = xcalloc(nf * n, sizeof *cv);
    uint64_t *cp = xcalloc(nf * nw, sizeof *cp);
    for (size_t x = 0; x < nf; x++)
        ch[x] = (rg_column){cv + x * n, NULL, NULL, cp + x * nw, NULL};
    uint64_t *chrows = xcalloc(nw, sizeof *chrows);
    ch[nf] = (rg_column){cv, NULL, NULL, chrows, NULL};
    uint32_t *slot = xcalloc(n, sizeof *slot);
    int64_t *acc = xcalloc((size_t)f->n_acc + 1, sizeof *acc), out[64];
    rg_batch rb = {.n_rows = n, .cols = b->cols, .well_formed = b->well_formed, .other = b->other, .other_rows = b->other_rows};
    for (uint32_t i = 0; i < n; i++) {
        if (!BIT(parent, i) || !BIT(pc->present, i))
            continue;
        int tier = rt_units_tier(t->units, (uint32_t)uc->v[i]), any = 0;
        for (uint32_t j = 0; j < n; j++) {
            slot[j] = UINT32_MAX;
            if (!BIT(leaf, j) || !BIT(pc->present, j) || pc->v[j] != pc->v[i])
                continue;
            int same = 1;
            for (int d = 0; d < mf->n_dims && same; d++) {
                const rg_column *dc = &b->cols[f->field_of[mf->dims[d]]];
                same = BIT(dc->present, i) == BIT(dc->present, j) && (!BIT(dc->present, i) || dc->v[i] == dc->v[j]);
            }
            int32_t g = same ? (int32_t)uc->v[j] : -1;
            while (g >= 0 && rt_units_tier(t->units, (uint32_t)g) > tier)
                g = rt_units_parent(t->units, (uint32_t)g);
            if (g == uc->v[i]) {
                slot[j] = 0;
                any = 1;
            }
        }
        if (!any)
            continue; /* no child reporting: not present, the rule is skipped */
        SET(chrows, i);
        memset(acc, 0, sizeof *acc * (size_t)f->n_acc);
        uint64_t present = 0;
        if (k->accumulate(&rb, slot, NULL, acc) == 0)
            k->finalize(acc, out, &present);
        for (int o = 0; o < f->n_outputs && o < 64; o++) {
            int x = f->outputs[o].field;
            if (x < 0 || !(present >> o & 1))
                continue;
            int64_t v = out[o];
            for (int s = f->outputs[o].scale; s < f->fields[x].scale; s++)
                v *= 10;
            ch[x].v[i] = v;
            SET(ch[x].present, i);
        }
    }
    uint64_t *fw = xcalloc((size_t)f->n_rules * nw + 1, sizeof *fw), **fp = xcalloc((size_t)f->n_rules + 1, sizeof *fp);
    uint64_t *ov = xcalloc(nw, sizeof *ov);
    for (int q = 0; q < f->n_rules; q++)
        fp[q] = fw + (size_t)q * nw;
    rg_batch rc = {.n_rows = n, .cols = b->cols, .prev = b->jprev, .well_formed = b->well_formed, .other = b->other, .other_rows = b->other_rows,
                   .children = ch, .children_rows = chrows, .prev_rows = b->jprev ? b->jprev[nf + k->n_lags].present : NULL};
    k->validate(&rc, fp, ov);
    for (int q = 0; q < f->n_rules; q++)
        if (f->rules[q].flags & RG_RULE_CHILDREN)
            for (uint32_t w = 0; w < nw; w++)
                b->fail[q][w] = fp[q][w] & parent[w];
    for (uint32_t w = 0; w < nw; w++)
        b->overflow[w] |= ov[w] & parent[w];
    b->children = ch;
    b->children_v = cv;
    b->children_p = cp;
    b->children_rows = chrows;
    free(fw);
    free(fp);
    free(ov);
    free(slot);
    free(acc);
    free(leaf);
    free(parent);
}

/* The form of the compiled library that an IR form became. */
static const rg_form *lib_form(const tfile *t, const ir_form *f)
{
    return &t->desc->forms[f->index];
}

/* ---- expectations -------------------------------------------------------------------- */

typedef struct trun {
    tfile *t;
    const ast_decl *test;
    tbatch *batches;
    int n_batches;
    int n_rows;
    /* test row (1-based) -> batch and index */
    int *row_batch;
    uint32_t *row_index;
    const src_loc **row_loc;
    int failures;
} trun;

static const char *file_of(const tfile *t, src_loc loc)
{
    const src_file *f = src_get(&t->c->sm, loc.file);
    return f ? f->path : "?";
}

static char *codes_str(const char **v, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(v[i]) + 2;
    char *s = xcalloc(len, 1);
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, v[i]);
    }
    return s;
}

static const m_rule *find_rule(const m_regime *r, const char *code)
{
    for (int f = 0; f < r->n_forms; f++)
        for (int i = 0; i < r->forms[f].n_rules; i++)
            if (!strcmp(r->forms[f].rules[i].code, code))
                return &r->forms[f].rules[i];
    return NULL;
}

static void hint_rule(trun *u, const char *code)
{
    const m_rule *ru = find_rule(u->t->r, code);
    if (!ru)
        return;
    static const char *const sev[] = {"?", "error", "warning", "info"};
    diag_hint(&u->t->out, "H0720", code, sev[ru->severity <= 3 ? ru->severity : 0], file_of(u->t, ru->loc),
              ru->loc.line);
}

static int in_list(const char **v, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

static void expect_row(trun *u, const ast_expect *x)
{
    tfile *t = u->t;
    if (x->row < 1 || x->row > u->n_rows)
        return; /* sema reported it */
    tbatch *b = &u->batches[u->row_batch[x->row - 1]];
    uint32_t i = u->row_index[x->row - 1];
    const char *title = u->test->name.text;
    int line = u->row_loc[x->row - 1]->line;
    if (BIT(b->overflow, i)) {
        diag(&t->out, "E0723", x->loc, title, (long long)x->row);
        diag_hint(&t->out, "H0721", (long long)x->row, line);
        u->failures++;
        return;
    }
    const char **got = xcalloc((size_t)b->f->n_rules + 1, sizeof *got);
    int ng = 0;
    for (int r = 0; r < b->f->n_rules; r++)
        if (reports(b, r, i))
            got[ng++] = b->f->rules[r].code;
    for (int h = 0; h < b->n_hfail; h++)
        if (b->hfail_row[h] == i && b->hfail_verdict[h] == 0 && !in_list(got, ng, b->hfail_code[h])) {
            got = realloc(got, sizeof *got * (size_t)(ng + 2));
            if (!got)
                abort();
            got[ng++] = b->hfail_code[h];
        }
    const char **want = xcalloc((size_t)x->codes.n + 1, sizeof *want);
    int nwant = 0;
    AST_EACH(const ast_name *, c, x->codes) {
        if (!in_list(want, nwant, c->text))
            want[nwant++] = c->text;
    }
    int same = ng == nwant;
    for (int k = 0; same && k < nwant; k++)
        same = in_list(got, ng, want[k]);
    if (!same) {
        char *g = codes_str(got, ng), *w = codes_str(want, nwant);
        if (nwant == 0)
            diag(&t->out, "E0720", x->loc, title, (long long)x->row, g);
        else if (ng == 0)
            diag(&t->out, "E0721", x->loc, title, (long long)x->row, w);
        else
            diag(&t->out, "E0722", x->loc, title, (long long)x->row, w, g);
        diag_hint(&t->out, "H0721", (long long)x->row, line);
        /* the rules that made the difference */
        for (int k = 0; k < ng; k++)
            if (!in_list(want, nwant, got[k]))
                hint_rule(u, got[k]);
        for (int k = 0; k < nwant; k++)
            if (!in_list(got, ng, want[k]))
                hint_rule(u, want[k]);
        free(g);
        free(w);
        u->failures++;
    }
    free(got);
    free(want);
}

/* expect row N rule CODE true|false|null: the rule's verdict on the row, as
 * the library's message kernel computes it (regrt validate --results all
 * prints the same bool_var). */
static void expect_verdict(trun *u, const ast_expect *x)
{
    tfile *t = u->t;
    if (x->row < 1 || x->row > u->n_rows || !x->codes.n)
        return; /* sema reported it */
    const char *want = x->verdict.text;
    if (strcmp(want, "true") && strcmp(want, "false") && strcmp(want, "null"))
        return; /* sema reported it */
    tbatch *b = &u->batches[u->row_batch[x->row - 1]];
    uint32_t i = u->row_index[x->row - 1];
    const char *title = u->test->name.text, *code = ((const ast_name *)x->codes.items[0])->text;
    int line = u->row_loc[x->row - 1]->line;
    int r = 0;
    while (r < b->f->n_rules && strcmp(b->f->rules[r].code, code))
        r++;
    if (r == b->f->n_rules) {
        /* a hierarchy's result on the row holding the rule's total; no
         * result (the mode gave none) reads as null */
        const rg_form *hk = lib_form(t, b->f);
        int is_hier = 0;
        for (uint32_t q = 0; hk && q < hk->n_hierarchies; q++)
            for (uint32_t w = 0; w < hk->hierarchies[q].pivot->n_rules; w++)
                is_hier |= !strcmp(hk->hierarchies[q].pivot->rules[w].code, code);
        if (is_hier) {
            const char *hv = "null";
            for (int q = 0; q < b->n_hfail; q++)
                if (b->hfail_row[q] == i && !strcmp(b->hfail_code[q], code))
                    hv = b->hfail_verdict[q] > 0 ? "true" : b->hfail_verdict[q] == 0 ? "false" : "null";
            if (strcmp(hv, want)) {
                diag(&t->out, "E0797", x->loc, title, code, hv, (long long)x->row, want);
                diag_hint(&t->out, "H0721", (long long)x->row, line);
                u->failures++;
            }
            return;
        }
        diag(&t->out, "E0798", x->loc, title, (long long)x->row, b->f->code, code);
        diag_hint(&t->out, "H0721", (long long)x->row, line);
        u->failures++;
        return;
    }
    if (BIT(b->overflow, i)) {
        diag(&t->out, "E0723", x->loc, title, (long long)x->row);
        diag_hint(&t->out, "H0721", (long long)x->row, line);
        u->failures++;
        return;
    }
    const rg_form *k = lib_form(t, b->f);
    rg_batch rb = {.n_rows = b->n, .cols = b->cols, .prev = b->jprev, .well_formed = b->well_formed, .other = b->other,
                   .other_rows = b->other_rows, .children = b->children,
                   .prev_rows = b->jprev ? b->jprev[k->n_fields + k->n_lags].present : NULL,
                   .children_rows = b->children ? b->children[k->n_fields].present : NULL};
    int64_t out[64];
    uint64_t present = 0;
    int32_t vi = k->rules[r].verdict;
    const char *got = "null";
    if (k->message && vi >= 0 && vi < 64 && k->message(&rb, (uint32_t)r, i, out, &present) == 0 && (present >> vi & 1))
        got = out[vi] ? "true" : "false";
    if (strcmp(got, want)) {
        diag(&t->out, "E0797", x->loc, title, code, got, (long long)x->row, want);
        diag_hint(&t->out, "H0721", (long long)x->row, line);
        hint_rule(u, code);
        u->failures++;
    }
}

/* expect row N message LANG "TEXT": a rule the row fails has that message. */
static void expect_message(trun *u, const ast_expect *x)
{
    tfile *t = u->t;
    if (x->row < 1 || x->row > u->n_rows || !x->message)
        return; /* sema reported it */
    tbatch *b = &u->batches[u->row_batch[x->row - 1]];
    uint32_t i = u->row_index[x->row - 1];
    const rg_form *k = lib_form(t, b->f);
    const rg_regime_desc *d = t->desc;
    rg_batch rb = {.n_rows = b->n, .cols = b->cols, .prev = b->jprev, .well_formed = b->well_formed, .other = b->other, .other_rows = b->other_rows,
                   .children = b->children, .prev_rows = b->jprev ? b->jprev[k->n_fields + k->n_lags].present : NULL,
                   .children_rows = b->children ? b->children[k->n_fields].present : NULL};
    const char **raw = xcalloc((size_t)b->f->n_fields + 1, sizeof *raw);
    uint32_t *len = xcalloc((size_t)b->f->n_fields + 1, sizeof *len);
    for (int f = 0; f < b->f->n_fields; f++) {
        raw[f] = b->cols[f].str ? b->cols[f].str[i] : NULL;
        len[f] = b->cols[f].len ? b->cols[f].len[i] : 0;
    }
    rt_lang saved = rt_get_lang();
    AST_EACH(const ast_text *, want, x->message->items) {
        rt_lang lang = saved;
        if (want->lang)
            rt_lang_parse(want->lang, &lang);
        rt_set_lang(lang);
        rt_buf got = {0};
        int found = 0;
        for (int r = 0; r < b->f->n_rules && !found; r++) {
            if (!reports(b, r, i))
                continue;
            char *m = rt_batch_message(d, k, &rb, i, (uint32_t)r, raw, len);
            found = m && !strcmp(m, want->text);
            if (m && !found) {
                rt_buf_str(&got, got.n ? "; " : "");
                rt_buf_printf(&got, "%s: \"%s\"", b->f->rules[r].code, m);
            }
            free(m);
        }
        if (!found && k && k->n_hierarchies) {
            /* the hierarchies' messages on this row, in this language */
            tbatch hb = {.n = b->n};
            hier_ctx h = {&hb, k};
            rg_batch rb2 = {.n_rows = b->n, .cols = b->cols, .well_formed = b->well_formed};
            rt_batch_hierarchies(d, k, &rb2, on_hier_result, &h);
            for (int q = 0; q < hb.n_hfail; q++) {
                if (hb.hfail_row[q] != i || hb.hfail_verdict[q] != 0 || found)
                    continue;
                found = hb.hfail_msg[q] && !strcmp(hb.hfail_msg[q], want->text);
                if (hb.hfail_msg[q] && !found) {
                    rt_buf_str(&got, got.n ? "; " : "");
                    rt_buf_printf(&got, "%s: \"%s\"", hb.hfail_code[q], hb.hfail_msg[q]);
                }
            }
            for (int q = 0; q < hb.n_hfail; q++)
                free(hb.hfail_msg[q]);
            free(hb.hfail_row);
            free(hb.hfail_code);
            free(hb.hfail_msg);
            free(hb.hfail_verdict);
        }
        rt_set_lang(saved);
        if (!found) {
            const char *g = rt_buf_cstr(&got);
            diag(&t->out, "E0728", x->loc, u->test->name.text, (long long)x->row, want->text, *g ? g : "none");
            diag_hint(&t->out, "H0721", (long long)x->row, u->row_loc[x->row - 1]->line);
            u->failures++;
        }
        rt_buf_free(&got);
    }
    free(raw);
    free(len);
}

/* The runtime's unit loader over the spec's tiers, quietly (its warnings
 * would repeat what regc check says); NULL and err when the file is refused. */
static rt_units *units_quiet(const m_regime *r, const rg_tier *tiers, const char *path, rt_error *err)
{
    rg_regime_desc desc;
    memset(&desc, 0, sizeof desc);
    desc.n_tiers = (uint32_t)r->n_tiers;
    desc.tiers = tiers;
    memset(err, 0, sizeof *err);
    rt_set_quiet(1);
    rt_units *u = rt_units_load(&desc, path, err);
    rt_set_quiet(0);
    return u;
}

/* Without a units file, the units the test's rows name, in memory: each
 * directly under the top unit (the tiers between are left empty), loaded
 * through the runtime's own loader from a file in the test's folder. */
static rt_units *memory_units(const tfile *t, const tbatch *b)
{
    const m_regime *r = t->r;
    char *path = NULL;
    if (asprintf(&path, "%s/units.csv", t->libdir) < 0)
        abort();
    FILE *fp = fopen(path, "w");
    if (!fp) {
        free(path);
        return NULL;
    }
    rg_tier *tiers = xcalloc((size_t)r->n_tiers, sizeof *tiers);
    char (*cols)[16] = xcalloc((size_t)r->n_tiers, sizeof *cols);
    for (int k = 0; k < r->n_tiers; k++) {
        snprintf(cols[k], sizeof cols[k], "tier%d", k);
        tiers[k] = (rg_tier){r->tiers[k].name, {0, NULL}, cols[k], NULL, r->tiers[k].root_code, 1};
        fprintf(fp, "%s%s", k ? "," : "", cols[k]);
    }
    fputc('\n', fp);
    for (uint32_t i = 0; b && i < b->n; i++) {
        if (!b->unit_code[i] || !*b->unit_code[i])
            continue;
        for (int k = 0; k < r->n_tiers; k++) {
            if (k)
                fputc(',', fp);
            if (k != b->mf->unit_tier)
                continue;
            fputc('"', fp);
            for (const char *c = b->unit_code[i]; *c; c++)
                fputs(*c == '"' ? "\"\"" : (char[2]){*c, 0}, fp);
            fputc('"', fp);
        }
        fputc('\n', fp);
    }
    int bad = fclose(fp);
    rt_error err;
    rt_units *u = bad ? NULL : units_quiet(r, tiers, path, &err);
    unlink(path);
    free(path);
    free(tiers);
    free(cols);
    return u;
}

/* (value, scale) of a number as a decimal string. */
static char *scaled(int64_t v, int scale)
{
    char buf[48];
    const char *s = rt_dec_str(v, scale, buf); /* before strlen: arguments are unsequenced */
    return rt_xstrndup(s, strlen(s));
}

/* Exact at any pair of scales (the shared core, core.h). */
static int num_equal(int64_t a, int sa, int64_t b, int sb) { return rt_dec_cmp(a, sa, b, sb) == 0; }

/* expect row N FIELD = VALUE|missing: the field on the row, after the
 * library's validate kernel has computed the computed fields (running
 * totals, lags, per-unit fields as the row sees them). */
static void expect_value(trun *u, const ast_expect *x)
{
    tfile *t = u->t;
    if (x->row < 1 || x->row > u->n_rows || !x->value)
        return; /* sema reported it */
    tbatch *b = &u->batches[u->row_batch[x->row - 1]];
    uint32_t i = u->row_index[x->row - 1];
    const ir_form *f = b->f;
    int k = 0;
    while (k < f->n_fields && strcmp(f->fields[k].code, x->measure.text))
        k++;
    if (k == f->n_fields)
        return; /* a ratio or not a field of the form: sema reported it */
    const ast_expr *v = x->value;
    int want_missing = v->kind == AST_E_MISSING, ok;
    int present = b->cols[k].present && BIT(b->cols[k].present, i) && !BIT(b->overflow, i);
    int64_t got = present ? b->cols[k].v[i] : 0;
    int scale = f->fields[k].scale, is_bool = f->fields[k].type == RG_T_BOOL;
    if (want_missing)
        ok = !present;
    else if (v->kind == AST_E_BOOL)
        ok = present && is_bool && (got != 0) == (v->u.boolean != 0);
    else if (v->kind == AST_E_NUMBER || v->kind == AST_E_PERCENT) {
        /* a percentage holds 94.18 for 94.18%; elsewhere 94.18% is 0.9418 */
        int es = v->u.num.scale + (v->kind == AST_E_PERCENT && f->fields[k].type != RG_T_PERCENT ? 2 : 0);
        ok = present && !is_bool && num_equal(got, scale, v->u.num.value, es);
    } else
        return; /* sema reported it */
    if (ok)
        return;
    char *got_s = !present ? strdup("missing") : is_bool ? strdup(got ? "true" : "false") : scaled(got, scale);
    char *exp_s = fmt_expr_str(v);
    diag(&t->out, "E0796", x->loc, u->test->name.text, (long long)x->row, x->measure.text, got_s, exp_s);
    diag_hint(&t->out, "H0721", (long long)x->row, u->row_loc[x->row - 1]->line);
    free(got_s);
    free(exp_s);
    u->failures++;
}

static void expect_rollup(trun *u, const ast_expect *x)
{
    tfile *t = u->t;
    const m_regime *r = t->r;
    const char *title = u->test->name.text;
    const m_rollup *ru = NULL;
    const rg_rollup *kru = NULL;
    for (int k = 0; k < r->n_rollups; k++)
        if (!strcmp(r->rollups[k].name, x->rollup.text))
            ru = &r->rollups[k];
    for (uint32_t k = 0; ru && k < t->desc->n_rollups; k++)
        if (t->desc->rollups[k].name && !strcmp(t->desc->rollups[k].name, ru->name))
            kru = &t->desc->rollups[k];
    int level = m_tier_index(r, x->level.text);
    if (!ru || !kru || level < 0)
        return; /* sema reported it */
    const m_form *mf = &r->forms[ru->form];
    tbatch *b = NULL;
    for (int k = 0; k < u->n_batches; k++)
        if (u->batches[k].mf == mf)
            b = &u->batches[k];
    /* every unit is under the single top unit, units file or not */
    const char *root = level < mf->unit_tier ? r->tiers[level].root_code : NULL;
    if (level != mf->unit_tier && !t->units && !root) {
        diag(&t->out, "E0726", x->loc, title, ru->name, x->level.text,
             t->units_error ? t->units_error : "the tiers name no units file");
        u->failures++;
        return;
    }
    const ir_form *f = b ? b->f : NULL;
    if (!f) {
        for (int k = 0; k < t->ir.n_forms; k++)
            if (t->ir.forms[k].src == mf)
                f = &t->ir.forms[k];
    }
    /* the rows as `regrt rollup` takes them: those with no error, rolled up
     * by libregrt (rt_rollup_batch), the same code as the command */
    rt_units *mem = t->units ? NULL : memory_units(t, b);
    const rt_units *units = t->units ? t->units : mem;
    uint32_t n = b ? b->n : 0, nw = (n + 63) / 64;
    uint64_t *valid = xcalloc(nw ? nw : 1, sizeof *valid);
    rg_column *cols = NULL;
    int64_t *uv = NULL;
    uint64_t *up = NULL;
    for (uint32_t i = 0; i < n; i++) {
        int err = BIT(b->overflow, i);
        for (int q = 0; q < f->n_rules; q++)
            err |= BIT(b->fail[q], i) && f->rules[q].severity == RG_SEV_ERROR;
        if (!err)
            SET(valid, i);
    }
    if (b && !t->units && units) {
        /* the rows' units numbered as the table in memory numbers them */
        int uf = f->field_of[mf->unit_field];
        cols = xcalloc((size_t)f->n_fields, sizeof *cols);
        memcpy(cols, b->cols, sizeof *cols * (size_t)f->n_fields);
        uv = xcalloc(n ? n : 1, sizeof *uv);
        up = xcalloc(nw ? nw : 1, sizeof *up);
        for (uint32_t i = 0; i < n; i++) {
            const char *c = b->unit_code[i];
            int32_t g = c ? rt_units_find(units, mf->unit_tier, c, strlen(c)) : -1;
            uv[i] = g;
            if (g >= 0)
                SET(up, i);
        }
        cols[uf].v = uv;
        cols[uf].present = up;
    }
    rg_batch rb = {.n_rows = n, .cols = cols ? cols : b ? b->cols : NULL, .well_formed = b ? b->well_formed : NULL};
    rt_error rerr;
    memset(&rerr, 0, sizeof rerr);
    rt_rollup_mem *m = NULL;
    if (units) {
        rt_set_quiet(1);
        m = rt_rollup_batch(t->desc, kru, units, &rb, valid, &rerr);
        rt_set_quiet(0);
    }
    if (!m) {
        diag(&t->out, "E0726", x->loc, title, ru->name, x->level.text,
             units ? rerr.msg : "the units of the test's rows could not be listed");
        u->failures++;
        rt_units_free(mem);
        free(valid);
        free(cols);
        free(uv);
        free(up);
        return;
    }
    /* the group of the expectation's keys */
    const char *ukey = x->keys.n > 0 ? cell_text(&t->c->arena, x->keys.items[0]) : "";
    int64_t pkey = -1;
    if (x->keys.n > 1) {
        const char *ps = cell_text(&t->c->arena, x->keys.items[1]);
        pkey = rt_period_parse(ru->period, ps, strlen(ps));
    }
    int64_t *dims = xcalloc((size_t)mf->n_dims + 1, sizeof *dims);
    for (int d = 0; d < mf->n_dims; d++) {
        const ast_expr *k = d + 2 < x->keys.n ? x->keys.items[d + 2] : NULL;
        const m_field *df = &mf->fields[mf->dims[d]];
        const char *kt = k ? cell_text(&t->c->arena, k) : "";
        if (!k || k->kind == AST_E_MISSING)
            dims[d] = -1;
        else if (!strcmp(kt, RG_TOTAL_CODE))
            dims[d] = RT_DIM_TOTAL; /* a `total over` row (no group when there is no such total) */
        else if (df->type.kind == TY_BOOL)
            dims[d] = k->kind == AST_E_BOOL ? k->u.boolean : INT64_MAX;
        else
            dims[d] = code_index(df->type.list, kt);
        if (dims[d] == -1 && k && k->kind != AST_E_MISSING)
            dims[d] = INT64_MAX; /* not a value of the dimension: no group */
    }
    int64_t *out = xcalloc((size_t)f->n_outputs + 1, sizeof *out);
    uint64_t pres = 0;
    uint32_t nunits = 0;
    int hit = pkey >= 0 && rt_rollup_group(m, level, ukey, pkey, dims, out, &pres, &nunits) != 0;
    int want_missing = x->value && x->value->kind == AST_E_MISSING;
    if (!hit) {
        if (!want_missing) {
            diag(&t->out, "E0725", x->loc, title, ru->name, x->level.text);
            if (level != mf->unit_tier)
                diag_hint(&t->out, "H0723", x->level.text);
            u->failures++;
        }
    } else {
        int64_t got = 0;
        int present = 0, scale = 0, percent = 0;
        const char *what = x->measure.text;
        if (ru->count_column && !strcmp(ru->count_column, what)) {
            got = nunits;
            present = 1;
        } else {
            for (int k = 0; k < f->n_outputs; k++)
                if (!strcmp(f->outputs[k].code, what)) {
                    got = out[k];
                    present = k < 64 && ((pres >> k) & 1);
                    scale = f->outputs[k].scale;
                    percent = f->outputs[k].type == RG_T_PERCENT;
                }
        }
        int ok;
        char *exp_s;
        if (want_missing) {
            ok = !present;
            exp_s = strdup("missing");
        } else {
            const ast_expr *v = x->value;
            int64_t ev = 0;
            int es = 0;
            if (v && (v->kind == AST_E_NUMBER || v->kind == AST_E_PERCENT)) {
                ev = v->u.num.value;
                /* a percentage holds 94.18 for 94.18%; elsewhere 94.18% is 0.9418 */
                es = v->u.num.scale + (v->kind == AST_E_PERCENT && !percent ? 2 : 0);
            }
            ok = present && num_equal(got, scale, ev, es);
            char *s = fmt_expr_str(v);
            exp_s = s;
        }
        if (!ok) {
            char *got_s = present ? scaled(got, scale) : strdup("missing");
            char *unit_s = NULL;
            if (asprintf(&unit_s, "%s %s", x->level.text, ukey) < 0)
                abort();
            diag(&t->out, "E0724", x->loc, title, ru->name, what, got_s, unit_s, exp_s);
            if (present && !want_missing && x->value && x->value->u.num.scale > scale)
                diag_hint(&t->out, "H0722", scale, what);
            free(got_s);
            free(unit_s);
            u->failures++;
        }
        free(exp_s);
    }
    free(dims);
    free(out);
    free(valid);
    free(cols);
    free(uv);
    free(up);
    rt_rollup_mem_free(m);
    rt_units_free(mem);
}

/* ---- a test ---------------------------------------------------------------------- */

static const ir_form *ir_form_of(const tfile *t, const m_form *mf)
{
    for (int k = 0; k < t->ir.n_forms; k++)
        if (t->ir.forms[k].src == mf)
            return &t->ir.forms[k];
    return NULL;
}

static const m_form *form_named(const m_regime *r, const char *name)
{
    for (int k = 0; k < r->n_forms; k++)
        if (!strcmp(r->forms[k].code, name))
            return &r->forms[k];
    return NULL;
}

static void run_test(tfile *t, const ast_decl *d, tresult *res)
{
    trun u;
    memset(&u, 0, sizeof u);
    u.t = t;
    u.test = d;
    const m_regime *r = t->r;
    int total = 0;
    AST_EACH(const ast_data *, data, d->u.test.data) total += data->rows.n;
    u.n_rows = total;
    u.row_batch = xcalloc((size_t)total, sizeof *u.row_batch);
    u.row_index = xcalloc((size_t)total, sizeof *u.row_index);
    u.row_loc = xcalloc((size_t)total, sizeof *u.row_loc);
    u.batches = xcalloc((size_t)r->n_forms + 1, sizeof *u.batches);
    /* one batch per form, rows in the order of the test */
    for (int fi = 0; fi < r->n_forms; fi++) {
        const m_form *mf = &r->forms[fi];
        uint32_t n = 0;
        AST_EACH(const ast_data *, data, d->u.test.data) {
            if (form_named(r, data->form.text) == mf)
                n += (uint32_t)data->rows.n;
        }
        const ir_form *f = ir_form_of(t, mf);
        if (!f)
            continue;
        tbatch *b = &u.batches[u.n_batches++];
        batch_init(b, f, mf, n);
        unit_names un = {0};
        uint32_t i = 0;
        int row = 0;
        AST_EACH(const ast_data *, data, d->u.test.data) {
            int mine = form_named(r, data->form.text) == mf;
            for (int k = 0; k < data->rows.n; k++, row++) {
                if (!mine)
                    continue;
                const ast_list *vals = data->rows.items[k];
                b->test_row[i] = row + 1;
                u.row_batch[row] = u.n_batches - 1;
                u.row_index[row] = i;
                u.row_loc[row] = data->row_locs.items[k];
                int *given = xcalloc((size_t)f->n_fields, sizeof *given);
                for (int c = 0; c < data->columns.n && c < vals->n; c++) {
                    const ast_name *col = data->columns.items[c];
                    int mfi = m_form_field(mf, col->text);
                    int fi2 = mfi >= 0 ? f->field_of[mfi] : -1;
                    if (fi2 < 0)
                        continue;
                    const char *s = cell_text(&t->c->arena, vals->items[c]);
                    given[fi2] = 1;
                    if (read_cell(t, b, &un, fi2, i, s))
                        b->well_formed[i >> 6] &= ~(1ull << (i & 63)), SET(b->cols[fi2].malformed, i);
                    if (mfi == mf->unit_field && s[0])
                        b->unit_code[i] = s;
                }
                /* a column the test leaves out is an empty cell */
                for (int k2 = 0; k2 < f->n_fields; k2++)
                    if (!given[k2] && !(f->fields[k2].flags & RG_FIELD_COMPUTED) &&
                        read_cell(t, b, &un, k2, i, ""))
                        b->well_formed[i >> 6] &= ~(1ull << (i & 63)), SET(b->cols[k2].malformed, i);
                free(given);
                i++;
            }
        }
        free(un.v);
    }
    /* then the rules, every form's rows being read: form.field is joined by
     * libregrt's own join (regrt.h), as regrt validate joins DATA files */
    const rg_batch **forms = xcalloc((size_t)t->desc->n_forms + 1, sizeof *forms);
    rg_batch *rbs = xcalloc((size_t)u.n_batches + 1, sizeof *rbs);
    for (int k = 0; k < u.n_batches; k++) {
        tbatch *ob = &u.batches[k];
        const rg_form *of = lib_form(t, ob->f);
        rbs[k] = (rg_batch){.n_rows = ob->n, .cols = ob->cols, .well_formed = ob->well_formed};
        if (of && ob->n)
            forms[of - t->desc->forms] = &rbs[k];
    }
    for (int k = 0; k < u.n_batches; k++) {
        tbatch *b = &u.batches[k];
        const rg_form *kf = lib_form(t, b->f);
        if (!b->n || !kf)
            continue;
        b->other = rt_batch_other(t->desc, kf, &rbs[k], forms, &b->other_state);
        b->other_rows = rt_batch_other_rows(b->other_state);
        evaluate(t, b, kf);
        /* per-unit fields: one value per unit and period, rules on them
         * reported once (libregrt, as regrt reads DATA files) */
        int per_unit = 0;
        for (int q = 0; q < b->f->n_rules; q++)
            per_unit |= (b->f->rules[q].flags & RG_RULE_PER_UNIT) != 0;
        for (uint32_t q = 0; q < kf->n_fields; q++)
            per_unit |= (kf->fields[q].flags & RG_FIELD_PER_UNIT) != 0;
        if (per_unit) {
            rt_error perr;
            rg_batch pb = {.n_rows = b->n, .cols = b->cols, .well_formed = b->well_formed};
            b->rep = xcalloc(b->nw ? b->nw : 1, sizeof *b->rep);
            if (rt_batch_per_unit(t->desc, kf, &pb, b->rep, &perr)) {
                diag(&t->out, "E0790", d->name.loc, d->name.text, perr.msg);
                u.failures++;
            }
        }
    }
    free(forms);
    free(rbs);
    int first = t->out.n;
    int expectations = 0;
    AST_EACH(const ast_expect *, x, d->u.test.expects) {
        expectations++;
        if (x->kind == AST_X_ROLLUP)
            expect_rollup(&u, x);
        else if (x->kind == AST_X_MESSAGE)
            expect_message(&u, x);
        else if (x->kind == AST_X_VERDICT)
            expect_verdict(&u, x);
        else if (x->kind == AST_X_VALUE)
            expect_value(&u, x);
        else
            expect_row(&u, x);
    }
    res->test = d;
    res->first = first;
    res->n = t->out.n - first;
    res->expectations = expectations;
    for (int k = 0; k < u.n_batches; k++)
        batch_free(&u.batches[k]);
    free(u.batches);
    free(u.row_batch);
    free(u.row_index);
    free(u.row_loc);
}

/* The library `regc build` would ship, built into a temporary folder and
 * loaded as regrt loads it. */
static int build_lib(tfile *t, const char *path)
{
    const char *tmp = getenv("TMPDIR");
    if (asprintf(&t->libdir, "%s/regc-test-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
        abort();
    char *err = NULL;
    if (!mkdtemp(t->libdir)) {
        fprintf(stderr, "regc: %s: cannot create a temporary folder for the compiled library: %s\n", path,
                strerror(errno));
        free(t->libdir);
        t->libdir = NULL;
        return -1;
    }
    if (asprintf(&t->libso, "%s/%s.so", t->libdir, t->ir.name ? t->ir.name : "regime") < 0)
        abort();
    cg_opts co = {.compiler_version = "regc " REGIME_VERSION, .sm = &t->c->sm, .opt = 1};
    if (cg_build_so(&t->ir, &co, t->libso, &err) < 0) {
        fprintf(stderr, "regc: %s: the spec cannot be compiled for its tests: %s\n", path, err ? err : "?");
        free(err);
        return -1;
    }
    /* built here, by this process, in a private folder: loaded as such
     * (regrt's rt_regime_open verifies what a publisher signed) */
    t->lib = dlopen(t->libso, RTLD_NOW | RTLD_LOCAL);
    const uint32_t *abi = t->lib ? dlsym(t->lib, "regime_abi_version") : NULL;
    t->desc = t->lib ? dlsym(t->lib, "regime_descriptor") : NULL;
    if (!abi || !t->desc || *abi != REGIME_ABI_VERSION || (int)t->desc->n_forms != t->ir.n_forms) {
        fprintf(stderr, "regc: %s: the compiled library does not load: %s\n", path, t->lib ? "bad descriptor" : dlerror());
        return -1;
    }
    return 0;
}

/* The tiers as the runtime's unit loader wants them. */
static void load_units(tfile *t)
{
    const m_regime *r = t->r;
    if (!r->units_path || !r->n_tiers)
        return;
    rg_tier *tiers = xcalloc((size_t)r->n_tiers, sizeof *tiers);
    for (int k = 0; k < r->n_tiers; k++)
        tiers[k] = (rg_tier){r->tiers[k].name, {0, NULL}, r->tiers[k].column, r->tiers[k].names,
                             r->tiers[k].root_code, (uint32_t)r->tiers[k].optional};
    rt_error err;
    t->units = units_quiet(r, tiers, r->units_path, &err);
    free(tiers);
    if (!t->units) {
        t->units_error = arena_strdup(&t->c->arena, err.msg);
        src_loc none = {-1, 0, 0, 0, 0};
        diag(&t->out, "W0720", none, r->units_path, err.msg);
    }
}

/* ---- output ------------------------------------------------------------------------ */

static void xml_text(FILE *o, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '&': fputs("&amp;", o); break;
        case '"': fputs("&quot;", o); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputc(' ', o);
            else
                fputc(*s, o);
        }
    }
}

typedef struct tfile_result {
    const char *path;
    tfile *t;
    tresult *tests;
    int n_tests;
    int error;      /* the spec does not check */
} tfile_result;

static void print_json(const tfile_result *fr, int nf, int passed, int failed, FILE *o)
{
    fputs("{\"files\":[", o);
    for (int i = 0; i < nf; i++) {
        const tfile_result *f = &fr[i];
        fputs(i ? ",\n" : "\n", o);
        fputs("{\"file\":", o);
        json_write_string(o, f->path);
        fprintf(o, ",\"error\":%s,\"tests\":[", f->error ? "true" : "false");
        for (int k = 0; k < f->n_tests; k++) {
            const tresult *tr = &f->tests[k];
            fputs(k ? ",\n" : "\n", o);
            fputs("{\"name\":", o);
            json_write_string(o, tr->test->name.text);
            fprintf(o, ",\"line\":%d,\"expectations\":%d,\"passed\":%s,\"failures\":[", tr->test->loc.line,
                    tr->expectations, tr->n ? "false" : "true");
            for (int q = 0; q < tr->n; q++) {
                const diag_item *it = &f->t->out.items[tr->first + q];
                fprintf(o, "%s{\"line\":%d,\"column\":%d,\"code\":\"%s\",\"message\":", q ? "," : "", it->loc.line,
                        it->loc.col, it->code);
                json_write_string(o, it->message);
                fputs(",\"hints\":[", o);
                for (int h = 0; h < it->n_hints; h++) {
                    if (h)
                        fputc(',', o);
                    json_write_string(o, it->hints[h]);
                }
                fputs("]}", o);
            }
            fputs("]}", o);
        }
        fputs("]}", o);
    }
    fprintf(o, "\n],\"passed\":%d,\"failed\":%d}\n", passed, failed);
}

static void print_junit(const tfile_result *fr, int nf, int passed, int failed, FILE *o)
{
    int errors = 0;
    for (int i = 0; i < nf; i++)
        errors += fr[i].error;
    fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"regc test\" tests=\"%d\" "
               "failures=\"%d\" errors=\"%d\">\n", passed + failed + errors, failed, errors);
    for (int i = 0; i < nf; i++) {
        const tfile_result *f = &fr[i];
        int nfail = 0;
        for (int k = 0; k < f->n_tests; k++)
            nfail += f->tests[k].n > 0;
        fputs("  <testsuite name=\"", o);
        xml_text(o, f->path);
        fprintf(o, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", f->n_tests + f->error, nfail, f->error);
        if (f->error) {
            fputs("    <testcase classname=\"", o);
            xml_text(o, f->path);
            fputs("\" name=\"regc check\">\n      <error message=\"the spec does not check\"/>\n    </testcase>\n", o);
        }
        for (int k = 0; k < f->n_tests; k++) {
            const tresult *tr = &f->tests[k];
            fputs("    <testcase classname=\"", o);
            xml_text(o, f->path);
            fputs("\" name=\"", o);
            xml_text(o, tr->test->name.text);
            fputs("\" file=\"", o);
            xml_text(o, f->path);
            fprintf(o, "\" line=\"%d\"", tr->test->loc.line);
            if (!tr->n) {
                fputs("/>\n", o);
                continue;
            }
            fputs(">\n", o);
            for (int q = 0; q < tr->n; q++) {
                const diag_item *it = &f->t->out.items[tr->first + q];
                fputs("      <failure message=\"", o);
                xml_text(o, it->message);
                fprintf(o, "\" type=\"%s\">", it->code);
                fprintf(o, "%s:%d:%d: ", f->path, it->loc.line, it->loc.col);
                xml_text(o, it->message);
                for (int h = 0; h < it->n_hints; h++) {
                    fputs("\n  = ", o);
                    xml_text(o, it->hints[h]);
                }
                fputs("</failure>\n", o);
            }
            fputs("    </testcase>\n", o);
        }
        fputs("  </testsuite>\n", o);
    }
    fputs("</testsuites>\n", o);
}

int cmd_test(int argc, char **argv)
{
    cli_opts o;
    int r = cli_parse(&o, argc, argv, "test", CLI_FORMAT | CLI_JUNIT, usage);
    if (r >= 0)
        return r;
    tfile_result *fr = xcalloc((size_t)o.n_files, sizeof *fr);
    int passed = 0, failed = 0, errors = 0;
    FILE *text = o.json || o.junit ? stderr : stdout;
    for (int i = 0; i < o.n_files; i++) {
        tfile_result *f = &fr[i];
        f->path = o.files[i];
        compile_ctx *c = xcalloc(1, sizeof *c);
        tfile *t = xcalloc(1, sizeof *t);
        f->t = t;
        t->c = c;
        driver_init(c, o.lang);
        for (int k = 0; k < o.n_include; k++)
            driver_add_search(c, o.include[k]);
        driver_default_search(c);
        driver_load(c, f->path);
        diag_init(&t->out, &c->sm, o.lang);
        t->r = driver_check(c);
        if (t->r && lower_regime(&c->arena, t->r, &c->sm, &t->ir) != 0) {
            src_loc none = {-1, 0, 0, 0, 0};
            diag(&c->diag, "E0727", none, f->path);
            t->r = NULL;
        }
        if (!t->r) {
            diag_print_text(&c->diag, stderr, isatty(2));
            f->error = 1;
            errors++;
            continue;
        }
        load_units(t);
        if (t->r->n_tests && build_lib(t, f->path) < 0) {
            f->error = 1;
            errors++;
            continue;
        }
        f->tests = xcalloc((size_t)t->r->n_tests + 1, sizeof *f->tests);
        for (int k = 0; k < t->r->n_tests; k++) {
            run_test(t, t->r->tests[k], &f->tests[f->n_tests]);
            if (f->tests[f->n_tests].n)
                failed++;
            else
                passed++;
            f->n_tests++;
        }
        if (t->out.n) {
            t->out.n_errors = t->out.n_warnings = 0; /* the summary says it */
            diag_print_text(&t->out, text, text == stderr ? isatty(2) : isatty(1));
        }
    }
    if (o.json)
        print_json(fr, o.n_files, passed, failed, stdout);
    else if (o.junit)
        print_junit(fr, o.n_files, passed, failed, stdout);
    fflush(stdout);
    fprintf(text, "%d passed, %d failed\n", passed, failed);
    for (int i = 0; i < o.n_files; i++) {
        tfile *t = fr[i].t;
        if (!t)
            continue;
        if (t->units)
            rt_units_free(t->units);
        if (t->lib)
            dlclose(t->lib);
        if (t->libso)
            unlink(t->libso);
        if (t->libdir)
            rmdir(t->libdir);
        free(t->libso);
        free(t->libdir);
        diag_free(&t->out);
        driver_free(t->c);
        free(t->c);
        free(t);
        free(fr[i].tests);
    }
    free(fr);
    cli_free(&o);
    return errors ? 2 : failed ? 1 : 0;
}

/*
 * regdiff — differential test of the code generator against the reference
 * evaluator.
 *
 *   regdiff [-I DIR] [--rows N] [--seed S] [--random FORMS] [--split] [--keep DIR] SPEC...
 *
 * --random FORMS also generates FORMS random forms (random IR over every
 * operator, scale, missing mode and aggregation) and tests them the same way.
 * --split compiles every form as a big one: a validate and a message
 * function per rule (called by the kernels in turn), the light pipeline and
 * the fast back end, which only regimes of thousands of rules get.
 *
 * For each spec that checks clean: lower it, compile it to a shared
 * library (cg_build_so), dlopen it, then run random column batches through
 * both the compiled kernels and eval.c: every fail bit, overflow bit,
 * computed column, return code, accumulator word, combined group, output
 * and presence bit must be equal. Batches mix missing values, malformed
 * and well_formed bits, NULL bitmaps, NULL prev, zero denominators, small
 * values (so that equalities hold and rules pass) and values near the
 * int64 limits (so that overflow is exercised).
 *
 * The lowering leg (always run): a spec with one rule per construct of the
 * language (every comparison, tolerance, arithmetic, rounding, functions,
 * guards, missing modes, percents, rescaling) and four rows whose expected
 * failures were worked out by hand. Both the compiled kernels and the
 * evaluator must give exactly those: a lowering bug (`<=` lowered as `<`)
 * would make both agree with each other, but not with the hand.
 *
 * Exit status: 0 no mismatch, 1 mismatches, 2 a spec could not be built.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg_llvm.h"
#include "driver.h"
#include "eval.h"
#include "lower.h"
#include "regime.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static int64_t rnd_range(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

static long mismatches;
static int split; /* --split: cg_opts.part_nodes and big_module = 1 */

#define MISMATCH(...)                                                                                   \
    do {                                                                                                \
        if (mismatches++ < 20) {                                                                        \
            fprintf(stderr, "regdiff: mismatch: ");                                                     \
            fprintf(stderr, __VA_ARGS__);                                                               \
            fputc('\n', stderr);                                                                        \
        }                                                                                               \
    } while (0)

/* A value for a numeric column under a batch "profile". */
static int64_t gen_value(int profile, int type, int n_codes)
{
    if (type == RG_T_CODE)
        return rnd_range(-1, n_codes > 0 ? n_codes - 1 : 3);
    if (type == RG_T_UNIT)
        return rnd_range(-1, 50);
    if (type == RG_T_BOOL)
        return rnd_range(0, 2) == 2 ? 0 : rnd_range(0, 1);
    if (type == RG_T_PERIOD)
        return rnd_range(-1, 3) < 0 ? -1 : 2025 * 12 + rnd_range(0, 11);
    if (type == RG_T_DATE)
        return rnd_range(20000, 20100);
    static const int64_t extremes[] = {INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, INT64_MAX / 2,
                                       INT64_MIN / 2, (int64_t)1 << 62, -((int64_t)1 << 62), 999999999999999999LL,
                                       -999999999999999999LL, 4611686018427387904LL / 10, 0, 1, -1};
    switch (profile) {
    case 0: /* small: equalities hold often, zero denominators */
        return rnd_range(0, 3);
    case 1: /* realistic counts */
        return rnd_range(0, 2000);
    case 2: /* extremes */
        return rnd() % 3 ? extremes[rnd() % (sizeof extremes / sizeof *extremes)] : (int64_t)rnd();
    default: /* mixed, signed */
        return rnd() % 8 == 0 ? extremes[rnd() % (sizeof extremes / sizeof *extremes)] : rnd_range(-1000, 1000);
    }
}

typedef struct colset {
    rg_column *cols;
    int64_t **v;
    uint64_t **present, **malformed;
} colset;

static void colset_alloc(colset *s, int nf, uint32_t n)
{
    size_t nw = (n + 63) / 64 + 1;
    s->cols = calloc((size_t)nf + 1, sizeof *s->cols);
    s->v = calloc((size_t)nf + 1, sizeof *s->v);
    s->present = calloc((size_t)nf + 1, sizeof *s->present);
    s->malformed = calloc((size_t)nf + 1, sizeof *s->malformed);
    for (int i = 0; i < nf; i++) {
        s->v[i] = calloc((size_t)n + 1, sizeof(int64_t));
        s->present[i] = calloc(nw, sizeof(uint64_t));
        s->malformed[i] = calloc(nw, sizeof(uint64_t));
        s->cols[i].v = s->v[i];
        s->cols[i].present = s->present[i];
        s->cols[i].malformed = s->malformed[i];
    }
}

static void colset_free(colset *s, int nf)
{
    for (int i = 0; i < nf; i++) {
        free(s->v[i]);
        free(s->present[i]);
        free(s->malformed[i]);
    }
    free(s->cols);
    free(s->v);
    free(s->present);
    free(s->malformed);
}

static void colset_copy(colset *dst, const colset *src, int nf, uint32_t n)
{
    size_t nw = (n + 63) / 64 + 1;
    for (int i = 0; i < nf; i++) {
        memcpy(dst->v[i], src->v[i], sizeof(int64_t) * (n + 1));
        memcpy(dst->present[i], src->present[i], sizeof(uint64_t) * nw);
        memcpy(dst->malformed[i], src->malformed[i], sizeof(uint64_t) * nw);
        dst->cols[i].present = src->cols[i].present ? dst->present[i] : NULL;
    }
}

static void fill(colset *s, const ir_form *f, const m_regime *r, uint32_t n, int profile, int pct_present)
{
    for (int k = 0; k < f->n_fields; k++) {
        const ir_field *x = &f->fields[k];
        int n_codes = x->src && x->src->type.list ? x->src->type.list->n_codes : 0;
        (void)r;
        /* garbage in the values of missing rows must not matter */
        for (uint32_t i = 0; i < n; i++)
            s->v[k][i] = gen_value(profile, x->type, n_codes);
        for (uint32_t i = 0; i < n; i++) {
            if ((int)(rnd() % 100) < pct_present)
                s->present[k][i >> 6] |= 1ull << (i & 63);
            else if (rnd() % 2)
                s->malformed[k][i >> 6] |= 1ull << (i & 63);
        }
        /* the host's contract leaves bits past n_rows clear, but be hostile */
        s->cols[k].present = rnd() % 50 == 0 ? NULL : s->present[k];
    }
}

/* Per-unit rules (RG_RULE_PER_UNIT): a host gives every row of a unit and
 * period the same per-unit values and reports such a rule once, so its
 * verdict must not depend on anything else of the row. With the per-unit
 * input columns (and the previous period's) made equal on every row, the
 * kernels and the evaluator must agree and give each per-unit rule one bit
 * for all the rows that did not overflow. Returns the rules checked. */
static int per_unit_leg(const ir_form *f, const rg_form *df, const colset *base, const colset *prev, int with_prev,
                        uint32_t n, int iter)
{
    int nf = f->n_fields, nr = f->n_rules, any = 0;
    for (int k = 0; k < nr; k++)
        any |= (f->rules[k].flags & RG_RULE_PER_UNIT) != 0;
    if (!any || n < 2)
        return 0;
    uint32_t nw = (n + 63) / 64;
    colset c, p, e;
    colset_alloc(&c, nf, n);
    colset_alloc(&p, nf, n);
    colset_alloc(&e, nf, n);
    colset_copy(&c, base, nf, n);
    colset_copy(&p, prev, nf, n);
    /* one unit and period: its keys and per-unit figures on every row (the
     * previous period's computed ones too, as the host joins them) */
    for (int x = 0; x < nf; x++) {
        uint32_t fl = f->fields[x].flags;
        if (!(fl & (RG_FIELD_PER_UNIT | RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD)))
            continue;
        colset *cs[2] = {&c, &p};
        for (int s = (fl & RG_FIELD_COMPUTED) ? 1 : 0; s < 2; s++) {
            uint64_t pr = cs[s]->present[x][0] & 1, ml = cs[s]->malformed[x][0] & 1;
            for (uint32_t i = 1; i < n; i++) {
                cs[s]->v[x][i] = cs[s]->v[x][0];
                cs[s]->present[x][i >> 6] = (cs[s]->present[x][i >> 6] & ~(1ull << (i & 63))) | pr << (i & 63);
                cs[s]->malformed[x][i >> 6] = (cs[s]->malformed[x][i >> 6] & ~(1ull << (i & 63))) | ml << (i & 63);
            }
        }
    }
    colset_copy(&e, &c, nf, n);
    for (int k = 0; k < f->n_computed; k++) {
        c.cols[f->computed[k]].present = c.present[f->computed[k]];
        e.cols[f->computed[k]].present = e.present[f->computed[k]];
    }
    rg_batch bc = {.n_rows = n, .cols = c.cols, .prev = with_prev ? p.cols : NULL};
    rg_batch be = {.n_rows = n, .cols = e.cols, .prev = with_prev ? p.cols : NULL};
    uint64_t **fc = calloc((size_t)nr + 1, sizeof *fc), **fe = calloc((size_t)nr + 1, sizeof *fe);
    for (int k = 0; k < nr; k++) {
        fc[k] = calloc(nw + 1, sizeof(uint64_t));
        fe[k] = calloc(nw + 1, sizeof(uint64_t));
    }
    uint64_t *oc = calloc(nw + 1, sizeof *oc), *oe = calloc(nw + 1, sizeof *oe);
    if (df->validate)
        df->validate(&bc, fc, oc);
    eval_validate(f, &be, fe, oe);
    int checked = 0;
    for (int k = 0; k < nr; k++) {
        if (!(f->rules[k].flags & RG_RULE_PER_UNIT))
            continue;
        checked++;
        int first = -1;
        for (uint32_t i = 0; i < n; i++) {
            int bk = (int)(fc[k][i >> 6] >> (i & 63) & 1), be_ = (int)(fe[k][i >> 6] >> (i & 63) & 1);
            if (bk != be_) {
                MISMATCH("%s per-unit rule %s row %u: kernel %d evaluator %d (batch %d)", f->code, f->rules[k].code, i,
                         bk, be_, iter);
                break;
            }
            if (oe[i >> 6] >> (i & 63) & 1)
                continue;
            if (first < 0)
                first = be_;
            else if (be_ != first) {
                MISMATCH("%s per-unit rule %s row %u: %d where the unit's other rows give %d (batch %d)", f->code,
                         f->rules[k].code, i, be_, first, iter);
                break;
            }
        }
    }
    for (int k = 0; k < nr; k++) {
        free(fc[k]);
        free(fe[k]);
    }
    free(fc);
    free(fe);
    free(oc);
    free(oe);
    colset_free(&c, nf);
    colset_free(&p, nf);
    colset_free(&e, nf);
    return checked;
}

static long per_unit_checks;

static int run_form(const ir_form *f, const rg_form *df, const m_regime *r, uint32_t n, int iter)
{
    int nf = f->n_fields, nr = f->n_rules;
    uint32_t nw = (n + 63) / 64;
    int profile = (int)(rnd() % 4), pct = (int)rnd_range(50, 100);
    if (iter % 5 == 0)
        pct = 100;
    colset base, a, b, prev;
    colset_alloc(&base, nf, n);
    colset_alloc(&a, nf, n);
    colset_alloc(&b, nf, n);
    colset_alloc(&prev, nf + f->n_lags, n); /* the fields, then the lags */
    fill(&base, f, r, n, profile, pct);
    fill(&prev, f, r, n, profile, pct);
    for (int l = 0; l < f->n_lags; l++) { /* a lag holds values of its field's type */
        int src = f->lags[l].field;
        for (uint32_t i = 0; i < n; i++) {
            prev.v[nf + l][i] = prev.v[src][(i * 7 + 3) % n];
            if (rnd() % 3)
                prev.present[nf + l][i >> 6] |= 1ull << (i & 63);
        }
    }
    colset_copy(&a, &base, nf, n);
    colset_copy(&b, &base, nf, n);
    for (int k = 0; k < f->n_computed; k++) { /* computed columns are the kernel's to write */
        a.cols[f->computed[k]].present = a.present[f->computed[k]];
        b.cols[f->computed[k]].present = b.present[f->computed[k]];
    }
    uint64_t *wf = calloc(nw + 1, sizeof *wf);
    for (uint32_t i = 0; i < n; i++)
        if (rnd() % 10)
            wf[i >> 6] |= 1ull << (i & 63);
    int with_prev = rnd() % 2, with_wf = rnd() % 8 != 0;
    /* other forms (cross-form reads): random columns for every form, any
     * of them NULL, or no `other` at all; values and types do not matter
     * to the comparison, only that both read the same bits */
    enum { OTH_COLS = 128, OTH_FORMS = 16 };
    colset oth;
    colset_alloc(&oth, OTH_COLS, n);
    for (int k = 0; k < OTH_COLS; k++) {
        for (uint32_t i = 0; i < n; i++) {
            oth.v[k][i] = gen_value(profile, RG_T_INTEGER, 0);
            if ((int)(rnd() % 100) < pct)
                oth.present[k][i >> 6] |= 1ull << (i & 63);
        }
        if (rnd() % 40 == 0)
            oth.cols[k].present = NULL;
        if (rnd() % 40 == 0)
            oth.cols[k].v = NULL;
    }
    const rg_column *oth_forms[OTH_FORMS];
    for (int g = 0; g < OTH_FORMS; g++)
        oth_forms[g] = rnd() % 6 == 0 ? NULL : oth.cols;
    const rg_column *const *other = rnd() % 5 == 0 ? NULL : oth_forms;
    /* which joined rows exist (absent vs empty): random, or NULL bitmaps */
    uint64_t *xrows = calloc(3 * (nw + 1), sizeof *xrows);
    for (uint32_t w = 0; w < 3 * (nw + 1); w++)
        xrows[w] = ((uint64_t)rnd() << 32) ^ (uint64_t)rnd();
    const uint64_t *oth_rows[OTH_FORMS];
    for (int g = 0; g < OTH_FORMS; g++)
        oth_rows[g] = rnd() % 4 == 0 ? NULL : xrows + 2 * (nw + 1);
    const uint64_t *prev_rows = rnd() % 4 == 0 ? NULL : xrows;
    const uint64_t *const *other_rows = rnd() % 4 == 0 ? NULL : oth_rows;
    rg_batch ba = {.n_rows = n, .cols = a.cols, .prev = with_prev ? prev.cols : NULL, .well_formed = with_wf ? wf : NULL, .other = other,
                   .prev_rows = prev_rows, .other_rows = other_rows};
    rg_batch bb = {.n_rows = n, .cols = b.cols, .prev = with_prev ? prev.cols : NULL, .well_formed = with_wf ? wf : NULL, .other = other,
                   .prev_rows = prev_rows, .other_rows = other_rows};

    /* ---- validate ---- */
    uint64_t **fa = calloc((size_t)nr + 1, sizeof *fa), **fb = calloc((size_t)nr + 1, sizeof *fb);
    for (int k = 0; k < nr; k++) {
        fa[k] = malloc((nw + 1) * sizeof(uint64_t));
        fb[k] = malloc((nw + 1) * sizeof(uint64_t));
        memset(fa[k], 0xa5, (nw + 1) * sizeof(uint64_t)); /* must be overwritten */
        memset(fb[k], 0x5a, (nw + 1) * sizeof(uint64_t));
    }
    uint64_t *oa = malloc((nw + 1) * sizeof *oa), *ob = malloc((nw + 1) * sizeof *ob);
    memset(oa, 0xa5, (nw + 1) * sizeof *oa);
    memset(ob, 0x5a, (nw + 1) * sizeof *ob);
    int ra = df->validate ? df->validate(&ba, fa, oa) : 0;
    int rb = eval_validate(f, &bb, fb, ob);
    if (ra != rb)
        MISMATCH("%s validate returned %d, evaluator %d (batch %d)", f->code, ra, rb, iter);
    for (uint32_t w = 0; w < nw; w++) {
        for (int k = 0; k < nr; k++)
            if (fa[k][w] != fb[k][w])
                MISMATCH("%s rule %s word %u: kernel %016llx evaluator %016llx (batch %d, profile %d)", f->code,
                         f->rules[k].code, w, (unsigned long long)fa[k][w], (unsigned long long)fb[k][w], iter,
                         profile);
        if (oa[w] != ob[w])
            MISMATCH("%s overflow word %u: kernel %016llx evaluator %016llx", f->code, w,
                     (unsigned long long)oa[w], (unsigned long long)ob[w]);
    }
    /* the results as data (regrt validate --results): the message kernel's
     * verdict and imbalance against the evaluator's, and a verdict false
     * exactly where validate failed the row (overflow aside) */
    for (uint32_t i = 0; i < n && i < 96 && df->message; i++)
        for (int k = 0; k < nr; k++) {
            const ir_rule *ru = &f->rules[k];
            int64_t out[64];
            uint64_t pres = 0;
            if (df->message(&ba, (uint32_t)k, i, out, &pres) != 0)
                MISMATCH("%s rule %s: message kernel refused row %u", f->code, ru->code, i);
            if (df->rules[k].verdict != ru->verdict || df->rules[k].imbalance != ru->imbalance)
                MISMATCH("%s rule %s: descriptor verdict/imbalance index", f->code, ru->code);
            int idx[3] = {ru->verdict, ru->imbalance, ru->guard};
            if (df->rules[k].guard != ru->guard)
                MISMATCH("%s rule %s: descriptor guard index", f->code, ru->code);
            for (int h = 0; h < 3; h++) {
                if (idx[h] < 0)
                    continue;
                eval_val e = eval_expr(f, ru->values[idx[h]].expr, &bb, i, NULL);
                int ep = e.present && !e.overflow, kp = (int)(pres >> idx[h] & 1);
                if (ep != kp || (ep && e.v != out[idx[h]]))
                    MISMATCH("%s rule %s row %u %s: kernel %d/%lld evaluator %d/%lld (batch %d)", f->code, ru->code, i,
                             h == 2 ? "guard" : h ? "imbalance" : "verdict", kp, (long long)out[idx[h]], ep, (long long)e.v, iter);
            }
            int failed = (int)(fb[k][i >> 6] >> (i & 63) & 1), ovf = (int)(ob[i >> 6] >> (i & 63) & 1);
            int vfalse = ru->verdict >= 0 && (pres >> ru->verdict & 1) && out[ru->verdict] == 0;
            if (!ovf && failed != vfalse)
                MISMATCH("%s rule %s row %u: validate %s the row, the verdict is %s (batch %d)", f->code, ru->code, i,
                         failed ? "fails" : "passes", vfalse ? "false" : "not false", iter);
        }
    for (int k = 0; k < f->n_computed; k++) {
        int c = f->computed[k];
        for (uint32_t w = 0; w < nw; w++)
            if (a.present[c][w] != b.present[c][w])
                MISMATCH("%s computed %s present word %u", f->code, f->fields[c].code, w);
        for (uint32_t i = 0; i < n; i++)
            if (a.v[c][i] != b.v[c][i]) {
                MISMATCH("%s computed %s row %u: %lld vs %lld", f->code, f->fields[c].code, i,
                         (long long)a.v[c][i], (long long)b.v[c][i]);
                break;
            }
    }

    per_unit_checks += per_unit_leg(f, df, &base, &prev, with_prev, n, iter);

    /* ---- accumulate, combine, finalize (a hierarchy's pivot has none) ---- */
    int na = f->n_acc, groups = (int)rnd_range(1, 40);
    if (!df->accumulate)
        goto done;
    if ((int)df->n_acc != na)
        MISMATCH("%s n_acc %u vs %d", f->code, df->n_acc, na);
    uint32_t *slot = malloc((n + 1) * sizeof *slot);
    uint8_t *pos = malloc(n + 1);
    for (uint32_t i = 0; i < n; i++) {
        slot[i] = rnd() % 7 == 0 ? UINT32_MAX : (uint32_t)rnd_range(0, groups - 1);
        pos[i] = (uint8_t)rnd_range(0, 255); /* first, last, sub-period index */
    }
    size_t accn = (size_t)groups * (size_t)na;
    int64_t *acc_a = calloc(accn + 1, sizeof *acc_a), *acc_b = calloc(accn + 1, sizeof *acc_b);
    if (profile == 2)
        for (size_t i = 0; i < accn; i++)
            acc_a[i] = rnd() % 4 ? 0 : gen_value(2, RG_T_INTEGER, 0);
    memcpy(acc_b, acc_a, accn * sizeof *acc_a);
    /* the same rows must be accumulated as validate left them */
    uint8_t *use_pos = rnd() % 6 ? pos : NULL;
    ra = df->accumulate(&ba, slot, use_pos, acc_a);
    rb = eval_accumulate(f, &bb, slot, use_pos, acc_b);
    if (ra != rb)
        MISMATCH("%s accumulate returned %d, evaluator %d", f->code, ra, rb);
    for (size_t i = 0; i < accn; i++)
        if (acc_a[i] != acc_b[i]) {
            MISMATCH("%s accumulator word %zu: %lld vs %lld (batch %d)", f->code, i, (long long)acc_a[i],
                     (long long)acc_b[i], iter);
            break;
        }
    /* Totals across a dimension (`total over`): the runtime combines each
     * unit's groups of every code into the unit's total, then rolls the
     * totals up; the code rows are rolled up unit by unit. Two units by two
     * codes added up both ways, by the kernel and by the evaluator, must
     * finalize to the same figures (the total is the sum of the rows above
     * it), unless an order overflowed. */
    if (groups >= 4) {
        int64_t *w = calloc((size_t)na * 12 + 1, sizeof *w);
        int64_t *g[4];
        for (int k = 0; k < 4; k++) g[k] = acc_a + (size_t)k * na; /* unit k/2, code k%2 */
        int64_t *t_codes[2] = {w, w + na}, *t_units[2] = {w + 2 * na, w + 3 * na};
        int64_t *e_codes[2] = {w + 4 * na, w + 5 * na}, *e_units[2] = {w + 6 * na, w + 7 * na};
        for (int c = 0; c < 2; c++) { /* per code: unit 0 + unit 1 */
            memcpy(t_codes[c], g[c], (size_t)na * sizeof *w);
            df->combine(t_codes[c], g[2 + c]);
            memcpy(e_codes[c], g[c], (size_t)na * sizeof *w);
            eval_combine(f, e_codes[c], g[2 + c]);
        }
        for (int u = 0; u < 2; u++) { /* per unit: code 0 + code 1 */
            memcpy(t_units[u], g[2 * u], (size_t)na * sizeof *w);
            df->combine(t_units[u], g[2 * u + 1]);
            memcpy(e_units[u], g[2 * u], (size_t)na * sizeof *w);
            eval_combine(f, e_units[u], g[2 * u + 1]);
        }
        df->combine(t_codes[0], t_codes[1]);
        df->combine(t_units[0], t_units[1]);
        eval_combine(f, e_codes[0], e_codes[1]);
        eval_combine(f, e_units[0], e_units[1]);
        int64_t *tot[4] = {t_codes[0], t_units[0], e_codes[0], e_units[0]};
        int ovf = 0;
        for (int k = 0; k < 4; k++) ovf |= tot[k][na - 1] < 0;
        int no_ = f->n_outputs;
        int64_t *o4 = calloc((size_t)(no_ + 1) * 4, sizeof *o4);
        uint64_t p4[4];
        for (int k = 0; k < 4 && !ovf; k++) {
            if (k < 2) df->finalize(tot[k], o4 + (size_t)k * (no_ + 1), &p4[k]);
            else eval_finalize(f, tot[k], o4 + (size_t)k * (no_ + 1), &p4[k]);
        }
        for (int k = 1; k < 4 && !ovf; k++) {
            if (p4[k] != p4[0])
                MISMATCH("%s total %d present %016llx vs %016llx", f->code, k, (unsigned long long)p4[k],
                         (unsigned long long)p4[0]);
            for (int o = 0; o < no_; o++)
                if ((p4[0] >> o & 1) && o4[(size_t)k * (no_ + 1) + o] != o4[o])
                    MISMATCH("%s total %d output %s: %lld vs %lld", f->code, k, f->outputs[o].code,
                             (long long)o4[(size_t)k * (no_ + 1) + o], (long long)o4[o]);
        }
        free(o4);
        free(w);
    }
    for (int t = 0; t < groups; t++) {
        int d = (int)rnd_range(0, groups - 1), s = (int)rnd_range(0, groups - 1);
        if (d == s)
            continue;
        ra = df->combine(acc_a + (size_t)d * na, acc_a + (size_t)s * na);
        rb = eval_combine(f, acc_b + (size_t)d * na, acc_b + (size_t)s * na);
        if (ra != rb)
            MISMATCH("%s combine returned %d, evaluator %d", f->code, ra, rb);
    }
    for (size_t i = 0; i < accn; i++)
        if (acc_a[i] != acc_b[i]) {
            MISMATCH("%s combined word %zu: %lld vs %lld", f->code, i, (long long)acc_a[i], (long long)acc_b[i]);
            break;
        }
    int no = f->n_outputs;
    if ((int)df->n_outputs != no)
        MISMATCH("%s n_outputs %u vs %d", f->code, df->n_outputs, no);
    int64_t *outa = calloc((size_t)no + 1, sizeof *outa), *outb = calloc((size_t)no + 1, sizeof *outb);
    for (int g = 0; g < groups; g++) {
        uint64_t pa = 0x1234, pb = 0x4321;
        df->finalize(acc_b + (size_t)g * na, outa, &pa);
        eval_finalize(f, acc_b + (size_t)g * na, outb, &pb);
        if (pa != pb)
            MISMATCH("%s finalize present %016llx vs %016llx", f->code, (unsigned long long)pa,
                     (unsigned long long)pb);
        for (int k = 0; k < no; k++)
            if (outa[k] != outb[k])
                MISMATCH("%s output %s: %lld vs %lld", f->code, f->outputs[k].code, (long long)outa[k],
                         (long long)outb[k]);
    }
    free(slot);
    free(pos);
    free(acc_a);
    free(acc_b);
    free(outa);
    free(outb);
done:

    for (int k = 0; k < nr; k++) {
        free(fa[k]);
        free(fb[k]);
    }
    free(fa);
    free(fb);
    free(oa);
    free(ob);
    free(wf);
    free(xrows);
    colset_free(&base, nf);
    colset_free(&a, nf);
    colset_free(&b, nf);
    colset_free(&prev, nf + f->n_lags);
    colset_free(&oth, OTH_COLS);
    return 0;
}


/* ---- random forms: every IR operator, scales and modes ---------------- */

static arena rnd_arena;

static ir_expr *node(ir_op op, int scale, ir_expr *a, ir_expr *b)
{
    ir_expr *e = ir_new(&rnd_arena, op, scale);
    e->a = a;
    e->b = b;
    return e;
}

static ir_expr *to_scale(ir_expr *e, int s) { return e->scale == s ? e : node(IR_RESCALE, s, e, NULL); }

typedef struct rform {
    ir_form f;
    m_form mf;
    m_regime mr;
    int n_num;        /* numeric fields are 3 .. 3+n_num-1 */
    int bool_field, code_field;
} rform;

static int zero_mode;

static ir_expr *gen_num(rform *rf, int depth, int acc);

static ir_expr *gen_bool(rform *rf, int depth)
{
    int k = depth <= 0 ? (int)rnd_range(0, 2) : (int)rnd_range(0, 11);
    ir_expr *e;
    switch (k) {
    case 0: {
        e = node(IR_FIELD, 0, NULL, NULL);
        e->field = rf->bool_field;
        e->is_bool = 1;
        e->zero = zero_mode && rnd() % 2;
        return e;
    }
    case 10: {
        /* IR_EXISTS of a leaf of any source (a rule's missing-value mode) */
        ir_expr *x = gen_num(rf, 0, 0);
        e = node(IR_EXISTS, 0, x, NULL);
        e->is_bool = 1;
        return e;
    }
    case 11: {
        /* a mode's null verdict: if(cond, check, missing) */
        e = node(IR_IF, 0, gen_bool(rf, depth - 1), gen_bool(rf, depth - 1));
        e->c = node(IR_MISSING, 0, NULL, NULL);
        e->c->is_bool = 1;
        e->is_bool = 1;
        return e;
    }
    case 1:
        e = node(IR_WELL_FORMED, 0, NULL, NULL);
        e->is_bool = 1;
        return e;
    case 2: {
        ir_expr *x = node(IR_FIELD, 0, NULL, NULL);
        x->field = rf->code_field;
        e = node(IR_IN, 0, x, NULL);
        if (rnd() % 2) {
            int64_t *set = arena_alloc(&rnd_arena, 3 * sizeof *set);
            set[0] = rnd_range(-2, 3);
            set[1] = rnd_range(0, 3);
            e->set = set;
            e->n_set = (int)rnd_range(1, 2);
        }
        e->is_bool = 1;
        return e;
    }
    case 3: case 4: case 5: {
        ir_expr *a = gen_num(rf, depth - 1, 0), *b = gen_num(rf, depth - 1, 0);
        int s = a->scale > b->scale ? a->scale : b->scale;
        e = node(IR_CMP, 0, to_scale(a, s), to_scale(b, s));
        e->cmp = (ir_cmp)rnd_range(1, 6);
        if (rnd() % 3 == 0) {
            ir_expr *t = node(IR_CONST, s, NULL, NULL);
            t->value = rnd() % 4 == 0 ? gen_value(2, RG_T_INTEGER, 0) : rnd_range(0, 3);
            e->c = t;
        }
        e->is_bool = 1;
        return e;
    }
    case 6:
        e = node(rnd() % 2 ? IR_AND : IR_OR, 0, gen_bool(rf, depth - 1), gen_bool(rf, depth - 1));
        e->is_bool = 1;
        return e;
    case 7:
        e = node(IR_NOT, 0, gen_bool(rf, depth - 1), NULL);
        e->is_bool = 1;
        return e;
    case 8:
        if (rnd() % 3 == 0) { /* running_sum()'s window start: the period's place */
            ir_expr *p = node(IR_FIELD, 0, NULL, NULL);
            p->field = 1;
            e = node(IR_PSTART, 0, p, NULL);
            e->value = (int64_t)rnd_range(1, 12);
            e->is_bool = 1;
            return e;
        }
        e = node(IR_PRESENT, 0, gen_num(rf, depth - 1, 0), NULL);
        e->is_bool = 1;
        return e;
    default:
        e = node(IR_IF, 0, gen_bool(rf, depth - 1), gen_bool(rf, depth - 1));
        e->c = gen_bool(rf, depth - 1);
        e->is_bool = 1;
        return e;
    }
}

static ir_expr *gen_num(rform *rf, int depth, int acc)
{
    int k = depth <= 0 ? (int)rnd_range(0, 3) : (int)rnd_range(0, 15);
    ir_expr *e;
    if (k <= 2) { /* a field */
        int fi = 3 + (int)rnd_range(0, rf->n_num - 1);
        if (acc && rf->f.fields[fi].acc < 0)
            fi = 3;
        ir_op op = acc ? IR_ACC : k == 2 ? (rnd() % 3 == 0 ? IR_OTHER : rnd() % 2 ? IR_PREV : IR_CHILD) : IR_FIELD;
        e = node(op, rf->f.fields[fi].scale + (rf->f.fields[fi].type == RG_T_PERCENT ? 2 : 0), NULL, NULL);
        e->field = fi;
        if (op == IR_PREV && rnd() % 2) /* previous(x, k): the lag column of field fi */
            e->field = rf->f.n_fields + (fi - 3);
        e->form = (int)rnd_range(0, 3); /* IR_OTHER: batch->other[form] */
        /* ir_zero: none, missing reads 0, absent reads 0 */
        e->zero = !acc && zero_mode ? (int)rnd_range(0, 2) : 0;
        return e;
    }
    if (k == 3) {
        e = node(IR_CONST, (int)rnd_range(0, 4), NULL, NULL);
        e->value = rnd() % 5 == 0 ? gen_value(2, RG_T_INTEGER, 0) : rnd_range(-5, 100);
        return e;
    }
    ir_expr *a = gen_num(rf, depth - 1, acc), *b;
    int s;
    switch (k) {
    case 4: case 5:
        b = gen_num(rf, depth - 1, acc);
        s = a->scale > b->scale ? a->scale : b->scale;
        return node(k == 4 ? IR_ADD : IR_SUB, s, to_scale(a, s), to_scale(b, s));
    case 6:
        b = gen_num(rf, depth - 1, acc);
        e = node(IR_MUL, a->scale + b->scale, a, b);
        return e->scale > 18 ? to_scale(e, 18) : e;
    case 7: case 8:
        b = gen_num(rf, depth - 1, acc);
        return node(IR_DIV, (int)rnd_range(0, 6), a, b);
    case 9:
        return node(rnd() % 2 ? IR_NEG : IR_ABS, a->scale, a, NULL);
    case 10:
        return to_scale(a, (int)rnd_range(0, 8));
    case 11:
        b = gen_num(rf, depth - 1, acc);
        s = a->scale > b->scale ? a->scale : b->scale;
        return node(rnd() % 2 ? IR_MIN : IR_MAX, s, to_scale(a, s), to_scale(b, s));
    case 12:
        if (acc)
            return a;
        b = gen_num(rf, depth - 1, acc);
        s = a->scale > b->scale ? a->scale : b->scale;
        e = node(IR_IF, s, gen_bool(rf, depth - 1), to_scale(a, s));
        e->c = to_scale(b, s);
        return e;
    case 13:
        b = gen_num(rf, depth - 1, acc);
        s = a->scale > b->scale ? a->scale : b->scale;
        return node(IR_COALESCE, s, to_scale(a, s), to_scale(b, s));
    case 14:
        return acc ? a : node(IR_MISSING, a->scale, NULL, NULL);
    default:
        return a;
    }
}

static void gen_form(rform *rf, int id)
{
    memset(rf, 0, sizeof *rf);
    static const int types[] = {RG_T_INTEGER, RG_T_COUNT, RG_T_DECIMAL, RG_T_MONEY, RG_T_PERCENT, RG_T_RATIO};
    static const int aggs[][2] = {{RG_TIME_SUM, RG_UNITS_SUM}, {RG_TIME_OPENING, RG_UNITS_SUM},
                                  {RG_TIME_CLOSING, RG_UNITS_SUM}, {RG_TIME_SUM, RG_UNITS_COUNT},
                                  {RG_TIME_AVERAGE, RG_UNITS_AVERAGE}, {RG_TIME_SUM, RG_UNITS_WEIGHTED_AVERAGE},
                                  {RG_TIME_SUM, RG_UNITS_MIN}, {RG_TIME_SUM, RG_UNITS_MAX},
                                  {RG_TIME_NONE, RG_UNITS_NONE}, {RG_TIME_OPENING_STRICT, RG_UNITS_SUM},
                                  {RG_TIME_CLOSING_STRICT, RG_UNITS_SUM}, {RG_TIME_CLOSING, RG_UNITS_MAX},
                                  {RG_TIME_OPENING, RG_UNITS_AVERAGE}};
    rf->n_num = (int)rnd_range(2, 6);
    int nf = 3 + rf->n_num + 2;
    ir_form *f = &rf->f;
    f->code = arena_printf(&rnd_arena, "rand%d", id);
    f->src = &rf->mf;
    f->n_fields = nf;
    f->fields = arena_alloc(&rnd_arena, sizeof(ir_field) * (size_t)nf);
    m_field *mfs = arena_alloc(&rnd_arena, sizeof(m_field) * (size_t)nf);
    f->field_of = arena_alloc(&rnd_arena, sizeof(int) * (size_t)nf);
    /* one lag per numeric field (previous(f3, 2), previous(f4, 3), ...) */
    f->n_lags = rf->n_num;
    f->lags = arena_alloc(&rnd_arena, sizeof(ir_lag) * (size_t)rf->n_num);
    for (int k = 0; k < rf->n_num; k++)
        f->lags[k] = (ir_lag){3 + k, 2 + k};
    int w = 0;
    for (int i = 0; i < nf; i++) {
        ir_field *x = &f->fields[i];
        f->field_of[i] = i;
        x->src = &mfs[i];
        x->acc = -1;
        x->acc_null = x->acc_nv = x->acc_sel = -1;
        x->weight = -1;
        mfs[i].weight = -1;
        x->code = arena_printf(&rnd_arena, "f%d", i);
        mfs[i].code = x->code;
        if (i == 0) {
            x->type = RG_T_UNIT, x->flags = RG_FIELD_KEY_UNIT;
        } else if (i == 1) {
            x->type = RG_T_PERIOD, x->flags = RG_FIELD_KEY_PERIOD;
        } else if (i == 2) {
            x->type = RG_T_CODE, x->flags = RG_FIELD_DIMENSION;
            rf->code_field = 2;
        } else if (i == nf - 2) {
            x->type = RG_T_BOOL;
            rf->bool_field = i;
        } else if (i == nf - 1) {
            x->type = RG_T_DECIMAL, x->scale = 2, x->flags = RG_FIELD_COMPUTED;
        } else {
            x->type = types[rnd() % 6];
            x->scale = x->type == RG_T_INTEGER || x->type == RG_T_COUNT ? 0 : (int)rnd_range(0, 4);
            int a = i == 3 ? 0 : (int)rnd_range(0, 12); /* field 3 is always summed */
            x->time_agg = aggs[a][0];
            x->unit_agg = aggs[a][1];
            if (x->unit_agg == RG_UNITS_WEIGHTED_AVERAGE)
                x->weight = 3;
            if (x->time_agg != RG_TIME_NONE) {
                x->acc_kind = x->unit_agg == RG_UNITS_COUNT ? IR_ACC_COUNT
                            : x->unit_agg == RG_UNITS_WEIGHTED_AVERAGE ? IR_ACC_WEIGHTED
                            : x->unit_agg == RG_UNITS_AVERAGE ? IR_ACC_AVERAGE : IR_ACC_SUM;
                x->acc = w;
                w += x->acc_kind == IR_ACC_AVERAGE || x->acc_kind == IR_ACC_WEIGHTED ? 2 : 1;
            }
        }
    }
    /* counts of empty values (unless the field is "required"), of values for
     * min and max, and the stocks' sub-periods, as lower.c lays them out */
    for (int i = 0; i < nf; i++) {
        ir_field *x = &f->fields[i];
        if (x->acc < 0)
            continue;
        if (x->acc_kind != IR_ACC_COUNT && rnd() % 4)
            x->acc_null = w++;
        if (x->acc_kind == IR_ACC_SUM && (x->unit_agg == RG_UNITS_MIN || x->unit_agg == RG_UNITS_MAX))
            x->acc_nv = w++;
        if (x->time_agg == RG_TIME_OPENING || x->time_agg == RG_TIME_CLOSING)
            x->acc_sel = w++;
    }
    f->n_acc = w + 4;
    /* the computed field */
    ir_field *cf = &f->fields[nf - 1];
    cf->expr = to_scale(gen_num(rf, 3, 0), 2);
    f->computed = arena_alloc(&rnd_arena, sizeof(int));
    f->computed[0] = nf - 1;
    f->n_computed = 1;
    /* rules */
    f->n_rules = (int)rnd_range(1, 8);
    f->rules = arena_alloc(&rnd_arena, sizeof(ir_rule) * (size_t)f->n_rules);
    m_rule *mrs = arena_alloc(&rnd_arena, sizeof(m_rule) * (size_t)f->n_rules);
    for (int r = 0; r < f->n_rules; r++) {
        ir_rule *ru = &f->rules[r];
        ru->code = arena_printf(&rnd_arena, "R%d", r);
        mrs[r].code = ru->code;
        ru->src = &mrs[r];
        ru->severity = RG_SEV_ERROR;
        ru->missing = (ir_missing)rnd_range(0, IR_MISS_SIDES);
        zero_mode = ru->missing != IR_MISS_SKIP && ru->missing != IR_MISS_FAIL;
        ru->when = rnd() % 3 == 0 ? gen_bool(rf, 2) : NULL;
        ru->check = gen_bool(rf, (int)rnd_range(1, 4));
        zero_mode = 0;
        mrs[r].errorlevel = -1;
        ru->imbalance = -1;
        ru->verdict = 0; /* the lowering's verdict, as the only value */
        ru->values = arena_alloc(&rnd_arena, sizeof(ir_value));
        memset(ru->values, 0, sizeof(ir_value));
        ru->values[0].name = "=verdict";
        ru->values[0].type = RG_T_BOOL;
        ru->values[0].codelist = -1;
        ru->values[0].field = -1;
        ru->values[0].expr = lower_verdict(&rnd_arena, ru);
        ru->n_values = 1;
        int cap = 0; /* what the message kernel loads */
        ir_collect_reads(&rnd_arena, ru->values[0].expr, 0, &ru->reads, &ru->n_reads, &cap);
    }
    /* outputs: every accumulated field and two ratios */
    f->outputs = arena_alloc(&rnd_arena, sizeof(ir_output) * (size_t)(nf + 2));
    for (int i = 0; i < nf; i++)
        if (f->fields[i].acc >= 0) {
            ir_output *o = &f->outputs[f->n_outputs++];
            o->code = f->fields[i].code;
            o->type = f->fields[i].type;
            o->scale = f->fields[i].scale;
            o->field = i;
            o->src = &mfs[i];
        }
    for (int k = 0; k < 2; k++) {
        ir_output *o = &f->outputs[f->n_outputs++];
        o->code = arena_printf(&rnd_arena, "ratio%d", k);
        o->type = RG_T_RATIO;
        o->scale = 4;
        o->field = -1;
        o->expr = node(IR_DIV, 4, gen_num(rf, 2, 1), gen_num(rf, 2, 1));
    }
    rf->mf.code = f->code;
    rf->mf.n_fields = nf;
    rf->mf.fields = mfs;
    rf->mf.unit_field = 0;
    rf->mf.period_field = 1;
    rf->mr.name = "random";
    rf->mr.forms = &rf->mf;
    rf->mr.n_forms = 1;
}

static int run_random(int n_forms, long rows, const char *tmpdir, long *done)
{
    long before = mismatches, n_rows = 0;
    arena_init(&rnd_arena);
    for (int id = 0; id < n_forms; id++) {
        rform *rf = arena_alloc(&rnd_arena, sizeof *rf);
        gen_form(rf, id);
        ir_regime ir = {.name = "random", .forms = &rf->f, .n_forms = 1, .src = &rf->mr};
        char so[4096];
        snprintf(so, sizeof so, "%s/random%d.so", tmpdir, id);
        cg_opts o = {.compiler_version = "regdiff", .opt = 1, .part_nodes = split, .big_module = split};
        char *err = NULL;
        if (cg_build_so(&ir, &o, so, &err) < 0) {
            fprintf(stderr, "regdiff: random form %d: %s\n", id, err ? err : "build failed");
            free(err);
            arena_free(&rnd_arena);
            return 2;
        }
        void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
        const rg_regime_desc *d = h ? dlsym(h, "regime_descriptor") : NULL;
        if (!d) {
            fprintf(stderr, "regdiff: cannot load %s\n", so);
            arena_free(&rnd_arena);
            return 2;
        }
        if (getenv("REGDIFF_DUMP")) {
            char buf[8192];
            for (int k = 0; k < rf->f.n_outputs; k++)
                if (rf->f.outputs[k].expr) {
                    ir_print_expr(rf->f.outputs[k].expr, buf, sizeof buf);
                    printf("form %d output %s = %s\n", id, rf->f.outputs[k].code, buf);
                }
            for (int k = 0; k < rf->f.n_rules; k++) {
                ir_print_expr(rf->f.rules[k].check, buf, sizeof buf);
                printf("form %d rule %s (missing %d) = %s\n", id, rf->f.rules[k].code, rf->f.rules[k].missing, buf);
            }
            ir_print_expr(rf->f.fields[rf->f.n_fields - 1].expr, buf, sizeof buf);
            printf("form %d computed = %s\n", id, buf);
        }
        static const uint32_t sizes[] = {1, 64, 65, 300, 1000, 2049};
        for (int iter = 0; n_rows < rows * (id + 1) / n_forms; iter++) {
            uint32_t n = sizes[iter % 6];
            run_form(&rf->f, &d->forms[0], &rf->mr, n, iter);
            n_rows += n;
        }
        dlclose(h);
        unlink(so);
    }
    arena_free(&rnd_arena);
    *done += n_rows;
    printf("regdiff: %d random forms: %ld rows, %ld mismatch(es)\n", n_forms, n_rows, mismatches - before);
    return 0;
}

static int run_spec(const char *path, const char **inc, int n_inc, long rows, const char *tmpdir, long *done)
{
    compile_ctx c;
    driver_init(&c, DIAG_EN);
    for (int i = 0; i < n_inc; i++)
        driver_add_search(&c, inc[i]);
    driver_default_search(&c);
    driver_load(&c, path);
    m_regime *r = driver_check(&c);
    if (!r) {
        printf("regdiff: %s: does not check clean, skipped\n", path);
        driver_free(&c);
        return 0;
    }
    ir_regime ir;
    if (lower_regime(&c.arena, r, &c.sm, &ir) < 0) {
        driver_free(&c);
        return 2;
    }
    char so[4096];
    snprintf(so, sizeof so, "%s/%s.so", tmpdir, ir.name ? ir.name : "regime");
    cg_opts o = {.compiler_version = "regdiff", .sm = &c.sm, .opt = 1, .part_nodes = split, .big_module = split};
    char *err = NULL;
    if (cg_build_so(&ir, &o, so, &err) < 0) {
        fprintf(stderr, "regdiff: %s: %s\n", path, err ? err : "build failed");
        free(err);
        driver_free(&c);
        return 2;
    }
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    const rg_regime_desc *d = h ? dlsym(h, "regime_descriptor") : NULL;
    if (!d || (int)d->n_forms != ir.n_forms) {
        fprintf(stderr, "regdiff: %s: cannot load %s: %s\n", path, so, h ? "bad descriptor" : dlerror());
        if (h)
            dlclose(h);
        driver_free(&c);
        return 2;
    }
    long before = mismatches, n_rows = 0;
    static const uint32_t sizes[] = {1, 63, 64, 65, 127, 200, 1000, 4096, 4099, 9001};
    for (int iter = 0; n_rows < rows; iter++) {
        for (int fi = 0; fi < ir.n_forms; fi++) {
            uint32_t n = sizes[iter % (int)(sizeof sizes / sizeof *sizes)];
            run_form(&ir.forms[fi], &d->forms[fi], r, n, iter);
            n_rows += n;
            /* the hierarchies' pivot forms: the same kernels and evaluator */
            for (int hi = 0; hi < ir.forms[fi].n_hiers && hi < (int)d->forms[fi].n_hierarchies; hi++) {
                run_form(&ir.forms[fi].hiers[hi].pivot, d->forms[fi].hierarchies[hi].pivot, r, n, iter);
                n_rows += n;
            }
        }
        if (ir.n_forms == 0)
            break;
    }
    *done += n_rows;
    printf("regdiff: %s: %ld rows over %d form(s), %ld mismatch(es)\n", path, n_rows, ir.n_forms,
           mismatches - before);
    dlclose(h);
    unlink(so);
    driver_free(&c);
    return 0;
}


/* ---- the lowering leg: hand-checked expectations ---- */

static const char lowering_spec[] =
    "import vn_tiers\n"
    "regime low {\n  version \"1.0.0\"\n  frequency monthly\n  cutoff calendar\n  tiers vn_2025_07\n}\n"
    "form f {\n  reported by province\n  period month\n"
    "  field a: integer\n    optional\n  field b: integer\n    optional\n"
    "  field p: decimal(2)\n    optional\n  field q: percent\n    optional\n"
#define RULE(code, body) "  rule " code " error\n" body "    message \"m\"\n"
    RULE("LT", "    check a < b\n")
    RULE("LE", "    check a <= b\n")
    RULE("GT", "    check a > b\n")
    RULE("GE", "    check a >= b\n")
    RULE("EQ", "    check a = b\n")
    RULE("NE", "    check a != b\n")
    RULE("TOL", "    check a = b\n    tolerance 2\n")
    RULE("TLT", "    check a < b\n    tolerance 2\n")
    RULE("ADD", "    check a + b = 10\n")
    RULE("SUB", "    check a - b = 2\n")
    RULE("MUL", "    check a * b = 24\n")
    RULE("DIV", "    when b > 0\n    check a / b > 1\n")
    RULE("RND", "    check round(p, 1) = 2.5\n")
    RULE("RN2", "    check round(p, 1) = 1.5\n")
    RULE("ABS", "    check abs(a - b) <= 1\n")
    RULE("MIN", "    check min(a, b) = 4\n")
    RULE("MAX", "    check max(a, b) = 6\n")
    RULE("IF1", "    check if(a > b, a - b, b - a) = 2\n")
    RULE("IF2", "    check if(a > b, a, 0) = 0\n")
    RULE("AND", "    check a > 4 and b > 4\n")
    RULE("OR", "    check a > 5 or b > 5\n")
    RULE("NOT", "    check not (a > b)\n")
    RULE("PRS", "    check present(p)\n")
    RULE("COA", "    check coalesce(p, 9) >= 2\n")
    RULE("ZER", "    check a + b >= 10\n    missing zero\n")
    RULE("FAI", "    check a >= 0\n    missing fail\n")
    RULE("PCT", "    check q >= 50%\n")
    RULE("SCL", "    check p = a - 1.5\n")
    RULE("NEG", "    check -a < -4\n")
    RULE("WHN", "    when a > 4\n    check b > 4\n")
    RULE("ISM", "    check is_missing(q)\n")
    /* missing-value modes; no previous period is joined: previous() is absent */
    RULE("NNL", "    check a <= b\n    missing non_null\n")
    RULE("NZR", "    check previous(a) >= a - 4\n    missing non_zero\n")
    RULE("AZR", "    check previous(a) >= a\n    missing always_zero\n")
    RULE("PNL", "    check previous(a) >= a\n    missing partial_null\n")
    RULE("SNV", "    check a >= b\n    missing never_skip\n")
    RULE("SAN", "    check a >= b\n    missing left: skip_if_any, right: never_skip\n")
    RULE("SAL", "    check a + 1 >= b\n    missing skip_if_all\n")
    RULE("SAP", "    check p >= a\n    missing skip_if_all\n")
#undef RULE
    "}\n";

/* Rows (a, b, p, q; M = missing): 1 = (4, 6, 2.50, 50%), 2 = (6, 4, 1.45, 49%),
 * 3 = (5, 5, M, M), 4 = (M, 7, 2.49, 100%). The rows each rule fails, by
 * hand (a rule skips a row whose operands are missing, unless its mode
 * says otherwise; rounding is half away from zero). */
static const struct {
    const char *rule, *fails;
} lowering_expect[] = {
    {"LT", "23"},   /* 4<6 5<5 */
    {"LE", "2"},    /* 5<=5 holds */
    {"GT", "13"},
    {"GE", "1"},
    {"EQ", "12"},
    {"NE", "3"},
    {"TOL", ""},    /* |4-6| <= 2 */
    {"TLT", "2"},   /* 6-4 < 2 is false */
    {"ADD", ""},
    {"SUB", "13"},
    {"MUL", "3"},
    {"DIV", "13"},  /* 4/6, 5/5 are not > 1 */
    {"RND", "2"},   /* 1.45 -> 1.5; 2.49 -> 2.5 */
    {"RN2", "14"},  /* 1.45 -> 1.5, half away from zero */
    {"ABS", "12"},
    {"MIN", "3"},
    {"MAX", "3"},
    {"IF1", "3"},
    {"IF2", "2"},
    {"AND", "12"},
    {"OR", "3"},
    {"NOT", "2"},
    {"PRS", "3"},   /* present() is itself present: false fails */
    {"COA", "2"},   /* 1.45 < 2; row 3 reads 9 */
    {"ZER", "4"},   /* 0 + 7 < 10 */
    {"FAI", "4"},
    {"PCT", "2"},
    {"SCL", "2"},   /* 2.50 = 4 - 1.5 */
    {"NEG", "1"},   /* -4 < -4 is false */
    {"WHN", "2"},   /* guard false on row 1, missing on row 4 */
    {"ISM", "124"},
    {"NNL", "2"},   /* 6 > 4; a missing on row 4: null */
    {"NZR", "23"},  /* previous(a) absent reads 0: 0 >= 2, 0 >= 1 fail; row 4's empty a: null */
    {"AZR", "123"}, /* 0 >= 4, 6, 5 fail; an empty a stays missing */
    {"PNL", ""},    /* evaluated (the row exists), but previous(a) absent is null */
    {"SNV", "14"},  /* 4 >= 6; row 4: 0 >= 7 */
    {"SAN", "1"},   /* row 4: the left side misses a: null */
    {"SAL", "1"},   /* 5 >= 6; row 4: the left side is all missing */
    {"SAP", "12"},  /* 2.50 >= 4, 1.45 >= 6; p or a all missing on rows 3, 4 */
};

static int lowering_leg(const char *tmpdir)
{
    compile_ctx c;
    driver_init(&c, DIAG_EN);
    driver_default_search(&c);
    driver_load_text(&c, "lowering.regime", lowering_spec, sizeof lowering_spec - 1);
    m_regime *r = driver_check(&c);
    ir_regime ir;
    if (!r || lower_regime(&c.arena, r, &c.sm, &ir) < 0 || ir.n_forms != 1) {
        fprintf(stderr, "regdiff: the lowering spec does not check or lower\n");
        driver_free(&c);
        return 2;
    }
    char so[4096];
    snprintf(so, sizeof so, "%s/lowering.so", tmpdir);
    cg_opts o = {.compiler_version = "regdiff", .sm = &c.sm, .opt = 1, .part_nodes = split, .big_module = split};
    char *err = NULL;
    void *h = NULL;
    const rg_regime_desc *d = NULL;
    if (cg_build_so(&ir, &o, so, &err) < 0 || !(h = dlopen(so, RTLD_NOW | RTLD_LOCAL)) ||
        !(d = dlsym(h, "regime_descriptor"))) {
        fprintf(stderr, "regdiff: the lowering spec does not build: %s\n", err ? err : "load failed");
        free(err);
        if (h)
            dlclose(h);
        driver_free(&c);
        return 2;
    }
    const ir_form *f = &ir.forms[0];
    enum { N = 4 };
    colset cs;
    colset_alloc(&cs, f->n_fields, N);
    /* columns by name; M = INT64_MIN */
    static const char *const names[] = {"a", "b", "p", "q"};
    static const int64_t vals[4][N] = {{4, 6, 5, INT64_MIN}, {6, 4, 5, 7}, {250, 145, INT64_MIN, 249}, {50, 49, INT64_MIN, 100}};
    for (int k = 0; k < 4; k++) {
        int col = -1;
        for (int i = 0; i < f->n_fields; i++)
            if (!strcmp(f->fields[i].code, names[k]))
                col = i;
        for (int i = 0; i < N && col >= 0; i++)
            if (vals[k][i] != INT64_MIN) {
                cs.v[col][i] = vals[k][i];
                cs.present[col][0] |= 1ull << i;
            }
    }
    int nr = f->n_rules;
    uint64_t *fk = calloc((size_t)nr + 1, sizeof *fk), *fe = calloc((size_t)nr + 1, sizeof *fe);
    uint64_t **pk = calloc((size_t)nr + 1, sizeof *pk), **pe = calloc((size_t)nr + 1, sizeof *pe);
    for (int q = 0; q < nr; q++) {
        pk[q] = &fk[q];
        pe[q] = &fe[q];
    }
    uint64_t ok_ = 0, oe = 0, wf = (1u << N) - 1;
    rg_batch bt = {.n_rows = N, .cols = cs.cols, .well_formed = &wf};
    colset ce;
    colset_alloc(&ce, f->n_fields, N);
    colset_copy(&ce, &cs, f->n_fields, N);
    rg_batch be = {.n_rows = N, .cols = ce.cols, .well_formed = &wf};
    d->forms[0].validate(&bt, pk, &ok_);
    eval_validate(f, &be, pe, &oe);
    int n_checked = 0, bad = 0;
    for (size_t x = 0; x < sizeof lowering_expect / sizeof *lowering_expect; x++) {
        int q;
        for (q = 0; q < nr && strcmp(f->rules[q].code, lowering_expect[x].rule); q++)
            ;
        if (q == nr) {
            MISMATCH("lowering: rule %s is not in the spec", lowering_expect[x].rule);
            bad++;
            continue;
        }
        uint64_t want = 0;
        for (const char *p = lowering_expect[x].fails; *p; p++)
            want |= 1ull << (*p - '1');
        if (fk[q] != want || fe[q] != want) {
            MISMATCH("lowering: rule %s fails rows %#llx (kernel) and %#llx (evaluator), by hand %#llx",
                     lowering_expect[x].rule, (unsigned long long)fk[q], (unsigned long long)fe[q],
                     (unsigned long long)want);
            bad++;
        }
        n_checked++;
    }
    if (n_checked != nr) {
        MISMATCH("lowering: %d rules in the spec, %d with a hand-checked expectation", nr, n_checked);
        bad++;
    }
    printf("regdiff: lowering: %d rules x %d rows against hand-checked results, %d mismatch(es)\n", n_checked, N, bad);
    colset_free(&cs, f->n_fields);
    colset_free(&ce, f->n_fields);
    free(fk);
    free(fe);
    free(pk);
    free(pe);
    dlclose(h);
    unlink(so);
    driver_free(&c);
    return 0;
}

int main(int argc, char **argv)
{
    const char *inc[32];
    int n_inc = 0, status = 0;
    long rows = 100000, done = 0;
    const char *keep = NULL;
    int n_random = 0;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "-I") && first + 1 < argc && n_inc < 32)
            inc[n_inc++] = argv[++first];
        else if (!strcmp(argv[first], "--rows") && first + 1 < argc)
            rows = atol(argv[++first]);
        else if (!strcmp(argv[first], "--seed") && first + 1 < argc)
            rng_state = strtoull(argv[++first], NULL, 0) | 1;
        else if (!strcmp(argv[first], "--random") && first + 1 < argc)
            n_random = atoi(argv[++first]);
        else if (!strcmp(argv[first], "--keep") && first + 1 < argc)
            keep = argv[++first];
        else if (!strcmp(argv[first], "--split"))
            split = 1;
        else {
            fprintf(stderr, "usage: regdiff [-I DIR] [--rows N] [--seed S] [--random FORMS] [--split] [--keep DIR] SPEC...\n");
            return 2;
        }
    }
    char tmpl[] = "/tmp/regdiff.XXXXXX";
    const char *tmpdir = keep;
    if (!tmpdir && !(tmpdir = mkdtemp(tmpl))) {
        perror("regdiff: mkdtemp");
        return 2;
    }
    {
        int rc = lowering_leg(tmpdir);
        if (rc > status)
            status = rc;
    }
    if (n_random > 0) {
        int rc = run_random(n_random, rows, tmpdir, &done);
        if (rc > status)
            status = rc;
    }
    for (int i = first; i < argc; i++) {
        int rc = run_spec(argv[i], inc, n_inc, rows, tmpdir, &done);
        if (rc > status)
            status = rc;
    }
    if (!keep)
        rmdir(tmpdir);
    printf("regdiff: per-unit rules: %ld batch(es) checked for one verdict per unit\n", per_unit_checks);
    printf("regdiff: %ld rows, %ld mismatch(es)\n", done, mismatches);
    if (mismatches && status < 1)
        status = 1;
    return status;
}

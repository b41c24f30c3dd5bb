/* diff.c — classifying the changes between two versions of a regime.
 *
 * The rule of thumb: a change is breaking when a submission that was valid
 * becomes invalid or differently read, when a reporting unit must do more or
 * sooner, or when a consumer of the outputs (roll-up tables, the C ABI, the
 * XForms) sees a column disappear or change meaning. Everything else is
 * compatible. When the diff cannot prove that a changed expression is weaker
 * it calls the change breaking: a false alarm costs a version bump, a missed
 * one costs thousands of rejected reports. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "diff.h"
#include "driver.h"
#include "fmt.h"

/* ---- kinds ----------------------------------------------------------------- */

typedef struct kind_info {
    const char *name;
    diff_class cls;
} kind_info;

#define B DIFF_BREAKING
#define C DIFF_COMPATIBLE
static const kind_info kinds[] = {
    /* regime header */
    {"regime-renamed", B}, {"version-changed", C}, {"label-changed", C}, {"text-changed", C},
    {"kind-changed", B}, {"frequency-changed", B}, {"cutoff-changed", B}, {"submitter-added", B},
    {"submitter-removed", B}, {"recipient-changed", B}, {"method-added", C}, {"method-removed", B},
    {"deadline-added", B}, {"deadline-removed", C}, {"deadline-tightened", B}, {"deadline-relaxed", C},
    {"deadline-changed", B}, {"tiers-renamed", C}, {"units-changed", B}, {"holidays-changed", B},
    /* tiers */
    {"tier-added", B}, {"tier-added-optional", C}, {"tier-removed", B}, {"tier-parent-changed", B},
    {"tier-column-changed", B}, {"tier-made-required", B}, {"tier-made-optional", C},
    /* code lists */
    {"codelist-added", C}, {"codelist-removed", B}, {"code-added", C}, {"code-removed", B},
    {"codes-reordered", C},
    /* forms and fields */
    {"form-added", B}, {"form-removed", B}, {"form-reporter-changed", B}, {"form-period-changed", B},
    {"field-added", C}, {"field-added-required", B}, {"computed-added", C}, {"dimension-added", B},
    {"dimension-removed", B}, {"field-removed", B}, {"field-renamed", B}, {"field-kind-changed", B},
    {"fields-reordered", B}, {"type-changed", B}, {"scale-changed", B}, {"unit-changed", B},
    {"codelist-changed", B}, {"required-added", B}, {"required-removed", C}, {"range-narrowed", B},
    {"range-widened", C}, {"digits-narrowed", B}, {"digits-widened", C}, {"aggregation-changed", B},
    {"formula-changed", B}, {"relevance-added", C}, {"relevance-removed", B}, {"relevance-changed", B},
    {"hint-changed", C}, {"per-unit-changed", B},
    /* rules */
    {"rule-added-error", B}, {"rule-added", C}, {"rule-removed", C}, {"severity-raised-to-error", B},
    {"severity-raised", C}, {"severity-lowered", C}, {"check-stricter", B}, {"check-changed", B},
    {"check-relaxed", C}, {"guard-removed", B}, {"guard-widened", B}, {"guard-changed", B},
    {"guard-added", C}, {"guard-narrowed", C}, {"tolerance-reduced", B}, {"tolerance-increased", C},
    {"missing-stricter", B}, {"missing-relaxed", C}, {"missing-changed", B}, {"missing-equivalent", C},
    {"message-changed", C},
    /* hierarchies checked by a form (its rules use the kinds above) */
    {"hierarchy-mode-changed", B}, {"hierarchy-fields-added", B}, {"hierarchy-fields-removed", C},
    /* roll-ups */
    {"rollup-added", C}, {"rollup-removed", B}, {"rollup-form-changed", B}, {"rollup-level-added", C},
    {"rollup-level-removed", B}, {"rollup-period-changed", B}, {"completeness-added", C},
    {"completeness-removed", B}, {"completeness-renamed", B}, {"rollup-missing-widened", C},
    {"rollup-missing-narrowed", B}, {"rollup-missing-changed", B}, {"stock-made-strict", B},
    {"stock-made-lenient", C}, {"total-added", B},
    {"total-removed", B},
};
#undef B
#undef C

const char *diff_kind_name(int i, diff_class *cls)
{
    if (i < 0 || (size_t)i >= sizeof kinds / sizeof kinds[0])
        return NULL;
    if (cls)
        *cls = kinds[i].cls;
    return kinds[i].name;
}

/* Adds a change; `path` is taken over, detail is a printf format. */
static void add(diff_result *d, const char *kind, char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(diff_result *d, const char *kind, char *path, const char *fmt, ...)
{
    const kind_info *k = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i].name, kind))
            k = &kinds[i];
    if (!k)
        abort(); /* a kind missing from the table is a bug */
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->v = rt_xrealloc(d->v, (size_t)d->cap * sizeof *d->v);
    }
    va_list ap;
    va_start(ap, fmt);
    d->v[d->n++] = (diff_change){k->cls, k->name, path, rt_xvasprintf(fmt, ap)};
    va_end(ap);
    if (k->cls == DIFF_BREAKING)
        d->n_breaking++;
    else
        d->n_compatible++;
}

static int same(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }
static const char *or_none(const char *s) { return s ? s : "none"; }

/* ---- small descriptions ----------------------------------------------------------- */

static const char *freq_word(rg_freq f)
{
    static const char *const w[] = {"none", "monthly", "quarterly", "half_yearly", "nine_months", "yearly"};
    return (unsigned)f < 6 ? w[f] : "?";
}

static const char *period_word(rg_freq f)
{
    static const char *const w[] = {"none", "month", "quarter", "half", "nine_months", "year"};
    return (unsigned)f < 6 ? w[f] : "?";
}

static const char *kind_word(rg_kind k)
{
    static const char *const w[] = {"none", "periodic", "thematic", "adhoc"};
    return (unsigned)k < 4 ? w[k] : "?";
}

static char *cutoff_str(const m_regime *r)
{
    switch (r->cutoff) {
    case RG_CUTOFF_DECREE09: return rt_xasprintf("decree09");
    case RG_CUTOFF_DAY: return rt_xasprintf("day %d", r->cutoff_day);
    default: return rt_xasprintf("calendar");
    }
}

static const char *sev_word(rg_severity s)
{
    return s == RG_SEV_ERROR ? "error" : s == RG_SEV_WARNING ? "warning" : "info";
}

static const char *side_word(int s)
{
    return s == 1 ? "skip_if_any" : s == 2 ? "skip_if_all" : s == 3 ? "never_skip" : "?";
}

/* a rule's missing-value mode as written (its sides for DHIS2's strategies) */
static char *missing_str(const m_rule *r)
{
    static const char *const w[] = {"skip",        "zero",         "fail",        "non_null",   "non_zero",
                                    "partial_null", "partial_zero", "always_null", "always_zero"};
    if (r->missing == M_MISSING_SIDES)
        return r->missing_left == r->missing_right
                   ? rt_xasprintf("%s", side_word(r->missing_left))
                   : rt_xasprintf("left: %s, right: %s", side_word(r->missing_left), side_word(r->missing_right));
    return rt_xasprintf("%s", (unsigned)r->missing < 9 ? w[r->missing] : "?");
}

/*
 * How a rule's rejected rows change with its missing-value mode: -1 the new
 * mode provably rejects no row the old one accepted (fewer or the same), 0
 * the same results, 1 it can only reject more, 2 neither can be proved.
 * Modes that read missing values alike are ordered by when they evaluate
 * the rule (LANGUAGE.md, "Missing values"): non_null < partial_null <
 * skip = always_null < zero < fail (zero after skip as regc diff always
 * ordered it), non_zero < partial_zero < always_zero, and per side
 * skip_if_any < skip_if_all < never_skip; the families are not comparable.
 */
static int missing_order(const m_rule *x, const m_rule *y)
{
    /* family (0: missing read as missing, 1: absent read as 0) and rank */
    static const int fam[] = {0, 0, 0, 0, 1, 0, 1, 0, 1}, rank[] = {4, 5, 6, 2, 1, 3, 2, 4, 3};
    if (x->missing == M_MISSING_SIDES || y->missing == M_MISSING_SIDES) {
        if (x->missing != y->missing)
            return 2;
        int l = (y->missing_left > x->missing_left) - (y->missing_left < x->missing_left);
        int r = (y->missing_right > x->missing_right) - (y->missing_right < x->missing_right);
        if (l * r < 0)
            return 2;
        return l ? l : r;
    }
    if ((unsigned)x->missing > 8 || (unsigned)y->missing > 8 || fam[x->missing] != fam[y->missing])
        return 2;
    return (rank[y->missing] > rank[x->missing]) - (rank[y->missing] < rank[x->missing]);
}

static const char *time_word(rg_time_agg t)
{
    static const char *const w[] = {"?",    "flow", "stock opening", "stock closing", "stock average",
                                    "none", "stock opening strict", "stock closing strict"};
    return (unsigned)t < 8 ? w[t] : "?";
}

static const char *units_word(rg_unit_agg u)
{
    static const char *const w[] = {"?", "sum", "min", "max", "average", "weighted_average", "count", "none"};
    return (unsigned)u < 8 ? w[u] : "?";
}

static char *type_str(const sema_type *t)
{
    static const char *const w[] = {"?", "integer", "count", "decimal", "money", "percent", "ratio",
                                    "bool", "date", "text", "code", "unit", "period"};
    if (t->kind == TY_CODE)
        return rt_xasprintf("code in %s", t->list ? t->list->name : "?");
    const char *base = (unsigned)t->kind < 13 ? w[t->kind] : "?";
    char scale[16] = "";
    if ((t->kind == TY_DECIMAL || t->kind == TY_MONEY || t->kind == TY_PERCENT || t->kind == TY_RATIO) &&
        t->scale)
        snprintf(scale, sizeof scale, "(%d)", t->scale);
    return rt_xasprintf("%s%s%s%s", base, scale, t->unit ? " of " : "", t->unit ? t->unit : "");
}

/* A scaled integer as a decimal: 12345, 2 -> "123.45". */
static char *scaled_str(int64_t v, int scale)
{
    char buf[48];
    return rt_xasprintf("%s", rt_dec_str(v, scale < 0 ? 0 : scale, buf));
}

static int arith_scale(const sema_type *t) { return t->kind == TY_PERCENT ? t->scale + 2 : t->scale; }

/* "en: \"a\" -> \"b\"; vi: ..." for the languages whose text changed. */
static char *texts_change(const ast_texts *a, const ast_texts *b)
{
    const char *langs[32];
    int nl = 0;
    const ast_texts *both[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        if (!both[k])
            continue;
        AST_EACH(const ast_text *, t, both[k]->items) {
            int seen = 0;
            for (int i = 0; i < nl; i++)
                seen |= same(langs[i], t->lang);
            if (!seen && nl < 32)
                langs[nl++] = t->lang;
        }
    }
    char *out = NULL;
    for (int i = 0; i < nl; i++) {
        const char *x = m_text(a, langs[i]), *y = m_text(b, langs[i]);
        if (same(x, y))
            continue;
        char *qx = x ? fmt_quote(x) : NULL, *qy = y ? fmt_quote(y) : NULL;
        char *part = rt_xasprintf("%s%s%s -> %s", langs[i] ? langs[i] : "", langs[i] ? ": " : "", qx ? qx : "none",
                          qy ? qy : "none");
        free(qx);
        free(qy);
        if (out) {
            char *j = rt_xasprintf("%s; %s", out, part);
            free(out);
            free(part);
            out = j;
        } else {
            out = part;
        }
    }
    return out; /* NULL when every language says the same */
}

static void texts_diff(diff_result *d, const char *kind, const char *path, const ast_texts *a,
                       const ast_texts *b)
{
    char *c = texts_change(a, b);
    if (c) {
        add(d, kind, rt_xasprintf("%s", path), "%s", c);
        free(c);
    }
}

/* ---- expressions across versions ----------------------------------------------------- */

/* Fields renamed between the versions of a form: an expression that reads
 * `late` in the old version and `late_count` in the new one is unchanged
 * when the field was renamed (the rename itself is reported once). */
typedef struct renames {
    const char **from, **to;
    int n;
} renames;

static const char *renamed(const renames *rn, const char *name)
{
    for (int i = 0; rn && i < rn->n; i++)
        if (!strcmp(rn->from[i], name))
            return rn->to[i];
    return name;
}

static int eq(const ast_expr *a, const ast_expr *b, const renames *rn);

static int eq_list(const ast_list *a, const ast_list *b, const renames *rn)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!eq(a->items[i], b->items[i], rn))
            return 0;
    return 1;
}

static int eq(const ast_expr *a, const ast_expr *b, const renames *rn)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case AST_E_NAME: return !strcmp(renamed(rn, a->u.name.text), b->u.name.text);
    case AST_E_UNARY: return a->u.unary.op == b->u.unary.op && eq(a->u.unary.operand, b->u.unary.operand, rn);
    case AST_E_BINARY:
        return a->u.binary.op == b->u.binary.op && eq(a->u.binary.lhs, b->u.binary.lhs, rn) &&
               eq(a->u.binary.rhs, b->u.binary.rhs, rn);
    case AST_E_CALL:
        return !strcmp(a->u.call.callee.text, b->u.call.callee.text) && eq_list(&a->u.call.args, &b->u.call.args, rn);
    case AST_E_IN:
        return a->u.in.has_list == b->u.in.has_list && eq(a->u.in.operand, b->u.in.operand, rn) &&
               same(a->u.in.list.text, b->u.in.list.text) && eq_list(&a->u.in.codes, &b->u.in.codes, rn);
    default: return fmt_expr_equal(a, b);
    }
}

/* ---- constants and implication ----------------------------------------------------- */

typedef struct num {
    int64_t v;
    int scale;
} num;

/* A constant number (NUMBER, PERCENT, or their negation). */
static int const_num(const ast_expr *e, num *out)
{
    if (!e)
        return 0;
    switch (e->kind) {
    case AST_E_NUMBER: *out = (num){e->u.num.value, e->u.num.scale}; return 1;
    case AST_E_PERCENT: *out = (num){e->u.num.value, e->u.num.scale + 2}; return 1;
    case AST_E_DATE: *out = (num){e->u.date, 0}; return 1;
    case AST_E_UNARY:
        if (e->u.unary.op == AST_OP_NEG && const_num(e->u.unary.operand, out)) {
            out->v = -out->v;
            return 1;
        }
        return 0;
    default: return 0;
    }
}

static int num_cmp(num a, num b) { return rt_dec_cmp(a.v, a.scale, b.v, b.scale); }

static ast_op flip(ast_op op)
{
    switch (op) {
    case AST_OP_LT: return AST_OP_GT;
    case AST_OP_LE: return AST_OP_GE;
    case AST_OP_GT: return AST_OP_LT;
    case AST_OP_GE: return AST_OP_LE;
    default: return op;
    }
}

static int is_cmp(ast_op op) { return op >= AST_OP_EQ && op <= AST_OP_GE; }

/* `x op c` with a constant on one side, normalised to the constant on the
 * right. */
static int bound(const ast_expr *e, const ast_expr **x, ast_op *op, num *c)
{
    if (e->kind != AST_E_BINARY || !is_cmp(e->u.binary.op))
        return 0;
    if (const_num(e->u.binary.rhs, c)) {
        *x = e->u.binary.lhs;
        *op = e->u.binary.op;
        return 1;
    }
    if (const_num(e->u.binary.lhs, c)) {
        *x = e->u.binary.rhs;
        *op = flip(e->u.binary.op);
        return 1;
    }
    return 0;
}

/* x op1 c1 implies x op2 c2. */
static int bound_implies(ast_op a, num c1, ast_op b, num c2)
{
    int k = num_cmp(c1, c2);
    switch (b) {
    case AST_OP_LE: return (a == AST_OP_LE || a == AST_OP_LT || a == AST_OP_EQ) && k <= 0;
    case AST_OP_LT: return ((a == AST_OP_LT) && k <= 0) || ((a == AST_OP_LE || a == AST_OP_EQ) && k < 0);
    case AST_OP_GE: return (a == AST_OP_GE || a == AST_OP_GT || a == AST_OP_EQ) && k >= 0;
    case AST_OP_GT: return ((a == AST_OP_GT) && k >= 0) || ((a == AST_OP_GE || a == AST_OP_EQ) && k > 0);
    case AST_OP_EQ: return a == AST_OP_EQ && k == 0;
    case AST_OP_NE:
        return (a == AST_OP_EQ && k != 0) || (a == AST_OP_NE && k == 0) || (a == AST_OP_LT && k <= 0) ||
               (a == AST_OP_LE && k < 0) || (a == AST_OP_GT && k >= 0) || (a == AST_OP_GE && k > 0);
    default: return 0;
    }
}

static int codes_subset(const ast_list *a, const ast_list *b)
{
    for (int i = 0; i < a->n; i++) {
        int found = 0;
        for (int j = 0; j < b->n && !found; j++)
            found = fmt_expr_equal(a->items[i], b->items[j]);
        if (!found)
            return 0;
    }
    return 1;
}

/* 1 when `a` (old names) provably implies `b` (new names): every row that
 * satisfies a satisfies b; 0 when it does not or the diff cannot tell. */
static int implies(const ast_expr *a, const ast_expr *b, const renames *rn, int depth)
{
    if (!a || !b || depth > 32)
        return 0;
    if (eq(a, b, rn))
        return 1;
    if (b->kind == AST_E_BOOL && b->u.boolean)
        return 1;
    if (a->kind == AST_E_BOOL && !a->u.boolean)
        return 1;
    if (b->kind == AST_E_BINARY && b->u.binary.op == AST_OP_AND)
        return implies(a, b->u.binary.lhs, rn, depth + 1) && implies(a, b->u.binary.rhs, rn, depth + 1);
    if (a->kind == AST_E_BINARY && a->u.binary.op == AST_OP_OR)
        return implies(a->u.binary.lhs, b, rn, depth + 1) && implies(a->u.binary.rhs, b, rn, depth + 1);
    if (b->kind == AST_E_BINARY && b->u.binary.op == AST_OP_OR &&
        (implies(a, b->u.binary.lhs, rn, depth + 1) || implies(a, b->u.binary.rhs, rn, depth + 1)))
        return 1;
    if (a->kind == AST_E_BINARY && a->u.binary.op == AST_OP_AND &&
        (implies(a->u.binary.lhs, b, rn, depth + 1) || implies(a->u.binary.rhs, b, rn, depth + 1)))
        return 1;
    if (a->kind == AST_E_UNARY && b->kind == AST_E_UNARY && a->u.unary.op == AST_OP_NOT &&
        b->u.unary.op == AST_OP_NOT)
        return implies(b->u.unary.operand, a->u.unary.operand, rn, depth + 1);
    const ast_expr *xa, *xb;
    ast_op oa, ob;
    num ca, cb;
    if (bound(a, &xa, &oa, &ca) && bound(b, &xb, &ob, &cb) && eq(xa, xb, rn))
        return bound_implies(oa, ca, ob, cb);
    /* the same two sides compared another way: x < y implies x <= y */
    if (a->kind == AST_E_BINARY && b->kind == AST_E_BINARY && is_cmp(a->u.binary.op) && is_cmp(b->u.binary.op)) {
        num zero = {0, 0};
        if (eq(a->u.binary.lhs, b->u.binary.lhs, rn) && eq(a->u.binary.rhs, b->u.binary.rhs, rn))
            return bound_implies(a->u.binary.op, zero, b->u.binary.op, zero);
        if (eq(a->u.binary.lhs, b->u.binary.rhs, rn) && eq(a->u.binary.rhs, b->u.binary.lhs, rn))
            return bound_implies(a->u.binary.op, zero, flip(b->u.binary.op), zero);
    }
    if (a->kind == AST_E_IN && b->kind == AST_E_IN && !a->u.in.has_list && !b->u.in.has_list &&
        eq(a->u.in.operand, b->u.in.operand, rn))
        return codes_subset(&a->u.in.codes, &b->u.in.codes);
    return 0;
}

/* ---- the regime header ----------------------------------------------------------- */

static const char *tier_name(const m_regime *r, int i)
{
    return i >= 0 && i < r->n_tiers ? r->tiers[i].name : "none";
}

static int has_word(const char *list, const char *w)
{
    if (!list)
        return 0;
    size_t n = strlen(w);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, w, n))
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static void diff_methods(diff_result *d, const char *a, const char *b)
{
    const char *both[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        const char *p = both[k];
        while (p && *p) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char w[64];
            snprintf(w, sizeof w, "%.*s", (int)(len < 63 ? len : 63), p);
            if (!has_word(both[1 - k], w))
                add(d, k ? "method-added" : "method-removed", rt_xasprintf("regime.method.%s", w), "%s", w);
            p = e ? e + 1 : NULL;
        }
    }
}

static void diff_deadlines(diff_result *d, const m_regime *a, const m_regime *b)
{
    for (int i = 0; i < a->n_deadlines; i++) {
        const m_deadline *x = &a->deadlines[i];
        const char *tn = tier_name(a, x->tier);
        const m_deadline *y = NULL;
        for (int j = 0; j < b->n_deadlines; j++)
            if (!strcmp(tier_name(b, b->deadlines[j].tier), tn))
                y = &b->deadlines[j];
        char *ox = rt_xasprintf("%d %sdays", x->days, x->working ? "working " : "");
        if (!y) {
            add(d, "deadline-removed", rt_xasprintf("regime.deadline.%s", tn), "%s -> none", ox);
        } else if (y->days != x->days || y->working != x->working) {
            /* a working day is about 7/5 of a calendar day */
            long ex = (long)x->days * (x->working ? 7 : 5), ey = (long)y->days * (y->working ? 7 : 5);
            const char *kind = y->days <= x->days && y->working <= x->working   ? "deadline-tightened"
                               : y->days >= x->days && y->working >= x->working ? "deadline-relaxed"
                               : ey < ex                                         ? "deadline-tightened"
                               : ey > ex                                         ? "deadline-relaxed"
                                                                                 : "deadline-changed";
            add(d, kind, rt_xasprintf("regime.deadline.%s", tn), "%s -> %d %sdays", ox, y->days,
                y->working ? "working " : "");
        }
        free(ox);
    }
    for (int j = 0; j < b->n_deadlines; j++) {
        const m_deadline *y = &b->deadlines[j];
        const char *tn = tier_name(b, y->tier);
        int found = 0;
        for (int i = 0; i < a->n_deadlines; i++)
            found |= !strcmp(tier_name(a, a->deadlines[i].tier), tn);
        if (!found)
            add(d, "deadline-added", rt_xasprintf("regime.deadline.%s", tn), "none -> %d %sdays", y->days,
                y->working ? "working " : "");
    }
}

/* A top-level declaration of any loaded file, by kind and name. */
static const ast_decl *find_decl(const compile_ctx *c, ast_decl_kind kind, const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; i < c->n_files; i++)
        AST_EACH(const ast_decl *, dd, c->files[i]->decls) {
            if (dd->kind == kind && dd->name.text && !strcmp(dd->name.text, name))
                return dd;
        }
    return NULL;
}

/* Files named by the spec, as written: resolved paths differ between two
 * checkouts of the same repository. */
static const char *units_file(const compile_ctx *c)
{
    const ast_decl *t = find_decl(c, AST_D_TIERS, c->model->tiers_name);
    return t ? t->u.tiers.units : NULL;
}

static const char *holidays_file(const compile_ctx *c)
{
    const ast_decl *h = find_decl(c, AST_D_HOLIDAYS, c->model->holidays);
    return h ? h->u.holidays.from : NULL;
}

static void diff_header(diff_result *d, const compile_ctx *ca, const compile_ctx *cb)
{
    const m_regime *a = ca->model, *b = cb->model;
    if (!same(a->name, b->name))
        add(d, "regime-renamed", rt_xasprintf("regime"), "%s -> %s", or_none(a->name), or_none(b->name));
    if (!same(a->version, b->version))
        add(d, "version-changed", rt_xasprintf("regime.version"), "%s -> %s", or_none(a->version), or_none(b->version));
    texts_diff(d, "label-changed", "regime.label", a->label, b->label);
    texts_diff(d, "text-changed", "regime.content", a->content, b->content);
    texts_diff(d, "text-changed", "regime.outline", a->outline, b->outline);
    texts_diff(d, "text-changed", "regime.guidance", a->guidance, b->guidance);
    if (a->kind != b->kind)
        add(d, "kind-changed", rt_xasprintf("regime.kind"), "%s -> %s", kind_word(a->kind), kind_word(b->kind));
    if (a->frequency != b->frequency)
        add(d, "frequency-changed", rt_xasprintf("regime.frequency"), "%s -> %s", freq_word(a->frequency),
            freq_word(b->frequency));
    if (a->cutoff != b->cutoff || (a->cutoff == RG_CUTOFF_DAY && a->cutoff_day != b->cutoff_day)) {
        char *x = cutoff_str(a), *y = cutoff_str(b);
        add(d, "cutoff-changed", rt_xasprintf("regime.cutoff"), "%s -> %s", x, y);
        free(x);
        free(y);
    }
    for (int i = 0; i < a->n_submitters; i++) {
        const char *t = tier_name(a, a->submitters[i]);
        int found = 0;
        for (int j = 0; j < b->n_submitters; j++)
            found |= !strcmp(t, tier_name(b, b->submitters[j]));
        if (!found)
            add(d, "submitter-removed", rt_xasprintf("regime.submitted_by.%s", t), "%s", t);
    }
    for (int j = 0; j < b->n_submitters; j++) {
        const char *t = tier_name(b, b->submitters[j]);
        int found = 0;
        for (int i = 0; i < a->n_submitters; i++)
            found |= !strcmp(t, tier_name(a, a->submitters[i]));
        if (!found)
            add(d, "submitter-added", rt_xasprintf("regime.submitted_by.%s", t), "%s", t);
    }
    if (strcmp(tier_name(a, a->recipient), tier_name(b, b->recipient)))
        add(d, "recipient-changed", rt_xasprintf("regime.received_by"), "%s -> %s", tier_name(a, a->recipient),
            tier_name(b, b->recipient));
    diff_methods(d, a->method, b->method);
    diff_deadlines(d, a, b);
    if (!same(a->tiers_name, b->tiers_name))
        add(d, "tiers-renamed", rt_xasprintf("regime.tiers"), "%s -> %s", or_none(a->tiers_name), or_none(b->tiers_name));
    if (!same(units_file(ca), units_file(cb)))
        add(d, "units-changed", rt_xasprintf("regime.units"), "%s -> %s", or_none(units_file(ca)), or_none(units_file(cb)));
    if (!same(a->holidays, b->holidays))
        add(d, "holidays-changed", rt_xasprintf("regime.holidays"), "%s -> %s", or_none(a->holidays), or_none(b->holidays));
    else if (!same(holidays_file(ca), holidays_file(cb)))
        add(d, "holidays-changed", rt_xasprintf("regime.holidays"), "%s -> %s", or_none(holidays_file(ca)),
            or_none(holidays_file(cb)));
}

/* ---- tiers -------------------------------------------------------------------- */

static void diff_tiers(diff_result *d, const m_regime *a, const m_regime *b)
{
    for (int i = 0; i < a->n_tiers; i++) {
        const m_tier *x = &a->tiers[i];
        int j = m_tier_index(b, x->name);
        if (j < 0) {
            add(d, "tier-removed", rt_xasprintf("tier.%s", x->name), "%s", x->name);
            continue;
        }
        const m_tier *y = &b->tiers[j];
        const char *px = tier_name(a, x->parent), *py = tier_name(b, y->parent);
        if (strcmp(px, py))
            add(d, "tier-parent-changed", rt_xasprintf("tier.%s", x->name), "within %s -> within %s", px, py);
        if (!same(x->column, y->column))
            add(d, "tier-column-changed", rt_xasprintf("tier.%s.column", x->name), "%s -> %s", or_none(x->column),
                or_none(y->column));
        if (!same(x->names, y->names))
            add(d, "tier-column-changed", rt_xasprintf("tier.%s.names", x->name), "%s -> %s", or_none(x->names),
                or_none(y->names));
        if (!same(x->root_code, y->root_code))
            add(d, "tier-column-changed", rt_xasprintf("tier.%s.code", x->name), "%s -> %s", or_none(x->root_code),
                or_none(y->root_code));
        if (x->optional && !y->optional)
            add(d, "tier-made-required", rt_xasprintf("tier.%s", x->name), "optional -> required");
        if (!x->optional && y->optional)
            add(d, "tier-made-optional", rt_xasprintf("tier.%s", x->name), "required -> optional");
        char *p = rt_xasprintf("tier.%s.label", x->name);
        texts_diff(d, "label-changed", p, x->label, y->label);
        free(p);
    }
    for (int j = 0; j < b->n_tiers; j++) {
        const m_tier *y = &b->tiers[j];
        if (m_tier_index(a, y->name) < 0)
            add(d, y->optional ? "tier-added-optional" : "tier-added", rt_xasprintf("tier.%s", y->name), "within %s",
                tier_name(b, y->parent));
    }
}

/* ---- code lists ---------------------------------------------------------------- */

static const m_codelist *find_list(const m_regime *r, const char *name)
{
    for (int i = 0; i < r->n_codelists; i++)
        if (!strcmp(r->codelists[i].name, name))
            return &r->codelists[i];
    return NULL;
}

static int code_index(const m_codelist *l, const char *code)
{
    for (int i = 0; i < l->n_codes; i++)
        if (!strcmp(l->codes[i].code, code))
            return i;
    return -1;
}

static void diff_codelists(diff_result *d, const m_regime *a, const m_regime *b)
{
    for (int i = 0; i < a->n_codelists; i++) {
        const m_codelist *x = &a->codelists[i];
        const m_codelist *y = find_list(b, x->name);
        if (!y) {
            add(d, "codelist-removed", rt_xasprintf("codelist.%s", x->name), "%d code(s)", x->n_codes);
            continue;
        }
        char *p = rt_xasprintf("codelist.%s.label", x->name);
        texts_diff(d, "label-changed", p, x->label, y->label);
        free(p);
        int prev = -1, reordered = 0;
        for (int k = 0; k < x->n_codes; k++) {
            int m = code_index(y, x->codes[k].code);
            if (m < 0) {
                add(d, "code-removed", rt_xasprintf("codelist.%s.code.%s", x->name, x->codes[k].code), "%s",
                    x->codes[k].code);
                continue;
            }
            if (m < prev)
                reordered = 1;
            prev = m;
            p = rt_xasprintf("codelist.%s.code.%s.label", x->name, x->codes[k].code);
            texts_diff(d, "label-changed", p, x->codes[k].label, y->codes[m].label);
            free(p);
        }
        for (int m = 0; m < y->n_codes; m++)
            if (code_index(x, y->codes[m].code) < 0)
                add(d, "code-added", rt_xasprintf("codelist.%s.code.%s", x->name, y->codes[m].code), "%s", y->codes[m].code);
        if (reordered)
            add(d, "codes-reordered", rt_xasprintf("codelist.%s", x->name), "the codes keep their values");
    }
    for (int j = 0; j < b->n_codelists; j++)
        if (!find_list(a, b->codelists[j].name))
            add(d, "codelist-added", rt_xasprintf("codelist.%s", b->codelists[j].name), "%d code(s)", b->codelists[j].n_codes);
}

/* ---- forms ----------------------------------------------------------------------- */

static const m_form *find_form(const m_regime *r, const char *code)
{
    for (int i = 0; i < r->n_forms; i++)
        if (!strcmp(r->forms[i].code, code))
            return &r->forms[i];
    return NULL;
}

static int is_key(const m_field *f) { return (f->flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD)) != 0; }

static const char *field_kind(const m_field *f)
{
    return f->flags & RG_FIELD_DIMENSION ? "dimension"
           : f->flags & RG_FIELD_COMPUTED ? "computed"
           : f->flags & RG_FIELD_RATIO    ? "ratio"
                                          : "field";
}

static char *field_desc(const m_field *f)
{
    char *t = type_str(&f->type);
    char *s = rt_xasprintf("%s %s%s", field_kind(f), t, f->flags & RG_FIELD_REQUIRED ? ", required" : "");
    free(t);
    return s;
}

/* The same label in every language: the code changed, the field did not. */
static int same_label(const ast_texts *a, const ast_texts *b)
{
    if (!a || !b || a->items.n == 0 || a->items.n != b->items.n)
        return 0;
    AST_EACH(const ast_text *, t, a->items) {
        if (!same(m_text(b, t->lang), t->text))
            return 0;
    }
    return 1;
}

static void diff_range(diff_result *d, const char *path, const m_field *x, const m_field *y)
{
    int sx = arith_scale(&x->type);
    int hx_min = (x->flags & RG_FIELD_HAS_MIN) != 0, hy_min = (y->flags & RG_FIELD_HAS_MIN) != 0;
    int hx_max = (x->flags & RG_FIELD_HAS_MAX) != 0, hy_max = (y->flags & RG_FIELD_HAS_MAX) != 0;
    if (hx_min == hy_min && hx_max == hy_max && (!hx_min || x->min == y->min) && (!hx_max || x->max == y->max))
        return;
    /* narrowed: a bound appears, or moves inwards */
    int narrowed = (!hx_min && hy_min) || (!hx_max && hy_max) || (hx_min && hy_min && y->min > x->min) ||
                   (hx_max && hy_max && y->max < x->max);
    char *lo1 = hx_min ? scaled_str(x->min, sx) : rt_xasprintf("-"), *hi1 = hx_max ? scaled_str(x->max, sx) : rt_xasprintf("-");
    char *lo2 = hy_min ? scaled_str(y->min, sx) : rt_xasprintf("-"), *hi2 = hy_max ? scaled_str(y->max, sx) : rt_xasprintf("-");
    add(d, narrowed ? "range-narrowed" : "range-widened", rt_xasprintf("%s", path), "%s to %s -> %s to %s",
        hx_min || hx_max ? lo1 : "none", hx_min || hx_max ? hi1 : "", hy_min || hy_max ? lo2 : "none",
        hy_min || hy_max ? hi2 : "");
    free(lo1);
    free(hi1);
    free(lo2);
    free(hi2);
}

static const char *weight_name(const m_form *f, const m_field *x)
{
    return x->weight >= 0 && x->weight < f->n_fields ? f->fields[x->weight].code : NULL;
}

static void diff_field(diff_result *d, const char *path, const m_form *fa, const m_field *x, const m_form *fb,
                       const m_field *y, const renames *rn)
{
    if (strcmp(field_kind(x), field_kind(y))) {
        add(d, "field-kind-changed", rt_xasprintf("%s", path), "%s -> %s", field_kind(x), field_kind(y));
        return;
    }
    char *tx = type_str(&x->type), *ty = type_str(&y->type);
    if (x->type.kind != y->type.kind)
        add(d, "type-changed", rt_xasprintf("%s", path), "%s -> %s", tx, ty);
    else if (x->type.kind == TY_CODE && !same(x->type.list ? x->type.list->name : NULL,
                                              y->type.list ? y->type.list->name : NULL))
        add(d, "codelist-changed", rt_xasprintf("%s", path), "%s -> %s", tx, ty);
    else if (x->type.scale != y->type.scale)
        add(d, "scale-changed", rt_xasprintf("%s", path), "%s -> %s", tx, ty);
    if (x->type.kind == y->type.kind && !same(x->type.unit, y->type.unit))
        add(d, "unit-changed", rt_xasprintf("%s", path), "%s -> %s", or_none(x->type.unit), or_none(y->type.unit));
    free(tx);
    free(ty);
    if (!(x->flags & RG_FIELD_REQUIRED) && (y->flags & RG_FIELD_REQUIRED))
        add(d, "required-added", rt_xasprintf("%s", path), "optional -> required");
    if ((x->flags & RG_FIELD_REQUIRED) && !(y->flags & RG_FIELD_REQUIRED))
        add(d, "required-removed", rt_xasprintf("%s", path), "required -> optional");
    if ((x->flags & RG_FIELD_PER_UNIT) != (y->flags & RG_FIELD_PER_UNIT))
        add(d, "per-unit-changed", rt_xasprintf("%s", path), "%s", x->flags & RG_FIELD_PER_UNIT
                                                                       ? "once per unit -> on every row"
                                                                       : "on every row -> once per unit");
    if (x->type.kind == y->type.kind && x->type.scale == y->type.scale)
        diff_range(d, path, x, y);
    if (x->max_digits != y->max_digits) {
        int narrowed = (!x->max_digits && y->max_digits) || (y->max_digits && y->max_digits < x->max_digits);
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", x->max_digits);
        snprintf(b, sizeof b, "%d", y->max_digits);
        add(d, narrowed ? "digits-narrowed" : "digits-widened", rt_xasprintf("%s", path), "max digits %s -> %s",
            x->max_digits ? a : "none", y->max_digits ? b : "none");
    }
    int lenient = (x->time_agg == RG_TIME_CLOSING_STRICT && y->time_agg == RG_TIME_CLOSING) ||
                  (x->time_agg == RG_TIME_OPENING_STRICT && y->time_agg == RG_TIME_OPENING);
    int strict = (y->time_agg == RG_TIME_CLOSING_STRICT && x->time_agg == RG_TIME_CLOSING) ||
                 (y->time_agg == RG_TIME_OPENING_STRICT && x->time_agg == RG_TIME_OPENING);
    if (strict)
        add(d, "stock-made-strict", rt_xasprintf("%s", path),
            "%s -> %s: a unit whose calendar-%s sub-period is absent now has an empty figure", time_word(x->time_agg),
            time_word(y->time_agg), y->time_agg == RG_TIME_CLOSING_STRICT ? "last" : "first");
    else if (lenient)
        add(d, "stock-made-lenient", rt_xasprintf("%s", path),
            "%s -> %s: figures published before are unchanged; an empty one now takes the %s sub-period present",
            time_word(x->time_agg), time_word(y->time_agg), y->time_agg == RG_TIME_CLOSING ? "last" : "first");
    else if (x->time_agg != y->time_agg)
        add(d, "aggregation-changed", rt_xasprintf("%s", path), "over time: %s -> %s", time_word(x->time_agg),
            time_word(y->time_agg));
    if (x->unit_agg != y->unit_agg || !same(weight_name(fa, x), weight_name(fb, y)))
        add(d, "aggregation-changed", rt_xasprintf("%s", path), "over units: %s%s%s -> %s%s%s", units_word(x->unit_agg),
            weight_name(fa, x) ? " by " : "", weight_name(fa, x) ? weight_name(fa, x) : "", units_word(y->unit_agg),
            weight_name(fb, y) ? " by " : "", weight_name(fb, y) ? weight_name(fb, y) : "");
    if (!eq(x->expr, y->expr, rn)) {
        char *ex = fmt_expr_str(x->expr), *ey = fmt_expr_str(y->expr);
        add(d, "formula-changed", rt_xasprintf("%s", path), "%s -> %s", ex, ey);
        free(ex);
        free(ey);
    }
    if (!eq(x->relevant, y->relevant, rn)) {
        char *ex = fmt_expr_str(x->relevant), *ey = fmt_expr_str(y->relevant);
        const char *kind = !x->relevant ? "relevance-added" : !y->relevant ? "relevance-removed" : "relevance-changed";
        add(d, kind, rt_xasprintf("%s", path), "%s -> %s", x->relevant ? ex : "always", y->relevant ? ey : "always");
        free(ex);
        free(ey);
    }
    char *p = rt_xasprintf("%s.label", path);
    texts_diff(d, "label-changed", p, x->label, y->label);
    free(p);
    p = rt_xasprintf("%s.hint", path);
    texts_diff(d, "hint-changed", p, x->hint, y->hint);
    free(p);
}

static const m_rule *find_rule(const m_form *f, const char *code)
{
    for (int i = 0; i < f->n_rules; i++)
        if (!strcmp(f->rules[i].code, code))
            return &f->rules[i];
    return NULL;
}

static void diff_rule(diff_result *d, const char *path, const m_rule *x, const m_rule *y, const renames *rn,
                      const renames *inv)
{
    if (x->severity != y->severity) {
        const char *kind = y->severity > x->severity  ? "severity-lowered"
                           : y->severity == RG_SEV_ERROR ? "severity-raised-to-error"
                                                         : "severity-raised";
        add(d, kind, rt_xasprintf("%s", path), "%s -> %s", sev_word(x->severity), sev_word(y->severity));
    }
    if (!eq(x->check, y->check, rn)) {
        const char *kind = implies(x->check, y->check, rn, 0)    ? "check-relaxed"
                           : implies(y->check, x->check, inv, 0) ? "check-stricter"
                                                            : "check-changed";
        char *ex = fmt_expr_str(x->check), *ey = fmt_expr_str(y->check);
        add(d, kind, rt_xasprintf("%s", path), "%s -> %s", ex, ey);
        free(ex);
        free(ey);
    }
    if (!eq(x->when, y->when, rn)) {
        /* the guard says when the rule applies: a narrower guard relaxes it */
        const char *kind = !x->when                          ? "guard-added"
                           : !y->when                        ? "guard-removed"
                           : implies(y->when, x->when, inv, 0) ? "guard-narrowed"
                           : implies(x->when, y->when, rn, 0)  ? "guard-widened"
                                                             : "guard-changed";
        char *ex = fmt_expr_str(x->when), *ey = fmt_expr_str(y->when);
        add(d, kind, rt_xasprintf("%s", path), "when %s -> %s%s", x->when ? ex : "always", y->when ? "when " : "",
            y->when ? ey : "always");
        free(ex);
        free(ey);
    }
    if (!fmt_expr_equal(x->tolerance, y->tolerance)) {
        num tx = {0, 0}, ty = {0, 0};
        int kx = !x->tolerance || const_num(x->tolerance, &tx), ky = !y->tolerance || const_num(y->tolerance, &ty);
        int c = kx && ky ? num_cmp(ty, tx) : -1;
        char *ex = fmt_expr_str(x->tolerance), *ey = fmt_expr_str(y->tolerance);
        if (c != 0)
            add(d, c < 0 ? "tolerance-reduced" : "tolerance-increased", rt_xasprintf("%s", path), "%s -> %s",
                x->tolerance ? ex : "none", y->tolerance ? ey : "none");
        free(ex);
        free(ey);
    }
    if (x->missing != y->missing || x->missing_left != y->missing_left || x->missing_right != y->missing_right) {
        int o = missing_order(x, y);
        char *mx = missing_str(x), *my = missing_str(y);
        if (o == 2)
            add(d, "missing-changed", rt_xasprintf("%s", path), "missing %s -> %s: missing values are read otherwise, rows may fail that passed",
                mx, my);
        else
            add(d, o > 0 ? "missing-stricter" : o < 0 ? "missing-relaxed" : "missing-equivalent", rt_xasprintf("%s", path),
                "missing %s -> %s", mx, my);
        free(mx);
        free(my);
    }
    char *p = rt_xasprintf("%s.message", path);
    texts_diff(d, "message-changed", p, x->message, y->message);
    free(p);
}

/* ---- hierarchies, as the form that checks them sees them ---- */

static const m_hier_use *find_use(const m_regime *r, const m_form *f, const char *name)
{
    for (int i = 0; i < f->n_hiers; i++)
        if (f->hiers[i].hier >= 0 && !strcmp(r->hierarchies[f->hiers[i].hier].name, name))
            return &f->hiers[i];
    return NULL;
}

/* A hierarchy rule as a rule, for diff_rule. */
static m_rule as_rule(const m_hier_rule *h)
{
    m_rule r;
    memset(&r, 0, sizeof r);
    r.code = h->code;
    r.severity = h->severity;
    r.when = h->when;
    r.check = h->decl ? h->decl->check : NULL;
    r.tolerance = h->tolerance;
    r.message = h->message;
    return r;
}

static const m_hier_rule *find_hrule(const m_hierarchy *h, const char *code)
{
    for (int i = 0; i < h->n_rules; i++)
        if (!strcmp(h->rules[i].code, code))
            return &h->rules[i];
    return NULL;
}

static const char *const hier_modes[] = {"?", "non_null", "non_zero", "partial_null", "partial_zero", "always_null",
                                         "always_zero"};

static void hier_rules_added(diff_result *d, const char *fc, const m_hierarchy *h, const m_hierarchy *old)
{
    for (int j = 0; j < h->n_rules; j++) {
        const m_hier_rule *y = &h->rules[j];
        if (old && find_hrule(old, y->code))
            continue;
        char *ey = fmt_expr_str(y->decl ? y->decl->check : NULL);
        add(d, y->severity == RG_SEV_ERROR ? "rule-added-error" : "rule-added",
            rt_xasprintf("form.%s.hierarchy.%s.rule.%s", fc, h->name, y->code), "%s: %s", sev_word(y->severity), ey);
        free(ey);
    }
}

static void diff_hiers(diff_result *d, const m_regime *ra, const m_form *a, const m_regime *rb, const m_form *b,
                       const renames *rn, const renames *inv)
{
    const char *fc = a->code;
    for (int i = 0; i < a->n_hiers; i++) {
        const m_hier_use *ux = &a->hiers[i];
        if (ux->hier < 0)
            continue;
        const m_hierarchy *hx = &ra->hierarchies[ux->hier];
        const m_hier_use *uy = find_use(rb, b, hx->name);
        if (!uy) {
            for (int j = 0; j < hx->n_rules; j++)
                add(d, "rule-removed", rt_xasprintf("form.%s.hierarchy.%s.rule.%s", fc, hx->name, hx->rules[j].code),
                    "%s", sev_word(hx->rules[j].severity));
            continue;
        }
        const m_hierarchy *hy = &rb->hierarchies[uy->hier];
        if (ux->mode != uy->mode)
            add(d, "hierarchy-mode-changed", rt_xasprintf("form.%s.hierarchy.%s", fc, hx->name), "missing %s -> %s",
                hier_modes[ux->mode <= 6 ? ux->mode : 0], hier_modes[uy->mode <= 6 ? uy->mode : 0]);
        int added = 0, removed = 0;
        for (int k = 0; k < uy->n_fields; k++) {
            int found = 0;
            for (int q = 0; q < ux->n_fields; q++)
                found |= !strcmp(a->fields[ux->fields[q]].code, b->fields[uy->fields[k]].code);
            added += !found;
        }
        for (int q = 0; q < ux->n_fields; q++) {
            int found = 0;
            for (int k = 0; k < uy->n_fields; k++)
                found |= !strcmp(a->fields[ux->fields[q]].code, b->fields[uy->fields[k]].code);
            removed += !found;
        }
        if (added)
            add(d, "hierarchy-fields-added", rt_xasprintf("form.%s.hierarchy.%s", fc, hx->name),
                "%d more field(s) checked", added);
        if (removed)
            add(d, "hierarchy-fields-removed", rt_xasprintf("form.%s.hierarchy.%s", fc, hx->name),
                "%d field(s) no longer checked", removed);
        for (int j = 0; j < hx->n_rules; j++) {
            const m_hier_rule *x = &hx->rules[j], *y = find_hrule(hy, x->code);
            char *p = rt_xasprintf("form.%s.hierarchy.%s.rule.%s", fc, hx->name, x->code);
            if (!y) {
                add(d, "rule-removed", p, "%s", sev_word(x->severity));
                continue;
            }
            m_rule rx = as_rule(x), ry = as_rule(y);
            diff_rule(d, p, &rx, &ry, rn, inv);
            free(p);
        }
        hier_rules_added(d, fc, hy, hx);
    }
    for (int i = 0; i < b->n_hiers; i++) {
        const m_hier_use *uy = &b->hiers[i];
        if (uy->hier < 0 || find_use(ra, a, rb->hierarchies[uy->hier].name))
            continue;
        hier_rules_added(d, fc, &rb->hierarchies[uy->hier], NULL);
    }
}

static void diff_form(diff_result *d, const m_regime *ra, const m_form *a, const m_regime *rb, const m_form *b)
{
    const char *fc = a->code;
    if (strcmp(tier_name(ra, a->unit_tier), tier_name(rb, b->unit_tier)))
        add(d, "form-reporter-changed", rt_xasprintf("form.%s", fc), "reported by %s -> %s", tier_name(ra, a->unit_tier),
            tier_name(rb, b->unit_tier));
    if (a->frequency != b->frequency)
        add(d, "form-period-changed", rt_xasprintf("form.%s", fc), "period %s -> %s", period_word(a->frequency),
            period_word(b->frequency));
    char *p = rt_xasprintf("form.%s.label", fc);
    texts_diff(d, "label-changed", p, a->label, b->label);
    free(p);

    /* fields: by code; an unmatched pair with the same label is a rename */
    int *match_b = rt_xcalloc((size_t)b->n_fields + 1, sizeof *match_b); /* 1 + index in a, 0 = none */
    int *match_a = rt_xcalloc((size_t)a->n_fields + 1, sizeof *match_a);
    for (int i = 0; i < a->n_fields; i++) {
        int j = m_form_field(b, a->fields[i].code);
        if (j >= 0) {
            match_a[i] = j + 1;
            match_b[j] = i + 1;
        }
    }
    for (int i = 0; i < a->n_fields; i++) {
        if (match_a[i] || is_key(&a->fields[i]))
            continue;
        for (int j = 0; j < b->n_fields; j++)
            if (!match_b[j] && !is_key(&b->fields[j]) && !strcmp(field_kind(&a->fields[i]), field_kind(&b->fields[j])) &&
                same_label(a->fields[i].label, b->fields[j].label)) {
                match_a[i] = j + 1;
                match_b[j] = i + 1;
                break;
            }
    }
    renames rn = {0}, inv = {0};
    rn.from = rt_xcalloc((size_t)a->n_fields + 1, sizeof *rn.from);
    rn.to = rt_xcalloc((size_t)a->n_fields + 1, sizeof *rn.to);
    for (int i = 0; i < a->n_fields; i++)
        if (match_a[i] && strcmp(a->fields[i].code, b->fields[match_a[i] - 1].code)) {
            rn.from[rn.n] = a->fields[i].code;
            rn.to[rn.n++] = b->fields[match_a[i] - 1].code;
        }
    inv = (renames){rn.to, rn.from, rn.n};
    int last = -1, reordered = 0;
    for (int i = 0; i < a->n_fields; i++) {
        const m_field *x = &a->fields[i];
        if (is_key(x))
            continue;
        if (!match_a[i]) {
            char *desc = field_desc(x);
            add(d, x->flags & RG_FIELD_DIMENSION ? "dimension-removed" : "field-removed",
                rt_xasprintf("form.%s.field.%s", fc, x->code), "%s", desc);
            free(desc);
            continue;
        }
        const m_field *y = &b->fields[match_a[i] - 1];
        if (match_a[i] - 1 < last)
            reordered = 1;
        last = match_a[i] - 1;
        if (strcmp(x->code, y->code))
            add(d, "field-renamed", rt_xasprintf("form.%s.field.%s", fc, x->code), "%s -> %s", x->code, y->code);
        p = rt_xasprintf("form.%s.field.%s", fc, y->code);
        diff_field(d, p, a, x, b, y, &rn);
        free(p);
    }
    for (int j = 0; j < b->n_fields; j++) {
        const m_field *y = &b->fields[j];
        if (match_b[j] || is_key(y))
            continue;
        char *desc = field_desc(y);
        const char *kind = y->flags & RG_FIELD_DIMENSION                   ? "dimension-added"
                           : y->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO) ? "computed-added"
                           : y->flags & RG_FIELD_REQUIRED                   ? "field-added-required"
                                                                            : "field-added";
        add(d, kind, rt_xasprintf("form.%s.field.%s", fc, y->code), "%s", desc);
        free(desc);
    }
    if (reordered)
        add(d, "fields-reordered", rt_xasprintf("form.%s", fc), "XML submissions list the fields in declaration order");
    free(match_a);
    free(match_b);

    /* rules: by code */
    for (int i = 0; i < a->n_rules; i++) {
        const m_rule *x = &a->rules[i];
        const m_rule *y = find_rule(b, x->code);
        if (!y) {
            add(d, "rule-removed", rt_xasprintf("form.%s.rule.%s", fc, x->code), "%s", sev_word(x->severity));
            continue;
        }
        p = rt_xasprintf("form.%s.rule.%s", fc, x->code);
        diff_rule(d, p, x, y, &rn, &inv);
        free(p);
    }
    for (int j = 0; j < b->n_rules; j++) {
        const m_rule *y = &b->rules[j];
        if (find_rule(a, y->code))
            continue;
        char *ey = fmt_expr_str(y->check);
        add(d, y->severity == RG_SEV_ERROR ? "rule-added-error" : "rule-added", rt_xasprintf("form.%s.rule.%s", fc, y->code),
            "%s: %s", sev_word(y->severity), ey);
        free(ey);
    }
    diff_hiers(d, ra, a, rb, b, &rn, &inv);
    free(rn.from);
    free(rn.to);
}

static void diff_forms(diff_result *d, const m_regime *a, const m_regime *b)
{
    for (int i = 0; i < a->n_forms; i++) {
        const m_form *y = find_form(b, a->forms[i].code);
        if (!y)
            add(d, "form-removed", rt_xasprintf("form.%s", a->forms[i].code), "%s", a->forms[i].code);
        else
            diff_form(d, a, &a->forms[i], b, y);
    }
    for (int j = 0; j < b->n_forms; j++)
        if (!find_form(a, b->forms[j].code))
            add(d, "form-added", rt_xasprintf("form.%s", b->forms[j].code), "reported by %s",
                tier_name(b, b->forms[j].unit_tier));
}

/* ---- roll-ups -------------------------------------------------------------------- */

static const m_rollup *find_rollup(const m_regime *r, const char *name)
{
    for (int i = 0; i < r->n_rollups; i++)
        if (!strcmp(r->rollups[i].name, name))
            return &r->rollups[i];
    return NULL;
}

static int rollup_has(const m_regime *r, const m_rollup *u, const char *tier)
{
    for (int i = 0; i < u->n_levels; i++)
        if (!strcmp(tier_name(r, u->levels[i]), tier))
            return 1;
    return 0;
}

static int cmp_str(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

/* Total k of roll-up u as its dimensions' names, sorted ("channel, domain"):
 * the same clause in any order of names or of dimensions. */
static char *total_names(const m_regime *r, const m_rollup *u, int k)
{
    const m_form *f = &r->forms[u->form];
    const char *nm[64];
    int n = 0;
    for (int j = 0; j < f->n_dims && j < 64; j++)
        if (u->totals[k] >> j & 1)
            nm[n++] = f->fields[f->dims[j]].code;
    qsort(nm, (size_t)n, sizeof *nm, cmp_str);
    rt_buf b = {0};
    for (int j = 0; j < n; j++) {
        if (j)
            rt_buf_str(&b, ", ");
        rt_buf_str(&b, nm[j]);
    }
    rt_buf_ch(&b, 0);
    return rt_buf_take(&b);
}

static int has_total(const m_regime *r, const m_rollup *u, const char *names)
{
    int hit = 0;
    for (int k = 0; k < u->n_totals && !hit; k++) {
        char *t = total_names(r, u, k);
        hit = !strcmp(t, names);
        free(t);
    }
    return hit;
}

/* A total added is breaking as a total removed is: its rows carry `_T`,
 * which is no code of the list, and a consumer that adds up a dimension's
 * rows would count them twice. */
/* `total over d by H`: "D by H" per dimension, "" when none. */
static char *htotal_name(const m_regime *r, const m_rollup *u, int dimk)
{
    for (int j = 0; j < u->n_htotals; j++)
        if (u->htotals[j].dim == dimk) {
            const m_form *f = &r->forms[u->form];
            return rt_xasprintf("%s by %s", f->fields[f->dims[dimk]].code, r->hierarchies[u->htotals[j].hier].name);
        }
    return NULL;
}

/* A hierarchy's totals added or removed change which rows carry a total
 * code and which sent rows are left out: breaking, as a plain total is. */
static void diff_htotals(diff_result *d, const m_regime *a, const m_rollup *x, const m_regime *b, const m_rollup *y)
{
    for (int pass = 0; pass < 2; pass++) {
        const m_regime *r1 = pass ? b : a, *r2 = pass ? a : b;
        const m_rollup *u1 = pass ? y : x, *u2 = pass ? x : y;
        for (int j = 0; j < u1->n_htotals; j++) {
            if (j && u1->htotals[j - 1].dim == u1->htotals[j].dim)
                continue;
            char *t1 = htotal_name(r1, u1, u1->htotals[j].dim);
            int hit = 0;
            for (int k = 0; k < u2->n_htotals && !hit; k++) {
                char *t2 = htotal_name(r2, u2, u2->htotals[k].dim);
                hit = t1 && t2 && !strcmp(t1, t2);
                free(t2);
            }
            if (!hit)
                add(d, pass ? "total-added" : "total-removed", rt_xasprintf("rollup.%s.total.%s", x->name, t1),
                    "total over %s", t1);
            free(t1);
        }
    }
}

static void diff_totals(diff_result *d, const m_regime *a, const m_rollup *x, const m_regime *b, const m_rollup *y)
{
    diff_htotals(d, a, x, b, y);
    for (int k = 0; k < x->n_totals; k++) {
        char *t = total_names(a, x, k);
        if (!has_total(b, y, t))
            add(d, "total-removed", rt_xasprintf("rollup.%s.total.%s", x->name, t), "total over %s", t);
        free(t);
    }
    for (int k = 0; k < y->n_totals; k++) {
        char *t = total_names(b, y, k);
        if (!has_total(a, x, t))
            add(d, "total-added", rt_xasprintf("rollup.%s.total.%s", x->name, t), "total over %s", t);
        free(t);
    }
}

static const char *rollup_missing_word(int m)
{
    static const char *const w[] = {"?", "non_null", "non_zero", "partial_null", "partial_zero", "always_null", "always_zero"};
    return m >= 1 && m <= 6 ? w[m] : "?";
}

/*
 * A roll-up's missing-value mode (RG_MISS_*) from mx to my. The modes that
 * count absent items alike (as empty: *_null; as 0: *_zero) differ only in
 * what they write: non < partial < always, each writing every figure the
 * one before writes, with the same value; between the two families the
 * totals of groups with an absent item change (empty <-> a partial sum).
 */
static void rollup_missing(diff_result *d, char *path, int mx, int my)
{
    if (mx == my) {
        free(path);
        return;
    }
    const char *wx = rollup_missing_word(mx), *wy = rollup_missing_word(my);
    if (mx < 1 || my < 1 || (mx - 1) % 2 != (my - 1) % 2)
        add(d, "rollup-missing-changed", path,
            "missing %s -> %s: absent items count as %s, no longer as %s: the totals of groups with an absent unit or sub-period change",
            wx, wy, (my - 1) % 2 ? "0" : "empty", (my - 1) % 2 ? "empty" : "0");
    else if (my > mx)
        add(d, "rollup-missing-widened", path,
            "missing %s -> %s: more rows or cells are written; every figure written before is unchanged", wx, wy);
    else
        add(d, "rollup-missing-narrowed", path, "missing %s -> %s: rows or cells written before are left out", wx, wy);
}

static void diff_rollups(diff_result *d, const m_regime *a, const m_regime *b)
{
    for (int i = 0; i < a->n_rollups; i++) {
        const m_rollup *x = &a->rollups[i];
        const m_rollup *y = find_rollup(b, x->name);
        if (!y) {
            add(d, "rollup-removed", rt_xasprintf("rollup.%s", x->name), "for %s", a->forms[x->form].code);
            continue;
        }
        const char *fx = a->forms[x->form].code, *fy = b->forms[y->form].code;
        if (strcmp(fx, fy))
            add(d, "rollup-form-changed", rt_xasprintf("rollup.%s", x->name), "for %s -> for %s", fx, fy);
        for (int k = 0; k < x->n_levels; k++) {
            const char *t = tier_name(a, x->levels[k]);
            if (!rollup_has(b, y, t))
                add(d, "rollup-level-removed", rt_xasprintf("rollup.%s.level.%s", x->name, t), "%s", t);
        }
        for (int k = 0; k < y->n_levels; k++) {
            const char *t = tier_name(b, y->levels[k]);
            if (!rollup_has(a, x, t))
                add(d, "rollup-level-added", rt_xasprintf("rollup.%s.level.%s", x->name, t), "%s", t);
        }
        if (x->period != y->period)
            add(d, "rollup-period-changed", rt_xasprintf("rollup.%s", x->name), "period %s -> %s", period_word(x->period),
                period_word(y->period));
        if (!x->count_column && y->count_column)
            add(d, "completeness-added", rt_xasprintf("rollup.%s", x->name), "completeness %s", y->count_column);
        else if (x->count_column && !y->count_column)
            add(d, "completeness-removed", rt_xasprintf("rollup.%s", x->name), "completeness %s", x->count_column);
        else if (!same(x->count_column, y->count_column))
            add(d, "completeness-renamed", rt_xasprintf("rollup.%s", x->name), "%s -> %s", x->count_column, y->count_column);
        diff_totals(d, a, x, b, y);
        rollup_missing(d, rt_xasprintf("rollup.%s", x->name), x->missing, y->missing);
        /* a field with a mode of its own in either version, by code */
        if (strcmp(fx, fy))
            continue;
        const m_form *ma = &a->forms[x->form], *mb = &b->forms[y->form];
        for (int k = 0; k < ma->n_fields; k++) {
            int j = 0;
            while (j < mb->n_fields && strcmp(mb->fields[j].code, ma->fields[k].code))
                j++;
            if (j == mb->n_fields)
                continue;
            int ox = x->missing_of ? x->missing_of[k] : 0, oy = y->missing_of ? y->missing_of[j] : 0;
            if (!ox && !oy)
                continue;
            rollup_missing(d, rt_xasprintf("rollup.%s.field.%s", x->name, ma->fields[k].code), ox ? ox : x->missing,
                           oy ? oy : y->missing);
        }
    }
    for (int j = 0; j < b->n_rollups; j++)
        if (!find_rollup(a, b->rollups[j].name))
            add(d, "rollup-added", rt_xasprintf("rollup.%s", b->rollups[j].name), "for %s", b->forms[b->rollups[j].form].code);
}

/* ---- entry points ----------------------------------------------------------------- */

int diff_major(const char *v)
{
    if (!v || *v < '0' || *v > '9')
        return -1;
    long m = 0;
    for (; *v >= '0' && *v <= '9'; v++) {
        m = m * 10 + (*v - '0');
        if (m > 1000000000)
            return -1;
    }
    return *v == '.' || *v == '\0' ? (int)m : -1;
}

void diff_models(const compile_ctx *ca, const compile_ctx *cb, diff_result *d)
{
    const m_regime *a = ca->model, *b = cb->model;
    memset(d, 0, sizeof *d);
    diff_header(d, ca, cb);
    diff_tiers(d, a, b);
    diff_codelists(d, a, b);
    diff_forms(d, a, b);
    diff_rollups(d, a, b);
    d->old_major = diff_major(a->version);
    d->new_major = diff_major(b->version);
    d->major_bump = d->new_major >= 0 && d->new_major > d->old_major;
}

int diff_fails(const diff_result *d) { return d->n_breaking > 0 && !d->major_bump; }

void diff_free(diff_result *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->v[i].path);
        free(d->v[i].detail);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

void diff_print_text(const diff_result *d, FILE *out)
{
    for (int i = 0; i < d->n; i++) {
        const diff_change *c = &d->v[i];
        fprintf(out, "%-10s  %-24s  %s  %s\n", c->cls == DIFF_BREAKING ? "breaking" : "compatible", c->kind,
                c->path, c->detail);
    }
}

static void json_side(FILE *out, const char *file, const m_regime *r)
{
    fputs("{\"file\":", out);
    json_write_string(out, file ? file : "");
    fputs(",\"regime\":", out);
    if (r && r->name)
        json_write_string(out, r->name);
    else
        fputs("null", out);
    fputs(",\"version\":", out);
    if (r && r->version)
        json_write_string(out, r->version);
    else
        fputs("null", out);
    fputc('}', out);
}

void diff_print_json(const diff_result *d, const char *old_file, const m_regime *old_r, const char *new_file,
                     const m_regime *new_r, FILE *out)
{
    fputs("{\"old\":", out);
    json_side(out, old_file, old_r);
    fputs(",\"new\":", out);
    json_side(out, new_file, new_r);
    fprintf(out, ",\"major_bump\":%s,\"breaking\":%d,\"compatible\":%d,\"ok\":%s,\"changes\":[",
            d->major_bump ? "true" : "false", d->n_breaking, d->n_compatible, diff_fails(d) ? "false" : "true");
    for (int i = 0; i < d->n; i++) {
        const diff_change *c = &d->v[i];
        fputs(i ? ",\n" : "\n", out);
        fprintf(out, "{\"class\":\"%s\",\"kind\":\"%s\",\"path\":", c->cls == DIFF_BREAKING ? "breaking" : "compatible",
                c->kind);
        json_write_string(out, c->path);
        fputs(",\"detail\":", out);
        json_write_string(out, c->detail);
        fputc('}', out);
    }
    fputs("\n]}\n", out);
}

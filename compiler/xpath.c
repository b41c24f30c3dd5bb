/*
 * xpath.c — rule and field expressions as ODK XPath, written from the IR
 * (ir.h): the very trees lower.c makes for the kernels (cg_llvm*.c) and the
 * reference evaluator (eval.c), so the form, the kernels and the evaluator
 * share one meaning of every rule, computed field, ratio and relevance.
 *
 * The translation keeps the IR's semantics where XPath can:
 *   - presence is strict: an operator on a missing operand is missing, a
 *     division by zero is missing; IR_PRESENT, IR_COALESCE and IR_IF absorb;
 *   - a rule passes when its guard is missing or false, when its check is
 *     missing (missing skip, the default) or true; with `missing fail` a
 *     missing check fails; `missing zero` reads come lowered as coalesce;
 *   - a tolerance applies to the comparison that carries it (IR_CMP's c):
 *     a = b becomes abs(a - b) <= t, a <= b becomes a - b <= t, and so on;
 *   - IR_DIV and a rescale down round half away from zero at the node's
 *     scale (XPath's round goes half up: negatives are mirrored).
 * In XPath 1.0 an empty node compares as NaN, so presence is spelled out:
 * every operand contributes a term ("F != ''", "D != 0") and the rule
 * becomes `F = '' or D = 0 or not(guard) or check`.
 *
 * Values are plain numbers, not the IR's scaled integers (the scales only
 * say where to round): a percent field holding 90 reads as 0.9, a date as
 * its day number (decimal-date-time), a period as the period number of
 * regime.h (year * 12 + month - 1...), a bool as an XPath boolean; a code
 * index compared with a code field is the code itself.
 *
 * Not expressible: previous(), children(), other forms, the unit list
 * (`unit in TIER`), and what lower.c refuses; the caller lists such rules
 * as server-side checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"
#include "lower.h"

/* ---- strings ---- */

void xml_sb_put(xml_sb *b, const char *s)
{
    rt_buf_str(b, s);
    rt_buf_cstr(b);
}

void xml_sb_printf(xml_sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_buf_vprintf(b, fmt, ap);
    va_end(ap);
    rt_buf_cstr(b);
}

char *xml_sb_take(xml_sb *b, arena *a)
{
    char *s = arena_strdup(a, rt_buf_cstr(b));
    rt_buf_free(b);
    return s;
}

char *xml_xpath_string(arena *a, const char *s)
{
    if (!strchr(s, '\''))
        return arena_printf(a, "'%s'", s);
    if (!strchr(s, '"'))
        return arena_printf(a, "\"%s\"", s);
    /* both quotes: concat('it', "'", 's') */
    xml_sb b = {0};
    xml_sb_put(&b, "concat(''");
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, "'");
        if (n) {
            char *part = arena_strndup(a, p, n);
            xml_sb_printf(&b, ", '%s'", part);
            p += n;
        }
        if (*p == '\'') {
            xml_sb_put(&b, ", \"'\"");
            p++;
        }
    }
    xml_sb_put(&b, ")");
    return xml_sb_take(&b, a);
}

/* Decimals and dates are written by the shared core (core.h). */
void xml_format_scaled(int64_t v, int scale, char *buf) { rt_dec_str(v, scale < 0 ? 0 : scale, buf); }

void xml_format_date(int64_t z, char *buf) { rt_date_format(z, buf); }

const char *xml_period_pattern(rg_freq freq)
{
    switch (freq) {
    case RG_F_MONTHLY: return "[0-9]{4}-(0[1-9]|1[0-2])";
    case RG_F_QUARTERLY: return "[0-9]{4}-Q[1-4]";
    case RG_F_HALF_YEARLY: return "[0-9]{4}-H[12]";
    case RG_F_NINE_MONTHS: return "[0-9]{4}-9M";
    case RG_F_YEARLY: return "[0-9]{4}";
    default: return "[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]|9M))?";
    }
}

/* ---- field types ---- */

int xml_is_numeric(ty_kind k)
{
    return k == TY_INTEGER || k == TY_COUNT || k == TY_DECIMAL || k == TY_MONEY || k == TY_PERCENT ||
           k == TY_RATIO;
}

static int64_t pow10_minus1(int n)
{
    int64_t v = 1;
    for (int i = 0; i < n && i < 18; i++)
        v *= 10;
    return v - 1;
}

void xml_int_bounds(const m_field *f, int64_t *lo, int *has_lo, int64_t *hi, int *has_hi)
{
    *has_lo = *has_hi = 0;
    *lo = *hi = 0;
    if (f->type.kind == TY_COUNT) {
        *has_lo = 1;
        *lo = 0;
    }
    if (f->flags & RG_FIELD_HAS_MIN && (!*has_lo || f->min > *lo)) {
        *lo = f->min;
        *has_lo = 1;
    }
    if (f->flags & RG_FIELD_HAS_MAX) {
        *hi = f->max;
        *has_hi = 1;
    }
    if (f->max_digits > 0) {
        int64_t m = pow10_minus1(f->max_digits);
        if (!*has_hi || *hi > m) {
            *hi = m;
            *has_hi = 1;
        }
        if (!*has_lo || *lo < -m) {
            *lo = -m;
            *has_lo = 1;
        }
    }
}

const char *xml_xform_type(const m_field *f)
{
    switch (f->type.kind) {
    case TY_INTEGER:
    case TY_COUNT: {
        /* ODK's int is 32 bits: wider integers are decimals held whole */
        int64_t lo, hi;
        int hl, hh;
        xml_int_bounds(f, &lo, &hl, &hi, &hh);
        return hl && hh && lo >= -2147483647 && hi <= 2147483647 ? "int" : "decimal";
    }
    case TY_DECIMAL:
    case TY_MONEY:
    case TY_PERCENT:
    case TY_RATIO: return "decimal";
    case TY_DATE: return "date";
    case TY_CODE:
    case TY_BOOL: return "select1";
    default: return "string";
    }
}

/* ---- the translator: IR expressions (ir.h) as XPath ---- */

typedef struct terms {
    const char **pos, **neg;
    int n, cap;
} terms;

typedef struct xp {
    const xml_form *x;
    const m_rule *rule; /* for well_formed: the rule's operands */
    const char *reason; /* first construct XPath cannot express */
    int row;            /* evaluated in a row of the repeat: its fields are ../code */
} xp;

const char *xml_ref(const xml_form *x, int field, int from_row)
{
    if (from_row && x->in_row && x->in_row[field])
        return arena_printf(x->a, "../%s", x->f->fields[field].code);
    return x->path[field];
}

static void term_add(xp *c, terms *t, const char *pos, const char *neg)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->pos[i], pos))
            return;
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 8;
        const char **p = arena_alloc(c->x->a, sizeof *p * (size_t)cap);
        const char **q = arena_alloc(c->x->a, sizeof *q * (size_t)cap);
        if (t->n) {
            memcpy(p, t->pos, sizeof *p * (size_t)t->n);
            memcpy(q, t->neg, sizeof *q * (size_t)t->n);
        }
        t->pos = p;
        t->neg = q;
        t->cap = cap;
    }
    t->pos[t->n] = pos;
    t->neg[t->n] = neg;
    t->n++;
}

/* "a and b and c", or NULL when there is no term. */
static const char *all_of(xp *c, const terms *t)
{
    if (!t->n)
        return NULL;
    xml_sb b = {0};
    for (int i = 0; i < t->n; i++) {
        if (i)
            xml_sb_put(&b, " and ");
        xml_sb_put(&b, t->pos[i]);
    }
    return xml_sb_take(&b, c->x->a);
}

static int wrapped(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[0] != '(' || s[n - 1] != ')')
        return 0;
    int depth = 0;
    char q = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (q) {
            if (ch == q)
                q = 0;
            continue;
        }
        if (ch == '\'' || ch == '"')
            q = ch;
        else if (ch == '(')
            depth++;
        else if (ch == ')' && --depth == 0 && i + 1 < n)
            return 0;
    }
    return 1;
}

/* Without the parentheses around the whole expression. */
static const char *bare(xp *c, const char *s)
{
    if (!wrapped(s))
        return s;
    return arena_strndup(c->x->a, s + 1, strlen(s) - 2);
}

static const char *paren(xp *c, const char *s)
{
    return wrapped(s) ? s : arena_printf(c->x->a, "(%s)", s);
}

static void unsupported(xp *c, const char *why)
{
    if (!c->reason)
        c->reason = why;
}

/* The model field of an IR column. */
static int model_field(const xp *c, int col)
{
    const ir_form *f = c->x->ir;
    if (!f || col < 0 || col >= f->n_fields || !f->fields[col].src)
        return -1;
    return (int)(f->fields[col].src - c->x->f->fields);
}

/* The code list of a value that is a code field, or NULL. */
static const m_codelist *code_list(const xp *c, const ir_expr *e)
{
    if (!e || e->op != IR_FIELD)
        return NULL;
    int i = model_field(c, e->field);
    if (i < 0 || c->x->f->fields[i].type.kind != TY_CODE)
        return NULL;
    return c->x->f->fields[i].type.list;
}

static const char *number(xp *c, int64_t v, int scale)
{
    char buf[64];
    xml_format_scaled(v, scale, buf);
    return v < 0 ? arena_printf(c->x->a, "(%s)", buf) : arena_strdup(c->x->a, buf);
}

/* v rounded to `scale` decimals half away from zero, as the IR rounds
 * (XPath's round goes half up). */
static const char *round_away(xp *c, const char *v, int scale)
{
    v = bare(c, v);
    return arena_printf(c->x->a, "if(%s < 0, 0 - round(0 - (%s), %d), round(%s, %d))", v, v, scale, v, scale);
}

/* A period label as the number of regime.h (lower_period_number): year *
 * 12 + month - 1, year * 4 + quarter - 1... in the form's frequency. */
static const char *period_number(xp *c, const char *p)
{
    arena *a = c->x->a;
    const char *y = arena_printf(a, "number(substring(%s, 1, 4))", p);
    switch (c->x->f->frequency) {
    case RG_F_MONTHLY: return arena_printf(a, "(%s * 12 + number(substring(%s, 6, 2)) - 1)", y, p);
    case RG_F_QUARTERLY: return arena_printf(a, "(%s * 4 + number(substring(%s, 7, 1)) - 1)", y, p);
    case RG_F_HALF_YEARLY: return arena_printf(a, "(%s * 2 + number(substring(%s, 7, 1)) - 1)", y, p);
    default: return y;
    }
}

static const char *ival(xp *c, const ir_expr *e, terms *t);

/* well_formed: every value the rule reads (every input value outside a
 * rule) satisfies its own type and range constraint. */
static const char *well_formed(xp *c)
{
    const m_form *f = c->x->f;
    xml_sb b = {0};
    int n = 0;
    int count = c->rule ? c->rule->n_fields : f->n_fields;
    for (int k = 0; k < count; k++) {
        int i = c->rule ? c->rule->fields[k] : k;
        if (!xml_is_input(&f->fields[i]))
            continue;
        const char *ref = xml_ref(c->x, i, c->row);
        const char *r = xml_xpath_range(c->x, i, ref);
        if (!r)
            continue;
        /* an empty value is missing, not malformed, here: presence decides */
        xml_sb_printf(&b, "%s(%s = '' or %s)", n++ ? " and " : "", ref, strstr(r, " and ") ? paren(c, r) : r);
    }
    if (!n) {
        free(b.p);
        return arena_strdup(c->x->a, "true()");
    }
    char *s = xml_sb_take(&b, c->x->a);
    return n > 1 ? paren(c, s) : s;
}

static const char *field_val(xp *c, const ir_expr *e, terms *t)
{
    arena *a = c->x->a;
    int i = model_field(c, e->field);
    if (i < 0) {
        unsupported(c, "field");
        return "''";
    }
    const m_field *f = &c->x->f->fields[i];
    const char *ref = xml_ref(c->x, i, c->row);
    const char *base = ref;
    if (e->zero == IR_ZERO_MISSING)
        base = arena_printf(a, "coalesce(%s, 0)", ref);
    else
        term_add(c, t, arena_printf(a, "%s != ''", ref), arena_printf(a, "%s = ''", ref));
    switch (f->type.kind) {
    case TY_PERCENT: return arena_printf(a, "(%s div 100)", base);
    case TY_DATE: return arena_printf(a, "decimal-date-time(%s)", base);
    case TY_BOOL: return arena_printf(a, "(%s = 1)", base);
    case TY_PERIOD: return period_number(c, base);
    default: return base; /* a code, a unit, a text: its string (lower.c
                             lets a text only be tested for presence) */
    }
}

static const char *cmp_text(ir_cmp k)
{
    switch (k) {
    case IR_EQ: return "=";
    case IR_NE: return "!=";
    case IR_LT: return "<";
    case IR_LE: return "<=";
    case IR_GT: return ">";
    default: return ">=";
    }
}

/* One side of a comparison: a code index becomes the code when the other
 * side is a code field. */
static const char *side(xp *c, const ir_expr *e, const ir_expr *other, terms *t)
{
    const m_codelist *l = code_list(c, other);
    if (l && e->op == IR_CONST && !e->is_bool) {
        if (e->value >= 0 && e->value < l->n_codes)
            return xml_xpath_string(c->x->a, l->codes[e->value].code);
        return arena_strdup(c->x->a, "'\x01'"); /* no such code: never equal */
    }
    return ival(c, e, t);
}

static const char *ival(xp *c, const ir_expr *e, terms *t)
{
    arena *a = c->x->a;
    if (!e) {
        unsupported(c, "expression");
        return "''";
    }
    switch (e->op) {
    case IR_CONST:
        if (e->is_bool)
            return e->value ? "true()" : "false()";
        return number(c, e->value, e->scale);
    case IR_MISSING:
        /* never present: whatever reads it is not evaluated (a rule's
         * verdict made null by its missing-value mode) */
        term_add(c, t, "false()", "true()");
        return "''";
    case IR_EXISTS:
        /* a form holds the row itself only: its fields always exist */
        if (e->a && e->a->op == IR_FIELD)
            return "true()";
        unsupported(c, "absent-row");
        return "''";
    case IR_FIELD: return field_val(c, e, t);
    case IR_PREV: unsupported(c, "previous-period"); return "''";
    case IR_PSTART: unsupported(c, "period window"); return "''";
    case IR_CHILD: unsupported(c, "children"); return "''";
    case IR_OTHER: unsupported(c, "cross-form"); return "''";
    case IR_ACC: unsupported(c, "aggregate"); return "''";
    case IR_WELL_FORMED: return well_formed(c);
    case IR_ADD:
    case IR_SUB:
    case IR_MUL: {
        const char *l = ival(c, e->a, t), *r = ival(c, e->b, t);
        /* left-associative chains without their parentheses: a + b - c */
        if ((e->a->op == IR_ADD || e->a->op == IR_SUB) && e->op != IR_MUL)
            l = bare(c, l);
        if (e->a->op == IR_MUL && e->op == IR_MUL)
            l = bare(c, l);
        return arena_printf(a, "(%s %s %s)", l, e->op == IR_ADD ? "+" : e->op == IR_SUB ? "-" : "*", r);
    }
    case IR_DIV: {
        const char *l = ival(c, e->a, t), *r = ival(c, e->b, t);
        term_add(c, t, arena_printf(a, "%s != 0", r), arena_printf(a, "%s = 0", r));
        return round_away(c, arena_printf(a, "%s div %s", l, r), e->scale);
    }
    case IR_NEG: return arena_printf(a, "(0 - %s)", ival(c, e->a, t));
    case IR_ABS: return arena_printf(a, "abs(%s)", bare(c, ival(c, e->a, t)));
    case IR_MIN:
    case IR_MAX: {
        const char *l = bare(c, ival(c, e->a, t)), *r = bare(c, ival(c, e->b, t));
        return arena_printf(a, "%s(%s, %s)", e->op == IR_MIN ? "min" : "max", l, r);
    }
    case IR_RESCALE: {
        const char *v = ival(c, e->a, t);
        return e->scale >= e->a->scale ? v : round_away(c, v, e->scale);
    }
    case IR_CMP: {
        const char *l = side(c, e->a, e->b, t), *r = side(c, e->b, e->a, t);
        if (!e->c)
            return arena_printf(a, "(%s %s %s)", l, cmp_text(e->cmp), r);
        const char *tol = ival(c, e->c, t);
        const char *d = arena_printf(a, "(%s - %s)", l, r);
        switch (e->cmp) {
        case IR_EQ: return arena_printf(a, "(abs%s <= %s)", d, tol);
        case IR_NE: return arena_printf(a, "(abs%s > %s)", d, tol);
        case IR_LT: return arena_printf(a, "(%s < %s)", d, tol);
        case IR_LE: return arena_printf(a, "(%s <= %s)", d, tol);
        case IR_GT: return arena_printf(a, "(%s > (0 - %s))", d, tol);
        default: return arena_printf(a, "(%s >= (0 - %s))", d, tol);
        }
    }
    case IR_AND:
    case IR_OR: {
        const char *l = ival(c, e->a, t), *r = ival(c, e->b, t);
        if (e->a->op == e->op)
            l = bare(c, l);
        return arena_printf(a, "(%s %s %s)", l, e->op == IR_AND ? "and" : "or", r);
    }
    case IR_NOT: return arena_printf(a, "not(%s)", bare(c, ival(c, e->a, t)));
    case IR_IF: {
        const char *k = bare(c, ival(c, e->a, t));
        terms ta = {0}, tb = {0};
        const char *x = bare(c, ival(c, e->b, &ta)), *y = bare(c, ival(c, e->c, &tb));
        const char *pa = all_of(c, &ta), *pb = all_of(c, &tb);
        if (pa || pb) {
            char *s = arena_printf(a, "((%s and %s) or (not(%s) and %s))", k, pa ? pa : "true()", k, pb ? pb : "true()");
            term_add(c, t, s, arena_printf(a, "not%s", s));
        }
        return arena_printf(a, "if(%s, %s, %s)", k, x, y);
    }
    case IR_IN: {
        int i = e->a && e->a->op == IR_FIELD ? model_field(c, e->a->field) : -1;
        if (i >= 0 && c->x->f->fields[i].type.kind == TY_UNIT) {
            unsupported(c, "unit-list");
            return "true()";
        }
        const char *v = ival(c, e->a, t);
        const m_codelist *l = code_list(c, e->a);
        xml_sb b = {0};
        int n = 0;
        int count = e->set ? e->n_set : l ? l->n_codes : 0;
        if (!e->set && !l) {
            unsupported(c, "list");
            return "true()";
        }
        int plain = l != NULL;
        for (int k = 0; k < count && plain; k++) {
            int64_t ix = e->set ? e->set[k] : k;
            if (ix < 0 || ix >= l->n_codes || strpbrk(l->codes[ix].code, " \t\r\n'"))
                plain = 0;
        }
        if (plain) {
            /* selected('D01 D02', x): one call however long the list */
            for (int k = 0; k < count; k++)
                xml_sb_printf(&b, "%s%s", n++ ? " " : "", l->codes[e->set ? e->set[k] : k].code);
            const char *codes = xml_sb_take(&b, a);
            return arena_printf(a, "selected(%s, %s)", xml_xpath_string(a, codes), bare(c, v));
        }
        for (int k = 0; k < count; k++) {
            int64_t ix = e->set ? e->set[k] : k;
            const char *lit = l ? (ix >= 0 && ix < l->n_codes ? xml_xpath_string(a, l->codes[ix].code) : "'\x01'")
                                : number(c, ix, 0);
            xml_sb_printf(&b, "%s%s = %s", n++ ? " or " : "(", v, lit);
        }
        xml_sb_put(&b, n ? ")" : "false()");
        return xml_sb_take(&b, a);
    }
    case IR_PRESENT: {
        terms ta = {0};
        ival(c, e->a, &ta);
        const char *p = all_of(c, &ta);
        return p ? paren(c, p) : "true()";
    }
    case IR_COALESCE: {
        terms ta = {0}, tb = {0};
        const char *x = bare(c, ival(c, e->a, &ta)), *y = bare(c, ival(c, e->b, &tb));
        const char *pa = all_of(c, &ta), *pb = all_of(c, &tb);
        if (!pa)
            return x;
        if (pb) {
            char *s = arena_printf(a, "((%s) or (%s))", pa, pb);
            term_add(c, t, s, arena_printf(a, "not%s", s));
        }
        return arena_printf(a, "if(%s, %s, %s)", pa, x, y);
    }
    }
    unsupported(c, "expression");
    return "''";
}

/* The IR rule lowered from rule r, or NULL. */
static const ir_rule *ir_rule_of(const xml_form *x, const m_rule *r)
{
    for (int i = 0; x->ir && i < x->ir->n_rules; i++)
        if (x->ir->rules[i].src == r)
            return &x->ir->rules[i];
    return NULL;
}

const char *xml_xpath_rule(const xml_form *x, const m_rule *r, int from_row, const char **reason)
{
    xp c = {x, r, NULL, from_row};
    const ir_rule *ir = ir_rule_of(x, r);
    if (!ir || !ir->check) {
        *reason = "not-compiled";
        return NULL;
    }
    /* The rule passes when any of these holds (joined with "or"). */
    terms g = {0}, t = {0};
    const char *gv = ir->when ? ival(&c, ir->when, &g) : NULL;
    const char *cv = ival(&c, ir->check, &t);
    const char **part = arena_alloc(x->a, sizeof *part * (size_t)(g.n + t.n + 3));
    int n = 0;
    /* the rule is evaluated only when its guard is present and true */
    for (int i = 0; i < g.n; i++)
        part[n++] = g.neg[i];
    if (gv && strcmp(gv, "true()"))
        part[n++] = arena_printf(x->a, "not(%s)", bare(&c, gv));
    if (ir->missing == IR_MISS_FAIL) {
        const char *p = all_of(&c, &t);
        part[n++] = p ? arena_printf(x->a, "(%s and %s)", p, bare(&c, cv)) : cv;
    } else {
        /* an operand missing: skipped (once, though guard and check share it) */
        for (int i = 0; i < t.n; i++) {
            int dup = 0;
            for (int j = 0; j < g.n; j++)
                dup |= !strcmp(t.pos[i], g.pos[j]);
            if (!dup)
                part[n++] = t.neg[i];
        }
        part[n++] = cv;
    }
    if (c.reason) {
        *reason = c.reason;
        return NULL;
    }
    if (n == 1)
        return bare(&c, part[0]);
    xml_sb b = {0};
    for (int i = 0; i < n; i++)
        xml_sb_printf(&b, "%s%s", i ? " or " : "", part[i]);
    return xml_sb_take(&b, x->a);
}

/* A number with exactly `scale` decimals, as regrt prints it (0.5000). */
static const char *fixed(xp *c, const char *v, int scale)
{
    arena *a = c->x->a;
    v = bare(c, v);
    if (scale <= 0)
        return arena_printf(a, "round(%s)", v);
    long long m = 1;
    for (int k = 0; k < scale && k < 18; k++)
        m *= 10;
    const char *n = arena_printf(a, "round(abs(%s) * %lld)", v, m);
    return arena_printf(a, "concat(if(%s < 0 and %s != 0, '-', ''), floor(%s div %lld), '.', substring(string(%lld + %s mod %lld), 2))",
                        v, n, n, m, m, n, m);
}

const char *xml_xpath_message_value(const xml_form *x, const m_rule *r, const char *name, int from_row,
                                    const char *lang)
{
    const ir_rule *ir = ir_rule_of(x, r);
    int vi = lang && !strncmp(lang, "vi", 2);
    const char *empty = vi ? "'(trống)'" : "'(empty)'";
    for (int k = 0; ir && k < ir->n_values; k++) {
        const ir_value *v = &ir->values[k];
        if (strcmp(v->name, name))
            continue;
        xp c = {x, r, NULL, from_row};
        if (v->field >= 0) {
            /* an input: its text as typed */
            int i = model_field(&c, v->field);
            if (i < 0)
                return NULL;
            const char *ref = xml_ref(x, i, from_row);
            return arena_printf(x->a, "if(%s = '', %s, %s)", ref, empty, ref);
        }
        if (!v->expr)
            return empty;
        terms t = {0};
        const char *e = ival(&c, v->expr, &t), *shown;
        switch (v->type) {
        case RG_T_BOOL: shown = arena_printf(x->a, "if(%s, '%s', '%s')", bare(&c, e), vi ? "có" : "yes", vi ? "không" : "no"); break;
        case RG_T_CODE:
        case RG_T_TEXT:
        case RG_T_UNIT:
        case RG_T_DATE:
        case RG_T_PERIOD:
            /* the field's text, when the value is one */
            if (v->expr->op != IR_FIELD || model_field(&c, v->expr->field) < 0)
                return NULL;
            shown = xml_ref(x, model_field(&c, v->expr->field), from_row);
            break;
        case RG_T_PERCENT:
            shown = arena_printf(x->a, "concat(%s, '%%')", fixed(&c, arena_printf(x->a, "%s * 100", e), v->scale));
            break;
        default: shown = fixed(&c, e, v->scale); break;
        }
        if (c.reason)
            return NULL;
        const char *p = all_of(&c, &t);
        return p ? arena_printf(x->a, "if(%s, %s, %s)", p, shown, empty) : shown;
    }
    return NULL;
}

const char *xml_xpath_calculate(const xml_form *x, int field, const char **reason)
{
    const m_field *f = &x->f->fields[field];
    xp c = {x, NULL, NULL, x->in_row[field]};
    arena *a = x->a;
    const ir_expr *e = NULL;
    if (f->flags & RG_FIELD_RATIO)
        e = x->ir ? lower_row_ratio(a, x->r, x->ir, f) : NULL;
    else if (x->ir && x->ir->field_of) {
        int col = x->ir->field_of[field];
        e = col >= 0 ? x->ir->fields[col].expr : NULL;
    }
    if (!e) {
        *reason = "not-compiled";
        return NULL;
    }
    terms t = {0};
    const char *v = bare(&c, ival(&c, e, &t));
    int s = f->type.scale > 0 ? f->type.scale : 0;
    switch (f->type.kind) {
    case TY_PERCENT: v = arena_printf(a, "round(%s * 100, %d)", v, s); break;
    case TY_BOOL: v = arena_printf(a, "if(%s, 1, 0)", v); break;
    case TY_DATE: v = arena_printf(a, "date(%s)", v); break;
    case TY_CODE:
    case TY_TEXT:
    case TY_UNIT:
    case TY_PERIOD: unsupported(&c, "text"); break;
    default:
        /* no binary fraction noise (0.1 + 0.2) in a value the engine
         * writes (a division or a rescale is rounded already) */
        if (s > 0 && e->op != IR_DIV && e->op != IR_RESCALE)
            v = arena_printf(a, "round(%s, %d)", v, s);
    }
    if (c.reason) {
        *reason = c.reason;
        return NULL;
    }
    const char *p = all_of(&c, &t);
    return p ? arena_printf(a, "if(%s, %s, '')", p, v) : v;
}

const char *xml_xpath_relevant(const xml_form *x, int field, const char **reason)
{
    const m_field *f = &x->f->fields[field];
    xp c = {x, NULL, NULL, x->in_row[field]};
    if (!f->relevant)
        return NULL;
    const ir_expr *e = x->ir ? lower_row_expr(x->a, x->r, x->ir, f->relevant) : NULL;
    if (!e) {
        *reason = "not-compiled";
        return NULL;
    }
    terms t = {0};
    const char *v = ival(&c, e, &t);
    const char *p = all_of(&c, &t);
    const char *out = p ? arena_printf(x->a, "%s and %s", p, v) : bare(&c, v);
    if (c.reason) {
        *reason = c.reason;
        return NULL;
    }
    return out;
}

const char *xml_xpath_range(const xml_form *x, int field, const char *s)
{
    const m_field *f = &x->f->fields[field];
    arena *a = x->a;
    xml_sb b = {0};
    int n = 0;
    char lo_s[64], hi_s[64];
#define PART(...)                                                                                                \
    do {                                                                                                         \
        if (n++)                                                                                                 \
            xml_sb_put(&b, " and ");                                                                             \
        xml_sb_printf(&b, __VA_ARGS__);                                                                          \
    } while (0)
    switch (f->type.kind) {
    case TY_COUNT:
    case TY_INTEGER: {
        int64_t lo, hi;
        int hl, hh;
        xml_int_bounds(f, &lo, &hl, &hi, &hh);
        if (hl)
            PART("%s >= %lld", s, (long long)lo);
        if (hh)
            PART("%s <= %lld", s, (long long)hi);
        if (!strcmp(xml_xform_type(f), "decimal"))
            PART("floor(%s) = %s", s, s);
        break;
    }
    case TY_DECIMAL:
    case TY_MONEY:
    case TY_PERCENT:
    case TY_RATIO:
        if (f->flags & RG_FIELD_HAS_MIN) {
            xml_format_scaled(f->min, f->type.scale, lo_s);
            PART("%s >= %s", s, lo_s);
        }
        if (f->flags & RG_FIELD_HAS_MAX) {
            xml_format_scaled(f->max, f->type.scale, hi_s);
            PART("%s <= %s", s, hi_s);
        }
        /* On the number, not on its spelling: ODK's engine writes a whole
         * decimal as 18.0, Enketo as 18, both mean 18 (string(number(.))
         * is XPath's canonical spelling, without trailing zeros). */
        if (f->max_digits > 0)
            PART("string-length(translate(string(number(%s)), '-.', '')) <= %d", s, f->max_digits);
        if (f->type.scale == 0)
            PART("floor(%s) = %s", s, s);
        else
            PART("string-length(substring-after(string(number(%s)), '.')) <= %d", s, f->type.scale);
        break;
    case TY_DATE:
        if (f->flags & RG_FIELD_HAS_MIN) {
            xml_format_date(f->min, lo_s);
            PART("decimal-date-time(%s) >= decimal-date-time('%s')", s, lo_s);
        }
        if (f->flags & RG_FIELD_HAS_MAX) {
            xml_format_date(f->max, hi_s);
            PART("decimal-date-time(%s) <= decimal-date-time('%s')", s, hi_s);
        }
        break;
    case TY_PERIOD: PART("regex(%s, '^%s$')", s, xml_period_pattern(x->f->frequency)); break;
    default: break;
    }
#undef PART
    if (!n) {
        free(b.p);
        return NULL;
    }
    return xml_sb_take(&b, a);
}

/*
 * xpath.c — rule and field expressions as ODK XPath.
 *
 * The translation keeps the native semantics (ir.h) where XPath can:
 *   - presence is strict: an operator on a missing operand is missing, a
 *     division by zero is missing; is_missing/present/coalesce/if absorb;
 *   - a rule passes when its guard is missing or false, when its check is
 *     missing (missing skip, the default) or true; with `missing fail` a
 *     missing check fails; with `missing zero` numeric fields read as 0;
 *   - a tolerance t applies to the top-level comparison: a = b becomes
 *     abs(a - b) <= t, a <= b becomes a - b <= t, and so on.
 * In XPath 1.0 an empty node compares as NaN, so presence is spelled out:
 * every operand contributes a term ("F != ''", "D != 0") and the rule
 * becomes `F = '' or D = 0 or not(guard) or check`.
 *
 * Values live in one domain per type: numbers are plain numbers (a percent
 * field holding 90 reads as 0.9), dates are day numbers
 * (decimal-date-time), booleans are XPath booleans, codes, text, units and
 * periods are strings (periods compare in order as translate(p, '-QHM', '')).
 *
 * Not expressible: previous(), children(), other forms, the unit list
 * (`unit in TIER`); the caller lists such rules as server-side checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"

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

/* ---- the translator ---- */

typedef struct terms {
    const char **pos, **neg;
    int n, cap;
} terms;

typedef struct xp {
    const xml_form *x;
    const m_rule *rule; /* for well_formed: the rule's operands */
    int zero;           /* `missing zero`: numeric fields read as 0 */
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

static const char *val(xp *c, const ast_expr *e);
static void pres(xp *c, const ast_expr *e, terms *t);

static int field_zero(const xp *c, const m_field *f) { return c->zero && xml_is_numeric(f->type.kind); }

static const char *field_val(xp *c, int idx)
{
    const m_field *f = &c->x->f->fields[idx];
    const char *p = xml_ref(c->x, idx, c->row);
    arena *a = c->x->a;
    const char *base = field_zero(c, f) ? arena_printf(a, "coalesce(%s, 0)", p) : p;
    switch (f->type.kind) {
    case TY_PERCENT: return arena_printf(a, "(%s div 100)", base);
    case TY_DATE: return arena_printf(a, "decimal-date-time(%s)", p);
    case TY_BOOL: return arena_printf(a, "(%s = 1)", p);
    default: return base;
    }
}

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

static const char *op_text(ast_op op)
{
    switch (op) {
    case AST_OP_ADD: return "+";
    case AST_OP_SUB: return "-";
    case AST_OP_MUL: return "*";
    case AST_OP_DIV: return "div";
    case AST_OP_EQ: return "=";
    case AST_OP_NE: return "!=";
    case AST_OP_LT: return "<";
    case AST_OP_LE: return "<=";
    case AST_OP_GT: return ">";
    case AST_OP_GE: return ">=";
    case AST_OP_AND: return "and";
    case AST_OP_OR: return "or";
    default: return "?";
    }
}

/* Whether operand x of op can go without parentheses. */
static int same_group(ast_op op, const ast_expr *x, int left)
{
    if (x->kind != AST_E_BINARY)
        return 0;
    ast_op k = x->u.binary.op;
    if (op == AST_OP_AND || op == AST_OP_OR)
        return k == op;
    if (!left)
        return 0;
    if (op == AST_OP_ADD || op == AST_OP_SUB)
        return k == AST_OP_ADD || k == AST_OP_SUB;
    if (op == AST_OP_MUL || op == AST_OP_DIV)
        return k == AST_OP_MUL || k == AST_OP_DIV;
    return 0;
}

static int is_period(const ast_expr *e) { return e->type && e->type->kind == TY_PERIOD; }

static const char *codes_of_list(xp *c, const m_codelist *l)
{
    xml_sb b = {0};
    for (int i = 0; i < l->n_codes; i++) {
        if (strpbrk(l->codes[i].code, " \t\r\n'")) {
            free(b.p);
            return NULL;
        }
        xml_sb_printf(&b, "%s%s", i ? " " : "", l->codes[i].code);
    }
    return xml_sb_take(&b, c->x->a);
}

static const char *code_text(const ast_expr *e)
{
    if (e->ref && e->ref->kind == REF_CODE && e->ref->list)
        return e->ref->list->codes[e->ref->index].code;
    if (e->kind == AST_E_STRING)
        return e->u.str;
    if (e->kind == AST_E_NAME)
        return e->u.name.text;
    return NULL;
}

static const char *call_val(xp *c, const ast_expr *e)
{
    arena *a = c->x->a;
    ast_expr **arg = (ast_expr **)e->u.call.args.items;
    int n = e->u.call.args.n;
    sema_fn fn = e->ref ? e->ref->fn : FN_NONE;
    switch (fn) {
    case FN_SUM:
    case FN_MIN:
    case FN_MAX: {
        if (n == 1)
            return val(c, arg[0]);
        xml_sb b = {0};
        xml_sb_put(&b, fn == FN_SUM ? "(" : fn == FN_MIN ? "min(" : "max(");
        for (int i = 0; i < n; i++) {
            if (i)
                xml_sb_put(&b, fn == FN_SUM ? " + " : ", ");
            xml_sb_put(&b, fn == FN_SUM ? val(c, arg[i]) : bare(c, val(c, arg[i])));
        }
        xml_sb_put(&b, ")");
        return xml_sb_take(&b, a);
    }
    case FN_ABS: return arena_printf(a, "abs(%s)", bare(c, val(c, arg[0])));
    case FN_ROUND: return arena_printf(a, "round(%s, %s)", bare(c, val(c, arg[0])), bare(c, val(c, arg[1])));
    case FN_IF:
        return arena_printf(a, "if(%s, %s, %s)", bare(c, val(c, arg[0])), bare(c, val(c, arg[1])),
                            bare(c, val(c, arg[2])));
    case FN_IS_MISSING:
    case FN_PRESENT: {
        terms t = {0};
        pres(c, arg[0], &t);
        const char *p = all_of(c, &t);
        if (fn == FN_PRESENT)
            return p ? paren(c, p) : arena_strdup(a, "true()");
        return p ? arena_printf(a, "not(%s)", p) : arena_strdup(a, "false()");
    }
    case FN_COALESCE: {
        terms t = {0};
        pres(c, arg[0], &t);
        const char *p = all_of(c, &t);
        if (!p)
            return val(c, arg[0]);
        return arena_printf(a, "if(%s, %s, %s)", p, bare(c, val(c, arg[0])), bare(c, val(c, arg[1])));
    }
    case FN_PREVIOUS: unsupported(c, "previous-period"); return arena_strdup(a, "0");
    case FN_CHILDREN: unsupported(c, "children"); return arena_strdup(a, "0");
    default: unsupported(c, "function"); return arena_strdup(a, "0");
    }
}

static const char *val(xp *c, const ast_expr *e)
{
    arena *a = c->x->a;
    char buf[64];
    switch (e->kind) {
    case AST_E_NUMBER:
        xml_format_scaled(e->u.num.value, e->u.num.scale, buf);
        return e->u.num.value < 0 ? arena_printf(a, "(%s)", buf) : arena_strdup(a, buf);
    case AST_E_PERCENT:
        xml_format_scaled(e->u.num.value, e->u.num.scale + 2, buf);
        return e->u.num.value < 0 ? arena_printf(a, "(%s)", buf) : arena_strdup(a, buf);
    case AST_E_STRING: return xml_xpath_string(a, code_text(e));
    case AST_E_DATE:
        xml_format_date(e->u.date, buf);
        return arena_printf(a, "decimal-date-time('%s')", buf);
    case AST_E_PERIOD: return xml_xpath_string(a, e->u.period.text);
    case AST_E_BOOL: return arena_strdup(a, e->u.boolean ? "true()" : "false()");
    case AST_E_MISSING: unsupported(c, "missing"); return arena_strdup(a, "''");
    case AST_E_NAME:
        if (!e->ref) {
            unsupported(c, "name");
            return arena_strdup(a, "''");
        }
        switch (e->ref->kind) {
        case REF_FIELD: return field_val(c, e->ref->index);
        case REF_CODE: return xml_xpath_string(a, code_text(e));
        case REF_WELL_FORMED: return well_formed(c);
        case REF_OTHER_FORM: unsupported(c, "cross-form"); return arena_strdup(a, "''");
        default: unsupported(c, "name"); return arena_strdup(a, "''");
        }
    case AST_E_UNARY:
        if (e->u.unary.op == AST_OP_NOT)
            return arena_printf(a, "not(%s)", bare(c, val(c, e->u.unary.operand)));
        return arena_printf(a, "(0 - %s)", val(c, e->u.unary.operand));
    case AST_E_BINARY: {
        ast_op op = e->u.binary.op;
        const char *l = val(c, e->u.binary.lhs), *r = val(c, e->u.binary.rhs);
        /* left-associative chains without their parentheses: a + b - c */
        if (same_group(op, e->u.binary.lhs, 1))
            l = bare(c, l);
        if (same_group(op, e->u.binary.rhs, 0))
            r = bare(c, r);
        if (op >= AST_OP_LT && op <= AST_OP_GE && (is_period(e->u.binary.lhs) || is_period(e->u.binary.rhs))) {
            l = arena_printf(a, "number(translate(%s, '-QHM', ''))", l);
            r = arena_printf(a, "number(translate(%s, '-QHM', ''))", r);
        }
        return arena_printf(a, "(%s %s %s)", l, op_text(op), r);
    }
    case AST_E_CALL: return call_val(c, e);
    case AST_E_IN: {
        const char *v = val(c, e->u.in.operand);
        if (e->u.in.has_list) {
            if (!e->ref || e->ref->kind != REF_LIST) {
                unsupported(c, "unit-list");
                return arena_strdup(a, "true()");
            }
            const char *codes = codes_of_list(c, e->ref->list);
            if (codes)
                return arena_printf(a, "selected(%s, %s)", xml_xpath_string(a, codes), bare(c, v));
            xml_sb b = {0};
            for (int i = 0; i < e->ref->list->n_codes; i++)
                xml_sb_printf(&b, "%s%s = %s", i ? " or " : "(", v,
                              xml_xpath_string(a, e->ref->list->codes[i].code));
            xml_sb_put(&b, e->ref->list->n_codes ? ")" : "false()");
            return xml_sb_take(&b, a);
        }
        xml_sb b = {0};
        int n = 0;
        AST_EACH(ast_expr *, k, e->u.in.codes) {
            const char *code = code_text(k);
            if (!code)
                continue;
            xml_sb_printf(&b, "%s%s = %s", n++ ? " or " : "(", v, xml_xpath_string(a, code));
        }
        xml_sb_put(&b, n ? ")" : "false()");
        return xml_sb_take(&b, a);
    }
    }
    return arena_strdup(a, "''");
}

static void pres(xp *c, const ast_expr *e, terms *t)
{
    arena *a = c->x->a;
    switch (e->kind) {
    case AST_E_NAME:
        if (e->ref && e->ref->kind == REF_FIELD) {
            const m_field *f = &c->x->f->fields[e->ref->index];
            if (field_zero(c, f))
                return;
            const char *p = xml_ref(c->x, e->ref->index, c->row);
            term_add(c, t, arena_printf(a, "%s != ''", p), arena_printf(a, "%s = ''", p));
        }
        return;
    case AST_E_UNARY: pres(c, e->u.unary.operand, t); return;
    case AST_E_BINARY:
        pres(c, e->u.binary.lhs, t);
        pres(c, e->u.binary.rhs, t);
        if (e->u.binary.op == AST_OP_DIV) {
            const char *d = val(c, e->u.binary.rhs);
            term_add(c, t, arena_printf(a, "%s != 0", d), arena_printf(a, "%s = 0", d));
        }
        return;
    case AST_E_IN: pres(c, e->u.in.operand, t); return;
    case AST_E_CALL: {
        ast_expr **arg = (ast_expr **)e->u.call.args.items;
        int n = e->u.call.args.n;
        switch (e->ref ? e->ref->fn : FN_NONE) {
        case FN_SUM:
        case FN_MIN:
        case FN_MAX:
            for (int i = 0; i < n; i++)
                pres(c, arg[i], t);
            return;
        case FN_ABS:
        case FN_ROUND: pres(c, arg[0], t); return;
        case FN_IF: {
            pres(c, arg[0], t);
            terms ta = {0}, tb = {0};
            pres(c, arg[1], &ta);
            pres(c, arg[2], &tb);
            const char *pa = all_of(c, &ta), *pb = all_of(c, &tb);
            if (!pa && !pb)
                return;
            const char *cond = bare(c, val(c, arg[0]));
            char *s = arena_printf(a, "((%s and %s) or (not(%s) and %s))", cond, pa ? pa : "true()", cond,
                                   pb ? pb : "true()");
            term_add(c, t, s, arena_printf(a, "not%s", s));
            return;
        }
        case FN_COALESCE: {
            terms ta = {0}, tb = {0};
            pres(c, arg[0], &ta);
            pres(c, arg[1], &tb);
            const char *pa = all_of(c, &ta), *pb = all_of(c, &tb);
            if (!pa || !pb)
                return;
            char *s = arena_printf(a, "((%s) or (%s))", pa, pb);
            term_add(c, t, s, arena_printf(a, "not%s", s));
            return;
        }
        case FN_PREVIOUS: unsupported(c, "previous-period"); return;
        case FN_CHILDREN: unsupported(c, "children"); return;
        default: return;
        }
    }
    default: return;
    }
}

/* The check with its tolerance applied to the top-level comparison. */
static const char *check_val(xp *c, const m_rule *r, terms *t)
{
    const ast_expr *e = r->check;
    pres(c, e, t);
    if (!r->tolerance || e->kind != AST_E_BINARY || e->u.binary.op < AST_OP_EQ || e->u.binary.op > AST_OP_GE)
        return val(c, e);
    pres(c, r->tolerance, t);
    arena *a = c->x->a;
    const char *l = val(c, e->u.binary.lhs), *rr = val(c, e->u.binary.rhs), *tol = val(c, r->tolerance);
    if (r->tolerance_of) {
        /* relative: the tolerance times the absolute value of its base */
        pres(c, r->tolerance_of, t);
        tol = arena_printf(a, "(%s * abs(%s))", tol, val(c, r->tolerance_of));
    }
    const char *d = arena_printf(a, "(%s - %s)", l, rr);
    switch (e->u.binary.op) {
    case AST_OP_EQ: return arena_printf(a, "(abs%s <= %s)", d, tol);
    case AST_OP_NE: return arena_printf(a, "(abs%s > %s)", d, tol);
    case AST_OP_LT: return arena_printf(a, "(%s < %s)", d, tol);
    case AST_OP_LE: return arena_printf(a, "(%s <= %s)", d, tol);
    case AST_OP_GT: return arena_printf(a, "(%s > (0 - %s))", d, tol);
    default: return arena_printf(a, "(%s >= (0 - %s))", d, tol);
    }
}

const char *xml_xpath_rule(const xml_form *x, const m_rule *r, int from_row, const char **reason)
{
    xp c = {x, r, r->missing == M_MISSING_ZERO, NULL, from_row};
    if (!r->check) {
        *reason = "no-check";
        return NULL;
    }
    /* The rule passes when any of these holds (joined with "or"). */
    terms g = {0}, t = {0};
    const char *gv = NULL;
    if (r->when) {
        pres(&c, r->when, &g);
        gv = val(&c, r->when);
    }
    const char *cv = check_val(&c, r, &t);
    const char **part = arena_alloc(x->a, sizeof *part * (size_t)(g.n + t.n + 3));
    int n = 0;
    /* the rule is evaluated only when its guard is present and true */
    for (int i = 0; i < g.n; i++)
        part[n++] = g.neg[i];
    if (gv && strcmp(gv, "true()"))
        part[n++] = arena_printf(x->a, "not(%s)", bare(&c, gv));
    if (r->missing == M_MISSING_FAIL) {
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

const char *xml_xpath_calculate(const xml_form *x, int field, const char **reason)
{
    const m_field *f = &x->f->fields[field];
    xp c = {x, NULL, 0, NULL, x->in_row[field]};
    arena *a = x->a;
    const char *out;
    if (!f->expr) {
        *reason = "no-expression";
        return NULL;
    }
    if (f->flags & RG_FIELD_RATIO) {
        const ast_expr *e = f->expr;
        if (e->kind != AST_E_BINARY || e->u.binary.op != AST_OP_DIV) {
            *reason = "ratio";
            return NULL;
        }
        terms t = {0};
        pres(&c, e->u.binary.lhs, &t);
        pres(&c, e->u.binary.rhs, &t);
        const char *num = val(&c, e->u.binary.lhs), *den = val(&c, e->u.binary.rhs);
        xml_sb b = {0};
        xml_sb_put(&b, "if(");
        for (int i = 0; i < t.n; i++)
            xml_sb_printf(&b, "%s or ", t.neg[i]);
        xml_sb_printf(&b, "%s = 0, '', round(%s div %s, %d))", den, num, den, f->type.scale);
        out = xml_sb_take(&b, a);
    } else {
        terms t = {0};
        pres(&c, f->expr, &t);
        const char *v = bare(&c, val(&c, f->expr));
        int has_decimals = 0, has_div = strstr(v, " div ") != NULL;
        if (f->decl)
            AST_EACH(ast_attr *, at, f->decl->attrs) if (at->kind == AST_A_DECIMALS) has_decimals = 1;
        switch (f->type.kind) {
        case TY_PERCENT: v = arena_printf(a, "round(%s * 100, %d)", v, f->type.scale); break;
        case TY_BOOL: v = arena_printf(a, "if(%s, 1, 0)", v); break;
        case TY_DATE: v = arena_printf(a, "date(%s)", v); break;
        default:
            if (xml_is_numeric(f->type.kind) && (has_decimals || has_div))
                v = arena_printf(a, "round(%s, %d)", v, f->type.scale);
        }
        const char *p = all_of(&c, &t);
        out = p ? arena_printf(a, "if(%s, %s, '')", p, v) : v;
    }
    if (c.reason) {
        *reason = c.reason;
        return NULL;
    }
    return out;
}

const char *xml_xpath_relevant(const xml_form *x, int field, const char **reason)
{
    const m_field *f = &x->f->fields[field];
    xp c = {x, NULL, 0, NULL, x->in_row[field]};
    if (!f->relevant)
        return NULL;
    terms t = {0};
    pres(&c, f->relevant, &t);
    const char *v = val(&c, f->relevant);
    const char *p = all_of(&c, &t);
    const char *out = p ? arena_printf(x->a, "%s and %s", p, v) : bare(&c, v);
    if (c.reason) {
        *reason = c.reason;
        return NULL;
    }
    return out;
}

const char *xml_xpath_value(const xml_form *x, const m_rule *r, int from_row, const ast_expr *e)
{
    xp c = {x, r, r ? r->missing == M_MISSING_ZERO : 0, NULL, from_row};
    const char *v = val(&c, e);
    return c.reason ? NULL : bare(&c, v);
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

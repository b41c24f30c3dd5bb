/* sema_rules.c — the expressions of each form: computed fields and ratios
 * (typed on first use, cycles reported), relevance conditions, and rules:
 * severity, missing-value mode, guard, check, tolerance, message
 * placeholders, what constant folding proves about them, and codes that are
 * unique in the whole regime. */
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sema_int.h"

/* The location of `needle` inside a one-line text at `loc`, else `loc`:
 * points at a placeholder rather than at the whole message. */
static src_loc narrow(sema *s, src_loc loc, const char *needle)
{
    size_t len;
    const char *line = src_line(&s->c->sm, loc.file, loc.line, &len);
    if (!line || loc.end_line != loc.line || loc.col < 1 || (size_t)loc.end_col > len)
        return loc;
    size_t n = strlen(needle), from = (size_t)loc.col - 1, to = (size_t)loc.end_col;
    for (size_t i = from; n && i + n <= to; i++)
        if (!memcmp(line + i, needle, n)) {
            src_loc r = loc;
            r.col = (int)i + 1;
            r.end_col = (int)(i + n);
            return r;
        }
    return loc;
}

/* ---- messages ---- */

/* Whether a check is a comparison of two numbers (what {imbalance}, the
 * difference of its two sides, needs). */
static int compares_numbers(const ast_expr *e)
{
    return e && e->kind == AST_E_BINARY && e->u.binary.op >= AST_OP_EQ && e->u.binary.op <= AST_OP_GE &&
           e->u.binary.lhs->type && e->u.binary.rhs->type && sema_is_numeric(e->u.binary.lhs->type->kind) &&
           sema_is_numeric(e->u.binary.rhs->type->kind);
}

/* A compiled message has at most this many distinct placeholders
 * (rg_rule.values: one presence word of the message kernel, which also
 * carries the rule's verdict and imbalance). */
#define SEMA_MAX_PLACEHOLDERS 62 /* the kernel's 64 less the verdict and the imbalance */

static void check_message(sema *s, m_rule *rule, const ast_texts *msg)
{
    /* distinct placeholders of every translation */
    const char *seen[SEMA_MAX_PLACEHOLDERS + 1];
    int n_seen = 0, too_many = 0;
    AST_EACH(ast_text *, t, msg->items) {
        const char *p = t->text, *end;
        while ((p = m_placeholder(t->text, p, &end))) {
            if (!end) {
                diag(s->d, "E0308", narrow(s, t->loc, p), rule->code);
                diag_hint(s->d, "H0304");
                break;
            }
            char *ph = arena_strndup(s->a, p + 1, (size_t)(end - p - 1));
            const char *inner = ph;
            size_t len = strlen(ph);
            if (!strncmp(ph, "previous(", 9) && len > 10 && ph[len - 1] == ')') {
                ph[len - 1] = 0;
                inner = ph + 9;
                /* {previous(x, k)}: k periods back, as in a check */
                char *comma = strchr(ph + 9, ',');
                if (comma) {
                    char *e = comma;
                    while (e > ph + 9 && e[-1] == ' ')
                        e--;
                    *e = 0;
                    char *k = comma + 1, *stop;
                    while (*k == ' ')
                        k++;
                    long lag = strtol(k, &stop, 10);
                    while (*stop == ' ')
                        stop++;
                    if (k[0] < '0' || k[0] > '9' || *stop || lag < 1 || lag > M_MAX_LAG) {
                        char *raw = arena_strndup(s->a, p, (size_t)(end - p + 1));
                        diag(s->d, "E0299", narrow(s, t->loc, raw), M_MAX_LAG);
                        diag_hint(s->d, "H0299");
                        p = end + 1;
                        continue;
                    }
                }
            } else if (!strncmp(ph, "children(", 9) && len > 10 && ph[len - 1] == ')') {
                ph[len - 1] = 0;
                inner = ph + 9;
            }
            if (strcmp(inner, "imbalance") && sema_field(s, s->form, inner) < 0) {
                char *raw = arena_strndup(s->a, p, (size_t)(end - p + 1));
                diag(s->d, "E0304", narrow(s, t->loc, raw), inner, rule->code);
                sema_suggest_field(s, inner);
            } else if (!strcmp(ph, "imbalance") && !compares_numbers(rule->check)) {
                /* {imbalance} is the difference of the check's two sides */
                diag(s->d, "E0309", narrow(s, t->loc, "{imbalance}"), rule->code);
                diag_hint(s->d, "H0309");
            }
            char *whole = arena_strndup(s->a, p + 1, (size_t)(end - p - 1));
            int k = 0;
            while (k < n_seen && strcmp(seen[k], whole))
                k++;
            if (k == n_seen) {
                if (n_seen < SEMA_MAX_PLACEHOLDERS)
                    seen[n_seen++] = whole;
                else if (!too_many++)
                    diag(s->d, "E0310", narrow(s, t->loc, arena_strndup(s->a, p, (size_t)(end - p + 1))), rule->code,
                         SEMA_MAX_PLACEHOLDERS);
            }
            p = end + 1;
        }
    }
}

static int contains_div(const ast_expr *e)
{
    if (!e)
        return 0;
    switch (e->kind) {
    case AST_E_BINARY:
        return e->u.binary.op == AST_OP_DIV || contains_div(e->u.binary.lhs) || contains_div(e->u.binary.rhs);
    case AST_E_UNARY: return contains_div(e->u.unary.operand);
    case AST_E_CALL:
        for (int i = 0; i < e->u.call.args.n; i++)
            if (contains_div(e->u.call.args.items[i]))
                return 1;
        return 0;
    default: return 0;
    }
}

/* v / 10^scale as text ("0.01"), for messages */
static void fmt_scaled(int64_t v, int scale, char *out)
{
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v, p = 1;
    for (int k = 0; k < scale && k < 18; k++)
        p *= 10;
    int n = sprintf(out, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(u / p));
    if (scale > 0 && scale <= 18)
        sprintf(out + n, ".%0*llu", scale, (unsigned long long)(u % p));
}

/* `A = previous(B)` carries B of one period into A of the next: both are
 * balances (stocks). One left to the default, summed over time by a
 * roll-up to a coarser period, is a stock summed without saying so. */
static void carried_stocks(sema *s, const ast_expr *check)
{
    if (!check || check->kind != AST_E_BINARY || check->u.binary.op != AST_OP_EQ ||
        !sema_rolled_over_time(s, s->form))
        return;
    const ast_expr *l = check->u.binary.lhs, *r = check->u.binary.rhs;
    if (l->kind == AST_E_CALL) {
        const ast_expr *t = l;
        l = r;
        r = t;
    }
    if (l->kind != AST_E_NAME || r->kind != AST_E_CALL || !r->ref || r->ref->fn != FN_PREVIOUS ||
        r->u.call.args.n != 1)
        return;
    const ast_expr *b = r->u.call.args.items[0];
    const ast_expr *side[2] = {l, b};
    const char *kind[2] = {"opening", "closing"};
    for (int i = 0; i < 2; i++) {
        const ast_expr *x = side[i];
        if (!x->ref || x->ref->kind != REF_FIELD || x->ref->form != s->form_index)
            continue;
        m_field *f = &s->form->fields[x->ref->index];
        if (f->time_agg != RG_TIME_SUM || (f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) ||
            sema_says_time_agg(f->decl))
            continue;
        if (i == 1 && !strcmp(f->code, side[0]->u.name.text))
            continue; /* x = previous(x): reported once */
        diag(s->d, "E0144", x->loc, f->code);
        diag_hint(s->d, "H0144", kind[i], f->code, f->loc.line);
    }
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const m_rule *)a)->code, ((const m_rule *)b)->code);
}

/* `missing MODE` or `missing left: S, right: S` (LANGUAGE.md, "Missing
 * values"): the single-word modes in the order of m_missing, then DHIS2's
 * strategies, which alone apply to both sides. */
static const char *const miss_modes[] = {"skip",         "zero",        "fail",        "non_null",
                                         "non_zero",     "partial_null", "partial_zero", "always_null",
                                         "always_zero",  "skip_if_any", "skip_if_all", "never_skip"};
#define N_MISS_MODES ((int)(sizeof miss_modes / sizeof miss_modes[0]))

static int side_of(sema *s, const ast_name *w)
{
    static const char *const sides[] = {"skip_if_any", "skip_if_all", "never_skip"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(w->text, sides[i]))
            return i + 1; /* ir_side */
    diag(s->d, "E0398", w->loc, w->text);
    sema_suggest(s, w->text, sides, 3);
    return 0;
}

/* whether a check is a comparison of two numbers, whose sides DHIS2's
 * strategies apply to (a side whose type is unknown was reported) */
static int numeric_comparison(const ast_expr *e)
{
    if (!e || e->kind != AST_E_BINARY || e->u.binary.op < AST_OP_EQ || e->u.binary.op > AST_OP_GE)
        return 0;
    const ast_expr *l = e->u.binary.lhs, *r = e->u.binary.rhs;
    return !l->type || !r->type || (sema_is_numeric(l->type->kind) && sema_is_numeric(r->type->kind));
}

static void rule_missing(sema *s, const ast_rule *r, m_rule *mr)
{
    if (r->missing_left.text) {
        int ok = 1;
        if (strcmp(r->missing.text, "left")) {
            diag(s->d, "E0397", r->missing.loc, r->missing.text, "left");
            ok = 0;
        }
        if (strcmp(r->missing_right_kw.text, "right")) {
            diag(s->d, "E0397", r->missing_right_kw.loc, r->missing_right_kw.text, "right");
            ok = 0;
        }
        int lside = side_of(s, &r->missing_left), rside = side_of(s, &r->missing_right);
        if (!ok || !lside || !rside)
            return;
        mr->missing = M_MISSING_SIDES;
        mr->missing_left = lside;
        mr->missing_right = rside;
    } else {
        int k = -1;
        for (int i = 0; i < N_MISS_MODES; i++)
            if (!strcmp(r->missing.text, miss_modes[i]))
                k = i;
        if (k < 0) {
            diag(s->d, "E0303", r->missing.loc, r->missing.text);
            sema_suggest(s, r->missing.text, miss_modes, N_MISS_MODES);
            return;
        }
        if (k < M_MISSING_N_MODES) {
            mr->missing = (m_missing)k;
            return;
        }
        mr->missing = M_MISSING_SIDES;
        mr->missing_left = mr->missing_right = k - M_MISSING_N_MODES + 1;
    }
}

/* What a datapoint rule and a hierarchy rule share: the severity word
 * (E0302), VTL's errorcode and errorlevel — data for the results,
 * independent of the rule code and the severity (E0311) — and no other
 * attribute (E0307). */
void sema_rule_head(sema *s, const ast_rule *r, rg_severity *sev, const char **errorcode, int32_t *errorlevel)
{
    static const char *const sevs[] = {"error", "warning", "info"};
    *sev = RG_SEV_ERROR;
    int sk = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(r->severity.text, sevs[i]))
            sk = i;
    if (sk < 0) {
        diag(s->d, "E0302", r->severity.loc, r->severity.text);
        sema_suggest(s, r->severity.text, sevs, 3);
    } else {
        *sev = (rg_severity)(sk + 1);
    }
    *errorcode = r->errorcode.text;
    *errorlevel = -1;
    if (r->errorlevel) {
        const char *t = r->errorlevel;
        int64_t v = 0;
        int ok = *t != 0;
        for (; *t && ok; t++) {
            ok = *t >= '0' && *t <= '9' && v <= (INT32_MAX - (*t - '0')) / 10;
            v = v * 10 + (*t - '0');
        }
        if (ok)
            *errorlevel = (int32_t)v;
        else
            diag(s->d, "E0311", r->errorlevel_loc, r->errorlevel, r->code);
    }
    AST_EACH(ast_attr *, a, r->extra) {
        diag(s->d, "E0307", a->loc);
        diag_hint(s->d, "H0307");
    }
}

static void check_rule(sema *s, ast_member *m, m_rule *mr)
{
    ast_rule *r = m->rule;
    mr->code = r->code;
    mr->decl = r;
    mr->loc = r->code_loc;
    mr->message = r->message;
    sema_rule_head(s, r, &mr->severity, &mr->errorcode, &mr->errorlevel);
    if (r->missing.text)
        rule_missing(s, r, mr);
    s->in_rule = 1;
    s->n_rule_fields = 0;
    s->uses_prev = s->uses_children = s->uses_other_form = s->uses_units = s->uses_well_formed = 0;
    if (r->when) {
        sema_bool_operand(s, r->when, "when");
        mr->when = r->when;
    }
    if (!r->check) {
        diag(s->d, "E0301", r->code_loc, r->code);
        diag_hint(s->d, "H0301");
    } else {
        sema_bool_operand(s, r->check, "check");
        mr->check = r->check;
    }
    if (r->check)
        carried_stocks(s, r->check);
    if (mr->missing == M_MISSING_SIDES && r->check && !numeric_comparison(r->check))
        diag(s->d, "E0399", r->missing.loc, r->code);
    if (r->tolerance) {
        sema_type *tt = sema_expr(s, r->tolerance);
        int64_t tol;
        if ((tt->kind != TY_ERROR && !sema_is_numeric(tt->kind)) || !sema_const_int(s, r->tolerance, 9, &tol) ||
            tol < 0)
            diag(s->d, "E0213", r->tolerance->loc);
        mr->tolerance = r->tolerance;
        if (r->tolerance_of) {
            /* `tolerance 1% of received`: |a - b| <= 1% x |received| */
            sema_type *ot = sema_expr(s, r->tolerance_of);
            if (ot->kind != TY_ERROR && !sema_is_numeric(ot->kind))
                diag(s->d, "E0213", r->tolerance_of->loc);
            mr->tolerance_of = r->tolerance_of;
        } else if (r->tolerance->kind == AST_E_PERCENT) {
            /* `tolerance 1%` is the number 0.01, which is rarely meant */
            char pct[48], num[48];
            fmt_scaled(r->tolerance->u.num.value, r->tolerance->u.num.scale, pct);
            fmt_scaled(r->tolerance->u.num.value, r->tolerance->u.num.scale + 2, num);
            strcat(pct, "%");
            diag(s->d, "W0306", r->tolerance->loc, pct, num);
            diag_hint(s->d, "H0316");
        }
    }
    s->in_rule = 0;
    mr->flags = (s->uses_prev ? RG_RULE_PREVIOUS : 0) | (s->uses_children ? RG_RULE_CHILDREN : 0) |
                (s->uses_other_form ? RG_RULE_CROSS_FORM : 0) | (s->uses_units ? RG_RULE_UNITS : 0);
    if (r->check && r->check->kind == AST_E_NAME && r->check->ref && r->check->ref->kind == REF_WELL_FORMED)
        mr->flags |= RG_RULE_WELL_FORMED;
    if (s->n_rule_fields) /* qsort(NULL, 0) is undefined (UBSan, fuzz_fmtdiff) */
        qsort(s->rule_fields, (size_t)s->n_rule_fields, sizeof(int), cmp_int);
    mr->n_fields = s->n_rule_fields;
    mr->fields = arena_alloc(s->a, sizeof(int) * (size_t)(s->n_rule_fields + 1));
    if (s->n_rule_fields)
        memcpy(mr->fields, s->rule_fields, sizeof(int) * (size_t)s->n_rule_fields);
    /* provable outcomes. A tolerance can make an exact comparison that
     * always fails pass, and `missing fail` fails a rule that reads a field
     * left empty, so those cases prove nothing. */
    int v;
    if (r->when && sema_fold_bool(s, r->when, &v) && !v) {
        diag(s->d, "W0302", r->when->loc, r->code);
    } else if (r->check && sema_fold_bool(s, r->check, &v)) {
        if (v && !(mr->missing == M_MISSING_FAIL && mr->n_fields > 0))
            diag(s->d, "W0300", r->check->loc, r->code);
        else if (!v && !r->tolerance)
            diag(s->d, "W0301", r->check->loc, r->code);
    }
    if (r->check && contains_div(r->check) && !r->when) {
        diag(s->d, "W0304", r->check->loc, r->code);
        diag_hint(s->d, "H0304b");
    }
    if (!r->message) {
        diag(s->d, "E0305", r->code_loc, r->code);
        diag_hint(s->d, "H0305");
    } else {
        check_message(s, mr, r->message);
    }
}

/* Rule codes are stable identifiers, unique in the whole regime: sorted
 * once, duplicates are neighbours. */
typedef struct rule_at {
    const m_rule *rule;
    int form;
} rule_at;

static int cmp_rule_at(const void *a, const void *b)
{
    const rule_at *x = a, *y = b;
    int c = strcmp(x->rule->code, y->rule->code);
    if (c)
        return c;
    if (x->rule->loc.file != y->rule->loc.file)
        return x->rule->loc.file - y->rule->loc.file;
    if (x->rule->loc.line != y->rule->loc.line)
        return x->rule->loc.line - y->rule->loc.line;
    return x->rule->loc.col - y->rule->loc.col;
}

static void unique_rule_codes(sema *s)
{
    int n = 0;
    for (int fi = 0; fi < s->r->n_forms; fi++)
        n += s->r->forms[fi].n_rules;
    if (n < 2)
        return;
    rule_at *all = malloc(sizeof *all * (size_t)n);
    int k = 0;
    for (int fi = 0; fi < s->r->n_forms; fi++)
        for (int i = 0; i < s->r->forms[fi].n_rules; i++)
            all[k++] = (rule_at){&s->r->forms[fi].rules[i], fi};
    qsort(all, (size_t)n, sizeof *all, cmp_rule_at);
    for (int i = 1; i < n; i++)
        if (!strcmp(all[i].rule->code, all[i - 1].rule->code)) {
            /* the first of the run is the original */
            int first = i - 1;
            while (first > 0 && !strcmp(all[first - 1].rule->code, all[i].rule->code))
                first--;
            const m_rule *orig = all[first].rule;
            const src_file *f = src_get(&s->c->sm, orig->loc.file);
            diag(s->d, "E0300", all[i].rule->loc, all[i].rule->code);
            diag_hint(s->d, "H0100", f ? f->path : "?", orig->loc.line);
        }
    free(all);
}

/* A compiled form has at most 64 roll-up outputs (rg_finalize_fn reports
 * their presence in one word): the aggregated fields (numbers summed,
 * averaged or counted over units and time) and the ratios, as lower.c lays
 * them out. Said here rather than when the library is loaded. */
#define SEMA_MAX_OUTPUTS 64
#define SEMA_MAX_DIMS 64
#define SEMA_MAX_COLUMNS 8192 /* RT_CSV_MAX_FIELDS */

static void check_outputs(sema *s, const m_form *form)
{
    int n = 0;
    for (int i = 0; i < form->n_fields; i++) {
        const m_field *f = &form->fields[i];
        if (f->flags & RG_FIELD_RATIO) {
            n += f->expr != NULL;
            continue;
        }
        if (f->flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_DIMENSION))
            continue;
        if (!sema_is_numeric(f->type.kind) || f->time_agg == RG_TIME_NONE || f->unit_agg == RG_UNITS_NONE)
            continue;
        n++;
    }
    if (n > SEMA_MAX_OUTPUTS) {
        diag(s->d, "E0416", form->decl->name.loc, form->code, n, SEMA_MAX_OUTPUTS);
        diag_hint(s->d, "H0416");
    }
    /* the runtime's other limits: dimension keys of a roll-up group and of
     * a cross-form join (64), columns of a submission's header (8192),
     * failed rules of a row (65535) */
    int cols = 0;
    for (int i = 0; i < form->n_fields; i++)
        cols += !(form->fields[i].flags & RG_FIELD_RATIO);
    if (form->n_dims > SEMA_MAX_DIMS)
        diag(s->d, "E0417", form->decl->name.loc, form->code, form->n_dims, SEMA_MAX_DIMS);
    if (cols > SEMA_MAX_COLUMNS)
        diag(s->d, "E0420", form->decl->name.loc, form->code, cols, SEMA_MAX_COLUMNS);
}

/* ---- per-unit fields ---- */

/* What an expression of form `fi` reads besides the unit and the period:
 * *pu the first per-unit field, *row the first other field (a figure of
 * each row: a field, a dimension, another form's field), *kid a per-unit
 * field read through children(). */
static void pu_reads(const m_form *form, int fi, const ast_expr *e, const m_field **pu, const m_field **row,
                     const ast_expr **kid, int in_children)
{
    if (!e)
        return;
    switch (e->kind) {
    case AST_E_NAME:
        if (!e->ref)
            return;
        if (e->ref->kind == REF_OTHER_FORM) {
            if (!*row)
                *row = &form->fields[0]; /* marker: another form's row */
            return;
        }
        if (e->ref->kind != REF_FIELD || e->ref->form != fi)
            return;
        {
            const m_field *f = &form->fields[e->ref->index];
            if (f->flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD))
                return;
            if (f->flags & RG_FIELD_PER_UNIT) {
                if (!*pu)
                    *pu = f;
                if (in_children && !*kid)
                    *kid = e;
            } else if (!*row) {
                *row = f;
            }
        }
        return;
    case AST_E_UNARY:
        pu_reads(form, fi, e->u.unary.operand, pu, row, kid, in_children);
        return;
    case AST_E_BINARY:
        pu_reads(form, fi, e->u.binary.lhs, pu, row, kid, in_children);
        pu_reads(form, fi, e->u.binary.rhs, pu, row, kid, in_children);
        return;
    case AST_E_CALL: {
        int ch = in_children || (e->ref && e->ref->fn == FN_CHILDREN);
        AST_EACH(ast_expr *, x, e->u.call.args) pu_reads(form, fi, x, pu, row, kid, ch);
        return;
    }
    case AST_E_IN:
        pu_reads(form, fi, e->u.in.operand, pu, row, kid, in_children);
        return;
    default:
        return;
    }
}

/* `per unit` fields: only in a dimensioned form (W0199); computed from
 * per-unit figures only (E0296); a computed field reading per-unit figures
 * only is itself per unit; no ratio over them (E0295), no children() of
 * them (E0294). */
static void check_per_unit(sema *s, m_form *form, int fi)
{
    int any = 0;
    for (int i = 0; i < form->n_fields; i++)
        any |= (form->fields[i].flags & RG_FIELD_PER_UNIT) != 0;
    if (!any)
        return;
    if (!form->n_dims) {
        for (int i = 0; i < form->n_fields; i++) {
            m_field *f = &form->fields[i];
            if (!(f->flags & RG_FIELD_PER_UNIT))
                continue;
            src_loc at = f->loc;
            AST_EACH(ast_attr *, a, f->decl->attrs) if (a->kind == AST_A_PER) at = a->loc;
            diag(s->d, "W0199", at, f->code, form->code);
            f->flags &= ~RG_FIELD_PER_UNIT;
        }
        return;
    }
    /* computed fields reading per-unit figures only are per unit, to a
     * fixed point (one may read another) */
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < form->n_fields; i++) {
            m_field *f = &form->fields[i];
            if (!(f->flags & RG_FIELD_COMPUTED) || (f->flags & RG_FIELD_PER_UNIT) || !f->expr)
                continue;
            const m_field *pu = NULL, *row = NULL;
            const ast_expr *kid = NULL;
            pu_reads(form, fi, f->expr, &pu, &row, &kid, 0);
            if (pu && !row) {
                f->flags |= RG_FIELD_PER_UNIT;
                changed = 1;
            }
        }
    }
    for (int i = 0; i < form->n_fields; i++) {
        m_field *f = &form->fields[i];
        const m_field *pu = NULL, *row = NULL;
        const ast_expr *kid = NULL;
        pu_reads(form, fi, f->expr, &pu, &row, &kid, 0);
        if (f->flags & RG_FIELD_PER_UNIT)
            pu_reads(form, fi, f->relevant, &pu, &row, &kid, 0);
        if ((f->flags & RG_FIELD_PER_UNIT) && row) {
            char what[160];
            if (row == &form->fields[0])
                snprintf(what, sizeof what, "another form's field");
            else
                snprintf(what, sizeof what, "`%.120s`", row->code);
            diag(s->d, "E0296", f->loc, f->code, what);
            diag_hint(s->d, "H0296");
        } else if ((f->flags & RG_FIELD_RATIO) && pu) {
            diag(s->d, "E0295", f->expr ? f->expr->loc : f->loc, f->code, pu->code);
        }
    }
    for (int i = 0; i < form->n_rules; i++) {
        const m_rule *r = &form->rules[i];
        const m_field *pu = NULL, *row = NULL;
        const ast_expr *kid = NULL;
        pu_reads(form, fi, r->when, &pu, &row, &kid, 0);
        pu_reads(form, fi, r->check, &pu, &row, &kid, 0);
        if (kid)
            diag(s->d, "E0294", kid->loc, kid->u.name.text);
    }
}

void sema_form_exprs(sema *s)
{
    s->fstate = calloc((size_t)s->r->n_forms + 1, sizeof *s->fstate);
    for (int fi = 0; fi < s->r->n_forms; fi++)
        s->fstate[fi] = calloc((size_t)s->r->forms[fi].n_fields + 1, 1);
    /* computed fields and ratios first, in every form: rules and other
     * forms read their types */
    for (int fi = 0; fi < s->r->n_forms; fi++) {
        m_form *form = &s->r->forms[fi];
        s->form = form;
        s->form_index = fi;
        for (int i = 0; i < form->n_fields; i++)
            if (form->fields[i].flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO))
                sema_field_type(s, i, form->fields[i].loc);
    }
    for (int fi = 0; fi < s->r->n_forms; fi++) {
        m_form *form = &s->r->forms[fi];
        s->form = form;
        s->form_index = fi;
        for (int i = 0; i < form->n_fields; i++) {
            m_field *f = &form->fields[i];
            if (f->relevant)
                sema_bool_operand(s, f->relevant, "relevant when");
            if ((f->flags & RG_FIELD_RATIO) && f->expr && f->expr->kind == AST_E_BINARY &&
                f->expr->u.binary.op == AST_OP_DIV && !f->relevant) {
                diag(s->d, "W0303", f->expr->u.binary.rhs->loc, f->code);
                diag_hint(s->d, "H0303");
            }
            if ((f->flags & RG_FIELD_RATIO) && f->expr &&
                !(f->expr->kind == AST_E_BINARY && f->expr->u.binary.op == AST_OP_DIV))
                diag(s->d, "E0224", f->expr->loc, f->code);
        }
        AST_EACH(ast_member *, m, form->decl->u.form.members) {
            if (m->kind != AST_M_RULE)
                continue;
            check_rule(s, m, &form->rules[form->n_rules++]);
        }
        check_outputs(s, form);
        check_per_unit(s, form, fi);
        qsort(form->rules, (size_t)form->n_rules, sizeof(m_rule), cmp_rule);
    }
    for (int fi = 0; fi < s->r->n_forms; fi++)
        free(s->fstate[fi]);
    free(s->fstate);
    s->fstate = NULL;
    unique_rule_codes(s);
    s->form = NULL;
}

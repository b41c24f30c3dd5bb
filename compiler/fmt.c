/* fmt.c — canonical formatting of regime specs, and AST equality.
 *
 * Printing happens in two steps. The AST is first printed into a list of
 * output lines, each tagged with the source line it comes from (0 for lines
 * fmt makes up, such as the blank line between declarations). Comments and
 * the source's blank lines are then merged in by those tags, so the printer
 * itself never has to think about them. A second parse of the text is the
 * proof of the pudding: fmt_source() refuses to hand out a text whose AST
 * differs from the input's or that would change when formatted again. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "fmt.h"
#include "parse.h"

/* Strings are built in the shared core's buffers (core.h). */
typedef rt_buf sbuf;

/* Columns taken by UTF-8 text: one per code point. */
static int width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* ---- literals ---------------------------------------------------------- */

static void put_quoted(sbuf *b, const char *s)
{
    rt_buf_ch(b, '"');
    for (const char *p = s; *p; p++) {
        /* the lexer keeps \{ and \} as backslash + brace: print them back as
         * the escape they came from */
        if (*p == '\\' && (p[1] == '{' || p[1] == '}')) {
            rt_buf_ch(b, '\\');
            rt_buf_ch(b, p[1]);
            p++;
            continue;
        }
        switch (*p) {
        case '"': rt_buf_str(b, "\\\""); break;
        case '\\': rt_buf_str(b, "\\\\"); break;
        case '\n': rt_buf_str(b, "\\n"); break;
        case '\t': rt_buf_str(b, "\\t"); break;
        default: rt_buf_ch(b, *p);
        }
    }
    rt_buf_ch(b, '"');
}

char *fmt_quote(const char *s)
{
    sbuf b = {0};
    put_quoted(&b, s ? s : "");
    return rt_buf_take(&b);
}

/* Every keyword of lexer.l: a rule or list code spelled like one must be
 * quoted. */
static const char *const keywords[] = {
    "import", "regime", "version", "label", "hint", "kind", "frequency", "cutoff", "content",
    "submitted", "by", "method", "deadline", "working", "days", "day", "after", "outline",
    "guidance", "tiers", "holidays", "level", "levels", "within", "column", "names", "units",
    "codelist", "from", "form", "reported", "period", "dimension", "field", "computed", "ratio",
    "required", "optional", "range", "to", "max", "digits", "stock", "flow", "over", "decimals",
    "of", "rule", "when", "check", "tolerance", "missing", "message", "errorcode", "errorlevel", "per", "rollup", "for",
    "completeness", "test", "data", "expect", "row", "passes", "fails", "type", "code", "in",
    "and", "or", "not", "true", "false", "relevant", "received", "hierarchy"};

static int is_keyword(const char *s)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (!strcmp(s, keywords[i]))
            return 1;
    return 0;
}

static int is_ident(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (const char *p = s + 1; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return 0;
    return !is_keyword(s);
}

/* A whole number that the lexer reads back as the same text. */
static int is_plain_number(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* A rule or list code: bare when the lexer reads it back unchanged. */
static void put_code(sbuf *b, const char *code)
{
    if (is_ident(code) || is_plain_number(code))
        rt_buf_str(b, code);
    else
        put_quoted(b, code);
}

/* ---- expressions --------------------------------------------------------- */

/* Binding strength, as in parser.y: higher binds tighter. */
enum { P_OR = 1, P_AND, P_NOT, P_CMP, P_IN, P_ADD, P_MUL, P_NEG, P_PRIMARY };

static int op_prec(ast_op op)
{
    switch (op) {
    case AST_OP_OR: return P_OR;
    case AST_OP_AND: return P_AND;
    case AST_OP_NOT: return P_NOT;
    case AST_OP_EQ: case AST_OP_NE: case AST_OP_LT: case AST_OP_LE: case AST_OP_GT: case AST_OP_GE:
        return P_CMP;
    case AST_OP_ADD: case AST_OP_SUB: return P_ADD;
    case AST_OP_MUL: case AST_OP_DIV: return P_MUL;
    case AST_OP_NEG: return P_NEG;
    }
    return P_PRIMARY;
}

static int prec(const ast_expr *e)
{
    switch (e->kind) {
    case AST_E_BINARY: return op_prec(e->u.binary.op);
    case AST_E_UNARY: return op_prec(e->u.unary.op);
    case AST_E_IN: return P_IN;
    default: return P_PRIMARY;
    }
}

static const char *op_text(ast_op op)
{
    switch (op) {
    case AST_OP_ADD: return "+";
    case AST_OP_SUB: return "-";
    case AST_OP_MUL: return "*";
    case AST_OP_DIV: return "/";
    case AST_OP_EQ: return "=";
    case AST_OP_NE: return "!=";
    case AST_OP_LT: return "<";
    case AST_OP_LE: return "<=";
    case AST_OP_GT: return ">";
    case AST_OP_GE: return ">=";
    case AST_OP_AND: return "and";
    case AST_OP_OR: return "or";
    case AST_OP_NOT: return "not";
    case AST_OP_NEG: return "-";
    }
    return "?";
}

/* `rctx` is the binding strength of the operator printed right after `e`
 * (0 when none): a `not` on the right edge of an expression reaches as far
 * right as it can, so it needs parentheses only when what follows binds
 * tighter than `not` would let it. */
static void put_expr(sbuf *b, const ast_expr *e, int rctx);

static void put_sub(sbuf *b, const ast_expr *e, int parens, int rctx)
{
    if (parens)
        rt_buf_ch(b, '(');
    put_expr(b, e, parens ? 0 : rctx);
    if (parens)
        rt_buf_ch(b, ')');
}

static int is_not(const ast_expr *e) { return e->kind == AST_E_UNARY && e->u.unary.op == AST_OP_NOT; }

static void put_list(sbuf *b, const ast_list *l)
{
    for (int i = 0; i < l->n; i++) {
        if (i)
            rt_buf_str(b, ", ");
        put_expr(b, l->items[i], 0);
    }
}

static void put_expr(sbuf *b, const ast_expr *e, int rctx)
{
    if (!e)
        return;
    switch (e->kind) {
    case AST_E_NUMBER: case AST_E_PERCENT: rt_buf_str(b, e->u.num.text); break;
    case AST_E_STRING: put_quoted(b, e->u.str); break;
    case AST_E_DATE: {
        char d[11];
        rt_date_format(e->u.date, d);
        rt_buf_str(b, d);
        break;
    }
    case AST_E_PERIOD: rt_buf_str(b, e->u.period.text); break;
    case AST_E_BOOL: rt_buf_str(b, e->u.boolean ? "true" : "false"); break;
    case AST_E_NAME: rt_buf_str(b, e->u.name.text); break;
    case AST_E_MISSING: rt_buf_str(b, "missing"); break;
    case AST_E_UNARY: {
        const ast_expr *o = e->u.unary.operand;
        if (e->u.unary.op == AST_OP_NOT) {
            rt_buf_str(b, "not ");
            put_sub(b, o, prec(o) < P_NOT, rctx);
        } else {
            rt_buf_ch(b, '-');
            put_sub(b, o, is_not(o) ? rctx > P_NOT : prec(o) < P_NEG, rctx);
        }
        break;
    }
    case AST_E_BINARY: {
        int p = op_prec(e->u.binary.op);
        const ast_expr *l = e->u.binary.lhs, *r = e->u.binary.rhs;
        /* comparisons do not chain; the others associate to the left; `x in
         * L` ends with its list, so nothing on its right can reach into it */
        put_sub(b, l, l->kind != AST_E_IN && (p == P_CMP ? prec(l) <= p : prec(l) < p), p);
        rt_buf_printf(b, " %s ", op_text(e->u.binary.op));
        put_sub(b, r, is_not(r) ? rctx > P_NOT : prec(r) <= p, rctx);
        break;
    }
    case AST_E_CALL:
        rt_buf_str(b, e->u.call.callee.text);
        rt_buf_ch(b, '(');
        put_list(b, &e->u.call.args);
        rt_buf_ch(b, ')');
        break;
    case AST_E_IN:
        put_sub(b, e->u.in.operand, prec(e->u.in.operand) < P_IN, P_IN);
        rt_buf_str(b, " in ");
        if (e->u.in.has_list) {
            rt_buf_str(b, e->u.in.list.text);
        } else {
            rt_buf_ch(b, '(');
            put_list(b, &e->u.in.codes);
            rt_buf_ch(b, ')');
        }
        break;
    }
}

char *fmt_expr_str(const ast_expr *e)
{
    sbuf b = {0};
    put_expr(&b, e, 0);
    return rt_buf_take(&b);
}

static void put_type(sbuf *b, const ast_type *t)
{
    if (t->codelist.text) {
        rt_buf_str(b, "code in ");
        rt_buf_str(b, t->codelist.text);
    } else {
        rt_buf_str(b, t->base.text);
        if (t->scale >= 0)
            rt_buf_printf(b, "(%d)", t->scale);
    }
    if (t->unit.text) {
        rt_buf_str(b, " of ");
        rt_buf_str(b, t->unit.text);
    }
}

static void put_text(sbuf *b, const ast_text *t)
{
    if (t->lang) {
        rt_buf_str(b, t->lang);
        rt_buf_ch(b, ' ');
    }
    put_quoted(b, t->text);
}

/* ---- output lines -------------------------------------------------------- */

enum { OL_TEXT, OL_OPEN, OL_CLOSE, OL_BLANK, OL_COMMENT };

typedef struct oline {
    int indent;
    char *text;
    int src;    /* source line; 0 when made up */
    int kind;
    char *trail; /* trailing comment, "#..." */
} oline;

typedef struct token {
    const char *s;
    size_t n;
    int line;
    int string;
} token;

typedef struct printer {
    const src_file *src;
    const ast_file *file;
    oline *v;
    int n, cap;
    size_t *line_off; /* offset of each source line (1-based) */
    int n_lines;
} printer;

static void add_line(printer *p, int indent, int src, int kind, char *text)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = rt_xrealloc(p->v, (size_t)p->cap * sizeof *p->v);
    }
    oline *l = &p->v[p->n++];
    l->indent = indent;
    l->text = text;
    l->src = src;
    l->kind = kind;
    l->trail = NULL;
}

static void line_sb(printer *p, int indent, int src, sbuf *b) { add_line(p, indent, src, OL_TEXT, rt_buf_take(b)); }

static void line_str(printer *p, int indent, int src, int kind, const char *s)
{
    char *t = rt_xstrndup(s, strlen(s));
    add_line(p, indent, src, kind, t);
}

/* Tokens of the source between two locations: words (letters, digits, '_',
 * '.', '%', '-'), strings and single punctuation, comments skipped. Used for
 * the few places whose location the AST does not keep. */
static int scan_tokens(const printer *p, src_loc from, token *out, int max)
{
    if (!p->src || from.line < 1 || from.line > p->n_lines)
        return 0;
    const char *t = p->src->text, *end = t + p->src->len;
    const char *s = t + p->line_off[from.line] + (from.col > 0 ? (size_t)from.col - 1 : 0);
    const char *stop = from.end_line >= 1 && from.end_line <= p->n_lines
                           ? t + p->line_off[from.end_line] + (size_t)from.end_col
                           : end;
    if (stop > end)
        stop = end;
    int line = from.line, n = 0;
    while (s < stop && n < max) {
        char c = *s;
        if (c == '\n') {
            line++;
            s++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            s++;
        } else if (c == '#') {
            while (s < stop && *s != '\n')
                s++;
        } else if (c == '"') {
            const char *b = s++;
            while (s < stop && *s != '"' && *s != '\n')
                s += (*s == '\\' && s + 1 < stop && s[1] != '\n') ? 2 : 1;
            if (s < stop && *s == '"')
                s++;
            out[n++] = (token){b, (size_t)(s - b), line, 1};
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '%' || c == '-') {
            const char *b = s;
            while (s < stop && ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                                (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '%' ||
                                *s == '-'))
                s++;
            out[n++] = (token){b, (size_t)(s - b), line, 0};
        } else {
            out[n++] = (token){s, 1, line, 0};
            s++;
        }
    }
    return n;
}

static int tok_is(const token *t, const char *w)
{
    return !t->string && t->n == strlen(w) && !memcmp(t->s, w, t->n);
}

/* The text of the k-th token from `loc`, for numbers the AST lost (a
 * decimal where a whole number belongs: an error sema reports, but fmt must
 * still print what was written). */
static void put_token(const printer *p, sbuf *b, src_loc loc, int k, int64_t value)
{
    if (value >= 0) {
        rt_buf_printf(b, "%lld", (long long)value);
        return;
    }
    token t[16];
    int n = scan_tokens(p, loc, t, 16);
    if (k < n)
        rt_buf_put(b, t[k].s, t[k].n);
    else
        rt_buf_printf(b, "%lld", (long long)value);
}

/* 1 when a comment sits inside the span of a multi-line label: then the
 * label keeps one translation per line so the comment keeps its place. */
static int comment_within(const printer *p, int first, int last)
{
    for (int i = 0; i < p->file->comments.n; i++) {
        const ast_comment *c = p->file->comments.items[i];
        if (c->loc.line >= first && c->loc.line < last)
            return 1;
    }
    return 0;
}

/* `prefix vi "..." en "..."` on one line when it fits, else one translation
 * per line, aligned under the first. */
static void emit_texts(printer *p, int indent, int src, const char *prefix, const ast_texts *t)
{
    sbuf b = {0};
    rt_buf_str(&b, prefix);
    int n = t ? t->items.n : 0;
    for (int i = 0; i < n; i++) {
        rt_buf_ch(&b, ' ');
        put_text(&b, t->items.items[i]);
    }
    int split = 0;
    if (n > 1) {
        const ast_text *first = t->items.items[0], *last = t->items.items[n - 1];
        split = indent + width(rt_buf_cstr(&b)) > FMT_WIDTH || comment_within(p, first->loc.line, last->loc.line);
    }
    if (!split) {
        line_sb(p, indent, src, &b);
        return;
    }
    rt_buf_free(&b);
    b = (sbuf){0};
    rt_buf_str(&b, prefix);
    rt_buf_ch(&b, ' ');
    int col = indent + width(rt_buf_cstr(&b));
    put_text(&b, t->items.items[0]);
    line_sb(p, indent, src, &b);
    for (int i = 1; i < n; i++) {
        const ast_text *x = t->items.items[i];
        put_text(&b, x);
        line_sb(p, col, x->loc.line, &b);
    }
}

static void emit_words(printer *p, int indent, int src, const char *prefix, const ast_list *words)
{
    sbuf b = {0};
    rt_buf_str(&b, prefix);
    for (int i = 0; i < words->n; i++) {
        rt_buf_str(&b, i ? ", " : " ");
        rt_buf_str(&b, ((const ast_name *)words->items[i])->text);
    }
    line_sb(p, indent, src, &b);
}

/* ---- declarations --------------------------------------------------------- */

static void emit_item(printer *p, const ast_item *it)
{
    static const char *const kw[] = {"version", "label", "kind", "frequency", "cutoff", "content",
                                     "submitted by", "received by", "method", "deadline",
                                     "outline", "guidance", "tiers", "holidays"};
    int src = it->loc.line;
    sbuf b = {0};
    switch (it->kind) {
    case AST_I_VERSION:
        rt_buf_str(&b, "version ");
        put_quoted(&b, it->str);
        break;
    case AST_I_LABEL: case AST_I_CONTENT: case AST_I_OUTLINE: case AST_I_GUIDANCE:
        emit_texts(p, 2, src, kw[it->kind], it->texts);
        return;
    case AST_I_CUTOFF:
        if (!strcmp(it->word.text, "day") && it->number != 0) {
            rt_buf_str(&b, "cutoff day ");
            put_token(p, &b, it->word.loc, 0, it->number);
            break;
        }
        /* fall through */
    case AST_I_KIND: case AST_I_FREQUENCY: case AST_I_TIERS: case AST_I_HOLIDAYS:
        rt_buf_printf(&b, "%s %s", kw[it->kind], it->word.text);
        break;
    case AST_I_SUBMITTED: case AST_I_RECEIVED: case AST_I_METHOD:
        emit_words(p, 2, src, kw[it->kind], &it->words);
        return;
    case AST_I_DEADLINE:
        rt_buf_printf(&b, "deadline %s ", it->word.text);
        put_token(p, &b, it->loc, 2, it->number);
        rt_buf_printf(&b, " %s%s after cutoff", it->working ? "working " : "", it->number == 1 ? "day" : "days");
        break;
    }
    line_sb(p, 2, src, &b);
}

/* Source lines of the level attributes, which the AST keeps without
 * locations: found by scanning the tiers block. */
enum { LV_WITHIN, LV_CODE, LV_COLUMN, LV_NAMES, LV_OPTIONAL, LV_LABEL, LV_N };

static void emit_tiers(printer *p, const ast_decl *d)
{
    int nl = d->u.tiers.levels.n;
    int(*lines)[LV_N] = rt_xcalloc((size_t)nl + 1, sizeof *lines);
    int units_line = 0;
    int cap = 4096, nt;
    token *t;
    for (;;) {
        t = rt_xmalloc((size_t)cap * sizeof *t);
        nt = scan_tokens(p, d->loc, t, cap);
        if (nt < cap)
            break;
        free(t);
        cap *= 4;
    }
    static const char *const attr_kw[LV_N] = {"within", "code", "column", "names", "optional", "label"};
    int level = -1;
    for (int i = 2; i < nt; i++) { /* after `tiers NAME` */
        if (tok_is(&t[i], "level") && i + 1 < nt) {
            level++;
            i++;
            continue;
        }
        if (tok_is(&t[i], "units")) {
            units_line = t[i].line;
            i++;
            continue;
        }
        for (int k = 0; k < LV_N; k++)
            if (tok_is(&t[i], attr_kw[k]) && level >= 0 && level < nl) {
                lines[level][k] = t[i].line;
                if (k == LV_WITHIN)
                    i++;
            }
    }
    free(t);

    sbuf b = {0};
    rt_buf_printf(&b, "tiers %s {", d->name.text);
    add_line(p, 0, d->loc.line, OL_OPEN, rt_buf_take(&b));
    if (d->u.tiers.label)
        emit_texts(p, 2, d->u.tiers.label->loc.line, "label", d->u.tiers.label);
    if (d->u.tiers.units) {
        rt_buf_str(&b, "units ");
        put_quoted(&b, d->u.tiers.units);
        line_sb(p, 2, units_line, &b);
    }
    for (int li = 0; li < nl; li++) {
        const ast_level *l = d->u.tiers.levels.items[li];
        int at = l->name.loc.line;
        int *ln = lines[li];
        for (int k = 0; k < LV_N; k++)
            if (!ln[k])
                ln[k] = at;
        rt_buf_printf(&b, "level %s", l->name.text);
        line_sb(p, 2, at, &b);
        if (l->within.text) {
            rt_buf_printf(&b, "within %s", l->within.text);
            line_sb(p, 4, l->within.loc.line, &b);
        }
        static const int order[] = {LV_CODE, LV_COLUMN, LV_NAMES};
        const char *vals[] = {l->code, l->column, l->names};
        for (int k = 0; k < 3; k++)
            if (vals[k]) {
                rt_buf_printf(&b, "%s ", attr_kw[order[k]]);
                put_quoted(&b, vals[k]);
                line_sb(p, 4, ln[order[k]], &b);
            }
        if (l->optional)
            line_str(p, 4, ln[LV_OPTIONAL], OL_TEXT, "optional");
        if (l->label)
            emit_texts(p, 4, l->label->loc.line, "label", l->label);
    }
    free(lines);
    line_str(p, 0, d->loc.end_line, OL_CLOSE, "}");
}

static void emit_attr(printer *p, const ast_attr *a)
{
    static const char *const kw[] = {"label", "hint", "required", "optional", "range", "max digits",
                                     "stock", "flow", "over units", "decimals", "relevant when", "per"};
    int src = a->loc.line;
    sbuf b = {0};
    rt_buf_str(&b, kw[a->kind]);
    switch (a->kind) {
    case AST_A_LABEL: case AST_A_HINT:
        rt_buf_free(&b);
        emit_texts(p, 4, src, kw[a->kind], a->texts);
        return;
    case AST_A_REQUIRED: case AST_A_OPTIONAL: case AST_A_FLOW: break;
    case AST_A_RANGE:
        rt_buf_ch(&b, ' ');
        put_expr(&b, a->lo, 0);
        rt_buf_str(&b, " to ");
        put_expr(&b, a->hi, 0);
        break;
    case AST_A_MAX_DIGITS: case AST_A_DECIMALS:
        rt_buf_ch(&b, ' ');
        put_token(p, &b, a->word.loc, 0, a->number);
        break;
    case AST_A_STOCK:
        rt_buf_printf(&b, " %s", a->word.text);
        if (a->by.text)
            rt_buf_printf(&b, " %s", a->by.text);
        break;
    case AST_A_OVER_UNITS:
        rt_buf_printf(&b, " %s", a->word.text);
        if (a->by.text)
            rt_buf_printf(&b, " by %s", a->by.text);
        break;
    case AST_A_WHEN:
        rt_buf_ch(&b, ' ');
        put_expr(&b, a->expr, 0);
        break;
    case AST_A_PER:
        rt_buf_printf(&b, " %s", a->word.text);
        break;
    }
    line_sb(p, 4, src, &b);
}

static void emit_clause(printer *p, const char *kw, const ast_expr *e)
{
    if (!e)
        return;
    sbuf b = {0};
    rt_buf_printf(&b, "%s ", kw);
    put_expr(&b, e, 0);
    line_sb(p, 4, e->loc.line, &b);
}

static void emit_member(printer *p, const ast_member *m)
{
    static const char *const kw[] = {"field", "dimension", "computed", "ratio"};
    int src = m->loc.line;
    sbuf b = {0};
    switch (m->kind) {
    case AST_M_LABEL: emit_texts(p, 2, src, "label", m->texts); return;
    case AST_M_REPORTED: rt_buf_printf(&b, "reported by %s", m->name.text); break;
    case AST_M_PERIOD: rt_buf_printf(&b, "period %s", m->name.text); break;
    case AST_M_FIELD: case AST_M_DIMENSION:
        rt_buf_printf(&b, "%s %s: ", kw[m->kind], m->name.text);
        put_type(&b, m->type);
        break;
    case AST_M_COMPUTED: case AST_M_RATIO:
        rt_buf_printf(&b, "%s %s = ", kw[m->kind], m->name.text);
        put_expr(&b, m->expr, 0);
        break;
    case AST_M_RULE: {
        const ast_rule *r = m->rule;
        rt_buf_str(&b, "rule ");
        put_code(&b, r->code);
        rt_buf_printf(&b, " %s", r->severity.text);
        line_sb(p, 2, src, &b);
        emit_clause(p, "when", r->when);
        emit_clause(p, "check", r->check);
        if (r->tolerance && r->tolerance_of) {
            sbuf tb = {0};
            rt_buf_str(&tb, "tolerance ");
            put_expr(&tb, r->tolerance, 0);
            rt_buf_str(&tb, " of ");
            put_expr(&tb, r->tolerance_of, 0);
            line_sb(p, 4, r->tolerance->loc.line, &tb);
        } else {
            emit_clause(p, "tolerance", r->tolerance);
        }
        if (r->missing.text && r->missing_left.text) {
            rt_buf_printf(&b, "missing %s: %s, %s: %s", r->missing.text, r->missing_left.text,
                          r->missing_right_kw.text, r->missing_right.text);
            line_sb(p, 4, r->missing.loc.line, &b);
        } else if (r->missing.text) {
            rt_buf_printf(&b, "missing %s", r->missing.text);
            line_sb(p, 4, r->missing.loc.line, &b);
        }
        if (r->message)
            emit_texts(p, 4, r->message->loc.line, "message", r->message);
        if (r->errorcode.text) {
            rt_buf_str(&b, "errorcode ");
            put_code(&b, r->errorcode.text);
            line_sb(p, 4, r->errorcode.loc.line, &b);
        }
        if (r->errorlevel) {
            rt_buf_printf(&b, "errorlevel %s", r->errorlevel);
            line_sb(p, 4, r->errorlevel_loc.line, &b);
        }
        AST_EACH(const ast_attr *, a, r->extra) emit_attr(p, a);
        return;
    }
    case AST_M_HIERARCHY:
        rt_buf_printf(&b, "hierarchy %s on %s", m->name.text, m->on.text);
        line_sb(p, 2, src, &b);
        if (m->fields.n) {
            const ast_name *first = m->fields.items[0];
            emit_words(p, 4, first->loc.line, "for", &m->fields);
        }
        if (m->mode.text) {
            rt_buf_printf(&b, "missing %s", m->mode.text);
            line_sb(p, 4, m->mode.loc.line, &b);
        }
        AST_EACH(const ast_attr *, a, m->attrs) emit_attr(p, a);
        return;
    }
    line_sb(p, 2, src, &b);
    AST_EACH(const ast_attr *, a, m->attrs) emit_attr(p, a);
}

static void emit_data(printer *p, const ast_data *d)
{
    /* the header wraps after a comma, continuing under the first column */
    sbuf b = {0};
    rt_buf_printf(&b, "data %s (", d->form.text);
    int col = 2 + width(rt_buf_cstr(&b));
    int src = d->loc.line, indent = 2;
    for (int i = 0; i < d->columns.n; i++) {
        const ast_name *c = d->columns.items[i];
        int last = i == d->columns.n - 1;
        int w = width(c->text) + 1; /* and "," or ")" */
        if (i > 0 && indent + width(rt_buf_cstr(&b)) + 1 + w > FMT_WIDTH) {
            line_sb(p, indent, src, &b);
            indent = col;
            src = c->loc.line;
        } else if (i > 0) {
            rt_buf_ch(&b, ' ');
        }
        rt_buf_str(&b, c->text);
        rt_buf_ch(&b, last ? ')' : ',');
    }
    if (!d->columns.n)
        rt_buf_ch(&b, ')');
    line_sb(p, indent, src, &b);
    for (int r = 0; r < d->rows.n; r++) {
        const ast_list *row = d->rows.items[r];
        const src_loc *rl = d->row_locs.items[r];
        rt_buf_ch(&b, '(');
        put_list(&b, row);
        rt_buf_ch(&b, ')');
        line_sb(p, 4, rl->line, &b);
    }
}

static void emit_expect(printer *p, const ast_expect *x)
{
    sbuf b = {0};
    rt_buf_str(&b, "expect ");
    switch (x->kind) {
    case AST_X_PASSES: case AST_X_FAILS:
        rt_buf_str(&b, "row ");
        put_token(p, &b, x->loc, 1, x->row);
        if (x->kind == AST_X_PASSES) {
            rt_buf_str(&b, " passes");
        } else {
            rt_buf_str(&b, " fails ");
            for (int i = 0; i < x->codes.n; i++) {
                if (i)
                    rt_buf_str(&b, ", ");
                put_code(&b, ((const ast_name *)x->codes.items[i])->text);
            }
        }
        break;
    case AST_X_MESSAGE:
        rt_buf_str(&b, "row ");
        put_token(p, &b, x->loc, 1, x->row);
        rt_buf_str(&b, " message");
        for (int i = 0; x->message && i < x->message->items.n; i++) {
            rt_buf_ch(&b, ' ');
            put_text(&b, x->message->items.items[i]);
        }
        break;
    case AST_X_VERDICT:
        rt_buf_str(&b, "row ");
        put_token(p, &b, x->loc, 1, x->row);
        rt_buf_str(&b, " rule ");
        put_code(&b, ((const ast_name *)x->codes.items[0])->text);
        rt_buf_printf(&b, " %s", x->verdict.text);
        break;
    case AST_X_VALUE:
        rt_buf_str(&b, "row ");
        put_token(p, &b, x->loc, 1, x->row);
        rt_buf_printf(&b, " %s = ", x->measure.text);
        put_expr(&b, x->value, 0);
        break;
    case AST_X_ROLLUP:
        rt_buf_printf(&b, "%s %s", x->rollup.text, x->level.text);
        for (int i = 0; i < x->keys.n; i++) {
            rt_buf_ch(&b, ' ');
            put_expr(&b, x->keys.items[i], 0);
        }
        rt_buf_printf(&b, " %s = ", x->measure.text);
        put_expr(&b, x->value, 0);
        break;
    }
    line_sb(p, 2, x->loc.line, &b);
}

static int loc_before(src_loc a, src_loc b) { return a.line < b.line || (a.line == b.line && a.col < b.col); }

static void emit_test(printer *p, const ast_decl *d)
{
    sbuf b = {0};
    rt_buf_str(&b, "test ");
    put_quoted(&b, d->name.text);
    rt_buf_str(&b, " {");
    add_line(p, 0, d->loc.line, OL_OPEN, rt_buf_take(&b));
    /* data blocks and expectations are kept in two lists: interleave them
     * back in source order */
    int i = 0, j = 0;
    const ast_list *data = &d->u.test.data, *ex = &d->u.test.expects;
    while (i < data->n || j < ex->n) {
        const ast_data *dd = i < data->n ? data->items[i] : NULL;
        const ast_expect *xx = j < ex->n ? ex->items[j] : NULL;
        if (dd && (!xx || loc_before(dd->loc, xx->loc))) {
            emit_data(p, dd);
            i++;
        } else {
            emit_expect(p, xx);
            j++;
        }
    }
    line_str(p, 0, d->loc.end_line, OL_CLOSE, "}");
}

static void emit_decl(printer *p, const ast_decl *d)
{
    sbuf b = {0};
    int src = d->loc.line;
    switch (d->kind) {
    case AST_D_IMPORT:
        rt_buf_printf(&b, "import %s", d->name.text);
        line_sb(p, 0, src, &b);
        return;
    case AST_D_TYPE:
        rt_buf_printf(&b, "type %s = ", d->name.text);
        put_type(&b, d->u.alias.type);
        line_sb(p, 0, src, &b);
        return;
    case AST_D_HOLIDAYS:
        rt_buf_printf(&b, "holidays %s from ", d->name.text);
        put_quoted(&b, d->u.holidays.from);
        line_sb(p, 0, src, &b);
        return;
    case AST_D_TIERS: emit_tiers(p, d); return;
    case AST_D_TEST: emit_test(p, d); return;
    case AST_D_REGIME:
        rt_buf_printf(&b, "regime %s {", d->name.text);
        add_line(p, 0, src, OL_OPEN, rt_buf_take(&b));
        AST_EACH(const ast_item *, it, d->u.regime.items) emit_item(p, it);
        break;
    case AST_D_CODELIST:
        rt_buf_printf(&b, "codelist %s ", d->name.text);
        if (d->u.codelist.from) {
            rt_buf_str(&b, "from ");
            put_quoted(&b, d->u.codelist.from);
            rt_buf_ch(&b, ' ');
        }
        rt_buf_ch(&b, '{');
        add_line(p, 0, src, OL_OPEN, rt_buf_take(&b));
        if (d->u.codelist.label)
            emit_texts(p, 2, d->u.codelist.label->loc.line, "label", d->u.codelist.label);
        AST_EACH(const ast_code *, c, d->u.codelist.codes) {
            rt_buf_str(&b, "code ");
            put_code(&b, c->code);
            char *prefix = rt_buf_take(&b);
            emit_texts(p, 2, c->loc.line, prefix, c->label);
            free(prefix);
        }
        break;
    case AST_D_HIERARCHY:
        rt_buf_printf(&b, "hierarchy %s on %s {", d->name.text, d->u.hierarchy.codelist.text);
        add_line(p, 0, src, OL_OPEN, rt_buf_take(&b));
        if (d->u.hierarchy.label)
            emit_texts(p, 2, d->u.hierarchy.label->loc.line, "label", d->u.hierarchy.label);
        AST_EACH(const ast_member *, m, d->u.hierarchy.rules) emit_member(p, m);
        break;
    case AST_D_FORM:
        rt_buf_printf(&b, "form %s {", d->name.text);
        add_line(p, 0, src, OL_OPEN, rt_buf_take(&b));
        AST_EACH(const ast_member *, m, d->u.form.members) emit_member(p, m);
        break;
    case AST_D_ROLLUP:
        rt_buf_printf(&b, "rollup %s for %s {", d->name.text, d->u.rollup.form.text);
        add_line(p, 0, src, OL_OPEN, rt_buf_take(&b));
        if (d->u.rollup.levels.n) {
            const ast_name *first = d->u.rollup.levels.items[0];
            emit_words(p, 2, first->loc.line, "levels", &d->u.rollup.levels);
        }
        if (d->u.rollup.period.text) {
            rt_buf_printf(&b, "period %s", d->u.rollup.period.text);
            line_sb(p, 2, d->u.rollup.period.loc.line, &b);
        }
        if (d->u.rollup.count.text) {
            rt_buf_printf(&b, "completeness %s", d->u.rollup.count.text);
            line_sb(p, 2, d->u.rollup.count.loc.line, &b);
        }
        if (d->u.rollup.coverage.text) {
            rt_buf_printf(&b, "coverage %s", d->u.rollup.coverage.text);
            line_sb(p, 2, d->u.rollup.coverage.loc.line, &b);
        }
        AST_EACH(const ast_rollup_miss *, m, d->u.rollup.missing) {
            rt_buf_printf(&b, "missing %s", m->mode.text);
            if (m->fields) {
                rt_buf_str(&b, " for");
                char *full = rt_buf_take(&b);
                emit_words(p, 2, m->loc.line, full, m->fields);
                free(full);
            } else {
                line_sb(p, 2, m->loc.line, &b);
            }
        }
        AST_EACH(const ast_rollup_total *, t, d->u.rollup.totals) {
            if (!t->by.text) {
                emit_words(p, 2, t->loc.line, "total over", &t->dims);
                continue;
            }
            sbuf tb = {0};
            rt_buf_printf(&tb, "total over %s by %s", ((const ast_name *)t->dims.items[0])->text, t->by.text);
            line_sb(p, 2, t->loc.line, &tb);
        }
        break;
    }
    line_str(p, 0, d->loc.end_line, OL_CLOSE, "}");
}

static int one_liner(const ast_decl *d)
{
    return d->kind == AST_D_IMPORT || d->kind == AST_D_TYPE || d->kind == AST_D_HOLIDAYS;
}

/* ---- comments, blank lines, rendering ------------------------------------ */

typedef struct event {
    int line;
    const char *text; /* comment text, NULL for a blank line */
    int seq;          /* order among events of one line */
} event;

static int blank_line(const printer *p, int line)
{
    const char *s = p->src->text + p->line_off[line];
    const char *end = p->src->text + p->src->len;
    for (; s < end && *s != '\n'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

static char *comment_text(const char *text)
{
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r'))
        n--;
    char *s = rt_xmalloc(n + 2);
    s[0] = '#';
    memcpy(s + 1, text, n);
    s[n + 1] = '\0';
    return s;
}

static void attach_trailing(printer *p, const ast_comment *c, event *ev, int *ne)
{
    /* the printed line whose source line is the greatest not after the
     * comment's; the last such one when a source line became several */
    int best = -1;
    for (int i = 0; i < p->n; i++) {
        int s = p->v[i].src;
        if (s > 0 && s <= c->loc.line && (best < 0 || s >= p->v[best].src))
            best = i;
    }
    if (best >= 0 && !p->v[best].trail) {
        p->v[best].trail = comment_text(c->text);
        return;
    }
    /* no line, or lines joined into one that already has its comment: the
     * comment goes on its own line right below */
    ev[*ne] = (event){best >= 0 ? p->v[best].src : c->loc.line, c->text, *ne};
    (*ne)++;
}

static int cmp_event(const void *a, const void *b)
{
    const event *x = a, *y = b;
    return x->line != y->line ? (x->line > y->line) - (x->line < y->line) : x->seq - y->seq;
}

static char *render(printer *p)
{
    /* events: own-line comments and the source's blank lines */
    int max_ev = p->file->comments.n + p->n_lines + 1;
    event *ev = rt_xmalloc((size_t)max_ev * sizeof *ev);
    int ne = 0;
    for (int i = 0; i < p->file->comments.n; i++) {
        const ast_comment *c = p->file->comments.items[i];
        if (c->own_line) {
            ev[ne] = (event){c->loc.line, c->text, ne};
            ne++;
        } else {
            attach_trailing(p, c, ev, &ne);
        }
    }
    for (int l = 1; l <= p->n_lines; l++)
        if (blank_line(p, l)) {
            ev[ne] = (event){l, NULL, ne};
            ne++;
        }
    qsort(ev, (size_t)ne, sizeof *ev, cmp_event);

    /* merge, then drop redundant blank lines */
    oline *out = rt_xmalloc((size_t)(p->n + ne + 1) * sizeof *out);
    int no = 0, ei = 0;
    for (int i = 0; i <= p->n; i++) {
        oline *l = i < p->n ? &p->v[i] : NULL;
        int upto = l ? l->src : INT32_MAX;
        if (l && !l->src)
            upto = 0;
        int ind = !l ? 0 : l->kind == OL_CLOSE ? l->indent + 2 : l->indent;
        while (ei < ne && ev[ei].line < upto) {
            if (ev[ei].text)
                out[no++] = (oline){ind, comment_text(ev[ei].text), ev[ei].line, OL_COMMENT, NULL};
            else
                out[no++] = (oline){0, NULL, ev[ei].line, OL_BLANK, NULL};
            ei++;
        }
        if (l)
            out[no++] = *l;
    }
    free(ev);
    int nk = 0;
    for (int i = 0; i < no; i++) {
        oline *l = &out[i];
        if (l->kind == OL_BLANK) {
            if (nk == 0 || out[nk - 1].kind == OL_BLANK || out[nk - 1].kind == OL_OPEN)
                continue;
        } else if (l->kind == OL_CLOSE && nk > 0 && out[nk - 1].kind == OL_BLANK) {
            nk--;
        }
        out[nk++] = *l;
    }
    while (nk > 0 && out[nk - 1].kind == OL_BLANK)
        nk--;

    sbuf b = {0};
    for (int i = 0; i < nk; i++) {
        /* a run of lines with trailing comments aligns them */
        int align = 0;
        if (out[i].trail) {
            for (int j = i; j < nk && out[j].trail; j++) {
                int w = out[j].indent + width(out[j].text);
                if (w > align)
                    align = w;
            }
            for (int j = i - 1; j >= 0 && out[j].trail; j--) {
                int w = out[j].indent + width(out[j].text);
                if (w > align)
                    align = w;
            }
            align += 2;
        }
        if (out[i].kind != OL_BLANK) {
            for (int k = 0; k < out[i].indent; k++)
                rt_buf_ch(&b, ' ');
            rt_buf_str(&b, out[i].text);
        }
        if (out[i].trail) {
            for (int k = out[i].indent + width(out[i].text); k < align; k++)
                rt_buf_ch(&b, ' ');
            rt_buf_str(&b, out[i].trail);
        }
        rt_buf_ch(&b, '\n');
    }
    for (int i = 0; i < nk; i++) /* only blank lines were dropped */
        if (out[i].kind == OL_COMMENT)
            free(out[i].text);
    free(out);
    return rt_buf_take(&b);
}

char *fmt_ast(const ast_file *f, const src_file *src)
{
    printer p;
    memset(&p, 0, sizeof p);
    p.file = f;
    p.src = src;
    /* line table of the source */
    int nl = 1;
    for (size_t i = 0; i < src->len; i++)
        nl += src->text[i] == '\n';
    p.line_off = rt_xmalloc(((size_t)nl + 2) * sizeof *p.line_off);
    p.line_off[1] = 0;
    int l = 1;
    for (size_t i = 0; i < src->len; i++)
        if (src->text[i] == '\n')
            p.line_off[++l] = i + 1;
    p.n_lines = l;
    if (src->len && src->text[src->len - 1] == '\n')
        p.n_lines--; /* no line after the final newline */

    const ast_decl *prev = NULL;
    AST_EACH(const ast_decl *, d, f->decls) {
        if (prev && !(one_liner(prev) && one_liner(d) && prev->kind == d->kind))
            add_line(&p, 0, 0, OL_BLANK, NULL);
        emit_decl(&p, d);
        prev = d;
    }
    char *s = render(&p);
    for (int i = 0; i < p.n; i++) {
        free(p.v[i].text);
        free(p.v[i].trail);
    }
    free(p.v);
    free(p.line_off);
    return s;
}

/* ---- AST equality ---------------------------------------------------------- */

static int str_eq(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }
static int name_eq(const ast_name *a, const ast_name *b) { return str_eq(a->text, b->text); }

static int names_eq(const ast_list *a, const ast_list *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!name_eq(a->items[i], b->items[i]))
            return 0;
    return 1;
}

static int exprs_eq(const ast_list *a, const ast_list *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!fmt_expr_equal(a->items[i], b->items[i]))
            return 0;
    return 1;
}

int fmt_expr_equal(const ast_expr *a, const ast_expr *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case AST_E_NUMBER: case AST_E_PERCENT:
        return a->u.num.value == b->u.num.value && a->u.num.scale == b->u.num.scale &&
               str_eq(a->u.num.text, b->u.num.text);
    case AST_E_STRING: return str_eq(a->u.str, b->u.str);
    case AST_E_DATE: return a->u.date == b->u.date;
    case AST_E_PERIOD: return str_eq(a->u.period.text, b->u.period.text);
    case AST_E_BOOL: return a->u.boolean == b->u.boolean;
    case AST_E_NAME: return name_eq(&a->u.name, &b->u.name);
    case AST_E_MISSING: return 1;
    case AST_E_UNARY:
        return a->u.unary.op == b->u.unary.op && fmt_expr_equal(a->u.unary.operand, b->u.unary.operand);
    case AST_E_BINARY:
        return a->u.binary.op == b->u.binary.op && fmt_expr_equal(a->u.binary.lhs, b->u.binary.lhs) &&
               fmt_expr_equal(a->u.binary.rhs, b->u.binary.rhs);
    case AST_E_CALL:
        return name_eq(&a->u.call.callee, &b->u.call.callee) && exprs_eq(&a->u.call.args, &b->u.call.args);
    case AST_E_IN:
        return a->u.in.has_list == b->u.in.has_list && fmt_expr_equal(a->u.in.operand, b->u.in.operand) &&
               name_eq(&a->u.in.list, &b->u.in.list) && exprs_eq(&a->u.in.codes, &b->u.in.codes);
    }
    return 0;
}

int fmt_texts_equal(const ast_texts *a, const ast_texts *b)
{
    if (!a || !b)
        return a == b;
    if (a->items.n != b->items.n)
        return 0;
    for (int i = 0; i < a->items.n; i++) {
        const ast_text *x = a->items.items[i], *y = b->items.items[i];
        if (!str_eq(x->lang, y->lang) || !str_eq(x->text, y->text))
            return 0;
    }
    return 1;
}

static int type_eq(const ast_type *a, const ast_type *b)
{
    if (!a || !b)
        return a == b;
    return name_eq(&a->base, &b->base) && a->scale == b->scale && name_eq(&a->unit, &b->unit) &&
           name_eq(&a->codelist, &b->codelist);
}

static int attr_eq(const ast_attr *a, const ast_attr *b)
{
    return a->kind == b->kind && fmt_texts_equal(a->texts, b->texts) && fmt_expr_equal(a->lo, b->lo) &&
           fmt_expr_equal(a->hi, b->hi) && fmt_expr_equal(a->expr, b->expr) && a->number == b->number &&
           name_eq(&a->word, &b->word) && name_eq(&a->by, &b->by);
}

static int attrs_eq(const ast_list *a, const ast_list *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!attr_eq(a->items[i], b->items[i]))
            return 0;
    return 1;
}

static int rollup_missing_eq(const ast_list *a, const ast_list *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++) {
        const ast_rollup_miss *x = a->items[i], *y = b->items[i];
        if (!name_eq(&x->mode, &y->mode) || !x->fields != !y->fields || (x->fields && !names_eq(x->fields, y->fields)))
            return 0;
    }
    return 1;
}

static int rollup_totals_eq(const ast_list *a, const ast_list *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!names_eq(&((const ast_rollup_total *)a->items[i])->dims, &((const ast_rollup_total *)b->items[i])->dims))
            return 0;
    return 1;
}

static int rule_eq(const ast_rule *a, const ast_rule *b)
{
    if (!a || !b)
        return a == b;
    return str_eq(a->code, b->code) && name_eq(&a->severity, &b->severity) && fmt_expr_equal(a->when, b->when) &&
           fmt_expr_equal(a->check, b->check) && fmt_expr_equal(a->tolerance, b->tolerance) &&
           fmt_expr_equal(a->tolerance_of, b->tolerance_of) &&
           name_eq(&a->missing, &b->missing) && name_eq(&a->missing_left, &b->missing_left) &&
           name_eq(&a->missing_right_kw, &b->missing_right_kw) && name_eq(&a->missing_right, &b->missing_right) &&
           fmt_texts_equal(a->message, b->message) &&
           name_eq(&a->errorcode, &b->errorcode) && str_eq(a->errorlevel, b->errorlevel) &&
           attrs_eq(&a->extra, &b->extra);
}

static int member_eq(const ast_member *a, const ast_member *b)
{
    return a->kind == b->kind && name_eq(&a->name, &b->name) && type_eq(a->type, b->type) &&
           fmt_expr_equal(a->expr, b->expr) && attrs_eq(&a->attrs, &b->attrs) &&
           fmt_texts_equal(a->texts, b->texts) && rule_eq(a->rule, b->rule) && name_eq(&a->on, &b->on) &&
           names_eq(&a->fields, &b->fields) && name_eq(&a->mode, &b->mode);
}

static int item_eq(const ast_item *a, const ast_item *b)
{
    return a->kind == b->kind && str_eq(a->str, b->str) && fmt_texts_equal(a->texts, b->texts) &&
           name_eq(&a->word, &b->word) && names_eq(&a->words, &b->words) && a->number == b->number &&
           a->working == b->working;
}

static int level_eq(const ast_level *a, const ast_level *b)
{
    return name_eq(&a->name, &b->name) && name_eq(&a->within, &b->within) && str_eq(a->column, b->column) &&
           str_eq(a->names, b->names) && str_eq(a->code, b->code) && a->optional == b->optional &&
           fmt_texts_equal(a->label, b->label);
}

static int data_eq(const ast_data *a, const ast_data *b)
{
    if (!name_eq(&a->form, &b->form) || !names_eq(&a->columns, &b->columns) || a->rows.n != b->rows.n)
        return 0;
    for (int i = 0; i < a->rows.n; i++)
        if (!exprs_eq(a->rows.items[i], b->rows.items[i]))
            return 0;
    return 1;
}

static int expect_eq(const ast_expect *a, const ast_expect *b)
{
    return a->kind == b->kind && a->row == b->row && names_eq(&a->codes, &b->codes) &&
           name_eq(&a->rollup, &b->rollup) && name_eq(&a->level, &b->level) && exprs_eq(&a->keys, &b->keys) &&
           name_eq(&a->measure, &b->measure) && fmt_expr_equal(a->value, b->value) &&
           name_eq(&a->verdict, &b->verdict);
}

#define LIST_EQ(fn, A, B)                                    \
    do {                                                     \
        if ((A).n != (B).n)                                  \
            return 0;                                        \
        for (int i_ = 0; i_ < (A).n; i_++)                   \
            if (!fn((A).items[i_], (B).items[i_]))           \
                return 0;                                    \
    } while (0)

static int code_eq(const ast_code *a, const ast_code *b)
{
    return str_eq(a->code, b->code) && fmt_texts_equal(a->label, b->label);
}

static int decl_eq(const ast_decl *a, const ast_decl *b)
{
    if (a->kind != b->kind || !name_eq(&a->name, &b->name))
        return 0;
    switch (a->kind) {
    case AST_D_IMPORT: return 1;
    case AST_D_REGIME: LIST_EQ(item_eq, a->u.regime.items, b->u.regime.items); return 1;
    case AST_D_TIERS:
        if (!fmt_texts_equal(a->u.tiers.label, b->u.tiers.label) || !str_eq(a->u.tiers.units, b->u.tiers.units))
            return 0;
        LIST_EQ(level_eq, a->u.tiers.levels, b->u.tiers.levels);
        return 1;
    case AST_D_CODELIST:
        if (!fmt_texts_equal(a->u.codelist.label, b->u.codelist.label) ||
            !str_eq(a->u.codelist.from, b->u.codelist.from))
            return 0;
        LIST_EQ(code_eq, a->u.codelist.codes, b->u.codelist.codes);
        return 1;
    case AST_D_FORM: LIST_EQ(member_eq, a->u.form.members, b->u.form.members); return 1;
    case AST_D_HIERARCHY:
        if (!name_eq(&a->u.hierarchy.codelist, &b->u.hierarchy.codelist) ||
            !fmt_texts_equal(a->u.hierarchy.label, b->u.hierarchy.label))
            return 0;
        LIST_EQ(member_eq, a->u.hierarchy.rules, b->u.hierarchy.rules);
        return 1;
    case AST_D_ROLLUP:
        return name_eq(&a->u.rollup.form, &b->u.rollup.form) && names_eq(&a->u.rollup.levels, &b->u.rollup.levels) &&
               name_eq(&a->u.rollup.period, &b->u.rollup.period) && name_eq(&a->u.rollup.count, &b->u.rollup.count) &&
               a->u.rollup.extra.n == b->u.rollup.extra.n && name_eq(&a->u.rollup.coverage, &b->u.rollup.coverage) &&
               rollup_missing_eq(&a->u.rollup.missing, &b->u.rollup.missing) &&
               rollup_totals_eq(&a->u.rollup.totals, &b->u.rollup.totals);
    case AST_D_TEST:
        LIST_EQ(data_eq, a->u.test.data, b->u.test.data);
        LIST_EQ(expect_eq, a->u.test.expects, b->u.test.expects);
        return 1;
    case AST_D_TYPE: return type_eq(a->u.alias.type, b->u.alias.type);
    case AST_D_HOLIDAYS: return str_eq(a->u.holidays.from, b->u.holidays.from);
    }
    return 0;
}

/* A comment's text without trailing blanks (the formatter drops them). */
static char *comment_key(const ast_comment *c)
{
    size_t n = strlen(c->text);
    while (n && strchr(" \t\r", c->text[n - 1]))
        n--;
    char *s = rt_xmalloc(n + 1);
    memcpy(s, c->text, n);
    s[n] = 0;
    return s;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The same comments, in any order: fmt puts attributes in a canonical order
 * and their comments travel with them. */
static int same_comments(const ast_file *a, const ast_file *b)
{
    int n = a->comments.n, ok = 1;
    char **x = rt_xmalloc(sizeof *x * (size_t)(n + 1)), **y = rt_xmalloc(sizeof *y * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        x[i] = comment_key(a->comments.items[i]);
        y[i] = comment_key(b->comments.items[i]);
    }
    qsort(x, (size_t)n, sizeof *x, cmp_str);
    qsort(y, (size_t)n, sizeof *y, cmp_str);
    for (int i = 0; i < n; i++) {
        ok &= !strcmp(x[i], y[i]);
        free(x[i]);
        free(y[i]);
    }
    free(x);
    free(y);
    return ok;
}

int fmt_ast_equal(const ast_file *a, const ast_file *b, const char **why)
{
    const char *w = NULL;
    if (a->decls.n != b->decls.n) {
        w = "the number of declarations differs";
    } else {
        for (int i = 0; i < a->decls.n && !w; i++)
            if (!decl_eq(a->decls.items[i], b->decls.items[i]))
                w = "a declaration differs";
    }
    if (!w && a->comments.n != b->comments.n)
        w = "the number of comments differs";
    if (!w && !same_comments(a, b))
        w = "a comment differs";
    if (why)
        *why = w;
    return w == NULL;
}

/* ---- the verified entry point ------------------------------------------------ */

int fmt_source(arena *a, diag_ctx *d, int file_id, char **out)
{
    *out = NULL;
    const src_file *src = src_get(d->sm, file_id);
    if (!src)
        return 1;
    int before = d->n_errors;
    ast_file *f = parse_file(a, d, file_id);
    if (d->n_errors > before)
        return 1;
    char *text = fmt_ast(f, src);
    /* the proof: parse the output, compare, format again */
    src = NULL; /* src_add may move the file table */
    int id2 = src_add(d->sm, src_get(d->sm, file_id)->path, text, strlen(text));
    diag_ctx scratch;
    diag_init(&scratch, d->sm, d->lang);
    ast_file *g = id2 >= 0 ? parse_file(a, &scratch, id2) : NULL;
    const char *why = NULL;
    src_loc at = {-1, 0, 0, 0, 0};
    int status = 0;
    if (!g || scratch.n_errors) {
        why = "the output does not parse";
        status = 2;
    } else if (!fmt_ast_equal(f, g, &why)) {
        status = 2;
    }
    if (status) {
        diag(d, "E0700", at, src_get(d->sm, file_id)->path, why);
        diag_hint(d, "H0700");
    } else {
        char *again = fmt_ast(g, src_get(d->sm, id2));
        if (strcmp(again, text)) {
            diag(d, "E0701", at, src_get(d->sm, file_id)->path);
            diag_hint(d, "H0700");
            status = 2;
        }
        free(again);
    }
    diag_free(&scratch);
    if (status) {
        free(text);
        return status;
    }
    *out = text;
    return 0;
}

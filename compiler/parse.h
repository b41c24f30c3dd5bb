/* parse.h — the parser's context, the lexer's helpers and the AST
 * constructors called by the grammar actions (ast_build.c). */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "core.h"
#include "ast.h"
#include "diag.h"
#include "srcloc.h"

/* Bounds that keep hostile input from exhausting the stack: the parser's
 * stack (nesting of parentheses and blocks) and the depth of an
 * expression tree (every pass over expressions recurses on it). */
#define PARSE_MAX_DEPTH 10000
#define PARSE_MAX_EXPR_DEPTH 1000

struct lex_number {
    int64_t value;   /* digits without the point; value * 10^-scale */
    int scale;
    const char *text;
    int overflow;    /* more digits than fit in 64 bits */
};

typedef struct parse_ctx {
    arena *arena;
    diag_ctx *diag;
    const src_file *src;
    int file_id;
    ast_file *file;
    ast_decl *cur;         /* the declaration being built */
    int line, col;         /* position of the next character */
    int line_has_token;    /* a token other than blanks is on the current line */
    /* string literal being scanned */
    rt_buf sbuf; /* the string literal being read */
    src_loc sloc;
    int depth;             /* nesting of parentheses, bounded */
    int too_deep;          /* E0015 was reported (once per file) */
    /* lines of the '{' not yet closed, innermost last (the first 64) */
    int brace_line[64];
    int braces;
    int stray_close;       /* the last '}' had no '{' to close */
} parse_ctx;

/* Parses one registered source file; diagnostics go to `d`. Never NULL. */
ast_file *parse_file(arena *a, diag_ctx *d, int file_id);

/* ---- lexer helpers (lex.c) ---- */
void lex_advance(parse_ctx *c, src_loc *loc, const char *text, size_t len);
void lex_comment(parse_ctx *c, const src_loc *loc, const char *text);
const char *lex_strdup(parse_ctx *c, const char *s);
int lex_number(parse_ctx *c, void *lval, const src_loc *loc, const char *text, int token);
int lex_date(parse_ctx *c, void *lval, const src_loc *loc, const char *text);
void lex_bad_number(parse_ctx *c, const src_loc *loc, const char *text);
void lex_bad_name(parse_ctx *c, const src_loc *loc, const char *text);
void lex_brace(parse_ctx *c, const src_loc *loc, int open);
void lex_str_typographic(parse_ctx *c, const src_loc *loc);
/* A character with no place outside strings: reported; returns the token
 * of an operator look-alike (`≥` reads as `>=`), else 0. */
int lex_stray(parse_ctx *c, const src_loc *loc, const char *text);
void lex_str_begin(parse_ctx *c, const src_loc *loc);
void lex_str_append(parse_ctx *c, const char *text, size_t len);
void lex_str_escape(parse_ctx *c, char e);
void lex_str_bad_escape(parse_ctx *c, const src_loc *loc, const char *text);
void lex_str_unterminated(parse_ctx *c, const src_loc *loc);
const char *lex_str_end(parse_ctx *c, src_loc *loc);
void lex_fatal(const char *msg) __attribute__((noreturn));

/* A syntax error: `got` and each of `expected` are Bison token names
 * ("identifier", "'{'", "form") or "@P00xx" phrases of the catalog ("an
 * expression"); `kws` are the keywords expected, for "did you mean". */
void parse_syntax_error(parse_ctx *c, src_loc loc, const char *got, int got_keyword,
                        const char **expected, int n, const char **kws, int n_kws);
void parse_error_message(parse_ctx *c, src_loc loc, const char *msg);
void parse_add_decl(parse_ctx *c, ast_decl *d);

/* Day number (days since 1970-01-01) of a civil date; -1 if invalid. */

/* ---- constructors (ast_build.c) ---- */
ast_list *ast_list_new0(parse_ctx *c);
ast_list *ast_list_new1(parse_ctx *c, void *item);
ast_list *ast_list_add(parse_ctx *c, ast_list *l, void *item);

ast_name ast_name_of(parse_ctx *c, const char *s, src_loc loc);
ast_name ast_name_join(parse_ctx *c, ast_name a, ast_name b);
ast_name *ast_name_box(parse_ctx *c, ast_name n);

ast_texts *ast_texts_new(parse_ctx *c, ast_list *items, src_loc loc);
ast_text *ast_text_new(parse_ctx *c, const char *lang, const char *text, src_loc loc);

ast_decl *ast_decl_new(parse_ctx *c, ast_decl_kind kind, src_loc loc);
ast_decl *ast_finish_decl(ast_decl *d, ast_name name, src_loc loc);
ast_decl *ast_finish_codelist(ast_decl *d, ast_name name, const char *from, src_loc from_loc, src_loc loc);
ast_decl *ast_finish_rollup(ast_decl *d, ast_name name, ast_name form, src_loc loc);
ast_decl *ast_finish_test(ast_decl *d, const char *title, src_loc title_loc, src_loc loc);
ast_decl *ast_import(parse_ctx *c, ast_name module, src_loc loc);
ast_decl *ast_type_alias(parse_ctx *c, ast_name name, ast_type *t, src_loc loc);
ast_decl *ast_holidays(parse_ctx *c, ast_name name, const char *from, src_loc from_loc, src_loc loc);

ast_decl *ast_regime_add(ast_decl *d, parse_ctx *c, ast_item *it);
ast_item *ast_item_str(parse_ctx *c, ast_item_kind k, const char *s, src_loc loc);
ast_item *ast_item_texts(parse_ctx *c, ast_item_kind k, ast_texts *t, src_loc loc);
ast_item *ast_item_word(parse_ctx *c, ast_item_kind k, ast_name w, src_loc loc);
ast_item *ast_item_words(parse_ctx *c, ast_item_kind k, ast_list *words, src_loc loc);
ast_item *ast_item_cutoff_day(parse_ctx *c, struct lex_number n, src_loc nloc, src_loc loc);
ast_item *ast_item_deadline(parse_ctx *c, ast_name tier, struct lex_number n, src_loc nloc, int64_t working, src_loc loc);

ast_decl *ast_tiers_units(ast_decl *d, const char *path, src_loc loc);
ast_decl *ast_tiers_level(ast_decl *d, parse_ctx *c, ast_name name, src_loc loc);
void ast_tiers_label(parse_ctx *c, ast_texts *t, src_loc loc);
void ast_level_within(parse_ctx *c, ast_name parent, src_loc loc);
void ast_level_column(parse_ctx *c, const char *col, src_loc loc);
void ast_level_names(parse_ctx *c, const char *col, src_loc loc);
void ast_level_code(parse_ctx *c, const char *code, src_loc loc);
void ast_level_optional(parse_ctx *c, src_loc loc);

ast_decl *ast_codelist_label(ast_decl *d, ast_texts *t);
ast_decl *ast_codelist_add(ast_decl *d, parse_ctx *c, ast_code *code);
ast_code *ast_code_new(parse_ctx *c, ast_name code, ast_texts *label, src_loc loc);

ast_decl *ast_form_add(ast_decl *d, parse_ctx *c, ast_member *m);
ast_decl *ast_form_attr(ast_decl *d, parse_ctx *c, ast_attr *a);
ast_member *ast_member_named(parse_ctx *c, ast_member_kind k, ast_name n, src_loc loc);
ast_member *ast_member_typed(parse_ctx *c, ast_member_kind k, ast_name n, ast_type *t, src_loc loc);
ast_member *ast_member_expr(parse_ctx *c, ast_member_kind k, ast_name n, ast_expr *e, src_loc loc);
ast_member *ast_member_rule(parse_ctx *c, ast_name code, ast_name severity, ast_rule *r, src_loc loc);
ast_member *ast_member_new(parse_ctx *c, ast_member_kind k, src_loc loc);
ast_member *ast_member_hierarchy(parse_ctx *c, ast_member *m, ast_name name, const char *on_word, src_loc on_loc,
                                 ast_name dim, src_loc loc);
ast_member *ast_hier_fields(ast_member *m, parse_ctx *c, ast_list *fields, src_loc loc);
ast_member *ast_hier_missing(ast_member *m, parse_ctx *c, ast_name mode, src_loc loc);
ast_decl *ast_finish_hierarchy(parse_ctx *c, ast_decl *d, ast_name name, const char *on_word, src_loc on_loc,
                               ast_name list, src_loc loc);
ast_decl *ast_hierarchy_label(ast_decl *d, ast_texts *t);
ast_decl *ast_hierarchy_rule(ast_decl *d, parse_ctx *c, ast_member *rule);

ast_attr *ast_attr_texts(parse_ctx *c, ast_attr_kind k, ast_texts *t, src_loc loc);
ast_attr *ast_attr_flag(parse_ctx *c, ast_attr_kind k, src_loc loc);
ast_attr *ast_attr_range(parse_ctx *c, ast_expr *lo, ast_expr *hi, src_loc loc);
ast_attr *ast_attr_number(parse_ctx *c, ast_attr_kind k, struct lex_number n, src_loc nloc, src_loc loc);
ast_attr *ast_attr_word(parse_ctx *c, ast_attr_kind k, ast_name w, src_loc loc);
ast_attr *ast_attr_weighted(parse_ctx *c, ast_name agg, ast_name by, src_loc loc);
ast_attr *ast_attr_when(parse_ctx *c, ast_expr *e, src_loc loc);

ast_type *ast_type_new(parse_ctx *c, const char *base, src_loc bloc, int scale, const char *unit, src_loc loc);
ast_type *ast_type_scaled(parse_ctx *c, const char *base, src_loc bloc, struct lex_number n, src_loc nloc, src_loc loc);
ast_type *ast_type_unit(ast_type *t, ast_name unit, src_loc loc);
ast_type *ast_type_code(parse_ctx *c, ast_name list, src_loc loc);

ast_rule *ast_rule_new(parse_ctx *c);
ast_rule *ast_rule_when(ast_rule *r, parse_ctx *c, ast_expr *e, src_loc loc);
ast_rule *ast_rule_check(ast_rule *r, parse_ctx *c, ast_expr *e, src_loc loc);
ast_rule *ast_rule_tolerance(ast_rule *r, parse_ctx *c, ast_expr *e, ast_expr *of, src_loc loc);
ast_rule *ast_rule_missing(ast_rule *r, parse_ctx *c, ast_name mode, src_loc loc);
/* `missing left: S, right: S` (the words are checked by sema) */
ast_rule *ast_rule_missing_sides(ast_rule *r, parse_ctx *c, ast_name left_kw, ast_name left, ast_name right_kw,
                                 ast_name right, src_loc loc);
ast_rule *ast_rule_message(ast_rule *r, parse_ctx *c, ast_texts *t, src_loc loc);
ast_rule *ast_rule_errorcode(ast_rule *r, parse_ctx *c, ast_name code, src_loc loc);
ast_rule *ast_rule_errorlevel(ast_rule *r, parse_ctx *c, struct lex_number n, src_loc nloc, src_loc loc);

ast_decl *ast_rollup_levels(ast_decl *d, parse_ctx *c, ast_list *levels, src_loc loc);
ast_decl *ast_rollup_period(ast_decl *d, parse_ctx *c, ast_name p, src_loc loc);
ast_decl *ast_rollup_count(ast_decl *d, parse_ctx *c, ast_name n, src_loc loc);
ast_decl *ast_rollup_missing(ast_decl *d, parse_ctx *c, ast_name mode, ast_list *fields, src_loc loc);
ast_decl *ast_rollup_coverage(ast_decl *d, parse_ctx *c, ast_name kw, ast_name n, src_loc loc);
ast_decl *ast_rollup_totals(ast_decl *d, parse_ctx *c, ast_name kw, ast_list *dims, src_loc loc);
ast_decl *ast_rollup_htotals(ast_decl *d, parse_ctx *c, ast_name kw, ast_name dim, ast_name hier, src_loc loc);
ast_attr *ast_attr_stock(parse_ctx *c, ast_name kind, ast_name strict, src_loc loc);

ast_decl *ast_test_data(ast_decl *d, parse_ctx *c, ast_data *data);
ast_decl *ast_test_expect(ast_decl *d, parse_ctx *c, ast_expect *x);
ast_data *ast_data_new(parse_ctx *c, ast_name form, ast_list *columns, src_loc loc);
ast_data *ast_data_row(ast_data *d, parse_ctx *c, ast_list *values, src_loc loc, src_loc row_loc);
ast_expect *ast_expect_row(parse_ctx *c, struct lex_number row, src_loc rloc, ast_list *codes, src_loc loc);
/* expect row N rule CODE true|false|null */
ast_expect *ast_expect_verdict(parse_ctx *c, struct lex_number row, ast_name code, ast_name verdict, src_loc loc);
ast_expect *ast_expect_value(parse_ctx *c, struct lex_number row, ast_name field, ast_expr *value, src_loc loc);
ast_expect *ast_expect_message(parse_ctx *c, struct lex_number row, ast_texts *message, src_loc loc);
ast_expect *ast_expect_rollup(parse_ctx *c, ast_name rollup, ast_name level, ast_list *keys,
                              ast_name measure, ast_expr *value, src_loc loc);

ast_expr *ast_number(parse_ctx *c, ast_expr_kind k, struct lex_number n, int negate, src_loc loc);
ast_expr *ast_string(parse_ctx *c, const char *s, src_loc loc);
ast_expr *ast_date(parse_ctx *c, int32_t days, src_loc loc);
ast_expr *ast_period(parse_ctx *c, const char *text, src_loc loc);
ast_expr *ast_bool(parse_ctx *c, int v, src_loc loc);
ast_expr *ast_missing(parse_ctx *c, src_loc loc);
ast_expr *ast_name_expr(parse_ctx *c, ast_name n);
ast_expr *ast_unary(parse_ctx *c, ast_op op, ast_expr *e, src_loc loc);
ast_expr *ast_binary(parse_ctx *c, ast_op op, ast_expr *l, ast_expr *r, src_loc loc);
ast_expr *ast_call(parse_ctx *c, ast_name callee, ast_list *args, src_loc loc);
ast_expr *ast_in_list(parse_ctx *c, ast_expr *e, ast_name list, src_loc loc);
ast_expr *ast_in_codes(parse_ctx *c, ast_expr *e, ast_list *codes, src_loc loc);
ast_expr *ast_paren(ast_expr *e, src_loc loc);

#endif

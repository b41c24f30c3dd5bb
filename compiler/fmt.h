/* fmt.h — the canonical formatter (`regc fmt`) and the AST comparison that
 * proves it keeps the meaning of a spec.
 *
 * The text is printed from the AST, not patched: 2-space indentation, one
 * attribute or clause per line, normalised spacing, minimal parentheses,
 * strings re-escaped. Comments and blank lines are put back by source line:
 * an own-line comment before the first printed line that comes after it in
 * the source, a trailing comment at the end of the line that holds its
 * source line (or on its own line below, when several source lines were
 * joined into that one). fmt_source() verifies every result before handing
 * it out: the output parses, its AST equals the input's with the same
 * comments, and formatting it again gives the same bytes. */
#ifndef FMT_H
#define FMT_H

#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "srcloc.h"

/* Longest line the formatter aims for (code points): labels split their
 * translations and the column list of test data wraps beyond it.
 * Expressions and test rows are never wrapped. */
enum { FMT_WIDTH = 100 };

/* Formats registered source `file_id` of d->sm. Returns 0 with *out set
 * (malloc'd, NUL-terminated), 1 when the file has syntax errors (reported
 * into d; nothing is formatted), 2 when the result failed verification
 * (E0700/E0701 in d; the caller must leave the file alone). */
int fmt_source(arena *a, diag_ctx *d, int file_id, char **out);

/* Prints a parsed file without verification (src: its text, for blank
 * lines and the few locations the AST does not keep). Malloc'd. */
char *fmt_ast(const ast_file *f, const src_file *src);

/* Structural equality, locations ignored; fmt_ast_equal() also compares the
 * comments, as a multiset of texts, and sets *why (a static string) to the
 * first difference found. */
int fmt_ast_equal(const ast_file *a, const ast_file *b, const char **why);
int fmt_expr_equal(const ast_expr *a, const ast_expr *b);
int fmt_texts_equal(const ast_texts *a, const ast_texts *b);

/* An expression as fmt prints it (malloc'd). */
char *fmt_expr_str(const ast_expr *e);
/* A string literal as fmt prints it, quotes included (malloc'd). */
char *fmt_quote(const char *s);

#endif

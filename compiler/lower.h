/* lower.h — from the checked model to the IR (ir.h). */
#ifndef LOWER_H
#define LOWER_H

#include "ir.h"
#include "srcloc.h"

/* Lowers every form of `r` into `out`, allocating in `a`. Constructs the
 * compiled back ends cannot express are reported on stderr as
 * file:line:col errors (using `sm` for file names, may be NULL); returns 0,
 * or -1 after such an error. */
int lower_regime(arena *a, const m_regime *r, const src_manager *sm, ir_regime *out);
/* The hierarchies a form checks, as pivot forms (lower_hier.c). */
void lower_hiers(arena *a, const m_regime *r, const m_form *form, ir_form *f);
/* The rule's verdict for `regrt validate --results` (rg_rule.verdict). */
ir_expr *lower_verdict(arena *a, const ir_rule *r);

/* For the XForms (xpath.c): an expression of form `f` over one row (a
 * field's `relevant when`), and a ratio of one row (its declared decimals
 * are the scale of the division), lowered as the rules are; NULL when it
 * cannot be, without a message. Allocated in `a`. */
ir_expr *lower_row_expr(arena *a, const m_regime *r, const ir_form *f, const ast_expr *e);
ir_expr *lower_row_ratio(arena *a, const m_regime *r, const ir_form *f, const m_field *ratio);

/* The scale of a type's values as plain numbers: a percent stored with
 * scale s is a number with scale s + 2 (90% = 0.90). */
int lower_arith_scale(const sema_type *t);

/* Period number of a period literal ("2025-01", "2025-Q1", "2025-H2",
 * "2025") in the numbering of regime.h; -1 if malformed. */
int64_t lower_period_number(const char *text);

#endif

/* sema.h — the semantic passes: from parsed files to the checked model.
 * One pass per file, run in this order by sema.c:
 *
 *   sema_decls.c    collect declarations, duplicates, the regime header,
 *                   tiers, code lists (inline and CSV), forms and fields
 *   sema_rules.c    computed fields, ratios, relevance and rules of each
 *                   form; unique rule codes (uses sema_expr.c, sema_fold.c)
 *   sema_expr.c     names, types and units of expressions
 *   sema_fold.c     exact constants, and value ranges that prove rules
 *                   that never fail, never pass or never run
 *   sema_rollup.c   roll-ups: levels, period, completeness
 *   sema_tests.c    the shape of the in-spec tests
 *   sema_lint.c     Decree 09 completeness, languages, unused code lists
 */
#ifndef SEMA_H
#define SEMA_H

#include "driver.h"
#include "model.h"

m_regime *sema_run(compile_ctx *c);

#endif

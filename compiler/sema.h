/* sema.h — the semantic passes: from parsed files to the checked model.
 *
 *   sema_decls.c    collect declarations, duplicates, the regime header,
 *                   tiers, code lists (inline and CSV), forms and fields
 *   sema_expr.c     name resolution and types/units of expressions
 *   sema_rules.c    rules, computed fields, ratios, cycles, constant folding
 *   sema_rollup.c   roll-ups, calendar and deadlines
 *   sema_lint.c     Decree 09 completeness and unused declarations
 */
#ifndef SEMA_H
#define SEMA_H

#include "driver.h"
#include "model.h"

m_regime *sema_run(compile_ctx *c);

#endif

/* diff.h — the semantic diff of two versions of a regime (`regc diff`).
 *
 * Both versions are checked models (model.h). Declarations are matched by
 * their stable names: forms, code lists, tiers and roll-ups by name, fields
 * by code, rules by code, codes by value; a field whose code changed but
 * whose label did not is recognised as renamed. Every difference becomes one
 * change with a class (breaking for reporting units or consumers, or
 * compatible), a stable kind ("field-removed"), a dotted path
 * ("form.bieu06.field.late") and a detail ("count of dossiers -> ...").
 * docs/CI.md has the full table of kinds. */
#ifndef DIFF_H
#define DIFF_H

#include <stdio.h>

#include "model.h"

typedef enum diff_class { DIFF_COMPATIBLE = 0, DIFF_BREAKING = 1 } diff_class;

typedef struct diff_change {
    diff_class cls;
    const char *kind;  /* static, stable: CI scripts match on it */
    char *path;        /* malloc'd */
    char *detail;      /* malloc'd, may be "" */
} diff_change;

typedef struct diff_result {
    diff_change *v;
    int n, cap;
    int n_breaking, n_compatible;
    int old_major, new_major; /* MAJOR of `version`, -1 when absent */
    int major_bump;           /* new MAJOR > old MAJOR */
} diff_result;

struct compile_ctx;

/* Compares the checked models of two compilations (driver_check() returned
 * non-NULL for both). Changes come in a stable order: regime header, tiers,
 * code lists, forms (fields, then rules), roll-ups. */
void diff_models(const struct compile_ctx *old_c, const struct compile_ctx *new_c, diff_result *out);
void diff_free(diff_result *d);

/* 1 when the diff should fail CI: a breaking change without a new MAJOR. */
int diff_fails(const diff_result *d);

/* MAJOR of a MAJOR.MINOR.PATCH version; -1 when absent or malformed. */
int diff_major(const char *version);

/* Kinds known to the diff, with their usual class (for docs and tests);
 * NULL past the end. */
const char *diff_kind_name(int i, diff_class *cls);

/* One line per change: `breaking|compatible  KIND  PATH  DETAIL`. */
void diff_print_text(const diff_result *d, FILE *out);
/* The result as one JSON object (see docs/CI.md). */
void diff_print_json(const diff_result *d, const char *old_file, const m_regime *old_r,
                     const char *new_file, const m_regime *new_r, FILE *out);

#endif

/* diag.h — every message of the compiler goes through here.
 *
 * A diagnostic has a stable code (E#### error, W#### warning), a location, a
 * message and optional hints. Texts come from the catalog (diag_catalog.c),
 * in English and Vietnamese, as printf formats taking the same arguments in
 * the same order. Diagnostics are collected and printed together, as text
 * (file:line:col: error[E0101]: message, the source line, a ^~~~ underline,
 * hints) or as JSON for CI. */
#ifndef DIAG_H
#define DIAG_H

#include <stdio.h>

#include "srcloc.h"

typedef enum diag_lang { DIAG_EN = 0, DIAG_VI = 1 } diag_lang;
typedef enum diag_sev { DIAG_ERROR, DIAG_WARNING } diag_sev;

typedef struct diag_item {
    char code[8];
    diag_sev sev;
    src_loc loc;
    char *message;
    char **hints;
    int n_hints;
} diag_item;

typedef struct diag_ctx {
    src_manager *sm;
    diag_lang lang;
    int werror;           /* warnings count as errors */
    diag_item *items;
    int n, cap;
    int n_errors, n_warnings;
    int max_errors;       /* stop recording after this many errors (0 = 1000) */
} diag_ctx;

void diag_init(diag_ctx *d, src_manager *sm, diag_lang lang);
void diag_free(diag_ctx *d);

/* Reports diagnostic `code` (looked up in the catalog) at `loc`; the format
 * arguments follow. Returns the item so hints can be added. */
diag_item *diag(diag_ctx *d, const char *code, src_loc loc, ...);
/* Adds the catalog hint `hint_id` to the last diagnostic. */
void diag_hint(diag_ctx *d, const char *hint_id, ...);

int diag_has_errors(const diag_ctx *d); /* errors, or warnings with werror */

/* Orders the diagnostics by file, line and column (stable: those at one
 * place keep their order; those without a place go last). */
void diag_sort(diag_ctx *d);

/* Prints every diagnostic; `color` adds ANSI colours (terminal only). */
void diag_print_text(const diag_ctx *d, FILE *out, int color);
void diag_print_json(const diag_ctx *d, FILE *out);
/* One JSON document for the diagnostics of several compilations. */
void diag_print_json_multi(const diag_ctx *const *ds, int n, FILE *out);

/* The catalog: severity and format of a code, in a language; NULL if the code
 * is unknown. Exposed for tests and docs. */
const char *diag_format(const char *code, diag_lang lang);
/* Iterates the catalog: returns the i-th diagnostic code, NULL past the end. */
const char *diag_catalog_code(int i);

/* Small helpers for messages. */
const char *diag_closest(const char *word, const char *const *candidates, int n);
void json_write_string(FILE *out, const char *s);

#endif

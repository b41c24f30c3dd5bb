/* driver.h — one compilation: sources, imports, diagnostics, the model.
 *
 * driver_load() parses the given files and, recursively, the modules they
 * import, found beside the importing file, then beside the files given
 * (`import mods.common` names a module from the project's top), then in each
 * -I directory, then in REGIME_PATH (colon-separated), then in the stdlib
 * installed with regc. A module name is a dotted identifier, so an import
 * never names a path outside these directories.
 * Import cycles and missing modules are diagnosed. */
#ifndef DRIVER_H
#define DRIVER_H

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "model.h"
#include "srcloc.h"

typedef struct driver_loading {
    const char *real; /* real path of a file being or already loaded */
    int done;         /* 0 while its imports are being loaded (cycles) */
} driver_loading;

typedef struct compile_ctx {
    arena arena;
    src_manager sm;
    diag_ctx diag;
    const char **search;     /* import directories, in order */
    int n_search;
    ast_file **files;        /* every parsed file; the n_roots roots first */
    int n_files;
    int n_roots;             /* files named on the command line */
    m_regime *model;         /* after driver_check(), NULL on errors */
    driver_loading *loaded;
    int n_loaded;
    /* 1: a file a spec names (a code list's CSV) is read only below the
     * spec's directory: no absolute path, no "..". For fuzzing, where a
     * spec could name /dev/stdin. */
    int sandbox;
} compile_ctx;

void driver_init(compile_ctx *c, diag_lang lang);
void driver_free(compile_ctx *c);
void driver_add_search(compile_ctx *c, const char *dir);
/* Adds the default search path: REGIME_PATH and the stdlib. */
void driver_default_search(compile_ctx *c);
/* Parses `path` and its imports; 0 when the file could be read. */
int driver_load(compile_ctx *c, const char *path);
/* Parses text held in memory (tests, fuzzing) under a display name. */
int driver_load_text(compile_ctx *c, const char *name, const char *text, size_t len);
/* Runs every semantic pass; returns the model or NULL when errors. */
m_regime *driver_check(compile_ctx *c);

/* The stdlib directory next to the running binary, or NULL. */
const char *driver_stdlib_dir(compile_ctx *c);

#endif

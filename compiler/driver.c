/* driver.c — loading sources and imports, running the passes. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "parse.h"
#include "sema.h"

void driver_init(compile_ctx *c, diag_lang lang)
{
    memset(c, 0, sizeof *c);
    arena_init(&c->arena);
    src_init(&c->sm);
    diag_init(&c->diag, &c->sm, lang);
}

void driver_free(compile_ctx *c)
{
    diag_free(&c->diag);
    src_free(&c->sm);
    arena_free(&c->arena);
    free(c->search);
    free(c->files);
    free(c->loaded);
    memset(c, 0, sizeof *c);
}

void driver_add_search(compile_ctx *c, const char *dir)
{
    const char **s = realloc(c->search, (size_t)(c->n_search + 1) * sizeof *s);
    if (!s)
        abort();
    c->search = s;
    c->search[c->n_search++] = arena_strdup(&c->arena, dir);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *driver_stdlib_dir(compile_ctx *c)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    /* installed: PREFIX/bin -> PREFIX/share/regime/stdlib;
     * build tree: build/bin or build/san/bin -> stdlib at the top */
    static const char *const rel[] = {"/../share/regime/stdlib", "/../../stdlib", "/../../../stdlib"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char *p = arena_printf(&c->arena, "%s%s", exe, rel[i]);
        char *real = realpath(p, NULL);
        if (real && is_dir(real)) {
            char *r = arena_strdup(&c->arena, real);
            free(real);
            return r;
        }
        free(real);
    }
    return NULL;
}

void driver_default_search(compile_ctx *c)
{
    const char *env = getenv("REGIME_PATH");
    if (env && *env) {
        char *copy = arena_strdup(&c->arena, env);
        for (char *tok = strtok(copy, ":"); tok; tok = strtok(NULL, ":"))
            if (*tok)
                driver_add_search(c, tok);
    }
    const char *std = driver_stdlib_dir(c);
    if (std)
        driver_add_search(c, std);
}

static int find_loaded(compile_ctx *c, const char *real)
{
    for (int i = 0; i < c->n_loaded; i++)
        if (!strcmp(c->loaded[i].real, real))
            return i;
    return -1;
}

/* Roots (files named by the user) are kept first, in the order given:
 * files[0 .. n_roots) are the roots, imports follow. */
static void add_file(compile_ctx *c, ast_file *f, int root)
{
    ast_file **fs = realloc(c->files, (size_t)(c->n_files + 1) * sizeof *fs);
    if (!fs)
        abort();
    c->files = fs;
    if (root) {
        memmove(c->files + c->n_roots + 1, c->files + c->n_roots,
                sizeof *fs * (size_t)(c->n_files - c->n_roots));
        c->files[c->n_roots++] = f;
        c->n_files++;
    } else {
        c->files[c->n_files++] = f;
    }
}

static char *dir_of(compile_ctx *c, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? arena_strndup(&c->arena, path, (size_t)(slash - path)) : arena_strdup(&c->arena, ".");
}

static void load_imports(compile_ctx *c, ast_file *f, int depth);

/* Loads one file; `from` is the import's location or NULL for a root. */
static ast_file *load_path(compile_ctx *c, const char *path, const src_loc *from, int depth)
{
    char *real = realpath(path, NULL);
    int had_real = real != NULL;
    if (real) {
        int i = find_loaded(c, real);
        if (i >= 0) {
            if (!c->loaded[i].done && from) {
                diag(&c->diag, "E0502", *from, path);
                diag_hint(&c->diag, "H0502");
            }
            free(real);
            return NULL;
        }
        driver_loading *l = realloc(c->loaded, (size_t)(c->n_loaded + 1) * sizeof *l);
        if (!l)
            abort();
        c->loaded = l;
        c->loaded[c->n_loaded].real = arena_strdup(&c->arena, real);
        c->loaded[c->n_loaded].done = 0;
        c->n_loaded++;
        free(real);
    }
    int id = src_load(&c->sm, path);
    if (id < 0) {
        src_loc none = {-1, 0, 0, 0, 0};
        diag(&c->diag, "E0501", from ? *from : none, path, strerror(errno));
        return NULL;
    }
    int slot = had_real ? c->n_loaded - 1 : -1;
    ast_file *f = parse_file(&c->arena, &c->diag, id);
    add_file(c, f, from == NULL);
    if (depth > 32) {
        diag(&c->diag, "E0503", from ? *from : f->decls.n ? ((ast_decl *)f->decls.items[0])->loc : (src_loc){id, 1, 1, 1, 1});
        return f;
    }
    load_imports(c, f, depth + 1);
    if (slot >= 0)
        c->loaded[slot].done = 1;
    return f;
}

static void load_imports(compile_ctx *c, ast_file *f, int depth)
{
    const char *base = dir_of(c, f->path);
    AST_EACH(ast_decl *, d, f->decls) {
        if (d->kind != AST_D_IMPORT)
            continue;
        /* decree09 -> decree09.regime; vn.tiers -> vn/tiers.regime */
        char *rel = arena_printf(&c->arena, "%s.regime", d->name.text);
        for (char *p = rel; *p && strcmp(p, ".regime"); p++)
            if (*p == '.')
                *p = '/';
        const char *found = NULL;
        char *cand = strcmp(base, ".") ? arena_printf(&c->arena, "%s/%s", base, rel) : rel;
        if (access(cand, R_OK) == 0)
            found = cand;
        /* then from the directory of each root file: a module of the
         * project is named from its top (`import mods.common`) */
        for (int i = 0; !found && i < c->n_roots; i++) {
            const char *rd = dir_of(c, c->files[i]->path);
            cand = strcmp(rd, ".") ? arena_printf(&c->arena, "%s/%s", rd, rel) : rel;
            if (access(cand, R_OK) == 0)
                found = cand;
        }
        for (int i = 0; !found && i < c->n_search; i++) {
            cand = arena_printf(&c->arena, "%s/%s", c->search[i], rel);
            if (access(cand, R_OK) == 0)
                found = cand;
        }
        if (!found) {
            diag(&c->diag, "E0500", d->name.loc, d->name.text);
            diag_hint(&c->diag, "H0500", rel);
            continue;
        }
        ast_file *imp = load_path(c, found, &d->name.loc, depth);
        (void)imp;
    }
}

int driver_load(compile_ctx *c, const char *path)
{
    int before = c->diag.n_errors;
    ast_file *f = load_path(c, path, NULL, 0);
    return f || c->diag.n_errors == before ? 0 : -1;
}

int driver_load_text(compile_ctx *c, const char *name, const char *text, size_t len)
{
    int id = src_add(&c->sm, name, text, len);
    if (id < 0)
        return -1;
    ast_file *f = parse_file(&c->arena, &c->diag, id);
    add_file(c, f, 1);
    load_imports(c, f, 1);
    return 0;
}

/* 1 when loading left no whole tree to check: a lexical or syntax error
 * (E00xx), an import or file that could not be read (E05xx). The
 * structural errors of the tree builder (an attribute without its field, a
 * clause given twice: E0011-E0014) leave a whole tree, so the semantic
 * passes still run and report everything else. */
static int unreadable(const compile_ctx *c)
{
    for (int i = 0; i < c->diag.n; i++) {
        const char *code = c->diag.items[i].code;
        if (c->diag.items[i].sev == DIAG_ERROR &&
            (strncmp(code, "E00", 3) != 0 || strcmp(code, "E0011") < 0 || strcmp(code, "E0014") > 0))
            return 1;
    }
    /* past the limit of recorded diagnostics, assume the worst */
    return c->diag.n_errors > c->diag.max_errors;
}

m_regime *driver_check(compile_ctx *c)
{
    if (unreadable(c))
        return NULL;
    c->model = sema_run(c);
    return diag_has_errors(&c->diag) ? NULL : c->model;
}

/* cmd_diff.c — `regc diff OLD NEW`: the semantic diff of two versions.
 *
 * Each version is loaded and checked in its own compilation, so imports and
 * data files resolve beside each file. Exit status: 0 no breaking change or
 * a new MAJOR version, 1 a breaking change without one, 2 when a version
 * does not check (or a usage error). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "diff.h"
#include "driver.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc diff [options] OLD NEW\n\n"
               "Compares two versions of a regime and classifies every change as breaking\n"
               "(for reporting units or consumers) or compatible; one line per change:\n"
               "  breaking|compatible  KIND  PATH  DETAIL\n"
               "Exit status: 0 no breaking change, or the MAJOR version went up; 1 a breaking\n"
               "change without a new MAJOR version; 2 a version does not check, or usage error.\n\n"
               "Options:\n"
               "  -I DIR             add DIR to the import search path\n"
               "  --format text|json changes as text (default) or one JSON object\n"
               "  --lang en|vi       language of messages (default en)\n"
               "  -h, --help         this help\n");
}

/* A catalog text printed as a plain line (the summary is not a diagnostic). */
static void note(diag_lang lang, const char *code, ...)
{
    const char *fmt = diag_format(code, lang);
    va_list ap;
    va_start(ap, code);
    vfprintf(stderr, fmt ? fmt : code, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static m_regime *load(compile_ctx *c, const cli_opts *o, const char *path)
{
    driver_init(c, o->lang);
    for (int i = 0; i < o->n_include; i++)
        driver_add_search(c, o->include[i]);
    driver_default_search(c);
    driver_load(c, path);
    m_regime *m = driver_check(c); /* a module without `regime` diffs too */
    if (!m) {
        src_loc none = {-1, 0, 0, 0, 0};
        diag(&c->diag, "E0711", none, path);
    }
    return m;
}

static src_loc version_loc(const m_regime *r)
{
    if (!r->decl)
        return (src_loc){-1, 0, 0, 0, 0};
    AST_EACH(const ast_item *, it, r->decl->u.regime.items) {
        if (it->kind == AST_I_VERSION)
            return it->loc;
    }
    return r->decl->name.loc;
}

int cmd_diff(int argc, char **argv)
{
    cli_opts o;
    int r = cli_parse(&o, argc, argv, "diff", CLI_FORMAT, usage);
    if (r >= 0)
        return r;
    if (o.n_files != 2) {
        fprintf(stderr, "regc diff: expected two files, OLD and NEW\nTry 'regc diff --help'.\n");
        cli_free(&o);
        return 2;
    }
    compile_ctx a, b;
    m_regime *ma = load(&a, &o, o.files[0]);
    m_regime *mb = load(&b, &o, o.files[1]);
    int status;
    if (!ma || !mb) {
        if (o.json) {
            fputs("{\"old\":", stdout);
            diag_print_json(&a.diag, stdout);
            fputs(",\"new\":", stdout);
            diag_print_json(&b.diag, stdout);
            fputs("}\n", stdout);
        } else {
            if (!ma)
                diag_print_text(&a.diag, stderr, isatty(2));
            if (!mb)
                diag_print_text(&b.diag, stderr, isatty(2));
        }
        status = 2;
    } else {
        diff_result d;
        diff_models(&a, &b, &d);
        status = diff_fails(&d);
        if (o.json) {
            diff_print_json(&d, o.files[0], ma, o.files[1], mb, stdout);
        } else {
            diff_print_text(&d, stdout);
            fflush(stdout);
            diag_ctx v;
            diag_init(&v, &b.sm, o.lang);
            if (status) {
                diag(&v, "E0710", version_loc(mb), d.n_breaking, ma->version ? ma->version : "none",
                     mb->version ? mb->version : "none");
                diag_hint(&v, "H0710", (d.old_major < 0 ? 0 : d.old_major) + 1);
                v.n_errors = 0; /* the verdict alone, without a count of errors */
                diag_print_text(&v, stderr, isatty(2));
            }
            note(o.lang, "H0711", d.n_breaking, d.n_compatible);
            diag_free(&v);
        }
        diff_free(&d);
    }
    driver_free(&a);
    driver_free(&b);
    cli_free(&o);
    return status;
}

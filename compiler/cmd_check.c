/* cmd_check.c — `regc check FILE...`: diagnostics for specs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "driver.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc check [options] FILE...\n\n"
               "Checks regime specs and prints every diagnostic. Each FILE is a spec of\n"
               "its own, checked with the modules it imports.\n"
               "Exit status: 0 clean, 1 errors (or warnings with --Werror), 2 usage error.\n\n"
               "Options:\n"
               "  -I DIR             add DIR to the import search path\n"
               "  --format text|json diagnostics as text (default) or JSON\n"
               "  --lang en|vi       language of messages (default en)\n"
               "  --Werror           treat warnings as errors\n"
               "  -h, --help         this help\n");
}

int cmd_check(int argc, char **argv)
{
    cli_opts o;
    int r = cli_parse(&o, argc, argv, "check", CLI_FORMAT | CLI_WERROR, usage);
    if (r >= 0)
        return r;
    /* Each file is a spec of its own (with the modules it imports), so
     * `regc check specs/NAME.regime ...` checks every spec of a repository. */
    compile_ctx *cs = calloc((size_t)o.n_files, sizeof *cs);
    const diag_ctx **ds = calloc((size_t)o.n_files, sizeof *ds);
    if (!cs || !ds)
        abort();
    int status = 0;
    for (int i = 0; i < o.n_files; i++) {
        compile_ctx *c = &cs[i];
        driver_init(c, o.lang);
        c->diag.werror = o.werror;
        for (int k = 0; k < o.n_include; k++)
            driver_add_search(c, o.include[k]);
        driver_default_search(c);
        driver_load(c, o.files[i]);
        driver_check(c);
        diag_sort(&c->diag);
        if (!o.json)
            diag_print_text(&c->diag, stderr, isatty(2));
        if (diag_has_errors(&c->diag))
            status = 1;
        ds[i] = &c->diag;
    }
    if (o.json)
        diag_print_json_multi(ds, o.n_files, stdout);
    for (int i = 0; i < o.n_files; i++)
        driver_free(&cs[i]);
    free(cs);
    free(ds);
    cli_free(&o);
    return status;
}

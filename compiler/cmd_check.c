/* cmd_check.c — `regc check FILE...`: diagnostics for specs. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "driver.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc check [options] FILE...\n\n"
               "Checks regime specs and prints every diagnostic.\n"
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
    compile_ctx c;
    driver_init(&c, o.lang);
    c.diag.werror = o.werror;
    for (int i = 0; i < o.n_include; i++)
        driver_add_search(&c, o.include[i]);
    driver_default_search(&c);
    for (int i = 0; i < o.n_files; i++)
        driver_load(&c, o.files[i]);
    driver_check(&c);
    diag_sort(&c.diag);
    if (o.json)
        diag_print_json(&c.diag, stdout);
    else
        diag_print_text(&c.diag, stderr, isatty(2));
    int status = diag_has_errors(&c.diag) ? 1 : 0;
    driver_free(&c);
    cli_free(&o);
    return status;
}

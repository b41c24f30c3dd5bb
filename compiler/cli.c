/* cli.c — option parsing for regc's subcommands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int bad(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "regc %s: %s '%s'\nTry 'regc %s --help'.\n", cmd, msg, arg, cmd);
    return 2;
}

static void push(const char ***v, int *n, const char *s)
{
    const char **nv = realloc(*v, (size_t)(*n + 1) * sizeof *nv);
    if (!nv)
        abort();
    *v = nv;
    (*v)[(*n)++] = s;
}

int cli_parse(cli_opts *o, int argc, char **argv, const char *cmd, int allow,
              void (*usage)(FILE *))
{
    memset(o, 0, sizeof *o);
    const char *lang = getenv("REGIME_LANG");
    if (lang && !strcmp(lang, "vi"))
        o->lang = DIAG_VI;
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || !strcmp(a, "-")) {
            push(&o->files, &o->n_files, a);
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            cli_free(o);
            return 0;
        } else if (!strcmp(a, "-I") || !strncmp(a, "-I", 2)) {
            const char *dir = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            if (!dir) {
                cli_free(o);
                return bad(cmd, "missing directory after", a);
            }
            push(&o->include, &o->n_include, dir);
        } else if (!strcmp(a, "--lang")) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (!strcmp(v, "vi"))
                o->lang = DIAG_VI;
            else if (!strcmp(v, "en"))
                o->lang = DIAG_EN;
            else {
                cli_free(o);
                return bad(cmd, "unknown language (use en or vi)", v);
            }
        } else if ((allow & CLI_FORMAT) && !strcmp(a, "--format")) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (!strcmp(v, "json"))
                o->json = 1;
            else if ((allow & CLI_JUNIT) && !strcmp(v, "junit"))
                o->junit = 1;
            else if (strcmp(v, "text")) {
                cli_free(o);
                return bad(cmd, "unknown format", v);
            }
        } else if ((allow & CLI_WERROR) && !strcmp(a, "--Werror")) {
            o->werror = 1;
        } else if ((allow & CLI_OUTPUT) && !strcmp(a, "-o")) {
            if (i + 1 >= argc) {
                cli_free(o);
                return bad(cmd, "missing directory after", a);
            }
            o->output = argv[++i];
        } else if ((allow & CLI_EMIT) && !strcmp(a, "--emit-llvm")) {
            o->emit_llvm = 1;
        } else if ((allow & CLI_EMIT) && !strcmp(a, "--target")) {
            if (i + 1 >= argc) {
                cli_free(o);
                return bad(cmd, "missing triple after", a);
            }
            o->target = argv[++i];
        } else if ((allow & CLI_EMIT) && !strcmp(a, "--cpu")) {
            if (i + 1 >= argc) {
                cli_free(o);
                return bad(cmd, "missing CPU name after", a);
            }
            o->cpu = argv[++i];
        } else if ((allow & CLI_CHECKONLY) && !strcmp(a, "--check")) {
            o->check_only = 1;
        } else {
            cli_free(o);
            return bad(cmd, "unknown option", a);
        }
    }
    if (o->n_files == 0) {
        fprintf(stderr, "regc %s: no input file\nTry 'regc %s --help'.\n", cmd, cmd);
        cli_free(o);
        return 2;
    }
    return -1;
}

void cli_free(cli_opts *o)
{
    free(o->include);
    free(o->files);
    o->include = NULL;
    o->files = NULL;
}

/* regc — the Regime compiler command line. Each subcommand lives in its own
 * file (cmd_*.c); this file only dispatches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regime.h"
#include "cmd.h"
#include "core.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"check", cmd_check, "check specs and print diagnostics"},
    {"build", cmd_build, "compile a regime to a shared library, header, forms and manifest"},
    {"test", cmd_test, "run the tests written inside specs"},
    {"diff", cmd_diff, "classify the changes between two versions of a regime"},
    {"fmt", cmd_fmt, "format specs canonically"},
    {"keygen", cmd_keygen, "make a signing key pair (docs/DISTRIBUTION.md)"},
    {"sign", cmd_sign, "sign a built regime folder"},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc <command> [options] FILE...\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-7s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nCommon options:\n"
               "  -I DIR          add DIR to the import search path (also REGIME_PATH)\n"
               "  --lang vi|en    language of messages (default en)\n"
               "  --format text|json  output format for check, test and diff\n"
               "  -h, --help      this help; `regc <command> --help` for a command\n"
               "  --version       print the version\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *c = argv[1];
    if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(c, "--version")) {
        printf("regc %s (ABI %u, LLVM 19)\n", REGIME_VERSION, REGIME_ABI_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(c, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    if (c[0] == '-')
        fprintf(stderr, "regc: unknown option '%s'\nTry 'regc --help'.\n", c);
    else
        fprintf(stderr, "regc: unknown command '%s'\nTry 'regc --help'.\n", c);
    return 2;
}

/* Output that did not arrive is a failure: `regc fmt - > /dev/full` must not
 * exit 0 with the text lost. Everything regc prints goes through stdio, so
 * one check at the end covers every command. */
int main(int argc, char **argv)
{
    const char *env = getenv("REGIME_LANG");
    rt_lang lang;
    if (env && !rt_lang_parse(env, &lang))
        rt_set_lang(lang);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (!strncmp(argv[i], "--lang=", 7))
            v = argv[i] + 7;
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            v = argv[i + 1];
        if (v && !rt_lang_parse(v, &lang))
            rt_set_lang(lang);
    }
    int rc = run(argc, argv);
    rt_error err;
    memset(&err, 0, sizeof err);
    if (rt_stdout_close(&err)) {
        fprintf(stderr, "regc: %s\n", err.msg);
        return 2;
    }
    return rc;
}

/* cli.h — the options shared by regc's subcommands. */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "diag.h"

enum { CLI_FORMAT = 1, CLI_WERROR = 2, CLI_OUTPUT = 4, CLI_EMIT = 8, CLI_CHECKONLY = 16, CLI_JUNIT = 32 };

typedef struct cli_opts {
    diag_lang lang;
    int json, junit;
    int werror;
    int emit_llvm;
    int check_only;       /* fmt --check */
    const char *output;   /* -o */
    const char *target;   /* --target */
    const char *cpu;      /* --cpu */
    const char **include;
    int n_include;
    const char **files;
    int n_files;
} cli_opts;

/* Parses argv (argv[0] is the subcommand). Returns -1 to go on, or an exit
 * status: 0 after --help, 2 on a usage error (message printed). */
int cli_parse(cli_opts *o, int argc, char **argv, const char *cmd, int allow,
              void (*usage)(FILE *));
void cli_free(cli_opts *o);

#endif

/* Subcommands not built yet. Each file that implements one removes it here. */
#include <stdio.h>

#include "cmd.h"

static int pending(const char *name)
{
    fprintf(stderr, "regc %s: not available in this build\n", name);
    return 2;
}

int cmd_test(int argc, char **argv) { (void)argc; (void)argv; return pending("test"); }

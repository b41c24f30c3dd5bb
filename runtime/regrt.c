/* regrt — the Regime runtime command line (placeholder until libregrt lands). */
#include <stdio.h>
#include <string.h>

#include "regime.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: regrt <command> LIB [options] DATA...\n\nCommands:\n"
               "  validate  check submissions against a compiled regime\n"
               "  rollup    aggregate submissions over tiers and periods\n"
               "  calendar  periods, cut-off windows and deadlines of a year\n"
               "  status    who reported, who is missing, who was late\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) { usage(stdout); return 0; }
    if (!strcmp(argv[1], "--version")) { printf("regrt %s (ABI %u)\n", REGIME_VERSION, REGIME_ABI_VERSION); return 0; }
    if (argv[1][0] == '-') fprintf(stderr, "regrt: unknown option '%s'\n", argv[1]);
    else fprintf(stderr, "regrt: unknown command '%s'\nTry 'regrt --help'.\n", argv[1]);
    return 2;
}

/*
 * fuzz_spec.c — libFuzzer harness of the front end: lexer, parser, import
 * driver and every semantic pass, on a spec given as bytes.
 *
 * What must hold: no crash, no leak, no undefined behaviour, no unbounded
 * recursion (deep input is refused with E0010/E0015), and diagnostics that
 * print as text and JSON. The spec is loaded as
 * FUZZ_ROOT/tests/golden/ok/fuzz.regime, so the imports and code-list files
 * of the positive goldens resolve (`import mods.common`, `from
 * "data/domains.csv"`), then the stdlib; files outside that directory are
 * not read (compile_ctx.sandbox).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char name[1024], stdlib_dir[1024];
static FILE *devnull;

static void init(void)
{
    const char *root = getenv("FUZZ_ROOT");
    if (!root || !*root)
        root = FUZZ_ROOT;
    snprintf(name, sizeof name, "%s/tests/golden/ok/fuzz.regime", root);
    snprintf(stdlib_dir, sizeof stdlib_dir, "%s/stdlib", root);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
}

static void run(const uint8_t *data, size_t size, diag_lang lang)
{
    compile_ctx c;
    driver_init(&c, lang);
    c.sandbox = 1;
    driver_add_search(&c, stdlib_dir);
    driver_load_text(&c, name, (const char *)data, size);
    m_regime *m = driver_check(&c);
    /* a model is only returned without errors */
    if (m && c.diag.n_errors)
        abort();
    diag_sort(&c.diag);
    diag_print_text(&c.diag, devnull, 0);
    diag_print_json(&c.diag, devnull);
    driver_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        init();
    run(data, size, DIAG_EN);
    /* the Vietnamese catalog takes the same arguments: a short input runs
     * through it too (printf formats would crash on a mismatch) */
    if (size < 512)
        run(data, size, DIAG_VI);
    return 0;
}

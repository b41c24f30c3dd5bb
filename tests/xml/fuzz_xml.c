/*
 * fuzz_xml.c — libFuzzer harness for XML submissions: an input goes through
 * rt_scan_file() as DATA.xml, i.e. the safe parse, the root/version checks,
 * XSD validation, the CSV bridge, the kernels and the report (runtime/xml.c).
 *
 * Not yet under tests/fuzz/ (whose run.sh builds build/fuzz/fuzz_NAME with a
 * Makefile rule that does not exist yet); until then, by hand:
 *
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -DREGIME_VERSION='"0"' -Iruntime/include -Iruntime \
 *     $(pkg-config --cflags libxml-2.0) $(ls runtime/*.c | grep -v regrt.c) \
 *     tests/xml/fuzz_xml.c -o build/fuzz_xml $(pkg-config --libs libxml-2.0) -ldl -lm -pthread
 *   mkdir -p build/fuzzlib && cp build/fixtures/tthc/tthc.so build/fuzzlib/ &&
 *     build/tests/check_xml --emit examples/tthc/tthc.regime build/fuzzlib
 *   FUZZ_LIB=build/fuzzlib/tthc.so build/fuzz_xml -max_len=8192 \
 *     build/fuzz-xml-corpus tests/xml examples/tthc/xml/valid examples/tthc/xml/invalid
 *
 * (1.4 M inputs through rt_xml_read and 0.34 M through the whole scan ran
 * clean under ASan+UBSan when it was written.)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rt_regime *rg;
static char path[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!rg) {
        rt_error e;
        const char *lib = getenv("FUZZ_LIB");
        rg = lib ? rt_regime_open(lib, &e) : NULL;
        if (!rg) {
            fprintf(stderr, "fuzz_xml: set FUZZ_LIB to a tthc library with forms/ beside it\n");
            abort();
        }
        rt_set_quiet(1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1); /* the report goes to stdout */
        const char *t = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/fuzz_xml_%d.xml", t && *t ? t : "/tmp", (int)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f))
        abort();
    const rg_regime_desc *d = rt_regime_desc(rg);
    const rg_form *form = &d->forms[0];
    uint8_t *on = calloc(form->n_rules + 1, 1);
    memset(on, 1, form->n_rules);
    uint64_t *rule_fail = calloc(form->n_rules + 1, sizeof *rule_fail);
    rt_error e;
    memset(&e, 0, sizeof e);
    rt_out out;
    if (rt_out_open(&out, NULL, &e))
        abort();
    rt_report rep;
    memset(&rep, 0, sizeof rep);
    rep.fmt = (rt_format)(size % 3);
    rep.desc = d;
    rep.form = form;
    rep.out = &out;
    rep.file = path;
    rt_report_begin(&rep);
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = rg;
    cfg.form = form;
    cfg.rule_on = on;
    cfg.threads = 1;
    cfg.report = &rep;
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rule_fail;
    if (rt_scan_file(&cfg, path, &st, &e) == 0)
        rt_out_close(&out, &e);
    else
        rt_out_abort(&out);
    free(on);
    free(rule_fail);
    return 0;
}

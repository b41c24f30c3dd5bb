/* cmd_build.c — `regc build FILE -o DIR [--emit-llvm] [--target TRIPLE]`:
 * check, lower, generate code, link DIR/<regime>.so, write DIR/<regime>.h,
 * the form schemas and DIR/manifest.json. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "cg_llvm.h"
#include "cli.h"
#include "cmd.h"
#include "driver.h"
#include "emit_header.h"
#include "emit_webjson.h"
#include "emit_xml.h"
#include "lower.h"
#include "manifest.h"
#include "sign.h"
#include "core.h"
#include "verify.h"

#include <sodium.h>

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc build [options] FILE -o DIR\n\n"
               "Compiles a regime into DIR/<regime>.so (native validators and aggregators),\n"
               "DIR/<regime>.h, DIR/forms/ (XForms and XSD), DIR/units/ (a copy of the tiers'\n"
               "units file, regrt's default --units) and DIR/manifest.json.\n"
               "The same input gives the same output bytes.\n\n"
               "Options:\n"
               "  -o DIR             output directory (created if needed)\n"
               "  --emit-llvm        print the optimised LLVM IR on stdout (-o optional)\n"
               "  --target TRIPLE    generate for another target: writes DIR/<regime>.o\n"
               "                     instead of the library; wasm32-unknown-unknown writes\n"
               "                     DIR/<regime>.wasm (linked with wasm-ld) and\n"
               "                     DIR/<regime>.wasm.json for web pages (docs/CODEGEN.md)\n"
               "  --cpu NAME|native  CPU to generate for (default: a portable baseline,\n"
               "                     x86-64-v2 on x86-64; native = this machine only)\n"
               "  --sign KEY         sign the folder with that secret key (`regc keygen`):\n"
               "                     writes DIR/manifest.sig (default: $REGIME_SIGNING_KEY;\n"
               "                     unsigned when neither is given; docs/DISTRIBUTION.md)\n"
               "  -I DIR             add DIR to the import search path\n"
               "  --lang en|vi       language of messages (default en)\n"
               "  --Werror           treat warnings as errors\n"
               "  -h, --help         this help\n");
}

static int mkdirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

/* REGC_TIMING=1: the time of each phase on stderr, to measure big regimes
 * (docs/BENCHMARKS.md). */
static int timing;
static double t_last;
static void phase(const char *what)
{
    double t = cg_now();
    if (timing)
        fprintf(stderr, "regc: %-10s %8.3f s\n", what, t - t_last);
    t_last = t;
}

/* The tiers' units file travels with the build: copied to DIR/units/NAME
 * (atomically, like every output) and named in the manifest relative to
 * DIR, so the build is the same bytes wherever it is made, the signature
 * covers the units the roll-ups expect, and an installed copy needs no
 * path of the build machine. *rel gets "units/NAME". */
static int copy_units(const char *dir, const char *src, char *rel, size_t reln)
{
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    char sub[4096], dst[8192];
    if ((size_t)snprintf(rel, reln, "units/%s", base) >= reln ||
        (size_t)snprintf(sub, sizeof sub, "%s/units", dir) >= sizeof sub ||
        (size_t)snprintf(dst, sizeof dst, "%s/%s", dir, rel) >= sizeof dst) {
        fprintf(stderr, "regc build: the output folder's path is too long: '%s'\n", dir);
        return 2;
    }
    char *buf = NULL;
    size_t len = 0;
    if (rt_read_file(src, (size_t)1 << 31, &buf, &len) < 0) {
        fprintf(stderr, "regc build: cannot read the tiers' units file '%s': %s\n", src, strerror(errno));
        return 2;
    }
    rt_out o;
    rt_error e = {0};
    int rc = 0;
    if (mkdirs(sub) < 0 || rt_out_open(&o, dst, &e) < 0) {
        fprintf(stderr, "regc build: cannot write '%s': %s\n", dst, e.msg[0] ? e.msg : strerror(errno));
        rc = 2;
    } else {
        rt_out_write_raw(&o, buf, len);
        if (rt_out_close(&o, &e) < 0) {
            fprintf(stderr, "regc build: cannot write '%s': %s\n", dst, e.msg);
            rc = 2;
        }
    }
    free(buf);
    return rc;
}

static int build(compile_ctx *c, const cli_opts *o, m_regime *r, const rt_keyfile *key)
{
    ir_regime ir;
    if (lower_regime(&c->arena, r, &c->sm, &ir) < 0)
        return 1;
    phase("lower");
    char hash[65];
    manifest_source_hash(c, hash);
    cg_opts co = {.triple = o->target, .source_hash = hash, .compiler_version = "regc " REGIME_VERSION,
                  .sm = &c->sm, .opt = 1, .cpu = o->cpu, .timing = timing};
    char *err = NULL;
    cg_module *m = cg_compile(&ir, &co, &err);
    t_last = cg_now();
    if (!m) {
        fprintf(stderr, "regc build: %s\n", err ? err : "code generation failed");
        free(err);
        return 1;
    }
    if (o->emit_llvm) {
        char *text = cg_print_ir(m);
        if (text)
            fputs(text, stdout);
        free(text);
        if (!o->output) {
            cg_free(m);
            return 0;
        }
    }
    const char *dir = o->output, *name = ir.name ? ir.name : "regime";
    if (mkdirs(dir) < 0) {
        fprintf(stderr, "regc build: cannot create '%s': %s\n", dir, strerror(errno));
        cg_free(m);
        return 2;
    }
    char lib[4096], obj[4096], hdr[4096], libtmp[4096], hdrtmp[4096];
    int host = cg_is_host(m), rc = 0;
    int wasm = cg_is_wasm_triple(cg_triple(m)), linked = host || wasm;
    const char *ext = host ? "so" : wasm ? "wasm" : "o";
    webjson_layout lay;
    if (wasm && webjson_layout_of(m, &lay) < 0) {
        fprintf(stderr, "regc build: internal error: no batch layout for %s\n", cg_triple(m));
        cg_free(m);
        return 1;
    }
    snprintf(lib, sizeof lib, "%s/%s.%s", dir, name, ext);
    snprintf(obj, sizeof obj, "%s/.%s.tmp.o", dir, name);
    snprintf(hdr, sizeof hdr, "%s/%s.h", dir, name);
    /* The library and the header are written beside and renamed: an
     * interrupted build leaves the old file or the new one, never half of
     * one (a truncated .so over a working one). */
    snprintf(libtmp, sizeof libtmp, "%s/.%s.%s.tmp", dir, name, ext); /* not *.so: rt_regime_open wants one */
    snprintf(hdrtmp, sizeof hdrtmp, "%s/.%s.h.tmp", dir, name);
    char *triple = strdup(cg_triple(m));
    /* Failing to write an output (a full disk, a read-only folder) is exit
     * status 2, like every unusable input or output; 1 means findings. */
    if (cg_emit_object(m, linked ? obj : libtmp, &err) < 0)
        rc = 2;
    cg_free(m);
    phase("object");
    if (!rc && linked) {
        /* a linker that is missing or fails is a tool's failure: 1 */
        rc = (host ? cg_link_shared(obj, libtmp, &err) : cg_link_wasm(obj, libtmp, &err)) < 0 ? 1 : 0;
        unlink(obj);
        phase("link");
    }
    if (!rc && rename(libtmp, lib) != 0) {
        rc = 2;
        err = strdup(strerror(errno));
    }
    if (rc) {
        unlink(libtmp);
        fprintf(stderr, "regc build: %s\n", err ? err : "failed");
        free(err);
        free(triple);
        return rc;
    }
    if (emit_header(&ir, r->version, hdrtmp) < 0 || rename(hdrtmp, hdr) != 0) {
        fprintf(stderr, "regc build: cannot write '%s': %s\n", hdr, strerror(errno));
        unlink(hdrtmp);
        free(triple);
        return 2;
    }
    char webjson[4096], webtmp[4096];
    snprintf(webjson, sizeof webjson, "%s/%s.wasm.json", dir, name);
    snprintf(webtmp, sizeof webtmp, "%s/.%s.wasm.json.tmp", dir, name);
    if (wasm && (emit_webjson(&ir, r->version, &lay, webtmp) < 0 || rename(webtmp, webjson) != 0)) {
        fprintf(stderr, "regc build: cannot write '%s': %s\n", webjson, strerror(errno));
        unlink(webtmp);
        free(triple);
        return 2;
    }
    phase("header");
    if (emit_forms(r, dir, &c->diag) != 0) {
        diag_print_text(&c->diag, stderr, isatty(2));
        fprintf(stderr, "regc build: cannot write the form schemas under '%s/forms'\n", dir);
        free(triple);
        return 2;
    }
    char *cpu = !host ? NULL
                : o->cpu && !strcmp(o->cpu, "native") ? LLVMGetHostCPUName()
                                                      : LLVMCreateMessage(o->cpu ? o->cpu : cg_default_cpu(triple));
    char units_rel[4096];
    if (r->units_path && copy_units(dir, r->units_path, units_rel, sizeof units_rel)) {
        if (cpu)
            LLVMDisposeMessage(cpu);
        free(triple);
        return 2;
    }
    manifest_info mi = {.regime = name, .version = r->version, .source_hash = hash, .triple = triple,
                        .cpu = cpu, .dir = dir, .units = r->units_path ? units_rel : NULL, .key = key};
    phase("forms");
    char why[1024];
    if (manifest_write(c, &mi, why, sizeof why) < 0) {
        fprintf(stderr, "regc build: cannot write '%s/manifest.json': %s\n", dir, why);
        rc = 2;
    }
    phase("manifest");
    if (cpu)
        LLVMDisposeMessage(cpu);
    free(triple);
    return rc;
}

int cmd_build(int argc, char **argv)
{
    /* --sign is build's own: taken out before the shared option parser */
    const char *signarg = NULL;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    int na = 0;
    if (!args)
        return 2;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--sign") && i + 1 < argc)
            signarg = argv[++i];
        else if (i > 0 && !strncmp(argv[i], "--sign=", 7))
            signarg = argv[i] + 7;
        else
            args[na++] = argv[i];
    }
    cli_opts o;
    int r = cli_parse(&o, na, args, "build", CLI_OUTPUT | CLI_EMIT | CLI_WERROR, usage);
    if (r >= 0) {
        free(args);
        return r;
    }
    /* the key is read before anything is built: a wrong key is a usage
     * error, not a half-published folder */
    rt_keyfile key;
    const char *kp = o.output ? sign_key_path(signarg) : NULL;
    if (kp) {
        char why[1024];
        if (sign_load_key(kp, &key, why, sizeof why) < 0) {
            fprintf(stderr, "regc build: %s%s\n", why,
                    signarg ? "" : " (named by REGIME_SIGNING_KEY)");
            cli_free(&o);
            free(args);
            return 2;
        }
    }
    if (!o.output && !o.emit_llvm) {
        fprintf(stderr, "regc build: missing '-o DIR'\nTry 'regc build --help'.\n");
        cli_free(&o);
        free(args);
        return 2;
    }
    if (o.n_files != 1) {
        fprintf(stderr, "regc build: expected one spec file, got %d\n", o.n_files);
        cli_free(&o);
        free(args);
        return 2;
    }
    const char *tenv = getenv("REGC_TIMING");
    timing = tenv && *tenv && strcmp(tenv, "0") != 0;
    t_last = cg_now();
    compile_ctx c;
    driver_init(&c, o.lang);
    c.diag.werror = o.werror;
    for (int i = 0; i < o.n_include; i++)
        driver_add_search(&c, o.include[i]);
    driver_default_search(&c);
    driver_load(&c, o.files[0]);
    m_regime *m = driver_check(&c);
    phase("check");
    diag_print_text(&c.diag, stderr, isatty(2));
    int status = m ? build(&c, &o, m, kp ? &key : NULL) : 1;
    if (kp)
        sodium_memzero(&key, sizeof key);
    driver_free(&c);
    cli_free(&o);
    free(args);
    return status;
}

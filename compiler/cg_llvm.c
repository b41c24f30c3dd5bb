/*
 * cg_llvm.c — the LLVM module of a regime: target machine, verification,
 * the -O2 pipeline, object emission and linking into a shared library.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "cg_llvm_int.h"

extern char **environ;

struct cg_module {
    cg c;
    LLVMTargetMachineRef tm;
    char *triple; /* LLVM-allocated */
    int host;
};

static char *dupmsg(const char *a, const char *b)
{
    size_t n = strlen(a) + (b ? strlen(b) : 0) + 3;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b ? ": " : "", b ? b : "");
    return s;
}

void cg_fail(cg *c, const char *msg)
{
    if (!c->error)
        c->error = dupmsg(msg, NULL);
}

static void init_targets(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    LLVMInitializeAllTargetInfos();
    LLVMInitializeAllTargets();
    LLVMInitializeAllTargetMCs();
    LLVMInitializeAllAsmPrinters();
}

void cg_free(cg_module *m)
{
    if (!m)
        return;
    if (m->c.b)
        LLVMDisposeBuilder(m->c.b);
    if (m->c.mod)
        LLVMDisposeModule(m->c.mod);
    if (m->c.ctx)
        LLVMContextDispose(m->c.ctx);
    if (m->tm)
        LLVMDisposeTargetMachine(m->tm);
    if (m->triple)
        LLVMDisposeMessage(m->triple);
    free(m->c.error);
    free(m);
}

/* The CPU a library is built for. Output must not depend on the machine
 * that builds it (reproducible builds; libraries are distributed), so the
 * default is a portable baseline and `native` is an explicit choice. */
const char *cg_default_cpu(const char *triple)
{
    return triple && !strncmp(triple, "x86_64", 6) ? "x86-64-v2" : "generic";
}

/* The target machine, generating code at `level`; the first call also
 * sets the triple. */
static int make_target(cg_module *m, const char *triple, const char *want_cpu, LLVMCodeGenOptLevel level, char **err)
{
    char *msg = NULL;
    LLVMTargetRef t;
    char *cpu = NULL, *features = NULL;
    m->host = triple == NULL;
    if (m->tm)
        LLVMDisposeTargetMachine(m->tm);
    m->tm = NULL;
    if (!m->triple)
        m->triple = triple ? LLVMNormalizeTargetTriple(triple) : LLVMGetDefaultTargetTriple();
    if (m->host && want_cpu && !strcmp(want_cpu, "native")) {
        cpu = LLVMGetHostCPUName();
        features = LLVMGetHostCPUFeatures();
    } else {
        cpu = LLVMCreateMessage(want_cpu ? want_cpu : cg_default_cpu(m->triple));
    }
    if (LLVMGetTargetFromTriple(m->triple, &t, &msg)) {
        *err = dupmsg("unknown target", msg);
        LLVMDisposeMessage(msg);
        if (cpu)
            LLVMDisposeMessage(cpu);
        if (features)
            LLVMDisposeMessage(features);
        return -1;
    }
    /* wasm32 is linked statically by wasm-ld into one module: PIC there
     * would mean Emscripten-style dynamic linking (__memory_base). */
    LLVMRelocMode reloc = cg_is_wasm_triple(m->triple) ? LLVMRelocStatic : LLVMRelocPIC;
    m->tm = LLVMCreateTargetMachine(t, m->triple, cpu ? cpu : "generic", features ? features : "",
                                    level, reloc, LLVMCodeModelDefault);
    if (cpu)
        LLVMDisposeMessage(cpu);
    if (features)
        LLVMDisposeMessage(features);
    if (!m->tm) {
        *err = dupmsg("cannot create a target machine for", m->triple);
        return -1;
    }
    return 0;
}

int cg_is_wasm_triple(const char *triple) { return triple && !strncmp(triple, "wasm32", 6); }

/* A web page calls the kernels by name: each becomes an exported function
 * `rg_<kernel>_<form index>` (docs/CODEGEN.md, "WebAssembly"). Only for
 * wasm32: native libraries keep exporting the two ABI symbols alone. */
static void export_wasm_kernels(cg *c, LLVMValueRef (*kernels)[CG_N_KERNELS], int n_forms)
{
    static const char *const kind[CG_N_KERNELS] = {"validate", "accumulate", "combine", "finalize", "message"};
    for (int i = 0; i < n_forms; i++)
        for (int k = 0; k < CG_N_KERNELS; k++) {
            LLVMValueRef fn = kernels[i][k];
            if (!fn)
                continue;
            char name[64];
            snprintf(name, sizeof name, "rg_%s_%d", kind[k], i);
            LLVMSetValueName2(fn, name, strlen(name));
            LLVMSetLinkage(fn, LLVMExternalLinkage);
            LLVMSetVisibility(fn, LLVMDefaultVisibility);
            LLVMAttributeRef a = LLVMCreateStringAttribute(c->ctx, "wasm-export-name", 16, name, (unsigned)strlen(name));
            LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, a);
        }
}

double cg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The module's size in instructions, and the instructions of its largest
 * basic block (a kernel's row loop), what the passes' cost grows with. */
static void module_size(LLVMModuleRef mod, unsigned long *total, unsigned *largest)
{
    *total = 0;
    *largest = 0;
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
            unsigned n = 0;
            for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in))
                n++;
            *total += n;
            if (n > *largest)
                *largest = n;
        }
}

/* Above this many instructions in a kernel's basic block, O1 instead of O2;
 * above CG_O1_MAX_BLOCK (a rule over a thousand cells), the light pipeline. */
#define CG_O2_MAX_BLOCK 3000
#define CG_O1_MAX_BLOCK 10000
/* Above this many instructions in the module (about 800 simple rules),
 * the light pipeline and the fast back end: see cg_compile. */
#define CG_BIG_MODULE 100000ul
/* What the light pipeline keeps: promotion to registers, common loads and
 * subexpressions, folding, dead code. */
#define CG_LIGHT_PIPELINE "function(sroa,early-cse,instsimplify,simplifycfg,adce)"

cg_module *cg_compile(const ir_regime *ir, const cg_opts *o, char **err)
{
    *err = NULL;
    init_targets();
    cg_module *m = calloc(1, sizeof *m);
    if (!m) {
        *err = dupmsg("out of memory", NULL);
        return NULL;
    }
    if (make_target(m, o->triple, o->cpu, LLVMCodeGenLevelDefault, err) < 0) {
        cg_free(m);
        return NULL;
    }
    cg *c = &m->c;
    c->ir = ir;
    c->o = o;
    c->ctx = LLVMContextCreate();
    c->mod = LLVMModuleCreateWithNameInContext(ir->name ? ir->name : "regime", c->ctx);
    LLVMSetTarget(c->mod, m->triple);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(m->tm);
    char *dl = LLVMCopyStringRepOfTargetData(td);
    LLVMSetDataLayout(c->mod, dl);
    LLVMDisposeMessage(dl);
    LLVMDisposeTargetData(td);
    /* No source file name in the object: the output must not depend on
     * where the spec was. */
    LLVMSetSourceFileName(c->mod, "", 0);
    c->b = LLVMCreateBuilderInContext(c->ctx);
    cg_types(c);
    LLVMValueRef zero = LLVMAddGlobal(c->mod, c->i64, "zero_word");
    LLVMSetInitializer(zero, cg_i64(c, 0));
    LLVMSetGlobalConstant(zero, 1);
    LLVMSetLinkage(zero, LLVMPrivateLinkage);
    LLVMValueRef ones = LLVMAddGlobal(c->mod, c->i64, "ones_word");
    LLVMSetInitializer(ones, cg_i64(c, -1));
    LLVMSetGlobalConstant(ones, 1);
    LLVMSetLinkage(ones, LLVMPrivateLinkage);
    c->g_zero_word = zero;
    c->g_ones_word = ones;

    double t0 = cg_now();
    LLVMValueRef (*kernels)[CG_N_KERNELS] = calloc((size_t)ir->n_forms + 1, sizeof *kernels);
    for (int i = 0; i < ir->n_forms; i++)
        cg_kernels(c, &ir->forms[i], kernels[i]);
    cg_descriptor(c, kernels);
    if (cg_is_wasm_triple(m->triple))
        export_wasm_kernels(c, kernels, ir->n_forms);
    free(kernels);
    if (c->error) {
        *err = c->error;
        c->error = NULL;
        cg_free(m);
        return NULL;
    }
    char *msg = NULL;
    if (LLVMVerifyModule(c->mod, LLVMReturnStatusAction, &msg)) {
        *err = dupmsg("internal error: invalid LLVM module", msg);
        LLVMDisposeMessage(msg);
        cg_free(m);
        return NULL;
    }
    if (msg)
        LLVMDisposeMessage(msg);
    if (o->timing)
        fprintf(stderr, "regc: %-10s %8.3f s\n", "kernels", cg_now() - t0);
    t0 = cg_now();
    if (o->opt) {
        /* The cost of LLVM's passes and back end grows with the size of
         * a function and of the module, faster than linearly with O2's
         * vectorisers on big loop bodies: default<O2> on the row loop of a
         * form of 1,000 cells took a minute. Ordinary regimes (the
         * benchmark's, every example: kernels of a few hundred
         * instructions per row, modules of a few thousand) keep O2; a
         * kernel whose row loop is a big block gets O1; a module past
         * CG_BIG_MODULE instructions (thousands of rules, already split
         * into parts of bounded size, cg_llvm_kernel.c) or a block past
         * CG_O1_MAX_BLOCK (a rule over a thousand cells) gets the light
         * pipeline and the fast instruction selector and register
         * allocator, linear in the module's size: its kernels are not
         * vectorised (a 1,000-rule form still validates 50,000 rows in
         * 0.8 s on one thread), which a form of that size, filed once per
         * unit and period, can afford. */
        unsigned long total;
        unsigned largest;
        module_size(c->mod, &total, &largest);
        unsigned long big = o->big_module > 0 ? (unsigned long)o->big_module : CG_BIG_MODULE;
        int light = total > big || largest > CG_O1_MAX_BLOCK;
        const char *pipeline = light                        ? CG_LIGHT_PIPELINE
                               : largest <= CG_O2_MAX_BLOCK ? "default<O2>"
                                                            : "default<O1>";
        if (light && make_target(m, o->triple, o->cpu, LLVMCodeGenLevelNone, err) < 0) {
            cg_free(m);
            return NULL;
        }
        LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
        LLVMPassBuilderOptionsSetLoopVectorization(po, 1);
        LLVMPassBuilderOptionsSetSLPVectorization(po, 1);
        LLVMPassBuilderOptionsSetLoopUnrolling(po, 1);
        LLVMErrorRef e = LLVMRunPasses(c->mod, pipeline, m->tm, po);
        LLVMDisposePassBuilderOptions(po);
        if (e) {
            char *em = LLVMGetErrorMessage(e);
            *err = dupmsg("optimisation failed", em);
            LLVMDisposeErrorMessage(em);
            cg_free(m);
            return NULL;
        }
        if (o->timing)
            fprintf(stderr, "regc: %-10s %8.3f s (%lu instructions, largest block %u: %s)\n", "optimise",
                    cg_now() - t0, total, largest, pipeline);
    }
    return m;
}

char *cg_print_ir(cg_module *m)
{
    char *s = LLVMPrintModuleToString(m->c.mod);
    char *r = s ? strdup(s) : NULL;
    if (s)
        LLVMDisposeMessage(s);
    return r;
}

int cg_is_host(const cg_module *m) { return m->host; }
const char *cg_triple(const cg_module *m) { return m->triple; }

int cg_emit_object(cg_module *m, const char *path, char **err)
{
    char *msg = NULL;
    *err = NULL;
    /* LLVMTargetMachineEmitToFile takes a mutable path */
    char *p = strdup(path);
    if (!p) {
        *err = dupmsg("out of memory", NULL);
        return -1;
    }
    LLVMBool bad = LLVMTargetMachineEmitToFile(m->tm, m->c.mod, p, LLVMObjectFile, &msg);
    free(p);
    if (bad) {
        *err = dupmsg("cannot write the object file", msg);
        LLVMDisposeMessage(msg);
        return -1;
    }
    if (msg)
        LLVMDisposeMessage(msg);
    return 0;
}

/* Runs argv, waits; 0 when it exited with status 0. */
static int run_argv(char *const argv[], char **err)
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0) {
        *err = dupmsg("cannot run the linker", strerror(rc));
        return -1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            *err = dupmsg("cannot wait for the linker", strerror(errno));
            return -1;
        }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        *err = dupmsg("the linker failed", argv[0]);
        return -1;
    }
    return 0;
}

/* Runs the N arguments ARGS (copied: posix_spawnp takes a non-const argv). */
static int run(const char *const *args, size_t n, char **err)
{
    char **argv = calloc(n + 1, sizeof *argv);
    if (!argv) {
        *err = dupmsg("out of memory", NULL);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        argv[i] = strdup(args[i]);
    int rc = run_argv(argv, err);
    for (size_t i = 0; i < n; i++)
        free(argv[i]);
    free(argv);
    return rc;
}

int cg_link_shared(const char *obj, const char *so, char **err)
{
    *err = NULL;
    /* The version script keeps the dynamic symbol table to the two ABI
     * symbols even for what the runtime support library (libgcc, for
     * 128-bit division) brings in. */
    size_t n = strlen(so) + 8;
    char *vs = malloc(n);
    if (!vs) {
        *err = dupmsg("out of memory", NULL);
        return -1;
    }
    snprintf(vs, n, "%s.ver", so);
    FILE *f = fopen(vs, "w");
    if (!f) {
        *err = dupmsg("cannot write", vs);
        free(vs);
        return -1;
    }
    fputs("{\n  global: regime_abi_version; regime_descriptor;\n  local: *;\n};\n", f);
    if (fclose(f) != 0) {
        *err = dupmsg("cannot write", vs);
        unlink(vs);
        free(vs);
        return -1;
    }
    const char *cc = getenv("REGC_CC");
    if (!cc || !*cc)
        cc = "cc";
    char *vsarg = malloc(strlen(vs) + 32);
    if (!vsarg) {
        unlink(vs);
        free(vs);
        *err = dupmsg("out of memory", NULL);
        return -1;
    }
    sprintf(vsarg, "-Wl,--version-script=%s", vs);
    const char *base = strrchr(so, '/');
    base = base ? base + 1 : so;
    char soname[512];
    snprintf(soname, sizeof soname, "-Wl,-soname,%s", base);
    const char *args[] = {cc, "-shared", "-nostartfiles", "-o", so, obj, vsarg, soname,
                          "-Wl,--hash-style=gnu", "-Wl,-z,noexecstack"};
    int rc = run(args, sizeof args / sizeof args[0], err);
    unlink(vs);
    free(vs);
    free(vsarg);
    return rc;
}

int cg_struct_layout(const cg_module *m, const char *name, unsigned *offsets, unsigned n_el, unsigned *size)
{
    LLVMTypeRef t = LLVMGetTypeByName2(m->c.ctx, name);
    if (!t || LLVMCountStructElementTypes(t) < n_el)
        return -1;
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(m->tm);
    for (unsigned i = 0; i < n_el; i++)
        offsets[i] = (unsigned)LLVMOffsetOfElement(td, t, i);
    *size = (unsigned)LLVMABISizeOfType(td, t);
    LLVMDisposeTargetData(td);
    return 0;
}

/* The first of `cands` that exists as a file (an absolute path) or, for a
 * bare name, is found on PATH; NULL when none is. */
static const char *first_found(const char *const *cands, int n)
{
    for (int i = 0; i < n; i++) {
        const char *c = cands[i];
        if (!c || !*c)
            continue;
        if (strchr(c, '/')) {
            if (access(c, R_OK) == 0)
                return c;
            continue;
        }
        const char *path = getenv("PATH");
        if (!path)
            continue;
        for (const char *p = path; *p;) {
            size_t k = strcspn(p, ":");
            char buf[4096];
            if (k && k + strlen(c) + 2 < sizeof buf) {
                snprintf(buf, sizeof buf, "%.*s/%s", (int)k, p, c);
                if (access(buf, X_OK) == 0)
                    return c;
            }
            p += k;
            if (*p)
                p++;
        }
    }
    return NULL;
}

int cg_link_wasm(const char *obj, const char *wasm, char **err)
{
    *err = NULL;
    const char *ld_env = getenv("REGC_WASM_LD"), *rt_env = getenv("REGC_WASM_RT");
    const char *lds[] = {ld_env, "wasm-ld-19", "/usr/lib/llvm-19/bin/wasm-ld", "wasm-ld"};
    const char *ld = ld_env && *ld_env ? ld_env : first_found(lds, 4);
    if (!ld) {
        *err = dupmsg("cannot find wasm-ld (install lld-19, or set REGC_WASM_LD)", NULL);
        return -1;
    }
    /* 128-bit division and multiplication (exact ratios, overflow checks)
     * come from compiler-rt's builtins. */
    const char *rts[] = {rt_env, "/usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a",
                         "/usr/lib/llvm-19/lib/clang/19/lib/wasm32-unknown-unknown/libclang_rt.builtins.a"};
    const char *rt = rt_env && *rt_env ? rt_env : first_found(rts, 3);
    if (!rt) {
        *err = dupmsg("cannot find the wasm32 compiler-rt builtins (install libclang-rt-19-dev-wasm32, "
                      "or set REGC_WASM_RT)",
                      NULL);
        return -1;
    }
    const char *args[] = {ld, "--no-entry", "--strip-debug", "--gc-sections", "-O2", "--export=regime_descriptor",
                          "--export=regime_abi_version", "--export=__heap_base", "--export-table",
                          "-z", "stack-size=65536", "-o", wasm, obj, rt};
    int rc = run(args, sizeof args / sizeof args[0], err);
    return rc;
}

int cg_build_so(const ir_regime *ir, const cg_opts *o, const char *so, char **err)
{
    cg_module *m = cg_compile(ir, o, err);
    if (!m)
        return -1;
    size_t n = strlen(so) + 8;
    char *obj = malloc(n);
    if (!obj) {
        cg_free(m);
        *err = dupmsg("out of memory", NULL);
        return -1;
    }
    snprintf(obj, n, "%s.o", so);
    int rc = cg_emit_object(m, obj, err);
    cg_free(m);
    if (rc == 0)
        rc = cg_link_shared(obj, so, err);
    unlink(obj);
    free(obj);
    return rc;
}

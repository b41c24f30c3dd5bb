/*
 * cg_llvm.h — IR to machine code through the LLVM C API (llvm-19).
 *
 * One LLVM module per regime: for every form the kernels validate,
 * accumulate, combine and finalize (regime.h), and the descriptor as
 * constant data. Only `regime_abi_version` and `regime_descriptor` have
 * external linkage; everything else is private, so the linked library
 * exports exactly those two symbols.
 *
 *   cg_llvm.c         target, module, verification, -O2, object, linking
 *   cg_llvm_desc.c    the descriptor as constant globals
 *   cg_llvm_kernel.c  the kernels
 *   cg_llvm_expr.c    per-row expression code shared by the kernels
 */
#ifndef CG_LLVM_H
#define CG_LLVM_H

#include "ir.h"
#include "srcloc.h"

typedef struct cg_opts {
    const char *triple;           /* NULL: the host, with its CPU and features */
    const char *source_hash;      /* sha256 hex of the sources, or NULL */
    const char *compiler_version; /* "regc 0.1.0" */
    const src_manager *sm;        /* rule sources for the descriptor; may be NULL */
    int opt;                      /* 0: no optimisation, else default<O2> */
    const char *cpu;              /* NULL: a portable baseline (x86-64-v2 on
                                     x86-64) so a library runs on every machine
                                     of the reporting units; "native": this
                                     machine's CPU and features; else a CPU name */
    int timing;                   /* print the phases' times on stderr
                                     (REGC_TIMING=1) */
    long part_nodes;              /* 0: the default size of a validate part
                                     (IR nodes of rules); tests set 1 to split
                                     every form rule by rule */
    long big_module;              /* 0: the default size (instructions)
                                     past which a module is compiled by the
                                     light pipeline; tests set 1 */
} cg_opts;

typedef struct cg_module cg_module;

/* Builds, verifies and optimises the module. NULL on failure, with a
 * malloc'd message in *err. */
cg_module *cg_compile(const ir_regime *ir, const cg_opts *o, char **err);
/* A monotonic clock in seconds, for REGC_TIMING. */
double cg_now(void);
/* The module's IR as text (free with free()). */
char *cg_print_ir(cg_module *m);
/* Writes an object file for the module's target. */
int cg_emit_object(cg_module *m, const char *path, char **err);
/* 1 when the module targets the host (an object can be linked and loaded). */
int cg_is_host(const cg_module *m);
/* 1 for wasm32-* triples: `regc build` links a .wasm module (cg_link_wasm). */
int cg_is_wasm_triple(const char *triple);
/* Byte size and element offsets of one of regime.h's structs ("rg_batch",
 * "rg_column", ...) on the module's target; n_el = elements asked for.
 * -1 when the struct is unknown or has fewer elements. */
int cg_struct_layout(const cg_module *m, const char *name, unsigned *offsets, unsigned n_el, unsigned *size);
const char *cg_triple(const cg_module *m);
/* The portable CPU used when none is asked for. */
const char *cg_default_cpu(const char *triple);
void cg_free(cg_module *m);

/* Links an object into a shared library exporting only the two ABI
 * symbols (a version script), with the system compiler driver. */
int cg_link_shared(const char *obj, const char *so, char **err);

/* Links a wasm32 object into a WebAssembly module with wasm-ld (REGC_WASM_LD,
 * else wasm-ld-19, else wasm-ld) and the wasm32 compiler-rt builtins
 * (REGC_WASM_RT, else the Debian libclang-rt-19-dev-wasm32 archive), no
 * entry point, exporting the memory, the two ABI symbols, __heap_base and the
 * rg_<kernel>_<form> functions. */
int cg_link_wasm(const char *obj, const char *wasm, char **err);

/* Convenience for tests and the differential driver: compile `ir` for the
 * host and link it to `so`. */
int cg_build_so(const ir_regime *ir, const cg_opts *o, const char *so, char **err);

#endif

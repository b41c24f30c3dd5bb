/*
 * emit_webjson.h — DIR/<regime>.wasm.json: what a web page needs beside the
 * WebAssembly module to call its kernels (docs/CODEGEN.md, "WebAssembly"):
 * the batch layout on wasm32, the exported kernel names, and the form
 * schema (fields with types, scales, labels, hints and code lists; rules
 * with their messages).
 */
#ifndef EMIT_WEBJSON_H
#define EMIT_WEBJSON_H

#include "cg_llvm.h"
#include "ir.h"

typedef struct webjson_layout {
    unsigned ptr_size;
    unsigned column_size, column_off[5]; /* v, str, len, present, malformed */
    unsigned batch_size, batch_off[9];   /* n_rows, cols, prev, well_formed, other, children,
                                            prev_rows, children_rows, other_rows */
} webjson_layout;

/* The layout of rg_column and rg_batch on m's target; -1 if unknown. */
int webjson_layout_of(const cg_module *m, webjson_layout *l);
/* Writes the JSON to path; -1 with errno on failure. */
int emit_webjson(const ir_regime *ir, const char *version, const webjson_layout *l, const char *path);

#endif

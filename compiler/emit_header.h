/* emit_header.h — DIR/<regime>.h: the indexes a C host needs (columns,
 * rules, outputs, accumulator words) as macros beside regime.h. */
#ifndef EMIT_HEADER_H
#define EMIT_HEADER_H

#include "ir.h"

/* Writes the header to `path`; 0, or -1 with errno set. */
int emit_header(const ir_regime *ir, const char *version, const char *path);

#endif

/* manifest.h — DIR/manifest.json and the hash of a compilation's sources. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include "driver.h"

/* sha256 over every source file the compilation read (specs, imports,
 * code-list CSVs), in load order: for each, its base name, a NUL, the hex
 * digest of its bytes and a newline. Paths are left out so the hash (and
 * the library) does not depend on where the sources sit. */
void manifest_source_hash(const compile_ctx *c, char hex[65]);

typedef struct manifest_info {
    const char *regime, *version, *source_hash, *triple, *cpu;
    const char *dir;
    const char *units; /* the tiers' default units file (as resolved), or NULL */
    const char **outputs; /* files under dir to list with their sha256 */
    int n_outputs;
} manifest_info;

/* Writes dir/manifest.json; no timestamps, so it is reproducible. */
int manifest_write(const compile_ctx *c, const manifest_info *m);

#endif

/* manifest.h — DIR/manifest.json and the hash of a compilation's sources. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include "driver.h"

/* sha256 over every source file the compilation read (specs, imports,
 * code-list CSVs), in load order: for each, its base name, a NUL, the hex
 * digest of its bytes and a newline. Paths are left out so the hash (and
 * the library) does not depend on where the sources sit. */
void manifest_source_hash(const compile_ctx *c, char hex[65]);

struct rt_keyfile;

typedef struct manifest_info {
    const char *regime, *version, *source_hash, *triple, *cpu;
    const char *dir;
    const char *units; /* the copy of the tiers' units file, relative to dir, or NULL */
    const struct rt_keyfile *key; /* sign with it, or NULL */
} manifest_info;

/* Writes dir/manifest.json: what was built, from what, by what, and every
 * file under dir with its size and sha256 (sign.h); with a key, also the
 * signer's id and dir/manifest.sig. No timestamps: reproducible. 0, or -1
 * with the reason in why. */
int manifest_write(const compile_ctx *c, const manifest_info *m, char *why, size_t whyn);

#endif

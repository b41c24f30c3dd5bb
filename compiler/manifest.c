/* manifest.c — the build manifest: what was built, from what, by what. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "regime.h"
#include "sha256.h"
#include "sign.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

void manifest_source_hash(const compile_ctx *c, char hex[65])
{
    sha256_ctx h;
    unsigned char d[32];
    sha256_init(&h);
    for (int i = 0; i < c->sm.n; i++) {
        const src_file *f = src_get(&c->sm, i);
        char fh[65];
        sha256_hex(f->text, f->len, fh);
        const char *b = base_name(f->path);
        sha256_update(&h, b, strlen(b) + 1);
        sha256_update(&h, fh, 64);
        sha256_update(&h, "\n", 1);
    }
    sha256_final(&h, d);
    sha256_to_hex(d, hex);
}

int manifest_write(const compile_ctx *c, const manifest_info *m, char *why, size_t whyn)
{
    char *head = NULL;
    size_t hlen = 0;
    FILE *f = open_memstream(&head, &hlen);
    if (!f) {
        snprintf(why, whyn, "out of memory");
        return -1;
    }
    /* the members are separated by ",\n  " exactly: `regc sign` keeps them
     * as text and joins them the same way, so that build --sign and build
     * then sign give the same bytes */
    fputs("\"regime\": ", f);
    json_write_string(f, m->regime ? m->regime : "");
    fputs(",\n  \"version\": ", f);
    json_write_string(f, m->version ? m->version : "");
    fprintf(f, ",\n  \"abi_version\": %u,\n  \"compiler\": ", REGIME_ABI_VERSION);
    json_write_string(f, "regc " REGIME_VERSION);
    fputs(",\n  \"llvm\": \"19\",\n  \"target\": ", f);
    json_write_string(f, m->triple ? m->triple : "");
    fputs(",\n  \"cpu\": ", f);
    json_write_string(f, m->cpu ? m->cpu : "generic");
    fputs(",\n  \"source_sha256\": ", f);
    json_write_string(f, m->source_hash);
    if (m->units) {
        /* The tiers' `units "..."` file, copied into the build: regrt's
         * default --units, relative to the manifest's folder. */
        fputs(",\n  \"units_file\": ", f);
        json_write_string(f, m->units);
    }
    fputs(",\n  \"sources\": [", f);
    for (int i = 0; i < c->sm.n; i++) {
        const src_file *s = src_get(&c->sm, i);
        char fh[65];
        sha256_hex(s->text, s->len, fh);
        fputs(i ? ",\n    {\"file\": " : "\n    {\"file\": ", f);
        json_write_string(f, base_name(s->path));
        fputs(", \"sha256\": ", f);
        json_write_string(f, fh);
        fputs("}", f);
    }
    fputs(c->sm.n ? "\n  ]" : "]", f);
    if (fclose(f) != 0 || !head) {
        free(head);
        snprintf(why, whyn, "out of memory");
        return -1;
    }
    int rc = sign_publish(m->dir, head, m->key, why, whyn);
    free(head);
    return rc;
}

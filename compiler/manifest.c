/* manifest.c — the build manifest: what was built, from what, by what. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"
#include "regime.h"
#include "sha256.h"

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

int manifest_write(const compile_ctx *c, const manifest_info *m)
{
    size_t n = strlen(m->dir) + 32;
    char *path = malloc(n);
    if (!path)
        return -1;
    /* written beside, then renamed: an interrupted build leaves the old
     * manifest or the new one, never half of one */
    snprintf(path, n, "%s/.manifest.json.tmp", m->dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(path);
        return -1;
    }
    fputs("{\n  \"regime\": ", f);
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
        /* The tiers' `units "..."` file: regrt's default --units. Its full
         * path, since the runtime has no spec folder to resolve it from. */
        char *real = realpath(m->units, NULL);
        fputs(",\n  \"units_file\": ", f);
        json_write_string(f, real ? real : m->units);
        free(real);
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
    fputs("\n  ],\n  \"outputs\": [", f);
    for (int i = 0; i < m->n_outputs; i++) {
        size_t k = strlen(m->dir) + strlen(m->outputs[i]) + 2;
        char *p = malloc(k);
        char fh[65] = "";
        if (p) {
            snprintf(p, k, "%s/%s", m->dir, m->outputs[i]);
            if (sha256_file_hex(p, fh) < 0)
                fh[0] = '\0';
            free(p);
        }
        fputs(i ? ",\n    {\"file\": " : "\n    {\"file\": ", f);
        json_write_string(f, m->outputs[i]);
        fputs(", \"sha256\": ", f);
        json_write_string(f, fh);
        fputs("}", f);
    }
    fputs("\n  ]\n}\n", f);
    int bad = ferror(f) != 0;
    bad |= fclose(f) != 0;
    char *final = malloc(n);
    if (final)
        snprintf(final, n, "%s/manifest.json", m->dir);
    if (bad || !final || rename(path, final) != 0) {
        unlink(path);
        bad = 1;
    }
    free(final);
    free(path);
    return bad ? -1 : 0;
}

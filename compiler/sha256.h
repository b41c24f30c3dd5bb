/* sha256.h — SHA-256 (FIPS 180-4), for the manifest and the source hash. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t len;       /* bytes hashed so far */
    unsigned char buf[64];
    size_t n;           /* bytes in buf */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* Hex digest of a buffer; hex must hold 65 bytes. */
void sha256_hex(const void *data, size_t len, char hex[65]);
void sha256_to_hex(const unsigned char d[32], char hex[65]);
/* Hex digest of a file; 0, or -1 when it cannot be read. */
int sha256_file_hex(const char *path, char hex[65]);

#endif

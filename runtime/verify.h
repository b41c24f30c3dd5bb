/*
 * verify.h — signed regime artifacts (docs/DISTRIBUTION.md): the parsers of
 * manifest.json, manifest.sig and key files, shared by regc (keygen, sign,
 * build --sign) and the runtime, and the check that runs before dlopen.
 */
#ifndef RT_VERIFY_H
#define RT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#define RT_KEYID_LEN 16           /* hex digits of a key id */
#define RT_MANIFEST_MAX (16u << 20) /* bytes; a manifest is a few KB */
#define RT_SIG_NAME "manifest.sig"
#define RT_MANIFEST_NAME "manifest.json"

/* One file of an artifact, as the manifest lists it. */
typedef struct rt_mfile {
    char *name; /* relative to the artifact folder, '/'-separated */
    uint64_t size;
    unsigned char sha256[32];
} rt_mfile;

/* A top-level member of the manifest other than "files" and "signer", as
 * raw text ("key": value), kept so that `regc sign` rewrites the file list
 * and the signer without touching what `regc build` wrote. */
typedef struct rt_mspan {
    size_t off, len;
} rt_mspan;

typedef struct rt_manifest {
    rt_mfile *files;
    size_t n_files;
    int has_files;          /* a "files" member was present */
    char signer[RT_KEYID_LEN + 1]; /* "" when absent */
    char *regime, *version, *compiler; /* NULL when absent */
    long long abi;          /* "abi_version", -1 when absent */
    rt_mspan *keep;
    size_t n_keep;
} rt_manifest;

/* Strict: JSON of the manifest's shape (an object; "files" an array of
 * {"file", "size", "sha256"}; safe relative names, no duplicates), at most
 * RT_MANIFEST_MAX bytes. 0, or -1 with the reason in why. */
int rt_manifest_parse(const char *buf, size_t len, rt_manifest *m, char *why, size_t whyn);
void rt_manifest_free(rt_manifest *m);
/* The entry of that name, or NULL. */
const rt_mfile *rt_manifest_find(const rt_manifest *m, const char *name);

/* manifest.sig: "regime-signature 1", "signer ID", "ed25519 HEX(64 bytes)". */
typedef struct rt_sigfile {
    char signer[RT_KEYID_LEN + 1];
    unsigned char sig[64];
} rt_sigfile;
int rt_sigfile_parse(const char *buf, size_t len, rt_sigfile *s, char *why, size_t whyn);

/* KEY.pub: "regime-public-key 1", "id ID", "ed25519 HEX(32)", optional
 * "comment TEXT". KEY.key: "regime-secret-key 1", "id ID", "ed25519 HEX(64)"
 * (libsodium's secret key: seed then public key), optional comment. The id
 * must be the key's own (rt_key_id). */
typedef struct rt_keyfile {
    int secret;
    char id[RT_KEYID_LEN + 1];
    unsigned char pk[32];
    unsigned char sk[64]; /* secret keys only */
    char comment[128];
} rt_keyfile;
int rt_keyfile_parse(const char *buf, size_t len, rt_keyfile *k, char *why, size_t whyn);

/* The key id: the first 8 bytes of sha256(public key), in hex. */
void rt_key_id(const unsigned char pk[32], char id[RT_KEYID_LEN + 1]);
void rt_hex(const unsigned char *b, size_t n, char *out); /* out: 2n+1 */

/* Reads a whole regular file of at most max bytes: 0, or -1 with errno
 * (EFBIG when larger). *buf is NUL-terminated; the caller frees it. */
int rt_read_file(const char *path, size_t max, char **buf, size_t *len);

/* Is the library in that folder allowed to load, and with what bytes?
 * Checks manifest.sig against the trust store, then every file the manifest
 * lists (size, then sha256), that forms/ holds nothing unlisted, and the
 * manifest's ABI, without running any of the library's code. On success
 * *so (the library's bytes, exactly those hashed) and signer ("" when
 * loaded unsigned) are set. */
typedef struct rt_verified {
    char *so;
    size_t so_len;
    char signer[RT_KEYID_LEN + 1];
    char *signer_key; /* the trusted key file that verified it, or NULL */
} rt_verified;
struct rt_error;
int rt_verify_artifact(const char *dir, const char *so_name, rt_verified *v, struct rt_error *err);
void rt_verified_free(rt_verified *v);

#endif

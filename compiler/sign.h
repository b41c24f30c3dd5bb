/* sign.h — signing a regime artifact (docs/DISTRIBUTION.md): the file list
 * of the manifest, the detached Ed25519 signature, the signing key. */
#ifndef SIGN_H
#define SIGN_H

#include <stddef.h>

#include "verify.h"

/* Loads a secret key file (`regc keygen`); refuses one that others may read.
 * 0, or -1 with the reason in why. */
int sign_load_key(const char *path, rt_keyfile *k, char *why, size_t whyn);

/* The key named by --sign/--key, else $REGIME_SIGNING_KEY, else NULL. */
const char *sign_key_path(const char *explicit_path);

/* Writes DIR/manifest.json, made of head (top-level members, as text, without
 * the braces; may be NULL), the list of every file under DIR with its size
 * and sha256, and, when key, the signer's id; then DIR/manifest.sig over
 * those bytes (or removes a stale one when unsigned). Both are written
 * beside and renamed. Deterministic: Ed25519 signatures are too. */
int sign_publish(const char *dir, const char *head, const rt_keyfile *key, char *why, size_t whyn);

#endif

/*
 * fuzz_manifest.c — libFuzzer harness of the parsers that read signed regime
 * artifacts before anything of them is loaded (runtime/verify.c): the
 * manifest's JSON, manifest.sig and public/secret key files. Each input goes
 * through all three. Besides memory errors (ASan, UBSan), it checks what the
 * loader relies on: an accepted manifest lists each file once, sorted, under
 * a safe relative name; its kept members are in bounds and, joined as
 * `regc sign` joins them, parse again to the same file list.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_manifest: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    char why[512];
    rt_manifest m;
    if (rt_manifest_parse(buf, size, &m, why, sizeof why) == 0) {
        for (size_t i = 0; i < m.n_files; i++) {
            const char *n = m.files[i].name;
            check(n && *n && n[0] != '/', "name");
            size_t l = strlen(n);
            check(strcmp(n, "..") && strcmp(n, ".") && strncmp(n, "../", 3) && strncmp(n, "./", 2) &&
                      !strstr(n, "/../") && !strstr(n, "/./") && !(l >= 3 && !strcmp(n + l - 3, "/..")) &&
                      !(l >= 2 && !strcmp(n + l - 2, "/.")),
                  "a name leaves the folder");
            check(strcmp(n, "manifest.json") && strcmp(n, "manifest.sig"), "the manifest lists itself");
            check(!strstr(n, "//") && n[strlen(n) - 1] != '/', "empty path component");
            if (i) check(strcmp(m.files[i - 1].name, n) < 0, "not sorted or not unique");
            check(rt_manifest_find(&m, n) == &m.files[i], "find");
        }
        /* what `regc sign` rewrites: the kept members joined by ",\n  " */
        rt_buf t = {0};
        rt_buf_str(&t, "{\n  ");
        for (size_t i = 0; i < m.n_keep; i++) {
            check(m.keep[i].off + m.keep[i].len <= size, "kept member out of bounds");
            if (i) rt_buf_str(&t, ",\n  ");
            rt_buf_put(&t, buf + m.keep[i].off, m.keep[i].len);
        }
        rt_buf_str(&t, "\n}\n");
        rt_manifest m2;
        check(rt_manifest_parse(t.p, t.n, &m2, why, sizeof why) == 0, "kept members do not parse again");
        check(m2.n_keep == m.n_keep && m2.n_files == 0, "kept members changed");
        rt_manifest_free(&m2);
        rt_buf_free(&t);
        rt_manifest_free(&m);
    } else {
        check(why[0] != 0, "refused without a reason");
    }
    rt_sigfile s;
    if (rt_sigfile_parse(buf, size, &s, why, sizeof why) == 0)
        check(strlen(s.signer) == RT_KEYID_LEN, "signer id length");
    else
        check(why[0] != 0, "signature refused without a reason");
    rt_keyfile k;
    if (rt_keyfile_parse(buf, size, &k, why, sizeof why) == 0) {
        char id[RT_KEYID_LEN + 1];
        rt_key_id(k.pk, id);
        check(!strcmp(id, k.id), "key id does not match the key");
    } else {
        check(why[0] != 0, "key refused without a reason");
    }
    return 0;
}

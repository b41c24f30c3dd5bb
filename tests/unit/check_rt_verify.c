/* Unit tests of the parsers of signed artifacts (runtime/verify.c): the
 * manifest's JSON, manifest.sig and key files; what each accepts and how it
 * refuses the inputs that would let a manifest name a file outside its
 * folder or say two things at once. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "rt.h"
#include "verify.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int parse(const char *text, rt_manifest *m, char *why)
{
    return rt_manifest_parse(text, strlen(text), m, why, 256);
}

/* A manifest with one file of that name. */
static int one_file(const char *name, char *why)
{
    char text[1024];
    rt_manifest m;
    snprintf(text, sizeof text, "{\"files\": [{\"file\": \"%s\", \"size\": 1, \"sha256\": \"" H64 "\"}]}", name);
    int rc = parse(text, &m, why);
    if (!rc) rt_manifest_free(&m);
    return rc;
}

START_TEST(manifest_accepted)
{
    char why[256];
    rt_manifest m;
    const char *text = "{\n  \"regime\": \"tthc\",\n  \"version\": \"1.0.0\",\n  \"abi_version\": 3,\n"
                       "  \"sources\": [{\"file\": \"a.regime\", \"sha256\": \"x\"}],\n"
                       "  \"extra\": {\"n\": [1, -2.5e3, true, false, null, \"\\u00e9\"]},\n"
                       "  \"files\": [\n"
                       "    {\"file\": \"tthc.so\", \"size\": 50688, \"sha256\": \"" H64 "\"},\n"
                       "    {\"sha256\": \"" H64 "\", \"file\": \"forms/a b.xsd\", \"size\": 0}\n"
                       "  ],\n  \"signer\": \"0123456789abcdef\"\n}\n";
    ck_assert_int_eq(parse(text, &m, why), 0);
    ck_assert_str_eq(m.regime, "tthc");
    ck_assert_str_eq(m.version, "1.0.0");
    ck_assert_int_eq(m.abi, 3);
    ck_assert_str_eq(m.signer, "0123456789abcdef");
    ck_assert_uint_eq(m.n_files, 2);
    ck_assert_str_eq(m.files[0].name, "forms/a b.xsd"); /* sorted */
    ck_assert_uint_eq(rt_manifest_find(&m, "tthc.so")->size, 50688);
    ck_assert_ptr_null(rt_manifest_find(&m, "tthc.h"));
    /* kept: everything but files and signer, as written */
    ck_assert_uint_eq(m.n_keep, 5);
    ck_assert_int_eq(strncmp(text + m.keep[0].off, "\"regime\": \"tthc\"", m.keep[0].len), 0);
    ck_assert_uint_eq(m.keep[0].len, strlen("\"regime\": \"tthc\""));
    rt_manifest_free(&m);
}
END_TEST

START_TEST(manifest_names_stay_inside)
{
    char why[256];
    ck_assert_int_eq(one_file("tthc.so", why), 0);
    ck_assert_int_eq(one_file("forms/bieu06.xsd", why), 0);
    ck_assert_int_eq(one_file("..x", why), 0); /* a name, not a parent */
    static const char *bad[] = {"../etc/passwd", "forms/../../x", "/etc/passwd", "a//b", "a/", "./a", "a/.",
                                "..", "", "a\\\\b", "manifest.json", "manifest.sig", "a\\u0001b"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = 0;
        ck_assert_msg(one_file(bad[i], why) != 0, "accepted %s", bad[i]);
        ck_assert_msg(why[0] != 0, "no reason for %s", bad[i]);
    }
}
END_TEST

START_TEST(manifest_refused)
{
    char why[256];
    rt_manifest m;
    static const char *bad[] = {
        "",
        "[]",
        "{\"files\": [], \"files\": []}",                            /* member twice */
        "{\"signer\": \"0123\"}",                                    /* not a key id */
        "{\"signer\": \"0123456789ABCDEF\"}",                        /* upper case */
        "{\"files\": [{\"file\": \"a\", \"size\": 1}]}",             /* no sha256 */
        "{\"files\": [{\"file\": \"a\", \"size\": 1, \"sha256\": \"" H64 "\", \"x\": 1}]}",
        "{\"files\": [{\"file\": \"a\", \"size\": -1, \"sha256\": \"" H64 "\"}]}",
        "{\"files\": [{\"file\": \"a\", \"size\": 1.5, \"sha256\": \"" H64 "\"}]}",
        "{\"files\": [{\"file\": \"a\", \"size\": 99999999999999999999, \"sha256\": \"" H64 "\"}]}",
        "{\"files\": [{\"file\": \"a\", \"size\": 01, \"sha256\": \"" H64 "\"}]}",
        "{\"files\": [{\"file\": \"a\", \"size\": 1, \"sha256\": \"" H64 "0\"}]}",
        "{\"files\": [{\"file\": \"a\", \"size\": 1, \"sha256\": \"" H64 "\"},"
        " {\"file\": \"a\", \"size\": 2, \"sha256\": \"" H64 "\"}]}", /* listed twice */
        "{\"a\": 1} {}",                                              /* trailing text */
        "{\"a\": \"x\ny\"}",                                          /* raw control character */
        "{\"a\": \"\\u0000\"}",
        "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
        "{\"a\": tru}",
        "{\"a\": 1,}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = 0;
        ck_assert_msg(parse(bad[i], &m, why) != 0, "accepted %s", bad[i]);
        ck_assert_msg(why[0] != 0, "no reason for %s", bad[i]);
    }
    const char nul[] = "{\"a\": 1}\0";
    ck_assert_int_ne(rt_manifest_parse(nul, sizeof nul - 1, &m, why, sizeof why), 0);
}
END_TEST

START_TEST(signature_and_keys)
{
    char why[256], text[512], hex[129];
    rt_sigfile s;
    snprintf(text, sizeof text, "regime-signature 1\nsigner 0123456789abcdef\ned25519 %s%s\n", H64, H64);
    ck_assert_int_eq(rt_sigfile_parse(text, strlen(text), &s, why, sizeof why), 0);
    ck_assert_str_eq(s.signer, "0123456789abcdef");
    snprintf(text, sizeof text, "regime-signature 1\nsigner 0123456789abcdef\ned25519 %s\n", H64);
    ck_assert_int_ne(rt_sigfile_parse(text, strlen(text), &s, why, sizeof why), 0); /* 32 bytes */
    snprintf(text, sizeof text, "regime-signature 2\nsigner 0123456789abcdef\ned25519 %s%s\n", H64, H64);
    ck_assert_int_ne(rt_sigfile_parse(text, strlen(text), &s, why, sizeof why), 0);
    snprintf(text, sizeof text, "regime-signature 1\nsigner 0123456789abcdef\nsigner 0123456789abcdef\n");
    ck_assert_int_ne(rt_sigfile_parse(text, strlen(text), &s, why, sizeof why), 0);

    /* a real key: the id must be its own */
    ck_assert_int_ge(sodium_init(), 0);
    unsigned char pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    char id[17], pkhex[65];
    rt_key_id(pk, id);
    rt_hex(pk, 32, pkhex);
    rt_keyfile k;
    snprintf(text, sizeof text, "regime-public-key 1\nid %s\ned25519 %s\ncomment an office\n", id, pkhex);
    ck_assert_int_eq(rt_keyfile_parse(text, strlen(text), &k, why, sizeof why), 0);
    ck_assert_int_eq(k.secret, 0);
    ck_assert_str_eq(k.comment, "an office");
    snprintf(text, sizeof text, "regime-public-key 1\nid 0000000000000000\ned25519 %s\n", pkhex);
    ck_assert_int_ne(rt_keyfile_parse(text, strlen(text), &k, why, sizeof why), 0);
    ck_assert_ptr_nonnull(strstr(why, "not the id of this key"));
    rt_hex(sk, 64, hex);
    snprintf(text, sizeof text, "regime-secret-key 1\nid %s\ned25519 %s\n", id, hex);
    ck_assert_int_eq(rt_keyfile_parse(text, strlen(text), &k, why, sizeof why), 0);
    ck_assert_int_eq(k.secret, 1);
    ck_assert_int_eq(memcmp(k.pk, pk, 32), 0);
    hex[127] = hex[127] == '0' ? '1' : '0'; /* the embedded public key no longer matches the seed */
    snprintf(text, sizeof text, "regime-secret-key 1\nid %s\ned25519 %s\n", id, hex);
    ck_assert_int_ne(rt_keyfile_parse(text, strlen(text), &k, why, sizeof why), 0);
    sodium_memzero(sk, sizeof sk);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rt_verify");
    TCase *t = tcase_create("core");
    tcase_add_test(t, manifest_accepted);
    tcase_add_test(t, manifest_names_stay_inside);
    tcase_add_test(t, manifest_refused);
    tcase_add_test(t, signature_and_keys);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

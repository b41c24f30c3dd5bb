/* Unit tests of the reporting server's pieces (server/): the form list's
 * MD5, the store layer on SQLite (parameters, bytes, transactions), the
 * Argon2id hashes, the OpenRosaResponse envelope. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "srv.h"

static const char *md5_of(const char *data, size_t n)
{
    static char out[33];
    char path[] = "/tmp/check_srv_md5_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq((int)write(fd, data, n), (int)n);
    close(fd);
    ck_assert_int_eq(srv_md5_file(path, out), 0);
    unlink(path);
    return out;
}

START_TEST(md5_vectors)
{
    ck_assert_str_eq(md5_of("", 0), "d41d8cd98f00b204e9800998ecf8427e");
    ck_assert_str_eq(md5_of("abc", 3), "900150983cd24fb0d6963f7d28e17f72");
    const char *fox = "The quick brown fox jumps over the lazy dog";
    ck_assert_str_eq(md5_of(fox, strlen(fox)), "9e107d9d372bb6826bd81d3542a419d6");
    /* more than one read buffer, and the 55/56/64-byte padding edges */
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    ck_assert_str_eq(md5_of(a, 1000000), "7707d6ae4e027c70eea2a935c2296f21");
    free(a);
    char out[33];
    ck_assert_int_eq(srv_md5_file("/nonexistent/form.xml", out), -1);
}
END_TEST

START_TEST(store_sqlite_roundtrip)
{
    rt_error err;
    memset(&err, 0, sizeof err);
    srv_db *db = srv_db_open("sqlite::memory:", &err);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(srv_db_is_pg(db), 0);
    ck_assert_int_eq(srv_schema(db, &err), 0);
    ck_assert_int_eq(srv_schema(db, &err), 0); /* idempotent */
    /* bytes with NUL and high bytes survive; values only ever as parameters */
    const char blob[] = {'<', 0, '\xff', '\'', ';', '>'};
    srv_param p[8] = {{"1", (size_t)-1, 0},        {"x'); DROP TABLE submission; --", (size_t)-1, 0},
                      {"h", (size_t)-1, 0},        {"r", (size_t)-1, 0},
                      {"f", (size_t)-1, 0},        {"u", (size_t)-1, 0},
                      {"2025-01", (size_t)-1, 0},  {blob, sizeof blob, 1}};
    ck_assert_int_eq(srv_db_begin(db, &err), 0);
    ck_assert_int_eq(srv_db_exec(db,
                                 "INSERT INTO submission (seq, instance_id, sha256, regime, form, unit, period, account, "
                                 "received, status, is_current, errors, warnings, messages, xml) VALUES ($1, $2, $3, $4, "
                                 "$5, $6, $7, 'a', 'now', 'accepted', 1, 0, 0, '', $8)",
                                 p, 8, NULL, &err),
                     0);
    ck_assert_int_eq(srv_db_commit(db, &err), 0);
    srv_rows rows;
    ck_assert_int_eq(srv_db_exec(db, "SELECT instance_id, xml, NULL FROM submission WHERE seq = $1", p, 1, &rows, &err), 0);
    ck_assert_uint_eq(rows.n_rows, 1);
    ck_assert_str_eq(srv_cell(&rows, 0, 0), "x'); DROP TABLE submission; --");
    ck_assert_uint_eq(rows.len[1], sizeof blob);
    ck_assert_int_eq(memcmp(rows.v[1], blob, sizeof blob), 0);
    ck_assert_ptr_null(rows.v[2]);
    ck_assert_str_eq(srv_cell(&rows, 0, 2), "");
    srv_rows_free(&rows);
    /* a rolled-back transaction leaves nothing */
    srv_param q[1] = {{"2", (size_t)-1, 0}};
    ck_assert_int_eq(srv_db_begin(db, &err), 0);
    ck_assert_int_eq(srv_db_exec(db, "INSERT INTO audit (seq, at, account, action, detail) VALUES ($1, 'a', 'b', 'c', 'd')",
                                 q, 1, NULL, &err),
                     0);
    srv_db_rollback(db);
    ck_assert_int_eq(srv_db_exec(db, "SELECT COUNT(*) FROM audit", NULL, 0, &rows, &err), 0);
    ck_assert_str_eq(srv_cell(&rows, 0, 0), "0");
    srv_rows_free(&rows);
    /* a broken statement is an error with the store's message, not a crash */
    ck_assert_int_eq(srv_db_exec(db, "SELECT nope FROM nowhere", NULL, 0, &rows, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "nowhere"));
    srv_db_close(db);
}
END_TEST

START_TEST(store_full)
{
    /* a store that cannot grow says so (the server answers 503) */
    rt_error err;
    memset(&err, 0, sizeof err);
    char path[] = "/tmp/check_srv_full_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    srv_db *db = srv_db_open(path, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(srv_schema(db, &err), 0);
    srv_rows rows;
    ck_assert_int_eq(srv_db_exec(db, "PRAGMA page_count", NULL, 0, &rows, &err), 0);
    char q[64];
    snprintf(q, sizeof q, "PRAGMA max_page_count = %s", srv_cell(&rows, 0, 0));
    srv_rows_free(&rows);
    ck_assert_int_eq(srv_db_exec(db, q, NULL, 0, NULL, &err), 0);
    char *big = malloc(100000);
    memset(big, 'x', 100000);
    srv_param p[2] = {{"1", (size_t)-1, 0}, {big, 100000, 0}};
    ck_assert_int_eq(srv_db_begin(db, &err), 0);
    ck_assert_int_eq(srv_db_exec(db, "INSERT INTO audit (seq, at, account, action, detail) VALUES ($1, 'a', 'b', 'c', $2)",
                                 p, 2, NULL, &err),
                     -1);
    ck_assert_int_eq(srv_db_full(db), 1);
    srv_db_rollback(db);
    ck_assert_int_eq(srv_db_full(db), 1);
    free(big);
    srv_db_close(db);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}
END_TEST

START_TEST(argon2id_hashes)
{
    ck_assert_int_ge(sodium_init(), 0);
    char h[128];
    ck_assert_int_eq(srv_hash_password("mật khẩu", -1, h), 0);
    ck_assert_int_eq(strncmp(h, "$argon2id$", 10), 0);
    ck_assert_int_eq(crypto_pwhash_str_verify(h, "mật khẩu", strlen("mật khẩu")), 0);
    ck_assert_int_ne(crypto_pwhash_str_verify(h, "mat khau", 8), 0);
    char h2[128];
    ck_assert_int_eq(srv_hash_password("mật khẩu", -1, h2), 0);
    ck_assert_str_ne(h, h2); /* salted */
    ck_assert_int_eq(srv_hash_password("x", 0, h), 0);
    ck_assert_ptr_nonnull(strstr(h, "m=19456,t=2"));
}
END_TEST

START_TEST(openrosa_envelope)
{
    srv_resp o;
    memset(&o, 0, sizeof o);
    srv_openrosa_body(&o, "error", "first <line> & \"quoted\"\n\nsecond");
    rt_buf_ch(&o.body, 0);
    ck_assert_str_eq(o.body.p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">\n"
                               "  <message nature=\"error\">first &lt;line&gt; &amp; &quot;quoted&quot;</message>\n"
                               "  <message nature=\"error\">second</message>\n"
                               "</OpenRosaResponse>\n");
    ck_assert_str_eq(o.ctype, "text/xml; charset=utf-8");
    rt_buf_free(&o.body);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("srv");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, md5_vectors);
    tcase_add_test(tc, store_sqlite_roundtrip);
    tcase_add_test(tc, store_full);
    tcase_add_test(tc, argon2id_hashes);
    tcase_add_test(tc, openrosa_envelope);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

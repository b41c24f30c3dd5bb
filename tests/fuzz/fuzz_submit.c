/*
 * fuzz_submit.c — libFuzzer harness for the submission path of `regrt
 * serve`: one input is the body of a POST /submission, sent as
 * multipart/form-data (boundary "BOUNDARY") over a real loopback connection
 * to a server running in this process (server/ compiled with the
 * sanitizers; the store is an in-memory SQLite database). So one input goes
 * through libmicrohttpd's multipart parser, the xml_submission_file
 * extraction, the root-element sniffing, the spooled document's scan
 * (hostile-XML guards, XSD, kernels, report), the keys' extraction, the
 * store's transaction and the OpenRosaResponse.
 *
 * Checked besides the sanitizers: every input gets an HTTP answer, with one
 * of the submission API's status codes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <sodium.h>

#include "srv.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static srv S;
static srv_config C;
static struct MHD_Daemon *D;
static int ready;
static unsigned long runs;

static char spool[128];
static void drop_spool(void) { rmdir(spool); }

static void setup(void)
{
    rt_set_quiet(1);
    /* the library is signed with the development key (Makefile) */
    rt_trust_configure(FUZZ_ROOT "/build/devkey/trusted", 0);
    if (sodium_init() < 0) abort();
    snprintf(spool, sizeof spool, "%s/regime-fuzz-submit-%ld", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
             (long)getpid());
    mkdir(spool, 0700);
    atexit(drop_spool);
    memset(&C, 0, sizeof C);
    C.regimes = FUZZ_ROOT "/build/fuzz/lib/tthc";
    C.units_all = FUZZ_ROOT "/tests/fixtures/edge_units.csv";
    C.store = ":memory:";
    C.spool = spool;
    C.bind = "127.0.0.1";
    C.port = 0;
    C.threads = 1;
    C.max_body = 1u << 20;
    C.realm = "Regime";
    C.argv0 = FUZZ_ROOT "/build/bin/regrt";
    rt_error err;
    memset(&err, 0, sizeof err);
    if (srv_open(&S, &C, &err)) {
        fprintf(stderr, "fuzz_submit: %s\n", err.msg);
        abort();
    }
    char hash[128];
    if (srv_hash_password("b", -1, hash)) abort();
    srv_param p[2] = {{"a", (size_t)-1, 0}, {hash, (size_t)-1, 0}};
    if (srv_db_exec(S.db,
                    "INSERT INTO account (name, hash, role, unit, rate, disabled, created) VALUES ($1, $2, 'admin', '', "
                    "0, 0, 'now')",
                    p, 2, NULL, &err))
        abort();
    D = srv_listen(&S, &C, &err);
    if (!D) {
        fprintf(stderr, "fuzz_submit: %s\n", err.msg);
        abort();
    }
    ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) setup();
    if (++runs % 2000 == 0) {
        /* the store grows with every input: start again now and then */
        rt_error err;
        srv_lock(&S);
        srv_db_exec(S.db, "DELETE FROM submission", NULL, 0, NULL, &err);
        srv_db_exec(S.db, "DELETE FROM audit", NULL, 0, NULL, &err);
        srv_unlock(&S);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) abort();
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)S.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* libFuzzer's timer (SIGALRM) interrupts system calls: retried */
    int rc;
    while ((rc = connect(fd, (struct sockaddr *)&sa, sizeof sa)) && errno == EINTR) {
    }
    if (rc && errno != EISCONN) abort();
    char head[512];
    int hn = snprintf(head, sizeof head,
                      "POST /submission HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Basic YTpi\r\n"
                      "X-OpenRosa-Version: 1.0\r\nContent-Type: multipart/form-data; boundary=BOUNDARY\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      size);
    ssize_t k;
    size_t off = 0;
    while (off < (size_t)hn) {
        k = send(fd, head + off, (size_t)hn - off, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) abort();
        off += (size_t)k;
    }
    off = 0;
    while (off < size) {
        k = send(fd, data + off, size - off, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break; /* the server may answer early (413) and close */
        off += (size_t)k;
    }
    char resp[4096];
    size_t n = 0;
    for (;;) {
        k = recv(fd, resp + n, sizeof resp - 1 - n, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        n += (size_t)k;
        if (n == sizeof resp - 1) n = 64; /* keep the status line, drop the rest */
    }
    close(fd);
    resp[n] = 0;
    int code = 0;
    if (n < 12 || sscanf(resp, "HTTP/1.1 %d", &code) != 1) {
        fprintf(stderr, "fuzz_submit: no HTTP answer (%zu bytes)\n", n);
        abort();
    }
    if (code != 201 && code != 202 && code != 400 && code != 403 && code != 413 && code != 503) {
        fprintf(stderr, "fuzz_submit: unexpected status %d\n", code);
        abort();
    }
    return 0;
}

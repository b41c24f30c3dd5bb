/* cmd_keygen.c — `regc keygen -o NAME [--comment TEXT]`: a new Ed25519
 * signing key (libsodium): NAME.key, secret, mode 0600, and NAME.pub, the
 * public key to put in the trust stores of those who load the regimes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "cmd.h"
#include "verify.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc keygen -o NAME [--comment TEXT]\n\n"
               "Makes a new Ed25519 signing key: NAME.key (secret, mode 0600: keep it offline,\n"
               "sign with it: `regc build --sign NAME.key`, `regc sign --key NAME.key DIR`) and\n"
               "NAME.pub (public: install it in the trust store of every runtime that loads\n"
               "your regimes, e.g. /etc/regime/trusted/). Prints the key id (16 hex digits,\n"
               "the start of the public key's sha256). Never overwrites a file.\n\n"
               "Options:\n"
               "  -o NAME          where to write NAME.key and NAME.pub\n"
               "  --comment TEXT   a note kept in both files (who, which office, when)\n"
               "  --lang en|vi     language of messages (default en)\n"
               "  -h, --help       this help\n\n"
               "See docs/DISTRIBUTION.md.\n");
}

#define L(en, vi) (o.lang == DIAG_VI ? (vi) : (en))

/* O_EXCL: a key is never overwritten. */
static int write_new(const char *path, const char *text, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w == 0 ? ENOSPC : errno;
            close(fd);
            unlink(path);
            errno = e;
            return -1;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, (mode_t)mode) < 0 || close(fd) < 0) { /* umask may have left more */
        unlink(path);
        return -1;
    }
    return 0;
}

int cmd_keygen(int argc, char **argv)
{
    /* its own options: cli_parse wants input files, keygen has none */
    struct {
        diag_lang lang;
        const char *output;
    } o = {DIAG_EN, NULL};
    const char *comment = NULL, *env = getenv("REGIME_LANG");
    int extra = 0;
    if (env && !strcmp(env, "vi"))
        o.lang = DIAG_VI;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            o.output = argv[++i];
        } else if (!strcmp(a, "--comment") && i + 1 < argc) {
            comment = argv[++i];
        } else if (!strncmp(a, "--comment=", 10)) {
            comment = a + 10;
        } else if (!strcmp(a, "--lang") && i + 1 < argc) {
            o.lang = !strcmp(argv[++i], "vi") ? DIAG_VI : DIAG_EN;
        } else {
            extra = 1;
        }
    }
    if (extra) {
        fprintf(stderr, "regc keygen: unexpected arguments\nTry 'regc keygen --help'.\n");
        return 2;
    }
    int rc = 2;
    if (!o.output) {
        fprintf(stderr, L("regc keygen: give where to write the key: -o NAME (writes NAME.key and NAME.pub)\n",
                          "regc keygen: hãy chỉ nơi ghi khóa: -o TÊN (ghi TÊN.key và TÊN.pub)\n"));
        goto out;
    }
    if (comment && (strchr(comment, '\n') || strchr(comment, '\r') || strlen(comment) > 120)) {
        fprintf(stderr, L("regc keygen: --comment must be one line of at most 120 bytes\n",
                          "regc keygen: --comment phải là một dòng, tối đa 120 byte\n"));
        goto out;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "regc keygen: libsodium cannot start\n");
        goto out;
    }
    unsigned char pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    char id[RT_KEYID_LEN + 1], pkhex[65], skhex[129];
    rt_key_id(pk, id);
    rt_hex(pk, 32, pkhex);
    rt_hex(sk, 64, skhex);
    char ctext[160] = "";
    if (comment && *comment)
        snprintf(ctext, sizeof ctext, "comment %s\n", comment);
    size_t pl = strlen(o.output) + 5;
    char *kpath = malloc(pl), *ppath = malloc(pl);
    char text[512];
    if (!kpath || !ppath)
        goto out2;
    snprintf(kpath, pl, "%s.key", o.output);
    snprintf(ppath, pl, "%s.pub", o.output);
    if (access(kpath, F_OK) == 0 || access(ppath, F_OK) == 0) {
        fprintf(stderr, L("regc keygen: '%s' or '%s' exists already; a key is never overwritten: choose another NAME\n",
                          "regc keygen: '%s' hoặc '%s' đã tồn tại; khóa không bao giờ bị ghi đè: hãy chọn TÊN khác\n"),
                kpath, ppath);
        goto out2;
    }
    snprintf(text, sizeof text, "regime-secret-key 1\nid %s\ned25519 %s\n%s", id, skhex, ctext);
    if (write_new(kpath, text, 0600) < 0) {
        fprintf(stderr, L("regc keygen: cannot write '%s': %s\n", "regc keygen: không ghi được '%s': %s\n"), kpath,
                strerror(errno));
        goto out2;
    }
    snprintf(text, sizeof text, "regime-public-key 1\nid %s\ned25519 %s\n%s", id, pkhex, ctext);
    if (write_new(ppath, text, 0644) < 0) {
        fprintf(stderr, L("regc keygen: cannot write '%s': %s\n", "regc keygen: không ghi được '%s': %s\n"), ppath,
                strerror(errno));
        unlink(kpath);
        goto out2;
    }
    printf(L("key %s\n  secret: %s (keep it private and backed up)\n  public: %s (install it in the trust stores)\n",
             "khóa %s\n  bí mật: %s (giữ kín và sao lưu)\n  công khai: %s (cài vào kho khóa tin cậy)\n"),
           id, kpath, ppath);
    rc = 0;
out2:
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(skhex, sizeof skhex);
    sodium_memzero(text, sizeof text);
    free(kpath);
    free(ppath);
out:
    return rc;
}

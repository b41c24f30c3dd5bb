/* cmd_sign.c — `regc sign DIR [--key KEY]`: (re)writes the file list of
 * DIR/manifest.json and signs it; and the signing shared with `regc build
 * --sign` (sign.h). */
#include <dirent.h>
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
#include "sha256.h"
#include "sign.h"

const char *sign_key_path(const char *explicit_path)
{
    if (explicit_path && *explicit_path)
        return explicit_path;
    const char *e = getenv("REGIME_SIGNING_KEY");
    return e && *e ? e : NULL;
}

int sign_load_key(const char *path, rt_keyfile *k, char *why, size_t whyn)
{
    struct stat st;
    char *buf = NULL, w[256];
    size_t len;
    if (stat(path, &st) < 0 || rt_read_file(path, 8192, &buf, &len) < 0) {
        snprintf(why, whyn, "cannot read the signing key '%s': %s", path, strerror(errno));
        return -1;
    }
    if (st.st_mode & 077) {
        free(buf);
        snprintf(why, whyn, "the signing key '%s' may be read by others (mode %03o); run `chmod 600 %s`",
                 path, (unsigned)(st.st_mode & 0777), path);
        return -1;
    }
    int bad = rt_keyfile_parse(buf, len, k, w, sizeof w);
    sodium_memzero(buf, len);
    free(buf);
    if (bad || !k->secret) {
        snprintf(why, whyn, "'%s' is not a signing key: %s", path,
                 bad ? w : "it is a public key; sign with the .key file `regc keygen` wrote");
        return -1;
    }
    return 0;
}

/* ---- the file list -------------------------------------------------------- */

typedef struct flist {
    char **v;
    int n, cap;
} flist;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every file under dir/rel, recursively, as relative names; our own
 * temporaries (.NAME.tmp) and the manifest and signature are left out. */
static int walk(const char *dir, const char *rel, int depth, flist *l, char *why, size_t whyn)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d) {
        snprintf(why, whyn, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        const char *n = e->d_name;
        size_t nl = strlen(n);
        if (!strcmp(n, ".") || !strcmp(n, ".."))
            continue;
        if (n[0] == '.' && nl > 4 && !strcmp(n + nl - 4, ".tmp"))
            continue;
        if (!*rel && (!strcmp(n, RT_MANIFEST_NAME) || !strcmp(n, RT_SIG_NAME)))
            continue;
        char r[4096], p[8192];
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", n);
        snprintf(p, sizeof p, "%s/%s", dir, r);
        struct stat st;
        if (stat(p, &st) < 0) {
            snprintf(why, whyn, "cannot read '%s': %s", p, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (depth >= 16) {
                snprintf(why, whyn, "'%s' is nested too deeply", p);
                rc = -1;
            } else {
                rc = walk(dir, r, depth + 1, l, why, whyn);
            }
        } else if (!S_ISREG(st.st_mode)) {
            snprintf(why, whyn, "'%s' is not a regular file; an artifact holds files only", p);
            rc = -1;
        } else {
            if (l->n == l->cap) {
                l->cap = l->cap ? l->cap * 2 : 16;
                char **nv = realloc(l->v, sizeof *nv * (size_t)l->cap);
                if (!nv) {
                    snprintf(why, whyn, "out of memory");
                    rc = -1;
                    break;
                }
                l->v = nv;
            }
            l->v[l->n++] = strdup(r);
        }
    }
    closedir(d);
    return rc;
}

static void put_json_string(FILE *f, const char *s)
{
    json_write_string(f, s);
}

/* ---- publishing ----------------------------------------------------------- */

static int write_all(const char *path, const char *data, size_t len, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            errno = w == 0 ? ENOSPC : e;
            return -1;
        }
        off += (size_t)w;
    }
    return close(fd);
}

int sign_publish(const char *dir, const char *head, const rt_keyfile *key, char *why, size_t whyn)
{
    flist l = {0};
    char *text = NULL;
    size_t tlen = 0;
    int rc = -1;
    if (walk(dir, "", 0, &l, why, whyn) < 0)
        goto out;
    if (l.n)
        qsort(l.v, (size_t)l.n, sizeof *l.v, cmp_str);
    FILE *f = open_memstream(&text, &tlen);
    if (!f) {
        snprintf(why, whyn, "out of memory");
        goto out;
    }
    fputs("{\n  ", f);
    if (head && *head)
        fprintf(f, "%s,\n  ", head);
    fputs("\"files\": [", f);
    for (int i = 0; i < l.n; i++) {
        char p[8192], hex[65];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, l.v[i]);
        if (stat(p, &st) < 0 || sha256_file_hex(p, hex) < 0) {
            snprintf(why, whyn, "cannot read '%s': %s", p, strerror(errno));
            fclose(f);
            goto out;
        }
        fputs(i ? ",\n    {\"file\": " : "\n    {\"file\": ", f);
        put_json_string(f, l.v[i]);
        fprintf(f, ", \"size\": %llu, \"sha256\": \"%s\"}", (unsigned long long)st.st_size, hex);
    }
    fputs(l.n ? "\n  ]" : "]", f);
    if (key)
        fprintf(f, ",\n  \"signer\": \"%s\"", key->id);
    fputs("\n}\n", f);
    if (fclose(f) != 0 || !text) {
        snprintf(why, whyn, "out of memory");
        goto out;
    }
    char mtmp[4096], mfin[4096], stmp[4096], sfin[4096];
    snprintf(mtmp, sizeof mtmp, "%s/.manifest.json.tmp", dir);
    snprintf(mfin, sizeof mfin, "%s/" RT_MANIFEST_NAME, dir);
    snprintf(stmp, sizeof stmp, "%s/.manifest.sig.tmp", dir);
    snprintf(sfin, sizeof sfin, "%s/" RT_SIG_NAME, dir);
    if (write_all(mtmp, text, tlen, 0666) < 0) {
        snprintf(why, whyn, "cannot write '%s': %s", mtmp, strerror(errno));
        unlink(mtmp);
        goto out;
    }
    if (key) {
        unsigned char sig[64];
        char hex[129], sigtext[256];
        if (sodium_init() < 0 || crypto_sign_detached(sig, NULL, (const unsigned char *)text, tlen, key->sk) != 0) {
            snprintf(why, whyn, "libsodium could not sign");
            unlink(mtmp);
            goto out;
        }
        rt_hex(sig, 64, hex);
        int n = snprintf(sigtext, sizeof sigtext, "regime-signature 1\nsigner %s\ned25519 %s\n", key->id, hex);
        if (write_all(stmp, sigtext, (size_t)n, 0666) < 0) {
            snprintf(why, whyn, "cannot write '%s': %s", stmp, strerror(errno));
            unlink(stmp);
            unlink(mtmp);
            goto out;
        }
    }
    /* between the two renames the signature and the manifest disagree: a
     * load then is refused, never wrong */
    if (rename(mtmp, mfin) != 0) {
        snprintf(why, whyn, "cannot write '%s': %s", mfin, strerror(errno));
        unlink(mtmp);
        unlink(stmp);
        goto out;
    }
    if (key ? rename(stmp, sfin) != 0 : (unlink(sfin) != 0 && errno != ENOENT)) {
        snprintf(why, whyn, "cannot write '%s': %s", sfin, strerror(errno));
        unlink(stmp);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
    free(text);
    return rc;
}

/* ---- regc sign ---------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc sign [--key KEY] DIR\n\n"
               "Signs the regime folder DIR (what `regc build -o DIR` wrote): rewrites the file\n"
               "list of DIR/manifest.json (every file under DIR, with its size and sha256, and\n"
               "the signer's key id; the other members are kept) and writes DIR/manifest.sig,\n"
               "an Ed25519 signature over the manifest. Sign only a folder you built or checked.\n\n"
               "Options:\n"
               "  --key KEY      the secret key (`regc keygen`); default $REGIME_SIGNING_KEY\n"
               "  --lang en|vi   language of messages (default en)\n"
               "  -h, --help     this help\n\n"
               "See docs/DISTRIBUTION.md.\n");
}

#define L(en, vi) (o.lang == DIAG_VI ? (vi) : (en))

int cmd_sign(int argc, char **argv)
{
    const char *keyarg = NULL;
    /* --key is sign's own: taken out before the shared option parser */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    int n = 0;
    if (!args)
        return 2;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--key") && i + 1 < argc)
            keyarg = argv[++i];
        else if (i > 0 && !strncmp(argv[i], "--key=", 6))
            keyarg = argv[i] + 6;
        else
            args[n++] = argv[i];
    }
    cli_opts o;
    int r = cli_parse(&o, n, args, "sign", 0, usage);
    if (r >= 0) {
        free(args);
        return r;
    }
    int rc = 2;
    char why[1024];
    rt_keyfile k;
    memset(&k, 0, sizeof k);
    const char *kp = sign_key_path(keyarg);
    if (o.n_files != 1) {
        fprintf(stderr, L("regc sign: expected one folder, got %d\nTry 'regc sign --help'.\n",
                          "regc sign: cần đúng một thư mục, nhận được %d\nXem 'regc sign --help'.\n"),
                o.n_files);
        goto out;
    }
    if (!kp) {
        fprintf(stderr, L("regc sign: no key: pass --key KEY or set REGIME_SIGNING_KEY (make one with `regc keygen -o NAME`)\n",
                          "regc sign: chưa có khóa: dùng --key KHÓA hoặc đặt REGIME_SIGNING_KEY (tạo bằng `regc keygen -o TÊN`)\n"));
        goto out;
    }
    if (sign_load_key(kp, &k, why, sizeof why) < 0) {
        fprintf(stderr, "regc sign: %s\n", why);
        goto out;
    }
    const char *dir = o.files[0];
    char mpath[4096], *buf = NULL;
    size_t len = 0;
    snprintf(mpath, sizeof mpath, "%s/" RT_MANIFEST_NAME, dir);
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, L("regc sign: '%s' is not a folder; sign the folder `regc build -o DIR` wrote\n",
                          "regc sign: '%s' không phải thư mục; hãy ký thư mục mà `regc build -o DIR` tạo ra\n"),
                dir);
        goto out;
    }
    char *head = NULL;
    if (rt_read_file(mpath, RT_MANIFEST_MAX, &buf, &len) == 0) {
        rt_manifest m;
        if (rt_manifest_parse(buf, len, &m, why, sizeof why) < 0) {
            fprintf(stderr, L("regc sign: '%s' is damaged: %s; rebuild with `regc build`\n",
                              "regc sign: '%s' bị hỏng: %s; hãy biên dịch lại bằng `regc build`\n"),
                    mpath, why);
            free(buf);
            goto out;
        }
        size_t total = 1;
        for (size_t i = 0; i < m.n_keep; i++)
            total += m.keep[i].len + 4;
        head = malloc(total);
        if (head) {
            size_t at = 0;
            for (size_t i = 0; i < m.n_keep; i++) {
                if (i) {
                    memcpy(head + at, ",\n  ", 4);
                    at += 4;
                }
                memcpy(head + at, buf + m.keep[i].off, m.keep[i].len);
                at += m.keep[i].len;
            }
            head[at] = 0;
        }
        rt_manifest_free(&m);
        free(buf);
    } else if (errno != ENOENT) {
        fprintf(stderr, "regc sign: %s: %s\n", mpath, strerror(errno));
        goto out;
    }
    if (sign_publish(dir, head, &k, why, sizeof why) < 0) {
        fprintf(stderr, "regc sign: %s\n", why);
        free(head);
        rc = 1;
        goto out;
    }
    free(head);
    printf(L("signed %s with key %s\n", "đã ký %s bằng khóa %s\n"), dir, k.id);
    rc = 0;
out:
    sodium_memzero(&k, sizeof k);
    cli_free(&o);
    free(args);
    return rc;
}

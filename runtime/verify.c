/*
 * verify.c — signed regime artifacts: the manifest, signature and key file
 * parsers, the trust store, and the check that decides, before dlopen,
 * whether a compiled regime may be loaded (docs/DISTRIBUTION.md).
 *
 * dlopen runs a library's constructors, so nothing of the library may run
 * before this check: it reads the manifest and its detached Ed25519
 * signature (libsodium), the public keys and revocation list of the trust
 * store, and every file the manifest lists, and hands the loader the very
 * bytes it hashed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "rt.h"
#include "verify.h"

/* ---- small helpers ------------------------------------------------------- */

void rt_hex(const unsigned char *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1; /* lower case only: one spelling per value */
}

/* Exactly 2n lower-case hex digits. */
static int unhex(const char *s, size_t len, unsigned char *out, size_t n)
{
    if (len != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int a = hexval((unsigned char)s[2 * i]), b = hexval((unsigned char)s[2 * i + 1]);
        if (a < 0 || b < 0) return -1;
        out[i] = (unsigned char)(a << 4 | b);
    }
    return 0;
}

static int is_keyid(const char *s, size_t len)
{
    if (len != RT_KEYID_LEN) return 0;
    for (size_t i = 0; i < len; i++)
        if (hexval((unsigned char)s[i]) < 0) return 0;
    return 1;
}

void rt_key_id(const unsigned char pk[32], char id[RT_KEYID_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pk, 32);
    rt_hex(h, RT_KEYID_LEN / 2, id);
}

int rt_read_file(const char *path, size_t max, char **buf, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) < 0) goto fail;
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        goto fail;
    }
    if ((uint64_t)st.st_size > max) {
        errno = EFBIG;
        goto fail;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *p = rt_xmalloc(cap + 1);
    for (;;) {
        ssize_t r = read(fd, p + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            free(p);
            goto fail;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n == cap) { /* grew while we read */
            if (cap > max) {
                free(p);
                errno = EFBIG;
                goto fail;
            }
            cap *= 2;
            p = rt_xrealloc(p, cap + 1);
        }
    }
    close(fd);
    p[n] = 0;
    *buf = p;
    *len = n;
    return 0;
fail:;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

/* ---- the manifest's JSON ----------------------------------------------- */

typedef struct jp {
    const char *s;
    size_t n, i;
    char *why;
    size_t whyn;
    int depth;
} jp;

#define JFAIL(p, ...)                                      \
    do {                                                   \
        if (!(p)->why[0]) snprintf((p)->why, (p)->whyn, __VA_ARGS__); \
        return -1;                                         \
    } while (0)

static void jws(jp *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static int jlit(jp *p, char c)
{
    jws(p);
    if (p->i < p->n && p->s[p->i] == c) {
        p->i++;
        return 0;
    }
    JFAIL(p, TR("byte %zu: expected '%c'", "byte %zu: cần '%c'"), p->i, c);
}

/* A string; *out (when out) receives its decoded UTF-8, NUL-terminated and
 * without NUL or control characters inside. */
static int jstr(jp *p, char **out, size_t *outlen)
{
    jws(p);
    if (p->i >= p->n || p->s[p->i] != '"') JFAIL(p, TR("byte %zu: expected a string", "byte %zu: cần một chuỗi"), p->i);
    p->i++;
    rt_buf b = {0};
    while (1) {
        if (p->i >= p->n) {
            rt_buf_free(&b);
            JFAIL(p, TR("a string is not closed", "một chuỗi chưa được đóng"));
        }
        unsigned char c = (unsigned char)p->s[p->i++];
        if (c == '"') break;
        if (c < 0x20) {
            rt_buf_free(&b);
            JFAIL(p, TR("byte %zu: control character in a string", "byte %zu: ký tự điều khiển trong chuỗi"), p->i - 1);
        }
        if (c != '\\') {
            rt_buf_ch(&b, (char)c);
            continue;
        }
        if (p->i >= p->n) continue; /* reported as not closed */
        char e = p->s[p->i++];
        switch (e) {
        case '"': case '\\': case '/': rt_buf_ch(&b, e); break;
        case 'b': case 'f': case 'n': case 'r': case 't':
            rt_buf_free(&b);
            JFAIL(p, TR("byte %zu: control character in a string", "byte %zu: ký tự điều khiển trong chuỗi"), p->i - 2);
        case 'u': {
            unsigned v = 0;
            for (int k = 0; k < 4; k++) {
                int h = p->i < p->n ? hexval((unsigned char)(p->s[p->i] | 0x20)) : -1;
                if (h < 0) {
                    rt_buf_free(&b);
                    JFAIL(p, TR("byte %zu: bad \\u escape", "byte %zu: chuỗi thoát \\u sai"), p->i);
                }
                v = v << 4 | (unsigned)h;
                p->i++;
            }
            if (v < 0x20 || (v >= 0xD800 && v <= 0xDFFF)) {
                rt_buf_free(&b);
                JFAIL(p, TR("byte %zu: \\u%04x is not allowed here", "byte %zu: không cho phép \\u%04x ở đây"), p->i - 6, v);
            }
            if (v < 0x80) rt_buf_ch(&b, (char)v);
            else if (v < 0x800) {
                rt_buf_ch(&b, (char)(0xC0 | v >> 6));
                rt_buf_ch(&b, (char)(0x80 | (v & 63)));
            } else {
                rt_buf_ch(&b, (char)(0xE0 | v >> 12));
                rt_buf_ch(&b, (char)(0x80 | ((v >> 6) & 63)));
                rt_buf_ch(&b, (char)(0x80 | (v & 63)));
            }
            break;
        }
        default:
            rt_buf_free(&b);
            JFAIL(p, TR("byte %zu: bad escape \\%c", "byte %zu: chuỗi thoát sai \\%c"), p->i - 1, e);
        }
    }
    if (out) {
        rt_buf_ch(&b, 0);
        *out = b.p;
        if (outlen) *outlen = b.n - 1;
    } else {
        rt_buf_free(&b);
    }
    return 0;
}

/* A non-negative integer of at most 2^53 (sizes, the ABI). */
static int juint(jp *p, long long *out)
{
    jws(p);
    size_t st = p->i;
    long long v = 0;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        if (v > (1LL << 53) / 10) JFAIL(p, TR("byte %zu: number too large", "byte %zu: số quá lớn"), st);
        v = v * 10 + (p->s[p->i++] - '0');
    }
    if (p->i == st) JFAIL(p, TR("byte %zu: expected a whole number", "byte %zu: cần một số nguyên"), st);
    if (p->i - st > 1 && p->s[st] == '0') JFAIL(p, TR("byte %zu: leading zero", "byte %zu: số 0 ở đầu"), st);
    if (p->i < p->n && (p->s[p->i] == '.' || p->s[p->i] == 'e' || p->s[p->i] == 'E'))
        JFAIL(p, TR("byte %zu: expected a whole number", "byte %zu: cần một số nguyên"), st);
    *out = v;
    return 0;
}

/* Any JSON value, skipped (members the runtime does not need). */
static int jskip(jp *p)
{
    jws(p);
    if (p->i >= p->n) JFAIL(p, TR("the manifest ends too early", "manifest kết thúc quá sớm"));
    char c = p->s[p->i];
    if (c == '"') return jstr(p, NULL, NULL);
    if (c == '{' || c == '[') {
        if (++p->depth > 32) JFAIL(p, TR("nested too deeply", "lồng quá sâu"));
        char close = c == '{' ? '}' : ']';
        p->i++;
        jws(p);
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            p->depth--;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                if (jstr(p, NULL, NULL) || jlit(p, ':')) return -1;
            }
            if (jskip(p)) return -1;
            jws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (jlit(p, close)) return -1;
            p->depth--;
            return 0;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        if (c == '-') p->i++;
        long long v;
        if (juint(p, &v)) {
            /* fractions and exponents: accepted where skipped */
            p->why[0] = 0;
            size_t st = p->i;
            while (p->i < p->n && strchr("0123456789.eE+-", p->s[p->i])) p->i++;
            if (p->i == st) JFAIL(p, TR("byte %zu: bad number", "byte %zu: số sai"), st);
        }
        return 0;
    }
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t l = strlen(words[k]);
        if (p->n - p->i >= l && !memcmp(p->s + p->i, words[k], l)) {
            p->i += l;
            return 0;
        }
    }
    JFAIL(p, TR("byte %zu: unexpected character", "byte %zu: ký tự không mong đợi"), p->i);
}

/* A relative path that cannot leave the folder: no '/' at either end, no
 * empty, '.' or '..' component, no backslash or control character. */
static int safe_name(const char *s)
{
    if (!*s || strlen(s) > 1024 || *s == '/') return 0;
    const char *c = s;
    while (*c) {
        const char *e = strchr(c, '/');
        size_t l = e ? (size_t)(e - c) : strlen(c);
        if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.')) return 0;
        for (size_t k = 0; k < l; k++)
            if ((unsigned char)c[k] < 0x20 || c[k] == '\\' || c[k] == 0x7f) return 0;
        c += l;
        if (*c == '/') c++;
        if (e && !*c) return 0;
    }
    return strcmp(s, RT_MANIFEST_NAME) && strcmp(s, RT_SIG_NAME);
}

static int cmp_mfile(const void *a, const void *b)
{
    return strcmp(((const rt_mfile *)a)->name, ((const rt_mfile *)b)->name);
}

static int jfiles(jp *p, rt_manifest *m)
{
    if (jlit(p, '[')) return -1;
    size_t cap = 0;
    jws(p);
    if (p->i < p->n && p->s[p->i] == ']') {
        p->i++;
        return 0;
    }
    for (;;) {
        if (jlit(p, '{')) return -1;
        rt_mfile f = {0};
        int have = 0;
        for (;;) {
            char *k = NULL;
            if (jstr(p, &k, NULL) || jlit(p, ':')) {
                free(k);
                free(f.name);
                return -1;
            }
            int bit = !strcmp(k, "file") ? 1 : !strcmp(k, "size") ? 2 : !strcmp(k, "sha256") ? 4 : 0;
            if (!bit || (have & bit)) {
                snprintf(p->why, p->whyn, TR("files[%zu]: %s member \"%s\"", "files[%zu]: thành phần \"%s\" %s"),
                         m->n_files, bit ? TR("repeated", "lặp lại") : TR("unknown", "không rõ"), k);
                free(k);
                free(f.name);
                return -1;
            }
            free(k);
            have |= bit;
            int bad = 0;
            if (bit == 1) {
                bad = jstr(p, &f.name, NULL);
                if (!bad && !safe_name(f.name)) {
                    snprintf(p->why, p->whyn, TR("files[%zu]: \"%s\" is not a safe relative file name",
                                                 "files[%zu]: \"%s\" không phải tên tệp tương đối an toàn"),
                             m->n_files, f.name);
                    bad = 1;
                }
            } else if (bit == 2) {
                long long v;
                bad = juint(p, &v);
                f.size = (uint64_t)v;
            } else {
                char *h = NULL;
                size_t hl = 0;
                bad = jstr(p, &h, &hl);
                if (!bad && unhex(h, hl, f.sha256, 32)) {
                    snprintf(p->why, p->whyn, TR("files[%zu]: sha256 is not 64 lower-case hex digits",
                                                 "files[%zu]: sha256 không phải 64 chữ số hex thường"), m->n_files);
                    bad = 1;
                }
                free(h);
            }
            if (bad) {
                free(f.name);
                return -1;
            }
            jws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (jlit(p, '}')) {
                free(f.name);
                return -1;
            }
            break;
        }
        if (have != 7) {
            free(f.name);
            JFAIL(p, TR("files[%zu]: needs \"file\", \"size\" and \"sha256\"",
                        "files[%zu]: cần \"file\", \"size\" và \"sha256\""), m->n_files);
        }
        if (m->n_files == cap) {
            cap = cap ? cap * 2 : 16;
            m->files = rt_xrealloc(m->files, cap * sizeof *m->files);
        }
        m->files[m->n_files++] = f;
        jws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        return jlit(p, ']');
    }
}

int rt_manifest_parse(const char *buf, size_t len, rt_manifest *m, char *why, size_t whyn)
{
    memset(m, 0, sizeof *m);
    m->abi = -1;
    why[0] = 0;
    jp p = {.s = buf, .n = len, .why = why, .whyn = whyn};
    if (len > RT_MANIFEST_MAX) {
        snprintf(why, whyn, TR("larger than %u bytes", "lớn hơn %u byte"), RT_MANIFEST_MAX);
        return -1;
    }
    if (memchr(buf, 0, len)) {
        snprintf(why, whyn, TR("contains a NUL byte", "chứa byte NUL"));
        return -1;
    }
    size_t cap = 0;
    char *seen = NULL; /* names of the members so far, NUL-separated */
    size_t seen_n = 0;
    if (jlit(&p, '{')) goto fail;
    jws(&p);
    if (p.i < p.n && p.s[p.i] == '}') {
        p.i++;
        goto end;
    }
    for (;;) {
        jws(&p);
        size_t start = p.i;
        char *k = NULL;
        size_t kl = 0;
        if (jstr(&p, &k, &kl) || jlit(&p, ':')) {
            free(k);
            goto fail;
        }
        for (size_t o = 0; o < seen_n; o += strlen(seen + o) + 1)
            if (!strcmp(seen + o, k)) {
                snprintf(why, whyn, TR("member \"%s\" appears twice", "thành phần \"%s\" xuất hiện hai lần"), k);
                free(k);
                goto fail;
            }
        seen = rt_xrealloc(seen, seen_n + kl + 1);
        memcpy(seen + seen_n, k, kl + 1);
        seen_n += kl + 1;
        int bad = 0;
        if (!strcmp(k, "files")) {
            m->has_files = 1;
            bad = jfiles(&p, m);
        } else if (!strcmp(k, "signer")) {
            char *v = NULL;
            size_t vl = 0;
            bad = jstr(&p, &v, &vl);
            if (!bad && !is_keyid(v, vl)) {
                snprintf(why, whyn, TR("\"signer\" is not a key id (%d lower-case hex digits)",
                                       "\"signer\" không phải mã khóa (%d chữ số hex thường)"), RT_KEYID_LEN);
                bad = 1;
            }
            if (!bad) memcpy(m->signer, v, vl + 1);
            free(v);
        } else {
            char **dst = !strcmp(k, "regime") ? &m->regime : !strcmp(k, "version") ? &m->version
                       : !strcmp(k, "compiler") ? &m->compiler : NULL;
            jws(&p);
            if (dst && p.i < p.n && p.s[p.i] == '"') bad = jstr(&p, dst, NULL);
            else if (!strcmp(k, "abi_version") && p.i < p.n && p.s[p.i] >= '0' && p.s[p.i] <= '9')
                bad = juint(&p, &m->abi);
            else bad = jskip(&p);
            if (!bad) {
                if (m->n_keep == cap) {
                    cap = cap ? cap * 2 : 16;
                    m->keep = rt_xrealloc(m->keep, cap * sizeof *m->keep);
                }
                m->keep[m->n_keep].off = start;
                m->keep[m->n_keep++].len = p.i - start;
            }
        }
        free(k);
        if (bad) goto fail;
        jws(&p);
        if (p.i < p.n && p.s[p.i] == ',') {
            p.i++;
            continue;
        }
        if (jlit(&p, '}')) goto fail;
        break;
    }
end:
    jws(&p);
    if (p.i != p.n) {
        snprintf(why, whyn, TR("byte %zu: text after the end of the manifest", "byte %zu: còn nội dung sau khi manifest kết thúc"), p.i);
        goto fail;
    }
    free(seen);
    if (m->n_files > 1) {
        qsort(m->files, m->n_files, sizeof *m->files, cmp_mfile);
        for (size_t i = 1; i < m->n_files; i++)
            if (!strcmp(m->files[i - 1].name, m->files[i].name)) {
                snprintf(why, whyn, TR("file \"%s\" is listed twice", "tệp \"%s\" được liệt kê hai lần"), m->files[i].name);
                rt_manifest_free(m);
                return -1;
            }
    }
    return 0;
fail:
    if (!why[0]) snprintf(why, whyn, TR("not valid JSON", "không phải JSON hợp lệ"));
    free(seen);
    rt_manifest_free(m);
    return -1;
}

void rt_manifest_free(rt_manifest *m)
{
    for (size_t i = 0; i < m->n_files; i++) free(m->files[i].name);
    free(m->files);
    free(m->regime);
    free(m->version);
    free(m->compiler);
    free(m->keep);
    memset(m, 0, sizeof *m);
    m->abi = -1;
}

const rt_mfile *rt_manifest_find(const rt_manifest *m, const char *name)
{
    rt_mfile key = {.name = (char *)(uintptr_t)name};
    return m->n_files ? bsearch(&key, m->files, m->n_files, sizeof *m->files, cmp_mfile) : NULL;
}

/* ---- line files: signatures and keys ----------------------------------- */

/* Next line of buf (without its '\n'); 0 at the end. */
static int next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *ll)
{
    if (*pos >= len) return 0;
    const char *s = buf + *pos, *e = memchr(s, '\n', len - *pos);
    size_t l = e ? (size_t)(e - s) : len - *pos;
    *pos += l + (e ? 1 : 0);
    if (l && s[l - 1] == '\r') l--;
    *line = s;
    *ll = l;
    return 1;
}

/* "word VALUE": the value, when the line starts with that word and a space. */
static int field(const char *line, size_t ll, const char *word, const char **v, size_t *vl)
{
    size_t w = strlen(word);
    if (ll <= w || memcmp(line, word, w) || line[w] != ' ') return 0;
    *v = line + w + 1;
    *vl = ll - w - 1;
    return 1;
}

#define LFAIL(...)                             \
    do {                                       \
        snprintf(why, whyn, __VA_ARGS__);      \
        return -1;                             \
    } while (0)

int rt_sigfile_parse(const char *buf, size_t len, rt_sigfile *s, char *why, size_t whyn)
{
    memset(s, 0, sizeof *s);
    size_t pos = 0, ll, vl;
    const char *line, *v;
    int have = 0, n = 0;
    if (len > 4096) LFAIL(TR("larger than 4096 bytes", "lớn hơn 4096 byte"));
    while (next_line(buf, len, &pos, &line, &ll)) {
        n++;
        if (n == 1) {
            if (ll != 18 || memcmp(line, "regime-signature 1", 18))
                LFAIL(TR("line 1 is not \"regime-signature 1\"", "dòng 1 không phải \"regime-signature 1\""));
            continue;
        }
        if (!ll) continue;
        if (field(line, ll, "signer", &v, &vl)) {
            if ((have & 1) || !is_keyid(v, vl))
                LFAIL(TR("line %d: bad or repeated signer", "dòng %d: signer sai hoặc lặp lại"), n);
            memcpy(s->signer, v, vl);
            s->signer[vl] = 0;
            have |= 1;
        } else if (field(line, ll, "ed25519", &v, &vl)) {
            if ((have & 2) || unhex(v, vl, s->sig, 64))
                LFAIL(TR("line %d: the signature is not 128 lower-case hex digits, or repeated",
                         "dòng %d: chữ ký không phải 128 chữ số hex thường, hoặc bị lặp"), n);
            have |= 2;
        } else {
            LFAIL(TR("line %d: unknown line", "dòng %d: dòng không rõ"), n);
        }
    }
    if (n == 0) LFAIL(TR("empty", "rỗng"));
    if (have != 3) LFAIL(TR("needs a \"signer\" and an \"ed25519\" line", "cần dòng \"signer\" và dòng \"ed25519\""));
    return 0;
}

int rt_keyfile_parse(const char *buf, size_t len, rt_keyfile *k, char *why, size_t whyn)
{
    memset(k, 0, sizeof *k);
    size_t pos = 0, ll, vl;
    const char *line, *v;
    int have = 0, n = 0;
    char id[RT_KEYID_LEN + 1] = "";
    if (len > 8192) LFAIL(TR("larger than 8192 bytes", "lớn hơn 8192 byte"));
    while (next_line(buf, len, &pos, &line, &ll)) {
        n++;
        if (n == 1) {
            if (ll == 19 && !memcmp(line, "regime-public-key 1", 19)) k->secret = 0;
            else if (ll == 19 && !memcmp(line, "regime-secret-key 1", 19)) k->secret = 1;
            else LFAIL(TR("line 1 is neither \"regime-public-key 1\" nor \"regime-secret-key 1\"",
                          "dòng 1 không phải \"regime-public-key 1\" hay \"regime-secret-key 1\""));
            continue;
        }
        if (!ll || line[0] == '#') continue;
        if (field(line, ll, "id", &v, &vl)) {
            if ((have & 1) || !is_keyid(v, vl)) LFAIL(TR("line %d: bad or repeated id", "dòng %d: id sai hoặc lặp lại"), n);
            memcpy(id, v, vl);
            id[vl] = 0;
            have |= 1;
        } else if (field(line, ll, "ed25519", &v, &vl)) {
            if ((have & 2) || (k->secret ? unhex(v, vl, k->sk, 64) : unhex(v, vl, k->pk, 32)))
                LFAIL(TR("line %d: the key is not %d lower-case hex digits, or repeated",
                         "dòng %d: khóa không phải %d chữ số hex thường, hoặc bị lặp"), n, k->secret ? 128 : 64);
            have |= 2;
        } else if (field(line, ll, "comment", &v, &vl)) {
            if (have & 4) LFAIL(TR("line %d: repeated comment", "dòng %d: comment lặp lại"), n);
            size_t c = vl < sizeof k->comment - 1 ? vl : sizeof k->comment - 1;
            for (size_t i = 0; i < c; i++) k->comment[i] = (unsigned char)v[i] < 0x20 ? '?' : v[i];
            k->comment[c] = 0;
            have |= 4;
        } else {
            LFAIL(TR("line %d: unknown line", "dòng %d: dòng không rõ"), n);
        }
    }
    if (n == 0) LFAIL(TR("empty", "rỗng"));
    if ((have & 3) != 3) LFAIL(TR("needs an \"id\" and an \"ed25519\" line", "cần dòng \"id\" và dòng \"ed25519\""));
    if (k->secret) {
        /* libsodium's secret key ends with its public key; both must agree
         * with the seed, or signatures would not verify with the .pub */
        unsigned char pk[32], sk[64];
        if (sodium_init() < 0 || crypto_sign_seed_keypair(pk, sk, k->sk) != 0 || memcmp(sk, k->sk, 64)) {
            sodium_memzero(sk, sizeof sk);
            LFAIL(TR("the secret key is inconsistent (damaged file)", "khóa bí mật không nhất quán (tệp bị hỏng)"));
        }
        sodium_memzero(sk, sizeof sk);
        memcpy(k->pk, pk, 32);
    }
    rt_key_id(k->pk, k->id);
    if (strcmp(id, k->id))
        LFAIL(TR("id %s is not the id of this key (%s): the file was altered",
                 "id %s không phải mã của khóa này (%s): tệp đã bị sửa"), id, k->id);
    return 0;
}

/* ---- trust store ---------------------------------------------------------- */

static const char *g_trust_dir;
static int g_allow_unsigned = -1;

void rt_trust_configure(const char *dir, int allow_unsigned)
{
    g_trust_dir = dir;
    g_allow_unsigned = allow_unsigned;
}

const char *rt_trust_dir(void)
{
    if (g_trust_dir && *g_trust_dir) return g_trust_dir;
    const char *e = getenv("REGIME_TRUST");
    if (e && *e) return e;
    return RT_TRUST_SYSTEM_DIR;
}

static int allow_unsigned(void)
{
    if (g_allow_unsigned >= 0) return g_allow_unsigned;
    const char *e = getenv("REGIME_ALLOW_UNSIGNED");
    return e && !strcmp(e, "1");
}

/* Is that key id in DIR/revoked? -1 (err set) when the list is damaged. */
static int revoked(const char *dir, const char *id, rt_error *err)
{
    char path[4096], *buf;
    size_t len, pos = 0, ll;
    const char *line;
    snprintf(path, sizeof path, "%s/revoked", dir);
    if (rt_read_file(path, 1u << 20, &buf, &len) < 0) {
        if (errno == ENOENT) return 0;
        rt_err(err, 2, TR("cannot read the revocation list '%s': %s", "không đọc được danh sách thu hồi '%s': %s"),
               path, strerror(errno));
        return -1;
    }
    int n = 0, hit = 0;
    while (next_line(buf, len, &pos, &line, &ll)) {
        n++;
        const char *h = memchr(line, '#', ll);
        if (h) ll = (size_t)(h - line);
        while (ll && (line[ll - 1] == ' ' || line[ll - 1] == '\t')) ll--;
        while (ll && (*line == ' ' || *line == '\t')) line++, ll--;
        if (!ll) continue;
        if (!is_keyid(line, ll)) {
            rt_err(err, 2, TR("%s:%d: not a key id (%d lower-case hex digits, as `regrt info` shows); fix the revocation list",
                              "%s:%d: không phải mã khóa (%d chữ số hex thường, như `regrt info` hiển thị); hãy sửa danh sách thu hồi"),
                   path, n, RT_KEYID_LEN);
            free(buf);
            return -1;
        }
        if (!memcmp(line, id, RT_KEYID_LEN)) hit = 1;
    }
    free(buf);
    return hit;
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Checks the signature of the manifest with the trusted key of that id.
 * 0 (v->signer, v->signer_key set), or -1 with err. */
static int check_signature(const char *mpath, const char *manifest, size_t mlen, const rt_sigfile *sig,
                           rt_verified *v, rt_error *err)
{
    const char *dir = rt_trust_dir();
    DIR *d = opendir(dir);
    if (!d) {
        rt_err(err, 2, TR("cannot verify '%s': no trust store at '%s' (%s); put the publisher's public key (.pub) there, or name the folder with --trust DIR or REGIME_TRUST",
                          "không kiểm tra được '%s': không có kho khóa tin cậy tại '%s' (%s); hãy đặt khóa công khai (.pub) của đơn vị phát hành vào đó, hoặc chỉ ra thư mục bằng --trust DIR hay REGIME_TRUST"),
               mpath, dir, strerror(errno));
        return -1;
    }
    int r = revoked(dir, sig->signer, err);
    if (r) {
        closedir(d);
        if (r > 0)
            rt_err(err, 2, TR("'%s' is signed by key %s, which is revoked (%s/revoked); install a version signed with a current key",
                              "'%s' được ký bằng khóa %s, khóa này đã bị thu hồi (%s/revoked); hãy cài phiên bản được ký bằng khóa hiện hành"),
                   mpath, sig->signer, dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= 4 || strcmp(e->d_name + l - 4, ".pub") || e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            names = rt_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = rt_xstrndup(e->d_name, l);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_cstr);
    rt_buf ids = {0};
    int rc = -1, found = 0, broken = 0;
    /* every key is read, even after the one that verifies: a damaged trust
     * store is reported the first time, not when the key order changes */
    for (size_t i = 0; i < n && !broken; i++) {
        char path[4096], *buf, why[256];
        size_t len;
        rt_keyfile k;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rt_read_file(path, 8192, &buf, &len) < 0) {
            rt_err(err, 2, TR("cannot read trusted key '%s': %s", "không đọc được khóa tin cậy '%s': %s"), path,
                   strerror(errno));
            broken = 1;
            break;
        }
        int bad = rt_keyfile_parse(buf, len, &k, why, sizeof why);
        free(buf);
        if (bad || k.secret) {
            rt_err(err, 2, TR("trusted key '%s' is damaged: %s; replace it with the publisher's .pub file",
                              "khóa tin cậy '%s' bị hỏng: %s; hãy thay bằng tệp .pub của đơn vị phát hành"),
                   path, bad ? why : TR("it is a secret key: only public keys belong in a trust store",
                                        "đây là khóa bí mật: kho tin cậy chỉ chứa khóa công khai"));
            broken = 1;
            break;
        }
        if (ids.n) rt_buf_str(&ids, ", ");
        rt_buf_str(&ids, k.id);
        if (strcmp(k.id, sig->signer) || !rc) continue;
        found = 1;
        if (crypto_sign_verify_detached(sig->sig, (const unsigned char *)manifest, mlen, k.pk) == 0) {
            memcpy(v->signer, k.id, sizeof v->signer);
            v->signer_key = rt_xstrndup(path, strlen(path));
            rc = 0;
        }
    }
    rt_buf_ch(&ids, 0);
    if (broken && !rc) {
        free(v->signer_key);
        v->signer_key = NULL;
        v->signer[0] = 0;
        rc = -1;
    }
    if (rc && !broken) {
        if (found)
            rt_err(err, 2, TR("the signature of '%s' does not verify with trusted key %s: the manifest or its signature was altered; reinstall the regime from the published folder",
                              "chữ ký của '%s' không khớp với khóa tin cậy %s: manifest hoặc chữ ký đã bị sửa; hãy cài lại chế độ báo cáo từ thư mục được phát hành"),
                   mpath, sig->signer);
        else
            rt_err(err, 2, TR("'%s' is signed by key %s, which is not in the trust store '%s' (trusted: %s); install the publisher's public key there if you trust it",
                              "'%s' được ký bằng khóa %s, khóa này không có trong kho tin cậy '%s' (đang tin: %s); hãy đặt khóa công khai của đơn vị phát hành vào đó nếu tin cậy"),
                   mpath, sig->signer, dir, ids.n > 1 ? ids.p : TR("none", "không có"));
    }
    rt_buf_free(&ids);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

/* ---- the artifact --------------------------------------------------------- */

static void loud_unsigned(const char *what, const char *path)
{
    /* not rt_warn: -q does not silence it */
    fprintf(stderr, TR("regrt: WARNING: %s '%s' is loaded WITHOUT a trusted signature (--allow-unsigned / REGIME_ALLOW_UNSIGNED=1): its code runs with your rights and nobody vouches for it; for development only\n",
                       "regrt: CẢNH BÁO: %s '%s' được nạp KHÔNG có chữ ký tin cậy (--allow-unsigned / REGIME_ALLOW_UNSIGNED=1): mã của nó chạy với quyền của bạn và không ai bảo đảm; chỉ dùng khi phát triển\n"),
            what, path);
}

/* sha256 of a file, read in blocks; *len its length. */
static int hash_file(const char *path, unsigned char h[32], size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char b[65536];
    *len = 0;
    for (;;) {
        ssize_t r = read(fd, b, sizeof b);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0) break;
        crypto_hash_sha256_update(&st, b, (unsigned long long)r);
        *len += (size_t)r;
    }
    close(fd);
    crypto_hash_sha256_final(&st, h);
    return 0;
}

/* Checks one listed file; keeps the bytes of the library. */
static int check_file(const char *dir, const rt_mfile *f, int is_so, rt_verified *v, rt_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    struct stat st;
    int gone = stat(path, &st) < 0;
    if (gone || !S_ISREG(st.st_mode)) {
        rt_err(err, 2, TR("'%s' is listed in the manifest but %s; reinstall the regime from the published folder",
                          "'%s' có trong manifest nhưng %s; hãy cài lại chế độ báo cáo từ thư mục được phát hành"),
               path, gone ? strerror(errno) : TR("is not a regular file", "không phải tệp thường"));
        return -1;
    }
    if ((uint64_t)st.st_size != f->size) {
        rt_err(err, 2, TR("'%s' has %llu bytes but the manifest says %llu: it is %s; reinstall the regime from the published folder",
                          "'%s' có %llu byte nhưng manifest ghi %llu: tệp %s; hãy cài lại chế độ báo cáo từ thư mục được phát hành"),
               path, (unsigned long long)st.st_size, (unsigned long long)f->size,
               (uint64_t)st.st_size < f->size ? TR("truncated", "bị cắt cụt") : TR("altered", "đã bị sửa"));
        return -1;
    }
    unsigned char h[32];
    char *buf = NULL;
    size_t len = 0;
    int rd;
    if (is_so) {
        /* the library's bytes are kept: they are what gets loaded */
        rd = rt_read_file(path, f->size, &buf, &len);
        if (rd == 0) crypto_hash_sha256(h, (const unsigned char *)buf, len);
    } else {
        rd = hash_file(path, h, &len);
    }
    if (rd < 0 || len != f->size) {
        if (rd == 0) errno = EIO;
        free(buf);
        rt_err(err, 2, TR("cannot read '%s': %s (size changed while reading?)", "không đọc được '%s': %s (kích thước thay đổi khi đang đọc?)"),
               path, strerror(errno));
        return -1;
    }
    if (sodium_memcmp(h, f->sha256, 32) != 0) {
        free(buf);
        rt_err(err, 2, TR("'%s' was altered: its sha256 is not the one in the manifest; reinstall the regime from the published folder",
                          "'%s' đã bị sửa: sha256 của tệp khác với manifest; hãy cài lại chế độ báo cáo từ thư mục được phát hành"),
               path);
        return -1;
    }
    if (is_so) {
        v->so = buf;
        v->so_len = len;
    } else {
        free(buf);
    }
    return 0;
}

/* forms/ is read by the runtime (the XSDs of XML submissions): nothing in it
 * may be left out of the manifest. */
static int check_unlisted(const char *dir, const rt_manifest *m, rt_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/forms", dir);
    DIR *d = opendir(path);
    if (!d) return 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) && !rc) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char name[1100];
        snprintf(name, sizeof name, "forms/%s", e->d_name);
        if (!rt_manifest_find(m, name)) {
            rt_err(err, 2, TR("'%s/%s' is not listed in the manifest: the folder was changed after it was built; remove the file or reinstall the regime",
                              "'%s/%s' không có trong manifest: thư mục đã bị thay đổi sau khi biên dịch; hãy xóa tệp đó hoặc cài lại chế độ báo cáo"),
                   dir, name);
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

int rt_verify_artifact(const char *dir, const char *so_name, rt_verified *v, rt_error *err)
{
    memset(v, 0, sizeof *v);
    if (sodium_init() < 0) {
        rt_err(err, 2, TR("libsodium cannot start; the library cannot be verified", "libsodium không khởi động được; không kiểm tra được thư viện"));
        return -1;
    }
    char mpath[4096], spath[4096], sopath[4096], why[512];
    snprintf(mpath, sizeof mpath, "%s/" RT_MANIFEST_NAME, dir);
    snprintf(spath, sizeof spath, "%s/" RT_SIG_NAME, dir);
    snprintf(sopath, sizeof sopath, "%s/%s", dir, so_name);
    int allow = allow_unsigned();
    char *mbuf = NULL, *sbuf = NULL;
    size_t mlen = 0, slen = 0;
    rt_manifest m;
    memset(&m, 0, sizeof m);
    if (rt_read_file(mpath, RT_MANIFEST_MAX, &mbuf, &mlen) < 0) {
        if (errno != ENOENT) {
            rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), mpath, strerror(errno));
            return -1;
        }
        if (!allow) {
            rt_err(err, 2, TR("'%s' is not signed: there is no manifest.json beside it; install the folder the publisher signed (`regc build --sign` or `regc sign`), or pass --allow-unsigned for development",
                              "'%s' chưa được ký: không có manifest.json bên cạnh; hãy cài thư mục đã được đơn vị phát hành ký (`regc build --sign` hoặc `regc sign`), hoặc dùng --allow-unsigned khi phát triển"),
                   sopath);
            return -1;
        }
        loud_unsigned(TR("library without a manifest", "thư viện không có manifest"), sopath);
        if (rt_read_file(sopath, (size_t)1 << 32, &v->so, &v->so_len) < 0) {
            rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), sopath, strerror(errno));
            return -1;
        }
        return 0;
    }
    int rc = -1;
    if (rt_read_file(spath, 4096, &sbuf, &slen) < 0) {
        if (errno != ENOENT) {
            rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), spath, strerror(errno));
            goto out;
        }
        if (!allow) {
            rt_err(err, 2, TR("'%s' is not signed: '%s' is missing; install the folder the publisher signed, sign it with `regc sign %s`, or pass --allow-unsigned for development",
                              "'%s' chưa được ký: thiếu '%s'; hãy cài thư mục đã được đơn vị phát hành ký, ký bằng `regc sign %s`, hoặc dùng --allow-unsigned khi phát triển"),
                   sopath, spath, dir);
            goto out;
        }
        loud_unsigned(TR("unsigned regime", "chế độ báo cáo chưa ký"), sopath);
    } else {
        rt_sigfile sig;
        if (rt_sigfile_parse(sbuf, slen, &sig, why, sizeof why)) {
            rt_err(err, 2, TR("'%s' is damaged: %s; reinstall the regime from the published folder",
                              "'%s' bị hỏng: %s; hãy cài lại chế độ báo cáo từ thư mục được phát hành"),
                   spath, why);
            goto out;
        }
        if (check_signature(mpath, mbuf, mlen, &sig, v, err)) {
            if (!allow) goto out;
            fprintf(stderr, "regrt: %s\n", err->msg);
            memset(err, 0, sizeof *err);
            loud_unsigned(TR("regime with a signature that does not verify", "chế độ báo cáo có chữ ký không hợp lệ"), sopath);
        }
    }
    if (rt_manifest_parse(mbuf, mlen, &m, why, sizeof why)) {
        rt_err(err, 2, TR("'%s' is damaged: %s; rebuild the regime with regc build, or reinstall it",
                          "'%s' bị hỏng: %s; hãy biên dịch lại bằng regc build, hoặc cài lại"),
               mpath, why);
        goto out;
    }
    if (v->signer[0] && strcmp(m.signer, v->signer)) {
        rt_err(err, 2, TR("'%s' names signer '%s' but is signed by %s; re-sign the folder with `regc sign`",
                          "'%s' ghi người ký '%s' nhưng được ký bằng %s; hãy ký lại bằng `regc sign`"),
               mpath, m.signer, v->signer);
        goto out;
    }
    if (m.abi >= 0 && m.abi != REGIME_ABI_VERSION) {
        rt_err(err, 2, TR("%s says ABI %lld but this regrt speaks ABI %u; rebuild the regime with a matching regc",
                          "%s ghi ABI %lld nhưng regrt này dùng ABI %u; hãy biên dịch lại bằng regc cùng phiên bản"),
               mpath, m.abi, REGIME_ABI_VERSION);
        goto out;
    }
    if (!rt_manifest_find(&m, so_name)) {
        if (!m.has_files && allow && !v->signer[0]) {
            /* an old unsigned manifest without a file list */
            if (rt_read_file(sopath, (size_t)1 << 32, &v->so, &v->so_len) < 0) {
                rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), sopath, strerror(errno));
                goto out;
            }
            rc = 0;
            goto out;
        }
        rt_err(err, 2, TR("'%s' is not listed in '%s': the library does not belong to this build; reinstall the regime from the published folder",
                          "'%s' không có trong '%s': thư viện không thuộc bản biên dịch này; hãy cài lại chế độ báo cáo từ thư mục được phát hành"),
               sopath, mpath);
        goto out;
    }
    for (size_t i = 0; i < m.n_files; i++)
        if (check_file(dir, &m.files[i], !strcmp(m.files[i].name, so_name), v, err)) goto out;
    if (check_unlisted(dir, &m, err)) goto out;
    rc = 0;
out:
    if (rc) rt_verified_free(v);
    rt_manifest_free(&m);
    free(mbuf);
    free(sbuf);
    return rc;
}

void rt_verified_free(rt_verified *v)
{
    free(v->so);
    free(v->signer_key);
    memset(v, 0, sizeof *v);
}

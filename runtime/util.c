/* util.c — messages, language, memory, buffers, atomic output, string maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

rt_lang rt_cur_lang = RT_LANG_EN;
int rt_quiet;

void rt_set_lang(rt_lang lang) { rt_cur_lang = lang; }
rt_lang rt_get_lang(void) { return rt_cur_lang; }
void rt_set_quiet(int quiet) { rt_quiet = quiet; }

int rt_lang_parse(const char *s, rt_lang *out)
{
    if (!s) return -1;
    if (!strncmp(s, "en", 2) && (s[2] == 0 || s[2] == '-' || s[2] == '_')) {
        *out = RT_LANG_EN;
        return 0;
    }
    if (!strncmp(s, "vi", 2) && (s[2] == 0 || s[2] == '-' || s[2] == '_')) {
        *out = RT_LANG_VI;
        return 0;
    }
    return -1;
}

const char *rt_texts_pick(const rg_texts *t)
{
    const char *want = rt_cur_lang == RT_LANG_VI ? "vi" : "en";
    if (!t || !t->n || !t->items) return "";
    for (uint32_t i = 0; i < t->n; i++)
        if (t->items[i].lang && !strcmp(t->items[i].lang, want) && t->items[i].text)
            return t->items[i].text;
    for (uint32_t i = 0; i < t->n; i++)
        if (t->items[i].lang && !strcmp(t->items[i].lang, "en") && t->items[i].text)
            return t->items[i].text;
    return t->items[0].text ? t->items[0].text : "";
}

void rt_err(rt_error *e, int status, const char *fmt, ...)
{
    va_list ap;
    if (!e) return;
    e->status = status;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

void rt_warn(const char *fmt, ...)
{
    va_list ap;
    if (rt_quiet) return;
    fputs(TR("regrt: warning: ", "regrt: cảnh báo: "), stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void rt_phase(const char *name)
{
    static int on = -1;
    static struct timespec t0, last;
    struct timespec now;
    if (on < 0) {
        const char *e = getenv("REGRT_TIMING");
        on = e && *e && *e != '0';
        clock_gettime(CLOCK_MONOTONIC, &t0);
        last = t0;
    }
    if (!on) return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    fprintf(stderr, "regrt: timing: %-12s %7.3f s (at %.3f s)\n", name,
            (double)(now.tv_sec - last.tv_sec) + (double)(now.tv_nsec - last.tv_nsec) * 1e-9,
            (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9);
    last = now;
}

void rt_info(const char *fmt, ...)
{
    va_list ap;
    if (rt_quiet) return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

/* Allocation failure is not recoverable in a command line run; say so
 * clearly instead of crashing on a NULL later. */
static void oom(size_t n)
{
    fprintf(stderr, "regrt: out of memory (%zu bytes)\n", n);
    exit(2);
}

void *rt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *rt_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *rt_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *rt_xstrndup(const char *s, size_t n)
{
    char *p = rt_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---- rt_buf -------------------------------------------------------------- */

void rt_buf_reserve(rt_buf *b, size_t extra)
{
    size_t need = b->n + extra;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    b->p = rt_xrealloc(b->p, cap);
    b->cap = cap;
}

void rt_buf_free(rt_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

void rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if ((size_t)k >= b->cap - b->n || !b->p) {
        rt_buf_reserve(b, (size_t)k + 1);
        va_start(ap, fmt);
        vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
    }
    b->n += (size_t)k;
}

void rt_buf_i64(rt_buf *b, int64_t v)
{
    char t[24];
    char *p = rt_u64_digits(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, t + 24);
    if (v < 0) *--p = '-';
    rt_buf_put(b, p, (size_t)(t + 24 - p));
}

void rt_buf_csv(rt_buf *b, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') break;
    if (i == n) {
        rt_buf_put(b, s, n);
        return;
    }
    rt_buf_ch(b, '"');
    for (i = 0; i < n; i++) {
        if (s[i] == '"') rt_buf_ch(b, '"');
        rt_buf_ch(b, s[i]);
    }
    rt_buf_ch(b, '"');
}

void rt_buf_json(rt_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    rt_buf_ch(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            rt_buf_ch(b, '\\');
            rt_buf_ch(b, (char)c);
        } else if (c == '\n') {
            rt_buf_put(b, "\\n", 2);
        } else if (c == '\r') {
            rt_buf_put(b, "\\r", 2);
        } else if (c == '\t') {
            rt_buf_put(b, "\\t", 2);
        } else if (c < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            rt_buf_put(b, u, 6);
        } else {
            rt_buf_ch(b, (char)c);
        }
    }
    rt_buf_ch(b, '"');
}

/* ---- rt_out -------------------------------------------------------------- */

#define RT_OUT_CAP (1u << 20)

int rt_out_open(rt_out *o, const char *path, rt_error *err)
{
    memset(o, 0, sizeof *o);
    o->cap = RT_OUT_CAP;
    if (!path || !strcmp(path, "-")) {
        o->fd = 1;
        o->buf = rt_xmalloc(o->cap);
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device, a FIFO or a socket (/dev/null, /dev/full, a pipe) is
         * written in place: a temporary file renamed over it would replace
         * the device node (as root) or fail (in a read-only folder). */
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            rt_err(err, 2, TR("cannot write '%s': %s", "không ghi được '%s': %s"), path, strerror(errno));
            return -1;
        }
        o->path = rt_xstrndup(path, strlen(path));
        o->buf = rt_xmalloc(o->cap);
        return 0;
    }
    /* Through a symlink to its target, so that the rename replaces the
     * file, not the link (/dev/stdout -> /proc/self/fd/1 -> the file). */
    char *real = realpath(path, NULL);
    o->path = real ? real : rt_xstrndup(path, strlen(path));
    size_t n = strlen(o->path);
    o->tmp = rt_xmalloc(n + 16);
    memcpy(o->tmp, o->path, n);
    memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0) {
        rt_err(err, 2, TR("cannot write '%s': %s (check that the folder exists and is writable)",
                          "không ghi được '%s': %s (kiểm tra thư mục có tồn tại và ghi được)"),
               path, strerror(errno));
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return -1;
    }
    /* mkstemp makes the file 0600; outputs are ordinary files. */
    mode_t um = umask(0);
    umask(um);
    fchmod(o->fd, 0666 & ~um);
    o->buf = rt_xmalloc(o->cap);
    return 0;
}

void rt_out_write_raw(rt_out *o, const void *s, size_t n)
{
    const char *p = s;
    while (n && !o->err) {
        ssize_t k = write(o->fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            o->err = errno;
            break;
        }
        p += k;
        n -= (size_t)k;
    }
}

void rt_out_flush(rt_out *o)
{
    if (o->n) rt_out_write_raw(o, o->buf, o->n);
    o->n = 0;
}

int rt_out_close(rt_out *o, rt_error *err)
{
    int rc = 0;
    rt_out_flush(o);
    if (o->path) {
        if (close(o->fd) < 0 && !o->err) o->err = errno;
        if (!o->err && o->tmp && rename(o->tmp, o->path) < 0) o->err = errno;
        if (o->err) {
            if (o->tmp) unlink(o->tmp);
            rt_err(err, 2, TR("cannot write '%s': %s", "không ghi được '%s': %s"), o->path,
                   strerror(o->err));
            rc = -1;
        }
    } else if (o->err) {
        rt_err(err, 2, TR("cannot write the standard output: %s",
                          "không ghi được ra đầu ra chuẩn: %s"),
               strerror(o->err));
        rc = -1;
    }
    free(o->path);
    free(o->tmp);
    free(o->buf);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    return rc;
}

void rt_out_abort(rt_out *o)
{
    if (o->path) {
        close(o->fd);
        if (o->tmp) unlink(o->tmp);
    } else if (o->buf) {
        rt_out_flush(o);
    }
    free(o->path);
    free(o->tmp);
    free(o->buf);
    memset(o, 0, sizeof *o);
    o->fd = -1;
}

/* ---- rt_strmap ------------------------------------------------------------ */

uint64_t rt_hash(const char *s, size_t n)
{
    /* FNV-1a, then a final mix so that the low bits used for the slot index
     * depend on every byte. Keys are short codes. */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

void rt_strmap_init(rt_strmap *m, uint32_t expected)
{
    uint32_t cap = 16;
    while (cap < expected * 2u + 2u) cap *= 2;
    m->cap = cap;
    m->n = 0;
    m->slots = rt_xcalloc(cap, sizeof *m->slots);
}

void rt_strmap_free(rt_strmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}

static void strmap_grow(rt_strmap *m)
{
    rt_strmap g;
    g.cap = m->cap * 2;
    g.n = m->n;
    g.slots = rt_xcalloc(g.cap, sizeof *g.slots);
    for (uint32_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key) continue;
        uint32_t j = (uint32_t)m->slots[i].hash & (g.cap - 1);
        while (g.slots[j].key) j = (j + 1) & (g.cap - 1);
        g.slots[j] = m->slots[i];
    }
    free(m->slots);
    *m = g;
}

uint32_t rt_strmap_put(rt_strmap *m, const char *key, uint32_t len, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) strmap_grow(m);
    uint64_t h = rt_hash(key, len);
    uint32_t j = (uint32_t)h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == h && m->slots[j].len == len && !memcmp(m->slots[j].key, key, len))
            return m->slots[j].val;
        j = (j + 1) & (m->cap - 1);
    }
    /* An empty key still needs a non-NULL pointer to mark the slot used. */
    m->slots[j].key = len ? key : "";
    m->slots[j].len = len;
    m->slots[j].val = val;
    m->slots[j].hash = h;
    m->n++;
    return val;
}

int rt_strmap_get(const rt_strmap *m, const char *key, uint32_t len, uint32_t *val)
{
    if (!m->cap) return 0;
    uint64_t h = rt_hash(key, len);
    uint32_t j = (uint32_t)h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == h && m->slots[j].len == len && !memcmp(m->slots[j].key, key, len)) {
            *val = m->slots[j].val;
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

/* ---- rt_arena ---------------------------------------------------------------- */

struct rt_chunk {
    struct rt_chunk *next;
    size_t used, cap;
    char data[];
};

char *rt_arena_strndup(rt_arena *a, const char *s, size_t n)
{
    struct rt_chunk *c = a->head;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        c = rt_xmalloc(sizeof *c + cap);
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    p[n] = 0;
    c->used += n + 1;
    return p;
}

void rt_arena_free(rt_arena *a)
{
    struct rt_chunk *c = a->head;
    while (c) {
        struct rt_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* core_buf.c — allocation and growable string buffers (shared core, core.h). */
#include <stdlib.h>

#include "rt.h"

/* Allocation failure is not recoverable: say so clearly instead of
 * crashing on a NULL later. A library does not call exit() (the host's
 * atexit handlers would run on a half-built state): it aborts. */
static void oom(size_t n)
{
    fprintf(stderr, "out of memory (%zu bytes)\n", n);
    abort();
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

void rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap2);
    va_end(ap2);
    if (k < 0) return;
    if (!b->p || (size_t)k >= b->cap - b->n) {
        rt_buf_reserve(b, (size_t)k + 1);
        vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    }
    b->n += (size_t)k;
}

void rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *rt_buf_cstr(rt_buf *b)
{
    rt_buf_reserve(b, 1);
    b->p[b->n] = 0;
    return b->p;
}

char *rt_buf_take(rt_buf *b)
{
    rt_buf_cstr(b);
    char *s = b->p;
    b->p = NULL;
    b->n = b->cap = 0;
    return s;
}

char *rt_xvasprintf(const char *fmt, va_list ap)
{
    rt_buf b = {0};
    rt_buf_vprintf(&b, fmt, ap);
    return rt_buf_take(&b);
}

char *rt_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = rt_xvasprintf(fmt, ap);
    va_end(ap);
    return s;
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


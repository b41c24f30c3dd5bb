/* util.c — messages, language, string maps, string arena (memory, buffers and
 * outputs are in the shared core: core_buf.c, core_out.c). */
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

/*
 * scan.c — streaming CSV submissions through the compiled kernels.
 *
 * Memory is bounded by the block size, never by the file: a reader (under a
 * lock) hands out blocks of whole records read with read(); each worker
 * parses its block into columnar batches of RT_BATCH rows, runs the kernels,
 * and commits its violations in block order. Row and line numbers are only
 * known at commit (a block does not know how many rows precede it), so
 * workers write entries relative to their block and the commit adds the base.
 *
 * Parsing has a fast path for the common record (one line, unquoted ASCII,
 * the header's width) that splits and converts in one pass, and the general
 * RFC 4180 tokenizer for everything else. Each field of each row gets a
 * status byte (missing / present / malformed); the bitmaps the kernels read
 * are built from them once per batch. Raw text is kept where regime.h asks
 * for it (unit, code and text columns); the rare failing row is split again
 * to quote its other values in messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crossform.h"
#include "scan.h"
#include "xml.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define RT_BATCH 4096u
#define RT_WORDS (RT_BATCH / 64u)
/* Distance between two fields' columns in the batch arrays: a little more
 * than RT_BATCH, so that the same row of different fields does not fall on
 * the same address modulo 4 KiB (stores to such addresses alias in the
 * store buffer and stall the loads that follow). */
#define RT_STRIDE (RT_BATCH + 24u)
/* Cells of a full batch of a form of 256 fields: wider forms get fewer
 * rows per batch (struct scan's brows). */
#define RT_BATCH_CELLS (RT_BATCH * 256u)
#define RT_BLOCK ((size_t)1 << 20)
/* A single record longer than this is refused: it is almost always an
 * unbalanced quote swallowing the rest of the file. */
#define RT_MAX_RECORD ((size_t)64 << 20)
#define RT_RING 16u
/* Slack after every block so that 8-byte loads at a field's start stay in
 * the buffer. */
#define RT_PAD 16u

enum conv { CV_NONE, CV_COUNT, CV_INTEGER, CV_DECIMAL, CV_BOOL, CV_DATE, CV_TEXT, CV_CODE,
            CV_UNIT, CV_PERIOD };

/* Status of one value. */
enum { ST_MISSING = 0, ST_PRESENT = 1, ST_MALFORMED = 2 };

enum { F_NONE = 0, F_CSV, F_READ, F_TOO_LONG };

typedef struct result {
    uint64_t seq;
    uint32_t nrows, nlines;
    rt_buf entries;
    rt_buf keys;   /* repeated keys: per row (hash, relative row, relative line) */
    int fatal;
    rt_csv_fail f;
    uint32_t fatal_line;
    int read_errno;
    uint32_t bad_width, bw_line, bw_fields; /* first record of the wrong width */
    int no_final_newline;
    int last_bad_width; /* the block's last record had the wrong width */
    uint32_t last_line;
} result;

/* Codes of up to 8 bytes are looked up as one 64-bit word: no hashing of
 * bytes, no memcmp. Longer codes use the regime's string map. */
typedef struct codetab {
    uint32_t mask;
    struct code_ent {
        uint64_t key;
        uint32_t len; /* UINT32_MAX = empty slot */
        int32_t val;
    } *e;
    int cl;
} codetab;

/* Where one CSV column goes in a worker's batch. */
typedef struct colptr {
    int64_t *v;
    uint8_t *st;
    const char **str; /* NULL when the fast path need not keep the text */
    uint32_t *len;
} colptr;

/* How to read one column of the CSV. */
typedef struct colinfo {
    int32_t k; /* form field, -1 = ignored */
    uint8_t conv, required, has_min, has_max;
    uint8_t count_fast; /* count whose digit limit implies its range */
    uint8_t keep_text;  /* unit, code, text: regime.h wants str/len */
    int32_t maxd, scale;
    int64_t min, max;
    const rg_field *fd;
    const codetab *ct;
} colinfo;

typedef struct scan scan;

typedef struct worker {
    scan *s;
    char *buf;
    size_t cap;
    /* the batch, column-major: field k of row i at [k * RT_STRIDE + i] */
    int64_t *v;
    uint8_t *st;
    const char **str;
    uint32_t *len;
    uint64_t *present, *malformed, *well_formed, *fail, **failp, *overflow, *valid;
    uint32_t *line, *slot, *combo;
    const char **rowp; /* start of each row's record */
    uint8_t *pos, *bad_width, *slow;
    rg_column *cols;
    colptr *cp; /* per CSV column */
    rt_span *spans;
    rt_span *row_raw;
    uint8_t *row_mal;
    uint16_t *row_rules;
    /* Rows of a commune come together: remember the last unit and period. */
    uint64_t ucache_key, pcache_key;
    uint32_t ucache_len, pcache_len;
    int64_t ucache_v, pcache_v;
    rt_scan_stats stats;
    void *ext_scratch; /* the joins' (cfg->before/after) */
    void *cross_scratch; /* cfg->cross's */
} worker;

struct scan {
    const rt_scan_cfg *cfg;
    const rg_form *form;
    const rt_regime *rg;
    uint32_t nf, ncsv, nr;
    /* rows per batch (a multiple of 64, at most RT_BATCH), its bitmap
     * words and the distance between two columns: wide forms get shorter
     * batches, so that a worker holds about RT_BATCH_CELLS cells whatever
     * the number of fields (a 5,000-field form: 192 rows, 22 MB) */
    uint32_t brows, bwords;
    size_t bstride;
    int32_t *colmap;
    uint8_t *conv;
    colinfo *ci;    /* per CSV column */
    codetab *codes; /* per code list */
    /* Units of the form's tier whose codes fit 8 bytes, as a code table
     * (the string map of units.c hashes bytes and misses the cache more). */
    codetab units8;
    uint32_t units8_base, units8_n;
    uint64_t *units8_key; /* per unit of the tier, in list order */
    uint8_t *units8_len;  /* 0 when the code does not fit 8 bytes */
    const char *path;
    int fd;
    /* reader */
    pthread_mutex_t rmu;
    char *carry;
    size_t carry_n, carry_cap;
    int eof;
    uint64_t next_seq;
    /* commit */
    pthread_mutex_t cmu;
    pthread_cond_t ccv;
    uint64_t commit_seq, rows_done, lines_done, bad_width_seen, bw_warned;
    result *ring[RT_RING];
    int stop;
    rt_error err;
};

/* ---- reader --------------------------------------------------------------- */

static void carry_set(scan *s, const char *p, size_t n)
{
    if (n > s->carry_cap) {
        s->carry_cap = n * 2;
        s->carry = rt_xrealloc(s->carry, s->carry_cap);
    }
    if (n) memmove(s->carry, p, n);
    s->carry_n = n;
}

/* End of the last whole record in buf[0, n): after the last LF that is not
 * inside quotes. The block starts at a record boundary. */
static size_t record_boundary(const char *buf, size_t n)
{
    if (!memchr(buf, '"', n)) {
        const char *p = memrchr(buf, '\n', n);
        return p ? (size_t)(p - buf) + 1 : 0;
    }
    size_t last = 0;
    int inq = 0;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '"') inq = !inq;
        else if (c == '\n' && !inq) last = i + 1;
    }
    return last;
}

/*
 * Fills w->buf with the next block of whole records. Returns 1 (block ready,
 * *len bytes ending in LF, *seq its number), 0 at the end. A read error is a
 * block too, flagged, so that it is reported in order.
 */
static int next_block(scan *s, worker *w, size_t *len, uint64_t *seq, result *res)
{
    pthread_mutex_lock(&s->rmu);
    if (s->stop || (s->eof && !s->carry_n)) {
        pthread_mutex_unlock(&s->rmu);
        return 0;
    }
    size_t want = RT_BLOCK, n;
    if (w->cap < s->carry_n + want + 2) {
        w->cap = s->carry_n + want + 2;
        w->buf = rt_xrealloc(w->buf, w->cap + RT_PAD);
    }
    if (s->carry_n) memcpy(w->buf, s->carry, s->carry_n);
    n = s->carry_n;
    s->carry_n = 0;
    size_t boundary;
    for (;;) {
        while (!s->eof && n < want) {
            ssize_t k = read(s->fd, w->buf + n, w->cap - 2 - n);
            if (k < 0) {
                if (errno == EINTR) continue;
                res->fatal = F_READ;
                res->read_errno = errno;
                s->eof = 1;
                break;
            }
            if (k == 0) s->eof = 1;
            n += (size_t)k;
        }
        if (s->eof) {
            boundary = n;
            break;
        }
        boundary = record_boundary(w->buf, n);
        if (boundary) break;
        if (w->cap > RT_MAX_RECORD) {
            res->fatal = F_TOO_LONG;
            boundary = n;
            s->eof = 1;
            break;
        }
        /* One record longer than the block: read more. */
        want = w->cap * 2;
        w->cap = want + 2;
        w->buf = rt_xrealloc(w->buf, w->cap + RT_PAD);
    }
    carry_set(s, w->buf + boundary, n - boundary);
    *seq = s->next_seq++;
    pthread_mutex_unlock(&s->rmu);
    if (boundary && w->buf[boundary - 1] != '\n') {
        /* The file does not end with LF: add the sentinel the tokenizer
         * needs; the row is kept (and reported if incomplete). */
        w->buf[boundary++] = '\n';
        res->no_final_newline = 1;
    }
    *len = boundary;
    return boundary || res->fatal ? 1 : 0;
}

/* ---- parsing a record into the batch ------------------------------------------ */

/* The first l <= 8 bytes at p as a word; reads 8 bytes (buffers are padded). */
static inline uint64_t key8(const char *p, uint32_t l)
{
    uint64_t k;
    memcpy(&k, p, 8);
    return l >= 8 ? k : k & ((1ull << (8 * l)) - 1);
}

static inline uint32_t key_slot(uint64_t k, uint32_t mask)
{
    return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 40) & mask;
}

static void codetab_build(codetab *t, const rg_codelist *cl, int idx)
{
    uint32_t cap = 16;
    while (cap < cl->n_codes * 4u) cap *= 2;
    t->mask = cap - 1;
    t->cl = idx;
    t->e = rt_xmalloc(cap * sizeof *t->e);
    for (uint32_t i = 0; i < cap; i++) t->e[i].len = UINT32_MAX;
    for (uint32_t i = 0; i < cl->n_codes; i++) {
        uint32_t l = (uint32_t)strlen(cl->codes[i].code);
        if (l > 8) continue;
        char pad[16] = {0};
        memcpy(pad, cl->codes[i].code, l);
        uint64_t k = key8(pad, l);
        uint32_t j = key_slot(k, t->mask);
        while (t->e[j].len != UINT32_MAX && !(t->e[j].key == k && t->e[j].len == l)) j = (j + 1) & t->mask;
        if (t->e[j].len == UINT32_MAX) {
            t->e[j].key = k;
            t->e[j].len = l;
            t->e[j].val = (int32_t)i;
        }
    }
}

static inline int64_t code_find(const scan *s, const codetab *t, const char *p, uint32_t l)
{
    if (l > 8) return rt_codelist_find(s->rg, t->cl, p, l);
    uint64_t k = key8(p, l);
    for (uint32_t j = key_slot(k, t->mask);; j = (j + 1) & t->mask) {
        const struct code_ent *e = &t->e[j];
        if (e->len == UINT32_MAX) return -1;
        if (e->key == k && e->len == l) return e->val;
    }
}

/* Whether a value has none of the bytes that end an unquoted field: only
 * such values may be guessed by the fast path (see fast_record). */
static inline int clean(const char *p, uint32_t l)
{
    for (uint32_t k = 0; k < l; k++)
        if (rt_csv_stop[(unsigned char)p[k]]) return 0;
    return 1;
}

/* Unit and period values repeat from row to row: a one-entry cache keyed by
 * the value's first 8 bytes. */
static inline int64_t unit_find(scan *s, worker *w, const char *p, uint32_t l)
{
    uint64_t k = key8(p, l);
    if (l <= 8 && l == w->ucache_len && k == w->ucache_key) return w->ucache_v;
    int64_t v;
    if (!s->cfg->units) {
        v = -1;
    } else if (l <= 8 && s->units8.e) {
        /* Files list units in the order of the unit list more often than
         * not: try the successor of the last unit before hashing. */
        uint64_t nx = (uint64_t)(w->ucache_v - (int64_t)s->units8_base) + 1;
        if (w->ucache_v >= (int64_t)s->units8_base && nx < s->units8_n && s->units8_len[nx] == l &&
            s->units8_key[nx] == k) {
            v = w->ucache_v + 1;
        } else {
            v = code_find(s, &s->units8, p, l);
            if (v >= 0) v += s->units8_base;
        }
    } else {
        v = rt_units_find(s->cfg->units, s->form->unit_tier, p, l);
    }
    if (v < 0 && s->cfg->units_above && s->cfg->units)
        v = rt_units_find_above(s->cfg->units, s->form->unit_tier, p, l);
    if (l <= 8 && clean(p, l)) {
        w->ucache_key = k;
        w->ucache_len = l;
        w->ucache_v = v;
    }
    return v;
}

static inline int64_t period_find(scan *s, worker *w, const char *p, uint32_t l)
{
    uint64_t k = key8(p, l);
    if (l <= 8 && l == w->pcache_len && k == w->pcache_key) return w->pcache_v;
    int64_t v = rt_period_parse(s->form->frequency, p, l);
    if (l <= 8 && clean(p, l)) {
        w->pcache_key = k;
        w->pcache_len = l;
        w->pcache_v = v;
    }
    return v;
}

/* Converts a non-empty value; returns nonzero when it is malformed. */
static int convert(scan *s, worker *w, const colinfo *ci, const char *p, uint32_t l, int64_t *out)
{
    int64_t v = 0;
    int bad = 0;
    switch (ci->conv) {
    case CV_COUNT: bad = rt_parse_count(p, l, ci->maxd, &v); break;
    case CV_INTEGER: bad = rt_parse_integer(p, l, ci->maxd, &v); break;
    case CV_DECIMAL:
        bad = rt_parse_decimal(p, l, ci->scale, ci->maxd, &v);
        if (bad && ci->fd->type == RG_T_PERCENT && p[l - 1] == '%')
            bad = rt_parse_decimal(p, l - 1, ci->scale, ci->maxd, &v);
        break;
    case CV_BOOL: bad = rt_parse_bool(p, l, &v); break;
    case CV_DATE: bad = rt_date_parse(p, l, &v); break;
    case CV_CODE: v = code_find(s, ci->ct, p, l); break;
    case CV_UNIT: v = unit_find(s, w, p, l); break;
    case CV_PERIOD:
        v = period_find(s, w, p, l);
        bad = v < 0;
        break;
    default: break; /* CV_TEXT: the text is the value */
    }
    if (!bad && ((ci->has_min && v < ci->min) || (ci->has_max && v > ci->max))) bad = 1;
    *out = bad ? 0 : v;
    return bad;
}

/* Status of a value of length l; v is already 0 when it is not present. */
static inline uint8_t status_of(const colinfo *ci, uint32_t l, int bad)
{
    if (bad) return ST_MALFORMED;
    if (l) return ST_PRESENT;
    return ci->required ? ST_MALFORMED : ST_MISSING;
}

/* The general path: a record already split by rt_csv_record. Keeps the raw
 * text of every column (the record may have been unescaped in place). */
static void fill_row(scan *s, worker *w, uint32_t i, int nfields)
{
    w->bad_width[i] = (uint32_t)nfields != s->ncsv;
    w->slow[i] = 1;
    for (uint32_t j = 0; j < s->ncsv; j++) {
        const colinfo *ci = &s->ci[j];
        if (ci->k < 0) continue;
        const char *p = (int)j < nfields ? w->spans[j].p : "";
        uint32_t l = (int)j < nfields ? w->spans[j].n : 0;
        int64_t v = 0;
        int bad = l ? convert(s, w, ci, p, l, &v) : 0;
        size_t at = (size_t)ci->k * s->bstride + i;
        w->v[at] = v;
        w->st[at] = status_of(ci, l, bad);
        w->str[at] = p;
        w->len[at] = l;
    }
}

/* What the fast path needs of one column, copied into a local array per
 * block so that the compiler knows the stores into the batch (uint8_t status
 * bytes may alias anything) cannot change it. */
typedef struct fastcol {
    uint8_t conv, count_fast, required, keep_text;
    unsigned term;     /* the separator after this column: ',' or LF */
    uint32_t code_len; /* CV_CODE whose codes all have this length (<= 8), else 0 */
    uint32_t maxd;
    int64_t *v;
    uint8_t *st;
    const char **str;
    uint32_t *len;
    const colinfo *ci;
} fastcol;

/*
 * The fast path for the common record: one line, unquoted ASCII fields, the
 * header's number of fields. Splits and converts in one pass (counts are
 * read while their digits are scanned). Returns 0, having advanced nothing,
 * when the record needs the general path; what it stored for row i is then
 * overwritten by fill_row.
 */
static __attribute__((noinline)) int fast_record(scan *s, worker *w, const fastcol *fc, uint32_t nc,
                                                 uint32_t i, char **pp)
{
    const unsigned char *p = (const unsigned char *)*pp;
    for (uint32_t j = 0; j < nc; j++) {
        const fastcol *c = &fc[j];
        const unsigned char *st = p;
        int64_t v = 0;
        uint8_t status;
        uint32_t l;
        if (c->conv == CV_COUNT) {
            unsigned d;
            while ((d = (unsigned)*p - '0') <= 9) {
                /* unsigned: 19+ digits wrap (the value is then discarded
                 * below) instead of overflowing a signed integer */
                v = (int64_t)((uint64_t)v * 10 + d);
                p++;
            }
            l = (uint32_t)(p - st);
            /* The common case: digits within the limit that implies the
             * range, then the expected separator. */
            if (__builtin_expect(*p == c->term && l - 1 < c->maxd, 1)) {
                c->v[i] = v;
                c->st[i] = ST_PRESENT;
                p++;
                continue;
            }
            if (!rt_csv_stop[*p]) {
                do p++; /* a non-digit: find the end of the field */
                while (!rt_csv_stop[*p]);
                l = (uint32_t)(p - st);
                status = ST_MALFORMED;
                v = 0;
                /* without max digits (or beyond 9) a count may be written
                 * as a whole decimal, 18.0 (runtime/value.c) */
                if (c->ci->maxd <= 0 || c->ci->maxd > 9) {
                    int64_t cv = 0;
                    if (!convert(s, w, c->ci, (const char *)st, l, &cv)) {
                        status = ST_PRESENT;
                        v = cv;
                    }
                }
            } else if (l - 1 < c->maxd) {
                status = ST_PRESENT;
            } else if (l == 0) {
                status = c->required ? ST_MALFORMED : ST_MISSING;
            } else {
                int64_t cv = 0;
                int bad = c->count_fast || convert(s, w, c->ci, (const char *)st, l, &cv);
                status = bad ? ST_MALFORMED : ST_PRESENT;
                v = bad ? 0 : cv;
            }
        } else {
            /* Units and periods repeat, codes have one length: guess the
             * field's length, and skip the scan when the guess holds (the
             * guessed bytes equal a value already known to be clean, and
             * the separator follows). */
            if (c->conv == CV_UNIT || c->conv == CV_PERIOD) {
                uint32_t gl = c->conv == CV_UNIT ? w->ucache_len : w->pcache_len;
                uint64_t gk = c->conv == CV_UNIT ? w->ucache_key : w->pcache_key;
                if (gl <= 8 && gl && p[gl] == c->term && key8((const char *)p, gl) == gk) {
                    v = c->conv == CV_UNIT ? w->ucache_v : w->pcache_v;
                    p += gl + 1;
                    if (!c->v) continue;
                    if (c->conv == CV_PERIOD && v < 0) {
                        c->v[i] = 0;
                        c->st[i] = ST_MALFORMED;
                    } else {
                        c->v[i] = v;
                        c->st[i] = ST_PRESENT;
                    }
                    if (c->keep_text) {
                        c->str[i] = (const char *)st;
                        c->len[i] = gl;
                    }
                    continue;
                }
            } else if (c->conv == CV_CODE && c->code_len && p[c->code_len] == c->term) {
                int64_t k = code_find(s, c->ci->ct, (const char *)p, c->code_len);
                if (k >= 0 && c->v) {
                    p += c->code_len + 1;
                    c->v[i] = k;
                    c->st[i] = ST_PRESENT;
                    c->str[i] = (const char *)st;
                    c->len[i] = c->code_len;
                    continue;
                }
            }
            while (!rt_csv_stop[*p]) p++;
            l = (uint32_t)(p - st);
            status = ST_PRESENT;
            if (!l) {
                status = c->required ? ST_MALFORMED : ST_MISSING;
            } else if (c->v) {
                switch (c->conv) {
                case CV_UNIT: v = unit_find(s, w, (const char *)st, l); break;
                case CV_CODE: v = code_find(s, c->ci->ct, (const char *)st, l); break;
                case CV_PERIOD:
                    v = period_find(s, w, (const char *)st, l);
                    if (v < 0) {
                        status = ST_MALFORMED;
                        v = 0;
                    }
                    break;
                default: {
                    int64_t cv; /* keeps v out of memory */
                    if (convert(s, w, c->ci, (const char *)st, l, &cv)) status = ST_MALFORMED;
                    v = cv;
                }
                }
            }
        }
        unsigned ch = *p;
        if (j + 1 < nc) {
            if (ch != ',') return 0;
            p++;
        } else if (ch == '\n') {
            p++;
        } else if (ch == '\r' && p[1] == '\n') {
            p += 2;
        } else {
            return 0;
        }
        if (!c->v) continue;
        c->v[i] = v;
        c->st[i] = status;
        if (c->keep_text) {
            c->str[i] = (const char *)st;
            c->len[i] = l;
        }
    }
    w->bad_width[i] = 0;
    w->slow[i] = 0;
    *pp = (char *)(uintptr_t)p;
    return 1;
}

/* Builds the bitmaps the kernels read from the status bytes of n rows. */
static void build_bitmaps(scan *s, worker *w, uint32_t n)
{
    const uint32_t nw = (n + 63) / 64;
    memset(w->well_formed, 0, s->bwords * sizeof(uint64_t));
    for (uint32_t wi = 0; wi < nw; wi++) {
        uint32_t lo = wi * 64, hi = lo + 64 < n ? lo + 64 : n;
        uint64_t bad = 0;
        for (uint32_t i = lo; i < hi; i++) bad |= (uint64_t)(w->bad_width[i] != 0) << (i - lo);
        w->well_formed[wi] = ~bad;
    }
    for (uint32_t k = 0; k < s->nf; k++) {
        const uint8_t *st = w->st + (size_t)k * s->bstride;
        uint64_t *pres = w->present + (size_t)k * s->bwords, *mal = w->malformed + (size_t)k * s->bwords;
        for (uint32_t wi = 0; wi < nw; wi++) {
            const uint8_t *q = st + wi * 64;
            uint64_t pm = 0, mm = 0;
#ifdef __SSE2__
            /* Rows past n hold stale bytes: masked off by the caller's
             * `live` masks and never read by kernels (n_rows bounds them). */
            const __m128i one = _mm_set1_epi8(ST_PRESENT), two = _mm_set1_epi8(ST_MALFORMED);
            for (int b = 0; b < 4; b++) {
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(q + 16 * b));
                pm |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, one)) << (16 * b);
                mm |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, two)) << (16 * b);
            }
#else
            for (uint32_t b = 0; b < 64; b++) {
                pm |= (uint64_t)(q[b] == ST_PRESENT) << b;
                mm |= (uint64_t)(q[b] == ST_MALFORMED) << b;
            }
#endif
            pres[wi] = pm;
            mal[wi] = mm;
            w->well_formed[wi] &= ~mm;
        }
    }
    if (n & 63) {
        uint64_t live = (1ull << (n & 63)) - 1;
        w->well_formed[nw - 1] &= live;
        for (uint32_t k = 0; k < s->nf; k++) {
            w->present[(size_t)k * s->bwords + nw - 1] &= live;
            w->malformed[(size_t)k * s->bwords + nw - 1] &= live;
        }
    }
}

/* The raw values of failing row i, for messages. */
static void row_values(scan *s, worker *w, uint32_t i)
{
    static char nul[1];
    for (uint32_t k = 0; k < s->nf; k++) {
        w->row_raw[k].p = nul;
        w->row_raw[k].n = 0;
        w->row_mal[k] = w->st[(size_t)k * s->bstride + i] == ST_MALFORMED;
    }
    if (w->slow[i]) {
        for (uint32_t k = 0; k < s->nf; k++) {
            size_t at = (size_t)k * s->bstride + i;
            if (w->st[at] == ST_MISSING && !w->len[at]) continue;
            w->row_raw[k].p = (char *)(uintptr_t)w->str[at];
            w->row_raw[k].n = w->len[at];
        }
        return;
    }
    /* A fast-path row is plain: split it again at the commas. */
    const char *p = w->rowp[i];
    for (uint32_t j = 0; j < s->ncsv; j++) {
        const char *e = p;
        while (*e != ',' && *e != '\n' && *e != '\r') e++;
        int32_t k = s->ci[j].k;
        if (k >= 0) {
            w->row_raw[k].p = (char *)(uintptr_t)p;
            w->row_raw[k].n = (uint32_t)(e - p);
        }
        p = *e == ',' ? e + 1 : e;
    }
}

static void run_batch(scan *s, worker *w, uint32_t n, uint32_t row0, result *res)
{
    const rg_form *form = s->form;
    const rt_scan_cfg *cfg = s->cfg;
    const uint32_t nw = (n + 63) / 64;
    rg_batch b = {.n_rows = n, .cols = w->cols, .well_formed = w->well_formed};
    int rc = 0;
    build_bitmaps(s, w, n);
    if (cfg->before) b.prev = cfg->before(cfg->ext_ctx, &b, &w->ext_scratch);
    /* the joined columns carry one more: the rows that have a previous row */
    if (b.prev) b.prev_rows = b.prev[form->n_fields + form->n_lags].present;
    if (cfg->cross) {
        b.other = cfg->cross(cfg->cross_ctx, &b, &w->cross_scratch);
        b.other_rows = rt_cross_rows(w->cross_scratch);
    }
    memset(w->overflow, 0, s->bwords * sizeof(uint64_t));
    /* also without rules: the computed fields are the kernel's output too */
    if (form->validate) rc = form->validate(&b, w->failp, w->overflow);
    const rg_column *children = NULL;
    if (cfg->after && cfg->after(cfg->ext_ctx, &b, w->failp, w->overflow, &children, &w->ext_scratch) < 0)
        rc = -1;
    w->stats.rows += n;
    const uint64_t *rep = cfg->once ? cfg->once(cfg->ext_ctx, &b, &w->ext_scratch) : NULL;
    for (uint32_t wi = 0; wi < nw; wi++) {
        uint64_t live = wi + 1 < nw || (n & 63) == 0 ? ~0ull : (1ull << (n & 63)) - 1;
        uint64_t ovf = rc < 0 ? w->overflow[wi] & live : 0;
        uint64_t any = ovf, err = ovf, warn = 0;
        for (uint32_t r = 0; r < s->nr; r++) {
            uint64_t m = w->failp[r][wi] & live;
            if (!cfg->rule_on[r]) m = 0;
            /* Rows that overflowed have no rule bits by contract; be sure. */
            m &= ~ovf;
            if (rep && (form->rules[r].flags & RG_RULE_PER_UNIT)) {
                /* one verdict per unit and period: reported on its
                 * representative row; an error rejects all its rows */
                if (form->rules[r].severity == RG_SEV_ERROR) err |= m;
                m &= rep[wi];
            }
            w->failp[r][wi] = m;
            if (!m) continue;
            any |= m;
            if (form->rules[r].severity == RG_SEV_ERROR) err |= m;
            else warn |= m;
            w->stats.rule_fail[r] += (uint64_t)__builtin_popcountll(m);
        }
        w->valid[wi] = ~err & live;
        w->stats.rows_err += (uint64_t)__builtin_popcountll(err);
        w->stats.rows_warn += (uint64_t)__builtin_popcountll(warn);
        w->stats.rows_overflow += (uint64_t)__builtin_popcountll(ovf);
        if (cfg->report && (cfg->report->results == RT_RESULTS_ALL || cfg->report->computed))
            any = live; /* every row's results, or computed fields */
        if (!any || !cfg->report) continue;
        while (any) {
            uint32_t i = wi * 64 + (uint32_t)__builtin_ctzll(any);
            uint64_t bit = any & (0 - any);
            any &= any - 1;
            rt_row row;
            uint32_t nrul = 0;
            for (uint32_t r = 0; r < s->nr; r++)
                if (w->failp[r][wi] & bit) w->row_rules[nrul++] = (uint16_t)r;
            row_values(s, w, i);
            row.rel_row = row0 + i + 1;
            row.rel_line = w->line[i];
            row.raw = w->row_raw;
            row.malformed = w->row_mal;
            row.n_rules = nrul;
            row.rules = w->row_rules;
            row.overflow = (ovf & bit) != 0;
            row.bad_width = w->bad_width[i];
            row.batch = &b;
            row.index = i;
            row.children = children;
            row.not_rep = rep && !(rep[wi] & bit);
            rt_report_row(cfg->report, &res->entries, &row);
        }
    }
    if (cfg->dups && form->unit_field >= 0 && form->period_field >= 0)
        for (uint32_t i = 0; i < n; i++) {
            uint64_t e[3] = {rt_dups_key(form, &b, i), row0 + i + 1, w->line[i]};
            rt_buf_put(&res->keys, (const char *)e, sizeof e);
        }
    if (cfg->acc) rt_acc_batch(cfg->acc, &b, w->valid, w->slot, w->pos, w->combo);
    if (cfg->on_batch) cfg->on_batch(cfg->on_batch_ctx, &b, w->valid);
}

static void process_block(scan *s, worker *w, char *p, char *end, result *res)
{
    uint32_t lines = 0, rows = 0, i = 0;
    const uint32_t nc = s->ncsv;
    fastcol fc[64];
    int fast_ok = nc <= 64;
    for (uint32_t j = 0; j < nc && fast_ok; j++) {
        const colinfo *ci = &s->ci[j];
        const colptr *cp = &w->cp[j];
        fc[j].conv = ci->k < 0 ? CV_NONE : ci->conv;
        fc[j].term = j + 1 < nc ? ',' : '\n';
        fc[j].code_len = 0;
        if (fc[j].conv == CV_CODE && ci->ct) {
            const rg_codelist *cl = &s->rg->desc->codelists[ci->ct->cl];
            uint32_t len0 = cl->n_codes ? (uint32_t)strlen(cl->codes[0].code) : 0;
            for (uint32_t x = 0; x < cl->n_codes && len0; x++)
                if (strlen(cl->codes[x].code) != len0 || !clean(cl->codes[x].code, len0)) len0 = 0;
            fc[j].code_len = len0 <= 8 ? len0 : 0;
        }
        fc[j].count_fast = ci->count_fast;
        fc[j].required = ci->required;
        fc[j].keep_text = ci->keep_text;
        fc[j].maxd = ci->count_fast ? (uint32_t)ci->maxd : 0;
        fc[j].v = cp->v;
        fc[j].st = cp->st;
        fc[j].str = cp->str;
        fc[j].len = cp->len;
        fc[j].ci = ci;
    }
    while (p < end) {
        uint32_t start = lines + 1;
        w->rowp[i] = p;
        if (fast_ok && fast_record(s, w, fc, nc, i, &p)) {
            lines++;
        } else {
            rt_csv_fail f;
            int n = rt_csv_record(&p, end, w->spans, (int)nc + 1, &lines, &f);
            if (n < 0) {
                res->fatal = F_CSV;
                res->f = f;
                res->fatal_line = start + f.line;
                break;
            }
            if (n == 1 && w->spans[0].n == 0 && nc > 1) continue; /* blank line */
            if ((uint32_t)n != nc && !res->bad_width++) {
                res->bw_line = start;
                res->bw_fields = (uint32_t)n;
            }
            fill_row(s, w, i, n);
        }
        w->line[i] = start;
        res->last_bad_width = w->bad_width[i];
        rows++;
        if (++i == s->brows) {
            run_batch(s, w, i, rows - i, res);
            i = 0;
        }
    }
    if (i && !res->fatal) run_batch(s, w, i, rows - i, res);
    res->nrows = rows;
    res->nlines = lines;
    res->last_line = lines;
    w->stats.rows_bad_width += res->bad_width;
}

/* ---- commit ------------------------------------------------------------------ */

static void apply(scan *s, result *r)
{
    if (r->fatal) {
        s->stop = 1;
        char why[512];
        switch (r->fatal) {
        case F_CSV: {
            rt_csv_fail_text(&r->f, why, sizeof why);
            uint64_t line = s->lines_done + r->fatal_line;
            /* The field is a column of the header when there is one. */
            if (r->f.field < s->ncsv && s->colmap[r->f.field] >= 0)
                rt_err(&s->err, 2, TR("%s:%llu: column '%s': %s", "%s:%llu: cột '%s': %s"), s->path,
                       (unsigned long long)line, s->form->fields[s->colmap[r->f.field]].code, why);
            else
                rt_err(&s->err, 2, TR("%s:%llu: field %u: %s", "%s:%llu: trường %u: %s"), s->path,
                       (unsigned long long)line, r->f.field + 1, why);
            break;
        }
        case F_READ:
            rt_err(&s->err, 2, TR("%s: read error after line %llu: %s", "%s: lỗi đọc sau dòng %llu: %s"),
                   s->path, (unsigned long long)s->lines_done, strerror(r->read_errno));
            break;
        default:
            rt_err(&s->err, 2, TR("%s:%llu: a record longer than %zu MB; probably an unbalanced quote (\") starts here",
                                  "%s:%llu: một bản ghi dài hơn %zu MB; có lẽ một dấu nháy kép (\") không được đóng bắt đầu từ đây"),
                   s->path, (unsigned long long)s->lines_done + 1, RT_MAX_RECORD >> 20);
        }
        return;
    }
    if (s->cfg->report && r->entries.n)
        rt_report_commit(s->cfg->report, r->entries.p, r->entries.n, s->rows_done, s->lines_done);
    if (s->cfg->dups && r->keys.n) {
        const uint64_t *e = (const uint64_t *)(const void *)r->keys.p;
        for (size_t k = 0; k + 3 <= r->keys.n / sizeof *e; k += 3)
            rt_dups_add(s->cfg->dups, e[k], s->cfg->dup_file, s->rows_done + e[k + 1], s->lines_done + e[k + 2]);
    }
    s->bad_width_seen += r->bad_width;
    if (r->bad_width && s->bw_warned++ < 3)
        rt_warn(TR("%s:%llu: the row has %u fields but the header has %u; its values are treated as malformed",
                   "%s:%llu: dòng có %u trường nhưng tiêu đề có %u; các giá trị của dòng bị coi là sai định dạng"),
                s->path, (unsigned long long)(s->lines_done + r->bw_line), r->bw_fields, s->ncsv);
    /* the last record, not any record of the block, must be short */
    if (r->no_final_newline && r->nrows && r->last_bad_width)
        rt_warn(TR("%s:%llu: the file ends in the middle of a row (no final newline); it may be truncated",
                   "%s:%llu: tệp kết thúc giữa một dòng (không có ký tự xuống dòng cuối); tệp có thể bị cắt cụt"),
                s->path, (unsigned long long)(s->lines_done + r->last_line));
    s->rows_done += r->nrows;
    s->lines_done += r->nlines;
}

static void commit(scan *s, result *res)
{
    pthread_mutex_lock(&s->cmu);
    while (res->seq >= s->commit_seq + RT_RING && !s->stop) pthread_cond_wait(&s->ccv, &s->cmu);
    if (s->stop) {
        rt_buf_free(&res->entries);
        rt_buf_free(&res->keys);
        free(res);
    } else {
        s->ring[res->seq % RT_RING] = res;
        result *r;
        while ((r = s->ring[s->commit_seq % RT_RING]) && r->seq == s->commit_seq) {
            s->ring[s->commit_seq % RT_RING] = NULL;
            if (!s->stop) apply(s, r);
            rt_buf_free(&r->entries);
            rt_buf_free(&r->keys);
            free(r);
            s->commit_seq++;
        }
    }
    pthread_cond_broadcast(&s->ccv);
    pthread_mutex_unlock(&s->cmu);
}

/* ---- workers ------------------------------------------------------------------- */

static void worker_init(scan *s, worker *w)
{
    const size_t B = s->bstride, W = s->bwords, nf = s->nf;
    memset(w, 0, sizeof *w);
    w->s = s;
    w->v = rt_xcalloc(nf * B, sizeof *w->v);
    w->st = rt_xcalloc(nf * B, 1);
    w->str = rt_xmalloc(nf * B * sizeof *w->str);
    w->len = rt_xcalloc(nf * B, sizeof *w->len);
    for (size_t k = 0; k < nf * B; k++) w->str[k] = "";
    w->present = rt_xcalloc(nf * W, sizeof(uint64_t));
    w->malformed = rt_xcalloc(nf * W, sizeof(uint64_t));
    w->well_formed = rt_xcalloc(W, sizeof(uint64_t));
    w->overflow = rt_xcalloc(W, sizeof(uint64_t));
    w->valid = rt_xcalloc(W, sizeof(uint64_t));
    w->fail = rt_xcalloc((s->nr ? s->nr : 1) * W, sizeof(uint64_t));
    w->failp = rt_xmalloc((s->nr ? s->nr : 1) * sizeof *w->failp);
    for (uint32_t r = 0; r < s->nr; r++) w->failp[r] = w->fail + (size_t)r * W;
    w->line = rt_xcalloc(B, sizeof *w->line);
    w->slot = rt_xcalloc(B, sizeof *w->slot);
    w->combo = rt_xcalloc(B, sizeof *w->combo);
    w->rowp = rt_xcalloc(B, sizeof *w->rowp);
    w->pos = rt_xcalloc(B, 1);
    w->bad_width = rt_xcalloc(B, 1);
    w->slow = rt_xcalloc(B, 1);
    w->cols = rt_xcalloc(nf, sizeof *w->cols);
    for (size_t k = 0; k < nf; k++) {
        uint8_t conv = s->conv[k];
        w->cols[k].v = w->v + k * B;
        if (conv == CV_TEXT || conv == CV_CODE || conv == CV_UNIT) {
            w->cols[k].str = w->str + k * B;
            w->cols[k].len = w->len + k * B;
        }
        w->cols[k].present = w->present + k * W;
        w->cols[k].malformed = w->malformed + k * W;
    }
    w->cp = rt_xcalloc(s->ncsv ? s->ncsv : 1, sizeof *w->cp);
    for (uint32_t j = 0; j < s->ncsv; j++) {
        int32_t k = s->ci[j].k;
        if (k < 0) continue;
        w->cp[j].v = w->v + (size_t)k * B;
        w->cp[j].st = w->st + (size_t)k * B;
        if (s->ci[j].keep_text) {
            w->cp[j].str = w->str + (size_t)k * B;
            w->cp[j].len = w->len + (size_t)k * B;
        }
    }
    w->spans = rt_xcalloc(s->ncsv + 2, sizeof *w->spans);
    w->row_raw = rt_xcalloc(nf, sizeof *w->row_raw);
    w->row_mal = rt_xcalloc(nf, 1);
    w->row_rules = rt_xcalloc(s->nr ? s->nr : 1, sizeof *w->row_rules);
    w->stats.rule_fail = rt_xcalloc(s->nr ? s->nr : 1, sizeof(uint64_t));
    w->ucache_len = UINT32_MAX;
    w->pcache_len = UINT32_MAX;
}

static void worker_free(worker *w)
{
    if (w->ext_scratch && w->s->cfg->ext_free) w->s->cfg->ext_free(w->s->cfg->ext_ctx, w->ext_scratch);
    if (w->cross_scratch && w->s->cfg->cross_free) w->s->cfg->cross_free(w->cross_scratch);
    void *ptrs[] = {w->buf, w->v, w->st, w->str, w->len, w->present, w->malformed, w->well_formed,
                    w->overflow, w->valid, w->fail, w->failp, w->line, w->slot, w->combo, w->rowp,
                    w->pos, w->bad_width, w->slow, w->cols, w->cp, w->spans, w->row_raw, w->row_mal,
                    w->row_rules, w->stats.rule_fail};
    for (size_t i = 0; i < sizeof ptrs / sizeof *ptrs; i++) free(ptrs[i]);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    scan *s = w->s;
    for (;;) {
        result *res = rt_xcalloc(1, sizeof *res);
        size_t len;
        if (!next_block(s, w, &len, &res->seq, res)) {
            free(res);
            break;
        }
        if (!res->fatal) process_block(s, w, w->buf, w->buf + len, res);
        commit(s, res);
    }
    return NULL;
}

/* ---- header ---------------------------------------------------------------------- */

static int map_header(scan *s, rt_span *h, uint32_t n, rt_error *err)
{
    const rg_form *form = s->form;
    s->ncsv = n;
    s->colmap = rt_xmalloc((n ? n : 1) * sizeof *s->colmap);
    uint8_t *seen = rt_xcalloc(s->nf, 1);
    rt_buf unknown = {0}, missing = {0};
    int rc = 0;
    for (uint32_t j = 0; j < n; j++) {
        s->colmap[j] = -1;
        for (uint32_t k = 0; k < s->nf; k++) {
            const char *code = form->fields[k].code;
            if (strlen(code) != h[j].n || memcmp(code, h[j].p, h[j].n)) continue;
            if (seen[k]) {
                rt_err(err, 2, TR("%s:1: column '%s' appears twice in the header; keep one",
                                  "%s:1: cột '%s' xuất hiện hai lần trong dòng tiêu đề; hãy giữ một cột"),
                       s->path, code);
                rc = -1;
                goto out;
            }
            seen[k] = 1;
            if (form->fields[k].flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) {
                rt_warn(TR("%s: column '%s' is computed by the regime; its values are ignored",
                           "%s: cột '%s' do chế độ báo cáo tính; giá trị trong tệp bị bỏ qua"),
                        s->path, code);
                break;
            }
            s->colmap[j] = (int32_t)k;
            break;
        }
        if (s->colmap[j] < 0 && !(j < n && h[j].n == 0 && j + 1 == n)) {
            int known = 0;
            for (uint32_t k = 0; k < s->nf; k++)
                if (strlen(form->fields[k].code) == h[j].n && !memcmp(form->fields[k].code, h[j].p, h[j].n))
                    known = 1;
            if (!known) {
                if (unknown.n) rt_buf_str(&unknown, ", ");
                rt_buf_put(&unknown, h[j].p, h[j].n);
            }
        }
    }
    for (uint32_t k = 0; k < s->nf; k++) {
        const rg_field *fd = &form->fields[k];
        if (seen[k] || (fd->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO))) continue;
        if (fd->flags & (RG_FIELD_REQUIRED | RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_DIMENSION)) {
            if (missing.n) rt_buf_str(&missing, ", ");
            rt_buf_str(&missing, fd->code);
        }
    }
    if (missing.n) {
        rt_buf_ch(&missing, 0);
        rt_err(err, 2, TR("%s:1: missing column(s) %s; the header of form '%s' must name them (columns may come in any order)",
                          "%s:1: thiếu cột %s; dòng tiêu đề của biểu '%s' phải có các cột này (thứ tự tùy ý)"),
               s->path, missing.p, form->code);
        rc = -1;
        goto out;
    }
    if (unknown.n) {
        rt_buf_ch(&unknown, 0);
        rt_warn(TR("%s:1: unknown column(s) ignored: %s (form '%s')",
                   "%s:1: bỏ qua cột không thuộc biểu: %s (biểu '%s')"),
                s->path, unknown.p, form->code);
    }
out:
    free(seen);
    rt_buf_free(&unknown);
    rt_buf_free(&missing);
    return rc;
}

/* Reads the first block, takes the header record off it and puts the rest
 * back in front of the carry. */
static int read_header(scan *s, worker *w, rt_error *err)
{
    result res;
    size_t len;
    uint64_t seq;
    memset(&res, 0, sizeof res);
    if (!next_block(s, w, &len, &seq, &res) || (res.fatal == F_NONE && len == 0)) {
        rt_err(err, 2, TR("%s: the file is empty; a submission starts with a header line naming its columns",
                          "%s: tệp rỗng; tệp nộp phải bắt đầu bằng dòng tiêu đề ghi tên các cột"),
               s->path);
        return -1;
    }
    if (res.fatal == F_TOO_LONG) {
        rt_err(err, 2, TR("%s:1: the header line is longer than %zu MB; this is not a submission CSV",
                          "%s:1: dòng tiêu đề dài hơn %zu MB; đây không phải tệp CSV nộp báo cáo"),
               s->path, RT_MAX_RECORD >> 20);
        return -1;
    }
    if (res.fatal == F_READ) {
        rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), s->path,
               strerror(res.read_errno));
        return -1;
    }
    char *p = w->buf, *end = w->buf + len;
    if (len >= 2 && (!memcmp(p, "\xFF\xFE", 2) || !memcmp(p, "\xFE\xFF", 2))) {
        /* Excel's "Unicode text": said plainly rather than as a NUL byte */
        rt_err(err, 2, TR("%s: the file is UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8 (comma delimited)\"",
                          "%s: tệp là văn bản UTF-16 (\"Unicode text\" của Excel); hãy lưu lại dưới dạng \"CSV UTF-8 (phân tách bằng dấu phẩy)\""),
               s->path);
        return -1;
    }
    if (len >= 3 && !memcmp(p, RT_BOM, 3)) p += 3;
    uint32_t lines = 0;
    int n;
    rt_csv_fail f;
    rt_span *h = rt_xmalloc(RT_CSV_MAX_FIELDS * sizeof *h);
    do {
        uint32_t start = lines + 1;
        n = rt_csv_record(&p, end, h, RT_CSV_MAX_FIELDS, &lines, &f);
        if (n < 0) {
            char why[512];
            rt_csv_fail_text(&f, why, sizeof why);
            rt_err(err, 2, TR("%s:%u: header: %s", "%s:%u: dòng tiêu đề: %s"), s->path, start + f.line, why);
            free(h);
            return -1;
        }
    } while (n == 1 && h[0].n == 0 && p < end);
    /* Headers that name no column of any form, for a reason worth saying */
    const char *why = NULL;
    if (n == 1 && h[0].n == 0)
        why = TR("the file holds no header line, only blank lines; a submission starts with a header line naming its columns",
                 "tệp không có dòng tiêu đề, chỉ có dòng trống; tệp nộp phải bắt đầu bằng dòng tiêu đề ghi tên các cột");
    for (int j = 0; j < n && j < RT_CSV_MAX_FIELDS && !why; j++)
        if (memchr(h[j].p, '\r', h[j].n))
            why = TR("the lines end with a carriage return alone (CR, old Mac format); save the file with Windows (CRLF) or Unix (LF) line ends",
                     "các dòng kết thúc chỉ bằng ký tự CR (định dạng Mac cũ); hãy lưu tệp với kiểu xuống dòng Windows (CRLF) hoặc Unix (LF)");
    if (n == 1 && !why && (memchr(h[0].p, ';', h[0].n) || memchr(h[0].p, '\t', h[0].n)))
        why = TR("the header is one column holding ';' or tabs: the file is not separated by commas; save it as \"CSV UTF-8 (comma delimited)\"",
                 "dòng tiêu đề chỉ có một cột chứa ';' hoặc tab: tệp không phân tách bằng dấu phẩy; hãy lưu lại dưới dạng \"CSV UTF-8 (phân tách bằng dấu phẩy)\"");
    if (why) {
        rt_err(err, 2, "%s:%u: %s", s->path, lines ? lines : 1, why);
        free(h);
        return -1;
    }
    if (n > RT_CSV_MAX_FIELDS) {
        rt_err(err, 2, TR("%s:1: %d columns; at most %d are supported", "%s:1: %d cột; chỉ hỗ trợ tối đa %d"),
               s->path, n, RT_CSV_MAX_FIELDS);
        free(h);
        return -1;
    }
    /* The header must survive the buffer: copy the names. */
    rt_buf names = {0};
    for (int j = 0; j < n; j++) rt_buf_put(&names, h[j].p, h[j].n);
    size_t off = 0;
    static char no_names[1]; /* a header of empty names (",") copies nothing */
    for (int j = 0; j < n; j++) {
        h[j].p = names.p ? names.p + off : no_names;
        off += h[j].n;
    }
    int rc = map_header(s, h, (uint32_t)n, err);
    rt_buf_free(&names);
    free(h);
    if (rc) return -1;
    /* Push the rest back: it goes before what the reader already carries. */
    size_t rest = (size_t)(end - p);
    if (res.no_final_newline && rest) rest--; /* our sentinel */
    char *tmp = rt_xmalloc(rest + s->carry_n + 1);
    if (rest) memcpy(tmp, p, rest);
    if (s->carry_n) memcpy(tmp + rest, s->carry, s->carry_n);
    carry_set(s, tmp, rest + s->carry_n);
    free(tmp);
    if (s->carry_n == 0 && res.no_final_newline) s->eof = 1;
    s->next_seq = 0;
    s->lines_done = lines;
    return 0;
}

static uint8_t conv_of(const rg_field *f)
{
    if (f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) return CV_NONE;
    switch (f->type) {
    case RG_T_COUNT: return CV_COUNT;
    case RG_T_INTEGER: return CV_INTEGER;
    case RG_T_DECIMAL:
    case RG_T_MONEY:
    case RG_T_PERCENT:
    case RG_T_RATIO: return CV_DECIMAL;
    case RG_T_BOOL: return CV_BOOL;
    case RG_T_DATE: return CV_DATE;
    case RG_T_TEXT: return CV_TEXT;
    case RG_T_CODE: return CV_CODE;
    case RG_T_UNIT: return CV_UNIT;
    case RG_T_PERIOD: return CV_PERIOD;
    default: return CV_NONE;
    }
}

int rt_scan_file(const rt_scan_cfg *cfg, const char *path, rt_scan_stats *st, rt_error *err)
{
    /* XML instances: validated against the form's XSD, then scanned as CSV (xml.c) */
    if (rt_xml_is_xml(path)) return rt_xml_scan(cfg, path, st, err);
    scan s;
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.form = cfg->form;
    s.rg = cfg->rg;
    s.nf = cfg->form->n_fields;
    s.brows = RT_BATCH;
    if (s.nf > RT_BATCH_CELLS / RT_BATCH)
        s.brows = RT_BATCH_CELLS / s.nf / 64u * 64u < 64u ? 64u : RT_BATCH_CELLS / s.nf / 64u * 64u;
    s.bwords = s.brows / 64u;
    s.bstride = s.brows == RT_BATCH ? RT_STRIDE : s.brows + 24u;
    s.nr = cfg->form->n_rules;
    s.path = path;
    s.conv = rt_xmalloc(s.nf);
    for (uint32_t k = 0; k < s.nf; k++) s.conv[k] = conv_of(&s.form->fields[k]);
    if (!strcmp(path, "-")) {
        s.fd = 0;
        s.path = "<stdin>";
    } else {
        s.fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s.fd < 0) {
            rt_err(err, 2, TR("cannot open '%s': %s", "không mở được '%s': %s"), path, strerror(errno));
            free(s.conv);
            return -1;
        }
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(s.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    pthread_mutex_init(&s.rmu, NULL);
    pthread_mutex_init(&s.cmu, NULL);
    pthread_cond_init(&s.ccv, NULL);

    int nt = cfg->threads > 0 ? cfg->threads : 1;
    worker *ws = rt_xcalloc((size_t)nt, sizeof *ws);
    int rc = 0;
    /* The header decides the column map every worker needs. */
    s.ncsv = 0;
    {
        worker hw;
        memset(&hw, 0, sizeof hw);
        rc = read_header(&s, &hw, err);
        free(hw.buf);
    }
    if (rc == 0) {
        const rg_regime_desc *d = s.rg->desc;
        s.codes = rt_xcalloc(d->n_codelists ? d->n_codelists : 1, sizeof *s.codes);
        for (uint32_t c = 0; c < d->n_codelists; c++) codetab_build(&s.codes[c], &d->codelists[c], (int)c);
        if (cfg->units) {
            const rt_units *u = cfg->units;
            int t = s.form->unit_tier;
            uint32_t n = rt_units_count(u, t), cap = 16;
            s.units8_base = rt_units_base(u, t);
            while (cap < n * 2u + 2u) cap *= 2;
            s.units8.mask = cap - 1;
            s.units8.cl = -1;
            s.units8.e = rt_xmalloc(cap * sizeof *s.units8.e);
            for (uint32_t i = 0; i < cap; i++) s.units8.e[i].len = UINT32_MAX;
            s.units8_n = n;
            s.units8_key = rt_xcalloc(n ? n : 1, sizeof *s.units8_key);
            s.units8_len = rt_xcalloc(n ? n : 1, 1);
            for (uint32_t i = 0; i < n; i++) {
                const char *code = rt_units_code(u, s.units8_base + i);
                uint32_t l = (uint32_t)strlen(code);
                if (l > 8) continue; /* looked up in the string map */
                char pad[16] = {0};
                memcpy(pad, code, l);
                uint64_t k = key8(pad, l);
                s.units8_key[i] = k;
                s.units8_len[i] = (uint8_t)l;
                uint32_t j = key_slot(k, s.units8.mask);
                while (s.units8.e[j].len != UINT32_MAX) j = (j + 1) & s.units8.mask;
                s.units8.e[j].key = k;
                s.units8.e[j].len = l;
                s.units8.e[j].val = (int32_t)i;
            }
        }
        s.ci = rt_xcalloc(s.ncsv ? s.ncsv : 1, sizeof *s.ci);
        for (uint32_t j = 0; j < s.ncsv; j++) {
            colinfo *ci = &s.ci[j];
            ci->k = s.colmap[j];
            if (ci->k < 0) continue;
            const rg_field *fd = &s.form->fields[ci->k];
            ci->fd = fd;
            ci->conv = s.conv[ci->k];
            ci->required = (fd->flags & RG_FIELD_REQUIRED) != 0;
            ci->has_min = (fd->flags & RG_FIELD_HAS_MIN) != 0;
            ci->has_max = (fd->flags & RG_FIELD_HAS_MAX) != 0;
            ci->min = fd->min;
            ci->max = fd->max;
            ci->maxd = fd->max_digits;
            ci->scale = fd->scale;
            if (ci->conv == CV_CODE) ci->ct = &s.codes[fd->codelist];
            ci->keep_text = ci->conv == CV_TEXT || ci->conv == CV_CODE || ci->conv == CV_UNIT;
            if (ci->conv == CV_NONE) ci->k = -1;
            if (ci->conv == CV_COUNT && ci->maxd > 0 && ci->maxd <= 18) {
                int64_t top = 1;
                for (int x = 0; x < ci->maxd; x++) top *= 10;
                ci->count_fast = (!ci->has_min || ci->min <= 0) && (!ci->has_max || ci->max >= top - 1);
            }
        }
        /* No more workers than blocks to share (when the size is known). */
        struct stat sb;
        if (s.fd > 0 && fstat(s.fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
            uint64_t blocks = (uint64_t)sb.st_size / RT_BLOCK + 1;
            if ((uint64_t)nt > blocks) nt = (int)blocks;
        }
        pthread_t *th = rt_xcalloc((size_t)nt, sizeof *th);
        uint8_t *started = rt_xcalloc((size_t)nt, 1);
        for (int t = 0; t < nt; t++) worker_init(&s, &ws[t]);
        for (int t = 1; t < nt; t++) started[t] = pthread_create(&th[t], NULL, worker_main, &ws[t]) == 0;
        worker_main(&ws[0]);
        for (int t = 1; t < nt; t++)
            if (started[t]) pthread_join(th[t], NULL);
        free(th);
        free(started);
        for (int t = 0; t < nt; t++) {
            st->rows += ws[t].stats.rows;
            st->rows_err += ws[t].stats.rows_err;
            st->rows_warn += ws[t].stats.rows_warn;
            st->rows_bad_width += ws[t].stats.rows_bad_width;
            st->rows_overflow += ws[t].stats.rows_overflow;
            for (uint32_t r = 0; r < s.nr; r++) st->rule_fail[r] += ws[t].stats.rule_fail[r];
            worker_free(&ws[t]);
        }
        if (s.stop && s.err.status) {
            *err = s.err;
            rc = -1;
        }
        if (s.bad_width_seen > s.bw_warned)
            rt_warn(TR("%s: %llu rows in all have the wrong number of fields",
                       "%s: tổng cộng %llu dòng có số trường sai"),
                    s.path, (unsigned long long)s.bad_width_seen);
    }
    for (int i = 0; i < (int)RT_RING; i++)
        if (s.ring[i]) {
            rt_buf_free(&s.ring[i]->entries);
            rt_buf_free(&s.ring[i]->keys);
            free(s.ring[i]);
        }
    free(ws);
    if (s.codes)
        for (uint32_t c = 0; c < s.rg->desc->n_codelists; c++) free(s.codes[c].e);
    free(s.codes);
    free(s.units8.e);
    free(s.units8_key);
    free(s.units8_len);
    free(s.ci);
    free(s.carry);
    free(s.colmap);
    free(s.conv);
    pthread_mutex_destroy(&s.rmu);
    pthread_mutex_destroy(&s.cmu);
    pthread_cond_destroy(&s.ccv);
    if (s.fd > 0) close(s.fd);
    return rc;
}

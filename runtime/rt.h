/*
 * rt.h — internals shared by the modules of libregrt (not installed).
 */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "regrt.h"

#define RT_FMT(a, b) __attribute__((format(printf, a, b)))

/* Messages are translated at the call site: both arms are literals, so the
 * compiler checks each against the arguments. */
extern rt_lang rt_cur_lang;
#define TR(en, vi) (rt_cur_lang == RT_LANG_VI ? (vi) : (en))

void rt_err(rt_error *e, int status, const char *fmt, ...) RT_FMT(3, 4);
void rt_warn(const char *fmt, ...) RT_FMT(1, 2);
void rt_info(const char *fmt, ...) RT_FMT(1, 2);
extern int rt_quiet;

/* REGRT_TIMING=1 prints the time of each phase on stderr (for tuning). */
void rt_phase(const char *name);

void *rt_xmalloc(size_t n);
void *rt_xcalloc(size_t n, size_t size);
void *rt_xrealloc(void *p, size_t n);
char *rt_xstrndup(const char *s, size_t n);

/* ---- growable byte buffer ------------------------------------------------ */

typedef struct rt_buf {
    char *p;
    size_t n, cap;
} rt_buf;

void rt_buf_reserve(rt_buf *b, size_t extra);
void rt_buf_free(rt_buf *b);
void rt_buf_printf(rt_buf *b, const char *fmt, ...) RT_FMT(2, 3);
void rt_buf_i64(rt_buf *b, int64_t v);
/* A value as an RFC 4180 field: quoted only when it holds , " CR or LF. */
void rt_buf_csv(rt_buf *b, const char *s, size_t n);
/* A JSON string literal, quotes included. */
void rt_buf_json(rt_buf *b, const char *s, size_t n);

static inline void rt_buf_put(rt_buf *b, const void *s, size_t n)
{
    if (!n) return;
    if (b->cap - b->n < n) rt_buf_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static inline void rt_buf_ch(rt_buf *b, char c)
{
    if (b->n == b->cap) rt_buf_reserve(b, 1);
    b->p[b->n++] = c;
}
static inline void rt_buf_str(rt_buf *b, const char *s) { rt_buf_put(b, s, strlen(s)); }

/* Decimal digits of v into the end of a 24-byte buffer; returns the start. */
static inline char *rt_u64_digits(uint64_t v, char *end)
{
    char *p = end;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

/* ---- output files -------------------------------------------------------- */

/*
 * A buffered output written atomically: to PATH.tmp.XXXXXX, renamed over
 * PATH by rt_out_close only when every write succeeded. NULL or "-" is stdout.
 */
typedef struct rt_out {
    int fd;
    int err;      /* errno of the first failed write, 0 if none */
    char *path;   /* NULL for stdout */
    char *tmp;
    char *buf;
    size_t n, cap;
} rt_out;

int rt_out_open(rt_out *o, const char *path, rt_error *err);
void rt_out_flush(rt_out *o);
int rt_out_close(rt_out *o, rt_error *err); /* 0 or -1 (nothing renamed) */
void rt_out_abort(rt_out *o);                /* drops the temp file */

void rt_out_write_raw(rt_out *o, const void *s, size_t n); /* unbuffered */

static inline void rt_out_put(rt_out *o, const void *s, size_t n)
{
    if (!n) return;
    if (o->cap - o->n < n) {
        rt_out_flush(o);
        if (n > o->cap) {
            rt_out_write_raw(o, s, n);
            return;
        }
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
}

/* ---- string map ------------------------------------------------------------ */

/* Open addressing map from byte strings (not copied) to uint32 values. */
typedef struct rt_strmap {
    struct rt_strmap_slot {
        const char *key;
        uint32_t len;
        uint32_t val;
        uint64_t hash;
    } *slots;
    uint32_t cap, n;
} rt_strmap;

uint64_t rt_hash(const char *s, size_t n);
void rt_strmap_init(rt_strmap *m, uint32_t expected);
void rt_strmap_free(rt_strmap *m);
/* Inserts unless present; returns the value now stored for key. */
uint32_t rt_strmap_put(rt_strmap *m, const char *key, uint32_t len, uint32_t val);
/* Returns 1 and *val, or 0. */
int rt_strmap_get(const rt_strmap *m, const char *key, uint32_t len, uint32_t *val);

/* ---- string arena ---------------------------------------------------------- */

typedef struct rt_arena {
    struct rt_chunk *head;
} rt_arena;

char *rt_arena_strndup(rt_arena *a, const char *s, size_t n);
void rt_arena_free(rt_arena *a);

/* ---- CSV records ------------------------------------------------------------ */

typedef struct rt_span {
    char *p;
    uint32_t n;
} rt_span;

enum rt_csv_status {
    RT_CSV_OK = 0,
    RT_CSV_ENUL,      /* NUL byte */
    RT_CSV_EUTF8,     /* invalid UTF-8 */
    RT_CSV_EQUOTE,    /* quote inside an unquoted field */
    RT_CSV_EAFTERQ,   /* character after a closing quote */
    RT_CSV_EUNTERM    /* quoted field not closed before the end of the file */
};

typedef struct rt_csv_fail {
    int status;      /* rt_csv_status */
    uint32_t field;  /* 0-based field of the record */
    uint32_t line;   /* lines (LF) consumed before the failure, from the record start */
    unsigned byte;   /* the offending byte */
} rt_csv_fail;

/*
 * Parses one record at *pp. The data [*pp, end) must end with '\n' (a
 * sentinel the caller adds when the file does not), so that unquoted fields
 * are scanned without bound checks. Quoted fields are unescaped in place.
 * Stores up to max fields, returns the number of fields of the record (which
 * may be larger than max), or -1 with *f filled. *pp moves past the record's
 * terminator; *lines grows by the LFs consumed.
 */
#define RT_CSV_MAX_FIELDS 1024
/* Nonzero for the bytes that end or complicate an unquoted field:
 * , LF CR " NUL and every byte >= 0x80. */
extern const unsigned char rt_csv_stop[256];
int rt_csv_record(char **pp, char *end, rt_span *fields, int max, uint32_t *lines,
                  rt_csv_fail *f);
/* Length of the UTF-8 sequence at p (1..4), or 0 when invalid. */
int rt_utf8_len(const unsigned char *p, const unsigned char *end);
/* Describes a failure: "invalid UTF-8 (byte 0xff)" + a hint on how to fix it. */
void rt_csv_fail_text(const rt_csv_fail *f, char *buf, size_t n);
/* Whether a file starts with a UTF-8 byte order mark. */
#define RT_BOM "\xEF\xBB\xBF"

/* ---- regime ------------------------------------------------------------ */

struct rt_regime {
    void *dl;
    const rg_regime_desc *desc;
    char *path;
    rt_strmap *codes; /* one per code list */
};

/* Structural checks of a descriptor (indexes in range, kernels present). */
int rt_desc_check(const rg_regime_desc *d, rt_error *err);

/* ---- units ------------------------------------------------------------------ */

/* The parent of every unit (global indexes; -1 at the top), for loops. */
const int32_t *rt_units_parents(const rt_units *u);

/* ---- holidays path ---------------------------------------------------------- */

/* Resolves the holiday file: explicit path, REGIME_PATH/data/<name>_holidays.csv,
 * <dir of argv0>/../../stdlib/data/<name>_holidays.csv. NULL when none exists. */
char *rt_holidays_path(const char *explicit_path, const char *name, const char *argv0);
/* Appends data for a text report: control characters escaped (report.c). */
void rt_buf_text(rt_buf *b, const char *p, size_t n);
/* Years covered by a holiday calendar (its first and last day's), or -1. */
int rt_holidays_range(const rt_holidays *h, int *y0, int *y1);
/* Deadline `dl` after the cut-off end `after`; a working-day deadline that
 * counts days outside the calendar's years is an error (-1, status 2), or
 * a warning under --allow-unknown-holidays. */
int rt_deadline_for(const rt_opts *o, const rt_holidays *h, const char *hpath, int64_t after,
                    const rg_deadline *dl, const char *tier, const char *period, int64_t *due, rt_error *err);
/* DIR/data/FILE in $REGIME_PATH or the stdlib beside regrt, or NULL. */
char *rt_data_file_path(const char *file, const char *argv0);
/* The tiers' default units file recorded in the manifest beside LIB (or a
 * file of that name in the data folders when it moved), or NULL (malloc'd). */
char *rt_units_default(const char *lib, const char *argv0);
/* Refuses (-1, status 2) an output that is an input or the other output,
 * by file identity; units = the units file that will be read. */
int rt_paths_check(const rt_opts *o, const char *units, rt_error *err);
/* Advisory locks on the outputs' folders (waits for another run). */
int rt_outputs_lock(const rt_opts *o, rt_error *err);
void rt_outputs_unlock(void);

/* The holiday calendar of a regime for a command (see rt_holidays_path);
 * an empty calendar, with a warning, when none is found. *path_out is the
 * file used or NULL (caller frees). */
rt_holidays *rt_holidays_for(const rt_opts *o, const rg_regime_desc *d, char **path_out,
                             rt_error *err);

#endif /* RT_H */

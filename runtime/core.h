/*
 * core.h — the shared core of regc and libregrt (not installed).
 *
 * One implementation, used by the compiler and the runtime alike, of what
 * both need to agree on to the last digit:
 *   - exact decimals: parse, format, rescale and add with overflow checked
 *     (core_dec.c; the parsers and rt_format_scaled are also public, regrt.h);
 *   - civil dates and reporting periods (core_date.c; public, regrt.h);
 *   - RFC 4180 CSV records and UTF-8 checking (core_csv.c);
 *   - growable string buffers and allocation (core_buf.c);
 *   - outputs that report write errors: rt_out (atomic files, stdout) and
 *     rt_stdout_close for what was written through stdio (core_out.c).
 * The modules live in runtime/ and are compiled into libregrt; regc links
 * libregrt, so there is no second copy. The names keep the rt_ prefix of
 * the library they come from.
 *
 * Nothing here calls exit(): errors are returned. The one exception to
 * "errors are returned" is running out of memory, which prints a message
 * and aborts (rt_xmalloc).
 */
#ifndef RT_CORE_H
#define RT_CORE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "regrt.h"

#define RT_FMT(a, b) __attribute__((format(printf, a, b)))

/* ---- memory ---------------------------------------------------------------- */

/* Allocation that does not return NULL: on failure it prints
 * "out of memory" and aborts (never exit(): the host program's atexit
 * handlers and stdio buffers are not run on a half-built state). */
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
void rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap) RT_FMT(2, 0);
/* The content as a C string: NUL-terminated in place (the NUL is not counted
 * in n), valid until the next change of b. */
const char *rt_buf_cstr(rt_buf *b);
/* The content as a malloc'd C string (never NULL); b is left empty. */
char *rt_buf_take(rt_buf *b);
/* A malloc'd printf (never NULL). */
char *rt_xasprintf(const char *fmt, ...) RT_FMT(1, 2);
char *rt_xvasprintf(const char *fmt, va_list ap) RT_FMT(1, 0);
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

/* ---- exact decimals ---------------------------------------------------------- */

/* 10^k for k in 0..18. */
extern const int64_t rt_pow10[19];

/* a + b, a * b, v * 10^k into *out; 0, or -1 when the result is outside int64
 * (*out is then unchanged). */
int rt_add_i64(int64_t a, int64_t b, int64_t *out);
int rt_mul_i64(int64_t a, int64_t b, int64_t *out);
/* v/10^from as a value of scale `to` (0..18 each). Going down, the dropped
 * decimals must be zero: -1 when they are not or when the result overflows. */
int rt_dec_rescale(int64_t v, int from, int to, int64_t *out);
/* Compares a/10^sa with b/10^sb exactly (no overflow): -1, 0 or 1. */
int rt_dec_cmp(int64_t a, int sa, int64_t b, int sb);
/*
 * A decimal literal as written in a spec: digits[.digits], no sign. Stores
 * the value and its scale (the number of decimals written). Returns 0, or -1
 * when it is malformed, has more than 18 decimals or does not fit int64.
 */
int rt_dec_parse_literal(const char *s, size_t len, int64_t *value, int *scale);
/* rt_format_scaled into a NUL-terminated buffer of at least 48 bytes. */
char *rt_dec_str(int64_t v, int scale, char *buf);

/* ---- text of dates ----------------------------------------------------------- */

/* Writes YYYY-MM-DD (years 0000-9999, else xxxx-xx-xx) and a NUL: 11 bytes. */
/* (rt_date_format, regrt.h) */

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
#define RT_CSV_MAX_FIELDS 8192 /* columns of a submission: E0420 in regc */
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

/* ---- standard output -------------------------------------------------------- */

/*
 * Flushes and closes stdout and says whether everything written to it
 * through stdio arrived: 0, or -1 with err filled (status 2, en/vi message:
 * "cannot write the standard output: No space left on device"). Commands
 * call it last, so that `regc fmt - > /dev/full` fails instead of exiting 0
 * with the output lost.
 */
int rt_stdout_close(rt_error *err);

#endif /* RT_CORE_H */

/*
 * core_csv.c — RFC 4180 records and UTF-8 checking (shared core, core.h):
 * the tokenizer of every CSV reader of regc and libregrt.
 */
#include "rt.h"

/* Bytes that stop the scan of an unquoted field: , LF CR " NUL and every
 * byte of a multi-byte UTF-8 sequence (checked on the slow path). */
const unsigned char rt_csv_stop[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1,
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
    [0x80] = R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
#undef R16
};

int rt_utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0; /* continuation byte or overlong 2-byte lead */
    if (c < 0xE0) {
        if (end - p < 2 || (p[1] & 0xC0) != 0x80) return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && p[1] >= 0xA0) return 0; /* UTF-16 surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && p[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

int rt_csv_record(char **pp, char *end_, rt_span *fs, int max, uint32_t *lines, rt_csv_fail *f)
{
    unsigned char *p = (unsigned char *)*pp;
    const unsigned char *end = (const unsigned char *)end_;
    int nf = 0;
    uint32_t nl = 0;
    for (;;) {
        unsigned char *s = p;
        uint32_t len;
        if (*p == '"') {
            /* Quoted: unescape in place, the content slides to the left. */
            unsigned char *w = p;
            uint32_t nl0 = nl;
            p++;
            for (;;) {
                if (p >= end) {
                    f->status = RT_CSV_EUNTERM;
                    nl = nl0; /* say where the field opened */
                    goto fail;
                }
                unsigned c = *p;
                if (c == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (c == '\n') nl++;
                if (c == 0) {
                    f->status = RT_CSV_ENUL;
                    f->byte = 0;
                    goto fail;
                }
                if (c >= 0x80) {
                    int k = rt_utf8_len(p, end);
                    if (!k) {
                        f->status = RT_CSV_EUTF8;
                        f->byte = c;
                        goto fail;
                    }
                    memmove(w, p, (size_t)k);
                    w += k;
                    p += k;
                    continue;
                }
                *w++ = (unsigned char)c;
                p++;
            }
            len = (uint32_t)(w - s);
            /* The data ends with LF, so p < end here unless the closing quote
             * was the final byte, which the sentinel rules out. */
            if (p >= end || !(*p == ',' || *p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))) {
                f->status = RT_CSV_EAFTERQ;
                f->byte = p < end ? *p : 0;
                goto fail;
            }
        } else {
            for (;;) {
                while (!rt_csv_stop[*p]) p++;
                unsigned c = *p;
                if (c == ',' || c == '\n') break;
                if (c == '\r') {
                    if (p[1] == '\n') break;
                    p++; /* a lone CR is data */
                    continue;
                }
                if (c == '"') {
                    f->status = RT_CSV_EQUOTE;
                    f->byte = c;
                    goto fail;
                }
                if (c == 0) {
                    f->status = RT_CSV_ENUL;
                    f->byte = 0;
                    goto fail;
                }
                int k = rt_utf8_len(p, end);
                if (!k) {
                    f->status = RT_CSV_EUTF8;
                    f->byte = c;
                    goto fail;
                }
                p += k;
            }
            len = (uint32_t)(p - s);
        }
        if (nf < max) {
            fs[nf].p = (char *)s;
            fs[nf].n = len;
        }
        nf++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\r') p++;
        p++; /* LF */
        nl++;
        break;
    }
    *pp = (char *)p;
    *lines += nl;
    return nf;
fail:
    f->field = (uint32_t)nf;
    f->line = nl;
    return -1;
}


/* diag.c — collecting and printing diagnostics. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void diag_init(diag_ctx *d, src_manager *sm, diag_lang lang)
{
    memset(d, 0, sizeof *d);
    d->sm = sm;
    d->lang = lang;
    d->max_errors = 1000;
}

void diag_free(diag_ctx *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->items[i].message);
        for (int h = 0; h < d->items[i].n_hints; h++)
            free(d->items[i].hints[h]);
        free(d->items[i].hints);
    }
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}

/* A word (a run without blanks) longer than this in a message is shown by
 * its start and its end: a spec may hold a name or a number of a megabyte,
 * and the message must stay one readable line (the excerpt and the caret
 * show where it is). Paths stay whole up to this length. */
enum { DIAG_WORD_MAX = 200, DIAG_WORD_HEAD = 96, DIAG_WORD_TAIL = 32 };

static void elide_long_words(char *s)
{
    char *w = s;
    for (const char *p = s; *p;) {
        if (*p == ' ') {
            *w++ = *p++;
            continue;
        }
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        size_t n = (size_t)(e - p);
        if (n <= DIAG_WORD_MAX) {
            memmove(w, p, n);
            w += n;
        } else {
            /* cut on UTF-8 character boundaries */
            size_t h = DIAG_WORD_HEAD, t = n - DIAG_WORD_TAIL;
            while (h > 0 && ((unsigned char)p[h] & 0xC0) == 0x80)
                h--;
            while (t < n && ((unsigned char)p[t] & 0xC0) == 0x80)
                t++;
            memmove(w, p, h);
            w += h;
            memcpy(w, "...", 3);
            w += 3;
            memmove(w, p + t, n - t);
            w += n - t;
        }
        p = e;
    }
    *w = '\0';
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *s = malloc((size_t)n + 1);
    if (!s)
        abort();
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    if ((size_t)n > DIAG_WORD_MAX)
        elide_long_words(s);
    return s;
}

diag_item *diag(diag_ctx *d, const char *code, src_loc loc, ...)
{
    const char *fmt = diag_format(code, d->lang);
    if (!fmt)
        fmt = "internal error: unknown diagnostic";
    diag_sev sev = code[0] == 'W' ? DIAG_WARNING : DIAG_ERROR;
    if (sev == DIAG_ERROR)
        d->n_errors++;
    else
        d->n_warnings++;
    if (d->n_errors > d->max_errors)
        return NULL;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = realloc(d->items, (size_t)d->cap * sizeof *d->items);
        if (!d->items)
            abort();
    }
    diag_item *it = &d->items[d->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->code, sizeof it->code, "%s", code);
    it->sev = sev;
    it->loc = loc;
    va_list ap;
    va_start(ap, loc);
    it->message = vformat(fmt, ap);
    va_end(ap);
    return it;
}

void diag_hint(diag_ctx *d, const char *hint_id, ...)
{
    if (d->n == 0 || d->n_errors > d->max_errors)
        return;
    diag_item *it = &d->items[d->n - 1];
    const char *fmt = diag_format(hint_id, d->lang);
    if (!fmt)
        return;
    it->hints = realloc(it->hints, (size_t)(it->n_hints + 1) * sizeof *it->hints);
    if (!it->hints)
        abort();
    va_list ap;
    va_start(ap, hint_id);
    it->hints[it->n_hints++] = vformat(fmt, ap);
    va_end(ap);
}

int diag_has_errors(const diag_ctx *d)
{
    return d->n_errors > 0 || (d->werror && d->n_warnings > 0);
}

static int cmp_item(const diag_item *a, const diag_item *b)
{
    int fa = a->loc.file < 0 ? 0x7fffffff : a->loc.file, fb = b->loc.file < 0 ? 0x7fffffff : b->loc.file;
    if (fa != fb)
        return fa < fb ? -1 : 1;
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col)
        return a->loc.col < b->loc.col ? -1 : 1;
    return 0;
}

void diag_sort(diag_ctx *d)
{
    /* bottom-up merge sort: stable, O(n log n) */
    if (d->n < 2)
        return;
    diag_item *tmp = malloc(sizeof *tmp * (size_t)d->n);
    if (!tmp)
        abort();
    diag_item *src = d->items, *dst = tmp;
    for (int w = 1; w < d->n; w *= 2) {
        for (int lo = 0; lo < d->n; lo += 2 * w) {
            int mid = lo + w < d->n ? lo + w : d->n, hi = lo + 2 * w < d->n ? lo + 2 * w : d->n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = cmp_item(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        diag_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != d->items)
        memcpy(d->items, src, sizeof *tmp * (size_t)d->n);
    free(tmp);
}

/* One character of a source line as printed in an excerpt: a well-formed
 * UTF-8 character is printed as is (one column; combining marks and the
 * byte order mark none), a tab as a space, anything else (control bytes,
 * NUL, invalid UTF-8) as '?', so the excerpt is clean text and the caret
 * lines up. Returns the bytes consumed. */
static size_t excerpt_char(const unsigned char *s, size_t n, const unsigned char **out, size_t *out_len, int *width)
{
    static const unsigned char q = '?', sp = ' ';
    unsigned char b = s[0];
    *width = 1;
    if (b == '\t') {
        *out = &sp;
        *out_len = 1;
        return 1;
    }
    if (b < 0x20 || b == 0x7f) {
        *out = &q;
        *out_len = 1;
        return 1;
    }
    if (b < 0x80) {
        *out = s;
        *out_len = 1;
        return 1;
    }
    size_t len = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0;
    uint32_t cp = len == 2 ? b & 0x1Fu : len == 3 ? b & 0x0Fu : b & 0x07u;
    int ok = len && len <= n;
    for (size_t k = 1; ok && k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            ok = 0;
        else
            cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF)))
        ok = 0;
    if (!ok) {
        *out = &q;
        *out_len = 1;
        return 1;
    }
    if ((cp >= 0x300 && cp <= 0x36F) || cp == 0xFEFF || cp == 0x200B)
        *width = 0;
    *out = s;
    *out_len = cp == 0xFEFF ? 0 : len;
    return len;
}

/* Display column (0-based) of byte offset `off` of the line. */
static int display_col(const char *line, size_t len, size_t off)
{
    int col = 0;
    for (size_t i = 0; i < off && i < len;) {
        const unsigned char *o;
        size_t ol;
        int w;
        i += excerpt_char((const unsigned char *)line + i, len - i, &o, &ol, &w);
        col += w;
    }
    return col;
}

enum { EXCERPT_WIDTH = 140, EXCERPT_BEFORE = 50 };

static void print_excerpt(const diag_ctx *d, FILE *out, const diag_item *it)
{
    size_t len;
    const char *line = src_line(d->sm, it->loc.file, it->loc.line, &len);
    if (!line)
        return;
    size_t c0 = it->loc.col > 0 ? (size_t)it->loc.col - 1 : 0;
    if (c0 > len)
        c0 = len;
    size_t c1 = it->loc.end_line == it->loc.line && it->loc.end_col >= it->loc.col ? (size_t)it->loc.end_col
                                                                                     : len;
    if (c1 > len)
        c1 = len;
    if (c1 <= c0)
        c1 = c0 + 1;
    int d0 = display_col(line, len, c0), d1 = display_col(line, len, c1);
    int total = display_col(line, len, len);
    if (d1 <= d0)
        d1 = d0 + 1;
    /* a long line is shown as a window around the start of the span */
    int from = 0, to = total;
    if (total > EXCERPT_WIDTH) {
        from = d0 > EXCERPT_BEFORE ? d0 - EXCERPT_BEFORE : 0;
        to = from + EXCERPT_WIDTH < total ? from + EXCERPT_WIDTH : total;
    }
    char num[16];
    int nw = snprintf(num, sizeof num, "%d", it->loc.line);
    fprintf(out, " %s | %s", num, from > 0 ? "..." : "");
    int col = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *o;
        size_t ol;
        int w;
        i += excerpt_char((const unsigned char *)line + i, len - i, &o, &ol, &w);
        if (col >= from && col + w <= to)
            fwrite(o, 1, ol, out);
        col += w;
    }
    fprintf(out, "%s\n", to < total ? "..." : "");
    int pad = d0 - from + (from > 0 ? 3 : 0);
    int w = (d1 < to ? d1 : to) - d0;
    if (w < 1)
        w = 1;
    fprintf(out, " %*s | %*s^", nw, "", pad, "");
    for (int i = 1; i < w; i++)
        fputc('~', out);
    fputc('\n', out);
}

void diag_print_text(const diag_ctx *d, FILE *out, int color)
{
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    for (int i = 0; i < d->n; i++) {
        const diag_item *it = &d->items[i];
        const src_file *f = src_get(d->sm, it->loc.file);
        const char *sev = it->sev == DIAG_ERROR ? (d->lang == DIAG_VI ? "lỗi" : "error")
                                                : (d->lang == DIAG_VI ? "cảnh báo" : "warning");
        const char *sc = !color ? "" : it->sev == DIAG_ERROR ? "\033[1;31m" : "\033[1;35m";
        if (f)
            fprintf(out, "%s%s:%d:%d:%s ", bold, f->path, it->loc.line, it->loc.col, reset);
        fprintf(out, "%s%s[%s]%s: %s%s%s\n", sc, sev, it->code, reset, bold, it->message, reset);
        if (f)
            print_excerpt(d, out, it);
        for (int h = 0; h < it->n_hints; h++)
            fprintf(out, "  = %s: %s\n", d->lang == DIAG_VI ? "gợi ý" : "hint", it->hints[h]);
    }
    if (d->n_errors || d->n_warnings) {
        if (d->lang == DIAG_VI)
            fprintf(out, "%d lỗi, %d cảnh báo\n", d->n_errors, d->n_warnings);
        else
            fprintf(out, "%d error%s, %d warning%s\n", d->n_errors, d->n_errors == 1 ? "" : "s",
                    d->n_warnings, d->n_warnings == 1 ? "" : "s");
    }
}

void json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20) {
                fprintf(out, "\\u%04x", *p);
            } else if (*p < 0x80) {
                fputc(*p, out);
            } else {
                /* JSON is UTF-8: a byte that starts no valid character (a
                 * path or a name in another encoding) becomes U+FFFD */
                const unsigned char *o;
                size_t ol;
                int w;
                size_t n = excerpt_char(p, strlen((const char *)p), &o, &ol, &w);
                if (o == p)
                    fwrite(p, 1, n, out);
                else
                    fputs("\\ufffd", out);
                p += n - 1;
            }
        }
    }
    fputc('"', out);
}

/* Writes the items of d as JSON objects; *first tracks the separator. */
static void json_items(const diag_ctx *d, FILE *out, int *first)
{
    for (int i = 0; i < d->n; i++) {
        const diag_item *it = &d->items[i];
        const src_file *f = src_get(d->sm, it->loc.file);
        fputs(*first ? "\n" : ",\n", out);
        *first = 0;
        fputs("{\"file\":", out);
        json_write_string(out, f ? f->path : "");
        fprintf(out, ",\"line\":%d,\"column\":%d,\"end_line\":%d,\"end_column\":%d,", it->loc.line,
                it->loc.col, it->loc.end_line, it->loc.end_col);
        fprintf(out, "\"severity\":\"%s\",\"code\":\"%s\",\"message\":",
                it->sev == DIAG_ERROR ? "error" : "warning", it->code);
        json_write_string(out, it->message);
        fputs(",\"hints\":[", out);
        for (int h = 0; h < it->n_hints; h++) {
            if (h)
                fputc(',', out);
            json_write_string(out, it->hints[h]);
        }
        fputs("]}", out);
    }
}

void diag_print_json_multi(const diag_ctx *const *ds, int n, FILE *out)
{
    int first = 1, errors = 0, warnings = 0;
    fputs("{\"diagnostics\":[", out);
    for (int k = 0; k < n; k++) {
        json_items(ds[k], out, &first);
        errors += ds[k]->n_errors;
        warnings += ds[k]->n_warnings;
    }
    fprintf(out, "\n],\"errors\":%d,\"warnings\":%d}\n", errors, warnings);
}

void diag_print_json(const diag_ctx *d, FILE *out) { diag_print_json_multi(&d, 1, out); }

/* Levenshtein distance, capped: names are short. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int c = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < c)
                c = prev[j] + 1;
            if (cur[j - 1] + 1 < c)
                c = cur[j - 1] + 1;
            cur[j] = c;
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

const char *diag_closest(const char *word, const char *const *cands, int n)
{
    const char *best = NULL;
    int bd = 99;
    size_t wl = strlen(word);
    int limit = wl <= 3 ? 1 : wl <= 6 ? 2 : 3;
    for (int i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        int dd = edit_distance(word, cands[i]);
        if (dd < bd && dd <= limit) {
            bd = dd;
            best = cands[i];
        }
    }
    return best;
}

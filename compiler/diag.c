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

/* Width in columns of the UTF-8 bytes [s, s+n): one per code point. */
static int utf8_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w++;
    return w;
}

static void print_excerpt(const diag_ctx *d, FILE *out, const diag_item *it)
{
    size_t len;
    const char *line = src_line(d->sm, it->loc.file, it->loc.line, &len);
    if (!line)
        return;
    char num[16];
    int nw = snprintf(num, sizeof num, "%d", it->loc.line);
    fprintf(out, " %s | ", num);
    for (size_t i = 0; i < len; i++)
        fputc(line[i] == '\t' ? ' ' : line[i], out);
    fputc('\n', out);
    fprintf(out, " %*s | ", nw, "");
    size_t c0 = it->loc.col > 0 ? (size_t)it->loc.col - 1 : 0;
    if (c0 > len)
        c0 = len;
    size_t c1 = it->loc.end_line == it->loc.line && it->loc.end_col >= it->loc.col
                    ? (size_t)it->loc.end_col
                    : len;
    if (c1 > len)
        c1 = len;
    if (c1 <= c0)
        c1 = c0 + 1;
    int pad = utf8_width(line, c0);
    int w = c0 < len ? utf8_width(line + c0, c1 - c0) : 1;
    if (w < 1)
        w = 1;
    fprintf(out, "%*s^", pad, "");
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
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void diag_print_json(const diag_ctx *d, FILE *out)
{
    fputs("{\"diagnostics\":[", out);
    for (int i = 0; i < d->n; i++) {
        const diag_item *it = &d->items[i];
        const src_file *f = src_get(d->sm, it->loc.file);
        fputs(i ? ",\n" : "\n", out);
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
    fprintf(out, "\n],\"errors\":%d,\"warnings\":%d}\n", d->n_errors, d->n_warnings);
}

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

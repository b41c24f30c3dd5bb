/*
 * csv.c — a whole-file CSV reader for small files (unit lists, holidays),
 * and the text of tokenizer failures. Records are split by the shared
 * tokenizer (core_csv.c), which submissions (scan.c) and the compiler's
 * code lists use too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

void rt_csv_fail_text(const rt_csv_fail *f, char *buf, size_t n)
{
    switch (f->status) {
    case RT_CSV_ENUL:
        snprintf(buf, n, "%s",
                 TR("NUL byte in the data; this is not a text CSV file (re-export it as UTF-8 CSV)",
                    "có byte NUL trong dữ liệu; đây không phải tệp CSV dạng văn bản (hãy xuất lại dưới dạng CSV UTF-8)"));
        break;
    case RT_CSV_EUTF8:
        snprintf(buf, n,
                 TR("invalid UTF-8 (byte 0x%02x); save the file as UTF-8 (not Windows-1258 or TCVN3)",
                    "UTF-8 không hợp lệ (byte 0x%02x); hãy lưu tệp dưới dạng UTF-8 (không phải Windows-1258 hay TCVN3)"),
                 f->byte);
        break;
    case RT_CSV_EQUOTE:
        snprintf(buf, n, "%s",
                 TR("quote (\") inside an unquoted field; quote the whole field and double the quote (\"\")",
                    "dấu nháy kép (\") nằm trong trường không được bao nháy; hãy bao cả trường trong nháy kép và nhân đôi dấu nháy (\"\")"));
        break;
    case RT_CSV_EAFTERQ:
        snprintf(buf, n,
                 TR("unexpected character 0x%02x after a closing quote; a quoted field must end at , or the end of the line",
                    "ký tự 0x%02x không hợp lệ sau dấu nháy đóng; trường bao nháy phải kết thúc ở dấu , hoặc cuối dòng"),
                 f->byte);
        break;
    case RT_CSV_EUNTERM:
        snprintf(buf, n, "%s",
                 TR("quoted field is not closed before the end of the file (unbalanced \"); the file may be truncated",
                    "trường bao nháy không được đóng trước khi hết tệp (thiếu dấu \"); tệp có thể bị cắt cụt"));
        break;
    default:
        snprintf(buf, n, "?");
    }
}

/* ---- whole-file reader --------------------------------------------------- */

struct rt_csv {
    char *name;
    char *data; /* the file, with a final LF sentinel */
    char *p, *end;
    uint64_t line;      /* line of the next record */
    uint64_t rec_line;  /* line of the current record */
    rt_span *f;
    uint32_t nf, cap;
    char **header; /* names of the first record's fields, for messages */
    uint32_t n_header;
};

static rt_csv *csv_from_buffer(const char *name, char *data, size_t len)
{
    rt_csv *c = rt_xcalloc(1, sizeof *c);
    c->name = rt_xstrndup(name, strlen(name));
    c->data = data;
    c->p = data;
    if (len >= 3 && !memcmp(data, RT_BOM, 3)) c->p += 3;
    if (len == 0 || data[len - 1] != '\n') data[len++] = '\n';
    c->end = data + len;
    if (c->p == c->end - 1 && len == 1) c->end = c->p; /* empty file */
    c->line = 1;
    c->cap = RT_CSV_MAX_FIELDS;
    c->f = rt_xmalloc(c->cap * sizeof *c->f);
    return c;
}

rt_csv *rt_csv_open_mem(const char *name, const char *data, size_t len, rt_error *err)
{
    (void)err;
    char *d = rt_xmalloc(len + 1);
    memcpy(d, data, len);
    return csv_from_buffer(name, d, len);
}

rt_csv *rt_csv_open(const char *path, rt_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rt_err(err, 2, TR("cannot open '%s': %s", "không mở được '%s': %s"), path, strerror(errno));
        return NULL;
    }
    struct stat st;
    size_t cap = 1 << 16, len = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size + 1 > cap)
        cap = (size_t)st.st_size + 1;
    char *d = rt_xmalloc(cap);
    for (;;) {
        if (cap - len < 2) {
            cap *= 2;
            d = rt_xrealloc(d, cap);
        }
        ssize_t k = read(fd, d + len, cap - len - 1);
        if (k < 0) {
            if (errno == EINTR) continue;
            rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), path,
                   strerror(errno));
            free(d);
            close(fd);
            return NULL;
        }
        if (k == 0) break;
        len += (size_t)k;
    }
    close(fd);
    return csv_from_buffer(path, d, len);
}

int rt_csv_next(rt_csv *c, rt_error *err)
{
    for (;;) {
        if (c->p >= c->end) return 0;
        c->rec_line = c->line;
        uint32_t lines = 0;
        rt_csv_fail f;
        int n = rt_csv_record(&c->p, c->end, c->f, (int)c->cap, &lines, &f);
        if (n > (int)c->cap) {
            rt_err(err, 2, TR("%s:%llu: %d fields in one record; at most %u are supported",
                              "%s:%llu: một bản ghi có %d trường; chỉ hỗ trợ tối đa %u"),
                   c->name, (unsigned long long)c->rec_line, n, c->cap);
            return -1;
        }
        if (n < 0) {
            char why[512];
            rt_csv_fail_text(&f, why, sizeof why);
            if (c->header && f.field < c->n_header)
                rt_err(err, 2, TR("%s:%llu: column '%s': %s", "%s:%llu: cột '%s': %s"), c->name,
                       (unsigned long long)(c->rec_line + f.line), c->header[f.field], why);
            else
                rt_err(err, 2, TR("%s:%llu: field %u: %s", "%s:%llu: trường %u: %s"), c->name,
                       (unsigned long long)(c->rec_line + f.line), f.field + 1, why);
            return -1;
        }
        c->line += lines;
        c->nf = (uint32_t)n;
        for (uint32_t i = 0; i < c->nf; i++) c->f[i].p[c->f[i].n] = 0;
        if (c->nf == 1 && c->f[0].n == 0) continue; /* blank line */
        if (!c->header) {
            c->n_header = c->nf;
            c->header = rt_xmalloc(c->nf * sizeof *c->header);
            for (uint32_t i = 0; i < c->nf; i++) c->header[i] = rt_xstrndup(c->f[i].p, c->f[i].n);
        }
        return 1;
    }
}

uint32_t rt_csv_nfields(const rt_csv *c) { return c->nf; }

const char *rt_csv_field(const rt_csv *c, uint32_t i, uint32_t *len)
{
    if (i >= c->nf) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = c->f[i].n;
    return c->f[i].p;
}

uint64_t rt_csv_line(const rt_csv *c) { return c->rec_line; }

void rt_csv_close(rt_csv *c)
{
    if (!c) return;
    for (uint32_t i = 0; i < c->n_header; i++) free(c->header[i]);
    free(c->header);
    free(c->f);
    free(c->data);
    free(c->name);
    free(c);
}

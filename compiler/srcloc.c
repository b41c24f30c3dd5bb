/* srcloc.c — the source manager. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "srcloc.h"

void src_init(src_manager *sm) { memset(sm, 0, sizeof *sm); }

void src_free(src_manager *sm)
{
    for (int i = 0; i < sm->n; i++) {
        free(sm->files[i].path);
        free(sm->files[i].text);
        free(sm->files[i].line);
    }
    free(sm->files);
    memset(sm, 0, sizeof *sm);
}

int src_add(src_manager *sm, const char *path, const char *text, size_t len)
{
    if (sm->n == sm->cap) {
        int cap = sm->cap ? sm->cap * 2 : 8;
        src_file *f = realloc(sm->files, (size_t)cap * sizeof *f);
        if (!f)
            return -1;
        sm->files = f;
        sm->cap = cap;
    }
    src_file *f = &sm->files[sm->n];
    f->path = strdup(path);
    f->text = malloc(len + 1);
    if (!f->path || !f->text) {
        free(f->path);
        free(f->text);
        return -1;
    }
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;
    int n = 1;
    for (const char *p = f->text; (p = memchr(p, '\n', (size_t)(f->text + len - p))); p++)
        n++;
    f->line = malloc(sizeof *f->line * (size_t)n);
    if (!f->line) {
        free(f->path);
        free(f->text);
        return -1;
    }
    f->n_lines = 0;
    f->line[f->n_lines++] = 0;
    for (const char *p = f->text; (p = memchr(p, '\n', (size_t)(f->text + len - p))); p++)
        f->line[f->n_lines++] = (size_t)(p + 1 - f->text);
    return sm->n++;
}

/* Specs are small; refuse anything absurd instead of exhausting memory. */
#define SRC_MAX_BYTES (64u << 20)

int src_load(src_manager *sm, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp); /* a folder opens, then reads as EIO: say what it is */
        errno = EISDIR;
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 65536;
            if (cap > SRC_MAX_BYTES + 65536) {
                free(buf);
                fclose(fp);
                errno = EFBIG;
                return -1;
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(fp);
                errno = ENOMEM;
                return -1;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        free(buf);
        errno = EIO;
        return -1;
    }
    int id = src_add(sm, path, buf ? buf : "", len);
    free(buf);
    return id;
}

const src_file *src_get(const src_manager *sm, int id)
{
    return id >= 0 && id < sm->n ? &sm->files[id] : NULL;
}

const char *src_line_start(const src_manager *sm, int id, int line)
{
    const src_file *f = src_get(sm, id);
    if (!f || line < 1 || line > f->n_lines)
        return NULL;
    return f->text + f->line[line - 1];
}

const char *src_line(const src_manager *sm, int id, int line, size_t *len)
{
    const src_file *f = src_get(sm, id);
    *len = 0;
    const char *p = src_line_start(sm, id, line);
    if (!p)
        return NULL;
    const char *end = f->text + f->len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n && p[n - 1] == '\r')
        n--;
    *len = n;
    return p;
}

src_loc src_span(src_loc a, src_loc b)
{
    src_loc r = a;
    r.end_line = b.end_line;
    r.end_col = b.end_col;
    return r;
}

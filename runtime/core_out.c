/* core_out.c — outputs that report write errors (shared core, core.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

/* ---- rt_out -------------------------------------------------------------- */

#define RT_OUT_CAP (1u << 20)

int rt_out_open(rt_out *o, const char *path, rt_error *err)
{
    memset(o, 0, sizeof *o);
    o->cap = RT_OUT_CAP;
    if (!path || !strcmp(path, "-")) {
        o->fd = 1;
        o->buf = rt_xmalloc(o->cap);
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device, a FIFO or a socket (/dev/null, /dev/full, a pipe) is
         * written in place: a temporary file renamed over it would replace
         * the device node (as root) or fail (in a read-only folder). */
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            rt_err(err, 2, TR("cannot write '%s': %s", "không ghi được '%s': %s"), path, strerror(errno));
            return -1;
        }
        o->path = rt_xstrndup(path, strlen(path));
        o->buf = rt_xmalloc(o->cap);
        return 0;
    }
    /* Through a symlink to its target, so that the rename replaces the
     * file, not the link (/dev/stdout -> /proc/self/fd/1 -> the file). */
    char *real = realpath(path, NULL);
    o->path = real ? real : rt_xstrndup(path, strlen(path));
    size_t n = strlen(o->path);
    o->tmp = rt_xmalloc(n + 16);
    memcpy(o->tmp, o->path, n);
    memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0) {
        rt_err(err, 2, TR("cannot write '%s': %s (check that the folder exists and is writable)",
                          "không ghi được '%s': %s (kiểm tra thư mục có tồn tại và ghi được)"),
               path, strerror(errno));
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return -1;
    }
    /* mkstemp makes the file 0600; outputs are ordinary files. */
    mode_t um = umask(0);
    umask(um);
    fchmod(o->fd, 0666 & ~um);
    o->buf = rt_xmalloc(o->cap);
    return 0;
}

void rt_out_write_raw(rt_out *o, const void *s, size_t n)
{
    const char *p = s;
    while (n && !o->err) {
        ssize_t k = write(o->fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            o->err = errno;
            break;
        }
        p += k;
        n -= (size_t)k;
    }
}

void rt_out_flush(rt_out *o)
{
    if (o->n) rt_out_write_raw(o, o->buf, o->n);
    o->n = 0;
}

int rt_out_close(rt_out *o, rt_error *err)
{
    int rc = 0;
    rt_out_flush(o);
    if (o->path) {
        if (close(o->fd) < 0 && !o->err) o->err = errno;
        if (!o->err && o->tmp && rename(o->tmp, o->path) < 0) o->err = errno;
        if (o->err) {
            if (o->tmp) unlink(o->tmp);
            rt_err(err, 2, TR("cannot write '%s': %s", "không ghi được '%s': %s"), o->path,
                   strerror(o->err));
            rc = -1;
        }
    } else if (o->err) {
        rt_err(err, 2, TR("cannot write the standard output: %s",
                          "không ghi được ra đầu ra chuẩn: %s"),
               strerror(o->err));
        rc = -1;
    }
    free(o->path);
    free(o->tmp);
    free(o->buf);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    return rc;
}

void rt_out_abort(rt_out *o)
{
    if (o->path) {
        close(o->fd);
        if (o->tmp) unlink(o->tmp);
    } else if (o->buf) {
        rt_out_flush(o);
    }
    free(o->path);
    free(o->tmp);
    free(o->buf);
    memset(o, 0, sizeof *o);
    o->fd = -1;
}


/* ---- stdout written through stdio ---------------------------------------- */

int rt_stdout_close(rt_error *err)
{
    /* fflush reports a full disk or a closed pipe for what is still
     * buffered, ferror what an earlier flush lost; fclose the rest (NFS). */
    int e = 0, lost = 0;
    if (fflush(stdout) != 0) e = errno;
    /* An earlier flush failed and its errno is gone: say so without one. */
    lost = ferror(stdout);
    /* A stdout closed by the caller (>&-) with nothing written is no error. */
    if (fclose(stdout) != 0 && !e && errno != EBADF) e = errno;
    if (e)
        rt_err(err, 2, TR("cannot write the standard output: %s (the output is incomplete)",
                          "không ghi được ra đầu ra chuẩn: %s (kết quả không đầy đủ)"),
               strerror(e));
    else if (lost)
        rt_err(err, 2, "%s",
               TR("cannot write the standard output: a write failed (disk full? pipe closed?); the output is incomplete",
                  "không ghi được ra đầu ra chuẩn: một lần ghi bị lỗi (đầy đĩa? ống dẫn bị đóng?); kết quả không đầy đủ"));
    return e || lost ? -1 : 0;
}

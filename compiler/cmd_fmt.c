/* cmd_fmt.c — `regc fmt [--check] FILE...`: canonical formatting.
 *
 * Files are rewritten in place, atomically (a temporary file beside the
 * original, then rename), and only when their text changes; `-` formats
 * standard input to standard output. With --check nothing is written: the
 * files that would change are listed and the exit status is 1. A file with
 * syntax errors is never touched. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core.h"
#include "cmd.h"
#include "fmt.h"
#include "parse.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: regc fmt [options] FILE...\n\n"
               "Formats regime specs canonically, in place; `-` reads standard input and\n"
               "writes standard output. Comments are kept; a file with syntax errors is\n"
               "left unchanged. Every result is checked: it must parse to the same syntax\n"
               "tree and be stable when formatted again.\n"
               "Exit status: 0 done (or, with --check, every file formatted), 1 a file\n"
               "would change (--check) or has errors, 2 usage error.\n\n"
               "Options:\n"
               "  --check            write nothing; list the files that would change\n"
               "  --lang en|vi       language of messages (default en)\n"
               "  -h, --help         this help\n");
}

/* All of stdin in a shared-core buffer; NULL with errno set when a read
 * fails (a half-read spec must not be formatted as if it were whole). */
static char *read_stdin(size_t *len)
{
    rt_buf b = {0};
    for (;;) {
        rt_buf_reserve(&b, 65536);
        size_t r = fread(b.p + b.n, 1, b.cap - b.n, stdin);
        b.n += r;
        if (r == 0)
            break;
    }
    if (ferror(stdin)) {
        int e = errno ? errno : EIO;
        rt_buf_free(&b);
        errno = e;
        return NULL;
    }
    *len = b.n;
    return rt_buf_take(&b);
}

/* Writes `text` over `path` atomically, keeping its permissions. Returns 0,
 * or -1 with errno set. */
static int write_atomic(const char *path, const char *text)
{
    char *real = realpath(path, NULL); /* through a symlink, to its target */
    const char *target = real ? real : path;
    size_t n = strlen(target);
    char *tmp = malloc(n + 16);
    if (!tmp)
        abort();
    snprintf(tmp, n + 16, "%s.fmt-XXXXXX", target);
    int fd = mkstemp(tmp);
    int err = 0;
    if (fd < 0) {
        err = errno;
        goto out;
    }
    struct stat st;
    if (stat(target, &st) == 0)
        (void)fchmod(fd, st.st_mode & 07777);
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        off += (size_t)w;
    }
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, target) != 0)
        err = errno;
    if (err)
        unlink(tmp);
out:
    free(tmp);
    free(real);
    errno = err;
    return err ? -1 : 0;
}

int cmd_fmt(int argc, char **argv)
{
    cli_opts o;
    int r = cli_parse(&o, argc, argv, "fmt", CLI_CHECKONLY, usage);
    if (r >= 0)
        return r;
    arena a;
    src_manager sm;
    diag_ctx d;
    arena_init(&a);
    src_init(&sm);
    diag_init(&d, &sm, o.lang);
    src_loc none = {-1, 0, 0, 0, 0};
    int status = 0;
    for (int i = 0; i < o.n_files; i++) {
        int is_stdin = !strcmp(o.files[i], "-");
        const char *path = is_stdin ? "<stdin>" : o.files[i];
        int id;
        if (is_stdin) {
            size_t len;
            char *text = read_stdin(&len);
            id = text ? src_add(&sm, "<stdin>", text, len) : -1;
            free(text);
        } else {
            id = src_load(&sm, path);
        }
        if (id < 0) {
            diag(&d, "E0501", none, path, strerror(errno));
            status = 1;
            continue;
        }
        char *out;
        int fr = fmt_source(&a, &d, id, &out);
        if (fr == 1) {
            diag(&d, "E0703", none, path);
            diag_hint(&d, "H0703");
        }
        if (fr) {
            status = 1;
            continue;
        }
        const src_file *src = src_get(&sm, id);
        int same = strlen(out) == src->len && !memcmp(out, src->text, src->len);
        if (o.check_only) {
            if (!same) {
                printf("%s\n", path);
                status = 1;
            }
        } else if (is_stdin) {
            fputs(out, stdout);
        } else if (!same && write_atomic(path, out) != 0) {
            diag(&d, "E0702", none, path, strerror(errno));
            status = 1;
        }
        free(out);
    }
    fflush(stdout);
    diag_print_text(&d, stderr, isatty(2));
    diag_free(&d);
    src_free(&sm);
    arena_free(&a);
    cli_free(&o);
    return status;
}

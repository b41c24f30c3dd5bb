/* cmd.c — what every command does first: open the regime, pick the form,
 * load the units; and how many threads to use. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan.h"

int rt_ctx_open(rt_ctx *c, const rt_opts *o, int need_units, rt_error *err)
{
    memset(c, 0, sizeof *c);
    if (!o->lib) {
        rt_err(err, 2, TR("no regime library given", "chưa chỉ ra thư viện chế độ báo cáo"));
        return -1;
    }
    /* Before anything is read: no output may name an input. */
    if (rt_paths_check(o, o->units, err)) return -1;
    c->rg = rt_regime_open(o->lib, err);
    if (!c->rg) return -1;
    c->desc = rt_regime_desc(c->rg);
    if (!c->desc->n_forms) {
        rt_err(err, 2, TR("regime '%s' declares no form", "chế độ '%s' không khai báo biểu nào"), c->desc->name);
        goto fail;
    }
    c->form_idx = 0;
    if (o->form) {
        c->form_idx = rt_regime_form(c->rg, o->form);
        if (c->form_idx < 0) {
            rt_buf names = {0};
            for (uint32_t i = 0; i < c->desc->n_forms; i++) {
                if (i) rt_buf_str(&names, ", ");
                rt_buf_str(&names, c->desc->forms[i].code);
            }
            rt_buf_ch(&names, 0);
            rt_err(err, 2, TR("regime '%s' has no form '%s'; its forms are: %s",
                              "chế độ '%s' không có biểu '%s'; các biểu là: %s"),
                   c->desc->name, o->form, names.p);
            rt_buf_free(&names);
            goto fail;
        }
    }
    c->form = &c->desc->forms[c->form_idx];
    const char *units = o->units;
    char *def = NULL;
    if (need_units && !units) {
        /* The tiers' `units "..."` file, recorded in the manifest by regc. */
        units = def = rt_units_default(o->lib, o->argv0);
        if (!units) {
            rt_err(err, 2, TR("this command needs the unit list: the regime's tiers name no units file; add --units UNITS.csv",
                              "lệnh này cần danh sách đơn vị: các cấp của chế độ không chỉ ra tệp đơn vị; thêm --units UNITS.csv"));
            goto fail;
        }
        if (rt_paths_check(o, units, err)) {
            free(def);
            goto fail;
        }
        if (o->verbose) rt_info(TR("regrt: units from the tiers' default file %s\n",
                                   "regrt: danh sách đơn vị lấy từ tệp mặc định của các cấp %s\n"), units);
    }
    if (units) {
        c->units = rt_units_load(c->desc, units, err);
        free(def);
        if (!c->units) goto fail;
    }
    rt_outputs_lock(o, err);
    return 0;
fail:
    rt_ctx_close(c);
    return -1;
}

void rt_ctx_close(rt_ctx *c)
{
    rt_units_free(c->units);
    rt_regime_close(c->rg);
    rt_outputs_unlock();
    memset(c, 0, sizeof *c);
}

int rt_threads(const rt_opts *o)
{
    if (o->threads > 0) return o->threads > 64 ? 64 : o->threads;
    const char *e = getenv("REGRT_THREADS");
    if (e && *e) {
        int n = atoi(e);
        if (n > 0) return n > 64 ? 64 : n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    return n > 8 ? 8 : (int)n;
}

/* ---- outputs: never an input, never each other; one run at a time ---------------------- */

typedef struct path_id {
    const char *what, *path;
    int exists;
    dev_t dev;
    ino_t ino;
    char *resolved; /* not-yet-existing outputs: realpath(folder)/name */
} path_id;

/* realpath of the folder + the last component: where a file that does not
 * exist yet would be created. */
static char *resolve_new(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    const char *base = slash ? slash + 1 : path;
    if (slash == path) snprintf(dir, sizeof dir, "/");
    else if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else snprintf(dir, sizeof dir, ".");
    char *real = realpath(dir, NULL);
    rt_buf b = {0};
    rt_buf_str(&b, real ? real : dir);
    rt_buf_ch(&b, '/');
    rt_buf_str(&b, base);
    rt_buf_ch(&b, 0);
    free(real);
    return b.p;
}

static void id_of(path_id *p, const char *what, const char *path)
{
    struct stat st;
    memset(p, 0, sizeof *p);
    p->what = what;
    p->path = path;
    if (stat(path, &st) == 0) {
        p->exists = 1;
        p->dev = st.st_dev;
        p->ino = st.st_ino;
        /* Devices, FIFOs and sockets (/dev/null, a pipe) are written in
         * place and may be shared: only files and folders are compared. */
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) p->exists = 2;
    } else {
        p->resolved = resolve_new(path);
    }
}

static int same_file(const path_id *a, const path_id *b)
{
    if (a->exists == 1 && b->exists == 1) return a->dev == b->dev && a->ino == b->ino;
    if (!a->exists && !b->exists) return !strcmp(a->resolved, b->resolved);
    return 0;
}

int rt_paths_check(const rt_opts *o, const char *units, rt_error *err)
{
    path_id in[16 + 64], out[2];
    int n_in = 0, n_out = 0, rc = 0;
    const char *outs[2] = {o->output, o->errors};
    const char *out_what[2] = {"-o", "--errors"};
    for (int k = 0; k < 2; k++)
        if (outs[k] && strcmp(outs[k], "-")) id_of(&out[n_out++], out_what[k], outs[k]);
    if (!n_out) return 0;
    /* The inputs that exist; one that does not is reported when it is read. */
    const char *named[][2] = {
        {"--units", units}, {"--rebase", o->rebase}, {"--apportion", o->apportion},
        {"--holidays", o->holidays}, {"LIB", o->lib},
    };
    for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
        if (!named[k][1]) continue;
        id_of(&in[n_in], named[k][0], named[k][1]);
        if (in[n_in].exists == 1) n_in++;
        else free(in[n_in].resolved);
    }
    /* A library folder: every file in it (the .so, its header, manifest.json). */
    struct stat st;
    if (o->lib && stat(o->lib, &st) == 0 && S_ISDIR(st.st_mode)) {
        for (int k = 0; k < n_out; k++) {
            if (!out[k].exists) {
                char *real = realpath(o->lib, NULL);
                size_t n = real ? strlen(real) : 0;
                if (real && !strncmp(out[k].resolved, real, n) && out[k].resolved[n] == '/' &&
                    !strchr(out[k].resolved + n + 1, '/')) {
                    rt_err(err, 2, TR("%s %s: the output would be written into the regime's folder '%s'; write it elsewhere",
                                      "%s %s: tệp kết quả sẽ được ghi vào thư mục chế độ báo cáo '%s'; hãy ghi vào chỗ khác"),
                           out[k].what, out[k].path, o->lib);
                    rc = -1;
                }
                free(real);
            } else if (out[k].exists == 1) {
                const char *s = strrchr(out[k].path, '/');
                char *dir = s ? rt_xstrndup(out[k].path, (size_t)(s - out[k].path + (s == out[k].path))) : rt_xstrndup(".", 1);
                struct stat ds;
                if (stat(dir, &ds) == 0 && ds.st_dev == st.st_dev && ds.st_ino == st.st_ino) {
                    rt_err(err, 2, TR("%s %s: the output would be written into the regime's folder '%s'; write it elsewhere",
                                      "%s %s: tệp kết quả sẽ được ghi vào thư mục chế độ báo cáo '%s'; hãy ghi vào chỗ khác"),
                           out[k].what, out[k].path, o->lib);
                    rc = -1;
                }
                free(dir);
            }
            if (rc) goto done;
        }
    }
    for (int k = 0; k < n_out && !rc; k++) {
        for (int j = 0; j < n_in; j++)
            if (same_file(&out[k], &in[j])) {
                rt_err(err, 2, TR("%s %s is the same file as the input %s %s: the output would replace it; write the output elsewhere",
                                  "%s %s là chính tệp đầu vào %s %s: tệp kết quả sẽ ghi đè lên nó; hãy ghi kết quả vào chỗ khác"),
                       out[k].what, out[k].path, in[j].what, in[j].path);
                rc = -1;
                goto done;
            }
        for (int i = 0; i < o->n_data; i++) {
            if (!strcmp(o->data[i], "-")) continue;
            path_id d;
            id_of(&d, "DATA", o->data[i]);
            int same = d.exists == 1 && same_file(&out[k], &d);
            free(d.resolved);
            if (same) {
                rt_err(err, 2, TR("%s %s is the same file as the input data '%s': the output would replace it; write the output elsewhere",
                                  "%s %s là chính tệp dữ liệu đầu vào '%s': tệp kết quả sẽ ghi đè lên nó; hãy ghi kết quả vào chỗ khác"),
                       out[k].what, out[k].path, o->data[i]);
                rc = -1;
                goto done;
            }
        }
    }
    if (!rc && n_out == 2 && same_file(&out[0], &out[1])) {
        rt_err(err, 2, TR("-o %s and --errors %s are the same file: one report would replace the other; give two files",
                          "-o %s và --errors %s là cùng một tệp: báo cáo này sẽ ghi đè báo cáo kia; hãy cho hai tệp khác nhau"),
               out[0].path, out[1].path);
        rc = -1;
    }
done:
    for (int k = 0; k < n_out; k++) free(out[k].resolved);
    for (int k = 0; k < n_in; k++) free(in[k].resolved);
    return rc;
}

/* Advisory locks on the folders of the outputs, held until rt_outputs_unlock
 * (or the end of the process): a second run writing to the same folder waits
 * for the first, so a roll-up and its errors file always come from one run. */
static int lock_fd[2] = {-1, -1};

static int cmp_dirid(const void *a, const void *b)
{
    const struct stat *x = a, *y = b;
    if (x->st_dev != y->st_dev) return x->st_dev < y->st_dev ? -1 : 1;
    return x->st_ino < y->st_ino ? -1 : x->st_ino > y->st_ino;
}

int rt_outputs_lock(const rt_opts *o, rt_error *err)
{
    const char *outs[2] = {o->output, o->errors};
    struct {
        struct stat st; /* first, for cmp_dirid */
        char dir[PATH_MAX];
    } d[2];
    int n = 0;
    for (int k = 0; k < 2; k++) {
        if (!outs[k] || !strcmp(outs[k], "-")) continue;
        struct stat st;
        if (stat(outs[k], &st) == 0 && !S_ISREG(st.st_mode)) continue; /* a device or a pipe */
        char *r = resolve_new(outs[k]);
        char *s = strrchr(r, '/');
        if (s == r) s[1] = 0;
        else *s = 0;
        snprintf(d[n].dir, sizeof d[n].dir, "%s", r);
        free(r);
        if (stat(d[n].dir, &d[n].st)) continue; /* reported when the output is opened */
        if (n == 1 && !cmp_dirid(&d[0].st, &d[1].st)) continue;
        n++;
    }
    /* Always in the same order, so that two runs cannot each hold one. */
    if (n == 2 && cmp_dirid(&d[0].st, &d[1].st) > 0) {
        char t[sizeof d[0]];
        memcpy(t, &d[0], sizeof t);
        memcpy(&d[0], &d[1], sizeof t);
        memcpy(&d[1], t, sizeof t);
    }
    for (int k = 0; k < n; k++) {
        int fd = open(d[k].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) continue; /* reported when the output is opened */
        if (flock(fd, LOCK_EX | LOCK_NB)) {
            if (errno != EWOULDBLOCK) {
                close(fd);
                continue; /* a file system without locks: nothing to wait for */
            }
            rt_info(TR("regrt: another run is writing into '%s'; waiting for it to finish\n",
                       "regrt: một lần chạy khác đang ghi vào '%s'; đang chờ lần chạy đó kết thúc\n"),
                    d[k].dir);
            while (flock(fd, LOCK_EX) && errno == EINTR) {}
        }
        lock_fd[k] = fd;
    }
    (void)err;
    return 0;
}

void rt_outputs_unlock(void)
{
    for (int k = 0; k < 2; k++)
        if (lock_fd[k] >= 0) {
            close(lock_fd[k]);
            lock_fd[k] = -1;
        }
}

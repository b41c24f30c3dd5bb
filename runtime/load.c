/*
 * load.c — opening a compiled regime: verification (verify.c) before
 * anything of it runs, dlopen of the verified bytes, ABI version, and a
 * structural check of the descriptor so that a damaged or foreign library is
 * refused with a message instead of crashing the runtime later.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"
#include "verify.h"

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = rt_xmalloc(a + b + 2);
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* The single *.so of a `regc build` output folder. */
static char *find_so(const char *dir, rt_error *err)
{
    DIR *d = opendir(dir);
    char *found = NULL;
    int n = 0;
    if (!d) {
        rt_err(err, 2, TR("cannot open '%s': %s", "không mở được '%s': %s"), dir, strerror(errno));
        return NULL;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 3 && !strcmp(e->d_name + l - 3, ".so")) {
            n++;
            if (!found) found = path_join(dir, e->d_name);
        }
    }
    closedir(d);
    if (n != 1) {
        free(found);
        if (n == 0)
            rt_err(err, 2, TR("'%s' holds no compiled regime (*.so); build one with `regc build SPEC -o %s`",
                              "'%s' không chứa chế độ báo cáo đã biên dịch (*.so); hãy tạo bằng `regc build SPEC -o %s`"),
                   dir, dir);
        else
            rt_err(err, 2, TR("'%s' holds %d libraries (*.so); name the one to use",
                              "'%s' chứa %d thư viện (*.so); hãy chỉ rõ thư viện cần dùng"),
                   dir, n);
        return NULL;
    }
    return found;
}

/* dlopen of the bytes that were verified, from a private in-memory copy:
 * the code that runs is the code that was hashed, and a file truncated or
 * replaced afterwards can neither crash nor swap the loaded library. The
 * copy stays open while the library is loaded so that its name
 * (/proc/self/fd/N) is not reused by another regime. */
static void *load_bytes(const char *so, const rt_verified *v, int *memfd, rt_error *err)
{
    *memfd = -1;
    int fd = memfd_create("regime", MFD_CLOEXEC);
    for (size_t off = 0; fd >= 0 && off < v->so_len;) {
        ssize_t w = write(fd, v->so + off, v->so_len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            close(fd);
            fd = -1;
            break;
        }
        off += (size_t)w;
    }
    char p[64];
    for (int tries = 0; fd >= 0; tries++) {
        snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
        if (access(p, R_OK) != 0) {
            close(fd);
            fd = -1;
            break;
        }
        void *old = dlopen(p, RTLD_NOW | RTLD_NOLOAD);
        dlerror();
        if (!old) break;
        /* that name still belongs to a library that was not unloaded */
        dlclose(old);
        int nfd = tries < 8 ? fcntl(fd, F_DUPFD_CLOEXEC, fd + 1) : -1;
        close(fd);
        fd = nfd;
    }
    void *dl;
    if (fd >= 0) {
        dl = dlopen(p, RTLD_NOW | RTLD_LOCAL);
    } else {
        /* no memfd or no /proc: the file itself, if it is still the one
         * that was checked (same size; no code of it has run yet) */
        struct stat st;
        if (stat(so, &st) < 0 || (uint64_t)st.st_size != v->so_len) {
            rt_err(err, 2, TR("'%s' changed while it was being checked; try again", "'%s' thay đổi trong khi đang kiểm tra; hãy thử lại"), so);
            return NULL;
        }
        dl = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    }
    if (!dl) {
        const char *e = dlerror();
        if (e && !strncmp(e, "/proc/self/fd/", 14) && strstr(e, ": ")) e = strstr(e, ": ") + 2;
        rt_err(err, 2, TR("cannot load '%s': %s; is it a library made by `regc build`?",
                          "không nạp được '%s': %s; đây có phải thư viện do `regc build` tạo ra?"),
               so, e ? e : "?");
        if (fd >= 0) close(fd);
        return NULL;
    }
    *memfd = fd;
    return dl;
}

#define BAD(...)                                                                          \
    do {                                                                                  \
        char why_[512];                                                                   \
        snprintf(why_, sizeof why_, __VA_ARGS__);                                         \
        rt_err(err, 2, TR("damaged regime descriptor: %s; rebuild the library with regc build", \
                          "mô tả chế độ báo cáo bị hỏng: %s; hãy biên dịch lại bằng regc build"), \
               why_);                                                                     \
        return -1;                                                                        \
    } while (0)

int rt_desc_check(const rg_regime_desc *d, rt_error *err)
{
    if (!d->name) BAD("no name");
    if (d->n_tiers && !d->tiers) BAD("tiers missing");
    if (d->n_codelists && !d->codelists) BAD("code lists missing");
    if (d->n_forms && !d->forms) BAD("forms missing");
    if (d->n_rollups && !d->rollups) BAD("roll-ups missing");
    if (d->n_deadlines && !d->deadlines) BAD("deadlines missing");
    for (uint32_t t = 0; t < d->n_tiers; t++) {
        if (!d->tiers[t].name) BAD("tier %u has no name", t);
        if (!d->tiers[t].code_column && !d->tiers[t].root_code)
            BAD("tier %s has neither a code column nor a root code", d->tiers[t].name);
    }
    for (uint32_t c = 0; c < d->n_codelists; c++) {
        const rg_codelist *cl = &d->codelists[c];
        if (cl->n_codes && !cl->codes) BAD("code list %u has no codes", c);
        for (uint32_t i = 0; i < cl->n_codes; i++)
            if (!cl->codes[i].code) BAD("code list %u, code %u is NULL", c, i);
    }
    for (uint32_t k = 0; k < d->n_deadlines; k++)
        if (d->deadlines[k].tier < 0 || (uint32_t)d->deadlines[k].tier >= d->n_tiers)
            BAD("deadline %u names tier %d", k, d->deadlines[k].tier);
    for (uint32_t i = 0; i < d->n_forms; i++) {
        const rg_form *f = &d->forms[i];
        if (!f->code) BAD("form %u has no code", i);
        if (!f->n_fields || !f->fields) BAD("form %s has no fields", f->code);
        if (f->unit_tier < 0 || (uint32_t)f->unit_tier >= d->n_tiers)
            BAD("form %s: unit tier %d", f->code, f->unit_tier);
        if (f->unit_field < -1 || f->unit_field >= (int32_t)f->n_fields)
            BAD("form %s: unit field %d", f->code, f->unit_field);
        if (f->period_field < -1 || f->period_field >= (int32_t)f->n_fields)
            BAD("form %s: period field %d", f->code, f->period_field);
        if (f->n_dims && !f->dims) BAD("form %s: dimensions missing", f->code);
        for (uint32_t k = 0; k < f->n_dims; k++)
            if (f->dims[k] < 0 || (uint32_t)f->dims[k] >= f->n_fields)
                BAD("form %s: dimension %u is field %d", f->code, k, f->dims[k]);
        for (uint32_t k = 0; k < f->n_fields; k++) {
            const rg_field *fl = &f->fields[k];
            if (!fl->code) BAD("form %s: field %u has no code", f->code, k);
            if (fl->type < RG_T_INTEGER || fl->type > RG_T_PERIOD)
                BAD("form %s: field %s has type %u", f->code, fl->code, fl->type);
            if (fl->type == RG_T_CODE &&
                (fl->codelist < 0 || (uint32_t)fl->codelist >= d->n_codelists))
                BAD("form %s: field %s names code list %d", f->code, fl->code, fl->codelist);
        }
        if (f->n_rules && !f->rules) BAD("form %s: rules missing", f->code);
        for (uint32_t k = 0; k < f->n_rules; k++) {
            if (!f->rules[k].code) BAD("form %s: rule %u has no code", f->code, k);
            if (f->rules[k].severity < RG_SEV_ERROR || f->rules[k].severity > RG_SEV_INFO)
                BAD("form %s: rule %s has severity %u", f->code, f->rules[k].code,
                    f->rules[k].severity);
            if (k && strcmp(f->rules[k - 1].code, f->rules[k].code) >= 0)
                BAD("form %s: rules are not sorted by code", f->code);
            if ((f->rules[k].n_reads && !f->rules[k].reads) || (f->rules[k].n_values && !f->rules[k].values) ||
                f->rules[k].n_values > 64 || f->rules[k].verdict >= (int32_t)f->rules[k].n_values ||
                f->rules[k].imbalance >= (int32_t)f->rules[k].n_values || f->rules[k].errorlevel < -1)
                BAD("form %s: rule %s: read set or message values missing", f->code, f->rules[k].code);
        }
        if (f->n_rules && !f->validate) BAD("form %s has rules but no validate kernel", f->code);
        if (f->n_outputs && !f->outputs) BAD("form %s: outputs missing", f->code);
        for (uint32_t k = 0; k < f->n_outputs; k++)
            if (!f->outputs[k].code) BAD("form %s: output %u has no code", f->code, k);
        if (f->n_outputs > 64) BAD("form %s: %u outputs (at most 64)", f->code, f->n_outputs);
    }
    for (uint32_t i = 0; i < d->n_rollups; i++) {
        const rg_rollup *r = &d->rollups[i];
        if (r->form < 0 || (uint32_t)r->form >= d->n_forms) BAD("roll-up %u: form %d", i, r->form);
        const rg_form *f = &d->forms[r->form];
        if (!f->accumulate || !f->combine || !f->finalize || !f->n_acc)
            BAD("roll-up %u: form %s has no aggregation kernels", i, f->code);
        if (!r->n_levels || !r->levels) BAD("roll-up %u has no levels", i);
        for (uint32_t k = 0; k < r->n_levels; k++)
            if (r->levels[k] < 0 || (uint32_t)r->levels[k] >= d->n_tiers)
                BAD("roll-up %u: level %u is tier %d", i, k, r->levels[k]);
        if (!r->period_column) BAD("roll-up %u has no period column", i);
        if (r->n_totals && !r->totals) BAD("roll-up %u: totals missing", i);
        for (uint32_t k = 0; k < r->n_totals; k++) {
            uint64_t m = r->totals[k];
            if (!m || (f->n_dims < 64 && m >> f->n_dims))
                BAD("roll-up %u: total %u totals no dimension of form %s", i, k, f->code);
        }
        if (r->n_htotals && !r->htotals) BAD("roll-up %u: hierarchy totals missing", i);
        for (uint32_t k = 0; k < r->n_htotals; k++) {
            const rg_rollup_htotal *h = &r->htotals[k];
            if (h->dim >= f->n_dims || h->dim >= 64 || h->code < 0 || (h->n_parts && !h->parts) || !h->hierarchy)
                BAD("roll-up %u: hierarchy total %u", i, k);
            for (uint32_t j = 0; j < h->n_parts; j++)
                if (h->parts[j] < 0 || h->parts[j] == h->code) BAD("roll-up %u: hierarchy total %u part %u", i, k, j);
        }
    }
    return 0;
}

rt_regime *rt_regime_open(const char *path, rt_error *err)
{
    struct stat st;
    char *so;
    if (stat(path, &st) < 0) {
        rt_err(err, 2, TR("cannot open regime library '%s': %s", "không mở được thư viện '%s': %s"),
               path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        so = find_so(path, err);
        if (!so) return NULL;
    } else if (!strchr(path, '/')) {
        so = path_join(".", path); /* dlopen would search the library path */
    } else {
        so = rt_xstrndup(path, strlen(path));
    }
    /* nothing of the library may run before it is verified */
    char *dir = rt_xstrndup(so, strlen(so));
    char *slash = strrchr(dir, '/');
    const char *base = slash ? so + (slash - dir) + 1 : so;
    if (slash) *slash = 0;
    rt_verified v;
    int bad = rt_verify_artifact(slash ? dir : ".", base, &v, err);
    free(dir);
    if (bad) {
        free(so);
        return NULL;
    }
    int memfd;
    void *dl = load_bytes(so, &v, &memfd, err);
    free(v.so);
    v.so = NULL;
    if (!dl) {
        rt_verified_free(&v);
        free(so);
        return NULL;
    }
    const uint32_t *abi = dlsym(dl, "regime_abi_version");
    const rg_regime_desc *desc = dlsym(dl, "regime_descriptor");
    if (!abi || !desc) {
        rt_err(err, 2, TR("'%s' is not a compiled regime (no symbol %s); build it with `regc build`",
                          "'%s' không phải chế độ báo cáo đã biên dịch (thiếu ký hiệu %s); hãy tạo bằng `regc build`"),
               so, !abi ? "regime_abi_version" : "regime_descriptor");
        goto fail;
    }
    if (*abi != REGIME_ABI_VERSION || desc->abi_version != REGIME_ABI_VERSION) {
        rt_err(err, 2, TR("'%s' was built for ABI %u but this regrt speaks ABI %u; rebuild it with a matching `regc build`",
                          "'%s' được biên dịch cho ABI %u nhưng regrt này dùng ABI %u; hãy biên dịch lại bằng `regc build` cùng phiên bản"),
               so, *abi != REGIME_ABI_VERSION ? *abi : desc->abi_version, REGIME_ABI_VERSION);
        goto fail;
    }
    if (rt_desc_check(desc, err)) goto fail;
    rt_regime *rg = rt_xcalloc(1, sizeof *rg);
    rg->dl = dl;
    rg->memfd = memfd;
    memcpy(rg->signer, v.signer, sizeof rg->signer);
    rg->signer_key = v.signer_key;
    rg->desc = desc;
    rg->path = so;
    rg->codes = rt_xcalloc(desc->n_codelists ? desc->n_codelists : 1, sizeof *rg->codes);
    for (uint32_t c = 0; c < desc->n_codelists; c++) {
        const rg_codelist *cl = &desc->codelists[c];
        rt_strmap_init(&rg->codes[c], cl->n_codes);
        for (uint32_t i = 0; i < cl->n_codes; i++)
            rt_strmap_put(&rg->codes[c], cl->codes[i].code, (uint32_t)strlen(cl->codes[i].code), i);
    }
    return rg;
fail:
    dlclose(dl);
    if (memfd >= 0) close(memfd);
    rt_verified_free(&v);
    free(so);
    return NULL;
}

void rt_regime_close(rt_regime *rg)
{
    if (!rg) return;
    for (uint32_t c = 0; c < rg->desc->n_codelists; c++) rt_strmap_free(&rg->codes[c]);
    free(rg->codes);
    dlclose(rg->dl);
    if (rg->memfd >= 0) close(rg->memfd);
    free(rg->signer_key);
    free(rg->path);
    free(rg);
}

const rg_regime_desc *rt_regime_desc(const rt_regime *rg) { return rg->desc; }
const char *rt_regime_signer(const rt_regime *rg) { return rg->signer; }
const char *rt_regime_signer_key(const rt_regime *rg) { return rg->signer_key; }

int rt_regime_form(const rt_regime *rg, const char *code)
{
    for (uint32_t i = 0; i < rg->desc->n_forms; i++)
        if (!strcmp(rg->desc->forms[i].code, code)) return (int)i;
    return -1;
}

int rt_regime_tier(const rt_regime *rg, const char *name)
{
    for (uint32_t i = 0; i < rg->desc->n_tiers; i++)
        if (!strcmp(rg->desc->tiers[i].name, name)) return (int)i;
    return -1;
}

int32_t rt_codelist_find(const rt_regime *rg, int cl, const char *s, size_t len)
{
    uint32_t v;
    if (cl < 0 || (uint32_t)cl >= rg->desc->n_codelists) return -1;
    return rt_strmap_get(&rg->codes[cl], s, (uint32_t)len, &v) ? (int32_t)v : -1;
}

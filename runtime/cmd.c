/* cmd.c — what every command does first: open the regime, pick the form,
 * load the units; and how many threads to use. */
#include <stdlib.h>
#include <unistd.h>

#include "scan.h"

int rt_ctx_open(rt_ctx *c, const rt_opts *o, int need_units, rt_error *err)
{
    memset(c, 0, sizeof *c);
    if (!o->lib) {
        rt_err(err, 2, TR("no regime library given", "chưa chỉ ra thư viện chế độ báo cáo"));
        return -1;
    }
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
    if (need_units && !o->units) {
        rt_err(err, 2, TR("this command needs the unit list: add --units UNITS.csv",
                          "lệnh này cần danh sách đơn vị: thêm --units UNITS.csv"));
        goto fail;
    }
    if (o->units) {
        c->units = rt_units_load(c->desc, o->units, err);
        if (!c->units) goto fail;
    }
    return 0;
fail:
    rt_ctx_close(c);
    return -1;
}

void rt_ctx_close(rt_ctx *c)
{
    rt_units_free(c->units);
    rt_regime_close(c->rg);
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

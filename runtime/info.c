/* info.c — `regrt info LIB`: what a compiled regime is and who vouches for
 * it (the signer's key id, the trusted key that verified it), after the
 * same verification every command does before loading. */
#include "rt.h"

int rt_cmd_info(const rt_opts *o, rt_error *err)
{
    if (!o->lib) {
        rt_err(err, 2, TR("no regime library given", "chưa chỉ ra thư viện chế độ báo cáo"));
        return 2;
    }
    rt_regime *rg = rt_regime_open(o->lib, err);
    if (!rg) return 2;
    const rg_regime_desc *d = rt_regime_desc(rg);
    printf("%-10s %s %s\n", TR("regime", "chế độ"), d->name, d->version ? d->version : "");
    const char *label = rt_texts_pick(&d->label);
    if (label && *label) printf("%-10s %s\n", TR("label", "tên"), label);
    printf("%-10s %s\n", TR("library", "thư viện"), rg->path);
    printf("%-10s %u\n", "abi", d->abi_version);
    if (d->compiler_version) printf("%-10s %s\n", TR("compiler", "trình dịch"), d->compiler_version);
    if (d->source_hash) printf("%-10s %s\n", TR("source", "nguồn"), d->source_hash);
    if (rg->signer[0])
        printf("%-10s %s (%s %s)\n", TR("signer", "người ký"), rg->signer, TR("verified with", "kiểm tra bằng"),
               rg->signer_key ? rg->signer_key : "?");
    else
        printf("%-10s %s\n", TR("signer", "người ký"),
               TR("none: loaded UNSIGNED (--allow-unsigned)", "không có: nạp khi CHƯA KÝ (--allow-unsigned)"));
    printf("%-10s %s\n", TR("trust", "kho tin"), rt_trust_dir());
    for (uint32_t i = 0; i < d->n_forms; i++)
        printf("%-10s %s (%u %s, %u %s)\n", i ? "" : TR("forms", "biểu"), d->forms[i].code, d->forms[i].n_fields,
               TR("fields", "trường"), d->forms[i].n_rules, TR("rules", "quy tắc"));
    rt_regime_close(rg);
    return 0;
}

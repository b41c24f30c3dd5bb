/* Unit tests of the code generator (cg_llvm*.c): the descriptor structs
 * laid out exactly as regime.h by the target data layout, a compiled
 * library's descriptor and kernels on a known batch, another target. */
#include <check.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg_llvm_int.h"
#include "driver.h"
#include "lower.h"

/* ---- layout ---- */

#define OFF(T, lt, k, member) \
    ck_assert_int_eq((long)LLVMOffsetOfElement(td, c.lt, k), (long)offsetof(T, member))

START_TEST(layout_matches_regime_h)
{
    LLVMInitializeNativeTarget();
    char *triple = LLVMGetDefaultTargetTriple(), *msg = NULL;
    LLVMTargetRef t;
    ck_assert(!LLVMGetTargetFromTriple(triple, &t, &msg));
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(t, triple, "generic", "", LLVMCodeGenLevelDefault,
                                                      LLVMRelocPIC, LLVMCodeModelDefault);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
    cg c;
    memset(&c, 0, sizeof c);
    c.ctx = LLVMContextCreate();
    cg_types(&c);
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_field), (long)sizeof(rg_field));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_rule), (long)sizeof(rg_rule));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_form), (long)sizeof(rg_form));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_desc), (long)sizeof(rg_regime_desc));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_tier), (long)sizeof(rg_tier));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_output), (long)sizeof(rg_output));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_rollup), (long)sizeof(rg_rollup));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_batch), (long)sizeof(rg_batch));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_column), (long)sizeof(rg_column));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_hier), (long)sizeof(rg_hierarchy));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_hier_total), (long)sizeof(rg_hier_total));
    OFF(rg_field, t_field, 7, min);
    OFF(rg_field, t_field, 13, weight);
    OFF(rg_rule, t_rule, 3, message);
    OFF(rg_rule, t_rule, 15, guard);
    OFF(rg_form, t_form, 22, hierarchies);
    OFF(rg_hierarchy, t_hier, 7, pivot);
    OFF(rg_hierarchy, t_hier, 11, totals);
    OFF(rg_rule, t_rule, 6, fields);
    OFF(rg_form, t_form, 12, n_acc);
    OFF(rg_form, t_form, 15, validate);
    OFF(rg_form, t_form, 18, finalize);
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_read), (long)sizeof(rg_read));
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_value), (long)sizeof(rg_value));
    OFF(rg_field, t_field, 15, reads);
    OFF(rg_rule, t_rule, 8, reads);
    OFF(rg_rule, t_rule, 10, values);
    OFF(rg_value, t_value, 4, field);
    OFF(rg_form, t_form, 19, message);
    OFF(rg_form, t_form, 20, prev_depth);
    OFF(rg_form, t_form, 24, lags);
    OFF(rg_form, t_form, 25, prev_series);
    ck_assert_int_eq((long)LLVMABISizeOfType(td, c.t_lag), (long)sizeof(rg_lag));
    OFF(rg_batch, t_batch, 5, children);
    OFF(rg_regime_desc, t_desc, 5, label);
    OFF(rg_regime_desc, t_desc, 15, method);
    OFF(rg_regime_desc, t_desc, 26, holidays);
    OFF(rg_batch, t_batch, 3, well_formed);
    OFF(rg_batch, t_batch, 4, other);
    OFF(rg_batch, t_batch, 6, prev_rows);
    OFF(rg_batch, t_batch, 7, children_rows);
    OFF(rg_batch, t_batch, 8, other_rows);
    OFF(rg_rollup, t_rollup, 6, count_column);
    OFF(rg_rollup, t_rollup, 11, totals);
    LLVMContextDispose(c.ctx);
    LLVMDisposeTargetData(td);
    LLVMDisposeTargetMachine(tm);
    LLVMDisposeMessage(triple);
}
END_TEST

/* ---- a compiled regime ---- */

static const char *const spec =
    "regime r {\n  version \"2.0.1\"\n  frequency monthly\n  submitted by unit\n  tiers t\n}\n"
    "tiers t {\n  level top\n    code \"VN\"\n  level unit\n    within top\n    column \"u\"\n}\n"
    "form f {\n  reported by unit\n  period month\n"
    "  field x: count\n    label en \"X\" vi \"Ích\"\n"
    "  field y: decimal(2)\n    label en \"Y\"\n"
    "  ratio q = y / x\n    decimals 2\n"
    "  rule Z9 error\n    check x   =\n      y\n    message en \"x ({x}) is not y\"\n"
    "  rule A1 warning\n    check x / 2 <= y\n    message en \"m\"\n}\n";

typedef struct built {
    compile_ctx c;
    ir_regime ir;
    char dir[64], so[128];
} built;

static void build(built *b, const char *triple, cg_module **mod)
{
    driver_init(&b->c, DIAG_EN);
    driver_load_text(&b->c, "r.regime", spec, strlen(spec));
    m_regime *r = driver_check(&b->c);
    if (!r) {
        diag_print_text(&b->c.diag, stderr, 0);
        ck_abort_msg("spec does not check");
    }
    ck_assert_int_eq(lower_regime(&b->c.arena, r, &b->c.sm, &b->ir), 0);
    strcpy(b->dir, "/tmp/check_cg.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(b->dir));
    snprintf(b->so, sizeof b->so, "%s/r.so", b->dir);
    cg_opts o = {.triple = triple, .source_hash = "abc", .compiler_version = "regc test", .sm = &b->c.sm, .opt = 1};
    char *err = NULL;
    if (mod) {
        *mod = cg_compile(&b->ir, &o, &err);
        ck_assert_msg(*mod != NULL, "%s", err ? err : "");
    } else {
        ck_assert_msg(cg_build_so(&b->ir, &o, b->so, &err) == 0, "%s", err ? err : "");
    }
}

START_TEST(compiled_descriptor_and_kernels)
{
    built b;
    build(&b, NULL, NULL);
    void *h = dlopen(b.so, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(h != NULL, "%s", dlerror());
    const uint32_t *abi = dlsym(h, "regime_abi_version");
    const rg_regime_desc *d = dlsym(h, "regime_descriptor");
    ck_assert(abi && d);
    ck_assert_uint_eq(*abi, REGIME_ABI_VERSION);
    ck_assert_ptr_null(dlsym(h, "f.validate")); /* kernels are private */
    ck_assert_str_eq(d->name, "r");
    ck_assert_str_eq(d->version, "2.0.1");
    ck_assert_str_eq(d->source_hash, "abc");
    ck_assert_uint_eq(d->n_forms, 1);
    const rg_form *f = &d->forms[0];
    ck_assert_uint_eq(f->n_fields, 4); /* unit, period, x, y */
    ck_assert_str_eq(f->fields[2].code, "x");
    ck_assert_uint_eq(f->fields[2].label.n, 2);
    ck_assert_str_eq(f->fields[2].label.items[1].text, "Ích");
    ck_assert_int_eq(f->fields[3].scale, 2);
    ck_assert_uint_eq(f->n_rules, 2);
    ck_assert_str_eq(f->rules[0].code, "A1");
    ck_assert_str_eq(f->rules[1].code, "Z9");
    ck_assert_str_eq(f->rules[1].source, "x = y");
    ck_assert_str_eq(f->rules[1].message.items[0].text, "x ({x}) is not y");
    ck_assert_uint_eq(f->n_outputs, 3);
    ck_assert_int_eq(f->outputs[2].field, -1);
    ck_assert_int_eq(f->outputs[2].scale, 2);
    ck_assert_uint_eq(f->n_acc, 8); /* x, y, their empty counts, mask, first, last, rows */

    /* rows: x=3 y=3.00 ; x=3 y=1.49 ; x=3 y missing ; x=4 y=2.00 */
    int64_t x[4] = {3, 3, 3, 4}, y[4] = {300, 149, 7, 200}, unit[4] = {0}, per[4] = {0};
    uint64_t px = 0xf, py = 0xb, pu = 0xf;
    rg_column cols[4] = {{unit, NULL, NULL, &pu, NULL}, {per, NULL, NULL, &pu, NULL},
                         {x, NULL, NULL, &px, NULL}, {y, NULL, NULL, &py, NULL}};
    rg_batch bt = {.n_rows = 4, .cols = cols};
    uint64_t fa = ~0ull, fz = ~0ull, ovf = ~0ull;
    uint64_t *fail[2] = {&fa, &fz};
    ck_assert_int_eq(f->validate(&bt, fail, &ovf), 0);
    ck_assert_uint_eq(fz, 0xa);       /* 3 != 1.49, 4 != 2.00; the missing y is skipped */
    ck_assert_uint_eq(fa, 0x2);       /* 3/2 = 1.5 > 1.49 */
    ck_assert_uint_eq(ovf, 0);

    uint32_t slot[4] = {0, 0, UINT32_MAX, 0};
    int64_t acc[8] = {0};
    ck_assert_int_eq(f->accumulate(&bt, slot, NULL, acc), 0);
    ck_assert_int_eq(acc[0], 10);
    ck_assert_int_eq(acc[1], 649);
    ck_assert_int_eq(acc[2], 0);
    ck_assert_int_eq(acc[3], 0);
    ck_assert_int_eq(acc[4], 1);
    ck_assert_int_eq(acc[5], 3);
    ck_assert_int_eq(acc[6], 3);
    ck_assert_int_eq(acc[7], 3);
    int64_t out[3];
    uint64_t present = 0;
    f->finalize(acc, out, &present);
    ck_assert_uint_eq(present, 0x7);
    ck_assert_int_eq(out[2], 65); /* 6.49 / 10 = 0.649 -> 0.65 */
    dlclose(h);
    unlink(b.so);
    rmdir(b.dir);
    driver_free(&b.c);
}
END_TEST

START_TEST(other_target_and_ir_text)
{
    built b;
    cg_module *m = NULL;
    build(&b, "wasm32-unknown-unknown", &m);
    ck_assert(!cg_is_host(m));
    char *ir = cg_print_ir(m);
    ck_assert_ptr_nonnull(strstr(ir, "target triple = \"wasm32-unknown-unknown\""));
    /* kernels are exported by name for web pages */
    ck_assert_ptr_nonnull(strstr(ir, "@rg_validate_0(ptr"));
    ck_assert_ptr_nonnull(strstr(ir, "\"wasm-export-name\"=\"rg_validate_0\""));
    ck_assert_ptr_nonnull(strstr(ir, "@regime_descriptor = "));
    free(ir);
    char obj[160], *err = NULL;
    snprintf(obj, sizeof obj, "%s/r.o", b.dir);
    ck_assert_msg(cg_emit_object(m, obj, &err) == 0, "%s", err ? err : "");
    FILE *fp = fopen(obj, "rb");
    unsigned char magic[4] = {0};
    ck_assert_uint_eq(fread(magic, 1, 4, fp), 4);
    fclose(fp);
    ck_assert(magic[0] == 0 && magic[1] == 'a' && magic[2] == 's' && magic[3] == 'm');
    cg_free(m);
    unlink(obj);
    rmdir(b.dir);
    driver_free(&b.c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cg");
    TCase *t = tcase_create("cg");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, layout_matches_regime_h);
    tcase_add_test(t, compiled_descriptor_and_kernels);
    tcase_add_test(t, other_target_and_ir_text);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}

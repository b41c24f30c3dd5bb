/* Unit tests of the reference evaluator (eval.c): exact decimal arithmetic,
 * rounding half away from zero, overflow, division by zero, tolerance,
 * missing values, the rule outcome in each missing mode, and the
 * accumulate/combine/finalize contracts. Expected values are worked out by
 * hand; the differential test then holds the kernels to the evaluator. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

static arena A;

static ir_expr *K(int64_t v, int scale)
{
    ir_expr *e = ir_new(&A, IR_CONST, scale);
    e->value = v;
    return e;
}

static ir_expr *N(ir_op op, int scale, ir_expr *a, ir_expr *b)
{
    ir_expr *e = ir_new(&A, op, scale);
    e->a = a;
    e->b = b;
    return e;
}

static ir_expr *F(int field, int scale)
{
    ir_expr *e = ir_new(&A, IR_FIELD, scale);
    e->field = field;
    return e;
}

static ir_expr *CMP(ir_cmp k, ir_expr *a, ir_expr *b, ir_expr *tol)
{
    ir_expr *e = N(IR_CMP, 0, a, b);
    e->cmp = k;
    e->c = tol;
    e->is_bool = 1;
    return e;
}

/* A one-row batch over two columns: a (present pa) and b (present pb). */
static int64_t va[1], vb[1];
static uint64_t wa[1], wb[1], wf[1] = {1};
static rg_column cols[2];
static rg_batch batch = {.n_rows = 1, .cols = cols, .well_formed = wf};

static void row(int64_t a, int pa, int64_t b, int pb)
{
    va[0] = a;
    vb[0] = b;
    wa[0] = (uint64_t)pa;
    wb[0] = (uint64_t)pb;
    cols[0] = (rg_column){va, NULL, NULL, wa, NULL};
    cols[1] = (rg_column){vb, NULL, NULL, wb, NULL};
}

static eval_val ev(const ir_expr *e) { return eval_expr(NULL, e, &batch, 0, NULL); }

static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

/* IR_OTHER reads batch->other[form][field]: missing when other is NULL,
 * when other[form] is NULL or the value is not present; `zero` reads 0;
 * a bool column holding 2 reads as true. */
START_TEST(other_form_reads)
{
    int64_t ov[2] = {7, 2};
    uint64_t op[1] = {1}, bp[1] = {1};
    rg_column oc[2] = {{&ov[0], NULL, NULL, op, NULL}, {&ov[1], NULL, NULL, bp, NULL}};
    const rg_column *forms[3] = {NULL, NULL, oc};
    row(5, 1, 0, 0);
    ir_expr *o = ir_new(&A, IR_OTHER, 0);
    o->form = 2;
    o->field = 0;
    eval_val r = ev(o);
    ck_assert(!r.present && !r.overflow); /* batch->other is NULL */
    batch.other = forms;
    r = ev(o);
    ck_assert(r.present && r.v == 7);
    r = ev(CMP(IR_GE, F(0, 0), o, NULL)); /* 5 >= 7 */
    ck_assert(r.present && r.v == 0);
    ir_expr *b = ir_new(&A, IR_OTHER, 0);
    b->form = 2;
    b->field = 1;
    b->is_bool = 1;
    r = ev(b);
    ck_assert(r.present && r.v == 1);
    op[0] = 0; /* the other form's row has no value */
    r = ev(o);
    ck_assert(!r.present);
    o->zero = 1;
    r = ev(o);
    ck_assert(r.present && r.v == 0);
    o->zero = 0;
    op[0] = 1;
    o->form = 1; /* that form is not joined */
    ck_assert(!ev(o).present);
    batch.other = NULL;
    o->form = 2;
    ck_assert(!ev(o).present);
}
END_TEST

START_TEST(rounding)
{
    ck_assert_int_eq(eval_scale_down(15, 1), 2);
    ck_assert_int_eq(eval_scale_down(-15, 1), -2);
    ck_assert_int_eq(eval_scale_down(149, 2), 1);
    ck_assert_int_eq(eval_scale_down(-149, 2), -1);
    ck_assert_int_eq(eval_scale_down(150, 2), 2);
    int64_t q;
    ck_assert_int_eq(eval_div_round128(1 * 10000, 32, &q), 0); /* 1/32 = 0.03125: a tie */
    ck_assert_int_eq(q, 313);
    ck_assert_int_eq(eval_div_round128(-10000, 32, &q), 0);
    ck_assert_int_eq(q, -313);
    ck_assert_int_eq(eval_div_round128(110000, 120000, &q), 0); /* 11/12 at 4 decimals via 10^4 */
    ck_assert_int_eq(eval_div_round128((__int128)INT64_MAX * 4, 2, &q), 1);
    ck_assert_int_eq(eval_scale_up(INT64_MAX / 10 + 1, 1, &q), 1);
    ck_assert_int_eq(eval_scale_up(-922337203685477580LL, 1, &q), 0);
    ck_assert_int_eq(q, -9223372036854775800LL);
}
END_TEST

START_TEST(arithmetic)
{
    row(150, 1, 7, 1); /* a = 1.50 (scale 2), b = 7 */
    /* 1.50 + 7 at scale 2 = 8.50 */
    eval_val v = ev(N(IR_ADD, 2, F(0, 2), N(IR_RESCALE, 2, F(1, 0), NULL)));
    ck_assert(v.present && !v.overflow);
    ck_assert_int_eq(v.v, 850);
    /* 1.50 * 7 = 10.50, scales add */
    v = ev(N(IR_MUL, 2, F(0, 2), F(1, 0)));
    ck_assert_int_eq(v.v, 1050);
    /* 1.50 / 7 at 4 decimals = 0.2143 (0.214285...) */
    v = ev(N(IR_DIV, 4, F(0, 2), F(1, 0)));
    ck_assert_int_eq(v.v, 2143);
    /* 7 / 1.50 at 1 decimal = 4.7 (4.666...) */
    v = ev(N(IR_DIV, 1, F(1, 0), F(0, 2)));
    ck_assert_int_eq(v.v, 47);
    /* division by zero is missing, not an overflow */
    row(5, 1, 0, 1);
    v = ev(N(IR_DIV, 0, F(0, 0), F(1, 0)));
    ck_assert(!v.present && !v.overflow);
    /* overflow is raised by present operands only */
    row(INT64_MAX, 1, 1, 1);
    v = ev(N(IR_ADD, 0, F(0, 0), F(1, 0)));
    ck_assert(v.overflow);
    row(INT64_MAX, 1, 1, 0);
    v = ev(N(IR_ADD, 0, F(0, 0), F(1, 0)));
    ck_assert(!v.overflow && !v.present);
    row(INT64_MIN, 1, 0, 1);
    ck_assert(ev(N(IR_NEG, 0, F(0, 0), NULL)).overflow);
    ck_assert(ev(N(IR_ABS, 0, F(0, 0), NULL)).overflow);
    ck_assert(!ev(N(IR_MIN, 0, F(0, 0), F(1, 0))).overflow);
}
END_TEST

START_TEST(comparisons_and_logic)
{
    row(100, 1, 104, 1);
    ck_assert_int_eq(ev(CMP(IR_EQ, F(0, 0), F(1, 0), NULL)).v, 0);
    ck_assert_int_eq(ev(CMP(IR_EQ, F(0, 0), F(1, 0), K(4, 0))).v, 1); /* |a-b| <= 4 */
    ck_assert_int_eq(ev(CMP(IR_EQ, F(0, 0), F(1, 0), K(3, 0))).v, 0);
    ck_assert_int_eq(ev(CMP(IR_NE, F(0, 0), F(1, 0), K(3, 0))).v, 1);
    ck_assert_int_eq(ev(CMP(IR_GT, F(0, 0), F(1, 0), K(5, 0))).v, 1); /* a > b - tol */
    ck_assert_int_eq(ev(CMP(IR_LT, F(1, 0), F(0, 0), K(4, 0))).v, 0); /* 104-100 < 4 is false */
    /* tolerance arithmetic cannot overflow */
    row(INT64_MAX, 1, INT64_MIN, 1);
    eval_val v = ev(CMP(IR_LE, F(0, 0), F(1, 0), K(1, 0)));
    ck_assert(v.present && !v.overflow && v.v == 0);
    /* strict presence, absorbed by present() and coalesce() */
    row(1, 1, 0, 0);
    ck_assert(!ev(N(IR_AND, 0, F(0, 0), F(1, 0))).present);
    ck_assert_int_eq(ev(N(IR_PRESENT, 0, F(1, 0), NULL)).v, 0);
    v = ev(N(IR_COALESCE, 0, F(1, 0), K(9, 0)));
    ck_assert(v.present && v.v == 9);
    /* if: only the branch taken matters */
    ir_expr *i = N(IR_IF, 0, K(1, 0), F(0, 0));
    i->c = F(1, 0);
    ck_assert(ev(i).present);
    /* in: present and >= 0, or one of the set */
    row(-1, 1, 2, 1);
    ck_assert_int_eq(ev(N(IR_IN, 0, F(0, 0), NULL)).v, 0);
    ir_expr *in = N(IR_IN, 0, F(1, 0), NULL);
    static const int64_t set[] = {0, 2};
    in->set = set;
    in->n_set = 2;
    ck_assert_int_eq(ev(in).v, 1);
}
END_TEST

/* A form with columns a, b and rules over them, for the kernels. */
static ir_form form2(ir_rule *rules, int n_rules, ir_field *fields)
{
    memset(fields, 0, sizeof(ir_field) * 2);
    fields[0] = (ir_field){.code = "a", .type = RG_T_COUNT, .time_agg = RG_TIME_OPENING_STRICT,
                           .unit_agg = RG_UNITS_SUM, .weight = -1, .acc_kind = IR_ACC_SUM, .acc = 0,
                           .acc_null = -1, .acc_nv = -1, .acc_sel = -1};
    fields[1] = (ir_field){.code = "b", .type = RG_T_COUNT, .time_agg = RG_TIME_SUM, .unit_agg = RG_UNITS_MAX,
                           .weight = -1, .acc_kind = IR_ACC_SUM, .acc = 1, .acc_null = -1, .acc_nv = 2,
                           .acc_sel = -1};
    /* words: a, b, b's number of values, then mask, first, last, rows */
    ir_form f = {.code = "f", .fields = fields, .n_fields = 2, .rules = rules, .n_rules = n_rules, .n_acc = 7};
    return f;
}

START_TEST(validate_missing_modes)
{
    ir_field fields[2];
    ir_rule rules[3] = {
        {.code = "SKIP", .check = CMP(IR_EQ, F(0, 0), F(1, 0), NULL), .missing = IR_MISS_SKIP},
        {.code = "FAIL", .check = CMP(IR_EQ, F(0, 0), F(1, 0), NULL), .missing = IR_MISS_FAIL},
        {.code = "OVF", .check = CMP(IR_GT, N(IR_ADD, 0, F(0, 0), F(1, 0)), K(0, 0), NULL)},
    };
    ir_expr *za = F(0, 0), *zb = F(1, 0);
    za->zero = zb->zero = 1;
    ir_form f = form2(rules, 3, fields);
    /* rows: equal; different; b missing; a huge (overflow in OVF) */
    int64_t a[4] = {5, 5, 5, INT64_MAX}, b[4] = {5, 6, 0, 1};
    uint64_t pa = 0xf, pb = 0xb, w = 0xf;
    rg_column c[2] = {{a, NULL, NULL, &pa, NULL}, {b, NULL, NULL, &pb, NULL}};
    rg_batch bt = {.n_rows = 4, .cols = c, .well_formed = &w};
    uint64_t f0 = ~0ull, f1 = ~0ull, f2 = ~0ull, ovf = ~0ull;
    uint64_t *fail[3] = {&f0, &f1, &f2};
    ck_assert_int_eq(eval_validate(&f, &bt, fail, &ovf), -1);
    ck_assert_uint_eq(f0, 0x2 | 0x8);       /* row 3: 9223372036854775807 != 1 */
    ck_assert_uint_eq(f1, 0x2 | 0x4 | 0x8); /* the missing b fails */
    ck_assert_uint_eq(f2, 0x0);             /* the overflowing row has no bit */
    ck_assert_uint_eq(ovf, 0x8);
    /* missing zero: b reads as 0 */
    rules[0].check = CMP(IR_EQ, za, zb, NULL);
    ck_assert_int_eq(eval_validate(&f, &bt, fail, &ovf), -1);
    ck_assert_uint_eq(f0 & 0x4, 0x4);
}
END_TEST

START_TEST(accumulate_combine_finalize)
{
    ir_field fields[2];
    ir_form f = form2(NULL, 0, fields);
    ir_output outs[3] = {{.code = "a", .field = 0}, {.code = "b", .field = 1},
                         {.code = "r", .scale = 4, .field = -1}};
    ir_expr *acc_a = ir_new(&A, IR_ACC, 0), *acc_b = ir_new(&A, IR_ACC, 0);
    acc_a->field = 0;
    acc_b->field = 1;
    outs[2].expr = N(IR_DIV, 4, acc_a, acc_b);
    f.outputs = outs;
    f.n_outputs = 3;
    int64_t a[3] = {10, 20, 30}, b[3] = {16, 16, 0};
    uint64_t pa = 0x7, pb = 0x3;
    rg_column c[2] = {{a, NULL, NULL, &pa, NULL}, {b, NULL, NULL, &pb, NULL}};
    rg_batch bt = {.n_rows = 3, .cols = c};
    uint32_t slot[3] = {0, 0, 1};
    uint8_t pos[3] = {1, 2, 3};
    int64_t acc[14] = {0};
    ck_assert_int_eq(eval_accumulate(&f, &bt, slot, pos, acc), 0);
    /* a is a strict opening stock: only row 0 (pos bit 0) and row 2 count */
    ck_assert_int_eq(acc[0], 10);
    ck_assert_int_eq(acc[1], 32);
    ck_assert_int_eq(acc[2], 2);  /* two values of b */
    ck_assert_int_eq(acc[3], 1);  /* sub-period 0 seen */
    ck_assert_int_eq(acc[4], 1);  /* one row of the first sub-period */
    ck_assert_int_eq(acc[5], 1);  /* one of the last */
    ck_assert_int_eq(acc[6], 2);  /* two rows */
    ck_assert_int_eq(acc[7], 30);
    ck_assert_int_eq(acc[8], 0);  /* b missing in row 2 */
    ck_assert_int_eq(acc[9], 0);  /* so it has no value */
    ck_assert_int_eq(acc[13], 1);
    int64_t out[3];
    uint64_t present;
    eval_finalize(&f, acc, out, &present);
    ck_assert_uint_eq(present, 0x7);
    ck_assert_int_eq(out[2], 3125); /* 10/32 = 0.3125 */
    eval_finalize(&f, acc + 7, out, &present);
    ck_assert_uint_eq(present, 0x1); /* the max of no value is empty, and so is the ratio */
    /* combine: a sums, b takes the max over the units with a value */
    ck_assert_int_eq(eval_combine(&f, acc, acc + 7), 0);
    ck_assert_int_eq(acc[0], 40);
    ck_assert_int_eq(acc[1], 32);
    ck_assert_int_eq(acc[6], 3);
    /* overflow marks the group and is contagious */
    int64_t g1[7] = {INT64_MAX, 0, 0, 0, 0, 0, 1}, g2[7] = {1, 0, 0, 0, 0, 0, 1};
    ck_assert_int_eq(eval_combine(&f, g1, g2), -1);
    ck_assert(g1[6] < 0);
    eval_finalize(&f, g1, out, &present);
    ck_assert_uint_eq(present, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("eval");
    TCase *t = tcase_create("eval");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, rounding);
    tcase_add_test(t, arithmetic);
    tcase_add_test(t, comparisons_and_logic);
    tcase_add_test(t, validate_missing_modes);
    tcase_add_test(t, accumulate_combine_finalize);
    tcase_add_test(t, other_form_reads);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}

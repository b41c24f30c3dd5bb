/* ir.c — small helpers over the IR shared by lower, cg and eval. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ir.h"

int64_t ir_pow10(int k)
{
    static const int64_t p[19] = {
        1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
        1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
        100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
        1000000000000000000LL};
    return k >= 0 && k <= 18 ? p[k] : 0;
}

ir_expr *ir_new(arena *a, ir_op op, int scale)
{
    ir_expr *e = arena_alloc(a, sizeof *e);
    e->op = op;
    e->scale = scale;
    e->field = -1;
    return e;
}

ir_expr *ir_node(arena *a, ir_op op, int scale, ir_expr *x, ir_expr *y)
{
    ir_expr *e = ir_new(a, op, scale);
    e->a = x;
    e->b = y;
    return e;
}

ir_expr *ir_bool_node(arena *a, ir_op op, ir_expr *x, ir_expr *y)
{
    ir_expr *e = ir_node(a, op, 0, x, y);
    e->is_bool = 1;
    return e;
}

static const char *const op_names[] = {
    [IR_CONST] = "const", [IR_MISSING] = "missing", [IR_FIELD] = "field", [IR_PREV] = "prev",
    [IR_CHILD] = "child", [IR_ACC] = "acc", [IR_WELL_FORMED] = "well_formed", [IR_ADD] = "add",
    [IR_SUB] = "sub", [IR_MUL] = "mul", [IR_DIV] = "div", [IR_NEG] = "neg", [IR_ABS] = "abs",
    [IR_MIN] = "min", [IR_MAX] = "max", [IR_RESCALE] = "rescale", [IR_CMP] = "cmp",
    [IR_AND] = "and", [IR_OR] = "or", [IR_NOT] = "not", [IR_IF] = "if", [IR_IN] = "in",
    [IR_PRESENT] = "present", [IR_COALESCE] = "coalesce", [IR_PSTART] = "pstart", [IR_OTHER] = "other",
    [IR_EXISTS] = "exists"};
static const char *const cmp_names[] = {"?", "eq", "ne", "lt", "le", "gt", "ge"};

__attribute__((format(printf, 3, 4))) static void put(char **p, size_t *left, const char *fmt, ...)
{
    if (*left <= 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*p, *left, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t k = (size_t)n < *left ? (size_t)n : *left - 1;
    *p += k;
    *left -= k;
}

static void print_rec(const ir_expr *e, char **p, size_t *left)
{
    if (!e) {
        put(p, left, "nil");
        return;
    }
    switch (e->op) {
    case IR_CONST:
        put(p, left, "%lld@%d", (long long)e->value, e->scale);
        return;
    case IR_FIELD: case IR_PREV: case IR_CHILD: case IR_ACC:
        put(p, left, "(");
        put(p, left, "%s", op_names[e->op]);
        put(p, left, e->zero == IR_ZERO_ABSENT ? "a %d)" : e->zero ? "0 %d)" : " %d)", e->field);
        return;
    case IR_OTHER:
        put(p, left, e->zero == IR_ZERO_ABSENT ? "(othera %d.%d)" : e->zero ? "(other0 %d.%d)" : "(other %d.%d)", e->form,
            e->field);
        return;
    default:
        break;
    }
    put(p, left, "(");
    put(p, left, "%s", op_names[e->op]);
    if (e->op == IR_CMP) {
        put(p, left, " ");
        put(p, left, "%s", cmp_names[e->cmp]);
    }
    if (e->op == IR_RESCALE || e->op == IR_DIV)
        put(p, left, "@%d", e->scale);
    if (e->op == IR_PSTART)
        put(p, left, "/%lld", (long long)e->value);
    const ir_expr *kids[3] = {e->a, e->b, e->c};
    for (int i = 0; i < 3; i++)
        if (kids[i]) {
            put(p, left, " ");
            print_rec(kids[i], p, left);
        }
    for (int i = 0; i < e->n_set; i++)
        put(p, left, " #%lld", (long long)e->set[i]);
    put(p, left, ")");
}

void ir_print_expr(const ir_expr *e, char *buf, size_t size)
{
    if (!size)
        return;
    buf[0] = '\0';
    char *p = buf;
    size_t left = size;
    print_rec(e, &p, &left);
}

void ir_collect_reads(arena *a, const ir_expr *e, int form, ir_read **reads, int *n, int *cap)
{
    if (!e)
        return;
    int role = e->op == IR_FIELD ? RG_READ_ROW : e->op == IR_PREV ? RG_READ_PREVIOUS
             : e->op == IR_CHILD ? RG_READ_CHILDREN : e->op == IR_OTHER ? RG_READ_OTHER : 0;
    if (role && e->field >= 0) {
        int fo = e->op == IR_OTHER ? e->form : form, k;
        for (k = 0; k < *n; k++)
            if ((*reads)[k].role == role && (*reads)[k].form == fo && (*reads)[k].field == e->field)
                break;
        if (k == *n) {
            if (*n == *cap) {
                int nc = *cap ? *cap * 2 : 8;
                ir_read *r = arena_alloc(a, sizeof *r * (size_t)nc);
                if (*n)
                    memcpy(r, *reads, sizeof *r * (size_t)*n);
                *reads = r;
                *cap = nc;
            }
            (*reads)[(*n)++] = (ir_read){role, fo, e->field};
        }
    }
    ir_collect_reads(a, e->a, form, reads, n, cap);
    ir_collect_reads(a, e->b, form, reads, n, cap);
    ir_collect_reads(a, e->c, form, reads, n, cap);
}

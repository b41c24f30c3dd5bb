/*
 * children.c — children() rules: a parent's own figures against the sum of
 * its children (see ext.h).
 */
#include "scan.h"

int32_t rt_units_find_above(const rt_units *u, int tier, const char *code, size_t len)
{
    for (int t = tier - 1; t >= 0; t--) {
        int32_t g = rt_units_find(u, t, code, len);
        if (g >= 0) return g;
    }
    return -1;
}

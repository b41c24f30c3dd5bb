/*
 * rt.h — internals shared by the modules of libregrt (not installed).
 */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "regrt.h"
#include "core.h"

/* Messages are translated at the call site: both arms are literals, so the
 * compiler checks each against the arguments. */
extern rt_lang rt_cur_lang;
#define TR(en, vi) (rt_cur_lang == RT_LANG_VI ? (vi) : (en))

void rt_err(rt_error *e, int status, const char *fmt, ...) RT_FMT(3, 4);
void rt_warn(const char *fmt, ...) RT_FMT(1, 2);
void rt_info(const char *fmt, ...) RT_FMT(1, 2);
extern int rt_quiet;

/* REGRT_TIMING=1 prints the time of each phase on stderr (for tuning). */
void rt_phase(const char *name);

/* ---- string map ------------------------------------------------------------ */

/* Open addressing map from byte strings (not copied) to uint32 values. */
typedef struct rt_strmap {
    struct rt_strmap_slot {
        const char *key;
        uint32_t len;
        uint32_t val;
        uint64_t hash;
    } *slots;
    uint32_t cap, n;
} rt_strmap;

uint64_t rt_hash(const char *s, size_t n);
void rt_strmap_init(rt_strmap *m, uint32_t expected);
void rt_strmap_free(rt_strmap *m);
/* Inserts unless present; returns the value now stored for key. */
uint32_t rt_strmap_put(rt_strmap *m, const char *key, uint32_t len, uint32_t val);
/* Returns 1 and *val, or 0. */
int rt_strmap_get(const rt_strmap *m, const char *key, uint32_t len, uint32_t *val);

/* ---- string arena ---------------------------------------------------------- */

typedef struct rt_arena {
    struct rt_chunk *head;
} rt_arena;

char *rt_arena_strndup(rt_arena *a, const char *s, size_t n);
void rt_arena_free(rt_arena *a);

/* ---- regime ------------------------------------------------------------ */

struct rt_regime {
    void *dl;
    const rg_regime_desc *desc;
    char *path;
    rt_strmap *codes; /* one per code list */
    int memfd;        /* the verified copy dlopen mapped, or -1 */
    char signer[17];  /* key id, "" when loaded unsigned */
    char *signer_key; /* trusted key file, or NULL */
};

/* Structural checks of a descriptor (indexes in range, kernels present). */
int rt_desc_check(const rg_regime_desc *d, rt_error *err);

/* ---- units ------------------------------------------------------------------ */

/* The parent of every unit (global indexes; -1 at the top), for loops. */
const int32_t *rt_units_parents(const rt_units *u);

/* ---- holidays path ---------------------------------------------------------- */

/* Resolves the holiday file: explicit path, REGIME_PATH/data/<name>_holidays.csv,
 * <dir of argv0>/../../stdlib/data/<name>_holidays.csv. NULL when none exists. */
char *rt_holidays_path(const char *explicit_path, const char *name, const char *argv0);
/* Appends data for a text report: control characters escaped (report.c). */
void rt_buf_text(rt_buf *b, const char *p, size_t n);
/* Years covered by a holiday calendar (its first and last day's), or -1. */
int rt_holidays_range(const rt_holidays *h, int *y0, int *y1);
/* Deadline `dl` after the cut-off end `after`; a working-day deadline that
 * counts days outside the calendar's years is an error (-1, status 2), or
 * a warning under --allow-unknown-holidays. */
int rt_deadline_for(const rt_opts *o, const rt_holidays *h, const char *hpath, int64_t after,
                    const rg_deadline *dl, const char *tier, const char *period, int64_t *due, rt_error *err);
/* DIR/data/FILE in $REGIME_PATH or the stdlib beside regrt, or NULL. */
char *rt_data_file_path(const char *file, const char *argv0);
/* The tiers' default units file recorded in the manifest beside LIB (or a
 * file of that name in the data folders when it moved), or NULL (malloc'd). */
char *rt_units_default(const char *lib, const char *argv0);
/* Refuses (-1, status 2) an output that is an input or the other output,
 * by file identity; units = the units file that will be read. */
int rt_paths_check(const rt_opts *o, const char *units, rt_error *err);
/* Advisory locks on the outputs' folders (waits for another run). */
int rt_outputs_lock(const rt_opts *o, rt_error *err);
void rt_outputs_unlock(void);

/* The holiday calendar of a regime for a command (see rt_holidays_path);
 * an empty calendar, with a warning, when none is found. *path_out is the
 * file used or NULL (caller frees). */
rt_holidays *rt_holidays_for(const rt_opts *o, const rg_regime_desc *d, char **path_out,
                             rt_error *err);

#endif /* RT_H */

/* sema.c — runs the semantic passes in order (stub during bring-up). */
#include "sema.h"

m_regime *sema_run(compile_ctx *c)
{
    m_regime *r = arena_alloc(&c->arena, sizeof *r);
    return r;
}

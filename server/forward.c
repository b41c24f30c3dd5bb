/* forward.c — forwarding consolidated reports to the tier above (see
 * docs/SERVER.md). */
#include "srv.h"

int srv_forward_start(srv *s)
{
    (void)s;
    return 0;
}

void srv_forward_stop(srv *s) { (void)s; }

/* emit_xml.c — placeholder until the XForms/XSD emitter lands: creates
 * DIR/forms/ only. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "emit_xml.h"

int emit_forms(const m_regime *r, const char *dir, diag_ctx *d)
{
    (void)r;
    (void)d;
    char path[4096];
    snprintf(path, sizeof path, "%s/forms", dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

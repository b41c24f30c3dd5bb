/* emit_xml.h — form schemas written by `regc build`: for every form,
 * DIR/forms/<form>.xform.xml (ODK XForms) and DIR/forms/<form>.xsd, both
 * through libxml2's writer API. */
#ifndef EMIT_XML_H
#define EMIT_XML_H

#include "diag.h"
#include "model.h"

/* Writes the schemas of every form of r under dir/forms/. 0 on success;
 * on failure a diagnostic has been reported. */
int emit_forms(const m_regime *r, const char *dir, diag_ctx *d);

#endif

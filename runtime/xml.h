/*
 * xml.h — XML submission instances (the primary instance of a form's XForm,
 * as ODK Collect submits it) read by libregrt.
 *
 * rt_scan_file() hands every DATA file named *.xml to rt_xml_scan(), which
 *   1. reads the file (at most RT_XML_MAX_BYTES) and parses it with libxml2
 *      without network, entity substitution or DTD loading; a document that
 *      declares entities or names an external DTD is refused, and so is one
 *      nested deeper than RT_XML_MAX_DEPTH or with an element of more than
 *      RT_XML_MAX_ATTRS attributes;
 *   2. checks the root element, its id and version against the library, and
 *      the number of rows: at most one per combination of the dimensions'
 *      codes, and at most RT_XML_MAX_ROWS (one unit's report for one
 *      period; bulk data travels as CSV);
 *   3. validates it against DIR/forms/<form>.xsd, written by `regc build`
 *      beside the library, and reports each violation like a rule failure
 *      (rule code XSD, severity error) with the line of the element;
 *   4. turns the rows into CSV text, each record on the line of its row
 *      element, and runs it through the CSV scan: the same value parsers,
 *      kernels and report as a CSV submission. Rows with a schema
 *      violation count as rows with errors and are left out of roll-ups.
 */
#ifndef RT_XML_H
#define RT_XML_H

#include "scan.h"

#define RT_XML_MAX_BYTES ((size_t)64 << 20)
#define RT_XML_MAX_DEPTH 64
#define RT_XML_MAX_ATTRS 256 /* per element: libxml2 checks duplicates in O(n^2) */
#define RT_XML_MAX_ROWS 10000  /* per instance: libxml2 checks xs:unique in O(n^2) */
#define RT_XML_MAX_ISSUES 1000

/* 1 when a DATA path names an XML instance (ends in .xml, any case). */
int rt_xml_is_xml(const char *path);

/* A schema violation. row 0 is the instance itself (outside any row). */
typedef struct rt_xml_issue {
    uint32_t row;
    uint32_t line;
    char *msg;
} rt_xml_issue;

typedef struct rt_xml_data {
    rt_buf csv;          /* header, then one record per row */
    uint32_t n_rows;
    uint32_t *line;      /* per row (1-based index; [0] = the root) */
    uint8_t *bad;        /* per row: has a schema violation */
    char **keys;         /* per row (0..n_rows) x n_keys: raw unit, period, dimensions */
    uint32_t n_keys;
    int instance_bad;    /* a violation outside the rows: every row is concerned */
    rt_xml_issue *issues;
    uint32_t n_issues;   /* kept: at most RT_XML_MAX_ISSUES */
    uint64_t n_issues_all;
} rt_xml_data;

/*
 * Reads the instance at `path` (an instance of form `form` of regime `d`)
 * and validates it against the XSD at `xsd`. Returns 0 with *out filled
 * (schema violations are data, in out->issues), or -1 with err set (status
 * 2) when the file cannot be used: unreadable, too large, not well-formed,
 * hostile (entities, external DTD, nesting), another form or version, or
 * the XSD missing.
 */
int rt_xml_read(const rg_regime_desc *d, const rg_form *form, const char *xsd, const char *path,
                rt_xml_data *out, rt_error *err);
void rt_xml_data_free(rt_xml_data *x);

/* DIR/forms/<form>.xsd of the library a regime was loaded from (malloc). */
char *rt_xml_xsd_path(const rt_regime *rg, const rg_form *form);

/* rt_scan_file() for an XML instance. */
int rt_xml_scan(const rt_scan_cfg *cfg, const char *path, rt_scan_stats *st, rt_error *err);

#endif /* RT_XML_H */

#!/usr/bin/env python3
"""Writes an XML submission instance from CSV rows, shaped by a form's XForm.

    csv_to_instance.py FORM.xform.xml DATA.csv UNIT PERIOD > instance.xml

The XForm's primary instance gives the root (id, version), the order of the
elements and which of them sit in the repeated row; the rows of DATA.csv with
that unit and period fill it (computed fields and notes stay empty). Used to
make the sample instances under examples/*/xml/.
"""
import csv
import sys
import xml.etree.ElementTree as ET

XF = "{http://www.w3.org/2002/xforms}"


def main():
    xform, data, unit, period = sys.argv[1:5]
    model = ET.parse(xform).getroot().find("{http://www.w3.org/1999/xhtml}head").find(XF + "model")
    inst = next(i for i in model.findall(XF + "instance") if "id" not in i.attrib)
    root = list(inst)[0]
    name = root.tag[len(XF):]
    rows = [r for r in csv.DictReader(open(data, encoding="utf-8")) if r["unit"] == unit and r["period"] == period]
    if not rows:
        sys.exit("no row for %s %s" % (unit, period))
    out = ET.Element(name, {"id": root.attrib["id"], "version": root.attrib["version"]})
    row_tmpl = None
    for c in root:
        tag = c.tag[len(XF):]
        if len(c):
            if tag == "meta":
                continue
            row_tmpl = (tag, [g.tag[len(XF):] for g in c])
            for r in rows:
                e = ET.SubElement(out, tag)
                for k in row_tmpl[1]:
                    ET.SubElement(e, k).text = r.get(k, "") or None
        else:
            ET.SubElement(out, tag).text = rows[0].get(tag, "") or None
    ET.indent(out)
    sys.stdout.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    sys.stdout.write(ET.tostring(out, encoding="unicode") + "\n")


main()

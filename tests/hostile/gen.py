#!/usr/bin/env python3
"""gen.py OUT — writes the big members of the hostile corpus into OUT/csv,
OUT/xml and OUT/spec (too large, or too repetitive, to keep in git). Each
has its expected result beside the stored members, as
tests/hostile/KIND/NAME.expected; tests/e2e/t_hostile.sh runs them all."""
import os
import sys

out = sys.argv[1]
for d in ('csv', 'xml', 'spec'):
    os.makedirs(os.path.join(out, d), exist_ok=True)

HDR = ('unit,period,domain,carried,new_online,new_direct,received,early,ontime,'
       'late,resolved,pending_due,pending_overdue,pending')
OK = '00001,2025-01,D01,2,3,1,6,1,3,0,4,1,1,2'
MB = 1 << 20


def put(kind, name, data):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    with open(os.path.join(out, kind, name), mode) as f:
        f.write(data)


# ---- CSV ----------------------------------------------------------------------
# a count of a million digits, and a domain code of a megabyte
put('csv', 'field_1mb_number.csv',
    HDR + '\n' + OK + '\n00001,2025-01,D02,2,3,1,6,1,3,0,4,1,1,' + '7' * MB + '\n')
put('csv', 'field_1mb_code.csv',
    HDR + '\n' + OK + '\n00001,2025-01,' + 'D' * MB + ',2,3,1,6,1,3,0,4,1,1,2\n')
# 10,000 columns in the header; and a row of 10,000 fields under a normal header
put('csv', 'columns_10000.csv',
    HDR + ',' + ','.join('x%d' % i for i in range(10000 - 14)) + '\n' + OK + '\n')
put('csv', 'row_10000_fields.csv',
    HDR + '\n' + OK + '\n' + OK + ',' + ','.join('1' for _ in range(10000 - 14)) + '\n' + OK + '\n')
# a quote opened on line 3 and never closed, 70 MB of rows after it
with open(os.path.join(out, 'csv', 'quote_swallows_70mb.csv'), 'w') as f:
    f.write(HDR + '\n' + OK + '\n00001,"2025-01,D01,2,3,1,6,1,3,0,4,1,1,2\n')
    block = (OK + '\n') * 4096
    for _ in range((70 * MB) // len(block) + 1):
        f.write(block)
# 100,000 valid rows (time and memory stay flat)
put('csv', 'rows_100000.csv',
    HDR + '\n' + ''.join('%05d,2025-%02d,D%02d,2,3,1,6,1,3,0,4,1,1,2\n' % (1 + (i % 2) * 3, 1 + i % 12, 1 + i % 40)
                         for i in range(100000)))

# ---- XML ----------------------------------------------------------------------
XHEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
ROW = ('  <row>\n    <domain>D01</domain>\n    <carried>2</carried>\n    <new_online>3</new_online>\n'
       '    <new_direct>1</new_direct>\n    <received>6</received>\n    <early>1</early>\n'
       '    <ontime>3</ontime>\n    <late>0</late>\n    <resolved>4</resolved>\n'
       '    <pending_due>1</pending_due>\n    <pending_overdue>1</pending_overdue>\n'
       '    <pending>2</pending>\n  </row>\n')


def instance(body, attrs=''):
    return (XHEAD + '<bieu06 id="bieu06" version="1.0.0"%s>\n  <unit>00001</unit>\n'
            '  <period>2025-01</period>\n%s</bieu06>\n' % (attrs, body))


put('xml', 'deep_100000.xml', instance('<a>' * 100000 + '</a>' * 100000 + '\n'))
put('xml', 'attribute_10mb.xml', instance(ROW, ' note="%s"' % ('A' * (10 * MB))))
put('xml', 'attributes_100000.xml', instance(ROW, ''.join(' a%d="1"' % i for i in range(100000))))
put('xml', 'text_20mb.xml', instance(ROW.replace('<domain>D01', '<domain>' + 'D' * (20 * MB))))
put('xml', 'larger_than_64mb.xml', instance(ROW + '<!--' + 'x' * (65 * MB) + '-->\n'))
put('xml', 'rows_20000.xml', instance(ROW * 20000))

# ---- specs ----------------------------------------------------------------------
FORM = ('form f {\n  label en "F"\n  reported by commune\n  period month\n'
        '  field a: count of x\n    label en "a"\n  rule R1 error\n    check %s\n'
        '    message en "m"\n}\n')
put('spec', 'nesting_100000.regime', FORM % ('(' * 100000 + 'a' + ')' * 100000 + ' = 1'))
put('spec', 'blocks_100000.regime', 'form f ' + '{' * 100000 + '\n')
put('spec', 'name_1mb.regime', 'form ' + 'f' * MB + ' {\n}\n')
put('spec', 'number_100000_digits.regime', FORM % ('a = ' + '9' * 100000))
put('spec', 'string_2mb.regime', 'form f {\n  label en "' + 'x' * (2 * MB) + '"\n}\n')
put('spec', 'terms_10000.regime', FORM % (' + '.join(['a'] * 10000) + ' >= 0'))
put('spec', 'binary_64kb.regime', bytes((i * 7919 + 13) % 256 for i in range(64 * 1024)))
# imports nested 40 deep: mod_chain_01 imports mod_chain_02 ... (the limit is 32)
put('spec', 'import_chain_40.regime', 'import mod_chain_01\n')
for i in range(1, 41):
    nxt = 'import mod_chain_%02d\n' % (i + 1) if i < 40 else ''
    put('spec', 'mod_chain_%02d.regime' % i, nxt + 'codelist c%02d {\n  label en "c"\n  code A en "a"\n}\n' % i)

#!/usr/bin/env python3
"""load.py — a small load client for `regrt serve` (the deadline rush).

Every commune of a unit list (or the first --limit of them) submits its tthc
report for one month, each from its own account (c<code>, password pw-<code>,
see --accounts), over N concurrent connections, as ODK Collect does: a
multipart/form-data POST of xml_submission_file with Basic authentication.

  load.py accounts UNITS.csv OUT.csv          the accounts file for serve-admin import
  load.py run URL UNITS.csv [--month 2025-01] [--workers 8] [--limit N]
              [--acked FILE] [--seconds S]

`run` prints one line of figures (requests, seconds, throughput, p50, p99,
status counts) and, with --acked, appends "instanceID status" for every
acknowledged (2xx) submission as soon as its answer is read (the kill -9
test compares that file with the store after a restart).
"""
import base64
import csv
import http.client
import sys
import threading
import time
import urllib.parse

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bieu06 id="bieu06" version="1.0.0">
  <unit>{unit}</unit>
  <period>{month}</period>
{rows}  <meta><instanceID>{iid}</instanceID></meta>
</bieu06>
"""
ROW = """  <row>
    <domain>{d}</domain>
    <carried>{c}</carried>
    <new_online>{o}</new_online>
    <new_direct>{n}</new_direct>
    <received>{r}</received>
    <early>{e}</early>
    <ontime>{t}</ontime>
    <late>{l}</late>
    <resolved>{s}</resolved>
    <pending_due>{pd}</pending_due>
    <pending_overdue>{po}</pending_overdue>
    <pending>{p}</pending>
  </row>
"""


def communes(path, limit):
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("commune_code"):
                out.append(row["commune_code"])
    return out[:limit] if limit else out


def instance(unit, month, seed):
    rows = []
    k = int(unit) + seed
    for i in range(1, 4):
        c, o, n = k % 7, (k * 3 + i) % 11, (k + i) % 5
        r = c + o + n
        e, t, l = r // 4, r // 3, r // 6
        s = e + t + l
        p = r - s
        pd, po = p // 2, p - p // 2
        rows.append(ROW.format(d="D%02d" % i, c=c, o=o, n=n, r=r, e=e, t=t, l=l, s=s, pd=pd, po=po, p=p))
    iid = "uuid:load-%s-%s-%d" % (unit, month, seed)
    return iid, TEMPLATE.format(unit=unit, month=month, rows="".join(rows), iid=iid).encode()


def body_of(xml):
    b = "----regimeLoadBoundary7d1a"
    head = ('--%s\r\nContent-Disposition: form-data; name="xml_submission_file"; filename="s.xml"\r\n'
            "Content-Type: text/xml\r\n\r\n" % b).encode()
    return b, head + xml + ("\r\n--%s--\r\n" % b).encode()


def run(url, units, month, workers, limit, acked, seconds, seed):
    u = urllib.parse.urlparse(url)
    todo = communes(units, limit)
    lock = threading.Lock()
    lat, codes = [], {}
    ack = open(acked, "a", buffering=1) if acked else None
    idx = [0]
    deadline = time.time() + seconds if seconds else None

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        while True:
            with lock:
                if idx[0] >= len(todo) or (deadline and time.time() > deadline):
                    return
                code = todo[idx[0]]
                idx[0] += 1
            iid, xml = instance(code, month, seed)
            b, body = body_of(xml)
            auth = base64.b64encode(("c%s:pw-%s" % (code, code)).encode()).decode()
            hdr = {"Content-Type": "multipart/form-data; boundary=" + b, "Authorization": "Basic " + auth,
                   "X-OpenRosa-Version": "1.0", "Accept-Language": "en"}
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/submission", body, hdr)
                resp = conn.getresponse()
                resp.read()
                st = resp.status
            except (OSError, http.client.HTTPException):
                st = 0
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
            dt = time.perf_counter() - t0
            with lock:
                lat.append(dt)
                codes[st] = codes.get(st, 0) + 1
                if ack and 200 <= st < 300:
                    ack.write("%s %d\n" % (iid, st))

    t0 = time.time()
    ts = [threading.Thread(target=worker) for _ in range(workers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    el = time.time() - t0
    lat.sort()
    n = len(lat)
    p = lambda q: lat[min(n - 1, int(q * n))] * 1000 if n else 0
    print("requests %d  seconds %.1f  throughput %.1f/s  p50 %.1f ms  p99 %.1f ms  max %.1f ms  status %s"
          % (n, el, n / el if el else 0, p(0.50), p(0.99), lat[-1] * 1000 if n else 0,
             " ".join("%s:%d" % kv for kv in sorted(codes.items()))))
    if ack:
        ack.close()


def main(a):
    if len(a) >= 3 and a[0] == "accounts":
        with open(a[2], "w", encoding="utf-8") as f:
            f.write("name,role,unit,password,rate\n")
            for c in communes(a[1], 0):
                f.write("c%s,reporter,%s,pw-%s,0\n" % (c, c, c))
        return 0
    if len(a) >= 3 and a[0] == "run":
        opts = {"--month": "2025-01", "--workers": "8", "--limit": "0", "--acked": "", "--seconds": "0", "--seed": "0"}
        i = 3
        while i < len(a):
            opts[a[i]] = a[i + 1]
            i += 2
        run(a[1], a[2], opts["--month"], int(opts["--workers"]), int(opts["--limit"]), opts["--acked"],
            float(opts["--seconds"]), int(opts["--seed"]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

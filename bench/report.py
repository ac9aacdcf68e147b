"""bench/run's arithmetic, kept out of the shell script.

  report.py wrk OUTPUT CPU_TICKS CLK_TCK
      one wrk run -> "req/s p50_ms p99_ms errors cpu_us_per_request"
  report.py summary RESULTS SYSTEMS
      the medians per system and the issue's ratios; RESULTS has one line per run:
      "round system req/s p50_ms p99_ms errors cpu_us_per_request load_average"
  report.py soak SAMPLES TOLERANCE_PCT
      bench/soak's table and verdict; SAMPLES has one line per sample:
      "load|idle seconds heap_after_gc_kib threads fds rss_kib"
"""
import re
import statistics
import sys

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(out, ticks, hz):
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))

    def percentile(p):
        m = re.search(r"^\s+" + p + r"%\s+([0-9.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNIT_MS[m.group(2)]

    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    cpu_us = 1e6 * ticks / hz / max(requests, 1)
    return f"{rps:.0f} {percentile('50'):.3f} {percentile('99'):.3f} {errors} {cpu_us:.1f}"


class Median:
    """One system's medians over its rounds."""

    def __init__(self, rows):
        self.rps = statistics.median(float(r[2]) for r in rows)
        self.p50 = statistics.median(float(r[3]) for r in rows)
        self.p99 = statistics.median(float(r[4]) for r in rows)
        self.errors = sum(int(r[5]) for r in rows)
        self.cpu = statistics.median(float(r[6]) for r in rows)
        self.runs = " ".join(f"{float(r[2]):.0f}" for r in rows)


# The targets (issue 14), each: label, system, reference, what is compared, bound, at least (True) or at most.
TARGETS = [
    ("fulcrum-jetty req/s / vertx req/s", "fulcrum-jetty", "vertx", "rps", 1.3, True),
    ("fulcrum-jetty CPU/req / vertx CPU/req", "fulcrum-jetty", "vertx", "cpu", 0.8, False),
    ("fulcrum-jetty req/s / nginx (1 worker) req/s", "fulcrum-jetty", "nginx", "rps", 0.8, True),
    ("fulcrum-jetty p99 / nginx (1 worker) p99", "fulcrum-jetty", "nginx", "p99", 1.0, False),
    ("fulcrum-jetty-module req/s / vertx req/s", "fulcrum-jetty-module", "vertx", "rps", 1.3, True),
    ("fulcrum-jetty-module CPU/req / vertx CPU/req", "fulcrum-jetty-module", "vertx", "cpu", 0.8, False),
    ("fulcrum-jetty-module req/s / nginx (1 worker) req/s", "fulcrum-jetty-module", "nginx", "rps", 0.8, True),
    ("fulcrum-jetty-module p99 / nginx (1 worker) p99", "fulcrum-jetty-module", "nginx", "p99", 1.0, False),
    ("fulcrum-tomcat req/s / fulcrum-jetty req/s", "fulcrum-tomcat", "fulcrum-jetty", "rps", 0.9, True),
]


def summary(results, systems):
    rows = [line.split() for line in open(results) if line.strip()]
    med = {s: Median([r for r in rows if r[1] == s]) for s in systems if any(r[1] == s for r in rows)}

    def ratio(s, ref):
        return f"{med[s].rps / med[ref].rps:.2f}" if ref in med and med[ref].rps else "-"

    print()
    print(f"{'system':<21}{'req/s':>9}{'CPU µs/req':>12}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
          f"{'÷ nginx':>9}{'÷ vertx':>9}{'÷ jetty-bare':>14}   runs (req/s)")
    for s in systems:
        if s not in med:
            continue
        m = med[s]
        print(f"{s:<21}{m.rps:>9.0f}{m.cpu:>12.1f}{m.p50:>9.2f}{m.p99:>9.2f}{m.errors:>8}"
              f"{ratio(s, 'nginx'):>9}{ratio(s, 'vertx'):>9}{ratio(s, 'jetty-bare'):>14}   {m.runs}")
    print("Medians over the rounds. CPU µs/req: user+system CPU of the proxy's processes (the origins' for direct)")
    print("per request served; it does not depend on how much CPU other processes left free, unlike req/s.")
    print("÷ columns: req/s against nginx (1 worker), vertx and jetty-bare.")
    print()
    print("Issue 14 targets (medians of this run):")
    shown = 0
    for label, s, ref, field, bound, at_least in TARGETS:
        if s not in med or ref not in med or not getattr(med[ref], field):
            continue
        value = getattr(med[s], field) / getattr(med[ref], field)
        met = value >= bound if at_least else value <= bound
        print(f"  {label:<53} {value:6.2f}  target {'>=' if at_least else '<='} {bound:.2f}  "
              f"{'met' if met else 'NOT met'}")
        shown += 1
    if shown == 0:
        print("  (none: they need fulcrum-jetty or fulcrum-jetty-module with vertx or nginx, or fulcrum-tomcat with fulcrum-jetty)")


# bench/soak's measures: column, label, unit divisor (KiB -> MiB), floor of the allowed growth in the column's unit.
SOAK_MEASURES = [
    (2, "heap after GC", 1024, 4 * 1024),
    (3, "threads", 1, 2),
    (4, "file descriptors", 1, 4),
    (5, "RSS", 1024, 32 * 1024),
]


def soak(samples, tolerance_pct):
    rows = [line.split() for line in open(samples) if line.strip()]
    print()
    print(f"{'':<6}{'t (s)':>7}{'heap after GC (MiB)':>21}{'threads':>9}{'fds':>6}{'RSS (MiB)':>11}")
    for r in rows:
        print(f"{r[0]:<6}{int(r[1]):>7}{int(r[2]) / 1024:>21.1f}{int(r[3]):>9}{int(r[4]):>6}{int(r[5]) / 1024:>11.1f}")
    loaded = [r for r in rows if r[0] == "load"]
    third = len(loaded) // 3
    if third == 0:
        print("verdict: too few samples under load for thirds (at least 3 needed)")
        return 2
    first, last = loaded[:third], loaded[-third:]
    print()
    print(f"Growth from the first third of the samples under load ({len(first)}) to the last third ({len(last)}),")
    print(f"medians; allowed: {tolerance_pct} % of the first third's, at least a floor per measure")
    grew = []
    for column, label, divisor, floor in SOAK_MEASURES:
        a = statistics.median(int(r[column]) for r in first)
        b = statistics.median(int(r[column]) for r in last)
        allowed = max(a * tolerance_pct / 100.0, floor)
        unit = " MiB" if divisor > 1 else ""
        ok = b - a <= allowed
        print(f"  {label:<17} {a / divisor:9.1f} -> {b / divisor:9.1f}{unit:<4}  growth {(b - a) / divisor:+8.1f}"
              f"  allowed {allowed / divisor:6.1f}  {'ok' if ok else 'GROWTH'}")
        if not ok:
            grew.append(label)
    if grew:
        print("verdict: GROWTH in " + ", ".join(grew))
        return 3
    print("verdict: no growth beyond the tolerance in heap after GC, threads, file descriptors or RSS")
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "wrk":
        print(parse_wrk(argv[2], int(argv[3]), int(argv[4])))
    elif len(argv) == 4 and argv[1] == "summary":
        summary(argv[2], argv[3].split())
    elif len(argv) == 4 and argv[1] == "soak":
        sys.exit(soak(argv[2], int(argv[3])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

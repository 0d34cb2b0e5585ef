#!/usr/bin/env python3
"""Synthetic scrape targets for bench/storage_compare.sh (Python 3 stdlib only).

Serves N targets on 127.0.0.1 (ports BASE..BASE+N-1), each exposing about
SERIES_PER_TARGET series in the Prometheus text format:

  * counters   (bench_http_requests_total{...}) that grow by a random-ish rate,
  * gauges     (bench_queue_depth, bench_temperature_celsius, ...) that random-walk,
  * classic histograms (bench_request_duration_seconds_bucket{le=...}, _sum, _count)
    whose observations follow a log-normal latency distribution.

Values change on every scrape (state advances with wall time, once per second
at most per target, so every system scraping at 1s sees fresh values).  The
mix per target is roughly 40% counters, 30% gauges, 30% histogram series.

Usage: workload_target.py --base-port 19100 --targets 10 --series 2000
"""
import argparse
import math
import random
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]
METHODS = ["GET", "POST", "PUT", "DELETE"]
CODES = ["200", "201", "204", "301", "400", "401", "404", "429", "500", "503"]


def fmt(v):
    if isinstance(v, int):
        return str(v)
    if v == math.floor(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(round(v, 6))


class Target:
    """One target's series and their evolving state."""

    def __init__(self, index, n_series, seed):
        self.index = index
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.last_tick = 0
        n_hist_series = int(n_series * 0.30)
        per_hist = len(BUCKETS) + 1 + 2  # buckets + +Inf + _sum + _count
        n_hist = max(1, n_hist_series // per_hist)
        n_gauge = int(n_series * 0.30)
        n_counter = n_series - n_hist * per_hist - n_gauge
        rng = self.rng
        # counters: (labels, value, rate per second)
        self.counters = []
        for i in range(n_counter):
            lbl = 'handler="/api/v%d/r%d",method="%s",code="%s"' % (
                i % 3 + 1, i // 40, METHODS[i % 4], CODES[(i // 4) % 10])
            self.counters.append([lbl, float(rng.randint(0, 10**6)), rng.lognormvariate(1.5, 1.5)])
        # gauges: (name, labels, value, step scale, lo, hi, integer?)
        self.gauges = []
        kinds = [
            ("bench_queue_depth", 0.0, 5000.0, 3.0, True),
            ("bench_temperature_celsius", 10.0, 95.0, 0.2, False),
            ("bench_memory_usage_bytes", 1e8, 8e9, 2e6, True),
            ("bench_cpu_utilisation_ratio", 0.0, 1.0, 0.01, False),
        ]
        for i in range(n_gauge):
            name, lo, hi, step, integer = kinds[i % len(kinds)]
            lbl = 'device="dev%d",shard="%d"' % (i // len(kinds), i % 7)
            v = rng.uniform(lo, hi)
            self.gauges.append([name, lbl, round(v) if integer else v, step, lo, hi, integer])
        # histograms: (labels, bucket counts incl. +Inf, sum, count, mu, rate)
        self.hists = []
        for i in range(n_hist):
            lbl = 'handler="/h%d",method="%s"' % (i // 4, METHODS[i % 4])
            self.hists.append([lbl, [0] * (len(BUCKETS) + 1), 0.0, 0,
                               rng.uniform(-4.0, -1.0), rng.randint(1, 40)])
        self.n_series = n_counter + n_gauge + n_hist * per_hist

    def _advance(self):
        rng = self.rng
        for c in self.counters:
            c[1] += round(max(0.0, rng.gauss(c[2], c[2] * 0.3)))
        for g in self.gauges:
            _, _, v, step, lo, hi, integer = g
            v += rng.gauss(0.0, step)
            v = min(hi, max(lo, v))
            g[2] = round(v) if integer else v
        for h in self.hists:
            n = max(0, int(rng.gauss(h[5], h[5] * 0.2)))
            counts = h[1]
            for _ in range(n):
                x = rng.lognormvariate(h[4], 1.0)
                h[2] += x
                for bi, b in enumerate(BUCKETS):
                    if x <= b:
                        counts[bi] += 1
                        break
                else:
                    counts[-1] += 1
            h[3] += n

    def render(self):
        with self.lock:
            now = int(time.time())
            if now != self.last_tick:
                self._advance()
                self.last_tick = now
            return self.exposition().encode()

    def exposition(self, timestamp_ms=None):
        """The current state as exposition text; with timestamp_ms, every sample
        carries that explicit timestamp (bench/dashboard_compare.sh serves history)."""
        ts = "" if timestamp_ms is None else " %d" % timestamp_ms
        out = []
        t = 't="%d"' % self.index
        out.append("# HELP bench_http_requests_total Requests served.\n"
                   "# TYPE bench_http_requests_total counter\n")
        for lbl, v, _ in self.counters:
            out.append("bench_http_requests_total{%s,%s} %s%s\n" % (t, lbl, fmt(v), ts))
        seen = set()
        for name, lbl, v, *_ in self.gauges:
            if name not in seen:
                out.append("# TYPE %s gauge\n" % name)
                seen.add(name)
            out.append("%s{%s,%s} %s%s\n" % (name, t, lbl, fmt(v), ts))
        out.append("# HELP bench_request_duration_seconds Request latency.\n"
                   "# TYPE bench_request_duration_seconds histogram\n")
        for lbl, counts, s, cnt, _, _ in self.hists:
            cum = 0
            for bi, b in enumerate(BUCKETS):
                cum += counts[bi]
                out.append('bench_request_duration_seconds_bucket{%s,%s,le="%s"} %d%s\n'
                           % (t, lbl, repr(b), cum, ts))
            out.append('bench_request_duration_seconds_bucket{%s,%s,le="+Inf"} %d%s\n'
                       % (t, lbl, cnt, ts))
            out.append("bench_request_duration_seconds_sum{%s,%s} %s%s\n" % (t, lbl, fmt(s), ts))
            out.append("bench_request_duration_seconds_count{%s,%s} %d%s\n" % (t, lbl, cnt, ts))
        return "".join(out)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path.split("?")[0] != "/metrics":
            self.send_error(404)
            return
        body = self.server.target.render()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--base-port", type=int, default=19100)
    ap.add_argument("--targets", type=int, default=10)
    ap.add_argument("--series", type=int, default=2000, help="series per target")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--max-seconds", type=int, default=3600,
                    help="exit by itself after this long (safety bound)")
    args = ap.parse_args()
    servers = []
    total = 0
    for i in range(args.targets):
        srv = Server((args.host, args.base_port + i), Handler)
        srv.target = Target(i, args.series, args.seed + i)
        total += srv.target.n_series
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
    print("serving %d targets, %d series in total, ports %d-%d" % (
        args.targets, total, args.base_port, args.base_port + args.targets - 1), flush=True)
    try:
        time.sleep(args.max_seconds)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

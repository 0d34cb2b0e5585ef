#!/usr/bin/env python3
"""One scrape target serving generated history with explicit timestamps, for
bench/dashboard_compare.sh (Python 3 stdlib only).

The series are those of bench/workload_target.py's Target (counters, gauges,
classic histograms), advanced once per DATA_STEP seconds from END - HISTORY to
END.  Each scraper uses its own path, /metrics/<name>, and gets the next chunk
of CHUNK_STEPS steps on each scrape (the history in time order, then empty
bodies); a chunk whose write fails (the scraper timed out) is served again, so
every scraper ingests identical samples whatever its timing.

Usage: history_target.py --port 19200 --index 0 --series 2000 --end-ms ... \
           --history 3600 --data-step 30 --chunk-steps 20
"""
import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
import socketserver

from workload_target import Target


class History:
    """The history of one target, generated chunk by chunk on first demand and
    kept, so every scraper gets the very same bytes."""

    def __init__(self, args):
        self.args = args
        self.target = Target(args.index, args.series, args.seed + args.index)
        self.steps = args.history // args.data_step + 1
        self.chunks = []
        self.lock = threading.Lock()

    def chunk(self, i):
        """Chunk i (CHUNK_STEPS steps from step i * CHUNK_STEPS); empty past the end."""
        a = self.args
        start_ms = a.end_ms - a.history * 1000
        with self.lock:
            while len(self.chunks) <= i:
                first = len(self.chunks) * a.chunk_steps
                out = []
                for k in range(first, min(self.steps, first + a.chunk_steps)):
                    self.target._advance()
                    text = self.target.exposition(start_ms + k * a.data_step * 1000)
                    if k > 0:  # metadata once; repeated TYPE lines are not valid exposition
                        text = "".join(l for l in text.splitlines(True) if not l.startswith("#"))
                    out.append(text)
                self.chunks.append("".join(out).encode())
            return self.chunks[i]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        parts = self.path.split("?")[0].split("/")
        if len(parts) != 3 or parts[1] != "metrics" or not parts[2]:
            self.send_error(404)
            return
        srv = self.server
        with srv.lock:
            i = srv.cursors.get(parts[2], 0)
        body = srv.history.chunk(i)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        # Only a chunk written out in full counts as delivered; a scraper that timed
        # out (and closed the connection) gets the same chunk again next time.
        if body:
            with srv.lock:
                srv.cursors[parts[2]] = i + 1

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--index", type=int, default=0, help="target index (label t)")
    ap.add_argument("--series", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--end-ms", type=int, required=True, help="timestamp of the last step")
    ap.add_argument("--history", type=int, default=3600, help="seconds of history")
    ap.add_argument("--data-step", type=int, default=30, help="seconds between samples")
    ap.add_argument("--chunk-steps", type=int, default=20, help="steps served per scrape")
    ap.add_argument("--max-seconds", type=int, default=3600,
                    help="exit by itself after this long (safety bound)")
    args = ap.parse_args()
    srv = Server((args.host, args.port), Handler)
    srv.args = args
    srv.history = History(args)
    srv.cursors = {}
    srv.lock = threading.Lock()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    n_series = Target(args.index, args.series, args.seed + args.index).n_series
    print("series=%d steps=%d" % (n_series, args.history // args.data_step + 1), flush=True)
    time.sleep(args.max_seconds)


if __name__ == "__main__":
    main()

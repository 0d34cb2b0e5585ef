#!/usr/bin/env python3
"""A webhook receiver for vigil's notification tests. Prints `listening on
PORT`, then `REQUEST <status> <body as a JSON string>` per POST. It answers
with the status code written in --status-file (200 when the file is absent),
so a test can make it fail and recover while vigil retries."""
import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status-file", required=True)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            try:
                with open(args.status_file) as f:
                    status = int(f.read().strip() or "200")
            except (OSError, ValueError):
                status = 200
            print("REQUEST", status, json.dumps(body), flush=True)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *unused):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("listening on", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

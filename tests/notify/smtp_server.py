#!/usr/bin/env python3
"""An SMTP server for email receiver tests (aiosmtpd): prints `listening on
PORT`, then per message one line `MAIL <json>` with the envelope, the AUTH
login used, whether the session was TLS, and the raw message. Options:
--starttls CERT KEY (offered; required with --require-tls), --auth USER PASS
(AUTH PLAIN/LOGIN required)."""
import argparse
import asyncio
import json
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--auth", nargs=2, metavar=("USER", "PASS"))
    args = parser.parse_args()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            print("MAIL", json.dumps({
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "login": (session.auth_data.login.decode()
                          if session.auth_data is not None and hasattr(session.auth_data, "login")
                          else None),
                "tls": session.ssl is not None,
                "hello": session.host_name,
                "data": envelope.content.decode("utf-8", "replace"),
            }), flush=True)
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (args.auth is not None and auth_data.login.decode() == args.auth[0]
              and auth_data.password.decode() == args.auth[1])
        if not ok:
            print("AUTH FAILED", mechanism, flush=True)
        # handled=False: aiosmtpd answers 535 itself on failure.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    tls_context = None
    if args.starttls:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.starttls[0], args.starttls[1])

    # A free port: aiosmtpd's Controller needs one up front.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()

    controller = Controller(
        Handler(), hostname="127.0.0.1", port=port,
        tls_context=tls_context, require_starttls=args.require_tls,
        authenticator=authenticator if args.auth else None,
        auth_required=bool(args.auth), auth_require_tls=False)
    controller.start()
    print("listening on", port, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""A small SMTP server for guiyan's tests: accepts mail into a Maildir, or fails on demand.

Usage:

    /usr/bin/python3 tests/support/smtp_server.py --port PORT --maildir DIR \
        [--control FILE] [--host 127.0.0.1] [--auth USER:PASSWORD] [--connections FILE] \
        [--idle-timeout SECONDS [--idle-421]] [--tls-cert PEM --tls-key PEM [--implicit-tls]] \
        [--no-pipelining]

Needs Debian's `python3-aiosmtpd` (run it with /usr/bin/python3: a pyenv python cannot see
Debian's modules). Plain SMTP unless a certificate is given: it is for tests on the loopback
interface.

Startup
    Listens on HOST:PORT (`--port 0` picks a free port), then prints `READY <port>` on stdout
    (flushed) once connections are accepted. A test waits for that line, with a timeout, before
    sending. SIGTERM or SIGINT closes the listener and exits with status 0.

Maildir
    Every accepted message is written to `DIR/tmp/<unique>` and renamed into `DIR/new/<unique>`
    (DIR, DIR/tmp, DIR/new and DIR/cur are created). The file is the message exactly as received
    (after SMTP dot-unstuffing), preceded by one `Return-Path: <sender>` line and one
    `Delivered-To: <recipient>` line per envelope recipient, as a local delivery agent would add.

Failure modes
    The optional JSON control file is re-read on every RCPT and DATA command, so a test can switch
    modes without restarting the server. A missing or unreadable file means `{"mode": "accept"}`.

        {"mode": "accept"}      250: the message is stored (the default)
        {"mode": "tempfail"}    451 4.3.0 try later      (at DATA; nothing is stored)
        {"mode": "permfail"}    550 5.1.1 no such user   (at DATA; nothing is stored)
        {"permfail_rcpt": ["a@example.org"]}   550 5.1.1 at RCPT for those recipients only
        {"tempfail_rcpt": ["b@example.org"]}   451 4.3.0 at RCPT for those recipients only
        {"permfail_data": ["c@example.org"]}   550 5.1.1 after the message, for mails to them only
        {"delay_ms": 2000}      wait that long before answering DATA (to test client timeouts)

    Keys combine, e.g. `{"mode": "accept", "permfail_rcpt": ["nobody@example.org"]}`. Write the
    file atomically (write a temporary file, then rename it over) so the server never reads half.

Authentication
    With `--auth USER:PASSWORD` the server offers AUTH PLAIN/LOGIN without TLS and accepts only
    that pair; without it, no AUTH is offered.

Connections (for tests of a client's connection reuse)
    With `--connections FILE` the server appends one line per event to FILE: `open` when a client
    connects, `quit` when a client sends QUIT, `timeout` when the server closes an idle connection
    (over TLS the connection may end later: after the client's close_notify, or 30 s), `close`
    when the connection has ended.
    A client that sends RCPT before it has read the reply to MAIL (it pipelines) logs `pipelined`
    for that MAIL command, and `chained` for a message whose final dot had the next commands
    behind it.
    `--idle-timeout SECONDS` closes a connection that has been silent that long (aiosmtpd's
    default is 300 s); with `--idle-421` it first says `421 4.4.2 … timeout exceeded`, as Postfix
    does, otherwise it closes without a word.

Pipelining
    EHLO offers PIPELINING (RFC 2920), as Postfix does; `--no-pipelining` leaves it out, for
    tests of a client that must then wait for each reply.

TLS
    `--tls-cert PEM --tls-key PEM` offers STARTTLS and requires it before MAIL (530 otherwise);
    with `--implicit-tls` the server speaks TLS from the first byte instead (SMTPS) and offers no
    STARTTLS.
"""

import argparse
import asyncio
import itertools
import json
import logging
import os
import signal
import socket
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, syntax

# aiosmtpd 1.4 logs a warning about its own use of a deprecated attribute on every AUTH.
logging.getLogger("mail.log").addFilter(lambda record: "login_data is deprecated" not in record.getMessage())

TEMPFAIL = "451 4.3.0 try later"
PERMFAIL = "550 5.1.1 no such user"


def read_control(path):
    """The current control settings; `{}` when there is no control file or it cannot be read."""
    if not path:
        return {}
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class MaildirHandler:
    """aiosmtpd handler: stores accepted messages in a Maildir, fails as the control file says."""

    def __init__(self, maildir, control, pipelining=True):
        self.maildir = maildir
        self.control = control
        self.pipelining = pipelining
        self.counter = itertools.count(1)
        self.host = socket.gethostname().replace("/", "_").replace(":", "_")
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # With this hook aiosmtpd leaves recording the client's name to it.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        control = read_control(self.control)
        wanted = address.lower()
        if wanted in (a.lower() for a in control.get("permfail_rcpt", [])):
            return PERMFAIL
        if wanted in (a.lower() for a in control.get("tempfail_rcpt", [])):
            return TEMPFAIL
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        # Bytes already buffered behind the message's final dot: the client sent the next mail's
        # commands without waiting for this reply (it chains mails, RFC 2920 section 3.1).
        if server._reader._buffer:
            server.log_connection("chained")
        control = read_control(self.control)
        delay_ms = control.get("delay_ms", 0)
        if isinstance(delay_ms, (int, float)) and delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)
        mode = control.get("mode", "accept")
        refused = {a.lower() for a in control.get("permfail_data", [])}
        if any(rcpt.lower() in refused for rcpt in envelope.rcpt_tos):
            return PERMFAIL
        if mode == "tempfail":
            return TEMPFAIL
        if mode == "permfail":
            return PERMFAIL
        self.store(envelope)
        return "250 2.0.0 OK: queued"

    def store(self, envelope):
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        lines = [f"Return-Path: <{envelope.mail_from}>"]
        lines += [f"Delivered-To: {rcpt}" for rcpt in envelope.rcpt_tos]
        head = ("\r\n".join(lines) + "\r\n").encode("utf-8")
        name = f"{time.time_ns()}.P{os.getpid()}Q{next(self.counter)}.{self.host}"
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(head)
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.maildir, "new", name))


class TestSMTP(SMTP):
    """aiosmtpd's SMTP session, logging connections and optionally saying 421 at its idle timeout."""

    def __init__(self, handler, connections=None, idle_421=False, **kwargs):
        super().__init__(handler, **kwargs)
        self.connections_file = connections
        self.idle_421 = idle_421

    def log_connection(self, event):
        if self.connections_file:
            with open(self.connections_file, "a", encoding="utf-8") as f:
                f.write(event + "\n")

    def connection_made(self, transport):
        # Called a second time after STARTTLS, on the same session: only the first is a connection.
        if self.transport is None:
            self.log_connection("open")
        super().connection_made(transport)

    def connection_lost(self, error):
        self.log_connection("close")
        super().connection_lost(error)

    @syntax("MAIL FROM: <address>", extended=" [SP <mail-parameters>]")
    async def smtp_MAIL(self, arg):
        # Bytes already buffered behind MAIL: the client sent on without waiting for this reply.
        # (`_buffer` is asyncio.StreamReader's, private but unchanged since Python 3.4.)
        if self._reader._buffer:
            self.log_connection("pipelined")
        await super().smtp_MAIL(arg)

    @syntax("QUIT")
    async def smtp_QUIT(self, arg):
        self.log_connection("quit")
        await super().smtp_QUIT(arg)

    def _timeout_cb(self):
        self.log_connection("timeout")
        if self.idle_421 and self.transport is not None:
            self.transport.write(f"421 4.4.2 {self.hostname} Error: timeout exceeded\r\n".encode("ascii"))
        super()._timeout_cb()


def authenticator_for(pair):
    """An aiosmtpd authenticator accepting exactly USER:PASSWORD."""
    user, _, password = pair.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode("utf-8", "replace") == user
            and auth_data.password.decode("utf-8", "replace") == password
        )
        return AuthResult(success=ok)

    return authenticate


async def serve(args):
    handler = MaildirHandler(args.maildir, args.control, pipelining=not args.no_pipelining)
    kwargs = {"hostname": "guiyan-test-smtp", "decode_data": False, "enable_SMTPUTF8": True}
    if args.auth:
        kwargs.update(authenticator=authenticator_for(args.auth), auth_require_tls=False)
    if args.idle_timeout:
        kwargs.update(timeout=args.idle_timeout)
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if not args.implicit_tls:
            kwargs.update(tls_context=context, require_starttls=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: TestSMTP(handler, connections=args.connections, idle_421=args.idle_421, **kwargs),
        host=args.host,
        port=args.port,
        ssl=context if args.implicit_tls else None,
    )
    port = server.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    print(f"READY {port}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description="SMTP test server writing a Maildir (see the module docstring).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, required=True, help="port to listen on; 0 picks a free one")
    parser.add_argument("--maildir", required=True, help="Maildir to deliver into (created if missing)")
    parser.add_argument("--control", help="JSON control file, re-read on every message")
    parser.add_argument("--auth", help="USER:PASSWORD to require AUTH PLAIN/LOGIN (no TLS)")
    parser.add_argument("--connections", help="file to append open/quit/timeout/close lines to")
    parser.add_argument("--idle-timeout", type=float, help="close connections silent this many seconds")
    parser.add_argument("--idle-421", action="store_true", help="say 421 before closing an idle connection")
    parser.add_argument("--tls-cert", help="PEM certificate chain: offer (and require) STARTTLS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--no-pipelining", action="store_true", help="do not offer PIPELINING")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (SMTPS)")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key) or (args.implicit_tls and not args.tls_cert):
        parser.error("--tls-cert and --tls-key go together; --implicit-tls needs them")
    try:
        asyncio.run(serve(args))
    except OSError as e:
        print(f"smtp_server: {e}", file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

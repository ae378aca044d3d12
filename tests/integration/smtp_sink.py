#!/usr/bin/env python3
"""A minimal SMTP server for tests: listens on 127.0.0.1, accepts every message and writes it
to DIR/NNNN.eml (envelope sender and recipients in DIR/NNNN.env), one file per message,
written atomically. Exits on SIGTERM/SIGINT. Python 3 standard library only.

usage: smtp_sink.py --dir DIR [--port N] [--port-file FILE]
--port 0 (default) binds any free port; the bound port is written to --port-file.
"""
import argparse
import os
import signal
import socketserver
import sys
import threading

MAX_LINE = 4096
MAX_MESSAGE = 1 << 20
counter_lock = threading.Lock()
counter = [0]


class Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, text):
        self.wfile.write((text + "\r\n").encode("ascii"))
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return None
        if len(line) > MAX_LINE:
            self.reply("500 line too long")
            return None
        return line

    def handle(self):
        self.reply("220 kakuin-test-sink ESMTP")
        sender, rcpts = None, []
        while True:
            line = self.readline()
            if line is None:
                return
            cmd = line.decode("ascii", "replace").strip()
            verb = cmd[:4].upper()
            if verb in ("HELO", "EHLO"):
                if verb == "EHLO":
                    self.wfile.write(b"250-kakuin-test-sink\r\n250-8BITMIME\r\n")
                    self.reply("250 SIZE %d" % MAX_MESSAGE)
                else:
                    self.reply("250 kakuin-test-sink")
            elif cmd.upper().startswith("MAIL FROM:"):
                sender, rcpts = cmd[10:].strip().split(" ")[0], []
                self.reply("250 ok")
            elif cmd.upper().startswith("RCPT TO:"):
                if sender is None:
                    self.reply("503 need MAIL first")
                    continue
                rcpts.append(cmd[8:].strip())
                self.reply("250 ok")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("503 need RCPT first")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                data = bytearray()
                while True:
                    l = self.readline()
                    if l is None:
                        return
                    if l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    data += l
                    if len(data) > MAX_MESSAGE:
                        self.reply("552 too large")
                        return
                self.server.store(sender, rcpts, bytes(data))
                self.reply("250 queued")
                sender, rcpts = None, []
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 ok")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port, out_dir):
        super().__init__(("127.0.0.1", port), Handler)
        self.out_dir = out_dir

    def store(self, sender, rcpts, data):
        with counter_lock:
            counter[0] += 1
            n = counter[0]
            name = "%d-%04d" % (os.getpid(), n)
        for ext, content in (("env", ("%s\n%s\n" % (sender, " ".join(rcpts))).encode()), ("eml", data)):
            tmp = os.path.join(self.out_dir, ".%s.%s.tmp" % (name, ext))
            with open(tmp, "wb") as f:
                f.write(content)
            os.rename(tmp, os.path.join(self.out_dir, "%s.%s" % (name, ext)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    server = Server(a.port, a.dir)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % server.server_address[1])
        os.rename(tmp, a.port_file)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

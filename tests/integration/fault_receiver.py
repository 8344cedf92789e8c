"""A partner's gateway on 127.0.0.1 that misbehaves on cue, for the send fault tests.

Each POST takes the next step of the script: an HTTP status (5xx), "timeout" (holds the request
past the sender's timeout, then drops it unanswered), "hang" (holds it until `release()`, e.g.
while the sending worker is killed), or "accept" (an ACK accepting every message). It records
the message id of every POST and of every message it accepted.
"""

from __future__ import annotations

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from submissions.e2b import Ack, MessageAck, build_ack, parse_batch


class FaultyReceiver:
    def __init__(self, script: list, *, hold_seconds: float = 4.0) -> None:
        self.script = deque(script)
        self.posts: list[str] = []
        self.accepted: list[str] = []
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                batch = parse_batch(body)
                ids = [c.message_id or c.safety_report_id for c in batch.cases]
                receiver.posts += ids
                step = receiver.script.popleft() if receiver.script else "accept"
                if step in ("timeout", "hang"):
                    receiver.released.wait(hold_seconds if step == "timeout" else 120)
                    self.close_connection = True
                    return  # nothing answered: to the sender it timed out or was cut
                if isinstance(step, int):
                    self.send_response(step)
                    self.end_headers()
                    return
                receiver.accepted += ids
                ack = Ack(
                    batch_number=batch.header.batch_number,
                    code="AA",
                    sender_id="ZZFDA",
                    receiver_id=batch.header.sender_id,
                    messages=[MessageAck(message_id=i, code="CA", error_text="") for i in ids],
                )
                payload = build_ack(ack)
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/e2b"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def release(self) -> None:
        self.released.set()

    def __enter__(self) -> FaultyReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

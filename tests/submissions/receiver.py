"""A real HTTP receiver on 127.0.0.1 standing in for a regulator's gateway.

It answers each pushed batch with the next scripted behaviour: an HTTP error status, an ACK
accepting every message, or an ACK rejecting them with error text.
"""

from __future__ import annotations

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from submissions.e2b import Ack, MessageAck, build_ack, parse_batch


class Receiver:
    def __init__(self, script: list) -> None:
        self.script = deque(script)
        self.received: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(body)
                step = receiver.script.popleft() if receiver.script else "accept"
                if isinstance(step, int):
                    self.send_response(step)
                    self.end_headers()
                    self.wfile.write(b"gateway says no")
                    return
                batch = parse_batch(body)
                code, message_code = ("AA", "CA") if step == "accept" else ("AE", "CR")
                ack = Ack(
                    batch_number=batch.header.batch_number,
                    code=code,
                    sender_id="ZZFDA",
                    receiver_id=batch.header.sender_id,
                    messages=[
                        MessageAck(
                            message_id=c.message_id or c.safety_report_id,
                            code=message_code,
                            error_text="" if step == "accept" else "R0019: bad date; R0020: worse",
                        )
                        for c in batch.cases
                    ],
                )
                payload = build_ack(ack)
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/e2b"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

"""A real local HTTP server speaking the chat-completions API (plain and streamed, with tool calls), on 127.0.0.1.

Its `mode` says how it misbehaves: "grounded" (answers with a number copied from the tool results it was sent),
"invented" (states numbers no tool gave), "malformed" (tool calls with broken JSON and an unknown tool), "slow"
(answers after `delay` seconds), "error" (HTTP 500), "garbage" (a stream that is not JSON). Every request body is
kept in `requests`, so a test can see exactly what left the app."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INVENTED = "The SEE is 987654.321 tCO2e/t and you will save 4,242 EUR."


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "grounded"
        self.delay = 3.0
        self.requests: list[dict] = []
        self.foreign_period: str | None = None
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def sent_text(self) -> str:
        return json.dumps(self.requests, ensure_ascii=False)


def _grounded_answer(body: dict) -> str:
    text = " ".join(m.get("content") or "" for m in body["messages"])
    m = re.search(r'\\?"(see_total|certificates|cn_code)\\?": \\?"?([\d.]+)', text)
    return f"According to the tool results the value is {m.group(2)}." if m else "No figure was given."


class _Handler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def _json(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append(body)
        mode = self.server.mode
        if mode == "slow":
            time.sleep(self.server.delay)
        if mode == "error":
            return self._json(500, {"error": {"message": "upstream failure", "type": "server_error"}})
        model = body.get("model", "m")
        if not body.get("stream"):  # the plan call
            if mode == "malformed":
                calls = [{"id": "c1", "type": "function", "function": {"name": "explain_see", "arguments": "{not json"}},
                         {"id": "c2", "type": "function", "function": {"name": "drop_tables", "arguments": "{}"}}]
            else:  # `foreign_period` names a period (of another organization): the app never takes it
                args = json.dumps({"period_id": self.server.foreign_period}) if self.server.foreign_period else "{}"
                calls = [{"id": "c1", "type": "function", "function": {"name": "explain_see", "arguments": args}}]
            return self._json(200, {
                "id": "p1", "object": "chat.completion", "created": 0, "model": model,
                "choices": [{"index": 0, "finish_reason": "tool_calls",
                             "message": {"role": "assistant", "content": None, "tool_calls": calls}}]})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if mode == "garbage":
            self.wfile.write(b"data: {broken\n\n")
            self.wfile.flush()
            return
        answer = INVENTED if mode == "invented" else _grounded_answer(body)
        for i in range(0, len(answer), 16):
            chunk = {"id": "s1", "object": "chat.completion.chunk", "created": 0, "model": model,
                     "choices": [{"index": 0, "delta": {"content": answer[i:i + 16]}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        end = {"id": "s1", "object": "chat.completion.chunk", "created": 0, "model": model,
               "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()

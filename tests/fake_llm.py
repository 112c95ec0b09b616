"""A scripted OpenAI-compatible chat server for tests: no network, no key, deterministic.

    fake.reply('{"a": 1}')               # next answer's content
    fake.error(429, "rate_limit_exceeded")
    fake.truncated("partial…")           # finish_reason "length"
    fake.refusal("I can't help with that.")

Every request is recorded in `fake.requests` (model, messages, response_format, max_tokens,
images, stream, authorization). When the script runs out the server answers "{}".
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEST_KEY = "test-key-0123456789"  # the key tests give the fake server (and check never leaks)

ERRORS = {
    # code: (status, type, message)
    "invalid_api_key": (401, "invalid_request_error", "Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys."),
    "insufficient_quota": (429, "insufficient_quota", "You exceeded your current quota, please check your plan and billing details."),
    "rate_limit_exceeded": (429, "requests", "Rate limit reached for requests per min. Please try again in 20ms."),
    "context_length_exceeded": (400, "invalid_request_error", "This model's maximum context length is 8192 tokens. However, your messages resulted in 90000 tokens. Please reduce the length of the messages."),
    "model_not_found": (404, "invalid_request_error", "The model `{model}` does not exist or you do not have access to it."),
    "response_format_unsupported": (400, "invalid_request_error", "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."),
    "server_error": (503, "server_error", "The server is overloaded or not ready yet."),
}


@dataclass
class Scripted:
    content: str | None = "{}"
    finish_reason: str = "stop"
    refusal: str | None = None
    status: int = 200
    code: str | None = None
    err_type: str | None = None
    message: str | None = None
    delay_s: float = 0.0


@dataclass
class Recorded:
    path: str
    model: str | None
    messages: list
    response_format: dict | None
    max_tokens: int | None
    temperature: float | None
    stream: bool
    images: bool
    authorization: str | None
    body: dict = field(repr=False, default_factory=dict)


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _has_images(messages: list) -> bool:
    for m in messages or []:
        content = m.get("content") if isinstance(m, dict) else None
        if isinstance(content, list) and any(isinstance(p, dict) and p.get("type") in ("image_url", "input_image")
                                             for p in content):
            return True
    return False


class FakeLLM:
    def __init__(self):
        self.queue: deque[Scripted] = deque()
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-llm", daemon=True)

    # ---- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_base(self) -> str:
        return self.url + "/v1"

    def start(self) -> "FakeLLM":
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---- script ------------------------------------------------------------------------------
    def push(self, item: Scripted) -> "FakeLLM":
        with self._lock:
            self.queue.append(item)
        return self

    def reply(self, content: str, **kw) -> "FakeLLM":
        return self.push(Scripted(content=content, **kw))

    def truncated(self, content: str) -> "FakeLLM":
        return self.push(Scripted(content=content, finish_reason="length"))

    def refusal(self, text: str = "I'm sorry, I can't help with that.", *, content_filter: bool = False) -> "FakeLLM":
        if content_filter:
            return self.push(Scripted(content="", finish_reason="content_filter"))
        return self.push(Scripted(content=None, refusal=text))

    def error(self, code: str, status: int | None = None, message: str | None = None) -> "FakeLLM":
        st, typ, msg = ERRORS.get(code, (status or 400, "invalid_request_error", message or code))
        return self.push(Scripted(status=status or st, code=code, err_type=typ, message=message or msg))

    @property
    def count(self) -> int:
        return len(self.requests)

    # ---- serving -----------------------------------------------------------------------------
    def respond_with(self, fn) -> "FakeLLM":
        """Answer with ``fn(messages) -> Scripted`` whenever nothing is scripted (for runs whose
        calls cannot be scripted in order, such as a worker killed and restarted at random)."""
        self.responder = fn
        return self

    def _next(self, messages=None) -> Scripted:
        with self._lock:
            if self.queue:
                return self.queue.popleft()
        responder = getattr(self, "responder", None)
        return responder(messages or []) if responder is not None else Scripted()


def _handler(fake: FakeLLM):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.rstrip("/").endswith("/models"):
                return self._send(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
            self._send(404, {"error": {"message": "not found", "type": "invalid_request_error", "code": None}})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            if self.path.split("?")[0].rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                return self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
            messages = body.get("messages") or []
            fake.requests.append(Recorded(
                path=self.path, model=body.get("model"), messages=messages,
                response_format=body.get("response_format"),
                max_tokens=body.get("max_tokens", body.get("max_completion_tokens")),
                temperature=body.get("temperature"), stream=bool(body.get("stream")),
                images=_has_images(messages), authorization=self.headers.get("Authorization"), body=body))
            item = fake._next(messages)
            if item.delay_s:
                time.sleep(item.delay_s)
            if item.status != 200:
                key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                msg = (item.message or "").format(key=key, model=body.get("model"))
                return self._send(item.status, {"error": {"message": msg, "type": item.err_type,
                                                          "param": None, "code": item.code}})
            prompt = "".join(m.get("content") if isinstance(m.get("content"), str) else json.dumps(m.get("content"))
                             for m in messages if isinstance(m, dict))
            out_text = item.content or item.refusal or ""
            usage = {"prompt_tokens": _tokens(prompt), "completion_tokens": _tokens(out_text),
                     "total_tokens": _tokens(prompt) + _tokens(out_text)}
            message = {"role": "assistant", "content": item.content, "refusal": item.refusal}
            rid = f"chatcmpl-fake{len(fake.requests)}"
            if body.get("stream"):
                return self._stream(rid, body.get("model"), item, usage)
            self._send(200, {"id": rid, "object": "chat.completion", "created": int(time.time()),
                             "model": body.get("model"), "usage": usage,
                             "choices": [{"index": 0, "message": message, "finish_reason": item.finish_reason}]})

        def _stream(self, rid, model, item: Scripted, usage):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            text = item.content or ""
            chunks = [text[i:i + 16] for i in range(0, len(text), 16)] or [""]

            def ev(delta, finish=None, with_usage=False):
                d = {"id": rid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                if with_usage:
                    d["usage"] = usage
                self.wfile.write(b"data: " + json.dumps(d).encode() + b"\n\n")

            ev({"role": "assistant", "content": ""})
            for c in chunks:
                ev({"content": c})
            if item.refusal:
                ev({"refusal": item.refusal})
            ev({}, item.finish_reason, with_usage=True)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler

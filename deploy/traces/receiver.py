#!/usr/bin/env python3
"""An OTLP/HTTP trace receiver for the tests: takes POST /v1/traces (protobuf, as the
OpenTelemetry Collector does), decodes it with opentelemetry-proto, and appends one JSON line
per span to a file: trace and span ids, parent, name, kind, service, times, links and
attributes. With FILE "-" it answers without decoding (scripts/bench: only the shop's cost
of exporting is measured). With COUNTFILE it also keeps there the number of spans received so
far (decoded, not stored: scripts/bench's spans per order). Loopback only; it stops when
killed.

    receiver.py PORT FILE [COUNTFILE]
"""
import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out = int(sys.argv[1]), sys.argv[2]
count_file = sys.argv[3] if len(sys.argv) > 3 else None
received = 0
lock = threading.Lock()
if out != "-" or count_file:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


def value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


class Receiver(BaseHTTPRequestHandler):
    # Connections kept open between exports, as a collector keeps them.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if out != "-" or count_file:
            request = self.decode(body)
            if out != "-":
                self.store(request)
            if count_file:
                self.count(request)
        # An empty ExportTraceServiceResponse: no field set, no bytes.
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def decode(self, body):
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        return request

    def count(self, request):
        global received
        spans = sum(len(s.spans) for r in request.resource_spans for s in r.scope_spans)
        with lock:
            received += spans
            with open(count_file, "w") as f:
                f.write(f"{received}\n")

    def store(self, request):
        lines = []
        for resource_spans in request.resource_spans:
            resource = {a.key: value(a.value) for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "trace": span.trace_id.hex(), "span": span.span_id.hex(), "parent": span.parent_span_id.hex(),
                        "name": span.name, "kind": span.kind, "service": resource.get("service.name"),
                        "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                        "status": span.status.code,
                        "links": [{"trace": l.trace_id.hex(), "span": l.span_id.hex()} for l in span.links],
                        "attributes": {a.key: value(a.value) for a in span.attributes},
                    }))
        with open(out, "a") as f:
            for line in lines:
                f.write(line + "\n")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()

"""schemathesis hooks for scripts/fuzz: what a read answers after a DELETE, by the shop's contract.

schemathesis's use_after_free (ST301) wants 404 from every read of a resource after any 2xx
answer to its DELETE. The shop's DELETE cancels the order instead of erasing it (docs/openapi.yaml,
deleteOrder): the order stays readable as 50 CANCELLED, as its events say, and
- without ?wait the answer is 202 Accepted, which promises nothing yet: the saga may fail and
  compensate (X-Emporium-Fail asks for that), and the order is then as it was;
- with ?wait the answer is 200 once the saga finished, returnCode false if it compensated.
CI once failed ST301 on a 202 whose delete compensated as asked, and a completed delete followed
by a read would fail it always. scripts/fuzz leaves ST301 out and runs this check in its place:
after a DELETE answered as done (200, returnCode true, sagaStatus "completed"), a read of the
order from the write side (the composed view, the order service's view) must show 50. The
report is left out: its projection may not have caught up yet.

It reads schemathesis's scenario recorder (ctx.internals), as schemathesis's own checks do; that
is not a stable API, so scripts/fuzz pins the release this was written for.
"""

import schemathesis

CANCELLED = "50"
READS = {"composedOrder": ("order", "orderStatus"), "orderServiceView": ("orderStatus",)}


def _body(response):
    try:
        body = response.json()
    except Exception:
        return None
    return body if isinstance(body, dict) else None


def _deleted(response) -> bool:
    """Whether an answer to DELETE says the delete saga completed."""
    body = _body(response) if response is not None and response.status_code == 200 else None
    result = body.get("result") if body else None
    return body is not None and body.get("returnCode") is True and isinstance(result, dict) and result.get("sagaStatus") == "completed"


def _status(body, path):
    value = body.get("result")
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


@schemathesis.check
def deleted_order_reads_cancelled(ctx, response, case):
    """After a completed DELETE of an order, the order's write-side reads show it 50 CANCELLED."""
    path = READS.get(case.operation.definition.raw.get("operationId"))
    order = (case.path_parameters or {}).get("orderId")
    if path is None or order is None or response.status_code != 200:
        return None
    earlier = set()
    for recorded in ctx.internals.find_all_cases():  # in the order they were sent
        if recorded.id == case.id:
            break
        earlier.add(recorded.id)
    for related in ctx.internals.find_related(case_id=case.id):
        if (
            related.id in earlier
            and related.operation.method.lower() == "delete"
            and (related.path_parameters or {}).get("orderId") == order
            and _deleted(ctx.internals.find_response(case_id=related.id))
        ):
            status = _status(_body(response) or {}, path)
            if status != CANCELLED:
                raise AssertionError(
                    f"order {order} was deleted (DELETE answered that its saga completed), "
                    f"and {case.operation.method.upper()} {case.formatted_path} shows orderStatus {status!r}, not {CANCELLED!r}"
                )
    return None

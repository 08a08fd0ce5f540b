-- wrk: orders on the two hot products as fast as the connections go, no Idempotency-Key,
-- no waiting after a 503 (the callers that follow Retry-After are emporium-bench load's).
-- Prints one RESULT line: answers by status, and door 503s that carried no Retry-After.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {
  '{"userId":"burst","orderReqDetails":[{"productId":"HOT_1","qty":1}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}',
  '{"userId":"burst","orderReqDetails":[{"productId":"HOT_2","qty":1}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}',
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0; accepted = 0; refused = 0; unsaid = 0; other = 0 end
function request()
  n = n + 1
  return wrk.format(nil, "/api/v1/orders", nil, bodies[n % 2 + 1])
end
function response(status, headers, body)
  if status == 202 then accepted = accepted + 1
  elseif status == 503 then
    refused = refused + 1
    if headers["Retry-After"] == nil and headers["retry-after"] == nil then unsaid = unsaid + 1 end
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, r, u, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted"); r = r + t:get("refused"); u = u + t:get("unsaid"); o = o + t:get("other")
  end
  print(string.format("RESULT accepted=%d refused=%d unsaid=%d other=%d", a, r, u, o))
end

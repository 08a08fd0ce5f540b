/// The live page, served by the gateway at `/`: plain HTML, CSS and JS, no build step and
/// nothing fetched from elsewhere. It follows the event stream (Server-Sent Events), draws
/// each saga as a lane of steps (compensations marked ↩), polls stock and projection lag, and
/// places orders — with a failing step, when the server allows fault injection.
enum LivePage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emporium — live</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
  header { padding: 10px 16px; background: #263238; color: #fff; }
  header b { font-size: 16px; } header span { opacity: .75; margin-left: 8px; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; padding: 12px; }
  section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px; min-width: 0; }
  h2 { font-size: 14px; margin: 0 0 8px; }
  form { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
  #lanes { max-height: 420px; overflow: auto; }
  .lane { border-left: 4px solid #90a4ae; padding: 4px 8px; margin: 6px 0; background: #f5f7f8; }
  .lane.COMPLETED { border-color: #2e7d32; } .lane.FAILED { border-color: #c62828; }
  .lane .status { float: right; font-weight: bold; }
  .step { display: inline-block; margin: 2px; padding: 1px 6px; border-radius: 10px; background: #e3f2fd; font-size: 12px; }
  .step.rejected { background: #ffcdd2; } .step.comp { background: #fff3e0; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: right; padding: 2px 6px; border-bottom: 1px solid #eee; }
  td:first-child, th:first-child { text-align: left; }
  #events { font: 12px/1.3 ui-monospace, monospace; max-height: 420px; overflow: auto; white-space: nowrap; }
  #events div.comp { color: #e65100; } #events div.rejected { color: #c62828; }
  #message { color: #555; }
</style>
</head>
<body>
<header><b>Emporium</b><span>Saga · Event Sourcing · CQRS · API Composition — live</span></header>
<main>
  <section>
    <h2>Place an order</h2>
    <form id="order-form">
      <select id="product"></select>
      <input id="qty" type="number" min="1" value="1" style="width:5em">
      <select id="fail" hidden><option value="">no failure</option></select>
      <button id="place" type="submit">Place order</button>
      <span id="message"></span>
    </form>
    <h2 style="margin-top:12px">Sagas</h2>
    <div id="lanes"></div>
  </section>
  <section>
    <h2>Stock <small>(report_live.inventory)</small></h2>
    <table><thead><tr><th>product</th><th>on hand</th><th>reserved</th><th>shipped</th></tr></thead><tbody id="stock"></tbody></table>
    <h2 style="margin-top:12px">Projections</h2>
    <table><thead><tr><th>projection</th><th>state</th><th>lag (events)</th><th>lag (ms)</th></tr></thead><tbody id="projections"></tbody></table>
  </section>
  <section style="grid-column: 1 / span 2">
    <h2>Events, in commit order <small id="count"></small></h2>
    <div id="events"></div>
  </section>
</main>
<script>
"use strict";
const steps = { create: ["inventory.reserve", "payment.create", "delivery.create", "order.complete"] };
const flows = { OrderPlaced: "create", OrderUpdateRequested: "update", OrderDeleteRequested: "delete" };
const finals = { OrderCompleted: "COMPLETED", OrderUpdateCompleted: "COMPLETED", OrderCancelled: "COMPLETED",
                 OrderFailed: "FAILED", OrderUpdateReverted: "FAILED", OrderDeleteReverted: "FAILED" };
const lanes = new Map();
let pending = [], drawing = false, seen = 0;
const $ = (id) => document.getElementById(id);
const text = (tag, value, cls) => { const e = document.createElement(tag); e.textContent = value; if (cls) e.className = cls; return e; };

function lane(saga, orderId, flow) {
  let l = lanes.get(saga);
  if (!l) {
    const div = document.createElement("div");
    div.className = "lane"; div.dataset.saga = saga;
    div.append(text("span", "RUNNING", "status"), text("b", orderId || saga), text("span", " " + (flow || ""), "flow"), document.createElement("div"));
    $("lanes").prepend(div);
    l = { div, steps: div.lastChild, commands: new Set() };
    lanes.set(saga, l);
    while (lanes.size > 100) { const [k, v] = lanes.entries().next().value; v.div.remove(); lanes.delete(k); }
  }
  if (orderId) { l.div.dataset.order = orderId; l.div.children[1].textContent = orderId; }
  if (flow) l.div.children[2].textContent = " " + flow;
  return l;
}

function apply(e) {
  const rejected = /Rejected$/.test(e.type);
  const cls = e.compensation ? "comp" : rejected ? "rejected" : "";
  const row = text("div", `${e.position}  ${e.service.padEnd(9)} ${e.stream}@${e.version}  ${e.type}` +
                           (e.step ? `  [${e.step}]` : "") + (e.compensation ? `  ↩ ${e.command}` : ""), cls);
  const log = $("events"); log.prepend(row);
  while (log.childElementCount > 300) log.lastChild.remove();
  if (!e.saga) return;
  const orderId = e.payload && e.payload.orderId;
  const l = lane(e.saga, e.service === "order" ? orderId : null, flows[e.type]);
  // A command may append more than one event (a stock movement and its reservation): one chip.
  if ((e.step || e.compensation) && !l.commands.has(e.command)) {
    l.commands.add(e.command);
    const label = e.compensation ? "↩ " + e.command : e.step;
    l.steps.append(text("span", label + (rejected ? " ✗" : " ✓"), "step " + (e.compensation ? "comp" : rejected ? "rejected" : "done")));
  }
  if (finals[e.type]) { l.div.classList.add(finals[e.type]); l.div.firstChild.textContent = finals[e.type]; }
}

function draw() {
  drawing = false;
  const batch = pending; pending = [];
  for (const e of batch) apply(e);
  seen += batch.length; $("count").textContent = `(${seen} since this page opened)`;
}

const source = new EventSource("/api/v1/live/events");
source.onmessage = (m) => {
  pending.push(...JSON.parse(m.data));
  if (pending.length > 2000) pending = pending.slice(-2000);  // a burst: keep the newest
  if (!drawing) { drawing = true; requestAnimationFrame(draw); }
};

async function poll() {
  try {
    const state = (await (await fetch("/api/v1/live/state")).json()).result;
    const stock = $("stock"), chosen = $("product").value;
    stock.replaceChildren(...state.stock.map((p) => {
      const tr = document.createElement("tr"); tr.dataset.product = p.productId;
      tr.append(text("td", p.productId), text("td", p.onHand, "on-hand"), text("td", p.reserved, "reserved"), text("td", p.shipped, "shipped"));
      return tr;
    }));
    $("product").replaceChildren(...state.stock.map((p) => { const o = text("option", `${p.productId} (${p.available} left)`); o.value = p.productId; return o; }));
    if (chosen) $("product").value = chosen;
    $("projections").replaceChildren(...state.projections.map((p) => {
      const tr = document.createElement("tr");
      tr.append(text("td", p.name), text("td", p.state), text("td", p.lagEvents), text("td", p.lagMilliseconds));
      return tr;
    }));
    const fail = $("fail");
    if (state.faultInjection && fail.hidden) {
      fail.hidden = false;
      for (const step of steps.create) { const o = text("option", "fail " + step); o.value = step; fail.append(o); }
    }
  } catch (error) { $("message").textContent = "state: " + error; }
}
setInterval(poll, 1000); poll();

$("order-form").onsubmit = async (event) => {
  event.preventDefault();
  const headers = { "Content-Type": "application/json" };
  if ($("fail").value) headers["X-Emporium-Fail"] = $("fail").value;
  const body = { userId: "learner", orderReqDetails: [{ productId: $("product").value, qty: Number($("qty").value) }],
                 paymentReqDetails: [{ paymentKind: "10", paymentRate: 1 }] };
  const answer = await (await fetch("/api/v1/orders", { method: "POST", headers, body: JSON.stringify(body) })).json();
  $("message").textContent = answer.returnMessage;
  if (answer.result && answer.result.sagaId) lane(answer.result.sagaId, answer.result.orderId, "create");
};
</script>
</body>
</html>
"""#
}

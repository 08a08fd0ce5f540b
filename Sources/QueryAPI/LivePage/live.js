// The live page's script (index.html): follows the event stream (Server-Sent Events), draws
// each saga as a lane of steps (compensations marked ↩), polls stock and projection lag, and
// places orders. No build step. The pure part — what an event looks like on the page — is
// tested by Tests/LivePage/live.test.js (node --test); the rest only touches the DOM.
"use strict";

const flows = { OrderPlaced: "create", OrderUpdateRequested: "update", OrderDeleteRequested: "delete" };
const finals = { OrderCompleted: "COMPLETED", OrderUpdateCompleted: "COMPLETED", OrderCancelled: "COMPLETED",
                 OrderFailed: "FAILED", OrderUpdateReverted: "FAILED", OrderDeleteReverted: "FAILED" };

// --- What an event looks like (pure) -------------------------------------------------------

/** An answer that refused its command: CommandRejected<Subject> and the like. */
const isRejection = (e) => /Rejected$/.test(e.type);

/** The class of the event's line in the log: a compensation, a rejection, or plain. */
const eventClass = (e) => (e.compensation ? "comp" : isRejection(e) ? "rejected" : "");

/** The event's line in the log, in commit order. */
const eventLine = (e) =>
  `${e.position}  ${e.service.padEnd(9)} ${e.stream}@${e.version}  ${e.type}` +
  (e.step ? `  [${e.step}]` : "") + (e.compensation ? `  ↩ ${e.command}` : "");

/** The chip an event adds to its saga's lane (null: none), e.g. "payment.create ✓". */
function chipFor(e) {
  if (!e.step && !e.compensation) return null;
  const rejected = isRejection(e);
  const label = e.compensation ? "↩ " + e.command : e.step;
  return { command: e.command, text: label + (rejected ? " ✗" : " ✓"),
           cls: "step " + (e.compensation ? "comp" : rejected ? "rejected" : "done") };
}

/** The lane's final status once the saga ends (COMPLETED, FAILED), else undefined. */
const finalStatus = (e) => finals[e.type];

/** Keeps the newest `limit` of a burst of events waiting to be drawn. */
const newest = (events, limit) => (events.length > limit ? events.slice(-limit) : events);

if (typeof module !== "undefined") module.exports = { eventClass, eventLine, chipFor, finalStatus, flows, newest };

// --- The page (DOM) ----------------------------------------------------------------------------

if (typeof document !== "undefined") {
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
    const log = $("events"); log.prepend(text("div", eventLine(e), eventClass(e)));
    while (log.childElementCount > 300) log.lastChild.remove();
    if (!e.saga) return;
    const orderId = e.payload && e.payload.orderId;
    const l = lane(e.saga, e.service === "order" ? orderId : null, flows[e.type]);
    // A command may append more than one event (a stock movement and its reservation): one chip.
    const chip = chipFor(e);
    if (chip && !l.commands.has(chip.command)) {
      l.commands.add(chip.command);
      l.steps.append(text("span", chip.text, chip.cls));
    }
    const status = finalStatus(e);
    if (status) { l.div.classList.add(status); l.div.firstChild.textContent = status; }
  }

  function draw() {
    drawing = false;
    const batch = pending; pending = [];
    for (const e of batch) apply(e);
    seen += batch.length; $("count").textContent = `(${seen} since this page opened)`;
  }

  const source = new EventSource("/api/v1/live/events");
  source.onmessage = (m) => {
    pending = newest(pending.concat(JSON.parse(m.data)), 2000);  // a burst: keep the newest
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
        for (const step of state.createSteps) { const o = text("option", "fail " + step); o.value = step; fail.append(o); }
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
}

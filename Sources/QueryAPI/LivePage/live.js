// The live page's script (index.html): follows the event stream (Server-Sent Events), draws
// each saga as a lane of steps (compensations marked ↩), polls stock and projection lag, and
// places orders. No build step. The pure part — what an event looks like on the page, and
// how the stream's bytes become events — is tested by Tests/LivePage/live.test.js
// (node --test); the rest only touches the DOM.
//
// The stream is read with fetch, not EventSource: with sign-in on (--auth jwt) it needs the
// caller's token, and EventSource cannot send an Authorization header. A token in the URL
// would be written to access logs and proxies; a cookie would need CSRF defences for every
// command route. So the page keeps the token the visitor pastes in sessionStorage (gone
// with the tab) and sends it as every API call does.
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

/**
 * The complete Server-Sent Events in `text` (blocks ended by a blank line), and what is left
 * of it for the next chunk: each event's `data` lines joined, its `id`; comments and blocks
 * without data (`retry:`) skipped.
 */
function sseEvents(text) {
  const events = [];
  const blocks = text.replace(/\r\n?/g, "\n").split("\n\n");
  const rest = blocks.pop();
  for (const block of blocks) {
    const data = [];
    let id;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "id") id = value;
    }
    if (data.length) events.push({ id, data: data.join("\n") });
  }
  return { events, rest };
}

if (typeof module !== "undefined") module.exports = { eventClass, eventLine, chipFor, finalStatus, flows, newest, sseEvents };

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

  // Sign-in (--auth jwt): a token pasted once, kept for the tab, sent with every call.
  const token = () => sessionStorage.getItem("emporium.token");
  const auth = (headers = {}) => (token() ? { ...headers, Authorization: "Bearer " + token() } : headers);
  function askToSignIn(why) {
    $("signin").hidden = false;
    $("signin-why").textContent = why;
  }
  $("signin").onsubmit = (event) => {
    event.preventDefault();
    sessionStorage.setItem("emporium.token", $("token").value.trim());
    $("signin").hidden = true;
    follow.wake();
    poll();
  };

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Reads the stream for as long as it lasts, then again after 2 s (or once signed in). */
  async function follow() {
    for (;;) {
      try {
        const response = await fetch("/api/v1/live/events", { headers: auth() });
        if (response.status === 401 || response.status === 403) {
          askToSignIn(response.status === 401 ? "This shop's live feed needs you signed in." : "This token may not read the feed.");
          await new Promise((resolve) => { follow.wake = resolve; });
          continue;
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffered = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const { events, rest } = sseEvents(buffered + value);
          buffered = rest;
          for (const e of events) pending = newest(pending.concat(JSON.parse(e.data)), 2000);  // a burst: keep the newest
          if (events.length && !drawing) { drawing = true; requestAnimationFrame(draw); }
        }
      } catch (error) { $("message").textContent = "events: " + error; }
      await sleep(2000);
    }
  }
  follow.wake = () => {};
  follow();

  async function poll() {
    try {
      const answer = await fetch("/api/v1/live/state", { headers: auth() });
      if (answer.status === 401 || answer.status === 403) return;
      const state = (await answer.json()).result;
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
    const headers = auth({ "Content-Type": "application/json" });
    if ($("fail").value) headers["X-Emporium-Fail"] = $("fail").value;
    // Signed in, the customer is the token's: the body names none.
    const body = { orderReqDetails: [{ productId: $("product").value, qty: Number($("qty").value) }],
                   paymentReqDetails: [{ paymentKind: "10", paymentRate: 1 }] };
    if (!token()) body.userId = "learner";
    const answer = await (await fetch("/api/v1/orders", { method: "POST", headers, body: JSON.stringify(body) })).json();
    $("message").textContent = answer.returnMessage;
    if (answer.result && answer.result.sagaId) lane(answer.result.sagaId, answer.result.orderId, "create");
  };
}

// The live page's pure part (Sources/QueryAPI/LivePage/live.js): what an event looks like.
// Run: node --test Tests/LivePage/ (scripts/test does, in CI).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const live = require("../../Sources/QueryAPI/LivePage/live.js");

const reserved = { position: "812:40", service: "inventory", stream: "P1", version: 3, type: "StockReserved",
                   saga: "s1", step: "inventory.reserve", command: "c1" };

test("a step's answer adds a ticked chip to its lane", () => {
  assert.deepEqual(live.chipFor(reserved), { command: "c1", text: "inventory.reserve ✓", cls: "step done" });
  assert.equal(live.eventClass(reserved), "");
});

test("a refusal is crossed and marked rejected", () => {
  const refused = { ...reserved, type: "CommandRejected", step: "payment.create", command: "c2" };
  assert.deepEqual(live.chipFor(refused), { command: "c2", text: "payment.create ✗", cls: "step rejected" });
  assert.equal(live.eventClass(refused), "rejected");
});

test("a compensation shows the command it undoes, marked ↩", () => {
  const released = { ...reserved, type: "StockReleased", step: undefined, compensation: true, command: "releaseStock" };
  assert.deepEqual(live.chipFor(released), { command: "releaseStock", text: "↩ releaseStock ✓", cls: "step comp" });
  assert.equal(live.eventClass(released), "comp");
  assert.match(live.eventLine(released), /↩ releaseStock$/);
});

test("an event of no step adds no chip; its line names service, stream and version", () => {
  const registered = { position: "1:1", service: "inventory", stream: "P1", version: 1, type: "ProductRegistered" };
  assert.equal(live.chipFor(registered), null);
  assert.equal(live.eventLine(registered), "1:1  inventory P1@1  ProductRegistered");
});

test("a saga's end sets its lane's status; other events leave it", () => {
  assert.equal(live.finalStatus({ type: "OrderCompleted" }), "COMPLETED");
  assert.equal(live.finalStatus({ type: "OrderUpdateReverted" }), "FAILED");
  assert.equal(live.finalStatus({ type: "PaymentCreated" }), undefined);
});

test("a burst keeps only the newest events to draw", () => {
  assert.deepEqual(live.newest([1, 2, 3, 4, 5], 2), [4, 5]);
  assert.deepEqual(live.newest([1, 2], 5), [1, 2]);
});

test("the stream's bytes become events as their blocks complete, whatever the chunks", () => {
  const first = live.sseEvents("retry: 2000\n\n: still here\n\nid: 9:1\ndata: [{\"type\":\"A\"}]\n\nid: 9:2\nda");
  assert.deepEqual(first.events, [{ id: "9:1", data: '[{"type":"A"}]' }]);
  const second = live.sseEvents(first.rest + "ta: [1,\ndata: 2]\n\n");
  assert.deepEqual(second.events, [{ id: "9:2", data: "[1,\n2]" }]);
  assert.equal(second.rest, "");
  assert.deepEqual(live.sseEvents("id: 1\r\ndata: x\r\n\r\n").events, [{ id: "1", data: "x" }]);
});

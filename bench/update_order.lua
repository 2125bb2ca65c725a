-- PATCH /orders/BENCH-HOT (page 002): fulfillment_orders as a full replacement. FO-HOT-A holds
-- LI-HOT-1 fulfilled (terminal, so preserved without being listed) and LI-HOT-2 allocated, FO-HOT-B
-- LI-HOT-3 allocated; the merge keeps the fulfilled line, so the same body is valid on every request.
dofile("report.lua")
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [=[{"language":"en","fulfillment_orders":[
{"fulfillment_order_id":"FO-HOT-A","line_items":[{"id":"LI-HOT-2","quantity":1}]},
{"fulfillment_order_id":"FO-HOT-B","line_items":[{"id":"LI-HOT-3","quantity":1}]}]}]=]

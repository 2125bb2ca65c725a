-- PATCH .../fulfillment-orders/FO-HOT-B/update-schedule (page 003): a COLLECTION FO, so the
-- window lands in customer_collection_schedule; the same body is valid on every request.
dofile("report.lua")
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"scheduled_from":"2026-12-01T09:00:00Z","scheduled_to":"2026-12-01T13:00:00Z"}]]

-- GET /orders/{orderReference}: the URL names the order; no body.
dofile("report.lua")
wrk.method = "GET"

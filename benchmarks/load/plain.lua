-- wrk script: GET /orders/1 without gateway headers.
wrk.path = "/orders/1"
done = require("report").done

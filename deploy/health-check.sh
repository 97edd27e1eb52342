#!/bin/sh
# Restarts gridatlas.service when /api/health does not answer {"status":"ok"} within 10 s, twice in a row
# (one slow answer while a worker restarts is not a failure). Run by gridatlas-health.timer.
url="http://${HOST:-127.0.0.1}:${PORT:-3000}/api/health"
for attempt in 1 2; do
	if curl -fsS --max-time 10 "$url" | grep -q '"status":"ok"'; then exit 0; fi
	sleep 5
done
echo "gridatlas: $url not ok twice; restarting gridatlas.service" >&2
systemctl restart gridatlas.service

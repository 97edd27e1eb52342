#!/bin/sh
# Upgrade in place: new code, dependencies, build, migrate the database, then restart the app (the
# migrations are forward-only and idempotent; an app process of the old code keeps working on the new
# schema until the restart). Run as root from /opt/gridatlas after `git pull` (or unpacking a release).
set -eu
cd "$(dirname "$0")/.."
set -a; . /etc/gridatlas/gridatlas.env; set +a
runuser -u gridatlas -- npm ci --no-audit --no-fund   # the build needs the dev dependencies (vite)
runuser -u gridatlas -- npx vite build
runuser -u gridatlas -- node bin/gridatlas.js backup --out /var/backups/gridatlas/
runuser -u gridatlas -- node bin/gridatlas.js migrate
systemctl restart gridatlas.service
for i in $(seq 1 60); do
	curl -fsS --max-time 5 "http://${HOST:-127.0.0.1}:${PORT:-3000}/api/health" | grep -q '"status":"ok"' && { echo "gridatlas: upgraded and healthy"; exit 0; }
	sleep 2
done
echo "gridatlas: not healthy 2 minutes after the restart: journalctl -u gridatlas" >&2
exit 1

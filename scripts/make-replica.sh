#!/usr/bin/env bash
# A PostgreSQL 15 streaming replica of the local main cluster on this machine, for the read-replica
# tests and the load bench (DATABASE_READ_URL=postgres://postgres@127.0.0.1:5433/…): Debian's cluster
# tools make a second cluster `replica` on port 5433, pg_basebackup -R fills it from the main one and
# makes it a standby, and it starts replaying. Run as root (or with sudo); idempotent: a running,
# streaming replica is left as it is. Usage: scripts/make-replica.sh [port]   (REPLICA_PORT, 5433)
set -euo pipefail

VERSION=15
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PORT=${1:-${REPLICA_PORT:-5433}}
NAME=replica
SLOT=gridatlas_replica
DATA=/var/lib/postgresql/$VERSION/$NAME
CONF=/etc/postgresql/$VERSION/$NAME
MAIN_CONF=/etc/postgresql/$VERSION/main
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
as_postgres() { if [ -z "$SUDO" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
psql_main() { as_postgres psql -X -q -p "$PRIMARY_PORT" -d postgres -v ON_ERROR_STOP=1 "$@"; }

if pg_lsclusters -h 2>/dev/null | awk -v v=$VERSION -v n=$NAME '$1==v && $2==n && $4 ~ /^online/' | grep -q . &&
	[ "$(as_postgres psql -X -qtA -p "$PORT" -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = "t" ]; then
	echo "replica: already streaming on port $PORT"
	exit 0
fi

# The standby connects over the local socket as postgres: allow replication there.
if ! grep -Eq '^\s*local\s+replication\s' "$MAIN_CONF/pg_hba.conf"; then
	echo 'local replication postgres peer' | $SUDO tee -a "$MAIN_CONF/pg_hba.conf" >/dev/null
	psql_main -c 'SELECT pg_reload_conf()' >/dev/null
fi
# A slot keeps the WAL the standby still needs (a bulk load can outrun it), bounded so a stopped
# standby never fills the disk.
psql_main -c "ALTER SYSTEM SET max_slot_wal_keep_size = '2GB'" -c 'SELECT pg_reload_conf()' >/dev/null

if pg_lsclusters -h 2>/dev/null | awk -v v=$VERSION -v n=$NAME '$1==v && $2==n' | grep -q .; then
	$SUDO pg_dropcluster --stop $VERSION $NAME
fi
psql_main -c "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT'" >/dev/null
$SUDO pg_createcluster -p "$PORT" $VERSION $NAME >/dev/null
# the same authentication as the main cluster (the tests connect alike to both)
$SUDO cp "$MAIN_CONF/pg_hba.conf" "$CONF/pg_hba.conf"
cat <<EOF | $SUDO tee "$CONF/conf.d/replica.conf" >/dev/null
hot_standby = on
# tell the primary what the standby still reads, so long reads are not cancelled by cleanup
hot_standby_feedback = on
EOF
# pg_basebackup fills the empty data directory the cluster tools made (owned by postgres)
$SUDO find "$DATA" -mindepth 1 -delete
as_postgres pg_basebackup -p "$PRIMARY_PORT" -D "$DATA" -R -X stream -C -S "$SLOT" >/dev/null
$SUDO pg_ctlcluster --skip-systemctl-redirect $VERSION $NAME start 2>/dev/null || $SUDO pg_ctlcluster $VERSION $NAME start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 1; done
as_postgres psql -X -qtA -p "$PORT" -d postgres -c "SELECT 'replica: streaming on port $PORT, in recovery: ' || pg_is_in_recovery()"

#!/usr/bin/env bash
# Runs a local cluster of NODES (default 3) Switchboard nodes on one
# PostgreSQL and one etcd (both started if needed, see postgres.sh and
# etcd.sh): node i serves its API on 127.0.0.1:808i and its metrics on
# 127.0.0.1:909i, keeps its data in .local/node-i and logs to
# .local/node-i/log. Ctrl-C drains and stops them all.
# Expects bin/switchboard (make cluster builds it) and SWITCHBOARD_SECRET_KEY.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nodes=${NODES:-3}
export DATABASE_URL="${DATABASE_URL:-$("$root/scripts/postgres.sh")}"
export SWITCHBOARD_ETCD_ENDPOINTS="${SWITCHBOARD_ETCD_ENDPOINTS:-$("$root/scripts/etcd.sh")}"
"$root/bin/switchboard" migrate

pids=()
stop() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait
}
trap stop INT TERM
for i in $(seq 1 "$nodes"); do
	dir="$root/.local/node-$i"
	mkdir -p "$dir"
	"$root/bin/switchboard" serve --addr "127.0.0.1:808$i" --metrics-addr "127.0.0.1:909$i" \
		--data-dir "$dir" --node "node-$i" --demo off \
		--cluster etcd --cluster-addr "127.0.0.1:0" >"$dir/log" 2>&1 &
	pids+=($!)
	echo "node-$i: http://127.0.0.1:808$i (log: $dir/log)"
done
echo "Ctrl-C stops the cluster."
wait

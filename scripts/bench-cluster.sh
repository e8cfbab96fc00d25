#!/usr/bin/env bash
# Call load on NODES (default 3) cluster nodes on this machine:
# `switchboard bench --target` with every node's URL, the calls spread
# over them in turn. The nodes share a fresh database (dropped afterwards)
# on the PostgreSQL of postgres.sh and a cluster of their own on the etcd
# of etcd.sh, and use the provider fakes the bench serves on FAKES_ADDR
# (default 127.0.0.1:9300). Node i serves on 127.0.0.1:818i; their logs
# are in $TMPDIR. Arguments go to `switchboard bench` (--calls,
# --duration…). Expects bin/switchboard (make build) or SWITCHBOARD_BIN.
#   NODES=1 scripts/bench-cluster.sh --calls 30 --duration 45s
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SWITCHBOARD_BIN:-$root/bin/switchboard}
nodes=${NODES:-3}
fakes=${FAKES_ADDR:-127.0.0.1:9300}
server=$("$root/scripts/postgres.sh")
etcd=$("$root/scripts/etcd.sh")
db="bench_cluster_$$"
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	psql -q "$server" -c "DROP DATABASE IF EXISTS $db" >/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
psql -q "$server" -c "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="${server%/*}/$db?${server#*\?}"
export SWITCHBOARD_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
"$bin" migrate >/dev/null
key=$("$bin" keys create --org "Bench cluster" --name bench | tail -n 1)

# The environment that points an engine at the fakes on $fakes.
"$bin" fakes --addr "$fakes" >"$work/fakes" 2>&1 &
fp=$!
for _ in $(seq 1 100); do grep -q '^Inject' "$work/fakes" && break; sleep 0.1; done
kill -TERM "$fp"; wait "$fp" || true
mapfile -t fakeEnv < <(sed -n 's/^  export //p' "$work/fakes")

targets=()
for i in $(seq 1 "$nodes"); do
	env "${fakeEnv[@]}" "$bin" serve --addr "127.0.0.1:818$i" --metrics-addr "" --data-dir "$work/node-$i" \
		--node "bench-node-$i" --demo off --allow-private-urls --log-level warn \
		--cluster etcd --cluster-name "bench-$$" --etcd-endpoints "$etcd" --etcd-prefix "/switchboard-bench/$$" \
		>"$work/node-$i.out" 2>"$work/node-$i.log" &
	pids+=($!)
	targets+=("http://127.0.0.1:818$i")
done
for t in "${targets[@]}"; do
	for _ in $(seq 1 100); do curl -fs "$t/readyz" >/dev/null && break; sleep 0.2; done
done
echo "bench-cluster: $nodes node(s), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
IFS=,
"$bin" bench --target "${targets[*]}" --api-key "$key" --fakes-addr "$fakes" --no-floor "$@"
unset IFS
echo "bench-cluster: calls per node:" >&2
psql -q -A -t "$DATABASE_URL" -c "SELECT b.node, count(*) FROM calls c JOIN engine_boots b USING (boot_id) GROUP BY b.node ORDER BY b.node" >&2
echo "bench-cluster: load average after $(cut -d' ' -f1-3 /proc/loadavg)" >&2

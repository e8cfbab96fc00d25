#!/usr/bin/env bash
# Starts Prometheus scraping the engine's metrics (SWITCHBOARD_METRICS_ADDR,
# default 127.0.0.1:9091) and Grafana with the Switchboard dashboard
# (observe/grafana/switchboard.json), in the foreground until Ctrl-C; their
# data stays under .local/observe. Prometheus is Debian's package, installed
# if missing. Grafana is used if installed (Debian does not package it);
# otherwise this says how to import the dashboard into a Grafana of yours.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "observe.sh: $*" >&2; }
metrics=${SWITCHBOARD_METRICS_ADDR:-127.0.0.1:9091}
prometheus_addr=${PROMETHEUS_ADDR:-127.0.0.1:9095}
grafana_port=${GRAFANA_PORT:-3000}
dir="$root/.local/observe"

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}
# run_as becomes a server run as the prometheus or grafana user when root
# (their data should not be root's); it is called in the background, so
# exec leaves one process to stop.
run_as() {
	local user=$1; shift
	if [ "$(id -u)" = 0 ] && id "$user" >/dev/null 2>&1; then exec runuser -u "$user" -- "$@"; else exec "$@"; fi
}

if ! command -v prometheus >/dev/null; then
	say "installing Debian's prometheus package"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >&2 || {
		say "Prometheus is not installed and could not be. Point an existing one at the engine with:"
		sed "s/127.0.0.1:9091/$metrics/" "$root/observe/prometheus.yml" >&2
		exit 1
	}
fi

mkdir -p "$dir/prometheus" "$dir/grafana/data" "$dir/grafana/provisioning/datasources" \
	"$dir/grafana/provisioning/dashboards" "$dir/grafana/dashboards"
sed "s/127.0.0.1:9091/$metrics/" "$root/observe/prometheus.yml" >"$dir/prometheus.yml"
cp "$root/observe/grafana/switchboard.json" "$dir/grafana/dashboards/"
if [ "$(id -u)" = 0 ]; then
	id prometheus >/dev/null 2>&1 && chown -R prometheus "$dir/prometheus"
	id grafana >/dev/null 2>&1 && chown -R grafana "$dir/grafana"
	chmod 755 "$root/.local" "$dir"
fi

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
run_as prometheus prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prometheus" \
	--web.listen-address="$prometheus_addr" >"$dir/prometheus.log" 2>&1 &
pids+=($!)
echo "Prometheus  http://$prometheus_addr  scraping http://$metrics/metrics  (log: $dir/prometheus.log)"

grafana=$(command -v grafana || command -v grafana-server || true)
if [ -z "$grafana" ]; then
	cat <<MSG
Grafana is not installed (Debian does not package it). Either install it from
Grafana's APT repository (https://apt.grafana.com) and run make observe again, or
import $root/observe/grafana/switchboard.json into your Grafana (Dashboards → New →
Import) and choose a Prometheus data source that scrapes http://$metrics/metrics;
this one is http://$prometheus_addr.
MSG
else
	cat >"$dir/grafana/provisioning/datasources/switchboard.yml" <<YAML
apiVersion: 1
datasources:
  - name: Switchboard Prometheus
    uid: switchboard-prometheus
    type: prometheus
    access: proxy
    url: http://$prometheus_addr
    isDefault: true
YAML
	cat >"$dir/grafana/provisioning/dashboards/switchboard.yml" <<YAML
apiVersion: 1
providers:
  - name: switchboard
    type: file
    options:
      path: $dir/grafana/dashboards
YAML
	[ "$(id -u)" = 0 ] && id grafana >/dev/null 2>&1 && chown -R grafana "$dir/grafana"
	args=(--homepath /usr/share/grafana)
	if [ "$(basename "$grafana")" = grafana ]; then args=(server "${args[@]}"); fi
	# Grafana's settings from the environment (GF_<SECTION>_<KEY>).
	run_as grafana env GF_PATHS_DATA="$dir/grafana/data" GF_PATHS_LOGS="$dir/grafana" \
		GF_PATHS_PROVISIONING="$dir/grafana/provisioning" GF_SERVER_HTTP_ADDR=127.0.0.1 \
		GF_SERVER_HTTP_PORT="$grafana_port" GF_AUTH_ANONYMOUS_ENABLED=true GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer \
		"$grafana" "${args[@]}" >"$dir/grafana.log" 2>&1 &
	pids+=($!)
	echo "Grafana     http://127.0.0.1:$grafana_port/d/switchboard  (admin/admin; log: $dir/grafana.log)"
fi
echo "Ctrl-C stops them."
wait -n || true
say "a server stopped; see its log in $dir"

#!/usr/bin/env bash
# Prints the client endpoint(s) of a usable etcd, starting one if needed
# (the membership store of a Switchboard cluster, see docs/OPERATING.md):
#   1. $ETCD_ENDPOINTS if set, as it is;
#   2. else an etcd answering on 127.0.0.1:2379;
#   3. else a private single-member etcd under .local/etcd (client port
#      23790, peer port 23800), installing Debian's etcd-server package
#      first if it is missing. It keeps running after this script exits.
# Progress goes to stderr; stdout is only the endpoint list.
set -euo pipefail

if [ -n "${ETCD_ENDPOINTS:-}" ]; then
	echo "$ETCD_ENDPOINTS"
	exit 0
fi

root=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "etcd.sh: $*" >&2; }

# healthy HOST PORT: etcd's /health answers {"health":"true"}.
healthy() {
	local reply
	reply=$(timeout 2 bash -c 'exec 3<>/dev/tcp/'"$1/$2"' && printf "GET /health HTTP/1.0\r\nHost: %s\r\n\r\n" '"$1"' >&3 && cat <&3' 2>/dev/null) || return 1
	[[ $reply == *'"health":"true"'* ]]
}

if healthy 127.0.0.1 2379; then
	echo "127.0.0.1:2379"
	exit 0
fi

port=23790
peer=23800
if healthy 127.0.0.1 "$port"; then
	echo "127.0.0.1:$port"
	exit 0
fi

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
		say "need root to run: $*"; exit 1
	fi
}

if ! command -v etcd >/dev/null; then
	say "installing Debian's etcd-server package"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >&2
fi

dir="$root/.local/etcd"
mkdir -p "$dir"
say "starting a private etcd on 127.0.0.1:$port (data in $dir)"
# setsid: the server outlives this script and the make target that ran it,
# and keeps no descriptor of theirs beyond 0-2 (a lock held around
# `make test` would otherwise stay held for as long as the server lives).
(
	for fd in /proc/$BASHPID/fd/*; do
		n=${fd##*/}
		if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null || true; fi
	done
	exec setsid etcd --name switchboard --data-dir "$dir/data" \
		--listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
		--listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
		--initial-cluster "switchboard=http://127.0.0.1:$peer" --listen-metrics-urls ""
) >"$dir/server.log" 2>&1 </dev/null &
echo $! >"$dir/pid"
for _ in $(seq 1 120); do
	if healthy 127.0.0.1 "$port"; then
		echo "127.0.0.1:$port"
		exit 0
	fi
	if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then break; fi
	sleep 0.25
done
say "etcd did not become healthy:"
tail -n 20 "$dir/server.log" >&2
exit 1

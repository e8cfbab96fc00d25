#!/usr/bin/env bash
# Installs what building (and, with "test", testing) needs on a Debian
# machine: a C compiler and libmp3lame for the MP3 recorder, sox and mpg123
# for the audio tests, SIPp (sip-tester) for the SIP interoperability tests, and a
# Go toolchain new enough for go.mod (fetched from
# the Go module proxy into .local/go when the installed one is missing or old);
# with "bench", valgrind too.
# Quiet and quick when everything is present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-build}
say() { echo "deps.sh: $*" >&2; }

packages=(gcc libc6-dev libmp3lame-dev)
if [ "$mode" = test ] || [ "$mode" = bench ]; then packages+=(sox libsox-fmt-mp3 mpg123 sip-tester); fi
if [ "$mode" = bench ]; then packages+=(valgrind); fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

want_go=$(awk '/^go /{print $2; exit}' "$root/go.mod")
go_ok() {
	command -v go >/dev/null || return 1
	local have
	have=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
	[ "$(printf '%s\n%s\n' "$want_go" "$have" | sort -V | head -n 1)" = "$want_go" ]
}
export PATH="$root/.local/go/bin:$PATH"
need_go=false
go_ok || need_go=true
if $need_go; then
	for p in curl ca-certificates unzip; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
fi

if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]}"
	if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
		say "run as root or install: ${missing[*]}"; exit 1
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if $need_go; then
	arch=$(dpkg --print-architecture)
	version=$(awk '/^toolchain /{print $2; exit}' "$root/go.mod")
	version=${version:-go1.26.8}
	url="https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-${version}.linux-${arch}.zip"
	say "fetching Go ${version} from the module proxy"
	tmp=$(mktemp -d)
	curl -fsSL -o "$tmp/go.zip" "$url"
	rm -rf "$root/.local/go"
	mkdir -p "$root/.local"
	unzip -q "$tmp/go.zip" -d "$tmp"
	mv "$tmp/golang.org/toolchain@v0.0.1-${version}.linux-${arch}" "$root/.local/go"
	chmod +x "$root/.local/go/bin/"* "$root/.local/go/pkg/tool/"*/* 2>/dev/null || true
	rm -rf "$tmp"
	go_ok || { say "Go toolchain setup failed"; exit 1; }
fi

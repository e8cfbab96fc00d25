#!/usr/bin/env bash
# Prints a DATABASE_URL for a usable PostgreSQL, starting one if needed:
#   1. $DATABASE_URL if set, as it is;
#   2. else a server on 127.0.0.1:5432 that accepts user postgres;
#   3. else a private cluster under .local/pg (port 54329), installing
#      Debian's postgresql package first if it is missing.
# In 2 and 3 the URL names Switchboard's own database, `switchboard`,
# created if missing: never the server's default `postgres` database.
# Progress goes to stderr; stdout is only the URL.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
	echo "$DATABASE_URL"
	exit 0
fi

root=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "postgres.sh: $*" >&2; }

database=switchboard

# own_database prints the URL of database $database on the server that
# maintenance URL $1 reaches (…/postgres?…), creating the database first
# if it is missing (a concurrent run may create it first: that is fine).
own_database() {
	local psql=psql exists="select 1 from pg_database where datname = '$database'"
	command -v psql >/dev/null || psql="$pgbin/psql"
	if [ "$("$psql" "$1" -Atqc "$exists")" != 1 ]; then
		say "creating database $database"
		"$psql" "$1" -qc "create database $database" >/dev/null 2>&1 ||
			[ "$("$psql" "$1" -Atqc "$exists")" = 1 ] ||
			{ say "cannot create database $database on $1"; exit 1; }
	fi
	echo "${1/\/postgres\?//$database?}"
}

default_url="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
if command -v psql >/dev/null && psql "$default_url" -Atqc 'select 1' >/dev/null 2>&1; then
	own_database "$default_url"
	exit 0
fi

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
		say "need root to run: $*"; exit 1
	fi
}

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
	say "installing Debian's postgresql package"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
	pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# initdb refuses to run as root: run the cluster as the postgres user then.
run_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port=54329
dir="$root/.local/pg"
data="$dir/data"
url="postgres://switchboard@127.0.0.1:$port/postgres?sslmode=disable"
mkdir -p "$dir"
chmod 755 "$root/.local" "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi

if [ ! -f "$data/PG_VERSION" ]; then
	say "creating a private cluster in $data"
	run_pg "$pgbin/initdb" -D "$data" -U switchboard --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
fi
if ! run_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
	say "starting the private cluster on 127.0.0.1:$port"
	run_pg "$pgbin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start >&2 ||
		{ tail -n 20 "$dir/server.log" >&2; exit 1; }
fi
own_database "$url"

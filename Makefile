# Switchboard: `make run` starts the engine on a local PostgreSQL; `make test`
# runs every test. Both install what they need on a fresh Debian machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/.local/go/bin:$(PATH)

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
ADDR ?= 127.0.0.1:8080
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build run cluster test bench soak bench-instructions lint fuzz observe generate

build:
	@scripts/deps.sh build
	go build -ldflags "-X main.version=$(VERSION)" -o bin/switchboard ./cmd/switchboard

# The secret key encrypts provider credentials at rest; it is generated once
# and kept in .local/secret.key unless SWITCHBOARD_SECRET_KEY is set.
run: build
	@export DATABASE_URL="$$(scripts/postgres.sh)"; \
	mkdir -p .local; \
	[ -s .local/secret.key ] || (umask 077; head -c 32 /dev/urandom | base64 > .local/secret.key); \
	export SWITCHBOARD_SECRET_KEY="$${SWITCHBOARD_SECRET_KEY:-$$(cat .local/secret.key)}"; \
	bin/switchboard migrate; \
	key="$$(bin/switchboard keys create --org Local --name make-run | tail -n 1)"; \
	echo; echo "Admin API key (organization \"Local\"): $$key"; \
	echo "Try:   curl -H 'Authorization: Bearer $$key' http://$(ADDR)/api/v1/assistants"; echo; \
	exec bin/switchboard serve --addr "$(ADDR)"

# Three nodes in one cluster on this machine (scripts/cluster.sh says
# where each listens); NODES=n for another count.
cluster: build
	@mkdir -p .local; \
	[ -s .local/secret.key ] || (umask 077; head -c 32 /dev/urandom | base64 > .local/secret.key); \
	export SWITCHBOARD_SECRET_KEY="$${SWITCHBOARD_SECRET_KEY:-$$(cat .local/secret.key)}"; \
	exec scripts/cluster.sh

# Tests run on a real PostgreSQL and a real etcd (the cluster's
# membership), both started here if none is running.
test:
	@scripts/deps.sh test
	@export DATABASE_URL="$$(scripts/postgres.sh)" ETCD_ENDPOINTS="$$(scripts/etcd.sh)"; go test -race -count=1 ./...

# Regenerates the protobuf messages nodes exchange (nodes/nodespb).
generate:
	@scripts/deps.sh generate
	GOBIN=$(CURDIR)/.local/bin go install google.golang.org/protobuf/cmd/protoc-gen-go@$$(go list -m -f '{{.Version}}' google.golang.org/protobuf)
	PATH="$(CURDIR)/.local/bin:$$PATH" protoc --go_out=. --go_opt=paths=source_relative nodes/nodespb/*.proto

# The API benchmarks, then the default call-load profile (50 calls for
# 30 s against an in-process engine, then the floor relay): under 2 minutes.
# Its charts go to .local/bench.html.
bench:
	@scripts/deps.sh test
	@export DATABASE_URL="$$(scripts/postgres.sh)"; \
	go test -run='^$$' -bench=. -benchmem -benchtime=1x ./bench/... && \
	mkdir -p .local && go run ./cmd/switchboard bench --calls 50 --duration 30s --html .local/bench.html

# The soak: 20 calls held for 30 minutes against an in-process engine; RSS,
# Go heap, goroutines, open fds and threads sampled each minute, their slopes
# reported overall and over the last third ("levels off"). Not in CI.
soak:
	@scripts/deps.sh test
	@export DATABASE_URL="$$(scripts/postgres.sh)"; \
	go run ./cmd/switchboard bench --calls 20 --soak 30m

# Instructions per call-second of a scripted call, under callgrind: a
# figure that does not move with the machine's load.
bench-instructions:
	@scripts/deps.sh bench
	@scripts/bench-instructions.sh

lint:
	@scripts/deps.sh build
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

# Prometheus and Grafana over a running engine's metrics, with the
# Switchboard dashboard (scripts/observe.sh says what it starts).
observe:
	@scripts/observe.sh

# Runs every fuzz target for FUZZTIME (default 30s) each.
fuzz:
	@scripts/deps.sh test
	@scripts/fuzz.sh

# keydesk — see README.md
GO      ?= go
DB      ?= keydesk.db
BIN     ?= keydesk
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/keydesk/keydesk/ui/cli.version=$(VERSION)

.PHONY: build run test bench chaos demo clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# Opens the terminal UI on ./keydesk.db, filled with demo data the first time.
run: build
	@test -f $(DB) || ./$(BIN) --db $(DB) demo
	./$(BIN) --db $(DB)

# -race: serve runs many sessions on one store; the race detector is the
# cheapest check that they share it safely (about a minute here).
test: build
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...

# The cluster's chaos run (issue 20) for minutes: three serve --cluster
# processes on 127.0.0.1-3, 20 clients over SSH, the leader killed, nodes
# paused, links cut with iptables; then every node's head, every
# acknowledged write and each key's linearizability checked. make test
# runs it for 60 s; CHAOS=long is 4 minutes, CHAOS=10m any duration.
CHAOS ?= long
chaos: build
	KEYDESK_CHAOS=$(CHAOS) $(GO) test -count=1 -timeout 30m -run TestClusterChaos -v ./ui/e2e/

# Every benchmark, then the project's figures beside their anchors of the
# same run (installs sqlite3, the import's anchor, when it can).
bench:
	GO=$(GO) ./.ci/bench

clean:
	rm -f $(BIN)

# goyarn — see README.md. `make demo` and `make test` do everything on a
# fresh machine.

SHELL      := /bin/bash
GO         ?= go
BIN        := $(CURDIR)/bin
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -s -w -X github.com/goyarn/goyarn/resourcemanager.Version=$(VERSION) \
              -X github.com/goyarn/goyarn/nodemanager.Version=$(VERSION)
# every cmd/<name>: resourcemanager, nodemanager, appmaster, gosubmit, goyarn, goyarn-sh;
# and every examples/<name>: pi, wordcount
BINARIES   := $(addprefix ./cmd/,$(filter-out internal,$(notdir $(wildcard cmd/*)))) \
              $(addprefix ./examples/,$(notdir $(patsubst %/,%,$(wildcard examples/*/))))
TEST_FLAGS ?= -race -count=1 -timeout 20m

.PHONY: all build test unit e2e test-multihost demo stop bench lint clean tools weed

all: build

## build: static binaries into bin/
build:
	@mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ $(BINARIES)

## test: lint, unit tests with -race, then the end-to-end suites against bin/
##       (test/multihost included: the seed's three hosts on simulated hosts)
test: tools weed lint build
	@docker info >/dev/null 2>&1 || echo "!!! NO DOCKER DAEMON ANSWERS: the Docker suites (containers/docker, test/e2e TestDocker*) will SKIP !!!"
	@[ "$$(id -u)" = 0 ] || echo "!!! NOT ROOT: the multi-host suite (test/multihost, test/netsim) needs network namespaces and will SKIP !!!"
	GOYARN_BIN_DIR=$(BIN) GOYARN_TEST_OUTPUT_DIR=$(CURDIR)/test-output $(GO) test $(TEST_FLAGS) ./...

## test-multihost: the seed topology on simulated hosts (network namespaces,
## a bridge, a real 3-server ZooKeeper, a real SeaweedFS S3 server)
test-multihost: tools weed build
	GOYARN_BIN_DIR=$(BIN) GOYARN_REQUIRE_MULTIHOST=1 $(GO) test $(TEST_FLAGS) ./test/netsim/... ./test/seaweed/... ./test/multihost/...

## weed: build SeaweedFS (the multi-host suite's S3 store) once, cached
weed:
	@scripts/install-weed.sh >/dev/null

## unit: only the fast in-process tests
unit:
	$(GO) test $(TEST_FLAGS) $$($(GO) list ./... | grep -v /test/)

## e2e: only the multi-process suites
e2e: build
	GOYARN_BIN_DIR=$(BIN) GOYARN_TEST_OUTPUT_DIR=$(CURDIR)/test-output $(GO) test $(TEST_FLAGS) ./test/...

## demo: build, start a one-machine cluster on the default ports, run an application
demo: tools build
	@scripts/demo.sh

## stop: stop the demo cluster
stop:
	@scripts/stop-all.sh

## bench: the benchmarks, with their figures and conditions
bench: build
	@scripts/bench.sh

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## tools: what the build and tests need (Go comes from the machine; curl and python3 for the demo)
tools:
	@scripts/install-deps.sh

clean:
	rm -rf $(BIN) test-output

.PHONY: images
## images: the executor image goyarn/executor (FROM scratch, /bin/sh = goyarn-sh) from bin/, no network, no pull
images: build
	VERSION=$(VERSION) scripts/build-images.sh

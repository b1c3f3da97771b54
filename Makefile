# The README's two commands: `make run` (build and start the daemon) and `make test` (the whole suite).
SWIFT ?= swift

.PHONY: deps build run test clean

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build -c release

# Builds release binaries and runs coroqd in the foreground with its per-user defaults.
run: build
	.build/release/coroqd

test: deps
	$(SWIFT) test

clean:
	rm -rf .build

# Everything a fresh machine needs comes from `npm ci`; these targets are shortcuts.
.PHONY: install build test test-unit demo bench bench-mysql ci services-up services-down docs clean browser tools

install:
	npm ci

build:
	npm run build

test:
	npm test

test-unit:
	npm run test:unit

demo: build
	bin/rivet demo

bench: build
	npm run bench

bench-mysql: build
	npm run bench:mysql

docs: build
	node dev/gen-docs.mjs

ci:
	bash .ci/run

# What the tests need besides npm packages: Chromium (the HTML report's browser test), tmux (the
# live progress cards' terminal test), zsh and fish (the completion tests), from Debian (as root;
# does nothing when they are there)
tools: browser
	@for tool in tmux zsh fish; do command -v $$tool >/dev/null || (apt-get update && apt-get install -y --no-install-recommends $$tool) || { echo "could not install $$tool with apt-get (run as root?)"; exit 1; }; done
	@tmux -V

browser:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y --no-install-recommends chromium) || { echo "could not install chromium with apt-get (run as root?)"; exit 1; }
	@/usr/bin/chromium --version 2>/dev/null

# Local databases for users with Docker (CI and the dev machines use locally installed servers).
services-up:
	docker compose up -d

services-down:
	docker compose down

clean:
	rm -rf dist rivet-demo

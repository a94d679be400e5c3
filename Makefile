# dsim: the user's entry point. Every target installs missing Debian packages first.
#   make explore   deps, configure, build (release), run the main job
#   make test      deps, configure, build, run every test with ctest: release, then ASan+UBSan
#                  (coroutine frames make memory errors easy to miss without a sanitizer)
#   make build     deps, configure, build the release preset
#   make bench     build and run the Google Benchmark suites
#   make asan      build and test under ASan + UBSan
# The dsim binary is build/release/bin/dsim.

PRESET ?= release
DSIM := build/release/bin/dsim
EXPLORE_ARGS ?=

.PHONY: deps configure build explore test bench asan dev clean

deps:
	@scripts/deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

explore: build
	$(DSIM) explore $(EXPLORE_ARGS)

test: build
	ctest --preset $(PRESET)
	@$(MAKE) --no-print-directory asan

bench: build
	build/release/bin/sim_bench

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	ctest --preset asan

dev: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev
	ctest --preset dev

clean:
	rm -rf build

# dsim: the user's entry point. Every target installs missing Debian packages first.
#   make explore   deps, configure, build (release), run the main job
#   make test      deps, configure, build, run every test with ctest: release, then ASan+UBSan
#                  (coroutine frames make memory errors easy to miss without a sanitizer)
#                  on all but the real-daemon tests (label `real`: wall-clock bound, and
#                  their dsim code runs in-process there) and the search-budget ones
#                  (label `search`, and two gtests by name: see CMakePresets.json), then
#                  the bounded fuzz run
#   make build     deps, configure, build the release preset
#   make bench     build and run the Google Benchmark suites, then dsim check per planted bug
#   make asan      build and test under ASan + UBSan, as make test does (all of them:
#                  cd build/asan && ctest -j2)
#   make fuzz      build the libFuzzer targets (clang-16) and fuzz each for FUZZ_SECONDS
#                  (default 60), after replaying fuzz/regressions/ (tools/fuzz_run.sh)
# The dsim binary is build/release/bin/dsim.

PRESET ?= release
DSIM := build/release/bin/dsim
EXPLORE_ARGS ?=

.PHONY: deps configure build explore test bench asan fuzz dev clean

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
	@$(MAKE) --no-print-directory fuzz

bench: build
	build/release/bin/sim_bench
	tools/bench_check.sh build/release/bin/dsim 2 10
	tools/bench_check.sh build/release/bin/dsim -1 10
	tools/bench_dpor.sh build/release/bin/dsim 20 planted
	tools/bench_dpor.sh build/release/bin/dsim 20 builtins
	tools/bench_dpor.sh build/release/bin/dsim 60 check

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	ctest --preset asan

fuzz: deps
	tools/fuzz_run.sh

dev: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev
	ctest --preset dev

clean:
	rm -rf build

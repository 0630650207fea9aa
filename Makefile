# The two commands of the README, and the rest. Every target installs what it needs first.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
FUZZ_SECONDS ?= 60
CTEST_FLAGS ?= --output-on-failure -j $(JOBS) --timeout 600

.PHONY: all deps release demo test test-sanitize bench soak fuzz clean

all: release

deps:
	@bash scripts/install-deps.sh

# Release build for the demo and the benchmarks.
release: deps
	cmake -S . -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release -DSCLAB_TESTS=OFF >/dev/null
	cmake --build $(BUILD)/release -j $(JOBS)

# install, build, run the whole lab (what is built of it), print the scorecard and where the report is.
demo: release
	@bash scripts/demo.sh $(BUILD)/release/cli/sclab

# install, build, run every test (warnings are errors).
test: deps
	cmake -S . -B $(BUILD)/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCLAB_WERROR=ON >/dev/null
	cmake --build $(BUILD)/test -j $(JOBS)
	cd $(BUILD)/test && ctest $(CTEST_FLAGS)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: deps
	cmake -S . -B $(BUILD)/asan -DCMAKE_BUILD_TYPE=Debug -DSCLAB_WERROR=ON -DSCLAB_SANITIZE=ON >/dev/null
	cmake --build $(BUILD)/asan -j $(JOBS)
	cd $(BUILD)/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ctest $(CTEST_FLAGS)

# Benchmarks against their anchors; figures go to bench/RESULTS.md.
bench: release
	@bash bench/run.sh $(BUILD)/release/cli/sclab

# The soak of `sclab emulate`: SOAK_REQUESTS under wrk load, then zero errors and one access-log record per response.
SOAK_REQUESTS ?= 1000000
soak: release
	@bash tests/soak/emulator_soak.sh $(BUILD)/release/cli/sclab $(SOAK_REQUESTS)

# Every libFuzzer target for FUZZ_SECONDS each (clang build).
fuzz: deps
	cmake -S . -B $(BUILD)/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCLAB_FUZZ=ON -DSCLAB_TESTS=OFF >/dev/null
	cmake --build $(BUILD)/fuzz -j $(JOBS)
	@bash tests/fuzz/run.sh $(BUILD)/fuzz/tests/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)

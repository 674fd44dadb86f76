# Thin porcelain over CMake. `make run` and `make test` are the two set-up commands the README
# promises on a fresh Debian machine; everything else is for developers. `make build` also
# bundles the web application (web/, `npm ci` from its lock file) into $(BUILD)/web, which
# `orp serve` serves at /; the sanitizer, lint and fuzz trees leave it out (-DORP_WEB=OFF).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
DEMO_DIR ?= var/demo

.PHONY: all deps configure build run test test-sanitize lint bench fuzz clean

all: build

deps:
	@scripts/install-deps

# Always re-run cmake (a second or two): a new subsystem folder is found only at configure time.
configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DORP_WERROR=ON $(CMAKE_FLAGS) >/dev/null

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	scripts/run-demo $(BUILD)/orp $(DEMO_DIR)

# After the suite, scan everything every test printed (CTest keeps it in LastTest.log) for text
# shaped like a valid NHS number: identifiers never reach a log or an output (issue #5).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(BUILD)/test/orp_log_scan $(BUILD)/Testing/Temporary/LastTest.log

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer (CI runs this), in
# a clang-16 tree that also builds the libFuzzer targets (`make fuzz` uses the same tree): the
# libraries at -O1 with line tables only, the tests at -O0 (ADR 0012).
SANITIZE_FLAGS = -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 -DORP_WERROR=ON -DORP_SANITIZE=ON \
  -DORP_FUZZ=ON -DORP_BENCH=OFF -DORP_WEB=OFF -DCMAKE_BUILD_TYPE=Sanitize \
  "-DCMAKE_CXX_FLAGS_SANITIZE=-O1 -gline-tables-only" $(CMAKE_FLAGS)
test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) $(SANITIZE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# clang-tidy reads its own compile database (build-lint, configured only, no precompiled
# headers: clang cannot read g++'s .gch files).
lint: deps
	@cmake -S . -B build-lint -G Ninja -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DORP_BENCH=OFF -DORP_WEB=OFF >/dev/null
	scripts/lint build-lint

bench: build
	@echo "benchmarks: see docs/performance.md for each command"; ls $(BUILD)/bench 2>/dev/null || true

# libFuzzer targets (fuzz/), built in the sanitizer tree; each runs $FUZZ_SECONDS.
fuzz: deps
	cmake -S . -B $(ASAN_BUILD) $(SANITIZE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target fuzzers
	scripts/run-fuzzers $(ASAN_BUILD) $${FUZZ_SECONDS:-60}

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-lint

# SPDX-License-Identifier: MIT
# Front door: `make run` builds and runs the demo, `make test` runs every test.
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps release asan tsan run test test-asan test-tsan fuzz-smoke bench clean

all: release

deps:
	@scripts/deps.sh

release: deps
	@cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/release -j $(JOBS)

asan: deps
	@cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DWACTOR_SANITIZE=address $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/asan -j $(JOBS)

tsan: deps
	@cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Debug -DWACTOR_SANITIZE=thread -DWACTOR_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/tsan -j $(JOBS)

run: release
	@scripts/run-demo.sh build/release

# Every test under ASan+UBSan, the concurrency tests also under TSan, then a
# short smoke run of each fuzz target.
test: test-asan test-tsan fuzz-smoke

test-asan: asan
	@cd build/asan && ctest --output-on-failure -j $(JOBS)

test-tsan: tsan
	@cd build/tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -j $(JOBS) -L concurrency

fuzz-smoke: deps
	@scripts/fuzz-smoke.sh

bench: deps
	@scripts/deps.sh --bench
	@cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/release -j $(JOBS)
	@scripts/bench.sh build/release

clean:
	rm -rf build

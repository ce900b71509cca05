# SPDX-License-Identifier: GPL-2.0
#
# lumen: build the driver, the QEMU device model and the guest images, and
# boot guests.  docs/harness.rst tells how it all works.
#
#   make [all]      QEMU with -device lumen, lumen.ko, selftests, initramfs
#   make module     lumen.ko against the guest kernel's headers
#   make run        boot a guest with two lumen ports back to back and show
#                   them off (tools/vm/demo.sh)
#   make shell      the same guest, with a shell on this terminal
#   make check      every selftest, one fresh guest each, as TAP
#                   TESTS="a b"        only these tests
#                   EXTRA_TESTS=DIR    DIR's tests instead (in the guest)
#   make check-debug
#                   make check on the debug kernel (KASAN, UBSAN, lockdep,
#                   kmemleak, DMA-API debug, fault injection), built from
#                   Debian's linux-source on first use (tools/kernel/)
#   LUMEN_KERNEL=debug make run|shell|check   the same for any target
#   make bench      TCP, UDP 64 B, latency and CPU per frame over lumen,
#                   virtio-net and e1000e pairs, with ratios (tools/bench/);
#                   BENCH_SECS=N seconds a workload (default 8),
#                   BENCH_ONLY=nic or raw for one of the two tables
#   make bench-profile  register accesses, doorbells and interrupts a ping
#                   round trip costs each NIC (QEMU trace events);
#                   PROFILE_PINGS=N round trips (default 200)
#   make lint       checkpatch, sparse/W=1, selftests with -Werror
#   make clean
#
# Every target first runs tools/deps.sh, which installs whatever Debian
# packages are missing and is silent otherwise.

SHELL := /bin/bash
VM := tools/vm

# Looked up once here (it asks apt) rather than by every script.
ifndef LUMEN_KVER
export LUMEN_KVER := $(shell bash -c '. tools/lib/common.sh && lumen_guest_kver')
endif

.PHONY: all deps qemu module selftests initramfs run shell check check-debug bench bench-profile lint clean

all: qemu module selftests initramfs

deps:
	@tools/deps.sh

qemu: deps
	@bash -c '. $(VM)/common.sh && lumen_qemu' > /dev/null

module: deps
	@$(VM)/module.sh > /dev/null

selftests: deps
	@$(MAKE) -s -C selftests all KSFT_INC="$$($(VM)/linux-source.sh ksft-inc)"

initramfs: module selftests
	@$(VM)/initramfs.sh > /dev/null

run: all
	@$(VM)/vm.sh --timeout 300 -- /lumen/bin/demo.sh

shell: all
	@$(VM)/vm.sh --interactive

check: all
	@$(VM)/check.sh $(if $(TESTS),--tests "$(TESTS)") \
		$(if $(EXTRA_TESTS),--extra "$(EXTRA_TESTS)")

check-debug:
	@$(MAKE) --no-print-directory check LUMEN_KERNEL=debug

bench: all
	@tools/bench/bench.sh $(BENCH_SECS)

bench-profile: all
	@tools/bench/rtt-profile.sh $(PROFILE_PINGS)

lint: deps
	@$(VM)/lint.sh

clean: deps
	@$(VM)/module.sh clean 2> /dev/null || true
	@$(MAKE) -s -C selftests clean
	@rm -rf build

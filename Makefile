# Front door for vigil. `make` builds, `make check` runs every test layer,
# `make install` honours PREFIX and DESTDIR.
PREFIX ?= /usr/local
DESTDIR ?=
PYTEST ?= /usr/bin/python3 -m pytest
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 20000
FUZZ_PACKET_RUNS ?= 2000000
FUZZ_IPC_RUNS ?= 100000
FUZZ_NL_RUNS ?= 500000
FUZZ_DIFF_RUNS ?= 8000
FUZZ_IPVS_RUNS ?= 500000
FUZZ_SMTP_RUNS ?= 800000
FUZZ_DNS_RUNS ?= 2000000
FUZZ_HTTP_RUNS ?= 1000000
FUZZ_UDP_RUNS ?= 2000000
FUZZ_ICMP_RUNS ?= 1000000

BUILD := build
ASAN_BUILD := build-asan
FUZZ_BUILD := build-fuzz

.PHONY: all deps demo check layers unit integration vm-check fuzz fuzz-ci bench chaos chaos-ci install man-lint clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps build test interop

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) -Dunit_tests=true

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dunit_tests=true

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dunit_tests=false \
		-Db_sanitize=address,undefined -Db_lundef=false

# Unit tests run under ASan+UBSan; the plain build is what the integration tests use.
unit: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN_BUILD) --suite unit --print-errorlogs

# Two vigild nodes and a client in namespaces: election, crash, preemption,
# graceful stop, with takeover times measured on the wire.
demo: all
	VIGILD=$(CURDIR)/$(BUILD)/src/vigild scripts/demo

# Side by side with keepalived, about 25 minutes; writes bench/RESULTS.md.
# Never part of make check.
bench: all
	VIGILD=$(CURDIR)/$(BUILD)/src/vigild /usr/bin/python3 bench/run $(BENCH_ARGS)

# Three nodes, a seeded schedule of faults (kills, SIGSTOP, links, nftables
# partitions, trackers, reloads mid-election, demote/promote), the invariant
# checked after each heal, the same schedule with keepalived; about two hours.
# Writes build/chaos/chaos.{json,md}. CHAOS_ARGS="--seed N --faults M" to replay.
CHAOS_ARGS ?=
chaos: all
	VIGILD=$(CURDIR)/$(BUILD)/src/vigild VIGILCTL=$(CURDIR)/$(BUILD)/src/vigilctl \
		/usr/bin/python3 tests/chaos/chaos.py --faults 500 $(CHAOS_ARGS)

# The short run that make check keeps: a fixed seed, 30 faults, vigil only.
chaos-ci: all
	VIGILD=$(CURDIR)/$(BUILD)/src/vigild VIGILCTL=$(CURDIR)/$(BUILD)/src/vigilctl \
		/usr/bin/python3 tests/chaos/chaos.py --seed 1 --faults 30 --impl vigil --out $(BUILD)/chaos-ci

integration: all
	VIGILD=$(CURDIR)/$(BUILD)/src/vigild VIGILCTL=$(CURDIR)/$(BUILD)/src/vigilctl $(PYTEST) -q tests/integration

# IPVS is not in the host's kernel: qemu (TCG) boots of Debian's kernel run
# every scenario in tests/vm/scenarios (the LVS ones once with keepalived and
# once with vigild as the director), two guests side by side on a 2-CPU host,
# about 220 s in all (doc/testing.md).
# The vm group of install-deps (qemu, the kernel and its modules, busybox, ipvsadm)
# is installed here rather than by `deps`, so a plain `make` does not pull 430 MB.
vm-check: all
	@scripts/install-deps vm
	/usr/bin/python3 tests/vm/build.py --build-dir $(BUILD)
	/usr/bin/python3 tests/vm/run.py --kernel $(BUILD)/vm/vmlinux \
		--initrd $(BUILD)/vm/initramfs.cpio --log $(BUILD)/vm/console.log $(VM_ARGS)

fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	mkdir -p $(FUZZ_BUILD)/corpus-conf
	$(FUZZ_BUILD)/tests/fuzz_conf -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-dict=tests/fuzz/conf.dict $(FUZZ_BUILD)/corpus-conf tests/fuzz/corpus/conf
	mkdir -p $(FUZZ_BUILD)/corpus-packet
	$(FUZZ_BUILD)/tests/fuzz_packet -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
		$(FUZZ_BUILD)/corpus-packet tests/fuzz/corpus/packet
	mkdir -p $(FUZZ_BUILD)/corpus-ipc $(FUZZ_BUILD)/corpus-nl $(FUZZ_BUILD)/corpus-diff
	$(FUZZ_BUILD)/tests/fuzz_ipc -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		$(FUZZ_BUILD)/corpus-ipc tests/fuzz/corpus/ipc
	$(FUZZ_BUILD)/tests/fuzz_nl -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
		$(FUZZ_BUILD)/corpus-nl tests/fuzz/corpus/nl
	$(FUZZ_BUILD)/tests/fuzz_diff -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-dict=tests/fuzz/conf.dict $(FUZZ_BUILD)/corpus-diff tests/fuzz/corpus/diff
	mkdir -p $(FUZZ_BUILD)/corpus-ipvs
	$(FUZZ_BUILD)/tests/fuzz_ipvs -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		$(FUZZ_BUILD)/corpus-ipvs tests/fuzz/corpus/ipvs
	mkdir -p $(FUZZ_BUILD)/corpus-smtp $(FUZZ_BUILD)/corpus-dns
	$(FUZZ_BUILD)/tests/fuzz_smtp -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		$(FUZZ_BUILD)/corpus-smtp tests/fuzz/corpus/smtp
	$(FUZZ_BUILD)/tests/fuzz_dns -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
		$(FUZZ_BUILD)/corpus-dns tests/fuzz/corpus/dns
	mkdir -p $(FUZZ_BUILD)/corpus-http
	$(FUZZ_BUILD)/tests/fuzz_http -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		$(FUZZ_BUILD)/corpus-http tests/fuzz/corpus/http
	mkdir -p $(FUZZ_BUILD)/corpus-udp $(FUZZ_BUILD)/corpus-icmp
	$(FUZZ_BUILD)/tests/fuzz_udp -max_total_time=$(FUZZ_SECONDS) -max_len=1024 \
		$(FUZZ_BUILD)/corpus-udp tests/fuzz/corpus/udp
	$(FUZZ_BUILD)/tests/fuzz_icmp -max_total_time=$(FUZZ_SECONDS) -max_len=1024 \
		$(FUZZ_BUILD)/corpus-icmp tests/fuzz/corpus/icmp

# CI fuzzing is reproducible: a fixed seed and a fixed number of runs over the
# committed corpus (which keeps every input that once failed), so a red build
# always points at the change that caused it. `make fuzz` explores freely.
fuzz-ci: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	mkdir -p $(FUZZ_BUILD)/corpus-ci
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_conf -seed=1 -runs=$(FUZZ_RUNS) -max_len=4096 -timeout=10 \
		-rss_limit_mb=1024 -dict=tests/fuzz/conf.dict $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/conf
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_packet -seed=1 -runs=$(FUZZ_PACKET_RUNS) -max_len=2048 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/packet
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_ipc -seed=1 -runs=$(FUZZ_IPC_RUNS) -max_len=4096 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/ipc
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_nl -seed=1 -runs=$(FUZZ_NL_RUNS) -max_len=2048 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/nl
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_diff -seed=1 -runs=$(FUZZ_DIFF_RUNS) -max_len=4096 -timeout=10 \
		-rss_limit_mb=1024 -dict=tests/fuzz/conf.dict $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/diff
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_ipvs -seed=1 -runs=$(FUZZ_IPVS_RUNS) -max_len=4096 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/ipvs
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_smtp -seed=1 -runs=$(FUZZ_SMTP_RUNS) -max_len=4096 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/smtp
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_dns -seed=1 -runs=$(FUZZ_DNS_RUNS) -max_len=2048 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/dns
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_http -seed=1 -runs=$(FUZZ_HTTP_RUNS) -max_len=4096 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/http
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_udp -seed=1 -runs=$(FUZZ_UDP_RUNS) -max_len=1024 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/udp
	rm -f $(FUZZ_BUILD)/corpus-ci/*
	$(FUZZ_BUILD)/tests/fuzz_icmp -seed=1 -runs=$(FUZZ_ICMP_RUNS) -max_len=1024 -timeout=10 \
		-rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-ci tests/fuzz/corpus/icmp

MAN_PAGES := doc/man/vigild.8 doc/man/vigilctl.8 doc/man/vigil.conf.5 doc/man/vigil-genhash.1

# Every mandoc message counts, style included, except the lookups of
# cross-referenced pages, which depend on what this machine has installed.
man-lint:
	@scripts/install-deps test
	@out=$$(mandoc -T lint $(MAN_PAGES) 2>&1 | grep -v 'referenced manual not found\|outdated mandoc.db'); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; echo "man-lint: $(MAN_PAGES) clean"

# No include points from a lower layer to a higher one, and no pure core
# includes an edge (scripts/check-layers says which and where).
layers:
	@scripts/check-layers

check: layers man-lint unit integration vm-check fuzz-ci chaos-ci

# The prefix is set on every install, not only when build/ is first set up,
# so `make install PREFIX=/usr` after a plain `make` really installs under
# /usr (the generated unit follows the prefix too).
install: deps $(BUILD)/build.ninja
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	ninja -C $(BUILD)
	DESTDIR=$(if $(DESTDIR),$(abspath $(DESTDIR))) meson install -C $(BUILD) --no-rebuild

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

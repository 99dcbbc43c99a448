# tools/fuzz/fuzz.mk - libFuzzer harnesses (included from the Makefile).
#
#   make fuzz-build          build build-fuzz/fuzz_{isakmp,decrypt,keys,pcap}
#   make fuzz                run each for FUZZ_SECONDS (default 60) under
#                            ASan+UBSan; fails if any harness finds a crash
#   make fuzz-seeds          regenerate tools/fuzz/seeds/ from the captures
#
# The library sources are compiled again with clang and sanitizer coverage
# (build/libikecap.a is gcc objects without it).  Needs clang and the
# compiler-rt fuzzer runtime (Debian: clang, libclang-rt-14-dev).
# New inputs go to build-fuzz/corpus/<harness>/ (the committed seeds stay
# read-only); crashes to build-fuzz/artifacts/<harness>-crash-*.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
FUZZ_NAMES   := fuzz_isakmp fuzz_decrypt fuzz_keys fuzz_pcap
FUZZ_SAN     := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
                -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
                -Wpointer-arith -Wcast-qual -Wformat=2
FUZZ_LIB_SRC := $(sort $(wildcard decoders/*.c) $(filter-out dissector/main.c,$(wildcard dissector/*.c)))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_HDRS    := $(wildcard decoders/*.h dissector/*.h tools/fuzz/*.h)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%)
FUZZ_PKG_CFLAGS := $(shell pkg-config --cflags libpcap libcrypto libcbor 2>/dev/null)
FUZZ_PKG_LIBS   := $(shell pkg-config --libs libpcap libcrypto libcbor 2>/dev/null || echo -lpcap -lcrypto -lcbor)

.PHONY: fuzz-build fuzz fuzz-seeds
.SECONDARY: $(FUZZ_LIB_OBJ)

fuzz-build: $(FUZZ_BINS)

# Library objects: sanitizers and coverage, no libFuzzer main.
$(FUZZ_BUILD)/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer $(FUZZ_PKG_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tools/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) $(FUZZ_PKG_CFLAGS) -o $@ $< $(FUZZ_LIB_OBJ) $(FUZZ_PKG_LIBS)

fuzz-seeds:
	sh tools/fuzz/make-seeds.sh

# One harness after the other; each prints libFuzzer's closing lines
# ("#N DONE cov: ... exec/s: ..." and "Done N runs in S second(s)").
fuzz: $(FUZZ_BINS)
	@fail=0; ok=0; for h in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$h $(FUZZ_BUILD)/artifacts; \
		seeds=tools/fuzz/seeds/$$h; [ -d $$seeds ] || seeds=; \
		echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
		if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		   $(FUZZ_BUILD)/$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$h- \
			$(FUZZ_BUILD)/corpus/$$h $$seeds > $(FUZZ_BUILD)/$$h.log 2>&1; then \
			grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs' $(FUZZ_BUILD)/$$h.log | sed "s/^/  $$h: /"; \
			ok=$$((ok + 1)); \
		else \
			echo "  $$h: FAILED (see $(FUZZ_BUILD)/$$h.log, reproducer in $(FUZZ_BUILD)/artifacts/)"; \
			grep -E 'ERROR: |runtime error|SUMMARY|Test unit written' $(FUZZ_BUILD)/$$h.log | head -5 | sed 's/^/    /'; \
			fail=$$((fail + 1)); \
		fi; \
	done; echo "fuzz: $$ok passed, $$fail failed"; [ $$fail -eq 0 ]

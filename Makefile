# ikecap - plain Makefile.  `make` builds ./ikecap; `make test` sets up and runs
# every test; `make run` decodes a bundled capture with its keys.
CC      ?= cc
PKGS    := libpcap libcrypto libcbor
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wformat=2
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -lcrypto -lcbor)
CRIT_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

LIB_SRC  := $(sort $(wildcard decoders/*.c) $(filter-out dissector/main.c,$(wildcard dissector/*.c)))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
HDRS     := $(wildcard decoders/*.h dissector/*.h tests/*.h)

BUILD      := build
ASAN_BUILD := build-asan
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_OBJ       := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ_ASAN  := $(LIB_SRC:%.c=$(ASAN_BUILD)/%.o)
TEST_OBJ      := $(TEST_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ_ASAN := $(TEST_SRC:%.c=$(ASAN_BUILD)/%.o)

.PHONY: all asan deps test unit unit-asan golden regress live run clean lint bench flood

all: ikecap

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(ASAN_BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O1 $(SAN) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libikecap.a: $(LIB_OBJ)
	ar rcs $@ $^

$(ASAN_BUILD)/libikecap.a: $(LIB_OBJ_ASAN)
	ar rcs $@ $^

ikecap: $(BUILD)/dissector/main.o $(BUILD)/libikecap.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

ikecap-asan: $(ASAN_BUILD)/dissector/main.o $(ASAN_BUILD)/libikecap.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

asan: ikecap-asan

tools/cbor2json: tools/cbor2json.c
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

$(BUILD)/unit-tests: $(TEST_OBJ) $(BUILD)/libikecap.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(CRIT_LIBS)

$(ASAN_BUILD)/unit-tests: $(TEST_OBJ_ASAN) $(ASAN_BUILD)/libikecap.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) $(CRIT_LIBS)

# Installs what a fresh Debian 12 machine lacks (as root, with apt-get).
deps:
	@sh tools/setup-deps.sh

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests --jobs 2

unit-asan: $(ASAN_BUILD)/unit-tests
	ASAN_OPTIONS=detect_leaks=1 $(ASAN_BUILD)/unit-tests --jobs 2

golden: ikecap ikecap-asan tools/cbor2json
	TZ=UTC LC_ALL=C sh tests/run-golden.sh

# The live check runs real strongSwan peers in network namespaces (root only;
# it says SKIPPED and passes elsewhere).
live: ikecap
	sh tests/check_live.sh

# Every reproducer a fuzzer or a user ever found, replayed under ASan+UBSan.
regress: ikecap-asan
	sh tests/regress.sh

test: deps
	$(MAKE) unit unit-asan golden regress live fuzz

run: deps
	$(MAKE) ikecap
	@chmod 600 captures/lab/mm-psk-aes128-sha1-g2.keys  # git keeps no modes; ikecap warns on readable keys
	./ikecap -k captures/lab/mm-psk-aes128-sha1-g2.keys -r captures/lab/mm-psk-aes128-sha1-g2.pcap

# A benchmark, not a test: ESP decrypt throughput against openssl speed and tshark.
bench: ikecap
	sh tools/bench

# A benchmark, not a test: peak RSS and time on 100k/300k/1M-packet floods (ikecap.1 BOUNDED STATE).
flood: ikecap
	python3 tools/flood/flood.py

lint:
	@sh tools/banned.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz ikecap ikecap-asan tools/cbor2json

# libFuzzer harnesses: make fuzz-build, make fuzz (FUZZ_SECONDS each, default 60).
include tools/fuzz/fuzz.mk

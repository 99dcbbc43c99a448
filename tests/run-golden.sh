#!/bin/sh
# Golden and robustness checks over every capture we can see:
#  1. every capture decodes under ikecap-asan (ASan+UBSan) with exit 0 and no
#     sanitizer report, in text -v -x and in JSON;
#  2. field-by-field comparison with tshark (tests/compare_tshark.py);
#  3. known-answer checks against the lab truth (tests/check_lab.py).
# Core captures are in captures/; ../shared/{corpus,lab} are used when present.
set -u
cd "$(dirname "$0")/.."
export TZ=UTC LC_ALL=C
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
out=tests/out
mkdir -p "$out"
fail=0 pass=0 total=0

shared=../shared
list="$out/captures.txt"
find captures -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort > "$list"
if [ -d "$shared/corpus" ] || [ -d "$shared/lab" ]; then
	find "$shared/corpus" "$shared/lab" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) \
		2>/dev/null | sort >> "$list"
	echo "golden: using captures/ and $shared (corpus, lab)"
else
	echo "golden: SKIPPED the shared corpus and lab: $shared not found (only captures/ is checked)"
fi

# Keys beside a capture: NAME.keys for captures/, keys/ for a lab case.
keys_for() {
	case "$1" in
	*.pcap) k="${1%.pcap}.keys" ;;
	*) k="" ;;
	esac
	if [ -n "$k" ] && [ -f "$k" ]; then echo "-k $k"; fi
}

while IFS= read -r cap; do
	for mode in "-v -x" "-T json"; do
		total=$((total + 1))
		log="$out/asan.log"
		# shellcheck disable=SC2046,SC2086
		./ikecap-asan --no-progress $mode $(keys_for "$cap") -r "$cap" >/dev/null 2>"$log"
		rc=$?
		if [ $rc -ne 0 ] || grep -q -E 'Sanitizer|runtime error' "$log"; then
			echo "FAIL: ikecap-asan $mode -r $cap (exit $rc)"
			sed 's/^/    /' "$log" | head -20
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
	done
done < "$list"
echo "sanitizer sweep: $pass passed, $fail failed"

# CBOR carries exactly the JSON records: decoded by libcbor (tools/cbor2json,
# which shares no code with the writer) it must print the same lines.
cb_pass=0 cb_fail=0
while IFS= read -r cap; do
	# shellcheck disable=SC2046
	./ikecap-asan --no-progress -T cbor $(keys_for "$cap") -r "$cap" 2>/dev/null | tools/cbor2json > "$out/rt.cbor.json"
	# shellcheck disable=SC2046
	./ikecap --no-progress -T json $(keys_for "$cap") -r "$cap" 2>/dev/null > "$out/rt.json"
	if cmp -s "$out/rt.cbor.json" "$out/rt.json"; then
		cb_pass=$((cb_pass + 1))
	else
		echo "FAIL: CBOR and JSON records differ for $cap"
		cb_fail=$((cb_fail + 1))
	fi
done < "$list"
echo "CBOR round trip: $cb_pass passed, $cb_fail failed"
pass=$((pass + cb_pass))
fail=$((fail + cb_fail))

# valgrind memcheck over our own captures (keys given, keys printed, every
# output form that walks the SA state): no error, no definite or indirect leak.
# The ASan sweep above covers the shared corpus; this catches what ASan does
# not (uninitialised reads) on the paths our captures reach.
vg_pass=0 vg_fail=0
if command -v valgrind >/dev/null 2>&1; then
	for cap in $(grep '^captures/' "$list"); do
		for mode in "-v -x --print-keys" "-T ladder"; do
			# shellcheck disable=SC2046,SC2086
			valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
				--show-leak-kinds=definite,indirect ./ikecap --no-progress $mode $(keys_for "$cap") \
				-r "$cap" >/dev/null 2>"$out/vg.log"
			rc=$?
			if [ $rc -ne 0 ]; then
				echo "FAIL: valgrind ikecap $mode -r $cap (exit $rc)"
				sed 's/^/    /' "$out/vg.log" | head -30
				vg_fail=$((vg_fail + 1))
			else
				vg_pass=$((vg_pass + 1))
			fi
		done
	done
	echo "valgrind memcheck: $vg_pass passed, $vg_fail failed"
else
	echo "valgrind memcheck: SKIPPED: valgrind not installed (make deps installs it)"
fi
pass=$((pass + vg_pass))
fail=$((fail + vg_fail))

for t in tests/check_retire.py tests/check_lab.py tests/compare_tshark.py tests/check_tcpdump.py tests/check_cli.py tests/check_live.py tests/check_diag.py tests/check_dupes.py tests/check_replay_live.py tests/check_gdoi.py tests/check_libreswan.py tests/check_schema.py tests/check_ws_rules.py; do
	[ -f "$t" ] || continue
	if IKECAP=./ikecap-asan python3 "$t"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $t"
		fail=$((fail + 1))
	fi
done
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]

/* test_util.c - the bounded string builder and the IPv4 formatter that
 * replaced printf and inet_ntop on the hot paths (issue 10).  Oracles are
 * libc's own snprintf and inet_ntop, so the replacements must agree with
 * what they replaced, including where a buffer cuts the text. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../dissector/util.h"

Test(sbuf, decimal_matches_printf)
{
	static const uint64_t v[] = { 0, 1, 9, 10, 99, 100, 4294967295u, 4294967296ull, 18446744073709551615ull };

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char got[32], want[32];
		struct ikc_sbuf b = ikc_sb_init(got, sizeof got);

		ikc_sb_u64(&b, v[i]);
		snprintf(want, sizeof want, "%" PRIu64, v[i]);
		cr_assert_str_eq(got, want);
		cr_assert_eq(b.len, strlen(want));
	}
}

Test(sbuf, cuts_like_snprintf_at_every_size)
{
	for (size_t cap = 1; cap <= 40; cap++) {
		char got[64], want[64];
		struct ikc_sbuf b = ikc_sb_init(got, cap);

		ikc_sb_put(&b, "frames");
		ikc_sb_putc(&b, ' ');
		ikc_sb_u64(&b, 1234567);
		ikc_sb_join(&b, ", ", "x", NULL);
		ikc_sb_num(&b, " (", 42, " retransmitted)");
		snprintf(want, cap, "frames %d, x (%d retransmitted)", 1234567, 42);
		cr_assert_str_eq(got, want, "cap %zu", cap);
		cr_assert_eq(b.len, strlen(want), "cap %zu", cap);
	}
}

/* Hex is cut by whole bytes (never half a byte), as ikc_hex always was. */
Test(sbuf, hex_cut_by_whole_bytes)
{
	const uint8_t bytes[] = { 0x00, 0x9f, 0xa0, 0xff, 0x12 };

	for (size_t cap = 1; cap <= 16; cap++) {
		char got[32], viahex[32], want[32];
		struct ikc_sbuf b = ikc_sb_init(got, cap);
		size_t whole = (cap - 1) / 2 < sizeof bytes ? (cap - 1) / 2 : sizeof bytes;

		ikc_sb_hex(&b, bytes, sizeof bytes);
		snprintf(want, sizeof want, "%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]);
		want[2 * whole] = '\0';
		cr_assert_str_eq(got, want, "cap %zu", cap);
		ikc_hex(bytes, sizeof bytes, viahex, cap);
		cr_assert_str_eq(viahex, want, "ikc_hex, cap %zu", cap);
	}
}

Test(sbuf, dec_right_pads_like_printf)
{
	static const uint64_t v[] = { 0, 7, 42, 99, 100, 12345, 18446744073709551615ull };

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		for (int width = 0; width <= 8; width += 4) {
			char t[24], want[32];
			int at = ikc_dec_right(t, v[i], width, ' ');

			snprintf(want, sizeof want, "%*" PRIu64, width, v[i]);
			cr_assert_eq((size_t)(24 - at), strlen(want));
			cr_assert(memcmp(t + at, want, strlen(want)) == 0, "%s", want);
			at = ikc_dec_right(t, v[i], width, '0');
			snprintf(want, sizeof want, "%0*" PRIu64, width, v[i]);
			cr_assert(memcmp(t + at, want, strlen(want)) == 0, "%s", want);
		}
}

Test(sbuf, strjoin_and_printf)
{
	char buf[16];
	struct ikc_sbuf b;

	ikc_strjoin(buf, sizeof buf, "SA ", "0011", ": ", "MM5", NULL);
	cr_assert_str_eq(buf, "SA 0011: MM5");
	ikc_strjoin(buf, 6, "abc", "defgh", NULL);
	cr_assert_str_eq(buf, "abcde");
	b = ikc_sb_init(buf, sizeof buf);
	ikc_sb_put(&b, "n=");
	ikc_sb_printf(&b, "%05d|%s", 42, "overflowing text");
	cr_assert_str_eq(buf, "n=00042|overflo");
	cr_assert_eq(b.len, 15);
	ikc_sb_put(&b, "more");   /* full: nothing more, still terminated */
	cr_assert_str_eq(buf, "n=00042|overflo");
}

Test(format_addr, ipv4_matches_inet_ntop)
{
	static const uint8_t a[][4] = { { 0, 0, 0, 0 },       { 255, 255, 255, 255 }, { 198, 51, 100, 1 },
					{ 10, 0, 200, 9 },     { 1, 22, 133, 44 },      { 100, 0, 10, 255 } };

	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
		char got[64], want[64];

		ikc_format_addr(4, a[i], got, sizeof got);
		cr_assert(inet_ntop(AF_INET, a[i], want, sizeof want));
		cr_assert_str_eq(got, want);
	}
}

Test(format_addr, ipv6_and_small_buffers_fall_back_to_inet_ntop)
{
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const uint8_t v4[4] = { 192, 168, 100, 200 };
	char got[64];

	ikc_format_addr(6, v6, got, sizeof got);
	cr_assert_str_eq(got, "2001:db8::1");
	ikc_format_addr(4, v4, got, 8);  /* too small for inet_ntop too */
	cr_assert_str_eq(got, "?");
}

Test(grow, room_for_every_element_up_to_max_then_null_and_unchanged)
{
	int *v = NULL, *nv;
	size_t cap = 0, prev = 0;

	for (size_t n = 0; n < 50; n++) {
		nv = ikc_grow(v, &cap, n, sizeof *v, 1, 50);
		cr_assert_not_null(nv, "element %zu", n);
		v = nv;
		cr_assert_gt(cap, n);
		cr_assert_leq(cap, 50);
		cr_assert_geq(cap, prev);
		prev = cap;
		v[n] = (int)n; /* ASan: the room is really there */
	}
	for (size_t n = 0; n < 50; n++)
		cr_assert_eq(v[n], (int)n);
	cr_assert_eq(cap, 50);
	cr_assert_null(ikc_grow(v, &cap, 50, sizeof *v, 1, 50));
	cr_assert_eq(cap, 50);
	cr_assert_null(ikc_grow(NULL, &(size_t){ 0 }, 0, sizeof *v, 0, 0), "first 0 gives no room");
	free(v);
}

Test(text, exact_copies_cut_like_snprintf_and_empty_frees)
{
	const char *src = "ESP AES-CBC-128, HMAC-SHA1";
	char *t = NULL, want[40];

	cr_assert_str_eq(ikc_text(t), "", "none reads as empty");
	for (size_t max = 1; max < 20; max++) {
		size_t k = strlen(src) < max - 1 ? strlen(src) : max - 1;

		cr_assert(ikc_text_set(&t, src, max));
		memcpy(want, src, k);   /* what snprintf(want, max, ...) keeps */
		want[k] = '\0';
		if (max == 1) {
			cr_assert_null(t, "nothing kept is no allocation");
			continue;
		}
		cr_assert_str_eq(t, want, "max %zu", max);
	}
	cr_assert(ikc_text_printf(&t, 160, "QM %08x: %s", 0xabcu, "the Quick Mode nonces are not both known"));
	cr_assert_str_eq(t, "QM 00000abc: the Quick Mode nonces are not both known");
	cr_assert(ikc_text_printf(&t, 8, "QM %08x", 0x12345678u));
	cr_assert_str_eq(t, "QM 1234");
	cr_assert(ikc_text_set(&t, "", 160));
	cr_assert_null(t, "an empty text frees");
}

static int vformat(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ikc_vformat(buf, size, fmt, ap);
	va_end(ap);
	return r;
}

Test(vformat, every_conversion_like_vsnprintf_at_every_size)
{
	static const char *words[] = { "", "x", "NO-PROPOSAL-CHOSEN", "an identity of 40 characters, no more...", NULL };
	static const long long nums[] = { 0, 1, -1, 9, 10, 4294967295ll, -2147483647ll - 1, 0x7fffffff };

	for (size_t w = 0; w < sizeof words / sizeof *words; w++)
		for (size_t k = 0; k < sizeof nums / sizeof *nums; k++)
			for (size_t size = 0; size < 120; size++) {
				char a[128], b[128];
				unsigned u = (unsigned)nums[k];
				unsigned long long ull = (unsigned long long)nums[k] * 1000003ull;
				int ra, rb;

				memset(a, '#', sizeof a);
				memset(b, '#', sizeof b);
				ra = vformat(a, size, "%s (frame %llu) sent %u time%s, %zu more, limit %d; SPI 0x%08x / %x 100%%",
					     words[w], ull, u, u == 1 ? "" : "s", (size_t)ull, (int)nums[k], u, u);
				rb = snprintf(b, size, "%s (frame %llu) sent %u time%s, %zu more, limit %d; SPI 0x%08x / %x 100%%",
					      words[w], ull, u, u == 1 ? "" : "s", (size_t)ull, (int)nums[k], u, u);
				cr_assert_eq(ra, rb, "length, word %zu num %zu size %zu", w, k, size);
				cr_assert_eq(memcmp(a, b, sizeof a), 0, "bytes, word %zu num %zu size %zu: [%.*s] [%.*s]", w, k,
					     size, (int)(size ? size - 1 : 0), a, (int)(size ? size - 1 : 0), b);
			}
}

Test(vformat, other_conversions_are_left_to_stdio)
{
	char buf[32] = "untouched";

	cr_assert_eq(vformat(buf, sizeof buf, "over %.1f s", 1.5), -1);
	cr_assert_eq(vformat(buf, sizeof buf, "%5u", 3u), -1);
	cr_assert_eq(vformat(buf, sizeof buf, "%s and %p", "a", (void *)buf), -1);
	cr_assert_str_eq(buf, "untouched");
	cr_assert_eq(vformat(buf, sizeof buf, "plain text, no conversion"), 25);
	cr_assert_str_eq(buf, "plain text, no conversion");
}

Test(util, grow_zeroed_hands_out_zero_elements)
{
	size_t cap = 0;
	uint32_t *v = NULL;

	for (size_t n = 0; n < 200; n++) {
		uint32_t *nv = ikc_grow_zeroed(v, &cap, n, sizeof *v, 4, 0);

		cr_assert_not_null(nv);
		v = nv;
		for (size_t i = n; i < cap; i++)
			cr_assert_eq(v[i], 0, "element %zu of %zu after growing for %zu", i, cap, n);
		v[n] = 0xa5a5a5a5u;   /* used: the next growth must not rely on it being zero */
	}
	cr_assert_null(ikc_grow_zeroed(v, &cap, cap, sizeof *v, 4, cap), "full at max");
	free(v);
}

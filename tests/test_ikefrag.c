/* test_ikefrag.c - IKEv1 fragment reassembly (dissector/ikefrag.c) on
 * hand-built fragments: order, duplicates, conflicts, bounds, timeouts. */
#include <criterion/criterion.h>
#include <string.h>

#include "../dissector/ikefrag.h"

static struct ikc_pkt pkt_at(int64_t ts, uint64_t frame, uint8_t src_last)
{
	struct ikc_pkt p;

	memset(&p, 0, sizeof p);
	p.af = 4;
	p.src[0] = 192;
	p.src[3] = src_last;
	p.sport = 4500;
	p.ts_sec = ts;
	p.frame = frame;
	return p;
}

static struct ikc_msg msg_with(uint8_t cookie)
{
	struct ikc_msg m;

	memset(&m, 0, sizeof m);
	memset(m.hdr.icookie, cookie, 8);
	memset(m.hdr.rcookie, 0x22, 8);
	return m;
}

static struct ikc_frag frag(uint16_t id, uint8_t num, bool last, const char *data)
{
	struct ikc_frag f = { .id = id, .number = num, .flags = last ? 1 : 0 };

	f.data = (const uint8_t *)data;
	f.len = strlen(data);
	return f;
}

Test(ikefrag, out_of_order_with_duplicate)
{
	struct ikc_ikefrag *f = ikc_ikefrag_new(4, 4096, 30);
	struct ikc_pkt p = pkt_at(100, 7, 1);
	struct ikc_msg m = msg_with(0x11);
	struct ikc_frag a = frag(9, 2, false, "BBBB"), b = frag(9, 1, false, "AAAA"), c = frag(9, 3, true, "CC");
	const uint8_t *out;
	size_t len;
	uint64_t first;

	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &a, &out, &len, &first), IKC_IF_HELD);
	p.frame = 8;
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &b, &out, &len, &first), IKC_IF_HELD);
	p.frame = 9;
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &a, &out, &len, &first), IKC_IF_HELD); /* duplicate */
	p.frame = 10;
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &c, &out, &len, &first), IKC_IF_COMPLETE);
	cr_assert_eq(len, 10);
	cr_assert(memcmp(out, "AAAABBBBCC", 10) == 0);
	cr_assert_eq(first, 8);
	ikc_ikefrag_free(f);
}

Test(ikefrag, last_first_then_missing_middle)
{
	struct ikc_ikefrag *f = ikc_ikefrag_new(4, 4096, 30);
	struct ikc_pkt p = pkt_at(100, 1, 1);
	struct ikc_msg m = msg_with(0x11);
	struct ikc_frag l = frag(1, 3, true, "z"), a = frag(1, 1, false, "x"), b = frag(1, 2, false, "y");
	const uint8_t *out;
	size_t len;
	uint64_t first;

	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &l, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &a, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &b, &out, &len, &first), IKC_IF_COMPLETE);
	cr_assert(len == 3 && memcmp(out, "xyz", 3) == 0);
	ikc_ikefrag_free(f);
}

Test(ikefrag, directions_and_cookies_are_separate_trains)
{
	struct ikc_ikefrag *f = ikc_ikefrag_new(8, 4096, 30);
	struct ikc_pkt pi = pkt_at(100, 1, 1), pr = pkt_at(100, 2, 2);
	struct ikc_msg m = msg_with(0x11), m2 = msg_with(0x33);
	struct ikc_frag a = frag(1, 1, false, "I1"), b = frag(1, 2, true, "R2");
	const uint8_t *out;
	size_t len;
	uint64_t first;

	/* Same id from the other peer, and from another SA: no mixing. */
	cr_assert_eq(ikc_ikefrag_add(f, &pi, &m, &a, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &pr, &m, &b, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &pi, &m2, &b, &out, &len, &first), IKC_IF_HELD);
	b = frag(1, 2, true, "I2");
	cr_assert_eq(ikc_ikefrag_add(f, &pi, &m, &b, &out, &len, &first), IKC_IF_COMPLETE);
	cr_assert(len == 4 && memcmp(out, "I1I2", 4) == 0);
	ikc_ikefrag_free(f);
}

Test(ikefrag, conflicting_copy_restarts_train)
{
	struct ikc_ikefrag *f = ikc_ikefrag_new(4, 4096, 30);
	struct ikc_pkt p = pkt_at(100, 1, 1);
	struct ikc_msg m = msg_with(0x11);
	struct ikc_frag a = frag(5, 1, false, "old"), a2 = frag(5, 1, false, "new"), b = frag(5, 2, true, "!");
	const uint8_t *out;
	size_t len;
	uint64_t first;

	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &a, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &a2, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &b, &out, &len, &first), IKC_IF_COMPLETE);
	cr_assert(len == 4 && memcmp(out, "new!", 4) == 0);
	ikc_ikefrag_free(f);
}

Test(ikefrag, bad_numbers_rejected)
{
	struct ikc_ikefrag *f = ikc_ikefrag_new(4, 4096, 30);
	struct ikc_pkt p = pkt_at(100, 1, 1);
	struct ikc_msg m = msg_with(0x11);
	struct ikc_frag z = frag(1, 0, true, "x"), big = frag(1, 65, true, "x");
	const uint8_t *out;
	size_t len;
	uint64_t first;
	struct ikc_ikefrag_stats st;

	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &z, &out, &len, &first), IKC_IF_REJECTED);
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &big, &out, &len, &first), IKC_IF_REJECTED);
	ikc_ikefrag_get_stats(f, &st);
	cr_assert_eq(st.rejected, 2);
	ikc_ikefrag_free(f);
}

Test(ikefrag, bounds_evict_oldest_and_time_out)
{
	struct ikc_ikefrag *f = ikc_ikefrag_new(2, 10, 30);
	struct ikc_pkt p = pkt_at(100, 1, 1);
	struct ikc_msg m = msg_with(0x11);
	struct ikc_frag a = frag(1, 1, false, "aaaa"), b = frag(2, 1, false, "bbbb"), c = frag(3, 1, false, "cccc");
	struct ikc_frag a2 = frag(1, 2, true, "A");
	const uint8_t *out;
	size_t len;
	uint64_t first;
	struct ikc_ikefrag_stats st;

	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &a, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &b, &out, &len, &first), IKC_IF_HELD);
	/* A third train: two slots only, so train 1 goes. */
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &c, &out, &len, &first), IKC_IF_HELD);
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &a2, &out, &len, &first), IKC_IF_HELD);
	ikc_ikefrag_get_stats(f, &st);
	cr_assert_geq(st.evicted, 1);
	/* 31 s later everything held has timed out. */
	p.ts_sec = 131;
	cr_assert_eq(ikc_ikefrag_add(f, &p, &m, &b, &out, &len, &first), IKC_IF_HELD);
	ikc_ikefrag_get_stats(f, &st);
	cr_assert_geq(st.timed_out, 1);
	ikc_ikefrag_free(f);
}

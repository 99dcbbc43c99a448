/* test_dupes.c - capture duplicates (dupes.h): what is, and what is not, the
 * same packet captured twice.  The oracle is the rule itself: identical
 * bytes, endpoints and transport at most the window apart, once the
 * capture's clock has moved; the retransmission timers it must not swallow
 * are the daemons' documented ones (libreswan 500 ms, strongSwan 4 s). */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "../dissector/dupes.h"

static const uint8_t msg[] = "an ISAKMP message, or ESP from its SPI on";

static struct ikc_pkt pkt_at(uint64_t frame, int64_t sec, uint32_t nsec)
{
	struct ikc_pkt p;

	memset(&p, 0, sizeof p);
	p.frame = frame;
	p.ts_sec = sec;
	p.ts_nsec = nsec;
	p.af = 4;
	p.src[0] = 192, p.src[3] = 1;
	p.dst[0] = 192, p.dst[3] = 2;
	p.sport = p.dport = 500;
	p.transport = IKC_T_UDP500;
	p.data = msg;
	p.len = p.wire_len = sizeof msg;
	return p;
}

/* Frame 1 at time 0 starts the clock; the packet under test is then frame
 * 2 at (sec, nsec) and its copy frame 3 `gap_ns` later. */
static uint64_t copy_after(struct ikc_dupes *d, int64_t sec, uint32_t nsec, uint64_t gap_ns)
{
	struct ikc_pkt start = pkt_at(1, 0, 0), p = pkt_at(2, sec, nsec), q;
	uint64_t t;

	start.sport = 1;   /* another packet */
	cr_assert_eq(ikc_dupes_check(d, &start), 0);
	cr_assert_eq(ikc_dupes_check(d, &p), 0, "the first copy is not a duplicate");
	t = (uint64_t)nsec + gap_ns;
	q = pkt_at(3, sec + (int64_t)(t / 1000000000u), (uint32_t)(t % 1000000000u));
	return ikc_dupes_check(d, &q);
}

Test(dupes, a_copy_within_the_window_names_the_first)
{
	struct ikc_dupes *d = ikc_dupes_new(20);

	cr_assert_not_null(d);
	cr_assert_eq(copy_after(d, 100, 0, 9000), 2);
	ikc_dupes_free(d);
	d = ikc_dupes_new(20);
	cr_assert_eq(copy_after(d, 100, 999999000, 20000000), 2, "20 ms exactly, across a second");
	ikc_dupes_free(d);
}

Test(dupes, retransmissions_are_not_duplicates)
{
	static const uint64_t gaps[] = { 20000001, 500000000, 4000000000u, 1000000000000ull };

	for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
		struct ikc_dupes *d = ikc_dupes_new(20);
		cr_assert_eq(copy_after(d, 100, 999999999, gaps[i]), 0, "%llu ns apart",
			     (unsigned long long)gaps[i]);
		ikc_dupes_free(d);
	}
}

Test(dupes, a_copy_earlier_in_file_order_counts_too)
{
	struct ikc_dupes *d = ikc_dupes_new(20);
	struct ikc_pkt a = pkt_at(1, 50, 5000000), b = pkt_at(2, 50, 4990000);

	cr_assert_eq(ikc_dupes_check(d, &a), 0);
	cr_assert_eq(ikc_dupes_check(d, &b), 1, "captured 10 us earlier, written after");
	ikc_dupes_free(d);
}

Test(dupes, anything_else_differing_is_another_packet)
{
	for (int what = 0; what < 7; what++) {
		struct ikc_dupes *d = ikc_dupes_new(20);
		struct ikc_pkt a = pkt_at(1, 7, 0), b = pkt_at(2, 7, 1000);
		uint8_t other[sizeof msg];

		memcpy(other, msg, sizeof msg);
		other[sizeof msg - 2] ^= 1;
		switch (what) {
		case 0: b.src[3] = 9; break;
		case 1: b.dst[3] = 9; break;
		case 2: b.sport = 4500; break;
		case 3: b.transport = IKC_T_UDP4500_IKE; break;
		case 4: b.data = other; break;
		case 5: b.wire_len++; break;   /* the same first bytes, cut short by the snaplen */
		case 6: b.len--; break;
		}
		cr_assert_eq(ikc_dupes_check(d, &a), 0);
		cr_assert_eq(ikc_dupes_check(d, &b), 0, "difference %d", what);
		ikc_dupes_free(d);
	}
}

Test(dupes, icmp_errors_about_different_datagrams_differ)
{
	struct ikc_dupes *d = ikc_dupes_new(20);
	struct ikc_pkt a = pkt_at(1, 7, 0), b;

	/* a router's "host unreachable" quoting only the UDP header (RFC 792's
	 * minimum): the quoted addresses are all that tells two of them apart */
	a.transport = IKC_T_ICMP_ERROR;
	a.icmp_type = a.icmp_code = 3;
	a.len = a.wire_len = 0;
	a.qsrc[0] = 10, a.qdst[0] = 10, a.qdst[3] = 2;
	a.qsport = a.qdport = 500;
	b = a;
	b.frame = 2;
	b.ts_nsec = 5000;
	b.qdst[3] = 3;
	cr_assert_eq(ikc_dupes_check(d, &a), 0);
	cr_assert_eq(ikc_dupes_check(d, &b), 0, "about another peer");
	b.frame = 3;
	b.ts_nsec = 9000;
	b.qdst[3] = 2;
	cr_assert_eq(ikc_dupes_check(d, &b), 1, "the same error again");
	ikc_dupes_free(d);
}

Test(dupes, a_third_copy_is_measured_from_the_second)
{
	struct ikc_dupes *d = ikc_dupes_new(20);
	struct ikc_pkt a = pkt_at(1, 9, 0), b = pkt_at(2, 9, 15000000), c = pkt_at(3, 9, 30000000);

	cr_assert_eq(ikc_dupes_check(d, &a), 0);
	cr_assert_eq(ikc_dupes_check(d, &b), 1);
	cr_assert_eq(ikc_dupes_check(d, &c), 1, "30 ms after the first, 15 after the second");
	ikc_dupes_free(d);
}

Test(dupes, times_that_never_move_tell_little)
{
	struct ikc_dupes *d = ikc_dupes_new(20);
	struct ikc_pkt p = pkt_at(1, 0, 0), other = pkt_at(2, 1700000000, 5), q;

	/* Every time zero (an anonymised capture): retransmissions follow each
	 * other with the same time, nothing is a copy. */
	cr_assert_eq(ikc_dupes_check(d, &p), 0);
	p.frame = 2;
	cr_assert_eq(ikc_dupes_check(d, &p), 0, "right after, both at time zero");
	ikc_dupes_free(d);

	/* Times that have not moved yet (a 16 ms tick): a copy right after its
	 * original is one; a copy after another packet may be a retransmission. */
	d = ikc_dupes_new(20);
	p = other;
	other.sport = 1;
	cr_assert_eq(ikc_dupes_check(d, &p), 0);
	p.frame = 3;
	cr_assert_eq(ikc_dupes_check(d, &p), 2, "right after, the same time");
	cr_assert_eq(ikc_dupes_check(d, &other), 0);
	p.frame = 4;
	cr_assert_eq(ikc_dupes_check(d, &p), 0, "after another packet, the same time");
	ikc_dupes_free(d);

	/* Times one microsecond apart a packet (text2pcap's): nothing. */
	d = ikc_dupes_new(20);
	for (uint64_t f = 1; f <= 4; f++) {
		q = pkt_at(f, 1700000000, (uint32_t)(f * 1000));
		cr_assert_eq(ikc_dupes_check(d, &q), 0, "frame %llu, made-up times", (unsigned long long)f);
	}
	/* Once two packets in a row are more than 1 us apart, times are real. */
	q = pkt_at(5, 1700000000, 9000);
	q.sport = 7;
	cr_assert_eq(ikc_dupes_check(d, &q), 0);
	q = pkt_at(6, 1700000000, 12000);
	cr_assert_eq(ikc_dupes_check(d, &q), 4, "the clock is real now: a copy 8 us after frame 4");
	ikc_dupes_free(d);
}

Test(dupes, a_pushed_out_original_is_one_of_a_pair)
{
	struct ikc_dupes *d = ikc_dupes_new(20);
	struct ikc_pkt start = pkt_at(1, 0, 0), p = pkt_at(2, 5, 0), q;
	size_t missed = 0;

	start.sport = 1;
	cr_assert_eq(ikc_dupes_check(d, &start), 0);
	cr_assert_eq(ikc_dupes_check(d, &p), 0);
	/* 1000 other packets in between (4096 slots): the original survives
	 * unless two of them land in its pair (about one chance in 11; these
	 * packets do not). */
	for (uint64_t f = 3; f < 1003; f++) {
		q = pkt_at(f, 5, (uint32_t)f);
		q.sport = (uint16_t)(f + 1000);   /* never p's 500 */
		missed += ikc_dupes_check(d, &q) != 0;
	}
	cr_assert_eq(missed, 0, "different packets are not duplicates");
	q = pkt_at(1003, 5, 5000);
	cr_assert_eq(ikc_dupes_check(d, &q), 2);
	ikc_dupes_free(d);
}

Test(dupes, off_and_hostile_times)
{
	struct ikc_dupes *d;
	struct ikc_pkt a = pkt_at(1, 0, 0), b = pkt_at(2, INT64_MAX, 999999999), c = pkt_at(3, INT64_MIN, 0);

	cr_assert_null(ikc_dupes_new(0), "--dup-window 0: off");
	cr_assert_eq(ikc_dupes_check(NULL, &a), 0);
	d = ikc_dupes_new(100000);   /* clamped to IKC_DUPES_MAX_WINDOW_MS */
	cr_assert_eq(ikc_dupes_check(d, &a), 0);
	cr_assert_eq(ikc_dupes_check(d, &b), 0, "the end of time is far from 0");
	(void)ikc_dupes_check(d, &c);   /* no overflow (the sanitizer build checks) */
	a = pkt_at(5, 1, 0);
	cr_assert_eq(ikc_dupes_check(d, &a), 0);
	a = pkt_at(6, 1, IKC_DUPES_MAX_WINDOW_MS * 1000000u + 1);
	cr_assert_eq(ikc_dupes_check(d, &a), 0, "past the clamped window");
	ikc_dupes_free(d);
}

/* dupes.c - capture duplicates (dupes.h). */
#include "dupes.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* How far apart two capture times are, in ns, when less than a second or
 * two (the seconds of a hostile pcapng may be anything: no arithmetic on them
 * that could overflow). */
static uint64_t gap_ns(uint64_t sec_a, uint32_t nsec_a, uint64_t sec_b, uint32_t nsec_b)
{
	if (sec_a == sec_b)
		return nsec_a > nsec_b ? nsec_a - nsec_b : nsec_b - nsec_a;
	if (sec_a == sec_b + 1)
		return 1000000000u + (uint64_t)nsec_a - nsec_b;
	if (sec_b == sec_a + 1)
		return 1000000000u + (uint64_t)nsec_b - nsec_a;
	return UINT64_MAX;
}

/* 4096 x 32 bytes: room for the packets of a 20 ms window at ~200k pkt/s. */
#define DUPES_SLOTS 4096

struct dupes_slot {
	uint64_t digest;
	uint64_t frame;       /* 0: empty */
	uint64_t sec;         /* capture time of the latest copy */
	uint32_t nsec;
};

struct ikc_dupes {
	uint32_t window_ns;
	/* Captures whose times never move (anonymised ones, all zero) cannot
	 * tell a copy from a retransmission: nothing is a duplicate until a
	 * packet's time differs from the first one's. */
	bool have_first, clock_moved;
	uint64_t first_sec;
	uint32_t first_nsec;
	struct dupes_slot slot[DUPES_SLOTS];
};

struct ikc_dupes *ikc_dupes_new(uint32_t window_ms)
{
	struct ikc_dupes *d;

	if (!window_ms)
		return NULL;
	if (window_ms > IKC_DUPES_MAX_WINDOW_MS)
		window_ms = IKC_DUPES_MAX_WINDOW_MS;
	d = calloc(1, sizeof *d);
	if (d)
		d->window_ns = window_ms * 1000000u;
	return d;
}

void ikc_dupes_free(struct ikc_dupes *d)
{
	free(d);
}

/* Everything that makes two captured packets the same one: the transport,
 * endpoints, ICMP type and code, the length on the wire and the bytes. */
static uint64_t packet_digest(const struct ikc_pkt *pkt)
{
	struct {
		uint8_t src[16], dst[16];
		uint64_t wire_len;
		uint16_t sport, dport;
		uint8_t transport, af, icmp_type, icmp_code;
	} head;

	memset(&head, 0, sizeof head);
	memcpy(head.src, pkt->src, 16);
	memcpy(head.dst, pkt->dst, 16);
	head.wire_len = pkt->wire_len;
	head.sport = pkt->sport;
	head.dport = pkt->dport;
	head.transport = (uint8_t)pkt->transport;
	head.af = (uint8_t)pkt->af;
	head.icmp_type = pkt->icmp_type;
	head.icmp_code = pkt->icmp_code;
	return ikc_digest64(pkt->data, pkt->len, ikc_digest64((const uint8_t *)&head, sizeof head, 0));
}

uint64_t ikc_dupes_check(struct ikc_dupes *d, const struct ikc_pkt *pkt)
{
	uint64_t digest, sec;
	struct dupes_slot *s;

	if (!d)
		return 0;
	digest = packet_digest(pkt);
	sec = (uint64_t)pkt->ts_sec;
	if (!d->clock_moved) {
		if (!d->have_first) {
			d->have_first = true;
			d->first_sec = sec;
			d->first_nsec = pkt->ts_nsec;
		} else if (sec != d->first_sec || pkt->ts_nsec != d->first_nsec) {
			d->clock_moved = true;
		}
	}
	s = &d->slot[(digest ^ digest >> 32) % DUPES_SLOTS];
	if (d->clock_moved && s->frame && s->digest == digest && gap_ns(sec, pkt->ts_nsec, s->sec, s->nsec) <= d->window_ns) {
		s->sec = sec;   /* a third copy is measured from the second */
		s->nsec = pkt->ts_nsec;
		return s->frame;
	}
	s->digest = digest;
	s->frame = pkt->frame;
	s->sec = sec;
	s->nsec = pkt->ts_nsec;
	return 0;
}

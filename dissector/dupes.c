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
	/* Times that never move (anonymised captures, all zero) or that move
	 * by one tick a packet (text2pcap's made-up times) cannot tell a copy
	 * from a retransmission: until two packets are more than 1 us a frame
	 * apart, only a copy right after its original, with the very same time,
	 * is a duplicate. */
	bool clock_real, have_prev;
	uint64_t prev_digest, prev_frame, prev_sec;
	uint64_t prev_seen;                   /* the previous packet's own frame */
	uint32_t prev_nsec;
	struct dupes_slot slot[DUPES_SLOTS];   /* pairs: a digest may sit in either of its pair */
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

static inline uint64_t word(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

#define ESP_TAIL 16   /* a 12- or 16-byte ICV */

/* Everything that makes two captured packets the same one: the transport,
 * endpoints, ICMP type and code, the length on the wire and the bytes. */
static uint64_t packet_digest(const struct ikc_pkt *pkt)
{
	uint64_t h = 1469598103934665603ull;

	h = ikc_digest_mix(h, word(pkt->src) ^ word(pkt->src + 8));
	h = ikc_digest_mix(h, word(pkt->dst) ^ word(pkt->dst + 8));
	h = ikc_digest_mix(h, ((uint64_t)pkt->sport | (uint64_t)pkt->dport << 16 | (uint64_t)pkt->transport << 32 |
		    (uint64_t)pkt->icmp_type << 40 | (uint64_t)pkt->icmp_code << 48 | (uint64_t)pkt->af << 56) ^
			   (uint64_t)pkt->wire_len * 0x9e3779b97f4a7c15ull);
	if (pkt->transport == IKC_T_ICMP_ERROR) {   /* which datagram it quotes, when the quote is short */
		h = ikc_digest_mix(h, word(pkt->qsrc) ^ word(pkt->qsrc + 8));
		h = ikc_digest_mix(h, word(pkt->qdst) ^ word(pkt->qdst + 8));
		h = ikc_digest_mix(h, (uint64_t)pkt->qsport | (uint64_t)pkt->qdport << 16);
	}
	/* ESP is where the packets are, so it is not hashed whole: its SPI and
	 * sequence number, and its last bytes, which are the ICV (a MAC over
	 * the whole packet) or, without integrity, the last cipher block (which
	 * depends on every block before it). */
	if ((pkt->transport == IKC_T_ESP || pkt->transport == IKC_T_UDP4500_ESP) && pkt->len >= 8 + ESP_TAIL) {
		const uint8_t *t = pkt->data + pkt->len - ESP_TAIL;

		h = ikc_digest_mix(h, word(pkt->data));
		for (size_t i = 0; i < ESP_TAIL; i += 8)
			h = ikc_digest_mix(h, word(t + i));
		return h ^ pkt->len;
	}
	return ikc_digest64(pkt->data, pkt->len, h);
}

/* Which slot pair a digest goes to: its top bits, after a finaliser (the
 * digest's low bits come from a multiply and mix poorly). */
static size_t pair_of(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)(h >> 52) % (DUPES_SLOTS / 2) * 2;
}

/* The packet's entry in its pair: the earlier copy's if there is one, else
 * the empty or older one (frame 0, an empty slot, is the oldest).  Returns
 * the earlier copy's frame when it is within the window, else 0; the entry
 * then records this packet. */
static uint64_t remember(const struct ikc_dupes *d, struct dupes_slot *pair, uint64_t digest,
			 const struct ikc_pkt *pkt, uint64_t sec, bool match)
{
	struct dupes_slot *s = pair[0].frame && pair[0].digest == digest ? &pair[0]
			       : pair[1].frame && pair[1].digest == digest ? &pair[1]
			       : pair[0].frame <= pair[1].frame ? &pair[0] : &pair[1];
	uint64_t original = 0;

	if (match && s->frame && s->digest == digest && gap_ns(sec, pkt->ts_nsec, s->sec, s->nsec) <= d->window_ns)
		original = s->frame;   /* kept; a third copy is measured from this one */
	else
		s->frame = pkt->frame, s->digest = digest;
	s->sec = sec;
	s->nsec = pkt->ts_nsec;
	return original;
}

/* Before the times are known to be real: only a copy right after its
 * original, with the very same time. */
static uint64_t check_untimed(struct ikc_dupes *d, const struct ikc_pkt *pkt, uint64_t digest, uint64_t sec)
{
	uint64_t original = 0;

	if (d->have_prev && pkt->frame > d->prev_seen) {
		uint64_t frames = pkt->frame - d->prev_seen;   /* other traffic may lie between */

		if (gap_ns(sec, pkt->ts_nsec, d->prev_sec, d->prev_nsec) > 1000 * (frames < 1000000 ? frames : 1000000))
			d->clock_real = true;
	}
	/* (time 0 exactly: an anonymised capture, where retransmissions follow
	 * each other with the same zero time too) */
	if (!d->clock_real && d->have_prev && digest == d->prev_digest && sec == d->prev_sec &&
	    pkt->ts_nsec == d->prev_nsec && (sec || pkt->ts_nsec))
		original = d->prev_frame;
	if (!original)
		original = remember(d, &d->slot[pair_of(digest)], digest, pkt, sec, d->clock_real);
	d->have_prev = true;
	d->prev_digest = digest;
	d->prev_frame = original ? original : pkt->frame;
	d->prev_seen = pkt->frame;
	d->prev_sec = sec;
	d->prev_nsec = pkt->ts_nsec;
	return original;
}

uint64_t ikc_dupes_check(struct ikc_dupes *d, const struct ikc_pkt *pkt)
{
	uint64_t digest, sec;

	if (!d)
		return 0;
	digest = packet_digest(pkt);
	sec = (uint64_t)pkt->ts_sec;
	if (!d->clock_real)
		return check_untimed(d, pkt, digest, sec);
	return remember(d, &d->slot[pair_of(digest)], digest, pkt, sec, true);
}

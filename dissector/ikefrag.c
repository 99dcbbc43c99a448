/* ikefrag.c - IKEv1 fragment reassembly; see ikefrag.h.
 *
 * Fragment payload (after the generic payload header):
 *
 *   0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Fragment ID          |  Fragment Num |     Flags     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  Fragment Data (a slice of the whole message) |
 *
 * Flags bit 0 marks the last fragment; its number is the count.
 */
#include "ikefrag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct piece {
	uint8_t *data;
	size_t len;
};

struct train {
	bool used;
	uint8_t icky[8], rcky[8];
	uint16_t id;
	int af;
	uint8_t src[16];
	uint16_t sport;
	int64_t first_ts;
	uint64_t first_frame;     /* frame of fragment number 1 (or the first seen) */
	uint64_t age;             /* insertion order, for eviction */
	unsigned last;            /* number of the LAST fragment, 0 = not seen yet */
	uint64_t have;            /* bit n-1: fragment n held */
	struct piece piece[IKC_IKEFRAG_MAX_NUM];
};

struct ikc_ikefrag {
	struct train *trains;
	size_t max_trains;
	size_t max_bytes, bytes;
	uint32_t timeout_s;
	uint64_t next_age;
	uint8_t *out;
	size_t out_cap;
	struct ikc_ikefrag_stats st;
};

struct ikc_ikefrag *ikc_ikefrag_new(size_t max_trains, size_t max_bytes, uint32_t timeout_s)
{
	struct ikc_ikefrag *f = calloc(1, sizeof *f);

	if (!f)
		return NULL;
	f->max_trains = max_trains ? max_trains : 1;
	f->trains = calloc(f->max_trains, sizeof *f->trains);
	if (!f->trains) {
		free(f);
		return NULL;
	}
	f->max_bytes = max_bytes;
	f->timeout_s = timeout_s;
	return f;
}

static void train_drop(struct ikc_ikefrag *f, struct train *t)
{
	for (unsigned i = 0; i < IKC_IKEFRAG_MAX_NUM; i++) {
		f->bytes -= t->piece[i].len;
		free(t->piece[i].data);
	}
	memset(t, 0, sizeof *t);
}

void ikc_ikefrag_free(struct ikc_ikefrag *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->max_trains; i++)
		if (f->trains[i].used)
			train_drop(f, &f->trains[i]);
	free(f->trains);
	free(f->out);
	free(f);
}

static bool same_train(const struct train *t, const struct ikc_pkt *pkt, const struct ikc_msg *msg, uint16_t id)
{
	return t->used && t->id == id && t->af == pkt->af && t->sport == pkt->sport &&
	       memcmp(t->icky, msg->hdr.icookie, 8) == 0 && memcmp(t->rcky, msg->hdr.rcookie, 8) == 0 &&
	       memcmp(t->src, pkt->src, 16) == 0;
}

/* Drop timed-out trains; return the train for this key, or a free slot (the
 * oldest train is evicted when none is free). */
static struct train *find_train(struct ikc_ikefrag *f, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
				uint16_t id)
{
	struct train *free_slot = NULL, *oldest = NULL;

	for (size_t i = 0; i < f->max_trains; i++) {
		struct train *t = &f->trains[i];
		if (t->used && pkt->ts_sec - t->first_ts > (int64_t)f->timeout_s) {
			train_drop(f, t);
			f->st.timed_out++;
		}
		if (same_train(t, pkt, msg, id))
			return t;
		if (!t->used && !free_slot)
			free_slot = t;
		if (t->used && (!oldest || t->age < oldest->age))
			oldest = t;
	}
	if (!free_slot) {
		train_drop(f, oldest);
		f->st.evicted++;
		free_slot = oldest;
	}
	free_slot->used = true;
	memcpy(free_slot->icky, msg->hdr.icookie, 8);
	memcpy(free_slot->rcky, msg->hdr.rcookie, 8);
	free_slot->id = id;
	free_slot->af = pkt->af;
	memcpy(free_slot->src, pkt->src, 16);
	free_slot->sport = pkt->sport;
	free_slot->first_ts = pkt->ts_sec;
	free_slot->first_frame = pkt->frame;
	free_slot->age = f->next_age++;
	return free_slot;
}

/* Make room for n more bytes by evicting the oldest other trains. */
static bool make_room(struct ikc_ikefrag *f, const struct train *keep, size_t n)
{
	while (f->bytes + n > f->max_bytes) {
		struct train *oldest = NULL;
		for (size_t i = 0; i < f->max_trains; i++) {
			struct train *t = &f->trains[i];
			if (t->used && t != keep && (!oldest || t->age < oldest->age))
				oldest = t;
		}
		if (!oldest)
			return false;
		train_drop(f, oldest);
		f->st.evicted++;
	}
	return true;
}

enum ikc_ikefrag_result ikc_ikefrag_add(struct ikc_ikefrag *f, const struct ikc_pkt *pkt,
					const struct ikc_msg *msg, const struct ikc_frag *frag,
					const uint8_t **out, size_t *outlen, uint64_t *first_frame)
{
	struct train *t;
	struct piece *pc;
	unsigned num = frag->number;
	size_t total = 0;

	f->st.fragments++;
	if (num == 0 || num > IKC_IKEFRAG_MAX_NUM || frag->len > f->max_bytes) {
		f->st.rejected++;
		return IKC_IF_REJECTED;
	}
	t = find_train(f, pkt, msg, frag->id);
	pc = &t->piece[num - 1];
	if (t->have & (1ull << (num - 1))) {
		/* A retransmitted fragment changes nothing; a different one with the
		 * same id and number starts the train over. */
		if (pc->len == frag->len && memcmp(pc->data, frag->data, frag->len) == 0)
			return IKC_IF_HELD;
		{
			uint16_t id = t->id;
			train_drop(f, t);
			t = find_train(f, pkt, msg, id);
			pc = &t->piece[num - 1];
		}
	}
	if (!make_room(f, t, frag->len)) {
		f->st.rejected++;
		return IKC_IF_REJECTED;
	}
	pc->data = malloc(frag->len ? frag->len : 1);
	if (!pc->data) {
		f->st.rejected++;
		return IKC_IF_REJECTED;
	}
	memcpy(pc->data, frag->data, frag->len);
	pc->len = frag->len;
	f->bytes += frag->len;
	t->have |= 1ull << (num - 1);
	if (num == 1)
		t->first_frame = pkt->frame;
	if (frag->flags & 1)
		t->last = num;
	if (!t->last || t->have != (t->last == 64 ? ~0ull : (1ull << t->last) - 1))
		return IKC_IF_HELD;

	/* Complete: concatenate 1..last into the output buffer. */
	for (unsigned i = 0; i < t->last; i++)
		total += t->piece[i].len;
	if (total > f->out_cap) {
		uint8_t *p = realloc(f->out, total);
		if (!p) {
			train_drop(f, t);
			f->st.rejected++;
			return IKC_IF_REJECTED;
		}
		f->out = p;
		f->out_cap = total;
	}
	total = 0;
	for (unsigned i = 0; i < t->last; i++) {
		memcpy(f->out + total, t->piece[i].data, t->piece[i].len);
		total += t->piece[i].len;
	}
	*out = f->out;
	*outlen = total;
	*first_frame = t->first_frame;
	train_drop(f, t);
	f->st.reassembled++;
	return IKC_IF_COMPLETE;
}

void ikc_ikefrag_get_stats(const struct ikc_ikefrag *f, struct ikc_ikefrag_stats *st)
{
	*st = f->st;
}

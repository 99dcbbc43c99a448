/* test_reload.c - messages kept for a key reload (session.h, keep_for_reload).
 *
 * Live, an SA whose encrypted messages found no key keeps its messages so
 * that keys loaded later open them (ikc_session_take_waiting hands them back
 * for a replay).  The messages here are built by hand from RFC 2408 §3.1: an
 * ISAKMP header (cookies, next payload ID, version 1.0, Main Mode, flags E,
 * message id 0, length) and a body of whole AES blocks that no key opens.
 * Checked: what is kept comes back byte for byte and in order, the SA leaves
 * the session and its "no key" counts are taken back; past the per-SA limits
 * (IKC_WAIT_MSGS messages, IKC_WAIT_BYTES bytes) nothing is kept, since a
 * partial history would not replay; without the option nothing is kept.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/arena.h"
#include "../decoders/isakmp.h"
#include "../dissector/net.h"
#include "../dissector/session.h"
#include "../dissector/session_int.h"
#include "feed.h"

struct rig {
	struct ikc_session *s;
	struct ikc_arena a;
	uint64_t frame;
};

static void rig_init(struct rig *r, bool keep)
{
	struct ikc_session_config cfg;

	ikc_session_config_default(&cfg);
	cfg.keep_for_reload = keep;
	memset(r, 0, sizeof *r);
	r->s = ikc_session_new(&cfg, NULL);
	cr_assert_not_null(r->s);
	cr_assert_eq(ikc_arena_init(&r->a, 1u << 20), 0);
}

static void rig_free(struct rig *r)
{
	ikc_session_free(r->s);
	ikc_arena_free(&r->a);
}

/* An encrypted Main Mode message of SA `sa` with `blocks` 16-byte blocks. */
static size_t enc_msg(uint8_t *b, uint8_t sa, uint8_t nth, size_t blocks)
{
	size_t len = 28 + 16 * blocks;

	memset(b, 0, 28);
	memset(b, sa, 8);               /* initiator cookie */
	memset(b + 8, (uint8_t)(sa + 1), 8); /* responder cookie */
	b[16] = 5;                      /* next payload: ID (inside the encryption) */
	b[17] = 0x10;                   /* version 1.0 */
	b[18] = 2;                      /* Main Mode */
	b[19] = 1;                      /* flags: E */
	b[24] = (uint8_t)(len >> 24), b[25] = (uint8_t)(len >> 16), b[26] = (uint8_t)(len >> 8), b[27] = (uint8_t)len;
	for (size_t i = 28; i < len; i++)
		b[i] = (uint8_t)(i * 7 + nth);
	return len;
}

static void feed(struct rig *r, const uint8_t *b, size_t len, bool from_i)
{
	struct ikc_msg_info info;

	feed_message(r->s, &r->a, ++r->frame, b, len, from_i, &info);
	cr_assert_eq(info.dec, IKC_DEC_NO_KEY, "no key store: every encrypted message is not decrypted for lack of a key");
}

Test(reload, kept_messages_come_back_in_order)
{
	struct rig r;
	uint8_t m[4][28 + 16 * 4];
	size_t len[4];
	struct ikc_waiting *w;
	struct ikc_session_stats st;

	rig_init(&r, true);
	for (int i = 0; i < 4; i++) {
		len[i] = enc_msg(m[i], 0x11, (uint8_t)i, (size_t)(1 + i));
		feed(&r, m[i], len[i], i % 2 == 0);
	}
	ikc_session_get_stats(r.s, &st);
	cr_assert_eq(st.no_key, 4);
	cr_assert_eq(ikc_session_take_waiting(r.s, &w), 1);
	cr_assert_eq(w[0].n, 4);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(w[0].v[i].pkt.len, len[i]);
		cr_assert_arr_eq(w[0].v[i].bytes, m[i], len[i]);
		cr_assert_eq(w[0].v[i].pkt.data, w[0].v[i].bytes, "the packet points at the kept copy");
		cr_assert_eq(w[0].v[i].pkt.frame, (uint64_t)i + 1);
		cr_assert_eq(w[0].v[i].dec, IKC_DEC_NO_KEY);
	}
	cr_assert_eq(ikc_session_live(r.s), 0, "the SA is taken out for the replay");
	ikc_session_get_stats(r.s, &st);
	cr_assert_eq(st.no_key, 0, "its counts are taken back: the replay counts them again");
	ikc_waiting_free(w, 1);
	rig_free(&r);
}

Test(reload, nothing_kept_without_the_option)
{
	struct rig r;
	uint8_t m[28 + 32];
	struct ikc_waiting *w;

	rig_init(&r, false);
	feed(&r, m, enc_msg(m, 0x22, 0, 2), true);
	cr_assert_eq(ikc_session_take_waiting(r.s, &w), 0);
	cr_assert_eq(ikc_session_live(r.s), 1);
	ikc_waiting_free(w, 0);
	rig_free(&r);
}

Test(reload, past_the_message_limit_nothing_is_kept)
{
	struct rig r;
	uint8_t m[28 + 16];
	struct ikc_waiting *w;

	rig_init(&r, true);
	for (unsigned i = 0; i <= IKC_WAIT_MSGS; i++)   /* one more than the limit */
		feed(&r, m, enc_msg(m, 0x33, (uint8_t)i, 1), true);
	cr_assert_eq(ikc_session_take_waiting(r.s, &w), 0, "a partial history is not replayed");
	cr_assert_eq(ikc_session_live(r.s), 1);
	ikc_waiting_free(w, 0);
	rig_free(&r);
}

Test(reload, past_the_byte_limit_nothing_is_kept)
{
	struct rig r;
	size_t blocks = 1024;             /* 16 KiB + 28 per message */
	uint8_t *m = malloc(28 + 16 * blocks);
	struct ikc_waiting *w;

	cr_assert_not_null(m);
	rig_init(&r, true);
	for (unsigned i = 0; i < (IKC_WAIT_BYTES / (16 * blocks)) + 1; i++)
		feed(&r, m, enc_msg(m, 0x44, (uint8_t)i, blocks), true);
	cr_assert_eq(ikc_session_take_waiting(r.s, &w), 0);
	ikc_waiting_free(w, 0);
	free(m);
	rig_free(&r);
}

Test(reload, two_sas_each_with_its_own_messages)
{
	struct rig r;
	uint8_t m[28 + 32];
	struct ikc_waiting *w;
	size_t n;

	rig_init(&r, true);
	feed(&r, m, enc_msg(m, 0x55, 0, 2), true);
	feed(&r, m, enc_msg(m, 0x66, 0, 2), true);
	feed(&r, m, enc_msg(m, 0x55, 1, 2), false);
	n = ikc_session_take_waiting(r.s, &w);
	cr_assert_eq(n, 2);
	cr_assert_eq(w[0].n + w[1].n, 3);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < w[i].n; j++)
			cr_assert_eq(w[i].v[j].bytes[0], w[i].v[0].bytes[0], "messages stay with their own SA");
	ikc_waiting_free(w, n);
	rig_free(&r);
}

Test(reload, icmp_errors_come_back_with_the_replayed_sa)
{
	struct rig r;
	uint8_t m[2][28 + 16 * 2];
	size_t len[2];
	struct ikc_waiting *w;
	struct ikc_pkt icmp = { .frame = 99, .ts_sec = 2000, .af = 4, .transport = IKC_T_ICMP_ERROR, .icmp_type = 3,
				.icmp_code = 3, .qdport = 500 };
	struct ikc_msg_info info;
	const struct ikc_ike_sa **v = NULL;

	rig_init(&r, true);
	for (int i = 0; i < 2; i++) {
		len[i] = enc_msg(m[i], 0x21, (uint8_t)i, 2);
		feed(&r, m[i], len[i], true);
	}
	icmp.src[0] = 198, icmp.src[1] = 51, icmp.src[2] = 100, icmp.src[3] = 2;   /* the responder host */
	icmp.qsrc[0] = 198, icmp.qsrc[1] = 51, icmp.qsrc[2] = 100, icmp.qsrc[3] = 1;
	memcpy(icmp.qdst, icmp.src, 16);
	{
		struct ikc_decode_ctx d = { .doi = IKC_DOI_IPSEC };
		struct ikc_msg quoted;

		cr_assert_eq(ikc_isakmp_decode(&r.a, m[1], len[1], &d, &quoted), IKC_OK);
		ikc_session_note_icmp(r.s, &icmp, &quoted);
	}
	cr_assert_eq(ikc_session_take_waiting(r.s, &w), 1);
	cr_assert_eq(w[0].icmp_errors, 1, "the ICMP error goes with the kept messages");
	for (size_t j = 0; j < w[0].n; j++)
		feed_message(r.s, &r.a, w[0].v[j].pkt.frame, w[0].v[j].pkt.data, w[0].v[j].pkt.len, true, &info);
	ikc_session_restore_waiting(r.s, &w[0]);
	cr_assert_eq(ikc_session_list(r.s, &v), 1);
	cr_assert_eq(v[0]->icmp_errors, 1, "the rebuilt SA has its ICMP error back");
	cr_assert_eq(v[0]->nicmp, 1);
	cr_assert_eq(v[0]->icmp[0].frame, 99);
	free(v);
	ikc_waiting_free(w, 1);
	rig_free(&r);
}

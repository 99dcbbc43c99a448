/* feed.h - one hand-built ISAKMP message through a session, as the pipeline
 * hands it over: UDP 500 between 198.51.100.1 (the initiator) and
 * 198.51.100.2, frame numbers and seconds counting up (shared by the tests
 * that build messages by hand). */
#ifndef IKC_TEST_FEED_H
#define IKC_TEST_FEED_H

#include <criterion/criterion.h>
#include <string.h>

#include "../decoders/arena.h"
#include "../decoders/isakmp.h"
#include "../dissector/session.h"

static inline void feed_message(struct ikc_session *s, struct ikc_arena *a, uint64_t frame, const uint8_t *b,
				size_t len, bool from_i, struct ikc_msg_info *info)
{
	struct ikc_pkt pkt = { .frame = frame, .ts_sec = 1000 + (int64_t)frame, .af = 4, .sport = 500, .dport = 500,
			       .transport = IKC_T_UDP500, .data = b, .len = len, .wire_len = len };
	struct ikc_decode_ctx d = { .doi = IKC_DOI_IPSEC };
	struct ikc_msg msg;
	static const uint8_t i[4] = { 198, 51, 100, 1 }, r[4] = { 198, 51, 100, 2 };

	memcpy(pkt.src, from_i ? i : r, 4);
	memcpy(pkt.dst, from_i ? r : i, 4);
	ikc_arena_reset(a);
	cr_assert_eq(ikc_isakmp_decode(a, b, len, &d, &msg), IKC_OK);
	ikc_session_process(s, a, &pkt, &msg, info);
}

#endif

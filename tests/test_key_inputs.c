/* test_key_inputs.c - the bytes key derivation needs, kept or not
 * (session.h keep_key_inputs).
 *
 * A Main Mode built by hand from RFC 2408 §3.1-3.6 and RFC 2409 §5 (header,
 * SA with one AES-128/SHA1/PSK/group-2 transform in MM1 and MM2, KE and
 * NONCE in MM3 and MM4, then an encrypted MM5) goes through the session with
 * an empty key store.  Kept or not, the session must explain the same thing
 * (no secret for the SA; or, when MM4 is missing, that the KE and NONCE
 * payloads are not all there); not kept, the SA must hold none of the bytes.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/arena.h"
#include "../decoders/isakmp.h"
#include "../dissector/keys.h"
#include "../dissector/session.h"
#include "../dissector/session_int.h"
#include "feed.h"

struct rig {
	struct ikc_session *s;
	struct ikc_keys *keys;
	struct ikc_arena a;
	uint64_t frame;
	struct ikc_msg_info info;
};

static void rig_init(struct rig *r, bool keep)
{
	struct ikc_session_config cfg;

	memset(r, 0, sizeof *r);
	ikc_session_config_default(&cfg);
	cfg.keep_key_inputs = keep;
	r->keys = ikc_keys_new();
	r->s = ikc_session_new(&cfg, r->keys);
	cr_assert(r->keys && r->s);
	cr_assert_eq(ikc_arena_init(&r->a, 1u << 16), 0);
}

static void rig_free(struct rig *r)
{
	ikc_session_free(r->s);
	ikc_keys_free(r->keys);
	ikc_arena_free(&r->a);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Header (RFC 2408 §3.1): cookies, next payload, version 1.0, Main Mode. */
static size_t header(uint8_t *b, bool rcky, uint8_t next, uint8_t flags)
{
	memset(b, 0, 28);
	memset(b, 0x11, 8);
	if (rcky)
		memset(b + 8, 0x22, 8);
	b[16] = next;
	b[17] = 0x10;
	b[18] = 2;
	b[19] = flags;
	return 28;
}

static void finish(uint8_t *b, size_t len)
{
	b[24] = (uint8_t)(len >> 24), b[25] = (uint8_t)(len >> 16), b[26] = (uint8_t)(len >> 8), b[27] = (uint8_t)len;
}

/* MM1 / MM2: one SA payload, one proposal, one transform (RFC 2408 §3.4-3.6). */
static size_t mm_sa(uint8_t *b, bool rcky)
{
	static const uint8_t attrs[] = { 0x80, 0x01, 0x00, 0x07, 0x80, 0x0e, 0x00, 0x80, 0x80, 0x02, 0x00, 0x02,
					 0x80, 0x03, 0x00, 0x01, 0x80, 0x04, 0x00, 0x02 };
	size_t n = header(b, rcky, IKC_PT_SA, 0), sa = n;

	memset(b + n, 0, 4 + 8 + 8 + 8);
	put16(b + sa + 2, 4 + 8 + 8 + 8 + sizeof attrs);
	b[sa + 7] = 1;                            /* DOI IPsec */
	b[sa + 11] = 1;                           /* situation SIT_IDENTITY_ONLY */
	put16(b + sa + 12 + 2, 8 + 8 + sizeof attrs);
	b[sa + 12 + 4] = 1, b[sa + 12 + 5] = 1, b[sa + 12 + 7] = 1;   /* proposal 1, ISAKMP, 1 transform */
	put16(b + sa + 20 + 2, 8 + sizeof attrs);
	b[sa + 20 + 4] = 1, b[sa + 20 + 5] = 1;   /* transform 1, KEY_IKE */
	memcpy(b + sa + 28, attrs, sizeof attrs);
	n = sa + 28 + sizeof attrs;
	finish(b, n);
	return n;
}

/* MM3 / MM4: KE (128 bytes of g^x) and NONCE (16 bytes). */
static size_t mm_ke_nonce(uint8_t *b, uint8_t fill)
{
	size_t n = header(b, true, IKC_PT_KE, 0);

	b[n] = IKC_PT_NONCE, b[n + 1] = 0;
	put16(b + n + 2, 4 + 128);
	memset(b + n + 4, fill, 128);
	n += 4 + 128;
	b[n] = 0, b[n + 1] = 0;
	put16(b + n + 2, 4 + 16);
	memset(b + n + 4, (uint8_t)(fill + 1), 16);
	n += 4 + 16;
	finish(b, n);
	return n;
}

/* MM5: encrypted (flag E), two AES blocks no key opens. */
static size_t mm5(uint8_t *b)
{
	size_t n = header(b, true, 5 /* ID */, 1);

	memset(b + n, 0x5a, 32);
	n += 32;
	finish(b, n);
	return n;
}

static void feed(struct rig *r, const uint8_t *b, size_t len, bool from_i)
{
	feed_message(r->s, &r->a, ++r->frame, b, len, from_i, &r->info);
}

/* Main Mode up to MM5 (without MM4 when asked); the SA it made. */
static const struct ikc_ike_sa *main_mode(struct rig *r, bool with_mm4)
{
	uint8_t b[512];
	const struct ikc_ike_sa **v = NULL;
	const struct ikc_ike_sa *sa;

	feed(r, b, mm_sa(b, false), true);
	feed(r, b, mm_sa(b, true), false);
	feed(r, b, mm_ke_nonce(b, 0x31), true);
	if (with_mm4)
		feed(r, b, mm_ke_nonce(b, 0x41), false);
	feed(r, b, mm5(b), true);
	cr_assert_eq(ikc_session_list(r->s, &v), 1);
	sa = v[0];
	free(v);
	cr_assert_not_null(sa->crypto);
	return sa;
}

Test(key_inputs, kept_or_not_the_same_explanation)
{
	for (int with_mm4 = 0; with_mm4 < 2; with_mm4++) {
		char kept[sizeof ((struct ikc_msg_info *)0)->dec_detail];
		struct rig r;
		const struct ikc_ike_sa *sa;

		rig_init(&r, true);
		sa = main_mode(&r, with_mm4);
		cr_assert_eq(r.info.dec, IKC_DEC_NO_KEY);
		cr_assert_not_null(strstr(r.info.dec_detail, with_mm4 ? "need g^xy" : "KE and NONCE payloads of both peers"),
				   "%s", r.info.dec_detail);
		cr_assert_not_null(sa->crypto->m);
		cr_assert_eq(sa->crypto->m->gxi.len, 128);
		cr_assert_eq(sa->crypto->m->ni.len, 16);
		cr_assert_gt(sa->sai_b.len, 0);
		memcpy(kept, r.info.dec_detail, sizeof kept);
		rig_free(&r);

		rig_init(&r, false);
		sa = main_mode(&r, with_mm4);
		cr_assert_eq(r.info.dec, IKC_DEC_NO_KEY);
		cr_assert_str_eq(r.info.dec_detail, kept);
		cr_assert_null(sa->crypto->m, "no bytes kept: no room for them either");
		cr_assert_eq(sa->sai_b.len, 0);
		rig_free(&r);
	}
}

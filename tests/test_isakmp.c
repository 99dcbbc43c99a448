/* test_isakmp.c - cursor edges, ISAKMP header, every payload decoder on
 * hand-built bytes (layouts from RFC 2408 §3, RFC 2407 §4.6, RFC 3947,
 * RFC 6407 §5), one real MM1 checked against tshark, and hostile input.
 */
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <string.h>

#include "../decoders/cursor.h"
#include "../decoders/isakmp.h"

/* ---- a tiny byte builder for hand-made messages ---- */
struct bb {
	uint8_t b[8192];
	size_t n;
};

static void p8(struct bb *b, unsigned v) { b->b[b->n++] = (uint8_t)v; }
static void p16(struct bb *b, unsigned v) { p8(b, v >> 8); p8(b, v); }
static void p32(struct bb *b, uint32_t v) { p16(b, v >> 16); p16(b, v & 0xffff); }
static void pn(struct bb *b, const void *d, size_t n) { memcpy(b->b + b->n, d, n); b->n += n; }
static void pfill(struct bb *b, unsigned v, size_t n) { memset(b->b + b->n, (int)v, n); b->n += n; }
/* Generic header (next, reserved 0, length patched by close_gen). */
static size_t open_gen(struct bb *b, unsigned next) { size_t at = b->n; p8(b, next); p8(b, 0); p16(b, 0); return at; }
static void close_gen(struct bb *b, size_t at)
{
	size_t len = b->n - at;
	b->b[at + 2] = (uint8_t)(len >> 8);
	b->b[at + 3] = (uint8_t)len;
}
/* ISAKMP header; length patched by close_hdr. */
static void hdr(struct bb *b, unsigned next, unsigned ver, unsigned exch, unsigned flags, uint32_t msgid)
{
	b->n = 0;
	for (unsigned i = 0; i < 8; i++)
		p8(b, 0xa0 + i);
	for (unsigned i = 0; i < 8; i++)
		p8(b, 0xb0 + i);
	p8(b, next); p8(b, ver); p8(b, exch); p8(b, flags); p32(b, msgid); p32(b, 0);
}
static void close_hdr(struct bb *b)
{
	uint32_t len = (uint32_t)b->n;
	b->b[24] = (uint8_t)(len >> 24); b->b[25] = (uint8_t)(len >> 16);
	b->b[26] = (uint8_t)(len >> 8); b->b[27] = (uint8_t)len;
}

static struct ikc_arena arena;
static void setup(void) { cr_assert_eq(ikc_arena_init(&arena, 1 << 20), 0); }
static void teardown(void) { ikc_arena_free(&arena); }

static struct ikc_msg decode(const struct bb *b, uint32_t doi)
{
	struct ikc_decode_ctx ctx = { .doi = doi };
	struct ikc_msg m;

	cr_assert_eq(ikc_isakmp_decode(&arena, b->b, b->n, &ctx, &m), IKC_OK);
	return m;
}

/* ===================== cursor ===================== */

Test(cursor, reads_at_exact_end)
{
	static const uint8_t d[15] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct ikc_cursor c = ikc_cur(d, sizeof d);
	uint8_t v8; uint16_t v16; uint32_t v24, v32; uint64_t v64;

	cr_assert_eq(ikc_cur_u8(&c, &v8), IKC_OK); cr_assert_eq(v8, 1);
	cr_assert_eq(ikc_cur_u16(&c, &v16), IKC_OK); cr_assert_eq(v16, 0x0203);
	cr_assert_eq(ikc_cur_u32(&c, &v32), IKC_OK); cr_assert_eq(v32, 0x04050607);
	/* 8 bytes left: u64 fits exactly, then nothing does. */
	cr_assert_eq(ikc_cur_u64(&c, &v64), IKC_OK); cr_assert_eq(v64, 0x08090a0b0c0d0e0fULL);
	cr_assert_eq(c.left, 0);
	cr_assert_eq(ikc_cur_u8(&c, &v8), IKC_TRUNCATED);
	c = ikc_cur(d, 3);
	cr_assert_eq(ikc_cur_u24(&c, &v24), IKC_OK); cr_assert_eq(v24, 0x010203);
	c = ikc_cur(d, 1);
	cr_assert_eq(ikc_cur_u16(&c, &v16), IKC_TRUNCATED);
	cr_assert_eq(c.left, 1, "a failed read must not move the cursor");
	c = ikc_cur(d, 3);
	cr_assert_eq(ikc_cur_u32(&c, &v32), IKC_TRUNCATED);
	c = ikc_cur(d, 7);
	cr_assert_eq(ikc_cur_u64(&c, &v64), IKC_TRUNCATED);
	cr_assert_eq(c.left, 7);
}

Test(cursor, sub_and_peek)
{
	static const uint8_t d[4] = { 9, 8, 7, 6 };
	struct ikc_cursor c = ikc_cur(d, sizeof d), ch;
	uint8_t v;

	cr_assert_eq(ikc_cur_sub(&c, 5, &ch), IKC_TRUNCATED);
	cr_assert_eq(c.left, 4);
	cr_assert_eq(ikc_cur_sub(&c, 0, &ch), IKC_OK);
	cr_assert_eq(ch.left, 0);
	cr_assert_eq(ikc_cur_u8(&ch, &v), IKC_TRUNCATED, "zero-length child reads nothing");
	cr_assert_eq(ikc_cur_sub(&c, 2, &ch), IKC_OK);
	cr_assert_eq(ch.left, 2); cr_assert_eq(c.left, 2);
	cr_assert_eq(ikc_cur_peek_u8(&ch, 1, &v), IKC_OK); cr_assert_eq(v, 8);
	cr_assert_eq(ikc_cur_peek_u8(&ch, 2, &v), IKC_TRUNCATED, "child cannot see the parent's bytes");
	cr_assert_eq(ikc_cur_skip(&c, 3), IKC_TRUNCATED);
	cr_assert_eq(ikc_cur_skip(&c, 2), IKC_OK);
	cr_assert_eq(c.left, 0);
}

/* ===================== header ===================== */

TestSuite(isakmp, .init = setup, .fini = teardown);

Test(isakmp, header_fields)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, 0, 0x10, 5, IKC_FLAG_C, 0x01020304);
	close_hdr(&b);
	m = decode(&b, 1);
	for (unsigned i = 0; i < 8; i++) {
		cr_assert_eq(m.hdr.icookie[i], 0xa0 + i);
		cr_assert_eq(m.hdr.rcookie[i], 0xb0 + i);
	}
	cr_assert_eq(m.hdr.version, 0x10);
	cr_assert_eq(m.hdr.exchange, 5);
	cr_assert_eq(m.hdr.flags, IKC_FLAG_C);
	cr_assert_eq(m.hdr.msgid, 0x01020304);
	cr_assert_eq(m.hdr.length, 28);
	cr_assert_eq(m.npayloads, 0);
	cr_assert_eq(m.notes, 0);
	cr_assert_eq(m.raw_len, 28);
}

Test(isakmp, truncated_header)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, 0, 0x10, 2, 0, 0);
	close_hdr(&b);
	for (size_t n = 0; n < 28; n++) {
		cr_assert_eq(ikc_isakmp_decode(&arena, b.b, n, NULL, &m), IKC_TRUNCATED);
		cr_assert(m.notes & IKC_NOTE(TRUNCATED));
	}
}

Test(isakmp, encrypted_body_not_walked)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, IKC_PT_HASH, 0x10, 32, IKC_FLAG_E, 0x11223344);
	pfill(&b, 0x5a, 32);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 0);
	cr_assert_eq(m.enc, b.b + 28);
	cr_assert_eq(m.enc_len, 32);
}

Test(isakmp, header_length_longer_than_capture)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_NONCE, 0x10, 2, 0, 0);
	at = open_gen(&b, 0);
	pfill(&b, 0x33, 20);
	close_gen(&b, at);
	close_hdr(&b);
	/* Cut the capture 8 bytes into the nonce. */
	m = (struct ikc_msg){ 0 };
	cr_assert_eq(ikc_isakmp_decode(&arena, b.b, 28 + 4 + 8, NULL, &m), IKC_OK);
	cr_assert(m.notes & IKC_NOTE(HDR_LENGTH_MISMATCH));
	cr_assert(m.notes & IKC_NOTE(TRUNCATED));
	cr_assert_eq(m.npayloads, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(TRUNCATED));
	cr_assert_not(m.payloads[0].notes & IKC_NOTE(LENGTH_PAST_END));
	cr_assert_eq(m.payloads[0].u.nonce.len, 8);
}

Test(isakmp, trailing_after_header_length)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_VID, 0x10, 2, 0, 0);
	at = open_gen(&b, 0);
	pfill(&b, 0x44, 16);
	close_gen(&b, at);
	close_hdr(&b);
	/* A trailer that looks like another payload must not be read. */
	p8(&b, IKC_PT_VID); p8(&b, 0); p16(&b, 4);
	m = decode(&b, 1);
	cr_assert(m.notes & IKC_NOTE(TRAILING_DATA));
	cr_assert_eq(m.npayloads, 1);
	cr_assert_eq(m.payloads[0].u.vid.len, 16);
}

Test(isakmp, ikev2_walk_raw)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, 33, 0x20, 34, 0x08, 0);  /* SA, IKE_SA_INIT, Initiator */
	at = open_gen(&b, 34);           /* SA -> KE */
	pfill(&b, 0x01, 8);
	close_gen(&b, at);
	at = open_gen(&b, 0);            /* KE, critical bit set */
	b.b[at + 1] = 0x80;
	pfill(&b, 0x02, 12);
	close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 2);
	cr_assert_eq(m.payloads[0].type, 33);
	cr_assert_eq(m.payloads[0].body_len, 8);
	cr_assert_eq(m.payloads[1].type, 34);
	cr_assert_eq(m.payloads[1].reserved, 0x80);
	cr_assert_eq(m.payloads[1].u.raw.len, 12);
	cr_assert_eq(m.payloads[0].notes | m.payloads[1].notes | m.notes, 0);
}

Test(isakmp, ikev2_encrypted_ends_chain)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	/* RFC 7296 §3.14: SK's Next Payload names the first inner payload (IDi). */
	hdr(&b, 46, 0x20, 35, 0x08, 1);
	at = open_gen(&b, 35);
	pfill(&b, 0xe5, 64);
	close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 1);
	cr_assert_eq(m.payloads[0].next, 35);
	cr_assert_eq(m.payloads[0].u.raw.len, 64);
	cr_assert_eq(m.notes, 0);
}

Test(isakmp, bad_version)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, 1, 0x30, 2, 0, 0);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert(m.notes & IKC_NOTE(BAD_VERSION));
}

Test(isakmp, note_names_and_find)
{
	struct ikc_payload pl[3] = { { .type = 1 }, { .type = 13 }, { .type = 13 } };

	cr_assert_str_eq(ikc_note_name(IKC_NOTE_BIT_EXTRA_DATA), "payload_extra_data");
	cr_assert_str_eq(ikc_note_name(IKC_NOTE_BIT_LENGTH_PAST_END), "payload_length_past_end");
	for (int i = 0; i < IKC_NOTE_BIT_COUNT; i++)
		cr_assert_not_null(ikc_note_name((enum ikc_note_bit)i));
	cr_assert_null(ikc_note_name(IKC_NOTE_BIT_COUNT));
	cr_assert_eq(ikc_find_payload(pl, 3, 13), &pl[1]);
	cr_assert_null(ikc_find_payload(pl, 3, 4));
	cr_assert_null(ikc_find_payload(NULL, 0, 1));
}

/* ===================== payloads ===================== */

/* SA (RFC 2408 §3.4-3.6): one ESP proposal with SPI, two transforms. */
Test(isakmp, sa_proposal_transforms_attrs)
{
	struct bb b;
	struct ikc_msg m;
	size_t sa, pr, tr;
	const struct ikc_sa *s;

	hdr(&b, IKC_PT_SA, 0x10, 32, 0, 7);
	sa = open_gen(&b, 0);
	p32(&b, 1); p32(&b, 1);                  /* IPsec DOI, SIT_IDENTITY_ONLY */
	pr = open_gen(&b, 0);
	p8(&b, 1); p8(&b, 3); p8(&b, 4); p8(&b, 2); /* #1 ESP spisize 4, 2 transforms */
	p32(&b, 0xc0ffee01);
	tr = open_gen(&b, 3);
	p8(&b, 1); p8(&b, 12); p16(&b, 0);       /* ESP_AES */
	p16(&b, 0x8000 | 6); p16(&b, 256);        /* TV Key Length 256 */
	p16(&b, 2); p16(&b, 4); p32(&b, 28800);   /* TLV SA Life Duration, 4 bytes */
	close_gen(&b, tr);
	tr = open_gen(&b, 0);
	p8(&b, 2); p8(&b, 3); p16(&b, 0);        /* ESP_3DES */
	p16(&b, 7); p16(&b, 0);                   /* TLV of length 0 */
	p16(&b, 8); p16(&b, 8); pfill(&b, 0xee, 8); /* TLV of 8 bytes: no integer */
	close_gen(&b, tr);
	close_gen(&b, pr);
	close_gen(&b, sa);
	close_hdr(&b);

	m = decode(&b, 1);
	cr_assert_eq(m.notes, 0);
	cr_assert_eq(m.npayloads, 1);
	cr_assert_eq(m.payloads[0].notes, 0);
	s = &m.payloads[0].u.sa;
	cr_assert_eq(s->doi, 1);
	cr_assert(s->has_situation);
	cr_assert_eq(s->situation, 1);
	cr_assert_eq(s->nprop, 1);
	cr_assert_eq(s->proposals[0].protoid, 3);
	cr_assert_eq(s->proposals[0].spisize, 4);
	cr_assert_eq(memcmp(s->proposals[0].spi, "\xc0\xff\xee\x01", 4), 0);
	cr_assert_eq(s->proposals[0].ntransforms, 2);
	cr_assert_eq(s->proposals[0].ntr, 2);
	cr_assert_eq(s->proposals[0].notes, 0);
	const struct ikc_transform *t = s->proposals[0].transforms;
	cr_assert_eq(t[0].id, 12);
	cr_assert_eq(t[0].space, IKC_ATTRS_IPSEC);
	cr_assert_eq(t[0].nattrs, 2);
	cr_assert(t[0].attrs[0].tv);
	cr_assert_eq(t[0].attrs[0].type, 6);
	cr_assert_eq(t[0].attrs[0].value, 256);
	cr_assert_not(t[0].attrs[1].tv);
	cr_assert(t[0].attrs[1].has_value);
	cr_assert_eq(t[0].attrs[1].value, 28800);
	cr_assert_eq(t[0].attrs[1].len, 4);
	cr_assert_eq(t[1].id, 3);
	cr_assert_eq(t[1].nattrs, 2);
	cr_assert_not(t[1].attrs[0].has_value);
	cr_assert_eq(t[1].attrs[0].len, 0);
	cr_assert_not(t[1].attrs[1].has_value);
	cr_assert_eq(t[1].attrs[1].len, 8);
	cr_assert_eq(t[1].attrs[1].data[7], 0xee);
}

Test(isakmp, simple_payloads)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_KE, 0x10, 4, 0, 0);
	at = open_gen(&b, IKC_PT_ID); pfill(&b, 0x11, 128); close_gen(&b, at);           /* KE */
	at = open_gen(&b, IKC_PT_CERT);                                                   /* ID */
	p8(&b, 1); p8(&b, 17); p16(&b, 500); pn(&b, "\xc6\x33\x64\x01", 4); close_gen(&b, at);
	at = open_gen(&b, IKC_PT_CR); p8(&b, 4); pfill(&b, 0x30, 10); close_gen(&b, at);  /* CERT X.509 sig */
	at = open_gen(&b, IKC_PT_HASH); p8(&b, 4); close_gen(&b, at);                     /* CR, no CA */
	at = open_gen(&b, IKC_PT_SIG); pfill(&b, 0x48, 20); close_gen(&b, at);            /* HASH */
	at = open_gen(&b, IKC_PT_NONCE); pfill(&b, 0x53, 64); close_gen(&b, at);          /* SIG */
	at = open_gen(&b, IKC_PT_VID); pfill(&b, 0x4e, 16); close_gen(&b, at);            /* NONCE */
	at = open_gen(&b, 0); pn(&b, "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00", 16);
	close_gen(&b, at);                                                                /* VID DPD */
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.notes, 0);
	cr_assert_eq(m.npayloads, 8);
	for (size_t i = 0; i < m.npayloads; i++)
		cr_assert_eq(m.payloads[i].notes, 0, "payload %zu", i);
	cr_assert_eq(m.payloads[0].u.ke.len, 128);
	cr_assert_eq(m.payloads[1].u.id.type, 1);
	cr_assert_eq(m.payloads[1].u.id.protoid, 17);
	cr_assert_eq(m.payloads[1].u.id.port, 500);
	cr_assert_eq(m.payloads[1].u.id.len, 4);
	cr_assert_eq(m.payloads[1].u.id.data[0], 0xc6);
	cr_assert_eq(m.payloads[2].u.cert.encoding, 4);
	cr_assert_eq(m.payloads[2].u.cert.len, 10);
	cr_assert_eq(m.payloads[3].type, IKC_PT_CR);
	cr_assert_eq(m.payloads[3].u.cert.encoding, 4);
	cr_assert_eq(m.payloads[3].u.cert.len, 0);
	cr_assert_eq(m.payloads[4].u.hash.len, 20);
	cr_assert_eq(m.payloads[5].u.sig.len, 64);
	cr_assert_eq(m.payloads[6].u.nonce.len, 16);
	cr_assert_eq(m.payloads[7].u.vid.len, 16);
	cr_assert_eq(m.payloads[7].u.vid.data[0], 0xaf);
}

Test(isakmp, notify_delete)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_NOTIFY, 0x10, 5, 0, 0x55);
	at = open_gen(&b, IKC_PT_NOTIFY);
	p32(&b, 1); p8(&b, 1); p8(&b, 16); p16(&b, 14);  /* NO-PROPOSAL-CHOSEN, ISAKMP, cookies */
	pfill(&b, 0xcc, 16);
	close_gen(&b, at);
	at = open_gen(&b, IKC_PT_DELETE);
	p32(&b, 1); p8(&b, 1); p8(&b, 16); p16(&b, 36136); /* R-U-THERE */
	pfill(&b, 0xdd, 16); p32(&b, 42);
	close_gen(&b, at);
	at = open_gen(&b, 0);
	p32(&b, 1); p8(&b, 3); p8(&b, 4); p16(&b, 2);    /* delete two ESP SPIs */
	p32(&b, 0x11111111); p32(&b, 0x22222222);
	close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.notes, 0);
	cr_assert_eq(m.npayloads, 3);
	cr_assert_eq(m.payloads[0].notes, 0);
	cr_assert_eq(m.payloads[0].u.notify.type, 14);
	cr_assert_eq(m.payloads[0].u.notify.doi, 1);
	cr_assert_eq(m.payloads[0].u.notify.spisize, 16);
	cr_assert_eq(m.payloads[0].u.notify.spi[15], 0xcc);
	cr_assert_eq(m.payloads[0].u.notify.len, 0);
	cr_assert_eq(m.payloads[1].u.notify.type, 36136);
	cr_assert_eq(m.payloads[1].u.notify.len, 4);
	cr_assert_eq(m.payloads[1].u.notify.data[3], 42);
	cr_assert_eq(m.payloads[2].notes, 0);
	cr_assert_eq(m.payloads[2].u.del.protoid, 3);
	cr_assert_eq(m.payloads[2].u.del.nspi, 2);
	cr_assert_eq(m.payloads[2].u.del.spis[4], 0x22);
}

Test(isakmp, delete_spis_do_not_fit)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_DELETE, 0x10, 5, 0, 1);
	at = open_gen(&b, 0);
	p32(&b, 1); p8(&b, 3); p8(&b, 255); p16(&b, 65535);  /* claims 16 MB of SPIs */
	p32(&b, 0x11111111);
	close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(MALFORMED));
	cr_assert_null(m.payloads[0].u.del.spis);
	cr_assert_not(m.payloads[0].notes & IKC_NOTE(EXTRA_DATA));
}

Test(isakmp, modecfg_natt_frag)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_ATTR, 0x10, 6, 0, 9);
	at = open_gen(&b, IKC_PT_NATD);
	p8(&b, 1); p8(&b, 0); p16(&b, 0x1234);         /* CFG_REQUEST id 0x1234 */
	p16(&b, 1); p16(&b, 0);                          /* INTERNAL_IP4_ADDRESS, empty */
	p16(&b, 0x8000 | 16520); p16(&b, 0);             /* XAUTH_TYPE TV generic */
	close_gen(&b, at);
	at = open_gen(&b, IKC_PT_NATOA); pfill(&b, 0x9d, 20); close_gen(&b, at);   /* NAT-D (DOI 1) */
	at = open_gen(&b, IKC_PT_NATD_DRAFT);
	p8(&b, 1); pfill(&b, 0, 3); pn(&b, "\x0a\x00\x00\x02", 4); close_gen(&b, at); /* NAT-OA v4 */
	at = open_gen(&b, IKC_PT_NATOA_DRAFT); pfill(&b, 0x9e, 20); close_gen(&b, at);
	at = open_gen(&b, IKC_PT_FRAG);
	p8(&b, 5); pfill(&b, 0, 3); pfill(&b, 0xfe, 16); close_gen(&b, at);         /* draft NAT-OA v6 */
	at = open_gen(&b, 0);
	p16(&b, 0x0102); p8(&b, 3); p8(&b, 1); pfill(&b, 0x77, 40); close_gen(&b, at); /* frag 3, last */
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.notes, 0);
	cr_assert_eq(m.npayloads, 6);
	for (size_t i = 0; i < m.npayloads; i++)
		cr_assert_eq(m.payloads[i].notes, 0, "payload %zu", i);
	cr_assert_eq(m.payloads[0].u.attr.type, 1);
	cr_assert_eq(m.payloads[0].u.attr.identifier, 0x1234);
	cr_assert_eq(m.payloads[0].u.attr.nattrs, 2);
	cr_assert_eq(m.payloads[0].u.attr.attrs[1].type, 16520);
	cr_assert(m.payloads[0].u.attr.attrs[1].tv);
	cr_assert_eq(m.payloads[1].u.natd.len, 20);
	cr_assert_eq(m.payloads[2].u.natoa.id_type, 1);
	cr_assert_eq(m.payloads[2].u.natoa.len, 4);
	cr_assert_eq(m.payloads[2].u.natoa.addr[3], 2);
	cr_assert_eq(m.payloads[3].u.natd.len, 20);
	cr_assert_eq(m.payloads[4].u.natoa.id_type, 5);
	cr_assert_eq(m.payloads[4].u.natoa.len, 16);
	cr_assert_eq(m.payloads[5].u.frag.id, 0x0102);
	cr_assert_eq(m.payloads[5].u.frag.number, 3);
	cr_assert_eq(m.payloads[5].u.frag.flags, 1);
	cr_assert_eq(m.payloads[5].u.frag.len, 40);
}

/* Under the IPsec DOI, 15-19 and 22 have no meaning: kept raw. */
Test(isakmp, gdoi_types_unknown_under_ipsec)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_SEQ, 0x10, 2, 0, 0);
	at = open_gen(&b, 0); p32(&b, 7); close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(UNKNOWN_PAYLOAD));
	cr_assert_eq(m.payloads[0].u.raw.len, 4);
	m = decode(&b, 2);
	cr_assert_eq(m.payloads[0].notes, 0);
	cr_assert_eq(m.payloads[0].u.seq.seq, 7);
}

/* An ID block of SA KEK (RFC 6407 §5.3): Data Len one octet. */
static void id_block(struct bb *b, unsigned type, unsigned port, const char *data, unsigned len)
{
	p8(b, type); p16(b, port); p8(b, len); pn(b, data, len);
}

/* An ID block of SA TEK (RFC 6407 §5.4.1): Data Len two octets, as
 * Wireshark 4.0 and the GDOI reference code read it. */
static void id_block2(struct bb *b, unsigned type, unsigned port, const char *data, unsigned len)
{
	p8(b, type); p16(b, port); p16(b, len); pn(b, data, len);
}

/* GROUPKEY-PULL message 2 shape: HASH, NONCE, SA{ SAK, SAT, GAP }, then KD and SEQ. */
static void build_gdoi(struct bb *b, unsigned attr_next_hi)
{
	size_t sa, at;

	hdr(b, IKC_PT_SA, 0x10, 32, 0, 0x1000);
	sa = open_gen(b, IKC_PT_KD);
	p32(b, 2); p32(b, 0);
	if (attr_next_hi) {     /* the one-octet reading: type then 3 zero bytes */
		p8(b, IKC_PT_SAK); pfill(b, 0, 3);
	} else {
		p16(b, IKC_PT_SAK); p16(b, 0);
	}
	at = open_gen(b, IKC_PT_SAT);
	p8(b, 17);                                  /* UDP */
	id_block(b, 1, 848, "\x0a\x00\x00\x01", 4);
	id_block(b, 1, 848, "\xef\x00\x00\x01", 4);
	pfill(b, 0x4b, 16);                         /* KEK SPI */
	p16(b, 0); p16(b, 0);                       /* POP alg / key len */
	p16(b, 0x8000 | 2); p16(b, 3);              /* KEK_ALGORITHM AES (TV) */
	close_gen(b, at);
	at = open_gen(b, IKC_PT_GAP);
	p8(b, 1); p8(b, 50);                        /* GDOI_PROTO_IPSEC_ESP, IP proto 50 */
	id_block2(b, 4, 0, "\x0a\x01\x00\x00\xff\xff\x00\x00", 8);
	id_block2(b, 4, 0, "\x0a\x02\x00\x00\xff\xff\x00\x00", 8);
	p8(b, 12); p32(b, 0xdeadbeef);              /* ESP_AES, SPI */
	p16(b, 0x8000 | 4); p16(b, 1);              /* Encapsulation Mode tunnel */
	close_gen(b, at);
	at = open_gen(b, 0);
	p16(b, 0x8000 | 1); p16(b, 10);             /* GAP ACTIVATION_TIME_DELAY */
	close_gen(b, at);
	close_gen(b, sa);
	at = open_gen(b, IKC_PT_SEQ);
	p16(b, 2); p16(b, 0);                       /* two key packets */
	p8(b, 1); p8(b, 0); p16(b, 4 + 1 + 4 + 4 + 4 + 16);  /* TEK packet, whole length */
	p8(b, 4); p32(b, 0xdeadbeef);
	p16(b, 0x8000 | 1); p16(b, 12);             /* TEK_ALGORITHM_KEY TV */
	p16(b, 2); p16(b, 16); pfill(b, 0x6b, 16);  /* TEK_INTEGRITY_KEY TLV */
	p8(b, 2); p8(b, 0); p16(b, 4 + 1 + 16);     /* KEK packet, no attributes */
	p8(b, 16); pfill(b, 0x4b, 16);
	close_gen(b, at);
	at = open_gen(b, 0); p32(b, 99); close_gen(b, at);
	close_hdr(b);
}

static void check_gdoi(const struct ikc_msg *m)
{
	const struct ikc_sa *sa;
	const struct ikc_kd *kd;

	cr_assert_eq(m->notes, 0);
	cr_assert_eq(m->npayloads, 3);
	cr_assert_eq(m->payloads[0].notes, 0);
	sa = &m->payloads[0].u.sa;
	cr_assert_eq(sa->doi, 2);
	cr_assert_eq(sa->sa_attr_next, IKC_PT_SAK);
	cr_assert_eq(sa->ngdoi, 3);
	cr_assert_eq(sa->gdoi[0].type, IKC_PT_SAK);
	cr_assert_eq(sa->gdoi[0].notes, 0);
	cr_assert_eq(sa->gdoi[0].u.sak.protocol, 17);
	cr_assert_eq(sa->gdoi[0].u.sak.src_port, 848);
	cr_assert_eq(sa->gdoi[0].u.sak.dst_id_len, 4);
	cr_assert_eq(sa->gdoi[0].u.sak.dst_id[0], 0xef);
	cr_assert_eq(sa->gdoi[0].u.sak.spi[15], 0x4b);
	cr_assert_eq(sa->gdoi[0].u.sak.nattrs, 1);
	cr_assert_eq(sa->gdoi[0].u.sak.attrs[0].value, 3);
	cr_assert_eq(sa->gdoi[1].type, IKC_PT_SAT);
	cr_assert_eq(sa->gdoi[1].notes, 0);
	cr_assert_eq(sa->gdoi[1].u.sat.protocol, 1);
	cr_assert_eq(sa->gdoi[1].u.sat.ip_protocol, 50);
	cr_assert_eq(sa->gdoi[1].u.sat.src_id_type, 4);
	cr_assert_eq(sa->gdoi[1].u.sat.src_id_len, 8);
	cr_assert_eq(sa->gdoi[1].u.sat.src_id[1], 0x01);
	cr_assert_eq(sa->gdoi[1].u.sat.dst_id_len, 8);
	cr_assert_eq(sa->gdoi[1].u.sat.dst_id[1], 0x02);
	cr_assert_eq(sa->gdoi[1].u.sat.attrs[0].type, 4);
	cr_assert_eq(sa->gdoi[1].u.sat.attrs[0].value, 1);
	cr_assert_eq(sa->gdoi[1].u.sat.transform_id, 12);
	cr_assert_eq(sa->gdoi[1].u.sat.spi, 0xdeadbeef);
	cr_assert_eq(sa->gdoi[1].u.sat.nattrs, 1);
	cr_assert_eq(sa->gdoi[2].type, IKC_PT_GAP);
	cr_assert_eq(sa->gdoi[2].u.gap.nattrs, 1);
	cr_assert_eq(sa->gdoi[2].u.gap.attrs[0].value, 10);
	cr_assert_eq(m->payloads[1].type, IKC_PT_KD);
	cr_assert_eq(m->payloads[1].notes, 0);
	kd = &m->payloads[1].u.kd;
	cr_assert_eq(kd->npackets, 2);
	cr_assert_eq(kd->nkp, 2);
	cr_assert_eq(kd->packets[0].kd_type, 1);
	cr_assert_eq(kd->packets[0].spisize, 4);
	cr_assert_eq(kd->packets[0].nattrs, 2);
	cr_assert_eq(kd->packets[0].attrs[1].len, 16);
	cr_assert_eq(kd->packets[1].kd_type, 2);
	cr_assert_eq(kd->packets[1].spisize, 16);
	cr_assert_eq(kd->packets[1].nattrs, 0);
	cr_assert_eq(m->payloads[2].u.seq.seq, 99);
}

Test(isakmp, gdoi_nested_sa)
{
	struct bb b;
	struct ikc_msg m;

	/* The caller does not know the DOI yet: the SA payload says 2. */
	build_gdoi(&b, 0);
	m = decode(&b, 1);
	check_gdoi(&m);
	build_gdoi(&b, 1);
	m = decode(&b, 1);
	check_gdoi(&m);
}

/* Phase-1 SA under the GDOI DOI (RFC 6407 §2.1: DOI 2, ordinary RFC 2408
 * §3.4-3.6 layout): one ISAKMP proposal, one KEY_IKE transform. */
static void build_p1_doi2(struct bb *b, unsigned nprop)
{
	size_t sa, pr, tr;

	hdr(b, IKC_PT_SA, 0x10, IKC_EX_MAIN, 0, 0);
	sa = open_gen(b, 0);
	p32(b, 2); p32(b, 0);
	for (unsigned i = 1; i <= nprop; i++) {
		pr = open_gen(b, i < nprop ? IKC_PT_PROPOSAL : 0);
		p8(b, i); p8(b, 1); p8(b, 0); p8(b, 1);     /* proposal #, PROTO_ISAKMP, no SPI, 1 transform */
		tr = open_gen(b, 0);
		p8(b, 1); p8(b, 1); p16(b, 0);              /* transform 1, KEY_IKE */
		p16(b, 0x8000 | 1); p16(b, 7);              /* AES-CBC */
		p16(b, 0x8000 | 14); p16(b, 256);           /* key length */
		p16(b, 0x8000 | 2); p16(b, 4);              /* SHA2-256 */
		close_gen(b, tr);
		close_gen(b, pr);
	}
	close_gen(b, sa);
	close_hdr(b);
}

Test(isakmp, gdoi_phase1_sa_has_proposals)
{
	struct bb b;
	struct ikc_msg m;

	for (unsigned np = 1; np <= 2; np++) {
		const struct ikc_sa *sa;

		build_p1_doi2(&b, np);
		m = decode(&b, 2);
		cr_assert_eq(m.npayloads, 1);
		cr_assert_eq(m.payloads[0].notes, 0);
		sa = &m.payloads[0].u.sa;
		cr_assert_eq(sa->doi, 2);
		cr_assert_eq(sa->situation, 0);
		cr_assert_eq(sa->ngdoi, 0, "not read in the GROUPKEY-PULL layout");
		cr_assert_eq(sa->nprop, np);
		cr_assert_eq(sa->proposals[0].protoid, 1);
		cr_assert_eq(sa->proposals[0].ntr, 1);
		cr_assert_eq(sa->proposals[0].transforms[0].space, IKC_ATTRS_IKE);
		cr_assert_eq(sa->proposals[0].transforms[0].nattrs, 3);
		cr_assert_eq(sa->proposals[0].transforms[0].attrs[1].value, 256);
	}
}

/* A proposal length that does not fit is no proposal header: the GDOI
 * reading stays, and its bad next-payload value is noted, never over-read. */
Test(isakmp, gdoi_sa_bogus_proposal_length)
{
	struct bb b;
	struct ikc_msg m;
	size_t sa;

	hdr(&b, IKC_PT_SA, 0x10, IKC_EX_MAIN, 0, 0);
	sa = open_gen(&b, 0);
	p32(&b, 2); p32(&b, 0);
	p8(&b, 0); p8(&b, 0); p16(&b, 0xfff0);          /* "length" far past the SA */
	pfill(&b, 0, 8);
	close_gen(&b, sa);
	close_hdr(&b);
	m = decode(&b, 2);
	cr_assert_eq(m.npayloads, 1);
	cr_assert_eq(m.payloads[0].u.sa.nprop, 0);
	cr_assert(m.payloads[0].notes != 0);
}

/* SA TEK whose two-octet ID Data Len runs past the payload: malformed,
 * nothing read past it. */
Test(isakmp, gdoi_sat_id_len_past_end)
{
	struct bb b;
	struct ikc_msg m;
	size_t sa, at;

	hdr(&b, IKC_PT_SA, 0x10, 32, 0, 7);
	sa = open_gen(&b, 0);
	p32(&b, 2); p32(&b, 0); p16(&b, IKC_PT_SAT); p16(&b, 0);
	at = open_gen(&b, 0);
	p8(&b, 1); p8(&b, 47);
	p8(&b, 4); p16(&b, 0); p16(&b, 0x0100); pfill(&b, 0, 8);
	close_gen(&b, at);
	close_gen(&b, sa);
	close_hdr(&b);
	m = decode(&b, 2);
	cr_assert_eq(m.payloads[0].u.sa.ngdoi, 1);
	cr_assert(m.payloads[0].u.sa.gdoi[0].notes & IKC_NOTE(MALFORMED));
	cr_assert_eq(m.payloads[0].u.sa.gdoi[0].u.sat.src_id, NULL);
}

Test(isakmp, gdoi_nested_too_deep)
{
	struct bb b;
	struct ikc_msg m;
	size_t sa, inner;

	hdr(&b, IKC_PT_SA, 0x10, 32, 0, 1);
	sa = open_gen(&b, 0);
	p32(&b, 2); p32(&b, 0); p16(&b, IKC_PT_SA); p16(&b, 0);
	inner = open_gen(&b, 0);
	p32(&b, 2); p32(&b, 0); p16(&b, IKC_PT_SA); p16(&b, 0);
	p8(&b, 0); p8(&b, 0); p16(&b, 16); pfill(&b, 0, 12);
	close_gen(&b, inner);
	close_gen(&b, sa);
	close_hdr(&b);
	m = decode(&b, 2);
	cr_assert_eq(m.npayloads, 1);
	cr_assert_eq(m.payloads[0].u.sa.ngdoi, 1);
	cr_assert(m.payloads[0].u.sa.gdoi[0].notes & IKC_NOTE(NESTING_TOO_DEEP));
}

/* ===================== a real MM1 ===================== */

static size_t load_frame(const char *path, unsigned frame, uint8_t *out, size_t cap)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, errbuf);
	size_t n = 0;

	if (!p)
		cr_skip_test("%s: %s", path, errbuf);
	for (unsigned i = 1; pcap_next_ex(p, &h, &data) == 1; i++) {
		if (i != frame)
			continue;
		/* Ethernet 14 + IPv4 20 (IHL 5 in this capture) + UDP 8 */
		cr_assert_gt(h->caplen, 42);
		n = h->caplen - 42;
		cr_assert_leq(n, cap);
		memcpy(out, data + 42, n);
		break;
	}
	pcap_close(p);
	return n;
}

Test(isakmp, real_mm1_matches_tshark)
{
	static uint8_t buf[2048];
	static const uint8_t icky[8] = { 0xee, 0x6d, 0x1b, 0x7f, 0x1f, 0x9b, 0x4d, 0xc5 };
	/* tshark -r capture.pcap -V, frame 3: IKE attributes in order. */
	static const struct { uint16_t type, value; } want[] = {
		{ 1, 7 }, { 14, 128 }, { 2, 2 }, { 4, 2 }, { 3, 1 }, { 11, 1 }, { 12, 0 },
	};
	static const char *const vids[] = {
		"\x09\x00\x26\x89\xdf\xd6\xb7\x12",
		"\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00",
		"\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f",
		"\x90\xcb\x80\x91\x3e\xbb\x69\x6e\x08\x63\x81\xb5\xec\x42\x7b\x1f",
	};
	static const size_t vid_len[] = { 8, 16, 16, 16 };
	struct ikc_decode_ctx ctx = { .doi = 1 };
	struct ikc_msg m;
	/* captures/lab/ holds a byte-identical copy of the lab capture. */
	size_t n = load_frame("captures/lab/mm-psk-aes128-sha1-g2.pcap", 3, buf, sizeof buf);

	cr_assert_eq(n, 156);
	cr_assert_eq(ikc_isakmp_decode(&arena, buf, n, &ctx, &m), IKC_OK);
	cr_assert_eq(memcmp(m.hdr.icookie, icky, 8), 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(m.hdr.rcookie[i], 0);
	cr_assert_eq(m.hdr.exchange, 2);
	cr_assert_eq(m.hdr.length, 156);
	cr_assert_eq(m.notes, 0);
	cr_assert_eq(m.npayloads, 5);
	cr_assert_eq(m.payloads[0].type, IKC_PT_SA);
	cr_assert_eq(m.payloads[0].length, 56);
	cr_assert_eq(m.payloads[0].notes, 0);
	const struct ikc_sa *sa = &m.payloads[0].u.sa;
	cr_assert_eq(sa->doi, 1);
	cr_assert_eq(sa->situation, 1);
	cr_assert_eq(sa->nprop, 1);
	cr_assert_eq(sa->proposals[0].length, 44);
	cr_assert_eq(sa->proposals[0].protoid, 1);
	cr_assert_eq(sa->proposals[0].spisize, 0);
	cr_assert_eq(sa->proposals[0].ntransforms, 1);
	cr_assert_eq(sa->proposals[0].ntr, 1);
	const struct ikc_transform *t = &sa->proposals[0].transforms[0];
	cr_assert_eq(t->length, 36);
	cr_assert_eq(t->id, 1);     /* KEY_IKE */
	cr_assert_eq(t->space, IKC_ATTRS_IKE);
	cr_assert_eq(t->nattrs, 7);
	for (size_t i = 0; i < 7; i++) {
		cr_assert(t->attrs[i].tv);
		cr_assert_eq(t->attrs[i].type, want[i].type);
		cr_assert_eq(t->attrs[i].value, want[i].value);
	}
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(m.payloads[1 + i].type, IKC_PT_VID);
		cr_assert_eq(m.payloads[1 + i].u.vid.len, vid_len[i]);
		cr_assert_eq(memcmp(m.payloads[1 + i].u.vid.data, vids[i], vid_len[i]), 0);
	}
}

/* ===================== hostile input ===================== */

Test(isakmp, zero_length_payload_terminates)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, IKC_PT_VID, 0x10, 2, 0, 0);
	p8(&b, IKC_PT_VID); p8(&b, 0); p16(&b, 0);
	pfill(&b, 0, 64);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(LENGTH_SHORT));
}

Test(isakmp, length_below_header)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, IKC_PT_NONCE, 0x10, 2, 0, 0);
	p8(&b, 0); p8(&b, 0); p16(&b, 3);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(LENGTH_SHORT));
}

Test(isakmp, length_past_end)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_VID, 0x10, 2, 0, 0);
	at = open_gen(&b, IKC_PT_VID); pfill(&b, 1, 16); close_gen(&b, at);
	p8(&b, 0); p8(&b, 0); p16(&b, 400); pfill(&b, 2, 10);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 2);
	cr_assert_eq(m.payloads[0].notes, 0);
	cr_assert(m.payloads[1].notes & IKC_NOTE(LENGTH_PAST_END));
	cr_assert_not(m.payloads[1].notes & IKC_NOTE(TRUNCATED));
	cr_assert_eq(m.payloads[1].body_len, 10);
}

/* RFC 2408 §3.15: a DELETE (DOI, protocol, SPI size, #SPIs) whose length
 * runs past the message is not decoded: its typed fields must read zero, not
 * whatever the raw bytes' address aliases into them (the one-line view once
 * printed "D(#176 x0)", a pointer byte), and the shared predicate says so. */
Test(isakmp, length_past_end_leaves_no_typed_fields)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, IKC_PT_DELETE, 0x10, 5, 0, 0);
	p8(&b, 0); p8(&b, 0); p16(&b, 400);          /* length 400, 12 bytes follow */
	p32(&b, 1); p8(&b, 1); p8(&b, 16); p16(&b, 1); pfill(&b, 0x3c, 4);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(LENGTH_PAST_END));
	cr_assert_not(ikc_payload_decoded(&m.payloads[0]));
	cr_assert_eq(m.payloads[0].body_len, 12);
	cr_assert_eq(m.payloads[0].u.del.doi, 0);
	cr_assert_eq(m.payloads[0].u.del.protoid, 0);
	cr_assert_eq(m.payloads[0].u.del.nspi, 0);
	cr_assert_null(m.payloads[0].u.del.spis);
}

Test(isakmp, chain_promises_missing_payload)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_VID, 0x10, 2, 0, 0);
	at = open_gen(&b, IKC_PT_NONCE); pfill(&b, 1, 16); close_gen(&b, at);
	p8(&b, 0xff);       /* a lone byte where a header should be */
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 1);
	cr_assert(m.notes & IKC_NOTE(MALFORMED));
}

Test(isakmp, extra_data_inside_payload)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_SEQ, 0x10, 33, 0, 0);
	at = open_gen(&b, 0); p32(&b, 5); p8(&b, 0xee); close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 2);
	cr_assert(m.payloads[0].notes & IKC_NOTE(EXTRA_DATA));
	cr_assert_eq(m.payloads[0].u.seq.seq, 5);
}

Test(isakmp, short_fixed_fields_are_malformed)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_NOTIFY, 0x10, 5, 0, 0);
	at = open_gen(&b, 0); p32(&b, 1); p8(&b, 1); close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(MALFORMED));
}

Test(isakmp, absurd_attribute_length)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_ATTR, 0x10, 6, 0, 1);
	at = open_gen(&b, 0);
	p8(&b, 2); p8(&b, 0); p16(&b, 1);
	p16(&b, 0x8000 | 1); p16(&b, 5);     /* one good TV */
	p16(&b, 13); p16(&b, 0xffff);        /* TLV claims 65535 bytes */
	pfill(&b, 0x41, 6);
	close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(ATTR_TRUNCATED));
	cr_assert_not(m.payloads[0].notes & IKC_NOTE(EXTRA_DATA));
	cr_assert_eq(m.payloads[0].u.attr.nattrs, 2);
	cr_assert(m.payloads[0].u.attr.attrs[1].notes & IKC_NOTE(ATTR_TRUNCATED));
	cr_assert_not(m.payloads[0].u.attr.attrs[1].has_value);
	/* It keeps the length it declared, so its bytes are not whole. */
	cr_assert_eq(m.payloads[0].u.attr.attrs[1].len, 0xffff);
	cr_assert_not(ikc_attr_whole(&m.payloads[0].u.attr.attrs[1]));
	cr_assert(ikc_attr_whole(&(struct ikc_attr){ .data = (const uint8_t *)"ab", .len = 2 }));
	cr_assert_not(ikc_attr_whole(&m.payloads[0].u.attr.attrs[0]));   /* a TV */
	/* A dangling 1-3 byte tail is an attribute cut short too. */
	hdr(&b, IKC_PT_GAP, 0x10, 32, 0, 1);
	at = open_gen(&b, 0); p16(&b, 0x8001); p16(&b, 1); p8(&b, 0x80); close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 2);
	cr_assert(m.payloads[0].notes & IKC_NOTE(ATTR_TRUNCATED));
	cr_assert_eq(m.payloads[0].u.gap.nattrs, 1);
}

Test(isakmp, too_many_attributes)
{
	struct bb b;
	struct ikc_msg m;
	size_t at;

	hdr(&b, IKC_PT_GAP, 0x10, 32, 0, 1);
	at = open_gen(&b, 0);
	for (int i = 0; i < IKC_MAX_ATTRS + 10; i++) {
		p16(&b, 0x8001); p16(&b, (unsigned)i);
	}
	close_gen(&b, at);
	close_hdr(&b);
	m = decode(&b, 2);
	cr_assert_eq(m.payloads[0].u.gap.nattrs, IKC_MAX_ATTRS);
	cr_assert(m.payloads[0].notes & IKC_NOTE(CHAIN_TOO_LONG));
}

Test(isakmp, transform_count_mismatch_and_bad_proposal)
{
	struct bb b;
	struct ikc_msg m;
	size_t sa, pr, tr;

	hdr(&b, IKC_PT_SA, 0x10, 2, 0, 0);
	sa = open_gen(&b, 0);
	p32(&b, 1); p32(&b, 1);
	pr = open_gen(&b, 2);
	p8(&b, 1); p8(&b, 1); p8(&b, 0); p8(&b, 3);  /* claims 3 transforms, has 1 */
	tr = open_gen(&b, 0); p8(&b, 1); p8(&b, 1); p16(&b, 0); close_gen(&b, tr);
	close_gen(&b, pr);
	p8(&b, 0); p8(&b, 0); p16(&b, 200); p32(&b, 0);  /* second proposal past SA end */
	close_gen(&b, sa);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 1);
	cr_assert_eq(m.payloads[0].u.sa.nprop, 1);
	cr_assert(m.payloads[0].u.sa.proposals[0].notes & IKC_NOTE(COUNT_MISMATCH));
	cr_assert_eq(m.payloads[0].u.sa.proposals[0].ntr, 1);
	cr_assert(m.payloads[0].notes & IKC_NOTE(LENGTH_PAST_END));
}

Test(isakmp, too_many_transforms)
{
	struct bb b;
	struct ikc_msg m;
	size_t sa, pr, tr;

	hdr(&b, IKC_PT_SA, 0x10, 2, 0, 0);
	sa = open_gen(&b, 0);
	p32(&b, 1); p32(&b, 1);
	pr = open_gen(&b, 0);
	p8(&b, 1); p8(&b, 1); p8(&b, 0); p8(&b, 100);
	for (int i = 0; i < 100; i++) {
		tr = open_gen(&b, 3); p8(&b, (unsigned)i); p8(&b, 1); p16(&b, 0); close_gen(&b, tr);
	}
	close_gen(&b, pr);
	close_gen(&b, sa);
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.payloads[0].u.sa.proposals[0].ntr, IKC_MAX_TRANSFORMS);
	cr_assert(m.payloads[0].u.sa.proposals[0].notes & IKC_NOTE(CHAIN_TOO_LONG));
}

Test(isakmp, chain_of_70_payloads_capped)
{
	struct bb b;
	struct ikc_msg m;

	hdr(&b, IKC_PT_VID, 0x10, 2, 0, 0);
	for (int i = 0; i < 70; i++) {
		size_t at = open_gen(&b, i == 69 ? 0 : IKC_PT_VID);
		close_gen(&b, at);      /* empty VIDs: 4 bytes each */
	}
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, IKC_MAX_PAYLOADS);
	cr_assert(m.notes & IKC_NOTE(CHAIN_TOO_LONG));
}

Test(isakmp, self_looping_empty_payloads_end)
{
	struct bb b;
	struct ikc_msg m;

	/* 4-byte payloads each naming another: the buffer end stops them. */
	hdr(&b, IKC_PT_HASH, 0x10, 2, 0, 0);
	for (int i = 0; i < 10; i++) {
		size_t at = open_gen(&b, IKC_PT_HASH);
		close_gen(&b, at);
	}
	close_hdr(&b);
	m = decode(&b, 1);
	cr_assert_eq(m.npayloads, 10);
	cr_assert(m.notes & IKC_NOTE(MALFORMED));
}

Test(isakmp, arena_exhaustion_is_a_note)
{
	struct ikc_arena small;
	struct ikc_decode_ctx ctx = { .doi = 1 };
	struct ikc_msg m;
	struct bb b;

	build_gdoi(&b, 0);
	for (size_t cap = 0; cap < 4096; cap += 16) {
		cr_assert_eq(ikc_arena_init(&small, cap ? cap : 1), 0);
		cr_assert_eq(ikc_isakmp_decode(&small, b.b, b.n, &ctx, &m), IKC_OK);
		if (!m.npayloads)
			cr_assert(m.notes & IKC_NOTE(ARENA_FULL));
		ikc_arena_free(&small);
	}
}

Test(isakmp, chain_decode_on_plain_buffer)
{
	struct bb b = { .n = 0 };
	struct ikc_payload *pl;
	size_t n;
	ikc_notes cn = 0;
	size_t at = open_gen(&b, IKC_PT_NONCE);

	pfill(&b, 0x11, 20);
	close_gen(&b, at);
	at = open_gen(&b, 0); pfill(&b, 0x22, 16); close_gen(&b, at);
	pfill(&b, 0, 4);        /* CBC padding after the last payload */
	cr_assert_eq(ikc_payload_chain_decode(&arena, IKC_PT_HASH, b.b, b.n, NULL, &pl, &n, &cn), IKC_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(pl[0].u.hash.len, 20);
	cr_assert_eq(pl[1].u.nonce.len, 16);
	cr_assert(cn & IKC_NOTE(TRAILING_DATA));
}

/* Every prefix of a valid message decodes without reading past it (ASan). */
Test(isakmp, every_truncation_of_gdoi)
{
	struct bb b;
	struct ikc_msg m;
	uint8_t *copy;

	build_gdoi(&b, 0);
	for (size_t n = 28; n <= b.n; n++) {
		copy = malloc(n);
		memcpy(copy, b.b, n);
		cr_assert_eq(ikc_isakmp_decode(&arena, copy, n, NULL, &m), IKC_OK);
		if (n < b.n)
			cr_assert(m.notes & IKC_NOTE(TRUNCATED));
		free(copy);
		ikc_arena_reset(&arena);
	}
}

/* Public crash reproducers (corpus/tcpdump, corpus/zeek-spicy-ipsec): what
 * tshark -V says about them, frame 1. */
Test(isakmp, regress_pointer_loop_and_zero_length)
{
	static uint8_t buf[2048];
	struct ikc_msg m;
	size_t n;

	/* ISAKMP length 0, next HASH, 2 bytes after the header. */
	n = load_frame("captures/corpus/tcpdump/isakmp-pointer-loop.pcap", 1, buf, sizeof buf);
	cr_assert_eq(ikc_isakmp_decode(&arena, buf, n, NULL, &m), IKC_OK);
	cr_assert_eq(m.hdr.length, 0);
	cr_assert(m.notes & IKC_NOTE(HDR_LENGTH_MISMATCH));
	cr_assert_eq(m.npayloads, 0);
	n = load_frame("captures/corpus/zeek-spicy-ipsec/ipsec-ikev1-payload-bad-length.pcap", 1, buf,
		       sizeof buf);
	cr_assert_eq(ikc_isakmp_decode(&arena, buf, n, NULL, &m), IKC_OK);
	cr_assert_gt(m.npayloads, 0);
	cr_assert(m.payloads[m.npayloads - 1].notes & IKC_NOTE(LENGTH_SHORT));
}

/* test_flood.c - bounded state under a flood of spoofed MM1s (issue 9).
 *
 * 20,000 Main Mode MM1 messages, each with its own initiator cookie and
 * source address, built here by hand from RFC 2408 §3.1/§3.4-3.6 (ISAKMP
 * header, SA/proposal/transform) and RFC 791 (IPv4), go through the same
 * pipeline as ikecap (net layer, ISAKMP decode, session) with the IKE SA limit
 * at 1,000: exactly 19,000 SAs must be evicted, 1,000 held, and the held ones
 * must be the newest (the oldest is evicted first).  tools/flood/ measures
 * the same at 1,000,000 with RSS and time.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/arena.h"
#include "../decoders/isakmp.h"
#include "../dissector/diagnose.h"
#include "../dissector/net.h"
#include "../dissector/session.h"
#include "../dissector/session_int.h"

#define FLOOD_N 20000u
#define FLOOD_LIMIT 1000u

struct flood {
	struct ikc_session *s;
	struct ikc_arena a;
	uint64_t delivered, decoded;
};

static void on_pkt(void *ctx, const struct ikc_pkt *pkt)
{
	struct flood *f = ctx;
	struct ikc_decode_ctx d = { .doi = IKC_DOI_IPSEC };
	struct ikc_msg msg;
	struct ikc_msg_info info;

	f->delivered++;
	ikc_arena_reset(&f->a);
	if (ikc_isakmp_decode(&f->a, pkt->data, pkt->len, &d, &msg) != IKC_OK)
		return;
	f->decoded++;
	ikc_session_process(f->s, &f->a, pkt, &msg, &info);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 + UDP 500/500 + MM1 (SA: one proposal, one transform).
 * Returns the frame length. */
static size_t mm1_frame(uint8_t *b, uint32_t i)
{
	static const uint8_t attrs[] = {
		0x80, 0x01, 0x00, 0x07, /* encryption AES-CBC (RFC 2409 App. A + RFC 3602) */
		0x80, 0x0e, 0x00, 0x80, /* key length 128 */
		0x80, 0x02, 0x00, 0x02, /* hash SHA */
		0x80, 0x03, 0x00, 0x01, /* auth pre-shared key */
		0x80, 0x04, 0x00, 0x02, /* group 2 */
	};
	size_t tr = 8 + sizeof attrs, prop = 8 + tr, sa = 4 + 8 + prop, isakmp = 28 + sa;
	uint8_t *ip = b + 14, *udp = ip + 20, *h = udp + 8, *p;

	memset(b, 0, 14 + 20 + 8 + isakmp);
	b[12] = 0x08;                                  /* EtherType IPv4 */
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(20 + 8 + isakmp));
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10, ip[13] = (uint8_t)(i >> 16), ip[14] = (uint8_t)(i >> 8), ip[15] = (uint8_t)i;
	ip[16] = 192, ip[17] = 0, ip[18] = 2, ip[19] = 1;
	put16(udp, 500);
	put16(udp + 2, 500);
	put16(udp + 4, (unsigned)(8 + isakmp));
	h[0] = 0x1c, h[4] = (uint8_t)(i >> 24), h[5] = (uint8_t)(i >> 16), h[6] = (uint8_t)(i >> 8), h[7] = (uint8_t)i;
	h[16] = 1;                                     /* next payload: SA */
	h[17] = 0x10;                                  /* version 1.0 */
	h[18] = 2;                                     /* Main Mode */
	h[24] = (uint8_t)(isakmp >> 24), h[25] = (uint8_t)(isakmp >> 16), h[26] = (uint8_t)(isakmp >> 8);
	h[27] = (uint8_t)isakmp;
	p = h + 28;
	put16(p + 2, (unsigned)sa);
	p[7] = 1;                                      /* DOI IPsec */
	p[11] = 1;                                     /* situation: identity only */
	p += 12;
	put16(p + 2, (unsigned)prop);
	p[4] = 1, p[5] = 1, p[6] = 0, p[7] = 1;        /* proposal 1, PROTO_ISAKMP, no SPI, 1 transform */
	p += 8;
	put16(p + 2, (unsigned)tr);
	p[4] = 1, p[5] = 1;                            /* transform 1, KEY_IKE */
	memcpy(p + 8, attrs, sizeof attrs);
	return 14 + 20 + 8 + isakmp;
}

Test(flood, twenty_thousand_cookies_keep_the_newest_thousand)
{
	struct ikc_session_config cfg;
	struct ikc_net_config ncfg;
	struct ikc_session_stats st;
	struct ikc_net *net;
	struct flood f = { 0 };
	const struct ikc_ike_sa **v = NULL;
	uint8_t frame[256];
	size_t n;

	ikc_session_config_default(&cfg);
	cfg.max_sas = FLOOD_LIMIT;
	ikc_net_config_default(&ncfg);
	net = ikc_net_new(&ncfg);
	f.s = ikc_session_new(&cfg, NULL);
	cr_assert(net && f.s);
	cr_assert_eq(ikc_arena_init(&f.a, 1u << 16), 0);
	for (uint32_t i = 0; i < FLOOD_N; i++) {
		size_t len = mm1_frame(frame, i);
		cr_assert_eq(ikc_net_input(net, 1 /* DLT_EN10MB */, i + 1, 1700000000, i * 1000u, frame, len, len,
					   on_pkt, &f), IKC_NV_DELIVERED);
	}
	cr_assert_eq(f.decoded, FLOOD_N);
	ikc_session_get_stats(f.s, &st);
	cr_assert_eq(st.sas, FLOOD_N);
	cr_assert_eq(st.evicted, FLOOD_N - FLOOD_LIMIT);
	cr_assert_eq(st.messages, FLOOD_N);
	n = ikc_session_list(f.s, &v);
	cr_assert_eq(n, FLOOD_LIMIT);
	/* Oldest first: what is left is MM1 number 19000 .. 19999. */
	cr_assert_eq(v[0]->icky[4] << 24 | v[0]->icky[5] << 16 | v[0]->icky[6] << 8 | v[0]->icky[7],
		     FLOOD_N - FLOOD_LIMIT);
	cr_assert_eq(v[n - 1]->first_frame, FLOOD_N);
	/* An SA made by MM1 alone carries no key state, only its SAi_b. */
	cr_assert_null(v[0]->crypto);
	cr_assert_eq(v[0]->sai_b.len, 4 + 4 + 8 + 8 + 20);
	free(v);
	ikc_session_free(f.s);
	ikc_net_free(net);
	ikc_arena_free(&f.a);
}

struct collected {
	struct ikc_diag_list l;
	size_t batches, sas;
};

static void collect(void *ctx, const struct ikc_ike_sa *const *sas, size_t n, const struct ikc_diag_list *l)
{
	struct collected *c = ctx;

	c->batches++;
	c->sas += n;
	for (size_t i = 0; i < l->n; i++) {
		bool of_batch = false;
		for (size_t k = 0; k < n; k++)
			of_batch = of_batch || l->v[i].sa == sas[k];
		cr_assert(of_batch, "a batch's findings are about the batch's SAs");
		struct ikc_finding *d = ikc_diag_list_add(&c->l, l->v[i].code, l->v[i].severity, l->v[i].certainty,
							  l->v[i].icky);
		cr_assert_not_null(d);
		memcpy(d->frames, l->v[i].frames, sizeof d->frames);
		d->nframes = l->v[i].nframes;
		d->text = l->v[i].text ? strdup(l->v[i].text) : NULL;
	}
}

/* The end-of-run text diagnosis counts the live SAs' findings, then writes
 * them a batch at a time: both must agree with the one-shot diagnosis,
 * finding for finding, at every batch size. */
Test(flood, batched_diagnosis_matches_the_whole)
{
	struct ikc_session_config cfg;
	struct ikc_net_config ncfg;
	struct ikc_net *net;
	struct flood f = { 0 };
	struct ikc_diag_list all;
	uint8_t frame[256];
	size_t counted = 0;
	static const size_t batches[] = { 1, 7, 256, 600, 5000 };

	ikc_session_config_default(&cfg);
	ikc_net_config_default(&ncfg);
	net = ikc_net_new(&ncfg);
	f.s = ikc_session_new(&cfg, NULL);
	cr_assert(net && f.s);
	cr_assert_eq(ikc_arena_init(&f.a, 1u << 16), 0);
	for (uint32_t i = 0; i < 600; i++) {
		size_t len = mm1_frame(frame, i % 300);   /* the second 300 retransmit the first */
		ikc_net_input(net, 1, i + 1, 1700000000 + i, 0, frame, len, len, on_pkt, &f);
	}
	ikc_diag_list_init(&all);
	cr_assert_eq(ikc_diagnose_session(f.s, &all), IKC_OK);
	cr_assert_geq(all.n, 300, "every unanswered MM1 is a finding");
	cr_assert_eq(ikc_diagnose_session_count(f.s, &counted), IKC_OK);
	cr_assert_eq(counted, all.n);
	for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
		struct collected c = { .batches = 0 };

		ikc_diag_list_init(&c.l);
		cr_assert_eq(ikc_diagnose_session_each(f.s, batches[b], collect, &c), IKC_OK);
		cr_assert_eq(c.l.n, all.n, "batch %zu", batches[b]);
		cr_assert_eq(c.batches, (300 + batches[b] - 1) / batches[b], "every full batch, then the rest");
		cr_assert_eq(c.sas, 300, "every SA in one batch");
		for (size_t i = 0; i < all.n; i++) {
			cr_assert_str_eq(c.l.v[i].code, all.v[i].code);
			cr_assert_eq(memcmp(c.l.v[i].icky, all.v[i].icky, 8), 0);
			cr_assert_eq(c.l.v[i].nframes, all.v[i].nframes);
			cr_assert_eq(memcmp(c.l.v[i].frames, all.v[i].frames, sizeof all.v[i].frames), 0);
			cr_assert_str_eq(c.l.v[i].text ? c.l.v[i].text : "", all.v[i].text ? all.v[i].text : "");
		}
		ikc_diag_list_free(&c.l);
	}
	ikc_diag_list_free(&all);
	ikc_session_free(f.s);
	ikc_net_free(net);
	ikc_arena_free(&f.a);
}

/* gdoi.c - GDOI registrations and rekeys: group state, KEK decryption of
 * GROUPKEY-PUSH, SIG and SEQ checks, TEKs for the ESP table; see gdoi.h.
 *
 * RFC 6407 §3 (GROUPKEY-PULL), §3.2 (its HASHes), §4 (GROUPKEY-PUSH: HDR*,
 * SEQ, [D,] SA, KD, [CERT,] SIG, the SIG over "rekey" | HDR | payloads before
 * the SIG), §5.3.3 (KEK attributes: KEK_ALGORITHM 2, KEK_KEY_LENGTH 3,
 * SIG_HASH_ALGORITHM 5, SIG_ALGORITHM 6), §5.4.1 (SA TEK for ESP: RFC 2407
 * attributes), §5.6.1 (TEK download: TEK_ALGORITHM_KEY 1, TEK_INTEGRITY_KEY 2),
 * §5.6.2 (KEK download: KEK_ALGORITHM_KEY 1, SIG_ALGORITHM_KEY 2), §5.7 (SEQ);
 * RFC 2407 §4.5 (SA Life Type / Duration of a TEK), RFC 6407 §5.3.3
 * (KEK_KEY_LIFETIME 4); RFC 8263 §2 (GROUPKEY-PUSH ACK: HDR, HASH, SEQ, ID).
 * RFC 6407 §3.2 options of PULL3/PULL4: KE (PFS: the KD's key material is
 * protected with the new DH secret, after RFC 2412's IEXTKEY), CERT and POP
 * (a SIG payload: the sender's signature over Ni_b | Nr_b).
 *
 *  GM                                   KS
 *  HDR*(P1 cookies), HASH(1), Ni, ID   -->            PULL1
 *                                      <--  HASH(2), Nr, SA(SAK, [GAP,] SAT...)
 *  HASH(3) [, KE, CERT, POP]           -->            PULL3
 *                                      <--  HASH(4) [, KE], SEQ, KD
 *                                      <--  HDR*(KEK SPI), SEQ, SA, KD, SIG   PUSH
 *
 * Where the RFC leaves room our peers (tools/gdoi, captures/gdoi/README.md)
 * chose as the GDOI reference code does: KEK_ALGORITHM_KEY = IV | key, that
 * IV for every rekey; the SIG over "rekey" | HDR | SEQ | SA | KD, HDR as sent
 * but with Length = 28 + the unpadded payloads including the SIG payload;
 * SIG_ALGORITHM_KEY a DER SubjectPublicKeyInfo.  PFS: every secret key value
 * of the KD (TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY, KEK_ALGORITHM_KEY; not the
 * public SIG_ALGORITHM_KEY) XORed with g^xy of the PULL's KE pair, one running
 * offset through the KD in wire order (the KD stays parseable); that g^xy from
 * a `dh ICKY:MSGID` key line (MSGID the PULL's) or a `dhpriv` of either side
 * in the phase-1 DH group.  POP signed with the phase-1 hash (RSA PKCS#1 v1.5),
 * verified with the CERT (X.509) of the same message.
 *
 *   PULL3  HDR*, HASH(3) [, KE_I] [, CERT, POP_I = SIG(Ni_b | Nr_b)]
 *   PULL4  HDR*, HASH(4) [, KE_R], SEQ, KD [, CERT, POP_R = SIG(Ni_b | Nr_b)]
 *   KD key packet attribute:  | type | length | value XOR g^xy[off .. off+length) |
 */
#include "gdoi.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/esp_crypto.h"
#include "diagnose.h"
#include "esp_sa.h"
#include "keys.h"
#include "session.h"
#include "session_int.h"
#include "util.h"

#define HDR_LEN 28u
#define KEK_SPI_LEN 16u
#define MAX_KEK_KEY 32u
#define MAX_SPKI 2048u
#define MAX_NONCE 256u
#define MAX_CERT 8192u

/* RFC 6407 §5.3.3 KEK attributes, §5.6 key packet types and attributes. */
enum {
	KEK_ATTR_ALGORITHM = 2, KEK_ATTR_KEY_LENGTH = 3, KEK_ATTR_LIFETIME = 4, KEK_ATTR_SIG_HASH = 5,
	KEK_ATTR_SIG_ALG = 6,
	KEK_ATTR_ACK_REQUESTED = 9,   /* RFC 8263 §2 (our reading of the number: see EX_PUSH_ACK) */
	KEK_ALG_DES = 1, KEK_ALG_3DES = 2, KEK_ALG_AES = 3,
	KD_TEK = 1, KD_KEK = 2,
	KD_TEK_ALGORITHM_KEY = 1, KD_TEK_INTEGRITY_KEY = 2,
	KD_KEK_ALGORITHM_KEY = 1, KD_SIG_ALGORITHM_KEY = 2,
	GDOI_PROTO_IPSEC_ESP = 1,
};
/* RFC 2407 §4.5 attributes of an ESP TEK. */
enum { IPSEC_LIFE_TYPE = 1, IPSEC_LIFE_DURATION = 2, IPSEC_ENCAP = 4, IPSEC_AUTH = 5, IPSEC_KEYLEN = 6,
       IPSEC_LIFE_SECONDS = 1 };

/* GROUPKEY-PUSH ACK (RFC 8263 §2): the member's answer to a rekey whose SA
 * KEK carried KEK_ACK_REQUESTED.  Not encrypted; the cookies are the KEK
 * SPI, Message ID 0:
 *
 *    GM                                   KS
 *    HDR(KEK SPI, exchange 35), HASH, SEQ, ID  -->
 *
 * SEQ repeats the rekey's, ID names the member.  Exchange 35 and the HASH
 * key (derived from the KEK, RFC 8263 §2.1) are from our memory of the RFC:
 * the text was not at hand, so the HASH is shown, not verified. */
#define EX_PUSH_ACK 35

#define NS_PER_S 1000000000LL

struct tek {
	uint32_t spi;
	bool have_policy, have_keys, accepted, installed;
	uint8_t transform_id;
	uint16_t keylen, auth, encap;
	uint8_t enc_key[IKC_ESP_MAX_ENC_KEY], auth_key[IKC_ESP_MAX_AUTH_KEY];
	size_t enc_len, auth_len;
	uint64_t frame;               /* the KD that gave its keys */
	bool from_push;
	uint32_t life_s;              /* SA Life Duration in seconds (SA TEK), 0 none */
	int64_t keyed_ns;             /* capture time of that KD */
	uint64_t past_frame;          /* first packet after keyed_ns + life_s */
	uint64_t late_packets, late_frame, late_last_frame;   /* ESP on it after that */
};

enum rekey_kind { RK_OK, RK_REPLAY, RK_GAP, RK_BADSIG, RK_UNVERIFIED };

struct rekey {
	uint64_t frame;
	uint32_t seq, prev_seq;
	enum rekey_kind kind;
	int sig;                      /* 1 verified, 0 bad, -1 not checkable */
	bool accepted, replay, gap;
	uint64_t ack_frame;           /* first GROUPKEY-PUSH ACK with this SEQ */
	uint32_t acks;
	bool ack_requested;           /* accepted with KEK_ACK_REQUESTED in force */
	int64_t ns;                   /* capture time */
};

/* What PULL3/PULL4 carried beyond HASH, SEQ, KD (RFC 6407 §3.2), allocated
 * with the group's first nonce. */
enum pfs_key { PFS_NONE, PFS_DH_LINE, PFS_DHPRIV, PFS_MISSING };

struct pullx {
	uint8_t ni[MAX_NONCE], nr[MAX_NONCE];
	size_t ni_len, nr_len;
	uint16_t p1_hash, p1_group;   /* phase-1 hash (POP) and DH group (PFS) */
	uint8_t ke_i[IKC_MAX_DH], ke_r[IKC_MAX_DH];
	size_t ke_i_len, ke_r_len;
	enum pfs_key pfs;             /* KE_R in PULL4: the KD is masked */
	uint8_t gxy[IKC_MAX_DH];
	size_t gxy_len;
	int pop[2];                   /* [0] POP_I, [1] POP_R: 1 verified, 0 failed, -1 unchecked, -2 none */
	uint64_t pop_frame[2];
};

#define PULL1_KEPT 8   /* copies of an unanswered registration cited */

struct group {
	uint8_t p1_icky[8], p1_rcky[8];
	int af;
	uint8_t gm[16], ks[16];
	uint32_t group_id;
	bool have_group_id;
	/* registration */
	uint32_t pull_msgid;
	uint64_t pull1_frame, pull1_last_frame, pull2_frame, pull4_frame;
	uint64_t pull1_copy[PULL1_KEPT];  /* PULL1's copies: the first PULL1_KEPT - 1 and the latest */
	uint8_t npull1_copy;
	uint32_t pull1_copies;
	/* KEK */
	bool have_kek_spi, have_kek_key;
	uint8_t kek_spi[KEK_SPI_LEN];
	uint16_t kek_alg, kek_keylen, sig_hash, sig_alg;
	uint8_t kek_key[MAX_KEK_KEY], kek_iv[IKC_MAX_BLOCK];
	size_t kek_key_len, kek_iv_len;
	uint8_t *spki;
	size_t spki_len;
	uint64_t kek_frame;
	uint32_t kek_life_s;           /* KEK_KEY_LIFETIME, 0 none */
	int64_t kek_keyed_ns;
	uint64_t kek_past_frame;       /* first packet after the KEK's lifetime */
	bool ack_requested;            /* KEK_ACK_REQUESTED in the last SA KEK */
	uint32_t acks, acks_unmatched;
	/* SEQ */
	bool have_seq;
	uint32_t last_seq;             /* last accepted */
	uint32_t top_seq;              /* highest in any decrypted rekey */
	/* TEKs and rekeys */
	struct tek teks[IKC_GDOI_MAX_TEKS];
	size_t nteks, teks_dropped;
	struct rekey rk[IKC_GDOI_MAX_EVENTS];
	size_t nrk, rk_dropped;
	uint32_t push_no_key;
	uint64_t push_no_key_frame;
	uint32_t pull_not_decrypted;   /* encrypted PULL messages not opened: their TEKs are unknown */
	struct pullx *px;
};

struct ikc_gdoi {
	const struct ikc_keys *keys;  /* PFS secrets of PULLs (not owned) */
	struct group *g;
	size_t n, cap, dropped;
	/* capture clock (ikc_gdoi_note_packet) */
	int64_t last_ns;
	uint64_t last_frame, packets;
	int64_t next_expiry_ns;       /* earliest lifetime end not yet passed, 0 none */
	bool expiry_dirty;            /* a KD changed lifetimes: recompute */
	size_t nexpired;              /* TEKs past their lifetime */
};

struct ikc_gdoi *ikc_gdoi_new(void)
{
	return calloc(1, sizeof(struct ikc_gdoi));
}

void ikc_gdoi_free(struct ikc_gdoi *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		if (g->g[i].spki)
			OPENSSL_cleanse(g->g[i].spki, g->g[i].spki_len);
		free(g->g[i].spki);
		if (g->g[i].px)
			OPENSSL_cleanse(g->g[i].px, sizeof *g->g[i].px);
		free(g->g[i].px);
	}
	if (g->g)
		OPENSSL_cleanse(g->g, g->cap * sizeof *g->g);
	free(g->g);
	free(g);
}

void ikc_gdoi_set_keys(struct ikc_gdoi *g, const struct ikc_keys *keys)
{
	if (g)
		g->keys = keys;
}

size_t ikc_gdoi_count(const struct ikc_gdoi *g)
{
	return g ? g->n : 0;
}

uint32_t ikc_gdoi_exchange_doi(const struct ikc_pkt *pkt, const struct ikc_msg *msg, uint32_t sa_doi)
{
	if (pkt->transport == IKC_T_UDP848 && (msg->hdr.exchange == IKC_EX_QUICK ||
					       msg->hdr.exchange == IKC_EX_NEW_GROUP || msg->hdr.exchange == EX_PUSH_ACK))
		return IKC_DOI_GDOI;
	return sa_doi;
}

bool ikc_gdoi_is_push(uint32_t doi, const struct ikc_msg *msg)
{
	return doi == IKC_DOI_GDOI && msg->hdr.exchange == IKC_EX_NEW_GROUP && IKC_IS_IKEV1(msg->hdr.version);
}

bool ikc_gdoi_is_rekey_traffic(uint32_t doi, const struct ikc_msg *msg)
{
	return ikc_gdoi_is_push(doi, msg) ||
	       (doi == IKC_DOI_GDOI && msg->hdr.exchange == EX_PUSH_ACK && IKC_IS_IKEV1(msg->hdr.version));
}

/* ---------------------------------------------------------------- lookup */

static struct group *by_p1(struct ikc_gdoi *g, const uint8_t icky[8], const uint8_t rcky[8])
{
	for (size_t i = 0; i < g->n; i++)
		if (memcmp(g->g[i].p1_icky, icky, 8) == 0 && memcmp(g->g[i].p1_rcky, rcky, 8) == 0)
			return &g->g[i];
	return NULL;
}

/* The newest group holding this KEK SPI (a later registration may repeat it). */
static struct group *by_kek(struct ikc_gdoi *g, const uint8_t spi[KEK_SPI_LEN])
{
	for (size_t i = g->n; i-- > 0;)
		if (g->g[i].have_kek_spi && memcmp(g->g[i].kek_spi, spi, KEK_SPI_LEN) == 0)
			return &g->g[i];
	return NULL;
}

static struct group *group_new(struct ikc_gdoi *g, const uint8_t icky[8], const uint8_t rcky[8])
{
	struct group *gr;

	if (!(gr = ikc_grow(g->g, &g->cap, g->n, sizeof *gr, 2, IKC_GDOI_MAX_GROUPS))) {
		g->dropped++;
		return NULL;
	}
	g->g = gr;
	gr = &g->g[g->n++];
	memset(gr, 0, sizeof *gr);
	memcpy(gr->p1_icky, icky, 8);
	memcpy(gr->p1_rcky, rcky, 8);
	return gr;
}

static struct tek *tek_of(struct group *gr, uint32_t spi)
{
	struct tek *t;

	for (size_t i = 0; i < gr->nteks; i++)
		if (gr->teks[i].spi == spi)
			return &gr->teks[i];
	if (gr->nteks == IKC_GDOI_MAX_TEKS) {
		gr->teks_dropped++;
		return NULL;
	}
	t = &gr->teks[gr->nteks++];
	memset(t, 0, sizeof *t);
	t->spi = spi;
	return t;
}

/* ---------------------------------------------------------------- learning */

static const struct ikc_attr *attr_find(const struct ikc_attr *v, size_t n, uint16_t type)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].type == type)
			return &v[i];
	return NULL;
}

static uint16_t attr_u16(const struct ikc_attr *v, size_t n, uint16_t type)
{
	const struct ikc_attr *a = attr_find(v, n, type);

	return a && a->has_value ? (uint16_t)a->value : 0;
}

static bool payload_ok(const struct ikc_payload *p)
{
	return !(p->notes & (IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) | IKC_NOTE(TRUNCATED) |
			     IKC_NOTE(MALFORMED)));
}

/* RFC 2407 §4.5: a Life Duration applies to the Life Type before it; the
 * seconds one, 0 when there is none. */
static uint32_t tek_life(const struct ikc_attr *v, size_t n)
{
	uint16_t type = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].type == IPSEC_LIFE_TYPE && v[i].has_value)
			type = (uint16_t)v[i].value;
		else if (v[i].type == IPSEC_LIFE_DURATION && v[i].has_value && type == IPSEC_LIFE_SECONDS)
			return v[i].value;
	}
	return 0;
}

static int64_t pkt_ns(const struct ikc_pkt *pkt)
{
	if (pkt->ts_sec < 0)
		return 0;
	if (pkt->ts_sec > INT64_MAX / NS_PER_S - 1)
		return INT64_MAX;
	return pkt->ts_sec * NS_PER_S + (int64_t)(pkt->ts_nsec % NS_PER_S);
}

/* keyed + life seconds, saturating. */
static int64_t expiry_ns(int64_t keyed, uint32_t life_s)
{
	int64_t d = (int64_t)life_s * NS_PER_S;

	return keyed > INT64_MAX - d ? INT64_MAX : keyed + d;
}

/* SA KEK and SA TEKs of a GDOI SA payload (PULL2 or a rekey). */
static void learn_sa(struct group *gr, const struct ikc_sa *sa, bool accept)
{
	for (size_t i = 0; i < sa->ngdoi; i++) {
		const struct ikc_payload *p = &sa->gdoi[i];

		if (!payload_ok(p))
			continue;
		if (p->type == IKC_PT_SAK && p->u.sak.spi && accept) {
			const struct ikc_sak *k = &p->u.sak;
			memcpy(gr->kek_spi, k->spi, KEK_SPI_LEN);
			gr->have_kek_spi = true;
			gr->kek_alg = attr_u16(k->attrs, k->nattrs, KEK_ATTR_ALGORITHM);
			gr->kek_keylen = attr_u16(k->attrs, k->nattrs, KEK_ATTR_KEY_LENGTH);
			gr->sig_hash = attr_u16(k->attrs, k->nattrs, KEK_ATTR_SIG_HASH);
			gr->sig_alg = attr_u16(k->attrs, k->nattrs, KEK_ATTR_SIG_ALG);
			gr->ack_requested = attr_find(k->attrs, k->nattrs, KEK_ATTR_ACK_REQUESTED) != NULL;
			{
				const struct ikc_attr *lt = attr_find(k->attrs, k->nattrs, KEK_ATTR_LIFETIME);
				gr->kek_life_s = lt && lt->has_value ? lt->value : 0;
			}
		} else if (p->type == IKC_PT_SAT && p->u.sat.protocol == GDOI_PROTO_IPSEC_ESP) {
			const struct ikc_sat *s = &p->u.sat;
			struct tek *t = tek_of(gr, s->spi);
			if (!t)
				continue;
			t->have_policy = true;
			t->transform_id = s->transform_id;
			t->keylen = attr_u16(s->attrs, s->nattrs, IPSEC_KEYLEN);
			t->auth = attr_u16(s->attrs, s->nattrs, IPSEC_AUTH);
			t->encap = attr_u16(s->attrs, s->nattrs, IPSEC_ENCAP);
			t->life_s = tek_life(s->attrs, s->nattrs);
		}
	}
}

/* KEK_ALGORITHM_KEY = IV | key (block size of the KEK cipher, then the key). */
static size_t kek_block(uint16_t alg)
{
	return alg == KEK_ALG_AES ? 16 : 8;
}

/* A key value PFS masks (see the top): TEK algorithm / integrity keys and
 * the KEK algorithm key; the public SIG_ALGORITHM_KEY is sent as is. */
static bool kd_secret(uint8_t kd_type, const struct ikc_attr *a)
{
	return ikc_attr_whole(a) && ((kd_type == KD_TEK && (a->type == KD_TEK_ALGORITHM_KEY ||
							    a->type == KD_TEK_INTEGRITY_KEY)) ||
				     (kd_type == KD_KEK && a->type == KD_KEK_ALGORITHM_KEY));
}

/* Where in the mask the value of `want` starts: the lengths of the secret
 * values before it in the KD, in wire order. */
static size_t mask_off(const struct ikc_kd *kd, const struct ikc_attr *want)
{
	size_t off = 0;

	for (size_t i = 0; i < kd->nkp; i++)
		for (size_t j = 0; j < kd->packets[i].nattrs; j++) {
			const struct ikc_attr *a = &kd->packets[i].attrs[j];
			if (a == want)
				return off;
			if (kd_secret(kd->packets[i].kd_type, a))
				off += a->len;
		}
	return off;
}

/* Copy a KD key value, XORing the PFS mask out when there is one; false when
 * the mask is too short for it. */
static bool kd_value(const struct ikc_kd *kd, const struct ikc_attr *a, const uint8_t *mask, size_t mask_len,
		     uint8_t *out)
{
	size_t off;

	memcpy(out, a->data, a->len);
	if (!mask)
		return true;
	off = mask_off(kd, a);
	if (off > mask_len || a->len > mask_len - off)
		return false;
	for (size_t i = 0; i < a->len; i++)
		out[i] ^= mask[off + i];
	return true;
}

static void learn_kd(struct group *gr, const struct ikc_kd *kd, const struct ikc_pkt *pkt, bool accept,
		     bool from_push, const uint8_t *mask, size_t mask_len)
{
	uint64_t frame = pkt->frame;

	for (size_t i = 0; i < kd->nkp; i++) {
		const struct ikc_kd_packet *kp = &kd->packets[i];

		if (kp->kd_type == KD_TEK && kp->spisize == 4 && kp->spi) {
			const struct ikc_attr *ek = attr_find(kp->attrs, kp->nattrs, KD_TEK_ALGORITHM_KEY);
			const struct ikc_attr *ik = attr_find(kp->attrs, kp->nattrs, KD_TEK_INTEGRITY_KEY);
			struct tek *t = tek_of(gr, ikc_be32(kp->spi));

			if (!t || !ek || !ikc_attr_whole(ek) || ek->len > sizeof t->enc_key)
				continue;
			if (ik && (!ikc_attr_whole(ik) || ik->len > sizeof t->auth_key))
				continue;
			if (!kd_value(kd, ek, mask, mask_len, t->enc_key) ||
			    (ik && !kd_value(kd, ik, mask, mask_len, t->auth_key)))
				continue;
			t->enc_len = ek->len;
			if (ik)
				t->auth_len = ik->len;
			t->have_keys = true;
			t->accepted = accept;
			t->frame = frame;
			t->from_push = from_push;
			t->keyed_ns = pkt_ns(pkt);
			t->past_frame = 0;
		} else if (kp->kd_type == KD_KEK && kp->spisize == KEK_SPI_LEN && kp->spi && accept) {
			const struct ikc_attr *ak = attr_find(kp->attrs, kp->nattrs, KD_KEK_ALGORITHM_KEY);
			const struct ikc_attr *sk = attr_find(kp->attrs, kp->nattrs, KD_SIG_ALGORITHM_KEY);
			size_t blk = kek_block(gr->kek_alg);

			memcpy(gr->kek_spi, kp->spi, KEK_SPI_LEN);
			gr->have_kek_spi = true;
			uint8_t ab[IKC_MAX_BLOCK + MAX_KEK_KEY];

			if (ak && ikc_attr_whole(ak) && ak->len > blk && ak->len - blk <= MAX_KEK_KEY &&
			    kd_value(kd, ak, mask, mask_len, ab)) {
				memcpy(gr->kek_iv, ab, blk);
				gr->kek_iv_len = blk;
				memcpy(gr->kek_key, ab + blk, ak->len - blk);
				gr->kek_key_len = ak->len - blk;
				gr->have_kek_key = true;
				gr->kek_frame = frame;
				gr->kek_keyed_ns = pkt_ns(pkt);
				gr->kek_past_frame = 0;
			}
			OPENSSL_cleanse(ab, sizeof ab);
			if (sk && ikc_attr_whole(sk) && sk->len && sk->len <= MAX_SPKI) {
				uint8_t *p = malloc(sk->len);
				if (p) {
					memcpy(p, sk->data, sk->len);
					if (gr->spki)
						OPENSSL_cleanse(gr->spki, gr->spki_len);
					free(gr->spki);
					gr->spki = p;
					gr->spki_len = sk->len;
				}
			}
		}
	}
}

static struct pullx *pullx_of(struct group *gr)
{
	if (!gr->px && (gr->px = calloc(1, sizeof *gr->px)) != NULL)
		gr->px->pop[0] = gr->px->pop[1] = -2;
	return gr->px;
}

/* POP (RFC 6407 §3.2): the signature in the SIG payload over Ni_b | Nr_b,
 * with the public key of the X.509 CERT of the same message, hashed with the
 * phase-1 hash.  1 verified, 0 does not, -1 not checkable. */
static int pop_verify(const struct pullx *x, const struct ikc_payload *cert, const struct ikc_payload *sig)
{
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(x->p1_hash);
	const unsigned char *p;
	X509 *crt = NULL;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *pk;
	int r = -1;

	if (!h || !h->evp_name || !x->ni_len || !x->nr_len || cert->u.cert.encoding != 4 || !cert->u.cert.data ||
	    !cert->u.cert.len || cert->u.cert.len > MAX_CERT || !sig->body_len)
		return -1;
	p = cert->u.cert.data;
	if (!(crt = d2i_X509(NULL, &p, (long)cert->u.cert.len)) || !(pk = X509_get0_pubkey(crt)) ||
	    !(ctx = EVP_MD_CTX_new()))
		goto out;
	if (EVP_DigestVerifyInit_ex(ctx, NULL, h->evp_name, NULL, NULL, pk, NULL) != 1 ||
	    EVP_DigestVerifyUpdate(ctx, x->ni, x->ni_len) != 1 || EVP_DigestVerifyUpdate(ctx, x->nr, x->nr_len) != 1)
		goto out;
	r = EVP_DigestVerifyFinal(ctx, sig->body, sig->body_len) == 1 ? 1 : 0;
out:
	EVP_MD_CTX_free(ctx);
	X509_free(crt);
	return r;
}

/* The PULL's PFS g^xy: a `dh ICKY:MSGID` line, else a dhpriv of either side
 * whose public value is KE_I or KE_R (phase-1 group). */
static enum pfs_key pfs_secret(const struct ikc_gdoi *g, const struct group *gr, struct pullx *x, uint32_t msgid)
{
	const uint8_t *p;
	size_t len;

	if ((p = ikc_keys_dh(g->keys, gr->p1_icky, true, msgid, 0, &len)) != NULL && len <= sizeof x->gxy) {
		memcpy(x->gxy, p, len);
		x->gxy_len = len;
		return PFS_DH_LINE;
	}
	for (size_t i = 0; x->ke_i_len && x->ke_r_len && (p = ikc_keys_dhpriv(g->keys, gr->p1_icky, i, &len)); i++) {
		uint8_t pub[IKC_MAX_DH_PUB];
		size_t publen = 0;
		const uint8_t *peer = NULL;
		size_t peer_len = 0;
		bool ok;

		if (ikc_dh_public(x->p1_group, p, len, pub, &publen) != IKC_OK)
			continue;
		if (publen == x->ke_i_len && CRYPTO_memcmp(pub, x->ke_i, publen) == 0)
			peer = x->ke_r, peer_len = x->ke_r_len;
		else if (publen == x->ke_r_len && CRYPTO_memcmp(pub, x->ke_r, publen) == 0)
			peer = x->ke_i, peer_len = x->ke_i_len;
		ok = peer && ikc_dh_compute(x->p1_group, p, len, peer, peer_len, x->gxy, &x->gxy_len) == IKC_OK;
		OPENSSL_cleanse(pub, sizeof pub);
		if (ok)
			return PFS_DHPRIV;
	}
	x->gxy_len = 0;
	return PFS_MISSING;
}

/* PULL3/PULL4 beyond HASH: KE (kept for PFS), CERT + POP (verified). */
static void learn_pull_opts(struct group *gr, const struct ikc_ike_sa *sa, int num, const struct ikc_payload *pl,
			    size_t n, uint64_t frame)
{
	struct pullx *x = pullx_of(gr);
	const struct ikc_payload *ke = ikc_find_payload(pl, n, IKC_PT_KE);
	const struct ikc_payload *cert = ikc_find_payload(pl, n, IKC_PT_CERT);
	const struct ikc_payload *sig = ikc_find_payload(pl, n, IKC_PT_SIG);
	int side = num == 3 ? 0 : 1;

	if (!x)
		return;
	if (sa && sa->crypto) {
		x->p1_hash = sa->crypto->hash;
		x->p1_group = sa->crypto->group;
	}
	if (ke && payload_ok(ke) && ke->body_len && ke->body_len <= IKC_MAX_DH) {
		memcpy(side ? x->ke_r : x->ke_i, ke->body, ke->body_len);
		*(side ? &x->ke_r_len : &x->ke_i_len) = ke->body_len;
	}
	if (sig && payload_ok(sig)) {
		x->pop[side] = cert && payload_ok(cert) ? pop_verify(x, cert, sig) : -1;
		x->pop_frame[side] = frame;
	}
}

static int label_num(const char *label)
{
	size_t n = strlen(label);

	return n && label[n - 1] >= '1' && label[n - 1] <= '9' ? label[n - 1] - '0' : 0;
}

void ikc_gdoi_learn(struct ikc_gdoi *g, const struct ikc_ike_sa *sa, const struct ikc_pkt *pkt,
		    const struct ikc_msg *msg, const struct ikc_msg_info *info)
{
	struct group *gr;
	int num;

	if (!g || info->doi != IKC_DOI_GDOI || msg->hdr.exchange != IKC_EX_QUICK || !msg->hdr.msgid ||
	    strncmp(info->label, "PULL", 4) != 0)
		return;
	num = label_num(info->label);
	gr = by_p1(g, msg->hdr.icookie, msg->hdr.rcookie);
	if (!gr && !(gr = group_new(g, msg->hdr.icookie, msg->hdr.rcookie)))
		return;
	if (num == 1) {
		gr->pull1_copies++;
		gr->pull1_last_frame = pkt->frame;
		gr->pull1_copy[gr->npull1_copy < PULL1_KEPT ? gr->npull1_copy++ : PULL1_KEPT - 1] = pkt->frame;
		if (!info->retransmit) {
			gr->pull_msgid = msg->hdr.msgid;
			gr->pull1_frame = pkt->frame;
			gr->af = pkt->af;
			memcpy(gr->gm, pkt->src, 16);
			memcpy(gr->ks, pkt->dst, 16);
		}
	} else if (num == 2 && !gr->pull2_frame) {
		gr->pull2_frame = pkt->frame;
	} else if (num == 4 && !gr->pull4_frame) {
		gr->pull4_frame = pkt->frame;
	}
	if (!info->retransmit && (msg->hdr.flags & IKC_FLAG_E) && info->dec != IKC_DEC_OK)
		gr->pull_not_decrypted++;
	if (info->retransmit || info->dec != IKC_DEC_OK || info->hash == IKC_HASH_FAILED)
		return;
	for (size_t i = 0; i < info->npayloads; i++) {
		const struct ikc_payload *p = &info->payloads[i];

		if (!payload_ok(p))
			continue;
		if (num == 1 && p->type == IKC_PT_ID && p->u.id.len == 4) {
			gr->group_id = ikc_be32(p->u.id.data);
			gr->have_group_id = true;
		} else if ((num == 1 || num == 2) && p->type == IKC_PT_NONCE && p->body_len <= MAX_NONCE &&
			   pullx_of(gr)) {
			memcpy(num == 1 ? gr->px->ni : gr->px->nr, p->body, p->body_len);
			*(num == 1 ? &gr->px->ni_len : &gr->px->nr_len) = p->body_len;
		} else if (num == 2 && p->type == IKC_PT_SA && p->u.sa.doi == IKC_DOI_GDOI) {
			learn_sa(gr, &p->u.sa, true);
		} else if (num == 4 && p->type == IKC_PT_SEQ) {
			gr->last_seq = p->u.seq.seq;
			gr->have_seq = true;
		}
	}
	if (num == 3 || num == 4)
		learn_pull_opts(gr, sa, num, info->payloads, info->npayloads, pkt->frame);
	if (num == 4) {
		const struct ikc_payload *kd = ikc_find_payload(info->payloads, info->npayloads, IKC_PT_KD);
		struct pullx *x = gr->px;

		if (!kd || !payload_ok(kd))
			return;
		if (x && x->ke_r_len) {
			/* KE_R: the KD's key material is masked with the new DH secret */
			x->pfs = pfs_secret(g, gr, x, msg->hdr.msgid);
			if (x->pfs == PFS_MISSING)
				return;   /* policy known (PULL2), keys not: no TEK, no KEK */
			learn_kd(gr, &kd->u.kd, pkt, true, false, x->gxy, x->gxy_len);
		} else {
			learn_kd(gr, &kd->u.kd, pkt, true, false, NULL, 0);
		}
		g->expiry_dirty = true;
	}
}

/* ---------------------------------------------------------------- HASHes */

enum ikc_err ikc_gdoi_pull_hash(const struct ikc_hash_desc *h, const uint8_t *skeyid_a, size_t alen, uint32_t msgid,
				int num, const uint8_t *ni_b, size_t nilen, const uint8_t *nr_b, size_t nrlen,
				const uint8_t *after, size_t after_len, uint8_t *out, size_t *outlen)
{
	uint8_t mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16), (uint8_t)(msgid >> 8), (uint8_t)msgid };
	struct ikc_iov parts[4];
	size_t n = 0;

	if (!h || !skeyid_a || num < 1 || num > 4 || (num >= 2 && !ni_b) || (num >= 3 && !nr_b))
		return IKC_USAGE;
	parts[n++] = (struct ikc_iov){ mid, 4 };
	if (num >= 2)
		parts[n++] = (struct ikc_iov){ ni_b, nilen };
	if (num >= 3)
		parts[n++] = (struct ikc_iov){ nr_b, nrlen };
	parts[n++] = (struct ikc_iov){ after, after_len };
	return ikc_prf(h, skeyid_a, alen, parts, n, out, outlen);
}

/* ---------------------------------------------------------------- signature */

static const char *sig_md(uint16_t sig_hash)
{
	switch (sig_hash) {
	case 1: return "MD5";
	case 2: return "SHA1";
	case 0:
	case 3: return "SHA256";
	case 4: return "SHA384";
	case 5: return "SHA512";
	default: return NULL;
	}
}

int ikc_gdoi_sig_verify(const uint8_t *spki, size_t spki_len, uint16_t sig_hash, const uint8_t *signed_in,
			size_t signed_len, const uint8_t *sig, size_t sig_len)
{
	const unsigned char *p = spki;
	const char *md = sig_md(sig_hash);
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *mc = NULL;
	EVP_MD *dg = NULL;
	int ret = -1, r;

	if (!spki || !spki_len || !md || !sig || !sig_len || spki_len > (size_t)INT32_MAX)
		return -1;
	pk = d2i_PUBKEY(NULL, &p, (long)spki_len);
	if (!pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
		goto out;
	dg = EVP_MD_fetch(NULL, md, NULL);
	mc = EVP_MD_CTX_new();
	if (!dg || !mc || EVP_DigestVerifyInit(mc, NULL, dg, NULL, pk) != 1)
		goto out;
	/* RSA's default padding is PKCS#1 v1.5 (RFC 8017 §8.2). */
	r = EVP_DigestVerify(mc, sig, sig_len, signed_in, signed_len);
	ret = r == 1; /* a malformed signature does not verify either */
out:
	EVP_MD_CTX_free(mc);
	EVP_MD_free(dg);
	EVP_PKEY_free(pk);
	return ret;
}

/* "rekey" | HDR (Length = 28 + the unpadded payloads through the SIG) |
 * the payloads before the SIG, into the arena. */
static bool signed_input(struct ikc_arena *a, const struct ikc_msg *msg, const uint8_t *plain,
			 const struct ikc_payload *sigp, const uint8_t **out, size_t *outlen)
{
	static const uint8_t tag[5] = { 'r', 'e', 'k', 'e', 'y' };
	const uint8_t *sig_start = sigp->body - 4;
	size_t before = (size_t)(sig_start - plain);
	size_t unpadded = (size_t)(sigp->body + sigp->body_len - plain);
	uint32_t len = (uint32_t)(HDR_LEN + unpadded);
	uint8_t *b;

	if (msg->raw_len < HDR_LEN)
		return false;
	b = ikc_arena_alloc(a, sizeof tag + HDR_LEN + before);
	if (!b)
		return false;
	memcpy(b, tag, sizeof tag);
	memcpy(b + sizeof tag, msg->raw, HDR_LEN);
	b[sizeof tag + 24] = (uint8_t)(len >> 24);
	b[sizeof tag + 25] = (uint8_t)(len >> 16);
	b[sizeof tag + 26] = (uint8_t)(len >> 8);
	b[sizeof tag + 27] = (uint8_t)len;
	if (before)
		memcpy(b + sizeof tag + HDR_LEN, plain, before);
	*out = b;
	*outlen = sizeof tag + HDR_LEN + before;
	return true;
}

/* ---------------------------------------------------------------- PUSH */

static const struct ikc_cipher_desc *kek_cipher(const struct group *gr)
{
	switch (gr->kek_alg) {
	case KEK_ALG_DES: return ikc_cipher_by_ike_id(1, 0);
	case KEK_ALG_3DES: return ikc_cipher_by_ike_id(5, 0);
	case KEK_ALG_AES:
		return ikc_cipher_by_ike_id(7, gr->kek_keylen ? gr->kek_keylen : (uint16_t)(gr->kek_key_len * 8));
	default: return NULL;
	}
}

static void spi_hex(const uint8_t *spi, char out[2 * KEK_SPI_LEN + 1])
{
	ikc_hex(spi, KEK_SPI_LEN, out, 2 * KEK_SPI_LEN + 1);
}

/* The decrypted chain is usable: no payload header broke it. */
static bool chain_sound(const struct ikc_payload *pl, size_t n, ikc_notes chain)
{
	if (!n || (chain & (IKC_NOTE(CHAIN_TOO_LONG) | IKC_NOTE(MALFORMED) | IKC_NOTE(TRUNCATED))))
		return false;
	for (size_t i = 0; i < n; i++)
		if (pl[i].notes & (IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) | IKC_NOTE(UNKNOWN_PAYLOAD)))
			return false;
	return true;
}

static struct rekey *rekey_new(struct group *gr)
{
	if (gr->nrk == IKC_GDOI_MAX_EVENTS) {
		gr->rk_dropped++;
		return NULL;
	}
	memset(&gr->rk[gr->nrk], 0, sizeof gr->rk[0]);
	return &gr->rk[gr->nrk++];
}

/* GROUPKEY-PUSH ACK: tie it to the group by its cookies (the KEK SPI) and
 * to the rekey by its SEQ. */
static void push_ack(struct ikc_gdoi *g, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		     struct ikc_msg_info *info)
{
	uint8_t spi[KEK_SPI_LEN];
	char sh[2 * KEK_SPI_LEN + 1];
	const struct ikc_payload *seqp = ikc_find_payload(msg->payloads, msg->npayloads, IKC_PT_SEQ);
	struct group *gr;
	struct rekey *rk = NULL;

	info->retransmit = false;
	info->retransmit_count = 0;
	snprintf(info->label, sizeof info->label, "PUSH-ACK");
	memcpy(spi, msg->hdr.icookie, 8);
	memcpy(spi + 8, msg->hdr.rcookie, 8);
	spi_hex(spi, sh);
	if (msg->hdr.flags & IKC_FLAG_E) {
		/* RFC 8263 sends it in the clear; nothing here would decrypt it. */
		info->dec = IKC_DEC_UNSUPPORTED;
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "GROUPKEY-PUSH ACK under KEK %s with the E flag: RFC 8263 sends it unencrypted", sh);
		return;
	}
	gr = by_kek(g, spi);
	if (!seqp || !payload_ok(seqp)) {
		snprintf(info->dec_detail, sizeof info->dec_detail, "GROUPKEY-PUSH ACK under KEK %s without a SEQ", sh);
		if (gr)
			gr->acks_unmatched++;
		return;
	}
	if (gr)
		for (size_t i = gr->nrk; i-- > 0;)
			if (gr->rk[i].seq == seqp->u.seq.seq) {
				rk = &gr->rk[i];
				break;
			}
	if (!gr) {
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "GROUPKEY-PUSH ACK of SEQ %u under KEK %s: no group in the capture has that KEK",
			 seqp->u.seq.seq, sh);
		return;
	}
	gr->acks++;
	if (!rk) {
		gr->acks_unmatched++;
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "acknowledges SEQ %u under KEK %s: no rekey with that SEQ in the capture", seqp->u.seq.seq, sh);
		return;
	}
	if (!rk->acks++)
		rk->ack_frame = pkt->frame;
	snprintf(info->dec_detail, sizeof info->dec_detail,
		 "acknowledges the rekey with SEQ %u (frame %llu) under KEK %s; HASH not verified", rk->seq,
		 (unsigned long long)rk->frame, sh);
}

bool ikc_gdoi_push(struct ikc_gdoi *g, struct ikc_arena *a, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		   struct ikc_msg_info *info)
{
	uint8_t spi[KEK_SPI_LEN];
	char sh[2 * KEK_SPI_LEN + 1];
	const struct ikc_cipher_desc *ci;
	struct group *gr;
	struct ikc_decode_ctx dctx = { .doi = IKC_DOI_GDOI };
	struct ikc_payload *pl = NULL;
	const struct ikc_payload *seqp, *sigp, *sap, *kdp;
	ikc_notes cn = 0;
	uint8_t *plain;
	size_t n = 0;
	struct rekey *rk;
	int sig = -1;
	uint32_t rk_prev_top = 0;
	bool replay = false, gap = false, accepted;

	if (g && info->doi == IKC_DOI_GDOI && msg->hdr.exchange == EX_PUSH_ACK && IKC_IS_IKEV1(msg->hdr.version)) {
		push_ack(g, pkt, msg, info);
		return true;
	}
	if (!g || !ikc_gdoi_is_push(info->doi, msg))
		return false;
	memcpy(spi, msg->hdr.icookie, 8);
	memcpy(spi + 8, msg->hdr.rcookie, 8);
	spi_hex(spi, sh);
	/* A rekey is a message of its own, never a retransmission: the same
	 * bytes again are a replay (RFC 6407 §4: the member checks SEQ). */
	info->retransmit = false;
	info->retransmit_count = 0;
	snprintf(info->label, sizeof info->label, "PUSH");
	if (!(msg->hdr.flags & IKC_FLAG_E)) {
		info->dec = IKC_DEC_NOT_ENCRYPTED;
		return true;
	}
	gr = by_kek(g, spi);
	if (!gr || !gr->have_kek_key) {
		info->dec = IKC_DEC_NO_KEY;
		if (gr && gr->px && gr->px->pfs == PFS_MISSING)
			snprintf(info->dec_detail, sizeof info->dec_detail,
				 "GROUPKEY-PUSH under KEK %s: the registration used PFS (KE in GROUPKEY-PULL "
				 "messages 3 and 4), so its KD is masked with that DH secret: give it as "
				 "`dh %02x%02x%02x%02x%02x%02x%02x%02x:%08x G^XY` or a dhpriv line",
				 sh, gr->p1_icky[0], gr->p1_icky[1], gr->p1_icky[2], gr->p1_icky[3], gr->p1_icky[4],
				 gr->p1_icky[5], gr->p1_icky[6], gr->p1_icky[7], gr->pull_msgid);
		else
			snprintf(info->dec_detail, sizeof info->dec_detail,
				 "GROUPKEY-PUSH under KEK %s: no decrypted registration (GROUPKEY-PULL message 4) or "
				 "accepted rekey in the capture gave this KEK's key",
				 sh);
		if (gr && !gr->push_no_key++)
			gr->push_no_key_frame = pkt->frame;
		return true;
	}
	ci = kek_cipher(gr);
	if (!ci || ci->key_len != gr->kek_key_len || ci->block_len != gr->kek_iv_len) {
		info->dec = IKC_DEC_UNSUPPORTED;
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "KEK %s: KEK algorithm %u with a %zu-octet key is not supported", sh, gr->kek_alg,
			 gr->kek_key_len);
		return true;
	}
	if (!msg->enc_len || msg->enc_len % ci->block_len) {
		info->dec = IKC_DEC_MALFORMED;
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "KEK %s: %zu encrypted bytes is not a whole number of cipher blocks", sh, msg->enc_len);
		return true;
	}
	plain = ikc_arena_alloc(a, msg->enc_len);
	if (!plain || ikc_cbc_decrypt(ci, gr->kek_key, gr->kek_iv, msg->enc, msg->enc_len, plain, NULL) != IKC_OK ||
	    ikc_payload_chain_decode(a, msg->hdr.next, plain, msg->enc_len, &dctx, &pl, &n, &cn) != IKC_OK ||
	    !chain_sound(pl, n, cn)) {
		info->dec = IKC_DEC_WRONG_KEY;
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "KEK %s: the rekey does not decrypt with the KEK from frame %llu", sh,
			 (unsigned long long)gr->kek_frame);
		return true;
	}
	info->dec = IKC_DEC_OK;
	info->plain = plain;
	info->plain_len = msg->enc_len;
	info->payloads = pl;
	info->npayloads = n;
	info->dec_notes = cn & ~IKC_NOTE(TRAILING_DATA);   /* padding */

	seqp = ikc_find_payload(pl, n, IKC_PT_SEQ);
	sigp = ikc_find_payload(pl, n, IKC_PT_SIG);
	sap = ikc_find_payload(pl, n, IKC_PT_SA);
	kdp = ikc_find_payload(pl, n, IKC_PT_KD);
	if (sigp && gr->spki) {
		const uint8_t *si;
		size_t slen;
		if (signed_input(a, msg, plain, sigp, &si, &slen))
			sig = ikc_gdoi_sig_verify(gr->spki, gr->spki_len, gr->sig_hash, si, slen, sigp->body,
						  sigp->body_len);
	}
	info->hash = sig > 0 ? IKC_HASH_VERIFIED : sig == 0 ? IKC_HASH_FAILED : IKC_HASH_UNCHECKED;
	if (seqp && payload_ok(seqp) && gr->have_seq) {
		/* A gap counts from the highest SEQ seen, rejected rekeys too:
		 * those reached the member, they were not missed. */
		uint32_t top = gr->top_seq > gr->last_seq ? gr->top_seq : gr->last_seq;
		replay = seqp->u.seq.seq <= gr->last_seq;
		gap = !replay && seqp->u.seq.seq > top + 1;
		rk_prev_top = top;
	}
	accepted = sig != 0 && !replay && seqp && payload_ok(seqp);
	if (seqp && payload_ok(seqp) && seqp->u.seq.seq > gr->top_seq)
		gr->top_seq = seqp->u.seq.seq;
	rk = rekey_new(gr);
	if (rk) {
		rk->frame = pkt->frame;
		rk->seq = seqp ? seqp->u.seq.seq : 0;
		rk->prev_seq = gap ? rk_prev_top : gr->last_seq;
		rk->sig = sig;
		rk->accepted = accepted;
		rk->replay = replay;
		rk->gap = gap;
		rk->kind = sig == 0 ? RK_BADSIG : replay ? RK_REPLAY : gap ? RK_GAP : sig < 0 ? RK_UNVERIFIED : RK_OK;
	}
	if (replay)
		snprintf(info->label, sizeof info->label, "PUSH-REPLAY");
	snprintf(info->dec_detail, sizeof info->dec_detail, "KEK %s", sh);
	if (seqp)
		ikc_appendf(info->dec_detail, sizeof info->dec_detail, ", SEQ %u", seqp->u.seq.seq);
	ikc_appendf(info->dec_detail, sizeof info->dec_detail, ", signature %s",
		sig > 0 ? "verified" : sig == 0 ? "does not verify" : gr->spki ? "not checkable" : "not checked (no KS key)");
	if (replay)
		ikc_appendf(info->dec_detail, sizeof info->dec_detail, ", replay: SEQ not above the last accepted %u",
			gr->last_seq);
	else if (gap)
		ikc_appendf(info->dec_detail, sizeof info->dec_detail, ", gap: SEQ %u to %u", rk_prev_top,
			seqp->u.seq.seq);
	ikc_appendf(info->dec_detail, sizeof info->dec_detail, accepted ? ", accepted" : ", rejected by a member");
	if (accepted) {
		gr->last_seq = seqp->u.seq.seq;
		gr->have_seq = true;
	}
	/* Rejected rekeys still name their TEKs (announced), without keys. */
	if (sap && payload_ok(sap) && sap->u.sa.doi == IKC_DOI_GDOI)
		learn_sa(gr, &sap->u.sa, accepted);
	if (kdp && payload_ok(kdp) && accepted)
		learn_kd(gr, &kdp->u.kd, pkt, true, true, NULL, 0);
	if (rk) {
		/* RFC 8263: members acknowledge a rekey they accept while the
		 * SA KEK (this rekey's, or the last one's) asks for it. */
		rk->ack_requested = accepted && gr->ack_requested;
		rk->ns = pkt_ns(pkt);
	}
	g->expiry_dirty = true;
	return true;
}

/* ---------------------------------------------------------------- ESP */

size_t ikc_gdoi_install_esp(struct ikc_gdoi *g, struct ikc_esp_table *t)
{
	size_t done = 0;

	if (!g || !t)
		return 0;
	for (size_t i = 0; i < g->n; i++) {
		struct group *gr = &g->g[i];

		for (size_t j = 0; j < gr->nteks; j++) {
			struct tek *k = &gr->teks[j];
			struct ikc_esp_ikev1_alg alg;
			struct ikc_esp_sa_info in;

			if (k->installed || !k->accepted || !k->have_keys || !k->have_policy)
				continue;
			k->installed = true;   /* once, whatever the outcome */
			if (ikc_esp_from_ikev1(k->transform_id, k->keylen, k->auth, &alg) != IKC_OK ||
			    alg.enc_key_len != k->enc_len || alg.auth_key_len > k->auth_len)
				continue;
			memset(&in, 0, sizeof in);
			in.spi = k->spi;
			in.af = gr->af ? gr->af : 4;
			in.src_any = in.dst_any = true;   /* a group SA: any member sends on it */
			in.origin = IKC_ESP_ORIGIN_GDOI;
			in.enc = alg.enc;
			in.auth = alg.auth;
			memcpy(in.enc_key, k->enc_key, k->enc_len);
			in.enc_len = k->enc_len;
			memcpy(in.auth_key, k->auth_key, alg.auth_key_len);
			in.auth_len = alg.auth_key_len;
			in.encap = k->encap;
			in.learned_frame = k->frame;
			snprintf(in.source, sizeof in.source, "GDOI group %u TEK from the KD of %s in frame %llu",
				 gr->group_id, k->from_push ? "a GROUPKEY-PUSH" : "GROUPKEY-PULL message 4",
				 (unsigned long long)k->frame);
			if (ikc_esp_table_add(t, &in) == IKC_OK)
				done++;
			OPENSSL_cleanse(&in, sizeof in);
		}
	}
	return done;
}

/* ---------------------------------------------------------------- lifetimes */

static void expiry_recompute(struct ikc_gdoi *g)
{
	int64_t next = 0;

	g->nexpired = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct group *gr = &g->g[i];

		for (size_t j = 0; j < gr->nteks; j++) {
			const struct tek *t = &gr->teks[j];
			if (!t->life_s || !t->have_keys || !t->accepted)
				continue;
			if (t->past_frame)
				g->nexpired++;
			else if (!next || expiry_ns(t->keyed_ns, t->life_s) < next)
				next = expiry_ns(t->keyed_ns, t->life_s);
		}
		if (gr->have_kek_key && gr->kek_life_s && !gr->kek_past_frame &&
		    (!next || expiry_ns(gr->kek_keyed_ns, gr->kek_life_s) < next))
			next = expiry_ns(gr->kek_keyed_ns, gr->kek_life_s);
	}
	g->next_expiry_ns = next;
	g->expiry_dirty = false;
}

/* This packet is past the lifetime of some keys: mark them. */
static void expiry_pass(struct ikc_gdoi *g, const struct ikc_pkt *pkt, int64_t now)
{
	for (size_t i = 0; i < g->n; i++) {
		struct group *gr = &g->g[i];

		for (size_t j = 0; j < gr->nteks; j++) {
			struct tek *t = &gr->teks[j];
			if (t->life_s && t->have_keys && t->accepted && !t->past_frame && pkt->frame > t->frame &&
			    now > expiry_ns(t->keyed_ns, t->life_s))
				t->past_frame = pkt->frame;
		}
		if (gr->have_kek_key && gr->kek_life_s && !gr->kek_past_frame && pkt->frame > gr->kek_frame &&
		    now > expiry_ns(gr->kek_keyed_ns, gr->kek_life_s))
			gr->kek_past_frame = pkt->frame;
	}
	expiry_recompute(g);
}

void ikc_gdoi_note_packet(struct ikc_gdoi *g, const struct ikc_pkt *pkt)
{
	int64_t now;

	if (!g || !g->n)
		return;
	now = pkt_ns(pkt);
	g->packets++;
	if (now > g->last_ns)
		g->last_ns = now;
	g->last_frame = pkt->frame;
	if (g->expiry_dirty)
		expiry_recompute(g);
	if (g->next_expiry_ns && now > g->next_expiry_ns)
		expiry_pass(g, pkt, now);
	/* ESP on a TEK past its lifetime (pkt->data starts at the SPI). */
	if (g->nexpired && (pkt->transport == IKC_T_ESP || pkt->transport == IKC_T_UDP4500_ESP) && pkt->len >= 4) {
		uint32_t spi = ikc_be32(pkt->data);

		for (size_t i = 0; i < g->n; i++)
			for (size_t j = 0; j < g->g[i].nteks; j++) {
				struct tek *t = &g->g[i].teks[j];
				if (t->spi != spi || !t->past_frame)
					continue;
				if (!t->late_packets++)
					t->late_frame = pkt->frame;
				t->late_last_frame = pkt->frame;
			}
	}
}

/* ---------------------------------------------------------------- findings */

static struct ikc_finding *finding(struct ikc_diag_list *out, const char *code, enum ikc_diag_severity sev,
				   enum ikc_diag_certainty cert, const struct group *gr)
{
	return ikc_diag_list_add(out, code, sev, cert, gr->p1_icky);
}

static bool tek_known(const struct ikc_gdoi *g, uint32_t spi)
{
	for (size_t i = 0; i < g->n; i++)
		for (size_t j = 0; j < g->g[i].nteks; j++)
			if (g->g[i].teks[j].spi == spi)
				return true;
	return false;
}

/* The group whose member or key server this address is, or NULL. */
static const struct group *group_of_addr(const struct ikc_gdoi *g, int af, const uint8_t *addr)
{
	for (size_t i = g->n; i-- > 0;) {
		const struct group *gr = &g->g[i];
		if (gr->pull1_frame && gr->af == af && (!memcmp(gr->gm, addr, 16) || !memcmp(gr->ks, addr, 16)))
			return gr;
	}
	return NULL;
}

/* A later accepted TEK of the group keyed before t ran out. */
static bool tek_replaced(const struct group *gr, const struct tek *t)
{
	int64_t end = expiry_ns(t->keyed_ns, t->life_s);

	for (size_t j = 0; j < gr->nteks; j++) {
		const struct tek *u = &gr->teks[j];
		if (u != t && u->have_keys && u->accepted && u->frame > t->frame && u->keyed_ns <= end)
			return true;
	}
	return false;
}

/* Rekeys after `from` that members rejected (bad SIG, replay), for the words. */
static size_t rejected_after(const struct group *gr, uint64_t from, uint64_t *first)
{
	size_t n = 0;

	for (size_t r = 0; r < gr->nrk; r++)
		if (gr->rk[r].frame > from && !gr->rk[r].accepted && !n++)
			*first = gr->rk[r].frame;
	return n;
}

/* gdoi-tek-expired / gdoi-kek-expired: a key's lifetime ran out inside the
 * capture and no rekey replaced it before. */
static enum ikc_err expired_findings(const struct group *gr, struct ikc_diag_list *out, const char *gm,
				     const char *ks)
{
	struct ikc_finding *f;
	char rej[160];
	uint64_t rf = 0;
	size_t nrej;

	for (size_t j = 0; j < gr->nteks; j++) {
		const struct tek *t = &gr->teks[j];

		if (!t->life_s || !t->have_keys || !t->accepted || !t->past_frame || tek_replaced(gr, t))
			continue;
		if (!(f = finding(out, "gdoi-tek-expired", IKC_DIAG_FAILURE,
				  t->late_packets ? IKC_DIAG_PROVEN : IKC_DIAG_LIKELY, gr)))
			return IKC_NOMEM;
		ikc_finding_frame(f, t->frame);
		ikc_finding_frame(f, t->past_frame);
		ikc_finding_frame(f, t->late_frame);
		ikc_finding_frame(f, t->late_last_frame);
		rej[0] = '\0';
		nrej = rejected_after(gr, t->frame, &rf);
		if (nrej)
			snprintf(rej, sizeof rej, " %zu rekey%s after it (first in frame %llu) %s rejected.", nrej,
				 nrej == 1 ? "" : "s", (unsigned long long)rf, nrej == 1 ? "was" : "were");
		if (t->late_packets)
			ikc_finding_say(f, "Group %u's TEK (ESP SPI 0x%08x, from the key download in frame %llu) has a "
				 "lifetime of %u s, which ran out before frame %llu, and no rekey in the capture brought a "
				 "new TEK before that.%s Yet %llu ESP packet%s still used it afterwards (frames %llu-%llu): "
				 "member %s sends with an expired group key, which other members and key server %s "
				 "drop. The key server did not rekey in time, or its GROUPKEY-PUSH did not reach this "
				 "member (firewall/ACL on UDP 848, multicast routing); the member should re-register.",
				 gr->group_id, t->spi, (unsigned long long)t->frame, t->life_s,
				 (unsigned long long)t->past_frame, rej, (unsigned long long)t->late_packets,
				 t->late_packets == 1 ? "" : "s", (unsigned long long)t->late_frame,
				 (unsigned long long)t->late_last_frame, gm, ks);
		else
			ikc_finding_say(f, "Group %u's TEK (ESP SPI 0x%08x, from the key download in frame %llu) has a "
				 "lifetime of %u s, which ran out before frame %llu, and no rekey in the capture brought a "
				 "new TEK before that.%s Member %s has no valid group key from then on: group traffic "
				 "stops. The key server (%s) did not rekey in time, or its GROUPKEY-PUSH did not reach "
				 "this capture point (firewall/ACL on UDP 848, multicast routing).",
				 gr->group_id, t->spi, (unsigned long long)t->frame, t->life_s,
				 (unsigned long long)t->past_frame, rej, gm, ks);
	}
	if (gr->have_kek_key && gr->kek_life_s && gr->kek_past_frame) {
		if (!(f = finding(out, "gdoi-kek-expired", IKC_DIAG_WARNING, IKC_DIAG_LIKELY, gr)))
			return IKC_NOMEM;
		ikc_finding_frame(f, gr->kek_frame);
		ikc_finding_frame(f, gr->kek_past_frame);
		ikc_finding_say(f, "Group %u's KEK (from the key download in frame %llu) has a lifetime of %u s, which ran "
			 "out before frame %llu, and no rekey in the capture brought a new KEK. Member %s can no longer "
			 "decrypt or trust rekeys from key server %s under it and has to register again "
			 "(GROUPKEY-PULL).",
			 gr->group_id, (unsigned long long)gr->kek_frame, gr->kek_life_s,
			 (unsigned long long)gr->kek_past_frame, gm, ks);
	}
	return IKC_OK;
}

enum ikc_err ikc_gdoi_diagnose(const struct ikc_gdoi *g, const struct ikc_esp_table *esp, struct ikc_diag_list *out)
{
	char gm[64], ks[64], grp[16];
	struct ikc_finding *f;

	if (!g)
		return IKC_OK;
	for (size_t i = 0; i < g->n; i++) {
		const struct group *gr = &g->g[i];

		ikc_format_addr(gr->af, gr->gm, gm, sizeof gm);
		ikc_format_addr(gr->af, gr->ks, ks, sizeof ks);
		if (gr->pull1_frame && !gr->pull2_frame) {
			if (!(f = finding(out, "gdoi-registration-unanswered", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN, gr)))
				return IKC_NOMEM;
			for (size_t k = 0; k < gr->npull1_copy; k++)   /* pull1_frame among them, or not kept */
				ikc_finding_frame(f, gr->pull1_copy[k]);
			ikc_finding_omitted(f, gr->pull1_copies - gr->npull1_copy);
			snprintf(grp, sizeof grp, " %u", gr->group_id);
			ikc_finding_say(f, "Group member %s sent GROUPKEY-PULL message 1 (registration, M-ID %08x) %u time%s; "
				 "key server %s never answered with message 2. The member has no group keys: check "
				 "that the KS knows group%s and this member's identity, and its policy for it.",
				 gm, gr->pull_msgid, gr->pull1_copies, gr->pull1_copies == 1 ? "" : "s", ks,
				 gr->have_group_id ? grp : "");
		}
		if (expired_findings(gr, out, gm, ks) != IKC_OK)
			return IKC_NOMEM;
		for (size_t r = 0; r < gr->nrk; r++) {
			const struct rekey *rk = &gr->rk[r];

			if (rk->sig == 0) {
				if (!(f = finding(out, "gdoi-rekey-bad-signature", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN, gr)))
					return IKC_NOMEM;
				ikc_finding_frame(f, rk->frame);
				ikc_finding_frame(f, gr->kek_frame);
				ikc_finding_say(f, "The GROUPKEY-PUSH with SEQ %u (frame %llu) decrypts with the KEK but its SIG "
					 "does not verify with the key server's public key (from the KD in frame %llu): "
					 "members reject it and keep their old TEKs. The rekey was altered on the way, "
					 "or does not come from the key server.",
					 rk->seq, (unsigned long long)rk->frame, (unsigned long long)gr->kek_frame);
			}
			if (rk->replay) {
				if (!(f = finding(out, "gdoi-rekey-replay", IKC_DIAG_WARNING, IKC_DIAG_PROVEN, gr)))
					return IKC_NOMEM;
				ikc_finding_frame(f, rk->frame);
				for (size_t q = 0; q < r; q++)
					if (gr->rk[q].accepted && gr->rk[q].seq == rk->seq)
						ikc_finding_frame(f, gr->rk[q].frame);
				ikc_finding_say(f, "The GROUPKEY-PUSH in frame %llu carries SEQ %u, not above the last accepted "
					 "SEQ %u: a replayed rekey, which members reject (RFC 6407 §4). A key server "
					 "resending an old rekey, or someone replaying it.",
					 (unsigned long long)rk->frame, rk->seq, rk->prev_seq);
			}
			if (rk->ack_requested && !rk->acks) {
				int64_t after = g->last_ns > rk->ns ? g->last_ns - rk->ns : 0;
				/* under a second of capture after it: the ACK may just not be in it */
				enum ikc_diag_certainty c = after >= NS_PER_S ? IKC_DIAG_PROVEN : IKC_DIAG_LIKELY;

				if (!(f = finding(out, "gdoi-rekey-unacknowledged", IKC_DIAG_WARNING, c, gr)))
					return IKC_NOMEM;
				ikc_finding_frame(f, rk->frame);
				ikc_finding_say(f, "The key server asked for acknowledgements (KEK_ACK_REQUESTED, RFC 8263) but no "
					 "GROUPKEY-PUSH ACK answered the rekey with SEQ %u (frame %llu) in the %lld.%03lld s "
					 "of capture after it: member %s did not get it, could not use it, or does not send "
					 "ACKs; the key server counts it as not rekeyed.",
					 rk->seq, (unsigned long long)rk->frame, (long long)(after / NS_PER_S),
					 (long long)(after % NS_PER_S / 1000000), gm);
			}
			if (rk->gap) {
				if (!(f = finding(out, "gdoi-rekey-gap", IKC_DIAG_WARNING, IKC_DIAG_PROVEN, gr)))
					return IKC_NOMEM;
				ikc_finding_frame(f, rk->frame);
				ikc_finding_say(f, "The GROUPKEY-PUSH in frame %llu carries SEQ %u after SEQ %u: %u rekey%s "
					 "never reached this capture point (lost, or sent elsewhere).",
					 (unsigned long long)rk->frame, rk->seq, rk->prev_seq, rk->seq - rk->prev_seq - 1,
					 rk->seq - rk->prev_seq - 1 == 1 ? "" : "s");
			}
		}
	}
	if (esp && g->n) {
		const struct ikc_esp_sa **v = NULL;
		size_t n = ikc_esp_table_list(esp, &v);

		for (size_t i = 0; i < n; i++) {
			const struct ikc_esp_sa_info *in = ikc_esp_sa_get_info(v[i]);
			const struct ikc_esp_sa_stats *st = ikc_esp_sa_get_stats(v[i]);
			const struct group *gr;

			if (in->origin != IKC_ESP_ORIGIN_NONE || tek_known(g, in->spi) || !st->packets)
				continue;
			gr = group_of_addr(g, in->af, in->src);
			if (!gr)
				gr = group_of_addr(g, in->af, in->dst);
			/* A key download we could not open may well have announced it. */
			if (!gr || gr->pull_not_decrypted || gr->push_no_key)
				continue;
			if (!(f = finding(out, "gdoi-tek-unannounced", IKC_DIAG_WARNING, IKC_DIAG_LIKELY, gr))) {
				free(v);
				return IKC_NOMEM;
			}
			ikc_finding_frame(f, st->first_frame);
			ikc_finding_frame(f, st->last_frame);
			ikc_finding_say(f, "ESP on SPI 0x%08x (%llu packet%s, first in frame %llu) between group peers, but no "
				 "key download in the capture announced that SPI: a TEK from a rekey this capture "
				 "did not see, or traffic that is not the group's.",
				 in->spi, (unsigned long long)st->packets, st->packets == 1 ? "" : "s",
				 (unsigned long long)st->first_frame);
		}
		free(v);
	}
	return IKC_OK;
}

/* ---------------------------------------------------------------- summary */

static const char *pfs_name(enum pfs_key k)
{
	static const char *const n[] = { [PFS_NONE] = "none", [PFS_DH_LINE] = "dh-line", [PFS_DHPRIV] = "dhpriv",
					 [PFS_MISSING] = "missing" };
	return n[k];
}

static const char *rk_name(enum rekey_kind k)
{
	static const char *const n[] = { [RK_OK] = "accepted", [RK_REPLAY] = "replay", [RK_GAP] = "gap",
					 [RK_BADSIG] = "bad-signature", [RK_UNVERIFIED] = "unverified" };
	return n[k];
}

void ikc_gdoi_write_summary(const struct ikc_gdoi *g, struct ikc_rw *w, bool print_keys)
{
	char a[64];

	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		const struct group *gr = &g->g[i];

		ikc_rw_begin_map(w, NULL, "GDOI group");
		ikc_rw_cstr(w, "type", "Record", "gdoi_group");
		ikc_rw_bytes(w, "isakmp.ispi", "Phase-1 initiator cookie", gr->p1_icky, 8);
		ikc_rw_bytes(w, "isakmp.rspi", "Phase-1 responder cookie", gr->p1_rcky, 8);
		if (gr->have_group_id)
			ikc_rw_uint(w, "ikecap.gdoi.group_id", "Group", gr->group_id, IKC_RW_DEC, NULL);
		if (gr->pull1_frame) {
			ikc_format_addr(gr->af, gr->gm, a, sizeof a);
			ikc_rw_cstr(w, "ikecap.gdoi.member", "Group member", a);
			ikc_format_addr(gr->af, gr->ks, a, sizeof a);
			ikc_rw_cstr(w, "ikecap.gdoi.key_server", "Key server", a);
			ikc_rw_uint(w, "ikecap.gdoi.pull1_frame", "Registration (PULL1) frame", gr->pull1_frame,
				    IKC_RW_DEC, NULL);
		}
		ikc_rw_bool(w, "ikecap.gdoi.registered", "Registered (PULL4 seen)", gr->pull4_frame != 0);
		if (gr->have_seq)
			ikc_rw_uint(w, "ikecap.gdoi.last_seq", "Last accepted SEQ", gr->last_seq, IKC_RW_DEC, NULL);
		if (gr->have_kek_spi) {
			ikc_rw_bytes(w, "ikecap.gdoi.kek_spi", "KEK SPI", gr->kek_spi, KEK_SPI_LEN);
			ikc_rw_uint(w, "ikecap.gdoi.kek_alg", "KEK algorithm", gr->kek_alg, IKC_RW_DEC, NULL);
			ikc_rw_uint(w, "ikecap.gdoi.kek_key_length", "KEK key length", gr->kek_keylen, IKC_RW_DEC,
				    NULL);
			if (gr->kek_life_s)
				ikc_rw_uint(w, "ikecap.gdoi.kek_lifetime", "KEK lifetime (s)", gr->kek_life_s, IKC_RW_DEC,
					    NULL);
			ikc_rw_bool(w, "ikecap.gdoi.ack_requested", "Rekey ACK requested (RFC 8263)",
				    gr->ack_requested);
		}
		if (print_keys && gr->have_kek_key) {
			ikc_rw_bytes(w, "ikecap.gdoi.kek_key", "KEK key", gr->kek_key, gr->kek_key_len);
			ikc_rw_bytes(w, "ikecap.gdoi.kek_iv", "KEK IV", gr->kek_iv, gr->kek_iv_len);
		}
		if (gr->spki)
			ikc_rw_bytes(w, "ikecap.gdoi.sig_public_key", "Key server public key (DER)", gr->spki,
				     gr->spki_len);
		if (gr->px && gr->px->ke_r_len) {
			ikc_rw_cstr(w, "ikecap.gdoi.pfs", "PULL PFS (KE) secret", pfs_name(gr->px->pfs));
			if (print_keys && gr->px->gxy_len)
				ikc_rw_bytes(w, "ikecap.gdoi.pfs_gxy", "PULL PFS g^xy", gr->px->gxy, gr->px->gxy_len);
		}
		for (int s = 0; gr->px && s < 2; s++) {
			if (gr->px->pop[s] == -2)
				continue;
			ikc_rw_cstr(w, s ? "ikecap.gdoi.pop_r" : "ikecap.gdoi.pop_i", s ? "POP_R (PULL4)" : "POP_I (PULL3)",
				    gr->px->pop[s] > 0 ? "verified" : gr->px->pop[s] == 0 ? "failed" : "unchecked");
			ikc_rw_uint(w, s ? "ikecap.gdoi.pop_r_frame" : "ikecap.gdoi.pop_i_frame", "POP frame",
				    gr->px->pop_frame[s], IKC_RW_DEC, NULL);
		}
		ikc_rw_begin_array(w, "ikecap.gdoi.teks", "TEKs");
		for (size_t j = 0; j < gr->nteks; j++) {
			const struct tek *t = &gr->teks[j];
			ikc_rw_begin_map(w, NULL, "TEK");
			ikc_rw_uint(w, "esp.spi", "SPI", t->spi, IKC_RW_HEX, NULL);
			ikc_rw_uint(w, "ikecap.gdoi.tek_transform", "Transform", t->transform_id, IKC_RW_DEC, NULL);
			ikc_rw_bool(w, "ikecap.gdoi.tek_accepted", "Accepted", t->accepted && t->have_keys);
			if (t->frame)
				ikc_rw_uint(w, "ikecap.gdoi.tek_frame", "Key download frame", t->frame, IKC_RW_DEC, NULL);
			if (t->life_s)
				ikc_rw_uint(w, "ikecap.gdoi.tek_lifetime", "Lifetime (s)", t->life_s, IKC_RW_DEC, NULL);
			if (t->past_frame)
				ikc_rw_uint(w, "ikecap.gdoi.tek_expired_frame", "First frame past its lifetime",
					    t->past_frame, IKC_RW_DEC, NULL);
			if (t->late_packets)
				ikc_rw_uint(w, "ikecap.gdoi.tek_esp_after_expiry", "ESP packets after its lifetime",
					    t->late_packets, IKC_RW_DEC, NULL);
			if (print_keys && t->have_keys) {
				ikc_rw_bytes(w, "ikecap.gdoi.tek_enc_key", "Encryption key", t->enc_key, t->enc_len);
				ikc_rw_bytes(w, "ikecap.gdoi.tek_auth_key", "Integrity key", t->auth_key, t->auth_len);
			}
			ikc_rw_end_map(w);
		}
		ikc_rw_end_array(w);
		ikc_rw_begin_array(w, "ikecap.gdoi.rekeys", "Rekeys");
		for (size_t r = 0; r < gr->nrk; r++) {
			const struct rekey *rk = &gr->rk[r];
			ikc_rw_begin_map(w, NULL, "Rekey");
			ikc_rw_uint(w, "ikecap.frame", "Frame", rk->frame, IKC_RW_DEC, NULL);
			ikc_rw_uint(w, "isakmp.seq.seq", "SEQ", rk->seq, IKC_RW_DEC, NULL);
			ikc_rw_cstr(w, "ikecap.gdoi.signature", "Signature",
				    rk->sig > 0 ? "verified" : rk->sig == 0 ? "failed" : "unchecked");
			ikc_rw_cstr(w, "ikecap.gdoi.verdict", "Verdict", rk_name(rk->kind));
			ikc_rw_bool(w, "ikecap.gdoi.accepted", "Accepted", rk->accepted);
			if (rk->ack_requested)
				ikc_rw_bool(w, "ikecap.gdoi.ack_requested", "ACK requested (RFC 8263)", true);
			if (rk->acks) {
				ikc_rw_uint(w, "ikecap.gdoi.ack_frame", "GROUPKEY-PUSH ACK frame", rk->ack_frame,
					    IKC_RW_DEC, NULL);
				ikc_rw_uint(w, "ikecap.gdoi.acks", "ACKs", rk->acks, IKC_RW_DEC, NULL);
			}
			ikc_rw_end_map(w);
		}
		ikc_rw_end_array(w);
		if (gr->push_no_key)
			ikc_rw_uint(w, "ikecap.gdoi.rekeys_not_decrypted", "Rekeys not decrypted", gr->push_no_key,
				    IKC_RW_DEC, NULL);
		ikc_rw_end_map(w);
		ikc_rw_end_record(w);
	}
}

void ikc_gdoi_write_text(const struct ikc_gdoi *g, FILE *out)
{
	char ic[17], gm[64], ks[64];

	if (!g || !g->n)
		return;
	fprintf(out, "GDOI groups (%zu):\n", g->n);
	for (size_t i = 0; i < g->n; i++) {
		const struct group *gr = &g->g[i];
		size_t keyed = 0, bad = 0, replays = 0;

		ikc_hex(gr->p1_icky, 8, ic, sizeof ic);
		ikc_format_addr(gr->af, gr->gm, gm, sizeof gm);
		ikc_format_addr(gr->af, gr->ks, ks, sizeof ks);
		for (size_t j = 0; j < gr->nteks; j++)
			keyed += gr->teks[j].accepted && gr->teks[j].have_keys;
		for (size_t r = 0; r < gr->nrk; r++) {
			bad += gr->rk[r].sig == 0;
			replays += gr->rk[r].replay;
		}
		fprintf(out, "  group %s%u member %s, key server %s (SA %s): %s", gr->have_group_id ? "" : "?",
			gr->group_id, gm, ks, ic,
			gr->pull4_frame ? "registered" : gr->pull2_frame ? "registration incomplete" : "not answered");
		if (gr->have_seq)
			fprintf(out, ", SEQ %u", gr->last_seq);
		fprintf(out, ", %zu TEK%s keyed, %zu rekey%s", keyed, keyed == 1 ? "" : "s", gr->nrk,
			gr->nrk == 1 ? "" : "s");
		if (bad)
			fprintf(out, " (%zu with a bad signature)", bad);
		if (replays)
			fprintf(out, " (%zu replayed)", replays);
		if (gr->px && gr->px->ke_r_len)
			fprintf(out, ", PFS (KE) %s", gr->px->pfs == PFS_MISSING ? "without its DH secret" : "unmasked");
		for (int s = 0; gr->px && s < 2; s++)
			if (gr->px->pop[s] != -2)
				fprintf(out, ", POP_%c %s", s ? 'R' : 'I',
					gr->px->pop[s] > 0 ? "verified" : gr->px->pop[s] == 0 ? "FAILED" : "unchecked");
		fputc('\n', out);
	}
}

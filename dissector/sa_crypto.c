/* sa_crypto.c - which secret, which IV and which side's key decrypt each
 * encrypted IKEv1 message (RFC 2409 §5, Appendix B); see sa_crypto.h.
 *
 * Key candidates are built once per SA when its first encrypted message
 * arrives: every g^xy we can get (dh lines, or dhpriv + the peer's KE) times
 * every PSK candidate (or the signature-auth SKEYID), plus already-derived
 * phase-1 keys (ikev1 lines).  A message is tried with its sender's key first;
 * the two peers may hold different PSKs, so each side keeps its own.
 *
 * IVs: phase 1 starts at hash(g^xi | g^xr) and chains on the last ciphertext
 * block; each message id of phase 2 starts at hash(last phase-1 block | M-ID)
 * and chains within that message id.  The chain depends only on ciphertext,
 * so it advances even when we cannot decrypt.  A byte-identical retransmission
 * reuses the IV of its original and does not advance anything.
 */
#include "sa_crypto.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/ikecrypto.h"
#include "esp_sa.h"
#include "gdoi.h"
#include "keys.h"
#include "x509.h"
#include "session_int.h"
#include "util.h"

#define MAX_CAND 16
_Static_assert(MAX_CAND < 255, "ikc_sa_crypto.side holds a candidate index plus one in a byte");
_Static_assert(MAX_CAND <= INT8_MAX, "ikc_seen_crypto.cand holds a candidate index in an int8_t");
#define MAX_GXY 4

/* IKE auth method ids (RFC 2409 App. A; XAUTH/hybrid drafts). */
static bool auth_is_psk(uint16_t a)
{
	return a == 1 || a == 65001 || a == 65002;
}

static bool auth_is_sig(uint16_t a)
{
	return a == 2 || a == 3 || a == 9 || a == 10 || a == 11 || (a >= 65003 && a <= 65006) ||
	       (a >= 64221 && a <= 64224);
}

void ikc_cr_buf_wipe(struct ikc_cr_buf *b)
{
	if (b->p) {
		OPENSSL_cleanse(b->p, b->len);
		free(b->p);
	}
	b->p = NULL;
	b->len = 0;
}

bool ikc_cr_buf_set(struct ikc_cr_buf *b, size_t cap, const uint8_t *src, size_t n)
{
	if (n > cap)
		n = cap;
	if (!src)       /* a payload declared shorter than its header has no body */
		n = 0;
	if (b->p && b->len == n) {      /* same size (a new nonce of the same length): in place */
		memcpy(b->p, src, n);
		return true;
	}
	ikc_cr_buf_wipe(b);
	if (!n)
		return true;
	b->p = malloc(n);
	if (!b->p)
		return false;
	memcpy(b->p, src, n);
	b->len = n;
	return true;
}

struct ikc_sa_crypto *ikc_sa_crypto_of(struct ikc_ike_sa *sa)
{
	if (!sa->crypto)
		sa->crypto = calloc(1, sizeof *sa->crypto);
	return sa->crypto;
}

/* The SA's key material to read (c may be NULL): all empty while there
 * is none. */
static const struct ikc_p1_material *material(const struct ikc_sa_crypto *c)
{
	static const struct ikc_p1_material none;

	return c && c->m ? c->m : &none;
}

/* ... to write: made at first use; NULL when memory ran out. */
static struct ikc_p1_material *material_of(struct ikc_sa_crypto *c)
{
	if (!c->m)
		c->m = calloc(1, sizeof *c->m);
	return c->m;
}

static void free_cbcs(struct ikc_sa_crypto *c)
{
	for (size_t i = 0; i < c->ncbc; i++)
		ikc_cbc_free(c->cbc[i]);
	free(c->cbc);
	c->cbc = NULL;
	c->ncbc = 0;
}

static void material_free(struct ikc_p1_material *m)
{
	if (!m)
		return;
	ikc_cr_buf_wipe(&m->ni);
	ikc_cr_buf_wipe(&m->nr);
	ikc_cr_buf_wipe(&m->gxi);
	ikc_cr_buf_wipe(&m->gxr);
	ikc_cr_buf_wipe(&m->idii_b);
	ikc_cr_buf_wipe(&m->idir_b);
	ikc_cr_buf_wipe(&m->am_hash_r);
	free(m->seen_iv);
	OPENSSL_cleanse(m, sizeof *m);
	free(m);
}

void ikc_sa_crypto_free(struct ikc_sa_crypto *c)
{
	if (!c)
		return;
	free_cbcs(c);
	if (c->cand) {
		OPENSSL_cleanse(c->cand, c->ncand * sizeof *c->cand);
		free(c->cand);
	}
	material_free(c->m);
	free(c->missing_text);
	free(c->am_psk_verdict);
	free(c->qm_missing);
	OPENSSL_cleanse(c, sizeof *c);
	free(c);
}

void ikc_sa_crypto_seen_reset(struct ikc_sa_crypto *c, size_t seen_slot)
{
	if (c->m && seen_slot < c->m->seen_iv_cap)
		memset(&c->m->seen_iv[seen_slot], 0, sizeof *c->m->seen_iv);
}

/* The IV record of ring slot seen_slot, made with the SA's first decryption
 * attempt; *scratch (zeroed) for a message without a slot, or when memory
 * ran out. */
static struct ikc_seen_crypto *seen_iv(struct ikc_sa_crypto *c, int seen_slot, struct ikc_seen_crypto *scratch)
{
	struct ikc_p1_material *m = seen_slot >= 0 ? material_of(c) : NULL;

	while (m && (size_t)seen_slot >= m->seen_iv_cap) {
		size_t cap = m->seen_iv_cap;
		struct ikc_seen_crypto *v = ikc_grow_zeroed(m->seen_iv, &cap, m->seen_iv_cap, sizeof *v, 4, IKC_SEEN_RING);

		if (!v)
			break;
		m->seen_iv = v;
		m->seen_iv_cap = cap;
	}
	if (!m || (size_t)seen_slot >= m->seen_iv_cap) {
		memset(scratch, 0, sizeof *scratch);
		return scratch;
	}
	return &m->seen_iv[seen_slot];
}

void ikc_qm_crypto_clear(struct ikc_qm *qm)
{
	struct ikc_qm_crypto *q = qm->crypto;

	if (!q)
		return;
	if (q->pfs) {
		ikc_cr_buf_wipe(&q->pfs->gxi);
		ikc_cr_buf_wipe(&q->pfs->gxr);
		free(q->pfs);
	}
	ikc_cr_buf_wipe(&q->ni);
	ikc_cr_buf_wipe(&q->nr);
	if (q->esp) {
		OPENSSL_cleanse(q->esp, 2 * sizeof *q->esp);
		free(q->esp);
	}
	free(q->keymat_missing);
	OPENSSL_cleanse(q, sizeof *q);
	free(q);
	qm->crypto = NULL;
}

void ikc_sa_crypto_learn_transform(struct ikc_sa_crypto *c, const struct ikc_transform *t)
{
	for (size_t i = 0; i < t->nattrs; i++) {
		const struct ikc_attr *at = &t->attrs[i];
		if (!at->has_value)
			continue;
		switch (at->type) {
		case 1: c->enc = (uint16_t)at->value; break;
		case 2: c->hash = (uint16_t)at->value; break;
		case 3: c->auth = (uint16_t)at->value; break;
		case 4: c->group = (uint16_t)at->value; break;
		case 14: c->keylen = (uint16_t)at->value; break;
		default: break;
		}
	}
	c->have_transform = true;
}

/* Remember what phase-1 messages carry in clear: SAi_b, KE, nonces, AM IDs and
 * the AM HASH_R.  The SA's key state is allocated only when one of the last
 * four comes (an SA made by MM1 alone keeps just its SAi_b). */
static void learn_clear(struct ikc_ike_sa *sa, enum ikc_dir dir, const struct ikc_msg *msg, uint64_t frame)
{
	bool from_i = dir == IKC_DIR_I2R, am = msg->hdr.exchange == IKC_EX_AGGRESSIVE;
	struct ikc_sa_crypto *c;
	struct ikc_p1_material *m;

	if (dir == IKC_DIR_UNKNOWN)
		return;
	for (size_t i = 0; i < msg->npayloads; i++) {
		const struct ikc_payload *p = &msg->payloads[i];
		if (p->notes & (IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) | IKC_NOTE(TRUNCATED)))
			continue;
		if (p->type == IKC_PT_SA) {
			if (from_i && !sa->sai_b.len && !sa->key_inputs_off)
				ikc_cr_buf_set(&sa->sai_b, IKC_CR_MAX_SAB, p->body, p->body_len);
			continue;
		}
		if (p->type != IKC_PT_KE && p->type != IKC_PT_NONCE && !(am && p->type == IKC_PT_ID) &&
		    !(am && !from_i && p->type == IKC_PT_HASH))
			continue;
		if (!(c = ikc_sa_crypto_of(sa)))
			return;
		if (p->type == IKC_PT_KE || p->type == IKC_PT_NONCE) {
			uint8_t bit = p->type == IKC_PT_KE ? (from_i ? IKC_IN_KE_I : IKC_IN_KE_R)
							   : (from_i ? IKC_IN_NONCE_I : IKC_IN_NONCE_R);
			if (p->body && p->body_len)
				c->inputs |= bit;
			else
				c->inputs &= (uint8_t)~bit;
		}
		if (sa->key_inputs_off)
			continue;
		m = material_of(c);   /* no memory: the bytes are not kept, as when a copy fails */
		switch (p->type) {
		case IKC_PT_KE:
			if (!m || !ikc_cr_buf_set(from_i ? &m->gxi : &m->gxr, IKC_CR_MAX_KE, p->body, p->body_len))
				c->inputs &= (uint8_t)~(from_i ? IKC_IN_KE_I : IKC_IN_KE_R);
			break;
		case IKC_PT_NONCE:
			if (!m || !ikc_cr_buf_set(from_i ? &m->ni : &m->nr, IKC_CR_MAX_NONCE, p->body, p->body_len))
				c->inputs &= (uint8_t)~(from_i ? IKC_IN_NONCE_I : IKC_IN_NONCE_R);
			break;
		case IKC_PT_ID:
			if (m)
				ikc_cr_buf_set(from_i ? &m->idii_b : &m->idir_b, IKC_CR_MAX_ID, p->body, p->body_len);
			break;
		case IKC_PT_HASH:
			if (m) {
				ikc_cr_buf_set(&m->am_hash_r, IKC_CR_MAX_HASH, p->body, p->body_len);
				m->am_hash_r_frame = frame;
			}
			break;
		default:
			break;
		}
	}
}

/* Finish a candidate from its SKEYID: SKEYID_d/a/e and Ka (RFC 2409 §5, App. B). */
static bool finish_candidate(const struct ikc_sa_crypto *c, const struct ikc_ike_sa *sa,
			     const struct ikc_hash_desc *h, const struct ikc_cipher_desc *ci, const uint8_t *gxy,
			     size_t gxy_len, struct ikc_side_keys *k)
{
	(void)c;
	if (ikc_skeyid_derive(h, k->skeyid, k->hlen, gxy, gxy_len, sa->icky, sa->rcky, k->skeyid_d, k->skeyid_a,
			      k->skeyid_e) != IKC_OK)
		return false;
	if (ikc_p1_enc_key(h, k->skeyid_e, k->hlen, ci->key_len, k->ka) != IKC_OK)
		return false;
	k->ka_len = ci->key_len;
	k->ready = true;
	return true;
}

/* g^xy values available for this SA: dh lines, then dhpriv + the peer's KE. */
static size_t collect_gxy(const struct ikc_sa_crypto *c, const struct ikc_ike_sa *sa, const struct ikc_keys *keys,
			  uint8_t gxy[MAX_GXY][IKC_MAX_DH], size_t gxy_len[MAX_GXY], char src[MAX_GXY][24])
{
	const struct ikc_p1_material *m = material(c);
	size_t n = 0, len;
	const uint8_t *p;

	for (size_t i = 0; n < MAX_GXY && (p = ikc_keys_dh(keys, sa->icky, false, 0, i, &len)) != NULL; i++) {
		if (len > IKC_MAX_DH)
			continue;
		memcpy(gxy[n], p, len);
		gxy_len[n] = len;
		snprintf(src[n], sizeof src[n], "dh");
		n++;
	}
	for (size_t i = 0; n < MAX_GXY && (p = ikc_keys_dhpriv(keys, sa->icky, i, &len)) != NULL; i++) {
		uint8_t pub[IKC_MAX_DH_PUB];
		size_t publen = 0;
		const struct ikc_cr_buf *peer = NULL;

		if (ikc_dh_public(c->group, p, len, pub, &publen) != IKC_OK)
			continue;
		/* Whose private value is it?  The one whose public value is in the capture. */
		if (publen == m->gxi.len && CRYPTO_memcmp(pub, m->gxi.p, publen) == 0)
			peer = &m->gxr;
		else if (publen == m->gxr.len && CRYPTO_memcmp(pub, m->gxr.p, publen) == 0)
			peer = &m->gxi;
		if (peer && ikc_dh_compute(c->group, p, len, peer->p, peer->len, gxy[n], &gxy_len[n]) == IKC_OK) {
			snprintf(src[n], sizeof src[n], "dhpriv");
			n++;
		}
		OPENSSL_cleanse(pub, sizeof pub);
	}
	return n;
}

/* The c->ncand candidates derived in room moved to an exact-size copy;
 * room's used slots, and the one after them that a failed derivation wrote,
 * are wiped.  Out of memory: no candidates. */
static void keep_candidates(struct ikc_sa_crypto *c, struct ikc_side_keys room[MAX_CAND])
{
	size_t used = c->ncand < MAX_CAND ? c->ncand + 1 : MAX_CAND;
	struct ikc_side_keys *v = c->ncand ? malloc(c->ncand * sizeof *v) : NULL;

	if (v)
		memcpy(v, room, c->ncand * sizeof *v);
	else
		c->ncand = 0;
	OPENSSL_cleanse(room, used * sizeof room[0]);
	c->cand = v;
}

/* Slot i (< MAX_CAND: the callers check) of build_candidates' room, cleared
 * for a new candidate. */
static struct ikc_side_keys *room_slot(struct ikc_side_keys room[MAX_CAND], size_t i)
{
	memset(&room[i], 0, sizeof room[i]);
	return &room[i];
}

/* What the key state lacks: a fixed sentence, or one made with its numbers. */
static void missing_fixed(struct ikc_sa_crypto *c, const char *sentence)
{
	ikc_text_set(&c->missing_text, "", 1);
	c->missing_fixed = sentence;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void missing_printf(struct ikc_sa_crypto *c, const char *fmt, ...)
{
	char buf[IKC_CR_TEXT];
	va_list ap;

	va_start(ap, fmt);
	ikc_vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	c->missing_fixed = NULL;
	ikc_text_set(&c->missing_text, buf, sizeof buf);
}

/* Build every candidate key set once; explain what is lacking (ikc_sa_crypto_missing). */
static void build_candidates(struct ikc_sa_crypto *c, const struct ikc_ike_sa *sa, const struct ikc_keys *keys)
{
	const struct ikc_hash_desc *h;
	const struct ikc_cipher_desc *ci;
	uint8_t gxy[MAX_GXY][IKC_MAX_DH];
	size_t gxy_len[MAX_GXY], ngxy = 0;
	size_t ikev1_bad_len = 0;         /* an ikev1 key for this cookie that cannot be Ka: its length */
	char gsrc[MAX_GXY][24];
	struct ikc_side_keys room[MAX_CAND];
	struct ikc_p1_material *m;
	const uint8_t *p;
	size_t len;

	c->tried = true;
	missing_fixed(c, NULL);
	if (!c->have_transform) {
		missing_fixed(c, "the chosen phase-1 transform is not in the capture (MM2/AM2 missing)");
		return;
	}
	h = ikc_hash_by_ike_id(c->hash);
	ci = ikc_cipher_by_ike_id(c->enc, c->keylen);
	if (!h || !ci) {
		missing_printf(c, "unsupported phase-1 %s (id %u)", !h ? "hash" : "cipher",
			 !h ? c->hash : c->enc);
		return;
	}
	c->block = (uint8_t)ci->block_len;   /* 8 or 16 (the cipher table) */
	if (c->inputs != IKC_IN_ALL) {
		missing_fixed(c, "the KE and NONCE payloads of both peers are not all in the capture (MM3/MM4 missing)");
		return;
	}
	/* Nothing in the key store for this SA (the usual case without -k, and
	 * for most SAs of a span port): no room taken, nothing to wipe, and the
	 * initial IV (a hash over both KE values) is left until it is needed. */
	if (!ikc_keys_ikev1(keys, sa->icky, 0, &len) && !ikc_keys_dh(keys, sa->icky, false, 0, 0, &len) &&
	    !ikc_keys_dhpriv(keys, sa->icky, 0, &len))
		goto explain;
	if (!(m = material_of(c)))
		return;
	if (ikc_p1_iv(h, m->gxi.p, m->gxi.len, m->gxr.p, m->gxr.len, ci->block_len, m->iv0) != IKC_OK)
		return;
	m->have_iv0 = true;
	/* Candidates are derived in room on the stack and the ones that come
	 * out kept at their exact count (usually one: ~0.5 KB, not 8 KB); a
	 * slot is cleared when it is taken (all of room was 3% of a keyed run). */

	/* Already-derived phase-1 keys (Wireshark's ikev1_decryption_table). */
	for (size_t i = 0; c->ncand < MAX_CAND && (p = ikc_keys_ikev1(keys, sa->icky, i, &len)) != NULL; i++) {
		struct ikc_side_keys *k = room_slot(room, c->ncand);
		if (len != ci->key_len || len > sizeof k->ka) {
			ikev1_bad_len = len;
			continue;
		}
		memcpy(k->ka, p, len);
		k->ka_len = len;
		k->ready = true;
		snprintf(k->source, sizeof k->source, "ikev1 key #%zu", i + 1);
		c->ncand++;
	}

	ngxy = collect_gxy(c, sa, keys, gxy, gxy_len, gsrc);
	for (size_t g = 0; g < ngxy; g++) {
		if (auth_is_sig(c->auth)) {
			struct ikc_side_keys *k;

			if (c->ncand >= MAX_CAND)
				break;
			k = room_slot(room, c->ncand);
			if (ikc_skeyid_sig(h, m->ni.p, m->ni.len, m->nr.p, m->nr.len, gxy[g], gxy_len[g], k->skeyid,
					   &k->hlen) == IKC_OK &&
			    finish_candidate(c, sa, h, ci, gxy[g], gxy_len[g], k)) {
				snprintf(k->source, sizeof k->source, "%s (signature auth)", gsrc[g]);
				c->ncand++;
			}
		} else if (auth_is_psk(c->auth)) {
			const struct ikc_psk *psks[MAX_CAND];
			size_t np = ikc_keys_psk_candidates(keys, sa->af == 6 ? 6 : 4, sa->iaddr, sa->raddr, psks,
							    MAX_CAND);
			for (size_t i = 0; i < np && c->ncand < MAX_CAND; i++) {
				struct ikc_side_keys *k = room_slot(room, c->ncand);
				if (ikc_skeyid_psk(h, psks[i]->key, psks[i]->key_len, m->ni.p, m->ni.len, m->nr.p,
						   m->nr.len, k->skeyid, &k->hlen) == IKC_OK &&
				    finish_candidate(c, sa, h, ci, gxy[g], gxy_len[g], k)) {
					snprintf(k->source, sizeof k->source, "psk %s + %s", psks[i]->id, gsrc[g]);
					c->ncand++;
				}
			}
		}
	}
	/* Wipe what was written: the values found and the slot a failed
	 * derivation may have left half-made. */
	OPENSSL_cleanse(gxy, (ngxy < MAX_GXY ? ngxy + 1 : MAX_GXY) * sizeof gxy[0]);
	keep_candidates(c, room);
	if (c->ncand)
		return;
explain:
	if (ikev1_bad_len)
		missing_printf(c, "the `ikev1` key for this cookie is %zu bytes, but %s takes a %zu-byte key (the table "
			 "holds the phase-1 encryption key Ka, not SKEYID)", ikev1_bad_len, ci->name, ci->key_len);
	else if (!auth_is_psk(c->auth) && !auth_is_sig(c->auth))
		missing_printf(c, "auth method %u is not supported for decryption: give the phase-1 key (an `ikev1` line)",
			 c->auth);
	else if (ngxy == 0)
		missing_fixed(c, "need g^xy (a `dh` line), a DH private value (a `dhpriv` line) or the phase-1 key (an "
				 "`ikev1` line)");
	else
		missing_fixed(c, "need the pre-shared key (a `psk` line)");
}

/* Candidate i's Ka keyed once, made at its first use: the SA's messages
 * then cost no key schedule or context set-up each.  NULL: decrypt one-shot. */
static struct ikc_cbc *cand_cbc(struct ikc_sa_crypto *c, size_t i, const struct ikc_cipher_desc *ci)
{
	if (c->ncbc != c->ncand) {
		free_cbcs(c);
		if (!c->ncand || !(c->cbc = calloc(c->ncand, sizeof *c->cbc)))
			return NULL;
		c->ncbc = c->ncand;
	}
	if (i >= c->ncbc)
		return NULL;
	if (!c->cbc[i] && ikc_cbc_new(ci, c->cand[i].ka, &c->cbc[i]) != IKC_OK)
		c->cbc[i] = NULL;
	return c->cbc[i];
}

static enum ikc_err decrypt_with(struct ikc_sa_crypto *c, size_t i, const struct ikc_cipher_desc *ci,
				 const uint8_t *iv, const struct ikc_msg *msg, uint8_t *plain)
{
	struct ikc_cbc *k = cand_cbc(c, i, ci);

	if (k)
		return ikc_cbc_run(k, iv, msg->enc, msg->enc_len, plain);
	return ikc_cbc_decrypt(ci, c->cand[i].ka, iv, msg->enc, msg->enc_len, plain, NULL);
}

/* Padding and payload-chain sanity of a decrypted body: wrong keys give a chain
 * that does not parse. */
static bool chain_is_sound(const struct ikc_payload *pl, size_t n, ikc_notes chain_notes)
{
	const ikc_notes bad = IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) | IKC_NOTE(MALFORMED) |
			      IKC_NOTE(TRUNCATED) | IKC_NOTE(UNKNOWN_PAYLOAD) | IKC_NOTE(CHAIN_TOO_LONG) |
			      IKC_NOTE(ATTR_TRUNCATED);

	if (n == 0 || (chain_notes & IKC_NOTE(CHAIN_TOO_LONG)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (pl[i].notes & bad)
			return false;
	return true;
}

/* The bytes of every payload after the one at index h (generic headers kept,
 * padding left out): what HASH(1), HASH(2) and the Informational HASH cover. */
static void bytes_after(const struct ikc_payload *pl, size_t n, size_t h, const uint8_t **p, size_t *len)
{
	if (h + 1 >= n) {
		*p = NULL;
		*len = 0;
		return;
	}
	*p = pl[h + 1].body - 4;
	*len = (size_t)(pl[n - 1].body + pl[n - 1].body_len - *p);
}

static struct ikc_qm *qm_of(struct ikc_ike_sa *sa, uint32_t msgid)
{
	for (size_t i = 0; i < sa->nqm; i++)
		if (sa->qm[i].msgid == msgid)
			return &sa->qm[i];
	return NULL;
}

/* The Quick Mode's key state, made when it first carries some (a Quick Mode
 * of a capture without keys never does); NULL when out of memory. */
static struct ikc_qm_crypto *qm_crypto_of(struct ikc_qm *qm)
{
	if (!qm->crypto)
		qm->crypto = calloc(1, sizeof *qm->crypto);
	return qm->crypto;
}

static int label_number(const char *label)
{
	size_t n = strlen(label);

	return n && label[n - 1] >= '0' && label[n - 1] <= '9' ? label[n - 1] - '0' : 0;
}

/* HASH_I (initiator) / HASH_R (responder), RFC 2409 §5:
 *   HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 *   HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
static bool p1_expected(const struct ikc_ike_sa *sa, const struct ikc_side_keys *k, const struct ikc_msg_info *info,
			const struct ikc_payload *pl, size_t n, uint8_t *want, size_t *wlen)
{
	const struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_p1_material *m = material(c);
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(c->hash);
	const struct ikc_payload *id = ikc_find_payload(pl, n, IKC_PT_ID);
	bool responder = info->dir == IKC_DIR_R2I;
	struct ikc_p1_hash_in in = {
		.gxi = m->gxi.p, .gxi_len = m->gxi.len, .gxr = m->gxr.p, .gxr_len = m->gxr.len,
		.cky_i = sa->icky, .cky_r = sa->rcky, .sai_b = sa->sai_b.p, .sai_len = sa->sai_b.len,
	};

	if (!h || info->dir == IKC_DIR_UNKNOWN || !sa->sai_b.len)
		return false;
	if (id) {
		in.id_b = id->body;
		in.id_len = id->body_len;
	} else if (!responder && m->idii_b.len) { /* AM3: IDii was in AM1 */
		in.id_b = m->idii_b.p;
		in.id_len = m->idii_b.len;
	} else {
		return false;
	}
	return ikc_p1_hash(h, k->skeyid, k->hlen, responder, &in, want, wlen) == IKC_OK;
}

/* Verify the HASH of a decrypted message.  Also remembers Quick Mode nonces. */
static enum ikc_hash_verdict verify_hash(struct ikc_ike_sa *sa, const struct ikc_side_keys *k,
					 const struct ikc_msg *msg, const struct ikc_msg_info *info,
					 const struct ikc_payload *pl, size_t n)
{
	struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(c->hash);
	const struct ikc_payload *hp = ikc_find_payload(pl, n, IKC_PT_HASH);
	uint8_t want[IKC_MAX_HASH];
	size_t wlen = 0, hidx;
	enum ikc_err err = IKC_UNSUPPORTED;
	const uint8_t *after;
	size_t after_len;

	if (!h || !k->hlen)
		return IKC_HASH_UNCHECKED;
	if (!hp) {
		/* Signature auth: MM5/MM6 carry SIG over HASH_I/HASH_R instead. */
		const struct ikc_payload *sp = ikc_find_payload(pl, n, IKC_PT_SIG);
		const struct ikc_payload *cp = ikc_find_payload(pl, n, IKC_PT_CERT);
		int ok;

		if (msg->hdr.msgid != 0 || !sp || !cp || !p1_expected(sa, k, info, pl, n, want, &wlen))
			return IKC_HASH_UNCHECKED;
		ok = ikc_sig_verify(cp->u.cert.encoding, cp->u.cert.data, cp->u.cert.len, want, wlen, sp->body,
				    sp->body_len);
		return ok > 0 ? IKC_HASH_VERIFIED : ok == 0 ? IKC_HASH_FAILED : IKC_HASH_UNCHECKED;
	}
	hidx = (size_t)(hp - pl);
	bytes_after(pl, n, hidx, &after, &after_len);

	if (msg->hdr.msgid == 0) {
		if (!p1_expected(sa, k, info, pl, n, want, &wlen))
			return IKC_HASH_UNCHECKED;
		err = IKC_OK;
	} else if (msg->hdr.exchange == IKC_EX_QUICK) {
		struct ikc_qm *qm = qm_of(sa, msg->hdr.msgid);
		const struct ikc_payload *np = ikc_find_payload(pl, n, IKC_PT_NONCE);
		int num = label_number(info->label);
		struct ikc_qm_crypto *q;

		if (!qm || !(q = qm_crypto_of(qm)))
			return IKC_HASH_UNCHECKED;
		if (np && num == 1)
			ikc_cr_buf_set(&q->ni, IKC_CR_MAX_NONCE, np->body, np->body_len);
		if (np && num == 2)
			ikc_cr_buf_set(&q->nr, IKC_CR_MAX_NONCE, np->body, np->body_len);
		/* HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDci | IDcr])
		 * HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| KE] [| IDci | IDcr])
		 * HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
		 * GROUPKEY-PULL's four differ (gdoi.h): no 0 octet in HASH(3). */
		if (info->doi == IKC_DOI_GDOI) {
			if (num == 1 || (num == 2 && q->ni.len) ||
			    (num >= 3 && q->ni.len && q->nr.len))
				err = ikc_gdoi_pull_hash(h, k->skeyid_a, k->hlen, msg->hdr.msgid, num, q->ni.p,
							 q->ni.len, q->nr.p, q->nr.len, after,
							 after_len, want, &wlen);
		} else if (num == 1)
			err = ikc_qm_hash1(h, k->skeyid_a, k->hlen, msg->hdr.msgid, after, after_len, want, &wlen);
		else if (num == 2 && q->ni.len)
			err = ikc_qm_hash2(h, k->skeyid_a, k->hlen, msg->hdr.msgid, q->ni.p, q->ni.len,
					   after, after_len, want, &wlen);
		else if (num == 3 && q->ni.len && q->nr.len)
			err = ikc_qm_hash3(h, k->skeyid_a, k->hlen, msg->hdr.msgid, q->ni.p, q->ni.len,
					   q->nr.p, q->nr.len, want, &wlen);
	} else if (msg->hdr.exchange == IKC_EX_INFO || msg->hdr.exchange == IKC_EX_TRANSACTION) {
		/* HASH(1) = prf(SKEYID_a, M-ID | N/D) (§5.7); Mode Config the same over ATTR. */
		err = ikc_info_hash(h, k->skeyid_a, k->hlen, msg->hdr.msgid, after, after_len, want, &wlen);
	}
	if (err != IKC_OK)
		return IKC_HASH_UNCHECKED;
	if (wlen == hp->body_len && ikc_hash_equal(want, hp->body, wlen))
		return IKC_HASH_VERIFIED;
	return IKC_HASH_FAILED;
}

struct attempt {
	int cand;
	const char *iv_name;
	uint8_t iv[IKC_MAX_BLOCK];
	const uint8_t *base;          /* not NULL: iv is hash(base | M-ID), made when first tried */
};

/* The alternatives to the standard IV are rarely needed: each costs a hash
 * (~2k instructions), made only when the trial reaches it.  False when it
 * cannot be made (the attempt is skipped). */
static bool attempt_ready(const struct ikc_sa_crypto *c, uint32_t msgid, struct attempt *t)
{
	if (!t->base)
		return true;
	if (ikc_p2_iv(ikc_hash_by_ike_id(c->hash), t->base, c->block, msgid, t->iv) != IKC_OK)
		return false;
	t->base = NULL;
	return true;
}

/* The IVs a message may have been encrypted with, the standard one first. */
static size_t iv_candidates(struct ikc_ike_sa *sa, const struct ikc_msg *msg, const struct ikc_seen_crypto *seen,
			    struct attempt *iv, size_t max)
{
	struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_p1_material *m = material(c);
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(c->hash);
	size_t n = 0;

	for (size_t i = 0; i < max; i++)
		iv[i].base = NULL;
	if (seen->have_iv) {  /* a retransmission: the original's IV */
		memcpy(iv[n].iv, seen->iv, c->block);
		iv[n++].iv_name = "";
		return n;
	}
	if (msg->hdr.msgid == 0) {
		memcpy(iv[n].iv, m->have_p1_last ? m->p1_last_block : m->iv0, c->block);
		iv[n++].iv_name = "";
		if (m->have_p1_last && n < max) {
			memcpy(iv[n].iv, m->iv0, c->block);
			iv[n++].iv_name = "initial-iv";
		}
		return n;
	}
	{
		struct ikc_qm *qm = qm_of(sa, msg->hdr.msgid);
		if (qm && qm->crypto && qm->crypto->have_iv) {
			memcpy(iv[n].iv, qm->crypto->iv, c->block);
			iv[n++].iv_name = "";
			return n;
		}
	}
	/* First message of a message id: hash(base | M-ID), RFC 2409 App. B.  The
	 * base is the last phase-1 block; a peer that never accepted the last
	 * phase-1 message still uses an older block or the initial IV. */
	if (m->have_p2_base && n < max && ikc_p2_iv(h, m->p2_base, c->block, msg->hdr.msgid, iv[n].iv) == IKC_OK)
		iv[n++].iv_name = "";
	if (m->have_p1_last && n < max &&
	    (!m->have_p2_base || memcmp(m->p1_last_block, m->p2_base, c->block) != 0)) {
		iv[n].base = m->p1_last_block;
		iv[n++].iv_name = "earlier-phase1-block";
	}
	if (n < max) {
		iv[n].base = m->iv0;
		iv[n].iv_name = n == 0 ? "" : "initial-iv";
		n++;
	}
	/* The first (standard) IV is made now: the message's record keeps it. */
	while (n && !attempt_ready(c, msg->hdr.msgid, &iv[0])) {
		memmove(iv, iv + 1, --n * sizeof *iv);
		if (n && iv[0].iv_name[0] && iv[0].base == m->iv0)
			iv[0].iv_name = "";
	}
	return n;
}

/* Advance the IV chains from the ciphertext (whether or not we decrypted). */
static void advance_chain(struct ikc_ike_sa *sa, const struct ikc_msg *msg, const uint8_t *last_block)
{
	struct ikc_sa_crypto *c = sa->crypto;
	struct ikc_p1_material *m;
	struct ikc_qm *qm;
	struct ikc_qm_crypto *q;

	/* Without key inputs no key can come (no key file): nothing to keep. */
	if (sa->key_inputs_off)
		return;
	if (msg->hdr.msgid == 0) {
		/* A phase-1 message past the exchange's last (MM7, AM4 ...) is a
		 * copy the retransmission ring no longer held (it wrapped, or a
		 * quiet SA gave it up): phase 2 hangs on the chain as it is. */
		if (sa->p1_last > (sa->p1_exchange == IKC_EX_AGGRESSIVE ? 3 : 6))
			return;
		if (!(m = material_of(c)))
			return;   /* no memory: a later key finds no chain, and says so */
		memcpy(m->p1_last_block, last_block, c->block);
		m->have_p1_last = true;
		memcpy(m->p2_base, last_block, c->block);
		m->have_p2_base = true;
		return;
	}
	/* A Quick Mode's chain, for a key that comes later. */
	qm = qm_of(sa, msg->hdr.msgid);
	if ((q = qm ? qm_crypto_of(qm) : NULL) != NULL) {
		memcpy(q->iv, last_block, c->block);
		q->have_iv = true;
	}
}

/* Try each candidate key with each plausible IV; the sender's key first. */
/* Candidate index i onto the trial order, unless it is there already. */
static void order_add(size_t *order, size_t *n, size_t i)
{
	for (size_t k = 0; k < *n; k++)
		if (order[k] == i)
			return;
	order[(*n)++] = i;
}

static void try_decrypt(struct ikc_ike_sa *sa, struct ikc_arena *a, const struct ikc_msg *msg,
			struct ikc_seen_crypto *seen, struct ikc_msg_info *info)
{
	struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_cipher_desc *ci = ikc_cipher_by_ike_id(c->enc, c->keylen);
	int side = info->dir == IKC_DIR_R2I ? 1 : 0;
	struct attempt ivs[4];
	size_t nivs, order[MAX_CAND + 2], norder = 0;
	uint8_t *plain = ikc_arena_alloc(a, msg->enc_len);
	size_t mark = a->used;
	int best_cand = -1;
	size_t best_iv = 0;
	bool best_sound = false;
	enum ikc_hash_verdict best_hash = IKC_HASH_UNCHECKED;
	struct ikc_payload *kept = NULL;   /* the verified decryption, kept as is */
	size_t nkept = 0;
	ikc_notes kept_notes = 0;
	bool any_verifier = false;
	char cky[17];

	if (!plain) {
		info->dec = IKC_DEC_MALFORMED;
		snprintf(info->dec_detail, sizeof info->dec_detail, "no memory left to decrypt");
		return;
	}
	nivs = iv_candidates(sa, msg, seen, ivs, 4);
	if (!nivs)
		return;
	if (!seen->have_iv) {
		memcpy(seen->iv, ivs[0].iv, c->block);
		seen->have_iv = true;
		seen->cand = -1;
	}
	/* Order: this side's key, the other side's, then the rest; each once. */
	if (seen->cand >= 0)
		order_add(order, &norder, (size_t)seen->cand);
	for (int s = 0; s < 2; s++) {
		int sd = s == 0 ? side : 1 - side;
		for (size_t i = 0; i < c->ncand; i++)
			if (ikc_sa_side(c, sd) && strcmp(c->cand[i].source, ikc_sa_side(c, sd)->source) == 0)
				order_add(order, &norder, i);
	}
	for (size_t i = 0; i < c->ncand; i++)
		order_add(order, &norder, i);
	/* Keys with no SKEYID_a (Wireshark's table gives Ka alone) cannot verify
	 * a HASH: when no candidate can, the first sound decryption is the one
	 * the search below would keep, so it stops there. */
	for (size_t i = 0; i < c->ncand; i++)
		if (c->cand[i].hlen)
			any_verifier = true;

	for (size_t oi = 0; oi < norder; oi++) {
		const struct ikc_side_keys *k = &c->cand[order[oi]];
		for (size_t v = 0; v < nivs; v++) {
			struct ikc_payload *pl = NULL;
			size_t n = 0;
			ikc_notes cn = 0;
			enum ikc_hash_verdict hv;
			struct ikc_decode_ctx dctx = { .doi = info->doi };

			a->used = mark;
			if (!attempt_ready(c, msg->hdr.msgid, &ivs[v]) ||
			    decrypt_with(c, order[oi], ci, ivs[v].iv, msg, plain) != IKC_OK)
				continue;
			if (ikc_payload_chain_decode(a, msg->hdr.next, plain, msg->enc_len, &dctx, &pl, &n, &cn) !=
				    IKC_OK ||
			    !chain_is_sound(pl, n, cn))
				continue;
			hv = verify_hash(sa, k, msg, info, pl, n);
			if (hv == IKC_HASH_VERIFIED || best_cand < 0 ||
			    (best_hash != IKC_HASH_VERIFIED && hv == IKC_HASH_UNCHECKED &&
			     best_hash == IKC_HASH_FAILED)) {
				best_cand = (int)order[oi];
				best_iv = v;
				best_hash = hv;
				best_sound = true;
			}
			if (hv == IKC_HASH_VERIFIED || !any_verifier) {
				/* The usual case: keep this decryption, its payloads
				 * are in the arena and plain holds its bytes. */
				kept = pl;
				nkept = n;
				kept_notes = cn;
				goto found;
			}
		}
	}
found:
	if (!kept)
		a->used = mark;
	if (!best_sound) {
		info->dec = IKC_DEC_WRONG_KEY;
		c->failed++;
		ikc_sa_cookie_hex(sa, cky);
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "SA %s: %s does not decrypt with any of %u candidate key(s): wrong key or PSK", cky,
			 info->label, (unsigned)c->ncand);
		return;
	}
	/* Decode again with the winner so that the arena holds its payloads. */
	{
		const struct ikc_side_keys *k = &c->cand[best_cand];
		struct ikc_decode_ctx dctx = { .doi = info->doi };
		ikc_notes cn = 0;

		if (kept) {
			info->payloads = kept;
			info->npayloads = nkept;
			cn = kept_notes;
		} else if (decrypt_with(c, (size_t)best_cand, ci, ivs[best_iv].iv, msg, plain) != IKC_OK ||
			   ikc_payload_chain_decode(a, msg->hdr.next, plain, msg->enc_len, &dctx, &info->payloads,
						    &info->npayloads, &cn) != IKC_OK) {
			return;
		}
		info->dec_notes = cn & ~IKC_NOTE(TRAILING_DATA); /* padding is expected */
		info->plain = plain;
		info->plain_len = msg->enc_len;
		info->dec = IKC_DEC_OK;
		info->hash = best_hash;
		ikc_strjoin(info->iv_base, sizeof info->iv_base, ivs[best_iv].iv_name, NULL);
		if (!info->retransmit) {
			c->decrypted++;
			if (best_hash == IKC_HASH_VERIFIED)
				c->hash_ok++;
			else if (best_hash == IKC_HASH_FAILED)
				c->hash_bad++;
		}
		seen->cand = (int8_t)best_cand;
		memcpy(seen->iv, ivs[best_iv].iv, c->block);
		if (!ikc_sa_side(c, side)) {
			const struct ikc_side_keys *other = ikc_sa_side(c, 1 - side);

			c->side[side] = (uint8_t)(best_cand + 1);
			if (other && strcmp(other->source, k->source) != 0)
				c->psk_differs = true;
		}
		ikc_strjoin(info->dec_detail, sizeof info->dec_detail, "key: ", k->source,
			info->iv_base[0] ? ", IV from " : "", info->iv_base, NULL);
	}
}

/* Aggressive Mode: HASH_R travels in clear, so a PSK can be checked without
 * g^xy: SKEYID = prf(PSK, Ni_b | Nr_b), HASH_R = prf(SKEYID, g^xr | g^xi |
 * CKY-R | CKY-I | SAi_b | IDir_b). */
static void check_am_psk(struct ikc_ike_sa *sa, const struct ikc_keys *keys, struct ikc_msg_info *info)
{
	struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_p1_material *m = material(c);
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(c->hash);
	const struct ikc_psk *psks[MAX_CAND];
	size_t np;
	struct ikc_p1_hash_in in = {
		.gxi = m->gxi.p, .gxi_len = m->gxi.len, .gxr = m->gxr.p, .gxr_len = m->gxr.len,
		.cky_i = sa->icky, .cky_r = sa->rcky, .sai_b = sa->sai_b.p, .sai_len = sa->sai_b.len,
		.id_b = m->idir_b.p, .id_len = m->idir_b.len,
	};

	if (!h || !auth_is_psk(c->auth) || !m->am_hash_r.len || !m->idir_b.len || !sa->sai_b.len || !m->ni.len ||
	    !m->nr.len)
		return;
	np = ikc_keys_psk_candidates(keys, sa->af == 6 ? 6 : 4, sa->iaddr, sa->raddr, psks, MAX_CAND);
	if (!np)
		return;
	for (size_t i = 0; i < np; i++) {
		uint8_t skeyid[IKC_MAX_HASH], want[IKC_MAX_HASH];
		size_t slen = 0, wlen = 0;
		bool ok = ikc_skeyid_psk(h, psks[i]->key, psks[i]->key_len, m->ni.p, m->ni.len, m->nr.p, m->nr.len,
					 skeyid, &slen) == IKC_OK &&
			  ikc_p1_hash(h, skeyid, slen, true, &in, want, &wlen) == IKC_OK && wlen == m->am_hash_r.len &&
			  ikc_hash_equal(want, m->am_hash_r.p, wlen);
		OPENSSL_cleanse(skeyid, sizeof skeyid);
		if (ok) {
			ikc_text_printf(&c->am_psk_verdict, IKC_CR_TEXT, "responder's PSK is %s (HASH_R verified)",
				 psks[i]->id);
			info->hash = IKC_HASH_VERIFIED;
			snprintf(info->dec_detail, sizeof info->dec_detail, "HASH_R verified with psk %s", psks[i]->id);
			return;
		}
	}
	ikc_text_printf(&c->am_psk_verdict, IKC_CR_TEXT,
		 "no candidate PSK (%zu tried) matches the responder's HASH_R", np);
	info->hash = IKC_HASH_FAILED;
	snprintf(info->dec_detail, sizeof info->dec_detail, "%s", ikc_text(c->am_psk_verdict));
}

bool ikc_sa_crypto_am_auditable(const struct ikc_ike_sa *sa)
{
	const struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_p1_material *m = material(c);

	return c && auth_is_psk(c->auth) && m->am_hash_r.len && m->idir_b.len && sa->sai_b.len && m->ni.len &&
	       m->nr.len && ikc_hash_by_ike_id(c->hash) != NULL;
}

bool ikc_sa_crypto_am_try_psk(const struct ikc_ike_sa *sa, const uint8_t *psk, size_t len)
{
	const struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_p1_material *m = material(c);
	const struct ikc_hash_desc *h = c ? ikc_hash_by_ike_id(c->hash) : NULL;
	uint8_t skeyid[IKC_MAX_HASH], want[IKC_MAX_HASH];
	size_t slen = 0, wlen = 0;
	struct ikc_p1_hash_in in = {
		.gxi = m->gxi.p, .gxi_len = m->gxi.len, .gxr = m->gxr.p, .gxr_len = m->gxr.len,
		.cky_i = sa->icky, .cky_r = sa->rcky, .sai_b = sa->sai_b.p, .sai_len = sa->sai_b.len,
		.id_b = m->idir_b.p, .id_len = m->idir_b.len,
	};
	bool ok;

	if (!h)
		return false;
	/* SKEYID = prf(PSK, Ni_b | Nr_b); HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
	ok = ikc_skeyid_psk(h, psk, len, m->ni.p, m->ni.len, m->nr.p, m->nr.len, skeyid, &slen) == IKC_OK &&
	     ikc_p1_hash(h, skeyid, slen, true, &in, want, &wlen) == IKC_OK && wlen == m->am_hash_r.len &&
	     ikc_hash_equal(want, m->am_hash_r.p, wlen);
	OPENSSL_cleanse(skeyid, sizeof skeyid);
	return ok;
}

/* Wireshark's ikev1_decryption_table keeps one key per initiator cookie: the
 * initiator's, else the responder's. */
bool ikc_sa_crypto_phase1_key(const struct ikc_ike_sa *sa, const uint8_t **ka, size_t *len)
{
	const struct ikc_sa_crypto *c = sa->crypto;
	const struct ikc_side_keys *k = ikc_sa_side(c, 0) ? ikc_sa_side(c, 0) : ikc_sa_side(c, 1);

	if (!k)
		return false;
	*ka = k->ka;
	*len = k->ka_len;
	return true;
}

/* ---------------------------------------------------------------- Quick Mode
 * What a Quick Mode chose and the ESP keys it made (RFC 2409 §5.5):
 *   QM1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]   SA: the QM initiator's inbound SPI
 *   QM2  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]   SA: the chosen proposal, the
 *                                                      responder's inbound SPI
 *   KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), one per SPI:
 *   the SA with the responder's SPI is the one the initiator sends on. */

static bool qm_pfs_alloc(struct ikc_qm_crypto *q)
{
	if (!q->pfs)
		q->pfs = calloc(1, sizeof *q->pfs);
	return q->pfs != NULL;
}

/* QM2's chosen ESP proposal: transform id and IPsec DOI attributes (RFC 2407 §4.5:
 * 3 group description, 4 encapsulation mode, 5 authentication algorithm, 6 key length). */
static void qm_learn_choice(struct ikc_qm_crypto *q, const struct ikc_sa *sa)
{
	for (size_t i = 0; i < sa->nprop; i++) {
		const struct ikc_proposal *pr = &sa->proposals[i];
		const struct ikc_transform *t;

		if (pr->protoid != IKC_PROTO_ESP || pr->spisize != 4 || !pr->spi || pr->ntr < 1)
			continue;
		t = &pr->transforms[0];
		q->protoid = pr->protoid;
		q->spi_r = ikc_be32(pr->spi);
		q->transform_id = t->id;
		q->keylen = q->auth = q->encap = q->group = 0;
		for (size_t a = 0; a < t->nattrs; a++) {
			const struct ikc_attr *at = &t->attrs[a];
			if (!at->has_value)
				continue;
			switch (at->type) {
			case 3: q->group = (uint16_t)at->value; break;
			case 4: q->encap = (uint16_t)at->value; break;
			case 5: q->auth = (uint16_t)at->value; break;
			case 6: q->keylen = (uint16_t)at->value; break;
			default: break;
			}
		}
		/* The initiator's SPI is the one it gave in the proposal of that number. */
		for (size_t o = 0; o < q->noffer; o++) {
			if (q->offer[o].number == pr->number) {
				q->spi_i = q->offer[o].spi;
				q->have_spi_i = true;
				break;
			}
		}
		if (!q->have_spi_i && q->noffer) {
			q->spi_i = q->offer[0].spi;
			q->have_spi_i = true;
		}
		q->have_choice = true;
		return;
	}
}

/* PFS: this Quick Mode's own g^xy, from a `dh ICKY:MSGID` line or a DH
 * private value whose public value is one of the QM's KE payloads. */
static bool qm_pfs_gxy(const struct ikc_ike_sa *sa, const struct ikc_keys *keys, uint32_t msgid,
		       const struct ikc_qm_crypto *q, uint8_t *gxy, size_t *gxy_len)
{
	const uint8_t *p;
	size_t len;

	if ((p = ikc_keys_dh(keys, sa->icky, true, msgid, 0, &len)) != NULL && len <= IKC_MAX_DH) {
		memcpy(gxy, p, len);
		*gxy_len = len;
		return true;
	}
	if (!q->pfs || !q->pfs->gxi.len || !q->pfs->gxr.len)
		return false;
	for (size_t i = 0; (p = ikc_keys_dhpriv(keys, sa->icky, i, &len)) != NULL; i++) {
		uint8_t pub[IKC_MAX_DH_PUB];
		size_t publen = 0;
		const struct ikc_cr_buf *peer = NULL;
		bool ok;

		if (ikc_dh_public(q->group, p, len, pub, &publen) != IKC_OK)
			continue;
		if (publen == q->pfs->gxi.len && CRYPTO_memcmp(pub, q->pfs->gxi.p, publen) == 0)
			peer = &q->pfs->gxr;
		else if (publen == q->pfs->gxr.len && CRYPTO_memcmp(pub, q->pfs->gxr.p, publen) == 0)
			peer = &q->pfs->gxi;
		ok = peer && ikc_dh_compute(q->group, p, len, peer->p, peer->len, gxy, gxy_len) == IKC_OK;
		OPENSSL_cleanse(pub, sizeof pub);
		if (ok)
			return true;
	}
	return false;
}

static void qm_derive(struct ikc_ike_sa *sa, const struct ikc_keys *keys, struct ikc_qm *qm,
		      const struct ikc_side_keys *k)
{
	struct ikc_qm_crypto *q = qm->crypto;   /* made by qm_learn */
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(sa->crypto->hash);
	struct ikc_esp_ikev1_alg alg;
	uint8_t gxy[IKC_MAX_DH], km[IKC_MAX_KEYMAT];
	size_t gxy_len = 0, need;
	bool pfs = q->group != 0 || (q->pfs && (q->pfs->gxi.len || q->pfs->gxr.len));
	enum ikc_err err;

	if (q->keymat_ready || !q->have_choice)
		return;
	if (!q->have_spi_i) {
		ikc_text_printf(&q->keymat_missing, IKC_CR_TEXT, "QM1's SA payload (the initiator's SPI) was not decrypted");
		return;
	}
	if (!h || !k->hlen) {
		ikc_text_printf(&q->keymat_missing, IKC_CR_TEXT,
			 "KEYMAT needs SKEYID_d: the phase-1 key Ka alone does not give it (a `dh` + `psk` line does)");
		return;
	}
	if (!q->ni.len || !q->nr.len) {
		ikc_text_printf(&q->keymat_missing, IKC_CR_TEXT, "the Quick Mode nonces are not both known");
		return;
	}
	err = ikc_esp_from_ikev1(q->transform_id, q->keylen, q->auth, &alg);
	if (err) {
		ikc_text_printf(&q->keymat_missing, IKC_CR_TEXT, "ESP transform %u (key length %u, auth %u) %s",
			 q->transform_id, q->keylen, q->auth, err == IKC_UNSUPPORTED ? "is not supported" : "is malformed");
		return;
	}
	need = alg.enc_key_len + alg.auth_key_len;
	if (need > sizeof km || alg.enc_key_len > IKC_ESP_MAX_ENC_KEY || alg.auth_key_len > IKC_ESP_MAX_AUTH_KEY)
		return;
	if (!q->esp && !(q->esp = calloc(2, sizeof *q->esp))) {
		ikc_text_printf(&q->keymat_missing, IKC_CR_TEXT, "no memory left for the KEYMAT");
		return;
	}
	if (pfs && !qm_pfs_gxy(sa, keys, qm->msgid, q, gxy, &gxy_len)) {
		char cky[17];
		ikc_sa_cookie_hex(sa, cky);
		ikc_text_printf(&q->keymat_missing, IKC_CR_TEXT,
			 "PFS Quick Mode: need its g^xy (a `dh %s:%08x` line) or a DH private value (`dhpriv`)", cky,
			 qm->msgid);
		return;
	}
	for (int d = 0; d < 2; d++) {
		/* [0]: the responder's SPI (QM2), the initiator sends on it; [1]: QM1's SPI. */
		uint32_t spi = d == 0 ? q->spi_r : q->spi_i;
		uint8_t spib[4] = { (uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8), (uint8_t)spi };
		struct ikc_keymat_in in = {
			.gqm_xy = gxy_len ? gxy : NULL, .gqm_len = gxy_len, .protocol = q->protoid,
			.spi = spib, .spi_len = 4, .ni_b = q->ni.p, .ni_len = q->ni.len, .nr_b = q->nr.p, .nr_len = q->nr.len,
		};
		if (ikc_keymat(h, k->skeyid_d, k->hlen, &in, need, km) != IKC_OK) {
			ikc_text_printf(&q->keymat_missing, IKC_CR_TEXT, "KEYMAT derivation failed");
			OPENSSL_cleanse(km, sizeof km);
			OPENSSL_cleanse(gxy, sizeof gxy);
			return;
		}
		q->esp[d].spi = spi;
		memcpy(q->esp[d].enc_key, km, alg.enc_key_len);
		q->esp[d].enc_len = alg.enc_key_len;
		memcpy(q->esp[d].auth_key, km + alg.enc_key_len, alg.auth_key_len);
		q->esp[d].auth_len = alg.auth_key_len;
	}
	OPENSSL_cleanse(km, sizeof km);
	OPENSSL_cleanse(gxy, sizeof gxy);
	q->esp_enc = (uint16_t)alg.enc;
	q->esp_auth = (uint16_t)alg.auth;
	ikc_text_set(&q->keymat_missing, "", 1);
	q->keymat_ready = true;
}

/* The key files hold both ESP SAs of this Quick Mode (esp_sa / esp lines), so
 * the KEYMAT it cannot derive is not missed. */
static bool esp_keys_given(const struct ikc_keys *keys, const struct ikc_qm_crypto *q)
{
	return keys && q->have_addr && q->have_spi_i && q->have_choice &&
	       ikc_keys_esp(keys, q->af, q->addr_i, q->addr_r, q->spi_r) &&
	       ikc_keys_esp(keys, q->af, q->addr_r, q->addr_i, q->spi_i);
}

/* A decrypted Quick Mode message: keep what KEYMAT needs, derive when complete. */
static void qm_learn(struct ikc_ike_sa *sa, const struct ikc_keys *keys, const struct ikc_pkt *pkt,
		     const struct ikc_msg *msg, const struct ikc_msg_info *info, const struct ikc_side_keys *k)
{
	struct ikc_qm *qm = qm_of(sa, msg->hdr.msgid);
	struct ikc_qm_crypto *q;
	int num = label_number(info->label);

	if (!qm || num < 1 || num > 3 || !(q = qm_crypto_of(qm)))
		return;
	for (size_t i = 0; i < info->npayloads; i++) {
		const struct ikc_payload *p = &info->payloads[i];
		if (p->notes & (IKC_NOTE(LENGTH_PAST_END) | IKC_NOTE(TRUNCATED) | IKC_NOTE(LENGTH_SHORT)))
			continue;
		if (p->type == IKC_PT_NONCE && num == 1)
			ikc_cr_buf_set(&q->ni, IKC_CR_MAX_NONCE, p->body, p->body_len);
		else if (p->type == IKC_PT_NONCE && num == 2)
			ikc_cr_buf_set(&q->nr, IKC_CR_MAX_NONCE, p->body, p->body_len);
		else if (p->type == IKC_PT_KE && num <= 2 && qm_pfs_alloc(q))
			ikc_cr_buf_set(num == 1 ? &q->pfs->gxi : &q->pfs->gxr, IKC_CR_MAX_KE, p->body, p->body_len); else if (p->type == IKC_PT_SA && num == 1) {
			const struct ikc_sa *s = &p->u.sa;
			for (size_t j = 0; j < s->nprop && q->noffer < IKC_QM_MAX_OFFERS; j++) {
				const struct ikc_proposal *pr = &s->proposals[j];
				if (pr->protoid == IKC_PROTO_ESP && pr->spisize == 4 && pr->spi) {
					q->offer[q->noffer].number = pr->number;
					q->offer[q->noffer++].spi = ikc_be32(pr->spi);
				}
			}
		} else if (p->type == IKC_PT_SA && num == 2 && !q->have_choice) {
			qm_learn_choice(q, &p->u.sa);
		}
	}
	if (!q->have_addr && (num == 1 || num == 2)) {
		/* QM1 goes initiator -> responder, QM2 the other way. */
		q->af = pkt->af;
		memcpy(num == 1 ? q->addr_i : q->addr_r, pkt->src, 16);
		memcpy(num == 1 ? q->addr_r : q->addr_i, pkt->dst, 16);
		q->have_addr = true;
	}
	if (num >= 2 && !q->keymat_ready) {
		qm_derive(sa, keys, qm, k);
		if (q->keymat_ready) {
			q->done_frame = pkt->frame;
			sa->crypto->esp_keyed++;
			ikc_text_set(&sa->crypto->qm_missing, "", 1);
		} else if (esp_keys_given(keys, q)) {
			ikc_text_set(&sa->crypto->qm_missing, "", 1);
		} else if (q->keymat_missing) {
			ikc_text_printf(&sa->crypto->qm_missing, IKC_CR_QM_TEXT, "QM %08x: %s", qm->msgid,
					q->keymat_missing);
		}
	}
}

size_t ikc_sa_crypto_install_esp(struct ikc_ike_sa *sa, struct ikc_esp_table *t)
{
	size_t n = 0;
	char cky[17];

	if (!sa || !t)
		return 0;
	for (size_t i = 0; i < sa->nqm; i++) {
		struct ikc_qm *qm = &sa->qm[i];
		struct ikc_qm_crypto *q = qm->crypto;

		if (!q || !q->keymat_ready || q->installed)
			continue;
		ikc_sa_cookie_hex(sa, cky);
		for (int d = 0; d < 2; d++) {
			struct ikc_esp_sa_info in;

			memset(&in, 0, sizeof in);
			in.spi = q->esp[d].spi;
			in.af = q->af;
			memcpy(in.src, d == 0 ? q->addr_i : q->addr_r, 16);
			memcpy(in.dst, d == 0 ? q->addr_r : q->addr_i, 16);
			in.origin = IKC_ESP_ORIGIN_QM;
			in.enc = (enum ikc_esp_enc)q->esp_enc;
			in.auth = (enum ikc_esp_auth)q->esp_auth;
			memcpy(in.enc_key, q->esp[d].enc_key, q->esp[d].enc_len);
			in.enc_len = q->esp[d].enc_len;
			memcpy(in.auth_key, q->esp[d].auth_key, q->esp[d].auth_len);
			in.auth_len = q->esp[d].auth_len;
			in.encap = q->encap;
			in.pfs_group = q->group;
			in.learned_frame = q->done_frame;
			snprintf(in.source, sizeof in.source, "QM %08x of SA %s, %s", qm->msgid, cky,
				 d == 0 ? "initiator->responder" : "responder->initiator");
			if (ikc_esp_table_add(t, &in) == IKC_OK)
				n++;
			OPENSSL_cleanse(&in, sizeof in);
		}
		q->installed = true;
	}
	return n;
}

void ikc_sa_crypto_process(struct ikc_ike_sa *sa, const struct ikc_keys *keys, struct ikc_arena *a,
			   const struct ikc_pkt *pkt, const struct ikc_msg *msg, int seen_slot,
			   struct ikc_msg_info *info)
{
	struct ikc_sa_crypto *c;
	struct ikc_seen_crypto *seen, scratch;
	char cky[17];

	if (sa->ikev2)
		return;
	if (!info->retransmit && msg->hdr.msgid == 0 && !(msg->hdr.flags & IKC_FLAG_E)) {
		learn_clear(sa, info->dir, msg, pkt->frame);
		if (msg->hdr.exchange == IKC_EX_AGGRESSIVE && info->dir == IKC_DIR_R2I && keys && sa->crypto)
			check_am_psk(sa, keys, info);
	}
	if (!(msg->hdr.flags & IKC_FLAG_E))
		return;
	/* cky, the SA's name, is made only for the texts that show it */
	if (!(c = ikc_sa_crypto_of(sa))) {
		info->dec = IKC_DEC_MALFORMED;
		ikc_sa_cookie_hex(sa, cky);
		snprintf(info->dec_detail, sizeof info->dec_detail, "SA %s: no memory left for its key state", cky);
		return;
	}
	if (!c->tried && keys) {
		build_candidates(c, sa, keys);
	} else if (!keys && !c->tried) {
		c->tried = true;
		missing_fixed(c, "need g^xy (a `dh` line) or the phase-1 key (an `ikev1` line)");
	}
	if (msg->enc_len == 0 || (c->block && msg->enc_len % c->block)) {
		info->dec = IKC_DEC_MALFORMED;
		ikc_sa_cookie_hex(sa, cky);
		snprintf(info->dec_detail, sizeof info->dec_detail,
			 "SA %s: %s: %zu encrypted bytes is not a whole number of cipher blocks", cky, info->label,
			 msg->enc_len);
		return;
	}
	if (!c->ncand) {
		info->dec = IKC_DEC_NO_KEY;
		ikc_sa_cookie_hex(sa, cky);
		ikc_strjoin(info->dec_detail, sizeof info->dec_detail, "SA ", cky, ": ", info->label, " not decrypted: ",
			ikc_sa_crypto_missing(c) ? ikc_sa_crypto_missing(c) : "no key", NULL);
		/* The chain still advances (it needs only the block size): a key that arrives later finds it. */
		if (c->block && msg->enc_len >= c->block && !info->retransmit)
			advance_chain(sa, msg, msg->enc + msg->enc_len - c->block);
		return;
	}
	seen = seen_iv(c, seen_slot, &scratch);
	try_decrypt(sa, a, msg, seen, info);
	if (info->dec == IKC_DEC_OK && !info->retransmit && msg->hdr.exchange == IKC_EX_QUICK &&
	    info->doi == IKC_DOI_IPSEC && seen->cand >= 0 && (size_t)seen->cand < c->ncand)
		qm_learn(sa, keys, pkt, msg, info, &c->cand[seen->cand]);
	if (!info->retransmit)
		advance_chain(sa, msg, msg->enc + msg->enc_len - c->block);
}

/* Key material, only with --print-keys: per side, as the daemons log it. */
static void write_keys(const struct ikc_sa_crypto *c, struct ikc_rw *w)
{
	ikc_rw_begin_array(w, "ikecap.keys", "Keys");
	for (int s = 0; s < 2; s++) {
		const struct ikc_side_keys *k = ikc_sa_side(c, s);
		if (!k)
			continue;
		ikc_rw_begin_map(w, NULL, s ? "Responder's keys" : "Initiator's keys");
		ikc_rw_cstr(w, "ikecap.side", "Side", s ? "responder" : "initiator");
		ikc_rw_cstr(w, "ikecap.source", "From", k->source);
		if (k->hlen) {
			ikc_rw_bytes(w, "ikecap.skeyid", "SKEYID", k->skeyid, k->hlen);
			ikc_rw_bytes(w, "ikecap.skeyid_d", "SKEYID_d", k->skeyid_d, k->hlen);
			ikc_rw_bytes(w, "ikecap.skeyid_a", "SKEYID_a", k->skeyid_a, k->hlen);
			ikc_rw_bytes(w, "ikecap.skeyid_e", "SKEYID_e", k->skeyid_e, k->hlen);
		}
		ikc_rw_bytes(w, "ikecap.enc_key", "Encryption key (Ka)", k->ka, k->ka_len);
		ikc_rw_end_map(w);
	}
	ikc_rw_end_array(w);
	if (c->block) {
		const struct ikc_p1_material *m = material(c);
		const struct ikc_hash_desc *h = ikc_hash_by_ike_id(c->hash);
		uint8_t iv[IKC_CR_MAX_BLOCK];
		const uint8_t *iv0 = m->iv0;

		/* Not derived for an SA that had no key: made here, for the print. */
		if (!m->have_iv0 && h && m->gxi.len && m->gxr.len &&
		    ikc_p1_iv(h, m->gxi.p, m->gxi.len, m->gxr.p, m->gxr.len, c->block, iv) == IKC_OK)
			iv0 = iv;
		ikc_rw_bytes(w, "ikecap.initial_iv", "Initial IV", iv0, c->block);
		if (m->have_p2_base)
			ikc_rw_bytes(w, "ikecap.phase2_iv_base", "Phase-2 IV base (last phase-1 block)", m->p2_base,
				     c->block);
	}
}

void ikc_sa_crypto_write_keys_text(const struct ikc_sa_crypto *c, FILE *out)
{
	struct ikc_rw tw;

	if (!c || !(ikc_sa_side(c, 0) || ikc_sa_side(c, 1)))
		return;
	ikc_rw_text_init(&tw, out, 4, false);
	write_keys(c, &tw);
	ikc_rw_flush(&tw);
}

void ikc_sa_crypto_write_summary(const struct ikc_sa_crypto *c, struct ikc_rw *w, bool print_keys)
{
	if (!c)
		return;
	if (print_keys && (ikc_sa_side(c, 0) || ikc_sa_side(c, 1)))
		write_keys(c, w);
	if (c->decrypted || c->failed)
		ikc_rw_uint(w, "ikecap.decrypted_messages", "Decrypted messages", c->decrypted, IKC_RW_DEC, NULL);
	if (c->failed)
		ikc_rw_uint(w, "ikecap.undecryptable_messages", "Messages no key decrypts", c->failed, IKC_RW_DEC,
			    NULL);
	if (c->hash_ok || c->hash_bad) {
		ikc_rw_uint(w, "ikecap.hash_verified", "HASHes verified", c->hash_ok, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.hash_failed", "HASHes failed", c->hash_bad, IKC_RW_DEC, NULL);
	}
	for (int s = 0; s < 2; s++)
		if (ikc_sa_side(c, s))
			ikc_rw_cstr(w, s ? "ikecap.responder_key" : "ikecap.initiator_key",
				    s ? "Responder's key" : "Initiator's key", ikc_sa_side(c, s)->source);
	if (c->psk_differs)
		ikc_rw_cstr(w, "ikecap.psk_mismatch", "PSK mismatch",
			    "the peers encrypt with different keys: they hold different pre-shared keys");
	if (c->am_psk_verdict)
		ikc_rw_cstr(w, "ikecap.am_psk", "Aggressive Mode PSK", c->am_psk_verdict);
	if (c->tried && !c->ncand && ikc_sa_crypto_missing(c))
		ikc_rw_cstr(w, "ikecap.missing_secret", "Missing secret", ikc_sa_crypto_missing(c));
	if (c->esp_keyed)
		ikc_rw_uint(w, "ikecap.esp_keyed_quick_modes", "Quick Modes with ESP keys", c->esp_keyed, IKC_RW_DEC,
			    NULL);
	if (c->qm_missing)
		ikc_rw_cstr(w, "ikecap.esp_missing_secret", "No ESP keys", c->qm_missing);
}

/* session.c - IKE SA table, message classification, retransmissions, state.
 * See session.h for the contract.  Decryption lives in sa_crypto.c. */
#include "session.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/ikecrypto.h"
#include "../decoders/names.h"
#include "render.h"
#include "emit.h"
#include "gdoi.h"
#include "sa_crypto.h"
#include "session_int.h"
#include "util.h"

const char *ikc_dir_name(enum ikc_dir d)
{
	switch (d) {
	case IKC_DIR_I2R: return "I>R";
	case IKC_DIR_R2I: return "R>I";
	case IKC_DIR_UNKNOWN: break;
	}
	return "?";
}

const char *ikc_decrypt_status_name(enum ikc_decrypt_status s)
{
	static const char *const names[] = {
		[IKC_DEC_NOT_ENCRYPTED] = "not-encrypted", [IKC_DEC_OK] = "decrypted",
		[IKC_DEC_NO_KEY] = "no-key", [IKC_DEC_WRONG_KEY] = "wrong-key-or-psk",
		[IKC_DEC_UNSUPPORTED] = "unsupported", [IKC_DEC_MALFORMED] = "malformed",
	};
	return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const char *ikc_hash_verdict_name(enum ikc_hash_verdict v)
{
	switch (v) {
	case IKC_HASH_VERIFIED: return "verified";
	case IKC_HASH_FAILED: return "failed";
	case IKC_HASH_UNCHECKED: break;
	}
	return "unchecked";
}

void ikc_session_config_default(struct ikc_session_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->max_sas = IKC_SESSION_DEFAULT_MAX_SAS;
	cfg->max_qm = IKC_MAX_QM;
	cfg->print_keys = false;
	cfg->retire_idle_s = IKC_SESSION_DEFAULT_RETIRE;
	cfg->on_retire = NULL;
	cfg->retire_ctx = NULL;
	cfg->ladder_facts = true;
	cfg->keep_key_inputs = true;
}

struct ikc_session {
	struct ikc_session_config cfg;
	const struct ikc_keys *keys;
	struct ikc_ike_sa **buckets;     /* nbuckets, a power of two sized to max_sas */
	uint32_t bucket_mask;
	struct ikc_dlist lru;            /* head = least recently used */
	struct ikc_dlist byseq;          /* in order of creation (seq): the lists need no sort */
	size_t nsas;
	uint64_t next_seq;
	struct ikc_session_stats st;
	struct ikc_gdoi *gdoi;           /* GDOI groups (gdoi.h) */
	int64_t next_retire_scan;        /* capture time of the next ikc_session_tick scan */
	struct ikc_p1_memo *memo;        /* sorted by peers; grown on demand up to IKC_P1_MEMO_MAX */
	size_t nmemo, memo_cap;
	size_t stored_total;             /* bytes kept for a key reload, all SAs */
	bool replaying;                  /* ikc_session_replay: do not count twice */
	struct natd_memo {               /* the last NAT-D hashes made (natd_hash) */
		const struct ikc_hash_desc *h;
		int af;
		uint8_t icky[8], rcky[8], addr[16], port[2];
		size_t len;
		uint8_t digest[IKC_MAX_HASH];
	} natd[4];
	unsigned natd_next;
};

static uint32_t cookie_hash(const struct ikc_session *s, const uint8_t icky[8])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 8; i++)
		h = (h ^ icky[i]) * 16777619u;
	return h & s->bucket_mask;
}

/* A digest of a whole message: equal digests (and lengths) = retransmission. */
static uint64_t msg_digest(const uint8_t *p, size_t n)
{
	return ikc_digest64(p, n, 0);
}

struct ikc_session *ikc_session_new(const struct ikc_session_config *cfg, const struct ikc_keys *keys)
{
	struct ikc_session *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	if (cfg)
		s->cfg = *cfg;
	else
		ikc_session_config_default(&s->cfg);
	if (s->cfg.max_sas == 0)
		s->cfg.max_sas = 1;
	if (s->cfg.max_qm == 0)
		s->cfg.max_qm = 1;
	/* About one SA per bucket at the limit, at most 4M buckets (32 MB). */
	{
		size_t nb = 1024;
		while (nb < s->cfg.max_sas && nb < ((size_t)1 << 22))
			nb *= 2;
		s->buckets = calloc(nb, sizeof *s->buckets);
		s->bucket_mask = (uint32_t)(nb - 1);
	}
	s->gdoi = ikc_gdoi_new();
	if (!s->buckets || !s->gdoi) {
		ikc_gdoi_free(s->gdoi);
		free(s->buckets);
		free(s);
		return NULL;
	}
	s->keys = keys;
	ikc_gdoi_set_keys(s->gdoi, keys);  /* a GROUPKEY-PULL with KE needs its g^xy */
	return s;
}

static struct ikc_ike_sa *lru_sa(struct ikc_dnode *n)
{
	return n ? IKC_DLIST_ENTRY(n, struct ikc_ike_sa, lru) : NULL;
}

static struct ikc_ike_sa *byseq_sa(struct ikc_dnode *n)
{
	return n ? IKC_DLIST_ENTRY(n, struct ikc_ike_sa, byseq) : NULL;
}

static void stored_free(struct ikc_session *s, struct ikc_ike_sa *sa)
{
	for (size_t i = 0; i < sa->nstored; i++)
		free(sa->stored[i].bytes);
	free(sa->stored);
	s->stored_total -= sa->stored_bytes;
	sa->stored = NULL;
	sa->nstored = sa->stored_cap = sa->stored_bytes = 0;
}

/* A Quick Mode's keys and texts go (before its slot is reused or freed). */
static void qm_release(struct ikc_qm *qm)
{
	struct ikc_qm_words *w = qm->f.words;

	ikc_qm_crypto_clear(qm);
	if (!w)
		return;
	for (size_t i = 0; i < w->noffered; i++)
		free(w->offered[i]);
	free(w->chosen);
	free(w->idci);
	free(w->idcr);
	free(w);
}

/* A Quick Mode's words to write: made at first use; NULL when memory ran out. */
static struct ikc_qm_words *qm_words_of(struct ikc_qm *qm)
{
	if (!qm->f.words)
		qm->f.words = calloc(1, sizeof *qm->f.words);
	return qm->f.words;
}

static void sa_destroy(struct ikc_ike_sa *sa)
{
	for (size_t i = 0; i < sa->nqm; i++)
		qm_release(&sa->qm[i]);
	free(sa->qm);
	if (sa->lf) {
		for (size_t i = 0; i < sa->lf->nev; i++)
			free(sa->lf->ev[i].detail);
		free(sa->lf->ev);
		free(sa->lf->pl);
		free(sa->lf);
	}
	free(sa->ev);
	free(sa->seen);
	free(sa->icmp);
	free(sa->f.offered);
	free(sa->f.id_i);
	free(sa->f.id_r);
	free(sa->f.ntf);
	free(sa->f.dpd);
	ikc_cr_buf_wipe(&sa->sai_b);
	ikc_sa_crypto_free(sa->crypto);
	free(sa);
}

static void sa_remove(struct ikc_session *s, struct ikc_ike_sa *sa)
{
	struct ikc_ike_sa **pp = &s->buckets[cookie_hash(s, sa->icky)];

	while (*pp && *pp != sa)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = sa->hash_next;
	ikc_dlist_unlink(&s->lru, &sa->lru);
	ikc_dlist_unlink(&s->byseq, &sa->byseq);
	s->nsas--;
	stored_free(s, sa);
	sa_destroy(sa);
}

void ikc_session_free(struct ikc_session *s)
{
	if (!s)
		return;
	while (s->lru.head)
		sa_remove(s, lru_sa(s->lru.head));
	ikc_gdoi_free(s->gdoi);
	free(s->memo);
	free(s->buckets);
	free(s);
}

static bool is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Find the SA of (icky, rcky).  A zero responder cookie on either side matches
 * the SA by initiator cookie alone (MM1 and its retransmissions, MM2 naming
 * CKY-R for the SA that MM1 created). */
static struct ikc_ike_sa *sa_find(struct ikc_session *s, const uint8_t icky[8], const uint8_t rcky[8])
{
	bool rzero = is_zero(rcky, 8);
	struct ikc_ike_sa *fallback = NULL;

	for (struct ikc_ike_sa *sa = s->buckets[cookie_hash(s, icky)]; sa; sa = sa->hash_next) {
		if (memcmp(sa->icky, icky, 8) != 0)
			continue;
		if (sa->have_rcky && memcmp(sa->rcky, rcky, 8) == 0)
			return sa;
		if (rzero || !sa->have_rcky)
			fallback = fallback ? fallback : sa;
	}
	return fallback;
}

static struct ikc_ike_sa *sa_create(struct ikc_session *s, const struct ikc_pkt *pkt, const struct ikc_msg *msg)
{
	struct ikc_ike_sa *sa;
	uint32_t h = cookie_hash(s, msg->hdr.icookie);

	if (s->nsas >= s->cfg.max_sas && s->lru.head) {
		sa_remove(s, lru_sa(s->lru.head));
		s->st.evicted++;
	}
	sa = calloc(1, sizeof *sa);
	if (!sa)
		return NULL;
	memcpy(sa->icky, msg->hdr.icookie, 8);
	if (!is_zero(msg->hdr.rcookie, 8)) {
		memcpy(sa->rcky, msg->hdr.rcookie, 8);
		sa->have_rcky = true;
	}
	sa->seq = s->next_seq++;
	sa->first_frame = pkt->frame;
	sa->first_ts_sec = pkt->ts_sec;
	sa->first_ts_nsec = pkt->ts_nsec;
	sa->af = pkt->af;
	sa->ikev2 = IKC_IS_IKEV2(msg->hdr.version);
	sa->key_inputs_off = !s->cfg.keep_key_inputs;
	sa->hash_next = s->buckets[h];
	s->buckets[h] = sa;
	ikc_dlist_append(&s->lru, &sa->lru);
	ikc_dlist_append(&s->byseq, &sa->byseq);
	s->nsas++;
	if (!s->replaying)
		s->st.sas++;
	/* The initiator is the sender of a message with CKY-R = 0. */
	if (!sa->have_rcky) {
		sa->roles_known = true;
		memcpy(sa->iaddr, pkt->src, 16);
		memcpy(sa->raddr, pkt->dst, 16);
		sa->iport = pkt->sport;
		sa->rport = pkt->dport;
	}
	return sa;
}

static enum ikc_dir direction(struct ikc_ike_sa *sa, const struct ikc_pkt *pkt, const struct ikc_msg *msg)
{
	if (sa->ikev2)
		return (msg->hdr.flags & 0x08) ? IKC_DIR_I2R : IKC_DIR_R2I; /* IKEv2 I flag */
	if (!sa->roles_known)
		return IKC_DIR_UNKNOWN;
	if (memcmp(pkt->src, sa->iaddr, 16) == 0 && memcmp(pkt->src, sa->raddr, 16) != 0)
		return IKC_DIR_I2R;
	if (memcmp(pkt->src, sa->raddr, 16) == 0 && memcmp(pkt->src, sa->iaddr, 16) != 0)
		return IKC_DIR_R2I;
	/* Same address both ways (a capture on one host): fall back to ports. */
	if (pkt->sport == sa->iport && pkt->dport == sa->rport)
		return IKC_DIR_I2R;
	if (pkt->sport == sa->rport && pkt->dport == sa->iport)
		return IKC_DIR_R2I;
	return IKC_DIR_UNKNOWN;
}

/* A retransmission is a byte-identical copy of an earlier message of the same SA
 * in the same direction.  Returns the remembered original, or the slot that
 * now records the message, or NULL (no memory: new, and not remembered). */
static struct ikc_seen *seen_lookup(struct ikc_ike_sa *sa, uint64_t digest, enum ikc_dir dir, uint64_t frame,
				    bool *is_new)
{
	struct ikc_seen *slot;
	size_t at;

	for (size_t i = 0; i < sa->seen_cap; i++) {
		struct ikc_seen *e = &sa->seen[i];
		if (e->frame && e->digest == digest && e->dir == dir) {
			*is_new = false;
			return e;
		}
	}
	/* Grown (ikc_grow) while the ring is full, up to IKC_SEEN_RING; then reused. */
	if (sa->seen_next >= sa->seen_cap && sa->seen_cap < IKC_SEEN_RING) {
		size_t cap = sa->seen_cap;
		struct ikc_seen *v = ikc_grow_zeroed(sa->seen, &cap, sa->seen_cap, sizeof *v, 4, IKC_SEEN_RING);

		if (v) {
			sa->seen = v;
			sa->seen_cap = (uint32_t)cap;
		}
	}
	if (!sa->seen_cap) {   /* no memory: new, and not remembered */
		*is_new = true;
		return NULL;
	}
	at = sa->seen_next++ % sa->seen_cap;
	slot = &sa->seen[at];
	memset(slot, 0, sizeof *slot);
	if (sa->crypto)
		ikc_sa_crypto_seen_reset(sa->crypto, at);
	slot->digest = digest;
	slot->dir = (uint8_t)dir;
	slot->frame = frame;
	*is_new = true;
	return slot;
}

static struct ikc_qm *qm_find(struct ikc_session *s, struct ikc_ike_sa *sa, uint32_t msgid, uint8_t exchange,
			       bool create)
{
	struct ikc_qm *oldest = NULL;

	for (size_t i = 0; i < sa->nqm; i++)
		if (sa->qm[i].msgid == msgid)
			return &sa->qm[i];
	if (!create)
		return NULL;
	if (sa->nqm == sa->qm_cap && sa->qm_cap < s->cfg.max_qm) {
		size_t cap = sa->qm_cap ? sa->qm_cap * 2 : 1;
		struct ikc_qm *q;

		if (cap > s->cfg.max_qm)
			cap = s->cfg.max_qm;
		q = realloc(sa->qm, cap * sizeof *q);
		if (q) {
			sa->qm = q;
			sa->qm_cap = (uint32_t)cap;
		}
	}
	if (sa->nqm < sa->qm_cap) {
		oldest = &sa->qm[sa->nqm++];
	} else if (sa->nqm == 0) {
		return NULL;
	} else {
		oldest = &sa->qm[0];
		for (size_t i = 1; i < sa->nqm; i++)
			if (sa->qm[i].last_frame < oldest->last_frame)
				oldest = &sa->qm[i];
		sa->qm_evicted++;
		s->st.qm_evicted++;
		qm_release(oldest);
	}
	memset(oldest, 0, sizeof *oldest);
	oldest->msgid = msgid;
	oldest->exchange = exchange;
	return oldest;
}

static const char *exchange_short(uint8_t ex, uint32_t doi)
{
	switch (ex) {
	case IKC_EX_INFO: return "INFO";
	case IKC_EX_TRANSACTION: return "CFG";
	case IKC_EX_QUICK: return doi == IKC_DOI_GDOI ? "PULL" : "QM";
	case IKC_EX_NEW_GROUP: return doi == IKC_DOI_GDOI ? "PUSH" : "NGM";
	case IKC_EX_BASE: return "BASE";
	case IKC_EX_AUTH_ONLY: return "AUTH";
	default: return NULL;
	}
}

/* Phase-1 numbering: the n-th distinct message from the initiator is message
 * 2n-1, from the responder 2n.  A capture that starts mid-exchange (roles
 * unknown) falls back to what the message carries. */
static int phase1_number(struct ikc_ike_sa *sa, enum ikc_dir dir, const struct ikc_msg *msg)
{
	if (dir == IKC_DIR_I2R)
		return 2 * ++sa->p1_from_i - 1;
	if (dir == IKC_DIR_R2I)
		return 2 * ++sa->p1_from_r;
	if (msg->hdr.flags & IKC_FLAG_E)
		return 0;
	if (ikc_find_payload(msg->payloads, msg->npayloads, IKC_PT_SA))
		return 0;
	return 0;
}

static void note_phase1(struct ikc_ike_sa *sa, int n, enum ikc_dir dir)
{
	if (n > sa->p1_last)
		sa->p1_last = n;
	(void)dir;
}

static void record_notifies(struct ikc_ike_sa *sa, const struct ikc_payload *pl, size_t n, uint64_t frame,
			    enum ikc_dir dir)
{
	for (size_t i = 0; i < n; i++) {
		if (!ikc_payload_decoded(&pl[i]))
			continue;
		if (pl[i].type == IKC_PT_NOTIFY) {
			uint16_t t = pl[i].u.notify.type;
			if (t < 16384) { /* error types */
				sa->last_error_notify = t;
				sa->last_error_frame = frame;
				sa->last_error_dir = dir;
			}
		} else if (pl[i].type == IKC_PT_DELETE && pl[i].u.del.protoid == IKC_PROTO_ISAKMP) {
			sa->deleted = true;
		}
	}
}

static void learn_phase1_proposal(struct ikc_ike_sa *sa, const struct ikc_msg *msg, const struct ikc_payload *pl,
				  size_t n, int num)
{
	const struct ikc_payload *sap = ikc_find_payload(pl, n, IKC_PT_SA);

	if (!sap)
		return;
	sa->doi = sap->u.sa.doi;
	/* The responder's SA (MM2 / AM2) carries the chosen transform. */
	if ((num == 2 || (num == 0 && sa->have_rcky)) && sap->u.sa.nprop > 0 && sap->u.sa.proposals[0].ntr > 0)
		if (ikc_sa_crypto_of(sa))
			ikc_sa_crypto_learn_transform(sa->crypto, &sap->u.sa.proposals[0].transforms[0]);
	(void)msg;
}


/* ---- Facts for the diagnosis rules and the ladder (session_int.h) ---- */

#define NOTIFY_R_U_THERE 36136      /* RFC 3706 §5 */
#define NOTIFY_R_U_THERE_ACK 36137
#define IPSEC_ATTR_GROUP 3          /* RFC 2407 §4.5 Group Description */

/* The event of the message in frame at ts_sec, kept relative to the SA's
 * first (an SA that outlives 2^32 frames keeps no more events; a time
 * further than 68 years from the first is held at that distance). */
static struct ikc_event *ev_new(struct ikc_ike_sa *sa, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec)
{
	struct ikc_event *e;
	int64_t after = ts_sec - sa->first_ts_sec;   /* capture times are within 0 .. 2^40 s */

	if (frame - sa->first_frame > UINT32_MAX ||
	    !(e = ikc_grow32(sa->ev, &sa->ev_cap, sa->nev, sizeof *e, 4, IKC_EV_MAX))) {
		sa->ev_dropped += sa->ev_dropped < UINT32_MAX;   /* held at the top: never back to 0 */
		return NULL;
	}
	sa->ev = e;
	e = &sa->ev[sa->nev++];
	memset(e, 0, sizeof *e);
	e->frame_after = (uint32_t)(frame - sa->first_frame);
	e->ts_after = (int32_t)(after > INT32_MAX ? INT32_MAX : after < -INT32_MAX ? -INT32_MAX : after);
	e->ts_nsec = ts_nsec;
	return e;
}

/* The ladder's record of event i (the newest), made zeroed with the SA's
 * ladder facts on first use; NULL when out of memory. */
static struct ikc_ev_ladder *ladder_event(struct ikc_ike_sa *sa, size_t i)
{
	struct ikc_ladder_facts *lf = sa->lf;

	if (!lf && !(lf = sa->lf = calloc(1, sizeof *sa->lf)))
		return NULL;
	while (lf->nev <= i) {
		struct ikc_ev_ladder *v = ikc_grow(lf->ev, &lf->ev_cap, lf->nev, sizeof *v, 4, IKC_EV_MAX);

		if (!v)
			return NULL;
		lf->ev = v;
		memset(&lf->ev[lf->nev++], 0, sizeof *v);
	}
	return &lf->ev[i];
}

static void ev_payloads(struct ikc_ike_sa *sa, struct ikc_ev_ladder *le, const struct ikc_payload *pl, size_t n,
			bool enc)
{
	struct ikc_ladder_facts *lf = sa->lf;

	for (size_t i = 0; i < n; i++) {
		bool typed = ikc_payload_decoded(&pl[i]);
		struct ikc_ev_pl *p;

		if (le->npl == IKC_EV_PL ||
		    !(p = ikc_grow(lf->pl, &lf->pl_cap, lf->npl, sizeof *p, 4, IKC_EV_MAX * IKC_EV_PL))) {
			if (le->pl_dropped < UINT8_MAX)
				le->pl_dropped++;
			continue;
		}
		lf->pl = p;
		if (!le->npl)
			le->pl_at = (uint16_t)lf->npl;
		p = &lf->pl[lf->npl++];
		le->npl++;
		p->type = pl[i].type;
		p->enc = enc;
		p->arg = 0;
		if (typed && pl[i].type == IKC_PT_NOTIFY)
			p->arg = pl[i].u.notify.type;
		else if (typed && pl[i].type == IKC_PT_DELETE)
			p->arg = pl[i].u.del.protoid;
	}
}

static void id_text(const struct ikc_payload *p, char *out, size_t n)
{
	ikc_id_format(p->u.id.type, p->u.id.data, p->u.id.len, out, n);
}

/* First Group Description attribute of an IPsec transform, 0 none. */
static uint16_t qm_group(const struct ikc_sa *sap)
{
	for (size_t i = 0; i < sap->nprop; i++)
		for (size_t j = 0; j < sap->proposals[i].ntr; j++) {
			const struct ikc_transform *t = &sap->proposals[i].transforms[j];
			for (size_t k = 0; k < t->nattrs; k++)
				if (t->attrs[k].type == IPSEC_ATTR_GROUP && t->attrs[k].has_value)
					return (uint16_t)t->attrs[k].value;
		}
	return 0;
}

/* NAT-D (RFC 3947 §3.2): the first hash is HASH(CKY-I | CKY-R | IP | port)
 * of the destination, the others of the source, as the sender sees them.
 * A hash that differs from the addresses this capture shows means a NAT sits
 * between the sender and the capture point. */
/* HASH(CKY-I | CKY-R | IP | port) of one endpoint, remembered: a peer's MM3
 * and the other's MM4 hash the same cookies, address and port. */
static bool natd_hash(struct ikc_session *s, const struct ikc_ike_sa *sa, const struct ikc_hash_desc *h, int af,
		      const uint8_t addr[16], const uint8_t port[2], const uint8_t **digest, size_t *len)
{
	size_t alen = af == 6 ? 16 : 4;
	struct natd_memo *m;
	struct ikc_iov parts[4] = { { sa->icky, 8 }, { sa->rcky, 8 }, { addr, alen }, { port, 2 } };

	for (size_t i = 0; i < sizeof s->natd / sizeof s->natd[0]; i++) {
		m = &s->natd[i];
		if (m->h == h && m->af == af && memcmp(m->icky, sa->icky, 8) == 0 && memcmp(m->rcky, sa->rcky, 8) == 0 &&
		    memcmp(m->addr, addr, alen) == 0 && memcmp(m->port, port, 2) == 0) {
			*digest = m->digest;
			*len = m->len;
			return true;
		}
	}
	m = &s->natd[s->natd_next++ % (sizeof s->natd / sizeof s->natd[0])];
	m->h = NULL;
	if (ikc_hash(h, parts, 4, m->digest, &m->len) != IKC_OK)
		return false;
	m->h = h;
	m->af = af;
	memcpy(m->icky, sa->icky, 8);
	memcpy(m->rcky, sa->rcky, 8);
	memcpy(m->addr, addr, alen);
	memcpy(m->port, port, 2);
	*digest = m->digest;
	*len = m->len;
	return true;
}

static void natd_check(struct ikc_session *s, struct ikc_ike_sa *sa, const struct ikc_pkt *pkt, enum ikc_dir dir,
		       const struct ikc_payload *pl, size_t n)
{
	struct ikc_natd_facts *nf = &sa->f.natd;
	const struct ikc_hash_desc *h = sa->crypto ? ikc_hash_by_ike_id(sa->crypto->hash) : NULL;
	int k = 0, kind;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *addr, *want;
		uint8_t port[2];
		size_t wlen = 0;

		if ((pl[i].type != IKC_PT_NATD && pl[i].type != IKC_PT_NATD_DRAFT) || !ikc_payload_decoded(&pl[i]))
			continue;
		if (!h || !sa->have_rcky || !sa->crypto->have_transform) {
			nf->unchecked = true;
			continue;
		}
		kind = k == 0 ? 0 : 1;
		addr = k == 0 ? pkt->dst : pkt->src;
		port[0] = (uint8_t)((k == 0 ? pkt->dport : pkt->sport) >> 8);
		port[1] = (uint8_t)(k == 0 ? pkt->dport : pkt->sport);
		k++;
		if (!natd_hash(s, sa, h, pkt->af, addr, port, &want, &wlen))
			continue;
		nf->seen = true;
		if (wlen != pl[i].u.natd.len || !ikc_hash_equal(want, pl[i].u.natd.data, wlen)) {
			if (!nf->nat)
				nf->frame = pkt->frame;
			nf->nat = true;
			if (dir != IKC_DIR_UNKNOWN)
				nf->mism[dir == IKC_DIR_R2I][kind] = true;
		}
	}
}

/* Room for one more phase-1 offer (grown 1, 2, 4 ... IKC_P1_OFFERS). */
static bool offered_room(struct ikc_p1_facts *f)
{
	char (*v)[IKC_XFORM_TEXT] = ikc_grow32(f->offered, &f->offered_cap, f->noffered, sizeof *v, 1, IKC_P1_OFFERS);

	if (!v)
		return false;
	f->offered = v;
	return true;
}

/* The same for the error notifies (IKC_NTF_MAX). */
static bool ntf_room(struct ikc_p1_facts *f)
{
	struct ikc_ntf *v = ikc_grow32(f->ntf, &f->ntf_cap, f->nntf, sizeof *v, 1, IKC_NTF_MAX);

	if (!v)
		return false;
	f->ntf = v;
	return true;
}

/* The sequence number of an R-U-THERE(-ACK) (RFC 3706 §5: 4 bytes of
 * notify data); false without. */
static bool dpd_seq(const struct ikc_payload *p, uint32_t *seq)
{
	const uint8_t *d = p->u.notify.data;

	if (!d || p->u.notify.len != 4)
		return false;
	*seq = ikc_be32(d);
	return true;
}

static void dpd_probe(struct ikc_p1_facts *f, const struct ikc_payload *p, uint64_t frame, enum ikc_dir dir)
{
	int side = dir == IKC_DIR_R2I;
	struct ikc_dpd_ring *r = f->dpd;
	struct ikc_dpd_probe *e;

	if (dir != IKC_DIR_I2R && dir != IKC_DIR_R2I)
		return;
	if (!r && !(r = f->dpd = calloc(1, sizeof *f->dpd)))
		return;
	e = &r->p[side][r->next[side]];
	r->next[side] = (uint8_t)((r->next[side] + 1) % IKC_DPD_KEPT);
	if (r->n[side] < IKC_DPD_KEPT)
		r->n[side]++;
	*e = (struct ikc_dpd_probe){ .frame = frame };
	e->has_seq = dpd_seq(p, &e->seq);
}

/* An ACK answers the other side's unanswered probes that carry its
 * sequence number (a probe sent again with the same number too).  One
 * without a number, or with one no probe kept carries, answers the newest
 * unanswered probe (any, or one without a number): a peer answers the
 * probe it just got. */
static void dpd_ack(struct ikc_p1_facts *f, const struct ikc_payload *p, uint64_t frame, enum ikc_dir dir)
{
	int side = dir == IKC_DIR_I2R;   /* the prober: the other side */
	struct ikc_dpd_ring *r = f->dpd;
	uint32_t seq = 0;
	bool has_seq = dpd_seq(p, &seq), matched = false;

	if (!r || (dir != IKC_DIR_I2R && dir != IKC_DIR_R2I))
		return;
	for (size_t k = 0; has_seq && k < r->n[side]; k++) {
		struct ikc_dpd_probe *e = &r->p[side][ikc_dpd_slot(r, side, k)];
		if (!e->ack_frame && e->has_seq && e->seq == seq)
			e->ack_frame = frame, matched = true;
	}
	for (size_t k = r->n[side]; !matched && k-- > 0;) {
		struct ikc_dpd_probe *e = &r->p[side][ikc_dpd_slot(r, side, k)];
		if (!e->ack_frame && (!has_seq || !e->has_seq))
			e->ack_frame = frame, matched = true;
	}
}

static void note_ntf(struct ikc_ike_sa *sa, const struct ikc_payload *p, const struct ikc_pkt *pkt,
		     enum ikc_dir dir, bool enc)
{
	struct ikc_p1_facts *f = &sa->f;
	uint16_t t = p->u.notify.type;
	struct ikc_ntf *e;

	if (t == NOTIFY_R_U_THERE) {   /* an ACK, like any message, resets the other side's count */
		f->dpd_last_frame = pkt->frame;
		f->dpd_waiting[dir]++;
		f->dpd_last_dir = (uint8_t)dir;
		dpd_probe(f, p, pkt->frame, dir);
		return;
	}
	if (t == NOTIFY_R_U_THERE_ACK) {
		dpd_ack(f, p, pkt->frame, dir);
		return;
	}
	if (t >= 16384)
		return;
	if (f->nntf >= IKC_NTF_MAX || !ntf_room(f)) {
		f->ntf_dropped++;
		return;
	}
	e = &f->ntf[f->nntf++];
	e->type = t;
	e->protoid = p->u.notify.protoid;
	e->encrypted = enc;
	e->dir = dir;
	e->frame = pkt->frame;
	e->p1_at = sa->p1_last;
	e->qm_open = 0;
	for (size_t i = sa->nqm; i-- > 0;)
		if (sa->qm[i].exchange == IKC_EX_QUICK && sa->qm[i].count < 3) {
			e->qm_open = sa->qm[i].msgid;
			break;
		}
}

/* What one payload chain (clear, or decrypted) says.  num: phase-1 message
 * number (0 otherwise); qm/qidx: the Quick Mode and its message index. */
static void facts_chain(struct ikc_session *s, struct ikc_ike_sa *sa, const struct ikc_pkt *pkt, enum ikc_dir dir,
			int num, struct ikc_qm *qm, int qidx, const struct ikc_payload *pl, size_t n, bool enc,
			struct ikc_sbuf *detail)
{
	struct ikc_p1_facts *f = &sa->f;
	struct ikc_qm_words *w;
	int nid = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ikc_payload *p = &pl[i];

		if (!ikc_payload_decoded(p))
			continue;   /* nothing typed to learn from its bytes */
		switch (p->type) {
		case IKC_PT_SA: {
			const struct ikc_sa *sap = &p->u.sa;
			char first[IKC_XFORM_TEXT] = "";
			size_t total = 0;

			for (size_t a = 0; a < sap->nprop; a++)
				for (size_t b = 0; b < sap->proposals[a].ntr; b++) {
					const struct ikc_proposal *pr = &sap->proposals[a];
					bool want_first = !total && (detail || (qm && qidx == 1));
					bool kept = num == 1 ? f->noffered < IKC_P1_OFFERS
							     : qm && qidx == 0 && ikc_qm_words(&qm->f)->noffered < IKC_QM_OFFERS;
					char txt[IKC_XFORM_TEXT];

					/* In words only what is kept: the offers, a QM2's
					 * choice and the ladder's detail (MM2's went nowhere). */
					if (kept || want_first)
						ikc_transform_summary(&pr->transforms[b], pr->protoid, txt, sizeof txt);
					if (!total++ && want_first)
						memcpy(first, txt, sizeof first);
					if (num == 1) {
						if (f->noffered < IKC_P1_OFFERS && offered_room(f)) {
							memcpy(f->offered[f->noffered], txt, IKC_XFORM_TEXT);
							f->offered_prop[f->noffered] = pr->number;
							f->offered_tr[f->noffered] = pr->transforms[b].number;
							f->noffered++;
						} else {
							f->offered_dropped++;
						}
						f->offer_frame = pkt->frame;
					} else if (qm && qidx == 0 && (w = qm_words_of(qm)) != NULL) {
						if (w->noffered < IKC_QM_OFFERS &&
						    ikc_text_set(&w->offered[w->noffered], txt, IKC_XFORM_TEXT))
							w->noffered++;
						else
							w->offered_dropped++;
					}
				}
			if (qm && qidx == 1 && total && (w = qm_words_of(qm)) != NULL)
				ikc_text_set(&w->chosen, first, IKC_XFORM_TEXT);
			if (qm && qidx >= 0 && qidx < 3)
				qm->f.group[qidx] = qm_group(sap);
			if (detail && total) {
				bool offering = num == 1 || (qm && qidx == 0);
				ikc_sb_join(detail, detail->len ? "; " : "", offering ? "offer " : "chosen ", first,
					    total > 1 ? " (+more)" : "", NULL);
			}
			if (detail && qm && sap->nprop && sap->proposals[0].spisize == 4 && sap->proposals[0].spi) {
				const uint8_t *sp = sap->proposals[0].spi;
				ikc_sb_put(detail, "; spi ");
				ikc_sb_hex(detail, sp, 4);
			}
			break;
		}
		case IKC_PT_KE:
			if (qm && qidx >= 0 && qidx < 3)
				qm->f.ke[qidx] = true;
			break;
		case IKC_PT_ID: {
			char txt[IKC_IDTEXT];

			id_text(p, txt, sizeof txt);
			if (qm) {
				if (qidx == 0 && nid < 2 && (w = qm_words_of(qm)) != NULL) {   /* QM1's; QM2's echo them */
					ikc_text_set(nid == 0 ? &w->idci : &w->idcr, txt, IKC_IDTEXT);
					w->have_ids |= nid == 1;
				}
			} else if (num) {
				if (dir == IKC_DIR_I2R || (dir == IKC_DIR_UNKNOWN && num % 2)) {
					ikc_text_set(&f->id_i, txt, IKC_IDTEXT);
					f->id_i_clear = !enc;
				} else {
					ikc_text_set(&f->id_r, txt, IKC_IDTEXT);
					f->id_r_clear = !enc;
				}
			}
			if (detail && qm)
				ikc_sb_join(detail, nid == 1 ? " <-> " : detail->len ? "; " : "", txt, NULL);
			else if (detail)
				ikc_sb_join(detail, detail->len ? "; " : "", "ID ", txt, NULL);
			nid++;
			break;
		}
		case IKC_PT_NATD:
		case IKC_PT_NATD_DRAFT:
			break;
		case IKC_PT_NOTIFY:
			note_ntf(sa, p, pkt, dir, enc);
			break;
		case IKC_PT_DELETE: {
			unsigned d = dir == IKC_DIR_I2R || dir == IKC_DIR_R2I ? (unsigned)dir : IKC_DIR_UNKNOWN;

			if (p->u.del.protoid == IKC_PROTO_ISAKMP)
				f->deletes_isakmp[d]++;
			else
				f->deletes_ipsec[d]++;
			if (!f->delete_frame[d] ||
			    (p->u.del.protoid == IKC_PROTO_ISAKMP && f->deletes_isakmp[d] == 1))
				f->delete_frame[d] = pkt->frame;
			break;
		}
		default:
			break;
		}
	}
	natd_check(s, sa, pkt, dir, pl, n);
}

/* IKC_EVC_* of a payload chain. */
static uint8_t carries(const struct ikc_payload *pl, size_t n)
{
	uint8_t c = 0;

	for (size_t i = 0; i < n; i++) {
		if (pl[i].type == IKC_PT_DELETE)
			c |= IKC_EVC_DELETE;
		else if (pl[i].type == IKC_PT_NOTIFY && pl[i].u.notify.type == NOTIFY_R_U_THERE)
			c |= IKC_EVC_DPD_PROBE;
		else if (pl[i].type == IKC_PT_NOTIFY && pl[i].u.notify.type == NOTIFY_R_U_THERE_ACK)
			c |= IKC_EVC_DPD_ACK;
	}
	return c;
}

/* Record one message (first copy or retransmission) for the rules and the
 * ladder; called once the message is classified and decrypted. */
static void facts_record(struct ikc_session *s, struct ikc_ike_sa *sa, const struct ikc_pkt *pkt,
			 const struct ikc_msg *msg, const struct ikc_msg_info *info, int num)
{
	struct ikc_event *e;
	struct ikc_ev_ladder *le = NULL;
	struct ikc_qm *qm = NULL;
	int qidx = -1;
	bool enc = (msg->hdr.flags & IKC_FLAG_E) != 0;
	char detail[IKC_EV_DETAIL];
	struct ikc_sbuf db = ikc_sb_init(detail, sizeof detail), *dbp;

	if (sa->ikev2)
		return;
	e = ev_new(sa, pkt->frame, pkt->ts_sec, pkt->ts_nsec);
	if (msg->hdr.exchange == IKC_EX_QUICK && msg->hdr.msgid != 0 && info->doi != IKC_DOI_GDOI &&
	    (qm = qm_find(NULL, sa, msg->hdr.msgid, msg->hdr.exchange, false)) != NULL) {
		qidx = info->retransmit ? -1 : (int)qm->count - 1;
		if (info->retransmit) {
			int lab = info->label[2] >= '1' && info->label[2] <= '3' ? info->label[2] - '1' : -1;
			if (lab >= 0)
				qm->f.retrans[lab]++;
		} else if (qidx >= 0 && qidx < 3) {
			qm->f.frame[qidx] = pkt->frame;
			qm->f.ts_sec[qidx] = pkt->ts_sec;
			qm->f.ts_nsec[qidx] = pkt->ts_nsec;
			qm->f.seen_plain[qidx] = !enc || info->dec == IKC_DEC_OK;
		}
	}
	if (pkt->transport == IKC_T_UDP4500_IKE && !sa->f.natd.first_4500_frame)
		sa->f.natd.first_4500_frame = pkt->frame;
	if (info->dir == IKC_DIR_I2R || info->dir == IKC_DIR_R2I) {
		sa->f.heard[info->dir] = pkt->frame;
		sa->f.dpd_waiting[info->dir == IKC_DIR_I2R ? IKC_DIR_R2I : IKC_DIR_I2R] = 0;   /* the other side is alive */
	}
	if (enc && !info->retransmit && (info->dec == IKC_DEC_NO_KEY || info->dec == IKC_DEC_WRONG_KEY ||
					 info->dec == IKC_DEC_UNSUPPORTED || info->dec == IKC_DEC_MALFORMED)) {
		if (!sa->f.not_decrypted++)
			sa->f.not_decrypted_frame = pkt->frame;
		if (info->dec == IKC_DEC_WRONG_KEY && !sa->f.wrong_key++)
			sa->f.wrong_key_frame = pkt->frame;
	}
	if (e) {
		e->dir = (uint8_t)info->dir;
		memcpy(e->label, info->label, sizeof e->label - 1);   /* a longer one is cut (IKC_EV_LABEL) */
		e->label[sizeof e->label - 1] = '\0';
		e->exchange = msg->hdr.exchange;
		e->msgid = msg->hdr.msgid;
		e->retransmit = 0;
		if (info->retransmit)
			e->retransmit = info->retransmit_count < UINT16_MAX ? (uint16_t)info->retransmit_count : UINT16_MAX;
		e->encrypted = enc;
		e->dec = (uint8_t)info->dec;
		e->hash = (uint8_t)info->hash;
		e->carries = carries(msg->payloads, msg->npayloads);
		if (info->dec == IKC_DEC_OK)
			e->carries |= carries(info->payloads, info->npayloads);
		if (s->cfg.ladder_facts && (le = ladder_event(sa, sa->nev - 1)) != NULL) {
			le->original_frame = info->original_frame;
			le->sport = pkt->sport;
			le->dport = pkt->dport;
			ev_payloads(sa, le, msg->payloads, msg->npayloads, false);
			if (info->dec == IKC_DEC_OK)
				ev_payloads(sa, le, info->payloads, info->npayloads, true);
		}
	}
	if (info->retransmit)
		return;  /* same bytes: nothing new to learn */
	dbp = le ? &db : NULL;
	facts_chain(s, sa, pkt, info->dir, num, qm, qidx, msg->payloads, msg->npayloads, false, dbp);
	if (info->dec == IKC_DEC_OK)
		facts_chain(s, sa, pkt, info->dir, num, qm, qidx, info->payloads, info->npayloads, true, dbp);
	/* Held at its exact size: most messages have none, an SA keeps up to
	 * IKC_EV_MAX of them. */
	if (le && db.len)
		le->detail = strdup(detail);
}

static void memo_note(struct ikc_session *s, const struct ikc_ike_sa *sa);

static void count_dec(struct ikc_session *s, enum ikc_decrypt_status dec, int by)
{
	if (dec == IKC_DEC_OK)
		s->st.decrypted += (uint64_t)(int64_t)by;
	else if (dec == IKC_DEC_NO_KEY)
		s->st.no_key += (uint64_t)(int64_t)by;
	else if (dec == IKC_DEC_WRONG_KEY)
		s->st.wrong_key += (uint64_t)(int64_t)by;
}

/* Live: keep the SA's messages until one decrypts, so that keys a daemon
 * writes after MM5 went by (it logs g^xy just before) still open the
 * exchange once reloaded.  A replayed message that decrypts now had been
 * counted as not decrypted: move it. */
static void keep_for_reload(struct ikc_session *s, struct ikc_ike_sa *sa, const struct ikc_pkt *pkt,
			    const struct ikc_msg *msg, const struct ikc_msg_info *info)
{
	struct ikc_stored_msg *m;

	if (!s->cfg.keep_for_reload || sa->store_off || sa->ikev2 || sa->kek)
		return;
	if (info->dec == IKC_DEC_OK) {
		stored_free(s, sa);
		sa->store_off = true;
		return;
	}
	if (sa->nstored == IKC_WAIT_MSGS || sa->stored_bytes + msg->raw_len > IKC_WAIT_BYTES ||
	    s->stored_total + msg->raw_len > IKC_WAIT_TOTAL) {
		stored_free(s, sa);   /* a partial history would not replay right */
		sa->store_off = true;
		return;
	}
	if (!(m = ikc_grow32(sa->stored, &sa->stored_cap, sa->nstored, sizeof *m, 8, IKC_WAIT_MSGS))) {
		stored_free(s, sa);
		sa->store_off = true;
		return;
	}
	sa->stored = m;
	m = &sa->stored[sa->nstored];
	if (!(m->bytes = malloc(msg->raw_len ? msg->raw_len : 1))) {
		stored_free(s, sa);
		sa->store_off = true;
		return;
	}
	memcpy(m->bytes, msg->raw, msg->raw_len);
	m->pkt = *pkt;
	m->pkt.data = m->bytes;
	m->pkt.len = m->pkt.wire_len = msg->raw_len;
	m->dec = (uint8_t)info->dec;
	sa->nstored++;
	sa->stored_bytes += msg->raw_len;
	s->stored_total += msg->raw_len;
	if ((msg->hdr.flags & IKC_FLAG_E) && info->dec == IKC_DEC_NO_KEY)
		sa->stored_nokey = true;
}

size_t ikc_session_take_waiting(struct ikc_session *s, struct ikc_waiting **out)
{
	struct ikc_waiting *v = NULL;
	struct ikc_ike_sa *sa, *next;
	size_t n = 0, cap = 0;

	*out = NULL;
	for (sa = lru_sa(s->lru.head); sa; sa = next) {
		next = lru_sa(sa->lru.next);
		if (!sa->stored_nokey || !sa->nstored)
			continue;
		{
			struct ikc_waiting *v2 = ikc_grow(v, &cap, n, sizeof *v2, 4, 0);
			if (!v2)
				break;
			v = v2;
		}
		/* The counts of its messages go: the replay counts them again. */
		for (size_t i = 0; i < sa->nstored; i++)
			count_dec(s, (enum ikc_decrypt_status)sa->stored[i].dec, -1);
		memset(&v[n], 0, sizeof v[n]);
		v[n].v = sa->stored;
		v[n].n = sa->nstored;
		v[n].icmp = sa->icmp;
		v[n].nicmp = sa->nicmp;
		v[n].icmp_cap = sa->icmp_cap;
		v[n++].icmp_errors = sa->icmp_errors;
		sa->icmp = NULL;
		sa->nicmp = sa->icmp_cap = 0;
		sa->icmp_errors = 0;
		s->stored_total -= sa->stored_bytes;
		sa->stored = NULL;
		sa->nstored = sa->stored_cap = sa->stored_bytes = 0;
		sa_remove(s, sa);
	}
	*out = v;
	return n;
}

void ikc_waiting_free(struct ikc_waiting *w, size_t n)
{
	for (size_t i = 0; w && i < n; i++) {
		for (size_t j = 0; j < w[i].n; j++)
			free(w[i].v[j].bytes);
		free(w[i].v);
		free(w[i].icmp);
	}
	free(w);
}

void ikc_session_restore_waiting(struct ikc_session *s, struct ikc_waiting *w)
{
	struct ikc_ike_sa *sa = NULL;

	if (!w->icmp_errors)
		return;
	/* the newest kept message names the SA best (MM1 has no responder cookie) */
	for (size_t j = w->n; j-- > 0 && !sa;)
		if (w->v[j].pkt.len >= 16)
			sa = sa_find(s, w->v[j].pkt.data, w->v[j].pkt.data + 8);
	if (!sa || sa->icmp_errors)
		return;
	sa->icmp = w->icmp;
	sa->nicmp = w->nicmp;
	sa->icmp_cap = w->icmp_cap;
	sa->icmp_errors = w->icmp_errors;
	w->icmp = NULL;
	w->nicmp = w->icmp_cap = 0;
	w->icmp_errors = 0;
}

void ikc_session_replay(struct ikc_session *s, bool on)
{
	s->replaying = on;
}

/* The message label (MM5, QM2, INFO ...): word, then the number (num >= 0)
 * or the suffix.  Runs per message: no printf. */
static void label_set(struct ikc_msg_info *info, const char *word, const char *suffix, long num)
{
	struct ikc_sbuf b = ikc_sb_init(info->label, sizeof info->label);

	ikc_sb_put(&b, word);
	if (num >= 0)
		ikc_sb_u64(&b, (uint64_t)num);
	else
		ikc_sb_put(&b, suffix);
}

void ikc_session_process(struct ikc_session *s, struct ikc_arena *a, const struct ikc_pkt *pkt,
			 const struct ikc_msg *msg, struct ikc_msg_info *info)
{
	struct ikc_ike_sa *sa;
	struct ikc_seen *seen, scratch;
	int seen_slot;
	bool is_new;
	const char *ex;
	int num = 0;

	memset(info, 0, sizeof *info);
	info->doi = pkt->transport == IKC_T_UDP848 ? IKC_DOI_GDOI : IKC_DOI_IPSEC;
	if (!s->replaying)
		s->st.messages++;

	sa = sa_find(s, msg->hdr.icookie, msg->hdr.rcookie);
	if (!sa) {
		sa = sa_create(s, pkt, msg);
		if (sa && ikc_gdoi_is_rekey_traffic(ikc_gdoi_exchange_doi(pkt, msg, info->doi), msg))
			sa->kek = true;
	}
	if (!sa) {
		snprintf(info->label, sizeof info->label, "?");
		return;
	}
	if (!sa->have_rcky && !is_zero(msg->hdr.rcookie, 8)) {
		memcpy(sa->rcky, msg->hdr.rcookie, 8);
		sa->have_rcky = true;
	}
	ikc_dlist_unlink(&s->lru, &sa->lru);
	ikc_dlist_append(&s->lru, &sa->lru);
	info->sa = sa;
	if (sa->doi)
		info->doi = sa->doi;
	else if (pkt->transport == IKC_T_UDP848)
		sa->doi = IKC_DOI_GDOI;
	info->doi = ikc_gdoi_exchange_doi(pkt, msg, info->doi);
	sa->msgs++;
	sa->last_frame = pkt->frame;
	sa->last_ts_sec = pkt->ts_sec;
	sa->last_ts_nsec = pkt->ts_nsec;
	if (pkt->transport == IKC_T_UDP4500_IKE)
		sa->natt_float = true;

	info->dir = direction(sa, pkt, msg);
	seen = seen_lookup(sa, msg_digest(msg->raw, msg->raw_len), info->dir, pkt->frame, &is_new);
	seen_slot = seen ? (int)(seen - sa->seen) : -1;
	if (!seen) {
		memset(&scratch, 0, sizeof scratch);
		seen = &scratch;
	}
	if (!is_new && !ikc_gdoi_is_push(info->doi, msg)) {
		seen->retransmits++;
		sa->retrans++;
		s->st.retransmits += !s->replaying;
		info->retransmit = true;
		info->retransmit_count = seen->retransmits;
		info->original_frame = seen->frame;
		memcpy(info->label, seen->label, sizeof info->label);
		ikc_sa_crypto_process(sa, s->keys, a, pkt, msg, seen_slot, info);
		ikc_gdoi_learn(s->gdoi, sa, pkt, msg, info);
		facts_record(s, sa, pkt, msg, info, 0);
		keep_for_reload(s, sa, pkt, msg, info);
		return;
	}

	if (sa->ikev2) {
		label_set(info, "IKEv2", "", -1);
	} else if (msg->hdr.msgid == 0 &&
		   (msg->hdr.exchange == IKC_EX_MAIN || msg->hdr.exchange == IKC_EX_AGGRESSIVE)) {
		sa->p1_exchange = msg->hdr.exchange;
		num = phase1_number(sa, info->dir, msg);
		note_phase1(sa, num, info->dir);
		if (num)
			label_set(info, msg->hdr.exchange == IKC_EX_MAIN ? "MM" : "AM", "", num);
		else
			label_set(info, msg->hdr.exchange == IKC_EX_MAIN ? "MM" : "AM", "?", -1);
		learn_phase1_proposal(sa, msg, msg->payloads, msg->npayloads, num);
	} else if ((ex = exchange_short(msg->hdr.exchange, info->doi)) != NULL) {
		if (msg->hdr.exchange == IKC_EX_INFO || msg->hdr.exchange == IKC_EX_TRANSACTION ||
		    msg->hdr.msgid == 0) {
			label_set(info, ex, "", -1);
		} else {
			struct ikc_qm *qm = qm_find(s, sa, msg->hdr.msgid, msg->hdr.exchange, true);
			if (!qm) {
				label_set(info, ex, "", -1);
				goto classified;
			}
			if (qm->count == 0)
				qm->initiator_dir = info->dir;
			qm->count++;
			qm->last_frame = pkt->frame;
			/* QM1 and QM3 come from the Quick Mode's initiator, which may be
			 * either phase-1 peer. */
			label_set(info, ex, "", qm->count);
			if (msg->hdr.exchange == IKC_EX_QUICK && qm->count >= 2)
				sa->qm_done = sa->qm_done || qm->count >= 3;
		}
	} else {
		label_set(info, "EX", "", msg->hdr.exchange);
	}
classified:
	memcpy(seen->label, info->label, sizeof seen->label);
	record_notifies(sa, msg->payloads, msg->npayloads, pkt->frame, info->dir);

	if (!ikc_gdoi_push(s->gdoi, a, pkt, msg, info)) {
		ikc_sa_crypto_process(sa, s->keys, a, pkt, msg, seen_slot, info);
		ikc_gdoi_learn(s->gdoi, sa, pkt, msg, info);
	}
	if (info->dec == IKC_DEC_OK)
		record_notifies(sa, info->payloads, info->npayloads, pkt->frame, info->dir);
	count_dec(s, info->dec, 1);   /* a replay's first counts were taken back (take_waiting) */
	if (!sa->memo_noted && sa->p1_exchange && sa->roles_known && ikc_sa_p1_done(sa)) {
		memo_note(s, sa);
		sa->memo_noted = true;
	}
	facts_record(s, sa, pkt, msg, info, num);
	keep_for_reload(s, sa, pkt, msg, info);
}

const char *ikc_sa_state(const struct ikc_ike_sa *sa)
{
	static const char *const mm[] = { "NONE", "MM_WAIT_MSG2", "MM_WAIT_MSG3", "MM_WAIT_MSG4",
					  "MM_WAIT_MSG5", "MM_WAIT_MSG6", "MM_ACTIVE" };
	static const char *const am[] = { "NONE", "AM_WAIT_MSG2", "AM_WAIT_MSG3", "AM_ACTIVE" };

	if (sa->ikev2)
		return "IKEv2";
	if (sa->kek)
		return "GDOI_KEK";
	if (sa->deleted)
		return "DELETED";
	if (sa->p1_exchange == IKC_EX_AGGRESSIVE) {
		int n = sa->p1_last > 3 ? 3 : sa->p1_last;
		if (n == 3 && sa->nqm)
			return "QM_IDLE";
		return am[n];
	}
	if (sa->p1_exchange == IKC_EX_MAIN) {
		int n = sa->p1_last > 6 ? 6 : sa->p1_last;
		/* Once phase 1 is done, the SA idles in QM_IDLE as Cisco calls it. */
		if (n == 6 && sa->nqm)
			return "QM_IDLE";
		return mm[n];
	}
	if (sa->nqm)
		return "QM_IDLE";
	return "UNKNOWN";
}

static void hex8(char out[17], const uint8_t c[8])
{
	ikc_hex(c, 8, out, 17);  /* no snprintf per byte: this runs per message */
}

/* A Quick Mode's state, as the side waiting sees it: QM1 sent -> the
 * initiator waits for QM2; QM2 sent -> the responder waits for QM3. */
static const char *qm_state(const struct ikc_qm *qm)
{
	if (qm->exchange != IKC_EX_QUICK)
		return qm->count ? "SEEN" : "NONE";
	return qm->count >= 3 ? "QM_DONE" : qm->count == 2 ? "QM_WAIT_MSG3" : "QM_WAIT_MSG2";
}

/* Round trip of a message pair (a, b indexes 0..2), in microseconds, or -1. */
static int64_t qm_rtt_us(const struct ikc_qm_facts *f, int a, int b)
{
	if (!f->frame[a] || !f->frame[b])
		return -1;
	return (f->ts_sec[b] - f->ts_sec[a]) * 1000000 + ((int64_t)f->ts_nsec[b] - (int64_t)f->ts_nsec[a]) / 1000;
}

static void write_qms(const struct ikc_ike_sa *sa, struct ikc_rw *w)
{
	ikc_rw_begin_array(w, "ikecap.quick_mode_list", "Quick Modes");
	for (size_t i = 0; i < sa->nqm; i++) {
		const struct ikc_qm *qm = &sa->qm[i];
		int64_t rtt = qm_rtt_us(&qm->f, 0, 1);
		uint32_t retr = qm->f.retrans[0] + qm->f.retrans[1] + qm->f.retrans[2];

		ikc_rw_begin_map(w, NULL, "Quick Mode");
		ikc_rw_uint(w, "isakmp.messageid", "Message ID", qm->msgid, IKC_RW_HEX, NULL);
		ikc_rw_cstr(w, "ikecap.state", "State", qm_state(qm));
		ikc_rw_cstr(w, "ikecap.initiator_dir", "Started by", ikc_dir_name(qm->initiator_dir));
		ikc_rw_uint(w, "ikecap.messages", "Messages", qm->count, IKC_RW_DEC, NULL);
		if (retr)
			ikc_rw_uint(w, "ikecap.retransmits", "Retransmissions", retr, IKC_RW_DEC, NULL);
		if (rtt >= 0)
			ikc_rw_uint(w, "ikecap.rtt_us", "QM1 -> QM2 round trip (us)", (uint64_t)rtt, IKC_RW_DEC, NULL);
		if (qm->f.ke[0] || qm->f.ke[1])
			ikc_rw_bool(w, "ikecap.pfs", "PFS (KE present)", true);
		ikc_rw_uint(w, "ikecap.last_frame", "Last frame", qm->last_frame, IKC_RW_DEC, NULL);
		ikc_rw_end_map(w);
	}
	ikc_rw_end_array(w);
}

static void write_sa(const struct ikc_ike_sa *sa, struct ikc_rw *w, bool print_keys)
{
	char addr[64];
	char nbuf[16];

	ikc_rw_begin_map(w, NULL, "IKE SA");
	ikc_rw_cstr(w, "type", "Record", "sa");
	ikc_rw_bytes(w, "isakmp.ispi", "Initiator cookie", sa->icky, 8);
	ikc_rw_bytes(w, "isakmp.rspi", "Responder cookie", sa->rcky, 8);
	if (sa->roles_known) {
		ikc_format_addr(sa->af, sa->iaddr, addr, sizeof addr);
		ikc_rw_cstr(w, "ikecap.initiator", "Initiator", addr);
		ikc_format_addr(sa->af, sa->raddr, addr, sizeof addr);
		ikc_rw_cstr(w, "ikecap.responder", "Responder", addr);
	}
	if (sa->p1_exchange)
		ikc_rw_uint(w, "isakmp.exchangetype", "Phase 1 exchange", sa->p1_exchange, IKC_RW_DEC,
			    ikc_exchange_name(sa->p1_exchange, sa->doi ? sa->doi : 1, 0));
	ikc_rw_cstr(w, "ikecap.state", "State", ikc_sa_state(sa));
	ikc_rw_uint(w, "ikecap.messages", "Messages", sa->msgs, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.retransmits", "Retransmissions", sa->retrans, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.first_frame", "First frame", sa->first_frame, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.last_frame", "Last frame", sa->last_frame, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.quick_modes", "Quick Modes", sa->nqm, IKC_RW_DEC, NULL);
	if (sa->nqm)
		write_qms(sa, w);
	if (sa->natt_float)
		ikc_rw_bool(w, "ikecap.natt", "Moved to UDP 4500 (NAT-T)", true);
	if (sa->last_error_notify) {
		ikc_rw_uint(w, "isakmp.notify.msgtype", "Last error notify", sa->last_error_notify, IKC_RW_DEC,
			    ikc_name_or_num(ikc_notify_name(sa->last_error_notify), sa->last_error_notify, nbuf,
					    sizeof nbuf));
		ikc_rw_uint(w, "ikecap.notify_frame", "Notify frame", sa->last_error_frame, IKC_RW_DEC, NULL);
	}
	if (sa->qm_evicted)
		ikc_rw_uint(w, "ikecap.quick_modes_evicted", "Quick Modes evicted", sa->qm_evicted, IKC_RW_DEC, NULL);
	ikc_sa_crypto_write_summary(sa->crypto, w, print_keys);
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

/* SAs in order of creation (caller frees; NULL without memory). */
static const struct ikc_ike_sa **sorted_sas(const struct ikc_session *s, size_t *n)
{
	const struct ikc_ike_sa **v = malloc((s->nsas ? s->nsas : 1) * sizeof *v);

	*n = 0;
	if (!v)
		return NULL;
	for (struct ikc_ike_sa *sa = byseq_sa(s->byseq.head); sa; sa = byseq_sa(sa->byseq.next))
		v[(*n)++] = sa;
	return v;
}

void ikc_session_write_summary(const struct ikc_session *s, struct ikc_rw *w)
{
	size_t n = 0;
	const struct ikc_ike_sa **v = sorted_sas(s, &n);

	for (size_t i = 0; v && i < n; i++)
		write_sa(v[i], w, s->cfg.print_keys);
	free(v);
}

/* One line per SA for people, then the findings that matter. */
static void text_sa(const struct ikc_ike_sa *sa, FILE *out, bool print_keys)
{
	static const struct ikc_sa_crypto none;   /* an SA that never carried key material */
	const struct ikc_sa_crypto *c = sa->crypto ? sa->crypto : &none;
	char ic[17], rc[17], ia[64] = "?", ra[64] = "?", nb[16], line[512];
	struct ikc_sbuf b;

	hex8(ic, sa->icky);
	hex8(rc, sa->rcky);
	if (sa->roles_known) {
		ikc_format_addr(sa->af, sa->iaddr, ia, sizeof ia);
		ikc_format_addr(sa->af, sa->raddr, ra, sizeof ra);
	}
	if (sa->kek) {
		fprintf(out, "  %s/%s GDOI KEK (group rekeys, see GDOI groups): %u messages\n", ic, rc, sa->msgs);
		return;
	}
	/* One line per SA of the summary: joined, then written once. */
	b = ikc_sb_init(line, sizeof line);
	ikc_sb_join(&b, "  ", ic, "/", rc, " ", ia, " > ", ra, " ",
		    sa->p1_exchange == IKC_EX_AGGRESSIVE ? "Aggressive" : sa->p1_exchange == IKC_EX_MAIN ? "Main" : "-",
		    " ", ikc_sa_state(sa), ": ", NULL);
	ikc_sb_num(&b, "", sa->msgs, " messages");
	if (sa->retrans)
		ikc_sb_num(&b, " (", sa->retrans, " retransmitted)");
	if (sa->nqm)
		ikc_sb_num(&b, ", ", sa->nqm, sa->nqm > 1 ? " Quick Modes" : " Quick Mode");
	if (sa->natt_float)
		ikc_sb_put(&b, ", NAT-T");
	if (c->decrypted || c->failed)
		ikc_sb_num(&b, "; ", c->decrypted, " decrypted");
	if (c->failed)
		ikc_sb_num(&b, ", ", c->failed, " not decryptable");
	if (c->hash_ok || c->hash_bad) {
		ikc_sb_num(&b, ", ", c->hash_ok, " HASH verified, ");
		ikc_sb_num(&b, "", c->hash_bad, " failed");
	}
	ikc_sb_putc(&b, '\n');
	fwrite(line, 1, b.len, out);
	if (sa->last_error_notify)
		fprintf(out, "    notify %s from the %s in frame %llu\n",
			ikc_name_or_num(ikc_notify_name(sa->last_error_notify), sa->last_error_notify, nb, sizeof nb),
			sa->last_error_dir == IKC_DIR_R2I ? "responder" : sa->last_error_dir == IKC_DIR_I2R ? "initiator" : "peer",
			(unsigned long long)sa->last_error_frame);
	if (ikc_sa_icmp_last(sa)) {
		const struct ikc_icmp_seen *last = ikc_sa_icmp_last(sa);
		char from[64];
		ikc_format_addr(sa->af, last->from, from, sizeof from);
		fprintf(out, "    ICMP %s from %s (%u time%s, last in frame %llu)\n",
			ikc_icmp_error_name(sa->af, last->type, last->code), from, sa->icmp_errors,
			sa->icmp_errors > 1 ? "s" : "", (unsigned long long)last->frame);
	}
	if (c->psk_differs)
		fprintf(out, "    PSK mismatch: initiator's key %s, responder's key %s\n", ikc_sa_side_source(c, 0),
			ikc_sa_side_source(c, 1));
	if (c->am_psk_verdict)
		fprintf(out, "    Aggressive Mode: %s\n", c->am_psk_verdict);
	if (c->tried && !c->ncand && ikc_sa_crypto_missing(c))
		fprintf(out, "    not decrypted: %s\n", ikc_sa_crypto_missing(c));
	if (c->qm_missing && c->qm_missing[0])
		fprintf(out, "    no ESP keys: %s\n", c->qm_missing);
	if (print_keys)
		ikc_sa_crypto_write_keys_text(sa->crypto, out);
}

void ikc_session_write_text(const struct ikc_session *s, FILE *out, bool header)
{
	size_t n = 0;
	const struct ikc_ike_sa **v = sorted_sas(s, &n);

	if (!v || !n) {
		free(v);
		return;
	}
	if (header)
		fprintf(out, "IKE SAs (%zu%s):\n", n, s->st.evicted ? ", more were evicted" : "");
	for (size_t i = 0; i < n; i++)
		text_sa(v[i], out, s->cfg.print_keys);
	free(v);
}

size_t ikc_session_live(const struct ikc_session *s)
{
	return s->nsas;
}

/* ---- retirement: memory bounded by the SAs still alive ---- */

bool ikc_sa_p1_done(const struct ikc_ike_sa *sa)
{
	if (sa->p1_exchange == IKC_EX_MAIN)
		return sa->p1_last >= 6;
	if (sa->p1_exchange == IKC_EX_AGGRESSIVE)
		return sa->p1_last >= 3;
	return true; /* no phase 1 in the capture (or another exchange): nothing to wait for */
}

static int memo_cmp(const struct ikc_p1_memo *a, const struct ikc_p1_memo *b)
{
	int d;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if ((d = memcmp(a->lo, b->lo, 16)) != 0)
		return d;
	return memcmp(a->hi, b->hi, 16);
}

/* Keep the earliest finished phase 1 of each pair of peers. */
static void memo_note(struct ikc_session *s, const struct ikc_ike_sa *sa)
{
	struct ikc_p1_memo m = { .af = sa->af, .seq = sa->seq, .first_frame = sa->first_frame };
	bool i_first = memcmp(sa->iaddr, sa->raddr, 16) <= 0;
	size_t lo = 0, hi = s->nmemo;

	if (sa->ikev2 || !sa->roles_known || !sa->p1_exchange || !ikc_sa_p1_done(sa))
		return;
	memcpy(m.lo, i_first ? sa->iaddr : sa->raddr, 16);
	memcpy(m.hi, i_first ? sa->raddr : sa->iaddr, 16);
	memcpy(m.icky, sa->icky, 8);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memo_cmp(&s->memo[mid], &m) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nmemo && memo_cmp(&s->memo[lo], &m) == 0) {
		if (m.seq < s->memo[lo].seq)
			s->memo[lo] = m;
		return;
	}
	{
		struct ikc_p1_memo *v = ikc_grow(s->memo, &s->memo_cap, s->nmemo, sizeof *v, 16, IKC_P1_MEMO_MAX);
		if (!v)
			return;
		s->memo = v;
	}
	memmove(&s->memo[lo + 1], &s->memo[lo], (s->nmemo - lo) * sizeof *s->memo);
	s->memo[lo] = m;
	s->nmemo++;
}

size_t ikc_session_p1_memos(const struct ikc_session *s, const struct ikc_p1_memo **out)
{
	*out = s->memo;
	return s->nmemo;
}

/* How long this SA may stay quiet before it counts as ended. */
static int64_t retire_after(const struct ikc_session *s, const struct ikc_ike_sa *sa)
{
	int64_t idle = s->cfg.retire_idle_s;

	if (sa->deleted)
		return idle < IKC_RETIRE_DELETED ? idle : IKC_RETIRE_DELETED;
	if ((sa->p1_exchange || sa->nqm) && ikc_sa_p1_done(sa) && idle < IKC_RETIRE_ESTABLISHED)
		return IKC_RETIRE_ESTABLISHED;
	return idle;
}

/* An SA quiet this long (capture time) has no retransmission to come: the
 * longest default schedule we know, strongSwan's IKEv1 one, sends its last
 * copy 90 s after the first (libreswan, Cisco and Juniper stop sooner).
 * While an exchange waits for its answer, a schedule stretched by
 * configuration may go on longer: those SAs wait IKC_COMPACT_OPEN. */
#define IKC_COMPACT_SETTLED 180
#define IKC_COMPACT_OPEN 300

/* Phase 1 done and every Quick Mode at QM3: nobody waits for an answer. */
static bool sa_settled(const struct ikc_ike_sa *sa)
{
	if (!ikc_sa_p1_done(sa))
		return false;
	for (size_t i = 0; i < sa->nqm; i++)
		if (sa->qm[i].exchange == IKC_EX_QUICK && sa->qm[i].count < 3)
			return false;
	return true;
}

/* Memory of an SA quiet for `quiet` seconds: the arrays grown by half
 * again give back their spare room, and in a run without key files its
 * retransmission ring goes.  With keys the ring stays: it holds the IVs
 * that decrypt a late copy the same way, and without it a copy would pass
 * for a new message and break the SA's IV chain.  The ring also stays when
 * the event log overflowed: the diagnosis then finds in it what the log
 * lost.  A message that comes later grows them again. */
static void sa_compact(struct ikc_ike_sa *sa, int64_t quiet)
{
	if (quiet < IKC_COMPACT_SETTLED || (quiet < IKC_COMPACT_OPEN && !sa_settled(sa)))
		return;
	if (sa->seen && sa->key_inputs_off && !sa->ev_dropped) {
		free(sa->seen);
		sa->seen = NULL;
		sa->seen_cap = sa->seen_next = 0;
	}
	sa->ev = ikc_shrink32(sa->ev, &sa->ev_cap, sa->nev, sizeof *sa->ev);
	sa->qm = ikc_shrink32(sa->qm, &sa->qm_cap, sa->nqm, sizeof *sa->qm);
	sa->f.offered = ikc_shrink32(sa->f.offered, &sa->f.offered_cap, sa->f.noffered, sizeof *sa->f.offered);
	sa->f.ntf = ikc_shrink32(sa->f.ntf, &sa->f.ntf_cap, sa->f.nntf, sizeof *sa->f.ntf);
	if (sa->lf) {
		sa->lf->ev = ikc_shrink(sa->lf->ev, &sa->lf->ev_cap, sa->lf->nev, sizeof *sa->lf->ev);
		sa->lf->pl = ikc_shrink(sa->lf->pl, &sa->lf->pl_cap, sa->lf->npl, sizeof *sa->lf->pl);
	}
}

/* now: capture time, held to the pipeline's range (0 .. 2^40 s). */
void ikc_session_tick(struct ikc_session *s, int64_t now)
{
	int64_t least;
	struct ikc_ike_sa *sa, **v = NULL;
	size_t n = 0, cap = 0;

	/* SAs are kept as they are when the run keeps them all (--retire-idle
	 * 0, --psk-audit): then a time that jumps compacts nothing either. */
	if (!s->cfg.retire_idle_s || !s->cfg.on_retire)
		return;
	/* A time that went back more than a minute (one frame stamped far
	 * ahead, captures merged): scan again from here, not from that frame. */
	if (now < s->next_retire_scan - 120)
		s->next_retire_scan = now;
	if (now < s->next_retire_scan)
		return;
	/* Each scan that retires something diagnoses against every live SA:
	 * once a minute keeps that cheap when thousands are established. */
	s->next_retire_scan = now + 60;
	least = s->cfg.retire_idle_s < IKC_RETIRE_DELETED ? s->cfg.retire_idle_s : IKC_RETIRE_DELETED;
	/* The LRU list is in order of last message: past the first SA quiet for
	 * less than the shortest timeout, none has ended or gone quiet. */
	for (sa = lru_sa(s->lru.head); sa && now - sa->last_ts_sec >= least; sa = lru_sa(sa->lru.next)) {
		if (now - sa->last_ts_sec < retire_after(s, sa)) {
			sa_compact(sa, now - sa->last_ts_sec);
			continue;
		}
		{
			struct ikc_ike_sa **v2 = ikc_grow(v, &cap, n, sizeof *v2, 64, 0);
			if (!v2)
				break;   /* the rest ends at the next scan */
			v = v2;
		}
		v[n++] = sa;
	}
	if (!n)
		return;
	s->cfg.on_retire(s->cfg.retire_ctx, s, (const struct ikc_ike_sa *const *)v, n);
	for (size_t i = 0; i < n; i++) {
		s->st.retired++;
		sa_remove(s, v[i]);
	}
	free(v);
}

void ikc_session_write_sa(const struct ikc_session *s, const struct ikc_ike_sa *sa, struct ikc_rw *w)
{
	write_sa(sa, w, s->cfg.print_keys);
}

void ikc_session_write_sa_text(const struct ikc_session *s, const struct ikc_ike_sa *sa, FILE *out)
{
	text_sa(sa, out, s->cfg.print_keys);
}

bool ikc_session_export_sa(const struct ikc_ike_sa *sa, FILE *out)
{
	const uint8_t *ka;
	size_t len;
	char cky[17], hex[2 * IKC_CR_MAX_KEY + 1];

	if (sa->ikev2 || !ikc_sa_crypto_phase1_key(sa, &ka, &len))
		return false;
	hex8(cky, sa->icky);
	ikc_hex(ka, len, hex, sizeof hex);
	fprintf(out, "%s,%s\n", cky, hex);
	OPENSSL_cleanse(hex, sizeof hex);
	return true;
}

size_t ikc_session_list(const struct ikc_session *s, const struct ikc_ike_sa ***out)
{
	size_t n = 0;

	*out = sorted_sas(s, &n);
	return n;
}

size_t ikc_session_export_ikev1(const struct ikc_session *s, FILE *out)
{
	size_t n, written = 0;
	const struct ikc_ike_sa **v = sorted_sas(s, &n);

	for (size_t i = 0; v && i < n; i++)
		written += ikc_session_export_sa(v[i], out);
	free(v);
	return written;
}

size_t ikc_session_psk_audit(const struct ikc_session *s, FILE *words, ikc_audit_cb cb, void *ctx)
{
	size_t n, hits = 0, nsa = 0;
	const struct ikc_ike_sa **v = sorted_sas(s, &n);
	char line[1024];
	unsigned long lineno = 0;

	if (!v)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ikc_sa_crypto_am_auditable(v[i]))
			v[nsa++] = v[i];
	while (nsa && fgets(line, sizeof line, words)) {
		size_t len = strcspn(line, "\r\n");
		lineno++;
		for (size_t i = 0; i < nsa; i++) {
			if (v[i] && ikc_sa_crypto_am_try_psk(v[i], (const uint8_t *)line, len)) {
				cb(ctx, v[i]->icky, line, len, lineno);
				v[i] = NULL;  /* found: stop trying this SA */
				hits++;
			}
		}
	}
	OPENSSL_cleanse(line, sizeof line);
	free(v);
	return hits;
}

void ikc_session_get_stats(const struct ikc_session *s, struct ikc_session_stats *st)
{
	*st = s->st;
}

void ikc_sa_cookie_hex(const struct ikc_ike_sa *sa, char out[17])
{
	hex8(out, sa->icky);
}

static void note_icmp(struct ikc_ike_sa *sa, const struct ikc_pkt *pkt)
{
	struct ikc_icmp_seen e = { .frame = pkt->frame, .ts_sec = pkt->ts_sec, .ts_nsec = pkt->ts_nsec,
				   .type = pkt->icmp_type, .code = pkt->icmp_code, .port = pkt->qdport };

	memcpy(e.from, pkt->src, 16);
	(void)ikc_sa_note_icmp(sa, &e);
}

void ikc_session_note_icmp(struct ikc_session *s, const struct ikc_pkt *pkt, const struct ikc_msg *msg)
{
	struct ikc_ike_sa *sa = sa_find(s, msg->hdr.icookie, msg->hdr.rcookie);

	if (sa)
		note_icmp(sa, pkt);
}

void ikc_session_note_icmp_addr(struct ikc_session *s, const struct ikc_pkt *pkt)
{
	size_t walked = 0;

	for (struct ikc_ike_sa *sa = lru_sa(s->lru.tail); sa && walked < 256; sa = lru_sa(sa->lru.prev), walked++) {
		if (!sa->roles_known || sa->af != pkt->af)
			continue;
		if ((memcmp(pkt->qsrc, sa->iaddr, 16) == 0 && memcmp(pkt->qdst, sa->raddr, 16) == 0) ||
		    (memcmp(pkt->qsrc, sa->raddr, 16) == 0 && memcmp(pkt->qdst, sa->iaddr, 16) == 0)) {
			note_icmp(sa, pkt);
			return;
		}
	}
}

bool ikc_sa_note_icmp(struct ikc_ike_sa *sa, const struct ikc_icmp_seen *e)
{
	sa->icmp_errors++;
	if (sa->nicmp == IKC_ICMP_KEPT) {
		sa->icmp[IKC_ICMP_KEPT - 1] = *e;
		return true;
	}
	if (sa->nicmp == sa->icmp_cap) {
		size_t cap = sa->icmp_cap;
		struct ikc_icmp_seen *v = ikc_grow(sa->icmp, &cap, sa->nicmp, sizeof *v, 2, IKC_ICMP_KEPT);

		if (!v)
			return false;
		sa->icmp = v;
		sa->icmp_cap = (uint8_t)cap;
	}
	sa->icmp[sa->nicmp++] = *e;
	return true;
}

struct ikc_gdoi *ikc_session_gdoi(const struct ikc_session *s)
{
	return s ? s->gdoi : NULL;
}

void ikc_session_set_keys(struct ikc_session *s, const struct ikc_keys *keys)
{
	s->keys = keys;
	ikc_gdoi_set_keys(s->gdoi, keys);  /* a GROUPKEY-PULL with KE needs its g^xy */
	/* SAs that found no key may find one now; keyed SAs keep theirs (copied). */
	for (struct ikc_ike_sa *sa = lru_sa(s->lru.head); sa; sa = lru_sa(sa->lru.next))
		if (sa->crypto && sa->crypto->ncand == 0)
			sa->crypto->tried = false;
}

size_t ikc_session_stalled(struct ikc_session *s, int64_t now, uint32_t idle_s, const struct ikc_ike_sa ***out)
{
	const struct ikc_ike_sa **v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	for (struct ikc_ike_sa *sa = lru_sa(s->lru.head); sa; sa = lru_sa(sa->lru.next)) {
		const char *st;

		/* Least recently used first: stop at the first SA still moving. */
		if (now - sa->last_ts_sec < (int64_t)idle_s)
			break;
		st = ikc_sa_state(sa);
		if (sa->live_reported || sa->ikev2 || !strcmp(st, "QM_IDLE") || !strcmp(st, "MM_ACTIVE") ||
		    !strcmp(st, "AM_ACTIVE") || !strcmp(st, "DELETED"))
			continue;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 8;
			const struct ikc_ike_sa **nv = realloc(v, nc * sizeof *nv);
			if (!nv)
				break;
			v = nv;
			cap = nc;
		}
		sa->live_reported = true;
		v[n++] = sa;
	}
	*out = v;
	return n;
}

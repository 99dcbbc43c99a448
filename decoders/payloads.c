/* payloads.c - the IKEv1 / IPsec DOI / GDOI payload bodies.
 *
 * RFC 2408 §3.3-3.15 (attributes, SA, proposal, transform, KE, ID, CERT, CR,
 * HASH, SIG, NONCE, NOTIFY, DELETE, VID), RFC 2407 §4.6 (IPsec DOI SA, ID,
 * NOTIFY), RFC 3947 §3.2 and §5 (NAT-D, NAT-OA; drafts' 130/131 alike),
 * draft-dukes-ike-mode-cfg §3.2 (ATTR), Cisco/strongSwan IKEv1 fragment (132),
 * RFC 6407 §5.2-5.8 (GDOI SA, SA KEK, SA TEK, KD, SEQ, GAP).
 *
 * Every body arrives as a cursor of exactly (payload length - 4) bytes; the
 * generic header is the walker's (isakmp.c).  Layouts below omit it.
 *
 * Data attribute (§3.3), AF=1: TV, 16-bit value; AF=0: TLV:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !A!       Attribute Type        !    AF=0  Attribute Length     !
 * !F!                             !    AF=1  Attribute Value      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                   AF=0  Attribute Value                       .
 *
 * SA (IPsec DOI)      DOI(4) | Situation(4) | Proposal payloads...
 * Proposal  gen hdr | Proposal # | Protocol-Id | SPI Size | # Transforms | SPI | Transforms
 * Transform gen hdr | Transform # | Transform-Id | RESERVED2(2) | SA Attributes
 * KE HASH SIG NONCE VID NAT-D POP    opaque data
 * ID        ID Type | Protocol ID | Port(2) | Identification Data
 * CERT/CR   Encoding | Certificate Data / Certificate Authority
 * NOTIFY    DOI(4) | Protocol-Id | SPI Size | Notify Type(2) | SPI | Data
 * DELETE    DOI(4) | Protocol-Id | SPI Size | # of SPIs(2) | SPIs
 * NAT-OA    ID Type | RESERVED(3) | IPv4 (4) or IPv6 (16) address
 * ATTR      Type | RESERVED | Identifier(2) | Attributes
 * FRAG      Fragment ID(2) | Fragment number | Flags (bit 0: last) | Data
 *
 * GDOI SA (DOI 2): DOI(4) | Situation(4) | SA Attribute Next Payload(2) |
 *   RESERVED2(2) | nested SA KEK / SA TEK / GAP payloads, each with a generic
 *   header, all within the SA payload's length (RFC 6407 §5.2).  Only the
 *   GROUPKEY-PULL's SA has this layout: the phase-1 SA also carries DOI 2
 *   (RFC 6407 §2.1) but is an ordinary SA with proposals (RFC 2408 §3.4).
 * SA KEK   Protocol | SRC ID Type | SRC ID Port(2) | SRC ID Data Len | SRC ID |
 *          DST ID Type | DST ID Port(2) | DST ID Data Len | DST ID |
 *          SPI(16) | POP Algorithm(2) | POP Key Length(2) | KEK Attributes
 * SA TEK   Protocol-ID | ESP/AH: Protocol | SRC ID Type | SRC ID Port(2) |
 *          SRC ID Data Len(2) | SRC ID | DST ID Type | DST ID Port(2) |
 *          DST ID Data Len(2) | DST ID | Transform ID | SPI(4) |
 *          RFC 2407 SA Attributes
 *   (RFC 6407 §5.4.1's figure leaves the TEK's Data Len width to the text;
 *   Wireshark 4.0 and the GDOI reference code read 2 octets there, 1 in the
 *   SA KEK, and so do we.)
 * KD       # Key Packets(2) | RESERVED2(2) | Key Packets, each:
 *          KD Type | RESERVED | KD Length(2, whole key packet) | SPI Size | SPI |
 *          Key Packet Attributes
 * SEQ      Sequence Number(4)
 * GAP      GAP Attributes
 */
#include "payloads.h"

#include <string.h>

#define GEN_LEN 4u

/* A fixed field ran past the body: TRUNCATED to the walker. */
#define TRY(expr)                       \
	do {                            \
		err = (expr);           \
		if (err)                \
			goto out;       \
	} while (0)

static ikc_notes cut_or(const struct ikc_dec *d, ikc_notes otherwise)
{
	return d->partial ? IKC_NOTE(TRUNCATED) : otherwise;
}

/* Consume the rest of the cursor as a blob. */
static void rest(struct ikc_cursor *c, const uint8_t **data, size_t *len)
{
	*data = c->p;
	*len = c->left;
	c->p += c->left;
	c->left = 0;
}

/* Skip what is left: it has been noted, or is kept raw in the body. */
static void drain(struct ikc_cursor *c)
{
	c->p += c->left;
	c->left = 0;
}

/* Copy a decoded temp array into the arena; ARENA_FULL on the owner if not. */
static void *keep(struct ikc_dec *d, const void *tmp, size_t n, size_t size, ikc_notes *owner)
{
	void *p;

	if (!n)
		return NULL;
	p = ikc_arena_calloc(d->a, n, size);
	if (!p) {
		*owner |= IKC_NOTE(ARENA_FULL);
		return NULL;
	}
	memcpy(p, tmp, n * size);
	return p;
}

void ikc_attrs_decode(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_attr **out, size_t *nout,
		      ikc_notes *owner)
{
	struct ikc_attr tmp[IKC_MAX_ATTRS];
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	while (c->left) {
		struct ikc_attr *at;
		uint16_t type, lv;

		if (n == IKC_MAX_ATTRS) {
			*owner |= IKC_NOTE(CHAIN_TOO_LONG);
			break;
		}
		if (c->left < 4) {
			*owner |= IKC_NOTE(ATTR_TRUNCATED) | cut_or(d, 0);
			c->p += c->left;
			c->left = 0;
			break;
		}
		if (ikc_cur_u16(c, &type) || ikc_cur_u16(c, &lv))
			break;  /* cannot happen: 4 bytes checked */
		at = &tmp[n++];
		memset(at, 0, sizeof(*at));
		at->type = type & 0x7fff;
		if (type & 0x8000) {
			at->tv = true;
			at->value = lv;
			at->has_value = true;
			continue;
		}
		at->len = lv;
		if (lv > c->left) {
			/* Keep what is there; nothing after it can be trusted. */
			at->notes |= IKC_NOTE(ATTR_TRUNCATED);
			*owner |= IKC_NOTE(ATTR_TRUNCATED) | cut_or(d, 0);
			rest(c, &at->data, &(size_t){ 0 });
			break;
		}
		if (ikc_cur_bytes(c, lv, &at->data))
			break;  /* cannot happen: checked */
		if (lv >= 1 && lv <= 4) {
			for (uint16_t i = 0; i < lv; i++)
				at->value = (at->value << 8) | at->data[i];
			at->has_value = true;
		}
	}
	*out = keep(d, tmp, n, sizeof(tmp[0]), owner);
	*nout = *out ? n : 0;
}

/* A nested generic header (proposal, transform, key packet sub-block):
 * validate it and carve its body, noting problems on the owner. */
static bool nested_hdr(struct ikc_dec *d, struct ikc_cursor *c, size_t min_body, uint8_t *next,
		       uint16_t *len, struct ikc_cursor *body, ikc_notes *owner)
{
	uint8_t res;

	if (c->left < GEN_LEN) {
		*owner |= cut_or(d, IKC_NOTE(MALFORMED));
		return false;
	}
	if (ikc_cur_u8(c, next) || ikc_cur_u8(c, &res) || ikc_cur_u16(c, len))
		return false;
	if (*len < GEN_LEN + min_body) {
		*owner |= IKC_NOTE(LENGTH_SHORT);
		return false;
	}
	if (*len - GEN_LEN > c->left) {
		*owner |= cut_or(d, IKC_NOTE(LENGTH_PAST_END));
		return false;
	}
	return ikc_cur_sub(c, (size_t)*len - GEN_LEN, body) == IKC_OK;
}

static enum ikc_attr_space space_for(uint8_t protoid)
{
	return protoid == IKC_PROTO_ISAKMP ? IKC_ATTRS_IKE : IKC_ATTRS_IPSEC;
}

static void decode_proposal(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_proposal *pr)
{
	struct ikc_transform tmp[IKC_MAX_TRANSFORMS];
	size_t n = 0;

	/* nested_hdr guaranteed the 4 fixed bytes. */
	if (ikc_cur_u8(c, &pr->number) || ikc_cur_u8(c, &pr->protoid) || ikc_cur_u8(c, &pr->spisize) ||
	    ikc_cur_u8(c, &pr->ntransforms))
		return;
	if (ikc_cur_bytes(c, pr->spisize, &pr->spi)) {
		pr->notes |= cut_or(d, IKC_NOTE(MALFORMED));
		return;
	}
	while (c->left) {
		struct ikc_transform *tr;
		struct ikc_cursor tb;
		uint8_t next;
		uint16_t len, res;

		if (n == IKC_MAX_TRANSFORMS) {
			pr->notes |= IKC_NOTE(CHAIN_TOO_LONG);
			break;
		}
		if (!nested_hdr(d, c, 4, &next, &len, &tb, &pr->notes))
			break;
		tr = &tmp[n++];
		memset(tr, 0, sizeof(*tr));
		tr->length = len;
		tr->space = space_for(pr->protoid);
		if (ikc_cur_u8(&tb, &tr->number) || ikc_cur_u8(&tb, &tr->id) || ikc_cur_u16(&tb, &res))
			break;  /* cannot happen: min_body 4 */
		ikc_attrs_decode(d, &tb, &tr->attrs, &tr->nattrs, &tr->notes);
		if (next == IKC_PT_NONE)
			break;
	}
	if (c->left)
		pr->notes |= IKC_NOTE(EXTRA_DATA);
	if (n != pr->ntransforms)
		pr->notes |= IKC_NOTE(COUNT_MISMATCH);
	pr->transforms = keep(d, tmp, n, sizeof(tmp[0]), &pr->notes);
	pr->ntr = pr->transforms ? n : 0;
}

/* GDOI SA: the KEK/TEK/GAP payloads are nested in the SA payload (RFC 6407
 * §5.2: the SA payload length includes them), walked like any chain. */
static enum ikc_err decode_gdoi_sa(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_sa *sa = &pl->u.sa;
	struct ikc_dec sub = *d;
	ikc_notes chain = 0;
	uint16_t res2;
	enum ikc_err err;

	TRY(ikc_cur_u32(c, &sa->situation));
	sa->has_situation = true;
	TRY(ikc_cur_u16(c, &sa->sa_attr_next));
	TRY(ikc_cur_u16(c, &res2));
	/* RFC 6407's figure leaves the field width open (RFC 3547 text gives
	 * one octet, Wireshark reads two); a one-octet type followed by zero
	 * reserved bits reads as 0xNN00, so accept both. */
	if (sa->sa_attr_next > 0xff && !(sa->sa_attr_next & 0xff))
		sa->sa_attr_next >>= 8;
	if (d->depth >= IKC_MAX_DEPTH) {
		pl->notes |= IKC_NOTE(NESTING_TOO_DEEP);
		drain(c);
		return IKC_OK;
	}
	if (sa->sa_attr_next > 0xff) {
		pl->notes |= IKC_NOTE(MALFORMED);
		return IKC_OK;  /* the rest stays unread: EXTRA_DATA */
	}
	sub.depth++;
	sub.doi = IKC_DOI_GDOI;
	ikc_chain_walk(&sub, (uint8_t)sa->sa_attr_next, c, &sa->gdoi, &sa->ngdoi, &chain);
	/* Bytes after the last nested payload are extra data of the SA. */
	if (chain & IKC_NOTE(TRAILING_DATA)) {
		chain &= ~IKC_NOTE(TRAILING_DATA);
		chain |= IKC_NOTE(EXTRA_DATA);
	}
	pl->notes |= chain;
	drain(c);
out:
	return err;
}

/* A DOI-2 SA is the phase-1 SA (proposal layout) when the 4 octets after
 * the situation read as a proposal header: Next Payload 0 or 2 (PROPOSAL),
 * RESERVED 0, a length that holds a proposal and fits.  In the GDOI layout
 * those octets are SA Attribute Next Payload (SAK 15 / SAT 16 / GAP 22, in
 * one or two octets) and RESERVED2 = 0, so the two never read alike. */
static bool gdoi_phase1_layout(const struct ikc_cursor *c)
{
	uint8_t next, res, hi, lo;
	size_t len;

	if (ikc_cur_peek_u8(c, 4, &next) || ikc_cur_peek_u8(c, 5, &res) || ikc_cur_peek_u8(c, 6, &hi) ||
	    ikc_cur_peek_u8(c, 7, &lo))
		return false;
	len = (size_t)hi << 8 | lo;
	return (next == IKC_PT_NONE || next == IKC_PT_PROPOSAL) && res == 0 && len >= GEN_LEN + 4 &&
	       len <= c->left - 4;
}

enum ikc_err ikc_pl_sa(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_proposal tmp[IKC_MAX_PROPOSALS];
	struct ikc_sa *sa = &pl->u.sa;
	size_t n = 0;
	enum ikc_err err;

	TRY(ikc_cur_u32(c, &sa->doi));
	if (sa->doi == IKC_DOI_GDOI && !gdoi_phase1_layout(c))
		return decode_gdoi_sa(d, c, pl);
	/* IPsec DOI: 4-byte situation.  SIT_SECRECY / SIT_INTEGRITY (labelled
	 * domains, RFC 2407 §4.6.1) add fields we do not decode. */
	TRY(ikc_cur_u32(c, &sa->situation));
	sa->has_situation = true;
	while (c->left) {
		struct ikc_proposal *pr;
		struct ikc_cursor pb;
		uint8_t next;
		uint16_t len;

		if (n == IKC_MAX_PROPOSALS) {
			pl->notes |= IKC_NOTE(CHAIN_TOO_LONG);
			break;
		}
		if (!nested_hdr(d, c, 4, &next, &len, &pb, &pl->notes))
			break;
		pr = &tmp[n++];
		memset(pr, 0, sizeof(*pr));
		pr->length = len;
		decode_proposal(d, &pb, pr);
		if (next == IKC_PT_NONE)
			break;
	}
	sa->proposals = keep(d, tmp, n, sizeof(tmp[0]), &pl->notes);
	sa->nprop = sa->proposals ? n : 0;
	/* A bad proposal header stops the walk: what it left is not "extra". */
	if (pl->notes & (IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) | IKC_NOTE(TRUNCATED) |
			 IKC_NOTE(MALFORMED) | IKC_NOTE(CHAIN_TOO_LONG)))
		drain(c);
out:
	return err;
}

enum ikc_err ikc_pl_blob(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	(void)d;
	/* ke, hash, sig, nonce, vid, natd, pop share the ikc_blob layout. */
	rest(c, &pl->u.raw.data, &pl->u.raw.len);
	return IKC_OK;
}

enum ikc_err ikc_pl_id(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_id *id = &pl->u.id;
	enum ikc_err err;

	(void)d;
	TRY(ikc_cur_u8(c, &id->type));
	TRY(ikc_cur_u8(c, &id->protoid));
	TRY(ikc_cur_u16(c, &id->port));
	rest(c, &id->data, &id->len);
out:
	return err;
}

enum ikc_err ikc_pl_cert(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	enum ikc_err err;

	(void)d;
	TRY(ikc_cur_u8(c, &pl->u.cert.encoding));
	rest(c, &pl->u.cert.data, &pl->u.cert.len);
out:
	return err;
}

enum ikc_err ikc_pl_notify(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_notify *nf = &pl->u.notify;
	enum ikc_err err;

	(void)d;
	TRY(ikc_cur_u32(c, &nf->doi));
	TRY(ikc_cur_u8(c, &nf->protoid));
	TRY(ikc_cur_u8(c, &nf->spisize));
	TRY(ikc_cur_u16(c, &nf->type));
	TRY(ikc_cur_bytes(c, nf->spisize, &nf->spi));
	rest(c, &nf->data, &nf->len);
out:
	return err;
}

enum ikc_err ikc_pl_delete(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_delete *del = &pl->u.del;
	enum ikc_err err;
	size_t need;

	TRY(ikc_cur_u32(c, &del->doi));
	TRY(ikc_cur_u8(c, &del->protoid));
	TRY(ikc_cur_u8(c, &del->spisize));
	TRY(ikc_cur_u16(c, &del->nspi));
	/* At most 65535 * 255: no overflow in size_t. */
	need = (size_t)del->nspi * del->spisize;
	if (need > c->left) {
		pl->notes |= cut_or(d, IKC_NOTE(COUNT_MISMATCH) | IKC_NOTE(MALFORMED));
		drain(c);
		return IKC_OK;
	}
	TRY(ikc_cur_bytes(c, need, &del->spis));
out:
	return err;
}

enum ikc_err ikc_pl_attr(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_modecfg *mc = &pl->u.attr;
	uint8_t res;
	enum ikc_err err;

	TRY(ikc_cur_u8(c, &mc->type));
	TRY(ikc_cur_u8(c, &res));
	TRY(ikc_cur_u16(c, &mc->identifier));
	ikc_attrs_decode(d, c, &mc->attrs, &mc->nattrs, &pl->notes);
out:
	return err;
}

enum ikc_err ikc_pl_natoa(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	enum ikc_err err;

	(void)d;
	TRY(ikc_cur_u8(c, &pl->u.natoa.id_type));
	TRY(ikc_cur_skip(c, 3));
	rest(c, &pl->u.natoa.addr, &pl->u.natoa.len);
out:
	return err;
}

enum ikc_err ikc_pl_frag(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_frag *fr = &pl->u.frag;
	enum ikc_err err;

	(void)d;
	TRY(ikc_cur_u16(c, &fr->id));
	TRY(ikc_cur_u8(c, &fr->number));
	TRY(ikc_cur_u8(c, &fr->flags));
	rest(c, &fr->data, &fr->len);
out:
	return err;
}

/* SRC/DST ID block of SA KEK and SA TEK: Type | Port(2) | Data Len | Data,
 * the Data Len one octet in the SA KEK and two in the SA TEK (wide). */
static enum ikc_err id_block(struct ikc_cursor *c, bool wide, uint8_t *type, uint16_t *port,
			     const uint8_t **data, size_t *len)
{
	uint8_t n8;
	uint16_t n = 0;
	enum ikc_err err;

	TRY(ikc_cur_u8(c, type));
	TRY(ikc_cur_u16(c, port));
	if (wide) {
		TRY(ikc_cur_u16(c, &n));
	} else {
		TRY(ikc_cur_u8(c, &n8));
		n = n8;
	}
	TRY(ikc_cur_bytes(c, n, data));
	*len = n;
out:
	return err;
}

enum ikc_err ikc_pl_sak(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_sak *k = &pl->u.sak;
	enum ikc_err err;

	TRY(ikc_cur_u8(c, &k->protocol));
	TRY(id_block(c, false, &k->src_id_type, &k->src_port, &k->src_id, &k->src_id_len));
	TRY(id_block(c, false, &k->dst_id_type, &k->dst_port, &k->dst_id, &k->dst_id_len));
	TRY(ikc_cur_bytes(c, 16, &k->spi));
	TRY(ikc_cur_u16(c, &k->pop_alg));
	TRY(ikc_cur_u16(c, &k->pop_keylen));
	ikc_attrs_decode(d, c, &k->attrs, &k->nattrs, &pl->notes);
out:
	return err;
}

#define GDOI_PROTO_IPSEC_ESP 1
#define GDOI_PROTO_IPSEC_AH 2

enum ikc_err ikc_pl_sat(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_sat *t = &pl->u.sat;
	enum ikc_err err;

	TRY(ikc_cur_u8(c, &t->protocol));
	if (t->protocol != GDOI_PROTO_IPSEC_ESP && t->protocol != GDOI_PROTO_IPSEC_AH) {
		/* Another TEK protocol: its layout is not ours to guess. */
		drain(c);
		return IKC_OK;
	}
	TRY(ikc_cur_u8(c, &t->ip_protocol));
	TRY(id_block(c, true, &t->src_id_type, &t->src_port, &t->src_id, &t->src_id_len));
	TRY(id_block(c, true, &t->dst_id_type, &t->dst_port, &t->dst_id, &t->dst_id_len));
	TRY(ikc_cur_u8(c, &t->transform_id));
	TRY(ikc_cur_u32(c, &t->spi));
	ikc_attrs_decode(d, c, &t->attrs, &t->nattrs, &pl->notes);
out:
	return err;
}

enum ikc_err ikc_pl_kd(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	struct ikc_kd_packet tmp[IKC_MAX_ATTRS];
	struct ikc_kd *kd = &pl->u.kd;
	uint16_t res2;
	size_t n = 0;
	enum ikc_err err;

	TRY(ikc_cur_u16(c, &kd->npackets));
	TRY(ikc_cur_u16(c, &res2));
	while (c->left) {
		struct ikc_kd_packet *kp;
		struct ikc_cursor kb;
		uint8_t kd_type;
		uint16_t len;

		if (n == IKC_MAX_ATTRS) {
			pl->notes |= IKC_NOTE(CHAIN_TOO_LONG);
			break;
		}
		/* Same shape as a generic header: type | reserved | length,
		 * where the length counts the whole key packet. */
		if (!nested_hdr(d, c, 1, &kd_type, &len, &kb, &pl->notes))
			break;
		kp = &tmp[n++];
		memset(kp, 0, sizeof(*kp));
		kp->kd_type = kd_type;
		if (ikc_cur_u8(&kb, &kp->spisize))
			break;  /* cannot happen: min_body 1 */
		if (ikc_cur_bytes(&kb, kp->spisize, &kp->spi)) {
			pl->notes |= cut_or(d, IKC_NOTE(MALFORMED));
			continue;
		}
		ikc_attrs_decode(d, &kb, &kp->attrs, &kp->nattrs, &pl->notes);
	}
	if (n != kd->npackets)
		pl->notes |= IKC_NOTE(COUNT_MISMATCH);
	kd->packets = keep(d, tmp, n, sizeof(tmp[0]), &pl->notes);
	kd->nkp = kd->packets ? n : 0;
	if (c->left)
		drain(c);
out:
	return err;
}

enum ikc_err ikc_pl_seq(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	(void)d;
	return ikc_cur_u32(c, &pl->u.seq.seq);
}

enum ikc_err ikc_pl_gap(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl)
{
	ikc_attrs_decode(d, c, &pl->u.gap.attrs, &pl->u.gap.nattrs, &pl->notes);
	return IKC_OK;
}

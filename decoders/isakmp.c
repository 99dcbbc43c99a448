/* isakmp.c - the ISAKMP header and the generic payload chain.
 *
 * RFC 2408 §3.1 (header), §3.2 (generic payload header); RFC 7296 §3.1-3.2
 * (IKEv2 header and generic header: walked only, bodies kept raw).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Initiator                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Responder                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Message ID                           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                            Length                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Generic payload header (IKEv2: bit 0 of RESERVED is the critical bit):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Each header is validated before its payload is decoded: 4 bytes fit,
 * length >= 4, length <= what is left.  A bad length ends the chain, since
 * the next header's position is then unknown.
 */
#include "isakmp.h"

#include <string.h>

#include "cursor.h"
#include "payloads.h"

#define IKC_HDR_LEN 28u
#define IKC_GEN_LEN 4u
/* IKEv2 Encrypted (RFC 7296 §3.14) and Encrypted Fragment (RFC 7383 §2.5):
 * last in the message; their Next Payload names the first inner payload. */
#define IKC_V2_SK 46u
#define IKC_V2_SKF 53u

const char *ikc_note_name(enum ikc_note_bit bit)
{
	static const char *const names[] = {
#define IKC_NOTE_STR(sym, str) [IKC_NOTE_BIT_##sym] = str,
		IKC_NOTES(IKC_NOTE_STR)
#undef IKC_NOTE_STR
	};

	if ((unsigned)bit >= IKC_NOTE_BIT_COUNT)
		return NULL;
	return names[bit];
}

const struct ikc_payload *ikc_find_payload(const struct ikc_payload *pl, size_t n, uint8_t type)
{
	for (size_t i = 0; pl && i < n; i++)
		if (pl[i].type == type)
			return &pl[i];
	return NULL;
}

/* Payload type -> decoder.  doi 0 means "under any DOI"; 15-22 mean
 * different things under IPsec (1) and GDOI (2), so they carry their DOI. */
struct pl_entry {
	uint8_t type;
	uint8_t doi;
	ikc_pl_fn *fn;
};

static const struct pl_entry pl_table[] = {
	{ IKC_PT_SA, 0, ikc_pl_sa },
	{ IKC_PT_KE, 0, ikc_pl_blob },
	{ IKC_PT_ID, 0, ikc_pl_id },
	{ IKC_PT_CERT, 0, ikc_pl_cert },
	{ IKC_PT_CR, 0, ikc_pl_cert },
	{ IKC_PT_HASH, 0, ikc_pl_blob },
	{ IKC_PT_SIG, 0, ikc_pl_blob },
	{ IKC_PT_NONCE, 0, ikc_pl_blob },
	{ IKC_PT_NOTIFY, 0, ikc_pl_notify },
	{ IKC_PT_DELETE, 0, ikc_pl_delete },
	{ IKC_PT_VID, 0, ikc_pl_blob },
	{ IKC_PT_ATTR, 0, ikc_pl_attr },
	{ IKC_PT_SAK, IKC_DOI_GDOI, ikc_pl_sak },
	{ IKC_PT_SAT, IKC_DOI_GDOI, ikc_pl_sat },
	{ IKC_PT_KD, IKC_DOI_GDOI, ikc_pl_kd },
	{ IKC_PT_SEQ, IKC_DOI_GDOI, ikc_pl_seq },
	{ IKC_PT_POP, IKC_DOI_GDOI, ikc_pl_blob },
	{ IKC_PT_GAP, IKC_DOI_GDOI, ikc_pl_gap },
	{ IKC_PT_NATD, IKC_DOI_IPSEC, ikc_pl_blob },
	{ IKC_PT_NATOA, IKC_DOI_IPSEC, ikc_pl_natoa },
	{ IKC_PT_NATD_DRAFT, 0, ikc_pl_blob },
	{ IKC_PT_NATOA_DRAFT, 0, ikc_pl_natoa },
	{ IKC_PT_FRAG, 0, ikc_pl_frag },
};

static ikc_pl_fn *pl_lookup(uint8_t type, uint32_t doi)
{
	for (size_t i = 0; i < sizeof(pl_table) / sizeof(pl_table[0]); i++)
		if (pl_table[i].type == type && (pl_table[i].doi == 0 || pl_table[i].doi == doi))
			return pl_table[i].fn;
	return NULL;
}

/* Decode one payload body; the walker has validated its length. */
static void decode_body(struct ikc_dec *d, struct ikc_cursor *body, struct ikc_payload *pl)
{
	ikc_pl_fn *fn;
	enum ikc_err err;

	pl->u.raw.data = body->p;
	pl->u.raw.len = body->left;
	if (d->ikev2)
		return;         /* IKEv2: type and raw body only */
	fn = pl_lookup(pl->type, d->doi);
	if (!fn) {
		pl->notes |= IKC_NOTE(UNKNOWN_PAYLOAD);
		return;
	}
	memset(&pl->u, 0, sizeof(pl->u));
	err = fn(d, body, pl);
	if (err)
		pl->notes |= d->partial ? IKC_NOTE(TRUNCATED) : IKC_NOTE(MALFORMED);
	else if (body->left)
		pl->notes |= IKC_NOTE(EXTRA_DATA);
}

void ikc_chain_walk(struct ikc_dec *d, uint8_t first, struct ikc_cursor *c,
		    struct ikc_payload **out, size_t *nout, ikc_notes *chain_notes)
{
	struct ikc_payload tmp[IKC_MAX_PAYLOADS];
	struct ikc_dec sub = *d;
	uint8_t next = first;
	bool stopped = false;
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	sub.partial = false;
	while (next != IKC_PT_NONE) {
		struct ikc_payload *pl;
		struct ikc_cursor body;
		uint8_t np, res;
		uint16_t len;

		if (n == IKC_MAX_PAYLOADS) {
			*chain_notes |= IKC_NOTE(CHAIN_TOO_LONG);
			stopped = true;
			break;
		}
		if (c->left < IKC_GEN_LEN) {
			/* The previous header promised a payload that is not there. */
			*chain_notes |= d->cut ? IKC_NOTE(TRUNCATED) : IKC_NOTE(MALFORMED);
			stopped = true;
			break;
		}
		if (ikc_cur_u8(c, &np) || ikc_cur_u8(c, &res) || ikc_cur_u16(c, &len))
			break;  /* cannot happen: 4 bytes checked above */
		pl = &tmp[n++];
		memset(pl, 0, sizeof(*pl));
		pl->type = next;
		pl->next = np;
		pl->reserved = res;
		pl->length = len;
		if (len < IKC_GEN_LEN) {
			pl->notes |= IKC_NOTE(LENGTH_SHORT);
			stopped = true;
			break;
		}
		if (len - IKC_GEN_LEN > c->left) {
			/* Keep what is there: decode it if the capture was cut,
			 * otherwise keep it raw, since the length itself is wrong. */
			body = *c;
			c->p += c->left;
			c->left = 0;
			pl->body = body.p;
			pl->body_len = body.left;
			stopped = true;
			if (d->cut) {
				pl->notes |= IKC_NOTE(TRUNCATED);
				sub.partial = true;
				decode_body(&sub, &body, pl);
				pl->notes &= ~IKC_NOTE(EXTRA_DATA);
			} else {
				/* body/body_len hold the bytes; u stays zeroed, as
				 * aliasing them into a typed member gave readers
				 * pointer bytes for a notify type or protocol. */
				pl->notes |= IKC_NOTE(LENGTH_PAST_END);
			}
			break;
		}
		if (ikc_cur_sub(c, (size_t)len - IKC_GEN_LEN, &body))
			break;  /* cannot happen: checked above */
		pl->body = body.p;
		pl->body_len = body.left;
		decode_body(&sub, &body, pl);
		/* An IKEv1 SA names the DOI for what follows (GDOI 15-22). */
		if (!d->ikev2 && pl->type == IKC_PT_SA && !(pl->notes & IKC_NOTE(MALFORMED)) &&
		    (pl->u.sa.doi == IKC_DOI_IPSEC || pl->u.sa.doi == IKC_DOI_GDOI))
			sub.doi = pl->u.sa.doi;
		next = np;
		if (d->ikev2 && (pl->type == IKC_V2_SK || pl->type == IKC_V2_SKF))
			next = IKC_PT_NONE;
	}
	if (!stopped && c->left)
		*chain_notes |= IKC_NOTE(TRAILING_DATA);
	if (!n)
		return;
	*out = ikc_arena_calloc(d->a, n, sizeof(**out));
	if (!*out) {
		*chain_notes |= IKC_NOTE(ARENA_FULL);
		return;
	}
	memcpy(*out, tmp, n * sizeof(tmp[0]));
	*nout = n;
}

enum ikc_err ikc_payload_chain_decode(struct ikc_arena *a, uint8_t first, const uint8_t *buf, size_t len,
				      const struct ikc_decode_ctx *ctx, struct ikc_payload **out, size_t *nout,
				      ikc_notes *chain_notes)
{
	struct ikc_dec d = { 0 };
	struct ikc_cursor c = ikc_cur(buf, len);

	*out = NULL;
	*nout = 0;
	if (!a || (!buf && len))
		return IKC_USAGE;
	d.a = a;
	d.doi = ctx && ctx->doi ? ctx->doi : IKC_DOI_IPSEC;
	d.ikev2 = ctx && ctx->ikev2;
	ikc_chain_walk(&d, first, &c, out, nout, chain_notes);
	return IKC_OK;
}

enum ikc_err ikc_isakmp_decode(struct ikc_arena *a, const uint8_t *buf, size_t len,
			       const struct ikc_decode_ctx *ctx, struct ikc_msg *out)
{
	struct ikc_cursor c = ikc_cur(buf, len);
	struct ikc_isakmp_hdr *h = &out->hdr;
	struct ikc_dec d = { 0 };
	struct ikc_cursor body;
	enum ikc_err err;
	size_t end;

	memset(out, 0, sizeof(*out));
	if (!a || (!buf && len))
		return IKC_USAGE;
	out->raw = buf;
	out->raw_len = len;
	if (len < IKC_HDR_LEN) {
		out->notes |= IKC_NOTE(TRUNCATED);
		return IKC_TRUNCATED;
	}
	err = ikc_cur_copy(&c, 8, h->icookie);
	if (!err)
		err = ikc_cur_copy(&c, 8, h->rcookie);
	if (!err)
		err = ikc_cur_u8(&c, &h->next);
	if (!err)
		err = ikc_cur_u8(&c, &h->version);
	if (!err)
		err = ikc_cur_u8(&c, &h->exchange);
	if (!err)
		err = ikc_cur_u8(&c, &h->flags);
	if (!err)
		err = ikc_cur_u32(&c, &h->msgid);
	if (!err)
		err = ikc_cur_u32(&c, &h->length);
	if (err)
		return err;     /* cannot happen: 28 bytes checked above */

	d.a = a;
	d.doi = ctx && ctx->doi ? ctx->doi : IKC_DOI_IPSEC;
	switch (h->version >> 4) {
	case 1:
		d.ikev2 = false;
		break;
	case 2:
		d.ikev2 = true;
		break;
	default:
		/* Not a version we know: the header is all we can vouch for. */
		out->notes |= IKC_NOTE(BAD_VERSION);
		return IKC_OK;
	}

	/* Decode up to the declared length, or what the capture holds. */
	end = len;
	if (h->length < IKC_HDR_LEN) {
		out->notes |= IKC_NOTE(HDR_LENGTH_MISMATCH) | IKC_NOTE(MALFORMED);
	} else if (h->length > len) {
		out->notes |= IKC_NOTE(HDR_LENGTH_MISMATCH) | IKC_NOTE(TRUNCATED);
		d.cut = true;
	} else if (h->length < len) {
		out->notes |= IKC_NOTE(TRAILING_DATA);
		end = h->length;
	}
	if (ikc_cur_sub(&c, end - IKC_HDR_LEN, &body))
		return IKC_TRUNCATED;   /* cannot happen: end <= len */

	if (!d.ikev2 && (h->flags & IKC_FLAG_E)) {
		out->enc = body.p;
		out->enc_len = body.left;
		return IKC_OK;
	}
	ikc_chain_walk(&d, h->next, &body, &out->payloads, &out->npayloads, &out->notes);
	return IKC_OK;
}

/* isakmp.h - the decoded ISAKMP message: header and payloads in wire order.
 *
 * RFC 2408 §3 (header, generic payload header, every IKEv1 payload), RFC 2407
 * (IPsec DOI), RFC 2409 (IKE), RFC 3947 (NAT-D, NAT-OA), RFC 6407 (GDOI payloads),
 * RFC 7296 §3.2 (IKEv2 generic header: walked only).
 *
 * Decoding is pure: bytes in, these structs out, allocated in a per-packet arena.
 * Pointers to bytes (`const uint8_t *`) point into the caller's packet buffer (or
 * the caller's decrypted buffer) and are valid as long as that buffer is.
 * A payload that is short or wrong becomes notes on that payload; the decoder
 * then goes on with the next one where the generic header still allows it.
 */
#ifndef IKC_ISAKMP_H
#define IKC_ISAKMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ikc_err.h"

/* Anomalies with stable snake_case names (ikc_note_name).  A payload or message
 * keeps a bitmask of them. */
#define IKC_NOTES(X)                                                              \
	X(TRUNCATED, "truncated")                   /* capture ends inside it */     \
	X(LENGTH_SHORT, "payload_length_short")     /* declared < header size */     \
	X(LENGTH_PAST_END, "payload_length_past_end")                                  \
	X(EXTRA_DATA, "payload_extra_data")         /* bytes left after decode */   \
	X(MALFORMED, "malformed_data")                                                 \
	X(CHAIN_TOO_LONG, "payload_chain_too_long")                                    \
	X(NESTING_TOO_DEEP, "nesting_too_deep")                                        \
	X(UNKNOWN_PAYLOAD, "unknown_payload_type")                                     \
	X(ATTR_TRUNCATED, "attribute_truncated")                                       \
	X(COUNT_MISMATCH, "count_mismatch")         /* e.g. #transforms */          \
	X(HDR_LENGTH_MISMATCH, "header_length_mismatch")                               \
	X(TRAILING_DATA, "trailing_data")           /* after last payload */        \
	X(ARENA_FULL, "decode_memory_exhausted")                                       \
	X(BAD_VERSION, "unknown_version")

enum ikc_note_bit {
#define IKC_NOTE_ENUM(sym, str) IKC_NOTE_BIT_##sym,
	IKC_NOTES(IKC_NOTE_ENUM)
#undef IKC_NOTE_ENUM
	IKC_NOTE_BIT_COUNT
};
#define IKC_NOTE(sym) (1u << IKC_NOTE_BIT_##sym)
typedef uint32_t ikc_notes;
const char *ikc_note_name(enum ikc_note_bit bit);

/* Payload type numbers (RFC 2408 §3.1, RFC 3947, RFC 6407, IKE fragmentation). */
enum ikc_pt {
	IKC_PT_NONE = 0,
	IKC_PT_SA = 1,
	IKC_PT_PROPOSAL = 2,
	IKC_PT_TRANSFORM = 3,
	IKC_PT_KE = 4,
	IKC_PT_ID = 5,
	IKC_PT_CERT = 6,
	IKC_PT_CR = 7,
	IKC_PT_HASH = 8,
	IKC_PT_SIG = 9,
	IKC_PT_NONCE = 10,
	IKC_PT_NOTIFY = 11,
	IKC_PT_DELETE = 12,
	IKC_PT_VID = 13,
	IKC_PT_ATTR = 14,      /* Mode Config / XAUTH */
	IKC_PT_SAK = 15,       /* GDOI SA KEK */
	IKC_PT_SAT = 16,       /* GDOI SA TEK */
	IKC_PT_KD = 17,        /* GDOI Key Download */
	IKC_PT_SEQ = 18,       /* GDOI sequence number */
	IKC_PT_POP = 19,       /* GDOI proof of possession */
	IKC_PT_NATD = 20,      /* RFC 3947 */
	IKC_PT_NATOA = 21,     /* RFC 3947 */
	IKC_PT_GAP = 22,       /* GDOI group associated policy */
	IKC_PT_NATD_DRAFT = 130,
	IKC_PT_NATOA_DRAFT = 131,
	IKC_PT_FRAG = 132,     /* IKEv1 fragmentation (Cisco / strongSwan) */
};

/* Exchange types (RFC 2408 §3.1, RFC 2409, RFC 6407). 32/33 depend on the DOI. */
enum ikc_exch {
	IKC_EX_BASE = 1,
	IKC_EX_MAIN = 2,       /* Identity Protection */
	IKC_EX_AUTH_ONLY = 3,
	IKC_EX_AGGRESSIVE = 4,
	IKC_EX_INFO = 5,
	IKC_EX_TRANSACTION = 6, /* Mode Config */
	IKC_EX_QUICK = 32,      /* GDOI DOI: GROUPKEY-PULL */
	IKC_EX_NEW_GROUP = 33,  /* GDOI DOI: GROUPKEY-PUSH */
};

#define IKC_DOI_IPSEC 1
#define IKC_DOI_GDOI 2

/* Protocol ids (RFC 2407 §4.4.1). */
enum ikc_proto {
	IKC_PROTO_ISAKMP = 1,
	IKC_PROTO_AH = 2,
	IKC_PROTO_ESP = 3,
	IKC_PROTO_IPCOMP = 4,
	IKC_PROTO_GDOI = 5,  /* not IANA; placeholder for GDOI KEK protocol, see decoders */
};

/* One data attribute (RFC 2408 §3.3): TV (AF=1, 16-bit value) or TLV. */
struct ikc_attr {
	uint16_t type;          /* without the AF bit */
	bool tv;
	uint32_t value;         /* TV value, or a TLV value of 1..4 bytes as an integer */
	bool has_value;         /* value is meaningful (TV, or TLV of 1..4 bytes) */
	const uint8_t *data;    /* TLV bytes (NULL for TV) */
	uint16_t len;           /* TLV declared length */
	ikc_notes notes;
};

/* Which attribute name space a transform's attributes live in. */
enum ikc_attr_space {
	IKC_ATTRS_IKE = 0,      /* Oakley phase 1 (RFC 2409 App. A) */
	IKC_ATTRS_IPSEC = 1,    /* IPsec DOI phase 2 (RFC 2407 §4.5) */
	IKC_ATTRS_MODECFG = 2,  /* Mode Config / XAUTH (draft-dukes-ike-mode-cfg) */
	IKC_ATTRS_GDOI_KEK = 3, /* RFC 6407 §5.3.3 */
	IKC_ATTRS_GDOI_KD = 4,  /* RFC 6407 §5.6.1 key packet attributes */
	IKC_ATTRS_GAP = 5,      /* RFC 6407 §5.8 */
};

struct ikc_transform {
	uint16_t length;
	uint8_t number;
	uint8_t id;             /* KEY_IKE=1 in phase 1; ESP_AES=12 etc in phase 2 */
	enum ikc_attr_space space;
	struct ikc_attr *attrs;
	size_t nattrs;
	ikc_notes notes;
};

struct ikc_proposal {
	uint16_t length;
	uint8_t number;
	uint8_t protoid;
	uint8_t spisize;
	uint8_t ntransforms;    /* as declared */
	const uint8_t *spi;
	struct ikc_transform *transforms;
	size_t ntr;             /* as decoded */
	ikc_notes notes;
};

struct ikc_sa {
	uint32_t doi;
	uint32_t situation;
	bool has_situation;
	struct ikc_proposal *proposals;
	size_t nprop;
	/* GDOI (DOI 2, RFC 6407 §5.2): no proposals; the SA payload's length covers
	 * a nested chain of SA KEK / SA TEK / GAP payloads starting with sa_attr_next. */
	uint16_t sa_attr_next;
	struct ikc_payload *gdoi;
	size_t ngdoi;
};

struct ikc_id {
	uint8_t type;           /* RFC 2407 §4.6.2.1: 1 IPV4_ADDR ... 11 KEY_ID */
	uint8_t protoid;
	uint16_t port;
	const uint8_t *data;
	size_t len;
};

struct ikc_blob {              /* KE, HASH, SIG, NONCE, VID, NAT-D, POP... */
	const uint8_t *data;
	size_t len;
};

struct ikc_cert {              /* CERT and CR */
	uint8_t encoding;
	const uint8_t *data;
	size_t len;
};

struct ikc_notify {
	uint32_t doi;
	uint8_t protoid;
	uint8_t spisize;
	uint16_t type;
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};

struct ikc_delete {
	uint32_t doi;
	uint8_t protoid;
	uint8_t spisize;
	uint16_t nspi;
	const uint8_t *spis;    /* nspi * spisize bytes (when they fit) */
};

struct ikc_natoa {
	uint8_t id_type;
	const uint8_t *addr;
	size_t len;
};

struct ikc_modecfg {           /* ATTR payload 14 */
	uint8_t type;           /* REQUEST 1, REPLY 2, SET 3, ACK 4 */
	uint16_t identifier;
	struct ikc_attr *attrs;
	size_t nattrs;
};

struct ikc_frag {              /* payload 132 */
	uint16_t id;
	uint8_t number;
	uint8_t flags;          /* bit 0: last fragment */
	const uint8_t *data;
	size_t len;
};

struct ikc_seq {               /* GDOI SEQ 18 */
	uint32_t seq;
};

/* GDOI SA KEK (15): RFC 6407 §5.3 */
struct ikc_sak {
	uint8_t protocol;
	uint8_t src_id_type; uint16_t src_port; const uint8_t *src_id; size_t src_id_len;
	uint8_t dst_id_type; uint16_t dst_port; const uint8_t *dst_id; size_t dst_id_len;
	const uint8_t *spi;     /* 16 octets: the KEK cookie pair */
	uint16_t pop_alg;
	uint16_t pop_keylen;
	struct ikc_attr *attrs;
	size_t nattrs;
};

/* GDOI SA TEK (16): RFC 6407 §5.4; protocol ESP (§5.4.1) */
struct ikc_sat {
	uint8_t protocol;       /* TEK Protocol-ID: 1 GDOI_PROTO_IPSEC_ESP, 2 _AH */
	uint8_t ip_protocol;    /* ESP/AH TEK: the IP protocol of the selector */
	uint8_t src_id_type; uint16_t src_port; const uint8_t *src_id; size_t src_id_len;
	uint8_t dst_id_type; uint16_t dst_port; const uint8_t *dst_id; size_t dst_id_len;
	uint8_t transform_id;
	uint32_t spi;
	struct ikc_attr *attrs;
	size_t nattrs;
};

/* GDOI Key Download (17): RFC 6407 §5.6 */
struct ikc_kd_packet {
	uint8_t kd_type;        /* TEK 1, KEK 2, LKH 3, SID 4 */
	uint8_t spisize;
	const uint8_t *spi;
	struct ikc_attr *attrs;
	size_t nattrs;
};
struct ikc_gap {               /* GDOI GAP 22: RFC 6407 §5.8 */
	struct ikc_attr *attrs;
	size_t nattrs;
};
struct ikc_kd {
	uint16_t npackets;
	struct ikc_kd_packet *packets;
	size_t nkp;
};

/* One payload.  `body` is the payload minus its 4-byte generic header. */
struct ikc_payload {
	uint8_t type;
	uint8_t next;
	uint16_t length;        /* declared, including the generic header */
	uint8_t reserved;
	const uint8_t *body;
	size_t body_len;
	ikc_notes notes;
	union {
		struct ikc_sa sa;
		struct ikc_blob ke, hash, sig, nonce, vid, natd, pop, raw;
		struct ikc_id id;
		struct ikc_cert cert;   /* CERT and CR */
		struct ikc_notify notify;
		struct ikc_delete del;
		struct ikc_natoa natoa;
		struct ikc_modecfg attr;
		struct ikc_frag frag;
		struct ikc_seq seq;
		struct ikc_sak sak;
		struct ikc_sat sat;
		struct ikc_kd kd;
		struct ikc_gap gap;
	} u;
};

struct ikc_isakmp_hdr {
	uint8_t icookie[8];
	uint8_t rcookie[8];
	uint8_t next;
	uint8_t version;        /* 0x10 IKEv1, 0x20 IKEv2 */
	uint8_t exchange;
	uint8_t flags;          /* IKEv1: E 0x01, C 0x02, A 0x04 */
	uint32_t msgid;
	uint32_t length;
};
/* IKEv2 is major version 2 (RFC 7296 §3.1); IKEv1 is 1; anything else is neither. */
#define IKC_IS_IKEV2(version) (((version) >> 4) == 2)
#define IKC_IS_IKEV1(version) (((version) >> 4) == 1)
#define IKC_FLAG_E 0x01
#define IKC_FLAG_C 0x02
#define IKC_FLAG_A 0x04

/* What a decoder needs to know about the context of a payload chain. */
struct ikc_decode_ctx {
	uint32_t doi;           /* 1 IPsec, 2 GDOI: picks the meaning of 15-22 and 32/33 */
	bool ikev2;
};

struct ikc_msg {
	struct ikc_isakmp_hdr hdr;
	const uint8_t *raw;     /* the whole ISAKMP message as given */
	size_t raw_len;
	/* When the E flag is set: the encrypted bytes after the header. */
	const uint8_t *enc;
	size_t enc_len;
	struct ikc_payload *payloads;   /* clear payloads in wire order */
	size_t npayloads;
	ikc_notes notes;
};

/* Limits that keep a hostile message from making us loop or nest. */
#define IKC_MAX_PAYLOADS 64
#define IKC_MAX_PROPOSALS 64
#define IKC_MAX_TRANSFORMS 64
#define IKC_MAX_ATTRS 64

/* Decode the 28-byte header and, unless E is set, the payload chain.
 * Returns IKC_TRUNCATED / IKC_MALFORMED only when even the header is unusable;
 * anything wrong inside the chain becomes notes and the message is still usable. */
IKC_MUST_CHECK enum ikc_err ikc_isakmp_decode(struct ikc_arena *a, const uint8_t *buf, size_t len,
					      const struct ikc_decode_ctx *ctx, struct ikc_msg *out);

/* Decode a payload chain starting with payload type `first` (used again on a
 * decrypted body).  Fills *out / *nout from the arena; notes for the chain as a
 * whole (TRAILING_DATA, CHAIN_TOO_LONG) go to *chain_notes. */
IKC_MUST_CHECK enum ikc_err ikc_payload_chain_decode(struct ikc_arena *a, uint8_t first, const uint8_t *buf,
						     size_t len, const struct ikc_decode_ctx *ctx,
						     struct ikc_payload **out, size_t *nout, ikc_notes *chain_notes);

/* First payload of a given type in a list, or NULL. */
const struct ikc_payload *ikc_find_payload(const struct ikc_payload *pl, size_t n, uint8_t type);

/* Was the body decoded into p->u?  Not when its type is unknown or its
 * length wrong (short, or past the end of an uncut message): then only
 * body/body_len hold its bytes and p->u is left zeroed, so no typed field
 * (a notify type, a delete's protocol) may be read from it. */
static inline bool ikc_payload_decoded(const struct ikc_payload *p)
{
	if (p->notes & (IKC_NOTE(UNKNOWN_PAYLOAD) | IKC_NOTE(LENGTH_SHORT)))
		return false;
	return !(p->notes & IKC_NOTE(LENGTH_PAST_END)) || (p->notes & IKC_NOTE(TRUNCATED));
}

/* Are all of a TLV attribute's declared len bytes at data?  Not for a TV,
 * and not when the attribute ran past its container (ATTR_TRUNCATED): then
 * len is the length it declared and data holds fewer bytes. */
static inline bool ikc_attr_whole(const struct ikc_attr *a)
{
	return !a->tv && a->data && !(a->notes & IKC_NOTE(ATTR_TRUNCATED));
}

#endif

/* render.c - the decoded ISAKMP model written through the record writer.
 *
 * What each payload shows follows the RFC layouts the decoders implement:
 * RFC 2408 §3.1-§3.16 (header and IKEv1 payloads), RFC 2407 §4.5 (IPsec SA
 * attributes), §4.6.2 (ID payload), RFC 2409 App. A (Oakley attributes),
 * RFC 3947 §3.2, §5.2 (NAT-D, NAT-OA), draft-dukes-ike-mode-cfg and
 * draft-beaulieu-ike-xauth (Mode Config / XAUTH attributes), RFC 6407 §5.3-§5.8
 * (GDOI SAK, SAT, KD, SEQ, GAP).  Field names were taken from
 * `tshark -G fields` and `tshark -T json` on the lab captures.
 *
 * The model's byte pointers come from a decoder we trust, but a payload that
 * was cut short may be half filled; every pointer/length pair is checked
 * against its payload body (when the body is known) before a byte is read.
 */
#include "render.h"
#include "util.h"
#include "x509.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../decoders/names.h"

#define MASKED "********"

/* The bytes a payload's pointers may point into (p == NULL: not known). */
struct bounds {
	const uint8_t *p;
	size_t n;
};

struct rctx {
	struct ikc_rw *w;
	const struct ikc_decode_ctx *ctx;
	const struct ikc_render_opts *o;
	struct bounds b;
	uint32_t doi;   /* in force for this payload (an SA payload sets it) */
	int level;      /* GDOI SA nesting */
};

/* GDOI nests one chain in the SA payload (RFC 6407 §5.2); we follow no deeper. */
#define MAX_NEST 2

static void render_chain(struct ikc_rw *w, const struct ikc_payload *pl, size_t n,
			 const struct ikc_decode_ctx *ctx, const struct ikc_render_opts *o, uint32_t doi,
			 int level);

static bool fits(const struct bounds *b, const uint8_t *p, size_t n)
{
	if (!n)
		return true;
	if (!p)
		return false;
	if (!b->p)
		return true;
	if (p < b->p || (size_t)(p - b->p) > b->n)
		return false;
	return n <= b->n - (size_t)(p - b->p);
}

static uint64_t be_uint(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* ------------------------------------------------------ engineers' names */

struct vname {
	uint32_t v;
	const char *name;
};

static const char *lookup(const struct vname *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return NULL;
}
#define LOOKUP(t, v) lookup((t), sizeof(t) / sizeof((t)[0]), (v))

/* RFC 2409 App. A encryption algorithm; RFC 3602, RFC 4312 for AES / Camellia. */
static const struct vname p1_encr[] = {
	{ 1, "DES-CBC" }, { 2, "IDEA-CBC" }, { 3, "Blowfish-CBC" }, { 4, "RC5-CBC" },
	{ 5, "3DES-CBC" }, { 6, "CAST-CBC" }, { 7, "AES-CBC" }, { 8, "Camellia-CBC" },
};
static const struct vname p1_hash[] = {
	{ 1, "MD5" }, { 2, "SHA1" }, { 3, "Tiger" }, { 4, "SHA2-256" }, { 5, "SHA2-384" }, { 6, "SHA2-512" },
};
/* RFC 2409 App. A, RFC 4754, RFC 7427, draft-ietf-ipsec-isakmp-xauth/hybrid. */
static const struct vname p1_auth[] = {
	{ 1, "pre-shared key" }, { 2, "DSS signatures" }, { 3, "RSA signatures" },
	{ 4, "RSA encryption" }, { 5, "revised RSA encryption" }, { 9, "ECDSA-SHA256" },
	{ 10, "ECDSA-SHA384" }, { 11, "ECDSA-SHA512" }, { 14, "digital signature" },
	{ 64221, "hybrid RSA (initiator)" }, { 64222, "hybrid RSA (responder)" },
	{ 65001, "XAUTH pre-shared key (initiator)" }, { 65002, "XAUTH pre-shared key (responder)" },
	{ 65005, "XAUTH RSA (initiator)" }, { 65006, "XAUTH RSA (responder)" },
};
/* IANA "Group Description" (RFC 2409, 3526, 5114, 5903, 6932, 8031). */
static const struct vname dh_group[] = {
	{ 1, "modp768" }, { 2, "modp1024" }, { 5, "modp1536" }, { 14, "modp2048" }, { 15, "modp3072" },
	{ 16, "modp4096" }, { 17, "modp6144" }, { 18, "modp8192" }, { 19, "ecp256" }, { 20, "ecp384" },
	{ 21, "ecp521" }, { 22, "modp1024s160" }, { 23, "modp2048s224" }, { 24, "modp2048s256" },
	{ 25, "ecp192" }, { 26, "ecp224" }, { 27, "ecp224bp" }, { 28, "ecp256bp" }, { 29, "ecp384bp" },
	{ 30, "ecp512bp" }, { 31, "curve25519" }, { 32, "curve448" },
};
/* RFC 2407 §4.4.4 ESP transform ids (+ RFC 3686, 4309, 4106, 4543). */
static const struct vname esp_id[] = {
	{ 1, "DES-IV64" }, { 2, "DES-CBC" }, { 3, "3DES-CBC" }, { 4, "RC5" }, { 5, "IDEA" }, { 6, "CAST" },
	{ 7, "Blowfish" }, { 8, "3IDEA" }, { 9, "DES-IV32" }, { 10, "RC4" }, { 11, "NULL" },
	{ 12, "AES-CBC" }, { 13, "AES-CTR" }, { 14, "AES-CCM-8" }, { 15, "AES-CCM-12" },
	{ 16, "AES-CCM-16" }, { 18, "AES-GCM-8" }, { 19, "AES-GCM-12" }, { 20, "AES-GCM-16" },
	{ 21, "NULL-AES-GMAC" }, { 22, "Camellia-CBC" },
};
/* RFC 2407 §4.4.3 AH transform ids. */
static const struct vname ah_id[] = {
	{ 2, "HMAC-MD5" }, { 3, "HMAC-SHA1" }, { 4, "DES-MAC" }, { 5, "HMAC-SHA2-256" },
	{ 6, "HMAC-SHA2-384" }, { 7, "HMAC-SHA2-512" },
};
static const struct vname ipcomp_id[] = {
	{ 1, "OUI" }, { 2, "DEFLATE" }, { 3, "LZS" }, { 4, "LZJH" },
};
/* RFC 2407 §4.5 Authentication Algorithm (+ RFC 4868, 3566, 4543). */
static const struct vname p2_auth[] = {
	{ 1, "HMAC-MD5" }, { 2, "HMAC-SHA1" }, { 3, "DES-MAC" }, { 4, "KPDK" }, { 5, "HMAC-SHA2-256" },
	{ 6, "HMAC-SHA2-384" }, { 7, "HMAC-SHA2-512" }, { 8, "HMAC-RIPEMD" }, { 9, "AES-XCBC-MAC" },
	{ 11, "AES-128-GMAC" }, { 12, "AES-192-GMAC" }, { 13, "AES-256-GMAC" },
};
/* RFC 2407 §4.5 Encapsulation Mode, RFC 3947 §5, draft-ietf-ipsec-nat-t-ike. */
static const struct vname encap[] = {
	{ 1, "tunnel" }, { 2, "transport" }, { 3, "UDP tunnel" }, { 4, "UDP transport" },
	{ 61443, "UDP tunnel (draft)" }, { 61444, "UDP transport (draft)" },
};
/* RFC 6407 §5.6: key packet types; §5.4 TEK protocol ids. */
static const struct vname kd_type[] = { { 1, "TEK" }, { 2, "KEK" }, { 3, "LKH" }, { 4, "SID" } };
static const struct vname tek_proto[] = { { 1, "ESP" }, { 2, "AH" } };

/* ------------------------------------------------------ summary (text) */

/* The transform summaries run for every SA payload of a capture: built with
 * the ikc_sbuf appenders, not printf (a third of an IKE decode once). */

/* A list item begins: ", " before all but the first. */
static void item(struct ikc_sbuf *s)
{
	if (s->len)
		ikc_sb_putn(s, ", ", 2);
}

/* A list item: a name, or the fallback word and the number. */
static void item_name(struct ikc_sbuf *s, const char *prefix, const char *name, const char *unknown, uint64_t v)
{
	item(s);
	ikc_sb_put(s, prefix);
	if (name) {
		ikc_sb_put(s, name);
	} else {
		ikc_sb_put(s, unknown);
		ikc_sb_u64(s, v);
	}
}

static const struct ikc_attr *find_attr(const struct ikc_transform *t, uint16_t type)
{
	for (size_t i = 0; t->attrs && i < t->nattrs; i++)
		if (t->attrs[i].type == type && t->attrs[i].has_value)
			return &t->attrs[i];
	return NULL;
}

static bool attr_u64(const struct ikc_attr *a, uint64_t *v)
{
	if (a->has_value) {
		*v = a->value;
		return true;
	}
	if (ikc_attr_whole(a) && a->len > 0 && a->len <= 8) {
		*v = be_uint(a->data, a->len);
		return true;
	}
	return false;
}

static void sb_group(struct ikc_sbuf *s, const char *prefix, uint32_t g)
{
	const char *n = LOOKUP(dh_group, g);

	item_name(s, prefix, n, "group ", g);
	if (n) {
		ikc_sb_put(s, " (group ");
		ikc_sb_u64(s, g);
		ikc_sb_putc(s, ')');
	}
}

/* Life type/duration pairs (RFC 2409 App. A, RFC 2407 §4.5): a duration
 * applies to the life type that precedes it. */
static void sb_life(struct ikc_sbuf *s, const struct ikc_transform *t, uint16_t type_attr, uint16_t dur_attr)
{
	uint32_t ltype = 0;

	for (size_t i = 0; t->attrs && i < t->nattrs; i++) {
		const struct ikc_attr *a = &t->attrs[i];
		uint64_t v;

		if (a->type == type_attr && a->has_value) {
			ltype = a->value;
		} else if (a->type == dur_attr && attr_u64(a, &v)) {
			item(s);
			ikc_sb_put(s, ltype == 1 ? "lifetime " : ltype == 2 ? "lifesize " : "life ");
			ikc_sb_u64(s, v);
			if (ltype == 1 || ltype == 2) {
				ikc_sb_put(s, ltype == 1 ? " s" : " KB");
			} else {
				ikc_sb_put(s, " (type ");
				ikc_sb_u64(s, ltype);
				ikc_sb_putc(s, ')');
			}
		}
	}
}

static void sb_cipher(struct ikc_sbuf *s, const char *prefix, const char *name, uint32_t id,
		      const struct ikc_attr *kl)
{
	item_name(s, prefix, name, "cipher #", id);
	if (kl) {
		ikc_sb_putc(s, '-');
		ikc_sb_u64(s, (uint32_t)kl->value);
	}
}

static void summary_p1(struct ikc_sbuf *s, const struct ikc_transform *t)
{
	const struct ikc_attr *a;

	/* Oakley attribute numbers: RFC 2409 App. A. */
	if ((a = find_attr(t, 1)))
		sb_cipher(s, "", LOOKUP(p1_encr, a->value), a->value, find_attr(t, 14));
	if ((a = find_attr(t, 2)))
		item_name(s, "", LOOKUP(p1_hash, a->value), "hash #", (uint32_t)a->value);
	if ((a = find_attr(t, 4)))
		sb_group(s, "", a->value);
	if ((a = find_attr(t, 3)))
		item_name(s, "", LOOKUP(p1_auth, a->value), "auth #", (uint32_t)a->value);
	sb_life(s, t, 11, 12);
}

static void summary_p2(struct ikc_sbuf *s, const struct ikc_transform *t, uint8_t protoid)
{
	const struct ikc_attr *a;

	/* IPsec DOI attribute numbers: RFC 2407 §4.5. */
	switch (protoid) {
	case IKC_PROTO_AH:
		if ((a = find_attr(t, 5)) && LOOKUP(p2_auth, a->value))
			item_name(s, "AH ", LOOKUP(p2_auth, a->value), "", 0);
		else
			item_name(s, "AH ", LOOKUP(ah_id, t->id), "#", t->id);
		break;
	case IKC_PROTO_IPCOMP:
		item_name(s, "IPComp ", LOOKUP(ipcomp_id, t->id), "#", t->id);
		break;
	default:
		sb_cipher(s, protoid == IKC_PROTO_ESP ? "ESP " : "", LOOKUP(esp_id, t->id), t->id, find_attr(t, 6));
		if ((a = find_attr(t, 5)))
			item_name(s, "", LOOKUP(p2_auth, a->value), "auth #", (uint32_t)a->value);
		break;
	}
	if ((a = find_attr(t, 4)))
		item_name(s, "", LOOKUP(encap, a->value), "mode #", (uint32_t)a->value);
	if ((a = find_attr(t, 3)))
		sb_group(s, "PFS ", a->value);
	else
		item_name(s, "", "no PFS", "", 0);
	if ((a = find_attr(t, 11)) && a->value == 1)
		item_name(s, "", "ESN", "", 0);
	sb_life(s, t, 1, 2);
}

size_t ikc_transform_summary(const struct ikc_transform *t, uint8_t protoid, char *buf, size_t bufsz)
{
	struct ikc_sbuf s;

	if (!bufsz)
		return 0;
	s = ikc_sb_init(buf, bufsz);
	if (!t)
		return 0;
	if (t->space == IKC_ATTRS_IKE || protoid == IKC_PROTO_ISAKMP)
		summary_p1(&s, t);
	else
		summary_p2(&s, t, protoid);
	return s.len;
}

/* ------------------------------------------------------ identities */

/* A label such as "Proposal 1", without printf (one per proposal and
 * transform of every SA in the tree). */
static void numbered(char *buf, size_t sz, const char *word, uint64_t n)
{
	struct ikc_sbuf s = ikc_sb_init(buf, sz);

	ikc_sb_num(&s, word, n, "");
}

static void addr_text(int af, const uint8_t *p, char *out, size_t outsz)
{
	ikc_format_addr(af == AF_INET6 ? 6 : 4, p, out, outsz);
}

/* Prefix length of a contiguous netmask, or -1. */
static int mask_prefix(const uint8_t *m, size_t n)
{
	int bits = 0;
	size_t i = 0;

	for (; i < n && m[i] == 0xff; i++)
		bits += 8;
	if (i < n) {
		uint8_t b = m[i];

		/* the partial byte must read 1...10...0 */
		while (b & 0x80) {
			bits++;
			b = (uint8_t)(b << 1);
		}
		if (b)
			return -1;
		for (i++; i < n; i++)
			if (m[i])
				return -1;
	}
	return bits;
}

size_t ikc_id_format(uint8_t type, const uint8_t *d, size_t len, char *buf, size_t bufsz)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	struct ikc_sbuf s;
	int af = 0;
	size_t alen = 0;

	if (!bufsz)
		return 0;
	s = ikc_sb_init(buf, bufsz);
	if (!d && len)
		return 0;
	switch (type) { /* RFC 2407 §4.6.2.1 */
	case 1: case 4: case 7:
		af = AF_INET, alen = 4;
		break;
	case 5: case 6: case 8:
		af = AF_INET6, alen = 16;
		break;
	case 2: case 3:
		return ikc_escape_text(d, len, buf, bufsz);
	case 9: /* DER_ASN1_DN as text; hex when it does not parse */
		if (ikc_dn_format(d, len, buf, bufsz))
			return strlen(buf);
		/* fall through */
	default: /* DER_ASN1_GN 10, KEY_ID 11, unknown: hex */
		ikc_sb_hex(&s, d, len < (bufsz - 1) / 2 ? len : (bufsz - 1) / 2);
		return s.len;
	}
	if (len != (type == 1 || type == 5 ? alen : 2 * alen)) {
		ikc_sb_printf(&s, "(bad length %zu)", len);
		return s.len;
	}
	addr_text(af, d, a, sizeof a);
	if (type == 1 || type == 5) {
		ikc_sb_put(&s, a);
	} else if (type == 7 || type == 8) {
		addr_text(af, d + alen, b, sizeof b);
		ikc_sb_join(&s, a, " - ", b, NULL);
	} else {
		int pfx = mask_prefix(d + alen, alen);

		if (pfx >= 0) {
			ikc_sb_put(&s, a);
			ikc_sb_num(&s, "/", (uint64_t)pfx, "");
		} else {
			addr_text(af, d + alen, b, sizeof b);
			ikc_sb_join(&s, a, "/", b, NULL);
		}
	}
	return s.len;
}

/* The typed Wireshark fields of an ID's data, then our one-line text. */
static void id_fields(struct rctx *c, uint8_t type, const uint8_t *d, size_t len)
{
	static const char *const keys[][2] = {
		[1] = { "isakmp.id.data.ipv4_addr", NULL },
		[4] = { "isakmp.id.data.ipv4_addr", "isakmp.id.data.ipv4_subnet" },
		[5] = { "isakmp.id.data.ipv6_addr", NULL },
		[6] = { "isakmp.id.data.ipv6_addr", "isakmp.id.data.ipv6_subnet" },
		[7] = { "isakmp.id.data.ipv4_range_start", "isakmp.id.data.ipv4_range_end" },
		[8] = { "isakmp.id.data.ipv6_range_start", "isakmp.id.data.ipv6_range_end" },
	};
	static const char *const labels[][2] = {
		[1] = { "Address", NULL },       [4] = { "Address", "Netmask" },
		[5] = { "Address", NULL },       [6] = { "Address", "Netmask" },
		[7] = { "Range start", "Range end" }, [8] = { "Range start", "Range end" },
	};
	char t[512];
	struct ikc_rw *w = c->w;

	if (!fits(&c->b, d, len))
		return;
	switch (type) {
	case 2:
		ikc_rw_str(w, "isakmp.id.data.fqdn", "FQDN", (const char *)d, len);
		break;
	case 3:
		ikc_rw_str(w, "isakmp.id.data.user_fqdn", "User FQDN", (const char *)d, len);
		break;
	case 9:
		ikc_rw_bytes(w, "ikecap.id.der_asn1_dn", "Distinguished name (DER)", d, len);
		break;
	case 10:
		ikc_rw_bytes(w, "ikecap.id.der_asn1_gn", "General name (DER)", d, len);
		break;
	case 11:
		ikc_rw_bytes(w, "isakmp.id.data.key_id", "Key ID", d, len);
		break;
	case 1: case 4: case 5: case 6: case 7: case 8: {
		size_t alen = (type == 1 || type == 4 || type == 7) ? 4 : 16;
		size_t want = (type == 1 || type == 5) ? alen : 2 * alen;
		int af = alen == 4 ? AF_INET : AF_INET6;
		char a[INET6_ADDRSTRLEN];

		if (len != want) {
			ikc_rw_bytes(w, "ikecap.id.data", "Identification data", d, len);
			break;
		}
		addr_text(af, d, a, sizeof a);
		ikc_rw_cstr(w, keys[type][0], labels[type][0], a);
		if (keys[type][1]) {
			addr_text(af, d + alen, a, sizeof a);
			ikc_rw_cstr(w, keys[type][1], labels[type][1], a);
		}
		break;
	}
	default:
		ikc_rw_bytes(w, "ikecap.id.data", "Identification data", d, len);
		break;
	}
	ikc_id_format(type, d, len, t, sizeof t);
	ikc_rw_cstr(w, "ikecap.id", "Identity", t);
}

/* ------------------------------------------------------ attributes */

enum akind {
	AK_RAW = 0,  /* bytes */
	AK_ENUM,     /* number with a value name */
	AK_NUM,      /* plain number */
	AK_LIFE,     /* number of 4 or 8 bytes, else bytes */
	AK_IP4,      /* 4 bytes */
	AK_IP6,      /* 16 bytes */
	AK_IP6P,     /* 16 bytes + prefix length */
	AK_IP4SUB,   /* 4 bytes address + 4 bytes mask */
	AK_STR,      /* text */
	AK_SECRET,   /* text, masked unless show_secrets */
	AK_SECRETB,  /* bytes, masked unless show_secrets */
	AK_U16LIST,  /* list of 16-bit attribute types */
};

struct afield {
	uint16_t type;
	uint8_t kind;
	const char *key;
	const char *label;
	const char *key2;   /* second part: mask, prefix */
	const char *label2;
};

struct aspace {
	const char *type_key, *format_key, *length_key, *value_key;
	const char *life64_key, *lifebytes_key;
	const struct afield *f;
	size_t nf;
};

#define IKE_A(t, k, suffix, label) { t, k, "isakmp.ike.attr." suffix, label, NULL, NULL }
static const struct afield ike_fields[] = { /* RFC 2409 App. A */
	IKE_A(1, AK_ENUM, "encryption_algorithm", "Encryption algorithm"),
	IKE_A(2, AK_ENUM, "hash_algorithm", "Hash algorithm"),
	IKE_A(3, AK_ENUM, "authentication_method", "Authentication method"),
	IKE_A(4, AK_ENUM, "group_description", "DH group"),
	IKE_A(5, AK_ENUM, "group_type", "Group type"),
	IKE_A(6, AK_RAW, "group_prime", "Group prime"),
	IKE_A(7, AK_RAW, "group_generator_one", "Group generator one"),
	IKE_A(8, AK_RAW, "group_generator_two", "Group generator two"),
	IKE_A(9, AK_RAW, "group_curve_a", "Group curve A"),
	IKE_A(10, AK_RAW, "group_curve_b", "Group curve B"),
	IKE_A(11, AK_ENUM, "life_type", "Life type"),
	IKE_A(12, AK_LIFE, "life_duration", "Life duration"),
	IKE_A(13, AK_RAW, "prf", "PRF"),
	IKE_A(14, AK_NUM, "key_length", "Key length"),
	IKE_A(15, AK_RAW, "field_size", "Field size"),
	IKE_A(16, AK_RAW, "group_order", "Group order"),
	IKE_A(17, AK_RAW, "block_size", "Block size"),
	IKE_A(20, AK_ENUM, "asymmetric_cryptographic_algorithm_type", "Asymmetric algorithm type"),
};

#define IPS_A(t, k, suffix, label) { t, k, "isakmp.ipsec.attr." suffix, label, NULL, NULL }
static const struct afield ipsec_fields[] = { /* RFC 2407 §4.5, RFC 4304, 4359, 6407 */
	IPS_A(1, AK_ENUM, "life_type", "Life type"),
	IPS_A(2, AK_LIFE, "life_duration", "Life duration"),
	IPS_A(3, AK_ENUM, "group_description", "PFS group"),
	IPS_A(4, AK_ENUM, "encap_mode", "Encapsulation mode"),
	IPS_A(5, AK_ENUM, "auth_algorithm", "Authentication algorithm"),
	IPS_A(6, AK_NUM, "key_length", "Key length"),
	IPS_A(7, AK_NUM, "key_rounds", "Key rounds"),
	IPS_A(8, AK_NUM, "cmpr_dict_size", "Compression dictionary size"),
	IPS_A(9, AK_RAW, "cmpr_algorithm", "Compression private algorithm"),
	IPS_A(10, AK_ENUM, "ecn_tunnel", "ECN tunnel"),
	IPS_A(11, AK_ENUM, "ext_seq_nbr", "Extended sequence numbers"),
	IPS_A(12, AK_NUM, "auth_key_length", "Authentication key length"),
	IPS_A(13, AK_RAW, "sig_enco_algorithm", "Signature encoding algorithm"),
	IPS_A(14, AK_ENUM, "addr_preservation", "Address preservation"),
	IPS_A(15, AK_ENUM, "sa_direction", "SA direction"),
};

#define CFG_A(t, k, suffix, label) { t, k, "isakmp.cfg.attr." suffix, label, NULL, NULL }
static const struct afield cfg_fields[] = { /* draft-dukes-ike-mode-cfg §3.2, draft-beaulieu-ike-xauth §6 */
	CFG_A(1, AK_IP4, "internal_ip4_address", "Internal IPv4 address"),
	CFG_A(2, AK_IP4, "internal_ip4_netmask", "Internal IPv4 netmask"),
	CFG_A(3, AK_IP4, "internal_ip4_dns", "Internal IPv4 DNS"),
	CFG_A(4, AK_IP4, "internal_ip4_nbns", "Internal IPv4 NBNS"),
	CFG_A(5, AK_NUM, "internal_address_expiry", "Address expiry (s)"),
	CFG_A(6, AK_IP4, "internal_ip4_dhcp", "Internal IPv4 DHCP"),
	CFG_A(7, AK_STR, "application_version", "Application version"),
	{ 8, AK_IP6P, "isakmp.cfg.attr.internal_ip6_address", "Internal IPv6 address",
	  "isakmp.cfg.attr.internal_ip6_address.prefix", "Prefix length" },
	CFG_A(9, AK_IP6, "internal_ip6_netmask", "Internal IPv6 netmask"),
	CFG_A(10, AK_IP6, "internal_ip6_dns", "Internal IPv6 DNS"),
	CFG_A(11, AK_IP6, "internal_ip6_nbns", "Internal IPv6 NBNS"),
	CFG_A(12, AK_IP6, "internal_ip6_dhcp", "Internal IPv6 DHCP"),
	{ 13, AK_IP4SUB, "isakmp.cfg.attr.internal_ip4_subnet_ip", "Protected subnet",
	  "isakmp.cfg.attr.internal_ip4_subnet_netmask", "Protected subnet mask" },
	CFG_A(14, AK_U16LIST, "supported_attributes", "Supported attributes"),
	{ 15, AK_IP6P, "isakmp.cfg.attr.internal_ip6_subnet_ip", "Protected IPv6 subnet",
	  "isakmp.cfg.attr.internal_ip6_subnet_prefix", "Prefix length" },
	CFG_A(16520, AK_ENUM, "xauth.type", "XAUTH type"),
	CFG_A(16521, AK_STR, "xauth.user_name", "XAUTH user name"),
	CFG_A(16522, AK_SECRET, "xauth.user_password", "XAUTH password"),
	CFG_A(16523, AK_SECRET, "xauth.passcode", "XAUTH passcode"),
	CFG_A(16524, AK_STR, "xauth.message", "XAUTH message"),
	CFG_A(16525, AK_STR, "xauth.challenge", "XAUTH challenge"),
	CFG_A(16526, AK_STR, "xauth.domain", "XAUTH domain"),
	CFG_A(16527, AK_ENUM, "xauth.status", "XAUTH status"),
	CFG_A(16528, AK_SECRET, "xauth.next_pin", "XAUTH next PIN"),
	CFG_A(16529, AK_SECRET, "xauth.answer", "XAUTH answer"),
	CFG_A(28672, AK_STR, "unity.banner", "Banner"),
	CFG_A(28674, AK_STR, "unity.def_domain", "Default domain"),
};

#define KEK_A(t, k, suffix, label) { t, k, "ikecap.gdoi.kek.attr." suffix, label, NULL, NULL }
static const struct afield kek_fields[] = { /* RFC 6407 §5.3.3 */
	KEK_A(1, AK_ENUM, "management_algorithm", "KEK management algorithm"),
	KEK_A(2, AK_ENUM, "algorithm", "KEK algorithm"),
	KEK_A(3, AK_NUM, "key_length", "KEK key length"),
	KEK_A(4, AK_NUM, "key_lifetime", "KEK key lifetime"),
	KEK_A(5, AK_ENUM, "sig_hash_algorithm", "Signature hash algorithm"),
	KEK_A(6, AK_ENUM, "sig_algorithm", "Signature algorithm"),
	KEK_A(7, AK_NUM, "sig_key_length", "Signature key length"),
	KEK_A(9, AK_ENUM, "integrity_algorithm", "KEK integrity algorithm"),
};

#define KD_A(t, k, suffix, label) { t, k, "ikecap.gdoi.kd.attr." suffix, label, NULL, NULL }
static const struct afield kd_fields[] = { /* RFC 6407 §5.6.1, §5.6.2: key material */
	KD_A(1, AK_SECRETB, "tek_algorithm_key", "TEK algorithm key"),
	KD_A(2, AK_SECRETB, "tek_integrity_key", "TEK integrity key"),
	KD_A(3, AK_SECRETB, "tek_source_auth_key", "TEK source authentication key"),
	KD_A(4, AK_SECRETB, "kek_algorithm_key", "KEK algorithm key"),
	KD_A(5, AK_SECRETB, "sig_algorithm_key", "Signature key"),
};

#define GAP_A(t, k, suffix, label) { t, k, "ikecap.gdoi.gap.attr." suffix, label, NULL, NULL }
static const struct afield gap_fields[] = { /* RFC 6407 §5.8 */
	GAP_A(1, AK_NUM, "activation_time_delay", "Activation time delay"),
	GAP_A(2, AK_NUM, "deactivation_time_delay", "Deactivation time delay"),
	GAP_A(3, AK_NUM, "sender_id_request", "Sender ID request"),
};

#define NF(a) a, sizeof(a) / sizeof((a)[0])
static const struct aspace spaces[] = {
	[IKC_ATTRS_IKE] = { "isakmp.ike.attr.type", "isakmp.ike.attr.format", "isakmp.ike.attr.length",
			    "isakmp.ike.attr.value", "isakmp.ike.attr.life_duration64",
			    "isakmp.ike.attr.life_duration_bytes", NF(ike_fields) },
	[IKC_ATTRS_IPSEC] = { "isakmp.ipsec.attr.type", "isakmp.ipsec.attr.format", "isakmp.ipsec.attr.length",
			      "isakmp.ipsec.attr.value", "isakmp.ipsec.attr.life_duration64",
			      "isakmp.ipsec.attr.life_duration_bytes", NF(ipsec_fields) },
	[IKC_ATTRS_MODECFG] = { "isakmp.cfg.attr.type", "isakmp.cfg.attr.format", "isakmp.cfg.attr.length",
				"isakmp.cfg.attr.value", NULL, NULL, NF(cfg_fields) },
	[IKC_ATTRS_GDOI_KEK] = { "ikecap.gdoi.kek.attr.type", "ikecap.gdoi.kek.attr.format",
				 "ikecap.gdoi.kek.attr.length", "ikecap.gdoi.kek.attr.value", NULL, NULL,
				 NF(kek_fields) },
	[IKC_ATTRS_GDOI_KD] = { "isakmp.key_download.attr.type", "isakmp.key_download.attr.format",
				"isakmp.key_download.attr.length", "isakmp.key_download.attr.value", NULL, NULL,
				NF(kd_fields) },
	[IKC_ATTRS_GAP] = { "ikecap.gdoi.gap.attr.type", "ikecap.gdoi.gap.attr.format",
			    "ikecap.gdoi.gap.attr.length", "ikecap.gdoi.gap.attr.value", NULL, NULL,
			    NF(gap_fields) },
};

static const struct aspace *space_of(enum ikc_attr_space sp)
{
	if ((size_t)sp >= sizeof spaces / sizeof spaces[0] || !spaces[sp].type_key)
		return &spaces[IKC_ATTRS_IKE];
	return &spaces[sp];
}

/* The value's raw bytes: a TV's two bytes, or a TLV's data when it fits. */
static void attr_raw(struct rctx *c, const char *key, const char *label, const struct ikc_attr *a)
{
	if (a->tv) {
		uint8_t v[2] = { (uint8_t)(a->value >> 8), (uint8_t)a->value };

		ikc_rw_bytes(c->w, key, label, v, 2);
	} else if (fits(&c->b, a->data, a->len)) {
		ikc_rw_bytes(c->w, key, label, a->data, a->len);
	}
}

static void attr_value(struct rctx *c, enum ikc_attr_space sp, const struct aspace *s, const struct afield *f,
		       const struct ikc_attr *a)
{
	struct ikc_rw *w = c->w;
	bool data_ok = !a->tv && fits(&c->b, a->data, a->len);
	char t[INET6_ADDRSTRLEN];

	switch (f ? f->kind : AK_RAW) {
	case AK_ENUM:
	case AK_NUM:
		if (a->has_value)
			ikc_rw_uint(w, f->key, f->label, a->value, IKC_RW_DEC,
				    f->kind == AK_ENUM ? ikc_attr_value_name(sp, a->type, a->value) : NULL);
		else
			attr_raw(c, s->value_key, "Value", a);
		return;
	case AK_LIFE:
		if (a->has_value)
			ikc_rw_uint(w, f->key, f->label, a->value, IKC_RW_DEC, NULL);
		else if (data_ok && a->len == 8 && s->life64_key)
			ikc_rw_uint(w, s->life64_key, f->label, be_uint(a->data, 8), IKC_RW_DEC, NULL);
		else
			attr_raw(c, s->lifebytes_key ? s->lifebytes_key : s->value_key, f->label, a);
		return;
	case AK_IP4:
	case AK_IP6:
	case AK_IP6P:
	case AK_IP4SUB: {
		size_t alen = (f->kind == AK_IP4 || f->kind == AK_IP4SUB) ? 4 : 16;
		size_t want = f->kind == AK_IP4SUB ? 8 : f->kind == AK_IP6P ? 17 : alen;
		int af = alen == 4 ? AF_INET : AF_INET6;

		if (a->tv || !a->len)
			return; /* a request carries the type only */
		if (!data_ok || a->len != want) {
			attr_raw(c, s->value_key, "Value", a);
			return;
		}
		addr_text(af, a->data, t, sizeof t);
		ikc_rw_cstr(w, f->key, f->label, t);
		if (f->kind == AK_IP4SUB) {
			addr_text(af, a->data + 4, t, sizeof t);
			ikc_rw_cstr(w, f->key2, f->label2, t);
		} else if (f->kind == AK_IP6P) {
			ikc_rw_uint(w, f->key2, f->label2, a->data[16], IKC_RW_DEC, NULL);
		}
		return;
	}
	case AK_STR:
		if (data_ok)
			ikc_rw_str(w, f->key, f->label, (const char *)a->data, a->len);
		else
			attr_raw(c, s->value_key, "Value", a);
		return;
	case AK_SECRET:
		if (!a->tv && !data_ok)
			return;
		if (!a->tv && !a->len)
			ikc_rw_str(w, f->key, f->label, "", 0);
		else if (!(c->o && c->o->show_secrets))
			ikc_rw_cstr(w, f->key, f->label, MASKED);
		else if (a->tv)
			attr_raw(c, f->key, f->label, a);
		else
			ikc_rw_str(w, f->key, f->label, (const char *)a->data, a->len);
		return;
	case AK_SECRETB:
		if (c->o && c->o->show_secrets)
			attr_raw(c, f->key, f->label, a);
		else
			ikc_rw_cstr(w, f->key, f->label, MASKED);
		return;
	case AK_U16LIST:
		if (!data_ok)
			return;
		ikc_rw_begin_array(w, f->key, f->label);
		for (size_t i = 0; i + 2 <= a->len; i += 2) {
			uint16_t v = (uint16_t)be_uint(a->data + i, 2);

			ikc_rw_uint(w, NULL, NULL, v, IKC_RW_DEC, ikc_attr_type_name(sp, v));
		}
		ikc_rw_end_array(w);
		return;
	default:
		attr_raw(c, f ? f->key : s->value_key, f ? f->label : "Value", a);
		return;
	}
}

static void render_attrs(struct rctx *c, enum ikc_attr_space sp, const struct ikc_attr *attrs, size_t n)
{
	const struct aspace *s = space_of(sp);
	struct ikc_rw *w = c->w;

	if (!attrs || !n)
		return;
	ikc_rw_begin_array(w, "isakmp.attrs", "Attributes");
	for (size_t i = 0; i < n; i++) {
		const struct ikc_attr *a = &attrs[i];
		const struct afield *f = NULL;
		const char *tname = ikc_attr_type_name(sp, a->type);
		char lbuf[32];
		const char *label;

		for (size_t k = 0; k < s->nf; k++)
			if (s->f[k].type == a->type)
				f = &s->f[k];
		if (f)
			label = f->label;
		else if (tname)
			label = tname;
		else
			label = ikc_name_or_num(NULL, a->type, lbuf, sizeof lbuf);
		ikc_rw_begin_map(w, NULL, label);
		ikc_rw_uint(w, s->type_key, "Type", a->type, IKC_RW_DEC, tname);
		ikc_rw_bool(w, s->format_key, "Short form (TV)", a->tv);
		if (!a->tv)
			ikc_rw_uint(w, s->length_key, "Length", a->len, IKC_RW_DEC, NULL);
		attr_value(c, sp, s, f, a);
		ikc_render_notes(w, a->notes);
		ikc_rw_end_map(w);
	}
	ikc_rw_end_array(w);
}

/* ------------------------------------------------------ payloads */

static void r_sa(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_sa *sa = &p->u.sa;
	struct ikc_rw *w = c->w;
	char label[32];

	ikc_rw_uint(w, "isakmp.sa.doi", "Domain of interpretation", sa->doi, IKC_RW_DEC, ikc_doi_name(sa->doi));
	if (sa->has_situation) {
		uint8_t sit[4] = { (uint8_t)(sa->situation >> 24), (uint8_t)(sa->situation >> 16),
				   (uint8_t)(sa->situation >> 8), (uint8_t)sa->situation };

		ikc_rw_bytes(w, "isakmp.sa.situation", "Situation", sit, 4);
		if (sa->doi == IKC_DOI_IPSEC) { /* RFC 2407 §4.2 */
			ikc_rw_bool(w, "isakmp.sa.situation.identity_only", "Identity only", sa->situation & 1);
			ikc_rw_bool(w, "isakmp.sa.situation.secrecy", "Secrecy", sa->situation & 2);
			ikc_rw_bool(w, "isakmp.sa.situation.integrity", "Integrity", sa->situation & 4);
		}
	}
	if (sa->gdoi && sa->ngdoi) {
		ikc_rw_uint(w, "isakmp.sa.next_attribute_payload", "First SA attribute payload", sa->sa_attr_next,
			    IKC_RW_DEC, ikc_payload_name((uint8_t)sa->sa_attr_next, IKC_DOI_GDOI));
		if (c->level + 1 < MAX_NEST)
			render_chain(w, sa->gdoi, sa->ngdoi, c->ctx, c->o, IKC_DOI_GDOI, c->level + 1);
	}
	if (!sa->proposals || !sa->nprop)
		return;
	ikc_rw_begin_array(w, "isakmp.prop", "Proposals");
	for (size_t i = 0; i < sa->nprop; i++) {
		const struct ikc_proposal *pr = &sa->proposals[i];

		numbered(label, sizeof label, "Proposal ", pr->number);
		ikc_rw_begin_map(w, NULL, label);
		ikc_rw_uint(w, "isakmp.payloadlength", "Length", pr->length, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "isakmp.prop.number", "Proposal number", pr->number, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "isakmp.prop.protoid", "Protocol", pr->protoid, IKC_RW_DEC,
			    ikc_protocol_name(pr->protoid));
		ikc_rw_uint(w, "isakmp.spisize", "SPI size", pr->spisize, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "isakmp.prop.transforms", "Transforms", pr->ntransforms, IKC_RW_DEC, NULL);
		if (pr->spisize && fits(&c->b, pr->spi, pr->spisize))
			ikc_rw_bytes(w, "isakmp.spi", "SPI", pr->spi, pr->spisize);
		ikc_render_notes(w, pr->notes);
		if (pr->transforms && pr->ntr) {
			ikc_rw_begin_array(w, "isakmp.trans", "Transforms");
			for (size_t j = 0; j < pr->ntr; j++) {
				const struct ikc_transform *t = &pr->transforms[j];
				char sum[256];

				numbered(label, sizeof label, "Transform ", t->number);
				ikc_rw_begin_map(w, NULL, label);
				ikc_rw_uint(w, "isakmp.payloadlength", "Length", t->length, IKC_RW_DEC, NULL);
				ikc_rw_uint(w, "isakmp.trans.number", "Transform number", t->number, IKC_RW_DEC,
					    NULL);
				ikc_rw_uint(w, "isakmp.trans.id", "Transform ID", t->id, IKC_RW_DEC,
					    ikc_transform_id_name(pr->protoid, t->id));
				if (ikc_transform_summary(t, pr->protoid, sum, sizeof sum))
					ikc_rw_cstr(w, "ikecap.summary", "Summary", sum);
				render_attrs(c, t->space, t->attrs, t->nattrs);
				ikc_render_notes(w, t->notes);
				ikc_rw_end_map(w);
			}
			ikc_rw_end_array(w);
		}
		ikc_rw_end_map(w);
	}
	ikc_rw_end_array(w);
}

static void r_blob(struct rctx *c, const struct ikc_blob *b, const char *key, const char *label)
{
	if (fits(&c->b, b->data, b->len))
		ikc_rw_bytes(c->w, key, label, b->data, b->len);
}

static void r_ke(struct rctx *c, const struct ikc_payload *p)
{
	r_blob(c, &p->u.ke, "isakmp.key_exchange.data", "Key exchange data");
}

static void r_hash(struct rctx *c, const struct ikc_payload *p)
{
	r_blob(c, &p->u.hash, "isakmp.hash", "Hash");
}

static void r_sig(struct rctx *c, const struct ikc_payload *p)
{
	r_blob(c, &p->u.sig, "isakmp.sig", "Signature");
}

static void r_nonce(struct rctx *c, const struct ikc_payload *p)
{
	r_blob(c, &p->u.nonce, "isakmp.nonce", "Nonce");
}

static void r_natd(struct rctx *c, const struct ikc_payload *p)
{
	r_blob(c, &p->u.natd, "isakmp.ike.nat_hash", "NAT-D hash");
}

static void r_pop(struct rctx *c, const struct ikc_payload *p)
{
	r_blob(c, &p->u.pop, "ikecap.pop", "Proof of possession");
}

static void r_vid(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_blob *b = &p->u.vid;
	const char *name;

	if (!fits(&c->b, b->data, b->len))
		return;
	ikc_rw_bytes(c->w, "isakmp.vid_bytes", "Vendor ID", b->data, b->len);
	name = ikc_vendor_id_name(b->data, b->len);
	if (name)
		ikc_rw_cstr(c->w, "ikecap.vid_name", "Vendor", name);
}

static void r_id(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_id *id = &p->u.id;

	ikc_rw_uint(c->w, "isakmp.id.type", "ID type", id->type, IKC_RW_DEC, ikc_id_type_name(id->type));
	ikc_rw_uint(c->w, "isakmp.id.protoid", "IP protocol", id->protoid, IKC_RW_DEC, NULL);
	ikc_rw_uint(c->w, "isakmp.id.port", "Port", id->port, IKC_RW_DEC, NULL);
	id_fields(c, id->type, id->data, id->len);
}

static void r_cert(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_cert *ce = &p->u.cert;

	ikc_rw_uint(c->w, "isakmp.cert.encoding", "Certificate encoding", ce->encoding, IKC_RW_DEC,
		    ikc_cert_encoding_name(ce->encoding));
	if (!fits(&c->b, ce->data, ce->len))
		return;
	if (ce->encoding == 4) { /* X.509 Certificate - Signature */
		char name[512];
		if (ikc_cert_name(ce->data, ce->len, 0, name, sizeof name))
			ikc_rw_cstr(c->w, "ikecap.cert.subject", "Subject", name);
		if (ikc_cert_name(ce->data, ce->len, 1, name, sizeof name))
			ikc_rw_cstr(c->w, "ikecap.cert.issuer", "Issuer", name);
	}
	ikc_rw_bytes(c->w, "isakmp.cert.data", "Certificate data", ce->data, ce->len);
}

static void r_cr(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_cert *ce = &p->u.cert;

	ikc_rw_uint(c->w, "isakmp.certreq.type", "Certificate type", ce->encoding, IKC_RW_DEC,
		    ikc_cert_encoding_name(ce->encoding));
	if (ce->len && fits(&c->b, ce->data, ce->len))
		ikc_rw_bytes(c->w, "isakmp.ike.certreq.authority", "Certificate authority", ce->data, ce->len);
}

static void r_notify(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_notify *n = &p->u.notify;
	struct ikc_rw *w = c->w;

	ikc_rw_uint(w, "isakmp.notify.doi", "Domain of interpretation", n->doi, IKC_RW_DEC, ikc_doi_name(n->doi));
	ikc_rw_uint(w, "isakmp.notify.protoid", "Protocol", n->protoid, IKC_RW_DEC, ikc_protocol_name(n->protoid));
	ikc_rw_uint(w, "isakmp.spisize", "SPI size", n->spisize, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "isakmp.notify.msgtype", "Notify type", n->type, IKC_RW_DEC, ikc_notify_name(n->type));
	if (n->spisize && fits(&c->b, n->spi, n->spisize))
		ikc_rw_bytes(w, "isakmp.spi", "SPI", n->spi, n->spisize);
	if (!fits(&c->b, n->data, n->len))
		return;
	ikc_rw_bytes(w, "isakmp.notify.data", "Notification data", n->data, n->len);
	/* RFC 3706 §5: R-U-THERE / R-U-THERE-ACK carry a 32-bit sequence number. */
	if ((n->type == 36136 || n->type == 36137) && n->len == 4)
		ikc_rw_uint(w,
			    n->type == 36136 ? "isakmp.notify.data.dpd.are_you_there"
					     : "isakmp.notify.data.dpd.are_you_there_ack",
			    "DPD sequence", be_uint(n->data, 4), IKC_RW_DEC, NULL);
}

static void r_delete(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_delete *d = &p->u.del;
	struct ikc_rw *w = c->w;
	size_t total = (size_t)d->nspi * d->spisize;

	ikc_rw_uint(w, "isakmp.delete.doi", "Domain of interpretation", d->doi, IKC_RW_DEC, ikc_doi_name(d->doi));
	ikc_rw_uint(w, "isakmp.delete.protoid", "Protocol", d->protoid, IKC_RW_DEC, ikc_protocol_name(d->protoid));
	ikc_rw_uint(w, "isakmp.spisize", "SPI size", d->spisize, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "isakmp.spinum", "Number of SPIs", d->nspi, IKC_RW_DEC, NULL);
	if (!d->spisize || !d->nspi || !fits(&c->b, d->spis, total))
		return;
	ikc_rw_begin_array(w, "isakmp.delete.spi", "SPIs");
	for (size_t i = 0; i < d->nspi; i++)
		ikc_rw_bytes(w, NULL, NULL, d->spis + i * d->spisize, d->spisize);
	ikc_rw_end_array(w);
}

static void r_natoa(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_natoa *n = &p->u.natoa;
	char a[INET6_ADDRSTRLEN];

	/* RFC 3947 §5.2: ID type 1 (IPv4) or 5 (IPv6), then the address. */
	ikc_rw_uint(c->w, "ikecap.natoa.id_type", "ID type", n->id_type, IKC_RW_DEC, ikc_id_type_name(n->id_type));
	if (!fits(&c->b, n->addr, n->len))
		return;
	if (n->id_type == 1 && n->len == 4) {
		addr_text(AF_INET, n->addr, a, sizeof a);
		ikc_rw_cstr(c->w, "isakmp.ike.nat_original_address_ipv4", "Original address", a);
	} else if (n->id_type == 5 && n->len == 16) {
		addr_text(AF_INET6, n->addr, a, sizeof a);
		ikc_rw_cstr(c->w, "isakmp.ike.nat_original_address_ipv6", "Original address", a);
	} else {
		ikc_rw_bytes(c->w, "ikecap.natoa.data", "Original address data", n->addr, n->len);
	}
}

static void r_attr(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_modecfg *m = &p->u.attr;

	ikc_rw_uint(c->w, "isakmp.cfg.type", "Type", m->type, IKC_RW_DEC, ikc_modecfg_type_name(m->type));
	ikc_rw_uint(c->w, "isakmp.cfg.identifier", "Identifier", m->identifier, IKC_RW_DEC, NULL);
	render_attrs(c, IKC_ATTRS_MODECFG, m->attrs, m->nattrs);
}

static void r_frag(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_frag *f = &p->u.frag;

	ikc_rw_uint(c->w, "isakmp.frag.packetid", "Fragment ID", f->id, IKC_RW_DEC, NULL);
	ikc_rw_uint(c->w, "isakmp.frag.seq", "Fragment number", f->number, IKC_RW_DEC, NULL);
	ikc_rw_uint(c->w, "isakmp.frag.last", "Last fragment", f->flags & 1, IKC_RW_DEC, NULL);
	ikc_rw_uint(c->w, "ikecap.frag.data_len", "Fragment data bytes", f->len, IKC_RW_DEC, NULL);
}

static void r_body(struct rctx *c, const struct ikc_payload *p, const char *key, const char *label);

/* GDOI SAK/SAT source and destination identities (RFC 6407 §5.3, §5.4.1). */
static void gdoi_id(struct rctx *c, const char *pfx, const char *who, uint8_t type, uint16_t port,
		    const uint8_t *d, size_t len)
{
	char key[64], label[48], t[512];
	struct ikc_rw *w = c->w;

	snprintf(key, sizeof key, "isakmp.%s.%s_id_type", pfx, who);
	snprintf(label, sizeof label, "%s ID type", who[0] == 's' ? "Source" : "Destination");
	ikc_rw_uint(w, key, label, type, IKC_RW_DEC, ikc_id_type_name(type));
	snprintf(key, sizeof key, "isakmp.%s.%s_id_port", pfx, who);
	snprintf(label, sizeof label, "%s port", who[0] == 's' ? "Source" : "Destination");
	ikc_rw_uint(w, key, label, port, IKC_RW_DEC, NULL);
	snprintf(key, sizeof key, "isakmp.%s.%s_id_length", pfx, who);
	snprintf(label, sizeof label, "%s ID length", who[0] == 's' ? "Source" : "Destination");
	ikc_rw_uint(w, key, label, len, IKC_RW_DEC, NULL);
	if (!fits(&c->b, d, len))
		return;
	snprintf(key, sizeof key, "isakmp.%s.%s_id_data", pfx, who);
	snprintf(label, sizeof label, "%s ID data", who[0] == 's' ? "Source" : "Destination");
	ikc_rw_bytes(w, key, label, d, len);
	ikc_id_format(type, d, len, t, sizeof t);
	snprintf(key, sizeof key, "ikecap.%s.%s_id", pfx, who);
	snprintf(label, sizeof label, "%s", who[0] == 's' ? "Source" : "Destination");
	ikc_rw_cstr(w, key, label, t);
}

static void r_sak(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_sak *s = &p->u.sak;

	ikc_rw_uint(c->w, "isakmp.sak.protoid", "Protocol", s->protocol, IKC_RW_DEC, NULL);
	gdoi_id(c, "sak", "src", s->src_id_type, s->src_port, s->src_id, s->src_id_len);
	gdoi_id(c, "sak", "dst", s->dst_id_type, s->dst_port, s->dst_id, s->dst_id_len);
	if (fits(&c->b, s->spi, 16))
		ikc_rw_bytes(c->w, "isakmp.sak.spi", "KEK SPI", s->spi, 16);
	ikc_rw_uint(c->w, "ikecap.sak.pop_algorithm", "POP algorithm", s->pop_alg, IKC_RW_DEC, NULL);
	ikc_rw_uint(c->w, "ikecap.sak.pop_key_length", "POP key length", s->pop_keylen, IKC_RW_DEC, NULL);
	render_attrs(c, IKC_ATTRS_GDOI_KEK, s->attrs, s->nattrs);
}

static void r_sat(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_sat *s = &p->u.sat;
	uint8_t spi[4] = { (uint8_t)(s->spi >> 24), (uint8_t)(s->spi >> 16), (uint8_t)(s->spi >> 8),
			   (uint8_t)s->spi };

	ikc_rw_uint(c->w, "isakmp.sat.protocol_id", "TEK protocol", s->protocol, IKC_RW_DEC,
		    LOOKUP(tek_proto, s->protocol));
	if (!LOOKUP(tek_proto, s->protocol)) { /* another TEK layout: not decoded */
		r_body(c, p, "isakmp.sat.payload", "TEK payload");
		return;
	}
	ikc_rw_uint(c->w, "isakmp.sat.protocol", "IP protocol", s->ip_protocol, IKC_RW_DEC, NULL);
	gdoi_id(c, "sat", "src", s->src_id_type, s->src_port, s->src_id, s->src_id_len);
	gdoi_id(c, "sat", "dst", s->dst_id_type, s->dst_port, s->dst_id, s->dst_id_len);
	ikc_rw_uint(c->w, "isakmp.sat.transform_id", "Transform ID", s->transform_id, IKC_RW_DEC,
		    ikc_transform_id_name(IKC_PROTO_ESP, s->transform_id));
	ikc_rw_bytes(c->w, "isakmp.sat.spi", "SPI", spi, 4);
	render_attrs(c, IKC_ATTRS_IPSEC, s->attrs, s->nattrs);
}

static void r_kd(struct rctx *c, const struct ikc_payload *p)
{
	const struct ikc_kd *kd = &p->u.kd;
	struct ikc_rw *w = c->w;
	char label[32];

	ikc_rw_uint(w, "isakmp.kd.num_pkt", "Key packets", kd->npackets, IKC_RW_DEC, NULL);
	if (!kd->packets || !kd->nkp)
		return;
	ikc_rw_begin_array(w, "ikecap.kd.packets", "Key packets");
	for (size_t i = 0; i < kd->nkp; i++) {
		const struct ikc_kd_packet *k = &kd->packets[i];

		numbered(label, sizeof label, "Key packet ", i + 1);
		ikc_rw_begin_map(w, NULL, label);
		ikc_rw_uint(w, "isakmp.kd.payload.type", "Type", k->kd_type, IKC_RW_DEC, LOOKUP(kd_type, k->kd_type));
		ikc_rw_uint(w, "isakmp.kd.payload.spi_size", "SPI size", k->spisize, IKC_RW_DEC, NULL);
		if (k->spisize && fits(&c->b, k->spi, k->spisize))
			ikc_rw_bytes(w, "isakmp.kd.payload.spi", "SPI", k->spi, k->spisize);
		render_attrs(c, IKC_ATTRS_GDOI_KD, k->attrs, k->nattrs);
		ikc_rw_end_map(w);
	}
	ikc_rw_end_array(w);
}

static void r_seq(struct rctx *c, const struct ikc_payload *p)
{
	ikc_rw_uint(c->w, "isakmp.seq.seq", "Sequence number", p->u.seq.seq, IKC_RW_DEC, NULL);
}

/* Payloads whose body the model does not split (GAP, types we do not know). */
static void r_body(struct rctx *c, const struct ikc_payload *p, const char *key, const char *label)
{
	if (fits(&c->b, p->body, p->body_len))
		ikc_rw_bytes(c->w, key, label, p->body, p->body_len);
}

static void r_gap(struct rctx *c, const struct ikc_payload *p)
{
	render_attrs(c, IKC_ATTRS_GAP, p->u.gap.attrs, p->u.gap.nattrs);
}

typedef void (*render_fn)(struct rctx *c, const struct ikc_payload *p);

/* IKEv1 payload type -> renderer, under which DOI (0: any).  The same choice
 * as the decoder's table (decoders/isakmp.c), so the union member we read is
 * the one it filled: 15-19 and 22 are GDOI's (RFC 6407 §5), 20/21 IPsec's
 * NAT-D/NAT-OA (RFC 3947); anything else is shown as bytes. */
static const struct {
	render_fn fn;
	uint8_t doi;
} v1_payloads[256] = {
	[IKC_PT_SA] = { r_sa, 0 },         [IKC_PT_KE] = { r_ke, 0 },
	[IKC_PT_ID] = { r_id, 0 },         [IKC_PT_CERT] = { r_cert, 0 },
	[IKC_PT_CR] = { r_cr, 0 },         [IKC_PT_HASH] = { r_hash, 0 },
	[IKC_PT_SIG] = { r_sig, 0 },       [IKC_PT_NONCE] = { r_nonce, 0 },
	[IKC_PT_NOTIFY] = { r_notify, 0 }, [IKC_PT_DELETE] = { r_delete, 0 },
	[IKC_PT_VID] = { r_vid, 0 },       [IKC_PT_ATTR] = { r_attr, 0 },
	[IKC_PT_SAK] = { r_sak, IKC_DOI_GDOI }, [IKC_PT_SAT] = { r_sat, IKC_DOI_GDOI },
	[IKC_PT_KD] = { r_kd, IKC_DOI_GDOI },   [IKC_PT_SEQ] = { r_seq, IKC_DOI_GDOI },
	[IKC_PT_POP] = { r_pop, IKC_DOI_GDOI }, [IKC_PT_GAP] = { r_gap, IKC_DOI_GDOI },
	[IKC_PT_NATD] = { r_natd, IKC_DOI_IPSEC }, [IKC_PT_NATOA] = { r_natoa, IKC_DOI_IPSEC },
	[IKC_PT_NATD_DRAFT] = { r_natd, 0 }, [IKC_PT_NATOA_DRAFT] = { r_natoa, 0 },
	[IKC_PT_FRAG] = { r_frag, 0 },
};

static const char *payload_name(uint8_t type, bool v2, uint32_t doi)
{
	if (v2)
		return ikc_ikev2_payload_name(type);
	return ikc_payload_name(type, doi);
}

static void render_one(struct ikc_rw *w, const struct ikc_payload *p, const struct ikc_decode_ctx *ctx,
		       const struct ikc_render_opts *o, uint32_t doi, int level)
{
	struct rctx c = { w, ctx, o, { p->body, p->body_len }, doi, level };
	bool v2 = ctx && ctx->ikev2;
	const char *name = payload_name(p->type, v2, doi);
	char lbuf[32];

	if (!p->body && p->body_len)
		c.b.n = 0; /* no body known: only pointers of zero length pass */
	if (!name)
		numbered(lbuf, sizeof lbuf, "Payload #", p->type);
	ikc_rw_begin_map(w, NULL, name ? name : lbuf);
	ikc_rw_uint(w, "isakmp.typepayload", "Payload", p->type, IKC_RW_DEC, name);
	ikc_rw_uint(w, "isakmp.nextpayload", "Next payload", p->next, IKC_RW_DEC, payload_name(p->next, v2, doi));
	if (v2)
		ikc_rw_bool(w, "isakmp.criticalpayload", "Critical", p->reserved & 0x80);
	ikc_rw_uint(w, "isakmp.payloadlength", "Length", p->length, IKC_RW_DEC, NULL);
	if (!v2) {
		const render_fn fn = v1_payloads[p->type].fn;

		if (fn && (!v1_payloads[p->type].doi || v1_payloads[p->type].doi == doi) && ikc_payload_decoded(p))
			fn(&c, p);
		else
			r_body(&c, p, "isakmp.datapayload", "Payload data");
	}
	if (o && o->hex && p->body && p->body_len)
		ikc_rw_bytes(w, "ikecap.payload_bytes", "Payload bytes", p->body, p->body_len);
	ikc_render_notes(w, p->notes);
	ikc_rw_end_map(w);
}

static void render_chain(struct ikc_rw *w, const struct ikc_payload *pl, size_t n,
			 const struct ikc_decode_ctx *ctx, const struct ikc_render_opts *o, uint32_t doi,
			 int level)
{
	bool v2 = ctx && ctx->ikev2;

	ikc_rw_begin_array(w, "isakmp.payloads", level ? "SA attribute payloads" : "Payloads");
	for (size_t i = 0; pl && i < n; i++) {
		const struct ikc_payload *p = &pl[i];

		render_one(w, p, ctx, o, doi, level);
		/* As the decoder does: an SA names the DOI of what follows. */
		if (!v2 && p->type == IKC_PT_SA && ikc_payload_decoded(p) && !(p->notes & IKC_NOTE(MALFORMED)) &&
		    (p->u.sa.doi == IKC_DOI_IPSEC || p->u.sa.doi == IKC_DOI_GDOI))
			doi = p->u.sa.doi;
	}
	ikc_rw_end_array(w);
}

void ikc_render_payloads(struct ikc_rw *w, const struct ikc_payload *pl, size_t n,
			 const struct ikc_decode_ctx *ctx, const struct ikc_render_opts *o)
{
	uint32_t doi = ctx && ctx->doi ? ctx->doi : IKC_DOI_IPSEC;

	render_chain(w, pl, n, ctx, o, doi, 0);
}

void ikc_render_isakmp_hdr(struct ikc_rw *w, const struct ikc_isakmp_hdr *h, uint32_t doi)
{
	bool v2 = IKC_IS_IKEV2(h->version);

	ikc_rw_bytes(w, "isakmp.ispi", "Initiator cookie", h->icookie, 8);
	ikc_rw_bytes(w, "isakmp.rspi", "Responder cookie", h->rcookie, 8);
	ikc_rw_uint(w, "isakmp.nextpayload", "Next payload", h->next, IKC_RW_DEC, payload_name(h->next, v2, doi));
	ikc_rw_uint(w, "isakmp.version", "Version", h->version, IKC_RW_HEX, NULL);
	ikc_rw_uint(w, "isakmp.exchangetype", "Exchange type", h->exchange, IKC_RW_DEC,
		    ikc_exchange_name(h->exchange, doi, v2));
	ikc_rw_uint(w, "isakmp.flags", "Flags", h->flags, IKC_RW_HEX, NULL);
	if (v2) { /* RFC 7296 §3.1 */
		ikc_rw_bool(w, "isakmp.flag_i", "Initiator", h->flags & 0x08);
		ikc_rw_bool(w, "isakmp.flag_v", "Higher version", h->flags & 0x10);
		ikc_rw_bool(w, "isakmp.flag_r", "Response", h->flags & 0x20);
	} else { /* RFC 2408 §3.1 */
		ikc_rw_bool(w, "isakmp.flag_e", "Encrypted", h->flags & IKC_FLAG_E);
		ikc_rw_bool(w, "isakmp.flag_c", "Commit", h->flags & IKC_FLAG_C);
		ikc_rw_bool(w, "isakmp.flag_a", "Authentication only", h->flags & IKC_FLAG_A);
	}
	ikc_rw_uint(w, "isakmp.messageid", "Message ID", h->msgid, IKC_RW_HEX, NULL);
	ikc_rw_uint(w, "isakmp.length", "Length", h->length, IKC_RW_DEC, NULL);
}

void ikc_render_notes(struct ikc_rw *w, ikc_notes notes)
{
	if (!notes)
		return;
	ikc_rw_begin_array(w, "ikecap.notes", "Notes");
	for (unsigned bit = 0; bit < IKC_NOTE_BIT_COUNT; bit++) {
		if (!(notes & (1u << bit)))
			continue;
		const char *name = ikc_note_name((enum ikc_note_bit)bit);

		ikc_rw_cstr(w, NULL, NULL, name ? name : "unknown_note");
	}
	ikc_rw_end_array(w);
}

/* names.c - IANA number -> name tables for ISAKMP / IKEv1 / IPsec DOI / GDOI.
 *
 * Implements the name registries of:
 *   RFC 2408 §3.1 (next payload, exchange types), §3.9 (certificate encoding),
 *            §3.14.1 (notify message types);
 *   RFC 2407 §4.4.1 (protocol ids), §4.4.2-4.4.5 (transform ids), §4.5 (IPsec
 *            SA attributes), §4.6.2.1 (ID types), §4.6.3 (IPsec notify status);
 *   RFC 2409 App. A (Oakley attributes and values);
 *   RFC 3947 (NAT-D/NAT-OA, UDP-Encapsulated modes), RFC 3706 (DPD notifies);
 *   RFC 6407 §5.3.3 (KEK attributes), §5.6.1 (TEK download attributes),
 *            §5.8 (GAP attributes), exchanges 32/33 under the GDOI DOI;
 *   draft-dukes-ike-mode-cfg, draft-beaulieu-ike-xauth (Mode Config, XAUTH);
 *   RFC 7296 §3.2 / IANA (IKEv2 payload types and exchange types).
 * plus IANA additions to those registries (AES, SHA-2, ECP groups, ...).
 *
 * These tables name the fields of the generic payload and of SA attributes:
 *
 *   ISAKMP header        ... ! Next Payload ! MjVer!MnVer ! Exchange Type ! Flags ! ...
 *   generic payload      ! Next Payload  !   RESERVED    !         Payload Length        !
 *   data attribute       !A! Attribute Type (15 bits)    !  AF=1: Value / AF=0: Length   !
 *
 * Every number is written once, in an X-macro list X(value, "name"), which is
 * expanded into a sorted-by-hand {value, name} array; lookups scan it.  Names
 * follow the RFC text: RFC 2408 writes notify types with hyphens
 * (NO-PROPOSAL-CHOSEN), RFC 2407 writes ID types and transform ids with
 * underscores (ID_IPV4_ADDR -> "IPV4_ADDR", ESP_3DES).  Where Wireshark
 * (tshark -G values) uses the same words we do too, so output can be compared.
 * Unknown values give NULL; the caller prints "#N" (ikc_name_or_num).
 */
#include <stdio.h>

#include "names.h"

struct ikc_name {
	uint32_t value;
	const char *name;
};

#define NAME_ENTRY(v, s) { (v), (s) },
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const struct ikc_name *t, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

#define LOOKUP(tab, v) lookup((tab), COUNT(tab), (v))

/* ---- Payload types: RFC 2408 §3.1, RFC 3547/6407 (GDOI), RFC 3947, drafts.
 * Short forms as tcpdump prints them (sa, p, t, ke ...), upper-cased. */
#define IKC_PAYLOADS(X)                                                        \
	X(0, "NONE")                                                           \
	X(1, "SA")                                                             \
	X(2, "P")                                                              \
	X(3, "T")                                                              \
	X(4, "KE")                                                             \
	X(5, "ID")                                                             \
	X(6, "CERT")                                                           \
	X(7, "CR")                                                             \
	X(8, "HASH")                                                           \
	X(9, "SIG")                                                            \
	X(10, "NONCE")                                                         \
	X(11, "N")                                                             \
	X(12, "D")                                                             \
	X(13, "VID")                                                           \
	X(14, "ATTR")          /* Mode Config / XAUTH */                       \
	X(15, "SAK")           /* RFC 3547/6407 SA KEK */                      \
	X(16, "SAT")           /* SA TEK */                                    \
	X(17, "KD")            /* Key Download */                              \
	X(18, "SEQ")           /* Sequence Number */                           \
	X(19, "POP")           /* Proof of Possession */                       \
	X(20, "NAT-D")         /* RFC 3947 */                                  \
	X(21, "NAT-OA")        /* RFC 3947 */                                  \
	X(130, "NAT-D-DRAFT")  /* draft-ietf-ipsec-nat-t-ike-01..03 */         \
	X(131, "NAT-OA-DRAFT") /* draft-ietf-ipsec-nat-t-ike-01..03 */         \
	X(132, "FRAG")         /* IKEv1 fragmentation (Cisco, strongSwan) */

static const struct ikc_name payload_names[] = { IKC_PAYLOADS(NAME_ENTRY) };

/* RFC 6407 §5.8 assigns 22 in the GDOI; nothing else uses it in IKEv1. */
#define IKC_GDOI_ONLY_PAYLOADS(X) X(22, "GAP")
static const struct ikc_name gdoi_payload_names[] = { IKC_GDOI_ONLY_PAYLOADS(NAME_ENTRY) };

const char *ikc_payload_name(uint8_t type, uint32_t doi)
{
	if (doi == IKC_DOI_GDOI) {
		const char *s = LOOKUP(gdoi_payload_names, type);
		if (s)
			return s;
	}
	return LOOKUP(payload_names, type);
}

/* ---- IKEv2 payload types: RFC 7296 §3.2 notation, IANA 33..54. */
#define IKC_IKEV2_PAYLOADS(X)                                                  \
	X(0, "NONE")                                                           \
	X(33, "SA")                                                            \
	X(34, "KE")                                                            \
	X(35, "IDi")                                                           \
	X(36, "IDr")                                                           \
	X(37, "CERT")                                                          \
	X(38, "CERTREQ")                                                       \
	X(39, "AUTH")                                                          \
	X(40, "NONCE")                                                         \
	X(41, "N")                                                             \
	X(42, "D")                                                             \
	X(43, "V")                                                             \
	X(44, "TSi")                                                           \
	X(45, "TSr")                                                           \
	X(46, "SK")                                                            \
	X(47, "CP")                                                            \
	X(48, "EAP")                                                           \
	X(49, "GSPM")     /* RFC 6467 */                                       \
	X(50, "IDg")      /* RFC 9838 (G-IKEv2) */                             \
	X(51, "GSA")                                                           \
	X(52, "KD")                                                            \
	X(53, "SKF")      /* RFC 7383 */                                       \
	X(54, "PS")       /* RFC 8019 puzzle solution */

static const struct ikc_name ikev2_payload_names[] = { IKC_IKEV2_PAYLOADS(NAME_ENTRY) };

const char *ikc_ikev2_payload_name(uint8_t type)
{
	return LOOKUP(ikev2_payload_names, type);
}

/* ---- Exchange types: RFC 2408 §3.1, RFC 2409 §5.5/§5.6; words as Wireshark. */
#define IKC_EXCHANGES_V1(X)                                                    \
	X(0, "NONE")                                                           \
	X(1, "Base")                                                           \
	X(2, "Identity Protection (Main Mode)")                                \
	X(3, "Authentication Only")                                            \
	X(4, "Aggressive")                                                     \
	X(5, "Informational")                                                  \
	X(6, "Transaction (Config Mode)")                                      \
	X(32, "Quick Mode")                                                    \
	X(33, "New Group Mode")

/* RFC 6407 §3.1/§4: the GDOI reuses 32/33 for its own exchanges. */
#define IKC_EXCHANGES_GDOI(X)                                                  \
	X(32, "GROUPKEY-PULL")                                                 \
	X(33, "GROUPKEY-PUSH")

/* RFC 7296 §3.1, RFC 5723, RFC 9242, RFC 9370. */
#define IKC_EXCHANGES_V2(X)                                                    \
	X(34, "IKE_SA_INIT")                                                   \
	X(35, "IKE_AUTH")                                                      \
	X(36, "CREATE_CHILD_SA")                                               \
	X(37, "INFORMATIONAL")                                                 \
	X(38, "IKE_SESSION_RESUME")                                            \
	X(43, "IKE_INTERMEDIATE")                                              \
	X(44, "IKE_FOLLOWUP_KE")

static const struct ikc_name exch_v1[] = { IKC_EXCHANGES_V1(NAME_ENTRY) };
static const struct ikc_name exch_gdoi[] = { IKC_EXCHANGES_GDOI(NAME_ENTRY) };
static const struct ikc_name exch_v2[] = { IKC_EXCHANGES_V2(NAME_ENTRY) };

const char *ikc_exchange_name(uint8_t exchange, uint32_t doi, int ikev2)
{
	if (ikev2)
		return LOOKUP(exch_v2, exchange);
	if (doi == IKC_DOI_GDOI) {
		const char *s = LOOKUP(exch_gdoi, exchange);
		if (s)
			return s;
	}
	return LOOKUP(exch_v1, exchange);
}

/* ---- DOI: RFC 2408 §3.4 (0 = ISAKMP), RFC 2407, RFC 6407. */
#define IKC_DOIS(X)                                                            \
	X(0, "ISAKMP")                                                         \
	X(1, "IPSEC")                                                          \
	X(2, "GDOI")

static const struct ikc_name doi_names[] = { IKC_DOIS(NAME_ENTRY) };

const char *ikc_doi_name(uint32_t doi)
{
	return LOOKUP(doi_names, doi);
}

/* ---- Protocol ids: RFC 2407 §4.4.1. */
#define IKC_PROTOCOLS(X)                                                       \
	X(1, "PROTO_ISAKMP")                                                   \
	X(2, "PROTO_IPSEC_AH")                                                 \
	X(3, "PROTO_IPSEC_ESP")                                                \
	X(4, "PROTO_IPCOMP")

static const struct ikc_name protocol_names[] = { IKC_PROTOCOLS(NAME_ENTRY) };

const char *ikc_protocol_name(uint8_t protoid)
{
	return LOOKUP(protocol_names, protoid);
}

/* ---- Transform ids.  ISAKMP: RFC 2407 §4.4.2. */
#define IKC_TR_ISAKMP(X) X(1, "KEY_IKE")

/* AH: RFC 2407 §4.4.3 + IANA (RFC 4868, 3566, 4359, 4543). */
#define IKC_TR_AH(X)                                                           \
	X(2, "AH_MD5")                                                         \
	X(3, "AH_SHA")                                                         \
	X(4, "AH_DES")                                                         \
	X(5, "AH_SHA2-256")                                                    \
	X(6, "AH_SHA2-384")                                                    \
	X(7, "AH_SHA2-512")                                                    \
	X(8, "AH_RIPEMD")                                                      \
	X(9, "AH_AES-XCBC-MAC")                                                \
	X(10, "AH_RSA")                                                        \
	X(11, "AH_AES-128-GMAC")                                               \
	X(12, "AH_AES-192-GMAC")                                               \
	X(13, "AH_AES-256-GMAC")

/* ESP: RFC 2407 §4.4.4 + IANA (RFC 3602 AES-CBC, 3686 CTR, 4309 CCM,
 * 4106 GCM, 4196 SEED, 4312 Camellia, 4543 GMAC). */
#define IKC_TR_ESP(X)                                                          \
	X(1, "ESP_DES_IV64")                                                   \
	X(2, "ESP_DES")                                                        \
	X(3, "ESP_3DES")                                                       \
	X(4, "ESP_RC5")                                                        \
	X(5, "ESP_IDEA")                                                       \
	X(6, "ESP_CAST")                                                       \
	X(7, "ESP_BLOWFISH")                                                   \
	X(8, "ESP_3IDEA")                                                      \
	X(9, "ESP_DES_IV32")                                                   \
	X(10, "ESP_RC4")                                                       \
	X(11, "ESP_NULL")                                                      \
	X(12, "ESP_AES")            /* AES-CBC */                              \
	X(13, "ESP_AES-CTR")                                                   \
	X(14, "ESP_AES-CCM_8")                                                 \
	X(15, "ESP_AES-CCM_12")                                                \
	X(16, "ESP_AES-CCM_16")                                                \
	X(18, "ESP_AES-GCM_8")      /* 8-octet ICV */                          \
	X(19, "ESP_AES-GCM_12")                                                \
	X(20, "ESP_AES-GCM_16")                                                \
	X(21, "ESP_SEED_CBC")                                                  \
	X(22, "ESP_CAMELLIA")                                                  \
	X(23, "ESP_NULL_AUTH_AES-GMAC")

/* IPCOMP: RFC 2407 §4.4.5 + IANA (RFC 2395 LZS, 3051 LZJH). */
#define IKC_TR_IPCOMP(X)                                                       \
	X(1, "IPCOMP_OUI")                                                     \
	X(2, "IPCOMP_DEFLATE")                                                 \
	X(3, "IPCOMP_LZS")                                                     \
	X(4, "IPCOMP_LZJH")

static const struct ikc_name tr_isakmp[] = { IKC_TR_ISAKMP(NAME_ENTRY) };
static const struct ikc_name tr_ah[] = { IKC_TR_AH(NAME_ENTRY) };
static const struct ikc_name tr_esp[] = { IKC_TR_ESP(NAME_ENTRY) };
static const struct ikc_name tr_ipcomp[] = { IKC_TR_IPCOMP(NAME_ENTRY) };

const char *ikc_transform_id_name(uint8_t protoid, uint8_t id)
{
	switch (protoid) { /* four registries, one per protocol id */
	case IKC_PROTO_ISAKMP:
		return LOOKUP(tr_isakmp, id);
	case IKC_PROTO_AH:
		return LOOKUP(tr_ah, id);
	case IKC_PROTO_ESP:
		return LOOKUP(tr_esp, id);
	case IKC_PROTO_IPCOMP:
		return LOOKUP(tr_ipcomp, id);
	default:
		return NULL;
	}
}

/* ---- ID types: RFC 2407 §4.6.2.1 (ID_ prefix dropped, as Wireshark). */
#define IKC_ID_TYPES(X)                                                        \
	X(1, "IPV4_ADDR")                                                      \
	X(2, "FQDN")                                                           \
	X(3, "USER_FQDN")                                                      \
	X(4, "IPV4_ADDR_SUBNET")                                               \
	X(5, "IPV6_ADDR")                                                      \
	X(6, "IPV6_ADDR_SUBNET")                                               \
	X(7, "IPV4_ADDR_RANGE")                                                \
	X(8, "IPV6_ADDR_RANGE")                                                \
	X(9, "DER_ASN1_DN")                                                    \
	X(10, "DER_ASN1_GN")                                                   \
	X(11, "KEY_ID")                                                        \
	X(12, "LIST")                  /* RFC 3554 */

static const struct ikc_name id_type_names[] = { IKC_ID_TYPES(NAME_ENTRY) };

const char *ikc_id_type_name(uint8_t type)
{
	return LOOKUP(id_type_names, type);
}

/* ---- Certificate encodings: RFC 2408 §3.9 (RFC wording). */
#define IKC_CERT_ENCODINGS(X)                                                  \
	X(0, "NONE")                                                           \
	X(1, "PKCS #7 wrapped X.509 certificate")                              \
	X(2, "PGP Certificate")                                                \
	X(3, "DNS Signed Key")                                                 \
	X(4, "X.509 Certificate - Signature")                                  \
	X(5, "X.509 Certificate - Key Exchange")                               \
	X(6, "Kerberos Tokens")                                                \
	X(7, "Certificate Revocation List (CRL)")                              \
	X(8, "Authority Revocation List (ARL)")                                \
	X(9, "SPKI Certificate")                                               \
	X(10, "X.509 Certificate - Attribute")

static const struct ikc_name cert_names[] = { IKC_CERT_ENCODINGS(NAME_ENTRY) };

const char *ikc_cert_encoding_name(uint8_t enc)
{
	return LOOKUP(cert_names, enc);
}

/* ---- Notify message types.  1-30 and 16384: RFC 2408 §3.14.1; 24576-24578:
 * RFC 2407 §4.6.3; 36136/36137: RFC 3706 §5; 40501 Cisco Unity load balance
 * (Wireshark and strongSwan agree); 40503 Cisco Unity group hash (Wireshark
 * "UNITY-GROUP-HASH", Mocana NanoSec "PRESHARED_KEY_HASH": same number, same
 * meaning). */
#define IKC_NOTIFIES(X)                                                        \
	X(1, "INVALID-PAYLOAD-TYPE")                                           \
	X(2, "DOI-NOT-SUPPORTED")                                              \
	X(3, "SITUATION-NOT-SUPPORTED")                                        \
	X(4, "INVALID-COOKIE")                                                 \
	X(5, "INVALID-MAJOR-VERSION")                                          \
	X(6, "INVALID-MINOR-VERSION")                                          \
	X(7, "INVALID-EXCHANGE-TYPE")                                          \
	X(8, "INVALID-FLAGS")                                                  \
	X(9, "INVALID-MESSAGE-ID")                                             \
	X(10, "INVALID-PROTOCOL-ID")                                           \
	X(11, "INVALID-SPI")                                                   \
	X(12, "INVALID-TRANSFORM-ID")                                          \
	X(13, "ATTRIBUTES-NOT-SUPPORTED")                                      \
	X(14, "NO-PROPOSAL-CHOSEN")                                            \
	X(15, "BAD-PROPOSAL-SYNTAX")                                           \
	X(16, "PAYLOAD-MALFORMED")                                             \
	X(17, "INVALID-KEY-INFORMATION")                                       \
	X(18, "INVALID-ID-INFORMATION")                                        \
	X(19, "INVALID-CERT-ENCODING")                                         \
	X(20, "INVALID-CERTIFICATE")                                           \
	X(21, "CERT-TYPE-UNSUPPORTED")                                         \
	X(22, "INVALID-CERT-AUTHORITY")                                        \
	X(23, "INVALID-HASH-INFORMATION")                                      \
	X(24, "AUTHENTICATION-FAILED")                                         \
	X(25, "INVALID-SIGNATURE")                                             \
	X(26, "ADDRESS-NOTIFICATION")                                          \
	X(27, "NOTIFY-SA-LIFETIME")                                            \
	X(28, "CERTIFICATE-UNAVAILABLE")                                       \
	X(29, "UNSUPPORTED-EXCHANGE-TYPE")                                     \
	X(30, "UNEQUAL-PAYLOAD-LENGTHS")                                       \
	X(16384, "CONNECTED")                                                  \
	X(24576, "RESPONDER-LIFETIME")                                         \
	X(24577, "REPLAY-STATUS")                                              \
	X(24578, "INITIAL-CONTACT")                                            \
	X(36136, "R-U-THERE")                                                  \
	X(36137, "R-U-THERE-ACK")                                              \
	X(40501, "UNITY-LOAD-BALANCE")                                         \
	X(40503, "UNITY-GROUP-HASH")

static const struct ikc_name notify_names[] = { IKC_NOTIFIES(NAME_ENTRY) };

const char *ikc_notify_name(uint16_t type)
{
	return LOOKUP(notify_names, type);
}

/* ---- Mode Config message types: draft-dukes-ike-mode-cfg §3.2. */
#define IKC_MODECFG_TYPES(X)                                                   \
	X(1, "ISAKMP_CFG_REQUEST")                                             \
	X(2, "ISAKMP_CFG_REPLY")                                               \
	X(3, "ISAKMP_CFG_SET")                                                 \
	X(4, "ISAKMP_CFG_ACK")

static const struct ikc_name modecfg_type_names[] = { IKC_MODECFG_TYPES(NAME_ENTRY) };

const char *ikc_modecfg_type_name(uint8_t type)
{
	return LOOKUP(modecfg_type_names, type);
}

/* ================= Attribute value tables ================= */

/* Life Type: RFC 2409 App. A and RFC 2407 §4.5 (same numbers). */
#define IKC_LIFE_TYPES(X)                                                      \
	X(1, "seconds")                                                        \
	X(2, "kilobytes")

/* Group Description: RFC 2409 §6 + App. A, RFC 3526, RFC 5903, RFC 5114,
 * RFC 6932, RFC 8031 (IANA "Group Description"). */
#define IKC_GROUPS(X)                                                          \
	X(1, "768-bit MODP group")                                             \
	X(2, "1024-bit MODP group")                                            \
	X(3, "EC2N group on GP[2^155]")                                        \
	X(4, "EC2N group on GP[2^185]")                                        \
	X(5, "1536-bit MODP group")                                            \
	X(6, "EC2N group over GF[2^163]")                                      \
	X(7, "EC2N group over GF[2^163]")                                      \
	X(8, "EC2N group over GF[2^283]")                                      \
	X(9, "EC2N group over GF[2^283]")                                      \
	X(10, "EC2N group over GF[2^409]")                                     \
	X(11, "EC2N group over GF[2^409]")                                     \
	X(12, "EC2N group over GF[2^571]")                                     \
	X(13, "EC2N group over GF[2^571]")                                     \
	X(14, "2048-bit MODP group")                                           \
	X(15, "3072-bit MODP group")                                           \
	X(16, "4096-bit MODP group")                                           \
	X(17, "6144-bit MODP group")                                           \
	X(18, "8192-bit MODP group")                                           \
	X(19, "256-bit random ECP group")                                      \
	X(20, "384-bit random ECP group")                                      \
	X(21, "521-bit random ECP group")                                      \
	X(22, "1024-bit MODP group with 160-bit prime order subgroup")         \
	X(23, "2048-bit MODP group with 224-bit prime order subgroup")         \
	X(24, "2048-bit MODP group with 256-bit prime order subgroup")         \
	X(25, "192-bit random ECP group")                                      \
	X(26, "224-bit random ECP group")                                      \
	X(27, "224-bit Brainpool ECP group")                                   \
	X(28, "256-bit Brainpool ECP group")                                   \
	X(29, "384-bit Brainpool ECP group")                                   \
	X(30, "512-bit Brainpool ECP group")                                   \
	X(31, "Curve25519")                                                    \
	X(32, "Curve448")

/* RFC 2409 App. A encryption algorithm; 7 RFC 3602, 8 RFC 4312. */
#define IKC_IKE_ENCR(X)                                                        \
	X(1, "DES-CBC")                                                        \
	X(2, "IDEA-CBC")                                                       \
	X(3, "Blowfish-CBC")                                                   \
	X(4, "RC5-R16-B64-CBC")                                                \
	X(5, "3DES-CBC")                                                       \
	X(6, "CAST-CBC")                                                       \
	X(7, "AES-CBC")                                                        \
	X(8, "CAMELLIA-CBC")

/* RFC 2409 App. A hash algorithm; 4-6 RFC 4878/IANA. */
#define IKC_IKE_HASH(X)                                                        \
	X(1, "MD5")                                                            \
	X(2, "SHA")                                                            \
	X(3, "Tiger")                                                          \
	X(4, "SHA2-256")                                                       \
	X(5, "SHA2-384")                                                       \
	X(6, "SHA2-512")

/* RFC 2409 App. A auth method; 9-11 RFC 4754; 64221-65010 from
 * draft-ietf-ipsec-isakmp-hybrid-auth / draft-beaulieu-ike-xauth (private
 * range; Wireshark and strongSwan use the same numbers). */
#define IKC_IKE_AUTH(X)                                                        \
	X(1, "pre-shared key")                                                 \
	X(2, "DSS signatures")                                                 \
	X(3, "RSA signatures")                                                 \
	X(4, "Encryption with RSA")                                            \
	X(5, "Revised encryption with RSA")                                    \
	X(9, "ECDSA with SHA-256 on the P-256 curve")                          \
	X(10, "ECDSA with SHA-384 on the P-384 curve")                         \
	X(11, "ECDSA with SHA-512 on the P-521 curve")                         \
	X(64221, "HybridInitRSA")                                              \
	X(64222, "HybridRespRSA")                                              \
	X(64223, "HybridInitDSS")                                              \
	X(64224, "HybridRespDSS")                                              \
	X(65001, "XAUTHInitPreShared")                                         \
	X(65002, "XAUTHRespPreShared")                                         \
	X(65003, "XAUTHInitDSS")                                               \
	X(65004, "XAUTHRespDSS")                                               \
	X(65005, "XAUTHInitRSA")                                               \
	X(65006, "XAUTHRespRSA")                                               \
	X(65007, "XAUTHInitRSAEncryption")                                     \
	X(65008, "XAUTHRespRSAEncryption")                                     \
	X(65009, "XAUTHInitRSARevisedEncryption")                              \
	X(65010, "XAUTHRespRSARevisedEncryption")

#define IKC_IKE_GROUP_TYPE(X)                                                  \
	X(1, "MODP")                                                           \
	X(2, "ECP")                                                            \
	X(3, "EC2N")

static const struct ikc_name v_life[] = { IKC_LIFE_TYPES(NAME_ENTRY) };
static const struct ikc_name v_group[] = { IKC_GROUPS(NAME_ENTRY) };
static const struct ikc_name v_ike_encr[] = { IKC_IKE_ENCR(NAME_ENTRY) };
static const struct ikc_name v_ike_hash[] = { IKC_IKE_HASH(NAME_ENTRY) };
static const struct ikc_name v_ike_auth[] = { IKC_IKE_AUTH(NAME_ENTRY) };
static const struct ikc_name v_ike_gtype[] = { IKC_IKE_GROUP_TYPE(NAME_ENTRY) };

/* IPsec DOI §4.5 Encapsulation Mode; 3/4 RFC 3947; 61443/61444 the values of
 * draft-ietf-ipsec-nat-t-ike-00..08 (private range). */
#define IKC_IPSEC_ENCAP(X)                                                     \
	X(1, "Tunnel")                                                         \
	X(2, "Transport")                                                      \
	X(3, "UDP-Encapsulated-Tunnel")                                        \
	X(4, "UDP-Encapsulated-Transport")                                     \
	X(61443, "UDP-Encapsulated-Tunnel (draft)")                            \
	X(61444, "UDP-Encapsulated-Transport (draft)")

/* §4.5 Authentication Algorithm + IANA (RFC 4868, 3566, 4359, 4543). */
#define IKC_IPSEC_AUTH(X)                                                      \
	X(1, "HMAC-MD5")                                                       \
	X(2, "HMAC-SHA")                                                       \
	X(3, "DES-MAC")                                                        \
	X(4, "KPDK")                                                           \
	X(5, "HMAC-SHA2-256")                                                  \
	X(6, "HMAC-SHA2-384")                                                  \
	X(7, "HMAC-SHA2-512")                                                  \
	X(8, "HMAC-RIPEMD")                                                    \
	X(9, "AES-XCBC-MAC")                                                   \
	X(10, "SIG-RSA")                                                       \
	X(11, "AES-128-GMAC")                                                  \
	X(12, "AES-192-GMAC")                                                  \
	X(13, "AES-256-GMAC")

#define IKC_IPSEC_ECN(X)    X(1, "Allowed") X(2, "Forbidden")        /* RFC 3168 */
#define IKC_IPSEC_ESN(X)    X(1, "64-bit Sequence Number")           /* RFC 4304 */
#define IKC_IPSEC_SIGENC(X) X(1, "RSASSA-PKCS1-v1_5") X(2, "RSASSA-PSS") /* RFC 4359 */
#define IKC_IPSEC_ADDRPRES(X)                                   /* RFC 6407 */ \
	X(1, "None")                                                           \
	X(2, "Source-Only")                                                    \
	X(3, "Destination-Only")                                               \
	X(4, "Source-and-Destination")
#define IKC_IPSEC_SADIR(X)                                      /* RFC 6407 */ \
	X(1, "Sender-Only")                                                    \
	X(2, "Receiver-Only")                                                  \
	X(3, "Symmetric")

static const struct ikc_name v_encap[] = { IKC_IPSEC_ENCAP(NAME_ENTRY) };
static const struct ikc_name v_ipsec_auth[] = { IKC_IPSEC_AUTH(NAME_ENTRY) };
static const struct ikc_name v_ecn[] = { IKC_IPSEC_ECN(NAME_ENTRY) };
static const struct ikc_name v_esn[] = { IKC_IPSEC_ESN(NAME_ENTRY) };
static const struct ikc_name v_sigenc[] = { IKC_IPSEC_SIGENC(NAME_ENTRY) };
static const struct ikc_name v_addrpres[] = { IKC_IPSEC_ADDRPRES(NAME_ENTRY) };
static const struct ikc_name v_sadir[] = { IKC_IPSEC_SADIR(NAME_ENTRY) };

/* XAUTH_TYPE / XAUTH_STATUS values: draft-beaulieu-ike-xauth-02 §6.1. */
#define IKC_XAUTH_TYPE(X)                                                      \
	X(0, "Generic")                                                        \
	X(1, "RADIUS-CHAP")                                                    \
	X(2, "OTP")                                                            \
	X(3, "S/KEY")
#define IKC_XAUTH_STATUS(X) X(0, "FAIL") X(1, "OK")

static const struct ikc_name v_xauth_type[] = { IKC_XAUTH_TYPE(NAME_ENTRY) };
static const struct ikc_name v_xauth_status[] = { IKC_XAUTH_STATUS(NAME_ENTRY) };

/* GDOI KEK values: RFC 6407 §5.3.3 (the RFC's own symbols). */
#define IKC_KEK_MGMT(X) X(1, "LKH")
#define IKC_KEK_ALG(X)                                                         \
	X(1, "KEK_ALG_DES")                                                    \
	X(2, "KEK_ALG_3DES")                                                   \
	X(3, "KEK_ALG_AES")
#define IKC_SIG_HASH(X)                                                        \
	X(1, "SIG_HASH_MD5")                                                   \
	X(2, "SIG_HASH_SHA1")                                                  \
	X(3, "SIG_HASH_SHA256")                                                \
	X(4, "SIG_HASH_SHA384")                                                \
	X(5, "SIG_HASH_SHA512")
#define IKC_SIG_ALG(X)                                                         \
	X(1, "SIG_ALG_RSA")                                                    \
	X(2, "SIG_ALG_DSS")                                                    \
	X(3, "SIG_ALG_ECDSS")                                                  \
	X(4, "SIG_ALG_ECDSA_256")                                              \
	X(5, "SIG_ALG_ECDSA_384")                                              \
	X(6, "SIG_ALG_ECDSA_521")

static const struct ikc_name v_kek_mgmt[] = { IKC_KEK_MGMT(NAME_ENTRY) };
static const struct ikc_name v_kek_alg[] = { IKC_KEK_ALG(NAME_ENTRY) };
static const struct ikc_name v_sig_hash[] = { IKC_SIG_HASH(NAME_ENTRY) };
static const struct ikc_name v_sig_alg[] = { IKC_SIG_ALG(NAME_ENTRY) };

/* ================= Attribute type tables ================= */

struct ikc_attr_desc {
	uint16_t type;
	const char *name;
	const struct ikc_name *values; /* NULL: the value is a number */
	size_t nvalues;
};

#define NOV NULL, 0
#define VT(t) (t), COUNT(t)

/* RFC 2409 App. A (Oakley attribute classes), RFC wording. */
#define IKC_ATTRS_IKE_LIST(X)                                                  \
	X(1, "Encryption Algorithm", VT(v_ike_encr))                           \
	X(2, "Hash Algorithm", VT(v_ike_hash))                                 \
	X(3, "Authentication Method", VT(v_ike_auth))                          \
	X(4, "Group Description", VT(v_group))                                 \
	X(5, "Group Type", VT(v_ike_gtype))                                    \
	X(6, "Group Prime/Irreducible Polynomial", NOV)                        \
	X(7, "Group Generator One", NOV)                                       \
	X(8, "Group Generator Two", NOV)                                       \
	X(9, "Group Curve A", NOV)                                             \
	X(10, "Group Curve B", NOV)                                            \
	X(11, "Life Type", VT(v_life))                                         \
	X(12, "Life Duration", NOV)                                            \
	X(13, "PRF", NOV)                  /* no IKEv1 PRF values assigned */  \
	X(14, "Key Length", NOV)                                               \
	X(15, "Field Size", NOV)                                               \
	X(16, "Group Order", NOV)

/* RFC 2407 §4.5 + IANA "IPSEC Security Association Attributes". */
#define IKC_ATTRS_IPSEC_LIST(X)                                                \
	X(1, "SA Life Type", VT(v_life))                                       \
	X(2, "SA Life Duration", NOV)                                          \
	X(3, "Group Description", VT(v_group))                                 \
	X(4, "Encapsulation Mode", VT(v_encap))                                \
	X(5, "Authentication Algorithm", VT(v_ipsec_auth))                     \
	X(6, "Key Length", NOV)                                                \
	X(7, "Key Rounds", NOV)                                                \
	X(8, "Compress Dictionary Size", NOV)                                  \
	X(9, "Compress Private Algorithm", NOV)                                \
	X(10, "ECN Tunnel", VT(v_ecn))                                         \
	X(11, "Extended (64-bit) Sequence Number", VT(v_esn))                  \
	X(12, "Authentication Key Length", NOV)                                \
	X(13, "Signature Encoding Algorithm", VT(v_sigenc))                    \
	X(14, "Address Preservation", VT(v_addrpres))                          \
	X(15, "SA Direction", VT(v_sadir))

/* draft-dukes-ike-mode-cfg §3.3 (1-15), draft-beaulieu-ike-xauth §6.1
 * (16520-16529), Cisco Unity (28672-28682; Wireshark and strongSwan agree on
 * the numbers, Wireshark's words). */
#define IKC_ATTRS_MODECFG_LIST(X)                                              \
	X(1, "INTERNAL_IP4_ADDRESS", NOV)                                      \
	X(2, "INTERNAL_IP4_NETMASK", NOV)                                      \
	X(3, "INTERNAL_IP4_DNS", NOV)                                          \
	X(4, "INTERNAL_IP4_NBNS", NOV)                                         \
	X(5, "INTERNAL_ADDRESS_EXPIRY", NOV)                                   \
	X(6, "INTERNAL_IP4_DHCP", NOV)                                         \
	X(7, "APPLICATION_VERSION", NOV)                                       \
	X(8, "INTERNAL_IP6_ADDRESS", NOV)                                      \
	X(9, "INTERNAL_IP6_NETMASK", NOV)                                      \
	X(10, "INTERNAL_IP6_DNS", NOV)                                         \
	X(11, "INTERNAL_IP6_NBNS", NOV)                                        \
	X(12, "INTERNAL_IP6_DHCP", NOV)                                        \
	X(13, "INTERNAL_IP4_SUBNET", NOV)                                      \
	X(14, "SUPPORTED_ATTRIBUTES", NOV)                                     \
	X(15, "INTERNAL_IP6_SUBNET", NOV)                                      \
	X(16520, "XAUTH_TYPE", VT(v_xauth_type))                               \
	X(16521, "XAUTH_USER_NAME", NOV)                                       \
	X(16522, "XAUTH_USER_PASSWORD", NOV)                                   \
	X(16523, "XAUTH_PASSCODE", NOV)                                        \
	X(16524, "XAUTH_MESSAGE", NOV)                                         \
	X(16525, "XAUTH_CHALLENGE", NOV)                                       \
	X(16526, "XAUTH_DOMAIN", NOV)                                          \
	X(16527, "XAUTH_STATUS", VT(v_xauth_status))                           \
	X(16528, "XAUTH_NEXT_PIN", NOV)                                        \
	X(16529, "XAUTH_ANSWER", NOV)                                          \
	X(28672, "UNITY_BANNER", NOV)                                          \
	X(28673, "UNITY_SAVE_PASSWD", NOV)                                     \
	X(28674, "UNITY_DEF_DOMAIN", NOV)                                      \
	X(28675, "UNITY_SPLIT_DOMAIN", NOV)                                    \
	X(28676, "UNITY_SPLIT_INCLUDE", NOV)                                   \
	X(28677, "UNITY_NATT_PORT", NOV)                                       \
	X(28678, "UNITY_SPLIT_EXCLUDE", NOV)                                   \
	X(28679, "UNITY_PFS", NOV)                                             \
	X(28680, "UNITY_FW_TYPE", NOV)                                         \
	X(28681, "UNITY_BACKUP_SERVERS", NOV)                                  \
	X(28682, "UNITY_DDNS_HOSTNAME", NOV)

/* RFC 6407 §5.3.3 SA KEK attributes. */
#define IKC_ATTRS_KEK_LIST(X)                                                  \
	X(1, "KEK_MANAGEMENT_ALGORITHM", VT(v_kek_mgmt))                       \
	X(2, "KEK_ALGORITHM", VT(v_kek_alg))                                   \
	X(3, "KEK_KEY_LENGTH", NOV)                                            \
	X(4, "KEK_KEY_LIFETIME", NOV)                                          \
	X(5, "SIG_HASH_ALGORITHM", VT(v_sig_hash))                             \
	X(6, "SIG_ALGORITHM", VT(v_sig_alg))                                   \
	X(7, "SIG_KEY_LENGTH", NOV)

/* RFC 6407 §5.6.1: key packet attributes of the TEK download type.  KEK, LKH
 * and SID key packets (§5.6.2-5.6.4) reuse 1..3 for other things; they need
 * their own spaces (see report) and are deliberately not named here. */
#define IKC_ATTRS_KD_LIST(X)                                                   \
	X(1, "TEK_ALGORITHM_KEY", NOV)                                         \
	X(2, "TEK_INTEGRITY_KEY", NOV)                                         \
	X(3, "TEK_SOURCE_AUTH_KEY", NOV)

/* RFC 6407 §5.8 GAP attributes. */
#define IKC_ATTRS_GAP_LIST(X)                                                  \
	X(1, "ACTIVATION_TIME_DELAY", NOV)                                     \
	X(2, "DEACTIVATION_TIME_DELAY", NOV)                                   \
	X(3, "SENDER_ID_REQUEST", NOV)

#define ATTR_X(v, s, ...) { (v), (s), __VA_ARGS__ },
static const struct ikc_attr_desc attrs_ike[] = { IKC_ATTRS_IKE_LIST(ATTR_X) };
static const struct ikc_attr_desc attrs_ipsec[] = { IKC_ATTRS_IPSEC_LIST(ATTR_X) };
static const struct ikc_attr_desc attrs_modecfg[] = { IKC_ATTRS_MODECFG_LIST(ATTR_X) };
static const struct ikc_attr_desc attrs_kek[] = { IKC_ATTRS_KEK_LIST(ATTR_X) };
static const struct ikc_attr_desc attrs_kd[] = { IKC_ATTRS_KD_LIST(ATTR_X) };
static const struct ikc_attr_desc attrs_gap[] = { IKC_ATTRS_GAP_LIST(ATTR_X) };

/* One row per name space, indexed by enum ikc_attr_space. */
static const struct {
	const struct ikc_attr_desc *t;
	size_t n;
} attr_spaces[] = {
	[IKC_ATTRS_IKE] = { attrs_ike, COUNT(attrs_ike) },
	[IKC_ATTRS_IPSEC] = { attrs_ipsec, COUNT(attrs_ipsec) },
	[IKC_ATTRS_MODECFG] = { attrs_modecfg, COUNT(attrs_modecfg) },
	[IKC_ATTRS_GDOI_KEK] = { attrs_kek, COUNT(attrs_kek) },
	[IKC_ATTRS_GDOI_KD] = { attrs_kd, COUNT(attrs_kd) },
	[IKC_ATTRS_GAP] = { attrs_gap, COUNT(attrs_gap) },
};

static const struct ikc_attr_desc *attr_desc(enum ikc_attr_space space, uint16_t type)
{
	size_t s = (size_t)space, i;

	if (s >= COUNT(attr_spaces) || attr_spaces[s].t == NULL)
		return NULL;
	for (i = 0; i < attr_spaces[s].n; i++)
		if (attr_spaces[s].t[i].type == type)
			return &attr_spaces[s].t[i];
	return NULL;
}

const char *ikc_attr_type_name(enum ikc_attr_space space, uint16_t type)
{
	const struct ikc_attr_desc *d = attr_desc(space, type);

	return d ? d->name : NULL;
}

const char *ikc_attr_value_name(enum ikc_attr_space space, uint16_t type, uint32_t value)
{
	const struct ikc_attr_desc *d = attr_desc(space, type);

	if (d == NULL || d->values == NULL)
		return NULL;
	return lookup(d->values, d->nvalues, value);
}

int ikc_attr_is_enum(enum ikc_attr_space space, uint16_t type)
{
	const struct ikc_attr_desc *d = attr_desc(space, type);

	return d != NULL && d->values != NULL;
}

const char *ikc_name_or_num(const char *name, uint32_t value, char *buf, size_t bufsz)
{
	if (name != NULL)
		return name;
	if (buf == NULL || bufsz == 0)
		return "#?";
	(void)snprintf(buf, bufsz, "#%lu", (unsigned long)value);
	return buf;
}

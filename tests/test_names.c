/* test_names.c - name tables and Vendor IDs.
 *
 * Expected values come from the RFC tables (RFC 2407, 2408, 2409, 3706, 3947,
 * 6407), from tshark 4.0 (`tshark -G values`, and tshark's isakmp.vid_string on
 * the lab captures and the corpus), and from the VIDs in
 * /work/shared/lab/ * /truth.json; never from ikecap's own output.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "../decoders/names.h"

/* hex string -> bytes; test helper only */
static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (h[0] && h[1] && n < cap) {
		unsigned v = 0;
		for (int i = 0; i < 2; i++) {
			char c = h[i];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
		}
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

static const char *vid(const char *hex)
{
	static uint8_t buf[256]; /* test-only scratch */
	size_t n = unhex(hex, buf, sizeof buf);
	return ikc_vendor_id_name(buf, n);
}

/* ---------------- payload and exchange types ---------------- */

Test(names, payload_types_rfc2408)
{
	/* RFC 2408 §3.1 Next Payload Types */
	cr_assert_str_eq(ikc_payload_name(1, 1), "SA");
	cr_assert_str_eq(ikc_payload_name(4, 1), "KE");
	cr_assert_str_eq(ikc_payload_name(10, 1), "NONCE");
	cr_assert_str_eq(ikc_payload_name(13, 1), "VID");
	cr_assert_str_eq(ikc_payload_name(14, 1), "ATTR");
	/* RFC 3947 and its drafts; Cisco/strongSwan fragment */
	cr_assert_str_eq(ikc_payload_name(20, 1), "NAT-D");
	cr_assert_str_eq(ikc_payload_name(21, 1), "NAT-OA");
	cr_assert_not_null(ikc_payload_name(130, 1));
	cr_assert_not_null(ikc_payload_name(131, 1));
	cr_assert_str_eq(ikc_payload_name(132, 1), "FRAG");
	cr_assert_null(ikc_payload_name(23, 1));
	cr_assert_null(ikc_payload_name(129, 1));
	cr_assert_null(ikc_payload_name(255, 1));
}

Test(names, payload_types_gdoi_vs_ipsec)
{
	/* RFC 6407 §5: 15 SAK, 16 SAT, 17 KD, 18 SEQ, 19 POP, 22 GAP */
	cr_assert_str_eq(ikc_payload_name(15, 2), "SAK");
	cr_assert_str_eq(ikc_payload_name(16, 2), "SAT");
	cr_assert_str_eq(ikc_payload_name(17, 2), "KD");
	cr_assert_str_eq(ikc_payload_name(18, 2), "SEQ");
	cr_assert_str_eq(ikc_payload_name(19, 2), "POP");
	cr_assert_str_eq(ikc_payload_name(22, 2), "GAP");
	/* 22 has no meaning under the IPsec DOI */
	cr_assert_null(ikc_payload_name(22, 1));
	cr_assert_null(ikc_payload_name(22, 0));
	/* NAT-D keeps its number whatever the DOI */
	cr_assert_str_eq(ikc_payload_name(20, 2), "NAT-D");
}

Test(names, ikev2_payloads)
{
	/* RFC 7296 §3.2 */
	cr_assert_str_eq(ikc_ikev2_payload_name(33), "SA");
	cr_assert_str_eq(ikc_ikev2_payload_name(35), "IDi");
	cr_assert_str_eq(ikc_ikev2_payload_name(46), "SK");
	cr_assert_str_eq(ikc_ikev2_payload_name(53), "SKF");
	cr_assert_not_null(ikc_ikev2_payload_name(54));
	cr_assert_null(ikc_ikev2_payload_name(1));
	cr_assert_null(ikc_ikev2_payload_name(55));
}

Test(names, exchange_types_match_wireshark)
{
	/* `tshark -G values | grep isakmp.exchangetype` */
	cr_assert_str_eq(ikc_exchange_name(1, 1, 0), "Base");
	cr_assert_str_eq(ikc_exchange_name(2, 1, 0), "Identity Protection (Main Mode)");
	cr_assert_str_eq(ikc_exchange_name(3, 1, 0), "Authentication Only");
	cr_assert_str_eq(ikc_exchange_name(4, 1, 0), "Aggressive");
	cr_assert_str_eq(ikc_exchange_name(5, 1, 0), "Informational");
	cr_assert_str_eq(ikc_exchange_name(6, 1, 0), "Transaction (Config Mode)");
	cr_assert_str_eq(ikc_exchange_name(32, 1, 0), "Quick Mode");
	cr_assert_str_eq(ikc_exchange_name(33, 1, 0), "New Group Mode");
	cr_assert_str_eq(ikc_exchange_name(34, 0, 1), "IKE_SA_INIT");
	cr_assert_str_eq(ikc_exchange_name(35, 0, 1), "IKE_AUTH");
	cr_assert_str_eq(ikc_exchange_name(36, 0, 1), "CREATE_CHILD_SA");
	cr_assert_str_eq(ikc_exchange_name(37, 0, 1), "INFORMATIONAL");
}

Test(names, exchange_types_gdoi)
{
	/* RFC 6407 §3 / §4 */
	cr_assert_str_eq(ikc_exchange_name(32, 2, 0), "GROUPKEY-PULL");
	cr_assert_str_eq(ikc_exchange_name(33, 2, 0), "GROUPKEY-PUSH");
	/* phase 1 under GDOI is still Main/Aggressive Mode */
	cr_assert_str_eq(ikc_exchange_name(2, 2, 0), "Identity Protection (Main Mode)");
	/* IKEv1 with 34: not an IKEv1 exchange; IKEv2 with 2: not IKEv2 */
	cr_assert_null(ikc_exchange_name(34, 1, 0));
	cr_assert_null(ikc_exchange_name(2, 1, 1));
	cr_assert_null(ikc_exchange_name(7, 1, 0));
	cr_assert_null(ikc_exchange_name(255, 2, 0));
}

Test(names, doi_protocol)
{
	cr_assert_str_eq(ikc_doi_name(0), "ISAKMP");
	cr_assert_str_eq(ikc_doi_name(1), "IPSEC");
	cr_assert_str_eq(ikc_doi_name(2), "GDOI");
	cr_assert_null(ikc_doi_name(3));
	cr_assert_null(ikc_doi_name(0xffffffffu));
	/* RFC 2407 §4.4.1 */
	cr_assert_str_eq(ikc_protocol_name(1), "PROTO_ISAKMP");
	cr_assert_str_eq(ikc_protocol_name(2), "PROTO_IPSEC_AH");
	cr_assert_str_eq(ikc_protocol_name(3), "PROTO_IPSEC_ESP");
	cr_assert_str_eq(ikc_protocol_name(4), "PROTO_IPCOMP");
	cr_assert_null(ikc_protocol_name(0));
	cr_assert_null(ikc_protocol_name(5));
}

Test(names, transform_ids)
{
	/* RFC 2407 §4.4.2-4.4.5, IANA ESP transform ids */
	cr_assert_str_eq(ikc_transform_id_name(1, 1), "KEY_IKE");
	cr_assert_null(ikc_transform_id_name(1, 2));
	cr_assert_str_eq(ikc_transform_id_name(2, 2), "AH_MD5");
	cr_assert_str_eq(ikc_transform_id_name(2, 3), "AH_SHA");
	cr_assert_str_eq(ikc_transform_id_name(2, 5), "AH_SHA2-256");
	cr_assert_str_eq(ikc_transform_id_name(3, 2), "ESP_DES");
	cr_assert_str_eq(ikc_transform_id_name(3, 3), "ESP_3DES");
	cr_assert_str_eq(ikc_transform_id_name(3, 11), "ESP_NULL");
	cr_assert_str_eq(ikc_transform_id_name(3, 12), "ESP_AES");
	cr_assert_str_eq(ikc_transform_id_name(3, 13), "ESP_AES-CTR");
	cr_assert_str_eq(ikc_transform_id_name(3, 14), "ESP_AES-CCM_8");
	cr_assert_str_eq(ikc_transform_id_name(3, 18), "ESP_AES-GCM_8");
	cr_assert_str_eq(ikc_transform_id_name(3, 19), "ESP_AES-GCM_12");
	cr_assert_str_eq(ikc_transform_id_name(3, 20), "ESP_AES-GCM_16");
	cr_assert_str_eq(ikc_transform_id_name(3, 23), "ESP_NULL_AUTH_AES-GMAC");
	cr_assert_null(ikc_transform_id_name(3, 17)); /* unassigned */
	cr_assert_null(ikc_transform_id_name(3, 0));
	cr_assert_str_eq(ikc_transform_id_name(4, 2), "IPCOMP_DEFLATE");
	/* id 12 is ESP_AES only under ESP: the protocol picks the registry */
	cr_assert_null(ikc_transform_id_name(2, 23));
	cr_assert_null(ikc_transform_id_name(9, 1));
}

Test(names, id_types_and_certs)
{
	/* RFC 2407 §4.6.2.1 */
	cr_assert_str_eq(ikc_id_type_name(1), "IPV4_ADDR");
	cr_assert_str_eq(ikc_id_type_name(2), "FQDN");
	cr_assert_str_eq(ikc_id_type_name(3), "USER_FQDN");
	cr_assert_str_eq(ikc_id_type_name(4), "IPV4_ADDR_SUBNET");
	cr_assert_str_eq(ikc_id_type_name(9), "DER_ASN1_DN");
	cr_assert_str_eq(ikc_id_type_name(11), "KEY_ID");
	cr_assert_str_eq(ikc_id_type_name(12), "LIST");
	cr_assert_null(ikc_id_type_name(0));
	cr_assert_null(ikc_id_type_name(13));
	/* RFC 2408 §3.9 */
	cr_assert_str_eq(ikc_cert_encoding_name(4), "X.509 Certificate - Signature");
	cr_assert_str_eq(ikc_cert_encoding_name(7), "Certificate Revocation List (CRL)");
	cr_assert_null(ikc_cert_encoding_name(11));
}

Test(names, notify_types)
{
	/* RFC 2408 §3.14.1: every error type 1..30 is named */
	for (uint16_t t = 1; t <= 30; t++)
		cr_assert_not_null(ikc_notify_name(t), "notify %u", t);
	cr_assert_str_eq(ikc_notify_name(4), "INVALID-COOKIE");
	cr_assert_str_eq(ikc_notify_name(14), "NO-PROPOSAL-CHOSEN");
	cr_assert_str_eq(ikc_notify_name(16), "PAYLOAD-MALFORMED");
	cr_assert_str_eq(ikc_notify_name(18), "INVALID-ID-INFORMATION");
	cr_assert_str_eq(ikc_notify_name(24), "AUTHENTICATION-FAILED");
	cr_assert_str_eq(ikc_notify_name(30), "UNEQUAL-PAYLOAD-LENGTHS");
	cr_assert_str_eq(ikc_notify_name(16384), "CONNECTED");
	/* RFC 2407 §4.6.3 */
	cr_assert_str_eq(ikc_notify_name(24576), "RESPONDER-LIFETIME");
	cr_assert_str_eq(ikc_notify_name(24577), "REPLAY-STATUS");
	cr_assert_str_eq(ikc_notify_name(24578), "INITIAL-CONTACT");
	/* RFC 3706 §5 */
	cr_assert_str_eq(ikc_notify_name(36136), "R-U-THERE");
	cr_assert_str_eq(ikc_notify_name(36137), "R-U-THERE-ACK");
	/* tshark isakmp.notify.msgtype, strongSwan UNITY_LOAD_BALANCE */
	cr_assert_str_eq(ikc_notify_name(40501), "UNITY-LOAD-BALANCE");
	cr_assert_null(ikc_notify_name(0));
	cr_assert_null(ikc_notify_name(31));
	cr_assert_null(ikc_notify_name(65535));
}

Test(names, modecfg_types)
{
	/* tshark isakmp.cfg.type; draft-dukes-ike-mode-cfg */
	cr_assert_str_eq(ikc_modecfg_type_name(1), "ISAKMP_CFG_REQUEST");
	cr_assert_str_eq(ikc_modecfg_type_name(2), "ISAKMP_CFG_REPLY");
	cr_assert_str_eq(ikc_modecfg_type_name(3), "ISAKMP_CFG_SET");
	cr_assert_str_eq(ikc_modecfg_type_name(4), "ISAKMP_CFG_ACK");
	cr_assert_null(ikc_modecfg_type_name(0));
	cr_assert_null(ikc_modecfg_type_name(5));
}

/* ---------------- attributes ---------------- */

Test(names, ike_attributes_rfc2409)
{
	/* RFC 2409 App. A */
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IKE, 1), "Encryption Algorithm");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IKE, 3), "Authentication Method");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IKE, 12), "Life Duration");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IKE, 16), "Group Order");
	cr_assert_null(ikc_attr_type_name(IKC_ATTRS_IKE, 0));
	cr_assert_null(ikc_attr_type_name(IKC_ATTRS_IKE, 32767));

	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 1, 1), "DES-CBC");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 1, 5), "3DES-CBC");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 1, 7), "AES-CBC");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 2, 1), "MD5");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 2, 2), "SHA");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 2, 4), "SHA2-256");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 3, 1), "pre-shared key");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 3, 3), "RSA signatures");
	/* XAUTH / hybrid: tshark isakmp.ike.attr.authentication_method */
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 3, 64221), "HybridInitRSA");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 3, 65001), "XAUTHInitPreShared");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 3, 65010),
			 "XAUTHRespRSARevisedEncryption");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 4, 2), "1024-bit MODP group");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 4, 14), "2048-bit MODP group");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 4, 19), "256-bit random ECP group");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 11, 1), "seconds");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IKE, 11, 2), "kilobytes");
	cr_assert_null(ikc_attr_value_name(IKC_ATTRS_IKE, 1, 0));
	cr_assert_null(ikc_attr_value_name(IKC_ATTRS_IKE, 1, 0x10000u + 7)); /* wide value */
	/* numbers, not enums */
	cr_assert_null(ikc_attr_value_name(IKC_ATTRS_IKE, 12, 28800));
	cr_assert_null(ikc_attr_value_name(IKC_ATTRS_IKE, 14, 128));

	cr_assert(ikc_attr_is_enum(IKC_ATTRS_IKE, 1));
	cr_assert(ikc_attr_is_enum(IKC_ATTRS_IKE, 4));
	cr_assert(ikc_attr_is_enum(IKC_ATTRS_IKE, 11));
	cr_assert_not(ikc_attr_is_enum(IKC_ATTRS_IKE, 12));
	cr_assert_not(ikc_attr_is_enum(IKC_ATTRS_IKE, 14));
	cr_assert_not(ikc_attr_is_enum(IKC_ATTRS_IKE, 999));
}

Test(names, ipsec_attributes_rfc2407)
{
	/* RFC 2407 §4.5 */
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IPSEC, 1), "SA Life Type");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IPSEC, 4), "Encapsulation Mode");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IPSEC, 5), "Authentication Algorithm");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IPSEC, 9), "Compress Private Algorithm");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IPSEC, 11), "Extended (64-bit) Sequence Number");
	/* the lab QMs carry Encapsulation Mode 3 (README: UDP-Encapsulated-Tunnel) */
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 4, 1), "Tunnel");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 4, 2), "Transport");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 4, 3), "UDP-Encapsulated-Tunnel");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 4, 4), "UDP-Encapsulated-Transport");
	cr_assert_not_null(ikc_attr_value_name(IKC_ATTRS_IPSEC, 4, 61443));
	cr_assert_not_null(ikc_attr_value_name(IKC_ATTRS_IPSEC, 4, 61444));
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 5, 1), "HMAC-MD5");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 5, 2), "HMAC-SHA");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 5, 5), "HMAC-SHA2-256");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_IPSEC, 1, 1), "seconds");
	/* the same number means different things in different spaces */
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IKE, 5), "Group Type");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_IPSEC, 5), "Authentication Algorithm");
	cr_assert(ikc_attr_is_enum(IKC_ATTRS_IPSEC, 4));
	cr_assert_not(ikc_attr_is_enum(IKC_ATTRS_IPSEC, 2));
	cr_assert_not(ikc_attr_is_enum(IKC_ATTRS_IPSEC, 6));
}

Test(names, modecfg_and_gdoi_attributes)
{
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_MODECFG, 1), "INTERNAL_IP4_ADDRESS");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_MODECFG, 16520), "XAUTH_TYPE");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_MODECFG, 16521), "XAUTH_USER_NAME");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_MODECFG, 16529), "XAUTH_ANSWER");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_MODECFG, 28672), "UNITY_BANNER");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_MODECFG, 16520, 1), "RADIUS-CHAP");
	cr_assert(ikc_attr_is_enum(IKC_ATTRS_MODECFG, 16527));
	cr_assert_not(ikc_attr_is_enum(IKC_ATTRS_MODECFG, 16521));

	/* RFC 6407 §5.3.3 */
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_GDOI_KEK, 1), "KEK_MANAGEMENT_ALGORITHM");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_GDOI_KEK, 2), "KEK_ALGORITHM");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_GDOI_KEK, 2, 3), "KEK_ALG_AES");
	cr_assert_str_eq(ikc_attr_value_name(IKC_ATTRS_GDOI_KEK, 6, 1), "SIG_ALG_RSA");
	cr_assert_null(ikc_attr_value_name(IKC_ATTRS_GDOI_KEK, 4, 3600));
	/* §5.6.1 TEK download, §5.8 GAP */
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_GDOI_KD, 1), "TEK_ALGORITHM_KEY");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_GDOI_KD, 2), "TEK_INTEGRITY_KEY");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_GAP, 1), "ACTIVATION_TIME_DELAY");
	cr_assert_str_eq(ikc_attr_type_name(IKC_ATTRS_GAP, 3), "SENDER_ID_REQUEST");
	cr_assert_null(ikc_attr_type_name(IKC_ATTRS_GAP, 4));
}

Test(names, attribute_space_out_of_range)
{
	/* a corrupt space value must not index past the table */
	cr_assert_null(ikc_attr_type_name((enum ikc_attr_space)6, 1));
	cr_assert_null(ikc_attr_type_name((enum ikc_attr_space)1000, 1));
	cr_assert_null(ikc_attr_value_name((enum ikc_attr_space)77, 1, 1));
	cr_assert_not(ikc_attr_is_enum((enum ikc_attr_space)-1, 1));
}

Test(names, name_or_num)
{
	char buf[16];

	cr_assert_str_eq(ikc_name_or_num("SA", 1, buf, sizeof buf), "SA");
	cr_assert_str_eq(ikc_name_or_num(NULL, 99, buf, sizeof buf), "#99");
	cr_assert_str_eq(ikc_name_or_num(NULL, 0, buf, sizeof buf), "#0");
	cr_assert_str_eq(ikc_name_or_num(NULL, 4294967295u, buf, sizeof buf), "#4294967295");
	/* composed with a lookup that misses */
	cr_assert_str_eq(ikc_name_or_num(ikc_notify_name(31), 31, buf, sizeof buf), "#31");
	/* too small a buffer truncates, never overflows */
	char small[4];
	memset(small, 'x', sizeof small);
	cr_assert_str_eq(ikc_name_or_num(NULL, 12345, small, sizeof small), "#12");
	cr_assert_not_null(ikc_name_or_num(NULL, 1, NULL, 0));
	cr_assert_not_null(ikc_name_or_num(NULL, 1, buf, 0));
}

/* ---------------- Vendor IDs ---------------- */

Test(vendor_ids, lab_vids_match_tshark)
{
	/* the four VIDs charon 5.9.8 sends in every lab case (truth.json), with
	 * tshark's isakmp.vid_string for the same bytes */
	cr_assert_str_eq(vid("09002689dfd6b712"), "XAUTH");
	cr_assert_str_eq(vid("afcad71368a1f1c96b8696fc77570100"), "RFC 3706 DPD");
	cr_assert_str_eq(vid("4a131c81070358455c5728f20e95452f"), "RFC 3947 NAT-T");
	cr_assert_str_eq(vid("90cb80913ebb696e086381b5ec427b1f"), "draft-ietf-ipsec-nat-t-ike-02\\n");
}

Test(vendor_ids, natt_drafts)
{
	/* MD5 of the draft names; tshark names every one of these the same */
	cr_assert_str_eq(vid("4485152d18b6bbcd0be8a8469579ddcc"), "draft-ietf-ipsec-nat-t-ike-00");
	cr_assert_str_eq(vid("cd60464335df21f87cfdb2fc68b6a448"), "draft-ietf-ipsec-nat-t-ike-02");
	cr_assert_str_eq(vid("7d9419a65310ca6f2c179d9215529d56"), "draft-ietf-ipsec-nat-t-ike-03");
	cr_assert_str_eq(vid("439b59f8ba676c4c7737ae22eab8f582"), "draft-ietf-ipsec-nat-t-ike-07");
	cr_assert_str_eq(vid("27bab5dc01ea0760ea4e3190ac27c0d0"), "draft-stenberg-ipsec-nat-traversal-01");
	cr_assert_str_eq(vid("4df37928e9fc4fd1b3262170d515c662"), "draft-ietf-ipsec-nat-t-ike");
}

Test(vendor_ids, exact_needs_exact_length)
{
	/* a DPD VID with a trailing byte, or cut short, is not DPD */
	cr_assert_null(vid("afcad71368a1f1c96b8696fc7757010000"));
	cr_assert_null(vid("afcad71368a1f1c96b8696fc775701"));
	/* DPD with another version: unknown (only 1.0 is documented) */
	cr_assert_null(vid("afcad71368a1f1c96b8696fc77570101"));
	cr_assert_null(vid("4a131c81070358455c5728f20e95452f00"));
}

Test(vendor_ids, prefix_matches)
{
	/* corpus captures (tshark: MS NT5 ISAKMPOAKLEY), version from ike-scan +
	 * libreswan */
	cr_assert_str_eq(vid("1e2b516905991c7d7c96fcbfb587e46100000008"),
			 "MS NT5 ISAKMPOAKLEY (Windows Server 2008 R2)");
	cr_assert_str_eq(vid("1e2b516905991c7d7c96fcbfb587e46100000009"),
			 "MS NT5 ISAKMPOAKLEY (Windows 8 or later)");
	/* unknown version: the prefix still names it */
	cr_assert_str_eq(vid("1e2b516905991c7d7c96fcbfb587e461000000ff"), "MS NT5 ISAKMPOAKLEY");
	/* IKE fragmentation with capability flags (corpus; tshark: Cisco Fragmentation) */
	cr_assert_str_eq(vid("4048b7d56ebce88525e7de7f00d6c2d3"), "IKE Fragmentation");
	cr_assert_str_eq(vid("4048b7d56ebce88525e7de7f00d6c2d380000000"), "IKE Fragmentation");
	cr_assert_str_eq(vid("4048b7d56ebce88525e7de7f00d6c2d3c0000000"), "IKE Fragmentation");
	/* Cisco Unity 1.0 (corpus; tshark CISCO-UNITY) */
	cr_assert_str_eq(vid("12f5f28c457168a9702d9fe274cc0100"), "Cisco Unity");
	/* VPN 3000 / ASA: 14 fixed bytes + version (libreswan, ike-scan) */
	cr_assert_str_eq(vid("1f07f70eaa6514d3b0fa96542a500407"), "Cisco VPN Concentrator");
	cr_assert_str_eq(vid("1f07f70eaa6514d3b0fa96542a500100"), "Cisco VPN Concentrator");
	/* NetScreen with trailing bytes (corpus; tshark Netscreen-6) */
	cr_assert_str_eq(vid("699369228741c6d4ca094c93e242c9de19e7b7c60000000500000500"), "Netscreen-6");
	/* FortiGate (corpus; tshark "Fortigate (Fortinet)") */
	cr_assert_str_eq(vid("8299031757a36082c6a621de00000000"), "FortiGate");
	/* Check Point with product/version fields */
	cr_assert_str_eq(vid("f4ed19e0c114eb516faaac0ee37daf2807b4381f000000010000138d0000000000000000"),
			 "Check Point");
	/* prefix shorter than the entry: no match */
	cr_assert_null(vid("1e2b516905991c7d7c96fcbfb587"));
	cr_assert_null(vid("12f5f28c457168a9702d9fe2"));
}

Test(vendor_ids, ascii_vids)
{
	/* corpus captures, tshark names in comments */
	cr_assert_str_eq(vid("464c455856504e2d535550504f52544544"), "Cisco FlexVPN Supported");
	cr_assert_str_eq(vid("434953434f2d44454c4554452d524541534f4e"), "Cisco Delete Reason");  /* tshark: ... Supported */
	cr_assert_str_eq(vid("434953434f2d44594e414d49432d524f555445"), "Cisco Dynamic Route");  /* tshark: ... Supported */
	cr_assert_str_eq(vid("434953434f56504e2d5245562d3032"), "Cisco VPN Revision 2");
	/* "OE-Libreswan-4.10" (libreswan's own VID format) */
	cr_assert_str_eq(vid("4f452d4c696272657377616e2d342e3130"), "Libreswan");
	/* "TIMESTEP 1 SGW 1520 315 2.01E013" (libreswan's comment, ike-scan prefix) */
	cr_assert_str_eq(vid("54494d455354455020312053475720313532302033313520322e303145303133"), "Timestep");
}

Test(vendor_ids, swan_family_length_constrained)
{
	/* 12-byte "OE" + masked hash (corpus: unknown to tshark; ike-scan pattern) */
	cr_assert_str_eq(vid("4f4568794c64414365636661"), "FreeS/WAN, Openswan or Libreswan (OE hash)");
	/* the same prefix at another length is not that VID */
	cr_assert_null(vid("4f4568794c6441436563666100"));
	cr_assert_null(vid("4f45"));
	cr_assert_str_eq(vid("4f53577666617a6f6355505a"), "Openswan"); /* ike-scan: Openswan 2.6.40 */
}

Test(vendor_ids, microsoft_and_vendors)
{
	cr_assert_str_eq(vid("fb1de3cdf341b7ea16b7e5be0855f120"), "MS-Negotiation Discovery Capable");
	cr_assert_str_eq(vid("26244d38eddb61b3172a36e3d0cfb819"), "Microsoft Vid-Initial-Contact");
	cr_assert_str_eq(vid("e3a5966a76379fe707228231e5ce8652"), "IKE CGA version 1");
	cr_assert_str_eq(vid("882fe56d6fd20dbc2251613b2ebe5beb"), "strongSwan");
	cr_assert_str_eq(vid("2ce9c946a4c879bf11b50b76cc5692cb"), "strongSwan 4.0.0");
	cr_assert_str_eq(vid("7003cbc1097dbe9c2600ba6983bc8b35"), "KAME/racoon");
	/* one-source VIDs are deliberately unknown (corpus: tshark Unknown too) */
	cr_assert_null(vid("01528bbbc00696121849ab9a1c5b2a5100000002"));
	cr_assert_null(vid("3e984048101e66cc659fd002b0ed3655"));
}

Test(vendor_ids, hostile_inputs)
{
	uint8_t zero[4096];

	memset(zero, 0, sizeof zero);
	cr_assert_null(ikc_vendor_id_name(NULL, 0));
	cr_assert_null(ikc_vendor_id_name(NULL, 16));
	cr_assert_null(ikc_vendor_id_name(zero, 0));
	cr_assert_null(ikc_vendor_id_name(zero, 1));
	cr_assert_null(ikc_vendor_id_name(zero, 12)); /* corpus: 12 zero bytes */
	cr_assert_null(ikc_vendor_id_name(zero, sizeof zero));
	/* a single byte that starts many prefixes */
	uint8_t one = 0x4f;
	cr_assert_null(ikc_vendor_id_name(&one, 1));
}

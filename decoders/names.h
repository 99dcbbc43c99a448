/* names.h - IANA number -> name tables for ISAKMP/IKEv1/IPsec DOI/GDOI.
 *
 * Every function returns NULL for a value it does not know; callers print "#N"
 * then (ikc_name_or_num).  Names follow the RFC spelling (NO-PROPOSAL-CHOSEN,
 * AES-CBC, HMAC-SHA1 ...).  Tables are built once from X-macro lists.
 */
#ifndef IKC_NAMES_H
#define IKC_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "isakmp.h"

/* Short payload name: "SA", "KE", "NONCE", "NAT-D", "SAK" ... (doi picks 15-22). */
const char *ikc_payload_name(uint8_t type, uint32_t doi);
/* Exchange name: "Identity Protection (Main Mode)", "Quick Mode", under GDOI 32 =
 * "GROUPKEY-PULL", 33 = "GROUPKEY-PUSH"; IKEv2 34..37 when ikev2. */
const char *ikc_exchange_name(uint8_t exchange, uint32_t doi, int ikev2);
const char *ikc_doi_name(uint32_t doi);
const char *ikc_protocol_name(uint8_t protoid);
const char *ikc_transform_id_name(uint8_t protoid, uint8_t id);
const char *ikc_id_type_name(uint8_t type);
const char *ikc_cert_encoding_name(uint8_t enc);
const char *ikc_notify_name(uint16_t type);
const char *ikc_attr_type_name(enum ikc_attr_space space, uint16_t type);
const char *ikc_attr_value_name(enum ikc_attr_space space, uint16_t type, uint32_t value);
/* Does this attribute type carry a value with a name table (an enum) rather
 * than a number (key length, life duration)? */
int ikc_attr_is_enum(enum ikc_attr_space space, uint16_t type);
const char *ikc_modecfg_type_name(uint8_t type);
const char *ikc_ikev2_payload_name(uint8_t type);
/* Vendor ID: exact or documented-prefix match against a table checked against a
 * second source; NULL if unknown. */
const char *ikc_vendor_id_name(const uint8_t *vid, size_t len);

/* name, or "#N" written into buf. */
const char *ikc_name_or_num(const char *name, uint32_t value, char *buf, size_t bufsz);

#endif

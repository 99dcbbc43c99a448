/* x509.h - names out of DER: the subject of an X.509 certificate (CERT
 * payload, encoding 4) and an ID_DER_ASN1_DN identity, as one line of text
 * ("C=CH, O=Lab, CN=initiator.lab.example"), terminal-safe.  OpenSSL's DER
 * parsers do the reading; a body that does not parse gives 0 and "". */
#ifndef IKC_X509_H
#define IKC_X509_H

#include <stddef.h>
#include <stdint.h>

size_t ikc_dn_format(const uint8_t *der, size_t len, char *buf, size_t bufsz);
/* which: 0 subject, 1 issuer */
size_t ikc_cert_name(const uint8_t *der, size_t len, int which, char *buf, size_t bufsz);

/* IKEv1 signature auth (RFC 2409 §5.1): SIG is HASH_I / HASH_R signed with
 * the key of the certificate in the same message (CERT encoding 4, X.509).
 * RSA: PKCS#1 v1.5 type 1 over the raw hash, no DigestInfo (what strongSwan,
 * libreswan and Cisco send).  Returns 1 verified, 0 does not verify, -1 not
 * checkable (no X.509 certificate, not an RSA key). */
int ikc_sig_verify(uint8_t cert_encoding, const uint8_t *cert, size_t cert_len, const uint8_t *hash,
		   size_t hash_len, const uint8_t *sig, size_t sig_len);

#endif

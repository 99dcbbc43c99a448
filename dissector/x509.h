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

#endif

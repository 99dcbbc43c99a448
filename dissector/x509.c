/* x509.c - see x509.h. */
#include "x509.h"

#include <openssl/bio.h>
#include <openssl/x509.h>

#include "record.h"

/* Forward RDN order with ", " between them, as strongSwan and Cisco print DNs. */
#define DN_FLAGS (XN_FLAG_SEP_CPLUS_SPC | ASN1_STRFLGS_RFC2253)

static size_t name_text(const X509_NAME *name, char *buf, size_t bufsz)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p = NULL;
	long n;
	size_t out = 0;

	if (!bio)
		return 0;
	if (X509_NAME_print_ex(bio, name, 0, DN_FLAGS) >= 0) {
		n = BIO_get_mem_data(bio, &p);
		if (n > 0 && p)
			out = ikc_escape_text((const uint8_t *)p, (size_t)n, buf, bufsz);
	}
	BIO_free(bio);
	return out;
}

size_t ikc_dn_format(const uint8_t *der, size_t len, char *buf, size_t bufsz)
{
	const unsigned char *p = der;
	X509_NAME *name;
	size_t n = 0;

	if (bufsz)
		buf[0] = '\0';
	if (!der || !len || len > 65535)
		return 0;
	name = d2i_X509_NAME(NULL, &p, (long)len);
	if (name) {
		n = name_text(name, buf, bufsz);
		X509_NAME_free(name);
	}
	return n;
}

size_t ikc_cert_name(const uint8_t *der, size_t len, int which, char *buf, size_t bufsz)
{
	const unsigned char *p = der;
	X509 *cert;
	size_t n = 0;

	if (bufsz)
		buf[0] = '\0';
	if (!der || !len || len > 65535)
		return 0;
	cert = d2i_X509(NULL, &p, (long)len);
	if (cert) {
		n = name_text(which ? X509_get_issuer_name(cert) : X509_get_subject_name(cert), buf, bufsz);
		X509_free(cert);
	}
	return n;
}

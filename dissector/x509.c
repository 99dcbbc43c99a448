/* x509.c - see x509.h. */
#include "x509.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
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

int ikc_sig_verify(uint8_t cert_encoding, const uint8_t *cert, size_t cert_len, const uint8_t *hash,
		   size_t hash_len, const uint8_t *sig, size_t sig_len)
{
	const unsigned char *p = cert;
	X509 *x;
	EVP_PKEY *key;
	EVP_PKEY_CTX *ctx = NULL;
	unsigned char out[1024];
	size_t out_len = sizeof out;
	int ret = -1;

	if (cert_encoding != 4 || !cert || !cert_len || cert_len > 65535 || !sig || sig_len > sizeof out)
		return -1;
	x = d2i_X509(NULL, &p, (long)cert_len);
	if (!x)
		return -1;
	key = X509_get0_pubkey(x);
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		goto out;
	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (!ctx || EVP_PKEY_verify_recover_init(ctx) <= 0 || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
		goto out;
	/* A bad signature fails to recover or recovers other bytes: both are "does not verify". */
	ret = 0;
	if (EVP_PKEY_verify_recover(ctx, out, &out_len, sig, sig_len) > 0 && out_len == hash_len &&
	    CRYPTO_memcmp(out, hash, hash_len) == 0)
		ret = 1;
out:
	EVP_PKEY_CTX_free(ctx);
	X509_free(x);
	return ret;
}

/* x509.c - see x509.h. */
#include "x509.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "../decoders/cursor.h"
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

/* The last few Names formatted and their texts: the same gateways present
 * the same DN at every phase 1 (and each is shown in the line and kept for
 * the diagnosis), while OpenSSL's parse and print of one costs ~35k
 * instructions.  Per thread; the text depends on the buffer's size too. */
#define DN_MEMO 4
#define DN_MEMO_BYTES 256   /* DER and text bytes kept per entry */

struct dn_memo {
	size_t der_len, bufsz, n;
	uint8_t der[DN_MEMO_BYTES];
	char text[DN_MEMO_BYTES];
};

static _Thread_local struct dn_memo dn_memo[DN_MEMO];
static _Thread_local unsigned dn_memo_next;

size_t ikc_dn_format(const uint8_t *der, size_t len, char *buf, size_t bufsz)
{
	const unsigned char *p = der;
	X509_NAME *name;
	size_t n = 0;
	bool memo = len <= DN_MEMO_BYTES && bufsz && bufsz <= DN_MEMO_BYTES;

	if (bufsz)
		buf[0] = '\0';
	if (!der || !len || len > 65535)
		return 0;
	for (unsigned i = 0; memo && i < DN_MEMO; i++) {
		const struct dn_memo *m = &dn_memo[i];
		if (m->der_len == len && m->bufsz == bufsz && memcmp(m->der, der, len) == 0) {
			memcpy(buf, m->text, m->n + 1);
			return m->n;
		}
	}
	name = d2i_X509_NAME(NULL, &p, (long)len);
	if (name) {
		n = name_text(name, buf, bufsz);
		X509_NAME_free(name);
	}
	if (memo) {
		struct dn_memo *m = &dn_memo[dn_memo_next++ % DN_MEMO];
		m->der_len = len;
		m->bufsz = bufsz;
		m->n = n;
		memcpy(m->der, der, len);
		memcpy(m->text, buf, n + 1);
	}
	return n;
}

/* One DER TLV (X.690 8.1): *tlv is the whole element, *val its contents. */
static bool der_next(struct ikc_cursor *c, uint8_t *tag, struct ikc_cursor *tlv, struct ikc_cursor *val)
{
	const uint8_t *start = c->p;
	uint8_t b;
	size_t len = 0, hdr;

	if (ikc_cur_u8(c, tag) || ikc_cur_u8(c, &b))
		return false;
	if (b & 0x80) {
		unsigned n = b & 0x7f;
		if (n == 0 || n > 3)
			return false;
		for (unsigned i = 0; i < n; i++) {
			if (ikc_cur_u8(c, &b))
				return false;
			len = (len << 8) | b;
		}
	} else {
		len = b;
	}
	hdr = (size_t)(c->p - start);
	if (ikc_cur_sub(c, len, val))
		return false;
	*tlv = ikc_cur(start, hdr + len);
	return true;
}

/* The issuer or subject Name of a certificate, found by walking the
 * TBSCertificate (RFC 5280 4.1) with the bounded cursor, so only the Name is
 * handed to OpenSSL: decoding the whole certificate (public key included)
 * cost more than the rest of a -v run. */
size_t ikc_cert_name(const uint8_t *der, size_t len, int which, char *buf, size_t bufsz)
{
	struct ikc_cursor c = ikc_cur(der, len), tlv, val, tbs;
	uint8_t tag;
	int seq = 0;

	if (bufsz)
		buf[0] = '\0';
	if (!der || !len || len > 65535)
		return 0;
	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE {...}, ... } */
	if (!der_next(&c, &tag, &tlv, &val) || tag != 0x30 || !der_next(&val, &tag, &tlv, &tbs) || tag != 0x30)
		return 0;
	/* [0] version, serialNumber, signature, issuer, validity, subject */
	while (der_next(&tbs, &tag, &tlv, &val)) {
		if (tag == 0xa0 || tag == 0x02)
			continue;
		if (tag != 0x30)
			return 0;
		seq++;  /* 1 signature, 2 issuer, 3 validity, 4 subject */
		if ((which == 1 && seq == 2) || (which == 0 && seq == 4))
			return ikc_dn_format(tlv.p, tlv.left, buf, bufsz);
	}
	return 0;
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

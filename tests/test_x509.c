/* test_x509.c - certificate names and IKEv1 RSA signature checks
 * (dissector/x509.c).  The real-world case (strongSwan's MM5/MM6 signatures)
 * is checked by tests/check_lab.py against the lab truth; here a key and a
 * certificate made on the spot give the negative cases. */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "../dissector/x509.h"

struct made {
	EVP_PKEY *key;
	unsigned char *der;
	int der_len;
};

static struct made make_cert(void)
{
	struct made m = { 0 };
	X509 *x = X509_new();
	X509_NAME *n;

	m.key = EVP_RSA_gen(2048);
	cr_assert(m.key && x);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, m.key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Lab", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"gw.example", -1, -1, 0);
	X509_set_issuer_name(x, n);
	cr_assert(X509_sign(x, m.key, EVP_sha256()) > 0);
	m.der_len = i2d_X509(x, &m.der);
	cr_assert_gt(m.der_len, 0);
	X509_free(x);
	return m;
}

/* PKCS#1 v1.5 type 1 over the raw hash, as IKEv1 peers sign HASH_I/HASH_R. */
static size_t sign_raw(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *sig, size_t cap)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	size_t n = cap;

	cr_assert(ctx && EVP_PKEY_sign_init(ctx) > 0 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0);
	cr_assert(EVP_PKEY_sign(ctx, sig, &n, hash, hlen) > 0);
	EVP_PKEY_CTX_free(ctx);
	return n;
}

Test(x509, subject_and_signature)
{
	struct made m = make_cert();
	uint8_t hash[20], sig[512];
	char name[256];
	size_t n;

	memset(hash, 0x5a, sizeof hash);
	n = sign_raw(m.key, hash, sizeof hash, sig, sizeof sig);
	cr_assert_gt(ikc_cert_name(m.der, (size_t)m.der_len, 0, name, sizeof name), 0);
	cr_assert_str_eq(name, "O=Lab, CN=gw.example");
	cr_assert_eq(ikc_sig_verify(4, m.der, (size_t)m.der_len, hash, sizeof hash, sig, n), 1);
	hash[0] ^= 1;  /* another HASH_I: the signature must not verify */
	cr_assert_eq(ikc_sig_verify(4, m.der, (size_t)m.der_len, hash, sizeof hash, sig, n), 0);
	hash[0] ^= 1;
	sig[n / 2] ^= 0x10;  /* a damaged signature */
	cr_assert_eq(ikc_sig_verify(4, m.der, (size_t)m.der_len, hash, sizeof hash, sig, n), 0);
	/* Not an X.509 signature certificate, or garbage: not checkable. */
	cr_assert_eq(ikc_sig_verify(1, m.der, (size_t)m.der_len, hash, sizeof hash, sig, n), -1);
	cr_assert_eq(ikc_sig_verify(4, (const uint8_t *)"junk", 4, hash, sizeof hash, sig, n), -1);
	cr_assert_eq(ikc_cert_name((const uint8_t *)"junk", 4, 0, name, sizeof name), 0);
	cr_assert_str_eq(name, "");
	OPENSSL_free(m.der);
	EVP_PKEY_free(m.key);
}

Test(x509, dn_of_an_identity)
{
	/* DER of the Name "CN=initiator.lab.example" (what the lab's ID_DER_ASN1_DN
	 * carries): SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String } } } */
	static const uint8_t der[] = { 0x30, 0x20, 0x31, 0x1e, 0x30, 0x1c, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x15,
				       'i', 'n', 'i', 't', 'i', 'a', 't', 'o', 'r', '.', 'l', 'a', 'b', '.',
				       'e', 'x', 'a', 'm', 'p', 'l', 'e' };
	char name[128];

	cr_assert_gt(ikc_dn_format(der, sizeof der, name, sizeof name), 0);
	cr_assert_str_eq(name, "CN=initiator.lab.example");
	cr_assert_eq(ikc_dn_format(der, sizeof der - 1, name, sizeof name), 0);  /* cut short */
}

Test(x509, remembered_names_answer_like_the_first_time)
{
	/* Six Names ("CN=peer0.example" ... "CN=peer5.example") through the four
	 * remembered ones, twice, at two buffer sizes: every answer is the text
	 * OpenSSL gave the first time, cut to that buffer. */
	uint8_t der[6][23];
	char name[64], small[9];

	for (int i = 0; i < 6; i++) {
		static const uint8_t head[] = { 0x30, 0x15, 0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0a };
		memcpy(der[i], head, sizeof head);
		memcpy(der[i] + sizeof head, "peer0.exam", 10);
		der[i][sizeof head + 4] = (uint8_t)('0' + i);
	}
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 6; i++) {
			char want[32];
			snprintf(want, sizeof want, "CN=peer%d.exam", i);
			cr_assert_eq(ikc_dn_format(der[i], sizeof der[i], name, sizeof name), strlen(want));
			cr_assert_str_eq(name, want, "round %d, name %d", round, i);
			ikc_dn_format(der[i], sizeof der[i], small, sizeof small);
			cr_assert_eq(strncmp(small, want, strlen(small)), 0);
			cr_assert_lt(strlen(small), sizeof small);
			cr_assert_eq(ikc_dn_format(der[i], sizeof der[i] - 1, name, sizeof name), 0, "cut short");
		}
}

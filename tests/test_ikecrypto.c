/* test_ikecrypto.c - known-answer tests for decoders/ikecrypto.c.
 *
 * Sources of the expected values (none of them is ikecap output):
 * - HMAC: RFC 2202 §2/§3 test cases 1, 2, 6 (MD5, SHA1) and RFC 4231 §4.2,
 *   §4.3, §4.7 (SHA-256/384/512).
 * - RFC 5903 §8.1: the 256-bit random ECP group test (i, g^i, r, g^r, g^ir).
 * - Lab captures (/work/shared/lab/<case>/): every key value below is quoted
 *   from truth.json, whose SKEYID*, Ka, initial IV, "next IV for MID", ESP
 *   keys are the values charon logged at level 4 (keys/log-secrets-*.txt;
 *   the extraction script asserted each one occurs in those logs).  Ciphertext
 *   comes from capture.pcap (ISAKMP body after the 28-octet header), the
 *   plaintext hex and the HASH values from truth.json (independent verifier),
 *   SAi_b from the MM1/AM1 bytes and IDii_b / IDir_b from truth's plaintexts.
 *   ESP keys: truth "initiator->responder" = charon "initiator" keys (the SA
 *   the initiator sends on, keyed with the responder's SPI: README item 3).
 * - Appendix B expansion: expected values computed with Python's hmac module
 *   (independent of OpenSSL's EVP_MAC path used here):
 *     python3 -c "import hmac,hashlib;e=bytes.fromhex('7cc5a2dba4de076a711babcec5c97c10ef352458');\
 *       k1=hmac.new(e,b'\0',hashlib.sha1).digest();k2=hmac.new(e,k1,hashlib.sha1).digest();print((k1+k2)[:32].hex())"
 *     -> a713e6dc299508a371d50073dc4bb794132e33705d5d8fd46ebf0e35f7273274
 *     (same with e=00112233445566778899aabbccddeeff, hashlib.md5, [:24])
 *     -> 6d2fa64e07e78c68c0a00b98fc113f9e9f96dbd293323a94
 */
#include <criterion/criterion.h>

#include <string.h>

#include <openssl/provider.h>
#include <openssl/rand.h>

#include "../decoders/ikecrypto.h"

struct blob {
	uint8_t b[4096];
	size_t len;
};

static int nib(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static struct blob hexb(const char *s)
{
	struct blob r = { .len = 0 };
	size_t n = strlen(s);

	cr_assert(n % 2 == 0 && n / 2 <= sizeof(r.b), "bad hex literal");
	for (size_t i = 0; i < n; i += 2) {
		int hi = nib(s[i]), lo = nib(s[i + 1]);
		cr_assert(hi >= 0 && lo >= 0, "bad hex digit");
		r.b[r.len++] = (uint8_t)(hi << 4 | lo);
	}
	return r;
}

#define assert_bytes(got, gotlen, hex)                                                     \
	do {                                                                               \
		struct blob exp_ = hexb(hex);                                              \
		cr_assert_eq((gotlen), exp_.len, "length %zu != %zu", (size_t)(gotlen),   \
		             exp_.len);                                                    \
		cr_assert(memcmp((got), exp_.b, exp_.len) == 0, "bytes differ from %s", hex); \
	} while (0)

/* Sum of the generic payload lengths of a chain (RFC 2408 §3.2: next
 * payload, reserved, 2-octet length) starting at `off` with first type np:
 * the payload bytes without trailing padding. */
static size_t chain_len(const uint8_t *p, size_t len, size_t off, uint8_t np)
{
	size_t o = off;

	while (np) {
		size_t l;

		cr_assert(o + 4 <= len);
		l = (size_t)p[o + 2] << 8 | p[o + 3];
		cr_assert(l >= 4 && o + l <= len);
		np = p[o];
		o += l;
	}
	return o - off;
}

/* ------------------------------------------------------------ tables */

Test(ikecrypto_tables, hashes)
{
	const struct ikc_hash_desc *h;

	h = ikc_hash_by_ike_id(1);
	cr_assert(h && h->len == 16 && strcmp(h->name, "MD5") == 0);
	h = ikc_hash_by_ike_id(2);
	cr_assert(h && h->len == 20);
	h = ikc_hash_by_ike_id(4);
	cr_assert(h && h->len == 32);
	h = ikc_hash_by_ike_id(5);
	cr_assert(h && h->len == 48);
	h = ikc_hash_by_ike_id(6);
	cr_assert(h && h->len == 64);
	cr_assert_null(ikc_hash_by_ike_id(0));
	cr_assert_null(ikc_hash_by_ike_id(3)); /* Tiger: not offered */
	cr_assert_null(ikc_hash_by_ike_id(7));
	cr_assert_null(ikc_hash_by_ike_id(0xffff));
}

Test(ikecrypto_tables, ciphers)
{
	const struct ikc_cipher_desc *c;

	c = ikc_cipher_by_ike_id(7, 0);
	cr_assert(c && c->key_len == 16 && c->block_len == 16 && c->keylen_bits == 128);
	c = ikc_cipher_by_ike_id(7, 192);
	cr_assert(c && c->key_len == 24);
	c = ikc_cipher_by_ike_id(7, 256);
	cr_assert(c && c->key_len == 32);
	c = ikc_cipher_by_ike_id(5, 0);
	cr_assert(c && c->key_len == 24 && c->block_len == 8);
	cr_assert_null(ikc_cipher_by_ike_id(7, 100));
	cr_assert_null(ikc_cipher_by_ike_id(7, 512));
	cr_assert_null(ikc_cipher_by_ike_id(5, 128));
	cr_assert_null(ikc_cipher_by_ike_id(2, 0)); /* IDEA */
	cr_assert_null(ikc_cipher_by_ike_id(0, 0));
	cr_assert_null(ikc_cipher_by_ike_id(0xffff, 0));
}

Test(ikecrypto_tables, legacy_ciphers)
{
	/* Blowfish / CAST5 / DES appear only once the legacy provider is
	 * loaded (loading is the program's business, done here by the test). */
	OSSL_PROVIDER *def = OSSL_PROVIDER_load(NULL, "default");
	OSSL_PROVIDER *leg = OSSL_PROVIDER_load(NULL, "legacy");
	const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	const uint8_t iv[8] = { 0 };
	uint8_t pt[16] = "sixteen bytes!!", ct[16], back[16];
	static const uint16_t ids[] = { 3, 6, 1 };

	cr_assert_not_null(def);
	if (!leg)
		cr_skip_test("no OpenSSL legacy provider on this machine");
	for (size_t i = 0; i < 3; i++) {
		const struct ikc_cipher_desc *c = ikc_cipher_by_ike_id(ids[i], 0);

		cr_assert_not_null(c, "cipher %u", ids[i]);
		cr_assert_eq(c->block_len, 8);
		cr_assert_eq(ikc_cbc_encrypt(c, key, iv, pt, 16, ct, NULL), IKC_OK);
		cr_assert(memcmp(ct, pt, 16) != 0);
		cr_assert_eq(ikc_cbc_decrypt(c, key, iv, ct, 16, back, NULL), IKC_OK);
		cr_assert(memcmp(back, pt, 16) == 0);
	}
	cr_assert_null(ikc_cipher_by_ike_id(3, 256));
	OSSL_PROVIDER_unload(leg);
	OSSL_PROVIDER_unload(def);
}

Test(ikecrypto_tables, legacy_provider_loaded_when_first_needed)
{
	/* ikecap loads only the default provider at start: the legacy one
	 * comes with the first DES / Blowfish / CAST5 asked for, from the
	 * fetched tables (IKE) and from a fresh fetch (ESP). */
	OSSL_PROVIDER *def = OSSL_PROVIDER_load(NULL, "default");
	const uint8_t key[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, iv[8] = { 0 };
	uint8_t pt[16] = "sixteen bytes!!", ct[16], back[16];
	const struct ikc_cipher_desc *aes, *des;

	cr_assert_not_null(def);
	ikc_crypto_init();
	aes = ikc_cipher_by_ike_id(7, 128);
	cr_assert_not_null(aes);
	cr_assert_not(OSSL_PROVIDER_available(NULL, "legacy"), "not loaded for AES");
	des = ikc_cipher_by_ike_id(1, 0);
	if (!des) {
		OSSL_PROVIDER *leg = OSSL_PROVIDER_load(NULL, "legacy");
		cr_assert_null(leg, "the legacy provider loads, but DES was not found through it");
		cr_skip_test("no OpenSSL legacy provider on this machine");
	}
	cr_assert(OSSL_PROVIDER_available(NULL, "legacy"));
	cr_assert_eq(ikc_cbc_encrypt(des, key, iv, pt, 16, ct, NULL), IKC_OK);
	cr_assert_eq(ikc_cbc_decrypt(des, key, iv, ct, 16, back, NULL), IKC_OK);
	cr_assert(memcmp(back, pt, 16) == 0 && memcmp(ct, pt, 16) != 0);
	cr_assert_not(ikc_crypto_want_legacy(), "loaded once");
	ikc_crypto_release();
	OSSL_PROVIDER_unload(def);
}

/* ------------------------------------------------------------- HMAC */

static void check_prf(uint16_t hid, const uint8_t *key, size_t klen, const char *msg,
                      const char *hex)
{
	uint8_t out[IKC_MAX_HASH];
	size_t n = 0;
	size_t ml = strlen(msg), half = ml / 2;
	const struct ikc_iov one[] = { { (const uint8_t *)msg, ml } };
	/* Same message split in three (one empty) must give the same MAC. */
	const struct ikc_iov split[] = { { (const uint8_t *)msg, half },
		                         { NULL, 0 },
		                         { (const uint8_t *)msg + half, ml - half } };

	cr_assert_eq(ikc_prf(ikc_hash_by_ike_id(hid), key, klen, one, 1, out, &n), IKC_OK);
	assert_bytes(out, n, hex);
	cr_assert_eq(ikc_prf(ikc_hash_by_ike_id(hid), key, klen, split, 3, out, &n), IKC_OK);
	assert_bytes(out, n, hex);
}

Test(ikecrypto_prf, rfc2202_md5_sha1)
{
	uint8_t k0b[20], kaa[80];

	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	/* RFC 2202 §2 (HMAC-MD5) test cases 1, 2, 6 */
	check_prf(1, k0b, 16, "Hi There", "9294727a3638bb1c13f48ef8158bfc9d");
	check_prf(1, (const uint8_t *)"Jefe", 4, "what do ya want for nothing?",
	          "750c783e6ab0b503eaa86e310a5db738");
	check_prf(1, kaa, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
	          "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
	/* RFC 2202 §3 (HMAC-SHA-1) test cases 1, 2, 6 */
	check_prf(2, k0b, 20, "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00");
	check_prf(2, (const uint8_t *)"Jefe", 4, "what do ya want for nothing?",
	          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	check_prf(2, kaa, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
	          "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

Test(ikecrypto_prf, rfc4231_sha2)
{
	uint8_t k0b[20], kaa[131];
	const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
	const char *jefe = "what do ya want for nothing?";

	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	/* RFC 4231 §4.2 test case 1 */
	check_prf(4, k0b, 20, "Hi There",
	          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_prf(5, k0b, 20, "Hi There",
	          "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	          "faea9ea9076ede7f4af152e8b2fa9cb6");
	check_prf(6, k0b, 20, "Hi There",
	          "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	          "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
	/* RFC 4231 §4.3 test case 2 */
	check_prf(4, (const uint8_t *)"Jefe", 4, jefe,
	          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	check_prf(5, (const uint8_t *)"Jefe", 4, jefe,
	          "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	          "8e2240ca5e69e2c78b3239ecfab21649");
	check_prf(6, (const uint8_t *)"Jefe", 4, jefe,
	          "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	          "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
	/* RFC 4231 §4.7 test case 6 (131-octet key) */
	check_prf(4, kaa, 131, big,
	          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	check_prf(5, kaa, 131, big,
	          "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	          "0c2ef6ab4030fe8296248df163f44952");
	check_prf(6, kaa, 131, big,
	          "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	          "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
}

Test(ikecrypto_prf, hostile_args)
{
	uint8_t out[IKC_MAX_HASH];
	size_t n;
	const struct ikc_iov bad[] = { { NULL, 5 } };
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(2);

	cr_assert_eq(ikc_prf(h, (const uint8_t *)"k", 1, bad, 1, out, &n), IKC_USAGE);
	cr_assert_eq(ikc_prf(NULL, (const uint8_t *)"k", 1, NULL, 0, out, &n), IKC_USAGE);
	cr_assert_eq(ikc_prf(h, NULL, 3, NULL, 0, out, &n), IKC_USAGE);
	cr_assert_eq(ikc_hash(h, bad, 1, out, &n), IKC_USAGE);
	/* SHA-1("abc"), FIPS 180 example */
	{
		const struct ikc_iov abc[] = { { (const uint8_t *)"a", 1 },
			                       { (const uint8_t *)"bc", 2 } };
		cr_assert_eq(ikc_hash(h, abc, 2, out, &n), IKC_OK);
		assert_bytes(out, n, "a9993e364706816aba3e25717850c26c9cd0d89d");
	}
	cr_assert(ikc_hash_equal((const uint8_t *)"abcd", (const uint8_t *)"abcd", 4));
	cr_assert(!ikc_hash_equal((const uint8_t *)"abcd", (const uint8_t *)"abce", 4));
	cr_assert(!ikc_hash_equal(NULL, (const uint8_t *)"abce", 4));
}

/* ------------------------------------------------- Appendix B, CBC */

Test(ikecrypto_kdf, appendix_b_expansion)
{
	uint8_t ka[IKC_MAX_KEY];
	struct blob e = hexb("7cc5a2dba4de076a711babcec5c97c10ef352458");
	struct blob e16 = hexb("00112233445566778899aabbccddeeff");

	/* AES-256 with SHA1: 20-octet SKEYID_e -> K1 | K2 truncated to 32 */
	cr_assert_eq(ikc_p1_enc_key(ikc_hash_by_ike_id(2), e.b, e.len, 32, ka), IKC_OK);
	assert_bytes(ka, 32, "a713e6dc299508a371d50073dc4bb794132e33705d5d8fd46ebf0e35f7273274");
	/* 3DES with MD5: 16-octet SKEYID_e -> 24 */
	cr_assert_eq(ikc_p1_enc_key(ikc_hash_by_ike_id(1), e16.b, e16.len, 24, ka), IKC_OK);
	assert_bytes(ka, 24, "6d2fa64e07e78c68c0a00b98fc113f9e9f96dbd293323a94");
	/* Long enough: plain truncation */
	cr_assert_eq(ikc_p1_enc_key(ikc_hash_by_ike_id(2), e.b, e.len, 16, ka), IKC_OK);
	assert_bytes(ka, 16, "7cc5a2dba4de076a711babcec5c97c10");
	cr_assert_eq(ikc_p1_enc_key(ikc_hash_by_ike_id(2), e.b, e.len, IKC_MAX_KEY + 1, ka),
	             IKC_USAGE);
	cr_assert_eq(ikc_p1_enc_key(ikc_hash_by_ike_id(2), e.b, e.len, 0, ka), IKC_USAGE);
}

Test(ikecrypto_cbc, bad_lengths)
{
	const struct ikc_cipher_desc *c = ikc_cipher_by_ike_id(7, 128);
	uint8_t key[16] = { 0 }, iv[16] = { 0 }, buf[48] = { 0 }, out[48];

	cr_assert_eq(ikc_cbc_decrypt(c, key, iv, buf, 0, out, NULL), IKC_MALFORMED);
	cr_assert_eq(ikc_cbc_decrypt(c, key, iv, buf, 15, out, NULL), IKC_MALFORMED);
	cr_assert_eq(ikc_cbc_decrypt(c, key, iv, buf, 17, out, NULL), IKC_MALFORMED);
	cr_assert_eq(ikc_cbc_encrypt(c, key, iv, buf, 33, out, NULL), IKC_MALFORMED);
	cr_assert_eq(ikc_cbc_decrypt(NULL, key, iv, buf, 16, out, NULL), IKC_USAGE);
	cr_assert_eq(ikc_cbc_decrypt(c, NULL, iv, buf, 16, out, NULL), IKC_USAGE);
}

Test(ikecrypto_cbc, fips197_aes128_and_chain)
{
	/* FIPS-197 Appendix C.1: AES-128 key 000102..0f, block 00112233..ff ->
	 * 69c4e0d86a7b0430d8cdb78070b4c55a; with IV 0, CBC's first block is the
	 * same.  The next-IV output is the last ciphertext block, and in-place
	 * decryption must still return it. */
	const struct ikc_cipher_desc *c = ikc_cipher_by_ike_id(7, 128);
	struct blob key = hexb("000102030405060708090a0b0c0d0e0f");
	struct blob pt = hexb("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	uint8_t iv[16] = { 0 }, ct[32], buf[32], next[16], next2[16];

	cr_assert_eq(ikc_cbc_encrypt(c, key.b, iv, pt.b, 32, ct, next), IKC_OK);
	assert_bytes(ct, 16, "69c4e0d86a7b0430d8cdb78070b4c55a");
	cr_assert(memcmp(next, ct + 16, 16) == 0);
	memcpy(buf, ct, 32);
	cr_assert_eq(ikc_cbc_decrypt(c, key.b, iv, buf, 32, buf, next2), IKC_OK);
	cr_assert(memcmp(buf, pt.b, 32) == 0);
	cr_assert(memcmp(next2, ct + 16, 16) == 0);
}

/* ------------------------------------------------------ lab vectors */

struct lab_case {
	const char *name;
	uint16_t hash_id, cipher_id, keylen, dh_group;
	const char *psk; /* NULL: signature auth */
	uint32_t qm_mid;
	const char *cky_i, *cky_r, *ni, *nr, *gxi, *gxr, *gxy;
	const char *skeyid, *skeyid_d, *skeyid_a, *skeyid_e, *ka, *iv1, *p2_base;
	const char *p1_ct, *p1_pt, *p1_next_iv;
	const char *sai_b, *idii_b, *hash_i, *idir_b, *hash_r;
	const char *qm_iv, *qm1_ct, *qm1_pt, *qm2_pt, *qm3_pt, *qm_ni, *qm_nr, *qm_gxy;
	const char *spi_ir, *keymat_ir, *spi_ri, *keymat_ri;
};

static const struct lab_case lab[] = {
	{ /* mm-psk-aes128-sha1-g2: truth.json ike_sas[0] (charon level-4 log values, keys/log-secrets-*.txt), capture.pcap frames 3 (MM1/AM1), 7, 9 */
		.name = "mm-psk-aes128-sha1-g2", .hash_id = 2, .cipher_id = 7, .keylen = 128, .dh_group = 2,
		.psk = "P@ssword123",
		.qm_mid = 0xd5acffb1,
		.cky_i = "ee6d1b7f1f9b4dc5",
		.cky_r = "e42f227c9162a5dd",
		.ni = "4722df99d186965d2a2f8c5f935ef78459ab678e40c5978daa32478a5a88a20c",
		.nr = "aff64290ff1b160506c81fe9108e37dde78145bb17df3740e7fad217a6695aaf",
		.gxi = "92ea1ad931bf0d7e16e969158cdf365f813003f195a8e5a0548981e4bf8bd89e"
		"5abbfb7741d2ddb5109aa49feea71548884ffbb95d67c0199e7f548f0db154aa"
		"f522bb3318ea45abb6f156af391cc905c28a500497895aa1fe8527637b8f252a"
		"0893c4c28a7dcd67e3d36b3d320a137e34dbefe3a63cd3e199ddbe07c2331047",
		.gxr = "732508787e0f587f596fa77c44bf7fa2ed2e84db8d44c403cb6beb8e30886da2"
		"f99a9f15417fce90eec30f484160e84f819ae41926c76d9d94fde9da2aae24d5"
		"31df4438b12aaf071684b4726a034140e5d0b0d33e2f2fc0ac6ceec48693191b"
		"d932f9d4d289b89a90450e3b5946d25e835ac3253e20ab4b281184b1c69c7a04",
		.gxy = "d203b7b8c66f4dd0b339cc638d43f086175e4b6fd78f151de7b3f7b85041f7f8"
		"bffe7305bd3af467ead8b9a04da148ca528afb6a8fa49e60ee9ee4227f147d3a"
		"1897bf1c0615159c52e7727fc8b9a6c7b4998eb97774315f4118c6e1b5758855"
		"b79f0f679b22a3ebfb10d73e850085433a21afc22288f0c2095a74f1ee7cda07",
		.skeyid = "0409703775e3cd791d7f1e6b44233d01c06812a6",
		.skeyid_d = "00014fb7293402c8e4a7cfdbdf893ce45dc12a72",
		.skeyid_a = "033aa1a9b141ed072bf3e01bb3e248f52ea0be1a",
		.skeyid_e = "7cc5a2dba4de076a711babcec5c97c10ef352458",
		.ka = "7cc5a2dba4de076a711babcec5c97c10",
		.iv1 = "111096f38fd62d74a2edef3ab462360e",
		.p2_base = "09b46df9656f656f9d1656ccec49e1eb",
		.p1_ct = "fc488201ec460bf0627c4d4e812c23d68726cd4eefa9d27e7e661173f12c5caf"
		"1a31908d3863ff4dee706990fcd267e7a98687239557baa2b933706ee4317ad7"
		"dd104ae9dbeee8d9c50618160daff4d8",
		.p1_pt = "0800000c01000000c63364010b0000182ab1d0e460ab5c69d56c378b39a1a279"
		"18c83efc0000001c0000000101106002ee6d1b7f1f9b4dc5e42f227c9162a5dd"
		"00000000000000000000000000000000",
		.p1_next_iv = "dd104ae9dbeee8d9c50618160daff4d8",
		.sai_b = "00000001000000010000002c01010001000000240101000080010007800e0080"
		"800200028004000280030001800b0001800c0000",
		.idii_b = "01000000c6336401",
		.hash_i = "2ab1d0e460ab5c69d56c378b39a1a27918c83efc",
		.idir_b = "01000000c6336402",
		.hash_r = "7274f61326f385248d2eccf63455b3deb454cefa",
		.qm_iv = "33d6aac74a1f5c9b186bfabe822307c9",
		.qm1_ct = "1455ca770e958ec1097651319eadc4cdfd2bc66d03c1a5e7121689e3ee6b93f1"
		"d6fbb92530e4df63446a90fa70a016195715a971b2a8cd4f4e1be2512ef3a1c1"
		"35015e906645445ba36bcaf8ae30c804e384c98c624ca888735e4528932d3d65"
		"2821ac659eecf2ce0c61e66c7fc87c6e3777e30fed501aaa2a008a9235d13d59"
		"d0e5e2a5ffdd013901fff1828a1511d4d8fa35ca45e2022f36538b61f0276e16",
		.qm1_pt = "01000018c7589cf54015280fc1700ed50194bb4be27e0cdf0a00003400000001"
		"000000010000002801030401919a38020000001c010c00008006008080050002"
		"800400038001000180020e1005000024bafc5a1391dca9471b7f4608dd06f321"
		"9407eceda9d1d8266a84a4e01f4726ff05000010040000000a010000ffffff00"
		"00000010040000000a020000ffffff0000000000000000000000000000000000",
		.qm2_pt = "01000018f30854dba6954cfe5abb3485d66fbf1c0a784b570a00003400000001"
		"00000001000000280103040169522f120000001c010c00008006008080050002"
		"800400038001000180020e10050000247c1de89859c27bb44143e191b5b6a85e"
		"c5e304a897c02f3b880653ced0b5126a05000010040000000a010000ffffff00"
		"00000010040000000a020000ffffff0000000000000000000000000000000000",
		.qm3_pt = "00000018f8e6f29aabf1283d1e2649f30e656ffacec037710000000000000000",
		.qm_ni = "bafc5a1391dca9471b7f4608dd06f3219407eceda9d1d8266a84a4e01f4726ff",
		.qm_nr = "7c1de89859c27bb44143e191b5b6a85ec5e304a897c02f3b880653ced0b5126a",
		.qm_gxy = NULL,
		.spi_ir = "69522f12",
		.keymat_ir = "a19bfcc38274fb36d2b2ee36245f082fe1619993411a8045b534bffcdd74e456"
		"3aa9dc5b",
		.spi_ri = "919a3802",
		.keymat_ri = "71b8db5d0440a8b512614951a2f57b91da3efd2b8f397564d23088a8a7b470c8"
		"c797161d",
	},
	{ /* mm-psk-aes256-sha256-g14-pfs: truth.json ike_sas[0] (charon level-4 log values, keys/log-secrets-*.txt), capture.pcap frames 3 (MM1/AM1), 7, 9 */
		.name = "mm-psk-aes256-sha256-g14-pfs", .hash_id = 4, .cipher_id = 7, .keylen = 256, .dh_group = 14,
		.psk = "P@ssword123",
		.qm_mid = 0xf2c21b5a,
		.cky_i = "e8fc28dd213a9a9b",
		.cky_r = "fbe613ba5abeba6b",
		.ni = "262175f03b5161344aa13296aa664b460b322c6e4a5ee7538f4cc33c24b9c505",
		.nr = "f8e2fab44ecc6d627718e94a6eb98eac2f6b25de0d03295ce74bbef40ca7bc4d",
		.gxi = "046cedf65ea6f8ae4091a9648b3ef46477df5c13e447b4357bff05e328154831"
		"4a3c064ab93db8829262443984ffbd0d5b93b3cfa74583d9e89f20f67f9c8144"
		"7c9bbc610f2f54518f59c282dca0a75478940552b064d55b1b503666de0e3c5e"
		"bc8aa0daf2fa831cf8fc79bda80f81c67e7f8e5106fe00881a993c02660c6e68"
		"22550b59c36eddf09e02b080c6cb56f80af6192880cb307a073f4447e0a38d6e"
		"092533825c0414264470d551e8dcc23fd3643f98e7b7d9a291958c868a91d388"
		"6625708a1cdc94f080be8450c1cc84d58d2250f69989295b4e50ae68df1c6718"
		"cbf740a86d64d18f2011a8c550d5ad022bbeaf93cb6b3a375cd953424c582ab0",
		.gxr = "d4045bab1a3c825a09f58ced675b1900182e736962a12cc7fbb890409fb1e415"
		"7e60f4026a1d4543e382a9f252a9a992738dc666e5ccf005b5567d9aa6d08727"
		"c942a837e6d29a33aaaa38557be4e8240c2c4de67183e579f64e3c0b9519aa29"
		"fbe6f12ed2e034863d70340556bb939519f8ec0e48a3d9794cc4e5b081fc1d7f"
		"0c97538a1f9f137d11f45a01a460664c64672b7a88353bb53cf18840ff233b0e"
		"80e6ce06ee5d6627d82bfabc52026845ae67919558680a999ccb61eb1b7f09e3"
		"436754bb380b3737b196f2bb4d1b804881ff5e640b86ef6da7756b41bad9b525"
		"b441a0bcfe5c89354c1b1c938df0e5fe8a21fd7a68ef57e3c07e5e832e1bb903",
		.gxy = "cc448fb122696aace661d10b7ff7f38c52f76481df198cec2f76810910e83497"
		"08d50c50cfa03682507914c5a8adef8b845034afdfed024816231e462ec4dc05"
		"9c6d755165063c22cabbaf17dad59e42a3bb5949b16454e642630f3f281cf469"
		"06734fe076e407f18ac6e100d23ce4702ad5e9c306336cc8542a82466cea716f"
		"05d68bc6b8c1c11b3b2a2021a59da215cc4186ee930461be750be23c08c345c5"
		"4c6eaa21144d6f55f959c3ea39f52e76a201b5c762103b717462cb819ab60336"
		"44fe32249a28fb250dda03332d39a8b5f1cfed6a775a5d9eb41d6c12a9f86e77"
		"5790ca17a99989d0168ae4b7443a8b06c17e20200ddf493e8118a6400bcd4fcd",
		.skeyid = "75ebc9a06f7885d6082dba7e1600f7ec397b9900b00d39e3247db05131ee7cfa",
		.skeyid_d = "6df99ed3d456bfebefa721c5723aa8edd5ebda6c6bfdb20678da2dd39e33fd5a",
		.skeyid_a = "18cd4b627b5ef7ec6eecb1466ec9ba6ffb702a80648da4ec447a6b8606618209",
		.skeyid_e = "b8d88a7707d5c3732ab9c74cbeb8a987e884a521f7e9e8b6e6dd48ee7234fbff",
		.ka = "b8d88a7707d5c3732ab9c74cbeb8a987e884a521f7e9e8b6e6dd48ee7234fbff",
		.iv1 = "ab1811a6be37e14e09ce8737584358f3",
		.p2_base = "22825addbd8f23e4e8474cdf6e97eb42",
		.p1_ct = "b96ac33cefe07754b28215139c89be2022c47d9df19e0f2d798172fb82682524"
		"815010e5770bb300af4d30b71303fee539f41f3b2415847cabed1d24079718a9"
		"ddb81941d902d1116f4e7851d6bd2f4b",
		.p1_pt = "0800000c01000000c63364010b0000244449c08686e489bd1aea9eb4d22f3fc6"
		"7a67f0c5f743baea123871f16253624e0000001c0000000101106002e8fc28dd"
		"213a9a9bfbe613ba5abeba6b00000000",
		.p1_next_iv = "ddb81941d902d1116f4e7851d6bd2f4b",
		.sai_b = "00000001000000010000002c01010001000000240101000080010007800e0100"
		"800200048004000e80030001800b0001800c0000",
		.idii_b = "01000000c6336401",
		.hash_i = "4449c08686e489bd1aea9eb4d22f3fc67a67f0c5f743baea123871f16253624e",
		.idir_b = "01000000c6336402",
		.hash_r = "990925a0c6558eb1dd1216666ed04bed662dae81199d83c7eec0cff6ebb7cc8f",
		.qm_iv = "6b8b56126c1a22f0e4f02d0fa5161be7",
		.qm1_ct = "5120c0673f0cee8681aa106ddca6ea0d944e56f02ca6d6c6f831b09c341d28b6"
		"8a7a6ef9d19ad6340a8c209270023aacdfacf00e2270e6e2aea434d7e891d72b"
		"1ccd2e9ffa6990ad23f61d2abd73f6a1737fa766a2e2d98dca5e3e1979859390"
		"6eec5c80d675d9d8949f6bced85db7be52a53b4a9c961f7adfc8dfb3e2bffc32"
		"11ea2990547bf61c95ee3bc9b7b945285e2ed9693d6e8dade9afbc701916f17b"
		"979d84360d821f2cf905bad27e2e5f332cc22491bbc74b3e9cf5804a61ff2dbe"
		"d8036db5724c2a9658227e42ba89a3b1c8ffc6dce799e43726f34ca9c180c2a9"
		"44912672771b0d1afc0908104db23c54d1a1dbecf98fc7733895548716a6f5a5"
		"c2badea40b12b93ddad400fce6bf02d48f3df0ffbeb5a68418ae9f8d9ea2f43b"
		"dec6a30dd37d9117e83cb04dc663974787c424439aea9afadc7d7c7526011abe"
		"a3b7b8bbc6c168d2904a56c7d8ab7fcdaefe6d10d9fbdf98fc87c1ab140ee14d"
		"7334da40ac0bc743e1c2938a56d714783faf20e6a654b09a6ee26d63a73782ee"
		"0afedfe4a400c11703f64a86deb7edb74db6370257853d4281fe22c9f4a780b8"
		"ff015355d9dcad0460102367713c65c3",
		.qm1_pt = "01000024ae0536fa66c3fc2c7353b385f67f9744e04ec125cd89271d449c66f4"
		"dd30044f0a00003800000001000000010000002c010304015be2cd2b00000020"
		"010c000080060100800500058003000e800400038001000180020e1004000024"
		"a4ad3016d214a71135a7b0ebb1dc0cc5d953ab4a9120261e458844949312749d"
		"0500010474240bb7fa9fdc2186cd251de5a8aa83d3d27257d7726a624294d1dd"
		"67add6e24cbfd64792da449b2f62f50a03947401a4bb85c736922fb92b09e55e"
		"cca7b6c6c233dc3cab8c7aa1d9986303ea262bf1ba8342fa73ee73587b70ff8b"
		"eb6eb14ba10f6daa4aab46c6566cee0095487fb3ed5fe7320b056adbcb7ecee2"
		"f3b2d71c085d1adbe7412677f0d2e14cb625457883457539b2ac76599a702df0"
		"6c7eb9fa3c78234d9c49bac0ca3b0ccb54b7b34e2c8d9f908164e72e1b61d616"
		"f664e7fddd6a6be3e6a9a32626b9e5b2955d2ed8a4030ff4a32de07c92b24f6d"
		"ee1355fbcf58a1f8648f32fcd487e8fbe876d30d5855b7614408acfeedb417aa"
		"7869050205000010040000000a010000ffffff0000000010040000000a020000"
		"ffffff00000000000000000000000000",
		.qm2_pt = "0100002484b787c9176ea5ee9c993649896e00ff0d04d09851ae3eab7f9e6ac4"
		"a73d0e0c0a00003800000001000000010000002c01030401425349ba00000020"
		"010c000080060100800500058003000e800400038001000180020e1004000024"
		"bb68c2f1f38b7d53471f86d73bf83375fe60c4cac911f953128d402dc61d3a18"
		"05000104865af8d43d84185fd516c8b8305f7a84c1fe35fa2846dd3bee3abc3e"
		"7c6191e4d95f80a458ca222eb52c166c352b9161265b465c42c50acf66a4054c"
		"860466f4dbf4a74eab2370980b60f199f727bfd4fcd758a72da6ba33448386f3"
		"5ba8e237dae08ce519043a4f5f8f3e8b7f3cfc3188350bf9fd0f4478cad8442d"
		"1ea5fa8277c1a78b64631968954fe826263892f7dd26b5238e65cbb0afc5ec0b"
		"bae4bfc829bb00ed709efee0e9586a7ab5092ae8ffee39c51df60fc9c6ed4f65"
		"18150b1b14c87c86bee157e8cedc074757aa892ef8f64a3f34abab5751332bc0"
		"367abca081283dbd1794734d2ea7138698bd6bbb39b84b35629fb78814a9cd07"
		"f575c9c005000010040000000a010000ffffff0000000010040000000a020000"
		"ffffff00000000000000000000000000",
		.qm3_pt = "00000024744cc293bdca45dcd16d8abdcd23386a100ea39ac845b5031112133b"
		"4ccc991b000000000000000000000000",
		.qm_ni = "a4ad3016d214a71135a7b0ebb1dc0cc5d953ab4a9120261e458844949312749d",
		.qm_nr = "bb68c2f1f38b7d53471f86d73bf83375fe60c4cac911f953128d402dc61d3a18",
		.qm_gxy = "e7418d175c532dfc63609c35933f85bbadb25c957c7c28e9e5a5a4c266f80d7d"
		"f771cec9469a5522cb385472bfc46c663c3033a0fcdcaeec10831cf8bc5f45ce"
		"31fc870765ff4e7a182bf68a05d48d73585e9da9bbab49eb4f6954cf3c59d468"
		"f7fbad97c23a3ccb9a337fa245f3535f900ce3d3133dad61689570504fa9a2ee"
		"d4167b3fd0449e6b5da3b5b1ac32d3c4340e7007341aebab11aab8e8d4112be4"
		"9dcd12c12e94add2424d12877627364a275dddc92fab416d3501efaf62a57455"
		"60be4fa46f0b782f1b6ea4aa3fe7ea24d0f9bb0f76157bbccd2e81518075ec73"
		"e8dbb5fb4b412ab4786a1edfb004829158df16a061fc3ccddb2e7ab085d1ede0",
		.spi_ir = "425349ba",
		.keymat_ir = "4dc2021b8e44129e7c054d623967f1e7231a67f9811e8296e74233c7892effcd"
		"a4aef98537bc9232e8bf29836d2e84ae3b35a3fa51f400c983c31fa7230e5382",
		.spi_ri = "5be2cd2b",
		.keymat_ri = "a7d6923702f736e01c39d0c33e2b6ce7fef4ad81f5588be89f1884fec3559248"
		"6b29b4c142cc9a09428ace513626b76e8f15e9d37e9b8f51601e9a23d9ad3565",
	},
	{ /* am-psk: truth.json ike_sas[0] (charon level-4 log values, keys/log-secrets-*.txt), capture.pcap frames 3 (MM1/AM1), 5, 6 */
		.name = "am-psk", .hash_id = 2, .cipher_id = 7, .keylen = 128, .dh_group = 2,
		.psk = "P@ssword123",
		.qm_mid = 0x4a3fb6ef,
		.cky_i = "f3ea2ad3fc64762f",
		.cky_r = "e309cc5633c48040",
		.ni = "3dbba14ba61eadca6a5ebb7cd67e75a11306da435958efa9dc027e2075c6e52b",
		.nr = "24275fa739753025bb9d346892e0750a350b8d3853829fb038273848a765366a",
		.gxi = "8e367f282a9c1753f1e812512952be5d20d90fcb587047901f47e978820f9844"
		"3d3d5e196d2d6aef95c64ea0ca4c97376c4eebd2eed2108dc41ee7a1f38e1285"
		"36f8d0a289ea5f2942d0bb2107619c1badf7856667915a7e42ab0e7c4003cee8"
		"e7a0350f8623b1e39b1036b36ecf31becec1a591d38af15f23ff705d6295fff2",
		.gxr = "3027815d9ae7f6d47913e9340734bf08405816345fd79c1f70f4a8b9aac74b9f"
		"eeef82d3c2e05ba2c890d7bc97aa9eec5ae368351d3b2c4665c011c1438b2162"
		"cab65ce17d7e0f0143aaf03b9b5e026547e94f659bd11166b824b8da629e2a50"
		"7f48d024d1e0c049b5cac2edc84de1e550823f6c30c8ddaffadf835993c04ec0",
		.gxy = "996d4e40733f449b5cb285208e6901b5a92c557cc6e97fbe16431a0d551b3ce0"
		"487e8b5b554e3862a48fc780990e4a450a2466b97ee066301e066f9d94a7186f"
		"f388e35319f90f9c4660d6be10675d92471ad421b02480ae33375c8ac0e437a7"
		"8620459ffebd376cf63ca78bf5b91bea41c69cbb8e4566869415dcf33e7ea059",
		.skeyid = "45042decaed20a1ed6fa71478afcf49eef3970a1",
		.skeyid_d = "fca2079cecd824dc0068f31f8baecf7297754707",
		.skeyid_a = "ca5c8ec09176d1bbd795c5bc6c202aa3cbff3f7c",
		.skeyid_e = "2d8f85e75f9864b849ee94d9a25330fa369b8c2d",
		.ka = "2d8f85e75f9864b849ee94d9a25330fa",
		.iv1 = "c5200cfc8f22604df1b74b50888fc376",
		.p2_base = "955e0afa3a76798ab61ba1de53b04138",
		.p1_ct = "ea5c3d3b8e53e530bc54271f198dd1545a37fc21717d6123925589d94c44190c"
		"aa7eae45219a7e3314f474301d36913aa0814f7fc9c9066b492fe89b076e3d49"
		"955e0afa3a76798ab61ba1de53b04138",
		.p1_pt = "140000180e76fd0e1ece9cb45697f02b31347df46133e97214000018fda5f901"
		"11d6ada7ebe9dda53caffb50c51a3eba000000186ef623c4a00d13935fb74409"
		"1dbb22deec4401910000000000000000",
		.p1_next_iv = NULL,
		.sai_b = "00000001000000010000002c01010001000000240101000080010007800e0080"
		"800200028004000280030001800b0001800c0000",
		.idii_b = "02000000696e69746961746f722e6c61622e6578616d706c65",
		.hash_i = "0e76fd0e1ece9cb45697f02b31347df46133e972",
		.idir_b = "02000000726573706f6e6465722e6c61622e6578616d706c65",
		.hash_r = "3d9bb20da4f97c894a4c87d354c8fb61e4aba8c7",
		.qm_iv = "f53520926b833141ff5068e28c1a7f6e",
		.qm1_ct = "87ec798de5f5774ec8acb0bd15959f8a26c2ade3bddb0e5605b4f0f397de8c46"
		"e13f5ef2ad509462fded761a7be73378948875d3946353323958a839c6f2394e"
		"e673b98869aa819b6a76869d5c4c8e85b17192889cb2a5d4e0ab978d511fa6cb"
		"537be866a88ce3a6e6a30476cd273f60cdf8b1b0a105299366e7cb54017e4613"
		"c42523bf28425c69845ee10e7ccf48095f699f888417e3267f03008467d44396",
		.qm1_pt = "01000018b206018620371ed8ace1170f32ad39baf7544be20a00003400000001"
		"00000001000000280103040160e034420000001c010c00008006008080050002"
		"800400038001000180020e10050000243791d4f8333667d381d9110c4b58c2d0"
		"8fd1c2d77d6d3a97ad3c855f80899a0a05000010040000000a010000ffffff00"
		"00000010040000000a020000ffffff0000000000000000000000000000000000",
		.qm2_pt = "010000187eefd3648d7b2286d15b5cd2f4c3902e7e065cd20a00003400000001"
		"0000000100000028010304013f17a5590000001c010c00008006008080050002"
		"800400038001000180020e100500002446d4221154d967ff02ce3d9ada014e52"
		"d3cb30accc9989e78b8f51b25aa37e0b05000010040000000a010000ffffff00"
		"00000010040000000a020000ffffff0000000000000000000000000000000000",
		.qm3_pt = "0000001861081bb57f2f7767cc5b2db942c07f001440fb7c0000000000000000",
		.qm_ni = "3791d4f8333667d381d9110c4b58c2d08fd1c2d77d6d3a97ad3c855f80899a0a",
		.qm_nr = "46d4221154d967ff02ce3d9ada014e52d3cb30accc9989e78b8f51b25aa37e0b",
		.qm_gxy = NULL,
		.spi_ir = "3f17a559",
		.keymat_ir = "fa9be9169363d96be79bb579e1933bc78a040256d41fd8655ae792c0439ead38"
		"5d645f36",
		.spi_ri = "60e03442",
		.keymat_ri = "d88b832e4de1bc4f3df60f60e04197c72094dc0bbf2969ce60e2781559fbd477"
		"6ad27153",
	},
	{ /* ikev1-esp-gcm: truth.json ike_sas[0] (charon level-4 log values, keys/log-secrets-*.txt), capture.pcap frames 3 (MM1/AM1), 7, 9 */
		.name = "ikev1-esp-gcm", .hash_id = 2, .cipher_id = 7, .keylen = 128, .dh_group = 2,
		.psk = "P@ssword123",
		.qm_mid = 0x7489621b,
		.cky_i = "2508869c80b2f379",
		.cky_r = "9e4412b5678bb730",
		.ni = "fd6c1a822059d6b3d57c5fe420545ebace2ff86d8dc7016e9034289c47f6a729",
		.nr = "19322c78b3b5a90fc144404445ce811ef01777b17149ffce9efa702b0adf0ad8",
		.gxi = "4358e2e2eb78271f78752e5dddbd50c0ce47d529b9cb02ff018166255f98850e"
		"e5141850331b6689a8ab8be12c9d08326028b1674306445e37e93a20616c54af"
		"3e2f09221573671aafc45a87e91f29cc3b02630cd2399ae94d52c465ea3d8708"
		"340371082bcb4f8b42695330601e7eeea0861f39017a584a97e2f50ff1d7ec93",
		.gxr = "7fc052e9ab38c40b30c4fa05be8a3c49cad7dd26a20fee7ecd14fff6b17e5487"
		"a28e3da49ad00568c586ecedb64abffb73437b395af102446d615dc8375bbbec"
		"3195694e10f728d49d9d2e366a08a2ed508ee52cf0c6946ada28cfa69900e7a2"
		"e520a27323349d50e6894fde77bf8880e9c2d8b1dd7dacd51cf5d006588f87be",
		.gxy = "df0cf1d5fb165f35f6ae347ec8bcbf7eb4c195f22ef49fa6b182180476796b98"
		"c1c05351bfe3912b19a87bc147248e020f2d3a8b0c60198856d9caca8297db53"
		"30dc7e67dfbe734de61a63953c08a3cb22e75c18bef6ee29566f2663811c4fbb"
		"f25ffb0a236e4d76d5685d01611f23ac49878ec2bae08cdabb2680b5e7034cc5",
		.skeyid = "48db4e9c65248a8e651418bc38bc12623ab9a350",
		.skeyid_d = "87dfd3fb3b9f097ee9f235d007a2ac13d2aff51c",
		.skeyid_a = "0e3c1eace0c2e2207e1be0248183b14cfa409b93",
		.skeyid_e = "92586956e5fa33de9013055c07cb3c21905ce043",
		.ka = "92586956e5fa33de9013055c07cb3c21",
		.iv1 = "e4b6326d89b57dabd29a2f61cd54e363",
		.p2_base = "df46a4bc84c901964f2b365579175f14",
		.p1_ct = "cd0fcc9e2c4d8228e26ece98d4fe72fbf36580a248bff9c7d76d6739726204cf"
		"bf480837aad1c6512ce61e618d64747d96d1bd92fc4d82ddbaabc2908f6069ce"
		"7b697704c5848481a1cea9d57fe837fc",
		.p1_pt = "0800000c01000000c63364010b000018c26d3ed768bd3c4fda70bc419b28ff6c"
		"33fbe8db0000001c00000001011060022508869c80b2f3799e4412b5678bb730"
		"00000000000000000000000000000000",
		.p1_next_iv = "7b697704c5848481a1cea9d57fe837fc",
		.sai_b = "00000001000000010000002c01010001000000240101000080010007800e0080"
		"800200028004000280030001800b0001800c0000",
		.idii_b = "01000000c6336401",
		.hash_i = "c26d3ed768bd3c4fda70bc419b28ff6c33fbe8db",
		.idir_b = "01000000c6336402",
		.hash_r = "294a74fbbc38cd208aeb0a4845b9fe2a55ef6ff8",
		.qm_iv = "14454a9cbf8267fda5fc0bab9fe6e50d",
		.qm1_ct = "ea2e8be543e15b93afa1a57933e5eb50ccacc4f1f22613e8af193899cd52b906"
		"47ba337e90c2c7dad405d8ef2d2bdef77331f8088bc86d781095987c7b0c249c"
		"5892c0825ecb39f9db599badb6ee88a42a9460786fa290c6bf4d58c12be2c360"
		"33b243ed632767d07808a969d38a0c07f64dbf9210722263661052c457588bb8"
		"ce25f885eade56d157f414847ffc446eb1eb7c9af1bee4f9df6158ad5e82324b"
		"fcb14de7abf31a9a7114f6d47d5cec553b82daba3f31d771e630985053a97fe2"
		"834aa8b4c95ade527668956c83b08e0cb574c6a322190750b82d0837a7e9860a"
		"96759f4794d8f001831fffad957e6073e2bc3042e2a8947b39b499ff8dcee217"
		"e5009340b5f755b755e57da9e2ab43bc45735b85d6f6ea415fe92ad1fbee61d4"
		"8b93be6ca2b2a4a290dba39ebf03a6a3024db48e5b196044c14f276527e76fe0"
		"951ba2283cf3547c4aa3b39ded1fd57fcf0d0bc95bcd3b38ff0a0abc8d4bc934"
		"6320589475132cdc1346b741bf09745091847f25fa9a57faa275229d8f7f1062"
		"b6739c111d665aecc40f3a712e467261c3907f500c0f3509a7d1d366dc0ca22c",
		.qm1_pt = "01000018224dbae3315de4fd71f6cb4847ddb99b90e991150a00003400000001"
		"00000001000000280103040185d6db3e0000001c01140000800600808003000e"
		"800400038001000180020e100400002493ad287e0e67dfa861ecf77ce6e259ef"
		"2d67de429d162e9b0dad85cf5fe102be05000104b2819004d6e333db185411f2"
		"fba1c12344ac44503824e9fd4493a30c43657d5d7844d3a9fa4b80f645d9ad56"
		"033fc77840ae55362de5981d555ab0abe325e06030d945cfa1d7ce1b037b1dfd"
		"b4772e8ccd1145dd408791b8725cf8862010943113c195589f5b66925f8e2561"
		"139d9117a57eebaf8033f623519f2a0dcacb6108495060782a55ec4f0e2b4d36"
		"1c806b92b461b21794da1e2cecaa02449d0f8242b7b016cd2e498c35f6965f43"
		"69df2c9a621920e86131aceea2e828a8d5204ad1527d228d4229fc756702ee48"
		"7477692529806a49c9c4063447ee84f6e406674a85750d23bf9d12ba9e02de6c"
		"5434d3265893b46b9b8812289dea2017ea3ec52505000010040000000a010000"
		"ffffff0000000010040000000a020000ffffff00000000000000000000000000",
		.qm2_pt = "01000018663f491a1326c4174a21ec8d12795568658a59c90a00003400000001"
		"000000010000002801030401df733d140000001c01140000800600808003000e"
		"800400038001000180020e1004000024c320dfb2ea11582e187e821d9999dd1e"
		"8e588596767691b66e8d3521a377d6af05000104601f6cedd141ffa8e3cf95ef"
		"a20e2b5ba8ca4930b9d816fd39e0192d43efc901245c340acb05d401140c42e0"
		"972e6be9304a27a8519d080caa17f41c4ff3afcd7bfe35175391a350951ba571"
		"ec3ba3bfb857fa91f2aac4e1802a37d51de00dc1536dc19b894bed094cb98ad3"
		"9d8b19fbad66746550d748fb88b6097a947419aae9a4ae6a60c155afc542cd8b"
		"e671023cb455b9687ce38de8b27b508acad4d89e27b0d9dcd0549e6874bebbcf"
		"ce47faee986de10ef1bb482922c63ca466c368c24fdc209220db50a569f7c439"
		"f99b10c344dfdd16572c8317aab72bea2c3f0492d6b76837d1442d3667b3ee73"
		"d59ef03a4adf9c4852902b405cd68f8c666a781e05000010040000000a010000"
		"ffffff0000000010040000000a020000ffffff00000000000000000000000000",
		.qm3_pt = "000000180494b53e431c8f7d5a779accf95d77100bbdd45d0000000000000000",
		.qm_ni = "93ad287e0e67dfa861ecf77ce6e259ef2d67de429d162e9b0dad85cf5fe102be",
		.qm_nr = "c320dfb2ea11582e187e821d9999dd1e8e588596767691b66e8d3521a377d6af",
		.qm_gxy = "21a530c5a041bc3fb33f9f4a39145d3b6b2a71de1b57fac2264b5303b6c2a2d9"
		"f15c5841275c72ad0fa9dfcf82e9e54c6fca907d2f48b5afeac2667115242b60"
		"6c018ab821b74fd9b4b170199ec925427360d011b22954fb4e937a00e168e544"
		"c1cd2650d3c89be921cf9247d7114c9ec3498e78ca8863ccb7a68cbc9b24a597"
		"5bc96103d0219e625a79d1317dbc6a3adb212a105723ab8ae4ea9d88a946c20d"
		"66e2fbc453f4713901ad3842712ed7c7443b9b4633fdeebeac0d2183a14883c8"
		"6cd819fcbdc8719f1ad17ab072eb00c28604c256094f2657551716c41bfc8220"
		"9d889b9c691c892581ba1658e9c6d5833c310a3ec40605b9a5dfbfa0a254869e",
		.spi_ir = "df733d14",
		.keymat_ir = "f3c86aa3311023308c21afda31945f6b649d7e51",
		.spi_ri = "85d6db3e",
		.keymat_ri = "f9b909172c5d5fef7eeb04afd3afb2720259708d",
	},
	{ /* mm-rsa-sig: truth.json ike_sas[0] (charon level-4 log values, keys/log-secrets-*.txt), capture.pcap frames 3 (MM1/AM1), 7, 9 */
		.name = "mm-rsa-sig", .hash_id = 2, .cipher_id = 7, .keylen = 128, .dh_group = 2,
		.psk = NULL,
		.qm_mid = 0x4a988b4e,
		.cky_i = "47f2b72e119337f7",
		.cky_r = "0dab3a92f873961f",
		.ni = "9f6e39d31126ac340faf2fb9d113a5e70d742f3ab8ea39b649c955f9a99d5914",
		.nr = "67225bca018fc4280e69a0b5e1c12f34c17934dba77f28725e64963fc1d43907",
		.gxi = "379db2483cd1e6508b9c4fbd8b77ae9a51b4b6f243990857c246013662618824"
		"8b942b552d6a38aee6df144a53fd43d2684b7de3ae1be553ffefd0b0f7198401"
		"5907f4edf56b8ebb472c2a531ed0727a2773d9219c2700b7e72c17e6a5130fd1"
		"457f44adf707d25de9dc49dfca49b0c7773603ec45fe61faa650fa602d1bb322",
		.gxr = "38c4874fe517a3ac5acd55f86f8bb703bf5da679dd4153519615e90f2ce3df2a"
		"9931aedc9b19a093355cfedd00e439427a383f30daa2234edd2d2bde93fd74ef"
		"5109633b07367961d74aead1d4d55d2467a5a9333c7f540d659b28434dfb0953"
		"697920ef75498304be1ecc90aa70aa466ed37a79f9d98d87b6d4fdafc86e9fc1",
		.gxy = "e41a390468ebb4e212d97c25127477cdca298a62796e3aeab54f5f16a818699b"
		"85215107b0b495fab6185389b840cb6a7eee435bdcdae28c7d692d3509013e4f"
		"33a3cd12905620938c422c000b2d17ac017cb2605a43b151a219df987ff236b1"
		"b5d65fe7caa53a9332135cddd3772f6d11b31c7bad8fb3c601fde69ebe349c30",
		.skeyid = "cf1be951415f550df1b2931993b3b78b1bc59ae2",
		.skeyid_d = "55b49de185208d9ac42856c31f600fa803626b40",
		.skeyid_a = "8c73891e7de268f3dbcd49c7265af125ef2cbe74",
		.skeyid_e = "6bd4ce73a6b3c939fefefb9d05a71eafc1b22e8e",
		.ka = "6bd4ce73a6b3c939fefefb9d05a71eaf",
		.iv1 = "14c8e4a87ec59d72da17e8a1229f2c7d",
		.p2_base = "630935e4f88bc163d26c36e9e8432fff",
		.p1_ct = "5612620483a48d4436770596a3bb0808d10753bd8412fd46ef2d5274ec8e77e2"
		"ad2f4c23efe45b60c63d16282ad1153c0d543ce52c019e7dba8e1b29f6f49104"
		"ca808e3f179c802ce4af61957c1b97307d67e668f1f2c85122455ba75bcfd98e"
		"83f2d667890fedce85fce03e61df20f77cd7f939f02275317849f18f50f79127"
		"0c3d64149b996265dc200b003545901307f26279cc105e4f88922201e946e3a0"
		"c5485118a8ee9f5088c1f8ce1642daf91220a3ee3a4647c2b8c79b21b7b02a5b"
		"c93b39e123ff4719bd4630c26117acd452ccd72d73b0e0687131cc8528c5385d"
		"8f71a7f5468f630e22d426eb9fc9d98d09a4f2d79b410011ad5abdfdf985c8f1"
		"6d2774d70136c489e29863918ca0c13bcdb4d459dbbb97e99ad17166d2e319e2"
		"7bbd82cd4c684b26d108ca7ccdbcbae1aa28fb86ab86f67abe8bb0781972a2e5"
		"a158ba81fb918d26861f429898fab8693f1cdf98047f39536f299f58bf91ad4d"
		"bdfc9932e0daa270082fcf77c34baaedf35b5b043574d40b5a0cde82571a96b6"
		"8e2eefb492ba8fde0eab206e9f3596d097caba3beb057de96cefd722f03302eb"
		"7b15855631d8c6313a905539c918e035e604920ea0ff1795346d6772b8dbc28d"
		"697a12ab1703041ad3e9aaf21f3b3a4e7117daa1e4137ffc7ec5616d9ed9eed7"
		"c82082d2434205f941d154cbe808bc0ba7f37b75bbecb6b99c2220b5fedc3db6"
		"7fd719793c2efc94bdb811d835d8483c7afe23a85bfd11e052fb69ce1a5f5e75"
		"a5b87fce7ee19924f307349f9bf7fd26a5104129749b6ea4392d7192dc2ffad5"
		"359ffcb8d59b3f67a4db001d18ab077925b97d74ead2fafae68531589768fecb"
		"d091b93dea6d8fbce60572c284a1b05ed53ca93072aae9bdfcb46dc876cc7186"
		"6a2d35b974d365ffeb64cf89d4479ae14efa2b083509bf014c03d061b3c3c8a8"
		"adba49de7b9d78ef8cd7b8172b9eed45fbbe98b544a4343402615dd13d5e27ee"
		"b8e542c6c620bb54097991e50f4a33db86fb7faf126316762cc593e051c1e42b"
		"31f2ae0e3b282dee9ffc47359c8766a226cc278624dbd6836fa79e8d479ba23a"
		"7d47b3b627441b0bdb5062ef235baccee27df3c9d9a897c250629b73f8c9e6b2"
		"6798c09cd18d8f969048cb4f98259d3986856fcf0d2a6446339c3cb368724932"
		"dc0e73ea215ad049a98589fe3c726aabb01a924aaa3ac032e3732c4a8fa5183f"
		"23619abbf5f28222bfbaec5890b15a1d905e2743c58d0ad32e7e4fdd12425d31"
		"5fc7673928d9b9a9a4606e4cfa90e79116a5dcd9e6c3022ab3c3d0c88f861857"
		"a6c17a56e0482eebbc58a664f6d6637db0a775afc541c756eae3c5306c5dde86"
		"fd03eb80a13a302ee8389c33e3f0c7afb5d93b092a2565456dbffdc6cb0c2000"
		"9e381c97270bc70b3234b70fcc46736943b00d08eecd9fbcdcd237657cab8029"
		"b38077709311cd3c3615e66d8ebf7d5d714651a11ab649db1e5945784a2bd06a"
		"6505a14e202e9bce98371c993e17e8f97c4a5429c64af040fb3c6c7e6a0a093d"
		"0434ce62c5d757a641cc9b2fe07a5c700b9fa8d4e0fdaa1eb3bd469bbf57d404"
		"19ad17d349c82e41d7588923297a0974",
		.p1_pt = "0600002a090000003020311e301c06035504031315696e69746961746f722e6c"
		"61622e6578616d706c650900030604308202fd308201e5a00302010202087f17"
		"6e494b407e87300d06092a864886f70d01010b05003016311430120603550403"
		"130b4c616220526f6f74204341301e170d3236313132393035333732345a170d"
		"3331313132383035333732345a3020311e301c06035504031315696e69746961"
		"746f722e6c61622e6578616d706c6530820122300d06092a864886f70d010101"
		"05000382010f003082010a02820101008a3b2975e1e40fe3dcd75ef91260f728"
		"d2015047a6a6cc3c96499022e37924ae0ce886d4938dd1e9acdcd16257674a0a"
		"329001f0f3b529d823cc3d14ad70e93af4ed43d0f83fdc1144cfeaa495413f12"
		"19fedcb1307a6ef3db7e084645a5933e2c34e98678121f7c3ac2d7c6e29e1b88"
		"1309d25850105856dc5b32d742db69d710c0194900dfe7e609fa6414484b497d"
		"f8d819599b572d9b4a62045465f6e1dc97ee5a49f57a07ef5931d8251da05ecb"
		"6cf184a9970e19d0d5554cc47a7418880f9398ef92c8e9d4b2f7253baf3fffed"
		"a0ae20460100b90777170d6d4af7a5dc1d19893cbaa96f66b207a74872831fc4"
		"bd8407474b873de452181fce291997190203010001a3453043301f0603551d23"
		"0418301680140c721d40131c06e4ac1e6cb225c876596fe378a030200603551d"
		"11041930178215696e69746961746f722e6c61622e6578616d706c65300d0609"
		"2a864886f70d01010b05000382010100328bfde9e64f99752c119024cba3623b"
		"41957ef5cdf16b7b6a28f721aa63df192567adb880e231912660b0b86a372765"
		"b536c4c0102ceb50d100b744ac27ac4c90841b7c0c509779a10f4ca9c9c86339"
		"b52012aed01085edc892763aaaf47d1a1578dda7f8e81ff301371c2316843203"
		"169821c893c2226fef139ea20c8fc44d60ae67ea3f548257ca6e06e30e6e3393"
		"f4d8ab7eb20eeff5c1123c78cb76a54cf0459dbe32d166afc078514449a9ef02"
		"767d80a3ab2d4cf36295ffef4b59caceef7610cf4ccbd955d17dca2a2923e81b"
		"6f53979b2c7a5b520240eefb7e6fbbad8b619cf59904a08ad512f2372a332856"
		"33b6af928e7827f38c4cc8075e791c66070001045d0b410d9052f9d23b00d965"
		"f14ca44fe8c58bffcb1d635adeaa843f8117b8e87ab5c2d25f4ee3dce6d26e83"
		"c0ef7aaf94a7e370fd7febda2d32e69fbd2ca2e96360c03eae62e9e08b653b55"
		"9db2047e0ee457f989269205505be4db56d3e36f6e3ec8957aa030808366cecc"
		"7d7ba8af23adbff6ba5ecbaa6653c63dbb7d7b56bcb42db7775226ba89275f91"
		"0278218e2c62a15b0777b9e3b12eed8d9e5582bf6c165ca716a09a5e55c5f821"
		"72a36a932e4c97b23240f1ab989ff2dfa424aa22c6b1a9092dfe2b62269cd831"
		"72af82af43000977afb7fa13d4d43807e570b9d7b13635370aa7f036a4422b67"
		"07ba72007377252f6c4a338ccfada63b2a9376300b00001d0430163114301206"
		"03550403130b4c616220526f6f742043410000001c000000010110600247f2b7"
		"2e119337f70dab3a92f873961f000000",
		.p1_next_iv = "19ad17d349c82e41d7588923297a0974",
		.sai_b = "00000001000000010000002c01010001000000240101000080010007800e0080"
		"800200028004000280030003800b0001800c0000",
		.idii_b = NULL,
		.hash_i = NULL,
		.idir_b = NULL,
		.hash_r = NULL,
		.qm_iv = "3f987401cecbc75ed71c2d91d34d3f4e",
		.qm1_ct = "dd6762b92da7134e036bf94514bb2763fb1f1e1d5fda3f2587903656b915011a"
		"f209421020ca430c4dc0b094e36801d28305aa3781fb7ff720e890562d34d131"
		"74ee9e7efeb245f0f724e9cda9c0f07209903033e982f28a7360428a9ca15e5a"
		"ad15cb0eed2682e3d24520527d21ccce5c3638d51a815d875dd8d2194987a0f7"
		"2ba8a4a9581c39e184c2141e0496107a440f09e880346556bf7fd1af43ceeb28",
		.qm1_pt = "010000181e3d168e4568ab05613e24682539f4a425ca754a0a00003400000001"
		"000000010000002801030401544ca3880000001c010c00008006008080050002"
		"800400038001000180020e10050000245743c003b0d08c26f1f055ec17093fc3"
		"ed86fa9e26a54dd6abb1e712ce64e84a05000010040000000a010000ffffff00"
		"00000010040000000a020000ffffff0000000000000000000000000000000000",
		.qm2_pt = "01000018b53b004b064c2ce2296524939e1764242cb70cd60a00003400000001"
		"000000010000002801030401747075090000001c010c00008006008080050002"
		"800400038001000180020e10050000248299dafd713b00457a1f4aa72354d125"
		"6e3a15b5e4e31a65587f16e02cf41c9a05000010040000000a010000ffffff00"
		"00000010040000000a020000ffffff0000000000000000000000000000000000",
		.qm3_pt = "00000018b27a6e67e40e80619d6f7c547bc557ae6413350d0000000000000000",
		.qm_ni = "5743c003b0d08c26f1f055ec17093fc3ed86fa9e26a54dd6abb1e712ce64e84a",
		.qm_nr = "8299dafd713b00457a1f4aa72354d1256e3a15b5e4e31a65587f16e02cf41c9a",
		.qm_gxy = NULL,
		.spi_ir = "74707509",
		.keymat_ir = "a2b4bd81637d26b8585237ec5fe4b1f6c0512cd77224d524b6a1ed62da9a96a6"
		"b752637d",
		.spi_ri = "544ca388",
		.keymat_ri = "cc61db117e8acd35830d8a507b5426dc0f9a660bd50d8ced1c882e5647c4e19b"
		"20919afd",
	},
};

#define NLAB (sizeof(lab) / sizeof(lab[0]))

/* Phase-1 keys of one lab case: SKEYID, SKEYID_d/a/e, Ka and initial IV. */
struct p1_keys {
	uint8_t skeyid[IKC_MAX_HASH], d[IKC_MAX_HASH], a[IKC_MAX_HASH], e[IKC_MAX_HASH];
	uint8_t ka[IKC_MAX_KEY], iv[IKC_MAX_BLOCK];
	size_t hlen;
	const struct ikc_hash_desc *h;
	const struct ikc_cipher_desc *c;
};

static void derive_p1(const struct lab_case *t, struct p1_keys *k)
{
	struct blob ni = hexb(t->ni), nr = hexb(t->nr), gxy = hexb(t->gxy);
	struct blob ci = hexb(t->cky_i), cr = hexb(t->cky_r);
	struct blob gxi = hexb(t->gxi), gxr = hexb(t->gxr);

	k->h = ikc_hash_by_ike_id(t->hash_id);
	k->c = ikc_cipher_by_ike_id(t->cipher_id, t->keylen);
	cr_assert(k->h && k->c, "%s: algorithms", t->name);
	if (t->psk)
		cr_assert_eq(ikc_skeyid_psk(k->h, (const uint8_t *)t->psk, strlen(t->psk), ni.b,
		                            ni.len, nr.b, nr.len, k->skeyid, &k->hlen),
		             IKC_OK);
	else
		cr_assert_eq(ikc_skeyid_sig(k->h, ni.b, ni.len, nr.b, nr.len, gxy.b, gxy.len,
		                            k->skeyid, &k->hlen),
		             IKC_OK);
	cr_assert_eq(ikc_skeyid_derive(k->h, k->skeyid, k->hlen, gxy.b, gxy.len, ci.b, cr.b, k->d,
	                               k->a, k->e),
	             IKC_OK);
	cr_assert_eq(ikc_p1_enc_key(k->h, k->e, k->hlen, k->c->key_len, k->ka), IKC_OK);
	cr_assert_eq(ikc_p1_iv(k->h, gxi.b, gxi.len, gxr.b, gxr.len, k->c->block_len, k->iv),
	             IKC_OK);
}

Test(ikecrypto_lab, phase1_keys_equal_charon_log)
{
	for (size_t i = 0; i < NLAB; i++) {
		const struct lab_case *t = &lab[i];
		struct p1_keys k;

		derive_p1(t, &k);
		cr_log_info("%s", t->name);
		assert_bytes(k.skeyid, k.hlen, t->skeyid);
		assert_bytes(k.d, k.hlen, t->skeyid_d);
		assert_bytes(k.a, k.hlen, t->skeyid_a);
		assert_bytes(k.e, k.hlen, t->skeyid_e);
		assert_bytes(k.ka, k.c->key_len, t->ka);
		assert_bytes(k.iv, k.c->block_len, t->iv1);
	}
}

Test(ikecrypto_lab, phase1_decrypt_real_message)
{
	for (size_t i = 0; i < NLAB; i++) {
		const struct lab_case *t = &lab[i];
		struct p1_keys k;
		struct blob ct = hexb(t->p1_ct);
		uint8_t pt[sizeof(ct.b)], next[IKC_MAX_BLOCK];

		derive_p1(t, &k);
		cr_assert_eq(ikc_cbc_decrypt(k.c, k.ka, k.iv, ct.b, ct.len, pt, next), IKC_OK,
		             "%s", t->name);
		assert_bytes(pt, ct.len, t->p1_pt);
		/* The responder's reply is encrypted with our last block as IV. */
		if (t->p1_next_iv)
			assert_bytes(next, k.c->block_len, t->p1_next_iv);
		/* Wrong key (PSK mismatch): decrypts to something else. */
		k.ka[0] ^= 1;
		cr_assert_eq(ikc_cbc_decrypt(k.c, k.ka, k.iv, ct.b, ct.len, pt, NULL), IKC_OK);
		cr_assert(memcmp(pt, hexb(t->p1_pt).b, ct.len) != 0);
		/* Truncated ciphertext: not a block multiple. */
		cr_assert_eq(ikc_cbc_decrypt(k.c, k.ka, k.iv, ct.b, ct.len - 1, pt, NULL),
		             IKC_MALFORMED);
	}
}

Test(ikecrypto_lab, hash_i_hash_r)
{
	size_t checked = 0;

	for (size_t i = 0; i < NLAB; i++) {
		const struct lab_case *t = &lab[i];
		struct p1_keys k;
		struct blob gxi, gxr, ci, cr, sa, idi, idr;
		struct ikc_p1_hash_in in;
		uint8_t out[IKC_MAX_HASH], wrong[IKC_MAX_HASH];
		size_t n, wn;
		struct blob ni, nr, exp;

		if (!t->hash_i)
			continue;
		derive_p1(t, &k);
		gxi = hexb(t->gxi), gxr = hexb(t->gxr), ci = hexb(t->cky_i), cr = hexb(t->cky_r);
		sa = hexb(t->sai_b), idi = hexb(t->idii_b), idr = hexb(t->idir_b);
		in = (struct ikc_p1_hash_in){ gxi.b, gxi.len, gxr.b, gxr.len, ci.b, cr.b,
			                      sa.b,  sa.len,  idi.b, idi.len };
		cr_assert_eq(ikc_p1_hash(k.h, k.skeyid, k.hlen, false, &in, out, &n), IKC_OK);
		assert_bytes(out, n, t->hash_i);
		exp = hexb(t->hash_i);
		cr_assert(ikc_hash_equal(out, exp.b, n));
		in.id_b = idr.b;
		in.id_len = idr.len;
		cr_assert_eq(ikc_p1_hash(k.h, k.skeyid, k.hlen, true, &in, out, &n), IKC_OK);
		assert_bytes(out, n, t->hash_r);
		/* A wrong PSK gives another SKEYID and a HASH_R that fails. */
		ni = hexb(t->ni), nr = hexb(t->nr);
		cr_assert_eq(ikc_skeyid_psk(k.h, (const uint8_t *)"WrongPassword!", 14, ni.b, ni.len,
		                            nr.b, nr.len, wrong, &wn),
		             IKC_OK);
		cr_assert_eq(ikc_p1_hash(k.h, wrong, wn, true, &in, out, &n), IKC_OK);
		exp = hexb(t->hash_r);
		cr_assert(!ikc_hash_equal(out, exp.b, n));
		checked++;
	}
	cr_assert_geq(checked, 4);
}

/* Checks the HASH payload at the start of a QM plaintext against `which`. */
static void check_qm_hash(const struct lab_case *t, const struct p1_keys *k, const char *pthex,
                          int which)
{
	struct blob pt = hexb(pthex), ni = hexb(t->qm_ni), nr = hexb(t->qm_nr);
	size_t hlen = (size_t)pt.b[2] << 8 | pt.b[3], after, n = 0;
	uint8_t out[IKC_MAX_HASH];
	enum ikc_err err;

	cr_assert_eq(hlen, 4 + k->hlen, "%s: HASH payload length", t->name);
	after = chain_len(pt.b, pt.len, hlen, pt.b[0]);
	if (which == 1)
		err = ikc_qm_hash1(k->h, k->a, k->hlen, t->qm_mid, pt.b + hlen, after, out, &n);
	else if (which == 2)
		err = ikc_qm_hash2(k->h, k->a, k->hlen, t->qm_mid, ni.b, ni.len, pt.b + hlen, after,
		                   out, &n);
	else
		err = ikc_qm_hash3(k->h, k->a, k->hlen, t->qm_mid, ni.b, ni.len, nr.b, nr.len, out,
		                   &n);
	cr_assert_eq(err, IKC_OK);
	cr_assert_eq(n, k->hlen);
	cr_assert(ikc_hash_equal(out, pt.b + 4, n), "%s: HASH(%d)", t->name, which);
	/* One flipped bit in the hashed payloads must fail verification. */
	if (which != 3 && after) {
		pt.b[hlen + after - 1] ^= 0x01;
		if (which == 1)
			err = ikc_qm_hash1(k->h, k->a, k->hlen, t->qm_mid, pt.b + hlen, after, out, &n);
		else
			err = ikc_qm_hash2(k->h, k->a, k->hlen, t->qm_mid, ni.b, ni.len, pt.b + hlen,
			                   after, out, &n);
		cr_assert_eq(err, IKC_OK);
		cr_assert(!ikc_hash_equal(out, pt.b + 4, n));
	}
}

Test(ikecrypto_lab, quick_mode_iv_decrypt_hashes)
{
	for (size_t i = 0; i < NLAB; i++) {
		const struct lab_case *t = &lab[i];
		struct p1_keys k;
		struct blob base = hexb(t->p2_base), ct = hexb(t->qm1_ct);
		uint8_t iv[IKC_MAX_BLOCK], pt[sizeof(ct.b)];

		derive_p1(t, &k);
		/* IV = hash(last phase-1 block | M-ID) = charon's "next IV for MID" */
		cr_assert_eq(ikc_p2_iv(k.h, base.b, k.c->block_len, t->qm_mid, iv), IKC_OK);
		assert_bytes(iv, k.c->block_len, t->qm_iv);
		cr_assert_eq(ikc_cbc_decrypt(k.c, k.ka, iv, ct.b, ct.len, pt, NULL), IKC_OK);
		assert_bytes(pt, ct.len, t->qm1_pt);
		check_qm_hash(t, &k, t->qm1_pt, 1);
		check_qm_hash(t, &k, t->qm2_pt, 2);
		check_qm_hash(t, &k, t->qm3_pt, 3);
	}
}

Test(ikecrypto_lab, esp_keymat_equal_charon_log)
{
	for (size_t i = 0; i < NLAB; i++) {
		const struct lab_case *t = &lab[i];
		struct p1_keys k;
		struct blob ni = hexb(t->qm_ni), nr = hexb(t->qm_nr);
		struct blob gqm = hexb(t->qm_gxy ? t->qm_gxy : "");
		struct blob spi_ir = hexb(t->spi_ir), spi_ri = hexb(t->spi_ri);
		struct blob exp_ir = hexb(t->keymat_ir), exp_ri = hexb(t->keymat_ri);
		uint8_t km[IKC_MAX_KEYMAT];
		struct ikc_keymat_in in = { t->qm_gxy ? gqm.b : NULL, gqm.len, 3, spi_ir.b, spi_ir.len,
			                    ni.b, ni.len, nr.b, nr.len };

		derive_p1(t, &k);
		cr_log_info("%s", t->name);
		/* initiator->responder: keyed with the responder's inbound SPI */
		cr_assert_eq(ikc_keymat(k.h, k.d, k.hlen, &in, exp_ir.len, km), IKC_OK);
		assert_bytes(km, exp_ir.len, t->keymat_ir);
		in.spi = spi_ri.b;
		cr_assert_eq(ikc_keymat(k.h, k.d, k.hlen, &in, exp_ri.len, km), IKC_OK);
		assert_bytes(km, exp_ri.len, t->keymat_ri);
		cr_assert_eq(ikc_keymat(k.h, k.d, k.hlen, &in, IKC_MAX_KEYMAT + 1, km), IKC_USAGE);
	}
}

Test(ikecrypto_lab, informational_delete)
{
	/* mm-psk-aes128-sha1-g2 frame 20: INFORMATIONAL, M-ID 1203025103,
	 * ciphertext from capture.pcap; IV and HASH from truth.json (charon:
	 * "next IV for MID 1203025103 => AC 84 E9 16 ..."). */
	const struct lab_case *t = &lab[0];
	struct p1_keys k;
	struct blob base = hexb(t->p2_base);
	struct blob ct = hexb("0ee4589c0aac180a100fde4d593922eaad25d4cd23ad35573f79363d8a84474e"
	                      "d16fe4b66b6876e6c152ec04c8c84755");
	uint8_t iv[IKC_MAX_BLOCK], pt[64], out[IKC_MAX_HASH];
	size_t after, n;

	derive_p1(t, &k);
	cr_assert_eq(ikc_p2_iv(k.h, base.b, 16, 1203025103u, iv), IKC_OK);
	assert_bytes(iv, 16, "ac84e916afec1e5228c6450eceece87e");
	cr_assert_eq(ikc_cbc_decrypt(k.c, k.ka, iv, ct.b, ct.len, pt, NULL), IKC_OK);
	cr_assert_eq(pt[0], 12); /* HASH then D(elete) */
	assert_bytes(pt + 4, 20, "2c8f8c66d1cb755783d9c2bae68b3df284e0619a");
	after = chain_len(pt, ct.len, 24, pt[0]);
	cr_assert_eq(after, 16);
	cr_assert_eq(ikc_info_hash(k.h, k.a, k.hlen, 1203025103u, pt + 24, after, out, &n), IKC_OK);
	cr_assert(ikc_hash_equal(out, pt + 4, n));
}

/* ------------------------------------------------------------------ DH */

Test(ikecrypto_dh, rfc5903_ecp256)
{
	/* RFC 5903 §8.1 */
	struct blob i = hexb("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
	struct blob r = hexb("c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53");
	const char *gi = "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
	                 "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3";
	const char *gr = "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
	                 "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab";
	const char *girx = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";
	uint8_t out[IKC_MAX_DH];
	size_t n;
	struct blob bgi = hexb(gi), bgr = hexb(gr);

	cr_assert_eq(ikc_dh_pub_len(19), 64);
	cr_assert_eq(ikc_dh_secret_len(19), 32);
	cr_assert_eq(ikc_dh_public(19, i.b, i.len, out, &n), IKC_OK);
	assert_bytes(out, n, gi);
	cr_assert_eq(ikc_dh_public(19, r.b, r.len, out, &n), IKC_OK);
	assert_bytes(out, n, gr);
	cr_assert_eq(ikc_dh_compute(19, i.b, i.len, bgr.b, bgr.len, out, &n), IKC_OK);
	assert_bytes(out, n, girx);
	cr_assert_eq(ikc_dh_compute(19, r.b, r.len, bgi.b, bgi.len, out, &n), IKC_OK);
	assert_bytes(out, n, girx);
	/* Hostile peer values: off the curve, wrong length, wrong group. */
	bgr.b[63] ^= 1;
	cr_assert_eq(ikc_dh_compute(19, i.b, i.len, bgr.b, bgr.len, out, &n), IKC_MALFORMED);
	cr_assert_eq(ikc_dh_compute(19, i.b, i.len, bgi.b, 63, out, &n), IKC_MALFORMED);
	cr_assert_eq(ikc_dh_compute(19, i.b, i.len, bgi.b, 65, out, &n), IKC_MALFORMED);
	cr_assert_eq(ikc_dh_compute(20, i.b, i.len, bgi.b, bgi.len, out, &n), IKC_MALFORMED);
	memset(bgi.b, 0, 64);
	cr_assert_eq(ikc_dh_compute(19, i.b, i.len, bgi.b, 64, out, &n), IKC_MALFORMED);
}

Test(ikecrypto_dh, self_consistent_all_groups)
{
	static const uint16_t groups[] = { 1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21 };

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		uint16_t id = groups[g];
		/* 32-octet privates for MODP (strongSwan uses like sizes); ECP
		 * scalars one octet short of the order length so they are < n. */
		size_t plen = id >= 19 ? ikc_dh_secret_len(id) - 1 : 32;
		uint8_t a[66], b[66];
		uint8_t pa[IKC_MAX_DH_PUB], pb[IKC_MAX_DH_PUB], sa[IKC_MAX_DH], sb[IKC_MAX_DH];
		size_t la, lb, na, nb;

		cr_assert(RAND_bytes(a, (int)plen) == 1 && RAND_bytes(b, (int)plen) == 1);
		a[0] |= 0x80;
		b[0] |= 0x80;
		cr_assert_eq(ikc_dh_public(id, a, plen, pa, &la), IKC_OK, "group %u", id);
		cr_assert_eq(ikc_dh_public(id, b, plen, pb, &lb), IKC_OK);
		cr_assert_eq(la, ikc_dh_pub_len(id));
		cr_assert_eq(lb, ikc_dh_pub_len(id));
		cr_assert_eq(ikc_dh_compute(id, a, plen, pb, lb, sa, &na), IKC_OK, "group %u", id);
		cr_assert_eq(ikc_dh_compute(id, b, plen, pa, la, sb, &nb), IKC_OK);
		cr_assert_eq(na, ikc_dh_secret_len(id));
		cr_assert_eq(nb, na);
		cr_assert(memcmp(sa, sb, na) == 0, "group %u: g^xy differ", id);
	}
}

Test(ikecrypto_dh, modp_edges)
{
	uint8_t out[IKC_MAX_DH], y[128];
	size_t n;
	const uint8_t two = 2, one = 1;

	/* g^2 = 4, left-padded to the 1024-bit prime length */
	cr_assert_eq(ikc_dh_public(2, &two, 1, out, &n), IKC_OK);
	cr_assert_eq(n, 128);
	cr_assert_eq(out[127], 4);
	for (size_t i = 0; i < 127; i++)
		cr_assert_eq(out[i], 0);
	/* small-subgroup and out-of-range peer values */
	memset(y, 0, sizeof(y));
	cr_assert_eq(ikc_dh_compute(2, &two, 1, y, sizeof(y), out, &n), IKC_MALFORMED); /* 0 */
	y[127] = 1;
	cr_assert_eq(ikc_dh_compute(2, &two, 1, y, sizeof(y), out, &n), IKC_MALFORMED); /* 1 */
	memset(y, 0xff, sizeof(y));
	cr_assert_eq(ikc_dh_compute(2, &two, 1, y, sizeof(y), out, &n), IKC_MALFORMED); /* > p */
	cr_assert_eq(ikc_dh_compute(2, &two, 1, y, 129, out, &n), IKC_MALFORMED);
	/* p - 1, p and p - 2 with p the RFC 2409 §6.2 prime (2^1024 - 2^960 - 1
	 * + 2^64 * { [2^894 pi] + 129093 }), hex as printed in the RFC. */
	{
		struct blob p = hexb("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
		                     "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
		                     "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
		                     "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
		                     "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
		                     "FFFFFFFFFFFFFFFF");
		cr_assert_eq(p.len, 128);
		cr_assert_eq(ikc_dh_compute(2, &two, 1, p.b, 128, out, &n), IKC_MALFORMED);
		p.b[127] = 0xfe; /* p - 1 */
		cr_assert_eq(ikc_dh_compute(2, &two, 1, p.b, 128, out, &n), IKC_MALFORMED);
		p.b[127] = 0xfd; /* p - 2 is a legal (if odd) peer value */
		cr_assert_eq(ikc_dh_compute(2, &two, 1, p.b, 128, out, &n), IKC_OK);
	}
	cr_assert_eq(ikc_dh_public(2, &one, 1, out, &n), IKC_OK); /* g^1 = 2 */
	cr_assert_eq(out[127], 2);
	cr_assert_eq(ikc_dh_compute(3, &two, 1, y, 128, out, &n), IKC_UNSUPPORTED);
	cr_assert_eq(ikc_dh_public(22, &two, 1, out, &n), IKC_UNSUPPORTED);
	cr_assert_eq(ikc_dh_pub_len(3), 0);
	cr_assert_eq(ikc_dh_public(2, &two, 0, out, &n), IKC_USAGE);
}

/* The keyed context (ikc_cbc_new/run): FIPS-197 C.1 through it, then the same
 * ciphertext block under another IV (P = D(C) xor IV, so the plaintext moves
 * by exactly that IV: the context chains on each message's own IV, not on the
 * last block of the one before), in place, and 3DES messages of several
 * blocks equal to the one-shot ikc_cbc_decrypt. */
Test(ikecrypto_cbc, keyed_context)
{
	const struct ikc_cipher_desc *aes = ikc_cipher_by_ike_id(7, 128);
	const struct ikc_cipher_desc *des3 = ikc_cipher_by_ike_id(5, 0);
	struct blob key = hexb("000102030405060708090a0b0c0d0e0f");
	struct blob ct = hexb("69c4e0d86a7b0430d8cdb78070b4c55a");
	uint8_t iv0[16] = { 0 }, ivf[16], out[64], buf[64], k3[24], iv8[8], a[64], b[64];
	struct ikc_cbc *k = NULL;

	memset(ivf, 0xff, sizeof ivf);
	cr_assert_eq(ikc_cbc_new(aes, key.b, &k), IKC_OK);
	cr_assert_eq(ikc_cbc_run(k, iv0, ct.b, 16, out), IKC_OK);
	assert_bytes(out, 16, "00112233445566778899aabbccddeeff");
	cr_assert_eq(ikc_cbc_run(k, ivf, ct.b, 16, out), IKC_OK);
	assert_bytes(out, 16, "ffeeddccbbaa99887766554433221100");
	memcpy(buf, ct.b, 16);
	cr_assert_eq(ikc_cbc_run(k, iv0, buf, 16, buf), IKC_OK);
	assert_bytes(buf, 16, "00112233445566778899aabbccddeeff");
	cr_assert_eq(ikc_cbc_run(k, iv0, buf, 15, out), IKC_MALFORMED);
	cr_assert_eq(ikc_cbc_run(k, iv0, buf, 0, out), IKC_MALFORMED);
	ikc_cbc_free(k);

	cr_assert_not_null(des3);
	cr_assert_eq(RAND_bytes(k3, sizeof k3), 1);
	cr_assert_eq(ikc_cbc_new(des3, k3, &k), IKC_OK);
	for (int round = 0; round < 3; round++) {
		cr_assert_eq(RAND_bytes(iv8, sizeof iv8), 1);
		cr_assert_eq(RAND_bytes(buf, 8 * (size_t)(round + 2)), 1);
		cr_assert_eq(ikc_cbc_decrypt(des3, k3, iv8, buf, 8 * (size_t)(round + 2), a, NULL), IKC_OK);
		cr_assert_eq(ikc_cbc_run(k, iv8, buf, 8 * (size_t)(round + 2), b), IKC_OK);
		cr_assert_arr_eq(a, b, 8 * (size_t)(round + 2));
	}
	ikc_cbc_free(k);
	cr_assert_eq(ikc_cbc_new(NULL, k3, &k), IKC_USAGE);
	ikc_cbc_free(NULL);
}

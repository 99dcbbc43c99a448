/* esp_crypto.c - pure ESP decryption (see esp_crypto.h for the contract).
 *
 * Implements:
 *   RFC 4303 §2, §2.4   packet layout, padding 1, 2, 3, ..., Pad Length
 *   RFC 4303 §3.4.4     integrity check before decryption
 *   RFC 2405, 2451, 3602  DES / 3DES / CAST5 / Blowfish / AES in CBC
 *   RFC 3686 §4         AES-CTR counter block = nonce | IV | 00000001
 *   RFC 4106 §3-§5      AES-GCM: nonce = salt | IV, AAD = SPI | seq
 *   RFC 7634 §2-§3      ChaCha20-Poly1305: same nonce and AAD shape
 *   RFC 8750 §3         implicit IV = 0x00000000 | seq (32-bit seq)
 *   RFC 2403, 2404, 4868  HMAC ICVs (first icv_len bytes of the HMAC)
 *   RFC 3566 §4         AES-XCBC-MAC-96
 *   RFC 2407 §4.4.4, §4.5  IKEv1 ESP transform ids and SA attributes
 *
 * Wire layout (RFC 4303 §2):
 *
 *   | SPI (4) | Seq (4) | IV (iv_len) | ciphertext ............ | ICV |
 *   |<------------- HMAC / XCBC input ------------------------->|
 *   |<- AAD ->|         |<- payload | pad | padlen | nexthdr ->|
 *
 *   AES-CTR counter block     AES-GCM / ChaCha20-Poly1305 nonce
 *   +-------+--------+----+   +-------+--------+
 *   | nonce |   IV   | 1  |   | salt  |   IV   |
 *   |  (4)  |  (8)   |(4) |   |  (4)  |  (8)   |
 *   +-------+--------+----+   +-------+--------+
 *
 * Every EVP context is keyed once when the SA context is made: CBC chains on
 * each packet's IV by decrypting it as one more block, CTR/GCM reset only the
 * IV, and HMAC is two digests with K^ipad / K^opad absorbed at setup that a
 * packet copies and finishes (RFC 2104), so a packet costs no key schedule
 * and no EVP_MAC parameter round trips.
 */
#include "esp_crypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cursor.h"
#include "ikecrypto.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define XCBC_BLOCK 16
#define HMAC_MAX 64   /* SHA2-512 output before truncation */

/* ---------------------------------------------------------------- tables */

/* One row per (algorithm, key length).  align: CBC block size, else 4
 * (RFC 4303 §2.4: the trailer ends on a 4-byte boundary). */
static const struct ikc_esp_enc_desc enc_table[] = {
	/* id, name, evp, mode, key, salt, iv, align, icv, iiv, key_min */
	{ IKC_ESP_ENC_NULL, "NULL", NULL, IKC_ESP_MODE_NULL, 0, 0, 0, 4, 0, false, 0 },
	{ IKC_ESP_ENC_DES_CBC, "DES-CBC", "DES-CBC", IKC_ESP_MODE_CBC, 8, 0, 8, 8, 0, false, 0 },
	{ IKC_ESP_ENC_3DES_CBC, "3DES-CBC", "DES-EDE3-CBC", IKC_ESP_MODE_CBC, 24, 0, 8, 8, 0, false, 0 },
	{ IKC_ESP_ENC_AES_CBC, "AES-CBC-128", "AES-128-CBC", IKC_ESP_MODE_CBC, 16, 0, 16, 16, 0, false, 0 },
	{ IKC_ESP_ENC_AES_CBC, "AES-CBC-192", "AES-192-CBC", IKC_ESP_MODE_CBC, 24, 0, 16, 16, 0, false, 0 },
	{ IKC_ESP_ENC_AES_CBC, "AES-CBC-256", "AES-256-CBC", IKC_ESP_MODE_CBC, 32, 0, 16, 16, 0, false, 0 },
	{ IKC_ESP_ENC_AES_CTR, "AES-CTR-128", "AES-128-CTR", IKC_ESP_MODE_CTR, 16, 4, 8, 4, 0, false, 0 },
	{ IKC_ESP_ENC_AES_CTR, "AES-CTR-192", "AES-192-CTR", IKC_ESP_MODE_CTR, 24, 4, 8, 4, 0, false, 0 },
	{ IKC_ESP_ENC_AES_CTR, "AES-CTR-256", "AES-256-CTR", IKC_ESP_MODE_CTR, 32, 4, 8, 4, 0, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_8, "AES-GCM-8-128", "AES-128-GCM", IKC_ESP_MODE_AEAD, 16, 4, 8, 4, 8, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_8, "AES-GCM-8-192", "AES-192-GCM", IKC_ESP_MODE_AEAD, 24, 4, 8, 4, 8, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_8, "AES-GCM-8-256", "AES-256-GCM", IKC_ESP_MODE_AEAD, 32, 4, 8, 4, 8, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_12, "AES-GCM-12-128", "AES-128-GCM", IKC_ESP_MODE_AEAD, 16, 4, 8, 4, 12, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_12, "AES-GCM-12-192", "AES-192-GCM", IKC_ESP_MODE_AEAD, 24, 4, 8, 4, 12, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_12, "AES-GCM-12-256", "AES-256-GCM", IKC_ESP_MODE_AEAD, 32, 4, 8, 4, 12, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_16, "AES-GCM-16-128", "AES-128-GCM", IKC_ESP_MODE_AEAD, 16, 4, 8, 4, 16, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_16, "AES-GCM-16-192", "AES-192-GCM", IKC_ESP_MODE_AEAD, 24, 4, 8, 4, 16, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_16, "AES-GCM-16-256", "AES-256-GCM", IKC_ESP_MODE_AEAD, 32, 4, 8, 4, 16, false, 0 },
	{ IKC_ESP_ENC_AES_GCM_16_IIV, "AES-GCM-16-IIV-128", "AES-128-GCM", IKC_ESP_MODE_AEAD, 16, 4, 0, 4, 16, true, 0 },
	{ IKC_ESP_ENC_AES_GCM_16_IIV, "AES-GCM-16-IIV-192", "AES-192-GCM", IKC_ESP_MODE_AEAD, 24, 4, 0, 4, 16, true, 0 },
	{ IKC_ESP_ENC_AES_GCM_16_IIV, "AES-GCM-16-IIV-256", "AES-256-GCM", IKC_ESP_MODE_AEAD, 32, 4, 0, 4, 16, true, 0 },
	{ IKC_ESP_ENC_CAST5_CBC, "CAST5-CBC", "CAST5-CBC", IKC_ESP_MODE_CBC, 16, 0, 8, 8, 0, false, 5 },
	{ IKC_ESP_ENC_BLOWFISH_CBC, "Blowfish-CBC", "BF-CBC", IKC_ESP_MODE_CBC, 56, 0, 8, 8, 0, false, 4 },
	{ IKC_ESP_ENC_CHACHA20_POLY1305, "ChaCha20-Poly1305", "ChaCha20-Poly1305", IKC_ESP_MODE_AEAD, 32, 4, 8, 4, 16, false, 0 },
	{ IKC_ESP_ENC_CHACHA20_POLY1305_IIV, "ChaCha20-Poly1305-IIV", "ChaCha20-Poly1305", IKC_ESP_MODE_AEAD, 32, 4, 0, 4, 16, true, 0 },
	/* Twofish: no OpenSSL provider has it, so no row: ctx_new says UNSUPPORTED. */
};

/* Indexed by enum ikc_esp_auth. */
static const struct ikc_esp_auth_desc auth_table[IKC_ESP_AUTH_COUNT] = {
	[IKC_ESP_AUTH_NULL] = { IKC_ESP_AUTH_NULL, "NULL", IKC_ESP_MAC_NONE, NULL, 0, 0 },
	[IKC_ESP_AUTH_HMAC_MD5_96] = { IKC_ESP_AUTH_HMAC_MD5_96, "HMAC-MD5-96", IKC_ESP_MAC_HMAC, "MD5", 16, 12 },
	[IKC_ESP_AUTH_HMAC_SHA1_96] = { IKC_ESP_AUTH_HMAC_SHA1_96, "HMAC-SHA1-96", IKC_ESP_MAC_HMAC, "SHA1", 20, 12 },
	[IKC_ESP_AUTH_HMAC_SHA2_256_96] = { IKC_ESP_AUTH_HMAC_SHA2_256_96, "HMAC-SHA2-256-96", IKC_ESP_MAC_HMAC, "SHA2-256", 32, 12 },
	[IKC_ESP_AUTH_HMAC_SHA2_256_128] = { IKC_ESP_AUTH_HMAC_SHA2_256_128, "HMAC-SHA2-256-128", IKC_ESP_MAC_HMAC, "SHA2-256", 32, 16 },
	[IKC_ESP_AUTH_HMAC_SHA2_384_192] = { IKC_ESP_AUTH_HMAC_SHA2_384_192, "HMAC-SHA2-384-192", IKC_ESP_MAC_HMAC, "SHA2-384", 48, 24 },
	[IKC_ESP_AUTH_HMAC_SHA2_512_256] = { IKC_ESP_AUTH_HMAC_SHA2_512_256, "HMAC-SHA2-512-256", IKC_ESP_MAC_HMAC, "SHA2-512", 64, 32 },
	[IKC_ESP_AUTH_HMAC_RIPEMD160_96] = { IKC_ESP_AUTH_HMAC_RIPEMD160_96, "HMAC-RIPEMD160-96", IKC_ESP_MAC_HMAC, "RIPEMD160", 20, 12 },
	[IKC_ESP_AUTH_AES_XCBC_96] = { IKC_ESP_AUTH_AES_XCBC_96, "AES-XCBC-MAC-96", IKC_ESP_MAC_XCBC, NULL, 16, 12 },
	[IKC_ESP_AUTH_ANY_64] = { IKC_ESP_AUTH_ANY_64, "ANY-64", IKC_ESP_MAC_ANY, NULL, 0, 8 },
	[IKC_ESP_AUTH_ANY_96] = { IKC_ESP_AUTH_ANY_96, "ANY-96", IKC_ESP_MAC_ANY, NULL, 0, 12 },
	[IKC_ESP_AUTH_ANY_128] = { IKC_ESP_AUTH_ANY_128, "ANY-128", IKC_ESP_MAC_ANY, NULL, 0, 16 },
	[IKC_ESP_AUTH_ANY_192] = { IKC_ESP_AUTH_ANY_192, "ANY-192", IKC_ESP_MAC_ANY, NULL, 0, 24 },
	[IKC_ESP_AUTH_ANY_256] = { IKC_ESP_AUTH_ANY_256, "ANY-256", IKC_ESP_MAC_ANY, NULL, 0, 32 },
};

static bool enc_id_known(enum ikc_esp_enc enc)
{
	for (size_t i = 0; i < ARRAY_LEN(enc_table); i++)
		if (enc_table[i].id == enc)
			return true;
	return false;
}

/* Every key length of one algorithm has the same salt/nonce length. */
static size_t enc_salt_len(enum ikc_esp_enc enc)
{
	for (size_t i = 0; i < ARRAY_LEN(enc_table); i++)
		if (enc_table[i].id == enc)
			return enc_table[i].salt_len;
	return 0;
}

const struct ikc_esp_enc_desc *ikc_esp_enc_find(enum ikc_esp_enc enc, size_t enc_len)
{
	for (size_t i = 0; i < ARRAY_LEN(enc_table); i++) {
		const struct ikc_esp_enc_desc *d = &enc_table[i];

		if (d->id != enc || enc_len < d->salt_len)
			continue;
		if (d->key_min ? (enc_len >= d->key_min && enc_len <= d->key_len)
		               : enc_len == d->key_len + d->salt_len)
			return d;
	}
	return NULL;
}

const struct ikc_esp_auth_desc *ikc_esp_auth_find(enum ikc_esp_auth auth)
{
	if ((unsigned)auth >= IKC_ESP_AUTH_COUNT)
		return NULL;
	return &auth_table[auth];
}

/* ----------------------------------------------------- IKEv1 IPsec DOI */

struct v1_enc {
	uint16_t transform_id;  /* RFC 2407 §4.4.4, IANA "IPSEC ESP Transform Identifiers" */
	enum ikc_esp_enc enc;
	uint16_t def_bits;      /* length when no Key Length attribute is sent */
	uint16_t min_bits, max_bits, step_bits; /* what the attribute may say */
};

static const struct v1_enc v1_encs[] = {
	{ 2, IKC_ESP_ENC_DES_CBC, 64, 64, 64, 8 },
	{ 3, IKC_ESP_ENC_3DES_CBC, 192, 192, 192, 8 },
	{ 6, IKC_ESP_ENC_CAST5_CBC, 128, 40, 128, 8 },
	{ 7, IKC_ESP_ENC_BLOWFISH_CBC, 128, 32, 448, 8 },
	{ 11, IKC_ESP_ENC_NULL, 0, 0, 0, 8 },
	{ 12, IKC_ESP_ENC_AES_CBC, 128, 128, 256, 64 },
	{ 13, IKC_ESP_ENC_AES_CTR, 128, 128, 256, 64 },
	{ 18, IKC_ESP_ENC_AES_GCM_8, 128, 128, 256, 64 },
	{ 19, IKC_ESP_ENC_AES_GCM_12, 128, 128, 256, 64 },
	{ 20, IKC_ESP_ENC_AES_GCM_16, 128, 128, 256, 64 },
};

struct v1_auth {
	uint16_t attr;          /* RFC 2407 §4.5 Authentication Algorithm */
	enum ikc_esp_auth auth;
};

static const struct v1_auth v1_auths[] = {
	{ 0, IKC_ESP_AUTH_NULL },
	{ 1, IKC_ESP_AUTH_HMAC_MD5_96 },
	{ 2, IKC_ESP_AUTH_HMAC_SHA1_96 },
	{ 5, IKC_ESP_AUTH_HMAC_SHA2_256_128 }, /* RFC 4868: 128-bit truncation */
	{ 6, IKC_ESP_AUTH_HMAC_SHA2_384_192 },
	{ 7, IKC_ESP_AUTH_HMAC_SHA2_512_256 },
	{ 8, IKC_ESP_AUTH_HMAC_RIPEMD160_96 },
	{ 9, IKC_ESP_AUTH_AES_XCBC_96 },
};

enum ikc_err ikc_esp_from_ikev1(uint16_t transform_id, uint16_t keylen_bits, uint16_t auth_attr,
                                struct ikc_esp_ikev1_alg *out)
{
	const struct v1_enc *ve = NULL;
	const struct v1_auth *va = NULL;
	const struct ikc_esp_enc_desc *ed;
	const struct ikc_esp_auth_desc *ad;
	uint16_t bits;

	if (!out)
		return IKC_USAGE;
	for (size_t i = 0; i < ARRAY_LEN(v1_encs); i++)
		if (v1_encs[i].transform_id == transform_id)
			ve = &v1_encs[i];
	for (size_t i = 0; i < ARRAY_LEN(v1_auths); i++)
		if (v1_auths[i].attr == auth_attr)
			va = &v1_auths[i];
	if (!ve || !va)
		return IKC_UNSUPPORTED;
	bits = keylen_bits ? keylen_bits : ve->def_bits;
	if (bits < ve->min_bits || bits > ve->max_bits || bits % ve->step_bits)
		return IKC_MALFORMED;
	ed = ikc_esp_enc_find(ve->enc, (size_t)bits / 8 + enc_salt_len(ve->enc));
	if (!ed)
		return IKC_MALFORMED;
	ad = &auth_table[va->auth];
	/* RFC 4106 §8.4: GCM is combined mode, no separate integrity. */
	if (ed->mode == IKC_ESP_MODE_AEAD && ad->mac != IKC_ESP_MAC_NONE)
		return IKC_MALFORMED;
	out->enc = ve->enc;
	out->auth = va->auth;
	out->enc_key_len = (size_t)bits / 8 + ed->salt_len;
	out->auth_key_len = ad->key_len;
	return IKC_OK;
}

/* ------------------------------------------------------------ SA context */

struct ikc_esp_sa_ctx {
	const struct ikc_esp_enc_desc *enc;
	const struct ikc_esp_auth_desc *auth;
	int encrypt;                   /* 1: made for ikc_esp_encrypt */
	EVP_CIPHER_CTX *cctx;          /* keyed cipher; NULL for the NULL cipher */
	uint8_t salt[IKC_ESP_SALT_LEN];
	/* HMAC (RFC 2104) as two digests keyed once: K^ipad and K^opad already
	 * absorbed; a packet copies each and finishes it (no EVP_MAC parameter
	 * round trips per packet, which cost a tenth of a small packet). */
	EVP_MD_CTX *hin, *hout, *hwork;
	EVP_CIPHER_CTX *xcbc;          /* AES-128-CBC keyed with K1 (RFC 3566 §4) */
	uint8_t k2[XCBC_BLOCK], k3[XCBC_BLOCK];
};

/* RFC 3566 §4 step 1:
 *   K1 = E(K, 0x01010101...), K2 = E(K, 0x02020202...), K3 = E(K, 0x03030303...)
 * The MAC is then CBC under K1 with a zero IV, so *cbc is AES-128-CBC
 * keyed with K1 and the whole MAC is one chained encryption. */
static enum ikc_err xcbc_setup(const uint8_t key[XCBC_BLOCK], EVP_CIPHER_CTX **cbc,
                               uint8_t k2[XCBC_BLOCK], uint8_t k3[XCBC_BLOCK])
{
	enum ikc_err err = IKC_CRYPTO;
	EVP_CIPHER *ecb = NULL, *cbcc = NULL;
	EVP_CIPHER_CTX *e = NULL;
	uint8_t in[3 * XCBC_BLOCK], ks[3 * XCBC_BLOCK];
	int n = 0;

	*cbc = NULL;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(1 + i / XCBC_BLOCK);
	ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	cbcc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
	e = EVP_CIPHER_CTX_new();
	if (!ecb || !cbcc || !e)
		goto out;
	if (!EVP_EncryptInit_ex2(e, ecb, key, NULL, NULL) || !EVP_CIPHER_CTX_set_padding(e, 0) ||
	    !EVP_EncryptUpdate(e, ks, &n, in, (int)sizeof(in)) || n != (int)sizeof(ks))
		goto out;
	*cbc = EVP_CIPHER_CTX_new();
	if (!*cbc) {
		err = IKC_NOMEM;
		goto out;
	}
	if (!EVP_EncryptInit_ex2(*cbc, cbcc, ks, NULL, NULL) || !EVP_CIPHER_CTX_set_padding(*cbc, 0))
		goto out;
	memcpy(k2, ks + XCBC_BLOCK, XCBC_BLOCK);
	memcpy(k3, ks + 2 * XCBC_BLOCK, XCBC_BLOCK);
	err = IKC_OK;
out:
	if (err) {
		EVP_CIPHER_CTX_free(*cbc);
		*cbc = NULL;
	}
	OPENSSL_cleanse(ks, sizeof(ks));
	EVP_CIPHER_CTX_free(e);
	EVP_CIPHER_free(ecb);
	EVP_CIPHER_free(cbcc);
	return err;
}

/* RFC 3566 §4 steps 2-3: E[0] = 0; E[i] = E(K1, M[i] ^ E[i-1]) for all
 * but the last block; the last block is XORed with K2 when it is complete,
 * else padded with 0x80 00.. and XORed with K3, then chained the same way.
 * An empty message is one incomplete block. */
static bool xcbc_run(EVP_CIPHER_CTX *cbc, const uint8_t k2[XCBC_BLOCK], const uint8_t k3[XCBC_BLOCK],
                     const uint8_t *m, size_t len, uint8_t out[XCBC_BLOCK])
{
	static const uint8_t zero_iv[XCBC_BLOCK];
	uint8_t scratch[256], last[XCBC_BLOCK];
	size_t head = len ? (len - 1) / XCBC_BLOCK * XCBC_BLOCK : 0; /* bytes before the last block */
	size_t tail = len - head;                                      /* 1..16, or 0 */
	size_t done = 0;
	int n = 0;

	if (!EVP_EncryptInit_ex2(cbc, NULL, NULL, zero_iv, NULL))
		return false;
	while (done < head) {
		size_t chunk = head - done < sizeof(scratch) ? head - done : sizeof(scratch);

		if (!EVP_EncryptUpdate(cbc, scratch, &n, m + done, (int)chunk))
			return false;
		done += chunk;
	}
	memset(last, 0, sizeof(last));
	if (tail)
		memcpy(last, m + head, tail);
	if (tail == XCBC_BLOCK) {
		for (size_t i = 0; i < XCBC_BLOCK; i++)
			last[i] ^= k2[i];
	} else {
		last[tail] = 0x80;
		for (size_t i = 0; i < XCBC_BLOCK; i++)
			last[i] ^= k3[i];
	}
	return EVP_EncryptUpdate(cbc, out, &n, last, XCBC_BLOCK) && n == XCBC_BLOCK;
}

enum ikc_err ikc_aes_xcbc_mac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[16])
{
	EVP_CIPHER_CTX *cbc = NULL;
	uint8_t k2[XCBC_BLOCK], k3[XCBC_BLOCK];
	enum ikc_err err;

	if (!key || (!msg && len) || !out || len > INT_MAX)
		return IKC_USAGE;
	err = xcbc_setup(key, &cbc, k2, k3);
	if (!err && !xcbc_run(cbc, k2, k3, msg, len, out))
		err = IKC_CRYPTO;
	EVP_CIPHER_CTX_free(cbc);
	OPENSSL_cleanse(k2, sizeof(k2));
	OPENSSL_cleanse(k3, sizeof(k3));
	return err;
}

void ikc_esp_sa_ctx_free(struct ikc_esp_sa_ctx *ctx)
{
	if (!ctx)
		return;
	/* The EVP frees cleanse the key schedules they hold. */
	EVP_CIPHER_CTX_free(ctx->cctx);
	EVP_MD_CTX_free(ctx->hin);
	EVP_MD_CTX_free(ctx->hout);
	EVP_MD_CTX_free(ctx->hwork);
	EVP_CIPHER_CTX_free(ctx->xcbc);
	OPENSSL_cleanse(ctx, sizeof(*ctx));
	free(ctx);
}

static enum ikc_err cipher_setup(struct ikc_esp_sa_ctx *ctx, const uint8_t *key, size_t klen)
{
	const struct ikc_esp_enc_desc *e = ctx->enc;
	EVP_CIPHER *ciph;
	enum ikc_err err = IKC_CRYPTO;

	if (!e->evp_name)
		return IKC_OK;
	ciph = EVP_CIPHER_fetch(NULL, e->evp_name, NULL);
	if (!ciph && ikc_crypto_want_legacy())
		ciph = EVP_CIPHER_fetch(NULL, e->evp_name, NULL);
	if (!ciph)
		return IKC_UNSUPPORTED; /* e.g. DES/CAST5/BF without the legacy provider */
	ctx->cctx = EVP_CIPHER_CTX_new();
	if (!ctx->cctx) {
		err = IKC_NOMEM;
		goto out;
	}
	if (!EVP_CipherInit_ex2(ctx->cctx, ciph, NULL, NULL, ctx->encrypt, NULL))
		goto out;
	if (e->key_min && EVP_CIPHER_CTX_set_key_length(ctx->cctx, (int)klen) <= 0)
		goto out;
	if (!EVP_CipherInit_ex2(ctx->cctx, NULL, key, NULL, ctx->encrypt, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx->cctx, 0))
		goto out;
	err = IKC_OK;
out:
	EVP_CIPHER_free(ciph); /* the context holds its own reference */
	return err;
}

static enum ikc_err mac_setup(struct ikc_esp_sa_ctx *ctx, const uint8_t *key, size_t klen)
{
	const struct ikc_esp_auth_desc *a = ctx->auth;
	enum ikc_err err = IKC_CRYPTO;
	EVP_MD *md = NULL;
	uint8_t k0[128], pad[128];
	unsigned int hl = 0;
	size_t block;

	if (a->mac == IKC_ESP_MAC_XCBC) {
		if (klen != XCBC_BLOCK)
			return IKC_USAGE; /* RFC 3566 §2.1: 128-bit key only */
		return xcbc_setup(key, &ctx->xcbc, ctx->k2, ctx->k3);
	}
	if (a->mac != IKC_ESP_MAC_HMAC)
		return IKC_OK;
	if (!klen)
		return IKC_USAGE;
	md = EVP_MD_fetch(NULL, a->digest, NULL);
	if (!md && ikc_crypto_want_legacy())
		md = EVP_MD_fetch(NULL, a->digest, NULL);
	if (!md)
		return IKC_UNSUPPORTED; /* RIPEMD160 may live in the legacy provider */
	block = (size_t)EVP_MD_get_block_size(md);
	ctx->hin = EVP_MD_CTX_new();
	ctx->hout = EVP_MD_CTX_new();
	ctx->hwork = EVP_MD_CTX_new();
	if (!ctx->hin || !ctx->hout || !ctx->hwork) {
		err = IKC_NOMEM;
		goto out;
	}
	if (block == 0 || block > sizeof k0)
		goto out;
	/* RFC 2104 §2: a key longer than the block is hashed first; then it is
	 * zero-padded to the block, XORed with 0x36 (inner) and 0x5c (outer). */
	memset(k0, 0, sizeof k0);
	if (klen > block) {
		if (!EVP_Digest(key, klen, k0, &hl, md, NULL))
			goto out;
	} else {
		memcpy(k0, key, klen);
	}
	for (size_t i = 0; i < block; i++)
		pad[i] = k0[i] ^ 0x36;
	if (!EVP_DigestInit_ex2(ctx->hin, md, NULL) || !EVP_DigestUpdate(ctx->hin, pad, block))
		goto out;
	for (size_t i = 0; i < block; i++)
		pad[i] = k0[i] ^ 0x5c;
	if (!EVP_DigestInit_ex2(ctx->hout, md, NULL) || !EVP_DigestUpdate(ctx->hout, pad, block))
		goto out;
	err = IKC_OK;
out:
	OPENSSL_cleanse(k0, sizeof k0);
	OPENSSL_cleanse(pad, sizeof pad);
	EVP_MD_free(md);
	return err;
}

static enum ikc_err sa_ctx_create(int encrypt, enum ikc_esp_enc enc, const uint8_t *enc_key,
                                  size_t enc_len, enum ikc_esp_auth auth, const uint8_t *auth_key,
                                  size_t auth_len, struct ikc_esp_sa_ctx **out)
{
	const struct ikc_esp_enc_desc *e;
	const struct ikc_esp_auth_desc *a;
	struct ikc_esp_sa_ctx *ctx = NULL;
	enum ikc_err err;

	if (!out)
		return IKC_USAGE;
	*out = NULL;
	if ((!enc_key && enc_len) || (!auth_key && auth_len))
		return IKC_USAGE;
	e = ikc_esp_enc_find(enc, enc_len);
	if (!e)
		return enc_id_known(enc) ? IKC_USAGE : IKC_UNSUPPORTED;
	a = ikc_esp_auth_find(auth);
	if (!a)
		return IKC_USAGE;
	/* RFC 4106 §8.4 / RFC 7634 §4: combined mode carries its own ICV. */
	if (e->mode == IKC_ESP_MODE_AEAD && a->mac != IKC_ESP_MAC_NONE)
		return IKC_USAGE;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return IKC_NOMEM;
	ctx->enc = e;
	ctx->auth = a;
	ctx->encrypt = encrypt;
	/* The salt/nonce is the tail of the key material (RFC 3686 §5.1, RFC 4106 §8.1). */
	if (e->salt_len)
		memcpy(ctx->salt, enc_key + enc_len - e->salt_len, e->salt_len);
	err = cipher_setup(ctx, enc_key, enc_len - e->salt_len);
	if (!err)
		err = mac_setup(ctx, auth_key, auth_len);
	if (err) {
		ikc_esp_sa_ctx_free(ctx);
		return err;
	}
	*out = ctx;
	return IKC_OK;
}

enum ikc_err ikc_esp_sa_ctx_new(enum ikc_esp_enc enc, const uint8_t *enc_key, size_t enc_len,
                                enum ikc_esp_auth auth, const uint8_t *auth_key, size_t auth_len,
                                struct ikc_esp_sa_ctx **out)
{
	return sa_ctx_create(0, enc, enc_key, enc_len, auth, auth_key, auth_len, out);
}

enum ikc_err ikc_esp_sa_ctx_new_encrypt(enum ikc_esp_enc enc, const uint8_t *enc_key, size_t enc_len,
                                        enum ikc_esp_auth auth, const uint8_t *auth_key,
                                        size_t auth_len, struct ikc_esp_sa_ctx **out)
{
	return sa_ctx_create(1, enc, enc_key, enc_len, auth, auth_key, auth_len, out);
}

const struct ikc_esp_enc_desc *ikc_esp_sa_enc(const struct ikc_esp_sa_ctx *ctx)
{
	return ctx ? ctx->enc : NULL;
}

const struct ikc_esp_auth_desc *ikc_esp_sa_auth(const struct ikc_esp_sa_ctx *ctx)
{
	return ctx ? ctx->auth : NULL;
}

/* ------------------------------------------------------- per packet */

static const char *const status_names[] = {
	[IKC_ESP_OK] = "ok",
	[IKC_ESP_ICV_FAILED] = "icv_failed",
	[IKC_ESP_BAD_PADDING] = "bad_padding",
	[IKC_ESP_TRUNCATED] = "truncated",
	[IKC_ESP_UNSUPPORTED] = "unsupported",
	[IKC_ESP_MALFORMED] = "malformed",
	[IKC_ESP_ERROR] = "error",
};

const char *ikc_esp_status_name(enum ikc_esp_status st)
{
	return (unsigned)st < ARRAY_LEN(status_names) ? status_names[st] : "?";
}

static void put_u32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* ICV input = SPI | seq | IV | ciphertext (RFC 4303 §3.3.4); out holds HMAC_MAX. */
static bool mac_compute(struct ikc_esp_sa_ctx *ctx, const uint8_t *m, size_t len, uint8_t *out)
{
	uint8_t inner[HMAC_MAX];
	unsigned int in_len = 0, out_len = 0;

	if (ctx->auth->mac == IKC_ESP_MAC_XCBC)
		return xcbc_run(ctx->xcbc, ctx->k2, ctx->k3, m, len, out);
	/* RFC 2104: HMAC = H(K^opad | H(K^ipad | m)), both pads absorbed at setup. */
	return EVP_MD_CTX_copy_ex(ctx->hwork, ctx->hin) && EVP_DigestUpdate(ctx->hwork, m, len) &&
	       EVP_DigestFinal_ex(ctx->hwork, inner, &in_len) && EVP_MD_CTX_copy_ex(ctx->hwork, ctx->hout) &&
	       EVP_DigestUpdate(ctx->hwork, inner, in_len) && EVP_DigestFinal_ex(ctx->hwork, out, &out_len) &&
	       out_len >= ctx->auth->icv_len;
}

/* The cipher's per-packet IV: the CBC IV, the CTR counter block, or the
 * AEAD nonce.  iv8 is the wire IV (or the implicit one). */
static size_t packet_iv(const struct ikc_esp_sa_ctx *ctx, const uint8_t *iv, uint8_t blk[16])
{
	const struct ikc_esp_enc_desc *e = ctx->enc;

	switch (e->mode) {
	case IKC_ESP_MODE_CTR:
		/* RFC 3686 §4: nonce | IV | block counter starting at 1 */
		memcpy(blk, ctx->salt, 4);
		memcpy(blk + 4, iv, 8);
		put_u32(blk + 12, 1);
		return 16;
	case IKC_ESP_MODE_AEAD:
		/* RFC 4106 §4 / RFC 7634 §2: salt | IV */
		memcpy(blk, ctx->salt, 4);
		memcpy(blk + 4, iv, 8);
		return 12;
	case IKC_ESP_MODE_CBC:
		memcpy(blk, iv, e->iv_len);
		return e->iv_len;
	case IKC_ESP_MODE_NULL:
		break;
	}
	return 0;
}

/* NULL, CBC, CTR: in -> out, same length.  in == out is allowed. */
static bool cipher_run(struct ikc_esp_sa_ctx *ctx, const uint8_t *ivblk, const uint8_t *in,
                       size_t len, uint8_t *out)
{
	int n = 0;

	if (ctx->enc->mode == IKC_ESP_MODE_NULL) {
		memmove(out, in, len);
		return true;
	}
	/* CBC decryption: P[i] = D(C[i]) ^ C[i-1], the IV acting as C[-1].
	 * Decrypting the IV as one more ciphertext block (output thrown away)
	 * leaves the context chained on it, so the SA's keyed context is never
	 * re-initialised: an IV re-init costs provider parameter lookups that
	 * took a third of the time of a small packet. */
	if (ctx->enc->mode == IKC_ESP_MODE_CBC && !ctx->encrypt) {
		uint8_t junk[16];
		size_t blk = ctx->enc->iv_len;
		bool ok = blk <= sizeof junk && EVP_CipherUpdate(ctx->cctx, junk, &n, ivblk, (int)blk) &&
			  (size_t)n == blk && EVP_CipherUpdate(ctx->cctx, out, &n, in, (int)len) && (size_t)n == len;
		return ok;
	}
	/* Otherwise only the IV changes per packet: padding, set off once when
	 * the SA's context was made, stays off across this re-init (OpenSSL 3). */
	return EVP_CipherInit_ex2(ctx->cctx, NULL, NULL, ivblk, -1, NULL) &&
	       EVP_CipherUpdate(ctx->cctx, out, &n, in, (int)len) && (size_t)n == len;
}

/* AEAD.  AAD = SPI | seq, 8 bytes (RFC 4106 §5, no ESN).  Decrypt: tag is
 * read, returns 1 on a tag mismatch; encrypt: tag is written. */
static int aead_run(struct ikc_esp_sa_ctx *ctx, const uint8_t *nonce, const uint8_t aad[8],
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *c = ctx->cctx;
	size_t tlen = ctx->enc->icv_len;
	int n = 0, fin = 0;

	if (!EVP_CipherInit_ex2(c, NULL, NULL, nonce, -1, NULL) ||
	    !EVP_CipherUpdate(c, NULL, &n, aad, 8))
		return -1;
	if (len && (!EVP_CipherUpdate(c, out, &n, in, (int)len) || (size_t)n != len))
		return -1;
	if (ctx->encrypt) {
		if (!EVP_CipherFinal_ex(c, out + len, &fin) ||
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, (int)tlen, tag) <= 0)
			return -1;
		return 0;
	}
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)tlen, tag) <= 0)
		return -1;
	return EVP_CipherFinal_ex(c, out + len, &fin) > 0 ? 0 : 1;
}

enum ikc_esp_status ikc_esp_decrypt(struct ikc_esp_sa_ctx *ctx, const uint8_t *esp, size_t len,
                                    uint8_t *out, size_t outsz, struct ikc_esp_plain *res)
{
	const struct ikc_esp_enc_desc *e;
	struct ikc_cursor c;
	const uint8_t *iv = NULL, *ct = NULL, *icv = NULL;
	uint8_t iiv[8], ivblk[16], mac[HMAC_MAX], tag[IKC_ESP_MAX_ICV];
	size_t icv_len, min_ct, ct_len;
	uint8_t pad_len;

	if (!ctx || !esp || !res || !out)
		return IKC_ESP_ERROR;
	memset(res, 0, sizeof(*res));
	if (ctx->encrypt)
		return IKC_ESP_UNSUPPORTED;
	e = ctx->enc;
	c = ikc_cur(esp, len);
	if (ikc_cur_u32(&c, &res->spi) || ikc_cur_u32(&c, &res->seq) ||
	    ikc_cur_bytes(&c, e->iv_len, &iv))
		return IKC_ESP_TRUNCATED;
	if (e->implicit_iv) {
		/* RFC 8750 §3: IV = 0 | 32-bit seq (the ESN high half when ESN). */
		put_u32(iiv, 0);
		put_u32(iiv + 4, res->seq);
		iv = iiv;
	} else {
		res->iv = iv;
		res->iv_len = e->iv_len;
	}
	icv_len = e->mode == IKC_ESP_MODE_AEAD ? e->icv_len : ctx->auth->icv_len;
	/* At least Pad Length and Next Header, and one block in CBC. */
	min_ct = e->mode == IKC_ESP_MODE_CBC ? e->align : 2;
	if (c.left < icv_len || c.left - icv_len < min_ct)
		return IKC_ESP_TRUNCATED;
	ct_len = c.left - icv_len;
	if (ikc_cur_bytes(&c, ct_len, &ct) || ikc_cur_bytes(&c, icv_len, &icv))
		return IKC_ESP_TRUNCATED;
	if (e->mode == IKC_ESP_MODE_CBC && ct_len % e->align)
		return IKC_ESP_MALFORMED;
	if (outsz < ct_len || ct_len > INT_MAX)
		return IKC_ESP_ERROR;

	/* Integrity first (RFC 4303 §3.4.4.1), compared in constant time. */
	if (ctx->auth->mac == IKC_ESP_MAC_HMAC || ctx->auth->mac == IKC_ESP_MAC_XCBC) {
		if (!mac_compute(ctx, esp, len - icv_len, mac))
			return IKC_ESP_ERROR;
		res->icv_checked = true;
		if (CRYPTO_memcmp(mac, icv, icv_len) != 0)
			return IKC_ESP_ICV_FAILED;
	}

	packet_iv(ctx, iv, ivblk);
	if (e->mode == IKC_ESP_MODE_AEAD) {
		int r;

		memcpy(tag, icv, icv_len); /* EVP wants a writable tag */
		r = aead_run(ctx, ivblk, esp, ct, ct_len, out, tag);
		if (r < 0)
			return IKC_ESP_ERROR;
		res->icv_checked = true;
		if (r > 0) {
			/* Unauthenticated plaintext must not be used: wipe it. */
			OPENSSL_cleanse(out, ct_len);
			return IKC_ESP_ICV_FAILED;
		}
	} else if (!cipher_run(ctx, ivblk, ct, ct_len, out)) {
		return IKC_ESP_ERROR;
	}

	/* Trailer (RFC 4303 §2.4-§2.6): ... padding | Pad Length | Next Header */
	res->plain = out;
	res->plain_len = ct_len;
	pad_len = out[ct_len - 2];
	res->pad_len = pad_len;
	res->next_header = out[ct_len - 1];
	if ((size_t)pad_len + 2 > ct_len)
		return IKC_ESP_BAD_PADDING;
	/* §2.4: the default padding is 1, 2, 3, ...; the receiver checks it. */
	for (size_t i = 0; i < pad_len; i++)
		if (out[ct_len - 2 - pad_len + i] != (uint8_t)(i + 1))
			return IKC_ESP_BAD_PADDING;
	res->payload = out;
	res->payload_len = ct_len - 2 - pad_len;
	return IKC_ESP_OK;
}

enum ikc_err ikc_esp_encrypt(struct ikc_esp_sa_ctx *ctx, uint32_t spi, uint32_t seq,
                             const uint8_t *iv, uint8_t next_header, const uint8_t *payload,
                             size_t plen, uint8_t *out, size_t outsz, size_t *outlen)
{
	const struct ikc_esp_enc_desc *e;
	uint8_t iiv[8], ivblk[16], mac[HMAC_MAX];
	size_t pad, ct_len, icv_len, hdr, total;
	uint8_t *ct;

	if (!ctx || !ctx->encrypt || (!payload && plen) || !out || !outlen)
		return IKC_USAGE;
	e = ctx->enc;
	if (!iv && e->iv_len)
		return IKC_USAGE;
	/* Least padding that makes payload | pad | 2 a multiple of the block
	 * (CBC) or of 4 (RFC 4303 §2.4). */
	pad = (e->align - (plen + 2) % e->align) % e->align;
	ct_len = plen + pad + 2;
	icv_len = e->mode == IKC_ESP_MODE_AEAD ? e->icv_len : ctx->auth->icv_len;
	hdr = 8 + e->iv_len;
	if (plen > 65535 || pad > 255)
		return IKC_USAGE;
	total = hdr + ct_len + icv_len;
	if (outsz < total)
		return IKC_USAGE;
	put_u32(out, spi);
	put_u32(out + 4, seq);
	if (e->iv_len)
		memcpy(out + 8, iv, e->iv_len);
	if (e->implicit_iv) {
		put_u32(iiv, 0);
		put_u32(iiv + 4, seq);
		iv = iiv;
	}
	ct = out + hdr;
	if (plen)
		memmove(ct, payload, plen);
	for (size_t i = 0; i < pad; i++)
		ct[plen + i] = (uint8_t)(i + 1);
	ct[plen + pad] = (uint8_t)pad;
	ct[plen + pad + 1] = next_header;

	packet_iv(ctx, iv, ivblk);
	if (e->mode == IKC_ESP_MODE_AEAD) {
		if (aead_run(ctx, ivblk, out, ct, ct_len, ct, ct + ct_len) != 0)
			return IKC_CRYPTO;
	} else {
		if (!cipher_run(ctx, ivblk, ct, ct_len, ct))
			return IKC_CRYPTO;
		if (ctx->auth->mac == IKC_ESP_MAC_HMAC || ctx->auth->mac == IKC_ESP_MAC_XCBC) {
			if (!mac_compute(ctx, out, hdr + ct_len, mac))
				return IKC_CRYPTO;
			memcpy(ct + ct_len, mac, icv_len);
		} else if (icv_len) {
			memset(ct + ct_len, 0, icv_len); /* ANY_n: a placeholder ICV */
		}
	}
	*outlen = total;
	return IKC_OK;
}

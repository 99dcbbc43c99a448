/* ikecrypto.c - pure IKEv1 crypto (see ikecrypto.h for the contract).
 *
 * Implements:
 *   RFC 2409 §5      SKEYID for PSK and signature auth, SKEYID_d/a/e,
 *                    HASH_I / HASH_R
 *   RFC 2409 §5.5    Quick Mode HASH(1), HASH(2), HASH(3), KEYMAT
 *   RFC 2409 §5.7    Informational HASH(1)
 *   RFC 2409 App. B  phase-1 key expansion (Ka), phase-1 and phase-2 IVs
 *   RFC 2409 §6, RFC 3526, RFC 5903   MODP and ECP Diffie-Hellman
 *   RFC 2104         HMAC as the prf of every negotiated hash
 *
 * Wire layout of the values hashed here (RFC 2408 §3.1 header fields):
 *
 *   ISAKMP header                         what is taken from it
 *   +---------------+---------------+
 *   | Initiator Cookie (8 octets)   |     CKY-I
 *   +---------------+---------------+
 *   | Responder Cookie (8 octets)   |     CKY-R
 *   +-------+-------+-------+-------+
 *   | NxtPl | Ver   | Exch  | Flags |
 *   +-------+-------+-------+-------+
 *   | Message ID (4 octets)         |     M-ID, network order
 *   +-------------------------------+
 *   | Length                        |
 *   +-------------------------------+
 *
 *   Generic payload                       "_b" = body without these 4 octets
 *   +-------+-------+---------------+
 *   | NxtPl | RESVD | Payload Length|
 *   +-------+-------+---------------+
 *   | body ...                      |     Ni_b, Nr_b, SAi_b, IDii_b, IDir_b
 *   +-------------------------------+
 *
 *   Encrypted message body (RFC 2409 App. B): CBC over the whole payload
 *   chain plus padding to the block size; the last ciphertext block is the IV
 *   of the next message in the same exchange.
 */
#include "ikecrypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>

/* ---------------------------------------------------------------- tables */

static const struct ikc_hash_desc hash_table[] = {
	{ 1, "MD5", "MD5", 16 },
	{ 2, "SHA1", "SHA1", 20 },
	{ 4, "SHA2-256", "SHA2-256", 32 },
	{ 5, "SHA2-384", "SHA2-384", 48 },
	{ 6, "SHA2-512", "SHA2-512", 64 },
};

/* keylen_bits 0 on the wire (no Key Length attribute) picks the first entry
 * with the same id: the default key length. */
static const struct ikc_cipher_desc cipher_table[] = {
	{ 1, 64, "DES-CBC", "DES-CBC", 8, 8 },
	{ 5, 192, "3DES-CBC", "DES-EDE3-CBC", 24, 8 },
	{ 7, 128, "AES-CBC-128", "AES-128-CBC", 16, 16 },
	{ 7, 192, "AES-CBC-192", "AES-192-CBC", 24, 16 },
	{ 7, 256, "AES-CBC-256", "AES-256-CBC", 32, 16 },
	/* Variable-length ciphers: only the 128-bit default is offered, the
	 * length OpenSSL's BF-CBC and CAST5-CBC take without extra setup. */
	{ 3, 128, "Blowfish-CBC-128", "BF-CBC", 16, 8 },
	{ 6, 128, "CAST-CBC-128", "CAST5-CBC", 16, 8 },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* OpenSSL algorithm objects fetched once.  An EVP fetch takes a lock and a
 * name lookup, which costs about as much as the HMAC or the CBC block it
 * serves; an IKE-heavy capture spent a sixth of its time there.  This is the
 * one piece of module state: written by ikc_crypto_init() and
 * ikc_crypto_release() (main and the fuzz harnesses, before and after the
 * packet loop), and once in between by ikc_crypto_want_legacy() when a
 * legacy algorithm is first asked for (ikecap's packet loop runs on one
 * thread).  Without init every call fetches for itself, as before (the unit
 * tests). */
static struct {
	bool ready;
	EVP_MD *md[ARRAY_LEN(hash_table)];
	EVP_MAC_CTX *hmac[ARRAY_LEN(hash_table)]; /* digest set, no key: dup, then key */
	EVP_CIPHER *cipher[ARRAY_LEN(cipher_table)]; /* NULL: no loaded provider has it */
	bool legacy_tried;           /* ikc_crypto_want_legacy: loaded once at most */
	OSSL_PROVIDER *legacy;
} fetched;

/* The digest context of this thread, kept from one ikc_hash to the next:
 * OpenSSL 3 re-initialises a context for the same digest in place, at a
 * fraction of a new context's cost, and IVs and NAT-D hashes run per
 * message.  Per thread, so that hashing never writes the shared state;
 * freed by ikc_crypto_release. */
static _Thread_local EVP_MD_CTX *hash_ctx;

static EVP_MAC_CTX *hmac_template(const char *digest)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2];

	EVP_MAC_free(mac); /* the context holds its own reference */
	if (!ctx)
		return NULL;
	/* The digest name is a const string; OSSL_PARAM wants char *. */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)(uintptr_t)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_CTX_set_params(ctx, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

void ikc_crypto_init(void)
{
	if (fetched.ready)
		return;
	for (size_t i = 0; i < ARRAY_LEN(hash_table); i++) {
		fetched.md[i] = EVP_MD_fetch(NULL, hash_table[i].evp_name, NULL);
		fetched.hmac[i] = hmac_template(hash_table[i].evp_name);
	}
	for (size_t i = 0; i < ARRAY_LEN(cipher_table); i++)
		fetched.cipher[i] = EVP_CIPHER_fetch(NULL, cipher_table[i].evp_name, NULL);
	fetched.ready = true;
}

bool ikc_crypto_want_legacy(void)
{
	if (!fetched.ready || fetched.legacy_tried)
		return false;
	fetched.legacy_tried = true;
	if (!(fetched.legacy = OSSL_PROVIDER_load(NULL, "legacy")))
		return false;
	for (size_t i = 0; i < ARRAY_LEN(cipher_table); i++)
		if (!fetched.cipher[i])
			fetched.cipher[i] = EVP_CIPHER_fetch(NULL, cipher_table[i].evp_name, NULL);
	return true;
}

void ikc_crypto_release(void)
{
	for (size_t i = 0; i < ARRAY_LEN(hash_table); i++) {
		EVP_MD_free(fetched.md[i]);
		EVP_MAC_CTX_free(fetched.hmac[i]);
	}
	for (size_t i = 0; i < ARRAY_LEN(cipher_table); i++)
		EVP_CIPHER_free(fetched.cipher[i]);
	if (fetched.legacy)
		OSSL_PROVIDER_unload(fetched.legacy);
	memset(&fetched, 0, sizeof fetched);
	EVP_MD_CTX_free(hash_ctx);
	hash_ctx = NULL;
}

/* The index of a descriptor in its table, or -1 for one from elsewhere. */
static ptrdiff_t hash_index(const struct ikc_hash_desc *h)
{
	for (size_t i = 0; i < ARRAY_LEN(hash_table); i++)
		if (h == &hash_table[i])
			return (ptrdiff_t)i;
	return -1;
}

static ptrdiff_t cipher_index(const struct ikc_cipher_desc *c)
{
	for (size_t i = 0; i < ARRAY_LEN(cipher_table); i++)
		if (c == &cipher_table[i])
			return (ptrdiff_t)i;
	return -1;
}

/* A reference the caller frees: the fetched object (one more reference) or a
 * fresh fetch. */
static EVP_MD *get_md(const struct ikc_hash_desc *h)
{
	ptrdiff_t i = fetched.ready ? hash_index(h) : -1;

	if (i >= 0 && fetched.md[i] && EVP_MD_up_ref(fetched.md[i]))
		return fetched.md[i];
	return EVP_MD_fetch(NULL, h->evp_name, NULL);
}

static EVP_CIPHER *get_cipher(const struct ikc_cipher_desc *c)
{
	ptrdiff_t i = fetched.ready ? cipher_index(c) : -1;

	if (i >= 0) {
		if (!fetched.cipher[i])
			ikc_crypto_want_legacy();
		if (!fetched.cipher[i] || !EVP_CIPHER_up_ref(fetched.cipher[i]))
			return NULL;
		return fetched.cipher[i];
	}
	return EVP_CIPHER_fetch(NULL, c->evp_name, NULL);
}

/* An HMAC context with the digest set and no key; the caller frees it. */
static EVP_MAC_CTX *new_hmac(const struct ikc_hash_desc *h)
{
	ptrdiff_t i = fetched.ready ? hash_index(h) : -1;

	if (i >= 0 && fetched.hmac[i])
		return EVP_MAC_CTX_dup(fetched.hmac[i]);
	return hmac_template(h->evp_name);
}

const struct ikc_hash_desc *ikc_hash_by_ike_id(uint16_t id)
{
	for (size_t i = 0; i < ARRAY_LEN(hash_table); i++)
		if (hash_table[i].ike_id == id)
			return &hash_table[i];
	return NULL;
}

const struct ikc_cipher_desc *ikc_cipher_by_ike_id(uint16_t id, uint16_t keylen_bits)
{
	const struct ikc_cipher_desc *found = NULL;
	EVP_CIPHER *ciph;

	for (size_t i = 0; i < ARRAY_LEN(cipher_table) && !found; i++) {
		if (cipher_table[i].ike_id != id)
			continue;
		if (keylen_bits == 0 || keylen_bits == cipher_table[i].keylen_bits)
			found = &cipher_table[i];
	}
	if (!found)
		return NULL;
	/* DES, Blowfish and CAST5 are in the legacy provider: say "absent"
	 * rather than fail later when no loaded provider has them. */
	ciph = get_cipher(found);
	if (!ciph)
		return NULL;
	EVP_CIPHER_free(ciph);
	return found;
}

void ikc_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

bool ikc_hash_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	if (!a || !b)
		return false;
	return CRYPTO_memcmp(a, b, len) == 0;
}

static void put_u32(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* ------------------------------------------------------------ prf, hash */

/* prf(key, msg) = HMAC-H(key, msg)  (RFC 2409 §5: the prf is the HMAC
 * version of the negotiated hash when no PRF attribute is given). */
enum ikc_err ikc_prf(const struct ikc_hash_desc *h, const uint8_t *key, size_t klen,
                     const struct ikc_iov *parts, size_t nparts, uint8_t *out, size_t *outlen)
{
	enum ikc_err err = IKC_CRYPTO;
	static const uint8_t empty[1] = { 0 };
	EVP_MAC_CTX *ctx = NULL;
	size_t n = 0;

	if (!h || (!key && klen) || (!parts && nparts) || !out || !outlen)
		return IKC_USAGE;
	ctx = new_hmac(h);
	if (!ctx)
		goto out;
	/* A zero-length key is legal HMAC; OpenSSL wants a non-NULL pointer. */
	if (!EVP_MAC_init(ctx, klen ? key : empty, klen, NULL))
		goto out;
	for (size_t i = 0; i < nparts; i++) {
		if (!parts[i].len)
			continue;
		if (!parts[i].p) {
			err = IKC_USAGE;
			goto out;
		}
		if (!EVP_MAC_update(ctx, parts[i].p, parts[i].len))
			goto out;
	}
	if (!EVP_MAC_final(ctx, out, &n, IKC_MAX_HASH) || n != h->len)
		goto out;
	*outlen = n;
	err = IKC_OK;
out:
	EVP_MAC_CTX_free(ctx);
	return err;
}

enum ikc_err ikc_hash(const struct ikc_hash_desc *h, const struct ikc_iov *parts, size_t nparts,
                      uint8_t *out, size_t *outlen)
{
	enum ikc_err err = IKC_CRYPTO;
	EVP_MD *md = NULL;
	EVP_MD_CTX *ctx;
	unsigned int n = 0;

	if (!h || (!parts && nparts) || !out || !outlen)
		return IKC_USAGE;
	md = get_md(h);
	if (!md)
		goto out;
	if (!hash_ctx)
		hash_ctx = EVP_MD_CTX_new();
	if (!(ctx = hash_ctx))
		goto out;
	if (!EVP_DigestInit_ex2(ctx, md, NULL))
		goto out;
	for (size_t i = 0; i < nparts; i++) {
		if (!parts[i].len)
			continue;
		if (!parts[i].p) {
			err = IKC_USAGE;
			goto out;
		}
		if (!EVP_DigestUpdate(ctx, parts[i].p, parts[i].len))
			goto out;
	}
	if (!EVP_DigestFinal_ex(ctx, out, &n) || n != h->len)
		goto out;
	*outlen = n;
	err = IKC_OK;
out:
	EVP_MD_free(md);
	return err;
}

/* --------------------------------------------------------- SKEYID & co */

enum ikc_err ikc_skeyid_psk(const struct ikc_hash_desc *h, const uint8_t *psk, size_t psklen,
                            const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
                            uint8_t *out, size_t *outlen)
{
	/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
	const struct ikc_iov parts[] = { { ni, nilen }, { nr, nrlen } };

	return ikc_prf(h, psk, psklen, parts, 2, out, outlen);
}

enum ikc_err ikc_skeyid_sig(const struct ikc_hash_desc *h, const uint8_t *ni, size_t nilen,
                            const uint8_t *nr, size_t nrlen, const uint8_t *gxy, size_t gxylen,
                            uint8_t *out, size_t *outlen)
{
	/* SKEYID = prf(Ni_b | Nr_b, g^xy): the nonces are the HMAC key. */
	uint8_t key[2 * 256];
	const struct ikc_iov parts[] = { { gxy, gxylen } };
	enum ikc_err err;

	/* RFC 2409 §5 bounds nonces to 8..256 octets. */
	if ((!ni && nilen) || (!nr && nrlen) || nilen > 256 || nrlen > 256)
		return IKC_USAGE;
	if (nilen)
		memcpy(key, ni, nilen);
	if (nrlen)
		memcpy(key + nilen, nr, nrlen);
	err = ikc_prf(h, key, nilen + nrlen, parts, 1, out, outlen);
	ikc_wipe(key, sizeof(key));
	return err;
}

enum ikc_err ikc_skeyid_derive(const struct ikc_hash_desc *h, const uint8_t *skeyid,
                               size_t skeyid_len, const uint8_t *gxy, size_t gxylen,
                               const uint8_t cky_i[IKC_COOKIE_LEN],
                               const uint8_t cky_r[IKC_COOKIE_LEN], uint8_t *d, uint8_t *a,
                               uint8_t *e)
{
	static const uint8_t zero = 0, one = 1, two = 2;
	enum ikc_err err;
	size_t n;

	if (!h || !skeyid || !cky_i || !cky_r || !d || !a || !e)
		return IKC_USAGE;
	{
		/* SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0) */
		const struct ikc_iov p[] = { { gxy, gxylen },
			                     { cky_i, IKC_COOKIE_LEN },
			                     { cky_r, IKC_COOKIE_LEN },
			                     { &zero, 1 } };
		err = ikc_prf(h, skeyid, skeyid_len, p, 4, d, &n);
		if (err)
			goto out;
	}
	{
		/* SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) */
		const struct ikc_iov p[] = { { d, h->len },
			                     { gxy, gxylen },
			                     { cky_i, IKC_COOKIE_LEN },
			                     { cky_r, IKC_COOKIE_LEN },
			                     { &one, 1 } };
		err = ikc_prf(h, skeyid, skeyid_len, p, 5, a, &n);
		if (err)
			goto out;
	}
	{
		/* SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
		const struct ikc_iov p[] = { { a, h->len },
			                     { gxy, gxylen },
			                     { cky_i, IKC_COOKIE_LEN },
			                     { cky_r, IKC_COOKIE_LEN },
			                     { &two, 1 } };
		err = ikc_prf(h, skeyid, skeyid_len, p, 5, e, &n);
	}
out:
	if (err) {
		ikc_wipe(d, h->len);
		ikc_wipe(a, h->len);
		ikc_wipe(e, h->len);
	}
	return err;
}

enum ikc_err ikc_p1_enc_key(const struct ikc_hash_desc *h, const uint8_t *skeyid_e, size_t e_len,
                            size_t need_len, uint8_t *out)
{
	static const uint8_t zero = 0;
	uint8_t k[IKC_MAX_HASH];
	size_t have = 0, n = 0;
	enum ikc_err err = IKC_OK;

	if (!h || !skeyid_e || !e_len || !out || !need_len || need_len > IKC_MAX_KEY)
		return IKC_USAGE;
	/* Long enough: Ka = the first need_len bits of SKEYID_e. */
	if (e_len >= need_len) {
		memcpy(out, skeyid_e, need_len);
		return IKC_OK;
	}
	/* Appendix B: Ka = K1 | K2 | K3 ..., truncated, with
	 *   K1 = prf(SKEYID_e, 0)          (0 is one zero octet)
	 *   K2 = prf(SKEYID_e, K1)
	 *   K3 = prf(SKEYID_e, K2) */
	while (have < need_len) {
		struct ikc_iov p;
		size_t take;

		if (have == 0) {
			p.p = &zero;
			p.len = 1;
		} else {
			p.p = k;
			p.len = n;
		}
		err = ikc_prf(h, skeyid_e, e_len, &p, 1, k, &n);
		if (err)
			break;
		take = need_len - have < n ? need_len - have : n;
		memcpy(out + have, k, take);
		have += take;
	}
	ikc_wipe(k, sizeof(k));
	if (err)
		ikc_wipe(out, need_len);
	return err;
}

/* ------------------------------------------------------------------- IVs */

/* Truncates hash(parts) to `block` bytes. */
static enum ikc_err hash_trunc(const struct ikc_hash_desc *h, const struct ikc_iov *parts,
                               size_t nparts, size_t block, uint8_t *out)
{
	uint8_t md[IKC_MAX_HASH];
	size_t n;
	enum ikc_err err;

	if (!h || !out || !block || block > IKC_MAX_BLOCK || block > h->len)
		return IKC_USAGE;
	err = ikc_hash(h, parts, nparts, md, &n);
	if (!err)
		memcpy(out, md, block);
	return err;
}

enum ikc_err ikc_p1_iv(const struct ikc_hash_desc *h, const uint8_t *gxi, size_t gxilen,
                       const uint8_t *gxr, size_t gxrlen, size_t block, uint8_t *out)
{
	/* IV = hash(g^xi | g^xr), first `block` octets */
	const struct ikc_iov p[] = { { gxi, gxilen }, { gxr, gxrlen } };

	return hash_trunc(h, p, 2, block, out);
}

enum ikc_err ikc_p2_iv(const struct ikc_hash_desc *h, const uint8_t *last_block, size_t block,
                       uint32_t msgid, uint8_t *out)
{
	/* IV = hash(last phase-1 CBC output block | M-ID), first `block` octets */
	uint8_t mid[4];
	const struct ikc_iov p[] = { { last_block, block }, { mid, 4 } };

	if (!last_block)
		return IKC_USAGE;
	put_u32(mid, msgid);
	return hash_trunc(h, p, 2, block, out);
}

/* ------------------------------------------------------------------- CBC */

static enum ikc_err cbc(const struct ikc_cipher_desc *c, const uint8_t *key, const uint8_t *iv,
                        const uint8_t *in, size_t len, uint8_t *out, uint8_t *next_iv, int enc)
{
	enum ikc_err err = IKC_CRYPTO;
	EVP_CIPHER *ciph = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t last[IKC_MAX_BLOCK];
	int outl = 0, finl = 0;

	if (!c || !key || !iv || !in || !out || c->block_len > IKC_MAX_BLOCK || !c->block_len)
		return IKC_USAGE;
	if (len == 0 || len % c->block_len)
		return IKC_MALFORMED;
	if (len > (size_t)INT32_MAX)
		return IKC_USAGE;
	/* Decrypting in place overwrites the last ciphertext block: keep it. */
	if (!enc)
		memcpy(last, in + len - c->block_len, c->block_len);
	ciph = get_cipher(c);
	if (!ciph)
		goto out;
	if ((size_t)EVP_CIPHER_get_block_size(ciph) != c->block_len ||
	    (size_t)EVP_CIPHER_get_iv_length(ciph) != c->block_len ||
	    (size_t)EVP_CIPHER_get_key_length(ciph) != c->key_len)
		goto out;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		goto out;
	if (!EVP_CipherInit_ex2(ctx, ciph, key, iv, enc, NULL))
		goto out;
	/* IKEv1 pads by its own rules (RFC 2409 App. B); the caller checks. */
	if (!EVP_CIPHER_CTX_set_padding(ctx, 0))
		goto out;
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + outl, &finl))
		goto out;
	if ((size_t)outl + (size_t)finl != len)
		goto out;
	/* Next IV = last ciphertext block (the output when encrypting). */
	if (enc)
		memcpy(last, out + len - c->block_len, c->block_len);
	if (next_iv)
		memcpy(next_iv, last, c->block_len);
	err = IKC_OK;
out:
	if (err)
		ikc_wipe(out, len);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(ciph);
	return err;
}

struct ikc_cbc {
	EVP_CIPHER_CTX *ctx;      /* keyed, decrypting, padding off */
	size_t block;
};

void ikc_cbc_free(struct ikc_cbc *k)
{
	if (!k)
		return;
	EVP_CIPHER_CTX_free(k->ctx);   /* cleanses the key schedule */
	free(k);
}

enum ikc_err ikc_cbc_new(const struct ikc_cipher_desc *c, const uint8_t *key, struct ikc_cbc **out)
{
	static const uint8_t zero_iv[IKC_MAX_BLOCK];
	enum ikc_err err = IKC_CRYPTO;
	EVP_CIPHER *ciph = NULL;
	struct ikc_cbc *k;

	if (!c || !key || !out || !c->block_len || c->block_len > IKC_MAX_BLOCK)
		return IKC_USAGE;
	*out = NULL;
	if (!(k = calloc(1, sizeof *k)))
		return IKC_NOMEM;
	k->block = c->block_len;
	ciph = get_cipher(c);
	if (!ciph || (size_t)EVP_CIPHER_get_block_size(ciph) != c->block_len ||
	    (size_t)EVP_CIPHER_get_key_length(ciph) != c->key_len)
		goto out;
	if (!(k->ctx = EVP_CIPHER_CTX_new())) {
		err = IKC_NOMEM;
		goto out;
	}
	if (!EVP_DecryptInit_ex2(k->ctx, ciph, key, zero_iv, NULL) || !EVP_CIPHER_CTX_set_padding(k->ctx, 0))
		goto out;
	*out = k;
	k = NULL;
	err = IKC_OK;
out:
	EVP_CIPHER_free(ciph);
	ikc_cbc_free(k);
	return err;
}

enum ikc_err ikc_cbc_run(struct ikc_cbc *k, const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t junk[IKC_MAX_BLOCK];
	int n = 0;

	if (!k || !iv || !in || !out)
		return IKC_USAGE;
	if (len == 0 || len % k->block)
		return IKC_MALFORMED;
	if (len > (size_t)INT32_MAX)
		return IKC_USAGE;
	/* CBC: P[i] = D(C[i]) ^ C[i-1], the IV standing for C[-1].  Decrypting
	 * the IV as one more block (output dropped) chains the context on it,
	 * so a message needs no re-initialisation, whatever came before. */
	if (!EVP_DecryptUpdate(k->ctx, junk, &n, iv, (int)k->block) || (size_t)n != k->block ||
	    !EVP_DecryptUpdate(k->ctx, out, &n, in, (int)len) || (size_t)n != len) {
		ikc_wipe(out, len);
		return IKC_CRYPTO;
	}
	return IKC_OK;
}

enum ikc_err ikc_cbc_decrypt(const struct ikc_cipher_desc *c, const uint8_t *key,
                             const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t *next_iv)
{
	return cbc(c, key, iv, in, len, out, next_iv, 0);
}

enum ikc_err ikc_cbc_encrypt(const struct ikc_cipher_desc *c, const uint8_t *key,
                             const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out,
                             uint8_t *next_iv)
{
	return cbc(c, key, iv, in, len, out, next_iv, 1);
}

/* --------------------------------------------------------------- HASHes */

enum ikc_err ikc_p1_hash(const struct ikc_hash_desc *h, const uint8_t *skeyid, size_t skeyid_len,
                         bool responder, const struct ikc_p1_hash_in *in, uint8_t *out,
                         size_t *outlen)
{
	if (!in || !in->cky_i || !in->cky_r)
		return IKC_USAGE;
	if (!responder) {
		/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) */
		const struct ikc_iov p[] = { { in->gxi, in->gxi_len },
			                     { in->gxr, in->gxr_len },
			                     { in->cky_i, IKC_COOKIE_LEN },
			                     { in->cky_r, IKC_COOKIE_LEN },
			                     { in->sai_b, in->sai_len },
			                     { in->id_b, in->id_len } };
		return ikc_prf(h, skeyid, skeyid_len, p, ARRAY_LEN(p), out, outlen);
	} else {
		/* HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
		const struct ikc_iov p[] = { { in->gxr, in->gxr_len },
			                     { in->gxi, in->gxi_len },
			                     { in->cky_r, IKC_COOKIE_LEN },
			                     { in->cky_i, IKC_COOKIE_LEN },
			                     { in->sai_b, in->sai_len },
			                     { in->id_b, in->id_len } };
		return ikc_prf(h, skeyid, skeyid_len, p, ARRAY_LEN(p), out, outlen);
	}
}

enum ikc_err ikc_qm_hash1(const struct ikc_hash_desc *h, const uint8_t *skeyid_a, size_t alen,
                          uint32_t msgid, const uint8_t *after, size_t after_len, uint8_t *out,
                          size_t *outlen)
{
	/* HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ]),
	 * i.e. M-ID then every payload after HASH with its generic header. */
	uint8_t mid[4];
	const struct ikc_iov p[] = { { mid, 4 }, { after, after_len } };

	put_u32(mid, msgid);
	return ikc_prf(h, skeyid_a, alen, p, 2, out, outlen);
}

enum ikc_err ikc_qm_hash2(const struct ikc_hash_desc *h, const uint8_t *skeyid_a, size_t alen,
                          uint32_t msgid, const uint8_t *ni_b, size_t nilen, const uint8_t *after,
                          size_t after_len, uint8_t *out, size_t *outlen)
{
	/* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ]) */
	uint8_t mid[4];
	const struct ikc_iov p[] = { { mid, 4 }, { ni_b, nilen }, { after, after_len } };

	put_u32(mid, msgid);
	return ikc_prf(h, skeyid_a, alen, p, 3, out, outlen);
}

enum ikc_err ikc_qm_hash3(const struct ikc_hash_desc *h, const uint8_t *skeyid_a, size_t alen,
                          uint32_t msgid, const uint8_t *ni_b, size_t nilen, const uint8_t *nr_b,
                          size_t nrlen, uint8_t *out, size_t *outlen)
{
	/* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)   (0 is one octet) */
	static const uint8_t zero = 0;
	uint8_t mid[4];
	const struct ikc_iov p[] = { { &zero, 1 }, { mid, 4 }, { ni_b, nilen }, { nr_b, nrlen } };

	put_u32(mid, msgid);
	return ikc_prf(h, skeyid_a, alen, p, 4, out, outlen);
}

enum ikc_err ikc_info_hash(const struct ikc_hash_desc *h, const uint8_t *skeyid_a, size_t alen,
                           uint32_t msgid, const uint8_t *after, size_t after_len, uint8_t *out,
                           size_t *outlen)
{
	/* HASH(1) = prf(SKEYID_a, M-ID | N/D): same shape as QM HASH(1). */
	return ikc_qm_hash1(h, skeyid_a, alen, msgid, after, after_len, out, outlen);
}

/* ---------------------------------------------------------------- KEYMAT */

enum ikc_err ikc_keymat(const struct ikc_hash_desc *h, const uint8_t *skeyid_d, size_t dlen,
                        const struct ikc_keymat_in *in, size_t need_len, uint8_t *out)
{
	uint8_t k[IKC_MAX_HASH];
	size_t have = 0, n = 0;
	enum ikc_err err = IKC_OK;

	if (!h || !in || !out || !need_len || need_len > IKC_MAX_KEYMAT)
		return IKC_USAGE;
	/* K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
	 * K2 = prf(SKEYID_d, K1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
	 * ...  KEYMAT = K1 | K2 | K3 | ... truncated to need_len. */
	while (have < need_len) {
		const struct ikc_iov p[] = { { k, have ? n : 0 },
			                     { in->gqm_xy, in->gqm_len },
			                     { &in->protocol, 1 },
			                     { in->spi, in->spi_len },
			                     { in->ni_b, in->ni_len },
			                     { in->nr_b, in->nr_len } };
		size_t take;

		err = ikc_prf(h, skeyid_d, dlen, p, ARRAY_LEN(p), k, &n);
		if (err)
			break;
		take = need_len - have < n ? need_len - have : n;
		memcpy(out + have, k, take);
		have += take;
	}
	ikc_wipe(k, sizeof(k));
	if (err)
		ikc_wipe(out, need_len);
	return err;
}

/* -------------------------------------------------------------------- DH */

/* MODP: g = 2, primes from RFC 2409 §6.1/6.2 and RFC 3526 §2-7 as OpenSSL
 * ships them.  ECP: RFC 5903 §3 curves = NIST P-256/384/521. */
struct dh_group {
	uint16_t id;
	BIGNUM *(*prime)(BIGNUM *);
	int nid;               /* ECP only */
	const char *curve;     /* ECP only: OpenSSL group name */
	size_t len;            /* prime length, or ECP coordinate length */
};

static const struct dh_group dh_table[] = {
	{ 1, BN_get_rfc2409_prime_768, 0, NULL, 96 },
	{ 2, BN_get_rfc2409_prime_1024, 0, NULL, 128 },
	{ 5, BN_get_rfc3526_prime_1536, 0, NULL, 192 },
	{ 14, BN_get_rfc3526_prime_2048, 0, NULL, 256 },
	{ 15, BN_get_rfc3526_prime_3072, 0, NULL, 384 },
	{ 16, BN_get_rfc3526_prime_4096, 0, NULL, 512 },
	{ 17, BN_get_rfc3526_prime_6144, 0, NULL, 768 },
	{ 18, BN_get_rfc3526_prime_8192, 0, NULL, 1024 },
	{ 19, NULL, NID_X9_62_prime256v1, "prime256v1", 32 },
	{ 20, NULL, NID_secp384r1, "secp384r1", 48 },
	{ 21, NULL, NID_secp521r1, "secp521r1", 66 },
};

static const struct dh_group *dh_group_by_id(uint16_t id)
{
	for (size_t i = 0; i < ARRAY_LEN(dh_table); i++)
		if (dh_table[i].id == id)
			return &dh_table[i];
	return NULL;
}

size_t ikc_dh_pub_len(uint16_t group)
{
	const struct dh_group *g = dh_group_by_id(group);

	if (!g)
		return 0;
	return g->prime ? g->len : 2 * g->len;
}

size_t ikc_dh_secret_len(uint16_t group)
{
	const struct dh_group *g = dh_group_by_id(group);

	return g ? g->len : 0;
}

/* MODP: result = base^priv mod p, left-padded to the prime length.
 * base NULL means the generator 2.  A peer value must satisfy 1 < y < p-1
 * (rejects 0, 1 and p-1, the values that force a trivial g^xy). */
static enum ikc_err modp_exp(const struct dh_group *g, const uint8_t *priv, size_t privlen,
                             const uint8_t *base, size_t baselen, uint8_t *out, size_t *outlen)
{
	enum ikc_err err = IKC_CRYPTO;
	BN_CTX *bnctx = NULL;
	BIGNUM *p = NULL, *x = NULL, *y = NULL, *r = NULL, *pm1 = NULL;

	if (privlen == 0 || privlen > g->len)
		return IKC_USAGE;
	if (base && (baselen == 0 || baselen > g->len))
		return IKC_MALFORMED;
	bnctx = BN_CTX_new();
	p = g->prime(NULL);
	x = BN_secure_new();
	y = BN_new();
	r = BN_secure_new();
	pm1 = BN_new();
	if (!bnctx || !p || !x || !y || !r || !pm1)
		goto out;
	if (!BN_bin2bn(priv, (int)privlen, x))
		goto out;
	BN_set_flags(x, BN_FLG_CONSTTIME); /* private exponent: constant time */
	if (base) {
		if (!BN_bin2bn(base, (int)baselen, y) || !BN_sub(pm1, p, BN_value_one()))
			goto out;
		if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0) {
			err = IKC_MALFORMED;
			goto out;
		}
	} else if (!BN_set_word(y, 2)) {
		goto out;
	}
	if (BN_is_zero(x)) {
		err = IKC_USAGE;
		goto out;
	}
	/* g^x mod p, or (g^y)^x mod p = g^xy */
	if (!BN_mod_exp(r, y, x, p, bnctx))
		goto out;
	if (BN_bn2binpad(r, out, (int)g->len) != (int)g->len)
		goto out;
	*outlen = g->len;
	err = IKC_OK;
out:
	BN_clear_free(x);
	BN_clear_free(r);
	BN_free(y);
	BN_free(p);
	BN_free(pm1);
	BN_CTX_free(bnctx);
	return err;
}

/* ECP: an EVP_PKEY of the named curve from a private scalar, or from the
 * peer's x | y (RFC 5903 §7: no point-format octet on the wire). */
static enum ikc_err ecp_key(const struct dh_group *g, const uint8_t *priv, size_t privlen,
                            const uint8_t *pub, size_t publen, EVP_PKEY **key)
{
	enum ikc_err err = IKC_CRYPTO;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *x = NULL;
	uint8_t pt[1 + 2 * 66];

	bld = OSSL_PARAM_BLD_new();
	if (!bld)
		goto out;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->curve, 0))
		goto out;
	if (priv) {
		x = BN_secure_new();
		if (!x || !BN_bin2bn(priv, (int)privlen, x))
			goto out;
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x))
			goto out;
	} else {
		/* SEC1 uncompressed point = 0x04 | x | y */
		pt[0] = 0x04;
		memcpy(pt + 1, pub, publen);
		if (!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, publen + 1))
			goto out;
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params)
		goto out;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0)
		goto out;
	if (EVP_PKEY_fromdata(ctx, key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		/* A peer point off the curve fails here. */
		err = priv ? IKC_CRYPTO : IKC_MALFORMED;
		goto out;
	}
	err = IKC_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(x);
	return err;
}

static enum ikc_err ecp_compute(const struct dh_group *g, const uint8_t *priv, size_t privlen,
                                const uint8_t *peer, size_t publen, uint8_t *out, size_t *outlen)
{
	enum ikc_err err;
	EVP_PKEY *mine = NULL, *theirs = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t n = IKC_MAX_DH;

	if (privlen == 0 || privlen > g->len)
		return IKC_USAGE;
	if (publen != 2 * g->len)
		return IKC_MALFORMED;
	err = ecp_key(g, priv, privlen, NULL, 0, &mine);
	if (err)
		goto out;
	err = ecp_key(g, NULL, 0, peer, publen, &theirs);
	if (err)
		goto out;
	err = IKC_CRYPTO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	/* validate_peer = 1: the point is checked once more before use. */
	if (EVP_PKEY_derive_set_peer_ex(ctx, theirs, 1) <= 0) {
		err = IKC_MALFORMED;
		goto out;
	}
	/* g^xy = x coordinate of the shared point (RFC 5903 §7) */
	if (EVP_PKEY_derive(ctx, out, &n) <= 0 || n != g->len)
		goto out;
	*outlen = n;
	err = IKC_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(mine);
	EVP_PKEY_free(theirs);
	return err;
}

/* ECP public value g^i = x | y of i*G.  EVP_PKEY cannot derive a public key
 * from an imported scalar in OpenSSL 3.0, so this uses EC_POINT_mul
 * (EC_POINT/EC_GROUP are not deprecated, unlike EC_KEY). */
static enum ikc_err ecp_public(const struct dh_group *g, const uint8_t *priv, size_t privlen,
                               uint8_t *out, size_t *outlen)
{
	enum ikc_err err = IKC_CRYPTO;
	EC_GROUP *grp = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *x = NULL;
	BN_CTX *bnctx = NULL;
	uint8_t buf[1 + 2 * 66];
	size_t n;

	if (privlen == 0 || privlen > g->len)
		return IKC_USAGE;
	grp = EC_GROUP_new_by_curve_name_ex(NULL, NULL, g->nid);
	bnctx = BN_CTX_new();
	x = BN_secure_new();
	if (!grp || !bnctx || !x)
		goto out;
	pt = EC_POINT_new(grp);
	if (!pt || !BN_bin2bn(priv, (int)privlen, x))
		goto out;
	if (BN_is_zero(x) || BN_cmp(x, EC_GROUP_get0_order(grp)) >= 0) {
		err = IKC_USAGE;
		goto out;
	}
	if (!EC_POINT_mul(grp, pt, x, NULL, NULL, bnctx))
		goto out;
	n = EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, buf, sizeof(buf), bnctx);
	if (n != 1 + 2 * g->len)
		goto out;
	memcpy(out, buf + 1, n - 1); /* drop the 0x04 format octet */
	*outlen = n - 1;
	err = IKC_OK;
out:
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_clear_free(x);
	BN_CTX_free(bnctx);
	return err;
}

enum ikc_err ikc_dh_public(uint16_t group, const uint8_t *priv, size_t privlen, uint8_t *out,
                           size_t *outlen)
{
	const struct dh_group *g = dh_group_by_id(group);

	if (!priv || !out || !outlen)
		return IKC_USAGE;
	if (!g)
		return IKC_UNSUPPORTED;
	if (g->prime)
		return modp_exp(g, priv, privlen, NULL, 0, out, outlen);
	return ecp_public(g, priv, privlen, out, outlen);
}

enum ikc_err ikc_dh_compute(uint16_t group, const uint8_t *priv, size_t privlen,
                            const uint8_t *peer_pub, size_t publen, uint8_t *out, size_t *outlen)
{
	const struct dh_group *g = dh_group_by_id(group);

	if (!priv || !peer_pub || !out || !outlen)
		return IKC_USAGE;
	if (!g)
		return IKC_UNSUPPORTED;
	if (g->prime)
		return modp_exp(g, priv, privlen, peer_pub, publen, out, outlen);
	return ecp_compute(g, priv, privlen, peer_pub, publen, out, outlen);
}

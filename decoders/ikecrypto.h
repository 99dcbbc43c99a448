/* ikecrypto.h - pure IKEv1 crypto: algorithm tables, RFC 2409 key derivation,
 * IV chain, CBC, HASH computation, ESP KEYMAT and Diffie-Hellman.
 *
 * Contract:
 * - Every function is pure: no I/O, no state kept between calls.  The one
 *   exception is a cache of fetched OpenSSL algorithms (EVP_MAC "HMAC" per
 *   digest, EVP_MD, EVP_CIPHER): ikc_crypto_init() fills it once before the
 *   work starts, ikc_crypto_release() empties it at the end; without it each
 *   call fetches what it needs and frees it.  Not for use from two threads
 *   while init, release or ikc_crypto_want_legacy runs (the last one once,
 *   mid-run, the first time a legacy algorithm is asked for).  Each thread also keeps one digest context
 *   between ikc_hash calls; ikc_crypto_release frees the calling thread's.
 * - Outputs go to caller buffers sized by the IKC_MAX_* bounds below; output
 *   lengths are returned through size_t pointers.  Buffers holding secrets
 *   (SKEYID*, Ka, KEYMAT, g^xy, DH private values) should be wiped by the
 *   caller with ikc_wipe() when done; this module wipes its own temporaries.
 * - Computed HASH values must be compared with ikc_hash_equal() (constant time).
 * - Errors: IKC_USAGE (NULL / bad sizes / too long for the IKC_MAX_* bounds),
 *   IKC_MALFORMED (ciphertext not a positive multiple of the block size, DH
 *   public value out of range or not on the curve), IKC_UNSUPPORTED (unknown
 *   group), IKC_CRYPTO (an OpenSSL call failed, e.g. algorithm not available).
 * - Blowfish, CAST5 and single DES live in OpenSSL's legacy provider.
 *   ikc_cipher_by_ike_id() tries to fetch them and returns NULL when no loaded
 *   provider offers them; loading the "legacy" (and "default") provider is the
 *   program's choice (dissector/main.c), never done here.
 */
#ifndef IKC_IKECRYPTO_H
#define IKC_IKECRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikc_err.h"

#define IKC_MAX_HASH   64   /* SHA2-512 output */
#define IKC_MAX_KEY    64   /* phase-1 encryption key Ka */
#define IKC_MAX_BLOCK  16   /* AES block */
#define IKC_MAX_DH     1024 /* MODP 8192-bit public value / g^xy */
#define IKC_MAX_DH_PUB 1024 /* KE payload data: MODP prime length, ECP x|y */
#define IKC_MAX_KEYMAT 256  /* ESP enc+auth key material for both needs */
#define IKC_COOKIE_LEN 8

/* IKEv1 phase-1 hash algorithm (RFC 2409 Appendix A, IANA "Hash Algorithm"). */
struct ikc_hash_desc {
	uint16_t ike_id;
	const char *name;     /* "SHA1" */
	const char *evp_name; /* OpenSSL digest name, "SHA1" */
	size_t len;           /* output length in bytes */
};

/* IKEv1 phase-1 encryption algorithm in CBC mode. */
struct ikc_cipher_desc {
	uint16_t ike_id;
	uint16_t keylen_bits; /* key length this entry stands for */
	const char *name;     /* "AES-CBC-128" */
	const char *evp_name; /* OpenSSL cipher name, "AES-128-CBC" */
	size_t key_len;       /* bytes */
	size_t block_len;     /* bytes */
};

/* One piece of a message to be hashed: prf/hash inputs are concatenations. */
struct ikc_iov {
	const uint8_t *p;
	size_t len;
};

/* 1 MD5, 2 SHA1, 4 SHA2-256, 5 SHA2-384, 6 SHA2-512; NULL otherwise. */
const struct ikc_hash_desc *ikc_hash_by_ike_id(uint16_t id);

/* 1 DES-CBC, 5 3DES-CBC (keylen 0 or 192), 7 AES-CBC 128/192/256 (keylen 0
 * means 128), 3 Blowfish-CBC and 6 CAST5-CBC (keylen 0 or 128 only).
 * NULL when unknown, or when no loaded OpenSSL provider offers the cipher. */
const struct ikc_cipher_desc *ikc_cipher_by_ike_id(uint16_t id, uint16_t keylen_bits);

/* OPENSSL_cleanse; NULL-safe. */
void ikc_wipe(void *p, size_t n);

/* Fetch the algorithms of the tables above once (see the contract). */
void ikc_crypto_init(void);
void ikc_crypto_release(void);

/* Between init and release: load OpenSSL's legacy provider (DES, Blowfish,
 * CAST5 and, in some OpenSSL 3.0 builds, RIPEMD160) the first time an
 * algorithm no loaded provider has is asked for, so that a run that meets
 * none does not carry it (~270 KB).  True when it is loaded now (and was
 * not before): fetch again.  Needs the default provider loaded explicitly
 * beforehand (OpenSSL then no longer falls back to it). */
bool ikc_crypto_want_legacy(void);

/* Constant-time equality of two equal-length byte strings (CRYPTO_memcmp). */
bool ikc_hash_equal(const uint8_t *a, const uint8_t *b, size_t len);

/* prf(key, parts[0] | parts[1] | ...) = HMAC-hash; out holds IKC_MAX_HASH. */
IKC_MUST_CHECK enum ikc_err ikc_prf(const struct ikc_hash_desc *h, const uint8_t *key, size_t klen,
                                    const struct ikc_iov *parts, size_t nparts, uint8_t *out,
                                    size_t *outlen);

/* hash(parts[0] | parts[1] | ...); out holds IKC_MAX_HASH. */
IKC_MUST_CHECK enum ikc_err ikc_hash(const struct ikc_hash_desc *h, const struct ikc_iov *parts,
                                     size_t nparts, uint8_t *out, size_t *outlen);

/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b)  (RFC 2409 §5, PSK auth). */
IKC_MUST_CHECK enum ikc_err ikc_skeyid_psk(const struct ikc_hash_desc *h, const uint8_t *psk,
                                           size_t psklen, const uint8_t *ni, size_t nilen,
                                           const uint8_t *nr, size_t nrlen, uint8_t *out,
                                           size_t *outlen);

/* SKEYID = prf(Ni_b | Nr_b, g^xy)  (RFC 2409 §5, signature auth). */
IKC_MUST_CHECK enum ikc_err ikc_skeyid_sig(const struct ikc_hash_desc *h, const uint8_t *ni,
                                           size_t nilen, const uint8_t *nr, size_t nrlen,
                                           const uint8_t *gxy, size_t gxylen, uint8_t *out,
                                           size_t *outlen);

/* SKEYID_d, SKEYID_a, SKEYID_e (RFC 2409 §5); each output is h->len bytes
 * into a buffer of IKC_MAX_HASH. */
IKC_MUST_CHECK enum ikc_err ikc_skeyid_derive(const struct ikc_hash_desc *h, const uint8_t *skeyid,
                                              size_t skeyid_len, const uint8_t *gxy, size_t gxylen,
                                              const uint8_t cky_i[IKC_COOKIE_LEN],
                                              const uint8_t cky_r[IKC_COOKIE_LEN], uint8_t *d,
                                              uint8_t *a, uint8_t *e);

/* Ka: SKEYID_e truncated, or expanded per RFC 2409 Appendix B when it is
 * shorter than need_len (<= IKC_MAX_KEY) bytes. */
IKC_MUST_CHECK enum ikc_err ikc_p1_enc_key(const struct ikc_hash_desc *h, const uint8_t *skeyid_e,
                                           size_t e_len, size_t need_len, uint8_t *out);

/* Phase-1 IV = hash(g^xi | g^xr) truncated to block bytes (RFC 2409 Appendix B). */
IKC_MUST_CHECK enum ikc_err ikc_p1_iv(const struct ikc_hash_desc *h, const uint8_t *gxi,
                                      size_t gxilen, const uint8_t *gxr, size_t gxrlen,
                                      size_t block, uint8_t *out);

/* Phase-2 / informational IV = hash(last phase-1 CBC block | M-ID) truncated. */
IKC_MUST_CHECK enum ikc_err ikc_p2_iv(const struct ikc_hash_desc *h, const uint8_t *last_block,
                                      size_t block, uint32_t msgid, uint8_t *out);

/* CBC without padding.  len must be a positive multiple of the block size
 * (else IKC_MALFORMED).  in == out is allowed.  next_iv (block bytes, may be
 * NULL) receives the last ciphertext block: the IV for the next message. */
IKC_MUST_CHECK enum ikc_err ikc_cbc_decrypt(const struct ikc_cipher_desc *c, const uint8_t *key,
                                            const uint8_t *iv, const uint8_t *in, size_t len,
                                            uint8_t *out, uint8_t *next_iv);
IKC_MUST_CHECK enum ikc_err ikc_cbc_encrypt(const struct ikc_cipher_desc *c, const uint8_t *key,
                                            const uint8_t *iv, const uint8_t *in, size_t len,
                                            uint8_t *out, uint8_t *next_iv);

/* A cipher keyed once for many CBC decryptions under one key (a phase-1
 * SA's Ka): no key schedule and no context set-up per message.  Not for two
 * threads at once.  ikc_cbc_run: as ikc_cbc_decrypt, without next_iv. */
struct ikc_cbc;
IKC_MUST_CHECK enum ikc_err ikc_cbc_new(const struct ikc_cipher_desc *c, const uint8_t *key, struct ikc_cbc **out);
IKC_MUST_CHECK enum ikc_err ikc_cbc_run(struct ikc_cbc *k, const uint8_t *iv, const uint8_t *in, size_t len,
                                        uint8_t *out);
void ikc_cbc_free(struct ikc_cbc *k);

/* Phase-1 HASH_I / HASH_R inputs (RFC 2409 §5).  Bodies exclude the 4-byte
 * generic payload header. */
struct ikc_p1_hash_in {
	const uint8_t *gxi;   size_t gxi_len;   /* KE data of the initiator */
	const uint8_t *gxr;   size_t gxr_len;   /* KE data of the responder */
	const uint8_t *cky_i; const uint8_t *cky_r; /* 8 bytes each */
	const uint8_t *sai_b; size_t sai_len;   /* initiator's SA payload body */
	const uint8_t *id_b;  size_t id_len;    /* IDii_b for HASH_I, IDir_b for HASH_R */
};

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
IKC_MUST_CHECK enum ikc_err ikc_p1_hash(const struct ikc_hash_desc *h, const uint8_t *skeyid,
                                        size_t skeyid_len, bool responder,
                                        const struct ikc_p1_hash_in *in, uint8_t *out,
                                        size_t *outlen);

/* Quick Mode (RFC 2409 §5.5).  `after` is the bytes of every payload that
 * follows the HASH payload, generic headers included, padding excluded.
 * HASH(1) = prf(SKEYID_a, M-ID | after)
 * HASH(2) = prf(SKEYID_a, M-ID | Ni_b | after)
 * HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
IKC_MUST_CHECK enum ikc_err ikc_qm_hash1(const struct ikc_hash_desc *h, const uint8_t *skeyid_a,
                                         size_t alen, uint32_t msgid, const uint8_t *after,
                                         size_t after_len, uint8_t *out, size_t *outlen);
IKC_MUST_CHECK enum ikc_err ikc_qm_hash2(const struct ikc_hash_desc *h, const uint8_t *skeyid_a,
                                         size_t alen, uint32_t msgid, const uint8_t *ni_b,
                                         size_t nilen, const uint8_t *after, size_t after_len,
                                         uint8_t *out, size_t *outlen);
IKC_MUST_CHECK enum ikc_err ikc_qm_hash3(const struct ikc_hash_desc *h, const uint8_t *skeyid_a,
                                         size_t alen, uint32_t msgid, const uint8_t *ni_b,
                                         size_t nilen, const uint8_t *nr_b, size_t nrlen,
                                         uint8_t *out, size_t *outlen);

/* Informational (RFC 2409 §5.7): HASH(1) = prf(SKEYID_a, M-ID | N/D payloads). */
IKC_MUST_CHECK enum ikc_err ikc_info_hash(const struct ikc_hash_desc *h, const uint8_t *skeyid_a,
                                          size_t alen, uint32_t msgid, const uint8_t *after,
                                          size_t after_len, uint8_t *out, size_t *outlen);

/* KEYMAT inputs for one SA (one direction): spi is the SPI of the SA the
 * keys are for, as on the wire (4 bytes for ESP/AH). */
struct ikc_keymat_in {
	const uint8_t *gqm_xy; size_t gqm_len; /* QM PFS g(qm)^xy, NULL/0 without PFS */
	uint8_t protocol;                      /* 3 = ESP, 2 = AH */
	const uint8_t *spi;    size_t spi_len;
	const uint8_t *ni_b;   size_t ni_len;
	const uint8_t *nr_b;   size_t nr_len;
};

/* KEYMAT = K1 | K2 | ... truncated to need_len (<= IKC_MAX_KEYMAT):
 * K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 * ESP takes the encryption key first, then the authentication key. */
IKC_MUST_CHECK enum ikc_err ikc_keymat(const struct ikc_hash_desc *h, const uint8_t *skeyid_d,
                                       size_t dlen, const struct ikc_keymat_in *in,
                                       size_t need_len, uint8_t *out);

/* Diffie-Hellman groups: MODP 1, 2 (RFC 2409 §6), 5, 14-18 (RFC 3526),
 * ECP 19, 20, 21 (RFC 5903).  Lengths in bytes; both 0 for an unknown group.
 *   MODP: public value and g^xy are prime length, left-padded with zeros.
 *   ECP:  public value is x | y (no 0x04 prefix); g^xy is x only (RFC 5903 §7). */
size_t ikc_dh_pub_len(uint16_t group);
size_t ikc_dh_secret_len(uint16_t group);

/* g^x from the private value priv (big-endian); out holds IKC_MAX_DH_PUB. */
IKC_MUST_CHECK enum ikc_err ikc_dh_public(uint16_t group, const uint8_t *priv, size_t privlen,
                                          uint8_t *out, size_t *outlen);

/* g^xy from our private value and the peer's KE data; out holds IKC_MAX_DH. */
IKC_MUST_CHECK enum ikc_err ikc_dh_compute(uint16_t group, const uint8_t *priv, size_t privlen,
                                           const uint8_t *peer_pub, size_t publen, uint8_t *out,
                                           size_t *outlen);

#endif

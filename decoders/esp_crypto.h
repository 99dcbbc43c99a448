/* esp_crypto.h - pure ESP decryption and ICV verification (OpenSSL 3 EVP).
 *
 * Implements: RFC 4303 §2-§3.4 (ESP packet, padding, integrity-before-decrypt),
 * RFC 2405/2451 (DES/3DES/CAST5/Blowfish-CBC), RFC 3602 (AES-CBC),
 * RFC 3686 (AES-CTR), RFC 4106 (AES-GCM), RFC 8750 (implicit IV),
 * RFC 7634 (ChaCha20-Poly1305), RFC 2403/2404/4868 (HMAC ICVs),
 * RFC 3566 (AES-XCBC-MAC-96), RFC 2407 §4.4.4/§4.5 (IKEv1 IPsec DOI ids).
 *
 *   0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ---
 *   |               Security Parameters Index (SPI)                 |  ^ ICV
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  | covers
 *   |                      Sequence Number                          |  | (HMAC,
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  | XCBC);
 *   |        IV (iv_len: 8 DES/CTR/GCM/ChaCha, 16 AES-CBC, 0 IIV)   |  | AEAD:
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  | AAD =
 *   |   Payload Data (encrypted) ...                                |  | SPI|seq
 *   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  |
 *   |               |     Padding 1, 2, 3, ... (0-255 bytes)        |  |
 *   +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  |
 *   |                               |  Pad Length   | Next Header   |  v
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ---
 *   |         Integrity Check Value (icv_len) ...                   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Contract:
 * - No globals, no I/O.  One struct ikc_esp_sa_ctx per SA and direction,
 *   created once (all EVP contexts keyed there) and reused for every packet
 *   without allocating.  A context is not thread-safe: one packet at a time.
 * - Key material: the encryption key given here is the KEYMAT piece for the
 *   cipher, with the 4-byte nonce/salt appended for AES-CTR, AES-GCM and
 *   ChaCha20-Poly1305 (as Wireshark's esp_sa and strongSwan's logs give it).
 *   ikc_esp_sa_ctx_free wipes every copy this module holds.
 * - ikc_esp_decrypt takes the whole ESP packet from the SPI on, exactly as
 *   long as on the wire: a capture cut short reads as ICV_FAILED (or
 *   TRUNCATED when shorter than the fixed parts), so the caller passes only
 *   complete packets and reports short ones itself.
 * - The ICV is checked before anything is decrypted (RFC 4303 §3.4.4), in
 *   constant time; AEAD tags are checked by EVP before the plaintext counts.
 * - Extended sequence numbers (RFC 4303 §2.2.1) are NOT done: the ICV and the
 *   AEAD AAD use the 32-bit sequence number only.
 */
#ifndef IKC_ESP_CRYPTO_H
#define IKC_ESP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikc_err.h"

#include "esp_algs.h"  /* the ESP algorithm ids, shared with the key store */

#define IKC_ESP_MAX_ICV   32  /* HMAC-SHA2-512-256 */
#define IKC_ESP_MAX_IV    16  /* AES-CBC */
#define IKC_ESP_SALT_LEN  4   /* RFC 3686 nonce, RFC 4106 / 7634 salt */
#define IKC_ESP_MAX_ENC_KEY 56  /* Blowfish; AES-256 + salt is 36 */
#define IKC_ESP_MAX_AUTH_KEY 64

enum ikc_esp_mode {
	IKC_ESP_MODE_NULL,  /* RFC 2410: plaintext */
	IKC_ESP_MODE_CBC,
	IKC_ESP_MODE_CTR,   /* counter block = nonce | IV | 00000001 */
	IKC_ESP_MODE_AEAD,  /* nonce = salt | IV, AAD = SPI | seq, tag = ICV */
};

/* One encryption algorithm at one key length. */
struct ikc_esp_enc_desc {
	enum ikc_esp_enc id;
	const char *name;       /* "AES-CBC-128" */
	const char *evp_name;   /* OpenSSL cipher, NULL for the NULL cipher */
	enum ikc_esp_mode mode;
	size_t key_len;         /* cipher key, salt/nonce excluded */
	size_t salt_len;        /* 4 for CTR/GCM/ChaCha, else 0 */
	size_t iv_len;          /* on the wire; 0 for the implicit-IV variants */
	size_t align;           /* payload+padding+2 is a multiple of this */
	size_t icv_len;         /* AEAD tag; 0 otherwise (the auth gives it) */
	bool implicit_iv;       /* RFC 8750: IV = 0x00000000 | seq */
	size_t key_min;         /* CAST5/Blowfish: shortest key, key_len the longest; 0 = fixed */
};

enum ikc_esp_mac {
	IKC_ESP_MAC_NONE,   /* NULL: no ICV */
	IKC_ESP_MAC_HMAC,
	IKC_ESP_MAC_XCBC,
	IKC_ESP_MAC_ANY,    /* ICV present but not checked (no key given) */
};

struct ikc_esp_auth_desc {
	enum ikc_esp_auth id;
	const char *name;       /* "HMAC-SHA1-96" */
	enum ikc_esp_mac mac;
	const char *digest;     /* OpenSSL digest for HMAC */
	size_t key_len;         /* RFC key length (HMAC accepts any non-empty key) */
	size_t icv_len;         /* truncated ICV on the wire */
};

/* enc_len is the whole key given (salt included).  NULL when the pair is
 * unknown or the length does not fit the algorithm. */
const struct ikc_esp_enc_desc *ikc_esp_enc_find(enum ikc_esp_enc enc, size_t enc_len);
const struct ikc_esp_auth_desc *ikc_esp_auth_find(enum ikc_esp_auth auth);

/* IKEv1 IPsec DOI (RFC 2407 §4.4.4 ESP transform ids, §4.5 attributes) to
 * these ids.  transform_id: 2 ESP_DES, 3 ESP_3DES, 6 ESP_CAST, 7 ESP_BLOWFISH,
 * 11 ESP_NULL, 12 ESP_AES (CBC), 13 ESP_AES-CTR, 18/19/20 ESP_AES-GCM-8/12/16.
 * keylen_bits: the Key Length attribute, 0 when absent (default length).
 * auth_attr: the Authentication Algorithm attribute, 0 when absent:
 * 1 HMAC-MD5, 2 HMAC-SHA, 5 HMAC-SHA2-256, 6 -384, 7 -512, 8 HMAC-RIPEMD,
 * 9 AES-XCBC-MAC.  KEYMAT needs enc_key_len + auth_key_len bytes, the
 * encryption key (with salt/nonce) first (RFC 2409 §5.5). */
struct ikc_esp_ikev1_alg {
	enum ikc_esp_enc enc;
	enum ikc_esp_auth auth;
	size_t enc_key_len;     /* cipher key + salt/nonce */
	size_t auth_key_len;
};
/* IKC_UNSUPPORTED for an id this module does not know (e.g. 23 GMAC),
 * IKC_MALFORMED for a key length the algorithm does not allow or an AEAD
 * combined with an authentication algorithm. */
IKC_MUST_CHECK enum ikc_err ikc_esp_from_ikev1(uint16_t transform_id, uint16_t keylen_bits,
                                               uint16_t auth_attr, struct ikc_esp_ikev1_alg *out);

struct ikc_esp_sa_ctx;

/* IKC_USAGE for a key length the algorithm does not take, an AEAD with an
 * authentication algorithm, or NULL keys; IKC_UNSUPPORTED when no loaded
 * provider has the cipher/digest (DES, CAST5, Blowfish need OpenSSL's legacy
 * provider; Twofish is never there); IKC_NOMEM / IKC_CRYPTO otherwise. */
IKC_MUST_CHECK enum ikc_err ikc_esp_sa_ctx_new(enum ikc_esp_enc enc, const uint8_t *enc_key,
                                               size_t enc_len, enum ikc_esp_auth auth,
                                               const uint8_t *auth_key, size_t auth_len,
                                               struct ikc_esp_sa_ctx **out);
/* The same, for the sending side (tests, benchmarks, re-encryption). */
IKC_MUST_CHECK enum ikc_err ikc_esp_sa_ctx_new_encrypt(enum ikc_esp_enc enc, const uint8_t *enc_key,
                                                       size_t enc_len, enum ikc_esp_auth auth,
                                                       const uint8_t *auth_key, size_t auth_len,
                                                       struct ikc_esp_sa_ctx **out);
void ikc_esp_sa_ctx_free(struct ikc_esp_sa_ctx *ctx);
const struct ikc_esp_enc_desc *ikc_esp_sa_enc(const struct ikc_esp_sa_ctx *ctx);
const struct ikc_esp_auth_desc *ikc_esp_sa_auth(const struct ikc_esp_sa_ctx *ctx);

/* Stable snake_case names: ikc_esp_status_name(). */
enum ikc_esp_status {
	IKC_ESP_OK = 0,
	IKC_ESP_ICV_FAILED,   /* ICV or AEAD tag mismatch: wrong key, or altered */
	IKC_ESP_BAD_PADDING,  /* pad length too big or pad bytes not 1, 2, 3, ... */
	IKC_ESP_TRUNCATED,    /* shorter than SPI + seq + IV + 2 + ICV */
	IKC_ESP_UNSUPPORTED,  /* context made for the other direction */
	IKC_ESP_MALFORMED,    /* CBC ciphertext not a multiple of the block */
	IKC_ESP_ERROR,        /* NULL argument, out too small, OpenSSL failure */
};
const char *ikc_esp_status_name(enum ikc_esp_status st);

/* What one packet decrypted to.  Pointers point into the caller's `out`
 * buffer (plain, payload) or the input packet (iv). */
struct ikc_esp_plain {
	uint32_t spi, seq;
	const uint8_t *iv;
	size_t iv_len;
	bool icv_checked;       /* false for NULL / ANY_n integrity */
	const uint8_t *plain;   /* all decrypted bytes, set once decrypted (also on BAD_PADDING) */
	size_t plain_len;
	const uint8_t *payload; /* inner packet (tunnel) or transport payload; OK only */
	size_t payload_len;
	uint8_t pad_len;
	uint8_t next_header;    /* 4 IPv4, 41 IPv6, 59 dummy packet, ... */
};

/* Verify, then decrypt one ESP packet (SPI onwards).  out receives the
 * plaintext and needs room for the ciphertext (len is always enough). */
IKC_MUST_CHECK enum ikc_esp_status ikc_esp_decrypt(struct ikc_esp_sa_ctx *ctx, const uint8_t *esp,
                                                   size_t len, uint8_t *out, size_t outsz,
                                                   struct ikc_esp_plain *res);

/* Build one ESP packet: SPI | seq | iv | E(payload | 1,2,3.. | padlen | nh) | ICV.
 * iv has the algorithm's iv_len bytes (ignored for IIV); the padding is the
 * least that meets the alignment.  *outlen gets the packet length. */
IKC_MUST_CHECK enum ikc_err ikc_esp_encrypt(struct ikc_esp_sa_ctx *ctx, uint32_t spi, uint32_t seq,
                                            const uint8_t *iv, uint8_t next_header,
                                            const uint8_t *payload, size_t plen, uint8_t *out,
                                            size_t outsz, size_t *outlen);

/* Full 128-bit AES-XCBC-MAC of msg (RFC 3566 §4); the ESP ICV is its first
 * 12 bytes.  Allocates its own contexts: for tests and one-off use. */
IKC_MUST_CHECK enum ikc_err ikc_aes_xcbc_mac(const uint8_t key[16], const uint8_t *msg, size_t len,
                                             uint8_t out[16]);

#endif

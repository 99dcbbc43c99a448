/* esp_algs.h - the ESP algorithms ikecap knows, listed once: key files,
 * decryption and output all use these enums and names (RFC 4303 transforms:
 * RFC 3602 AES-CBC, RFC 3686 AES-CTR, RFC 4106 AES-GCM, RFC 7634 ChaCha20-
 * Poly1305, RFC 2404/4868 HMACs, RFC 3566 AES-XCBC). */
#ifndef IKC_ESP_ALGS_H
#define IKC_ESP_ALGS_H

/* ESP encryption: name (ikecap key files and output). */
#define IKC_ESP_ENC_LIST(X)                                                     \
	X(NULL, "null")                                                        \
	X(DES_CBC, "des-cbc")                                                  \
	X(3DES_CBC, "3des-cbc")                                                \
	X(AES_CBC, "aes-cbc")                                                  \
	X(AES_CTR, "aes-ctr")             /* key + 4-byte nonce (RFC 3686) */  \
	X(AES_GCM_8, "aes-gcm-8")         /* key + 4-byte salt (RFC 4106) */   \
	X(AES_GCM_12, "aes-gcm-12")                                            \
	X(AES_GCM_16, "aes-gcm-16")                                            \
	X(AES_GCM_16_IIV, "aes-gcm-16-iiv") /* RFC 8750 */                     \
	X(CAST5_CBC, "cast5-cbc")                                              \
	X(BLOWFISH_CBC, "blowfish-cbc")                                        \
	X(TWOFISH_CBC, "twofish-cbc")                                          \
	X(CHACHA20_POLY1305, "chacha20-poly1305") /* key + 4-byte salt (RFC 7634) */ \
	X(CHACHA20_POLY1305_IIV, "chacha20-poly1305-iiv")

/* ESP integrity: name, ICV bytes.  ANY_n: an ICV of n bits, not checked. */
#define IKC_ESP_AUTH_LIST(X)                                                    \
	X(NULL, "null", 0)                                                     \
	X(HMAC_MD5_96, "hmac-md5-96", 12)                                      \
	X(HMAC_SHA1_96, "hmac-sha1-96", 12)                                    \
	X(HMAC_SHA2_256_96, "hmac-sha2-256-96", 12) /* pre-RFC 4868 Linux */    \
	X(HMAC_SHA2_256_128, "hmac-sha2-256-128", 16)                          \
	X(HMAC_SHA2_384_192, "hmac-sha2-384-192", 24)                          \
	X(HMAC_SHA2_512_256, "hmac-sha2-512-256", 32)                          \
	X(HMAC_RIPEMD160_96, "hmac-ripemd160-96", 12)                          \
	X(AES_XCBC_96, "aes-xcbc-96", 12)                                      \
	X(ANY_64, "any-64", 8)                                                 \
	X(ANY_96, "any-96", 12)                                                \
	X(ANY_128, "any-128", 16)                                              \
	X(ANY_192, "any-192", 24)                                              \
	X(ANY_256, "any-256", 32)

#define IKC_X_ENC_ENUM(id, name) IKC_ESP_ENC_##id,
#define IKC_X_AUTH_ENUM(id, name, icv) IKC_ESP_AUTH_##id,
enum ikc_esp_enc { IKC_ESP_ENC_LIST(IKC_X_ENC_ENUM) IKC_ESP_ENC_COUNT };
enum ikc_esp_auth { IKC_ESP_AUTH_LIST(IKC_X_AUTH_ENUM) IKC_ESP_AUTH_COUNT };
#undef IKC_X_ENC_ENUM
#undef IKC_X_AUTH_ENUM

#endif

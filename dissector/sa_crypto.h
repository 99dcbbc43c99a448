/* sa_crypto.h - per-SA key state and the decryption of encrypted IKEv1
 * messages (RFC 2409 §5, Appendix B), driven by the session.  The pure
 * primitives are in decoders/ikecrypto.h; this module decides which secret,
 * which IV and which side's key apply to each message. */
#ifndef IKC_SA_CRYPTO_H
#define IKC_SA_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoders/arena.h"
#include "../decoders/esp_crypto.h"
#include "../decoders/isakmp.h"
#include "net.h"
#include "record.h"

struct ikc_keys;
struct ikc_ike_sa;
struct ikc_seen;
struct ikc_msg_info;
struct ikc_qm;
struct ikc_esp_table;

#define IKC_CR_MAX_NONCE 256
#define IKC_CR_MAX_KE 1024
#define IKC_CR_MAX_SAB 2048
#define IKC_CR_MAX_HASH 64
#define IKC_CR_MAX_BLOCK 16
#define IKC_CR_MAX_KEY 64
#define IKC_CR_MAX_ID 512

/* Bytes kept from the exchange, allocated to their exact size (so an SA
 * costs what it carries) and wiped when replaced or freed; at most the
 * IKC_CR_MAX_* of their kind. */
struct ikc_cr_buf {
	uint8_t *p;
	size_t len;
};

/* Keys of one side (a peer may hold a PSK the other does not). */
struct ikc_side_keys {
	bool ready;
	char source[192];            /* "psk keys.txt:4 + dh", "ikev1 table" ... never the secret */
	uint8_t skeyid[IKC_CR_MAX_HASH], skeyid_d[IKC_CR_MAX_HASH], skeyid_a[IKC_CR_MAX_HASH],
		skeyid_e[IKC_CR_MAX_HASH];
	size_t hlen;                /* prf output length (0 when only Ka is known) */
	uint8_t ka[IKC_CR_MAX_KEY];
	size_t ka_len;
};

/* The bytes key derivation and the IV chain need: made only when there is
 * something to keep (the KE and nonce bytes, when the session keeps key
 * inputs; an IV, once a key could use it), so that an SA of a run without
 * keys holds none of it (~190 bytes). */
struct ikc_p1_material {
	/* exchange material seen in clear (SAi_b lives in the SA itself, so
	 * that an SA made by MM1 alone needs no ikc_sa_crypto) */
	struct ikc_cr_buf ni, nr;
	struct ikc_cr_buf gxi, gxr;
	struct ikc_cr_buf idii_b, idir_b;    /* Aggressive Mode IDs in clear */
	struct ikc_cr_buf am_hash_r;         /* HASH_R of AM2, sent in clear */
	uint64_t am_hash_r_frame;
	uint8_t iv0[IKC_CR_MAX_BLOCK]; /* phase-1 initial IV = hash(g^xi | g^xr) */
	bool have_iv0;                 /* derived (only once a key candidate can use it) */
	uint8_t p1_last_block[IKC_CR_MAX_BLOCK]; /* IV chain for phase 1 */
	bool have_p1_last;
	uint8_t p2_base[IKC_CR_MAX_BLOCK]; /* last block of the last phase-1 message */
	bool have_p2_base;
	/* By slot of the SA's retransmission ring: the IV each remembered
	 * message was decrypted with.  Made with the first decryption attempt
	 * and grown with the ring, so an SA without keys has none. */
	struct ikc_seen_crypto *seen_iv;
	size_t seen_iv_cap;
};

struct ikc_sa_crypto {            /* widest members first: most live SAs hold one */
	struct ikc_p1_material *m;          /* NULL until there is some (ikc_p1_material) */
	struct ikc_side_keys *cand;         /* candidate key sets (malloc'd once) */
	struct ikc_cbc **cbc;               /* per candidate: its Ka keyed once (made at first use) */
	/* What secret would be needed (ikc_sa_crypto_missing): most SAs of a
	 * run say one of a few fixed sentences, kept as the literal itself
	 * rather than a copy each (~120 bytes an SA); the others in their own
	 * text (ikc_text, at most IKC_CR_TEXT). */
	const char *missing_fixed;
	char *missing_text;
	char *am_psk_verdict;                /* which PSK HASH_R proves, or that none does (ikc_text) */
	char *qm_missing;                    /* why the last Quick Mode gave no KEYMAT (ikc_text, IKC_CR_QM_TEXT) */
	uint32_t decrypted, failed, hash_ok, hash_bad;
	uint32_t esp_keyed;                  /* Quick Modes whose ESP KEYMAT was derived */
	/* chosen phase-1 transform (from the responder's SA) */
	uint16_t enc, keylen, hash, auth, group;
	bool have_transform;
	uint8_t ncand;                      /* at most MAX_CAND (sa_crypto.c) */
	uint8_t ncbc;
	uint8_t block;                      /* the phase-1 cipher's block, 0 until known */
	/* derived */
	bool tried;                 /* derivation attempted */
	/* The candidate each side's messages decrypt with, plus one ([0] the
	 * initiator's, [1] the responder's; 0: none yet).  Candidates are
	 * never replaced once there are any, so an index is enough. */
	uint8_t side[2];
	bool psk_differs;
	uint8_t inputs;             /* IKC_IN_*: the KE and nonces seen, whether their bytes were kept or not */
};

#define IKC_QM_MAX_OFFERS 8
#define IKC_IN_KE_I 1u       /* ikc_sa_crypto.inputs */
#define IKC_IN_KE_R 2u
#define IKC_IN_NONCE_I 4u
#define IKC_IN_NONCE_R 8u
#define IKC_IN_ALL 15u
#define IKC_CR_TEXT 160      /* longest missing-secret or verdict text, NUL included */
#define IKC_CR_QM_TEXT 200   /* ... with the Quick Mode's message id before it */

/* One ESP proposal of QM1: its number and the QM initiator's inbound SPI. */
struct ikc_qm_offer {
	uint8_t number;
	uint32_t spi;
};

/* The QM's own KE payloads (PFS), allocated only when a QM carries KE. */
struct ikc_qm_pfs {
	struct ikc_cr_buf gxi, gxr;
};

/* KEYMAT of one direction (RFC 2409 §5.5): the encryption key first (salt
 * or nonce included), then the authentication key. */
struct ikc_qm_esp {
	uint32_t spi;
	uint8_t enc_key[IKC_ESP_MAX_ENC_KEY];
	size_t enc_len;
	uint8_t auth_key[IKC_ESP_MAX_AUTH_KEY];
	size_t auth_len;
};

struct ikc_qm_crypto {
	uint8_t iv[IKC_CR_MAX_BLOCK];   /* IV for the next message of this msgid */
	bool have_iv;
	struct ikc_cr_buf ni, nr;        /* Quick Mode nonces (HASH(2), (3), KEYMAT) */
	/* The proposal: QM1 offers, QM2 chooses (RFC 2407 §4.4.1, §4.5). */
	struct ikc_qm_offer offer[IKC_QM_MAX_OFFERS];
	size_t noffer;
	bool have_choice;
	uint8_t protoid, transform_id;
	uint32_t spi_i, spi_r;          /* inbound SPI of the QM initiator (QM1) and responder (QM2) */
	bool have_spi_i;
	uint16_t keylen, auth, encap, group;
	struct ikc_qm_pfs *pfs;
	int af;                          /* addresses of the QM initiator and responder */
	uint8_t addr_i[16], addr_r[16];
	bool have_addr;
	uint64_t done_frame;
	/* KEYMAT: [0] the SA the QM initiator sends on (SPI chosen by the
	 * responder in QM2), [1] the SA the QM responder sends on (QM1's SPI). */
	bool keymat_ready, installed;
	uint16_t esp_enc, esp_auth;      /* enum ikc_esp_enc / ikc_esp_auth */
	struct ikc_qm_esp *esp;          /* [2], allocated with the KEYMAT */
	char *keymat_missing;            /* why there is none yet (ikc_text, IKC_CR_TEXT) */
};

struct ikc_seen_crypto {
	uint8_t iv[IKC_CR_MAX_BLOCK];   /* IV this message was decrypted with */
	bool have_iv;
	int8_t cand;                     /* candidate key set that worked (< MAX_CAND, 16), -1 none */
};

/* Copy n bytes (at most cap) into b at their exact size; the old bytes are
 * wiped.  False when memory ran out (b is then empty). */
bool ikc_cr_buf_set(struct ikc_cr_buf *b, size_t cap, const uint8_t *src, size_t n);
void ikc_cr_buf_wipe(struct ikc_cr_buf *b);

/* The SA's key state, allocated the first time the SA carries key material
 * (the chosen transform, KE, nonces, AM IDs) or an encrypted message; NULL
 * when memory ran out.  sa->crypto stays NULL for an SA that never does. */
struct ikc_sa_crypto *ikc_sa_crypto_of(struct ikc_ike_sa *sa);
/* Wipe and free (c may be NULL). */
void ikc_sa_crypto_free(struct ikc_sa_crypto *c);

/* What secret the SA's key state lacks, NULL when nothing is said. */
static inline const char *ikc_sa_crypto_missing(const struct ikc_sa_crypto *c)
{
	return c->missing_text ? c->missing_text : c->missing_fixed;
}
void ikc_qm_crypto_clear(struct ikc_qm *qm);
void ikc_sa_crypto_learn_transform(struct ikc_sa_crypto *c, const struct ikc_transform *t);
/* seen_slot: the message's slot in the SA's retransmission ring (the
 * original's for a retransmission), -1 when it has none. */
void ikc_sa_crypto_process(struct ikc_ike_sa *sa, const struct ikc_keys *keys, struct ikc_arena *a,
			   const struct ikc_pkt *pkt, const struct ikc_msg *msg, int seen_slot,
			   struct ikc_msg_info *info);
/* Ring slot seen_slot now holds a new message: forget the old one's IV. */
void ikc_sa_crypto_seen_reset(struct ikc_sa_crypto *c, size_t seen_slot);
/* Aggressive Mode PSK audit: is the HASH_R material there, and does this
 * candidate PSK produce the responder's HASH_R? */
bool ikc_sa_crypto_am_auditable(const struct ikc_ike_sa *sa);
bool ikc_sa_crypto_am_try_psk(const struct ikc_ike_sa *sa, const uint8_t *psk, size_t len);
/* Side s's keys (0 initiator, 1 responder), or NULL when none decrypted. */
static inline const struct ikc_side_keys *ikc_sa_side(const struct ikc_sa_crypto *c, int s)
{
	return c && c->side[s] && c->side[s] <= c->ncand ? &c->cand[c->side[s] - 1] : NULL;
}

/* Where side s's key came from ("psk keys.txt:4 + dh"), "" when none. */
static inline const char *ikc_sa_side_source(const struct ikc_sa_crypto *c, int s)
{
	return ikc_sa_side(c, s) ? ikc_sa_side(c, s)->source : "";
}

/* The phase-1 encryption key to export (initiator's side first). */
bool ikc_sa_crypto_phase1_key(const struct ikc_ike_sa *sa, const uint8_t **ka, size_t *len);
/* Hand the ESP SAs of every Quick Mode of this SA whose KEYMAT is known and
 * not yet installed to the ESP table (two per QM); returns how many. */
size_t ikc_sa_crypto_install_esp(struct ikc_ike_sa *sa, struct ikc_esp_table *t);
/* c may be NULL (an SA that never carried key material). */
/* --print-keys in the text summary: the SA's keys as indented lines under
 * its line (nothing when no key decrypted it). */
void ikc_sa_crypto_write_keys_text(const struct ikc_sa_crypto *c, FILE *out);
void ikc_sa_crypto_write_summary(const struct ikc_sa_crypto *c, struct ikc_rw *w, bool print_keys);

#endif

/* gdoi.h - GDOI group state (RFC 6407): what each registration (GROUPKEY-PULL
 * under a phase-1 SA) and each rekey (GROUPKEY-PUSH under the KEK) told the
 * group member, the decryption and checking of rekeys, the TEKs for the ESP
 * SA table, and the GDOI findings.
 *
 * Contract:
 *   - One table per run (owned by the session, ikc_session_gdoi).  A group is
 *     found by its phase-1 cookie pair (the PULL) or by its KEK SPI, the
 *     16 octets a GROUPKEY-PUSH carries as its cookie pair (RFC 6407 §4).
 *   - The session calls ikc_gdoi_push() instead of the phase-1 decryption for
 *     every GROUPKEY-PUSH, and ikc_gdoi_learn() after every other GDOI-port
 *     message (PULL 1-4 learned from their decrypted payloads).
 *   - Rekeys: decrypted with the KEK (key and IV from KEK_ALGORITHM_KEY of the
 *     last accepted KD: IV | key, the IV used for every rekey, as our peers and
 *     the GDOI reference code do), SIG verified with the KS's public key from
 *     SIG_ALGORITHM_KEY (DER SubjectPublicKeyInfo), SEQ compared with the last
 *     accepted one.  A rekey is accepted, as a member would, when its signature
 *     verifies (or no public key is known) and its SEQ is new; only accepted
 *     rekeys change the KEK or add TEKs.
 *   - Bounded: IKC_GDOI_MAX_GROUPS groups, IKC_GDOI_MAX_TEKS TEKs and
 *     IKC_GDOI_MAX_EVENTS rekeys per group; past that, dropped and counted.
 *   - Key material is wiped when the table is freed.
 */
#ifndef IKC_GDOI_H
#define IKC_GDOI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../decoders/arena.h"
#include "../decoders/ikc_err.h"
#include "../decoders/ikecrypto.h"
#include "../decoders/isakmp.h"
#include "net.h"
#include "record.h"

struct ikc_msg_info;
struct ikc_ike_sa;
struct ikc_esp_table;
struct ikc_diag_list;
struct ikc_keys;

#define IKC_GDOI_MAX_GROUPS 256
#define IKC_GDOI_MAX_TEKS 32
#define IKC_GDOI_MAX_EVENTS 64

struct ikc_gdoi;

struct ikc_gdoi *ikc_gdoi_new(void);
void ikc_gdoi_free(struct ikc_gdoi *g);

/* The DOI a message's exchange lives under: exchanges 32 and 33 on the GDOI
 * port are GROUPKEY-PULL / GROUPKEY-PUSH whatever the phase-1 SA's DOI
 * (RFC 6407 §3, §4); anything else keeps sa_doi. */
uint32_t ikc_gdoi_exchange_doi(const struct ikc_pkt *pkt, const struct ikc_msg *msg, uint32_t sa_doi);

/* A GROUPKEY-PUSH (exchange 33 under the GDOI DOI)? */
bool ikc_gdoi_is_push(uint32_t doi, const struct ikc_msg *msg);

/* A GROUPKEY-PUSH or its ACK: group rekey traffic under the KEK's cookie
 * pair, not a phase-1 SA of its own. */
bool ikc_gdoi_is_rekey_traffic(uint32_t doi, const struct ikc_msg *msg);

/* The key store PFS secrets of GROUPKEY-PULLs come from (`dh ICKY:MSGID`,
 * `dhpriv`); not owned, may be NULL.  The session sets it with its keys. */
void ikc_gdoi_set_keys(struct ikc_gdoi *g, const struct ikc_keys *keys);

/* GROUPKEY-PUSH: decrypt with the group's KEK, verify SIG, check SEQ, learn
 * the new KEK/TEKs when accepted; fills info (dec, payloads, hash = the
 * signature verdict, dec_detail; label "PUSH", "PUSH-REPLAY" for a SEQ
 * already accepted).  A GROUPKEY-PUSH ACK (RFC 8263, exchange 35 on the
 * GDOI port, unencrypted) is labelled "PUSH-ACK" and tied to the rekey with
 * its SEQ.  Returns false when msg is neither. */
bool ikc_gdoi_push(struct ikc_gdoi *g, struct ikc_arena *a, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		   struct ikc_msg_info *info);

/* Any other message of a GDOI-port SA: PULL1..PULL4 (first copies and
 * retransmissions) update the registration of the phase-1 SA's group.
 * PULL3/PULL4 KE, CERT and POP (RFC 6407 §3.2) are kept: with KE the KD's
 * key values are unmasked with the PFS g^xy (ikc_gdoi_set_keys), or not
 * learned at all when that secret is missing; POPs are verified. */
void ikc_gdoi_learn(struct ikc_gdoi *g, const struct ikc_ike_sa *sa, const struct ikc_pkt *pkt,
		    const struct ikc_msg *msg, const struct ikc_msg_info *info);

/* GROUPKEY-PULL HASHes (RFC 6407 §3.2), `after` = the payloads following
 * the HASH payload with their generic headers, padding excluded:
 *   HASH(1) = prf(SKEYID_a, M-ID | Ni | ID)                        num 1
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | Nr | SA)                 num 2
 *   HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b [| KE_I] [| CERT] [| POP_I])
 *   HASH(4) = prf(SKEYID_a, M-ID | Ni_b | Nr_b [| KE_R] | SEQ | KD [| CERT] [| POP_R])
 * No leading zero octet in HASH(3), unlike Quick Mode's. */
IKC_MUST_CHECK enum ikc_err ikc_gdoi_pull_hash(const struct ikc_hash_desc *h, const uint8_t *skeyid_a,
					       size_t alen, uint32_t msgid, int num, const uint8_t *ni_b,
					       size_t nilen, const uint8_t *nr_b, size_t nrlen, const uint8_t *after,
					       size_t after_len, uint8_t *out, size_t *outlen);

/* Verify a rekey SIG (RSA PKCS#1 v1.5) over `signed_in` with the DER
 * SubjectPublicKeyInfo `spki`; sig_hash is RFC 6407 §5.3.3's SIG_HASH_*
 * (1 MD5, 2 SHA1, 3 SHA256, 4 SHA384, 5 SHA512; 0 taken as SHA256).
 * 1 verified, 0 does not verify, -1 not checkable. */
int ikc_gdoi_sig_verify(const uint8_t *spki, size_t spki_len, uint16_t sig_hash, const uint8_t *signed_in,
			size_t signed_len, const uint8_t *sig, size_t sig_len);

/* Every packet the run sees (pipeline), in capture order: the capture clock
 * against which TEK and KEK lifetimes run out, and ESP on an expired TEK.
 * Cheap when no key is near its end. */
void ikc_gdoi_note_packet(struct ikc_gdoi *g, const struct ikc_pkt *pkt);

/* Hand every accepted, keyed TEK not yet installed to the ESP table (group
 * SAs: any source, any destination).  Returns how many. */
size_t ikc_gdoi_install_esp(struct ikc_gdoi *g, struct ikc_esp_table *t);

/* Findings (diagnose.h), appended to out, severity in brackets:
 *   gdoi-registration-unanswered [failure]  PULL1 (retransmitted) never answered
 *   gdoi-rekey-bad-signature [failure]      a rekey SIG does not verify: rejected
 *   gdoi-rekey-replay [warning]             a rekey SEQ not above the last accepted
 *   gdoi-rekey-gap [warning]                SEQ skipped: rekeys were missed
 *   gdoi-rekey-unacknowledged [warning; proven with >= 1 s of capture after it, else likely]
 *                                           an accepted rekey under KEK_ACK_REQUESTED
 *                                           no GROUPKEY-PUSH ACK (RFC 8263) answered
 *   gdoi-tek-expired [failure; proven with ESP on it after, else likely]
 *                                           a TEK's SA Life Duration (seconds, from the
 *                                           KD's capture time) ran out, the capture went
 *                                           on, and no accepted rekey brought a newer TEK
 *   gdoi-kek-expired [warning, likely]      the same for the KEK (KEK_KEY_LIFETIME)
 *   gdoi-tek-unannounced [warning, likely]  ESP to/from a group peer on an SPI no
 *                                           KD announced (esp may be NULL)
 * f->sa is NULL (a group outlives its phase-1 SA); icky is the phase-1
 * initiator cookie, or the KEK SPI's first half.  IKC_NOMEM when out could
 * not grow. */
IKC_MUST_CHECK enum ikc_err ikc_gdoi_diagnose(const struct ikc_gdoi *g, const struct ikc_esp_table *esp,
					      struct ikc_diag_list *out);

/* One {"type":"gdoi_group",...} record per group (KEK, TEKs, SEQ, rekeys;
 * keys only with print_keys), and the same in words for a terminal. */
void ikc_gdoi_write_summary(const struct ikc_gdoi *g, struct ikc_rw *w, bool print_keys);
void ikc_gdoi_write_text(const struct ikc_gdoi *g, FILE *out);

/* How many groups the table holds (0: no GDOI in the run). */
size_t ikc_gdoi_count(const struct ikc_gdoi *g);

#endif

/* session.h - the IKE SA table: which SA a message belongs to, which message of
 * its exchange it is (MM1..MM6, AM1..AM3, QM1..QM3, INFO, ...), who sent it,
 * whether it is a retransmission, the state each SA reached, and (given keys)
 * the decryption of its encrypted messages.
 *
 * SAs are found by (CKY-I, CKY-R); MM1 carries CKY-R = 0, so a lookup by CKY-I
 * alone finds the SA created by MM1 once MM2 names CKY-R.  The initiator is the
 * sender of the first message with CKY-R = 0, never a guess from the first
 * address seen.  The table is bounded: past its limit the least recently used
 * SA is evicted and counted.
 */
#ifndef IKC_SESSION_H
#define IKC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../decoders/isakmp.h"
#include "net.h"
#include "record.h"

struct ikc_keys;
struct ikc_session;
struct ikc_ike_sa;

enum ikc_dir {
	IKC_DIR_UNKNOWN = 0,
	IKC_DIR_I2R,
	IKC_DIR_R2I,
};
const char *ikc_dir_name(enum ikc_dir d);

/* What decryption made of an encrypted message. */
enum ikc_decrypt_status {
	IKC_DEC_NOT_ENCRYPTED = 0,
	IKC_DEC_OK,               /* decrypted, payload chain parsed */
	IKC_DEC_NO_KEY,           /* no secret applies: see missing[] */
	IKC_DEC_WRONG_KEY,        /* decrypts to garbage / bad padding / hash fails */
	IKC_DEC_UNSUPPORTED,      /* cipher or hash we cannot do */
	IKC_DEC_MALFORMED,        /* not a whole number of blocks, too short */
};
const char *ikc_decrypt_status_name(enum ikc_decrypt_status s);

enum ikc_hash_verdict {
	IKC_HASH_UNCHECKED = 0,
	IKC_HASH_VERIFIED,
	IKC_HASH_FAILED,
};
const char *ikc_hash_verdict_name(enum ikc_hash_verdict v);

/* A message's label: the longest is "PULL" and a 10-digit count, or
 * "FRAG255/last". */
#define IKC_LABEL 16

/* Everything the session concluded about one message; valid until the next
 * call of ikc_session_process (decrypted payloads live in the caller's arena). */
struct ikc_msg_info {
	struct ikc_ike_sa *sa;
	bool late;                   /* decrypted after a key reload (ikc_session_take_waiting) */
	char label[IKC_LABEL];       /* "MM5", "QM2", "INFO", "AM1" ... */
	enum ikc_dir dir;
	bool retransmit;
	uint32_t retransmit_count;   /* n of "Rn" */
	uint64_t original_frame;     /* frame of the first copy */
	uint32_t doi;                /* the SA's DOI (1, or 2 for GDOI) */
	/* decryption */
	enum ikc_decrypt_status dec;
	char dec_detail[320];        /* why not / which PSK / which IV base */
	const uint8_t *plain;        /* decrypted bytes (arena) */
	size_t plain_len;
	struct ikc_payload *payloads; /* decrypted payload chain */
	size_t npayloads;
	ikc_notes dec_notes;
	enum ikc_hash_verdict hash;
	char iv_base[32];            /* non-standard IV base used, or "" */
};

#define IKC_SESSION_DEFAULT_MAX_SAS 20000
#define IKC_SESSION_DEFAULT_RETIRE 300   /* --retire-idle */
#define IKC_RETIRE_DELETED 60            /* a deleted SA: DELETE retransmissions are over */
#define IKC_RETIRE_ESTABLISHED 86400     /* an SA in QM_IDLE may be quiet until its rekey */

/* SAs that have ended (ikc_session_tick), just before they are freed: the
 * callback writes what the run must keep of them (records, findings).
 * Given together so that they are diagnosed in one pass. */
struct ikc_session;
typedef void (*ikc_retire_cb)(void *ctx, const struct ikc_session *s, const struct ikc_ike_sa *const *sas,
			      size_t n);

struct ikc_session_config {
	size_t max_sas;              /* IKE SAs held at once (LRU eviction past it; --max-ike-sas) */
	size_t max_qm;               /* Quick Modes held per SA (oldest evicted past it; --max-quick-modes) */
	bool print_keys;             /* derived keys in the SA records (--print-keys) */
	/* Memory bounded by live state: an SA with no message for retire_idle_s
	 * seconds of capture time has ended (a deleted one after
	 * IKC_RETIRE_DELETED, an established one after IKC_RETIRE_ESTABLISHED
	 * if that is longer); on_retire sees it, then it is freed.  0 or no
	 * callback: SAs are kept to the end of the run. */
	uint32_t retire_idle_s;
	ikc_retire_cb on_retire;
	void *retire_ctx;
	/* Live: keep every message of an SA that has not decrypted anything for
	 * lack of a key (at most IKC_WAIT_MSGS / IKC_WAIT_BYTES per SA,
	 * IKC_WAIT_TOTAL in all), so that keys loaded later still open it. */
	bool keep_for_reload;
	/* Keep what only the ladder draws (ladder.c): each message's payload
	 * list and detail text.  On by default; ikecap turns it off unless
	 * -T ladder asks, which saves ~500 bytes an SA. */
	bool ladder_facts;
	/* Keep the bytes key derivation needs (KE, nonces, SA and ID bodies,
	 * AM HASH_R) for keys that may come: on by default; ikecap turns it
	 * off when no key file is given and no PSK audit runs (~330 bytes an
	 * SA).  Whether each was sent is kept either way. */
	bool keep_key_inputs;
};

#define IKC_WAIT_MSGS 32
#define IKC_WAIT_BYTES (64u << 10)
#define IKC_WAIT_TOTAL (8u << 20)

/* One kept message: its packet (data points at bytes, the ISAKMP message)
 * and how it fared the first time. */
struct ikc_stored_msg {
	struct ikc_pkt pkt;
	uint8_t *bytes;
	uint8_t dec;                 /* enum ikc_decrypt_status then */
};

/* The kept messages of one SA, oldest first, and the ICMP errors about it
 * (session_int.h), which a replay cannot rebuild. */
struct ikc_icmp_seen;
struct ikc_waiting {
	struct ikc_stored_msg *v;
	size_t n;
	struct ikc_icmp_seen *icmp;
	uint8_t nicmp, icmp_cap;
	uint32_t icmp_errors;
};
void ikc_session_config_default(struct ikc_session_config *cfg);

struct ikc_session *ikc_session_new(const struct ikc_session_config *cfg, const struct ikc_keys *keys);
void ikc_session_free(struct ikc_session *s);

/* Classify (and, with keys, decrypt) one decoded ISAKMP message. */
void ikc_session_process(struct ikc_session *s, struct ikc_arena *a, const struct ikc_pkt *pkt,
			 const struct ikc_msg *msg, struct ikc_msg_info *info);

/* An ICMP error quoting a message of this SA (pkt->transport ==
 * IKC_T_ICMP_ERROR, msg the quoted header): remembered for the summary and
 * the diagnosis; never creates an SA. */
void ikc_session_note_icmp(struct ikc_session *s, const struct ikc_pkt *pkt, const struct ikc_msg *msg);
/* The same for an ICMP error that quotes no IKE header (only the 8 bytes of
 * UDP header RFC 792 requires): it goes to the SA between the quoted
 * addresses that was active last (among the 256 most recent), if any. */
void ikc_session_note_icmp_addr(struct ikc_session *s, const struct ikc_pkt *pkt);

/* Keys reloaded (SIGHUP): later messages of SAs that had no key are tried
 * with the new ones.  The old key store may be freed afterwards. */
void ikc_session_set_keys(struct ikc_session *s, const struct ikc_keys *keys);

/* Live capture: the IKE SAs that made no progress for idle_s seconds before
 * `now` (capture time) and stopped short of an established state, each
 * returned once (caller frees *out), so a stuck negotiation is diagnosed
 * while the capture runs, not only at the end. */
size_t ikc_session_stalled(struct ikc_session *s, int64_t now, uint32_t idle_s, const struct ikc_ike_sa ***out);

/* The state an SA reached, in the words engineers use (MM_WAIT_MSG2 ... QM_IDLE). */
const char *ikc_sa_state(const struct ikc_ike_sa *sa);

/* Every SA in order of creation, for the diagnosis and the ladder (which see
 * session_int.h).  *out is malloc'd (caller frees, also when 0 is returned). */
size_t ikc_session_list(const struct ikc_session *s, const struct ikc_ike_sa ***out);

/* Write one {"type":"sa",...} record per SA (in order of creation). */
void ikc_session_write_summary(const struct ikc_session *s, struct ikc_rw *w);

/* The same, one line per SA for a terminal. */
void ikc_session_write_text(const struct ikc_session *s, FILE *out, bool header);

/* IKE SAs held now (not ended, not evicted). */
size_t ikc_session_live(const struct ikc_session *s);

/* Wireshark's ikev1_decryption_table lines ("icookie,Ka") for every SA we
 * could key; returns how many. */
size_t ikc_session_export_ikev1(const struct ikc_session *s, FILE *out);

/* Aggressive Mode PSK audit over a word list (one word per line): calls cb
 * for each SA whose responder HASH_R a word reproduces; returns the hits. */
typedef void (*ikc_audit_cb)(void *ctx, const uint8_t icookie[8], const char *word, size_t len,
			     unsigned long lineno);
size_t ikc_session_psk_audit(const struct ikc_session *s, FILE *words, ikc_audit_cb cb, void *ctx);

struct ikc_session_stats {
	uint64_t sas, evicted, messages, retransmits;
	uint64_t retired;            /* ended SAs handed to on_retire and freed */
	uint64_t qm_evicted;         /* Quick Modes dropped past max_qm, all SAs together */
	uint64_t decrypted, no_key, wrong_key;
};
void ikc_session_get_stats(const struct ikc_session *s, struct ikc_session_stats *st);

/* After new keys (ikc_session_set_keys): the SAs that kept messages and
 * could not decrypt some for lack of a key are taken out of the session with
 * their messages, for the caller to run through ikc_session_process again
 * (between ikc_session_replay(s, true) and (s, false), which keeps the
 * counters from counting them twice).  Returns how many; free with
 * ikc_waiting_free. */
size_t ikc_session_take_waiting(struct ikc_session *s, struct ikc_waiting **out);
void ikc_waiting_free(struct ikc_waiting *w, size_t n);
/* After w's messages went through the session again: the SA they rebuilt
 * gets back its ICMP errors. */
void ikc_session_restore_waiting(struct ikc_session *s, struct ikc_waiting *w);
void ikc_session_replay(struct ikc_session *s, bool on);

/* Retire the SAs that have ended by capture time `now` (see the config);
 * cheap to call per packet: it scans at most once a minute of capture time. */
void ikc_session_tick(struct ikc_session *s, int64_t now);

/* One SA's record (as in ikc_session_write_summary), its summary lines for
 * people (as in ikc_session_write_text), its Wireshark ikev1 key line (true
 * if it had one). */
void ikc_session_write_sa(const struct ikc_session *s, const struct ikc_ike_sa *sa, struct ikc_rw *w);
void ikc_session_write_sa_text(const struct ikc_session *s, const struct ikc_ike_sa *sa, FILE *out);
bool ikc_session_export_sa(const struct ikc_ike_sa *sa, FILE *out);

/* The earliest finished phase 1 between two peers, kept after its SA
 * retired, so that a later phase 1 between them is still seen as a rekey
 * (diagnose.c).  One per pair of peers, at most IKC_P1_MEMO_MAX pairs. */
#define IKC_P1_MEMO_MAX 4096
struct ikc_p1_memo {
	int af;
	uint8_t lo[16], hi[16];      /* the two addresses, lower first */
	uint64_t seq, first_frame;
	uint8_t icky[8];
};
size_t ikc_session_p1_memos(const struct ikc_session *s, const struct ikc_p1_memo **out);

/* The run's GDOI groups (gdoi.h), owned by the session. */
struct ikc_gdoi;
struct ikc_gdoi *ikc_session_gdoi(const struct ikc_session *s);

#endif

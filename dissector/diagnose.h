/* diagnose.h - "why is my tunnel down?": rules over what the session recorded
 * about each IKE SA (session_int.h: messages, retransmissions, notifies,
 * proposals, proxy IDs, NAT-D, decryption verdicts), each finding with a
 * stable code, a certainty, the evidence frames and a sentence an engineer
 * can act on.
 *
 * Codes (stable; severity in brackets):
 *   no-response [failure]         MM1/AM1 retransmitted, nothing back (MM_WAIT_MSG2)
 *   phase1-stalled [failure]      MM3 unanswered (MM_WAIT_MSG4), MM2/AM2 unanswered
 *   no-proposal-chosen [failure]  phase-1 NO-PROPOSAL-CHOSEN, with the offers
 *   psk-mismatch [failure]        proven by keys, or likely from MM5 symptoms
 *   auth-failed [failure]         the same symptoms with signatures, not a PSK
 *   id-mismatch [failure]         INVALID-ID-INFORMATION during phase 1
 *   pfs-mismatch [failure]        KE on one side only, or a PFS offer refused
 *   proxy-id-mismatch [failure]   INVALID-ID-INFORMATION in phase 2
 *   transform-mismatch [failure]  QM NO-PROPOSAL-CHOSEN without a PFS difference
 *   qm-no-response [failure]      QM1 retransmitted, no QM2
 *   invalid-cookie [failure]      INVALID-COOKIE: a stale SA on one side
 *   natt-blocked [failure]        NAT-D shows a NAT, nothing on UDP 4500
 *   dead-peer [failure]           DPD R-U-THERE without R-U-THERE-ACK
 *   dpd-unanswered [failure]      one side's probes unanswered (by sequence number) while
 *                                 the other side keeps sending: one direction broken
 *   error-notify [failure]        any other error notify
 *   icmp-error [failure]          ICMP errors answered the SA's messages and it stopped
 *                                 ([warning] when the exchange went on); not with no-response
 *   aggressive-mode [warning]     identity in clear, PSK open to offline guessing
 *   missing-keys [warning]        encrypted messages not decrypted, which secret
 *   nat-detected [info]           NAT-D hashes differ: a NAT between the peers
 *   deleted [info]                DELETE seen
 *   rekey [info]                  more Quick Modes, or a new phase 1, same peers
 * A healthy capture yields info findings only.
 */
#ifndef IKC_DIAGNOSE_H
#define IKC_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../decoders/ikc_err.h"
#include "record.h"
#include "session.h"

enum ikc_diag_certainty {
	IKC_DIAG_PROVEN = 0,
	IKC_DIAG_LIKELY,
};

enum ikc_diag_severity {
	IKC_DIAG_FAILURE = 0,
	IKC_DIAG_WARNING,
	IKC_DIAG_INFO,
};

#define IKC_DIAG_FRAMES 12
#define IKC_DIAG_TEXT 1200

struct ikc_finding {
	const char *code;                 /* one of the codes above (static) */
	enum ikc_diag_certainty certainty;
	enum ikc_diag_severity severity;
	const struct ikc_ike_sa *sa;
	uint8_t icky[8];                  /* isakmp.ispi of the SA */
	uint64_t frames[IKC_DIAG_FRAMES]; /* evidence, ascending, no duplicates */
	size_t nframes;
	uint32_t frames_omitted;          /* evidence past IKC_DIAG_FRAMES (the last frame replaces the highest) */
	char *text;                       /* terminal-safe: built from escaped parts; exact size,
	                                   * at most IKC_DIAG_TEXT - 1 chars, owned by the list */
};

struct ikc_diag_list {
	struct ikc_finding *v;
	size_t n, cap;
};

/* Add an evidence frame (0: none) to a finding (NULL: none), in order,
 * once; past IKC_DIAG_FRAMES the latest frame takes the highest one's place
 * and the rest are counted in frames_omitted. */
void ikc_finding_frame(struct ikc_finding *f, uint64_t frame);
/* Evidence known but not kept where it was recorded (n more frames). */
void ikc_finding_omitted(struct ikc_finding *f, uint64_t n);

const char *ikc_diag_certainty_name(enum ikc_diag_certainty c);   /* "proven" / "likely" */
const char *ikc_diag_severity_name(enum ikc_diag_severity s);     /* "failure" ... */

void ikc_diag_list_init(struct ikc_diag_list *l);
void ikc_diag_list_free(struct ikc_diag_list *l);

/* A new finding at the end of l (NULL when out of memory), with no text yet. */
struct ikc_finding *ikc_diag_list_add(struct ikc_diag_list *l, const char *code, enum ikc_diag_severity sev,
				      enum ikc_diag_certainty cert, const uint8_t icky[8]);

/* Append to a finding's text (printf-style); NULL f is ignored. */
void ikc_finding_say(struct ikc_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run every rule on each of the n SAs (in the given order); the others serve
 * as cross-SA evidence (the responder's own offers, the mirror Quick Mode,
 * phase-1 rekeys).  Appends to out; IKC_NOMEM when out could not grow. */
IKC_MUST_CHECK enum ikc_err ikc_diagnose_sas(const struct ikc_ike_sa *const *sas, size_t n,
					     struct ikc_diag_list *out);
/* The same with the phase 1s of SAs that already retired (one per pair of
 * peers, sorted as the session keeps them) as evidence too, diagnosing only
 * the SAs in `only` (members of sas, in the same order) when it is not NULL. */
IKC_MUST_CHECK enum ikc_err ikc_diagnose_sas_ex(const struct ikc_ike_sa *const *sas, size_t n,
						const struct ikc_p1_memo *memos, size_t nmemo,
						const struct ikc_ike_sa *const *only, size_t nonly,
						struct ikc_diag_list *out);
/* The same over every SA of a finished run, in order of creation. */
IKC_MUST_CHECK enum ikc_err ikc_diagnose_session(const struct ikc_session *s, struct ikc_diag_list *out);
/* The same without holding every finding at once: each SA still against
 * all the others, in the same order.  _count only counts them (their texts
 * are not composed); _each hands the findings of every `batch` SAs to take,
 * with those SAs (n of them, in order), then frees them. */
IKC_MUST_CHECK enum ikc_err ikc_diagnose_session_count(const struct ikc_session *s, size_t *n);
#define IKC_DIAG_BATCH 256   /* SAs a batch: their findings are all that is held */
typedef void (*ikc_diag_take_fn)(void *ctx, const struct ikc_ike_sa *const *sas, size_t n,
				 const struct ikc_diag_list *l);
IKC_MUST_CHECK enum ikc_err ikc_diagnose_session_each(const struct ikc_session *s, size_t batch, ikc_diag_take_fn take,
						      void *ctx);
/* The SAs that retire together (ikc_retire_cb), the SAs still alive as
 * evidence; findings in the order of the session's SA list. */
IKC_MUST_CHECK enum ikc_err ikc_diagnose_retiring(const struct ikc_session *s, const struct ikc_ike_sa *const *sas,
						  size_t n, struct ikc_diag_list *out);

/* Any finding of severity failure? */
bool ikc_diag_has_failure(const struct ikc_diag_list *l);

/* {"type":"diagnosis","code":..,"certainty":..,"severity":..,"isakmp.ispi":..,
 *  "frames":[..],"text":..}: one record per finding. */
void ikc_diag_write(const struct ikc_finding *f, struct ikc_rw *w);
void ikc_diag_write_all(const struct ikc_diag_list *l, struct ikc_rw *w);

/* For a terminal: "  [failure, proven] psk-mismatch  SA 235b...: text (frames 7, 8)",
 * wrapped at width columns (0: 80); colour only when asked. */
void ikc_diag_write_text(const struct ikc_finding *f, FILE *out, bool color, int width);
/* A heading and every finding; nothing when the list is empty. */
void ikc_diag_write_text_all(const struct ikc_diag_list *l, FILE *out, bool color);
/* The two halves, for findings written in parts: the heading for n in all
 * (nothing for 0), and a list's findings. */
void ikc_diag_write_text_head(size_t n, FILE *out);
void ikc_diag_write_text_each(const struct ikc_diag_list *l, FILE *out, bool color);

#endif

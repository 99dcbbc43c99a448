/* ended.h - what a run keeps of the IKE SAs that ended before it did.
 *
 * ikc_session_tick retires an SA once it has been quiet long enough (see
 * session.h), so that memory follows the SAs still alive, not the length of
 * the capture.  At that moment (ikc_ended_retire, the session's
 * ikc_retire_cb) the SA is diagnosed with the live SAs as evidence, and:
 * - JSON / CBOR (-T, --export-cbor): its "sa" record and its findings are
 *   written into each stream right away;
 * - ladder: its ladder and findings are written right away;
 * - text: its summary lines and findings are kept (in a temporary file)
 *   for the summary at the end (at most IKC_ENDED_MAX SAs; past that they
 *   are counted, and the failures and warnings among the findings are
 *   still kept);
 * - with --export-keys, its Wireshark ikev1 key line is kept.
 */
#ifndef IKC_ENDED_H
#define IKC_ENDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diagnose.h"
#include "emit.h"
#include "record.h"
#include "session.h"

#define IKC_ENDED_MAX 10000

struct ikc_ended_opts {
	enum ikc_format format;
	bool ladder, verbose, color;
	bool keep_keys;              /* --export-keys: keep the ikev1 key lines */
	bool keys_in_text;           /* --print-keys: SA texts carry keys, kept in memory, not in a file */
	struct ikc_rw *rw[2];        /* JSON / CBOR record writers (-T, --export-cbor) */
	size_t nrw;
	FILE *out;                   /* ladder output */
};

struct ikc_ended;

struct ikc_ended *ikc_ended_new(const struct ikc_ended_opts *o);
void ikc_ended_free(struct ikc_ended *e);

/* The session's ikc_retire_cb (ctx: the ikc_ended). */
void ikc_ended_retire(void *ctx, const struct ikc_session *s, const struct ikc_ike_sa *const *sas, size_t n);

/* SAs retired so far. */
uint64_t ikc_ended_count(const struct ikc_ended *e);

/* Text: the kept summary lines, in the order the SAs ended, and a line for
 * those past IKC_ENDED_MAX.  Lines and findings are kept in a temporary
 * file (in memory when none can be made), so a run's memory does not grow
 * with the SAs that ended. */
void ikc_ended_write_text(struct ikc_ended *e, FILE *out);

/* Text: how many findings of ended SAs were kept, and those findings as
 * ikc_diag_write_text wrote them, in the order the SAs ended. */
uint64_t ikc_ended_findings(const struct ikc_ended *e);
void ikc_ended_write_findings(struct ikc_ended *e, FILE *out);

/* The kept ikev1_decryption_table lines; returns how many. */
size_t ikc_ended_export_ikev1(const struct ikc_ended *e, FILE *out);

#endif

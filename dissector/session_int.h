/* session_int.h - the IKE SA record shared by session.c and sa_crypto.c.
 * Not part of the public interface: everything else sees struct ikc_ike_sa as
 * opaque. */
#ifndef IKC_SESSION_INT_H
#define IKC_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "sa_crypto.h"
#include "session.h"

#define IKC_SEEN_RING 32   /* messages remembered per SA for retransmit detection */
#define IKC_MAX_QM 32      /* Quick Modes (message ids) tracked per SA */

/* One message remembered for retransmission detection, with the IV state it
 * was decrypted with so a retransmission decrypts the same way and does not
 * advance the chain. */
struct ikc_seen {
	uint64_t digest;
	uint64_t frame;
	enum ikc_dir dir;
	uint32_t retransmits;
	char label[24];
	struct ikc_seen_crypto crypto;
};

struct ikc_qm {
	uint32_t msgid;
	uint8_t exchange;
	enum ikc_dir initiator_dir;  /* who sent QM1 */
	uint32_t count;              /* distinct messages seen */
	uint64_t last_frame;
	struct ikc_qm_crypto crypto;
};

struct ikc_ike_sa {
	struct ikc_ike_sa *hash_next;
	struct ikc_ike_sa *lru_prev, *lru_next;
	uint64_t seq;
	uint8_t icky[8], rcky[8];
	bool have_rcky;
	bool ikev2;
	int af;
	bool roles_known;
	uint8_t iaddr[16], raddr[16];
	uint16_t iport, rport;
	uint32_t doi;
	uint8_t p1_exchange;
	int p1_from_i, p1_from_r;   /* distinct phase-1 messages per direction */
	int p1_last;                /* highest phase-1 message number seen */
	uint64_t first_frame, last_frame;
	int64_t first_ts_sec, last_ts_sec;
	uint32_t first_ts_nsec, last_ts_nsec;
	uint32_t msgs, retrans;
	bool natt_float, deleted, qm_done;
	uint16_t last_error_notify;
	uint64_t last_error_frame;
	enum ikc_dir last_error_dir;
	struct ikc_seen seen[IKC_SEEN_RING];
	uint32_t seen_next;
	struct ikc_qm *qm;          /* grown on demand up to IKC_MAX_QM */
	size_t nqm, qm_cap;
	uint64_t qm_evicted;
	struct ikc_sa_crypto crypto;
};

void ikc_sa_cookie_hex(const struct ikc_ike_sa *sa, char out[17]);

#endif

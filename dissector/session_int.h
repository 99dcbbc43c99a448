/* session_int.h - the IKE SA record shared by session.c and sa_crypto.c.
 * Not part of the public interface: everything else sees struct ikc_ike_sa as
 * opaque. */
#ifndef IKC_SESSION_INT_H
#define IKC_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "dlist.h"

#include "sa_crypto.h"
#include "session.h"

/* Memory per SA is proportional to what the SA carries: every array below
 * that is a pointer grows on demand (ikc_grow: by half again, the message
 * arrays from four) up to its limit, texts and key material are allocated
 * to their exact size (ikc_text_set, sa_crypto.h).  An SA made by a single
 * MM1 holds the record, room for four events and four seen entries, its
 * offers and its SAi_b. */
#define IKC_SEEN_RING 32   /* messages remembered per SA for retransmit detection */
#define IKC_MAX_QM 32      /* default Quick Modes (message ids) tracked per SA (--max-quick-modes) */

/* What the diagnosis rules (diagnose.c) and the ladder (ladder.c) read.  All
 * bounded: past a limit the entry is dropped and counted. */
#define IKC_EV_MAX 64         /* messages remembered per SA (grown on demand) */
#define IKC_EV_PL 12          /* payloads remembered per message */
#define IKC_EV_DETAIL 224     /* longest detail text of one message */
#define IKC_NTF_MAX 16        /* error notifies remembered per SA */
#define IKC_P1_OFFERS 8       /* phase-1 transforms remembered from MM1/AM1 */
#define IKC_QM_OFFERS 4       /* phase-2 transforms remembered from QM1 */
#define IKC_XFORM_TEXT 96     /* one transform in words (ikc_transform_summary) */
#define IKC_IDTEXT 64         /* one identity / proxy ID in words (ikc_id_format) */

/* One payload of a message: its type, whether it was inside the encryption,
 * and for N / D the notify type / protocol id. */
struct ikc_ev_pl {
	uint8_t type;
	bool enc;
	uint16_t arg;
};

/* One message of an SA, as the diagnosis reads it and the ladder draws it
 * (what only the ladder draws is in the SA's struct ikc_ladder_facts). */
/* A message's label as an event keeps it: "PUSH-REPLAY", the longest word
 * we make, fits, and any word with a number of up to 7 digits. */
#define IKC_EV_LABEL 12

struct ikc_event {                /* every live SA holds ~10: 36 bytes */
	uint32_t frame_after;         /* frame - the SA's first_frame (ikc_event_frame) */
	int32_t ts_after;             /* seconds since the SA's first_ts_sec (ikc_event_sec) */
	uint32_t ts_nsec;
	uint32_t msgid;
	char label[IKC_EV_LABEL];
	uint16_t retransmit;          /* n of "Rn"; 0 for a first copy (an SA keeps IKC_EV_MAX events) */
	uint8_t dir;                  /* enum ikc_dir */
	uint8_t exchange;
	bool encrypted;
	uint8_t dec;                  /* enum ikc_decrypt_status */
	uint8_t hash;                 /* enum ikc_hash_verdict */
	uint8_t carries;              /* IKC_EVC_*: what the findings cite it for */
};
_Static_assert(sizeof(struct ikc_event) == 36, "every live SA holds ~10 events");

/* ikc_event.carries: payloads (clear or decrypted) a finding cites a
 * message for. */
#define IKC_EVC_DPD_PROBE 1u          /* N(R-U-THERE) */
#define IKC_EVC_DPD_ACK 2u            /* N(R-U-THERE-ACK) */
#define IKC_EVC_DELETE 4u             /* a DELETE payload */

/* What only the ladder draws of one message. */
struct ikc_ev_ladder {
	char *detail;                 /* IDs, proxy IDs, SPIs, chosen transform; NULL: none */
	uint64_t original_frame;      /* a retransmission's first copy */
	uint16_t sport, dport;
	uint16_t pl_at;               /* its payloads: the ladder facts' pl[pl_at .. pl_at + npl) */
	uint8_t npl, pl_dropped;
};

/* What only the ladder draws, kept when the session's ladder_facts asks:
 * by event (ev[i] goes with the SA's ev[i]), and each message's payloads in
 * order. */
struct ikc_ladder_facts {
	struct ikc_ev_ladder *ev;     /* grown with the SA's events, up to IKC_EV_MAX */
	size_t nev, ev_cap;
	struct ikc_ev_pl *pl;
	size_t npl, pl_cap;           /* at most IKC_EV_MAX * IKC_EV_PL */
};

/* One error notify (type < 16384), with where in the SA's life it came. */
struct ikc_ntf {
	uint16_t type;
	uint8_t protoid;
	bool encrypted;
	enum ikc_dir dir;
	uint64_t frame;
	int p1_at;                    /* highest phase-1 message seen before it */
	uint32_t qm_open;             /* msgid of the newest unfinished QM, 0 none */
};

/* An ICMP error quoting one of an SA's messages: evidence, and a line of
 * the ladder. */
#define IKC_ICMP_KEPT 8
struct ikc_icmp_seen {
	uint64_t frame;
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint8_t type, code;
	uint16_t port;                /* the quoted datagram's destination port */
	uint8_t from[16];             /* who sent it: the peer, or a router on the way */
};

/* One DPD probe: R-U-THERE carries a 32-bit sequence number that its
 * R-U-THERE-ACK echoes (RFC 3706 §5), so an ACK is matched to the probe it
 * answers.  An SA keeps the last IKC_DPD_KEPT of each side (made with the
 * first probe). */
#define IKC_DPD_KEPT 8
struct ikc_dpd_probe {
	uint64_t frame;               /* the R-U-THERE */
	uint64_t ack_frame;           /* its ACK; 0: none seen */
	uint32_t seq;
	bool has_seq;                 /* 4 bytes of notify data; without, the peer's next ACK answers it */
};

struct ikc_dpd_ring {             /* by side ([0] initiator, [1] responder): the oldest at next once full */
	struct ikc_dpd_probe p[2][IKC_DPD_KEPT];
	uint8_t n[2], next[2];
};

/* NAT-D as the capture shows it (RFC 3947 §3.2): each hash compared with
 * HASH(CKY-I | CKY-R | IP | port) of the addresses the packet carries. */
struct ikc_natd_facts {
	uint64_t frame;               /* first message whose NAT-D showed a NAT */
	uint64_t first_4500_frame;    /* first IKE message on the NAT-T port, 0 none */
	bool seen;                    /* some NAT-D payload was checked */
	bool nat;                     /* some hash differs: a NAT between the peers */
	/* which hash differed: [sender 0 initiator, 1 responder][0 its peer's
	 * address (the first NAT-D), 1 its own address (the others)] */
	bool mism[2][2];
	bool unchecked;               /* NAT-D present but hash unknown (no transform) */
};

/* Phase 1: what MM1/AM1 offered, in words, and what followed.  Widest
 * members first and counts in 32 bits: every live SA holds one. */
struct ikc_p1_facts {
	char (*offered)[IKC_XFORM_TEXT];           /* grown on demand up to IKC_P1_OFFERS */
	uint64_t offer_frame;
	char *id_i, *id_r;                         /* MM5/MM6 or AM1/AM2 identities (ikc_text) */
	uint64_t dpd_last_frame;                   /* the last R-U-THERE */
	/* By sender (enum ikc_dir): the last message from it, and its probes
	 * since the other side last sent anything (any message is a sign of
	 * life, an ACK or the peer's own probe). */
	uint64_t heard[3];
	uint64_t delete_frame[3];                  /* its first ISAKMP (else IPsec) DELETE */
	uint64_t not_decrypted_frame;
	uint64_t wrong_key_frame;
	struct ikc_ntf *ntf;                       /* grown on demand up to IKC_NTF_MAX */
	struct ikc_dpd_ring *dpd;                  /* NULL until a probe comes */
	struct ikc_natd_facts natd;
	uint32_t offered_cap, noffered, offered_dropped;
	uint32_t dpd_waiting[3];
	/* DELETE payloads by sender (enum ikc_dir: unknown, initiator, responder) */
	uint32_t deletes_isakmp[3], deletes_ipsec[3];
	uint32_t not_decrypted;                    /* encrypted messages we could not open */
	uint32_t wrong_key;                        /* ... of them: no candidate key fits */
	uint32_t nntf, ntf_cap, ntf_dropped;
	uint8_t offered_prop[IKC_P1_OFFERS], offered_tr[IKC_P1_OFFERS];
	bool id_i_clear, id_r_clear;               /* identity travelled unencrypted */
	uint8_t dpd_last_dir;                      /* who sent the last probe */
};

/* What decrypted QM1/QM2 say in words (util.h ikc_text_set texts, NULL:
 * none): made with the first of them, as most Quick Modes of a capture
 * without keys have none. */
struct ikc_qm_words {
	char *offered[IKC_QM_OFFERS]; /* QM1's transforms in words */
	uint32_t noffered, offered_dropped;
	char *chosen;                 /* QM2's */
	char *idci, *idcr;            /* QM1's proxy IDs, when have_ids */
	bool have_ids;
};

/* One Quick Mode: per message (index 0..2 = QM1..QM3) the first frame, time
 * and retransmissions; from decrypted QM1/QM2 the offers, PFS and proxy IDs. */
struct ikc_qm_facts {
	uint64_t frame[3];
	int64_t ts_sec[3];
	struct ikc_qm_words *words;   /* NULL: none (ikc_qm_words) */
	uint32_t ts_nsec[3];
	uint32_t retrans[3];
	uint16_t group[3];            /* SA Group Description attribute (first found) */
	bool seen_plain[3];           /* contents known (clear or decrypted) */
	bool ke[3];                   /* KE payload present (PFS) */
};

/* A Quick Mode's words to read: all empty while there are none. */
static inline const struct ikc_qm_words *ikc_qm_words(const struct ikc_qm_facts *f)
{
	static const struct ikc_qm_words none;

	return f->words ? f->words : &none;
}

/* One message remembered for retransmission detection.  The IV it was
 * decrypted with, so that a retransmission decrypts the same way and does
 * not advance the chain, is kept by slot in the SA's key state (only SAs
 * with keys have one: ikc_sa_crypto.seen_iv). */
struct ikc_seen {                 /* 40 bytes */
	uint64_t digest;
	uint64_t frame;
	uint32_t retransmits;
	char label[IKC_LABEL];
	uint8_t dir;                  /* enum ikc_dir */
};

struct ikc_qm {
	uint64_t last_frame;
	struct ikc_qm_crypto *crypto;  /* NULL until it carries key state (sa_crypto.c) */
	struct ikc_qm_facts f;
	uint32_t msgid;
	uint32_t count;              /* distinct messages seen */
	enum ikc_dir initiator_dir;  /* who sent QM1 */
	uint8_t exchange;
};

struct ikc_ike_sa {               /* widest members first: every live SA holds one */
	struct ikc_ike_sa *hash_next;
	struct ikc_dnode lru;       /* the session's SAs, least recently used first */
	struct ikc_dnode byseq;     /* ... and in order of creation (seq) */
	uint64_t seq;
	uint64_t first_frame, last_frame;
	int64_t first_ts_sec, last_ts_sec;
	/* Live: its messages while none has decrypted (session.h, keep_for_reload) */
	struct ikc_stored_msg *stored;
	uint64_t last_error_frame;
	struct ikc_seen *seen;      /* grown on demand up to IKC_SEEN_RING; entries with frame 0 are free */
	struct ikc_qm *qm;          /* grown on demand up to the session's max_qm */
	struct ikc_icmp_seen *icmp;  /* the first IKC_ICMP_KEPT - 1 of them and the latest (grown on demand) */
	struct ikc_cr_buf sai_b;    /* MM1/AM1 SA payload body, for HASH_I/R (exact size) */
	struct ikc_sa_crypto *crypto; /* NULL until the SA carries key material (ikc_sa_crypto_of) */
	/* for diagnose.c and ladder.c */
	struct ikc_p1_facts f;
	struct ikc_event *ev;       /* grown on demand up to IKC_EV_MAX */
	struct ikc_ladder_facts *lf; /* NULL unless ladder_facts and the SA had some */
	uint8_t icky[8], rcky[8];
	uint8_t iaddr[16], raddr[16];
	uint32_t doi;
	int p1_from_i, p1_from_r;   /* distinct phase-1 messages per direction */
	int p1_last;                /* highest phase-1 message number seen */
	uint32_t first_ts_nsec, last_ts_nsec;
	uint32_t msgs, retrans;
	uint32_t nstored, stored_cap, stored_bytes;
	enum ikc_dir last_error_dir;
	uint32_t seen_cap, seen_next;
	uint32_t nqm, qm_cap;
	uint32_t qm_evicted;
	uint32_t icmp_errors;        /* ICMP errors quoting this SA's messages */
	uint32_t nev, ev_cap;
	uint32_t ev_dropped;
	uint16_t iport, rport;
	uint16_t last_error_notify;
	uint8_t af;                 /* 4 or 6 */
	uint8_t p1_exchange;
	uint8_t nicmp, icmp_cap;
	bool have_rcky;
	bool ikev2;
	bool roles_known;
	bool natt_float, deleted, qm_done;
	bool kek;                   /* the cookie pair of a GDOI KEK: rekeys, no phase 1 */
	bool key_inputs_off;        /* the session keeps no key-derivation bytes (keep_key_inputs) */
	bool store_off;             /* decrypted, or past the limits: nothing kept */
	bool stored_nokey;          /* a kept message was not decrypted for lack of a key */
	bool memo_noted;            /* its finished phase 1 went to the session's memo */
	bool live_reported;          /* diagnosed live as stalled (ikc_session_stalled) */
};

void ikc_sa_cookie_hex(const struct ikc_ike_sa *sa, char out[17]);

/* An event's frame and capture time (seconds; e->ts_nsec the rest). */
static inline uint64_t ikc_event_frame(const struct ikc_ike_sa *sa, const struct ikc_event *e)
{
	return sa->first_frame + e->frame_after;
}

static inline int64_t ikc_event_sec(const struct ikc_ike_sa *sa, const struct ikc_event *e)
{
	return sa->first_ts_sec + e->ts_after;
}

/* Count an ICMP error about the SA and keep it (the latest replaces the
 * last kept one past IKC_ICMP_KEPT); false: no memory, only counted. */
bool ikc_sa_note_icmp(struct ikc_ike_sa *sa, const struct ikc_icmp_seen *e);

/* The latest ICMP error about the SA, NULL: none. */
static inline const struct ikc_icmp_seen *ikc_sa_icmp_last(const struct ikc_ike_sa *sa)
{
	return sa->nicmp ? &sa->icmp[sa->nicmp - 1] : NULL;
}

/* The probes the SA keeps of one side (0 initiator, 1 responder), and the
 * k-th oldest of them. */
static inline size_t ikc_dpd_count(const struct ikc_ike_sa *sa, int side)
{
	return sa->f.dpd ? sa->f.dpd->n[side] : 0;
}

static inline size_t ikc_dpd_slot(const struct ikc_dpd_ring *r, int side, size_t k)
{
	return (r->next[side] + IKC_DPD_KEPT - r->n[side] + k) % IKC_DPD_KEPT;
}

static inline const struct ikc_dpd_probe *ikc_dpd_probe(const struct ikc_ike_sa *sa, int side, size_t k)
{
	return &sa->f.dpd->p[side][ikc_dpd_slot(sa->f.dpd, side, k)];
}

/* What the ladder draws of event i; all zero when nothing was kept. */
static inline const struct ikc_ev_ladder *ikc_event_ladder(const struct ikc_ike_sa *sa, size_t i)
{
	static const struct ikc_ev_ladder none;

	return sa->lf && i < sa->lf->nev ? &sa->lf->ev[i] : &none;
}

/* Phase 1 finished: MM6 / AM3 seen; true when the capture holds no phase 1
 * to wait for. */
bool ikc_sa_p1_done(const struct ikc_ike_sa *sa);

#endif

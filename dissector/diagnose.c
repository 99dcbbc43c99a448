/* diagnose.c - the troubleshooting rules (see diagnose.h for the codes).
 *
 * Field knowledge encoded here (RFC 2408 §3.14.1 notify types, RFC 2409 §5
 * Main / Aggressive / Quick Mode, RFC 3947 NAT-D, RFC 3706 DPD):
 *   MM1 repeated, nothing back ......... MM_WAIT_MSG2: reachability / policy
 *   MM3 repeated, no MM4 ............... MM_WAIT_MSG4: interop or path (size)
 *   MM5 repeated or PAYLOAD-MALFORMED .. MM_WAIT_MSG6: PSK mismatch
 *   KE in one QM message only .......... PFS on one side only
 *   INVALID-ID-INFORMATION in QM ....... proxy IDs / crypto ACLs differ
 *   QM NO-PROPOSAL-CHOSEN .............. transform sets differ
 * "proven" means the capture (with keys) shows it; "likely" means the
 * symptoms match and something else could produce them.
 */
#include "diagnose.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/names.h"
#include "emit.h"
#include "session_int.h"
#include "util.h"

/* Notify types (RFC 2408 §3.14.1). */
enum {
	N_INVALID_COOKIE = 4,
	N_ATTRIBUTES_NOT_SUPPORTED = 13,
	N_NO_PROPOSAL_CHOSEN = 14,
	N_PAYLOAD_MALFORMED = 16,
	N_INVALID_ID_INFORMATION = 18,
	N_INVALID_HASH_INFORMATION = 23,
	N_AUTHENTICATION_FAILED = 24,
};

/* IKE authentication methods that use a pre-shared key (RFC 2409 App. A,
 * XAUTH draft: 65001 InitPreShared, 65002 RespPreShared). */
static bool auth_psk_or_unknown(uint16_t auth)
{
	return auth == 0 || auth == 1 || auth == 65001 || auth == 65002;
}

const char *ikc_diag_certainty_name(enum ikc_diag_certainty c)
{
	return c == IKC_DIAG_PROVEN ? "proven" : "likely";
}

const char *ikc_diag_severity_name(enum ikc_diag_severity s)
{
	static const char *const n[] = { [IKC_DIAG_FAILURE] = "failure", [IKC_DIAG_WARNING] = "warning",
					 [IKC_DIAG_INFO] = "info" };
	return (size_t)s < sizeof n / sizeof n[0] ? n[s] : "?";
}

void ikc_diag_list_init(struct ikc_diag_list *l)
{
	memset(l, 0, sizeof *l);
}

void ikc_diag_list_free(struct ikc_diag_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof *l);
}

bool ikc_diag_has_failure(const struct ikc_diag_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].severity == IKC_DIAG_FAILURE)
			return true;
	return false;
}

/* ---- building findings ---- */

/* One address of an SA, so rules that look for "another SA with this peer"
 * follow a chain instead of scanning every SA (quadratic on a day of
 * captures).  A chain holds one (af, addr, role) in the SA list's order. */
#define ADDR_NONE UINT32_MAX

struct addr_entry {               /* 12 bytes: built over every live SA at the end of a run */
	uint32_t pos;                 /* the SA: sas[pos]; the address is its own */
	uint32_t next;                /* the next entry of the same key, or ADDR_NONE */
	uint8_t role;                 /* 0: the SA's initiator address, 1: its responder's */
};

struct addr_bucket {
	uint32_t head, tail;          /* ADDR_NONE: empty */
};

struct ctx {
	const struct ikc_ike_sa *const *sas;
	size_t nsas;
	/* Finished phase 1s filed under their (unordered) pair of peers, so that
	 * the rekey rule finds the earliest between two peers by binary search
	 * instead of scanning every SA for every SA (a flood of 20,000 SAs).  In
	 * the form the session's memo keeps them, so that memo is used as it is. */
	const struct ikc_p1_memo *done;   /* sorted by peers, then seq */
	size_t ndone;
	struct addr_entry *by_addr;   /* both addresses of each SA with known roles, */
	size_t naddr;                 /* built when a rule first needs it */
	struct addr_bucket *bucket;   /* open addressing over the keys: nbucket, a power of two */
	size_t nbucket;
	bool indexed;
	const struct ikc_ike_sa *sa;
	struct ikc_diag_list *out;
	bool nomem;
	/* A finding of this SA already explains its ICMP errors: the rules
	 * that read silence as a cause stay quiet. */
	bool icmp_told;
	/* Counting only (ikc_diagnose_session_count): add() hands out scratch,
	 * a finding with no code, whose text ikc_finding_say does not compose. */
	bool count_only;
	size_t counted;
	struct ikc_finding scratch;
};

struct ikc_finding *ikc_diag_list_add(struct ikc_diag_list *l, const char *code, enum ikc_diag_severity sev,
				      enum ikc_diag_certainty cert, const uint8_t icky[8])
{
	struct ikc_finding *f = ikc_grow(l->v, &l->cap, l->n, sizeof *f, 8, 0);

	if (!f)
		return NULL;
	l->v = f;
	f = &l->v[l->n++];
	memset(f, 0, sizeof *f);
	f->code = code;
	f->severity = sev;
	f->certainty = cert;
	memcpy(f->icky, icky, 8);
	return f;
}

static struct ikc_finding *add(struct ctx *c, const char *code, enum ikc_diag_severity sev,
			       enum ikc_diag_certainty cert)
{
	struct ikc_finding *f;

	if (c->count_only) {
		c->counted++;
		memset(&c->scratch, 0, sizeof c->scratch);
		return &c->scratch;
	}
	f = ikc_diag_list_add(c->out, code, sev, cert, c->sa->icky);

	if (!f) {
		c->nomem = true;
		return NULL;
	}
	f->sa = c->sa;
	return f;
}

void ikc_finding_omitted(struct ikc_finding *f, uint64_t n)
{
	if (f)
		f->frames_omitted = n > UINT32_MAX - f->frames_omitted ? UINT32_MAX : f->frames_omitted + (uint32_t)n;
}

void ikc_finding_frame(struct ikc_finding *f, uint64_t frame)
{
	size_t i;

	if (!f || !frame)
		return;
	for (i = 0; i < f->nframes; i++)
		if (f->frames[i] == frame)
			return;
	if (f->nframes == IKC_DIAG_FRAMES) {
		ikc_finding_omitted(f, 1);
		if (frame > f->frames[IKC_DIAG_FRAMES - 1])
			f->frames[IKC_DIAG_FRAMES - 1] = frame;   /* the last one seen stays */
		return;
	}
	/* keep ascending */
	for (i = f->nframes; i > 0 && f->frames[i - 1] > frame; i--)
		f->frames[i] = f->frames[i - 1];
	f->frames[i] = frame;
	f->nframes++;
}

/* The text grows to its exact size (findings are kept for every SA of a
 * run), never past IKC_DIAG_TEXT - 1 characters. */
void ikc_finding_say(struct ikc_finding *f, const char *fmt, ...)
{
	char part[IKC_DIAG_TEXT];
	const char *src = part;
	size_t used, n;
	int r;
	char *t;
	va_list ap;

	if (!f || !f->code)   /* none, or only being counted */
		return;
	used = f->text ? strlen(f->text) : 0;
	if (used + 1 >= IKC_DIAG_TEXT)
		return;
	/* Formatted once, on the stack, then appended (vsnprintf to size it
	 * first doubled the cost of every finding); a piece without a
	 * conversion is appended as it is. */
	if (!strchr(fmt, '%')) {
		src = fmt;
		n = strlen(fmt);
	} else {
		va_start(ap, fmt);
		r = ikc_vformat(part, sizeof part, fmt, ap);
		va_end(ap);
		if (r < 0) {   /* a conversion ikc_vformat leaves to stdio */
			va_start(ap, fmt);
			r = vsnprintf(part, sizeof part, fmt, ap);
			va_end(ap);
		}
		if (r <= 0)
			return;
		n = (size_t)r < sizeof part ? (size_t)r : sizeof part - 1;
	}
	if (!n)
		return;
	if (n > IKC_DIAG_TEXT - 1 - used)
		n = IKC_DIAG_TEXT - 1 - used;
	if (!(t = realloc(f->text, used + n + 1)))
		return;
	memcpy(t + used, src, n);
	t[used + n] = '\0';
	f->text = t;
}

/* ---- reading the facts ---- */

static const char *notify_name(uint16_t t, char *buf, size_t n)
{
	return ikc_name_or_num(ikc_notify_name(t), t, buf, n);
}

static const char *who(enum ikc_dir d)
{
	return d == IKC_DIR_I2R ? "initiator" : d == IKC_DIR_R2I ? "responder" : "peer";
}

static bool is_main(const struct ikc_ike_sa *sa)
{
	return sa->p1_exchange == IKC_EX_MAIN;
}

/* Phase 1 finished (as far as the capture shows): MM6 / AM3 seen, or Quick
 * Modes under an SA whose phase 1 the capture missed. */
static bool p1_done_at(const struct ikc_ike_sa *sa, int p1_last)
{
	if (sa->p1_exchange == IKC_EX_MAIN)
		return p1_last >= 6;
	if (sa->p1_exchange == IKC_EX_AGGRESSIVE)
		return p1_last >= 3;
	return true;
}

static bool p1_done(const struct ikc_ike_sa *sa)
{
	return ikc_sa_p1_done(sa);
}

/* First copy of a labelled message, and how often it was retransmitted: the
 * event log first, the retransmission ring when the log overflowed. */
static uint64_t label_frame(const struct ikc_ike_sa *sa, const char *label, uint32_t *retrans)
{
	uint64_t frame = 0;
	uint32_t r = 0;

	for (size_t i = 0; i < sa->nev; i++) {
		if (strcmp(sa->ev[i].label, label) != 0)
			continue;
		if (sa->ev[i].retransmit)
			r++;
		else if (!frame)
			frame = ikc_event_frame(sa, &sa->ev[i]);
	}
	for (size_t i = 0; i < sa->seen_cap; i++)
		if (sa->seen[i].frame && strcmp(sa->seen[i].label, label) == 0) {
			if (!frame)
				frame = sa->seen[i].frame;
			if (sa->seen[i].retransmits > r)
				r = sa->seen[i].retransmits;
		}
	if (retrans)
		*retrans = r;
	return frame;
}

/* Frames of the retransmissions of a label, into a finding. */
static void label_frames(const struct ikc_ike_sa *sa, const char *label, struct ikc_finding *f)
{
	for (size_t i = 0; i < sa->nev; i++)
		if (strcmp(sa->ev[i].label, label) == 0)
			ikc_finding_frame(f, ikc_event_frame(sa, &sa->ev[i]));
}

/* Cite the SA's ICMP errors (those not kept counted as omitted). */
static void icmp_frames(struct ikc_finding *f, const struct ikc_ike_sa *sa)
{
	if (!f)
		return;
	for (size_t i = 0; i < sa->nicmp; i++)
		ikc_finding_frame(f, sa->icmp[i].frame);
	ikc_finding_omitted(f, sa->icmp_errors - sa->nicmp);
}

/* Cite the messages after frame `after` that carry what `what` says
 * (IKC_EVC_*). */
static void events_carrying(const struct ikc_ike_sa *sa, uint8_t what, uint64_t after, struct ikc_finding *f)
{
	for (size_t i = 0; i < sa->nev; i++)
		if ((sa->ev[i].carries & what) && ikc_event_frame(sa, &sa->ev[i]) > after)
			ikc_finding_frame(f, ikc_event_frame(sa, &sa->ev[i]));
}

/* Seconds between the first and the last copy of a label (event log). */
static double label_span(const struct ikc_ike_sa *sa, const char *label)
{
	const struct ikc_event *first = NULL, *last = NULL;

	for (size_t i = 0; i < sa->nev; i++)
		if (strcmp(sa->ev[i].label, label) == 0) {
			if (!first)
				first = &sa->ev[i];
			last = &sa->ev[i];
		}
	if (!first)
		return 0;
	return (double)(ikc_event_sec(sa, last) - ikc_event_sec(sa, first)) +
	       ((double)last->ts_nsec - (double)first->ts_nsec) / 1e9;
}

static const struct ikc_event *label_event(const struct ikc_ike_sa *sa, const char *label)
{
	for (size_t i = 0; i < sa->nev; i++)
		if (!sa->ev[i].retransmit && strcmp(sa->ev[i].label, label) == 0)
			return &sa->ev[i];
	return NULL;
}

static bool any_ntf_from(const struct ikc_ike_sa *sa, enum ikc_dir d)
{
	for (size_t i = 0; i < sa->f.nntf; i++)
		if (sa->f.ntf[i].dir == d)
			return true;
	return false;
}

static void peer_addr(const struct ikc_ike_sa *sa, bool initiator, char *out, size_t n)
{
	if (!sa->roles_known) {
		snprintf(out, n, "?");
		return;
	}
	ikc_format_addr(sa->af, initiator ? sa->iaddr : sa->raddr, out, n);
}

/* The Quick Mode an error notify answers: the one open when it came, else
 * the newest one started before it. */
static const struct ikc_qm *qm_of_ntf(const struct ikc_ike_sa *sa, const struct ikc_ntf *n)
{
	const struct ikc_qm *best = NULL;

	for (size_t i = 0; i < sa->nqm; i++) {
		const struct ikc_qm *q = &sa->qm[i];
		if (q->exchange != IKC_EX_QUICK)
			continue;
		if (n->qm_open && q->msgid == n->qm_open)
			return q;
		if (q->f.frame[0] && q->f.frame[0] < n->frame && (!best || q->f.frame[0] > best->f.frame[0]))
			best = q;
	}
	return best;
}

/* Is this notify about phase 2 (a Quick Mode), rather than phase 1? */
static bool ntf_phase2(const struct ikc_ike_sa *sa, const struct ikc_ntf *n)
{
	return p1_done_at(sa, n->p1_at) || n->qm_open || n->protoid == IKC_PROTO_ESP || n->protoid == IKC_PROTO_AH;
}

/* NAT-T blocked, seen from either end: a NAT was detected, phase 1 did not
 * complete, and no IKE message of the responder travelled on UDP 4500 (none
 * at all on 4500 when the capture is on the responder's side); and the side
 * the capture sees waited: it retransmitted. */
static bool natt_blocked(const struct ikc_ike_sa *sa)
{
	if (!sa->f.natd.nat || p1_done(sa) || any_ntf_from(sa, IKC_DIR_R2I))
		return false;
	/* Both NAT-Ds exchanged: the float to 4500 is due (MM5 / AM3). */
	if (sa->p1_last < (sa->p1_exchange == IKC_EX_AGGRESSIVE ? 2 : 4))
		return false;
	if (sa->f.natd.first_4500_frame) {
		/* The initiator floated: nothing at all may come back after that,
		 * and it must have tried again (a capture that ends right after
		 * its first message on 4500 shows nothing yet). */
		bool retried = false;

		for (size_t i = 0; i < sa->nev; i++) {
			if (ikc_event_frame(sa, &sa->ev[i]) < sa->f.natd.first_4500_frame)
				continue;
			if (sa->ev[i].dir == IKC_DIR_R2I)
				return false;
			retried = retried || sa->ev[i].retransmit;
		}
		return retried;
	}
	/* No IKE on 4500 at all: the initiator's next message never arrived.
	 * The responder must have sent its last message again while it waited
	 * (a capture that ends right after MM4 shows nothing blocked yet). */
	return sa->nev && sa->ev[sa->nev - 1].dir == IKC_DIR_R2I && sa->ev[sa->nev - 1].retransmit;
}

/* ---- rules ---- */

/* What an ICMP error about an SA's messages says, as the end of a sentence. */
static void icmp_meaning(struct ikc_finding *f, const struct ikc_ike_sa *sa, const struct ikc_icmp_seen *ic,
			 const char *from)
{
	bool peer = memcmp(ic->from, sa->raddr, 16) == 0 || memcmp(ic->from, sa->iaddr, 16) == 0;

	switch (ikc_icmp_kind(sa->af, ic->type, ic->code)) {
	case IKC_ICMP_TOO_BIG:
		ikc_finding_say(f, "the message is larger than the path MTU lets through (DF set): enable IKE fragmentation "
		       "on both peers (strongSwan fragmentation=yes, Cisco crypto isakmp fragmentation) or raise the "
		       "MTU on the path.");
		break;
	case IKC_ICMP_PORT_UNREACHABLE:
		if (peer && ic->port == 4500)
			ikc_finding_say(f, "the peer host is up but nothing listens on UDP 4500 there (its IKE daemon does "
			       "not take NAT-T, or stopped), or its firewall rejects it. Enable NAT-T on the peer, or "
			       "open UDP 4500.");
		else if (peer)
			ikc_finding_say(f, "the peer host is up but nothing listens on UDP %u there (the IKE daemon stopped "
			       "or restarted), or its firewall rejects it. Start or fix the IKE daemon there.", ic->port);
		else
			ikc_finding_say(f, "%s, on the path, answers for the peer that nothing listens on UDP %u: a "
			       "firewall or NAT there rejects the traffic. Check its rules for UDP 500 and 4500.",
			    from, ic->port);
		break;
	case IKC_ICMP_PROHIBITED:
		ikc_finding_say(f, "a firewall (%s) rejects UDP %u towards the peer: open it.", from, ic->port);
		break;
	case IKC_ICMP_NO_ROUTE:
		ikc_finding_say(f, "%s has no route to the peer: check the routing (and the peer's address).", from);
		break;
	case IKC_ICMP_TIME_EXCEEDED:
		ikc_finding_say(f, "the packets loop or the path is too long (time exceeded at %s): check the routing.", from);
		break;
	default:
		ikc_finding_say(f, "the path refuses them: check the route and the filters to the peer.");
		break;
	}
}

static void rule_no_response(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	const char *l1 = is_main(sa) ? "MM1" : "AM1";
	const struct ikc_icmp_seen *icmp = ikc_sa_icmp_last(sa);
	char ra[64];
	uint32_t r = 0;
	uint64_t fr;
	struct ikc_finding *f;

	if (!sa->p1_exchange || sa->p1_from_i < 1 || sa->p1_from_r > 0 || any_ntf_from(sa, IKC_DIR_R2I) ||
	    sa->p1_last > 1)
		return;
	fr = label_frame(sa, l1, &r);
	if (r == 0 && !icmp)
		return;  /* one copy: the capture may simply have ended */
	f = add(c, "no-response", IKC_DIAG_FAILURE, icmp ? IKC_DIAG_PROVEN : IKC_DIAG_LIKELY);
	ikc_finding_frame(f, fr);
	label_frames(sa, l1, f);
	peer_addr(sa, false, ra, sizeof ra);
	ikc_finding_say(f, "%s (frame %llu) was sent %u time%s over %.1f s and no IKE message came back from %s: the "
	       "initiator is stuck in %s.",
	    l1, (unsigned long long)fr, r + 1, r ? "s" : "", label_span(sa, l1), ra,
	    is_main(sa) ? "MM_WAIT_MSG2" : "AM_WAIT_MSG2");
	if (icmp) {
		char from[64];
		c->icmp_told = true;
		ikc_format_addr(sa->af, icmp->from, from, sizeof from);
		icmp_frames(f, sa);
		ikc_finding_say(f, " %s answered with ICMP %s (%u time%s, last in frame %llu): ", from,
		    ikc_icmp_error_name(sa->af, icmp->type, icmp->code), sa->icmp_errors,
		    sa->icmp_errors > 1 ? "s" : "", (unsigned long long)icmp->frame);
		icmp_meaning(f, sa, icmp, from);
		return;
	}
	ikc_finding_say(f, " The peer is unreachable, the peer address is wrong, UDP 500 is filtered on the path, or the "
	       "peer has no phase-1 policy for this address. Check reachability and firewalls for UDP 500 "
	       "(and 4500), the configured peer address, and the peer's IKE policy.");
}

/* ICMP errors about an SA that no-response did not explain: they, not
 * silence, say why the exchange stopped. */
static void rule_icmp(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_icmp_seen *first = sa->nicmp ? &sa->icmp[0] : NULL, *last = ikc_sa_icmp_last(sa);
	const struct ikc_event *before = NULL, *went_on = NULL;
	struct ikc_finding *f;
	char from[64];

	if (c->icmp_told || !first)
		return;
	for (size_t i = 0; i < sa->nev; i++) {
		if (ikc_event_frame(sa, &sa->ev[i]) < first->frame)
			before = &sa->ev[i];
		else if (before && sa->ev[i].dir != before->dir && !went_on)
			went_on = &sa->ev[i];   /* the other side spoke after all */
	}
	f = add(c, "icmp-error", went_on ? IKC_DIAG_WARNING : IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
	c->icmp_told = !went_on;
	icmp_frames(f, sa);
	ikc_format_addr(sa->af, last->from, from, sizeof from);
	if (before) {
		ikc_finding_frame(f, ikc_event_frame(sa, before));
		ikc_finding_say(f, "From %s (frame %llu) on, ", before->label, (unsigned long long)ikc_event_frame(sa, before));
	}
	ikc_finding_say(f, "%s answered this SA's messages with ICMP %s (%u time%s, last in frame %llu)", from,
	    ikc_icmp_error_name(sa->af, last->type, last->code), sa->icmp_errors, sa->icmp_errors > 1 ? "s" : "",
	    (unsigned long long)last->frame);
	if (went_on) {
		ikc_finding_say(f, ", yet the exchange went on (%s, frame %llu): the cause passed (a daemon restarting, a "
		       "route or filter changing, fragmentation taking over). Worth a look if it comes back.",
		    went_on->label, (unsigned long long)ikc_event_frame(sa, went_on));
		return;
	}
	ikc_finding_say(f, " and the exchange went no further: ");
	icmp_meaning(f, sa, last, from);
}

static void rule_phase1_stalled(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	uint32_t r = 0;
	uint64_t fr;
	struct ikc_finding *f;

	if (c->icmp_told || any_ntf_from(sa, IKC_DIR_R2I) || any_ntf_from(sa, IKC_DIR_I2R))
		return;
	if (is_main(sa) && sa->p1_last == 3) {
		fr = label_frame(sa, "MM3", &r);
		if (!r)
			return;
		f = add(c, "phase1-stalled", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		ikc_finding_frame(f, fr);
		label_frames(sa, "MM3", f);
		ikc_finding_say(f, "MM3 (key exchange, frame %llu) was sent %u times and MM4 never came: the initiator is stuck "
		       "in MM_WAIT_MSG4. MM3 is the first large message: look for a path that drops big or "
		       "fragmented UDP packets (MTU, fragment filtering), or a DH group / KE size the responder "
		       "cannot process (interop).",
		    (unsigned long long)fr, r + 1);
	} else if (is_main(sa) && sa->p1_last == 2) {
		fr = label_frame(sa, "MM2", &r);
		if (!r)
			return;
		f = add(c, "phase1-stalled", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		ikc_finding_frame(f, fr);
		label_frames(sa, "MM2", f);
		ikc_finding_say(f, "The responder sent MM2 (frame %llu) %u times and MM3 never came: the responder is stuck "
		       "in MM_WAIT_MSG3. The initiator does not receive MM2 (return path, NAT, firewall), or "
		       "rejects the chosen proposal.",
		    (unsigned long long)fr, r + 1);
	} else if (sa->p1_exchange == IKC_EX_AGGRESSIVE && sa->p1_last == 2) {
		fr = label_frame(sa, "AM2", &r);
		if (!r)
			return;
		f = add(c, "phase1-stalled", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		ikc_finding_frame(f, fr);
		label_frames(sa, "AM2", f);
		ikc_finding_say(f, "The responder sent AM2 (frame %llu) %u times and AM3 never came: the responder is stuck "
		       "in AM_WAIT_MSG3. The initiator does not receive AM2, or does not accept it (a PSK or "
		       "identity mismatch makes the initiator drop AM2).",
		    (unsigned long long)fr, r + 1);
	}
}

static const struct ikc_ike_sa *addr_sa(const struct ctx *c, size_t entry)
{
	return c->sas[c->by_addr[entry].pos];
}

static bool addr_key_eq(const struct ctx *c, size_t entry, int af, const uint8_t addr[16], int role)
{
	const struct addr_entry *e = &c->by_addr[entry];
	const struct ikc_ike_sa *sa = c->sas[e->pos];

	return sa->af == af && e->role == role && memcmp(e->role ? sa->raddr : sa->iaddr, addr, 16) == 0;
}

static size_t addr_hash(int af, const uint8_t addr[16], int role)
{
	return (size_t)ikc_digest64(addr, 16, (uint64_t)(af * 2 + role));
}

/* The bucket of (af, addr, role): its chain, or the empty one to start it. */
static struct addr_bucket *addr_bucket(const struct ctx *c, int af, const uint8_t addr[16], int role)
{
	size_t i = addr_hash(af, addr, role) & (c->nbucket - 1);

	while (c->bucket[i].head != ADDR_NONE && !addr_key_eq(c, c->bucket[i].head, af, addr, role))
		i = (i + 1) & (c->nbucket - 1);
	return &c->bucket[i];
}

static void addr_add(struct ctx *c, const struct ikc_ike_sa *sa, size_t pos, int role, const uint8_t addr[16])
{
	uint32_t n = (uint32_t)c->naddr++;
	struct addr_bucket *b;

	c->by_addr[n] = (struct addr_entry){ .pos = (uint32_t)pos, .next = ADDR_NONE, .role = (uint8_t)role };
	b = addr_bucket(c, sa->af, addr, role);
	if (b->head == ADDR_NONE)
		b->head = n;
	else
		c->by_addr[b->tail].next = n;
	b->tail = n;
}

/* Index both addresses of every SA, once per diagnosis, when the first rule
 * that looks for another SA of a peer runs (most batches of retiring SAs
 * never need it).  Hashed, not sorted: a sort of every live SA for each
 * batch was a fifth of a long run. */
static void ensure_index(struct ctx *c)
{
	if (c->indexed)
		return;
	c->indexed = true;
	if (c->nsas >= UINT32_MAX / 4) {   /* entries are 32-bit indices */
		c->nomem = true;
		return;
	}
	for (c->nbucket = 16; c->nbucket < 4 * c->nsas; c->nbucket *= 2)
		;
	c->by_addr = malloc((c->nsas ? 2 * c->nsas : 1) * sizeof *c->by_addr);
	c->bucket = malloc(c->nbucket * sizeof *c->bucket);
	if (!c->by_addr || !c->bucket) {
		c->nomem = true;
		c->nbucket = 0;
		return;
	}
	for (size_t i = 0; i < c->nbucket; i++)
		c->bucket[i] = (struct addr_bucket){ ADDR_NONE, ADDR_NONE };
	for (size_t i = 0; i < c->nsas; i++) {
		const struct ikc_ike_sa *sa = c->sas[i];
		if (!sa->roles_known)
			continue;
		addr_add(c, sa, i, 0, sa->iaddr);
		if (memcmp(sa->iaddr, sa->raddr, 16) != 0)
			addr_add(c, sa, i, 1, sa->raddr);
	}
}

/* The first entry for (af, addr, role), in SA-list order; ADDR_NONE when none. */
static size_t addr_first(const struct ctx *c, int af, const uint8_t addr[16], int role)
{
	return c->nbucket ? addr_bucket(c, af, addr, role)->head : ADDR_NONE;
}

/* Another SA of the run initiated by this SA's responder: its own offers. */
static const struct ikc_ike_sa *responder_as_initiator(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;

	if (!sa->roles_known)
		return NULL;
	ensure_index(c);
	for (size_t i = addr_first(c, sa->af, sa->raddr, 0); i != ADDR_NONE; i = c->by_addr[i].next) {
		const struct ikc_ike_sa *o = addr_sa(c, i);
		if (o != sa && o->f.noffered)
			return o;
	}
	return NULL;
}

static void rule_no_proposal_p1(struct ctx *c, const struct ikc_ntf *n)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_p1_facts *p = &sa->f;
	const struct ikc_ike_sa *o = responder_as_initiator(c);
	struct ikc_finding *f = add(c, "no-proposal-chosen", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);

	ikc_finding_frame(f, n->frame);
	ikc_finding_frame(f, p->offer_frame);
	ikc_finding_say(f, "The %s rejected every phase-1 proposal (NO-PROPOSAL-CHOSEN, frame %llu).", who(n->dir),
	    (unsigned long long)n->frame);
	if (p->noffered) {
		ikc_finding_say(f, " The initiator offered (frame %llu):", (unsigned long long)p->offer_frame);
		for (size_t i = 0; i < p->noffered; i++)
			ikc_finding_say(f, "%s [%u.%u] %s", i ? ";" : "", p->offered_prop[i], p->offered_tr[i], p->offered[i]);
		if (p->offered_dropped)
			ikc_finding_say(f, "; and %u more", (unsigned)p->offered_dropped);
		ikc_finding_say(f, ".");
	}
	if (o) {
		char cky[17];
		ikc_sa_cookie_hex(o, cky);
		ikc_finding_frame(f, o->f.offer_frame);
		ikc_finding_say(f, " The responder's own offers (SA %s, frame %llu):", cky, (unsigned long long)o->f.offer_frame);
		for (size_t i = 0; i < o->f.noffered; i++)
			ikc_finding_say(f, "%s [%u.%u] %s", i ? ";" : "", o->f.offered_prop[i], o->f.offered_tr[i], o->f.offered[i]);
		ikc_finding_say(f, ".");
	}
	ikc_finding_say(f, " Make one proposal match on both peers: encryption, hash, DH group, authentication method"
	       " (and lifetime on strict peers).");
}

/* The SA's key state; an SA that never carried key material has none
 * (session_int.h), which reads as all zero. */
static const struct ikc_sa_crypto *sa_crypto(const struct ikc_ike_sa *sa)
{
	static const struct ikc_sa_crypto none;

	return sa->crypto ? sa->crypto : &none;
}

/* psk-mismatch: proven with keys, likely from symptoms after MM5. */
static void rule_psk(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_sa_crypto *cr = sa_crypto(sa);
	const struct ikc_event *mm5 = label_event(sa, "MM5"), *mm6 = label_event(sa, "MM6");
	const struct ikc_event *am2 = label_event(sa, "AM2");
	const struct ikc_ntf *bad = NULL;
	uint32_t r5 = 0;
	uint64_t f5 = 0;
	bool stuck = !p1_done(sa);
	bool psk = auth_psk_or_unknown(cr->have_transform ? cr->auth : 0);
	struct ikc_finding *f;

	if (sa->p1_exchange == IKC_EX_MAIN)
		f5 = label_frame(sa, "MM5", &r5);
	for (size_t i = 0; i < sa->f.nntf; i++) {
		const struct ikc_ntf *n = &sa->f.ntf[i];
		if ((n->type == N_PAYLOAD_MALFORMED || n->type == N_INVALID_HASH_INFORMATION ||
		     n->type == N_AUTHENTICATION_FAILED) &&
		    !p1_done_at(sa, n->p1_at) && (sa->p1_exchange != IKC_EX_MAIN || n->p1_at >= 5)) {
			bad = n;
			break;
		}
	}
	if (cr->psk_differs) {
		f = add(c, "psk-mismatch", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
		ikc_finding_frame(f, f5);
		if (bad)
			ikc_finding_frame(f, bad->frame);
		ikc_finding_say(f, "The peers use different pre-shared keys: the initiator's messages decrypt only with %s, the "
		       "responder's only with %s.",
		    ikc_sa_side_source(cr, 0), ikc_sa_side_source(cr, 1));
		if (bad)
			ikc_finding_say(f, " The %s answered with %s (frame %llu).", who(bad->dir),
			    ikc_notify_name(bad->type) ? ikc_notify_name(bad->type) : "an error",
			    (unsigned long long)bad->frame);
		ikc_finding_say(f, " Configure the same PSK for this peer on both sides.");
		return;
	}
	if (sa->p1_exchange == IKC_EX_AGGRESSIVE && am2 && am2->hash == IKC_HASH_FAILED && stuck) {
		f = add(c, "psk-mismatch", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
		ikc_finding_frame(f, ikc_event_frame(sa, am2));
		if (bad)
			ikc_finding_frame(f, bad->frame);
		ikc_finding_say(f, "No supplied PSK reproduces the responder's HASH_R in AM2 (frame %llu) and phase 1 never "
		       "completed: the responder holds a different PSK than the one given for this peer. Configure "
		       "the same PSK on both sides.",
		    (unsigned long long)ikc_event_frame(sa, am2));
		return;
	}
	if (sa->p1_exchange == IKC_EX_MAIN && stuck &&
	    ((mm5 && (mm5->hash == IKC_HASH_FAILED || mm5->dec == IKC_DEC_WRONG_KEY)) ||
	     (mm6 && (mm6->hash == IKC_HASH_FAILED || mm6->dec == IKC_DEC_WRONG_KEY)))) {
		const struct ikc_event *e = mm6 && (mm6->hash == IKC_HASH_FAILED || mm6->dec == IKC_DEC_WRONG_KEY)
						    ? mm6 : mm5;
		f = add(c, psk ? "psk-mismatch" : "auth-failed", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
		ikc_finding_frame(f, ikc_event_frame(sa, e));
		if (bad)
			ikc_finding_frame(f, bad->frame);
		ikc_finding_say(f, "%s (frame %llu) %s with the keys given, and phase 1 never completed: the key material of "
		       "the two sides differs.%s",
		    e->label, (unsigned long long)ikc_event_frame(sa, e),
		    e->dec == IKC_DEC_WRONG_KEY ? "does not decrypt to a sound payload chain" : "fails its HASH check",
		    psk ? " Configure the same PSK for this peer on both sides." : "");
		return;
	}
	if (!stuck || (c->icmp_told && !bad))
		return;
	if ((sa->p1_exchange == IKC_EX_MAIN && f5 && !mm6 && r5 > 0) || bad) {
		f = add(c, psk ? "psk-mismatch" : "auth-failed", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		if (f5) {
			ikc_finding_frame(f, f5);
			label_frames(sa, "MM5", f);
		}
		if (bad)
			ikc_finding_frame(f, bad->frame);
		if (f5 && r5)
			ikc_finding_say(f, "MM5 (frame %llu) was sent %u times without an MM6", (unsigned long long)f5, r5 + 1);
		else if (f5)
			ikc_finding_say(f, "MM5 (frame %llu) got no MM6", (unsigned long long)f5);
		else
			ikc_finding_say(f, "Phase 1 did not complete");
		if (bad) {
			ikc_finding_say(f, "%s the %s sent %s (frame %llu)", f5 ? " and" : ";", who(bad->dir),
			    ikc_notify_name(bad->type) ? ikc_notify_name(bad->type) : "an error notify",
			    (unsigned long long)bad->frame);
		} else if (f5) {
			/* Encrypted Informationals right after MM5 are typically the
			 * responder's PAYLOAD-MALFORMED (it cannot decrypt MM5). */
			uint64_t first = 0;
			unsigned n = 0;
			for (size_t i = 0; i < sa->nev; i++) {
				const struct ikc_event *e = &sa->ev[i];
				if (e->dir == IKC_DIR_R2I && e->exchange == IKC_EX_INFO && ikc_event_frame(sa, e) > f5 && e->encrypted &&
				    e->dec != IKC_DEC_OK) {
					ikc_finding_frame(f, ikc_event_frame(sa, e));
					first = first ? first : ikc_event_frame(sa, e);
					n++;
				}
			}
			if (n)
				ikc_finding_say(f, ", answered only by %u encrypted Informational message%s (first: frame %llu), "
				       "typically PAYLOAD-MALFORMED",
				    n, n > 1 ? "s" : "", (unsigned long long)first);
		}
		if (psk)
			ikc_finding_say(f, ": the responder cannot decrypt or verify the initiator's identity message, which is "
			       "what a pre-shared key mismatch looks like (initiator in MM_WAIT_MSG6). Check the PSK "
			       "configured for this peer on both sides; given both PSKs (-k), ikecap can prove it.");
		else
			ikc_finding_say(f, ": authentication fails (initiator in MM_WAIT_MSG6). Check certificates, their "
			       "chain and the identities the peers expect.");
		if (!bad && natt_blocked(sa))
			ikc_finding_say(f, " MM5 travelled on UDP 4500 and nothing came back there: see natt-blocked too.");
	}
}

static void rule_aggressive(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_p1_facts *p = &sa->f;
	const struct ikc_sa_crypto *cr = sa_crypto(sa);
	bool psk = auth_psk_or_unknown(cr->have_transform ? cr->auth : 0);
	struct ikc_finding *f;

	if (sa->p1_exchange != IKC_EX_AGGRESSIVE)
		return;
	f = add(c, "aggressive-mode", IKC_DIAG_WARNING, IKC_DIAG_PROVEN);
	ikc_finding_frame(f, label_frame(sa, "AM1", NULL));
	ikc_finding_frame(f, label_frame(sa, "AM2", NULL));
	ikc_finding_say(f, "Aggressive Mode: the identities travel in clear");
	if (p->id_i || p->id_r)
		ikc_finding_say(f, " (initiator %s, responder %s)", p->id_i ? p->id_i : "?", p->id_r ? p->id_r : "?");
	if (psk)
		ikc_finding_say(f, ", and the responder's HASH_R lets anyone holding this capture test PSK guesses offline "
		       "(ikecap --psk-audit). Prefer Main Mode, or certificates; at least use a long random PSK.");
	else
		ikc_finding_say(f, ". Prefer Main Mode when identity protection matters.");
}

/* Phase-2 problems: one finding per rejected / unanswered Quick Mode. */
static void qm_offers(struct ikc_finding *f, const struct ikc_qm *q)
{
	const struct ikc_qm_words *w = ikc_qm_words(&q->f);

	if (!w->noffered) {
		ikc_finding_say(f, " The Quick Mode is encrypted: give the keys (-k) to see the transform sets.");
		return;
	}
	ikc_finding_say(f, " QM1 (frame %llu) offered:", (unsigned long long)q->f.frame[0]);
	for (size_t i = 0; i < w->noffered; i++)
		ikc_finding_say(f, "%s %s", i ? ";" : "", ikc_text(w->offered[i]));
	if (w->offered_dropped)
		ikc_finding_say(f, "; and %u more", (unsigned)w->offered_dropped);
	ikc_finding_say(f, ".");
}

static void qm_ids(struct ikc_finding *f, const struct ikc_qm *q)
{
	const struct ikc_qm_words *w = ikc_qm_words(&q->f);

	if (w->have_ids)
		ikc_finding_say(f, " QM1 proposes local %s, remote %s (IDci/IDcr).", ikc_text(w->idci), ikc_text(w->idcr));
	else if (q->f.seen_plain[0])
		ikc_finding_say(f, " QM1 carries no IDs: the peers' addresses are the proxy IDs.");
	else
		ikc_finding_say(f, " The Quick Mode is encrypted: give the keys (-k) to see the proxy IDs.");
}

static void qm_address(const struct ikc_ike_sa *sa, const struct ikc_qm *q, bool initiator, uint8_t out[16])
{
	bool i_is_sa_i = q->initiator_dir != IKC_DIR_R2I;

	memcpy(out, (initiator == i_is_sa_i) ? sa->iaddr : sa->raddr, 16);
}

/* The other side's Quick Mode (any SA between the same two peers) with IDs. */
static void mirror_check(struct ctx *c, const struct ikc_qm *q, struct ikc_finding *f)
{
	uint8_t me[16], peer[16];
	const struct ikc_qm_words *w = ikc_qm_words(&q->f);
	const char *ci = ikc_text(w->idci), *cr = ikc_text(w->idcr);

	if (!w->have_ids || !c->sa->roles_known)
		return;
	qm_address(c->sa, q, true, me);
	qm_address(c->sa, q, false, peer);
	ensure_index(c);
	/* Any SA with such a Quick Mode has the peer as one of its addresses;
	 * SAs are taken in list order, as the first match is the one reported. */
	for (size_t i = addr_first(c, c->sa->af, peer, 0), k = addr_first(c, c->sa->af, peer, 1);
	     i != ADDR_NONE || k != ADDR_NONE;) {
		bool take_i = i != ADDR_NONE && (k == ADDR_NONE || c->by_addr[i].pos <= c->by_addr[k].pos);
		size_t t = take_i ? i : k;
		const struct ikc_ike_sa *o = addr_sa(c, t);

		if (take_i)
			i = c->by_addr[t].next;
		else
			k = c->by_addr[t].next;
		for (size_t j = 0; j < o->nqm; j++) {
			const struct ikc_qm *oq = &o->qm[j];
			const struct ikc_qm_words *ow = ikc_qm_words(&oq->f);
			const char *o_ci = ikc_text(ow->idci), *o_cr = ikc_text(ow->idcr);
			uint8_t oi[16], orr[16];

			if (oq == q || !ow->have_ids)
				continue;
			qm_address(o, oq, true, oi);
			qm_address(o, oq, false, orr);
			if (memcmp(oi, peer, 16) != 0 || memcmp(orr, me, 16) != 0)
				continue;
			ikc_finding_frame(f, oq->f.frame[0]);
			if (strcmp(o_ci, ci) == 0 && strcmp(o_cr, cr) == 0)
				ikc_finding_say(f, " The other peer's own Quick Mode (frame %llu) proposes the very same local %s, "
				       "remote %s: the proxy IDs (crypto ACLs) are not mirror images, one side's is "
				       "written from the other side's point of view. Reverse source and destination on "
				       "one side.",
				    (unsigned long long)oq->f.frame[0], o_ci, o_cr);
			else if (strcmp(o_ci, cr) == 0 && strcmp(o_cr, ci) == 0)
				ikc_finding_say(f, " The other peer's own Quick Mode (frame %llu) proposes the mirror (local %s, "
				       "remote %s), so the selectors agree and the peer rejects something else "
				       "(lifetime, a second policy with overlapping selectors).",
				    (unsigned long long)oq->f.frame[0], o_ci, o_cr);
			else
				ikc_finding_say(f, " The other peer's own Quick Mode (frame %llu) proposes local %s, remote %s; "
				       "the mirror of this side's would be local %s, remote %s.",
				    (unsigned long long)oq->f.frame[0], o_ci, o_cr, cr, ci);
			return;
		}
	}
}

/* KE on one side only, decrypted: returns true when it reported. */
static bool rule_pfs_seen(struct ctx *c, const struct ikc_qm *q)
{
	struct ikc_finding *f;
	bool i_pfs, r_pfs;

	if (!q->f.seen_plain[0] || !q->f.seen_plain[1])
		return false;
	i_pfs = q->f.ke[0];
	r_pfs = q->f.ke[1];
	if (i_pfs == r_pfs)
		return false;
	f = add(c, "pfs-mismatch", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
	ikc_finding_frame(f, q->f.frame[0]);
	ikc_finding_frame(f, q->f.frame[1]);
	ikc_finding_say(f, "Quick Mode %08x: %s (frame %llu) carries a KE payload (PFS%s) and %s (frame %llu) does not: PFS "
	       "is configured on one side only. Enable PFS with the same DH group on both peers, or on neither.",
	    q->msgid, i_pfs ? "QM1" : "QM2", (unsigned long long)q->f.frame[i_pfs ? 0 : 1],
	    q->f.group[i_pfs ? 0 : 1] ? ", group given" : "", i_pfs ? "QM2" : "QM1",
	    (unsigned long long)q->f.frame[i_pfs ? 1 : 0]);
	return true;
}

static void rule_qm_rejected(struct ctx *c, const struct ikc_ntf *n, bool *qm_reported, size_t nqm)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_qm *q = qm_of_ntf(sa, n);
	size_t qi = q ? (size_t)(q - sa->qm) : 0;
	bool pfs_offer = q && q->f.seen_plain[0] && (q->f.ke[0] || q->f.group[0]);
	char nb[24];
	struct ikc_finding *f;

	if (q && qi < nqm && qm_reported[qi])
		return;
	if (q && qi < nqm)
		qm_reported[qi] = true;
	if (n->type == N_INVALID_ID_INFORMATION) {
		f = add(c, "proxy-id-mismatch", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
		ikc_finding_frame(f, n->frame);
		if (q)
			ikc_finding_frame(f, q->f.frame[0]);
		ikc_finding_say(f, "The %s rejected the Quick Mode's proxy IDs (INVALID-ID-INFORMATION, frame %llu): the "
		       "traffic selectors (crypto ACLs, leftsubnet/rightsubnet) of the two peers differ.",
		    who(n->dir), (unsigned long long)n->frame);
		if (q) {
			qm_ids(f, q);
			mirror_check(c, q, f);
		}
		return;
	}
	if (q && q->count >= 2 && q->f.frame[1] && n->frame > q->f.frame[1] && n->dir == q->initiator_dir) {
		f = add(c, "sa-install-failed", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		ikc_finding_frame(f, q->f.frame[0]);
		ikc_finding_frame(f, q->f.frame[1]);
		ikc_finding_frame(f, n->frame);
		ikc_finding_say(f, "Quick Mode %08x: the %s answered QM2 (frame %llu) with %s (frame %llu) instead of QM3, "
		       "although QM2 accepts its own offer: it could not install the IPsec SA it negotiated. Look "
		       "at that peer's log and IPsec stack (kernel without the ESP algorithm or mode, SPD/SAD "
		       "error).",
		    q->msgid, who(n->dir), (unsigned long long)q->f.frame[1], notify_name(n->type, nb, sizeof nb),
		    (unsigned long long)n->frame);
		if (ikc_qm_words(&q->f)->chosen)
			ikc_finding_say(f, " Chosen: %s.", ikc_qm_words(&q->f)->chosen);
		return;
	}
	if (pfs_offer || (n->type == N_ATTRIBUTES_NOT_SUPPORTED && q && q->f.seen_plain[0])) {
		f = add(c, "pfs-mismatch", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		ikc_finding_frame(f, n->frame);
		ikc_finding_frame(f, q->f.frame[0]);
		if (pfs_offer)
			ikc_finding_say(f, "QM1 (frame %llu) offers PFS (KE%s) and the %s answered %s (frame %llu): the other "
			       "side likely runs without PFS or with another DH group.",
			    (unsigned long long)q->f.frame[0], q->f.group[0] ? " and a group attribute" : " payload",
			    who(n->dir), notify_name(n->type, nb, sizeof nb), (unsigned long long)n->frame);
		else
			ikc_finding_say(f, "QM1 (frame %llu) offers no PFS and the %s answered ATTRIBUTES-NOT-SUPPORTED (frame "
			       "%llu): the other side likely requires PFS.",
			    (unsigned long long)q->f.frame[0], who(n->dir), (unsigned long long)n->frame);
		ikc_finding_say(f, " Set PFS (and its DH group) the same on both peers.");
		qm_offers(f, q);
		return;
	}
	f = add(c, "transform-mismatch", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
	ikc_finding_frame(f, n->frame);
	if (q)
		ikc_finding_frame(f, q->f.frame[0]);
	ikc_finding_say(f, "The %s rejected the Quick Mode (%s, frame %llu)%s: no transform set (ESP cipher, integrity, mode) "
	       "matches the peer's.",
	    who(n->dir), notify_name(n->type, nb, sizeof nb), (unsigned long long)n->frame,
	    q && q->f.seen_plain[0] ? " and QM1 offered no PFS" : "");
	if (q)
		qm_offers(f, q);
	ikc_finding_say(f, " Make one transform set match on both peers%s.",
	    q && q->f.seen_plain[0] ? " (if the peer requires PFS, enable it here too)" : "");
}

static void rule_qm_unanswered(struct ctx *c, const struct ikc_qm *q)
{
	struct ikc_finding *f;
	bool pfs = q->f.seen_plain[0] && (q->f.ke[0] || q->f.group[0]);

	if (q->exchange != IKC_EX_QUICK || q->count != 1 || q->f.retrans[0] == 0 || c->icmp_told)
		return;
	f = add(c, pfs ? "pfs-mismatch" : "qm-no-response", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
	ikc_finding_frame(f, q->f.frame[0]);
	for (size_t i = 0; i < c->sa->nev; i++)
		if (c->sa->ev[i].msgid == q->msgid)
			ikc_finding_frame(f, ikc_event_frame(c->sa, &c->sa->ev[i]));
	ikc_finding_say(f, "QM1 %08x (frame %llu) was sent %u times and never answered%s. ", q->msgid,
	    (unsigned long long)q->f.frame[0], q->f.retrans[0] + 1,
	    pfs ? ", after a PFS offer (KE in QM1)" : "");
	if (pfs)
		ikc_finding_say(f, "A responder without PFS (or with another DH group) often drops such a QM1 silently: set "
		       "PFS the same on both peers.");
	else
		ikc_finding_say(f, "The responder drops it silently: mismatched proxy IDs, PFS required by the responder, "
		       "no matching transform set, or an IPsec SA its kernel would not install; the responder's log "
		       "says which.");
	if (!q->f.seen_plain[0]) {   /* one sentence for both, not the same one twice */
		ikc_finding_say(f, " The Quick Mode is encrypted: give the keys (-k) to see its proxy IDs and transform "
				"sets.");
		return;
	}
	qm_ids(f, q);
	qm_offers(f, q);
}

static void rule_notifies(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	bool qm_reported[IKC_MAX_QM] = { false };
	bool p1_npc = false, cookie = false;
	char nb[24];

	for (size_t i = 0; i < sa->nqm && i < IKC_MAX_QM; i++)
		if (rule_pfs_seen(c, &sa->qm[i]))
			qm_reported[i] = true;
	for (size_t i = 0; i < sa->f.nntf; i++) {
		const struct ikc_ntf *n = &sa->f.ntf[i];
		struct ikc_finding *f;

		switch (n->type) {
		case N_INVALID_COOKIE:
			if (cookie)
				break;
			cookie = true;
			f = add(c, "invalid-cookie", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
			ikc_finding_frame(f, n->frame);
			ikc_finding_say(f, "The %s answered INVALID-COOKIE (frame %llu): it holds no SA for these cookies while the "
			       "other side still uses one. One side has a stale SA (after a reboot, a cleared or "
			       "expired SA). Clear the SAs on the side that still sends on it, and enable DPD / "
			       "INITIAL-CONTACT so that it recovers by itself.",
			    who(n->dir), (unsigned long long)n->frame);
			break;
		case N_NO_PROPOSAL_CHOSEN:
		case N_ATTRIBUTES_NOT_SUPPORTED:
		case N_INVALID_ID_INFORMATION:
			if (ntf_phase2(sa, n)) {
				rule_qm_rejected(c, n, qm_reported, sa->nqm < IKC_MAX_QM ? sa->nqm : IKC_MAX_QM);
			} else if (n->type == N_NO_PROPOSAL_CHOSEN) {
				if (!p1_npc)
					rule_no_proposal_p1(c, n);
				p1_npc = true;
			} else if (n->type == N_INVALID_ID_INFORMATION) {
				f = add(c, "id-mismatch", IKC_DIAG_FAILURE, IKC_DIAG_PROVEN);
				ikc_finding_frame(f, n->frame);
				ikc_finding_say(f, "The %s rejected the phase-1 identity (INVALID-ID-INFORMATION, frame %llu)",
				    who(n->dir), (unsigned long long)n->frame);
				if (sa->f.id_i)
					ikc_finding_say(f, "; the initiator presented %s", sa->f.id_i);
				ikc_finding_say(f, ". Make the identity each side sends match what the other expects (IP address, "
				       "FQDN, DN).");
			} else {
				f = add(c, "error-notify", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
				ikc_finding_frame(f, n->frame);
				ikc_finding_say(f, "The %s sent ATTRIBUTES-NOT-SUPPORTED in phase 1 (frame %llu): it does not know "
				       "an attribute of the proposal (a key length, lifetime type, group).",
				    who(n->dir), (unsigned long long)n->frame);
			}
			break;
		case N_PAYLOAD_MALFORMED:
		case N_INVALID_HASH_INFORMATION:
		case N_AUTHENTICATION_FAILED:
			if (!p1_done_at(sa, n->p1_at))
				break;  /* rule_psk */
			/* fall through */
		default: {
			bool dup = false;
			for (size_t k = 0; k < i; k++)
				dup = dup || sa->f.ntf[k].type == n->type;
			if (dup)
				break;  /* one finding per notify type and SA */
			f = add(c, "error-notify", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
			ikc_finding_frame(f, n->frame);
			ikc_finding_say(f, "The %s sent the error notify %s (frame %llu%s).", who(n->dir),
			    notify_name(n->type, nb, sizeof nb), (unsigned long long)n->frame,
			    !sa->p1_exchange ? "" : ntf_phase2(sa, n) ? ", phase 2" : ", phase 1");
			if (n->type == 11)
				ikc_finding_say(f, " INVALID-SPI: the peer has no IPsec SA for an SPI it received: one side kept "
				       "an SA the other dropped. Clear the IPsec SAs, enable DPD.");
			break;
		}
		}
	}
	for (size_t i = 0; i < sa->nqm && i < IKC_MAX_QM; i++)
		if (!qm_reported[i])
			rule_qm_unanswered(c, &sa->qm[i]);
	if (sa->f.ntf_dropped) {
		struct ikc_finding *f = add(c, "error-notify", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		ikc_finding_say(f, "%u more error notifies were not examined (limit %d per SA).", (unsigned)sa->f.ntf_dropped,
		    IKC_NTF_MAX);
	}
}

/* Where the NAT is, from which NAT-D hash differed (RFC 3947 §3.2: the
 * first hash is of the receiver's address as the sender sees it, the others
 * of the sender's own). */
static const char *natd_where(const struct ikc_natd_facts *nf)
{
	bool i_own = nf->mism[0][1], r_own = nf->mism[1][1];
	bool xi = nf->mism[1][0], xr = nf->mism[0][0]; /* the other side's view differs */

	if (xi && xr)
		return "both peers' addresses are translated";
	if (xi)
		return "the responder sees the initiator at another address: a NAT near the initiator";
	if (xr)
		return "the initiator sees the responder at another address: a NAT near the responder";
	if (i_own && r_own)
		return "each peer's hash of its own address differs: NAT-D faked to force UDP encapsulation "
		       "(strongSwan encap=yes or kernel-libipsec), or NATs on both sides";
	if (i_own)
		return "a NAT near the initiator, or the initiator fakes NAT-D to force UDP encapsulation";
	return "a NAT near the responder, or the responder fakes NAT-D to force UDP encapsulation";
}

static void rule_natt(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_natd_facts *nf = &sa->f.natd;
	struct ikc_finding *f;
	const char *near = natd_where(nf);

	if (!nf->nat)
		return;
	if (!c->icmp_told && natt_blocked(sa)) {
		f = add(c, "natt-blocked", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
		ikc_finding_frame(f, nf->frame);
		ikc_finding_frame(f, nf->first_4500_frame);
		ikc_finding_say(f, "NAT-D (frame %llu) shows a NAT between the peers (%s), so IKE moves to UDP 4500, ",
		    (unsigned long long)nf->frame, near);
		if (nf->first_4500_frame) {
			label_frames(sa, sa->p1_exchange == IKC_EX_AGGRESSIVE ? "AM3" : "MM5", f);
			ikc_finding_say(f, "but nothing comes back on UDP 4500 after the initiator's first message there (frame "
			       "%llu) and phase 1 does not complete: ",
			    (unsigned long long)nf->first_4500_frame);
		} else {
			const struct ikc_event *last = &sa->ev[sa->nev - 1];   /* the responder's, sent again */

			label_frames(sa, last->label, f);
			ikc_finding_say(f, "but no IKE message on UDP 4500 follows (the responder sent %s %u time%s, "
			       "waiting for the next message) and phase 1 does not complete: ",
			    last->label, last->retransmit + 1u, last->retransmit ? "s" : "");
		}
		ikc_finding_say(f, "UDP 4500 is blocked or not forwarded on the path (or the capture filter left it out). "
		       "Open UDP 4500 both ways.");
		if (nf->first_4500_frame)
			ikc_finding_say(f, " A responder that drops MM5 (PSK mismatch) looks the same from this side.");
		return;
	}
	f = add(c, "nat-detected", IKC_DIAG_INFO, IKC_DIAG_PROVEN);
	ikc_finding_frame(f, nf->frame);
	ikc_finding_frame(f, nf->first_4500_frame);
	ikc_finding_say(f, "NAT-D (frame %llu) shows a NAT between the peers (%s)", (unsigned long long)nf->frame, near);
	if (nf->first_4500_frame && nf->first_4500_frame == c->sa->first_frame)
		ikc_finding_say(f, "; IKE runs on UDP 4500 from its first message (frame %llu), ESP goes in UDP "
		    "(RFC 3948).", (unsigned long long)nf->first_4500_frame);
	else if (nf->first_4500_frame)
		ikc_finding_say(f, "; IKE moved to UDP 4500 (frame %llu), ESP goes in UDP (RFC 3948).",
		    (unsigned long long)nf->first_4500_frame);
	else
		ikc_finding_say(f, ".");
}

/* The probes of side d that no ACK answered (matched by sequence number),
 * since its last answered one, while the other side kept sending: its
 * messages do not reach the peer, or the peer does not answer them.  A
 * probe after which the capture holds nothing of the SA is not counted:
 * the capture may have ended before its answer. */
static void rule_dpd_one_way(struct ctx *c, enum ikc_dir d)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_p1_facts *p = &sa->f;
	enum ikc_dir other = d == IKC_DIR_I2R ? IKC_DIR_R2I : IKC_DIR_I2R;
	int side = d == IKC_DIR_R2I;
	uint64_t run[IKC_DPD_KEPT];
	size_t n = 0;
	struct ikc_finding *f;

	for (size_t k = 0; k < ikc_dpd_count(sa, side); k++) {
		const struct ikc_dpd_probe *e = ikc_dpd_probe(sa, side, k);
		if (e->ack_frame)
			n = 0;
		else if (e->frame < sa->last_frame)
			run[n++] = e->frame;
	}
	if (n < 2 || p->heard[other] <= run[0])
		return;
	f = add(c, "dpd-unanswered", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
	for (size_t i = 0; i < n; i++)
		ikc_finding_frame(f, run[i]);
	ikc_finding_frame(f, p->heard[other]);
	/* Only the last IKC_DPD_KEPT of a side are kept: a full run may be longer. */
	ikc_finding_say(f, "The %s's last %zu%s DPD R-U-THERE (frames %llu to %llu) got no R-U-THERE-ACK (matched by "
	       "sequence number, RFC 3706), though the %s kept sending (frame %llu): one direction is broken (a "
	       "filter, NAT or route drops what the %s sends on its way to the %s), or the %s does not answer "
	       "DPD for this SA. Left so, the %s takes its peer for dead when its DPD timeout runs out and tears "
	       "the SA down.",
	    who(d), n, n == IKC_DPD_KEPT ? " (or more)" : "", (unsigned long long)run[0],
	    (unsigned long long)run[n - 1], who(other), (unsigned long long)p->heard[other], who(d), who(other),
	    who(other), who(d));
}

static void rule_dpd(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_p1_facts *p = &sa->f;
	enum ikc_dir d = (enum ikc_dir)p->dpd_last_dir, other;
	uint32_t waiting;
	struct ikc_finding *f;

	if (d != IKC_DIR_I2R && d != IKC_DIR_R2I)
		return;
	other = d == IKC_DIR_I2R ? IKC_DIR_R2I : IKC_DIR_I2R;
	waiting = p->dpd_waiting[d];
	if (waiting < 2) {
		/* answered, or a single last probe: the capture may have ended */
		rule_dpd_one_way(c, IKC_DIR_I2R);
		rule_dpd_one_way(c, IKC_DIR_R2I);
		return;
	}
	f = add(c, "dead-peer", IKC_DIAG_FAILURE, IKC_DIAG_LIKELY);
	ikc_finding_frame(f, p->heard[other]);
	for (size_t i = 0; i < sa->nev; i++)   /* the probes since */
		if ((sa->ev[i].carries & IKC_EVC_DPD_PROBE) && sa->ev[i].dir == d &&
		    ikc_event_frame(sa, &sa->ev[i]) > p->heard[other])
			ikc_finding_frame(f, ikc_event_frame(sa, &sa->ev[i]));
	ikc_finding_say(f, "The %s sent %u DPD R-U-THERE (the last in frame %llu) and nothing came back from the %s",
	    who(d), waiting, (unsigned long long)p->dpd_last_frame, who(other));
	if (p->heard[other])
		ikc_finding_say(f, " after frame %llu", (unsigned long long)p->heard[other]);
	ikc_finding_say(f, ": the peer is gone, the path is broken, or the peer restarted and no longer knows this SA (a "
	       "stale SA: strongSwan drops messages for an IKE SA it does not know without a word, others "
	       "answer INVALID-COOKIE); the SA will be torn down, and a new phase 1 brings the tunnel back if "
	       "the peer is up.");
}

static void rule_deleted(struct ctx *c)
{
	static const enum ikc_dir senders[] = { IKC_DIR_I2R, IKC_DIR_R2I, IKC_DIR_UNKNOWN };
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_p1_facts *p = &sa->f;
	struct ikc_finding *f = NULL;

	for (size_t k = 0; k < sizeof senders / sizeof senders[0]; k++) {
		enum ikc_dir d = senders[k];
		uint32_t isakmp = p->deletes_isakmp[d], ipsec = p->deletes_ipsec[d];

		if (!isakmp && !ipsec)
			continue;
		if (!f) {
			f = add(c, "deleted", IKC_DIAG_INFO, IKC_DIAG_PROVEN);
			ikc_finding_say(f, "The %s deleted", who(d));
		} else {
			ikc_finding_say(f, "; the %s deleted", who(d));
		}
		ikc_finding_frame(f, p->delete_frame[d]);
		if (ipsec)
			ikc_finding_say(f, " %u IPsec SA payload%s", ipsec, ipsec > 1 ? "s" : "");
		if (ipsec && isakmp)
			ikc_finding_say(f, " and");
		if (isakmp)
			ikc_finding_say(f, " the IKE SA");
		ikc_finding_say(f, " (frame %llu)", (unsigned long long)p->delete_frame[d]);
	}
	if (!f)
		return;
	ikc_finding_say(f, ".");
	events_carrying(sa, IKC_EVC_DELETE, 0, f);
}

static void rule_missing_keys(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	const struct ikc_p1_facts *p = &sa->f;
	struct ikc_finding *f;

	if (!p->not_decrypted)
		return;
	f = add(c, "missing-keys", IKC_DIAG_WARNING, IKC_DIAG_PROVEN);
	ikc_finding_frame(f, p->not_decrypted_frame);
	ikc_finding_frame(f, p->wrong_key_frame);
	ikc_finding_say(f, "%u encrypted message%s (first: frame %llu) could not be decrypted", p->not_decrypted,
	    p->not_decrypted > 1 ? "s" : "", (unsigned long long)p->not_decrypted_frame);
	if (p->wrong_key)
		ikc_finding_say(f, "; %u with a key that does not fit (frame %llu): the key given is not the one the peers used",
		    p->wrong_key, (unsigned long long)p->wrong_key_frame);
	if (ikc_sa_crypto_missing(sa_crypto(sa)))
		ikc_finding_say(f, "; %s", ikc_sa_crypto_missing(sa_crypto(sa)));
	else if (!p->wrong_key)
		ikc_finding_say(f, "; give the PSK and g^xy (or the ikev1_decryption_table line) with -k");
	ikc_finding_say(f, ".");
}

/* The pair of peers of a phase 1, lower address first (either may initiate). */
static void done_key(const struct ikc_ike_sa *sa, struct ikc_p1_memo *k)
{
	bool i_first = memcmp(sa->iaddr, sa->raddr, 16) <= 0;

	k->af = sa->af;
	memcpy(k->lo, i_first ? sa->iaddr : sa->raddr, 16);
	memcpy(k->hi, i_first ? sa->raddr : sa->iaddr, 16);
	k->seq = sa->seq;
	k->first_frame = sa->first_frame;
	memcpy(k->icky, sa->icky, 8);
}

static int done_cmp_peers(const struct ikc_p1_memo *a, const struct ikc_p1_memo *b)
{
	int d;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if ((d = memcmp(a->lo, b->lo, 16)) != 0)
		return d;
	return memcmp(a->hi, b->hi, 16);
}

static int done_cmp(const void *x, const void *y)
{
	const struct ikc_p1_memo *a = x, *b = y;
	int d = done_cmp_peers(a, b);

	return d ? d : a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void rule_rekey(struct ctx *c)
{
	const struct ikc_ike_sa *sa = c->sa;
	size_t nquick = 0;
	struct ikc_finding *f;

	for (size_t i = 0; i < sa->nqm; i++)
		if (sa->qm[i].exchange == IKC_EX_QUICK && sa->qm[i].count >= 2)
			nquick++;
	if (nquick > 1) {
		f = add(c, "rekey", IKC_DIAG_INFO, IKC_DIAG_PROVEN);
		for (size_t i = 0; i < sa->nqm; i++)
			ikc_finding_frame(f, sa->qm[i].f.frame[0]);
		ikc_finding_say(f, "%zu Quick Modes under this IKE SA: the IPsec SAs were negotiated %zu times (rekeys or "
		       "several policies).",
		    nquick, nquick);
	}
	if (!sa->p1_exchange || !sa->roles_known)
		return;
	{
		/* The earliest finished phase 1 between the same two peers, if older. */
		struct ikc_p1_memo key;
		size_t lo = 0, hi = c->ndone;
		char cky[17];

		done_key(sa, &key);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (done_cmp_peers(&c->done[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == c->ndone || done_cmp_peers(&c->done[lo], &key) != 0)
			return;
		if (c->done[lo].seq >= sa->seq)   /* itself (seq is unique) or a later one */
			return;
		ikc_hex(c->done[lo].icky, 8, cky, sizeof cky);
		f = add(c, "rekey", IKC_DIAG_INFO, IKC_DIAG_LIKELY);
		ikc_finding_frame(f, c->done[lo].first_frame);
		ikc_finding_frame(f, sa->first_frame);
		ikc_finding_say(f, "A new phase 1 between the same peers (frame %llu) after SA %s (frame %llu): a phase-1 rekey "
		       "or a restart.",
		    (unsigned long long)sa->first_frame, cky, (unsigned long long)c->done[lo].first_frame);
	}
}

static void diagnose_one(struct ctx *c)
{
	/* A KEK's cookie pair carries rekeys: gdoi.c diagnoses those. */
	if (c->sa->ikev2 || c->sa->kek)
		return;
	c->icmp_told = false;
	rule_no_response(c);
	rule_icmp(c);
	rule_phase1_stalled(c);
	rule_psk(c);
	rule_notifies(c);
	rule_natt(c);
	rule_dpd(c);
	rule_aggressive(c);
	rule_missing_keys(c);
	rule_deleted(c);
	rule_rekey(c);
}

static int seq_cmp(const void *x, const void *y)
{
	const struct ikc_ike_sa *a = *(const struct ikc_ike_sa *const *)x, *b = *(const struct ikc_ike_sa *const *)y;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* How a run of the rules hands out what it finds. */
struct run_opts {
	bool count_only;             /* count (into counted), keep nothing */
	size_t counted;
	size_t batch;                /* take: after every `batch` SAs, out is handed over and emptied */
	ikc_diag_take_fn take;
	void *take_ctx;
};

static enum ikc_err run_rules(const struct ikc_ike_sa *const *sas, size_t n, const struct ikc_p1_memo *memos,
			      size_t nmemo, const struct ikc_ike_sa *const *only, size_t nonly,
			      struct ikc_diag_list *out, struct run_opts *o)
{
	struct ctx c = { .sas = sas, .nsas = n, .out = out, .count_only = o && o->count_only };
	const struct ikc_ike_sa *const *list = only ? only : sas;
	struct ikc_p1_memo *own = NULL;
	size_t done_in_batch = 0, batch_at = 0;

	/* Finished phase 1s by pair of peers: the session's memo (every one, as
	 * it finished, SAs since retired included, kept sorted) or, without one,
	 * these SAs. */
	if (memos) {
		c.done = memos;
		c.ndone = nmemo;
	} else {
		own = malloc(n ? n * sizeof *own : sizeof *own);
		if (!own)
			return IKC_NOMEM;
		for (size_t i = 0; i < n; i++) {
			const struct ikc_ike_sa *sa = sas[i];
			if (sa->p1_exchange && sa->roles_known && p1_done(sa))
				done_key(sa, &own[c.ndone++]);
		}
		qsort(own, c.ndone, sizeof *own, done_cmp);
		c.done = own;
	}
	/* Every SA, or those of `only` (in list order, as the caller sorted them):
	 * a batch of retiring SAs is not a walk over every live one. */
	for (size_t i = 0; i < (only ? nonly : n) && !c.nomem; i++) {
		c.sa = list[i];
		diagnose_one(&c);
		if (o && o->take && ++done_in_batch == o->batch) {
			o->take(o->take_ctx, list + batch_at, done_in_batch, out);
			ikc_diag_list_free(out);
			batch_at = i + 1;
			done_in_batch = 0;
		}
	}
	/* The last batch; out of memory, every SA not handed over yet with the
	 * findings made so far (a ladder still draws them all). */
	if (o && o->take && (only ? nonly : n) > batch_at) {
		o->take(o->take_ctx, list + batch_at, (only ? nonly : n) - batch_at, out);
		ikc_diag_list_free(out);
	}
	if (o)
		o->counted = c.counted;
	free(own);
	free(c.by_addr);
	free(c.bucket);
	return c.nomem ? IKC_NOMEM : IKC_OK;
}

enum ikc_err ikc_diagnose_sas_ex(const struct ikc_ike_sa *const *sas, size_t n, const struct ikc_p1_memo *memos,
				 size_t nmemo, const struct ikc_ike_sa *const *only, size_t nonly,
				 struct ikc_diag_list *out)
{
	return run_rules(sas, n, memos, nmemo, only, nonly, out, NULL);
}

enum ikc_err ikc_diagnose_sas(const struct ikc_ike_sa *const *sas, size_t n, struct ikc_diag_list *out)
{
	return ikc_diagnose_sas_ex(sas, n, NULL, 0, NULL, 0, out);
}

static enum ikc_err diagnose_in_session(const struct ikc_session *s, const struct ikc_ike_sa *const *only,
					size_t nonly, struct ikc_diag_list *out, struct run_opts *o)
{
	const struct ikc_ike_sa **v = NULL;
	const struct ikc_p1_memo *memos;
	size_t nmemo = ikc_session_p1_memos(s, &memos);
	size_t n = ikc_session_list(s, &v);
	enum ikc_err err = v ? run_rules(v, n, memos, nmemo, only, nonly, out, o) : IKC_NOMEM;

	free(v);
	return err;
}

enum ikc_err ikc_diagnose_session(const struct ikc_session *s, struct ikc_diag_list *out)
{
	return diagnose_in_session(s, NULL, 0, out, NULL);
}

enum ikc_err ikc_diagnose_session_count(const struct ikc_session *s, size_t *n)
{
	struct ikc_diag_list none;
	struct run_opts o = { .count_only = true };
	enum ikc_err err;

	ikc_diag_list_init(&none);
	err = diagnose_in_session(s, NULL, 0, &none, &o);
	*n = o.counted;
	return err;
}

enum ikc_err ikc_diagnose_session_each(const struct ikc_session *s, size_t batch, ikc_diag_take_fn take, void *ctx)
{
	struct ikc_diag_list l;
	struct run_opts o = { .batch = batch ? batch : 1, .take = take, .take_ctx = ctx };
	enum ikc_err err;

	ikc_diag_list_init(&l);
	err = diagnose_in_session(s, NULL, 0, &l, &o);
	ikc_diag_list_free(&l);
	return err;
}

enum ikc_err ikc_diagnose_retiring(const struct ikc_session *s, const struct ikc_ike_sa *const *sas, size_t n,
				   struct ikc_diag_list *out)
{
	const struct ikc_ike_sa **only = malloc((n ? n : 1) * sizeof *only);
	enum ikc_err err;

	if (!only)
		return IKC_NOMEM;
	memcpy(only, sas, n * sizeof *only);
	qsort(only, n, sizeof *only, seq_cmp);   /* the SA list's order */
	err = diagnose_in_session(s, only, n, out, NULL);
	free(only);
	return err;
}

/* ---- output ---- */

void ikc_diag_write(const struct ikc_finding *f, struct ikc_rw *w)
{
	ikc_rw_begin_map(w, NULL, "Diagnosis");
	ikc_rw_cstr(w, "type", "Record", "diagnosis");
	ikc_rw_cstr(w, "code", "Code", f->code);
	ikc_rw_cstr(w, "certainty", "Certainty", ikc_diag_certainty_name(f->certainty));
	ikc_rw_cstr(w, "severity", "Severity", ikc_diag_severity_name(f->severity));
	ikc_rw_bytes(w, "isakmp.ispi", "Initiator cookie", f->icky, 8);
	ikc_rw_begin_array(w, "frames", "Evidence frames");
	for (size_t i = 0; i < f->nframes; i++)
		ikc_rw_uint(w, NULL, "Frame", f->frames[i], IKC_RW_DEC, NULL);
	ikc_rw_end_array(w);
	if (f->frames_omitted)
		ikc_rw_uint(w, "frames_omitted", "Evidence frames not listed", f->frames_omitted, IKC_RW_DEC, NULL);
	ikc_rw_cstr(w, "text", "Finding", f->text ? f->text : "");
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

void ikc_diag_write_all(const struct ikc_diag_list *l, struct ikc_rw *w)
{
	for (size_t i = 0; i < l->n; i++)
		ikc_diag_write(&l->v[i], w);
}

static const char *sev_color(enum ikc_diag_severity s)
{
	return s == IKC_DIAG_FAILURE ? "\033[1;31m" : s == IKC_DIAG_WARNING ? "\033[33m" : "\033[36m";
}

/* Words of text onto s, wrapped at width, continuation lines indented; runs
 * of spaces become one.  Words that follow each other on a line with the one
 * space the text already has between them are copied as one piece. */
static void wrap(struct ikc_sbuf *s, const char *text, int col, int indent, int width)
{
	const char *p = text, *run = NULL, *run_end = NULL;   /* text copied as it is, not yet put */

	while (*p) {
		size_t wl = 0;

		while (p[wl] && p[wl] != ' ') /* words are short: no strcspn call */
			wl++;
		if (col > indent && col + 1 + (int)wl > width) {
			if (run)
				ikc_sb_putn(s, run, (size_t)(run_end - run));
			ikc_sb_putc(s, '\n');
			ikc_sb_fill(s, ' ', indent < 16 ? (size_t)indent : 16);   /* indents of at most 16 */
			col = indent;
			run = p;
		} else if (col > indent) {
			if (!run || p != run_end + 1) {   /* not one space after the run: put it, then one */
				if (run)
					ikc_sb_putn(s, run, (size_t)(run_end - run));
				ikc_sb_putc(s, ' ');
				run = p;
			}
			col++;
		} else {
			run = p;
		}
		col += (int)wl;
		p += wl;
		run_end = p;
		while (*p == ' ')
			p++;
	}
	if (run)
		ikc_sb_putn(s, run, (size_t)(run_end - run));
	ikc_sb_putc(s, '\n');
}

/* One finding: composed in a buffer (its text is bounded by IKC_DIAG_TEXT;
 * wrapping adds an indent per line), then one write. */
void ikc_diag_write_text(const struct ikc_finding *f, FILE *out, bool color, int width)
{
	char buf[2 * IKC_DIAG_TEXT + 512];
	struct ikc_sbuf s = ikc_sb_init(buf, sizeof buf);
	size_t head;

	if (width <= 20)
		width = 80;
	ikc_sb_put(&s, "  ");
	if (color)
		ikc_sb_put(&s, sev_color(f->severity));
	head = s.len;
	ikc_sb_putc(&s, '[');
	ikc_sb_put(&s, ikc_diag_severity_name(f->severity));
	ikc_sb_put(&s, ", ");
	ikc_sb_put(&s, ikc_diag_certainty_name(f->certainty));
	ikc_sb_put(&s, "] ");
	ikc_sb_put(&s, f->code);
	if (s.len - head > 127) /* the head was cut at 127 characters */
		s.len = head + 127;
	if (color)
		ikc_sb_put(&s, "\033[0m");
	ikc_sb_put(&s, " SA ");
	ikc_sb_hex(&s, f->icky, 8);
	if (f->nframes) {
		ikc_sb_put(&s, f->nframes > 1 ? " (frames" : " (frame");
		for (size_t i = 0; i < f->nframes; i++) {
			ikc_sb_putc(&s, i ? ',' : ' ');
			ikc_sb_u64(&s, f->frames[i]);
		}
		if (f->frames_omitted)
			ikc_sb_num(&s, " and ", f->frames_omitted, " more");
		ikc_sb_putc(&s, ')');
	}
	ikc_sb_put(&s, "\n    ");
	wrap(&s, f->text ? f->text : "", 4, 4, width);
	fwrite(s.b, 1, s.len, out);
}

void ikc_diag_write_text_head(size_t n, FILE *out)
{
	if (n)
		fprintf(out, "Diagnosis (%zu finding%s):\n", n, n > 1 ? "s" : "");
}

void ikc_diag_write_text_each(const struct ikc_diag_list *l, FILE *out, bool color)
{
	for (size_t i = 0; i < l->n; i++)
		ikc_diag_write_text(&l->v[i], out, color, 80);
}

void ikc_diag_write_text_all(const struct ikc_diag_list *l, FILE *out, bool color)
{
	ikc_diag_write_text_head(l->n, out);
	ikc_diag_write_text_each(l, out, color);
}

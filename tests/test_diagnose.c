/* test_diagnose.c - the diagnosis rules (diagnose.c) and the ladder (ladder.c)
 * on SA facts built by hand.
 *
 * Each case is a situation from the field (../shared/DESIGN.md "Diagnosis")
 * written as the facts the session records: which messages went which way,
 * how often, which notify came back (RFC 2408 §3.14.1 numbers: 4
 * INVALID-COOKIE, 13 ATTRIBUTES-NOT-SUPPORTED, 14 NO-PROPOSAL-CHOSEN, 16
 * PAYLOAD-MALFORMED, 18 INVALID-ID-INFORMATION, 24 AUTHENTICATION-FAILED;
 * RFC 3706 §5 DPD 36136/36137), what a decrypted QM carried (RFC 2409 §5.5:
 * KE in QM1/QM2 is PFS).  The expected finding is what an engineer concludes
 * from that situation, not what ikecap printed.  The same rules run on real
 * captures in tests/check_diag.py.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dissector/diagnose.h"
#include "../dissector/ladder.h"
#include "../dissector/record.h"
#include "../dissector/sa_crypto.h"
#include "../dissector/session_int.h"
#include "../dissector/util.h"

static struct ikc_ike_sa *sa_new(uint8_t exchange, uint8_t last_addr_i, uint8_t last_addr_r)
{
	struct ikc_ike_sa *sa = calloc(1, sizeof *sa);

	cr_assert_not_null(sa);
	for (int i = 0; i < 8; i++) {
		sa->icky[i] = (uint8_t)(0x11 * (i + 1));
		sa->rcky[i] = (uint8_t)(0xa0 + i);
	}
	sa->have_rcky = true;
	sa->roles_known = true;
	sa->af = 4;
	sa->iaddr[0] = 198, sa->iaddr[1] = 51, sa->iaddr[2] = 100, sa->iaddr[3] = last_addr_i;
	sa->raddr[0] = 198, sa->raddr[1] = 51, sa->raddr[2] = 100, sa->raddr[3] = last_addr_r;
	sa->iport = sa->rport = 500;
	sa->p1_exchange = exchange;
	sa->ev = calloc(IKC_EV_MAX, sizeof *sa->ev);
	sa->ev_cap = IKC_EV_MAX;
	sa->qm = calloc(IKC_MAX_QM, sizeof *sa->qm);
	sa->qm_cap = IKC_MAX_QM;
	for (size_t i = 0; sa->qm && i < IKC_MAX_QM; i++)
		cr_assert_not_null(sa->qm[i].f.words = calloc(1, sizeof *sa->qm[i].f.words));
	sa->f.offered = calloc(IKC_P1_OFFERS, sizeof *sa->f.offered);
	sa->f.offered_cap = IKC_P1_OFFERS;
	sa->f.ntf = calloc(IKC_NTF_MAX, sizeof *sa->f.ntf);
	sa->f.ntf_cap = IKC_NTF_MAX;
	sa->crypto = calloc(1, sizeof *sa->crypto);
	cr_assert(sa->ev && sa->qm && sa->f.offered && sa->f.ntf && sa->crypto);
	return sa;
}

static void sa_free(struct ikc_ike_sa *sa)
{
	if (sa->lf) {
		for (size_t i = 0; i < sa->lf->nev; i++)
			free(sa->lf->ev[i].detail);
		free(sa->lf->ev);
		free(sa->lf->pl);
		free(sa->lf);
	}
	free(sa->ev);
	free(sa->icmp);
	for (size_t i = 0; i < sa->qm_cap; i++) {
		struct ikc_qm_words *w = sa->qm[i].f.words;
		for (size_t k = 0; k < IKC_QM_OFFERS; k++)
			free(w->offered[k]);
		free(w->idci);
		free(w->idcr);
		free(w->chosen);
		free(w);
	}
	free(sa->qm);
	free(sa->f.offered);
	free(sa->f.id_i);
	free(sa->f.id_r);
	free(sa->f.ntf);
	ikc_sa_crypto_free(sa->crypto);   /* its texts and key candidates */
	free(sa);
}

/* One payload of event e, appended to the SA's pool as the session does
 * (an event's payloads are contiguous there). */
static struct ikc_ladder_facts *lf_of(struct ikc_ike_sa *sa)
{
	if (!sa->lf)
		cr_assert_not_null(sa->lf = calloc(1, sizeof *sa->lf));
	return sa->lf;
}

/* The ladder's record of event e, made (zeroed) as the session makes it. */
static struct ikc_ev_ladder *le_of(struct ikc_ike_sa *sa, const struct ikc_event *e)
{
	struct ikc_ladder_facts *lf = lf_of(sa);
	size_t i = (size_t)(e - sa->ev);

	if (i >= lf->nev) {
		struct ikc_ev_ladder *v = realloc(lf->ev, (i + 1) * sizeof *v);

		cr_assert_not_null(v);
		memset(v + lf->nev, 0, (i + 1 - lf->nev) * sizeof *v);
		lf->ev = v;
		lf->nev = lf->ev_cap = i + 1;
	}
	return &lf->ev[i];
}

static void ev_pl(struct ikc_ike_sa *sa, struct ikc_event *e, uint8_t type, bool enc, uint16_t arg)
{
	struct ikc_ev_ladder *le = le_of(sa, e);
	struct ikc_ladder_facts *lf = sa->lf;
	struct ikc_ev_pl *v = realloc(lf->pl, (lf->npl + 1) * sizeof *v);

	cr_assert_not_null(v);
	lf->pl = v;
	if (!le->npl)
		le->pl_at = (uint16_t)lf->npl;
	lf->pl[lf->npl++] = (struct ikc_ev_pl){ type, enc, arg };
	lf->pl_cap = lf->npl;
	le->npl++;
}

/* One message: frame, seconds since start, direction, label, retransmission
 * number (0 first copy), UDP port. */
static struct ikc_event *msg(struct ikc_ike_sa *sa, uint64_t frame, double t, enum ikc_dir dir, const char *label,
			     uint32_t rn, uint16_t port)
{
	struct ikc_event *e = &sa->ev[sa->nev++];

	memset(e, 0, sizeof *e);
	if (!sa->first_frame)
		sa->first_frame = frame, sa->first_ts_sec = 1000;
	cr_assert_geq(frame, sa->first_frame, "events are kept relative to the SA's first frame");
	e->frame_after = (uint32_t)(frame - sa->first_frame);
	e->ts_after = (int32_t)(1000 + (int64_t)t - sa->first_ts_sec);
	e->ts_nsec = (uint32_t)((t - (double)(int64_t)t) * 1e9);
	e->dir = dir;
	snprintf(e->label, sizeof e->label, "%s", label);
	e->retransmit = rn;
	{
		struct ikc_ev_ladder *le = le_of(sa, e);
		le->sport = le->dport = port;
	}
	e->exchange = label[0] == 'M' ? IKC_EX_MAIN : label[0] == 'A' ? IKC_EX_AGGRESSIVE
		      : label[0] == 'Q' ? IKC_EX_QUICK : IKC_EX_INFO;
	sa->msgs++;
	if (rn)
		sa->retrans++;
	else if ((label[0] == 'M' || label[0] == 'A') && label[1] == 'M') {
		int n = label[2] - '0';
		if (n > sa->p1_last)
			sa->p1_last = n;
		if (dir == IKC_DIR_I2R)
			sa->p1_from_i++;
		else
			sa->p1_from_r++;
	}
	return e;
}

static void ntf(struct ikc_ike_sa *sa, uint16_t type, enum ikc_dir dir, uint64_t frame, uint32_t qm_open)
{
	struct ikc_ntf *n = &sa->f.ntf[sa->f.nntf++];

	n->type = type;
	n->dir = dir;
	n->frame = frame;
	n->p1_at = sa->p1_last;
	n->qm_open = qm_open;
	n->protoid = qm_open ? IKC_PROTO_ESP : IKC_PROTO_ISAKMP;
}

static struct ikc_qm *qm(struct ikc_ike_sa *sa, uint32_t msgid, enum ikc_dir idir, uint32_t count, uint64_t f1)
{
	struct ikc_qm *q = &sa->qm[sa->nqm++];
	struct ikc_qm_words *w = q->f.words;   /* made empty with the SA */

	memset(q, 0, sizeof *q);
	q->f.words = w;
	q->msgid = msgid;
	q->exchange = IKC_EX_QUICK;
	q->initiator_dir = idir;
	q->count = count;
	for (uint32_t i = 0; i < count && i < 3; i++) {
		q->f.frame[i] = f1 + i;
		q->f.seen_plain[i] = true;
	}
	return q;
}

/* A whole healthy Main Mode + Quick Mode, frames 1..9. */
static void healthy_mm(struct ikc_ike_sa *sa)
{
	static const char *const l[] = { "MM1", "MM2", "MM3", "MM4", "MM5", "MM6" };

	for (int i = 0; i < 6; i++)
		msg(sa, (uint64_t)i + 1, 0.01 * i, i % 2 ? IKC_DIR_R2I : IKC_DIR_I2R, l[i], 0, 500);
	msg(sa, 7, 0.07, IKC_DIR_I2R, "QM1", 0, 500);
	msg(sa, 8, 0.08, IKC_DIR_R2I, "QM2", 0, 500);
	msg(sa, 9, 0.09, IKC_DIR_I2R, "QM3", 0, 500);
	qm(sa, 0x1234, IKC_DIR_I2R, 3, 7);
}

struct run {
	struct ikc_diag_list l;
};

static void diag(struct run *r, struct ikc_ike_sa **sas, size_t n)
{
	ikc_diag_list_init(&r->l);
	cr_assert_eq(ikc_diagnose_sas((const struct ikc_ike_sa *const *)sas, n, &r->l), IKC_OK);
}

static const struct ikc_finding *find(const struct run *r, const char *code)
{
	for (size_t i = 0; i < r->l.n; i++)
		if (strcmp(r->l.v[i].code, code) == 0)
			return &r->l.v[i];
	return NULL;
}

static bool has_frame(const struct ikc_finding *f, uint64_t fr)
{
	for (size_t i = 0; i < f->nframes; i++)
		if (f->frames[i] == fr)
			return true;
	return false;
}

Test(diagnose, healthy_main_mode_has_no_failure)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;

	healthy_mm(sa);
	diag(&r, &sa, 1);
	cr_assert_not(ikc_diag_has_failure(&r.l));
	cr_assert_eq(r.l.n, 0);
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, mm1_retransmitted_unanswered_is_no_response)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	msg(sa, 2, 4, IKC_DIR_I2R, "MM1", 1, 500);
	msg(sa, 3, 11.2, IKC_DIR_I2R, "MM1", 2, 500);
	diag(&r, &sa, 1);
	f = find(&r, "no-response");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, IKC_DIAG_FAILURE);
	cr_assert_eq(f->certainty, IKC_DIAG_LIKELY);
	cr_assert_eq(f->nframes, 3);
	cr_assert(has_frame(f, 1) && has_frame(f, 2) && has_frame(f, 3));
	cr_assert_not_null(strstr(f->text, "MM_WAIT_MSG2"));
	cr_assert_not_null(strstr(f->text, "3 times"));
	cr_assert_not_null(strstr(f->text, "198.51.100.2"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, icmp_port_unreachable_proves_no_response)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	/* RFC 792: destination unreachable (3), port unreachable (3), from the peer */
	struct ikc_icmp_seen icmp = { .frame = 2, .ts_sec = 1000, .type = 3, .code = 3 };

	msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	memcpy(icmp.from, sa->raddr, 16);
	for (uint64_t fr = 2; fr <= 22; fr += 2) {   /* 11 of them: the first 7 and the latest are kept */
		icmp.frame = fr;
		cr_assert(ikc_sa_note_icmp(sa, &icmp));
	}
	cr_assert_eq(sa->icmp_errors, 11);
	diag(&r, &sa, 1);
	f = find(&r, "no-response");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_PROVEN);
	cr_assert(has_frame(f, 1) && has_frame(f, 2) && has_frame(f, 14) && !has_frame(f, 16) && has_frame(f, 22),
		  "MM1 and the ICMP errors kept");
	cr_assert_not_null(strstr(f->text, "11 times, last in frame 22"));
	cr_assert_not_null(strstr(f->text, "nothing listens"));
	ikc_diag_list_free(&r.l);

	sa->icmp[sa->nicmp - 1].from[3] = 254;   /* the latest from a router on the way */
	diag(&r, &sa, 1);
	f = find(&r, "no-response");
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->text, "on the path, answers for the peer"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, single_mm1_is_not_enough)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;

	msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	diag(&r, &sa, 1);
	cr_assert_eq(r.l.n, 0, "one MM1 and the capture ends: no claim");
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, mm3_unanswered_is_phase1_stalled)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	msg(sa, 2, 0.01, IKC_DIR_R2I, "MM2", 0, 500);
	msg(sa, 3, 0.02, IKC_DIR_I2R, "MM3", 0, 500);
	msg(sa, 4, 4.02, IKC_DIR_I2R, "MM3", 1, 500);
	diag(&r, &sa, 1);
	f = find(&r, "phase1-stalled");
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->text, "MM_WAIT_MSG4"));
	cr_assert_null(find(&r, "no-response"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, phase1_no_proposal_lists_both_sides_offers)
{
	struct ikc_ike_sa *a = sa_new(IKC_EX_MAIN, 1, 2), *b = sa_new(IKC_EX_MAIN, 2, 1);
	struct ikc_ike_sa *v[2] = { a, b };
	struct run r;
	const struct ikc_finding *f;

	msg(a, 3, 0, IKC_DIR_I2R, "MM1", 0, 500);
	snprintf(a->f.offered[0], IKC_XFORM_TEXT, "AES-CBC-128, SHA1, modp1024 (group 2), pre-shared key");
	snprintf(a->f.offered[1], IKC_XFORM_TEXT, "3DES-CBC, MD5, modp768 (group 1), pre-shared key");
	a->f.offered_prop[0] = a->f.offered_prop[1] = 1;
	a->f.offered_tr[0] = 1, a->f.offered_tr[1] = 2;
	a->f.noffered = 2;
	a->f.offer_frame = 3;
	ntf(a, 14, IKC_DIR_R2I, 4, 0);
	/* The responder, initiating on its own, offers something else. */
	msg(b, 10, 5, IKC_DIR_I2R, "MM1", 0, 500);
	snprintf(b->f.offered[0], IKC_XFORM_TEXT, "AES-CBC-256, SHA2-256, modp2048 (group 14), pre-shared key");
	b->f.noffered = 1;
	b->f.offered_prop[0] = b->f.offered_tr[0] = 1;
	b->f.offer_frame = 10;
	b->seq = 1;
	diag(&r, v, 2);
	f = find(&r, "no-proposal-chosen");
	cr_assert_not_null(f);
	cr_assert_eq(f->sa, a);
	cr_assert_eq(f->certainty, IKC_DIAG_PROVEN);
	cr_assert(has_frame(f, 3) && has_frame(f, 4) && has_frame(f, 10));
	cr_assert_not_null(strstr(f->text, "[1.1] AES-CBC-128, SHA1"));
	cr_assert_not_null(strstr(f->text, "[1.2] 3DES-CBC, MD5"));
	cr_assert_not_null(strstr(f->text, "responder's own offers"));
	cr_assert_not_null(strstr(f->text, "AES-CBC-256, SHA2-256"));
	ikc_diag_list_free(&r.l);
	sa_free(a);
	sa_free(b);
}

static void up_to_mm5(struct ikc_ike_sa *sa)
{
	msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	msg(sa, 2, 0.01, IKC_DIR_R2I, "MM2", 0, 500);
	msg(sa, 3, 0.02, IKC_DIR_I2R, "MM3", 0, 500);
	msg(sa, 4, 0.03, IKC_DIR_R2I, "MM4", 0, 500);
	msg(sa, 5, 0.04, IKC_DIR_I2R, "MM5", 0, 500)->encrypted = true;
}

Test(diagnose, psk_proven_when_the_two_sides_keys_differ)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	up_to_mm5(sa);
	msg(sa, 6, 0.05, IKC_DIR_R2I, "INFO", 0, 500);
	ntf(sa, 16, IKC_DIR_R2I, 6, 0);
	sa->crypto->psk_differs = true;
	/* two candidates, one per side (freed with the SA) */
	cr_assert_not_null(sa->crypto->cand = calloc(2, sizeof *sa->crypto->cand));
	sa->crypto->ncand = 2;
	snprintf(sa->crypto->cand[0].source, sizeof sa->crypto->cand[0].source, "psk a.keys:3");
	snprintf(sa->crypto->cand[1].source, sizeof sa->crypto->cand[1].source, "psk a.keys:4");
	sa->crypto->side[0] = 1;
	sa->crypto->side[1] = 2;
	diag(&r, &sa, 1);
	f = find(&r, "psk-mismatch");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_PROVEN);
	cr_assert(has_frame(f, 5) && has_frame(f, 6));
	cr_assert_not_null(strstr(f->text, "a.keys:3"));
	cr_assert_not_null(strstr(f->text, "PAYLOAD-MALFORMED"));
	cr_assert_null(find(&r, "error-notify"), "the notify is part of the PSK finding");
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, psk_likely_from_mm5_retransmitted_without_mm6)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	up_to_mm5(sa);
	msg(sa, 6, 4.04, IKC_DIR_I2R, "MM5", 1, 500);
	msg(sa, 7, 11.24, IKC_DIR_I2R, "MM5", 2, 500);
	diag(&r, &sa, 1);
	f = find(&r, "psk-mismatch");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_LIKELY);
	cr_assert(has_frame(f, 5) && has_frame(f, 6) && has_frame(f, 7));
	cr_assert_not_null(strstr(f->text, "MM_WAIT_MSG6"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, psk_likely_from_notify_after_mm5)
{
	static const uint16_t types[] = { 16, 23, 24 };

	for (size_t i = 0; i < 3; i++) {
		struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
		struct run r;
		const struct ikc_finding *f;

		up_to_mm5(sa);
		ntf(sa, types[i], IKC_DIR_R2I, 6, 0);
		diag(&r, &sa, 1);
		f = find(&r, "psk-mismatch");
		cr_assert_not_null(f, "notify %u", types[i]);
		cr_assert_eq(f->certainty, IKC_DIAG_LIKELY);
		cr_assert(has_frame(f, 6));
		ikc_diag_list_free(&r.l);
		sa_free(sa);
	}
}

Test(diagnose, mm5_retransmitted_but_mm6_came_is_no_psk_problem)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;

	up_to_mm5(sa);
	msg(sa, 6, 4.04, IKC_DIR_I2R, "MM5", 1, 500);
	msg(sa, 7, 4.05, IKC_DIR_R2I, "MM6", 0, 500);
	diag(&r, &sa, 1);
	cr_assert_null(find(&r, "psk-mismatch"));
	cr_assert_not(ikc_diag_has_failure(&r.l));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, signature_auth_says_auth_failed_not_psk)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;

	up_to_mm5(sa);
	sa->crypto->have_transform = true;
	sa->crypto->auth = 3; /* RSA signatures, RFC 2409 App. A */
	ntf(sa, 24, IKC_DIR_R2I, 6, 0);
	diag(&r, &sa, 1);
	cr_assert_null(find(&r, "psk-mismatch"));
	cr_assert_not_null(find(&r, "auth-failed"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, aggressive_mode_hash_r_failure)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_AGGRESSIVE, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	msg(sa, 1, 0, IKC_DIR_I2R, "AM1", 0, 500);
	msg(sa, 2, 0.01, IKC_DIR_R2I, "AM2", 0, 500)->hash = IKC_HASH_FAILED;
	cr_assert(ikc_text_set(&sa->f.id_i, "initiator.example", IKC_IDTEXT));
	cr_assert(ikc_text_set(&sa->f.id_r, "responder.example", IKC_IDTEXT));
	diag(&r, &sa, 1);
	f = find(&r, "psk-mismatch");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_PROVEN);
	f = find(&r, "aggressive-mode");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, IKC_DIAG_WARNING);
	cr_assert_not_null(strstr(f->text, "initiator.example"));
	cr_assert_not_null(strstr(f->text, "offline"));
	ikc_diag_list_free(&r.l);

	/* AM3 came: the peers agree; only the key given to us is wrong. */
	msg(sa, 3, 0.02, IKC_DIR_I2R, "AM3", 0, 500);
	diag(&r, &sa, 1);
	cr_assert_null(find(&r, "psk-mismatch"));
	cr_assert_not_null(find(&r, "aggressive-mode"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, ke_on_one_side_only_is_pfs_mismatch)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;
	struct ikc_qm *q;

	healthy_mm(sa);
	q = &sa->qm[0];
	q->f.ke[0] = true;   /* QM1 carries KE, QM2 does not */
	diag(&r, &sa, 1);
	f = find(&r, "pfs-mismatch");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_PROVEN);
	cr_assert(has_frame(f, 7) && has_frame(f, 8));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, pfs_offer_refused_is_pfs_mismatch_likely)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;
	struct ikc_qm *q;

	healthy_mm(sa);
	sa->nqm = 0;
	sa->nev = 7;                         /* keep MM1..MM6 and QM1 */
	q = qm(sa, 0x77, IKC_DIR_I2R, 1, 7);
	q->f.ke[0] = true;
	q->f.group[0] = 14;
	ntf(sa, 14, IKC_DIR_R2I, 8, 0x77);
	diag(&r, &sa, 1);
	f = find(&r, "pfs-mismatch");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_LIKELY);
	cr_assert(has_frame(f, 7) && has_frame(f, 8));
	cr_assert_null(find(&r, "transform-mismatch"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, qm_no_proposal_without_pfs_is_transform_mismatch)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;
	struct ikc_qm *q;

	healthy_mm(sa);
	sa->nqm = 0;
	sa->nev = 7;
	q = qm(sa, 0x77, IKC_DIR_I2R, 1, 7);
	cr_assert(ikc_text_set(&q->f.words->offered[0], "ESP 3DES-CBC, HMAC-MD5, tunnel", IKC_XFORM_TEXT));
	cr_assert(ikc_text_set(&q->f.words->offered[1], "ESP AES-CBC-128, HMAC-SHA1, tunnel", IKC_XFORM_TEXT));
	q->f.words->noffered = 2;
	ntf(sa, 14, IKC_DIR_R2I, 8, 0x77);
	diag(&r, &sa, 1);
	f = find(&r, "transform-mismatch");
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->text, "ESP 3DES-CBC, HMAC-MD5"));
	cr_assert_not_null(strstr(f->text, "ESP AES-CBC-128, HMAC-SHA1"));
	cr_assert_null(find(&r, "pfs-mismatch"));
	cr_assert_null(find(&r, "no-proposal-chosen"), "phase 1 was done: this is phase 2");
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, invalid_id_names_the_unmirrored_acl)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;
	struct ikc_qm *q, *back;

	healthy_mm(sa);
	sa->nqm = 0;
	sa->nev = 7;
	q = qm(sa, 0x77, IKC_DIR_I2R, 1, 7);
	cr_assert(ikc_text_set(&q->f.words->idci, "10.1.0.0/24", IKC_IDTEXT));
	cr_assert(ikc_text_set(&q->f.words->idcr, "10.2.0.0/24", IKC_IDTEXT));
	q->f.words->have_ids = true;
	ntf(sa, 18, IKC_DIR_R2I, 8, 0x77);
	/* The responder's own QM proposes the same pair instead of its mirror. */
	back = qm(sa, 0x99, IKC_DIR_R2I, 1, 20);
	cr_assert(ikc_text_set(&back->f.words->idci, "10.1.0.0/24", IKC_IDTEXT));
	cr_assert(ikc_text_set(&back->f.words->idcr, "10.2.0.0/24", IKC_IDTEXT));
	back->f.words->have_ids = true;
	diag(&r, &sa, 1);
	f = find(&r, "proxy-id-mismatch");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_PROVEN);
	cr_assert(has_frame(f, 7) && has_frame(f, 8) && has_frame(f, 20));
	cr_assert_not_null(strstr(f->text, "local 10.1.0.0/24, remote 10.2.0.0/24"));
	cr_assert_not_null(strstr(f->text, "not mirror images"));
	ikc_diag_list_free(&r.l);

	/* A mirror image is not the reversed-ACL case. */
	cr_assert(ikc_text_set(&back->f.words->idci, "10.2.0.0/24", IKC_IDTEXT));
	cr_assert(ikc_text_set(&back->f.words->idcr, "10.1.0.0/24", IKC_IDTEXT));
	diag(&r, &sa, 1);
	f = find(&r, "proxy-id-mismatch");
	cr_assert_not_null(f);
	cr_assert_null(strstr(f->text, "not mirror images"));
	cr_assert_not_null(strstr(f->text, "proposes the mirror"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, invalid_cookie)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	msg(sa, 5, 0, IKC_DIR_I2R, "QM1", 0, 500);
	qm(sa, 0x55, IKC_DIR_I2R, 1, 5);
	ntf(sa, 4, IKC_DIR_R2I, 6, 0x55);
	sa->p1_exchange = 0;
	diag(&r, &sa, 1);
	f = find(&r, "invalid-cookie");
	cr_assert_not_null(f);
	cr_assert_eq(f->certainty, IKC_DIAG_PROVEN);
	cr_assert(has_frame(f, 6));
	cr_assert_not_null(strstr(f->text, "stale"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, nat_without_4500_is_natt_blocked)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	msg(sa, 2, 0.01, IKC_DIR_R2I, "MM2", 0, 500);
	msg(sa, 3, 0.02, IKC_DIR_I2R, "MM3", 0, 500);
	msg(sa, 4, 0.03, IKC_DIR_R2I, "MM4", 0, 500);
	sa->f.natd.seen = sa->f.natd.nat = true;
	sa->f.natd.mism[1][0] = true;        /* the responder sees the initiator elsewhere */
	sa->f.natd.frame = 4;
	diag(&r, &sa, 1);
	cr_assert_null(find(&r, "natt-blocked"), "the capture ends on MM4: nothing blocked yet");
	ikc_diag_list_free(&r.l);

	msg(sa, 5, 4.03, IKC_DIR_R2I, "MM4", 1, 500);   /* the responder waited, and sent MM4 again */
	diag(&r, &sa, 1);
	f = find(&r, "natt-blocked");
	cr_assert_not_null(f);
	cr_assert(has_frame(f, 4) && has_frame(f, 5));
	cr_assert_not_null(strstr(f->text, "near the initiator"));
	cr_assert_not_null(strstr(f->text, "sent MM4 2 times"));
	ikc_diag_list_free(&r.l);

	/* MM5/MM6 on 4500: NAT-T works, information only. */
	msg(sa, 6, 4.04, IKC_DIR_I2R, "MM5", 0, 4500);
	msg(sa, 7, 4.05, IKC_DIR_R2I, "MM6", 0, 4500);
	sa->f.natd.first_4500_frame = 6;
	diag(&r, &sa, 1);
	cr_assert_null(find(&r, "natt-blocked"));
	f = find(&r, "nat-detected");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, IKC_DIAG_INFO);
	cr_assert_not(ikc_diag_has_failure(&r.l));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, dpd_without_ack_is_dead_peer)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;

	const struct ikc_finding *f;

	healthy_mm(sa);
	sa->f.dpd_last_frame = 40;
	sa->f.dpd_last_dir = IKC_DIR_I2R;
	sa->f.heard[IKC_DIR_R2I] = 21;       /* the responder's ACK */
	sa->f.dpd_waiting[IKC_DIR_I2R] = 2;  /* two probes since, unanswered */
	diag(&r, &sa, 1);
	f = find(&r, "dead-peer");
	cr_assert_not_null(f);
	cr_assert(has_frame(f, 21));
	cr_assert_not_null(strstr(f->text, "The initiator sent 2 DPD R-U-THERE (the last in frame 40)"));
	cr_assert_not_null(strstr(f->text, "after frame 21"));
	ikc_diag_list_free(&r.l);

	sa->f.dpd_waiting[IKC_DIR_I2R] = 1;  /* one: the capture may just have ended */
	diag(&r, &sa, 1);
	cr_assert_null(find(&r, "dead-peer"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, informational_findings)
{
	struct ikc_ike_sa *a = sa_new(IKC_EX_MAIN, 1, 2), *b = sa_new(IKC_EX_MAIN, 1, 2);
	struct ikc_ike_sa *v[2] = { a, b };
	struct run r;
	const struct ikc_finding *f;

	healthy_mm(a);
	qm(a, 0x4321, IKC_DIR_R2I, 3, 30);   /* a second Quick Mode: rekey */
	a->f.deletes_isakmp[IKC_DIR_I2R] = 1;
	a->f.delete_frame[IKC_DIR_I2R] = 50;
	a->f.not_decrypted = 2;
	a->f.not_decrypted_frame = 5;
	cr_assert(ikc_text_set(&a->crypto->missing_text, "the PSK for 198.51.100.2", IKC_CR_TEXT));
	healthy_mm(b);                       /* a new phase 1 between the same peers */
	b->seq = 1;
	b->first_frame = 60;
	diag(&r, v, 2);
	cr_assert_not(ikc_diag_has_failure(&r.l));
	f = find(&r, "deleted");
	cr_assert_not_null(f);
	cr_assert(has_frame(f, 50));
	f = find(&r, "missing-keys");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, IKC_DIAG_WARNING);
	cr_assert_not_null(strstr(f->text, "the PSK for 198.51.100.2"));
	f = find(&r, "rekey");
	cr_assert_not_null(f);
	cr_assert_eq(f->sa, a, "first: the two Quick Modes of SA a");
	{
		size_t n = 0;
		for (size_t i = 0; i < r.l.n; i++)
			if (strcmp(r.l.v[i].code, "rekey") == 0 && r.l.v[i].sa == b)
				n++;
		cr_assert_eq(n, 1, "the later SA names the earlier one");
	}
	ikc_diag_list_free(&r.l);
	sa_free(a);
	sa_free(b);
}

Test(diagnose, qm_initiator_refusing_qm2_is_install_failure)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	struct ikc_qm *q;

	healthy_mm(sa);
	sa->nqm = 0;
	sa->nev = 8;
	q = qm(sa, 0x77, IKC_DIR_I2R, 2, 7);
	ntf(sa, 14, IKC_DIR_I2R, 9, 0x77);
	diag(&r, &sa, 1);
	cr_assert_not_null(find(&r, "sa-install-failed"));
	cr_assert_null(find(&r, "transform-mismatch"));
	(void)q;
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, bounds_hold_on_hostile_amounts)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	const struct ikc_finding *f;

	msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	/* 40 retransmissions: the frame list stays bounded and sorted */
	for (uint32_t i = 1; i <= 40; i++)
		msg(sa, 100 - i, i, IKC_DIR_I2R, "MM1", i, 500);
	/* the longest texts everywhere */
	for (size_t i = 0; i < IKC_P1_OFFERS; i++) {
		memset(sa->f.offered[i], 'x', IKC_XFORM_TEXT - 1);
		sa->f.offered[i][IKC_XFORM_TEXT - 1] = '\0';
	}
	sa->f.noffered = IKC_P1_OFFERS;
	sa->f.offered_dropped = 1000;
	for (size_t i = 0; i < IKC_NTF_MAX; i++)
		ntf(sa, 14, IKC_DIR_R2I, 200 + i, 0);
	sa->f.ntf_dropped = 5;
	diag(&r, &sa, 1);
	for (size_t i = 0; i < r.l.n; i++) {
		f = &r.l.v[i];
		cr_assert_leq(f->nframes, IKC_DIAG_FRAMES);
		cr_assert_lt(strlen(f->text), IKC_DIAG_TEXT);
		for (size_t k = 1; k < f->nframes; k++)
			cr_assert_lt(f->frames[k - 1], f->frames[k]);
	}
	cr_assert_not_null(find(&r, "no-proposal-chosen"));
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(diagnose, json_record_has_the_agreed_fields)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct run r;
	struct ikc_rw w;
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);

	up_to_mm5(sa);
	sa->crypto->psk_differs = true;
	ntf(sa, 16, IKC_DIR_R2I, 6, 0);
	diag(&r, &sa, 1);
	cr_assert_not_null(mf);
	ikc_rw_json_init(&w, mf);
	ikc_diag_write(find(&r, "psk-mismatch"), &w);
	fclose(mf);
	cr_assert_not_null(strstr(buf, "{\"type\":\"diagnosis\",\"code\":\"psk-mismatch\",\"certainty\":\"proven\","),
			   "%s", buf);
	cr_assert_not_null(strstr(buf, "\"isakmp.ispi\":\"1122334455667788\""), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"frames\":[5,6]"), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"text\":\"The peers use different pre-shared keys"), "%s", buf);
	cr_assert_eq(buf[len - 1], '\n');
	free(buf);
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

/* ---- ladder ---- */

static char *ladder_of(struct ikc_ike_sa *sa, bool color, struct ikc_diag_list *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);

	cr_assert_not_null(mf);
	ikc_ladder_write_sa(sa, l, mf, color);
	fclose(mf);
	return buf;
}

Test(ladder, arrows_labels_and_findings)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct ikc_event *e;
	struct run r;
	char *out, *line, *save = NULL;
	int arrows_r = 0, arrows_l = 0;

	up_to_mm5(sa);
	ev_pl(sa, &sa->ev[0], IKC_PT_SA, false, 0);
	le_of(sa, &sa->ev[0])->detail = strdup("offer AES-CBC-128, SHA1, modp1024 (group 2)");
	e = &sa->ev[4];
	e->dec = IKC_DEC_OK;
	e->hash = IKC_HASH_VERIFIED;
	ev_pl(sa, e, IKC_PT_ID, true, 0);
	ev_pl(sa, e, IKC_PT_HASH, true, 0);
	ev_pl(sa, e, IKC_PT_NOTIFY, true, 24578);
	msg(sa, 6, 0.05, IKC_DIR_R2I, "INFO", 0, 500);
	ev_pl(sa, &sa->ev[5], IKC_PT_NOTIFY, false, 16);
	ntf(sa, 16, IKC_DIR_R2I, 6, 0);
	e = msg(sa, 7, 4.04, IKC_DIR_I2R, "MM5", 1, 500);
	le_of(sa, e)->original_frame = 5;
	diag(&r, &sa, 1);
	out = ladder_of(sa, false, &r.l);
	cr_assert_null(strchr(out, '\033'), "no colour unless asked");
	cr_assert_not_null(strstr(out, "198.51.100.1:500"));
	cr_assert_not_null(strstr(out, "198.51.100.2:500"));
	cr_assert_not_null(strstr(out, "-- MM1  SA "));
	cr_assert_not_null(strstr(out, "MM5  {ID HASH N(INITIAL-CONTACT)}"));
	cr_assert_not_null(strstr(out, "INFO  N(PAYLOAD-MALFORMED) --|"));
	cr_assert_not_null(strstr(out, "MM5 R1"));
	cr_assert_not_null(strstr(out, "retransmission of frame 5"));
	cr_assert_not_null(strstr(out, "decrypted, HASH verified"));
	cr_assert_not_null(strstr(out, "offer AES-CBC-128, SHA1"));
	cr_assert_not_null(strstr(out, "+4.040"));
	cr_assert_not_null(strstr(out, "Findings:"));
	cr_assert_not_null(strstr(out, "psk-mismatch"));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cr_assert_leq(strlen(line), IKC_LADDER_WIDTH, "too wide: [%s]", line);
		if (strstr(line, "->|"))
			arrows_r++;
		if (strstr(line, "|<-"))
			arrows_l++;
	}
	cr_assert_eq(arrows_r, 4, "MM1 MM3 MM5 MM5-R1: I>R");
	cr_assert_eq(arrows_l, 3, "MM2 MM4 INFO R>I");
	free(out);
	out = ladder_of(sa, true, &r.l);
	cr_assert_not_null(strchr(out, '\033'), "colour when asked");
	free(out);
	ikc_diag_list_free(&r.l);
	sa_free(sa);
}

Test(ladder, long_payload_lists_wrap_inside_the_lane)
{
	struct ikc_ike_sa *sa = sa_new(IKC_EX_MAIN, 1, 2);
	struct ikc_event *e;
	char *out, *line, *save = NULL;

	e = msg(sa, 1, 0, IKC_DIR_I2R, "MM1", 0, 500);
	for (int i = 0; i < IKC_EV_PL; i++)
		ev_pl(sa, e, IKC_PT_VID, false, 0);
	le_of(sa, e)->pl_dropped = 40;
	cr_assert_not_null(le_of(sa, e)->detail = calloc(1, IKC_EV_DETAIL));
	memset(le_of(sa, e)->detail, 'd', IKC_EV_DETAIL - 1);
	out = ladder_of(sa, false, NULL);
	cr_assert_not_null(strstr(out, "+40"), "dropped payloads counted");
	cr_assert_not_null(strstr(out, "Findings: none"));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		cr_assert_leq(strlen(line), IKC_LADDER_WIDTH, "too wide: [%s]", line);
	free(out);
	sa_free(sa);
}

/* The finding text's wrap against a word-by-word reference (the rule the
 * writer keeps: runs of spaces become one, a word that would pass the width
 * starts a new line indented by four, a word longer than the line stands
 * alone on it), on texts of random words and spacing at several widths. */
static void ref_wrap(char *out, size_t cap, const char *text, int width)
{
	size_t o = 0;
	int col = 4;

	for (const char *p = text; *p;) {
		size_t wl = strcspn(p, " ");

		if (wl) {
			if (col > 4 && col + 1 + (int)wl > width) {
				o += (size_t)snprintf(out + o, cap - o, "\n    ");
				col = 4;
			} else if (col > 4) {
				out[o++] = ' ';
				col++;
			}
			memcpy(out + o, p, wl);
			o += wl;
			col += (int)wl;
		}
		p += wl;
		p += strspn(p, " ");
	}
	out[o++] = '\n';
	out[o] = '\0';
}

Test(diag_text, wrap_matches_word_by_word_reference)
{
	static const char *const words[] = { "a", "NAT-D", "frame", "(RFC", "3948).", "responder-initiator-x",
					     "0123456789012345678901234567890123456789012345678901234567890123456789"
					     "0123456789" };
	unsigned seed = 12345;

	for (int round = 0; round < 400; round++) {
		char text[600], want[1400], got[1400], *body;
		size_t n = 0;
		struct ikc_finding f = { .code = "x", .certainty = IKC_DIAG_PROVEN, .severity = IKC_DIAG_INFO };
		FILE *mem;
		int width = round % 4 == 0 ? 80 : 21 + (int)(round % 60);

		while (n < 400) {
			seed = seed * 1103515245u + 12345u;
			const char *w = words[(seed >> 16) % (sizeof words / sizeof *words)];
			int spaces = (int)((seed >> 8) % 4 == 0 ? 2 + (seed >> 4) % 2 : 1);

			if ((seed >> 20) % 7 == 0 && n == 0)
				text[n++] = ' ';   /* leading space */
			memcpy(text + n, w, strlen(w));
			n += strlen(w);
			for (int k = 0; k < spaces; k++)
				text[n++] = ' ';
		}
		text[n] = '\0';
		f.text = text;
		mem = tmpfile();
		cr_assert_not_null(mem);
		ikc_diag_write_text(&f, mem, false, width);
		rewind(mem);
		n = fread(got, 1, sizeof got - 1, mem);
		got[n] = '\0';
		fclose(mem);
		body = strstr(got, "\n    ");
		cr_assert_not_null(body);
		ref_wrap(want, sizeof want, text, width <= 20 ? 80 : width);
		cr_assert_str_eq(body + 5, want, "width %d, text \"%s\"", width, text);
	}
}

Test(diagnose, evidence_past_the_limit_keeps_the_last_and_counts_the_rest)
{
	struct ikc_finding f;

	memset(&f, 0, sizeof f);
	for (uint64_t fr = 40; fr >= 2; fr -= 2)   /* 20 frames, out of order */
		ikc_finding_frame(&f, fr);
	ikc_finding_frame(&f, 0);                  /* none */
	ikc_finding_frame(&f, 40);                 /* again */
	ikc_finding_frame(NULL, 7);
	cr_assert_eq(f.nframes, IKC_DIAG_FRAMES);
	cr_assert_eq(f.frames_omitted, 20 - IKC_DIAG_FRAMES);
	for (size_t i = 1; i < f.nframes; i++)
		cr_assert_lt(f.frames[i - 1], f.frames[i], "ascending");
	cr_assert_eq(f.frames[IKC_DIAG_FRAMES - 1], 40, "the last frame stays listed");
	ikc_finding_frame(&f, 99);
	cr_assert_eq(f.frames[IKC_DIAG_FRAMES - 1], 99);
	cr_assert_eq(f.frames_omitted, 20 - IKC_DIAG_FRAMES + 1);
}

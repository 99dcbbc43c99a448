/* ladder.c - per-SA sequence diagram (see ladder.h).
 *
 *      time  frame  198.51.100.1:500                        198.51.100.2:500
 *                   |                                                      |
 *    +0.000      3  |-- MM1  SA VID VID VID VID --------------------------->|
 *    +0.007      4  |<----------------------------- MM2  SA VID VID VID ---|
 *                   |   chosen AES-CBC-128, SHA1, ... ; reply 7.3 ms        |
 *
 * Everything printed comes from the session's recorded facts, which hold
 * only names from tables and terminal-safe text (ikc_id_format escapes).
 */
#include "ladder.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../decoders/names.h"
#include "emit.h"          /* ikc_icmp_error_name */
#include "session_int.h"
#include "util.h"

#define PREFIX 18                               /* "%+9.3f %6llu  " */
#define LANE (IKC_LADDER_WIDTH - PREFIX - 2)    /* between the two bars */

#define C_I2R "\033[36m"
#define C_R2I "\033[35m"
#define C_BAD "\033[1;31m"
#define C_OK "\033[32m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

struct pen {
	FILE *out;
	bool color;
};

static const char *col(const struct pen *p, const char *c)
{
	return p->color ? c : "";
}

static double secs_between(int64_t s0, uint32_t n0, int64_t s1, uint32_t n1)
{
	return (double)(s1 - s0) + ((double)n1 - (double)n0) / 1e9;
}

/* The payloads of a message as one line: "SA VID", "{ ID HASH N(INITIAL-CONTACT) }",
 * "{encrypted}" when it could not be opened. */
static void payload_line(const struct ikc_ike_sa *sa, size_t ev, char *buf, size_t n,
			 bool *error_notify)
{
	const struct ikc_event *e = &sa->ev[ev];
	const struct ikc_ev_ladder *le = ikc_event_ladder(sa, ev);
	uint32_t doi = sa->doi ? sa->doi : IKC_DOI_IPSEC;
	size_t used = 0;
	bool in_enc = false;

	buf[0] = '\0';
	*error_notify = false;
	for (size_t i = 0; i < le->npl && used + 1 < n; i++) {
		const struct ikc_ev_pl *p = &sa->lf->pl[le->pl_at + i];
		char nb[24], item[64];

		if (p->type == IKC_PT_NOTIFY) {
			snprintf(item, sizeof item, "N(%s)", ikc_name_or_num(ikc_notify_name(p->arg), p->arg, nb, sizeof nb));
			if (p->arg < 16384)
				*error_notify = true;
		} else if (p->type == IKC_PT_DELETE) {
			const char *pn = ikc_protocol_name((uint8_t)p->arg);
			snprintf(item, sizeof item, "D(%s)", pn ? pn : "?");
		} else {
			snprintf(item, sizeof item, "%s", ikc_name_or_num(ikc_payload_name(p->type, doi), p->type, nb, sizeof nb));
		}
		if (p->enc && !in_enc) {
			used += (size_t)snprintf(buf + used, n - used, "%s{", used ? " " : "");
			in_enc = true;
		}
		if (used < n)
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used && buf[used - 1] != '{' ? " " : "", item);
	}
	if (in_enc && used < n)
		used += (size_t)snprintf(buf + used, n - used, "}");
	if (le->pl_dropped && used < n)
		used += (size_t)snprintf(buf + used, n - used, " +%u", le->pl_dropped);
	if (e->encrypted && e->dec != IKC_DEC_OK && used < n)
		snprintf(buf + used, n - used, "%s{encrypted}", used ? " " : "");
}

static void blank_prefix(const struct pen *p)
{
	fprintf(p->out, "%*s", PREFIX, "");
}

/* A line of text inside the lane: "|   text          |", wrapped. */
static void lane_text(const struct pen *p, const char *text, const char *color)
{
	const char *s = text;
	int inner = LANE - 3;

	while (*s) {
		int len = (int)strlen(s);
		int take = len;

		if (take > inner) {
			take = inner;
			for (int k = inner; k > inner / 2; k--)
				if (s[k] == ' ') {
					take = k;
					break;
				}
		}
		blank_prefix(p);
		fprintf(p->out, "|   %s%.*s%s%*s|\n", color ? col(p, color) : "", take, s, color ? col(p, C_OFF) : "",
			inner - take, "");
		s += take;
		while (*s == ' ')
			s++;
	}
}

/* One arrow: a message (or an ICMP error) of frame, sent in direction dir. */
static void arrow(const struct pen *p, uint64_t frame, enum ikc_dir dir, double t, const char *text, const char *rest,
		  bool bad)
{
	int tl = (int)strlen(text);
	int dashes;
	const char *c = bad ? C_BAD : dir == IKC_DIR_R2I ? C_R2I : C_I2R;

	if (tl > LANE - 6)
		tl = LANE - 6;
	dashes = LANE - 6 - tl;
	fprintf(p->out, "%+9.3f %6llu  ", t, (unsigned long long)frame);
	if (dir == IKC_DIR_R2I) {
		fprintf(p->out, "|%s<-%.*s %.*s --%s|\n", col(p, c), dashes, "----------------------------------------"
			"----------------------------------------", tl, text, col(p, C_OFF));
	} else {
		fprintf(p->out, "|%s-- %.*s %.*s%s%s|\n", col(p, c), tl, text, dashes,
			"--------------------------------------------------------------------------------",
			dir == IKC_DIR_I2R ? "->" : "-?", col(p, C_OFF));
	}
	if (rest && *rest)
		lane_text(p, rest, NULL);
}

/* The event of the DPD probe that the ACK of event i answers (matched by
 * sequence number when the probes were kept; of a probe sent again, the
 * last copy), NULL when none. */
static const struct ikc_event *probe_answered(const struct ikc_ike_sa *sa, size_t i)
{
	uint64_t ack = ikc_event_frame(sa, &sa->ev[i]), probe = 0;
	int side = sa->ev[i].dir == IKC_DIR_I2R;   /* the prober: the other side */

	for (size_t k = ikc_dpd_count(sa, side); k-- > 0 && !probe;)   /* the last copy of a probe sent again */
		if (ikc_dpd_probe(sa, side, k)->ack_frame == ack)
			probe = ikc_dpd_probe(sa, side, k)->frame;
	for (size_t j = i; probe && j-- > 0;)
		if (ikc_event_frame(sa, &sa->ev[j]) == probe)
			return &sa->ev[j];
	return NULL;
}

static void event_lines(const struct pen *p, const struct ikc_ike_sa *sa, size_t i)
{
	const struct ikc_event *e = &sa->ev[i];
	const struct ikc_ev_ladder *le = ikc_event_ladder(sa, i);
	const struct ikc_event *prev = i ? &sa->ev[i - 1] : NULL, *asked;
	double t = secs_between(ikc_event_sec(sa, &sa->ev[0]), sa->ev[0].ts_nsec, ikc_event_sec(sa, e), e->ts_nsec);
	char pls[256], head[300], verdict[200] = "";
	size_t vu = 0;
	bool err = false;
	int room;

	payload_line(sa, i, pls, sizeof pls, &err);
	if (e->retransmit)
		snprintf(head, sizeof head, "%s R%u  %s", e->label, e->retransmit, pls);
	else
		snprintf(head, sizeof head, "%s  %s", e->label, pls);
	/* What does not fit on the arrow goes on the next line. */
	room = LANE - 6;
	if ((int)strlen(head) > room) {
		int cut = room;
		for (int k = room; k > room / 2; k--)
			if (head[k] == ' ') {
				cut = k;
				break;
			}
		head[cut] = '\0';
		arrow(p, ikc_event_frame(sa, e), e->dir, t, head, head + cut + 1, err);
	} else {
		arrow(p, ikc_event_frame(sa, e), e->dir, t, head, NULL, err);
	}
	if (le->detail && !e->retransmit)
		lane_text(p, le->detail, NULL);
	if (e->retransmit)
		vu += (size_t)snprintf(verdict + vu, sizeof verdict - vu, "retransmission of frame %llu",
				       (unsigned long long)le->original_frame);
	if (e->encrypted && vu < sizeof verdict) {
		if (e->dec == IKC_DEC_OK)
			vu += (size_t)snprintf(verdict + vu, sizeof verdict - vu, "%sdecrypted%s%s", vu ? "; " : "",
					       e->hash == IKC_HASH_UNCHECKED ? "" : ", HASH ",
					       e->hash == IKC_HASH_UNCHECKED ? "" : ikc_hash_verdict_name(e->hash));
		else
			vu += (size_t)snprintf(verdict + vu, sizeof verdict - vu, "%snot decrypted: %s", vu ? "; " : "",
					       ikc_decrypt_status_name(e->dec));
	} else if (!e->encrypted && e->hash != IKC_HASH_UNCHECKED && vu < sizeof verdict) {
		vu += (size_t)snprintf(verdict + vu, sizeof verdict - vu, "%sHASH_R %s", vu ? "; " : "",
				       ikc_hash_verdict_name(e->hash));
	}
	if (ikc_event_frame(sa, e) == sa->f.natd.first_4500_frame && i > 0 && vu < sizeof verdict)
		vu += (size_t)snprintf(verdict + vu, sizeof verdict - vu, "%smoved to the NAT-T port (%u > %u)",
				       vu ? "; " : "", le->sport, le->dport);
	/* A reply: the next message of the same exchange, an Informational
	 * answering another exchange (an error notify), or a DPD ACK after the
	 * probe whose sequence number it echoes (else after a probe); a probe
	 * itself never is. */
	asked = (e->carries & IKC_EVC_DPD_ACK) && !e->retransmit ? probe_answered(sa, i) : NULL;
	if (!asked && prev && !e->retransmit && prev->dir != e->dir && e->dir != IKC_DIR_UNKNOWN &&
	    !(e->carries & IKC_EVC_DPD_PROBE) &&
	    ((prev->exchange == e->exchange && prev->msgid == e->msgid) ||
	     (e->exchange == IKC_EX_INFO && prev->exchange != IKC_EX_INFO) ||
	     ((e->carries & IKC_EVC_DPD_ACK) && (prev->carries & IKC_EVC_DPD_PROBE))))
		asked = prev;
	if (asked && vu < sizeof verdict) {
		double d = secs_between(ikc_event_sec(sa, asked), asked->ts_nsec, ikc_event_sec(sa, e), e->ts_nsec) * 1000.0;
		if (d >= 0 && d < 10000)
			snprintf(verdict + vu, sizeof verdict - vu, "%sreply %.1f ms", vu ? "; " : "", d);
	}
	if (verdict[0]) {
		bool bad = (e->encrypted && e->dec != IKC_DEC_OK) || e->hash == IKC_HASH_FAILED;
		bool good = e->encrypted && e->dec == IKC_DEC_OK && e->hash == IKC_HASH_VERIFIED;
		lane_text(p, verdict, bad ? C_BAD : good ? C_OK : e->retransmit ? C_DIM : NULL);
	}
}

/* An ICMP error about the SA: an arrow from the side it came from (a
 * router on the path is drawn on the responder's side, and named). */
static void icmp_lines(const struct pen *p, const struct ikc_ike_sa *sa, const struct ikc_icmp_seen *ic)
{
	double t = sa->nev ? secs_between(ikc_event_sec(sa, &sa->ev[0]), sa->ev[0].ts_nsec, ic->ts_sec, ic->ts_nsec) : 0;
	enum ikc_dir dir = memcmp(ic->from, sa->iaddr, 16) == 0 ? IKC_DIR_I2R : IKC_DIR_R2I;
	char head[80], from[64], rest[120] = "";

	snprintf(head, sizeof head, "ICMP %s", ikc_icmp_error_name(sa->af, ic->type, ic->code));
	if (memcmp(ic->from, sa->iaddr, 16) != 0 && memcmp(ic->from, sa->raddr, 16) != 0) {
		ikc_format_addr(sa->af, ic->from, from, sizeof from);
		snprintf(rest, sizeof rest, "from %s, a router on the path", from);
	}
	arrow(p, ic->frame, dir, t, head, rest, true);
}

static void header(const struct pen *p, const struct ikc_ike_sa *sa)
{
	char ic[17], rc[17], ia[64] = "?", ra[64] = "?", left[96], right[96];
	const char *mode = sa->p1_exchange == IKC_EX_MAIN ? "Main Mode"
			   : sa->p1_exchange == IKC_EX_AGGRESSIVE ? "Aggressive Mode" : "phase 1 not seen";
	struct tm tm;
	time_t ts = (time_t)sa->first_ts_sec;

	ikc_sa_cookie_hex(sa, ic);
	for (int i = 0; i < 8; i++)
		snprintf(rc + 2 * i, 3, "%02x", sa->rcky[i]);
	if (sa->roles_known) {
		ikc_format_addr(sa->af, sa->iaddr, ia, sizeof ia);
		ikc_format_addr(sa->af, sa->raddr, ra, sizeof ra);
	}
	fprintf(p->out, "IKE SA %s/%s  %s, %s\n", ic, rc, mode, ikc_sa_state(sa));
	if (gmtime_r(&ts, &tm))
		fprintf(p->out, "  %04d-%02d-%02d %02d:%02d:%02d.%06u UTC, frame %llu, %u message%s",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			sa->first_ts_nsec / 1000, (unsigned long long)sa->first_frame, sa->msgs, sa->msgs == 1 ? "" : "s");
	if (sa->retrans)
		fprintf(p->out, ", %u retransmitted", sa->retrans);
	fputc('\n', p->out);
	if (sa->roles_known) {
		snprintf(left, sizeof left, "%s:%u", ia, sa->iport);
		snprintf(right, sizeof right, "%s:%u", ra, sa->rport);
	} else {
		snprintf(left, sizeof left, "initiator ?");
		snprintf(right, sizeof right, "responder ?");
	}
	fprintf(p->out, "%9s %6s  %s%-*s%s%*s%s\n", "time", "frame", col(p, C_I2R), LANE / 2, left, col(p, C_R2I),
		LANE + 2 - LANE / 2, right, col(p, C_OFF));
	fprintf(p->out, "%*s%-*s%*s\n", PREFIX, "", LANE / 2, "initiator", LANE + 2 - LANE / 2, "responder");
	blank_prefix(p);
	fprintf(p->out, "|%*s|\n", LANE, "");
}

/* The SA's findings from lists (nlists of them, any NULL). */
static void sa_findings(const struct ikc_ike_sa *sa, const struct ikc_diag_list *const *lists, size_t nlists,
			FILE *out, bool color)
{
	size_t nf = 0;

	for (size_t k = 0; k < nlists; k++)
		for (size_t i = 0; lists[k] && i < lists[k]->n; i++)
			nf += lists[k]->v[i].sa == sa;
	if (!nf) {
		fprintf(out, "Findings: none\n");
		return;
	}
	fprintf(out, "Findings:\n");
	for (size_t k = 0; k < nlists; k++)
		for (size_t i = 0; lists[k] && i < lists[k]->n; i++)
			if (lists[k]->v[i].sa == sa)
				ikc_diag_write_text(&lists[k]->v[i], out, color, IKC_LADDER_WIDTH);
}

static void sa_ladder(const struct ikc_ike_sa *sa, const struct ikc_diag_list *const *lists, size_t nlists,
		      FILE *out, bool color)
{
	struct pen p = { out, color };

	if (sa->ikev2 || sa->kek) {
		char ic[17];
		ikc_sa_cookie_hex(sa, ic);
		fprintf(out, "IKE SA %s: %s (no ladder)\n\n", ic, sa->ikev2 ? "IKEv2" : "a GDOI KEK's group rekeys");
		return;
	}
	header(&p, sa);
	for (size_t i = 0, k = 0; i < sa->nev || k < sa->nicmp;) {
		if (k < sa->nicmp && (i == sa->nev || sa->icmp[k].frame < ikc_event_frame(sa, &sa->ev[i])))
			icmp_lines(&p, sa, &sa->icmp[k++]);
		else
			event_lines(&p, sa, i++);
	}
	if (sa->icmp_errors > sa->nicmp) {
		char t[80];
		snprintf(t, sizeof t, "... %llu more ICMP errors not shown (limit %d per SA)",
			 (unsigned long long)(sa->icmp_errors - sa->nicmp), IKC_ICMP_KEPT);
		lane_text(&p, t, C_DIM);
	}
	if (sa->ev_dropped) {
		char t[80];
		snprintf(t, sizeof t, "... %llu more messages not shown (limit %d per SA)",
			 (unsigned long long)sa->ev_dropped, IKC_EV_MAX);
		lane_text(&p, t, C_DIM);
	}
	blank_prefix(&p);
	fprintf(out, "|%*s|\n", LANE, "");
	fprintf(out, "State: %s", ikc_sa_state(sa));
	if (sa->nqm)
		fprintf(out, ", %u Quick Mode%s", (unsigned)sa->nqm, sa->nqm > 1 ? "s" : "");
	fputc('\n', out);
	sa_findings(sa, lists, nlists, out, color);
	fputc('\n', out);
}

void ikc_ladder_write_sa(const struct ikc_ike_sa *sa, const struct ikc_diag_list *diags, FILE *out, bool color)
{
	sa_ladder(sa, &diags, 1, out, color);
}

struct batch_pen {
	const struct ikc_diag_list *held;
	FILE *out;
	bool color;
	size_t drawn;
};

static void draw_batch(void *ctx, const struct ikc_ike_sa *const *sas, size_t n, const struct ikc_diag_list *l)
{
	struct batch_pen *b = ctx;
	const struct ikc_diag_list *lists[2] = { l, b->held };

	for (size_t i = 0; i < n; i++)
		sa_ladder(sas[i], lists, 2, b->out, b->color);
	b->drawn += n;
}

void ikc_ladder_write(const struct ikc_session *s, const struct ikc_diag_list *held, FILE *out, bool color)
{
	struct batch_pen b = { held, out, color, 0 };
	const struct ikc_ike_sa **v = NULL;
	size_t n;

	if (!ikc_session_live(s)) {
		fputs("No IKE SA in this capture.\n", out);
		return;
	}
	if (ikc_diagnose_session_each(s, IKC_DIAG_BATCH, draw_batch, &b) == IKC_OK)
		return;
	/* Out of memory: every SA is still drawn, those not drawn yet without
	 * their findings. */
	fputs("ikecap: out of memory: findings incomplete\n", stderr);
	n = ikc_session_list(s, &v);
	for (size_t i = b.drawn; v && i < n; i++)
		sa_ladder(v[i], &held, 1, out, color);
	free(v);
}

/* emit.c - see emit.h. */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

#include "../decoders/names.h"
#include "gdoi.h"
#include "keys.h"
#include "render.h"
#include "util.h"

#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_OFF "\033[0m"

int ikc_emit_init(struct ikc_emitter *e, FILE *out, const struct ikc_emit_opts *o)
{
	memset(e, 0, sizeof *e);
	e->o = *o;
	e->out = out;
	if (o->format == IKC_FMT_CBOR)
		return ikc_rw_cbor_init(&e->rw, out);
	if (o->format == IKC_FMT_JSON)
		ikc_rw_json_init(&e->rw, out);
	else
		ikc_rw_text_init(&e->rw, out, 6, o->color);
	return 0;
}

void ikc_emit_close(struct ikc_emitter *e)
{
	if (e->o.format == IKC_FMT_CBOR)
		ikc_rw_cbor_free(&e->rw);
	else
		ikc_rw_flush(&e->rw);
}

void ikc_emit_meta(struct ikc_emitter *e, const char *version)
{
	if (e->o.format == IKC_FMT_TEXT)
		return;
	ikc_rw_begin_map(&e->rw, NULL, NULL);
	ikc_rw_cstr(&e->rw, "type", "Record", "meta");
	ikc_rw_uint(&e->rw, "ikecap.schema", "Schema", IKC_SCHEMA_VERSION, IKC_RW_DEC, NULL);
	ikc_rw_cstr(&e->rw, "ikecap.version", "Version", version);
	ikc_rw_end_map(&e->rw);
	ikc_rw_end_record(&e->rw);
}

static const char *col(const struct ikc_emitter *e, const char *code)
{
	return e->o.color ? code : "";
}

/* ---------------------------------------------------------- line builder
 *
 * The one-line view is the hot path of a big capture: each line is built in
 * a stack buffer with plain appends (no printf parsing, no inet_ntop) and
 * handed to stdio once.  A line longer than the buffer is flushed in pieces,
 * so nothing is ever cut. */

struct lb {
	struct ikc_obuf o;
	char b[512];
};

static void lb_init(struct lb *l, FILE *f)
{
	l->o = ikc_ob_init(f, l->b, sizeof l->b);
}

static inline void lb_flush(struct lb *l)
{
	ikc_ob_flush(&l->o);
}

static inline void lb_mem(struct lb *l, const char *s, size_t n)
{
	ikc_ob_put(&l->o, s, n);
}

static inline void lb_s(struct lb *l, const char *s)
{
	lb_mem(l, s, strlen(s));
}

static inline void lb_c(struct lb *l, char c)
{
	ikc_ob_putc(&l->o, c);
}

/* v in decimal, right-aligned in width (printf "%*llu"). */
static void lb_u(struct lb *l, uint64_t v, int width)
{
	char t[24];
	int i = ikc_dec_right(t, v, width, ' ');

	lb_mem(l, t + i, sizeof t - (size_t)i);
}

static void lb_x32(struct lb *l, uint32_t v)    /* "%08x" */
{
	static const char hd[] = "0123456789abcdef";
	char t[8];

	for (int i = 7; i >= 0; i--, v >>= 4)
		t[i] = hd[v & 15];
	lb_mem(l, t, sizeof t);
}

static void lb_hex(struct lb *l, const uint8_t *p, size_t n)
{
	static const char hd[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		lb_c(l, hd[p[i] >> 4]);
		lb_c(l, hd[p[i] & 15]);
	}
}

/* The address as ikc_format_addr writes it (IPv4 by hand, IPv6 by inet_ntop). */
static void lb_addr(struct lb *l, int af, const uint8_t *a)
{
	char t[64];

	ikc_format_addr(af, a, t, sizeof t);
	lb_s(l, t);
}

/* HH:MM:SS.uuuuuu in UTC: POSIX time has no leap seconds, so the time of day
 * is the seconds modulo 86400 (what gmtime_r gives, without the calendar). */
/* The frame number, right-aligned in five columns: the decimal text is
 * counted up in place when the frame follows the last one (it nearly
 * always does), written afresh otherwise. */
static void lb_frame(struct ikc_emitter *e, struct lb *l, uint64_t frame)
{
	char *t = e->frame_txt;
	size_t end = sizeof e->frame_txt, first = end - e->frame_len;

	if (e->frame_len && frame == e->frame_no + 1 && e->frame_len < sizeof e->frame_txt) {
		size_t i = end;
		while (i > first && t[i - 1] == '9')
			t[--i] = '0';
		if (i > first)
			t[i - 1]++;
		else
			t[--first] = '1', e->frame_len++;
	} else {
		char d[24];
		int at = ikc_dec_right(d, frame, 0, ' ');

		e->frame_len = (uint8_t)(sizeof d - (size_t)at);
		first = end - e->frame_len;
		memcpy(t + first, d + at, e->frame_len);
	}
	e->frame_no = frame;
	if (e->frame_len < 5)
		lb_mem(l, "    ", 5u - e->frame_len);
	lb_mem(l, t + first, e->frame_len);
}

static void lb_time(struct ikc_emitter *e, struct lb *l, const struct ikc_pkt *pkt)
{
	char us[7];   /* ".uuuuuu" */
	unsigned u = pkt->ts_nsec / 1000u % 1000000u;

	if (!e->tod_valid || e->tod_sec != pkt->ts_sec) { /* packets of one second share it */
		int64_t d = pkt->ts_sec % 86400;
		unsigned v[3];

		if (d < 0)
			d += 86400;
		v[0] = (unsigned)(d / 3600);
		v[1] = (unsigned)(d / 60 % 60);
		v[2] = (unsigned)(d % 60);
		for (int i = 0; i < 3; i++) {
			e->tod[3 * i] = ikc_two_digits[2 * v[i]];
			e->tod[3 * i + 1] = ikc_two_digits[2 * v[i] + 1];
			if (i < 2)
				e->tod[3 * i + 2] = ':';
		}
		e->tod_sec = pkt->ts_sec;
		e->tod_valid = true;
	}
	us[0] = '.';
	for (int i = 2; i >= 0; i--, u /= 100) {
		us[1 + 2 * i] = ikc_two_digits[2 * (u % 100)];
		us[2 + 2 * i] = ikc_two_digits[2 * (u % 100) + 1];
	}
	lb_mem(l, e->tod, sizeof e->tod);
	lb_mem(l, us, sizeof us);
}

static void lb_endpoint(struct lb *l, const struct ikc_pkt *pkt, bool src)
{
	bool port = pkt->transport != IKC_T_ESP && pkt->transport != IKC_T_ICMP_ERROR;

	if (port && pkt->af == 6)
		lb_c(l, '[');
	lb_addr(l, pkt->af, src ? pkt->src : pkt->dst);
	if (port) {
		lb_s(l, pkt->af == 6 ? "]:" : ":");
		lb_u(l, src ? pkt->sport : pkt->dport, 0);
	}
}

/* "SRC > DST", from the cache when a recent packet had the same endpoints. */
static void lb_endpoints(struct ikc_emitter *e, struct lb *l, const struct ikc_pkt *pkt)
{
	struct ikc_endpoint_key k;
	size_t alen = pkt->af == 6 ? 16 : 4;
	struct ikc_endpoint_text *slot;
	struct lb t;

	memset(&k, 0, sizeof k);
	k.af = (uint8_t)pkt->af;
	k.port = pkt->transport != IKC_T_ESP && pkt->transport != IKC_T_ICMP_ERROR;
	if (k.port) {
		k.sport = pkt->sport;
		k.dport = pkt->dport;
	}
	memcpy(k.src, pkt->src, alen);
	memcpy(k.dst, pkt->dst, alen);
	for (int i = 0; i < IKC_ENDPOINT_CACHE; i++) {
		slot = &e->endpoints[i];
		if (slot->len && memcmp(&slot->key, &k, sizeof k) == 0) {
			lb_mem(l, slot->text, slot->len);
			return;
		}
	}
	lb_init(&t, NULL);
	lb_endpoint(&t, pkt, true);
	lb_mem(&t, " > ", 3);
	lb_endpoint(&t, pkt, false);
	lb_mem(l, t.b, t.o.n);
	if (t.o.n > sizeof slot->text)
		return; /* cannot happen (47 + 3 + 47), but never cut */
	slot = &e->endpoints[e->endpoints_next++ % IKC_ENDPOINT_CACHE];
	slot->key = k;
	slot->len = (uint8_t)t.o.n;
	memcpy(slot->text, t.b, t.o.n);
}

/* "%5llu HH:MM:SS.uuuuuu SRC > DST " */
static void line_prefix(struct ikc_emitter *e, struct lb *l, const struct ikc_pkt *pkt)
{
	lb_frame(e, l, pkt->frame);
	lb_c(l, ' ');
	lb_time(e, l, pkt);
	lb_c(l, ' ');
	lb_endpoints(e, l, pkt);
	lb_c(l, ' ');
}

/* One short word per payload: "SA", "N(NO-PROPOSAL-CHOSEN)", "VID(DPD)". */
static void payload_words(struct ikc_emitter *e, struct lb *l, const struct ikc_payload *pl, size_t n,
			  uint32_t doi, bool ikev2)
{
	char nb[16];

	for (size_t i = 0; i < n; i++) {
		const struct ikc_payload *p = &pl[i];
		const char *name = ikev2 ? ikc_ikev2_payload_name(p->type) : ikc_payload_name(p->type, doi);
		bool typed = !ikev2 && ikc_payload_decoded(p);   /* else the name alone */

		lb_c(l, ' ');
		lb_s(l, ikc_name_or_num(name, p->type, nb, sizeof nb));
		if (typed && p->type == IKC_PT_NOTIFY) {
			lb_c(l, '(');
			lb_s(l, ikc_name_or_num(ikc_notify_name(p->u.notify.type), p->u.notify.type, nb, sizeof nb));
			lb_c(l, ')');
		} else if (typed && p->type == IKC_PT_DELETE) {
			lb_c(l, '(');
			lb_s(l, ikc_name_or_num(ikc_protocol_name(p->u.del.protoid), p->u.del.protoid, nb, sizeof nb));
			lb_mem(l, " x", 2);
			lb_u(l, p->u.del.nspi, 0);
			lb_c(l, ')');
		}
		if (p->notes) {
			lb_s(l, col(e, C_YELLOW));
			lb_c(l, '!');
			lb_s(l, col(e, C_OFF));
		}
	}
}

static void text_line(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		      const struct ikc_msg_info *info)
{
	bool ikev2 = IKC_IS_IKEV2(msg->hdr.version);
	struct lb l;
	size_t w;

	lb_init(&l, e->out);
	line_prefix(e, &l, pkt);
	lb_s(&l, col(e, C_BOLD));
	w = l.o.n;
	lb_s(&l, info->label);
	if (info->retransmit) {
		lb_mem(&l, " R", 2);
		lb_u(&l, info->retransmit_count, 0);
	}
	for (w = l.o.n - w; w < 8; w++)   /* "%-8s" */
		lb_c(&l, ' ');
	lb_s(&l, col(e, C_OFF));
	lb_c(&l, ' ');
	lb_s(&l, ikc_dir_name(info->dir));
	lb_c(&l, ' ');
	lb_hex(&l, msg->hdr.icookie, 8);
	lb_c(&l, '/');
	lb_hex(&l, msg->hdr.rcookie, 8);
	if (msg->hdr.msgid) {
		lb_mem(&l, " mid ", 5);
		lb_x32(&l, msg->hdr.msgid);
	}
	lb_c(&l, ':');
	payload_words(e, &l, msg->payloads, msg->npayloads, info->doi, ikev2);
	if (msg->hdr.flags & IKC_FLAG_E && !ikev2) {
		switch (info->dec) {
		case IKC_DEC_OK:
			lb_c(&l, ' ');
			lb_s(&l, col(e, C_GREEN));
			lb_c(&l, '{');
			lb_s(&l, col(e, C_OFF));
			payload_words(e, &l, info->payloads, info->npayloads, info->doi, false);
			lb_c(&l, ' ');
			lb_s(&l, col(e, C_GREEN));
			lb_c(&l, '}');
			lb_s(&l, col(e, C_OFF));
			if (info->hash == IKC_HASH_FAILED) {
				lb_c(&l, ' ');
				lb_s(&l, col(e, C_RED));
				/* A rekey is protected by its SIG, not a HASH (RFC 6407 §4). */
				lb_s(&l, ikc_gdoi_is_push(info->doi, msg) ? "SIG FAILED" : "HASH FAILED");
				lb_s(&l, col(e, C_OFF));
			}
			break;
		case IKC_DEC_WRONG_KEY:
			lb_c(&l, ' ');
			lb_s(&l, col(e, C_RED));
			lb_s(&l, "[encrypted ");
			lb_u(&l, msg->enc_len, 0);
			lb_s(&l, " bytes: wrong key or PSK]");
			lb_s(&l, col(e, C_OFF));
			break;
		default:
			lb_s(&l, " [encrypted ");
			lb_u(&l, msg->enc_len, 0);
			lb_s(&l, " bytes]");
			break;
		}
	}
	if (pkt->reassembled) {
		lb_s(&l, " (reassembled from frame ");
		lb_u(&l, pkt->first_frame, 0);
		lb_c(&l, ')');
	}
	if (pkt->len < pkt->wire_len)
		lb_s(&l, " [truncated capture]");
	if (info->late)
		lb_s(&l, " (decrypted after a key reload)");
	lb_c(&l, '\n');
	lb_flush(&l);
	if (info->dec != IKC_DEC_OK && info->dec != IKC_DEC_NOT_ENCRYPTED && info->dec_detail[0] && e->o.verbose)
		fprintf(e->out, "      %s\n", info->dec_detail);
}

/* The capture time as "%lld.%09u" (Wireshark's frame.time_epoch), without
 * printf: it is in every JSON record. */
static void epoch_text(char ts[48], int64_t sec, uint32_t nsec)
{
	struct ikc_sbuf sb = ikc_sb_init(ts, 48);
	char t[24];
	int i;

	if (sec < 0)
		ikc_sb_putc(&sb, '-');
	ikc_sb_u64(&sb, sec < 0 ? 0 - (uint64_t)sec : (uint64_t)sec);
	ikc_sb_putc(&sb, '.');
	i = ikc_dec_right(t, nsec, 9, '0');
	ikc_sb_putn(&sb, t + i, (size_t)(24 - i));
}

static void json_pkt_common(struct ikc_emitter *e, const struct ikc_pkt *pkt)
{
	char a[64];
	char ts[48];

	ikc_rw_cstr(&e->rw, "type", "Record", "packet");
	ikc_rw_uint(&e->rw, "ikecap.frame", "Frame", pkt->frame, IKC_RW_DEC, NULL);
	epoch_text(ts, pkt->ts_sec, pkt->ts_nsec);
	ikc_rw_cstr(&e->rw, "frame.time_epoch", "Time", ts);
	ikc_format_addr(pkt->af, pkt->src, a, sizeof a);
	ikc_rw_cstr(&e->rw, pkt->af == 6 ? "ipv6.src" : "ip.src", "Source", a);
	ikc_format_addr(pkt->af, pkt->dst, a, sizeof a);
	ikc_rw_cstr(&e->rw, pkt->af == 6 ? "ipv6.dst" : "ip.dst", "Destination", a);
	if (pkt->transport != IKC_T_ESP && pkt->transport != IKC_T_ICMP_ERROR) {
		ikc_rw_uint(&e->rw, "udp.srcport", "Source port", pkt->sport, IKC_RW_DEC, NULL);
		ikc_rw_uint(&e->rw, "udp.dstport", "Destination port", pkt->dport, IKC_RW_DEC, NULL);
	}
	ikc_rw_cstr(&e->rw, "ikecap.transport", "Transport", ikc_transport_name(pkt->transport));
	if (pkt->reassembled)
		ikc_rw_uint(&e->rw, "ikecap.reassembled_from", "Reassembled from frame", pkt->first_frame,
			    IKC_RW_DEC, NULL);
	if (pkt->len < pkt->wire_len)
		ikc_rw_bool(&e->rw, "ikecap.truncated", "Truncated by the capture", true);
}

static void write_msg_fields(struct ikc_emitter *e, const struct ikc_msg *msg, const struct ikc_msg_info *info)
{
	struct ikc_decode_ctx ctx = { .doi = info->doi, .ikev2 = IKC_IS_IKEV2(msg->hdr.version) };
	struct ikc_render_opts ro = { .hex = e->o.hex, .show_secrets = e->o.show_secrets };

	ikc_rw_cstr(&e->rw, "ikecap.msg", "Message", info->label);
	ikc_rw_cstr(&e->rw, "ikecap.dir", "Direction", ikc_dir_name(info->dir));
	ikc_rw_bool(&e->rw, "ikecap.retransmit", "Retransmission", info->retransmit);
	if (info->late)
		ikc_rw_bool(&e->rw, "ikecap.late", "Decrypted after a key reload (shown a second time)", true);
	if (info->retransmit)
		ikc_rw_uint(&e->rw, "ikecap.original_frame", "Original frame", info->original_frame, IKC_RW_DEC,
			    NULL);
	ikc_render_isakmp_hdr(&e->rw, &msg->hdr, info->doi);
	ikc_render_payloads(&e->rw, msg->payloads, msg->npayloads, &ctx, &ro);
	if (msg->notes)
		ikc_render_notes(&e->rw, msg->notes);
	if (msg->hdr.flags & IKC_FLAG_E && !ctx.ikev2) {
		ikc_rw_uint(&e->rw, "ikecap.enc_len", "Encrypted bytes", msg->enc_len, IKC_RW_DEC, NULL);
		ikc_rw_bool(&e->rw, "ikecap.decrypted", "Decrypted", info->dec == IKC_DEC_OK);
		ikc_rw_cstr(&e->rw, "ikecap.decrypt_status", "Decryption", ikc_decrypt_status_name(info->dec));
		if (info->dec_detail[0])
			ikc_rw_cstr(&e->rw, "ikecap.decrypt_detail", "Decryption detail", info->dec_detail);
		if (info->dec == IKC_DEC_OK) {
			ikc_rw_cstr(&e->rw, "ikecap.hash", "HASH", ikc_hash_verdict_name(info->hash));
			if (info->iv_base[0])
				ikc_rw_cstr(&e->rw, "ikecap.iv_base", "IV base", info->iv_base);
			ikc_rw_begin_map(&e->rw, "ikecap.plain", "Decrypted payloads");
			ikc_render_payloads(&e->rw, info->payloads, info->npayloads, &ctx, &ro);
			if (info->dec_notes)
				ikc_render_notes(&e->rw, info->dec_notes);
			ikc_rw_end_map(&e->rw);
		}
	}
}

void ikc_emit_isakmp(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		     const struct ikc_msg_info *info)
{
	if (e->o.quiet)
		return;
	if (e->o.format != IKC_FMT_TEXT) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		write_msg_fields(e, msg, info);
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	text_line(e, pkt, msg, info);
	if (e->o.verbose) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		write_msg_fields(e, msg, info);
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
	}
}

void ikc_emit_bad_isakmp(struct ikc_emitter *e, const struct ikc_pkt *pkt, enum ikc_err err)
{
	if (e->o.quiet)
		return;
	if (e->o.format != IKC_FMT_TEXT) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		ikc_rw_cstr(&e->rw, "ikecap.error", "Error", ikc_strerror(err));
		ikc_rw_uint(&e->rw, "ikecap.length", "Length", pkt->len, IKC_RW_DEC, NULL);
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	{
		struct lb l;
		lb_init(&l, e->out);
		line_prefix(e, &l, pkt);
		lb_flush(&l);
	}
	fprintf(e->out, "%sISAKMP %s (%zu bytes)%s\n", col(e, C_RED), ikc_strerror(err), pkt->len, col(e, C_OFF));
}

/* "10.1.0.1 > 10.2.0.1 ICMP echo-request id 12086 seq 1" */
static void inner_text(struct lb *l, const struct ikc_esp_plain *pl, const struct ikc_inner *in)
{
	const char *pname = in->proto == 1 ? "ICMP" : in->proto == 58 ? "ICMPv6" : in->proto == 6 ? "TCP"
			  : in->proto == 17 ? "UDP" : in->proto == 47 ? "GRE" : in->proto == 132 ? "SCTP" : NULL;

	if (pl->next_header == 59) {
		lb_s(l, "dummy packet");
		return;
	}
	if (in->tunnel) {
		lb_addr(l, in->af, in->src);
		lb_mem(l, " > ", 3);
		lb_addr(l, in->af, in->dst);
		lb_c(l, ' ');
	} else {
		lb_s(l, "transport ");
	}
	if (pname) {
		lb_s(l, pname);
	} else {
		lb_s(l, "proto ");
		lb_u(l, in->proto, 0);
	}
	if (in->has_icmp) {
		const char *tn = ikc_icmp_type_name(in->proto == 58 ? 6 : 4, in->icmp_type);
		lb_c(l, ' ');
		if (tn) {
			lb_s(l, tn);
		} else {
			lb_s(l, "type ");
			lb_u(l, in->icmp_type, 0);
			lb_s(l, " code ");
			lb_u(l, in->icmp_code, 0);
		}
		if (in->icmp_echo) {
			lb_s(l, " id ");
			lb_u(l, in->icmp_id, 0);
			lb_s(l, " seq ");
			lb_u(l, in->icmp_seq, 0);
		}
	} else if (in->has_ports) {
		lb_c(l, ' ');
		lb_u(l, in->sport, 0);
		lb_mem(l, " > ", 3);
		lb_u(l, in->dport, 0);
	}
	if (in->fragment)
		lb_s(l, " fragment");
	if (in->truncated)
		lb_s(l, " [short]");
	lb_s(l, " len ");
	lb_u(l, in->len, 0);
}

static void inner_fields(struct ikc_emitter *e, const struct ikc_esp_plain *pl, const struct ikc_inner *in)
{
	char a[64];
	bool v6 = in->tunnel && in->af == 6;
	bool icmp6 = in->proto == 58;

	ikc_rw_begin_map(&e->rw, "ikecap.inner", "Decrypted packet");
	ikc_rw_cstr(&e->rw, "ikecap.esp_mode", "Mode", in->tunnel ? "tunnel" : "transport");
	if (in->tunnel) {
		ikc_format_addr(in->af, in->src, a, sizeof a);
		ikc_rw_cstr(&e->rw, v6 ? "ipv6.src" : "ip.src", "Source", a);
		ikc_format_addr(in->af, in->dst, a, sizeof a);
		ikc_rw_cstr(&e->rw, v6 ? "ipv6.dst" : "ip.dst", "Destination", a);
		ikc_rw_uint(&e->rw, v6 ? "ipv6.nxt" : "ip.proto", "Protocol", in->proto, IKC_RW_DEC, NULL);
	} else {
		ikc_rw_uint(&e->rw, "esp.protocol", "Protocol", pl->next_header, IKC_RW_DEC, NULL);
	}
	if (in->has_icmp) {
		ikc_rw_uint(&e->rw, icmp6 ? "icmpv6.type" : "icmp.type", "ICMP type", in->icmp_type, IKC_RW_DEC,
			    ikc_icmp_type_name(icmp6 ? 6 : 4, in->icmp_type));
		ikc_rw_uint(&e->rw, icmp6 ? "icmpv6.code" : "icmp.code", "ICMP code", in->icmp_code, IKC_RW_DEC, NULL);
		if (in->icmp_echo) {
			ikc_rw_uint(&e->rw, icmp6 ? "icmpv6.echo.identifier" : "icmp.ident", "Identifier", in->icmp_id,
				    IKC_RW_DEC, NULL);
			ikc_rw_uint(&e->rw, icmp6 ? "icmpv6.echo.sequence_number" : "icmp.seq", "Sequence",
				    in->icmp_seq, IKC_RW_DEC, NULL);
		}
	} else if (in->has_ports) {
		const char *k1 = in->proto == 6 ? "tcp.srcport" : in->proto == 17 ? "udp.srcport"
				 : in->proto == 132 ? "sctp.srcport" : "udplite.srcport";
		const char *k2 = in->proto == 6 ? "tcp.dstport" : in->proto == 17 ? "udp.dstport"
				 : in->proto == 132 ? "sctp.dstport" : "udplite.dstport";

		ikc_rw_uint(&e->rw, k1, "Source port", in->sport, IKC_RW_DEC, NULL);
		ikc_rw_uint(&e->rw, k2, "Destination port", in->dport, IKC_RW_DEC, NULL);
	}
	if (in->fragment)
		ikc_rw_bool(&e->rw, "ikecap.inner_fragment", "Fragment", true);
	if (in->truncated)
		ikc_rw_bool(&e->rw, "ikecap.inner_truncated", "Headers cut short", true);
	ikc_rw_uint(&e->rw, "ikecap.inner_len", "Length", in->len, IKC_RW_DEC, NULL);
	ikc_rw_end_map(&e->rw);
}

static void esp_fields(struct ikc_emitter *e, const struct ikc_esp_hdr *esp, const struct ikc_esp_outcome *o,
		       const struct ikc_inner *in)
{
	ikc_rw_uint(&e->rw, "esp.spi", "SPI", esp->spi, IKC_RW_HEX, NULL);
	ikc_rw_uint(&e->rw, "esp.sequence", "Sequence", esp->seq, IKC_RW_DEC, NULL);
	ikc_rw_uint(&e->rw, "ikecap.esp_body_len", "Protected bytes", esp->body_len, IKC_RW_DEC, NULL);
	if (!o)
		return;
	ikc_rw_bool(&e->rw, "ikecap.esp_decrypted", "Decrypted", o->verdict == IKC_EV_DECRYPTED);
	if (o->after_reload)
		ikc_rw_bool(&e->rw, "ikecap.late", "Decrypted after a key reload (shown a second time)", true);
	ikc_rw_cstr(&e->rw, "ikecap.esp_status", "Decryption", ikc_esp_verdict_name(o->verdict));
	if (o->sa && ikc_esp_sa_get_info(o->sa)->source[0])
		ikc_rw_cstr(&e->rw, "ikecap.esp_key", "Key", ikc_esp_sa_get_info(o->sa)->source);
	if (o->replay)
		ikc_rw_bool(&e->rw, "ikecap.esp_replay", "Replayed sequence number", true);
	if (o->late)
		ikc_rw_bool(&e->rw, "ikecap.esp_late", "Out of order", true);
	if (o->gap)
		ikc_rw_uint(&e->rw, "ikecap.esp_seq_gap", "Sequence numbers skipped", o->gap, IKC_RW_DEC, NULL);
	if (o->verdict != IKC_EV_DECRYPTED)
		return;
	ikc_rw_uint(&e->rw, "esp.pad_len", "Pad length", o->plain.pad_len, IKC_RW_DEC, NULL);
	ikc_rw_uint(&e->rw, "esp.protocol", "Next header", o->plain.next_header, IKC_RW_DEC, NULL);
	if (o->plain.next_header != 59)
		inner_fields(e, &o->plain, in);
}

void ikc_emit_esp(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_esp_hdr *esp, bool ok,
		  const struct ikc_esp_outcome *o)
{
	struct ikc_inner in;

	if (e->o.quiet)
		return;
	memset(&in, 0, sizeof in);
	if (ok && o && o->verdict == IKC_EV_DECRYPTED)
		ikc_inner_decode(o->plain.next_header, o->plain.payload, o->plain.payload_len, &in);
	if (e->o.format != IKC_FMT_TEXT) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		if (ok)
			esp_fields(e, esp, o, &in);
		else
			ikc_rw_cstr(&e->rw, "ikecap.error", "Error", "truncated ESP header");
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	{
		struct lb l;

		lb_init(&l, e->out);
		line_prefix(e, &l, pkt);
		if (!ok) {
			lb_s(&l, "ESP ");
			lb_s(&l, col(e, C_RED));
			lb_s(&l, "truncated header");
			lb_s(&l, col(e, C_OFF));
			lb_c(&l, '\n');
			lb_flush(&l);
			return;
		}
		lb_s(&l, "ESP spi 0x");
		lb_x32(&l, esp->spi);
		lb_s(&l, " seq ");
		lb_u(&l, esp->seq, 0);
		lb_s(&l, " len ");
		lb_u(&l, esp->body_len, 0);
		if (o) {
			switch (o->verdict) {
			case IKC_EV_DECRYPTED:
				lb_c(&l, ' ');
				lb_s(&l, col(e, C_GREEN));
				lb_c(&l, '{');
				lb_s(&l, col(e, C_OFF));
				inner_text(&l, &o->plain, &in);
				lb_s(&l, col(e, C_GREEN));
				lb_c(&l, '}');
				lb_s(&l, col(e, C_OFF));
				break;
			case IKC_EV_NO_KEY:
				break;
			case IKC_EV_ICV_FAILED:
				lb_c(&l, ' ');
				lb_s(&l, col(e, C_RED));
				lb_s(&l, "[ICV failed: wrong key or altered]");
				lb_s(&l, col(e, C_OFF));
				break;
			default:
				lb_c(&l, ' ');
				lb_s(&l, col(e, C_RED));
				lb_c(&l, '[');
				lb_s(&l, ikc_esp_verdict_name(o->verdict));
				lb_c(&l, ']');
				lb_s(&l, col(e, C_OFF));
				break;
			}
			if (o->replay) {
				lb_c(&l, ' ');
				lb_s(&l, col(e, C_YELLOW));
				lb_s(&l, "REPLAY");
				lb_s(&l, col(e, C_OFF));
			}
			if (o->gap) {
				lb_s(&l, " (");
				lb_u(&l, o->gap, 0);
				lb_s(&l, " missing before)");
			}
			if (o->after_reload)
				lb_s(&l, " (decrypted after a key reload)");
		}
		if (pkt->len < pkt->wire_len)
			lb_s(&l, " [truncated capture]");
		lb_c(&l, '\n');
		lb_flush(&l);
	}
	if (e->o.verbose && o) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		esp_fields(e, esp, o, &in);
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
	}
}

static const char *encap_name(uint16_t m)
{
	switch (m) {
	case 1: return "tunnel";
	case 2: return "transport";
	case 3: case 61443: return "udp-tunnel";
	case 4: case 61444: return "udp-transport";
	default: return NULL;
	}
}

static void esp_sa_record(struct ikc_rw *w, const struct ikc_esp_sa *sa, bool print_keys)
{
	const struct ikc_esp_sa_info *in = ikc_esp_sa_get_info(sa);
	const struct ikc_esp_sa_stats *st = ikc_esp_sa_get_stats(sa);
	char a[64];

	ikc_rw_begin_map(w, NULL, "ESP SA");
	ikc_rw_cstr(w, "type", "Record", "esp_sa");
	ikc_rw_uint(w, "esp.spi", "SPI", in->spi, IKC_RW_HEX, NULL);
	if (in->af && !in->src_any) {
		ikc_format_addr(in->af, in->src, a, sizeof a);
		ikc_rw_cstr(w, in->af == 6 ? "ipv6.src" : "ip.src", "Source", a);
	}
	if (in->af && !in->dst_any) {
		ikc_format_addr(in->af, in->dst, a, sizeof a);
		ikc_rw_cstr(w, in->af == 6 ? "ipv6.dst" : "ip.dst", "Destination", a);
	}
	ikc_rw_cstr(w, "ikecap.esp_origin", "Keys from", ikc_esp_origin_name(in->origin));
	if (in->origin != IKC_ESP_ORIGIN_NONE) {
		ikc_rw_cstr(w, "ikecap.esp_source", "Source of the keys", in->source);
		ikc_rw_cstr(w, "ikecap.esp_enc", "Encryption", ikc_esp_enc_name(in->enc));
		ikc_rw_uint(w, "ikecap.esp_enc_key_len", "Encryption key bytes", in->enc_len, IKC_RW_DEC, NULL);
		ikc_rw_cstr(w, "ikecap.esp_auth", "Integrity", ikc_esp_auth_name(in->auth));
		if (encap_name(in->encap))
			ikc_rw_cstr(w, "ikecap.esp_encap", "Encapsulation", encap_name(in->encap));
		if (in->pfs_group)
			ikc_rw_uint(w, "ikecap.esp_pfs_group", "PFS group", in->pfs_group, IKC_RW_DEC, NULL);
		if (in->learned_frame && (in->origin == IKC_ESP_ORIGIN_QM || in->origin == IKC_ESP_ORIGIN_GDOI))
			ikc_rw_uint(w, "ikecap.esp_learned_frame", "Learned in frame", in->learned_frame, IKC_RW_DEC, NULL);
		if (print_keys) {
			ikc_rw_bytes(w, "ikecap.esp_enc_key", "Encryption key", in->enc_key, in->enc_len);
			ikc_rw_bytes(w, "ikecap.esp_auth_key", "Integrity key", in->auth_key, in->auth_len);
		}
		if (ikc_esp_sa_key_error(sa)[0])
			ikc_rw_cstr(w, "ikecap.esp_key_error", "Unusable key", ikc_esp_sa_key_error(sa));
	}
	ikc_rw_uint(w, "ikecap.esp_packets", "Packets", st->packets, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_bytes", "Bytes", st->bytes, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_decrypted_packets", "Decrypted", st->decrypted, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_icv_failed", "ICV failures", st->icv_failed, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_bad_padding", "Bad padding", st->bad_padding, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_errors", "Other errors", st->errors, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_seq_gaps", "Sequence gaps", st->seq_gaps, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_seq_missing", "Sequence numbers missing", st->seq_missing, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_replays", "Replays", st->replays, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_late", "Out of order", st->late, IKC_RW_DEC, NULL);
	if (st->packets) {
		ikc_rw_uint(w, "ikecap.esp_first_frame", "First frame", st->first_frame, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.esp_last_frame", "Last frame", st->last_frame, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.esp_top_seq", "Highest sequence number", st->top_seq, IKC_RW_DEC, NULL);
	}
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

static void esp_sa_line(FILE *out, const struct ikc_esp_sa *sa)
{
	const struct ikc_esp_sa_info *in = ikc_esp_sa_get_info(sa);
	const struct ikc_esp_sa_stats *st = ikc_esp_sa_get_stats(sa);
	char s[64] = "*", d[64] = "*";

	if (in->af && !in->src_any)
		ikc_format_addr(in->af, in->src, s, sizeof s);
	if (in->af && !in->dst_any)
		ikc_format_addr(in->af, in->dst, d, sizeof d);
	fprintf(out, "  0x%08x %s > %s ", in->spi, s, d);
	if (in->origin == IKC_ESP_ORIGIN_NONE)
		fputs("no key", out);
	else
		fprintf(out, "%s/%s (%s)", ikc_esp_enc_name(in->enc), ikc_esp_auth_name(in->auth), in->source);
	fprintf(out, ": %llu packets, %llu bytes", (unsigned long long)st->packets, (unsigned long long)st->bytes);
	if (in->origin != IKC_ESP_ORIGIN_NONE)
		fprintf(out, ", %llu decrypted", (unsigned long long)st->decrypted);
	if (st->icv_failed)
		fprintf(out, ", %llu ICV failed", (unsigned long long)st->icv_failed);
	if (st->bad_padding)
		fprintf(out, ", %llu bad padding", (unsigned long long)st->bad_padding);
	if (st->errors)
		fprintf(out, ", %llu other errors", (unsigned long long)st->errors);
	if (st->seq_gaps)
		fprintf(out, ", %llu sequence gaps (%llu missing)", (unsigned long long)st->seq_gaps,
			(unsigned long long)st->seq_missing);
	if (st->replays)
		fprintf(out, ", %llu replays", (unsigned long long)st->replays);
	if (st->late)
		fprintf(out, ", %llu out of order", (unsigned long long)st->late);
	fputc('\n', out);
	if (ikc_esp_sa_key_error(sa)[0])
		fprintf(out, "    unusable key: %s\n", ikc_esp_sa_key_error(sa));
}

void ikc_emit_esp_sas(struct ikc_emitter *e, const struct ikc_esp_table *t, bool print_keys)
{
	const struct ikc_esp_sa **v = NULL;
	struct ikc_esp_table_stats ts;
	size_t n = ikc_esp_table_list(t, &v);

	ikc_esp_table_get_stats(t, &ts);
	if (e->o.format != IKC_FMT_TEXT) {
		for (size_t i = 0; i < n; i++)
			esp_sa_record(&e->rw, v[i], print_keys);
	} else if (n && e->o.verbose) {
		struct ikc_rw tw;
		ikc_rw_text_init(&tw, e->out, 2, e->o.color);
		for (size_t i = 0; i < n; i++)
			esp_sa_record(&tw, v[i], print_keys);
		ikc_rw_flush(&tw);
	} else if (n) {
		fprintf(e->out, "ESP SAs (%zu%s):\n", n, ts.evicted ? ", more were evicted" : "");
		for (size_t i = 0; i < n; i++)
			esp_sa_line(e->out, v[i]);
	}
	free(v);
}

/* A packet that is only its addresses: a NAT keepalive, or (dup_of not 0)
 * a capture duplicate of frame dup_of. */
static void short_record(struct ikc_emitter *e, const struct ikc_pkt *pkt, uint64_t dup_of)
{
	if (e->o.quiet)
		return;
	if (e->o.format != IKC_FMT_TEXT) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		if (dup_of)
			ikc_rw_uint(&e->rw, "ikecap.duplicate_of", "Capture duplicate of frame", dup_of, IKC_RW_DEC, NULL);
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	{
		struct lb l;
		lb_init(&l, e->out);
		line_prefix(e, &l, pkt);
		if (dup_of) {
			lb_s(&l, "DUP of frame ");
			lb_u(&l, dup_of, 0);
			lb_s(&l, " (the same packet captured twice)\n");
		} else {
			lb_s(&l, "NAT-keepalive\n");
		}
		lb_flush(&l);
	}
}

void ikc_emit_keepalive(struct ikc_emitter *e, const struct ikc_pkt *pkt)
{
	short_record(e, pkt, 0);
}

void ikc_emit_duplicate(struct ikc_emitter *e, const struct ikc_pkt *pkt, uint64_t original)
{
	short_record(e, pkt, original);
}

enum ikc_icmp_kind ikc_icmp_kind(int af, uint8_t type, uint8_t code)
{
	if (af == 6) {
		if (type == 2)
			return IKC_ICMP_TOO_BIG;
		if (type == 3)
			return IKC_ICMP_TIME_EXCEEDED;
		if (type != 1)
			return IKC_ICMP_OTHER;
		return code == 4 ? IKC_ICMP_PORT_UNREACHABLE : code == 1 ? IKC_ICMP_PROHIBITED : IKC_ICMP_NO_ROUTE;
	}
	if (type == 11)
		return IKC_ICMP_TIME_EXCEEDED;
	if (type != 3)
		return IKC_ICMP_OTHER;
	switch (code) {
	case 3: return IKC_ICMP_PORT_UNREACHABLE;
	case 4: return IKC_ICMP_TOO_BIG;
	case 9: case 10: case 13: return IKC_ICMP_PROHIBITED;
	case 0: case 1: case 5: case 6: case 7: case 8: case 11: case 12: return IKC_ICMP_NO_ROUTE;
	default: return IKC_ICMP_OTHER;
	}
}

/* RFC 792 / RFC 1122 codes of destination unreachable, RFC 4443 for ICMPv6. */
const char *ikc_icmp_error_name(int af, uint8_t type, uint8_t code)
{
	static const char *const unreach4[] = { "net unreachable", "host unreachable", "protocol unreachable",
						 "port unreachable", "fragmentation needed", "source route failed",
						 "net unknown", "host unknown", "source host isolated",
						 "net prohibited", "host prohibited", "net unreachable for TOS",
						 "host unreachable for TOS", "administratively prohibited" };
	static const char *const unreach6[] = { "no route", "administratively prohibited", "beyond scope",
						 "address unreachable", "port unreachable", "source policy failed",
						 "reject route" };

	if (af == 6) {
		if (type == 1)
			return code < sizeof unreach6 / sizeof unreach6[0] ? unreach6[code] : "unreachable";
		return type == 3 ? "time exceeded" : type == 4 ? "parameter problem" : "ICMPv6 error";
	}
	if (type == 3)
		return code < sizeof unreach4 / sizeof unreach4[0] ? unreach4[code] : "unreachable";
	return type == 11 ? "time exceeded" : type == 12 ? "parameter problem" : "ICMP error";
}

void ikc_emit_icmp(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_msg *msg)
{
	char qs[64], qd[64], ic[17], rc[17];
	const char *what = ikc_icmp_error_name(pkt->af, pkt->icmp_type, pkt->icmp_code);

	if (e->o.quiet)
		return;
	ikc_format_addr(pkt->af, pkt->qsrc, qs, sizeof qs);
	ikc_format_addr(pkt->af, pkt->qdst, qd, sizeof qd);
	if (e->o.format != IKC_FMT_TEXT) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		ikc_rw_uint(&e->rw, pkt->af == 6 ? "icmpv6.type" : "icmp.type", "ICMP type", pkt->icmp_type, IKC_RW_DEC,
			    what);
		ikc_rw_uint(&e->rw, pkt->af == 6 ? "icmpv6.code" : "icmp.code", "ICMP code", pkt->icmp_code, IKC_RW_DEC,
			    NULL);
		ikc_rw_cstr(&e->rw, "ikecap.icmp_error", "ICMP error", what);
		ikc_rw_cstr(&e->rw, "ikecap.quoted_src", "Quoted source", qs);
		ikc_rw_cstr(&e->rw, "ikecap.quoted_dst", "Quoted destination", qd);
		ikc_rw_uint(&e->rw, "ikecap.quoted_srcport", "Quoted source port", pkt->qsport, IKC_RW_DEC, NULL);
		ikc_rw_uint(&e->rw, "ikecap.quoted_dstport", "Quoted destination port", pkt->qdport, IKC_RW_DEC, NULL);
		if (msg) {
			struct ikc_decode_ctx ctx = { .doi = IKC_DOI_IPSEC, .ikev2 = IKC_IS_IKEV2(msg->hdr.version) };
			struct ikc_render_opts ro = { .hex = e->o.hex, .show_secrets = e->o.show_secrets };
			ikc_render_isakmp_hdr(&e->rw, &msg->hdr, IKC_DOI_IPSEC);
			ikc_render_payloads(&e->rw, msg->payloads, msg->npayloads, &ctx, &ro);
		}
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	{
		struct lb l;
		lb_init(&l, e->out);
		line_prefix(e, &l, pkt);
		lb_flush(&l);
	}
	fprintf(e->out, "%sICMP %s%s for %s:%u > %s:%u", col(e, C_RED), what, col(e, C_OFF), qs, pkt->qsport, qd,
		pkt->qdport);
	if (msg) {
		ikc_hex(msg->hdr.icookie, 8, ic, sizeof ic);
		ikc_hex(msg->hdr.rcookie, 8, rc, sizeof rc);
		fprintf(e->out, " (IKE %s/%s)", ic, rc);
	}
	fputc('\n', e->out);
}

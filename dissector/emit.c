/* emit.c - see emit.h. */
#include "emit.h"

#include <string.h>
#include <time.h>

#include "../decoders/names.h"
#include "render.h"
#include "util.h"

#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_OFF "\033[0m"

void ikc_emit_init(struct ikc_emitter *e, FILE *out, const struct ikc_emit_opts *o)
{
	memset(e, 0, sizeof *e);
	e->o = *o;
	e->out = out;
	if (o->format == IKC_FMT_JSON)
		ikc_rw_json_init(&e->rw, out);
	else
		ikc_rw_text_init(&e->rw, out, 6, o->color);
}

static const char *col(const struct ikc_emitter *e, const char *code)
{
	return e->o.color ? code : "";
}

static void fmt_time(const struct ikc_pkt *pkt, char *buf, size_t n)
{
	time_t t = (time_t)pkt->ts_sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	snprintf(buf, n, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min, tm.tm_sec, pkt->ts_nsec / 1000u);
}

static void fmt_endpoint(const struct ikc_pkt *pkt, bool src, char *buf, size_t n)
{
	char a[64];
	uint16_t port = src ? pkt->sport : pkt->dport;

	ikc_format_addr(pkt->af, src ? pkt->src : pkt->dst, a, sizeof a);
	if (pkt->transport == IKC_T_ESP)
		snprintf(buf, n, "%s", a);
	else if (pkt->af == 6)
		snprintf(buf, n, "[%s]:%u", a, port);
	else
		snprintf(buf, n, "%s:%u", a, port);
}

static void line_prefix(struct ikc_emitter *e, const struct ikc_pkt *pkt)
{
	char t[32], s[80], d[80];

	fmt_time(pkt, t, sizeof t);
	fmt_endpoint(pkt, true, s, sizeof s);
	fmt_endpoint(pkt, false, d, sizeof d);
	fprintf(e->out, "%5llu %s %s > %s ", (unsigned long long)pkt->frame, t, s, d);
}

/* One short word per payload: "SA", "N(NO-PROPOSAL-CHOSEN)", "VID(DPD)". */
static void payload_words(struct ikc_emitter *e, const struct ikc_payload *pl, size_t n, uint32_t doi, bool ikev2)
{
	char nb[16];

	for (size_t i = 0; i < n; i++) {
		const struct ikc_payload *p = &pl[i];
		const char *name = ikev2 ? ikc_ikev2_payload_name(p->type) : ikc_payload_name(p->type, doi);

		fputc(' ', e->out);
		fputs(ikc_name_or_num(name, p->type, nb, sizeof nb), e->out);
		if (!ikev2 && p->type == IKC_PT_NOTIFY) {
			char tb[16];
			fprintf(e->out, "(%s)",
				ikc_name_or_num(ikc_notify_name(p->u.notify.type), p->u.notify.type, tb, sizeof tb));
		} else if (!ikev2 && p->type == IKC_PT_DELETE) {
			fprintf(e->out, "(%s x%u)", ikc_name_or_num(ikc_protocol_name(p->u.del.protoid),
								     p->u.del.protoid, nb, sizeof nb),
				p->u.del.nspi);
		}
		if (p->notes)
			fprintf(e->out, "%s!%s", col(e, C_YELLOW), col(e, C_OFF));
	}
}

static void text_line(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		      const struct ikc_msg_info *info)
{
	char ic[17], rc[17];
	char label[40];
	bool ikev2 = msg->hdr.version >= 0x20;

	line_prefix(e, pkt);
	if (info->retransmit)
		snprintf(label, sizeof label, "%s R%u", info->label, info->retransmit_count);
	else
		snprintf(label, sizeof label, "%s", info->label);
	ikc_hex(msg->hdr.icookie, 8, ic, sizeof ic);
	ikc_hex(msg->hdr.rcookie, 8, rc, sizeof rc);
	fprintf(e->out, "%s%-8s%s %s %s/%s", col(e, C_BOLD), label, col(e, C_OFF), ikc_dir_name(info->dir), ic, rc);
	if (msg->hdr.msgid)
		fprintf(e->out, " mid %08x", msg->hdr.msgid);
	fputc(':', e->out);
	payload_words(e, msg->payloads, msg->npayloads, info->doi, ikev2);
	if (msg->hdr.flags & IKC_FLAG_E && !ikev2) {
		switch (info->dec) {
		case IKC_DEC_OK:
			fprintf(e->out, " %s{%s", col(e, C_GREEN), col(e, C_OFF));
			payload_words(e, info->payloads, info->npayloads, info->doi, false);
			fprintf(e->out, " %s}%s", col(e, C_GREEN), col(e, C_OFF));
			if (info->hash == IKC_HASH_FAILED)
				fprintf(e->out, " %sHASH FAILED%s", col(e, C_RED), col(e, C_OFF));
			break;
		case IKC_DEC_WRONG_KEY:
			fprintf(e->out, " %s[encrypted %zu bytes: wrong key or PSK]%s", col(e, C_RED), msg->enc_len,
				col(e, C_OFF));
			break;
		default:
			fprintf(e->out, " [encrypted %zu bytes]", msg->enc_len);
			break;
		}
	}
	if (pkt->reassembled)
		fprintf(e->out, " (reassembled from frame %llu)", (unsigned long long)pkt->first_frame);
	if (pkt->len < pkt->wire_len)
		fputs(" [truncated capture]", e->out);
	fputc('\n', e->out);
	if (info->dec != IKC_DEC_OK && info->dec != IKC_DEC_NOT_ENCRYPTED && info->dec_detail[0] && e->o.verbose)
		fprintf(e->out, "      %s\n", info->dec_detail);
}

static void json_pkt_common(struct ikc_emitter *e, const struct ikc_pkt *pkt)
{
	char a[64];
	char ts[48];

	ikc_rw_cstr(&e->rw, "type", "Record", "packet");
	ikc_rw_uint(&e->rw, "ikecap.frame", "Frame", pkt->frame, IKC_RW_DEC, NULL);
	snprintf(ts, sizeof ts, "%lld.%09u", (long long)pkt->ts_sec, pkt->ts_nsec);
	ikc_rw_cstr(&e->rw, "frame.time_epoch", "Time", ts);
	ikc_format_addr(pkt->af, pkt->src, a, sizeof a);
	ikc_rw_cstr(&e->rw, pkt->af == 6 ? "ipv6.src" : "ip.src", "Source", a);
	ikc_format_addr(pkt->af, pkt->dst, a, sizeof a);
	ikc_rw_cstr(&e->rw, pkt->af == 6 ? "ipv6.dst" : "ip.dst", "Destination", a);
	if (pkt->transport != IKC_T_ESP) {
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
	struct ikc_decode_ctx ctx = { .doi = info->doi, .ikev2 = msg->hdr.version >= 0x20 };
	struct ikc_render_opts ro = { .hex = e->o.hex, .show_secrets = e->o.show_secrets };

	ikc_rw_cstr(&e->rw, "ikecap.msg", "Message", info->label);
	ikc_rw_cstr(&e->rw, "ikecap.dir", "Direction", ikc_dir_name(info->dir));
	ikc_rw_bool(&e->rw, "ikecap.retransmit", "Retransmission", info->retransmit);
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
	if (e->o.format == IKC_FMT_JSON) {
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
	if (e->o.format == IKC_FMT_JSON) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		ikc_rw_cstr(&e->rw, "ikecap.error", "Error", ikc_strerror(err));
		ikc_rw_uint(&e->rw, "ikecap.length", "Length", pkt->len, IKC_RW_DEC, NULL);
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	line_prefix(e, pkt);
	fprintf(e->out, "%sISAKMP %s (%zu bytes)%s\n", col(e, C_RED), ikc_strerror(err), pkt->len, col(e, C_OFF));
}

void ikc_emit_esp(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_esp_hdr *esp, bool ok)
{
	if (e->o.quiet)
		return;
	if (e->o.format == IKC_FMT_JSON) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		if (ok) {
			ikc_rw_uint(&e->rw, "esp.spi", "SPI", esp->spi, IKC_RW_HEX, NULL);
			ikc_rw_uint(&e->rw, "esp.sequence", "Sequence", esp->seq, IKC_RW_DEC, NULL);
			ikc_rw_uint(&e->rw, "ikecap.esp_body_len", "Protected bytes", esp->body_len, IKC_RW_DEC,
				    NULL);
		} else {
			ikc_rw_cstr(&e->rw, "ikecap.error", "Error", "truncated ESP header");
		}
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	line_prefix(e, pkt);
	if (ok)
		fprintf(e->out, "ESP spi 0x%08x seq %u len %zu\n", esp->spi, esp->seq, esp->body_len);
	else
		fprintf(e->out, "ESP %struncated header%s\n", col(e, C_RED), col(e, C_OFF));
}

void ikc_emit_keepalive(struct ikc_emitter *e, const struct ikc_pkt *pkt)
{
	if (e->o.quiet)
		return;
	if (e->o.format == IKC_FMT_JSON) {
		ikc_rw_begin_map(&e->rw, NULL, NULL);
		json_pkt_common(e, pkt);
		ikc_rw_end_map(&e->rw);
		ikc_rw_end_record(&e->rw);
		return;
	}
	line_prefix(e, pkt);
	fputs("NAT-keepalive\n", e->out);
}

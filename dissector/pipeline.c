/* pipeline.c - see pipeline.h. */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/esp.h"
#include "../decoders/isakmp.h"
#include "gdoi.h"
#include "sa_crypto.h"

static void emit_isakmp(struct ikc_pipeline *p, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
			const struct ikc_msg_info *info)
{
	for (size_t i = 0; i < p->nem; i++)
		ikc_emit_isakmp(p->em[i], pkt, msg, info);
}

static void emit_bad_isakmp(struct ikc_pipeline *p, const struct ikc_pkt *pkt, enum ikc_err err)
{
	for (size_t i = 0; i < p->nem; i++)
		ikc_emit_bad_isakmp(p->em[i], pkt, err);
}

/* A message the session classifies (and decrypts), then the ESP SAs it keyed. */
static void process(struct ikc_pipeline *p, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		    struct ikc_msg_info *info)
{
	ikc_session_process(p->sess, &p->arena, pkt, msg, info);
	ikc_sa_crypto_install_esp(info->sa, p->esp);
	ikc_gdoi_install_esp(ikc_session_gdoi(p->sess), p->esp);
	emit_isakmp(p, pkt, msg, info);
}

/* An IKEv1 fragment: shown as itself; once its train is complete the whole
 * message is decoded and goes through the session like any other. */
static void ike_fragment(struct ikc_pipeline *p, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
			 const struct ikc_decode_ctx *dctx)
{
	const struct ikc_frag *fr = &msg->payloads[0].u.frag;
	struct ikc_msg_info info;
	struct ikc_msg whole;
	struct ikc_pkt full;
	const uint8_t *data;
	size_t len;
	uint64_t first;

	memset(&info, 0, sizeof info);
	info.doi = dctx->doi;
	snprintf(info.label, sizeof info.label, "FRAG%u%s", fr->number, (fr->flags & 1) ? "/last" : "");
	p->n.ike_fragments++;
	emit_isakmp(p, pkt, msg, &info);
	if (ikc_ikefrag_add(p->frag, pkt, msg, fr, &data, &len, &first) != IKC_IF_COMPLETE)
		return;
	full = *pkt;
	full.data = data;
	full.len = full.wire_len = len;
	full.reassembled = true;
	full.first_frame = first;
	if (ikc_isakmp_decode(&p->arena, data, len, dctx, &whole) != IKC_OK) {
		p->n.ike_bad++;
		emit_bad_isakmp(p, &full, IKC_MALFORMED);
		return;
	}
	process(p, &full, &whole, &info);
}

static bool is_ike_fragment(const struct ikc_msg *msg)
{
	return IKC_IS_IKEV1(msg->hdr.version) && msg->npayloads && msg->payloads[0].type == IKC_PT_FRAG &&
	       !(msg->payloads[0].notes &
		 (IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) | IKC_NOTE(TRUNCATED) | IKC_NOTE(MALFORMED)));
}

void ikc_pipeline_drop_kept(struct ikc_pipeline *p)
{
	for (size_t i = 0; i < p->nkept; i++)
		free(p->kept[i].bytes);
	free(p->kept);
	p->kept = NULL;
	p->nkept = p->kept_bytes = 0;
}

static void keep_esp(struct ikc_pipeline *p, const struct ikc_pkt *pkt)
{
	struct ikc_kept_esp *k;

	if (p->nkept == IKC_PIPELINE_KEEP_ESP || p->kept_bytes + pkt->len > IKC_PIPELINE_KEEP_ESP_BYTES)
		return;   /* the newest go first: they are the ones a reload is likeliest to open */
	if (!p->kept && !(p->kept = calloc(IKC_PIPELINE_KEEP_ESP, sizeof *p->kept)))
		return;
	k = &p->kept[p->nkept];
	if (!(k->bytes = malloc(pkt->len ? pkt->len : 1)))
		return;
	memcpy(k->bytes, pkt->data, pkt->len);
	k->pkt = *pkt;
	k->pkt.data = k->bytes;
	p->nkept++;
	p->kept_bytes += pkt->len;
}

/* After a reload: the kept ESP packets whose SA has a key now; those still
 * without one stay kept for the next reload (a daemon's key log grows). */
static void replay_esp(struct ikc_pipeline *p)
{
	size_t still = 0;

	for (size_t i = 0; i < p->nkept; i++) {
		struct ikc_kept_esp *k = &p->kept[i];
		const struct ikc_pkt *pkt = &k->pkt;
		struct ikc_esp_hdr esp;
		struct ikc_esp_outcome o;

		if (ikc_esp_decode(pkt->data, pkt->len, &esp) == IKC_OK) {
			ikc_esp_table_redecrypt(p->esp, pkt, &o);
			if (o.verdict == IKC_EV_NO_KEY) {
				p->kept[still++] = *k;
				continue;
			}
			if (o.verdict == IKC_EV_DECRYPTED && p->pw && !p->pw_failed &&
			    ikc_pcap_out_write(p->pw, pkt, o.plain.next_header, o.plain.payload,
					       o.plain.payload_len) != IKC_OK)
				p->pw_failed = true;
			for (size_t e = 0; e < p->nem; e++)
				ikc_emit_esp(p->em[e], pkt, &esp, true, &o);
		}
		p->kept_bytes -= pkt->len;
		free(k->bytes);
	}
	p->nkept = still;
}

void ikc_pipeline_set_keys(struct ikc_pipeline *p, const struct ikc_keys *keys)
{
	struct ikc_waiting *w;
	size_t n;

	ikc_session_set_keys(p->sess, keys);
	ikc_esp_table_set_keys(p->esp, keys);
	n = ikc_session_take_waiting(p->sess, &w);
	ikc_session_replay(p->sess, true);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < w[i].n; j++) {
			const struct ikc_pkt *pkt = &w[i].v[j].pkt;
			struct ikc_decode_ctx dctx = { .doi = pkt->transport == IKC_T_UDP848 ? IKC_DOI_GDOI
											: IKC_DOI_IPSEC };
			struct ikc_msg msg;
			struct ikc_msg_info info;

			ikc_arena_reset(&p->arena);
			if (ikc_isakmp_decode(&p->arena, pkt->data, pkt->len, &dctx, &msg) != IKC_OK)
				continue;
			ikc_session_process(p->sess, &p->arena, pkt, &msg, &info);
			ikc_sa_crypto_install_esp(info.sa, p->esp);
			ikc_gdoi_install_esp(ikc_session_gdoi(p->sess), p->esp);
			/* Shown again only where there is something new to see. */
			if ((msg.hdr.flags & IKC_FLAG_E) && info.dec == IKC_DEC_OK && w[i].v[j].dec != IKC_DEC_OK) {
				info.late = true;
				emit_isakmp(p, pkt, &msg, &info);
			}
		}
		ikc_session_restore_waiting(p->sess, &w[i]);
	}
	ikc_session_replay(p->sess, false);
	ikc_waiting_free(w, n);
	replay_esp(p);
}

void ikc_pipeline_packet(void *ctx, const struct ikc_pkt *pkt)
{
	struct ikc_pipeline *p = ctx;
	uint64_t original;

	if (pkt->transport != IKC_T_NONE && (original = ikc_dupes_check(p->dupes, pkt)) != 0) {
		p->n.duplicates++;
		for (size_t i = 0; i < p->nem; i++)
			ikc_emit_duplicate(p->em[i], pkt, original);
		return;
	}
	ikc_arena_reset(&p->arena);
	ikc_gdoi_note_packet(ikc_session_gdoi(p->sess), pkt);
	switch (pkt->transport) {
	case IKC_T_UDP500:
	case IKC_T_UDP4500_IKE:
	case IKC_T_UDP848: {
		struct ikc_decode_ctx dctx = { .doi = pkt->transport == IKC_T_UDP848 ? IKC_DOI_GDOI : IKC_DOI_IPSEC };
		struct ikc_msg msg;
		struct ikc_msg_info info;
		enum ikc_err err = ikc_isakmp_decode(&p->arena, pkt->data, pkt->len, &dctx, &msg);

		if (err) {
			p->n.ike_bad++;
			emit_bad_isakmp(p, pkt, err);
			break;
		}
		p->n.ike++;
		if (is_ike_fragment(&msg))
			ike_fragment(p, pkt, &msg, &dctx);
		else
			process(p, pkt, &msg, &info);
		break;
	}
	case IKC_T_ESP:
	case IKC_T_UDP4500_ESP: {
		struct ikc_esp_hdr esp;
		struct ikc_esp_outcome o;
		enum ikc_err err = ikc_esp_decode(pkt->data, pkt->len, &esp);

		if (err) {
			p->n.esp_bad++;
			for (size_t i = 0; i < p->nem; i++)
				ikc_emit_esp(p->em[i], pkt, &esp, false, NULL);
			break;
		}
		p->n.esp++;
		ikc_esp_table_input(p->esp, pkt, &o);
		if (p->keep_esp && o.verdict == IKC_EV_NO_KEY)
			keep_esp(p, pkt);
		if (o.verdict == IKC_EV_DECRYPTED && p->pw && !p->pw_failed &&
		    ikc_pcap_out_write(p->pw, pkt, o.plain.next_header, o.plain.payload, o.plain.payload_len) != IKC_OK)
			p->pw_failed = true;
		for (size_t i = 0; i < p->nem; i++)
			ikc_emit_esp(p->em[i], pkt, &esp, true, &o);
		break;
	}
	case IKC_T_ICMP_ERROR: {
		/* The quoted message is usually cut short: its header is what counts. */
		struct ikc_decode_ctx dctx = { .doi = IKC_DOI_IPSEC };
		struct ikc_msg msg;
		bool have = ikc_isakmp_decode(&p->arena, pkt->data, pkt->len, &dctx, &msg) == IKC_OK;

		p->n.icmp_errors++;
		if (have)
			ikc_session_note_icmp(p->sess, pkt, &msg);
		else
			ikc_session_note_icmp_addr(p->sess, pkt);
		for (size_t i = 0; i < p->nem; i++)
			ikc_emit_icmp(p->em[i], pkt, have ? &msg : NULL);
		break;
	}
	case IKC_T_KEEPALIVE:
		p->n.keepalive++;
		for (size_t i = 0; i < p->nem; i++)
			ikc_emit_keepalive(p->em[i], pkt);
		break;
	case IKC_T_NONE:
		break;
	}
}

void ikc_pipeline_frame(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec, const uint8_t *bytes,
			size_t caplen, size_t wirelen)
{
	struct ikc_pipeline *p = ctx;

	/* A hostile pcapng's times can be anything an int64 holds; every later
	 * difference of two times (round trips, spans, timeouts) stays exact and
	 * far from overflow with 1970 .. ~36,800 (2^40 s). */
	ts_sec = ikc_pipeline_clamp_sec(ts_sec);
	if (ts_nsec > 999999999u)
		ts_nsec = 999999999u;
	p->n.frames++;
	switch (ikc_net_input(p->net, dlt, frame, ts_sec, ts_nsec, bytes, caplen, wirelen, ikc_pipeline_packet, p)) {
	case IKC_NV_DELIVERED: break;
	case IKC_NV_NOT_IKE: p->n.not_ike++; break;
	case IKC_NV_FRAGMENT_HELD: p->n.frag_held++; break;
	case IKC_NV_FRAGMENT_DUP: p->n.duplicates++; break;   /* an exact copy adds nothing */
	case IKC_NV_TRUNCATED: p->n.truncated++; break;
	case IKC_NV_MALFORMED: p->n.malformed++; break;
	case IKC_NV_UNSUPPORTED_LINK: p->n.unsupported_link++; break;
	}
}

/* pipeline.h - the per-packet loop of dissector/main.c, replicated for the
 * fuzz harnesses (fuzz_pcap, fuzz_decrypt).
 *
 * main.c keeps its loop in static functions and we do not refactor it; this
 * is the minimal copy: net -> ISAKMP decode -> IKE fragment reassembly ->
 * session (+ IKE decryption, ESP SAs installed from Quick Modes) -> ESP
 * table (ESP decryption) -> emit.  Every message is emitted twice, as the
 * -v -x text tree and as NDJSON, both to /dev/null, so the renderers see
 * everything the decoders produce.  Keep it in step with main.c's on_pkt,
 * on_ike_fragment and on_frame.  Header-only: each harness is one program.
 */
#ifndef IKC_FUZZ_PIPELINE_H
#define IKC_FUZZ_PIPELINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../decoders/esp.h"
#include "../../decoders/isakmp.h"
#include "../../dissector/emit.h"
#include "../../dissector/esp_sa.h"
#include "../../dissector/ikefrag.h"
#include "../../dissector/keys.h"
#include "../../dissector/net.h"
#include "../../dissector/sa_crypto.h"
#include "../../dissector/session.h"

struct fz_run {
	struct ikc_net *net;
	struct ikc_session *sess;
	struct ikc_ikefrag *frag;
	struct ikc_esp_table *esp;
	struct ikc_emitter text, json;
	struct ikc_arena arena;
	FILE *out;
};

static void fz_emit_isakmp(struct fz_run *r, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
			   const struct ikc_msg_info *info)
{
	ikc_emit_isakmp(&r->text, pkt, msg, info);
	ikc_emit_isakmp(&r->json, pkt, msg, info);
}

/* main.c: on_ike_fragment */
static void fz_on_ike_fragment(struct fz_run *r, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
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
	fz_emit_isakmp(r, pkt, msg, &info);
	if (ikc_ikefrag_add(r->frag, pkt, msg, fr, &data, &len, &first) != IKC_IF_COMPLETE)
		return;
	full = *pkt;
	full.data = data;
	full.len = full.wire_len = len;
	full.reassembled = true;
	full.first_frame = first;
	if (ikc_isakmp_decode(&r->arena, data, len, dctx, &whole) != IKC_OK) {
		ikc_emit_bad_isakmp(&r->text, &full, IKC_MALFORMED);
		ikc_emit_bad_isakmp(&r->json, &full, IKC_MALFORMED);
		return;
	}
	ikc_session_process(r->sess, &r->arena, &full, &whole, &info);
	(void)ikc_sa_crypto_install_esp(info.sa, r->esp);
	fz_emit_isakmp(r, &full, &whole, &info);
}

/* main.c: on_pkt */
static void fz_on_pkt(void *ctx, const struct ikc_pkt *pkt)
{
	struct fz_run *r = ctx;

	ikc_arena_reset(&r->arena);
	switch (pkt->transport) {
	case IKC_T_UDP500:
	case IKC_T_UDP4500_IKE:
	case IKC_T_UDP848: {
		struct ikc_decode_ctx dctx = { .doi = pkt->transport == IKC_T_UDP848 ? IKC_DOI_GDOI : IKC_DOI_IPSEC };
		struct ikc_msg msg;
		struct ikc_msg_info info;
		enum ikc_err err = ikc_isakmp_decode(&r->arena, pkt->data, pkt->len, &dctx, &msg);

		if (err) {
			ikc_emit_bad_isakmp(&r->text, pkt, err);
			ikc_emit_bad_isakmp(&r->json, pkt, err);
			break;
		}
		if (IKC_IS_IKEV1(msg.hdr.version) && msg.npayloads && msg.payloads[0].type == IKC_PT_FRAG &&
		    !(msg.payloads[0].notes & (IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) |
					       IKC_NOTE(TRUNCATED) | IKC_NOTE(MALFORMED)))) {
			fz_on_ike_fragment(r, pkt, &msg, &dctx);
			break;
		}
		ikc_session_process(r->sess, &r->arena, pkt, &msg, &info);
		(void)ikc_sa_crypto_install_esp(info.sa, r->esp);
		fz_emit_isakmp(r, pkt, &msg, &info);
		break;
	}
	case IKC_T_ESP:
	case IKC_T_UDP4500_ESP: {
		struct ikc_esp_hdr esp;
		struct ikc_esp_outcome o;
		enum ikc_err err = ikc_esp_decode(pkt->data, pkt->len, &esp);

		if (err) {
			ikc_emit_esp(&r->text, pkt, &esp, false, NULL);
			ikc_emit_esp(&r->json, pkt, &esp, false, NULL);
			break;
		}
		ikc_esp_table_input(r->esp, pkt, &o);
		ikc_emit_esp(&r->text, pkt, &esp, true, &o);
		ikc_emit_esp(&r->json, pkt, &esp, true, &o);
		break;
	}
	case IKC_T_ICMP_ERROR: {
		/* main.c: the quoted message is usually cut short; its header is what counts */
		struct ikc_decode_ctx dctx = { .doi = IKC_DOI_IPSEC };
		struct ikc_msg msg;
		bool have = ikc_isakmp_decode(&r->arena, pkt->data, pkt->len, &dctx, &msg) == IKC_OK;

		if (have)
			ikc_session_note_icmp(r->sess, pkt, &msg);
		ikc_emit_icmp(&r->text, pkt, have ? &msg : NULL);
		ikc_emit_icmp(&r->json, pkt, have ? &msg : NULL);
		break;
	}
	case IKC_T_KEEPALIVE:
		ikc_emit_keepalive(&r->text, pkt);
		ikc_emit_keepalive(&r->json, pkt);
		break;
	case IKC_T_NONE:
		break;
	}
}

/* main.c: on_frame (without the counters) */
static inline void fz_on_frame(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec, const uint8_t *bytes,
			size_t caplen, size_t wirelen)
{
	struct fz_run *r = ctx;

	(void)ikc_net_input(r->net, dlt, frame, ts_sec, ts_nsec, bytes, caplen, wirelen, fz_on_pkt, r);
}

/* The same objects main.c makes, with its limits; out is /dev/null. */
static int fz_run_init(struct fz_run *r, const struct ikc_keys *keys, FILE *out)
{
	struct ikc_net_config ncfg;
	struct ikc_session_config scfg;
	struct ikc_emit_opts to = { .format = IKC_FMT_TEXT, .verbose = 1, .hex = true, .color = true };
	struct ikc_emit_opts jo = { .format = IKC_FMT_JSON, .hex = true };

	memset(r, 0, sizeof *r);
	ikc_net_config_default(&ncfg);
	ikc_session_config_default(&scfg);
	scfg.print_keys = true;
	r->out = out;
	ikc_emit_init(&r->text, out, &to);
	ikc_emit_init(&r->json, out, &jo);
	r->net = ikc_net_new(&ncfg);
	r->sess = ikc_session_new(&scfg, keys);
	r->frag = ikc_ikefrag_new(256, 4u << 20, 30);
	r->esp = ikc_esp_table_new(0, keys);
	if (!r->net || !r->sess || !r->frag || !r->esp || ikc_arena_init(&r->arena, 1u << 20) != 0)
		return -1;
	return 0;
}

/* main.c's end of run: the SA summaries in every form, then free. */
static void fz_run_finish(struct fz_run *r)
{
	if (r->sess) {
		struct ikc_session_stats st;
		struct ikc_rw tw;

		ikc_session_write_summary(r->sess, &r->json.rw);
		ikc_rw_text_init(&tw, r->out, 2, true);
		ikc_session_write_summary(r->sess, &tw);
		ikc_session_write_text(r->sess, r->out);
		(void)ikc_session_export_ikev1(r->sess, r->out);
		ikc_session_get_stats(r->sess, &st);
	}
	if (r->esp) {
		struct ikc_esp_table_stats es;

		ikc_emit_esp_sas(&r->json, r->esp, true);
		ikc_emit_esp_sas(&r->text, r->esp, true);
		ikc_esp_table_get_stats(r->esp, &es);
	}
	ikc_net_free(r->net);
	ikc_session_free(r->sess);
	ikc_ikefrag_free(r->frag);
	ikc_esp_table_free(r->esp);
	ikc_arena_free(&r->arena);
	memset(r, 0, sizeof *r);
}

#endif

/* pipeline.h - the fuzz harnesses' run: the library's own per-packet
 * pipeline (dissector/pipeline.c, the code ikecap runs), with every record
 * emitted twice, as the -v -x text tree and as NDJSON, both to /dev/null, so
 * the renderers see everything the decoders produce.  Header-only: each
 * harness is one program.
 */
#ifndef IKC_FUZZ_PIPELINE_H
#define IKC_FUZZ_PIPELINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../dissector/emit.h"
#include "../../dissector/ended.h"
#include "../../dissector/keys.h"
#include "../../dissector/pipeline.h"
#include "../../dissector/session.h"

struct fz_run {
	struct ikc_pipeline p;
	struct ikc_emitter text, json;
	struct ikc_ended *ended;     /* SAs that end mid-capture (retirement) */
	FILE *out;
};

/* A packet the net layer would deliver (fuzz_decrypt feeds these directly). */
static inline void fz_on_pkt(void *ctx, const struct ikc_pkt *pkt)
{
	struct fz_run *r = ctx;

	ikc_pipeline_packet(&r->p, pkt);
}

/* A captured frame (an ikc_frame_cb). */
static inline void fz_on_frame(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec,
			       const uint8_t *bytes, size_t caplen, size_t wirelen)
{
	struct fz_run *r = ctx;

	ikc_pipeline_frame(&r->p, dlt, frame, ts_sec, ts_nsec, bytes, caplen, wirelen);
}

/* The same objects main.c makes, with its default limits; out is /dev/null.
 * SAs quiet for a minute of capture time retire (the ended.c path, its text
 * kept and its records written); reload: messages that find no key are kept
 * for ikc_pipeline_set_keys, as live with -k. */
static inline int fz_run_init(struct fz_run *r, const struct ikc_keys *keys, FILE *out, bool reload)
{
	struct ikc_ended_opts eo = { .format = IKC_FMT_TEXT, .verbose = true, .keep_keys = true, .out = out };
	struct ikc_net_config ncfg;
	struct ikc_session_config scfg;
	struct ikc_emit_opts to = { .format = IKC_FMT_TEXT, .verbose = 1, .hex = true, .color = true };
	struct ikc_emit_opts jo = { .format = IKC_FMT_JSON, .hex = true };

	memset(r, 0, sizeof *r);
	ikc_net_config_default(&ncfg);
	ikc_session_config_default(&scfg);
	scfg.print_keys = true;
	scfg.retire_idle_s = 60;
	scfg.keep_for_reload = reload;
	r->p.keep_esp = reload;
	r->out = out;
	ikc_emit_init(&r->text, out, &to);
	ikc_emit_init(&r->json, out, &jo);
	r->p.em[0] = &r->text;
	r->p.em[1] = &r->json;
	r->p.nem = 2;
	eo.rw[eo.nrw++] = &r->json.rw;
	r->ended = ikc_ended_new(&eo);
	scfg.on_retire = ikc_ended_retire;
	scfg.retire_ctx = r->ended;
	r->p.net = ikc_net_new(&ncfg);
	r->p.sess = ikc_session_new(&scfg, keys);
	r->p.frag = ikc_ikefrag_new(256, 4u << 20, 30);
	r->p.esp = ikc_esp_table_new(0, keys);
	r->p.dupes = ikc_dupes_new(IKC_DUPES_DEFAULT_WINDOW_MS);
	if (!r->p.dupes || !r->ended || !r->p.net || !r->p.sess || !r->p.frag || !r->p.esp || ikc_arena_init(&r->p.arena, 1u << 20) != 0)
		return -1;
	return 0;
}

/* main.c's end of run: the SA summaries in every form, then free. */
static inline void fz_run_finish(struct fz_run *r)
{
	if (r->p.sess) {
		struct ikc_session_stats st;
		struct ikc_rw tw;

		ikc_session_write_summary(r->p.sess, &r->json.rw);
		ikc_rw_text_init(&tw, r->out, 2, true);
		ikc_session_write_summary(r->p.sess, &tw);
		ikc_ended_write_text(r->ended, r->out);
		(void)ikc_ended_export_ikev1(r->ended, r->out);
		ikc_session_write_text(r->p.sess, r->out, true);
		(void)ikc_session_export_ikev1(r->p.sess, r->out);
		ikc_session_get_stats(r->p.sess, &st);
	}
	if (r->p.esp) {
		struct ikc_esp_table_stats es;

		ikc_emit_esp_sas(&r->json, r->p.esp, true);
		ikc_emit_esp_sas(&r->text, r->p.esp, true);
		ikc_esp_table_get_stats(r->p.esp, &es);
	}
	ikc_net_free(r->p.net);
	ikc_session_free(r->p.sess);
	ikc_ended_free(r->ended);
	ikc_pipeline_drop_kept(&r->p);
	ikc_ikefrag_free(r->p.frag);
	ikc_esp_table_free(r->p.esp);
	ikc_dupes_free(r->p.dupes);
	ikc_arena_free(&r->p.arena);
	memset(r, 0, sizeof *r);
}

#endif

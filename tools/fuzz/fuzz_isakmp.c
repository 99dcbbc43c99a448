/* fuzz_isakmp.c - libFuzzer harness: the ISAKMP / IKEv1 / GDOI decoders on
 * clear payloads, and everything that renders their model.
 *
 * The input is one ISAKMP message as it would follow the UDP header.  It is
 * decoded in the IPsec DOI and in the GDOI DOI (payloads 15-22 and exchanges
 * 32/33 change meaning), then once more in a tiny arena so the
 * "decode_memory_exhausted" paths run too.  Each decoded message is written
 * through the emitters (one-line text, -v -x text tree, NDJSON) and the CBOR
 * writer to /dev/null.  The input minus its first byte is also decoded as a
 * bare payload chain whose first payload type is that byte: that is how a
 * decrypted body reaches the decoder, with no header to constrain it.
 *
 * FUZZ_ISAKMP_PCAP=FILE: also write each input as two frames, UDP 500 (IPsec
 * DOI) and UDP 848 (GDOI), into FILE: the reproducer for captures/regress/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../decoders/isakmp.h"
#include "../../dissector/emit.h"
#include "../../dissector/record.h"
#include "../../dissector/render.h"
#include "pcapw.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_state {
	FILE *null;
	FILE *pcap;      /* FUZZ_ISAKMP_PCAP */
	struct ikc_arena big, tiny;
};
static struct fz_state st;   /* harness state, set up once */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	st.null = fopen("/dev/null", "w");
	if (getenv("FUZZ_ISAKMP_PCAP") && !(st.pcap = fz_pcap_open(getenv("FUZZ_ISAKMP_PCAP"))))
		abort();
	if (!st.null || ikc_arena_init(&st.big, 1u << 20) != 0 || ikc_arena_init(&st.tiny, 1024) != 0)
		abort();
	return 0;
}

static void fake_pkt(struct ikc_pkt *pkt, const uint8_t *data, size_t size, uint32_t doi)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };

	memset(pkt, 0, sizeof *pkt);
	pkt->frame = 1;
	pkt->ts_sec = 1700000000;
	pkt->af = 4;
	memcpy(pkt->src, a, 4);
	memcpy(pkt->dst, b, 4);
	pkt->sport = pkt->dport = doi == IKC_DOI_GDOI ? 848 : 500;
	pkt->transport = doi == IKC_DOI_GDOI ? IKC_T_UDP848 : IKC_T_UDP500;
	pkt->data = data;
	pkt->len = size;
	pkt->wire_len = size + (size & 1); /* odd sizes also say "truncated capture" */
}

static void emit_all(const struct ikc_pkt *pkt, const struct ikc_msg *msg, uint32_t doi)
{
	struct ikc_emit_opts to = { .format = IKC_FMT_TEXT, .verbose = 1, .hex = true, .color = true };
	struct ikc_emit_opts jo = { .format = IKC_FMT_JSON, .hex = true, .show_secrets = true };
	struct ikc_emit_opts lo = { .format = IKC_FMT_TEXT };
	struct ikc_msg_info info;
	struct ikc_emitter e;

	memset(&info, 0, sizeof info);
	info.doi = doi;
	info.dir = IKC_DIR_I2R;
	snprintf(info.label, sizeof info.label, "MM1");
	ikc_emit_init(&e, st.null, &to);
	ikc_emit_isakmp(&e, pkt, msg, &info);
	ikc_emit_init(&e, st.null, &lo);
	ikc_emit_isakmp(&e, pkt, msg, &info);
	ikc_emit_init(&e, st.null, &jo);
	ikc_emit_isakmp(&e, pkt, msg, &info);
}

static void render_cbor(const struct ikc_msg *msg, uint32_t doi)
{
	struct ikc_decode_ctx ctx = { .doi = doi, .ikev2 = IKC_IS_IKEV2(msg->hdr.version) };
	struct ikc_render_opts ro = { .hex = true };
	struct ikc_rw w;

	if (ikc_rw_cbor_init(&w, st.null) != 0)
		return;
	ikc_rw_begin_map(&w, NULL, NULL);
	ikc_render_isakmp_hdr(&w, &msg->hdr, doi);
	ikc_render_payloads(&w, msg->payloads, msg->npayloads, &ctx, &ro);
	ikc_render_notes(&w, msg->notes);
	ikc_rw_end_map(&w);
	ikc_rw_end_record(&w);
	ikc_rw_cbor_free(&w);
}

static void one_doi(const uint8_t *data, size_t size, uint32_t doi)
{
	struct ikc_decode_ctx ctx = { .doi = doi };
	struct ikc_pkt pkt;
	struct ikc_msg msg;
	enum ikc_err err;

	fake_pkt(&pkt, data, size, doi);
	ikc_arena_reset(&st.big);
	err = ikc_isakmp_decode(&st.big, data, size, &ctx, &msg);
	if (err) {
		struct ikc_emit_opts jo = { .format = IKC_FMT_JSON };
		struct ikc_emitter e;

		ikc_emit_init(&e, st.null, &jo);
		ikc_emit_bad_isakmp(&e, &pkt, err);
		return;
	}
	emit_all(&pkt, &msg, doi);
	render_cbor(&msg, doi);

	ikc_arena_reset(&st.tiny);
	if (ikc_isakmp_decode(&st.tiny, data, size, &ctx, &msg) == IKC_OK)
		emit_all(&pkt, &msg, doi);
}

/* The bare chain, as a decrypted body reaches ikc_payload_chain_decode. */
static void bare_chain(const uint8_t *data, size_t size, uint32_t doi)
{
	struct ikc_decode_ctx ctx = { .doi = doi };
	struct ikc_render_opts ro = { .hex = true, .show_secrets = (size & 2) != 0 };
	struct ikc_payload *pl = NULL;
	size_t n = 0;
	ikc_notes notes = 0;
	struct ikc_rw w;

	if (size < 1)
		return;
	ikc_arena_reset(&st.big);
	if (ikc_payload_chain_decode(&st.big, data[0], data + 1, size - 1, &ctx, &pl, &n, &notes) != IKC_OK)
		return;
	ikc_rw_json_init(&w, st.null);
	ikc_rw_begin_map(&w, NULL, NULL);
	ikc_render_payloads(&w, pl, n, &ctx, &ro);
	ikc_render_notes(&w, notes);
	ikc_rw_end_map(&w);
	ikc_rw_end_record(&w);
	ikc_rw_text_init(&w, st.null, 2, false);
	ikc_rw_begin_map(&w, NULL, NULL);
	ikc_render_payloads(&w, pl, n, &ctx, &ro);
	ikc_render_notes(&w, notes);
	ikc_rw_end_map(&w);
	ikc_rw_end_record(&w);
	for (size_t i = 0; i < n; i++) {
		char buf[512];

		if (pl[i].type == IKC_PT_ID)
			(void)ikc_id_format(pl[i].u.id.type, pl[i].u.id.data, pl[i].u.id.len, buf, sizeof buf);
		if (pl[i].type == IKC_PT_SA && doi == IKC_DOI_IPSEC)
			for (size_t p = 0; p < pl[i].u.sa.nprop; p++)
				for (size_t t = 0; t < pl[i].u.sa.proposals[p].ntr; t++)
					(void)ikc_transform_summary(&pl[i].u.sa.proposals[p].transforms[t],
								    pl[i].u.sa.proposals[p].protoid, buf,
								    (size & 64) ? 16 : sizeof buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly `size` bytes on the heap, so ASan sees any over-read. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (st.pcap) {
		static const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };
		fz_pcap_udp(st.pcap, 1, a, b, 500, 500, copy, size);
		fz_pcap_udp(st.pcap, 2, a, b, 848, 848, copy, size);
		fclose(st.pcap);     /* one input, one reproducer */
		st.pcap = NULL;
	}
	one_doi(copy, size, IKC_DOI_IPSEC);
	one_doi(copy, size, IKC_DOI_GDOI);
	bare_chain(copy, size, IKC_DOI_IPSEC);
	bare_chain(copy, size, IKC_DOI_GDOI);
	free(copy);
	return 0;
}

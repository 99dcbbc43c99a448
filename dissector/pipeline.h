/* pipeline.h - one captured frame through ikecap: net -> ISAKMP decode ->
 * IKE fragment reassembly -> session (IKE decryption; ESP SAs from Quick
 * Modes and GDOI key downloads) -> ESP table (ESP decryption, -w) -> the
 * emitters.  The ikecap program and the fuzz harnesses run this same code.
 *
 * The caller makes the parts (with its limits) and frees them; the pipeline
 * only wires them together and counts every frame exactly once.
 */
#ifndef IKC_PIPELINE_H
#define IKC_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoders/arena.h"
#include "emit.h"
#include "esp_sa.h"
#include "dupes.h"
#include "ikefrag.h"
#include "net.h"
#include "pcap_out.h"
#include "session.h"

/* Every frame read lands in exactly one of these (ikecap.frames is the sum
 * of all but frames and ike_fragments, which IKE also counts). */
struct ikc_pipeline_counts {
	uint64_t frames, ike, ike_bad, ike_fragments, esp, esp_bad, keepalive, icmp_errors, duplicates;
	uint64_t not_ike, frag_held, truncated, malformed, unsupported_link;
};

#define IKC_PIPELINE_MAX_EMITTERS 2

/* Live: ESP packets that found no key, kept so that a key reload decrypts
 * them too (ikc_pipeline_set_keys), at most this many and this many bytes. */
#define IKC_PIPELINE_KEEP_ESP 256
#define IKC_PIPELINE_KEEP_ESP_BYTES (512u << 10)

struct ikc_kept_esp {
	struct ikc_pkt pkt;          /* data points at bytes */
	uint8_t *bytes;
};

struct ikc_pipeline {
	struct ikc_net *net;
	struct ikc_session *sess;
	struct ikc_ikefrag *frag;
	struct ikc_esp_table *esp;
	struct ikc_dupes *dupes;                /* capture duplicates; NULL: none looked for */
	struct ikc_arena arena;                 /* reset per packet */
	struct ikc_emitter *em[IKC_PIPELINE_MAX_EMITTERS];
	size_t nem;                             /* each record goes to every emitter */
	struct ikc_pcap_out *pw;                /* -w: decrypted ESP payloads, or NULL */
	bool pw_failed;
	struct ikc_pipeline_counts n;
	bool keep_esp;                          /* live with keys to reload */
	struct ikc_kept_esp *kept;
	size_t nkept, kept_bytes;
};

/* Free the kept ESP packets (end of run). */
void ikc_pipeline_drop_kept(struct ikc_pipeline *p);

/* New keys (a reload): the session and the ESP table take them, and the
 * messages of SAs that waited for a key (session.h, keep_for_reload) go
 * through the session again; those that decrypt now are emitted once more,
 * marked late.  Call between frames. */
void ikc_pipeline_set_keys(struct ikc_pipeline *p, const struct ikc_keys *keys);

/* Capture times are held to 0 .. IKC_PIPELINE_MAX_SEC seconds. */
#define IKC_PIPELINE_MAX_SEC (((int64_t)1 << 40) - 1)

static inline int64_t ikc_pipeline_clamp_sec(int64_t ts_sec)
{
	return ts_sec < 0 ? 0 : ts_sec > IKC_PIPELINE_MAX_SEC ? IKC_PIPELINE_MAX_SEC : ts_sec;
}

/* One captured frame (an ikc_frame_cb for ikc_capture_loop; ctx is the
 * pipeline). */
void ikc_pipeline_frame(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec,
			const uint8_t *bytes, size_t caplen, size_t wirelen);
/* One packet the net layer delivered (an ikc_pkt_cb; ctx is the pipeline). */
void ikc_pipeline_packet(void *ctx, const struct ikc_pkt *pkt);

#endif

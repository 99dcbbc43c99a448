/* render.h - the decoded ISAKMP model (decoders/isakmp.h) written through the
 * record writer (record.h).
 *
 * Keys are Wireshark's field names where Wireshark has the field (compare a run
 * with `tshark -T json`), `ikecap.*` where it has none; nesting and wire order
 * are kept: payloads -> "isakmp.prop" -> "isakmp.trans" -> "isakmp.attrs".
 * Labels are the words an engineer reads in the text tree.  Every pointer and
 * length of the model is checked against its payload body before it is read,
 * so a half-decoded payload renders what is sound and skips the rest.
 */
#ifndef IKC_RENDER_H
#define IKC_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoders/isakmp.h"
#include "record.h"

struct ikc_render_opts {
	bool hex;          /* -x: each payload's body bytes as ikecap.payload_bytes */
	bool show_secrets; /* XAUTH passwords, GDOI key material: masked unless set */
};

/* The 28-byte header: isakmp.ispi, rspi, nextpayload, version, exchangetype,
 * flags (+ flag_e/flag_c/flag_a, or flag_i/flag_v/flag_r for IKEv2),
 * messageid, length. */
void ikc_render_isakmp_hdr(struct ikc_rw *w, const struct ikc_isakmp_hdr *h, uint32_t doi);

/* An array "isakmp.payloads" of one map per payload, in wire order. */
void ikc_render_payloads(struct ikc_rw *w, const struct ikc_payload *pl, size_t n,
			 const struct ikc_decode_ctx *ctx, const struct ikc_render_opts *o);

/* An array "ikecap.notes" of stable note names; nothing when notes == 0. */
void ikc_render_notes(struct ikc_rw *w, ikc_notes notes);

/* One line in engineers' words, e.g.
 *   "AES-CBC-128, SHA1, modp1024 (group 2), pre-shared key, lifetime 86400 s"
 *   "ESP AES-CBC-128, HMAC-SHA1, tunnel, PFS modp2048 (group 14), lifetime 3600 s"
 * protoid is the proposal's (1 ISAKMP, 2 AH, 3 ESP, 4 IPCOMP).  Returns the
 * length written (truncated to fit; always NUL-terminated when bufsz > 0). */
size_t ikc_transform_summary(const struct ikc_transform *t, uint8_t protoid, char *buf, size_t bufsz);

/* An identification (RFC 2407 §4.6.2.1 ID type and data) as terminal-safe text:
 * "192.0.2.1", "10.1.0.0/24", "10.0.0.1 - 10.0.0.9", "host.example" (escaped),
 * hex for DER_ASN1_DN / DER_ASN1_GN / KEY_ID.  Data of the wrong length gives
 * "(bad length N)".  Returns the length written. */
size_t ikc_id_format(uint8_t type, const uint8_t *data, size_t len, char *buf, size_t bufsz);

#endif

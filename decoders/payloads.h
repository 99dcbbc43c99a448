/* payloads.h - internal to decoders/: the per-payload decoders (payloads.c)
 * and the generic chain walker (isakmp.c) that dispatches to them.
 *
 * A decoder gets a cursor of exactly the payload body (length - 4) and fills
 * pl->u.  It returns IKC_OK, or IKC_TRUNCATED when the body ran out before a
 * fixed field: the walker turns that into TRUNCATED (capture cut short) or
 * MALFORMED (bytes there but too few), and bytes it left unread into
 * EXTRA_DATA.  Nested structures (proposals, attributes) note their own
 * problems on the payload.  Nothing here allocates outside the arena.
 */
#ifndef IKC_PAYLOADS_H
#define IKC_PAYLOADS_H

#include <stdbool.h>

#include "cursor.h"
#include "isakmp.h"

/* GDOI nests a payload chain inside the SA payload; one level is all the RFC
 * has, so a second nested SA is refused. */
#define IKC_MAX_DEPTH 1

struct ikc_dec {
	struct ikc_arena *a;
	uint32_t doi;           /* 1 IPsec, 2 GDOI */
	bool ikev2;
	bool cut;               /* the buffer ends before the message does */
	bool partial;           /* the node being decoded is cut short by the capture */
	unsigned depth;
};

typedef enum ikc_err ikc_pl_fn(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_payload *pl);

/* Walk a generic payload chain (RFC 2408 §3.2) over all of *c. */
void ikc_chain_walk(struct ikc_dec *d, uint8_t first, struct ikc_cursor *c,
		    struct ikc_payload **out, size_t *nout, ikc_notes *chain_notes);

/* Data attributes (RFC 2408 §3.3) until the cursor is empty. */
void ikc_attrs_decode(struct ikc_dec *d, struct ikc_cursor *c, struct ikc_attr **out, size_t *nout,
		      ikc_notes *owner);

ikc_pl_fn ikc_pl_sa, ikc_pl_blob, ikc_pl_id, ikc_pl_cert, ikc_pl_notify, ikc_pl_delete, ikc_pl_attr,
	ikc_pl_natoa, ikc_pl_frag, ikc_pl_sak, ikc_pl_sat, ikc_pl_kd, ikc_pl_seq, ikc_pl_gap;

#endif

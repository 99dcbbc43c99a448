/* ikefrag.h - reassembly of IKEv1 fragmentation (payload 132, the Cisco
 * format strongSwan and Windows also speak).
 *
 * A peer that fragments sends several ISAKMP messages, each carrying one
 * Fragment payload (fragment id, number 1..N, a LAST flag on N); the data of
 * the fragments in order is the whole original ISAKMP message, header
 * included.  Trains are keyed by cookie pair + fragment id + sender (address
 * and port): peers reuse ids, and both directions may fragment at once.
 * Memory is bounded: at most max_trains trains and max_bytes bytes held; the
 * oldest train is dropped (and counted) past either, and a train older than
 * timeout_s in capture time is dropped too.
 */
#ifndef IKC_IKEFRAG_H
#define IKC_IKEFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "../decoders/isakmp.h"
#include "net.h"

#define IKC_IKEFRAG_MAX_NUM 64   /* fragment numbers 1..64 */

struct ikc_ikefrag;

struct ikc_ikefrag_stats {
	uint64_t fragments, reassembled, evicted, timed_out, rejected;
};

enum ikc_ikefrag_result {
	IKC_IF_HELD = 0,     /* kept, waiting for the rest */
	IKC_IF_COMPLETE,     /* *out holds the whole message */
	IKC_IF_REJECTED,     /* bad number, conflicting copy, too large */
};

struct ikc_ikefrag *ikc_ikefrag_new(size_t max_trains, size_t max_bytes, uint32_t timeout_s);
void ikc_ikefrag_free(struct ikc_ikefrag *f);

/* Feed a message whose payload `frag` is a Fragment payload.  On COMPLETE,
 * *out / *outlen is the reassembled ISAKMP message (valid until the next
 * call) and *first_frame the frame of its lowest-numbered fragment. */
enum ikc_ikefrag_result ikc_ikefrag_add(struct ikc_ikefrag *f, const struct ikc_pkt *pkt,
					const struct ikc_msg *msg, const struct ikc_frag *frag,
					const uint8_t **out, size_t *outlen, uint64_t *first_frame);

void ikc_ikefrag_get_stats(const struct ikc_ikefrag *f, struct ikc_ikefrag_stats *st);

#endif

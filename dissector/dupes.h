/* dupes.h - capture duplicates: the same packet captured twice.
 *
 * A span port that mirrors both directions of a link (or both sides of a
 * router) hands the capture each packet twice, microseconds apart.  Read as
 * traffic, the second copy would be an IKE retransmission or an ESP replay,
 * and the diagnosis would count it: no IKE stack retransmits that fast
 * (strongSwan waits 4 s, libreswan 0.5 s, Cisco and Juniper about 1 s), so a
 * byte-identical packet (same addresses, ports and payload) within a few
 * milliseconds of an earlier one is a duplicate of the capture, not of the
 * network: it is shown as such and goes no further.  (In a capture whose
 * times never move or move by one tick a packet, as text2pcap makes them up,
 * only a copy right after its original with the very same time is one, and
 * none when every time is zero (anonymised): there the times cannot tell a
 * copy from a retransmission.)
 *
 * (ESP is compared by SPI, sequence number and ICV, the MAC over the whole
 * packet: a digest of every byte made a run without keys 16% longer in
 * instructions, this 7%.)
 *
 * Recent packets are remembered in a fixed two-way table by digest, so the
 * cost is one hash of the packet and no allocation after creation; at very
 * high packet rates a duplicate whose original was pushed out of the table is
 * missed (it is then read as a retransmission, as before).
 */
#ifndef IKC_DUPES_H
#define IKC_DUPES_H

#include <stdint.h>

#include "net.h"

#define IKC_DUPES_DEFAULT_WINDOW_MS 20   /* --dup-window */
#define IKC_DUPES_MAX_WINDOW_MS 400      /* below libreswan's first retransmission */

struct ikc_dupes;

/* window_ms 0: nothing is a duplicate (and ikc_dupes_new returns NULL,
 * which ikc_dupes_check accepts). */
struct ikc_dupes *ikc_dupes_new(uint32_t window_ms);
void ikc_dupes_free(struct ikc_dupes *d);

/* The frame of the earlier copy when pkt is a capture duplicate, else 0
 * (pkt is then remembered). */
uint64_t ikc_dupes_check(struct ikc_dupes *d, const struct ikc_pkt *pkt);

#endif

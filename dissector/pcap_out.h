/* pcap_out.h - -w FILE: the decrypted inner packets as a pcap file with
 * LINKTYPE_RAW (each record starts with an IPv4 or IPv6 header), written with
 * libpcap (pcap_open_dead + pcap_dump_open), nanosecond timestamps kept from
 * the original frames.
 *
 * Tunnel mode: the inner IP packet as decrypted (ESP padding removed).
 * Transport mode: the upper-layer payload behind a synthesized IP header
 * (the outer addresses, protocol = ESP next header, TTL 64), so that any tool
 * reading LINKTYPE_RAW can dissect it.  Dummy packets (next header 59) are
 * skipped.  Writing allocates nothing per packet.
 */
#ifndef IKC_PCAP_OUT_H
#define IKC_PCAP_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "../decoders/ikc_err.h"
#include "net.h"

struct ikc_pcap_out;

/* path "-" writes to stdout.  On failure err holds the reason. */
IKC_MUST_CHECK enum ikc_err ikc_pcap_out_open(struct ikc_pcap_out **out, const char *path, char *err,
					      size_t errsz);
/* One decrypted packet of the ESP packet `outer` (its addresses and time). */
IKC_MUST_CHECK enum ikc_err ikc_pcap_out_write(struct ikc_pcap_out *w, const struct ikc_pkt *outer,
					       uint8_t next_header, const uint8_t *payload, size_t len);
uint64_t ikc_pcap_out_count(const struct ikc_pcap_out *w);
/* Flush and close; IKC_IO when the data did not reach the file.  NULL is fine. */
IKC_MUST_CHECK enum ikc_err ikc_pcap_out_close(struct ikc_pcap_out *w);

#endif

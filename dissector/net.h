/* net.h - link, IP and UDP layers: from a captured frame to an IKE message or
 * an ESP packet.
 *
 * Handles the link types of the DLT table (Ethernet with 802.1Q/QinQ, Linux SLL
 * and SLL2, raw IPv4/IPv6, null/loopback), IPv4 and IPv6 (extension headers
 * walked), IP fragment reassembly with bounded buffers and timeouts, UDP 500,
 * UDP 4500 (non-ESP marker -> IKE, non-zero SPI -> ESP-in-UDP, 0xff -> NAT
 * keepalive), UDP 848 (GDOI) and IP protocol 50 (ESP).  Ports are configurable.
 *
 * Stateful only for reassembly; everything it hands out points into the frame
 * or into its own reassembly buffer, valid until the next ikc_net_input call.
 */
#ifndef IKC_NET_H
#define IKC_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoders/ikc_err.h"

enum ikc_transport {
	IKC_T_NONE = 0,
	IKC_T_UDP500,        /* ISAKMP on the IKE port */
	IKC_T_UDP4500_IKE,   /* ISAKMP after the 4-byte non-ESP marker */
	IKC_T_UDP4500_ESP,   /* ESP-in-UDP (RFC 3948) */
	IKC_T_KEEPALIVE,     /* 1-byte 0xff NAT keepalive */
	IKC_T_UDP848,        /* GDOI */
	IKC_T_ESP,           /* IP protocol 50 */
	IKC_T_ICMP_ERROR,    /* an ICMP(v6) error quoting one of our IKE datagrams */
};
const char *ikc_transport_name(enum ikc_transport t);

/* Why a frame produced nothing (for the accounting of every packet read). */
enum ikc_net_verdict {
	IKC_NV_DELIVERED = 0,    /* the callback was called */
	IKC_NV_NOT_IKE,          /* a well-formed packet that is not ours */
	IKC_NV_FRAGMENT_HELD,    /* an IP fragment, kept for reassembly */
	IKC_NV_FRAGMENT_DUP,     /* a copy of a fragment held, or of one of a datagram just reassembled */
	IKC_NV_TRUNCATED,        /* the capture cut the headers short */
	IKC_NV_MALFORMED,        /* bad IP/UDP header */
	IKC_NV_UNSUPPORTED_LINK, /* a link type we do not decode */
};

struct ikc_pkt {
	uint64_t frame;          /* 1-based frame number in the capture */
	int64_t ts_sec;
	uint32_t ts_nsec;
	int af;                  /* 4 or 6 */
	uint8_t src[16], dst[16]; /* IPv4 uses the first 4 bytes */
	uint16_t sport, dport;   /* 0 for IP protocol 50 */
	enum ikc_transport transport;
	const uint8_t *data;     /* ISAKMP message, or ESP from the SPI on */
	size_t len;              /* bytes available (the capture may be short) */
	size_t wire_len;         /* bytes on the wire for this payload (>= len) */
	bool reassembled;        /* built from IP fragments */
	uint64_t first_frame;    /* for a reassembled packet: its first fragment */
	/* IKC_T_ICMP_ERROR: src/dst are the ICMP packet's (the router or peer that
	 * complains, and the original sender); data is the quoted IKE message
	 * (usually cut short); q* describe the quoted datagram. */
	uint8_t icmp_type, icmp_code;
	uint8_t qsrc[16], qdst[16];
	uint16_t qsport, qdport;
};

struct ikc_net_config {
	uint16_t ike_port;       /* 500 */
	uint16_t natt_port;      /* 4500 */
	uint16_t gdoi_port;      /* 848 */
	size_t max_frag_bytes;   /* bytes held for reassembly, all trains together */
	size_t max_frag_trains;  /* trains held at once */
	uint32_t frag_timeout_s; /* a train older than this (capture time) is dropped */
};
void ikc_net_config_default(struct ikc_net_config *cfg);

struct ikc_net;   /* opaque */
struct ikc_net_stats {
	uint64_t frags_held, frags_reassembled, frags_evicted, frags_timed_out;
	uint64_t unsupported_link_frames;
};

struct ikc_net *ikc_net_new(const struct ikc_net_config *cfg);
void ikc_net_free(struct ikc_net *net);

typedef void (*ikc_pkt_cb)(void *ctx, const struct ikc_pkt *pkt);

/* Feed one captured frame.  Calls cb zero or one time (a completed reassembly
 * delivers the whole datagram on the frame of its last fragment). */
enum ikc_net_verdict ikc_net_input(struct ikc_net *net, int dlt, uint64_t frame, int64_t ts_sec,
				   uint32_t ts_nsec, const uint8_t *bytes, size_t caplen, size_t wirelen,
				   ikc_pkt_cb cb, void *ctx);
/* Is this DLT one we decode? */
bool ikc_net_dlt_supported(int dlt);
void ikc_net_get_stats(const struct ikc_net *net, struct ikc_net_stats *st);

#endif

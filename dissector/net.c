/* net.c - link, IP and UDP layers (see net.h for the contract).
 *
 * Implements:
 *   link types   tcpdump.org/linktypes.html: LINKTYPE_ETHERNET (IEEE 802.3, with
 *                IEEE 802.1Q tags 0x8100 and 802.1ad QinQ 0x88a8 / 0x9100, stacked),
 *                LINUX_SLL, LINUX_SLL2, RAW (12 and 101), IPV4, IPV6, NULL, LOOP
 *   RFC 791      IPv4 header (IHL, total length, fragment offset, MF)
 *   RFC 8200     IPv6 header §3, extension headers §4 (hop-by-hop, routing,
 *                destination options), fragment header §4.5
 *   RFC 4302 §2  AH, skipped over to reach the header it protects
 *   RFC 5722     overlapping IPv6 fragments: the whole datagram is discarded (we do
 *                the same for IPv4, where overlap is only ever an attack or a bug)
 *   RFC 6946     atomic IPv6 fragments (offset 0, M = 0) are processed at once
 *   RFC 768      UDP header (length trims; the checksum is not checked)
 *   RFC 3948 §2  UDP 4500: non-ESP marker (IKE), ESP-in-UDP, NAT keepalive 0xff
 *   RFC 4303 §2  ESP header (SPI first)
 *
 *   Ethernet (802.1Q/ad tags repeat)         Linux SLL (16)          SLL2 (20)
 *   +--------+--------+------+-----+------+  pkttype(2) hatype(2)    proto(2) rsvd(2)
 *   | dst 6  | src 6  | 8100 | TCI | type |  addrlen(2) addr(8)      ifindex(4) hatype(2)
 *   +--------+--------+------+-----+------+  proto(2)                pkttype(1) alen(1) addr(8)
 *   NULL/LOOP: 4-byte address family (NULL in the writer's byte order, LOOP big-endian)
 *
 *   IPv4                                   IPv6 (40) then extension headers
 *   +----+----+--------+---------------+   +---+------+----------+-----+-----+
 *   |V|IHL|TOS| total length           |   |V|TC|flow| paylen   | nxt | hop |
 *   | identification |F|  frag offset  |   | src (16)    | dst (16)          |
 *   | TTL | proto | checksum           |   +--------------------------------+
 *   | src | dst | options (IHL*4 - 20) |   ext: nxt(1) len(1) -> (len+1)*8 bytes
 *   +----------------------------------+   frag: nxt(1) rsvd(1) off<<3|M(2) id(4)
 *
 *   UDP: sport(2) dport(2) length(2) checksum(2)
 *   UDP 4500 payload:  ff                        -> NAT keepalive
 *                      00 00 00 00 | ISAKMP ...  -> IKE
 *                      SPI(4, != 0) | seq(4) ... -> ESP
 *   AH: nxt(1) len(1) rsvd(2) SPI(4) seq(4) ICV -> (len+2)*4 bytes
 *
 * Reassembly keeps, per train, one buffer for the IP payload (grown to the highest
 * end seen, charged to the byte budget) and a bitmap of 8-byte blocks.  Trains are
 * kept in a list, oldest first: the timeout and the eviction both look at its head.
 * A fragment the capture cut short is never held (Wireshark's rule): a first one
 * is decoded as it stands, a later one is reported truncated.
 */
#include "net.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/cursor.h"
#include "dlist.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#define IKC_LINKTYPE_RAW 101 /* libpcap maps it to DLT_RAW, but a caller may not */
#define IKC_DLT_RAW_LINUX 12

#define IP_MAX_PAYLOAD 65535u
#define FRAG_BLOCKS ((IP_MAX_PAYLOAD + 7u) / 8u)
#define MAX_VLAN_TAGS 8
#define MAX_EXT_HDRS 16

enum {
	ETH_IPV4 = 0x0800,
	ETH_IPV6 = 0x86dd,
	ETH_8021Q = 0x8100,
	ETH_8021AD = 0x88a8,
	ETH_QINQ_OLD = 0x9100,
};

enum {
	IPP_HOPOPT = 0,
	IPP_UDP = 17,
	IPP_ROUTING = 43,
	IPP_FRAGMENT = 44,
	IPP_ICMP = 1,
	IPP_ICMPV6 = 58,
	IPP_ESP = 50,
	IPP_AH = 51,
	IPP_DSTOPTS = 60,
};

/* BSD address families as LINKTYPE_NULL/LOOP write them. */
enum { BSD_AF_INET = 2, BSD_AF_INET6_BSD = 24, BSD_AF_INET6_FREEBSD = 28, BSD_AF_INET6_DARWIN = 30 };

struct train {
	struct ikc_dnode link;     /* on the net's trains, oldest first */
	int af;
	uint8_t proto;
	uint32_t id;
	uint8_t src[16], dst[16];
	int64_t born_sec;
	uint64_t first_frame;
	uint8_t *buf;
	size_t cap;
	size_t total;      /* payload length, known once the last fragment came */
	size_t covered;    /* 8-byte blocks filled */
	size_t max_end;    /* highest fragment end seen */
	bool have_total;
	bool poisoned;     /* overlap or inconsistency: refuse the whole datagram */
	uint8_t map[(FRAG_BLOCKS + 7) / 8];
};

/* A datagram just reassembled: a copy of one of its fragments (a span port
 * hands each over twice) must not start a train of its own.  Its bytes are
 * kept so that only an exact copy counts (an IP id may come round again). */
#define RECENT_DONE 8
#define DONE_KEEP 8192   /* larger datagrams are not remembered (IKE with certificates: ~3 KB) */
struct done_train {
	int af;                       /* 0: empty */
	uint8_t proto;
	uint32_t id;
	uint8_t src[16], dst[16];
	int64_t sec;
	size_t total;
	uint8_t bytes[DONE_KEEP];
};

struct ikc_net {
	struct ikc_net_config cfg;
	struct ikc_net_stats st;
	struct done_train done[RECENT_DONE];   /* a ring; af 0: empty */
	unsigned done_next;
	struct ikc_dlist trains;
	size_t ntrains;
	size_t bytes_held;
};

/* What the layers below the link know about the frame being decoded. */
struct frame {
	struct ikc_net *net;
	struct ikc_pkt pkt;
	ikc_pkt_cb cb;
	void *ctx;
	bool in_reassembly; /* a fragment header inside a reassembled payload is refused */
};

typedef enum ikc_net_verdict (*link_fn)(struct frame *f, struct ikc_cursor c);

static const char *const transport_names[] = {
	[IKC_T_NONE] = "none",
	[IKC_T_UDP500] = "udp500",
	[IKC_T_UDP4500_IKE] = "udp4500-ike",
	[IKC_T_UDP4500_ESP] = "udp4500-esp",
	[IKC_T_KEEPALIVE] = "keepalive",
	[IKC_T_UDP848] = "udp848",
	[IKC_T_ESP] = "esp",
	[IKC_T_ICMP_ERROR] = "icmp-error",
};

const char *ikc_transport_name(enum ikc_transport t)
{
	if ((size_t)t >= sizeof transport_names / sizeof transport_names[0] || !transport_names[t])
		return "?";
	return transport_names[t];
}

void ikc_net_config_default(struct ikc_net_config *cfg)
{
	cfg->ike_port = 500;
	cfg->natt_port = 4500;
	cfg->gdoi_port = 848;
	cfg->max_frag_bytes = 4u << 20;
	cfg->max_frag_trains = 1024;
	cfg->frag_timeout_s = 30;
}

static enum ikc_net_verdict verdict_of(enum ikc_err err)
{
	return err == IKC_TRUNCATED ? IKC_NV_TRUNCATED : IKC_NV_MALFORMED;
}

/* Skip an n-byte header: beyond what the IP layer declared is invalid, beyond
 * what the capture kept is truncated. */
static enum ikc_err take(struct ikc_cursor *c, size_t *wire, size_t n)
{
	if (n > *wire)
		return IKC_MALFORMED;
	if (ikc_cur_skip(c, n))
		return IKC_TRUNCATED;
	*wire -= n;
	return IKC_OK;
}

static enum ikc_net_verdict deliver(struct frame *f, enum ikc_transport t, struct ikc_cursor c, size_t wire)
{
	f->pkt.transport = t;
	f->pkt.data = c.p;
	f->pkt.len = c.left;
	f->pkt.wire_len = wire;
	if (f->cb)
		f->cb(f->ctx, &f->pkt);
	return IKC_NV_DELIVERED;
}

/* ---- UDP and ESP ------------------------------------------------------------ */

static enum ikc_net_verdict natt_payload(struct frame *f, struct ikc_cursor c, size_t wire)
{
	uint8_t b[4];

	if (wire == 1) {
		if (c.left < 1)
			return IKC_NV_TRUNCATED;
		return c.p[0] == 0xff ? deliver(f, IKC_T_KEEPALIVE, c, wire) : IKC_NV_NOT_IKE;
	}
	if (wire < 4)
		return IKC_NV_NOT_IKE;
	if (c.left < 4)
		return IKC_NV_TRUNCATED;
	memcpy(b, c.p, 4);
	if (!b[0] && !b[1] && !b[2] && !b[3]) {
		if (ikc_cur_skip(&c, 4))
			return IKC_NV_TRUNCATED;
		return deliver(f, IKC_T_UDP4500_IKE, c, wire - 4);
	}
	/* RFC 3948 §2.2: ESP needs at least SPI and sequence number. */
	if (wire < 8)
		return IKC_NV_NOT_IKE;
	return deliver(f, IKC_T_UDP4500_ESP, c, wire);
}

/* One port: which transport it names, or IKC_T_NONE. */
static enum ikc_net_verdict by_port(struct frame *f, uint16_t port, struct ikc_cursor c, size_t wire,
				    bool *matched)
{
	const struct ikc_net_config *cfg = &f->net->cfg;

	*matched = true;
	if (port == cfg->ike_port)
		return deliver(f, IKC_T_UDP500, c, wire);
	if (port == cfg->natt_port)
		return natt_payload(f, c, wire);
	if (port == cfg->gdoi_port)
		return deliver(f, IKC_T_UDP848, c, wire);
	*matched = false;
	return IKC_NV_NOT_IKE;
}

static enum ikc_net_verdict udp(struct frame *f, struct ikc_cursor c, size_t wire)
{
	struct ikc_cursor h;
	uint16_t sport, dport, ulen, sum;
	uint16_t lo, hi;
	enum ikc_net_verdict v;
	bool matched;

	if (wire < 8)
		return IKC_NV_MALFORMED;
	if (ikc_cur_sub(&c, 8, &h))
		return IKC_NV_TRUNCATED;
	if (ikc_cur_u16(&h, &sport) || ikc_cur_u16(&h, &dport) || ikc_cur_u16(&h, &ulen) ||
	    ikc_cur_u16(&h, &sum))
		return IKC_NV_TRUNCATED;
	/* Length 0 is an IPv6 jumbogram (RFC 2675): the IP layer's length rules. */
	if (ulen == 0)
		ulen = wire > 0xffff ? 0xffff : (uint16_t)wire;
	if (ulen < 8)
		return IKC_NV_MALFORMED;
	/* A length beyond the IP payload is bogus; Wireshark and tcpdump both go on
	 * with the IP length, and so do we (the ISAKMP decoder judges the rest). */
	if (ulen > wire)
		ulen = wire > 0xffff ? 0xffff : (uint16_t)wire;
	wire = (size_t)ulen - 8;
	if (c.left > wire)
		c.left = wire; /* trailing bytes are not UDP's */
	f->pkt.sport = sport;
	f->pkt.dport = dport;
	/* As Wireshark does, try the lower port first: a packet from 500 to 4500
	 * is IKE on 500, not NAT-T. */
	lo = sport < dport ? sport : dport;
	hi = sport < dport ? dport : sport;
	v = by_port(f, lo, c, wire, &matched);
	if (matched)
		return v;
	return by_port(f, hi, c, wire, &matched);
}

static enum ikc_net_verdict esp(struct frame *f, struct ikc_cursor c, size_t wire)
{
	if (c.left == 0)
		return wire ? IKC_NV_TRUNCATED : IKC_NV_MALFORMED;
	f->pkt.sport = f->pkt.dport = 0;
	return deliver(f, IKC_T_ESP, c, wire);
}

/* ---- ICMP errors quoting IKE ------------------------------------------------ */

/* An ICMP error (RFC 792: destination unreachable 3, time exceeded 11,
 * parameter problem 12; RFC 4443: 1, 3, 4) carries the start of the datagram
 * it complains about.  When that is UDP to or from one of our ports, hand the
 * quoted IKE bytes on: "port unreachable" is the first answer an engineer
 * wants when MM1 goes unanswered.  Only one level: no ICMP inside ICMP. */
static enum ikc_net_verdict icmp_error(struct frame *f, bool v6, struct ikc_cursor c)
{
	const struct ikc_net_config *cfg = &f->net->cfg;
	struct ikc_cursor h;
	uint8_t type, code, b;
	uint8_t qproto;
	uint16_t sport, dport;
	size_t ihl;

	if (ikc_cur_u8(&c, &type) || ikc_cur_u8(&c, &code) || ikc_cur_skip(&c, 6))
		return IKC_NV_NOT_IKE;
	if (v6 ? !(type == 1 || type == 3 || type == 4) : !(type == 3 || type == 11 || type == 12))
		return IKC_NV_NOT_IKE;
	if (v6) {
		if (ikc_cur_sub(&c, 40, &h) || ikc_cur_skip(&h, 6) || ikc_cur_u8(&h, &qproto) || ikc_cur_skip(&h, 1) ||
		    ikc_cur_copy(&h, 16, f->pkt.qsrc) || ikc_cur_copy(&h, 16, f->pkt.qdst))
			return IKC_NV_NOT_IKE;
	} else {
		if (ikc_cur_peek_u8(&c, 0, &b) || b >> 4 != 4 || (b & 15) < 5)
			return IKC_NV_NOT_IKE;
		ihl = (size_t)(b & 15) * 4;
		if (ikc_cur_sub(&c, ihl, &h) || ikc_cur_skip(&h, 9) || ikc_cur_u8(&h, &qproto) || ikc_cur_skip(&h, 2) ||
		    ikc_cur_copy(&h, 4, f->pkt.qsrc) || ikc_cur_copy(&h, 4, f->pkt.qdst))
			return IKC_NV_NOT_IKE;
	}
	if (qproto != IPP_UDP || ikc_cur_u16(&c, &sport) || ikc_cur_u16(&c, &dport) || ikc_cur_skip(&c, 4))
		return IKC_NV_NOT_IKE;
	if (sport != cfg->ike_port && dport != cfg->ike_port && sport != cfg->gdoi_port && dport != cfg->gdoi_port &&
	    sport != cfg->natt_port && dport != cfg->natt_port)
		return IKC_NV_NOT_IKE;
	/* On the NAT-T port only IKE (behind the non-ESP marker) is of interest;
	 * a quote that stops at the UDP header (RFC 792's minimum) may be either,
	 * and goes on without bytes (the session ties it to an SA by address). */
	if ((sport == cfg->natt_port || dport == cfg->natt_port) && c.left) {
		if (c.left < 4 || c.p[0] || c.p[1] || c.p[2] || c.p[3] || ikc_cur_skip(&c, 4))
			return IKC_NV_NOT_IKE;
	}
	f->pkt.icmp_type = type;
	f->pkt.icmp_code = code;
	f->pkt.qsport = sport;
	f->pkt.qdport = dport;
	f->pkt.sport = f->pkt.dport = 0;
	return deliver(f, IKC_T_ICMP_ERROR, c, c.left);
}

/* ---- fragment reassembly ---------------------------------------------------- */

static struct train *train_of(struct ikc_dnode *n)
{
	return n ? IKC_DLIST_ENTRY(n, struct train, link) : NULL;
}

static struct train *oldest_train(const struct ikc_net *net)
{
	return train_of(net->trains.head);
}

static void train_unlink(struct ikc_net *net, struct train *t)
{
	ikc_dlist_unlink(&net->trains, &t->link);
	net->ntrains--;
	net->bytes_held -= sizeof *t + t->cap;
	free(t->buf);
	free(t);
}

static void expire(struct ikc_net *net, int64_t now)
{
	struct train *t;

	while ((t = oldest_train(net)) && now > t->born_sec && (uint64_t)(now - t->born_sec) > net->cfg.frag_timeout_s) {
		if (!t->poisoned)
			net->st.frags_timed_out++;
		train_unlink(net, t);
	}
}

/* Evict the oldest trains (never `keep`) until `need` more bytes fit. */
static bool make_room(struct ikc_net *net, size_t need, const struct train *keep)
{
	struct train *t = oldest_train(net);

	while (net->bytes_held + need > net->cfg.max_frag_bytes) {
		struct train *next;

		while (t && t == keep)
			t = train_of(t->link.next);
		if (!t)
			return false;
		next = train_of(t->link.next);
		net->st.frags_evicted++;
		train_unlink(net, t);
		t = next;
	}
	return true;
}

/* RFC 791 §3.2 / RFC 8200 §4.5: fragments of one datagram share these. */
static bool same_datagram(int af, uint8_t proto, uint32_t id, const uint8_t *src, const uint8_t *dst,
			  const struct ikc_pkt *pkt, uint8_t pkt_proto, uint32_t pkt_id)
{
	size_t alen = pkt->af == 4 ? 4 : 16;

	return id == pkt_id && proto == pkt_proto && af == pkt->af && !memcmp(src, pkt->src, alen) &&
	       !memcmp(dst, pkt->dst, alen);
}

static struct train *train_find(struct ikc_net *net, const struct ikc_pkt *pkt, uint8_t proto, uint32_t id)
{
	for (struct train *t = oldest_train(net); t; t = train_of(t->link.next))
		if (same_datagram(t->af, t->proto, t->id, t->src, t->dst, pkt, proto, id))
			return t;
	return NULL;
}

/* Is this fragment (payload bytes off .. off + wire, `more` set or not) an
 * exact copy of one of a datagram reassembled within a second of it? */
static bool recently_done(const struct ikc_net *net, const struct ikc_pkt *pkt, uint8_t proto, uint32_t id,
			  size_t off, size_t wire, bool more, const uint8_t *bytes)
{
	for (size_t i = 0; i < RECENT_DONE; i++) {
		const struct done_train *d = &net->done[i];

		if (d->af && same_datagram(d->af, d->proto, d->id, d->src, d->dst, pkt, proto, id) &&
		    (uint64_t)pkt->ts_sec - (uint64_t)d->sec + 1 <= 2 &&   /* -1, 0 or +1 s, no overflow */
		    off + wire <= d->total && more == (off + wire < d->total) && !memcmp(d->bytes + off, bytes, wire))
			return true;
	}
	return false;
}

static struct train *train_new(struct ikc_net *net, const struct frame *f, uint8_t proto, uint32_t id)
{
	struct train *t;

	if (net->cfg.max_frag_trains == 0)
		return NULL;
	while (net->ntrains >= net->cfg.max_frag_trains) {
		net->st.frags_evicted++;
		train_unlink(net, oldest_train(net));
	}
	if (!make_room(net, sizeof *t, NULL))
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->af = f->pkt.af;
	t->proto = proto;
	t->id = id;
	memcpy(t->src, f->pkt.src, sizeof t->src);
	memcpy(t->dst, f->pkt.dst, sizeof t->dst);
	t->born_sec = f->pkt.ts_sec;
	t->first_frame = f->pkt.frame;
	ikc_dlist_append(&net->trains, &t->link);
	net->ntrains++;
	net->bytes_held += sizeof *t;
	return t;
}

/* Grow the train's buffer to hold `end` bytes; one buffer per train, doubled. */
static bool train_reserve(struct ikc_net *net, struct train *t, size_t end)
{
	size_t ncap = t->cap ? t->cap : 2048;
	uint8_t *nb;

	if (end <= t->cap)
		return true;
	while (ncap < end)
		ncap *= 2;
	if (ncap > IP_MAX_PAYLOAD)
		ncap = IP_MAX_PAYLOAD;
	if (!make_room(net, ncap - t->cap, t))
		return false;
	nb = realloc(t->buf, ncap);
	if (!nb)
		return false;
	net->bytes_held += ncap - t->cap;
	t->buf = nb;
	t->cap = ncap;
	return true;
}

static void train_poison(struct ikc_net *net, struct train *t)
{
	/* Keep the key (to refuse the stragglers), drop the bytes. */
	net->bytes_held -= t->cap;
	free(t->buf);
	t->buf = NULL;
	t->cap = 0;
	t->poisoned = true;
}

static bool block_set(const struct train *t, size_t b)
{
	return t->map[b / 8] & (1u << (b % 8));
}

static enum ikc_net_verdict upper(struct frame *f, uint8_t proto, struct ikc_cursor c, size_t wire);

/* One fragment: `c` holds what was captured of its `wire` payload bytes. */
static enum ikc_net_verdict frag_input(struct frame *f, uint8_t proto, uint32_t id, size_t off, bool more,
				       struct ikc_cursor c, size_t wire)
{
	struct ikc_net *net = f->net;
	struct train *t;
	size_t end = off + wire, b0 = off / 8, b1 = (end + 7) / 8, nset = 0;
	enum ikc_net_verdict v;

	if (f->in_reassembly)
		return IKC_NV_MALFORMED;
	/* Only what can carry IKE or ESP is worth holding. */
	if (proto != IPP_UDP && proto != IPP_ESP && proto != IPP_AH && !(f->pkt.af == 6 && proto == IPP_DSTOPTS))
		return IKC_NV_NOT_IKE;
	/* As Wireshark does, a fragment the capture cut short is never held (the
	 * datagram could not be whole): the first one is decoded as it stands, with
	 * what it holds; a later one is only truncated. */
	if (c.left < wire) {
		if (off != 0)
			return IKC_NV_TRUNCATED;
		f->in_reassembly = true;
		return upper(f, proto, c, wire);
	}
	if (end > IP_MAX_PAYLOAD || wire == 0 || (more && wire % 8))
		return IKC_NV_MALFORMED;
	t = train_find(net, &f->pkt, proto, id);
	if (!t && recently_done(net, &f->pkt, proto, id, off, wire, more, c.p))
		return IKC_NV_FRAGMENT_DUP;
	if (!t)
		t = train_new(net, f, proto, id);
	if (!t)
		return IKC_NV_NOT_IKE; /* reassembly off (no trains allowed) or no memory */
	if (t->poisoned)
		return IKC_NV_MALFORMED;

	if ((t->have_total && end > t->total) || (!more && t->have_total && t->total != end) ||
	    (!more && t->max_end > end)) {
		train_poison(net, t);
		return IKC_NV_MALFORMED;
	}
	for (size_t b = b0; b < b1; b++)
		nset += block_set(t, b);
	if (nset == b1 - b0) {
		/* Every block seen before: an exact duplicate is harmless, anything
		 * else rewrites bytes already accepted. */
		if (memcmp(t->buf + off, c.p, wire)) {
			train_poison(net, t);
			return IKC_NV_MALFORMED;
		}
		return IKC_NV_FRAGMENT_DUP;
	}
	if (nset) {
		train_poison(net, t);
		return IKC_NV_MALFORMED;
	}
	if (!train_reserve(net, t, end)) {
		net->st.frags_evicted++;
		train_unlink(net, t);
		return IKC_NV_FRAGMENT_HELD;
	}
	memcpy(t->buf + off, c.p, wire);
	for (size_t b = b0; b < b1; b++)
		t->map[b / 8] |= (uint8_t)(1u << (b % 8));
	t->covered += b1 - b0;
	if (end > t->max_end)
		t->max_end = end;
	if (!more) {
		t->have_total = true;
		t->total = end;
	}
	if (f->pkt.frame < t->first_frame)
		t->first_frame = f->pkt.frame;
	net->st.frags_held++;
	if (!t->have_total || t->covered != (t->total + 7) / 8)
		return IKC_NV_FRAGMENT_HELD;

	net->st.frags_reassembled++;
	if (t->total <= DONE_KEEP) {
		struct done_train *d = &net->done[net->done_next++ % RECENT_DONE];

		d->af = t->af;
		d->proto = t->proto;
		d->id = t->id;
		memcpy(d->src, t->src, 16);
		memcpy(d->dst, t->dst, 16);
		d->sec = f->pkt.ts_sec;
		d->total = t->total;
		memcpy(d->bytes, t->buf, t->total);
	}
	f->pkt.reassembled = true;
	f->pkt.first_frame = t->first_frame;
	f->in_reassembly = true;
	v = upper(f, proto, ikc_cur(t->buf, t->total), t->total);
	train_unlink(net, t);
	return v;
}

/* ---- IP --------------------------------------------------------------------- */

/* Walk from an IP protocol number to UDP or ESP, past IPv6 extension headers
 * and AH.  `wire` is what the IP layer declared for `c`. */
static enum ikc_net_verdict upper(struct frame *f, uint8_t proto, struct ikc_cursor c, size_t wire)
{
	enum ikc_err err;

	for (int n = 0; n < MAX_EXT_HDRS; n++) {
		struct ikc_cursor h = c;
		uint8_t nxt, len;

		if (proto == IPP_UDP)
			return udp(f, c, wire);
		if (proto == IPP_ESP)
			return esp(f, c, wire);
		if ((proto == IPP_ICMP && f->pkt.af == 4) || (proto == IPP_ICMPV6 && f->pkt.af == 6))
			return icmp_error(f, f->pkt.af == 6, c);
		if (proto != IPP_AH &&
		    !(f->pkt.af == 6 && (proto == IPP_HOPOPT || proto == IPP_ROUTING ||
					 proto == IPP_DSTOPTS || proto == IPP_FRAGMENT)))
			return IKC_NV_NOT_IKE;
		if (wire < 2)
			return IKC_NV_MALFORMED;
		if (ikc_cur_u8(&h, &nxt) || ikc_cur_u8(&h, &len))
			return IKC_NV_TRUNCATED;
		if (proto == IPP_FRAGMENT) {
			uint16_t offm;
			uint32_t id;

			if (wire < 8)
				return IKC_NV_MALFORMED;
			if (ikc_cur_u16(&h, &offm) || ikc_cur_u32(&h, &id))
				return IKC_NV_TRUNCATED;
			err = take(&c, &wire, 8);
			if (err)
				return verdict_of(err);
			/* RFC 6946: an atomic fragment is a whole datagram. */
			if ((offm & 0xfff8) == 0 && !(offm & 1)) {
				proto = nxt;
				continue;
			}
			if (c.left > wire)
				c.left = wire;
			return frag_input(f, nxt, id, (size_t)(offm >> 3) * 8, offm & 1, c, wire);
		}
		err = take(&c, &wire, proto == IPP_AH ? ((size_t)len + 2) * 4 : ((size_t)len + 1) * 8);
		if (err)
			return verdict_of(err);
		proto = nxt;
	}
	return IKC_NV_MALFORMED; /* a chain this long is not a real packet */
}

static enum ikc_net_verdict ipv4(struct frame *f, struct ikc_cursor c)
{
	struct ikc_cursor h;
	uint8_t vihl, tos, ttl, proto;
	uint16_t tot, id, fo, sum;
	size_t ihl, wire;

	if (ikc_cur_peek_u8(&c, 0, &vihl))
		return IKC_NV_TRUNCATED;
	ihl = (size_t)(vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || ihl < 20)
		return IKC_NV_MALFORMED;
	if (ikc_cur_sub(&c, ihl, &h))
		return IKC_NV_TRUNCATED;
	if (ikc_cur_u8(&h, &vihl) || ikc_cur_u8(&h, &tos) || ikc_cur_u16(&h, &tot) || ikc_cur_u16(&h, &id) ||
	    ikc_cur_u16(&h, &fo) || ikc_cur_u8(&h, &ttl) || ikc_cur_u8(&h, &proto) || ikc_cur_u16(&h, &sum) ||
	    ikc_cur_copy(&h, 4, f->pkt.src) || ikc_cur_copy(&h, 4, f->pkt.dst))
		return IKC_NV_TRUNCATED;
	/* Options (ihl - 20 bytes) are left in h, unread.  Total length 0 is what
	 * segmentation offload leaves in captures taken on the sender: trust the frame. */
	if (tot != 0 && tot < ihl)
		return IKC_NV_MALFORMED;
	wire = tot ? tot - ihl : c.left;
	if (c.left > wire)
		c.left = wire; /* Ethernet padding */
	f->pkt.af = 4;
	if ((fo & 0x1fff) || (fo & 0x2000))
		return frag_input(f, proto, id, (size_t)(fo & 0x1fff) * 8, fo & 0x2000, c, wire);
	return upper(f, proto, c, wire);
}

static enum ikc_net_verdict ipv6(struct frame *f, struct ikc_cursor c)
{
	struct ikc_cursor h;
	uint32_t vtf;
	uint16_t plen;
	uint8_t nxt, hop;
	size_t wire;

	if (ikc_cur_sub(&c, 40, &h))
		return IKC_NV_TRUNCATED;
	if (ikc_cur_u32(&h, &vtf) || ikc_cur_u16(&h, &plen) || ikc_cur_u8(&h, &nxt) || ikc_cur_u8(&h, &hop) ||
	    ikc_cur_copy(&h, 16, f->pkt.src) || ikc_cur_copy(&h, 16, f->pkt.dst))
		return IKC_NV_TRUNCATED;
	if (vtf >> 28 != 6)
		return IKC_NV_MALFORMED;
	/* Payload length 0: a jumbogram (RFC 2675); the frame is all we have. */
	wire = plen ? plen : c.left;
	if (c.left > wire)
		c.left = wire;
	f->pkt.af = 6;
	return upper(f, nxt, c, wire);
}

/* Raw IP: the version nibble says which. */
static enum ikc_net_verdict ip_any(struct frame *f, struct ikc_cursor c)
{
	uint8_t v;

	if (ikc_cur_peek_u8(&c, 0, &v))
		return IKC_NV_TRUNCATED;
	if (v >> 4 == 4)
		return ipv4(f, c);
	if (v >> 4 == 6)
		return ipv6(f, c);
	return IKC_NV_MALFORMED;
}

/* ---- link layers ------------------------------------------------------------ */

/* An Ethernet type, after any number (up to a cap) of VLAN tags. */
static enum ikc_net_verdict ethertype(struct frame *f, uint16_t type, struct ikc_cursor c)
{
	for (int n = 0; type == ETH_8021Q || type == ETH_8021AD || type == ETH_QINQ_OLD; n++) {
		uint16_t tci;

		if (n == MAX_VLAN_TAGS)
			return IKC_NV_MALFORMED;
		if (ikc_cur_u16(&c, &tci) || ikc_cur_u16(&c, &type))
			return IKC_NV_TRUNCATED;
	}
	if (type == ETH_IPV4)
		return ipv4(f, c);
	if (type == ETH_IPV6)
		return ipv6(f, c);
	return IKC_NV_NOT_IKE;
}

static enum ikc_net_verdict link_en10mb(struct frame *f, struct ikc_cursor c)
{
	uint16_t type;

	if (ikc_cur_skip(&c, 12) || ikc_cur_u16(&c, &type))
		return IKC_NV_TRUNCATED;
	return ethertype(f, type, c);
}

static enum ikc_net_verdict link_sll(struct frame *f, struct ikc_cursor c)
{
	uint16_t type;

	if (ikc_cur_skip(&c, 14) || ikc_cur_u16(&c, &type))
		return IKC_NV_TRUNCATED;
	return ethertype(f, type, c);
}

static enum ikc_net_verdict link_sll2(struct frame *f, struct ikc_cursor c)
{
	uint16_t type;

	if (ikc_cur_u16(&c, &type) || ikc_cur_skip(&c, 18))
		return IKC_NV_TRUNCATED;
	return ethertype(f, type, c);
}

/* NULL writes the family in the capturing host's byte order, LOOP in network
 * order; families are small, so whichever half is non-zero tells the order. */
static enum ikc_net_verdict link_null(struct frame *f, struct ikc_cursor c)
{
	uint32_t af;

	if (ikc_cur_u32(&c, &af))
		return IKC_NV_TRUNCATED;
	if (af & 0xffff0000u)
		af = ((af & 0xff) << 24) | ((af & 0xff00) << 8) | ((af >> 8) & 0xff00) | (af >> 24);
	if (af == BSD_AF_INET)
		return ipv4(f, c);
	if (af == BSD_AF_INET6_BSD || af == BSD_AF_INET6_FREEBSD || af == BSD_AF_INET6_DARWIN)
		return ipv6(f, c);
	return IKC_NV_NOT_IKE;
}

static const struct {
	int dlt;
	link_fn decode;
} link_table[] = {
	{ DLT_EN10MB, link_en10mb },
	{ DLT_LINUX_SLL, link_sll },
	{ DLT_LINUX_SLL2, link_sll2 },
	{ DLT_RAW, ip_any },
	{ IKC_DLT_RAW_LINUX, ip_any },
	{ IKC_LINKTYPE_RAW, ip_any },
	{ DLT_IPV4, ipv4 },
	{ DLT_IPV6, ipv6 },
	{ DLT_NULL, link_null },
	{ DLT_LOOP, link_null },
};

static link_fn link_lookup(int dlt)
{
	for (size_t i = 0; i < sizeof link_table / sizeof link_table[0]; i++)
		if (link_table[i].dlt == dlt)
			return link_table[i].decode;
	return NULL;
}

bool ikc_net_dlt_supported(int dlt)
{
	return link_lookup(dlt) != NULL;
}

/* ---- public ----------------------------------------------------------------- */

struct ikc_net *ikc_net_new(const struct ikc_net_config *cfg)
{
	struct ikc_net *net = calloc(1, sizeof *net);

	if (!net)
		return NULL;
	if (cfg)
		net->cfg = *cfg;
	else
		ikc_net_config_default(&net->cfg);
	return net;
}

void ikc_net_free(struct ikc_net *net)
{
	if (!net)
		return;
	while (net->trains.head)
		train_unlink(net, oldest_train(net));
	free(net);
}

void ikc_net_get_stats(const struct ikc_net *net, struct ikc_net_stats *st)
{
	*st = net->st;
}

enum ikc_net_verdict ikc_net_input(struct ikc_net *net, int dlt, uint64_t frame, int64_t ts_sec,
				   uint32_t ts_nsec, const uint8_t *bytes, size_t caplen, size_t wirelen,
				   ikc_pkt_cb cb, void *ctx)
{
	link_fn decode = link_lookup(dlt);
	struct frame f;

	(void)wirelen; /* truncation is judged from the IP and UDP lengths */
	if (net->trains.head)
		expire(net, ts_sec);
	if (!decode) {
		net->st.unsupported_link_frames++;
		return IKC_NV_UNSUPPORTED_LINK;
	}
	memset(&f, 0, sizeof f);
	f.net = net;
	f.cb = cb;
	f.ctx = ctx;
	f.pkt.frame = frame;
	f.pkt.first_frame = frame;
	f.pkt.ts_sec = ts_sec;
	f.pkt.ts_nsec = ts_nsec;
	return decode(&f, ikc_cur(bytes, bytes ? caplen : 0));
}

/* test_net.c - the link/IP/UDP layers and the capture wrapper.
 *
 * Frames are built by hand from the RFC layouts (RFC 791, 8200, 768, 3948, 4302,
 * 4303; tcpdump.org link-type pages); counts on the lab capture come from tshark.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../dissector/capture.h"
#include "../dissector/net.h"

/* ---- frame builder ---------------------------------------------------------- */

static const uint8_t SRC4[4] = { 192, 0, 2, 1 }, DST4[4] = { 198, 51, 100, 2 };
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* UDP header + payload into out; returns its length. */
static size_t mk_udp(uint8_t *out, uint16_t sport, uint16_t dport, const uint8_t *pl, size_t n)
{
	put16(out, sport);
	put16(out + 2, dport);
	put16(out + 4, (uint16_t)(8 + n));
	put16(out + 6, 0);
	memcpy(out + 8, pl, n);
	return 8 + n;
}

/* IPv4 header (with nopt option bytes) + payload. */
static size_t mk_ip4x(uint8_t *out, uint8_t proto, uint16_t id, uint16_t fo, const uint8_t *opt, size_t nopt,
		      const uint8_t *pl, size_t n)
{
	size_t ihl = 20 + nopt;

	memset(out, 0, 20);
	out[0] = (uint8_t)(0x40 | (ihl / 4));
	put16(out + 2, (uint16_t)(ihl + n));
	put16(out + 4, id);
	put16(out + 6, fo);
	out[8] = 64;
	out[9] = proto;
	memcpy(out + 12, SRC4, 4);
	memcpy(out + 16, DST4, 4);
	if (nopt)
		memcpy(out + 20, opt, nopt);
	memcpy(out + ihl, pl, n);
	return ihl + n;
}

static size_t mk_ip4(uint8_t *out, uint8_t proto, const uint8_t *pl, size_t n)
{
	return mk_ip4x(out, proto, 0x1234, 0x4000 /* DF */, NULL, 0, pl, n);
}

/* IPv6 header; `ext` is the extension-header chain already laid out, `nxt` the
 * first next-header value. */
static size_t mk_ip6(uint8_t *out, uint8_t nxt, const uint8_t *pl, size_t n)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	put16(out + 4, (uint16_t)n);
	out[6] = nxt;
	out[7] = 64;
	memcpy(out + 8, SRC6, 16);
	memcpy(out + 24, DST6, 16);
	memcpy(out + 40, pl, n);
	return 40 + n;
}

/* Ethernet with the given VLAN tag types (each followed by a TCI). */
static size_t mk_eth(uint8_t *out, const uint16_t *tags, size_t ntags, uint16_t type, const uint8_t *pl, size_t n)
{
	size_t o = 12;

	memset(out, 0xaa, 12);
	for (size_t i = 0; i < ntags; i++) {
		o += put16(out + o, tags[i]);
		o += put16(out + o, (uint16_t)(100 + i));
	}
	o += put16(out + o, type);
	memcpy(out + o, pl, n);
	return o + n;
}

/* An ISAKMP-looking payload: 28-byte header pattern, content irrelevant here. */
static const uint8_t IKE[28] = { 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 28 };
/* ESP: SPI 0xc0ffee01, sequence 1, 8 bytes of ciphertext. */
static const uint8_t ESPP[16] = { 0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9 };

/* ---- callback recorder ------------------------------------------------------ */

struct rec {
	int n;
	struct ikc_pkt last;
	uint8_t data[70000];
};

static void on_pkt(void *ctx, const struct ikc_pkt *p)
{
	struct rec *r = ctx;

	r->n++;
	r->last = *p;
	memcpy(r->data, p->data, p->len);
}

static struct rec R;
static struct ikc_net *NET;

static void setup(void)
{
	memset(&R, 0, sizeof R);
	NET = ikc_net_new(NULL);
	cr_assert_not_null(NET);
}

static void teardown(void)
{
	ikc_net_free(NET);
	NET = NULL;
}

static enum ikc_net_verdict feed_ts(int dlt, uint64_t frame, int64_t ts, const uint8_t *b, size_t len)
{
	return ikc_net_input(NET, dlt, frame, ts, 0, b, len, len, on_pkt, &R);
}

static enum ikc_net_verdict feed(int dlt, const uint8_t *b, size_t len)
{
	return feed_ts(dlt, 1, 1000, b, len);
}

/* Ethernet/IPv4/UDP frame carrying pl between the given ports. */
static size_t eth_udp4(uint8_t *out, uint16_t sport, uint16_t dport, const uint8_t *pl, size_t n)
{
	uint8_t u[2048], ip[2048];
	size_t nu = mk_udp(u, sport, dport, pl, n);
	size_t ni = mk_ip4(ip, 17, u, nu);

	return mk_eth(out, NULL, 0, 0x0800, ip, ni);
}

static void assert_ike500(void)
{
	cr_assert_geq(R.n, 1);
	cr_assert_eq(R.last.transport, IKC_T_UDP500);
	cr_assert_eq(R.last.len, sizeof IKE);
	cr_assert_eq(R.last.wire_len, sizeof IKE);
	cr_assert_arr_eq(R.data, IKE, sizeof IKE);
}

TestSuite(net, .init = setup, .fini = teardown);

/* ---- tables and defaults ---------------------------------------------------- */

Test(net, transport_names)
{
	cr_assert_str_eq(ikc_transport_name(IKC_T_UDP500), "udp500");
	cr_assert_str_eq(ikc_transport_name(IKC_T_UDP4500_IKE), "udp4500-ike");
	cr_assert_str_eq(ikc_transport_name(IKC_T_UDP4500_ESP), "udp4500-esp");
	cr_assert_str_eq(ikc_transport_name(IKC_T_KEEPALIVE), "keepalive");
	cr_assert_str_eq(ikc_transport_name(IKC_T_UDP848), "udp848");
	cr_assert_str_eq(ikc_transport_name(IKC_T_ESP), "esp");
	cr_assert_not_null(ikc_transport_name((enum ikc_transport)99));
}

Test(net, config_default)
{
	struct ikc_net_config c;

	ikc_net_config_default(&c);
	cr_assert_eq(c.ike_port, 500);
	cr_assert_eq(c.natt_port, 4500);
	cr_assert_eq(c.gdoi_port, 848);
	cr_assert_eq(c.max_frag_bytes, 4u << 20);
	cr_assert_eq(c.max_frag_trains, 1024);
	cr_assert_eq(c.frag_timeout_s, 30);
}

/* ---- link layers ------------------------------------------------------------ */

Test(net, ethernet_ipv4_udp500)
{
	uint8_t f[256];
	size_t n = eth_udp4(f, 500, 500, IKE, sizeof IKE);

	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	assert_ike500();
	cr_assert_eq(R.n, 1);
	cr_assert_eq(R.last.af, 4);
	cr_assert_arr_eq(R.last.src, SRC4, 4);
	cr_assert_arr_eq(R.last.dst, DST4, 4);
	cr_assert_eq(R.last.sport, 500);
	cr_assert_eq(R.last.dport, 500);
	cr_assert_eq(R.last.frame, 1);
	cr_assert_eq(R.last.ts_sec, 1000);
	cr_assert(!R.last.reassembled);
}

Test(net, ethernet_padding_trimmed)
{
	uint8_t f[256];
	size_t n = eth_udp4(f, 500, 500, IKE, sizeof IKE);

	memset(f + n, 0, 20); /* trailer bytes after the IP datagram */
	cr_assert_eq(feed(1, f, n + 20), IKC_NV_DELIVERED);
	assert_ike500();
}

Test(net, vlan_qinq_stacked)
{
	static const uint16_t one[] = { 0x8100 }, qinq[] = { 0x88a8, 0x8100 }, old[] = { 0x9100, 0x8100 },
			      three[] = { 0x88a8, 0x9100, 0x8100 };
	static const uint16_t nine[] = { 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100, 0x8100 };
	const uint16_t *sets[] = { one, qinq, old, three };
	const size_t nsets[] = { 1, 2, 2, 3 };
	uint8_t u[64], ip[128], f[256];
	size_t nu = mk_udp(u, 500, 500, IKE, sizeof IKE), ni = mk_ip4(ip, 17, u, nu), n;

	for (size_t i = 0; i < 4; i++) {
		n = mk_eth(f, sets[i], nsets[i], 0x0800, ip, ni);
		cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED, "tag set %zu", i);
	}
	cr_assert_eq(R.n, 4);
	n = mk_eth(f, nine, 9, 0x0800, ip, ni);
	cr_assert_eq(feed(1, f, n), IKC_NV_MALFORMED);
	n = mk_eth(f, NULL, 0, 0x0806, ip, ni); /* ARP */
	cr_assert_eq(feed(1, f, n), IKC_NV_NOT_IKE);
}

Test(net, linux_sll_and_sll2)
{
	uint8_t u[64], ip[128], f[256];
	size_t nu = mk_udp(u, 500, 500, IKE, sizeof IKE), ni = mk_ip4(ip, 17, u, nu);

	/* SLL: pkttype 0, ARPHRD_ETHER 1, addr len 6, addr[8], protocol. */
	memset(f, 0, 16);
	f[3] = 1;
	f[5] = 6;
	put16(f + 14, 0x0800);
	memcpy(f + 16, ip, ni);
	cr_assert_eq(feed(113, f, 16 + ni), IKC_NV_DELIVERED);
	/* SLL2: protocol, reserved, ifindex, hatype, pkttype, addr len, addr[8]. */
	memset(f, 0, 20);
	put16(f, 0x0800);
	f[7] = 2;
	f[9] = 1;
	f[11] = 6;
	memcpy(f + 20, ip, ni);
	cr_assert_eq(feed(276, f, 20 + ni), IKC_NV_DELIVERED);
	assert_ike500();
	cr_assert_eq(R.n, 2);
}

Test(net, raw_ipv4_ipv6_dlts)
{
	uint8_t u[64], ip4[128], ip6[128];
	size_t nu = mk_udp(u, 500, 500, IKE, sizeof IKE);
	size_t n4 = mk_ip4(ip4, 17, u, nu), n6 = mk_ip6(ip6, 17, u, nu);
	const int raw[] = { 12, 101 };

	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(feed(raw[i], ip4, n4), IKC_NV_DELIVERED);
		cr_assert_eq(R.last.af, 4);
		cr_assert_eq(feed(raw[i], ip6, n6), IKC_NV_DELIVERED);
		cr_assert_eq(R.last.af, 6);
		cr_assert_arr_eq(R.last.src, SRC6, 16);
		cr_assert_arr_eq(R.last.dst, DST6, 16);
	}
	cr_assert_eq(feed(228, ip4, n4), IKC_NV_DELIVERED);
	cr_assert_eq(feed(229, ip6, n6), IKC_NV_DELIVERED);
	/* DLT_IPV4 with an IPv6 packet is not IPv4. */
	cr_assert_eq(feed(228, ip6, n6), IKC_NV_MALFORMED);
	cr_assert_eq(R.n, 6);
}

Test(net, null_and_loop)
{
	uint8_t u[64], ip4[128], ip6[128], f[256];
	size_t nu = mk_udp(u, 500, 500, IKE, sizeof IKE);
	size_t n4 = mk_ip4(ip4, 17, u, nu), n6 = mk_ip6(ip6, 17, u, nu);
	static const uint8_t le2[4] = { 2, 0, 0, 0 }, be2[4] = { 0, 0, 0, 2 };
	static const uint8_t v6fams[3] = { 24, 28, 30 };

	memcpy(f, le2, 4);
	memcpy(f + 4, ip4, n4);
	cr_assert_eq(feed(0, f, 4 + n4), IKC_NV_DELIVERED);
	memcpy(f, be2, 4);
	cr_assert_eq(feed(0, f, 4 + n4), IKC_NV_DELIVERED);
	cr_assert_eq(feed(108, f, 4 + n4), IKC_NV_DELIVERED); /* LOOP: network order */
	for (size_t i = 0; i < 3; i++) {
		uint8_t le[4] = { v6fams[i], 0, 0, 0 }, be[4] = { 0, 0, 0, v6fams[i] };
		memcpy(f, le, 4);
		memcpy(f + 4, ip6, n6);
		cr_assert_eq(feed(0, f, 4 + n6), IKC_NV_DELIVERED);
		cr_assert_eq(R.last.af, 6);
		memcpy(f, be, 4);
		cr_assert_eq(feed(108, f, 4 + n6), IKC_NV_DELIVERED);
	}
	f[0] = 0, f[1] = 0, f[2] = 0, f[3] = 7; /* AF_ISO: not ours */
	cr_assert_eq(feed(0, f, 4 + n6), IKC_NV_NOT_IKE);
	cr_assert_eq(feed(0, f, 3), IKC_NV_TRUNCATED);
	cr_assert_eq(R.n, 9);
}

Test(net, unsupported_link_counted)
{
	uint8_t f[64] = { 0 };
	struct ikc_net_stats st;

	cr_assert(!ikc_net_dlt_supported(105)); /* IEEE 802.11 */
	cr_assert(ikc_net_dlt_supported(1));
	cr_assert(ikc_net_dlt_supported(276));
	cr_assert_eq(feed(105, f, sizeof f), IKC_NV_UNSUPPORTED_LINK);
	cr_assert_eq(feed(147, f, sizeof f), IKC_NV_UNSUPPORTED_LINK);
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.unsupported_link_frames, 2);
	cr_assert_eq(R.n, 0);
}

/* ---- IP --------------------------------------------------------------------- */

Test(net, ipv4_options_skipped)
{
	/* RFC 791 options: NOP NOP then a 4-byte Router Alert (RFC 2113); then
	 * a maximum IHL of 15 (40 option bytes of NOP/EOL). */
	static const uint8_t ra[8] = { 1, 1, 0x94, 4, 0, 0, 0, 0 };
	uint8_t opt40[40], u[64], ip[128];
	size_t nu = mk_udp(u, 500, 500, IKE, sizeof IKE), ni;

	memset(opt40, 1, sizeof opt40);
	opt40[39] = 0;
	ni = mk_ip4x(ip, 17, 1, 0, ra, sizeof ra, u, nu);
	cr_assert_eq(ip[0], 0x47);
	cr_assert_eq(feed(12, ip, ni), IKC_NV_DELIVERED);
	ni = mk_ip4x(ip, 17, 1, 0, opt40, sizeof opt40, u, nu);
	cr_assert_eq(ip[0], 0x4f);
	cr_assert_eq(feed(12, ip, ni), IKC_NV_DELIVERED);
	assert_ike500();
}

Test(net, ipv4_malformed_ihl_and_length)
{
	uint8_t u[64], ip[128], bad[128];
	size_t nu = mk_udp(u, 500, 500, IKE, sizeof IKE), ni = mk_ip4(ip, 17, u, nu);

	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		memcpy(bad, ip, ni);
		bad[0] = (uint8_t)(0x40 | ihl);
		cr_assert_eq(feed(12, bad, ni), IKC_NV_MALFORMED, "IHL %u", ihl);
	}
	memcpy(bad, ip, ni);
	bad[0] = 0x4f; /* 60-byte header in a 56-byte datagram */
	cr_assert_eq(feed(228, bad, ni), IKC_NV_TRUNCATED);
	memcpy(bad, ip, ni);
	bad[0] = 0x55; /* version 5 */
	cr_assert_eq(feed(228, bad, ni), IKC_NV_MALFORMED);
	memcpy(bad, ip, ni);
	put16(bad + 2, 19); /* total length shorter than the header */
	cr_assert_eq(feed(228, bad, ni), IKC_NV_MALFORMED);
	memcpy(bad, ip, ni);
	put16(bad + 2, 27); /* total length cuts the UDP header */
	cr_assert_eq(feed(228, bad, ni), IKC_NV_MALFORMED);
	memcpy(bad, ip, ni);
	cr_assert_eq(R.n, 0);
	memcpy(bad, ip, ni);
	/* UDP length (36) beyond what IP declares (32): bogus, the IP length rules,
	 * as in Wireshark ("Bad length value > IP payload length") and tcpdump. */
	put16(bad + 2, 20 + 8 + 4);
	cr_assert_eq(feed(228, bad, ni), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.len, 4);
	cr_assert_eq(R.last.wire_len, 4);
}

Test(net, ipv6_extension_headers)
{
	/* hop-by-hop (8, PadN) -> routing (type 0 segments-left 0, 24 bytes)
	 * -> destination options (16) -> UDP. */
	uint8_t pl[256], u[64], ip[300];
	size_t nu = mk_udp(u, 500, 500, IKE, sizeof IKE), o = 0, ni;

	memset(pl, 0, sizeof pl);
	pl[o] = 43, pl[o + 1] = 0, pl[o + 2] = 1, pl[o + 3] = 4; /* PadN 4 */
	o += 8;
	pl[o] = 60, pl[o + 1] = 2, pl[o + 2] = 0, pl[o + 3] = 0;
	o += 24;
	pl[o] = 17, pl[o + 1] = 1, pl[o + 2] = 1, pl[o + 3] = 12;
	o += 16;
	memcpy(pl + o, u, nu);
	ni = mk_ip6(ip, 0, pl, o + nu);
	cr_assert_eq(feed(229, ip, ni), IKC_NV_DELIVERED);
	assert_ike500();
	/* A destination-options length running past the payload. */
	pl[8 + 24 + 1] = 200;
	ni = mk_ip6(ip, 0, pl, o + nu);
	cr_assert_eq(feed(229, ip, ni), IKC_NV_MALFORMED);
	/* No next header (59) is not ours. */
	ni = mk_ip6(ip, 59, pl, 0);
	cr_assert_eq(feed(229, ip, ni), IKC_NV_NOT_IKE);
	/* A chain of 20 destination-options headers is refused, not walked forever. */
	memset(pl, 0, 160);
	for (int i = 0; i < 20; i++)
		pl[i * 8] = 60;
	ni = mk_ip6(ip, 60, pl, 160);
	cr_assert_eq(feed(229, ip, ni), IKC_NV_MALFORMED);
	cr_assert_eq(R.n, 1);
}

Test(net, ah_skipped)
{
	/* RFC 4302 §2: AH with a 12-byte ICV is (len + 2) * 4 = 24 bytes, len = 4. */
	uint8_t ah[128], ip[256];
	size_t ni;

	memset(ah, 0, 24);
	ah[0] = 50;
	ah[1] = 4;
	memcpy(ah + 24, ESPP, sizeof ESPP);
	ni = mk_ip4(ip, 51, ah, 24 + sizeof ESPP);
	cr_assert_eq(feed(12, ip, ni), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_ESP);
	cr_assert_eq(R.last.len, sizeof ESPP);
	cr_assert_arr_eq(R.data, ESPP, sizeof ESPP);
	ni = mk_ip6(ip, 51, ah, 24 + sizeof ESPP);
	cr_assert_eq(feed(12, ip, ni), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_ESP);
	cr_assert_eq(R.last.af, 6);
}

/* ---- UDP and ESP ------------------------------------------------------------ */

Test(net, natt_ike_after_marker)
{
	uint8_t pl[64], f[256];
	size_t n;

	memset(pl, 0, 4);
	memcpy(pl + 4, IKE, sizeof IKE);
	n = eth_udp4(f, 4500, 4500, pl, 4 + sizeof IKE);
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_UDP4500_IKE);
	cr_assert_eq(R.last.len, sizeof IKE);
	cr_assert_eq(R.last.wire_len, sizeof IKE);
	cr_assert_arr_eq(R.data, IKE, sizeof IKE);
}

Test(net, natt_esp_in_udp)
{
	uint8_t f[256];
	size_t n = eth_udp4(f, 4500, 4500, ESPP, sizeof ESPP);

	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_UDP4500_ESP);
	cr_assert_eq(R.last.len, sizeof ESPP);
	cr_assert_arr_eq(R.data, ESPP, sizeof ESPP); /* data starts at the SPI */
	/* SPI non-zero but shorter than SPI + sequence: not ESP. */
	n = eth_udp4(f, 4500, 4500, ESPP, 6);
	cr_assert_eq(feed(1, f, n), IKC_NV_NOT_IKE);
}

Test(net, natt_keepalive)
{
	static const uint8_t ff = 0xff, zero = 0x00, three[3] = { 0xff, 0xff, 0xff };
	uint8_t f[256];
	size_t n = eth_udp4(f, 4500, 4500, &ff, 1);

	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_KEEPALIVE);
	cr_assert_eq(R.last.len, 1);
	n = eth_udp4(f, 4500, 4500, &zero, 1);
	cr_assert_eq(feed(1, f, n), IKC_NV_NOT_IKE);
	n = eth_udp4(f, 4500, 4500, three, 3);
	cr_assert_eq(feed(1, f, n), IKC_NV_NOT_IKE);
	n = eth_udp4(f, 4500, 4500, three, 0);
	cr_assert_eq(feed(1, f, n), IKC_NV_NOT_IKE);
	cr_assert_eq(R.n, 1);
}

Test(net, gdoi_and_port_rules)
{
	uint8_t f[256];
	size_t n = eth_udp4(f, 848, 848, IKE, sizeof IKE);

	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_UDP848);
	/* Either port counts. */
	n = eth_udp4(f, 500, 33000, IKE, sizeof IKE);
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_UDP500);
	n = eth_udp4(f, 33000, 848, IKE, sizeof IKE);
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_UDP848);
	n = eth_udp4(f, 53, 33000, IKE, sizeof IKE);
	cr_assert_eq(feed(1, f, n), IKC_NV_NOT_IKE);
	cr_assert_eq(R.n, 3);
}

Test(net, configured_ports)
{
	struct ikc_net_config c;
	uint8_t f[256], pl[64];
	size_t n;

	ikc_net_free(NET);
	ikc_net_config_default(&c);
	c.ike_port = 5000;
	c.natt_port = 5001;
	NET = ikc_net_new(&c);
	n = eth_udp4(f, 500, 500, IKE, sizeof IKE);
	cr_assert_eq(feed(1, f, n), IKC_NV_NOT_IKE);
	n = eth_udp4(f, 5000, 40000, IKE, sizeof IKE);
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_UDP500);
	memset(pl, 0, 4);
	memcpy(pl + 4, IKE, sizeof IKE);
	n = eth_udp4(f, 40000, 5001, pl, 4 + sizeof IKE);
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_UDP4500_IKE);
}

Test(net, esp_protocol_50)
{
	uint8_t ip[128], f[256];
	size_t ni = mk_ip4(ip, 50, ESPP, sizeof ESPP), n = mk_eth(f, NULL, 0, 0x0800, ip, ni);

	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_ESP);
	cr_assert_eq(R.last.sport, 0);
	cr_assert_eq(R.last.dport, 0);
	cr_assert_eq(R.last.len, sizeof ESPP);
	cr_assert_arr_eq(R.data, ESPP, sizeof ESPP);
	ni = mk_ip6(ip, 50, ESPP, sizeof ESPP);
	n = mk_eth(f, NULL, 0, 0x86dd, ip, ni);
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.transport, IKC_T_ESP);
	/* TCP is not ours. */
	ni = mk_ip4(ip, 6, ESPP, sizeof ESPP);
	cr_assert_eq(feed(12, ip, ni), IKC_NV_NOT_IKE);
}

Test(net, udp_length_rules)
{
	uint8_t f[256];
	size_t n = eth_udp4(f, 500, 500, IKE, sizeof IKE);
	const size_t ulen_at = 14 + 20 + 4;

	put16(f + ulen_at, 7);
	cr_assert_eq(feed(1, f, n), IKC_NV_MALFORMED);
	put16(f + ulen_at, (uint16_t)(8 + sizeof IKE + 1));
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.len, sizeof IKE);
	cr_assert_eq(R.last.wire_len, sizeof IKE);
	/* A shorter UDP length trims what IP carried. */
	put16(f + ulen_at, 8 + 20);
	cr_assert_eq(feed(1, f, n), IKC_NV_DELIVERED);
	cr_assert_eq(R.last.len, 20);
	cr_assert_eq(R.last.wire_len, 20);
}

/* Every prefix of a valid frame: no crash, and a verdict that fits the cut. */
static void every_prefix(int dlt, const uint8_t *frame, size_t n, size_t hdrs, enum ikc_transport t)
{
	for (size_t cut = 0; cut <= n; cut++) {
		enum ikc_net_verdict v;

		R.n = 0;
		v = ikc_net_input(NET, dlt, 1, 0, 0, frame, cut, n, on_pkt, &R);
		if (cut < hdrs) {
			cr_assert_eq(v, IKC_NV_TRUNCATED, "cut %zu", cut);
			cr_assert_eq(R.n, 0);
		} else {
			cr_assert_eq(v, IKC_NV_DELIVERED, "cut %zu", cut);
			cr_assert_eq(R.last.transport, t);
			cr_assert_eq(R.last.len, cut - hdrs, "cut %zu", cut);
			cr_assert_eq(R.last.wire_len, n - hdrs);
		}
	}
}

Test(net, truncated_every_length)
{
	uint8_t pl[64], u[128], ip[256], f[300], ext[128];
	size_t nu, ni, n;

	/* Ethernet + QinQ / IPv4 / UDP 4500 / marker / IKE */
	static const uint16_t tags[] = { 0x88a8, 0x8100 };
	memset(pl, 0, 4);
	memcpy(pl + 4, IKE, sizeof IKE);
	nu = mk_udp(u, 4500, 4500, pl, 4 + sizeof IKE);
	ni = mk_ip4(ip, 17, u, nu);
	n = mk_eth(f, tags, 2, 0x0800, ip, ni);
	every_prefix(1, f, n, 14 + 8 + 20 + 8 + 4, IKC_T_UDP4500_IKE);

	/* SLL2 / IPv6 / hop-by-hop / UDP 500 */
	memset(ext, 0, 8);
	ext[0] = 17;
	nu = mk_udp(u, 500, 500, IKE, sizeof IKE);
	memcpy(ext + 8, u, nu);
	ni = mk_ip6(ip, 0, ext, 8 + nu);
	memset(f, 0, 20);
	put16(f, 0x86dd);
	memcpy(f + 20, ip, ni);
	every_prefix(276, f, 20 + ni, 20 + 40 + 8 + 8, IKC_T_UDP500);

	/* NULL / IPv4 / ESP */
	f[0] = 2, f[1] = 0, f[2] = 0, f[3] = 0;
	ni = mk_ip4(ip, 50, ESPP, sizeof ESPP);
	memcpy(f + 4, ip, ni);
	for (size_t cut = 0; cut <= 4 + ni; cut++) {
		enum ikc_net_verdict v = ikc_net_input(NET, 0, 1, 0, 0, f, cut, 4 + ni, on_pkt, &R);
		cr_assert_eq(v, cut <= 24 ? IKC_NV_TRUNCATED : IKC_NV_DELIVERED, "cut %zu", cut);
	}
	/* A NULL byte pointer with zero length. */
	cr_assert_eq(ikc_net_input(NET, 1, 1, 0, 0, NULL, 0, 0, on_pkt, &R), IKC_NV_TRUNCATED);
}

/* ---- fragment reassembly ---------------------------------------------------- */

/* A 1200-byte IKE message in UDP 500, cut into IPv4 fragments of the UDP datagram
 * at the given 8-byte-aligned offsets. */
static uint8_t BIG[1200];
static uint8_t DGRAM[1208];

static void make_big(void)
{
	for (size_t i = 0; i < sizeof BIG; i++)
		BIG[i] = (uint8_t)(i * 7 + 3);
	mk_udp(DGRAM, 500, 500, BIG, sizeof BIG);
}

static size_t frag4(uint8_t *f, uint16_t id, size_t off, size_t len, bool more)
{
	uint8_t ip[1600];
	uint16_t fo = (uint16_t)((off / 8) | (more ? 0x2000 : 0));
	size_t ni = mk_ip4x(ip, 17, id, fo, NULL, 0, DGRAM + off, len);

	return mk_eth(f, NULL, 0, 0x0800, ip, ni);
}

static void assert_big_delivered(uint64_t first_frame)
{
	cr_assert_eq(R.n, 1);
	cr_assert_eq(R.last.transport, IKC_T_UDP500);
	cr_assert(R.last.reassembled);
	cr_assert_eq(R.last.first_frame, first_frame);
	cr_assert_eq(R.last.len, sizeof BIG);
	cr_assert_eq(R.last.wire_len, sizeof BIG);
	cr_assert_arr_eq(R.data, BIG, sizeof BIG);
}

Test(net, ipv4_reassembly_in_order)
{
	uint8_t f[1600];
	struct ikc_net_stats st;

	make_big();
	cr_assert_eq(feed_ts(1, 10, 1000, f, frag4(f, 7, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed_ts(1, 11, 1000, f, frag4(f, 7, 480, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(R.n, 0);
	cr_assert_eq(feed_ts(1, 12, 1001, f, frag4(f, 7, 960, 248, false)), IKC_NV_DELIVERED);
	assert_big_delivered(10);
	cr_assert_eq(R.last.frame, 12);
	cr_assert_eq(R.last.ts_sec, 1001);
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.frags_held, 3);
	cr_assert_eq(st.frags_reassembled, 1);
	/* The datagram was just reassembled: a copy of its last fragment (a
	 * span port's) is a duplicate, not the start of another train ... */
	cr_assert_eq(feed_ts(1, 13, 1001, f, frag4(f, 7, 960, 248, false)), IKC_NV_FRAGMENT_DUP);
	cr_assert_eq(feed_ts(1, 14, 1002, f, frag4(f, 7, 0, 480, true)), IKC_NV_FRAGMENT_DUP);
	/* ... but another fragment under the same id (the id came round again)
	 * is not a copy, nor is the same id a minute later. */
	DGRAM[100] ^= 0xff;   /* another datagram's first fragment */
	cr_assert_eq(feed_ts(1, 14, 1002, f, frag4(f, 7, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	DGRAM[100] ^= 0xff;
	cr_assert_eq(feed_ts(1, 15, 1061, f, frag4(f, 17, 960, 248, false)), IKC_NV_FRAGMENT_HELD);
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.frags_held, 5);
}

Test(net, ipv4_reassembly_out_of_order_and_duplicate)
{
	uint8_t f[1600];

	make_big();
	cr_assert_eq(feed_ts(1, 20, 1000, f, frag4(f, 9, 960, 248, false)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed_ts(1, 21, 1000, f, frag4(f, 9, 480, 480, true)), IKC_NV_FRAGMENT_HELD);
	/* an exact duplicate is dropped quietly */
	cr_assert_eq(feed_ts(1, 22, 1000, f, frag4(f, 9, 480, 480, true)), IKC_NV_FRAGMENT_DUP);
	/* a fragment of another datagram (other id) does not mix in */
	cr_assert_eq(feed_ts(1, 23, 1000, f, frag4(f, 10, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(R.n, 0);
	cr_assert_eq(feed_ts(1, 24, 1000, f, frag4(f, 9, 0, 480, true)), IKC_NV_DELIVERED);
	assert_big_delivered(20);
}

Test(net, ipv4_overlap_rejected)
{
	uint8_t f[1600];

	make_big();
	cr_assert_eq(feed(1, f, frag4(f, 5, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	/* 400..880 overlaps 0..480 */
	cr_assert_eq(feed(1, f, frag4(f, 5, 400, 480, true)), IKC_NV_MALFORMED);
	/* The datagram stays refused: the rest does not complete it. */
	cr_assert_eq(feed(1, f, frag4(f, 5, 480, 480, true)), IKC_NV_MALFORMED);
	cr_assert_eq(feed(1, f, frag4(f, 5, 960, 248, false)), IKC_NV_MALFORMED);
	cr_assert_eq(R.n, 0);

	/* Same offsets, different bytes (a rewrite): refused too. */
	cr_assert_eq(feed(1, f, frag4(f, 6, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	DGRAM[100] ^= 1;
	cr_assert_eq(feed(1, f, frag4(f, 6, 0, 480, true)), IKC_NV_MALFORMED);
	DGRAM[100] ^= 1;
	/* Two different "last" fragments. */
	cr_assert_eq(feed(1, f, frag4(f, 8, 960, 248, false)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(1, f, frag4(f, 8, 480, 240, false)), IKC_NV_MALFORMED);
	/* A fragment beyond a known end. */
	cr_assert_eq(feed(1, f, frag4(f, 11, 480, 240, false)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(1, f, frag4(f, 11, 720, 240, true)), IKC_NV_MALFORMED);
	cr_assert_eq(R.n, 0);
}

Test(net, ipv4_fragment_rules)
{
	uint8_t f[1600], ip[1600];
	size_t ni;

	make_big();
	/* a non-last fragment whose length is not a multiple of 8 */
	cr_assert_eq(feed(1, f, frag4(f, 1, 0, 100, true)), IKC_NV_MALFORMED);
	/* offset 8189*8 + 100 bytes passes 65535 (ping of death) */
	ni = mk_ip4x(ip, 17, 2, 8189, NULL, 0, BIG, 100);
	cr_assert_eq(feed(12, ip, ni), IKC_NV_MALFORMED);
	/* TCP fragments are not held */
	ni = mk_ip4x(ip, 6, 3, 0x2000, NULL, 0, BIG, 96);
	cr_assert_eq(feed(12, ip, ni), IKC_NV_NOT_IKE);
}

Test(net, eviction_by_train_count)
{
	struct ikc_net_config c;
	struct ikc_net_stats st;
	uint8_t f[1600];

	make_big();
	ikc_net_free(NET);
	ikc_net_config_default(&c);
	c.max_frag_trains = 2;
	NET = ikc_net_new(&c);
	cr_assert_eq(feed(1, f, frag4(f, 1, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(1, f, frag4(f, 2, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(1, f, frag4(f, 3, 0, 480, true)), IKC_NV_FRAGMENT_HELD); /* evicts id 1 */
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.frags_evicted, 1);
	/* id 1 lost its first fragment: the rest cannot complete it */
	cr_assert_eq(feed(1, f, frag4(f, 1, 480, 480, true)), IKC_NV_FRAGMENT_HELD); /* evicts id 2 */
	cr_assert_eq(feed(1, f, frag4(f, 1, 960, 248, false)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(R.n, 0);
	/* id 3 is still there */
	cr_assert_eq(feed(1, f, frag4(f, 3, 480, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(1, f, frag4(f, 3, 960, 248, false)), IKC_NV_DELIVERED);
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.frags_evicted, 2);
}

Test(net, eviction_by_bytes)
{
	struct ikc_net_config c;
	struct ikc_net_stats st;
	uint8_t f[1600];

	make_big();
	ikc_net_free(NET);
	ikc_net_config_default(&c);
	c.max_frag_bytes = 6000; /* room for one train and its buffer, not two */
	NET = ikc_net_new(&c);
	cr_assert_eq(feed(1, f, frag4(f, 1, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(1, f, frag4(f, 2, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.frags_evicted, 1);
	cr_assert_eq(feed(1, f, frag4(f, 2, 480, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(1, f, frag4(f, 2, 960, 248, false)), IKC_NV_DELIVERED);
	assert_big_delivered(1);
	/* A budget too small for any datagram holds nothing and still does not crash. */
	ikc_net_free(NET);
	c.max_frag_bytes = 100;
	NET = ikc_net_new(&c);
	cr_assert_neq(feed(1, f, frag4(f, 1, 0, 480, true)), IKC_NV_DELIVERED);
}

Test(net, timeout_in_capture_time)
{
	struct ikc_net_stats st;
	uint8_t f[1600];

	make_big();
	cr_assert_eq(feed_ts(1, 1, 100, f, frag4(f, 4, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed_ts(1, 2, 120, f, frag4(f, 4, 480, 480, true)), IKC_NV_FRAGMENT_HELD);
	/* 31 s after the first fragment: the train is gone */
	cr_assert_eq(feed_ts(1, 3, 131, f, frag4(f, 4, 960, 248, false)), IKC_NV_FRAGMENT_HELD);
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.frags_timed_out, 1);
	cr_assert_eq(R.n, 0);
	/* within 30 s it completes */
	cr_assert_eq(feed_ts(1, 4, 140, f, frag4(f, 4, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed_ts(1, 5, 161, f, frag4(f, 4, 480, 480, true)), IKC_NV_DELIVERED);
	assert_big_delivered(3);
}

Test(net, truncated_fragments_not_held)
{
	uint8_t f[1600];
	size_t n;
	struct ikc_net_stats st;

	make_big();
	cr_assert_eq(feed(1, f, frag4(f, 4, 0, 480, true)), IKC_NV_FRAGMENT_HELD);
	n = frag4(f, 4, 480, 480, true);
	/* the capture kept 100 bytes of this fragment's 480: not held */
	cr_assert_eq(ikc_net_input(NET, 1, 2, 1000, 0, f, n - 380, n, on_pkt, &R), IKC_NV_TRUNCATED);
	cr_assert_eq(feed(1, f, frag4(f, 4, 960, 248, false)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(R.n, 0);
	/* a first fragment cut short is decoded as it stands */
	n = frag4(f, 5, 0, 480, true);
	cr_assert_eq(ikc_net_input(NET, 1, 3, 1000, 0, f, 14 + 20 + 8 + 50, n, on_pkt, &R), IKC_NV_DELIVERED);
	cr_assert_eq(R.n, 1);
	cr_assert(!R.last.reassembled);
	cr_assert_eq(R.last.transport, IKC_T_UDP500);
	cr_assert_eq(R.last.len, 50);
	cr_assert_eq(R.last.wire_len, 480 - 8);
	cr_assert_arr_eq(R.data, BIG, 50);
	ikc_net_get_stats(NET, &st);
	cr_assert_eq(st.frags_held, 2);
}

/* IPv6: hop-by-hop, destination options, then a fragment header (RFC 8200 §4.5). */
static size_t frag6(uint8_t *out, uint32_t id, size_t off, size_t len, bool more)
{
	uint8_t pl[1600];
	uint16_t offm = (uint16_t)(off | (more ? 1 : 0)); /* off is a multiple of 8 */

	memset(pl, 0, 32);
	pl[0] = 60;       /* hop-by-hop -> destination options */
	pl[8] = 44;       /* destination options -> fragment */
	pl[16] = 17;      /* fragment -> UDP */
	put16(pl + 18, offm);
	pl[20] = (uint8_t)(id >> 24), pl[21] = (uint8_t)(id >> 16), pl[22] = (uint8_t)(id >> 8);
	pl[23] = (uint8_t)id;
	memcpy(pl + 24, DGRAM + off, len);
	return mk_ip6(out, 0, pl, 24 + len);
}

Test(net, ipv6_reassembly)
{
	uint8_t f[1700];

	make_big();
	cr_assert_eq(feed_ts(229, 30, 1, f, frag6(f, 0xdeadbeef, 600, 608, false)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed_ts(229, 31, 1, f, frag6(f, 0xdeadbeef, 0, 600, true)), IKC_NV_DELIVERED);
	assert_big_delivered(30);
	cr_assert_eq(R.last.af, 6);
	/* an atomic fragment (offset 0, M 0) is a whole datagram (RFC 6946) */
	R.n = 0;
	cr_assert_eq(feed(229, f, frag6(f, 77, 0, sizeof DGRAM, false)), IKC_NV_DELIVERED);
	cr_assert(!R.last.reassembled);
	cr_assert_arr_eq(R.data, BIG, sizeof BIG);
	/* overlap */
	cr_assert_eq(feed(229, f, frag6(f, 78, 0, 600, true)), IKC_NV_FRAGMENT_HELD);
	cr_assert_eq(feed(229, f, frag6(f, 78, 592, 616, false)), IKC_NV_MALFORMED);
}

/* ---- the capture wrapper, on real files ------------------------------------- */

struct tally {
	struct ikc_net *net;
	uint64_t frames, by_t[8];
	bool filtered;               /* a filter skips frames: numbers have gaps */
	uint64_t frame[16];          /* the first frame numbers handed over */
	size_t nframe;
};

static void tally_pkt(void *ctx, const struct ikc_pkt *p)
{
	struct tally *t = ctx;

	t->by_t[p->transport]++;
}

static void tally_frame(void *ctx, int dlt, uint64_t frame, int64_t s, uint32_t ns, const uint8_t *b, size_t cl,
			size_t wl)
{
	struct tally *t = ctx;

	if (t->nframe < sizeof t->frame / sizeof t->frame[0])
		t->frame[t->nframe++] = frame;
	t->frames++;
	if (!t->filtered)
		cr_assert_eq(frame, t->frames);
	(void)ikc_net_input(t->net, dlt, frame, s, ns, b, cl, wl, tally_pkt, t);
}

#define NATT_PCAP "captures/lab/natt.pcap"

Test(capture, lab_natt_counts_match_tshark)
{
	struct ikc_capture *cap;
	char e[IKC_CAPTURE_ERRBUF_SIZE];
	struct tally t = { 0 };
	uint64_t done, total;

	cr_assert_eq(ikc_capture_open_offline(&cap, NATT_PCAP, e, sizeof e), IKC_OK, "%s", e);
	cr_assert_eq(ikc_capture_dlt(cap), 1);
	t.net = ikc_net_new(NULL);
	cr_assert_eq(ikc_capture_loop(cap, 0, NULL, tally_frame, &t, e, sizeof e), IKC_OK, "%s", e);
	/* tshark 4.0.17 on this file (run when this test was written):
	 *   tshark -r capture.pcap | wc -l                                 -> 21
	 *   tshark -r capture.pcap -Y 'isakmp && udp.port == 500'          -> 4
	 *   tshark -r capture.pcap -Y 'isakmp && udp.port == 4500'         -> 7
	 *   tshark -r capture.pcap -Y 'esp'   (all in UDP 4500, udpencap)  -> 8 */
	cr_assert_eq(t.frames, 21);
	cr_assert_eq(t.by_t[IKC_T_UDP500], 4);
	cr_assert_eq(t.by_t[IKC_T_UDP4500_IKE], 7);
	cr_assert_eq(t.by_t[IKC_T_UDP4500_ESP], 8);
	cr_assert_eq(t.by_t[IKC_T_ESP] + t.by_t[IKC_T_KEEPALIVE] + t.by_t[IKC_T_UDP848], 0);
	cr_assert_eq(ikc_capture_progress(cap, &done, &total), IKC_OK);
	cr_assert_gt(total, 0);
	cr_assert_leq(done, total);
	ikc_capture_close(cap);
	ikc_net_free(t.net);
}

Test(capture, max_packets_and_stop_flag)
{
	struct ikc_capture *cap;
	char e[IKC_CAPTURE_ERRBUF_SIZE];
	struct tally t = { 0 };
	volatile sig_atomic_t stop = 0;

	t.net = ikc_net_new(NULL);
	cr_assert_eq(ikc_capture_open_offline(&cap, NATT_PCAP, e, sizeof e), IKC_OK);
	cr_assert_eq(ikc_capture_loop(cap, 5, &stop, tally_frame, &t, e, sizeof e), IKC_OK);
	cr_assert_eq(t.frames, 5);
	stop = 1;
	cr_assert_eq(ikc_capture_loop(cap, 0, &stop, tally_frame, &t, e, sizeof e), IKC_OK);
	cr_assert_eq(t.frames, 5);
	ikc_capture_close(cap);
	ikc_net_free(t.net);
}

Test(capture, filter_good_and_bad)
{
	struct ikc_capture *cap;
	char e[IKC_CAPTURE_ERRBUF_SIZE];
	struct tally t = { 0 };

	t.net = ikc_net_new(NULL);
	cr_assert_eq(ikc_capture_open_offline(&cap, NATT_PCAP, e, sizeof e), IKC_OK);
	cr_assert_eq(ikc_capture_set_filter(cap, "udp port 4500 &&&", e, sizeof e), IKC_USAGE);
	cr_assert_eq(strncmp(e, "bad filter expression: ", 23), 0, "%s", e);
	cr_assert_eq(ikc_capture_set_filter(cap, "udp port 500", e, sizeof e), IKC_OK, "%s", e);
	t.filtered = true;
	cr_assert_eq(ikc_capture_loop(cap, 0, NULL, tally_frame, &t, e, sizeof e), IKC_OK);
	/* tshark -r capture.pcap -Y 'udp.port == 500' -> 4 */
	cr_assert_eq(t.frames, 4);
	cr_assert_eq(t.by_t[IKC_T_UDP500], 4);
	/* ... keeping their numbers in the file: tshark -T fields -e frame.number */
	cr_assert_eq(t.nframe, 4);
	cr_assert_eq(t.frame[0], 3);
	cr_assert_eq(t.frame[1], 4);
	cr_assert_eq(t.frame[2], 5);
	cr_assert_eq(t.frame[3], 6);
	ikc_capture_close(cap);
	ikc_net_free(t.net);
}

Test(capture, open_errors)
{
	struct ikc_capture *cap = (struct ikc_capture *)1;
	char e[IKC_CAPTURE_ERRBUF_SIZE];
	FILE *fp;

	cr_assert_eq(ikc_capture_open_offline(&cap, "/nonexistent/x.pcap", e, sizeof e), IKC_IO);
	cr_assert_null(cap);
	cr_assert_str_eq(e, "cannot open /nonexistent/x.pcap: No such file or directory");

	fp = fopen("/tmp/ikc_test_net_not.pcap", "w");
	cr_assert_not_null(fp);
	fputs("this is a text file, not a capture\n", fp);
	fclose(fp);
	cr_assert_eq(ikc_capture_open_offline(&cap, "/tmp/ikc_test_net_not.pcap", e, sizeof e), IKC_IO);
	cr_assert_str_eq(e, "/tmp/ikc_test_net_not.pcap: not a pcap or pcapng file");

	fp = fopen("/tmp/ikc_test_net_empty.pcap", "w");
	cr_assert_not_null(fp);
	fclose(fp);
	cr_assert_eq(ikc_capture_open_offline(&cap, "/tmp/ikc_test_net_empty.pcap", e, sizeof e), IKC_IO);
	cr_assert_eq(strncmp(e, "/tmp/ikc_test_net_empty.pcap: not a pcap or pcapng file", 55), 0, "%s", e);

	cr_assert_eq(ikc_capture_open_offline(&cap, "/tmp", e, sizeof e), IKC_IO);
	cr_assert_str_eq(e, "cannot open /tmp: Is a directory");
	remove("/tmp/ikc_test_net_not.pcap");
	remove("/tmp/ikc_test_net_empty.pcap");
}

Test(capture, truncated_pcap_reports_error)
{
	struct ikc_capture *cap;
	char e[IKC_CAPTURE_ERRBUF_SIZE];
	struct tally t = { 0 };
	uint8_t buf[4096];
	FILE *in, *out;
	size_t n;

	/* The 24-byte file header, frame 1 (16 + 42 bytes: an ARP request) and
	 * the first 30 bytes of frame 2's record. */
	in = fopen(NATT_PCAP, "rb");
	cr_assert_not_null(in);
	n = fread(buf, 1, 24 + 16 + 42 + 30, in);
	fclose(in);
	cr_assert_eq(n, 24 + 16 + 42 + 30);
	out = fopen("/tmp/ikc_test_net_trunc.pcap", "wb");
	cr_assert_not_null(out);
	cr_assert_eq(fwrite(buf, 1, n, out), n);
	fclose(out);

	t.net = ikc_net_new(NULL);
	cr_assert_eq(ikc_capture_open_offline(&cap, "/tmp/ikc_test_net_trunc.pcap", e, sizeof e), IKC_OK, "%s", e);
	cr_assert_eq(ikc_capture_loop(cap, 0, NULL, tally_frame, &t, e, sizeof e), IKC_IO);
	cr_assert_eq(t.frames, 1);
	cr_assert(strstr(e, "/tmp/ikc_test_net_trunc.pcap: read error after frame 1: ") == e, "%s", e);
	cr_assert(strstr(e, "truncated"), "%s", e);
	ikc_capture_close(cap);
	ikc_net_free(t.net);
	remove("/tmp/ikc_test_net_trunc.pcap");
}

/* RFC 792: an ICMP error quotes the IP header and at least 8 bytes of the
 * datagram.  Quoting only the UDP header of a NAT-T datagram, it may be about
 * IKE or about ESP-in-UDP: it goes on without bytes (the session ties it to
 * an SA by the quoted addresses); quoting an ESP SPI, it is not ours. */
Test(net, icmp_quoting_only_the_udp_header_of_natt)
{
	uint8_t u[16], q[64], icmp[128], ip[160], f[200];
	static const uint8_t spi[4] = { 0x12, 0x34, 0x56, 0x78 };
	size_t nu, nq, ni, nip;

	for (int with_spi = 0; with_spi < 2; with_spi++) {
		nu = mk_udp(u, 4500, 4500, spi, with_spi ? sizeof spi : 0);
		nq = mk_ip4(q, 17, u, nu);                   /* the quoted datagram */
		memset(icmp, 0, 8);
		icmp[0] = 3, icmp[1] = 3;                     /* destination unreachable, port */
		memcpy(icmp + 8, q, nq);
		ni = 8 + nq;
		nip = mk_ip4(ip, 1, icmp, ni);
		R.n = 0;
		if (with_spi) {
			cr_assert_eq(feed(1, f, mk_eth(f, NULL, 0, 0x0800, ip, nip)), IKC_NV_NOT_IKE, "an ESP-in-UDP quote");
			continue;
		}
		cr_assert_eq(feed(1, f, mk_eth(f, NULL, 0, 0x0800, ip, nip)), IKC_NV_DELIVERED);
		cr_assert_eq(R.last.transport, IKC_T_ICMP_ERROR);
		cr_assert_eq(R.last.len, 0);
		cr_assert_eq(R.last.qdport, 4500);
		cr_assert_eq(R.last.icmp_type, 3);
	}
}

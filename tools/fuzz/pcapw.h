/* pcapw.h - write ISAKMP messages as a classic pcap (Ethernet, IPv4, UDP), so
 * that a fuzzer finding becomes a capture ikecap reads: the reproducers in
 * captures/regress/.  Used by fuzz_isakmp (FUZZ_ISAKMP_PCAP=FILE) and
 * fuzz_decrypt (FUZZ_DECRYPT_PCAP=FILE).  Header-only, test tooling.
 *
 * Frame: Ethernet II (type 0x0800) | IPv4 (20 bytes, DF clear, TTL 64,
 * checksum computed) | UDP (checksum 0: none, RFC 768) | [4 zero bytes, the
 * non-ESP marker, on port 4500 (RFC 3948 §2.2)] | ISAKMP message.
 */
#ifndef IKC_FUZZ_PCAPW_H
#define IKC_FUZZ_PCAPW_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline void fz_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The 24-byte pcap file header: LINKTYPE_ETHERNET, snaplen 262144, us. */
static inline FILE *fz_pcap_open(const char *path)
{
	uint8_t h[24] = { 0 };
	FILE *f = fopen(path, "wb");

	if (!f)
		return NULL;
	fz_le32(h, 0xa1b2c3d4);
	h[4] = 2;   /* version 2.4 */
	h[6] = 4;
	fz_le32(h + 16, 262144);
	fz_le32(h + 20, 1);
	fwrite(h, 1, sizeof h, f);
	return f;
}

/* One frame carrying msg from src:sport to dst:dport (IPv4 addresses). */
static inline void fz_pcap_udp(FILE *f, uint32_t ts, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
			       uint16_t dport, const uint8_t *msg, size_t len)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	size_t marker = (sport == 4500 || dport == 4500) ? 4 : 0;
	size_t udp_len = 8 + marker + len, ip_len = 20 + udp_len;
	uint8_t rec[16], ip[20] = { 0x45, 0 }, udp[12] = { 0 };
	uint32_t sum = 0;

	if (ip_len > 65535)
		return;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	for (size_t i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(udp_len >> 8);
	udp[5] = (uint8_t)udp_len;
	fz_le32(rec, ts);
	fz_le32(rec + 4, 0);
	fz_le32(rec + 8, (uint32_t)(14 + ip_len));
	fz_le32(rec + 12, (uint32_t)(14 + ip_len));
	fwrite(rec, 1, sizeof rec, f);
	fwrite(eth, 1, sizeof eth, f);
	fwrite(ip, 1, sizeof ip, f);
	fwrite(udp, 1, 8 + marker, f);
	fwrite(msg, 1, len, f);
}

#endif

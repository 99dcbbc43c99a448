/* pcap_out.c - see pcap_out.h.
 *
 * RFC 791 §3.1 / RFC 8200 §3: the header synthesized for transport mode.
 *
 *   IPv4 (20 bytes, no options)          IPv6 (40 bytes)
 *   +----+----+---------+                +----+---------------+
 *   |4|5 |tos | tot len |                |6|tc|  flow label   |
 *   | id      |flags|off|                | plen   |nh=proto|64|
 *   | ttl 64|proto|cksum|                | source (16)        |
 *   | source            |                | destination (16)   |
 *   | destination       |                +--------------------+
 *   +-------------------+
 */
#include "pcap_out.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP 262144

struct ikc_pcap_out {
	pcap_t *dead;
	pcap_dumper_t *d;
	uint64_t count;
	uint8_t buf[40 + 65536];   /* synthesized header + payload (transport mode) */
};

enum ikc_err ikc_pcap_out_open(struct ikc_pcap_out **out, const char *path, char *err, size_t errsz)
{
	struct ikc_pcap_out *w = calloc(1, sizeof *w);

	*out = NULL;
	if (!w) {
		snprintf(err, errsz, "out of memory");
		return IKC_NOMEM;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, SNAP, PCAP_TSTAMP_PRECISION_NANO);
	if (!w->dead) {
		snprintf(err, errsz, "%s: cannot set up a pcap writer", path);
		free(w);
		return IKC_NOMEM;
	}
	w->d = pcap_dump_open(w->dead, path);
	if (!w->d) {
		snprintf(err, errsz, "%s", pcap_geterr(w->dead));
		pcap_close(w->dead);
		free(w);
		return IKC_IO;
	}
	*out = w;
	return IKC_OK;
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

enum ikc_err ikc_pcap_out_write(struct ikc_pcap_out *w, const struct ikc_pkt *outer, uint8_t next_header,
				const uint8_t *payload, size_t len)
{
	struct pcap_pkthdr h;
	const uint8_t *rec = payload;
	size_t rlen = len;

	if (!w || !outer || (!payload && len))
		return IKC_USAGE;
	if (next_header == 59)   /* RFC 4303 §2.6 dummy packet: nothing to show */
		return IKC_OK;
	if (next_header != 4 && next_header != 41) {
		size_t hl = outer->af == 6 ? 40 : 20;
		uint8_t *b = w->buf;

		if (len > sizeof w->buf - hl || (outer->af != 6 && len + hl > 65535))
			return IKC_USAGE;
		memset(b, 0, hl);
		if (outer->af == 6) {
			b[0] = 0x60;
			b[4] = (uint8_t)(len >> 8);
			b[5] = (uint8_t)len;
			b[6] = next_header;
			b[7] = 64;
			memcpy(b + 8, outer->src, 16);
			memcpy(b + 24, outer->dst, 16);
		} else {
			uint16_t cks;
			b[0] = 0x45;
			b[2] = (uint8_t)((len + hl) >> 8);
			b[3] = (uint8_t)(len + hl);
			b[8] = 64;
			b[9] = next_header;
			memcpy(b + 12, outer->src, 4);
			memcpy(b + 16, outer->dst, 4);
			cks = ip_checksum(b, hl);
			b[10] = (uint8_t)(cks >> 8);
			b[11] = (uint8_t)cks;
		}
		if (len)
			memcpy(b + hl, payload, len);
		rec = b;
		rlen = len + hl;
	}
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = (time_t)outer->ts_sec;
	h.ts.tv_usec = (suseconds_t)outer->ts_nsec;   /* nanosecond file: the field holds ns */
	h.caplen = h.len = (bpf_u_int32)rlen;
	pcap_dump((u_char *)w->d, &h, rec);
	w->count++;
	return IKC_OK;
}

uint64_t ikc_pcap_out_count(const struct ikc_pcap_out *w)
{
	return w ? w->count : 0;
}

enum ikc_err ikc_pcap_out_close(struct ikc_pcap_out *w)
{
	enum ikc_err err = IKC_OK;

	if (!w)
		return IKC_OK;
	if (pcap_dump_flush(w->d) != 0 || ferror(pcap_dump_file(w->d)))
		err = IKC_IO;
	pcap_dump_close(w->d);
	pcap_close(w->dead);
	free(w);
	return err;
}

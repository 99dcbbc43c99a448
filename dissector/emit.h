/* emit.h - per-packet output: the one-line summary, the -v payload tree and
 * the NDJSON record, all from the same decoded records (render.h does the
 * payload fields; this module frames them per packet and per run). */
#ifndef IKC_EMIT_H
#define IKC_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "../decoders/esp.h"
#include "../decoders/isakmp.h"
#include "net.h"
#include "esp_sa.h"
#include "record.h"
#include "session.h"

enum ikc_format {
	IKC_FMT_TEXT = 0,
	IKC_FMT_JSON,        /* NDJSON */
	IKC_FMT_CBOR,        /* CBOR sequence, the same records */
};

/* The schema version of the JSON/CBOR records, in the first ("meta") record;
 * raised whenever a field changes meaning or goes away. */
#define IKC_SCHEMA_VERSION 1

struct ikc_emit_opts {
	enum ikc_format format;
	int verbose;          /* -v: payload tree */
	bool hex;             /* -x: payload bytes */
	bool color;           /* ANSI colour on the text view */
	bool show_secrets;    /* XAUTH passwords */
	bool quiet;           /* -q: no per-packet lines, summary only */
};

/* "SRC > DST" of a recent packet: the packets of a flow repeat their
 * endpoints, so the one-line view formats each pair once (the addresses were
 * a fifth of an ESP line). */
struct ikc_endpoint_key {
	uint8_t af, port;             /* port: the transport has UDP ports */
	uint16_t sport, dport;
	uint8_t src[16], dst[16];     /* IPv4: 4 bytes, the rest zero */
};

#define IKC_ENDPOINT_CACHE 4

struct ikc_endpoint_text {
	struct ikc_endpoint_key key;
	uint8_t len;                  /* 0: empty slot */
	char text[104];               /* two bracketed IPv6 endpoints and " > " fit */
};

struct ikc_emitter {
	struct ikc_emit_opts o;
	FILE *out;
	struct ikc_rw rw;     /* JSON writer, or the text-tree writer */
	bool first_ts_set;
	struct ikc_endpoint_text endpoints[IKC_ENDPOINT_CACHE];
	unsigned endpoints_next;      /* the slot to replace next */
	int64_t tod_sec;              /* the second tod[] ("HH:MM:SS") shows */
	bool tod_valid;
	char tod[8];                  /* no NUL */
	uint64_t frame_no;            /* the last line's frame number, */
	uint8_t frame_len;            /* its digits at the end of frame_txt (0: none yet): */
	char frame_txt[20];           /* the next line's is one more, counted up in place */
};

/* Returns -1 when the CBOR writer cannot get memory. */
int ikc_emit_init(struct ikc_emitter *e, FILE *out, const struct ikc_emit_opts *o);
void ikc_emit_close(struct ikc_emitter *e);
/* The first record of a machine-readable run: schema and tool version. */
void ikc_emit_meta(struct ikc_emitter *e, const char *version);
void ikc_emit_isakmp(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
		     const struct ikc_msg_info *info);
/* An ISAKMP message whose header could not even be decoded. */
void ikc_emit_bad_isakmp(struct ikc_emitter *e, const struct ikc_pkt *pkt, enum ikc_err err);
/* One ESP packet; o (NULL when no SA table runs) says what decryption made of
 * it: the text line gains "{inner summary}" or "[icv failed ...]", JSON gains
 * ikecap.esp_status, ikecap.esp_decrypted, esp.pad_len, esp.protocol and the
 * "ikecap.inner" map with Wireshark's field names (ip.src, icmp.type ...). */
void ikc_emit_esp(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_esp_hdr *esp, bool ok,
		  const struct ikc_esp_outcome *o);
/* The ESP SA summary: one {"type":"esp_sa",...} record per SA (JSON, or the
 * text tree with -v), else one line per SA.  Keys only with print_keys. */
void ikc_emit_esp_sas(struct ikc_emitter *e, const struct ikc_esp_table *t, bool print_keys);
/* An ICMP error quoting an IKE datagram; msg is the quoted message when at
 * least its header was quoted, else NULL. */
void ikc_emit_icmp(struct ikc_emitter *e, const struct ikc_pkt *pkt, const struct ikc_msg *msg);
const char *ikc_icmp_error_name(int af, uint8_t type, uint8_t code);
/* What an ICMP error (RFC 792 / 1191 / 4443) says about the datagram it quotes. */
enum ikc_icmp_kind {
	IKC_ICMP_OTHER = 0,
	IKC_ICMP_PORT_UNREACHABLE,   /* nothing listens on the port */
	IKC_ICMP_TOO_BIG,            /* fragmentation needed / packet too big: the path MTU */
	IKC_ICMP_PROHIBITED,         /* administratively prohibited: a filter */
	IKC_ICMP_NO_ROUTE,           /* net / host unreachable, no route */
	IKC_ICMP_TIME_EXCEEDED,      /* a loop, or a path too long */
};
enum ikc_icmp_kind ikc_icmp_kind(int af, uint8_t type, uint8_t code);
void ikc_emit_keepalive(struct ikc_emitter *e, const struct ikc_pkt *pkt);
/* A capture duplicate (dupes.h) of frame `original`: nothing more is made of it. */
void ikc_emit_duplicate(struct ikc_emitter *e, const struct ikc_pkt *pkt, uint64_t original);

#endif

/* esp_sa.h - the ESP SA table: which keys decrypt an ESP packet, and what
 * each SA saw (RFC 4303 §2-§3.4.3; RFC 3948 ESP-in-UDP is the same packet
 * after the UDP header).
 *
 * Entries come from four places:
 *   - Quick Modes (sa_crypto derives KEYMAT, RFC 2409 §5.5, and calls
 *     ikc_esp_table_add once per direction);
 *   - GDOI key downloads (gdoi.c: a group TEK, any source, any destination);
 *   - key files (ikc_keys_esp: exact addresses, '*', tcpdump's default SA),
 *     looked up once, the first time an SPI (+ destination) is seen;
 *   - neither: a keyless entry, so that every SPI is still counted.
 *
 * Contract:
 *   - Lookup is a hash on the SPI; within an SPI a keyed entry for this
 *     destination beats a keyed '*' entry, which beats a keyed entry learned
 *     for another destination (NAT rewrote it), which beats a keyless one.
 *   - The per-SA decryption context is made once, when the SA gets its key.
 *     ikc_esp_table_input allocates nothing once the SA exists: it decrypts
 *     into one buffer the table owns (valid until the next input call).
 *   - Bounded: past max_sas the least recently used SA is evicted (counted).
 *   - Key material is wiped when an entry is freed.
 *   - Counters per SA: packets, bytes (ESP bytes on the wire), decrypted, ICV
 *     failures, bad padding, other errors, sequence gaps (events) and the
 *     numbers they skipped, replays (64-packet window, RFC 4303 §3.4.3),
 *     late (out of order inside the window) packets.
 */
#ifndef IKC_ESP_SA_H
#define IKC_ESP_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoders/esp_crypto.h"
#include "../decoders/ikc_err.h"
#include "net.h"

struct ikc_keys;

#define IKC_ESP_SA_DEFAULT_MAX 4096
#define IKC_ESP_REPLAY_WINDOW 64

enum ikc_esp_sa_origin {
	IKC_ESP_ORIGIN_NONE = 0,   /* SPI seen, no key */
	IKC_ESP_ORIGIN_QM,         /* KEYMAT of a Quick Mode in the capture */
	IKC_ESP_ORIGIN_KEYFILE,    /* an esp / esp_sa / tcpdump -E line */
	IKC_ESP_ORIGIN_GDOI,       /* a group TEK from a GDOI key download (gdoi.h) */
};
const char *ikc_esp_origin_name(enum ikc_esp_sa_origin o);

/* What is known about one SA (one direction). */
struct ikc_esp_sa_info {
	uint32_t spi;
	int af;                      /* 4 or 6; 0 when unknown */
	bool src_any, dst_any;
	uint8_t src[16], dst[16];
	enum ikc_esp_sa_origin origin;
	enum ikc_esp_enc enc;
	enum ikc_esp_auth auth;
	uint8_t enc_key[IKC_ESP_MAX_ENC_KEY];   /* salt/nonce included for CTR/GCM */
	size_t enc_len;
	uint8_t auth_key[IKC_ESP_MAX_AUTH_KEY];
	size_t auth_len;
	uint16_t encap;              /* RFC 2407 §4.5 encapsulation mode, 0 unknown */
	uint16_t pfs_group;          /* 0: no PFS or unknown */
	uint64_t learned_frame;      /* frame of the QM message that completed it */
	char source[128];            /* "QM 0xf2c21b5a of SA e8fc28dd213a9a9b, initiator->responder" */
};

struct ikc_esp_sa_stats {
	uint64_t packets, bytes, decrypted, icv_failed, bad_padding, errors;
	uint64_t seq_gaps, seq_missing, replays, late;
	uint64_t first_frame, last_frame;
	uint32_t top_seq;            /* highest sequence number seen */
};

/* What became of one packet. */
enum ikc_esp_verdict {
	IKC_EV_NO_KEY = 0,
	IKC_EV_DECRYPTED,
	IKC_EV_ICV_FAILED,           /* wrong key, or the packet was altered */
	IKC_EV_BAD_PADDING,
	IKC_EV_TRUNCATED,            /* the capture cut the packet short */
	IKC_EV_MALFORMED,
	IKC_EV_UNUSABLE_KEY,         /* algorithm or key length we cannot use */
	IKC_EV_ERROR,
};
const char *ikc_esp_verdict_name(enum ikc_esp_verdict v);   /* "decrypted", "icv_failed" ... */

struct ikc_esp_sa;   /* opaque */
const struct ikc_esp_sa_info *ikc_esp_sa_get_info(const struct ikc_esp_sa *sa);
const struct ikc_esp_sa_stats *ikc_esp_sa_get_stats(const struct ikc_esp_sa *sa);
/* Why a keyed SA has no context ("" when it has one or has no key). */
const char *ikc_esp_sa_key_error(const struct ikc_esp_sa *sa);

struct ikc_esp_outcome {
	const struct ikc_esp_sa *sa;  /* NULL only without memory */
	enum ikc_esp_verdict verdict;
	struct ikc_esp_plain plain;   /* DECRYPTED: payload points into the table's buffer */
	bool replay, late;            /* sequence number already seen / older than the top */
	bool after_reload;            /* decrypted by ikc_esp_table_redecrypt (shown again) */
	uint32_t gap;                 /* sequence numbers skipped just before this one */
};

struct ikc_esp_table;
struct ikc_esp_table_stats {
	size_t sas, keyed;
	uint64_t evicted, packets, decrypted, no_key, failed;
};

/* keys may be NULL (no key files).  max_sas 0 takes the default. */
struct ikc_esp_table *ikc_esp_table_new(size_t max_sas, const struct ikc_keys *keys);
void ikc_esp_table_free(struct ikc_esp_table *t);

/* Install a keyed SA (a Quick Mode's).  An entry for the same SPI and
 * destination without a key gets this key and keeps its counters; one that
 * already has a key is left alone.  IKC_USAGE for an SA without a key. */
IKC_MUST_CHECK enum ikc_err ikc_esp_table_add(struct ikc_esp_table *t, const struct ikc_esp_sa_info *in);

/* One ESP packet (pkt->data from the SPI on; IP protocol 50 or ESP-in-UDP). */
void ikc_esp_table_input(struct ikc_esp_table *t, const struct ikc_pkt *pkt, struct ikc_esp_outcome *out);

/* A packet ikc_esp_table_input counted as without a key, tried again once
 * keys arrived (a live reload): if its SA now has a key, it is decrypted and
 * moved from the "without a key" counts to decrypted (or failed); its packet,
 * byte and sequence counts stay as they were.  out->after_reload is set; the
 * verdict stays IKC_EV_NO_KEY when there is still no key. */
void ikc_esp_table_redecrypt(struct ikc_esp_table *t, const struct ikc_pkt *pkt, struct ikc_esp_outcome *out);

/* Every SA in the order it was created.  Returns the count written to *out
 * (a malloc'd array the caller frees), 0 with *out NULL when empty. */
size_t ikc_esp_table_list(const struct ikc_esp_table *t, const struct ikc_esp_sa ***out);
void ikc_esp_table_get_stats(const struct ikc_esp_table *t, struct ikc_esp_table_stats *st);

/* ---------------------------------------------------------------- inner
 * The decrypted packet, summarised (RFC 791 / 8200 headers, RFC 792 / 4443
 * ICMP, RFC 793 / 768 ports).  Tunnel mode (next header 4 or 41): the inner
 * IP header; transport mode: the upper protocol itself, next_header naming it.
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | ICMP: Type | Code | Checksum | Identifier | Sequence (echo)   |
 *   | TCP/UDP: Source Port | Destination Port ...                   |
 */
struct ikc_inner {
	bool tunnel;                 /* an inner IP packet */
	int af;                      /* tunnel: 4 or 6 */
	uint8_t src[16], dst[16];
	uint8_t proto;               /* upper protocol (next header in transport mode) */
	bool fragment;               /* non-first fragment: no upper header */
	bool has_ports;
	uint16_t sport, dport;
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	bool icmp_echo;
	uint16_t icmp_id, icmp_seq;
	bool truncated;              /* headers do not fit what was decrypted */
	size_t len;
};
/* Never fails: what does not fit is marked truncated. */
void ikc_inner_decode(uint8_t next_header, const uint8_t *p, size_t len, struct ikc_inner *out);
/* "echo-request", "echo-reply", "dest-unreachable", ... or NULL. */
const char *ikc_icmp_type_name(int af, uint8_t type);

/* Keys reloaded (SIGHUP): SPIs first seen from now on look in the new store. */
void ikc_esp_table_set_keys(struct ikc_esp_table *t, const struct ikc_keys *keys);

#endif

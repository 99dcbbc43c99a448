/* esp_sa.c - the ESP SA table and the inner-packet summary; see esp_sa.h.
 *
 * RFC 4303 §2 (SPI, sequence number), §3.4.3 (anti-replay window, kept here
 * per SA for counting only: a passive observer drops nothing), RFC 3948 (ESP
 * in UDP), RFC 791 / RFC 8200 / RFC 792 / RFC 4443 / RFC 768 / RFC 793 for
 * the inner headers summarised after decryption.
 *
 *   ESP packet as handed in (pkt->data):
 *   +---------------+---------------+------------------------+-----+
 *   |  SPI (4)      |  Seq (4)      |  IV | ciphertext | pad  | ICV |
 *   +---------------+---------------+------------------------+-----+
 *     hash key        replay window   ikc_esp_decrypt (per-SA context)
 *
 * Shape: buckets of singly linked entries hashed on the SPI, plus one LRU
 * list for eviction.  An entry is created the first time an SPI (+ dest) is
 * seen or when a Quick Mode installs it; its EVP contexts are made then.
 */
#include "esp_sa.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/cursor.h"
#include "../decoders/esp.h"
#include "dlist.h"
#include "keys.h"
#include "util.h"

#define DECRYPT_BUF (65536 + 64)

struct ikc_esp_sa {
	struct ikc_esp_sa_info info;
	struct ikc_esp_sa_stats st;
	struct ikc_esp_sa_ctx *ctx;     /* NULL: no key, or the key is unusable */
	char key_error[96];
	bool seq_started;
	uint64_t window;                /* bit i: top_seq - i seen */
	uint64_t order;                 /* creation order */
	struct ikc_esp_sa *hnext;
	struct ikc_dnode lru;
};

struct ikc_esp_table {
	const struct ikc_keys *keys;
	struct ikc_esp_sa **bucket;
	size_t nbucket;                 /* power of two */
	size_t n, max, keyed;
	uint64_t next_order, evicted;
	uint64_t packets, decrypted, no_key, failed;
	struct ikc_dlist lru;           /* head: least recently used */
	uint8_t *buf;                   /* decrypted bytes of the current packet */
};

const char *ikc_esp_origin_name(enum ikc_esp_sa_origin o)
{
	static const char *const names[] = {
		[IKC_ESP_ORIGIN_NONE] = "none",
		[IKC_ESP_ORIGIN_QM] = "quick_mode",
		[IKC_ESP_ORIGIN_KEYFILE] = "key_file",
		[IKC_ESP_ORIGIN_GDOI] = "gdoi",
	};
	return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

const char *ikc_esp_verdict_name(enum ikc_esp_verdict v)
{
	static const char *const names[] = {
		[IKC_EV_NO_KEY] = "no_key",
		[IKC_EV_DECRYPTED] = "decrypted",
		[IKC_EV_ICV_FAILED] = "icv_failed",
		[IKC_EV_BAD_PADDING] = "bad_padding",
		[IKC_EV_TRUNCATED] = "truncated",
		[IKC_EV_MALFORMED] = "malformed",
		[IKC_EV_UNUSABLE_KEY] = "unusable_key",
		[IKC_EV_ERROR] = "error",
	};
	return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

const struct ikc_esp_sa_info *ikc_esp_sa_get_info(const struct ikc_esp_sa *sa)
{
	return &sa->info;
}

const struct ikc_esp_sa_stats *ikc_esp_sa_get_stats(const struct ikc_esp_sa *sa)
{
	return &sa->st;
}

const char *ikc_esp_sa_key_error(const struct ikc_esp_sa *sa)
{
	return sa->key_error;
}

static size_t hash_spi(const struct ikc_esp_table *t, uint32_t spi)
{
	/* SPIs are random in practice, but a hostile capture may pick them:
	 * multiplicative hashing spreads sequential values too. */
	return (size_t)((spi * 0x9E3779B1u) >> 7) & (t->nbucket - 1);
}

struct ikc_esp_table *ikc_esp_table_new(size_t max_sas, const struct ikc_keys *keys)
{
	struct ikc_esp_table *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->keys = keys;
	t->max = max_sas ? max_sas : IKC_ESP_SA_DEFAULT_MAX;
	t->nbucket = 64;
	while (t->nbucket < t->max * 2 && t->nbucket < ((size_t)1 << 24))
		t->nbucket <<= 1;
	t->bucket = calloc(t->nbucket, sizeof *t->bucket);
	t->buf = malloc(DECRYPT_BUF);
	if (!t->bucket || !t->buf) {
		ikc_esp_table_free(t);
		return NULL;
	}
	return t;
}

static void sa_free(struct ikc_esp_sa *sa)
{
	ikc_esp_sa_ctx_free(sa->ctx);
	OPENSSL_cleanse(sa, sizeof *sa);
	free(sa);
}

static struct ikc_esp_sa *lru_sa(struct ikc_dnode *n)
{
	return n ? IKC_DLIST_ENTRY(n, struct ikc_esp_sa, lru) : NULL;
}

void ikc_esp_table_free(struct ikc_esp_table *t)
{
	struct ikc_esp_sa *sa, *next;

	if (!t)
		return;
	for (sa = lru_sa(t->lru.head); sa; sa = next) {
		next = lru_sa(sa->lru.next);
		sa_free(sa);
	}
	free(t->bucket);
	if (t->buf)
		OPENSSL_cleanse(t->buf, DECRYPT_BUF);
	free(t->buf);
	free(t);
}

static void evict_one(struct ikc_esp_table *t)
{
	struct ikc_esp_sa *victim = lru_sa(t->lru.head), **pp;

	if (!victim)
		return;
	for (pp = &t->bucket[hash_spi(t, victim->info.spi)]; *pp; pp = &(*pp)->hnext) {
		if (*pp == victim) {
			*pp = victim->hnext;
			break;
		}
	}
	ikc_dlist_unlink(&t->lru, &victim->lru);
	if (victim->ctx)
		t->keyed--;
	t->n--;
	t->evicted++;
	sa_free(victim);
}

static bool addr_eq(int af, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, af == 6 ? 16 : 4) == 0;
}

/* Make the decryption context once; an unusable key is remembered, not retried. */
static void sa_key(struct ikc_esp_table *t, struct ikc_esp_sa *sa)
{
	const struct ikc_esp_sa_info *in = &sa->info;
	enum ikc_err err;

	err = ikc_esp_sa_ctx_new(in->enc, in->enc_key, in->enc_len, in->auth, in->auth_key, in->auth_len, &sa->ctx);
	if (err) {
		sa->ctx = NULL;
		snprintf(sa->key_error, sizeof sa->key_error, "%s/%s with a %zu-byte key: %s",
			 ikc_esp_enc_name(in->enc), ikc_esp_auth_name(in->auth), in->enc_len,
			 err == IKC_UNSUPPORTED ? "not available in this OpenSSL" : ikc_strerror(err));
		return;
	}
	sa->key_error[0] = '\0';
	t->keyed++;
}

static struct ikc_esp_sa *sa_new(struct ikc_esp_table *t, const struct ikc_esp_sa_info *in)
{
	struct ikc_esp_sa *sa;
	size_t b;

	if (t->n >= t->max)
		evict_one(t);
	sa = calloc(1, sizeof *sa);
	if (!sa)
		return NULL;
	sa->info = *in;
	sa->order = t->next_order++;
	b = hash_spi(t, in->spi);
	sa->hnext = t->bucket[b];
	t->bucket[b] = sa;
	ikc_dlist_append(&t->lru, &sa->lru);
	t->n++;
	if (in->origin != IKC_ESP_ORIGIN_NONE)
		sa_key(t, sa);
	return sa;
}

/* The best entry for (spi, af, dst), see the ranking in esp_sa.h. */
static struct ikc_esp_sa *lookup(const struct ikc_esp_table *t, uint32_t spi, int af, const uint8_t *dst)
{
	struct ikc_esp_sa *best = NULL;
	int best_rank = 0;

	for (struct ikc_esp_sa *sa = t->bucket[hash_spi(t, spi)]; sa; sa = sa->hnext) {
		int rank;
		bool same_af = sa->info.af == 0 || sa->info.af == af;
		bool dst_match = same_af && (sa->info.dst_any || (sa->info.af == af && addr_eq(af, sa->info.dst, dst)));

		if (sa->info.spi != spi)
			continue;
		if (sa->info.origin != IKC_ESP_ORIGIN_NONE)
			rank = dst_match ? (sa->info.dst_any ? 5 : 6) : 4;
		else
			rank = dst_match ? 2 : 0;
		if (rank > best_rank) {
			best_rank = rank;
			best = sa;
		}
	}
	return best;
}

enum ikc_err ikc_esp_table_add(struct ikc_esp_table *t, const struct ikc_esp_sa_info *in)
{
	struct ikc_esp_sa *sa;

	if (!t || !in || in->origin == IKC_ESP_ORIGIN_NONE)
		return IKC_USAGE;
	for (sa = t->bucket[hash_spi(t, in->spi)]; sa; sa = sa->hnext) {
		if (sa->info.spi != in->spi || sa->info.af != in->af || sa->info.dst_any != in->dst_any ||
		    (!in->dst_any && !addr_eq(in->af, sa->info.dst, in->dst)))
			continue;
		if (sa->info.origin != IKC_ESP_ORIGIN_NONE)
			return IKC_OK;   /* first key wins; a rekey uses new SPIs */
		sa->info = *in;   /* a keyless entry learns its key, keeps its counters */
		sa_key(t, sa);
		return IKC_OK;
	}
	return sa_new(t, in) ? IKC_OK : IKC_NOMEM;
}

/* A key file line's algorithms and keys into in (origin KEYFILE); false when
 * its keys do not fit. */
static bool keyfile_info(const struct ikc_esp_key *k, struct ikc_esp_sa_info *in)
{
	if (!k || k->enc_key_len > sizeof in->enc_key || k->auth_key_len > sizeof in->auth_key)
		return false;
	in->origin = IKC_ESP_ORIGIN_KEYFILE;
	in->enc = k->enc;
	in->auth = k->auth;
	if (k->enc_key_len)
		memcpy(in->enc_key, k->enc_key, k->enc_key_len);
	in->enc_len = k->enc_key_len;
	if (k->auth_key_len)
		memcpy(in->auth_key, k->auth_key, k->auth_key_len);
	in->auth_len = k->auth_key_len;
	snprintf(in->source, sizeof in->source, "%s", k->id);
	return true;
}

/* First sight of an SPI: a key file line, or a keyless entry. */
static struct ikc_esp_sa *sa_from_packet(struct ikc_esp_table *t, const struct ikc_pkt *pkt, uint32_t spi)
{
	const struct ikc_esp_key *k = ikc_keys_esp(t->keys, pkt->af, pkt->src, pkt->dst, spi);
	struct ikc_esp_sa_info in;
	struct ikc_esp_sa *sa;

	memset(&in, 0, sizeof in);
	in.spi = spi;
	in.af = pkt->af;
	memcpy(in.src, pkt->src, sizeof in.src);
	memcpy(in.dst, pkt->dst, sizeof in.dst);
	in.learned_frame = pkt->frame;
	(void)keyfile_info(k, &in);
	sa = sa_new(t, &in);
	OPENSSL_cleanse(&in, sizeof in);
	return sa;
}

/* RFC 4303 §3.4.3 window, counting only. */
static void track_seq(struct ikc_esp_sa *sa, uint32_t seq, struct ikc_esp_outcome *out)
{
	struct ikc_esp_sa_stats *st = &sa->st;

	if (!sa->seq_started) {
		sa->seq_started = true;
		st->top_seq = seq;
		sa->window = 1;
		return;
	}
	if (seq > st->top_seq) {
		uint32_t diff = seq - st->top_seq;
		if (diff > 1) {
			st->seq_gaps++;
			st->seq_missing += diff - 1;
			out->gap = diff - 1;
		}
		sa->window = diff >= IKC_ESP_REPLAY_WINDOW ? 1 : (sa->window << diff) | 1;
		st->top_seq = seq;
		return;
	}
	{
		uint32_t diff = st->top_seq - seq;
		if (diff >= IKC_ESP_REPLAY_WINDOW || (sa->window & ((uint64_t)1 << diff))) {
			st->replays++;   /* seen before, or too old to tell: a receiver drops both */
			out->replay = true;
		} else {
			sa->window |= (uint64_t)1 << diff;
			st->late++;
			if (st->seq_missing)
				st->seq_missing--;
			out->late = true;
		}
	}
}

static enum ikc_esp_verdict verdict_of(enum ikc_esp_status s)
{
	switch (s) {
	case IKC_ESP_OK: return IKC_EV_DECRYPTED;
	case IKC_ESP_ICV_FAILED: return IKC_EV_ICV_FAILED;
	case IKC_ESP_BAD_PADDING: return IKC_EV_BAD_PADDING;
	case IKC_ESP_TRUNCATED: return IKC_EV_TRUNCATED;
	case IKC_ESP_MALFORMED: return IKC_EV_MALFORMED;
	case IKC_ESP_UNSUPPORTED:
	case IKC_ESP_ERROR: break;
	}
	return IKC_EV_ERROR;
}

void ikc_esp_table_input(struct ikc_esp_table *t, const struct ikc_pkt *pkt, struct ikc_esp_outcome *out)
{
	struct ikc_esp_sa *sa;
	uint32_t spi, seq;

	memset(out, 0, sizeof *out);
	out->verdict = IKC_EV_MALFORMED;
	if (pkt->len < 8)
		return;
	spi = ikc_be32(pkt->data);
	seq = ikc_be32(pkt->data + 4);
	out->plain.spi = spi;
	out->plain.seq = seq;
	sa = lookup(t, spi, pkt->af, pkt->dst);
	if (!sa)   /* first sight: the key files are asked once per SPI and destination */
		sa = sa_from_packet(t, pkt, spi);
	if (!sa) {
		out->verdict = IKC_EV_ERROR;
		return;
	}
	if (t->lru.tail != &sa->lru) {
		ikc_dlist_unlink(&t->lru, &sa->lru);
		ikc_dlist_append(&t->lru, &sa->lru);
	}
	out->sa = sa;
	t->packets++;
	sa->st.packets++;
	sa->st.bytes += pkt->wire_len;
	if (!sa->st.first_frame)
		sa->st.first_frame = pkt->frame;
	sa->st.last_frame = pkt->frame;

	if (sa->info.origin == IKC_ESP_ORIGIN_NONE) {
		out->verdict = IKC_EV_NO_KEY;
		t->no_key++;
		track_seq(sa, seq, out);
		return;
	}
	if (!sa->ctx) {
		out->verdict = IKC_EV_UNUSABLE_KEY;
		t->failed++;
		sa->st.errors++;
		return;
	}
	if (pkt->len < pkt->wire_len) {
		out->verdict = IKC_EV_TRUNCATED;   /* the ICV covers bytes we do not have */
		t->failed++;
		sa->st.errors++;
		return;
	}
	if (pkt->len > DECRYPT_BUF) {
		out->verdict = IKC_EV_ERROR;
		t->failed++;
		sa->st.errors++;
		return;
	}
	out->verdict = verdict_of(ikc_esp_decrypt(sa->ctx, pkt->data, pkt->len, t->buf, DECRYPT_BUF, &out->plain));
	switch (out->verdict) {
	case IKC_EV_DECRYPTED:
		t->decrypted++;
		sa->st.decrypted++;
		track_seq(sa, seq, out);
		break;
	case IKC_EV_ICV_FAILED:
		t->failed++;
		sa->st.icv_failed++;
		break;
	case IKC_EV_BAD_PADDING:
		t->failed++;
		sa->st.bad_padding++;
		track_seq(sa, seq, out);   /* authenticated, so the sequence number counts */
		break;
	default:
		t->failed++;
		sa->st.errors++;
		break;
	}
}

void ikc_esp_table_redecrypt(struct ikc_esp_table *t, const struct ikc_pkt *pkt, struct ikc_esp_outcome *out)
{
	struct ikc_esp_sa *sa;
	uint32_t spi;

	memset(out, 0, sizeof *out);
	out->verdict = IKC_EV_NO_KEY;
	out->after_reload = true;
	if (pkt->len < 8)
		return;
	spi = ikc_be32(pkt->data);
	out->plain.spi = spi;
	out->plain.seq = ikc_be32(pkt->data + 4);
	sa = lookup(t, spi, pkt->af, pkt->dst);
	out->sa = sa;
	if (!sa || sa->info.origin == IKC_ESP_ORIGIN_NONE || !sa->ctx || pkt->len < pkt->wire_len ||
	    pkt->len > DECRYPT_BUF)
		return;   /* still nothing to open it with: it stays counted as it was */
	out->verdict = verdict_of(ikc_esp_decrypt(sa->ctx, pkt->data, pkt->len, t->buf, DECRYPT_BUF, &out->plain));
	if (t->no_key)
		t->no_key--;
	switch (out->verdict) {
	case IKC_EV_DECRYPTED:
		t->decrypted++;
		sa->st.decrypted++;
		break;
	case IKC_EV_ICV_FAILED:
		t->failed++;
		sa->st.icv_failed++;
		break;
	case IKC_EV_BAD_PADDING:
		t->failed++;
		sa->st.bad_padding++;
		break;
	default:
		t->failed++;
		sa->st.errors++;
		break;
	}
}

static int by_order(const void *a, const void *b)
{
	const struct ikc_esp_sa *x = *(const struct ikc_esp_sa *const *)a;
	const struct ikc_esp_sa *y = *(const struct ikc_esp_sa *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

size_t ikc_esp_table_list(const struct ikc_esp_table *t, const struct ikc_esp_sa ***out)
{
	const struct ikc_esp_sa **v;
	size_t i = 0;

	*out = NULL;
	if (!t || !t->n)
		return 0;
	v = malloc(t->n * sizeof *v);
	if (!v)
		return 0;
	for (const struct ikc_esp_sa *sa = lru_sa(t->lru.head); sa && i < t->n; sa = lru_sa(sa->lru.next))
		v[i++] = sa;
	qsort(v, i, sizeof *v, by_order);
	*out = v;
	return i;
}

void ikc_esp_table_get_stats(const struct ikc_esp_table *t, struct ikc_esp_table_stats *st)
{
	memset(st, 0, sizeof *st);
	if (!t)
		return;
	st->sas = t->n;
	st->keyed = t->keyed;
	st->evicted = t->evicted;
	st->packets = t->packets;
	st->decrypted = t->decrypted;
	st->no_key = t->no_key;
	st->failed = t->failed;
}

/* ---------------------------------------------------------------- inner */

const char *ikc_icmp_type_name(int af, uint8_t type)
{
	static const char *const v4[] = {
		[0] = "echo-reply", [3] = "dest-unreachable", [4] = "source-quench", [5] = "redirect",
		[8] = "echo-request", [9] = "router-advertisement", [10] = "router-solicitation",
		[11] = "time-exceeded", [12] = "parameter-problem", [13] = "timestamp", [14] = "timestamp-reply",
	};
	static const char *const v6[] = {
		[1] = "dest-unreachable", [2] = "packet-too-big", [3] = "time-exceeded", [4] = "parameter-problem",
		[128] = "echo-request", [129] = "echo-reply", [133] = "router-solicitation",
		[134] = "router-advertisement", [135] = "neighbor-solicitation", [136] = "neighbor-advertisement",
	};
	if (af == 6)
		return type < sizeof v6 / sizeof v6[0] ? v6[type] : NULL;
	return type < sizeof v4 / sizeof v4[0] ? v4[type] : NULL;
}

/* The upper header: ICMP type/code (+ echo id/seq), TCP/UDP/SCTP ports. */
static void upper(struct ikc_inner *in, int af, struct ikc_cursor *c)
{
	uint8_t icmp = af == 6 ? 58 : 1;

	if (in->proto == icmp) {
		uint16_t cks;
		if (ikc_cur_u8(c, &in->icmp_type) || ikc_cur_u8(c, &in->icmp_code) || ikc_cur_u16(c, &cks)) {
			in->truncated = true;
			return;
		}
		in->has_icmp = true;
		if ((af == 6 && (in->icmp_type == 128 || in->icmp_type == 129)) ||
		    (af != 6 && (in->icmp_type == 0 || in->icmp_type == 8))) {
			if (ikc_cur_u16(c, &in->icmp_id) || ikc_cur_u16(c, &in->icmp_seq))
				in->truncated = true;
			else
				in->icmp_echo = true;
		}
	} else if (in->proto == 6 || in->proto == 17 || in->proto == 132 || in->proto == 136) {
		if (ikc_cur_u16(c, &in->sport) || ikc_cur_u16(c, &in->dport))
			in->truncated = true;
		else
			in->has_ports = true;
	}
}

void ikc_inner_decode(uint8_t next_header, const uint8_t *p, size_t len, struct ikc_inner *out)
{
	struct ikc_cursor c = ikc_cur(p, len);

	memset(out, 0, sizeof *out);
	out->len = len;
	if (next_header == 4) {
		uint8_t vihl, proto, ttl;
		uint16_t tot, frag, id, cks;
		uint8_t tos;
		size_t ihl;

		out->tunnel = true;
		out->af = 4;
		if (ikc_cur_u8(&c, &vihl) || ikc_cur_u8(&c, &tos) || ikc_cur_u16(&c, &tot) || ikc_cur_u16(&c, &id) ||
		    ikc_cur_u16(&c, &frag) || ikc_cur_u8(&c, &ttl) || ikc_cur_u8(&c, &proto) || ikc_cur_u16(&c, &cks) ||
		    ikc_cur_copy(&c, 4, out->src) || ikc_cur_copy(&c, 4, out->dst)) {
			out->truncated = true;
			return;
		}
		out->proto = proto;
		ihl = (size_t)(vihl & 0x0f) * 4;
		if ((vihl >> 4) != 4 || ihl < 20 || ikc_cur_skip(&c, ihl - 20)) {
			out->truncated = true;
			return;
		}
		if (tot >= ihl && (size_t)tot - ihl < c.left)
			c.left = (size_t)tot - ihl;   /* TFC padding after the datagram is not part of it */
		if (frag & 0x1fff) {
			out->fragment = true;
			return;
		}
		upper(out, 4, &c);
		return;
	}
	if (next_header == 41) {
		uint32_t vtf;
		uint16_t plen;
		uint8_t nh, hl;

		out->tunnel = true;
		out->af = 6;
		if (ikc_cur_u32(&c, &vtf) || ikc_cur_u16(&c, &plen) || ikc_cur_u8(&c, &nh) || ikc_cur_u8(&c, &hl) ||
		    ikc_cur_copy(&c, 16, out->src) || ikc_cur_copy(&c, 16, out->dst) || (vtf >> 28) != 6) {
			out->truncated = true;
			return;
		}
		if (plen < c.left)
			c.left = plen;
		/* Walk the extension headers (RFC 8200 §4), a bounded number of them. */
		for (int i = 0; i < 8 && (nh == 0 || nh == 43 || nh == 60 || nh == 44); i++) {
			uint8_t next, elen;
			if (ikc_cur_u8(&c, &next) || ikc_cur_u8(&c, &elen)) {
				out->truncated = true;
				return;
			}
			if (nh == 44) {   /* fragment header: fixed 8 bytes */
				uint16_t off;
				if (ikc_cur_u16(&c, &off) || ikc_cur_skip(&c, 4)) {
					out->truncated = true;
					return;
				}
				if (off & 0xfff8) {
					out->proto = next;
					out->fragment = true;
					return;
				}
			} else if (ikc_cur_skip(&c, (size_t)elen * 8 + 6)) {
				out->truncated = true;
				return;
			}
			nh = next;
		}
		out->proto = nh;
		upper(out, 6, &c);
		return;
	}
	/* Transport mode: the upper protocol directly. */
	out->proto = next_header;
	upper(out, next_header == 58 ? 6 : 4, &c);
}

void ikc_esp_table_set_keys(struct ikc_esp_table *t, const struct ikc_keys *keys)
{
	t->keys = keys;   /* keyed entries copied their keys; new SPIs look here */
	/* SPIs seen without a key may have a line in the new files. */
	for (struct ikc_esp_sa *sa = lru_sa(t->lru.head); sa; sa = lru_sa(sa->lru.next)) {
		struct ikc_esp_sa_info in;
		if (sa->info.origin != IKC_ESP_ORIGIN_NONE)
			continue;
		in = sa->info;
		if (keyfile_info(ikc_keys_esp(keys, in.af, in.src, in.dst, in.spi), &in)) {
			sa->info = in;   /* keeps its counters, as when a Quick Mode keys it */
			sa_key(t, sa);
		}
		OPENSSL_cleanse(&in, sizeof in);
	}
}

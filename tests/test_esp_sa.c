/* test_esp_sa.c - the ESP SA table, the inner-packet summary and -w output,
 * against independent truth:
 *   - the strongSwan lab capture mm-psk-aes128-sha1-g2 with the ESP keys its
 *     daemons logged (captures/lab/keys/.../esp_sa, a Wireshark table) and the
 *     ICMP echoes of its truth.json / ping.txt (id 12086, seq 1..4);
 *   - hand-built packets (ikc_esp_encrypt, the sender's side) around inner
 *     headers whose bytes follow RFC 791 / RFC 792 / RFC 8200 / RFC 768;
 *   - RFC 4303 §3.4.3 window arithmetic done by hand (replays, late, gaps);
 *   - hostile inputs: short ESP, truncated captures, truncated inner headers,
 *     a flood of SPIs against a small table (eviction counted).
 */
#include <criterion/criterion.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dissector/esp_sa.h"
#include "../dissector/keys.h"
#include "../dissector/net.h"
#include "../dissector/pcap_out.h"
#include "../dissector/pipeline.h"
#include "../dissector/session.h"

static const uint8_t K_ENC[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				   0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t K_AUTH[20] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
				    0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3 };

/* An IPv4 ICMP echo request 10.1.0.1 > 10.2.0.1, id 0x1234, seq n (RFC 791, 792). */
static size_t icmp_echo(uint8_t *b, uint16_t seq)
{
	static const uint8_t hdr[] = {
		0x45, 0x00, 0x00, 0x24, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00,
		10, 1, 0, 1, 10, 2, 0, 1,
		8, 0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00,   /* type 8 echo request, id 0x1234 */
	};
	memcpy(b, hdr, sizeof hdr);
	b[26] = (uint8_t)(seq >> 8);
	b[27] = (uint8_t)seq;
	memset(b + 28, 0x61, 8);
	return 36;
}

static struct ikc_esp_sa_info sa_info(uint32_t spi, const uint8_t dst[4])
{
	struct ikc_esp_sa_info in;

	memset(&in, 0, sizeof in);
	in.spi = spi;
	in.af = 4;
	in.src[0] = 192, in.src[1] = 0, in.src[2] = 2, in.src[3] = 1;
	memcpy(in.dst, dst, 4);
	in.origin = IKC_ESP_ORIGIN_QM;
	in.enc = IKC_ESP_ENC_AES_CBC;
	memcpy(in.enc_key, K_ENC, 16);
	in.enc_len = 16;
	in.auth = IKC_ESP_AUTH_HMAC_SHA1_96;
	memcpy(in.auth_key, K_AUTH, 20);
	in.auth_len = 20;
	snprintf(in.source, sizeof in.source, "test");
	return in;
}

static const uint8_t DST[4] = { 192, 0, 2, 2 };

/* Encrypt one tunnel-mode packet with the same keys (the sender's view). */
static size_t build(uint8_t *out, size_t outsz, uint32_t spi, uint32_t seq, const uint8_t *enc_key)
{
	struct ikc_esp_sa_ctx *tx = NULL;
	uint8_t inner[64], iv[16];
	size_t ilen = icmp_echo(inner, (uint16_t)seq), n = 0;

	memset(iv, (int)seq, sizeof iv);
	cr_assert_eq(ikc_esp_sa_ctx_new_encrypt(IKC_ESP_ENC_AES_CBC, enc_key, 16, IKC_ESP_AUTH_HMAC_SHA1_96, K_AUTH,
						20, &tx), IKC_OK);
	cr_assert_eq(ikc_esp_encrypt(tx, spi, seq, iv, 4, inner, ilen, out, outsz, &n), IKC_OK);
	ikc_esp_sa_ctx_free(tx);
	return n;
}

static struct ikc_pkt pkt_of(const uint8_t *data, size_t len, const uint8_t dst[4], uint64_t frame)
{
	struct ikc_pkt p;

	memset(&p, 0, sizeof p);
	p.frame = frame;
	p.ts_sec = 1700000000;
	p.ts_nsec = 123456789;
	p.af = 4;
	p.src[0] = 192, p.src[1] = 0, p.src[2] = 2, p.src[3] = 1;
	memcpy(p.dst, dst, 4);
	p.transport = IKC_T_ESP;
	p.data = data;
	p.len = p.wire_len = len;
	return p;
}

Test(esp_sa, qm_sa_decrypts_and_summarises_inner)
{
	struct ikc_esp_table *t = ikc_esp_table_new(8, NULL);
	struct ikc_esp_sa_info in = sa_info(0x11223344, DST);
	uint8_t buf[256];
	struct ikc_esp_outcome o;
	struct ikc_inner inner;
	size_t n;
	struct ikc_pkt p;

	cr_assert_not_null(t);
	cr_assert_eq(ikc_esp_table_add(t, &in), IKC_OK);
	n = build(buf, sizeof buf, 0x11223344, 1, K_ENC);
	p = pkt_of(buf, n, DST, 1);
	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_DECRYPTED);
	cr_assert_eq(o.plain.next_header, 4);
	cr_assert_eq(o.plain.payload_len, 36);
	ikc_inner_decode(o.plain.next_header, o.plain.payload, o.plain.payload_len, &inner);
	cr_assert(inner.tunnel);
	cr_assert_eq(inner.af, 4);
	cr_assert_eq(inner.src[0], 10);
	cr_assert_eq(inner.dst[1], 2);
	cr_assert_eq(inner.proto, 1);
	cr_assert(inner.has_icmp && inner.icmp_echo);
	cr_assert_eq(inner.icmp_type, 8);
	cr_assert_eq(inner.icmp_id, 0x1234);
	cr_assert_eq(inner.icmp_seq, 1);
	cr_assert_str_eq(ikc_icmp_type_name(4, 8), "echo-request");
	cr_assert_eq(ikc_esp_sa_get_stats(o.sa)->decrypted, 1);
	cr_assert_eq(ikc_esp_sa_get_stats(o.sa)->bytes, n);
	ikc_esp_table_free(t);
}

Test(esp_sa, wrong_key_is_icv_failure_never_plaintext)
{
	struct ikc_esp_table *t = ikc_esp_table_new(8, NULL);
	struct ikc_esp_sa_info in = sa_info(0x55, DST);
	uint8_t buf[256], other[16];
	struct ikc_esp_outcome o;
	struct ikc_pkt p;
	size_t n;

	memset(other, 0x77, sizeof other);
	in.auth_key[0] ^= 1;   /* the receiver holds a different integrity key */
	cr_assert_eq(ikc_esp_table_add(t, &in), IKC_OK);
	n = build(buf, sizeof buf, 0x55, 1, other);
	p = pkt_of(buf, n, DST, 1);
	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_ICV_FAILED);
	cr_assert_null(o.plain.payload);
	cr_assert_eq(ikc_esp_sa_get_stats(o.sa)->icv_failed, 1);
	cr_assert_str_eq(ikc_esp_verdict_name(o.verdict), "icv_failed");
	/* A capture cut short cannot be authenticated: truncated, not garbage. */
	p.len = n - 5;
	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_TRUNCATED);
	/* Shorter than SPI + sequence number. */
	p.len = p.wire_len = 7;
	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_MALFORMED);
	ikc_esp_table_free(t);
}

/* RFC 4303 §3.4.3 window, worked by hand: 1 2 5 (gap of 2: 3, 4) 3 (late)
 * 3 (replay) 100 (gap of 94) 50 (50 behind, inside 64: late) 30 (70 behind:
 * too old, counted as a replay since a receiver drops it). */
Test(esp_sa, replay_window_gaps_late)
{
	static const uint32_t seqs[] = { 1, 2, 5, 3, 3, 100, 50, 30 };
	static const int replay[] = { 0, 0, 0, 0, 1, 0, 0, 1 };
	static const int late[] = { 0, 0, 0, 1, 0, 0, 1, 0 };
	static const uint32_t gap[] = { 0, 0, 2, 0, 0, 94, 0, 0 };
	struct ikc_esp_table *t = ikc_esp_table_new(8, NULL);
	struct ikc_esp_sa_info in = sa_info(0x66, DST);
	const struct ikc_esp_sa_stats *st = NULL;

	cr_assert_eq(ikc_esp_table_add(t, &in), IKC_OK);
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		uint8_t buf[256];
		size_t n = build(buf, sizeof buf, 0x66, seqs[i], K_ENC);
		struct ikc_pkt p = pkt_of(buf, n, DST, i + 1);
		struct ikc_esp_outcome o;

		ikc_esp_table_input(t, &p, &o);
		cr_assert_eq(o.verdict, IKC_EV_DECRYPTED, "seq %u", seqs[i]);
		cr_assert_eq(o.replay, replay[i], "seq %u replay", seqs[i]);
		cr_assert_eq(o.late, late[i], "seq %u late", seqs[i]);
		cr_assert_eq(o.gap, gap[i], "seq %u gap", seqs[i]);
		st = ikc_esp_sa_get_stats(o.sa);
	}
	cr_assert_eq(st->packets, 8);
	cr_assert_eq(st->replays, 2);
	cr_assert_eq(st->late, 2);
	cr_assert_eq(st->seq_gaps, 2);
	cr_assert_eq(st->seq_missing, 2 + 94 - 2);   /* 3 and 50 came late */
	cr_assert_eq(st->top_seq, 100);
	ikc_esp_table_free(t);
}

Test(esp_sa, keyless_spis_counted_and_upgraded_by_qm)
{
	struct ikc_esp_table *t = ikc_esp_table_new(8, NULL);
	struct ikc_esp_sa_info in = sa_info(0x77, DST);
	struct ikc_esp_table_stats ts;
	struct ikc_esp_outcome o;
	uint8_t buf[256];
	size_t n = build(buf, sizeof buf, 0x77, 1, K_ENC);
	struct ikc_pkt p = pkt_of(buf, n, DST, 1);

	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_NO_KEY);
	cr_assert_eq(ikc_esp_sa_get_info(o.sa)->origin, IKC_ESP_ORIGIN_NONE);
	/* The Quick Mode's keys arrive: the same entry learns them, keeps its count. */
	cr_assert_eq(ikc_esp_table_add(t, &in), IKC_OK);
	n = build(buf, sizeof buf, 0x77, 2, K_ENC);
	p = pkt_of(buf, n, DST, 2);
	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_DECRYPTED);
	cr_assert_eq(ikc_esp_sa_get_stats(o.sa)->packets, 2);
	ikc_esp_table_get_stats(t, &ts);
	cr_assert_eq(ts.sas, 1);
	cr_assert_eq(ts.keyed, 1);
	cr_assert_eq(ts.no_key, 1);
	cr_assert_eq(ts.decrypted, 1);
	cr_assert_eq(ikc_esp_table_add(t, NULL), IKC_USAGE);
	in.origin = IKC_ESP_ORIGIN_NONE;
	cr_assert_eq(ikc_esp_table_add(t, &in), IKC_USAGE);
	ikc_esp_table_free(t);
}

/* A live reload: packets that went by without a key are tried again once the
 * Quick Mode's keys are in (ikc_esp_table_redecrypt): the first packet's
 * ICMP echo comes out, it moves from "without a key" to decrypted, and its
 * packet and sequence counts are not taken twice. */
Test(esp_sa, kept_packet_decrypts_after_the_keys_arrive)
{
	struct ikc_esp_table *t = ikc_esp_table_new(8, NULL);
	struct ikc_esp_sa_info in = sa_info(0x78, DST);
	struct ikc_esp_table_stats ts;
	struct ikc_esp_outcome o;
	uint8_t buf[256], other[256];
	size_t n = build(buf, sizeof buf, 0x78, 1, K_ENC), m = build(other, sizeof other, 0x79, 1, K_ENC);
	struct ikc_pkt p = pkt_of(buf, n, DST, 1), q = pkt_of(other, m, DST, 2);

	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_NO_KEY);
	ikc_esp_table_input(t, &q, &o);
	ikc_esp_table_redecrypt(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_NO_KEY, "no key yet: nothing changes");
	cr_assert(o.after_reload);
	cr_assert_eq(ikc_esp_table_add(t, &in), IKC_OK);
	ikc_esp_table_redecrypt(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_DECRYPTED);
	cr_assert(o.after_reload);
	cr_assert_eq(o.plain.next_header, 4, "tunnel mode: IPv4 inside (RFC 4303 next header)");
	cr_assert_eq(o.plain.payload[9], 1, "the ICMP echo built by icmp_echo()");
	cr_assert_eq(ikc_esp_sa_get_stats(o.sa)->packets, 1, "counted once");
	cr_assert_eq(ikc_esp_sa_get_stats(o.sa)->decrypted, 1);
	cr_assert_eq(ikc_esp_sa_get_stats(o.sa)->replays, 0, "its sequence number is not seen twice");
	ikc_esp_table_redecrypt(t, &q, &o);
	cr_assert_eq(o.verdict, IKC_EV_NO_KEY, "another SPI still has no key");
	ikc_esp_table_get_stats(t, &ts);
	cr_assert_eq(ts.packets, 2);
	cr_assert_eq(ts.no_key, 1);
	cr_assert_eq(ts.decrypted, 1);
	ikc_esp_table_free(t);
}

/* A key store holding one `esp` line for spi (ikecap's key-file format). */
static struct ikc_keys *esp_line_keys(uint32_t spi)
{
	char path[] = "/tmp/ikc-test-esp-XXXXXX", err[256], warn[256];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct ikc_keys *k = ikc_keys_new();

	cr_assert_not_null(f);
	cr_assert_not_null(k);
	fprintf(f, "esp 192.0.2.1 192.0.2.2 %x aes-cbc 000102030405060708090a0b0c0d0e0f hmac-sha1-96 "
		   "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3\n", (unsigned)spi);
	fclose(f);
	cr_assert_eq(ikc_keys_load(k, path, err, sizeof err, warn, sizeof warn), IKC_OK, "%s", err);
	unlink(path);
	return k;
}

/* Live, keys come in pieces (a daemon's log grows): a packet kept at a reload
 * that still had no key for it stays kept, and the next reload, whose key
 * file now has the SPI's `esp` line, decrypts it (the table keys the SPI it
 * had seen without a key). */
Test(esp_sa, kept_packet_survives_a_reload_without_its_key)
{
	struct ikc_pipeline p;
	struct ikc_session_config sc;
	struct ikc_keys *none = ikc_keys_new(), *some;
	struct ikc_esp_table_stats ts;
	uint8_t buf[256];
	size_t n = build(buf, sizeof buf, 0x7a, 1, K_ENC);
	struct ikc_pkt pk = pkt_of(buf, n, DST, 1);

	memset(&p, 0, sizeof p);
	ikc_session_config_default(&sc);
	sc.keep_for_reload = true;
	p.keep_esp = true;
	p.sess = ikc_session_new(&sc, none);
	p.esp = ikc_esp_table_new(8, none);
	cr_assert(p.sess && p.esp && none);
	cr_assert_eq(ikc_arena_init(&p.arena, 1u << 16), 0);
	ikc_pipeline_packet(&p, &pk);
	cr_assert_eq(p.nkept, 1);
	ikc_pipeline_set_keys(&p, none);
	cr_assert_eq(p.nkept, 1, "no key yet: still kept");
	some = esp_line_keys(0x7a);
	ikc_pipeline_set_keys(&p, some);
	cr_assert_eq(p.nkept, 0);
	ikc_esp_table_get_stats(p.esp, &ts);
	cr_assert_eq(ts.decrypted, 1);
	cr_assert_eq(ts.no_key, 0);
	cr_assert_eq(ts.packets, 1);
	ikc_pipeline_drop_kept(&p);
	ikc_esp_table_free(p.esp);
	ikc_session_free(p.sess);
	ikc_arena_free(&p.arena);
	ikc_keys_free(none);
	ikc_keys_free(some);
}

/* NAT: the SA was learned for one destination, ESP arrives with another. */
Test(esp_sa, keyed_sa_found_across_nat)
{
	static const uint8_t natted[4] = { 203, 0, 113, 254 };
	struct ikc_esp_table *t = ikc_esp_table_new(8, NULL);
	struct ikc_esp_sa_info in = sa_info(0x88, DST);
	struct ikc_esp_outcome o;
	uint8_t buf[256];
	size_t n = build(buf, sizeof buf, 0x88, 1, K_ENC);
	struct ikc_pkt p = pkt_of(buf, n, natted, 1);

	cr_assert_eq(ikc_esp_table_add(t, &in), IKC_OK);
	ikc_esp_table_input(t, &p, &o);
	cr_assert_eq(o.verdict, IKC_EV_DECRYPTED);
	ikc_esp_table_free(t);
}

Test(esp_sa, flood_of_spis_evicts_and_counts)
{
	struct ikc_esp_table *t = ikc_esp_table_new(4, NULL);
	struct ikc_esp_table_stats ts;
	uint8_t hdr[16] = { 0 };

	for (uint32_t spi = 1; spi <= 1000; spi++) {
		struct ikc_pkt p = pkt_of(hdr, sizeof hdr, DST, spi);
		struct ikc_esp_outcome o;
		hdr[0] = (uint8_t)(spi >> 24), hdr[1] = (uint8_t)(spi >> 16), hdr[2] = (uint8_t)(spi >> 8),
		hdr[3] = (uint8_t)spi;
		ikc_esp_table_input(t, &p, &o);
		cr_assert_eq(o.verdict, IKC_EV_NO_KEY);
	}
	ikc_esp_table_get_stats(t, &ts);
	cr_assert_eq(ts.sas, 4);
	cr_assert_eq(ts.evicted, 996);
	{
		const struct ikc_esp_sa **v;
		size_t n = ikc_esp_table_list(t, &v);
		cr_assert_eq(n, 4);
		cr_assert_eq(ikc_esp_sa_get_info(v[0])->spi, 997);   /* creation order, newest kept */
		cr_assert_eq(ikc_esp_sa_get_info(v[3])->spi, 1000);
		free(v);
	}
	ikc_esp_table_free(t);
}

/* Hostile and odd inner packets: nothing read past what was decrypted. */
Test(esp_sa, inner_decode_hostile)
{
	struct ikc_inner in;
	uint8_t b[64] = { 0 };

	ikc_inner_decode(4, b, 0, &in);
	cr_assert(in.tunnel && in.truncated);
	icmp_echo(b, 7);
	ikc_inner_decode(4, b, 25, &in);            /* ICMP header cut */
	cr_assert(in.truncated && !in.icmp_echo);
	b[0] = 0x4f;                               /* IHL 60 > what is there */
	ikc_inner_decode(4, b, 36, &in);
	cr_assert(in.truncated);
	b[0] = 0x65;                               /* version 6 in an IPv4 slot */
	ikc_inner_decode(4, b, 36, &in);
	cr_assert(in.truncated);
	icmp_echo(b, 7);
	b[6] = 0x00, b[7] = 0x10;                   /* non-first fragment: no ICMP header */
	ikc_inner_decode(4, b, 36, &in);
	cr_assert(in.fragment && !in.has_icmp);
	/* Transport mode: UDP 500 > 4500 (RFC 768 header). */
	{
		static const uint8_t udp[] = { 0x01, 0xf4, 0x11, 0x94, 0x00, 0x08, 0x00, 0x00 };
		ikc_inner_decode(17, udp, sizeof udp, &in);
		cr_assert(!in.tunnel && in.has_ports);
		cr_assert_eq(in.sport, 500);
		cr_assert_eq(in.dport, 4500);
		ikc_inner_decode(17, udp, 3, &in);
		cr_assert(in.truncated && !in.has_ports);
		ikc_inner_decode(47, udp, sizeof udp, &in);   /* GRE: named only */
		cr_assert_eq(in.proto, 47);
		cr_assert(!in.has_ports && !in.truncated);
	}
	/* IPv6 with a hop-by-hop header, then ICMPv6 echo request (RFC 8200, 4443). */
	{
		uint8_t v6[40 + 8 + 8];
		memset(v6, 0, sizeof v6);
		v6[0] = 0x60;
		v6[5] = 16;
		v6[6] = 0;      /* hop-by-hop */
		v6[7] = 64;
		v6[23] = 1;
		v6[39] = 2;
		v6[40] = 58;    /* next: ICMPv6 */
		v6[41] = 0;     /* 8 bytes */
		v6[48] = 128;
		v6[52] = 0xab, v6[53] = 0xcd, v6[55] = 9;
		ikc_inner_decode(41, v6, sizeof v6, &in);
		cr_assert(in.tunnel && in.af == 6 && !in.truncated);
		cr_assert_eq(in.proto, 58);
		cr_assert(in.icmp_echo);
		cr_assert_eq(in.icmp_id, 0xabcd);
		cr_assert_eq(in.icmp_seq, 9);
		cr_assert_str_eq(ikc_icmp_type_name(6, 128), "echo-request");
		ikc_inner_decode(41, v6, 44, &in);
		cr_assert(in.truncated);
	}
}

/* The lab capture with the ESP keys the daemons logged (Wireshark esp_sa file
 * loaded through the key store): frame 12 is ICMP echo request id 12086 seq 1
 * from 10.1.0.1 to 10.2.0.1 (truth.json, ping.txt). */
struct lab_ctx {
	struct ikc_esp_table *t;
	int decrypted, echo12;
	struct ikc_pcap_out *w;
};

static void lab_pkt(void *ctx, const struct ikc_pkt *pkt)
{
	struct lab_ctx *l = ctx;
	struct ikc_esp_outcome o;
	struct ikc_inner in;

	if (pkt->transport != IKC_T_UDP4500_ESP && pkt->transport != IKC_T_ESP)
		return;
	ikc_esp_table_input(l->t, pkt, &o);
	cr_assert_eq(o.verdict, IKC_EV_DECRYPTED, "frame %llu: %s", (unsigned long long)pkt->frame,
		     ikc_esp_verdict_name(o.verdict));
	cr_assert_eq(ikc_esp_sa_get_info(o.sa)->origin, IKC_ESP_ORIGIN_KEYFILE);
	l->decrypted++;
	ikc_inner_decode(o.plain.next_header, o.plain.payload, o.plain.payload_len, &in);
	if (pkt->frame == 12) {
		cr_assert_eq(o.plain.spi, 0x69522f12);
		cr_assert(in.icmp_echo && in.icmp_type == 8 && in.icmp_id == 12086 && in.icmp_seq == 1);
		cr_assert(in.src[0] == 10 && in.src[1] == 1 && in.src[3] == 1);
		l->echo12 = 1;
	}
	cr_assert_eq(ikc_pcap_out_write(l->w, pkt, o.plain.next_header, o.plain.payload, o.plain.payload_len), IKC_OK);
}

Test(esp_sa, lab_capture_with_logged_keys_and_pcap_out)
{
	char eb[PCAP_ERRBUF_SIZE], err[256], warn[256], out[] = "/tmp/ikc_test_esp_XXXXXX";
	struct ikc_keys *ks = ikc_keys_new();
	struct ikc_net_config cfg;
	struct ikc_net *net;
	struct lab_ctx l = { 0 };
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	uint64_t frame = 0;
	int fd = mkstemp(out);

	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(ikc_keys_load(ks, "captures/lab/keys/mm-psk-aes128-sha1-g2/esp_sa", err, sizeof err, warn,
				   sizeof warn), IKC_OK, "%s", err);
	l.t = ikc_esp_table_new(0, ks);
	cr_assert_eq(ikc_pcap_out_open(&l.w, out, err, sizeof err), IKC_OK, "%s", err);
	ikc_net_config_default(&cfg);
	net = ikc_net_new(&cfg);
	p = pcap_open_offline_with_tstamp_precision("captures/lab/mm-psk-aes128-sha1-g2.pcap",
						    PCAP_TSTAMP_PRECISION_NANO, eb);
	cr_assert_not_null(p, "%s", eb);
	while (pcap_next_ex(p, &h, &d) == 1)
		(void)ikc_net_input(net, pcap_datalink(p), ++frame, h->ts.tv_sec, (uint32_t)h->ts.tv_usec, d, h->caplen,
				    h->len, lab_pkt, &l);
	pcap_close(p);
	cr_assert_eq(l.decrypted, 8);
	cr_assert(l.echo12);
	cr_assert_eq(ikc_pcap_out_count(l.w), 8);
	cr_assert_eq(ikc_pcap_out_close(l.w), IKC_OK);

	/* Read it back: LINKTYPE_RAW, 8 IPv4 packets, frame 12's timestamp kept. */
	p = pcap_open_offline_with_tstamp_precision(out, PCAP_TSTAMP_PRECISION_NANO, eb);
	cr_assert_not_null(p, "%s", eb);
	cr_assert_eq(pcap_datalink(p), DLT_RAW);
	frame = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		frame++;
		cr_assert_eq(d[0] >> 4, 4);
		if (frame == 1)   /* 05:31:26.180853 in the original (tcpdump) */
			cr_assert_eq(h->ts.tv_usec % 1000000000 / 1000, 180853);
	}
	cr_assert_eq(frame, 8);
	pcap_close(p);
	unlink(out);
	ikc_net_free(net);
	ikc_esp_table_free(l.t);
	ikc_keys_free(ks);
}

/* Transport mode in -w: an IPv4 header is synthesized (RFC 791), checksum
 * valid (RFC 1071: the sum over the header is 0xffff). */
Test(esp_sa, pcap_out_transport_header)
{
	char err[256], out[] = "/tmp/ikc_test_pcap_XXXXXX", eb[PCAP_ERRBUF_SIZE];
	static const uint8_t udp[] = { 0x01, 0xf4, 0x01, 0xf4, 0x00, 0x0c, 0x00, 0x00, 1, 2, 3, 4 };
	struct ikc_pcap_out *w;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t hdr[4] = { 0 };
	struct ikc_pkt p = pkt_of(hdr, 4, DST, 1);
	pcap_t *r;
	uint32_t sum = 0;
	int fd = mkstemp(out);

	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(ikc_pcap_out_open(&w, out, err, sizeof err), IKC_OK);
	cr_assert_eq(ikc_pcap_out_write(w, &p, 17, udp, sizeof udp), IKC_OK);
	cr_assert_eq(ikc_pcap_out_write(w, &p, 59, NULL, 0), IKC_OK);   /* dummy: skipped */
	cr_assert_eq(ikc_pcap_out_count(w), 1);
	cr_assert_eq(ikc_pcap_out_close(w), IKC_OK);
	r = pcap_open_offline_with_tstamp_precision(out, PCAP_TSTAMP_PRECISION_NANO, eb);
	cr_assert_not_null(r);
	cr_assert_eq(pcap_next_ex(r, &h, &d), 1);
	cr_assert_eq(h->caplen, 20 + sizeof udp);
	cr_assert_eq(h->ts.tv_usec, 123456789);
	cr_assert_eq(d[0], 0x45);
	cr_assert_eq(d[9], 17);
	cr_assert_eq(d[3], 32);
	cr_assert(memcmp(d + 16, DST, 4) == 0);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)d[i] << 8 | d[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	cr_assert_eq(sum, 0xffff);
	cr_assert_eq(memcmp(d + 20, udp, sizeof udp), 0);
	pcap_close(r);
	unlink(out);
	cr_assert_neq(ikc_pcap_out_open(&w, "/nonexistent-dir/x.pcap", err, sizeof err), IKC_OK);
}

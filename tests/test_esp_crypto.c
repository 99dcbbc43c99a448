/* test_esp_crypto.c - ESP decryption against independent truth:
 *   - real strongSwan captures (/work/shared/lab, keys logged by charon and
 *     the per-packet inner contents listed in each case's truth.json);
 *   - tcpdump's ESP regression captures with the keys of its TESTLIST and
 *     Openswan's SA table (corpus/openswan/KEYS.klips.md), compared with the
 *     tcpdump .out expected lines;
 *   - RFC 3566 (AES-XCBC-MAC) and RFC 3686 (AES-CTR) test vectors;
 *   - hand-built hostile packets (tampering, every truncation, bad padding).
 */
#include <criterion/criterion.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/provider.h>

#include "../decoders/esp_crypto.h"
#include "../decoders/ikecrypto.h"

#define LAB "captures/lab/" /* run from the repository root, as make does */
#define TCPD "captures/corpus/tcpdump/"

/* ------------------------------------------------------------ helpers */

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		unsigned v;

		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		cr_assert(n < max, "hex too long");
		cr_assert(sscanf(s, "%2x", &v) == 1, "bad hex");
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

struct pkt {
	unsigned frame;   /* 1-based, as tshark/tcpdump -# number them */
	size_t len;
	uint8_t *esp;     /* malloc'd exactly len bytes, so ASan sees over-reads */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Ethernet / IPv4, then IP protocol 50 or UDP 4500 without the non-ESP
 * marker (RFC 3948 §2.2); NAT keepalives (one 0xff byte) are skipped. */
static size_t read_esp(const char *path, struct pkt *pk, size_t max)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, eb);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned frame = 0;
	size_t n = 0;

	cr_assert_not_null(p, "%s: %s", path, eb);
	cr_assert_eq(pcap_datalink(p), DLT_EN10MB);
	while (pcap_next_ex(p, &h, &d) == 1) {
		const u_char *ip, *l4;
		size_t iplen, ihl, l4len;

		frame++;
		if (h->caplen < 14 + 20 || d[12] != 0x08 || d[13] != 0x00)
			continue;
		ip = d + 14;
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		iplen = (size_t)ip[2] << 8 | ip[3];
		if ((ip[0] >> 4) != 4 || ihl < 20 || iplen < ihl || 14 + iplen > h->caplen)
			continue;
		l4 = ip + ihl;
		l4len = iplen - ihl;
		if (ip[9] == 17) {
			if (l4len < 8 || ((l4[0] << 8 | l4[1]) != 4500 && (l4[2] << 8 | l4[3]) != 4500))
				continue;
			l4 += 8;
			l4len -= 8;
			if (l4len < 8 || be32(l4) == 0) /* keepalive or IKE */
				continue;
		} else if (ip[9] != 50) {
			continue;
		}
		cr_assert(n < max);
		pk[n].frame = frame;
		pk[n].len = l4len;
		pk[n].esp = malloc(l4len);
		cr_assert_not_null(pk[n].esp);
		memcpy(pk[n].esp, l4, l4len);
		n++;
	}
	pcap_close(p);
	return n;
}

static void free_pkts(struct pkt *pk, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(pk[i].esp);
}

static struct ikc_esp_sa_ctx *sa_new(enum ikc_esp_enc enc, const char *ekey, enum ikc_esp_auth auth,
                                     const char *akey)
{
	uint8_t ek[64], ak[64];
	size_t el = unhex(ekey, ek, sizeof(ek)), al = unhex(akey, ak, sizeof(ak));
	struct ikc_esp_sa_ctx *ctx = NULL;
	enum ikc_err err = ikc_esp_sa_ctx_new(enc, ek, el, auth, ak, al, &ctx);

	cr_assert_eq(err, IKC_OK, "ctx_new: %d", err);
	return ctx;
}

static void ip4(const uint8_t *p, char *buf, size_t sz)
{
	snprintf(buf, sz, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

/* ------------------------------------------------ lab captures (strongSwan) */

/* Expected inner packets, copied from the "esp" section (inner_packets) of
 * /work/shared/lab/<case>/truth.json. */
struct inner {
	unsigned frame;
	uint32_t spi, seq;
	const char *src, *dst;
	uint8_t icmp_type;  /* 8 echo-request, 0 echo-reply */
	uint16_t icmp_id, icmp_seq;
};

struct sa_keys {
	uint32_t spi;
	enum ikc_esp_enc enc;
	const char *ekey;
	enum ikc_esp_auth auth;
	const char *akey;
};

static void check_lab(const char *pcap, const struct sa_keys *keys, size_t nkeys,
                      const struct inner *want, size_t nwant)
{
	struct pkt pk[32];
	struct ikc_esp_sa_ctx *ctx[4] = { 0 };
	size_t n = read_esp(pcap, pk, 32);
	uint8_t out[2048];

	cr_assert_eq(n, nwant, "%s: %zu ESP packets, want %zu", pcap, n, nwant);
	for (size_t k = 0; k < nkeys; k++)
		ctx[k] = sa_new(keys[k].enc, keys[k].ekey, keys[k].auth, keys[k].akey);
	for (size_t i = 0; i < n; i++) {
		struct ikc_esp_plain r;
		enum ikc_esp_status st;
		size_t k;
		char s[32], d[32];
		const uint8_t *ip;
		size_t ihl;

		cr_assert_eq(pk[i].frame, want[i].frame);
		cr_assert_eq(be32(pk[i].esp), want[i].spi);
		for (k = 0; k < nkeys && keys[k].spi != want[i].spi; k++)
			;
		cr_assert(k < nkeys);
		st = ikc_esp_decrypt(ctx[k], pk[i].esp, pk[i].len, out, sizeof(out), &r);
		cr_assert_eq(st, IKC_ESP_OK, "frame %u: %s", pk[i].frame, ikc_esp_status_name(st));
		cr_assert(r.icv_checked);
		cr_assert_eq(r.spi, want[i].spi);
		cr_assert_eq(r.seq, want[i].seq);
		cr_assert_eq(r.next_header, 4); /* IPv4: tunnel mode */
		ip = r.payload;
		cr_assert_geq(r.payload_len, 28);
		cr_assert_eq(ip[0] >> 4, 4);
		ihl = (size_t)(ip[0] & 15) * 4;
		cr_assert_eq((size_t)(ip[2] << 8 | ip[3]), r.payload_len, "inner IP length = payload");
		cr_assert_eq(ip[9], 1); /* ICMP */
		ip4(ip + 12, s, sizeof(s));
		ip4(ip + 16, d, sizeof(d));
		cr_assert_str_eq(s, want[i].src);
		cr_assert_str_eq(d, want[i].dst);
		cr_assert_eq(ip[ihl], want[i].icmp_type);
		cr_assert_eq((uint16_t)(ip[ihl + 4] << 8 | ip[ihl + 5]), want[i].icmp_id);
		cr_assert_eq((uint16_t)(ip[ihl + 6] << 8 | ip[ihl + 7]), want[i].icmp_seq);
	}
	for (size_t k = 0; k < nkeys; k++)
		ikc_esp_sa_ctx_free(ctx[k]);
	free_pkts(pk, n);
}

/* /work/shared/lab/mm-psk-aes128-sha1-g2/keys/esp_sa (charon's logged keys) */
static const struct sa_keys aes128_sha1_keys[] = {
	{ 0x69522f12, IKC_ESP_ENC_AES_CBC, "a19bfcc38274fb36d2b2ee36245f082f",
	  IKC_ESP_AUTH_HMAC_SHA1_96, "e1619993411a8045b534bffcdd74e4563aa9dc5b" },
	{ 0x919a3802, IKC_ESP_ENC_AES_CBC, "71b8db5d0440a8b512614951a2f57b91",
	  IKC_ESP_AUTH_HMAC_SHA1_96, "da3efd2b8f397564d23088a8a7b470c8c797161d" },
};

/* truth.json of mm-psk-aes128-sha1-g2: esp.inner_packets */
static const struct inner aes128_sha1_want[] = {
	{ 12, 0x69522f12, 1, "10.1.0.1", "10.2.0.1", 8, 12086, 1 },
	{ 13, 0x919a3802, 1, "10.2.0.1", "10.1.0.1", 0, 12086, 1 },
	{ 14, 0x69522f12, 2, "10.1.0.1", "10.2.0.1", 8, 12086, 2 },
	{ 15, 0x919a3802, 2, "10.2.0.1", "10.1.0.1", 0, 12086, 2 },
	{ 16, 0x69522f12, 3, "10.1.0.1", "10.2.0.1", 8, 12086, 3 },
	{ 17, 0x919a3802, 3, "10.2.0.1", "10.1.0.1", 0, 12086, 3 },
	{ 18, 0x69522f12, 4, "10.1.0.1", "10.2.0.1", 8, 12086, 4 },
	{ 19, 0x919a3802, 4, "10.2.0.1", "10.1.0.1", 0, 12086, 4 },
};

/* /work/shared/lab/mm-psk-aes256-sha256-g14-pfs/keys/esp_sa */
static const struct sa_keys aes256_sha256_keys[] = {
	{ 0x425349ba, IKC_ESP_ENC_AES_CBC,
	  "4dc2021b8e44129e7c054d623967f1e7231a67f9811e8296e74233c7892effcd",
	  IKC_ESP_AUTH_HMAC_SHA2_256_128,
	  "a4aef98537bc9232e8bf29836d2e84ae3b35a3fa51f400c983c31fa7230e5382" },
	{ 0x5be2cd2b, IKC_ESP_ENC_AES_CBC,
	  "a7d6923702f736e01c39d0c33e2b6ce7fef4ad81f5588be89f1884fec3559248",
	  IKC_ESP_AUTH_HMAC_SHA2_256_128,
	  "6b29b4c142cc9a09428ace513626b76e8f15e9d37e9b8f51601e9a23d9ad3565" },
};

/* truth.json of mm-psk-aes256-sha256-g14-pfs: esp.inner_packets */
static const struct inner aes256_sha256_want[] = {
	{ 12, 0x425349ba, 1, "10.1.0.1", "10.2.0.1", 8, 13123, 1 },
	{ 13, 0x5be2cd2b, 1, "10.2.0.1", "10.1.0.1", 0, 13123, 1 },
	{ 14, 0x425349ba, 2, "10.1.0.1", "10.2.0.1", 8, 13123, 2 },
	{ 15, 0x5be2cd2b, 2, "10.2.0.1", "10.1.0.1", 0, 13123, 2 },
	{ 16, 0x425349ba, 3, "10.1.0.1", "10.2.0.1", 8, 13123, 3 },
	{ 17, 0x5be2cd2b, 3, "10.2.0.1", "10.1.0.1", 0, 13123, 3 },
	{ 18, 0x425349ba, 4, "10.1.0.1", "10.2.0.1", 8, 13123, 4 },
	{ 19, 0x5be2cd2b, 4, "10.2.0.1", "10.1.0.1", 0, 13123, 4 },
};

/* /work/shared/lab/ikev1-esp-gcm/keys/esp_sa: 16-byte key | 4-byte salt */
static const struct sa_keys gcm_keys[] = {
	{ 0xdf733d14, IKC_ESP_ENC_AES_GCM_16, "f3c86aa3311023308c21afda31945f6b649d7e51",
	  IKC_ESP_AUTH_NULL, "" },
	{ 0x85d6db3e, IKC_ESP_ENC_AES_GCM_16, "f9b909172c5d5fef7eeb04afd3afb2720259708d",
	  IKC_ESP_AUTH_NULL, "" },
};

/* truth.json of ikev1-esp-gcm: esp.inner_packets */
static const struct inner gcm_want[] = {
	{ 12, 0xdf733d14, 1, "10.1.0.1", "10.2.0.1", 8, 2972, 1 },
	{ 13, 0x85d6db3e, 1, "10.2.0.1", "10.1.0.1", 0, 2972, 1 },
	{ 14, 0xdf733d14, 2, "10.1.0.1", "10.2.0.1", 8, 2972, 2 },
	{ 15, 0x85d6db3e, 2, "10.2.0.1", "10.1.0.1", 0, 2972, 2 },
	{ 16, 0xdf733d14, 3, "10.1.0.1", "10.2.0.1", 8, 2972, 3 },
	{ 17, 0x85d6db3e, 3, "10.2.0.1", "10.1.0.1", 0, 2972, 3 },
	{ 18, 0xdf733d14, 4, "10.1.0.1", "10.2.0.1", 8, 2972, 4 },
	{ 19, 0x85d6db3e, 4, "10.2.0.1", "10.1.0.1", 0, 2972, 4 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ikecap loads only the default provider at start: an ESP SA with DES
 * brings the legacy one (ikc_crypto_want_legacy). */
Test(esp_legacy, des_sa_loads_the_legacy_provider)
{
	OSSL_PROVIDER *def = OSSL_PROVIDER_load(NULL, "default");
	const uint8_t ek[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, ak[20] = { 9 };
	struct ikc_esp_sa_ctx *ctx = NULL;
	enum ikc_err err;

	cr_assert_not_null(def);
	ikc_crypto_init();
	cr_assert_not(OSSL_PROVIDER_available(NULL, "legacy"));
	err = ikc_esp_sa_ctx_new(IKC_ESP_ENC_DES_CBC, ek, sizeof ek, IKC_ESP_AUTH_HMAC_SHA1_96, ak, sizeof ak, &ctx);
	if (err == IKC_UNSUPPORTED) {
		OSSL_PROVIDER *leg = OSSL_PROVIDER_load(NULL, "legacy");
		cr_assert_null(leg, "the legacy provider loads, but the DES SA was refused");
		cr_skip_test("no OpenSSL legacy provider on this machine");
	}
	cr_assert_eq(err, IKC_OK);
	cr_assert(OSSL_PROVIDER_available(NULL, "legacy"));
	ikc_esp_sa_ctx_free(ctx);
	ikc_crypto_release();
	OSSL_PROVIDER_unload(def);
}

Test(esp_lab, aes128_cbc_hmac_sha1_96)
{
	check_lab(LAB "mm-psk-aes128-sha1-g2.pcap", aes128_sha1_keys, N(aes128_sha1_keys),
	          aes128_sha1_want, N(aes128_sha1_want));
}

Test(esp_lab, aes256_cbc_hmac_sha256_128)
{
	check_lab(LAB "mm-psk-aes256-sha256-g14-pfs.pcap", aes256_sha256_keys, N(aes256_sha256_keys),
	          aes256_sha256_want, N(aes256_sha256_want));
}

Test(esp_lab, aes128_gcm_16)
{
	check_lab(LAB "ikev1-esp-gcm.pcap", gcm_keys, N(gcm_keys), gcm_want, N(gcm_want));
}

/* ------------------------------------------------- tcpdump's ESP tests */

/* Checks an inner IPv4 ICMP echo request as tcpdump prints it in esp1.out /
 * esp2.out / esp5.out: "IP 192.0.2.1 > 192.0.1.1: ICMP echo request,
 * id 28416, seq <1280 + 256 * (n - 1)>, length 64". */
static void check_tcpdump_icmp(const uint8_t *ip, size_t len, unsigned n)
{
	char s[32], d[32];
	size_t ihl = (size_t)(ip[0] & 15) * 4;

	cr_assert_geq(len, 28);
	ip4(ip + 12, s, sizeof(s));
	ip4(ip + 16, d, sizeof(d));
	cr_assert_str_eq(s, "192.0.2.1");
	cr_assert_str_eq(d, "192.0.1.1");
	cr_assert_eq(ip[9], 1);
	cr_assert_eq(ip[ihl], 8);
	cr_assert_eq((unsigned)(ip[ihl + 4] << 8 | ip[ihl + 5]), 28416u);
	cr_assert_eq((unsigned)(ip[ihl + 6] << 8 | ip[ihl + 7]), 1280 + 256 * (n - 1));
	cr_assert_eq(len - ihl, 64, "ICMP length 64");
}

/* esp1: 02-sunrise-sunset-esp.pcap, TESTLIST.ike
 * -E "0x12345678@192.1.2.45 3des-cbc-hmac96:0x4043...5758"; the HMAC-MD5-96
 * key 0x8765...8765 is Openswan's (KEYS.klips.md, west-icmp-01). */
Test(esp_tcpdump, esp1_3des_hmac_md5)
{
	struct pkt pk[16];
	size_t n = read_esp(TCPD "02-sunrise-sunset-esp.pcap", pk, 16);
	struct ikc_esp_sa_ctx *ctx =
	    sa_new(IKC_ESP_ENC_3DES_CBC, "4043434545464649494a4a4c4c4f4f515152525454575758",
	           IKC_ESP_AUTH_HMAC_MD5_96, "87658765876587658765876587658765");
	uint8_t out[2048];

	cr_assert_eq(n, 8);
	for (size_t i = 0; i < n; i++) {
		struct ikc_esp_plain r;
		enum ikc_esp_status st = ikc_esp_decrypt(ctx, pk[i].esp, pk[i].len, out, sizeof(out), &r);

		cr_assert_eq(st, IKC_ESP_OK, "pkt %zu: %s", i + 1, ikc_esp_status_name(st));
		cr_assert(r.icv_checked);
		cr_assert_eq(r.spi, 0x12345678);
		cr_assert_eq(r.seq, i + 1);
		cr_assert_eq(pk[i].len, 116); /* "length 116" */
		cr_assert_eq(r.next_header, 4);
		check_tcpdump_icmp(r.payload, r.payload_len, (unsigned)i + 1);
	}
	ikc_esp_sa_ctx_free(ctx);
	free_pkts(pk, n);
}

/* esp5: 08-sunrise-sunset-aes.pcap with esp-secrets.txt line 3
 * (0xd1234567 aes256-cbc-hmac96); HMAC-SHA1-96 key from KEYS.klips.md
 * (west-icmp-05: 0x8765... 20 bytes). */
Test(esp_tcpdump, esp5_aes256_hmac_sha1)
{
	struct pkt pk[16];
	size_t n = read_esp(TCPD "08-sunrise-sunset-aes.pcap", pk, 16);
	struct ikc_esp_sa_ctx *ctx = sa_new(
	    IKC_ESP_ENC_AES_CBC, "aaaabbbbccccdddd4043434545464649494a4a4c4c4f4f515152525454575758",
	    IKC_ESP_AUTH_HMAC_SHA1_96, "8765876587658765876587658765876587658765");
	uint8_t out[2048];

	cr_assert_eq(n, 8);
	for (size_t i = 0; i < n; i++) {
		struct ikc_esp_plain r;
		enum ikc_esp_status st = ikc_esp_decrypt(ctx, pk[i].esp, pk[i].len, out, sizeof(out), &r);

		cr_assert_eq(st, IKC_ESP_OK, "pkt %zu: %s", i + 1, ikc_esp_status_name(st));
		cr_assert(r.icv_checked);
		cr_assert_eq(r.spi, 0xd1234567);
		cr_assert_eq(r.seq, i + 1);
		cr_assert_eq(pk[i].len, 132);
		cr_assert_eq(r.next_header, 4);
		check_tcpdump_icmp(r.payload, r.payload_len, (unsigned)i + 1);
	}
	ikc_esp_sa_ctx_free(ctx);
	free_pkts(pk, n);
}

/* esp2: 08-sunrise-sunset-esp2.pcap, ESP in ESP.  esp2.out:
 *   IP 192.1.2.23 > 192.1.2.45: ESP(spi=0x12345678,seq=0x1), length 172:
 *   IP 192.1.2.23 > 192.0.1.1: ESP(spi=0xabcdabcd,seq=0x1), length 116:
 *   IP 192.0.2.1 > 192.0.1.1: ICMP echo request, id 28416, seq 1280, length 64
 * Encryption keys from TESTLIST.ike, HMAC-MD5 keys from KEYS.klips.md
 * (west-icmp-02: outer 0x6587..., inner 0x8765...). */
Test(esp_tcpdump, esp2_nested_3des)
{
	struct pkt pk[16];
	size_t n = read_esp(TCPD "08-sunrise-sunset-esp2.pcap", pk, 16);
	struct ikc_esp_sa_ctx *outer =
	    sa_new(IKC_ESP_ENC_3DES_CBC, "43434545464649494a4a4c4c4f4f51515252545457575840",
	           IKC_ESP_AUTH_HMAC_MD5_96, "65876587658765876587658765876587");
	struct ikc_esp_sa_ctx *inner =
	    sa_new(IKC_ESP_ENC_3DES_CBC, "434545464649494a4a4c4c4f4f5151525254545757584043",
	           IKC_ESP_AUTH_HMAC_MD5_96, "87658765876587658765876587658765");
	uint8_t out1[2048], out2[2048];

	cr_assert_eq(n, 8);
	for (size_t i = 0; i < n; i++) {
		struct ikc_esp_plain r1, r2;
		const uint8_t *ip;
		size_t ihl;
		char s[32], d[32];

		cr_assert_eq(pk[i].len, 172);
		cr_assert_eq(ikc_esp_decrypt(outer, pk[i].esp, pk[i].len, out1, sizeof(out1), &r1), IKC_ESP_OK);
		cr_assert_eq(r1.spi, 0x12345678);
		cr_assert_eq(r1.seq, i + 1);
		cr_assert_eq(r1.next_header, 4);
		ip = r1.payload;
		ihl = (size_t)(ip[0] & 15) * 4;
		ip4(ip + 12, s, sizeof(s));
		ip4(ip + 16, d, sizeof(d));
		cr_assert_str_eq(s, "192.1.2.23");
		cr_assert_str_eq(d, "192.0.1.1");
		cr_assert_eq(ip[9], 50);
		cr_assert_eq(r1.payload_len - ihl, 116);
		cr_assert_eq(ikc_esp_decrypt(inner, ip + ihl, r1.payload_len - ihl, out2, sizeof(out2), &r2),
		             IKC_ESP_OK);
		cr_assert_eq(r2.spi, 0xabcdabcd);
		cr_assert_eq(r2.seq, i + 1);
		cr_assert_eq(r2.next_header, 4);
		check_tcpdump_icmp(r2.payload, r2.payload_len, (unsigned)i + 1);
	}
	ikc_esp_sa_ctx_free(outer);
	ikc_esp_sa_ctx_free(inner);
	free_pkts(pk, n);
}

/* --------------------------------------------------------- hostile input */

static struct pkt first_lab(const char *pcap)
{
	struct pkt pk[32];
	size_t n = read_esp(pcap, pk, 32);
	struct pkt p;

	cr_assert_geq(n, 1);
	p = pk[0];
	free_pkts(pk + 1, n - 1);
	return p;
}

Test(esp_hostile, tampered_icv_and_body_cbc)
{
	struct pkt p = first_lab(LAB "mm-psk-aes128-sha1-g2.pcap");
	struct ikc_esp_sa_ctx *ctx = sa_new(aes128_sha1_keys[0].enc, aes128_sha1_keys[0].ekey,
	                                    aes128_sha1_keys[0].auth, aes128_sha1_keys[0].akey);
	uint8_t out[2048];
	struct ikc_esp_plain r;

	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_OK);
	p.esp[p.len - 1] ^= 1; /* last ICV byte */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	cr_assert_null(r.plain, "nothing decrypted before the ICV verified");
	p.esp[p.len - 1] ^= 1;
	p.esp[30] ^= 0x80; /* ciphertext */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	p.esp[30] ^= 0x80;
	p.esp[7] ^= 1; /* sequence number is covered too */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	p.esp[7] ^= 1;
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_OK);
	/* out too small: an error, not an overflow */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, 16, &r), IKC_ESP_ERROR);
	ikc_esp_sa_ctx_free(ctx);
	free(p.esp);
}

Test(esp_hostile, tampered_gcm)
{
	struct pkt p = first_lab(LAB "ikev1-esp-gcm.pcap");
	struct ikc_esp_sa_ctx *ctx = sa_new(gcm_keys[0].enc, gcm_keys[0].ekey, gcm_keys[0].auth, "");
	uint8_t out[2048];
	struct ikc_esp_plain r;

	p.esp[p.len - 3] ^= 4; /* tag */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	p.esp[p.len - 3] ^= 4;
	p.esp[5] ^= 4; /* sequence number: in the AAD */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	p.esp[5] ^= 4;
	p.esp[10] ^= 4; /* IV: in the nonce */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	p.esp[10] ^= 4;
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_OK);
	ikc_esp_sa_ctx_free(ctx);
	free(p.esp);
}

Test(esp_hostile, wrong_keys)
{
	struct pkt p = first_lab(LAB "mm-psk-aes128-sha1-g2.pcap");
	struct pkt g = first_lab(LAB "ikev1-esp-gcm.pcap");
	/* The other direction's keys (same algorithms, wrong SA). */
	struct ikc_esp_sa_ctx *c1 = sa_new(aes128_sha1_keys[1].enc, aes128_sha1_keys[1].ekey,
	                                   aes128_sha1_keys[1].auth, aes128_sha1_keys[1].akey);
	struct ikc_esp_sa_ctx *c2 = sa_new(gcm_keys[1].enc, gcm_keys[1].ekey, gcm_keys[1].auth, "");
	/* Right key, wrong salt. */
	struct ikc_esp_sa_ctx *c3 = sa_new(IKC_ESP_ENC_AES_GCM_16, "f3c86aa3311023308c21afda31945f6b00000000",
	                                   IKC_ESP_AUTH_NULL, "");
	uint8_t out[2048];
	struct ikc_esp_plain r;

	cr_assert_eq(ikc_esp_decrypt(c1, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	cr_assert_eq(ikc_esp_decrypt(c2, g.esp, g.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	cr_assert_eq(ikc_esp_decrypt(c3, g.esp, g.len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	ikc_esp_sa_ctx_free(c1);
	ikc_esp_sa_ctx_free(c2);
	ikc_esp_sa_ctx_free(c3);
	free(p.esp);
	free(g.esp);
}

/* Every prefix of a valid packet, each in an exact-size heap buffer (ASan
 * catches a read past it): never OK, never a crash. */
static void every_truncation(const char *pcap, const struct sa_keys *k)
{
	struct pkt p = first_lab(pcap);
	struct ikc_esp_sa_ctx *ctx = sa_new(k->enc, k->ekey, k->auth, k->akey);
	uint8_t out[2048];

	for (size_t len = 0; len < p.len; len++) {
		uint8_t *b = malloc(len ? len : 1);
		struct ikc_esp_plain r;
		enum ikc_esp_status st;

		cr_assert_not_null(b);
		memcpy(b, p.esp, len);
		st = ikc_esp_decrypt(ctx, b, len, out, sizeof(out), &r);
		cr_assert(st == IKC_ESP_TRUNCATED || st == IKC_ESP_ICV_FAILED || st == IKC_ESP_MALFORMED,
		          "len %zu: %s", len, ikc_esp_status_name(st));
		if (len < 8)
			cr_assert_eq(st, IKC_ESP_TRUNCATED);
		free(b);
	}
	ikc_esp_sa_ctx_free(ctx);
	free(p.esp);
}

Test(esp_hostile, every_truncation_cbc)
{
	every_truncation(LAB "mm-psk-aes128-sha1-g2.pcap", &aes128_sha1_keys[0]);
}

Test(esp_hostile, every_truncation_gcm)
{
	every_truncation(LAB "ikev1-esp-gcm.pcap", &gcm_keys[0]);
}

/* NULL encryption (RFC 2410) lets us write the trailer by hand. */
Test(esp_hostile, padding_checks_null_cipher)
{
	struct ikc_esp_sa_ctx *ctx = NULL;
	uint8_t out[64];
	struct ikc_esp_plain r;
	/* SPI | seq | "abcd" | pad 1 2 3 | padlen 3 | nh 4 */
	uint8_t good[] = { 0, 0, 1, 0, 0, 0, 0, 9, 'a', 'b', 'c', 'd', 1, 2, 3, 3, 4 };
	uint8_t badbyte[] = { 0, 0, 1, 0, 0, 0, 0, 9, 'a', 'b', 'c', 'd', 1, 2, 4, 3, 4 };
	uint8_t toolong[] = { 0, 0, 1, 0, 0, 0, 0, 9, 'a', 'b', 'c', 'd', 1, 2, 3, 7, 4 };
	uint8_t all_pad[] = { 0, 0, 1, 0, 0, 0, 0, 9, 1, 2, 2, 59 };     /* empty payload, nh 59 */
	uint8_t just_trailer[] = { 0, 0, 1, 0, 0, 0, 0, 9, 0, 41 };       /* pad 0 */
	uint8_t short_one[] = { 0, 0, 1, 0, 0, 0, 0, 9, 0 };             /* 1 byte: no trailer */

	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_NULL, NULL, 0, IKC_ESP_AUTH_NULL, NULL, 0, &ctx), IKC_OK);
	cr_assert_eq(ikc_esp_decrypt(ctx, good, sizeof(good), out, sizeof(out), &r), IKC_ESP_OK);
	cr_assert_eq(r.payload_len, 4);
	cr_assert_eq(memcmp(r.payload, "abcd", 4), 0);
	cr_assert_eq(r.pad_len, 3);
	cr_assert_eq(r.next_header, 4);
	cr_assert_eq(r.seq, 9);
	cr_assert_eq(r.spi, 0x100);
	cr_assert_not(r.icv_checked);
	cr_assert_eq(ikc_esp_decrypt(ctx, badbyte, sizeof(badbyte), out, sizeof(out), &r), IKC_ESP_BAD_PADDING);
	cr_assert_eq(r.plain_len, 9, "plaintext still reported for diagnosis");
	cr_assert_eq(ikc_esp_decrypt(ctx, toolong, sizeof(toolong), out, sizeof(out), &r), IKC_ESP_BAD_PADDING);
	cr_assert_eq(ikc_esp_decrypt(ctx, all_pad, sizeof(all_pad), out, sizeof(out), &r), IKC_ESP_OK);
	cr_assert_eq(r.payload_len, 0);
	cr_assert_eq(r.next_header, 59);
	cr_assert_eq(ikc_esp_decrypt(ctx, just_trailer, sizeof(just_trailer), out, sizeof(out), &r), IKC_ESP_OK);
	cr_assert_eq(r.next_header, 41);
	cr_assert_eq(ikc_esp_decrypt(ctx, short_one, sizeof(short_one), out, sizeof(out), &r), IKC_ESP_TRUNCATED);
	ikc_esp_sa_ctx_free(ctx);
}

/* NULL encryption with HMAC-SHA1-96: the ICV is checked before padding. */
Test(esp_hostile, null_cipher_with_icv)
{
	struct ikc_esp_sa_ctx *tx = NULL, *rx = NULL;
	uint8_t key[20], pkt[128], out[128];
	size_t len = 0;
	struct ikc_esp_plain r;

	memset(key, 0x5a, sizeof(key));
	cr_assert_eq(ikc_esp_sa_ctx_new_encrypt(IKC_ESP_ENC_NULL, NULL, 0, IKC_ESP_AUTH_HMAC_SHA1_96, key, 20, &tx), IKC_OK);
	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_NULL, NULL, 0, IKC_ESP_AUTH_HMAC_SHA1_96, key, 20, &rx), IKC_OK);
	cr_assert_eq(ikc_esp_encrypt(tx, 7, 1, NULL, 4, (const uint8_t *)"hello", 5, pkt, sizeof(pkt), &len), IKC_OK);
	cr_assert_eq(len, 8 + 8 + 12); /* 5 + 1 pad + 2 = 8 */
	cr_assert_eq(memcmp(pkt + 8, "hello\x01\x01\x04", 8), 0);
	cr_assert_eq(ikc_esp_decrypt(rx, pkt, len, out, sizeof(out), &r), IKC_ESP_OK);
	cr_assert(r.icv_checked);
	/* a decrypt context refuses to encrypt and vice versa */
	cr_assert_eq(ikc_esp_decrypt(tx, pkt, len, out, sizeof(out), &r), IKC_ESP_UNSUPPORTED);
	cr_assert_eq(ikc_esp_encrypt(rx, 7, 1, NULL, 4, pkt, 1, out, sizeof(out), &len), IKC_USAGE);
	pkt[9] ^= 1;
	cr_assert_eq(ikc_esp_decrypt(rx, pkt, len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	ikc_esp_sa_ctx_free(tx);
	ikc_esp_sa_ctx_free(rx);
}

Test(esp_hostile, cbc_not_block_aligned)
{
	struct pkt p = first_lab(LAB "mm-psk-aes128-sha1-g2.pcap");
	struct ikc_esp_sa_ctx *ctx = sa_new(IKC_ESP_ENC_AES_CBC, aes128_sha1_keys[0].ekey,
	                                    IKC_ESP_AUTH_ANY_96, "");
	uint8_t out[2048];
	struct ikc_esp_plain r;

	/* ANY_96: ICV present, not checked; one byte less leaves 16n-1 bytes */
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len, out, sizeof(out), &r), IKC_ESP_OK);
	cr_assert_not(r.icv_checked);
	cr_assert_eq(ikc_esp_decrypt(ctx, p.esp, p.len - 1, out, sizeof(out), &r), IKC_ESP_MALFORMED);
	ikc_esp_sa_ctx_free(ctx);
	free(p.esp);
}

Test(esp_hostile, bad_arguments)
{
	struct ikc_esp_sa_ctx *ctx = NULL;
	uint8_t k[64] = { 0 };
	struct ikc_esp_plain r;
	uint8_t out[8];

	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_AES_CBC, k, 17, IKC_ESP_AUTH_NULL, NULL, 0, &ctx), IKC_USAGE);
	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_AES_GCM_16, k, 16, IKC_ESP_AUTH_NULL, NULL, 0, &ctx), IKC_USAGE,
	             "GCM needs key + 4-byte salt");
	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_AES_GCM_16, k, 20, IKC_ESP_AUTH_HMAC_SHA1_96, k, 20, &ctx),
	             IKC_USAGE, "AEAD with a separate ICV");
	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_TWOFISH_CBC, k, 16, IKC_ESP_AUTH_NULL, NULL, 0, &ctx),
	             IKC_UNSUPPORTED);
	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_AES_CBC, k, 16, IKC_ESP_AUTH_AES_XCBC_96, k, 20, &ctx), IKC_USAGE);
	cr_assert_eq(ikc_esp_sa_ctx_new((enum ikc_esp_enc)99, k, 16, IKC_ESP_AUTH_NULL, NULL, 0, &ctx), IKC_UNSUPPORTED);
	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_AES_CBC, k, 16, (enum ikc_esp_auth)99, NULL, 0, &ctx), IKC_USAGE);
	cr_assert_null(ctx);
	cr_assert_eq(ikc_esp_decrypt(NULL, k, 8, out, sizeof(out), &r), IKC_ESP_ERROR);
	ikc_esp_sa_ctx_free(NULL);
	cr_assert_str_eq(ikc_esp_status_name(IKC_ESP_ICV_FAILED), "icv_failed");
	cr_assert_str_eq(ikc_esp_status_name((enum ikc_esp_status)42), "?");
}

/* --------------------------------------------------------- RFC vectors */

/* RFC 3566 §4, key 000102...0f, messages 00 01 02 ... of the given length
 * (case 7: 1000 zero bytes). */
Test(esp_vectors, aes_xcbc_mac_rfc3566)
{
	static const struct {
		size_t len;
		const char *mac;
	} v[] = {
		{ 0, "75f0251d528ac01c4573dfd584d79f29" },  { 3, "5b376580ae2f19afe7219ceef172756f" },
		{ 16, "d2a246fa349b68a79998a4394ff7a263" }, { 20, "47f51b4564966215b8985c63055ed308" },
		{ 32, "f54f0ec8d2b9f3d36807734bd5283fd4" }, { 34, "becbb3bccdb518a30677d5481fb6b4d8" },
	};
	uint8_t key[16], msg[1000], mac[16], want[16];

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 40; i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < N(v); i++) {
		cr_assert_eq(ikc_aes_xcbc_mac(key, msg, v[i].len, mac), IKC_OK);
		unhex(v[i].mac, want, 16);
		cr_assert_eq(memcmp(mac, want, 16), 0, "RFC 3566 case %zu", i + 1);
	}
	memset(msg, 0, sizeof(msg));
	cr_assert_eq(ikc_aes_xcbc_mac(key, msg, 1000, mac), IKC_OK);
	unhex("f0dafee895db30253761103b5d84528f", want, 16);
	cr_assert_eq(memcmp(mac, want, 16), 0, "RFC 3566 case 7");
}

/* AES-XCBC-MAC-96 as an ESP ICV: a NULL-cipher packet whose ICV input
 * (SPI .. trailer) is RFC 3566 case 4's message 00 01 .. 13, followed by
 * the first 12 bytes of that case's MAC. */
Test(esp_vectors, aes_xcbc_96_as_esp_icv)
{
	struct ikc_esp_sa_ctx *ctx = NULL;
	uint8_t key[16], pkt[32], out[32], icv[16];
	struct ikc_esp_plain r;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 20; i++)
		pkt[i] = (uint8_t)i;
	unhex("47f51b4564966215b8985c63055ed308", icv, 16);
	memcpy(pkt + 20, icv, 12);
	cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_NULL, NULL, 0, IKC_ESP_AUTH_AES_XCBC_96, key, 16, &ctx), IKC_OK);
	/* ICV verifies; then the trailer 0x12 0x13 says 18 pad bytes 1..18,
	 * which 08..11 are not: BAD_PADDING proves the ICV passed. */
	cr_assert_eq(ikc_esp_decrypt(ctx, pkt, 32, out, sizeof(out), &r), IKC_ESP_BAD_PADDING);
	cr_assert(r.icv_checked);
	pkt[31] ^= 1;
	cr_assert_eq(ikc_esp_decrypt(ctx, pkt, 32, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
	ikc_esp_sa_ctx_free(ctx);
}

/* RFC 3686 §6 test vectors #1, #2 and #7, fed through ikc_esp_decrypt as
 * SPI | seq | IV | ciphertext with no ICV.  The RFC plaintexts are not ESP
 * trailers, so the status is BAD_PADDING and the decrypted bytes are
 * compared. */
Test(esp_vectors, aes_ctr_rfc3686)
{
	static const struct {
		const char *key_nonce, *iv, *pt, *ct;
	} v[] = {
		{ "AE6852F8121067CC4BF7A5765577F39E" "00000030", "0000000000000000",
		  "53696E676C6520626C6F636B206D7367", "E4095D4FB7A7B3792D6175A3261311B8" },
		{ "7E24067817FAE0D743D6CE1F32539163" "006CB6DB", "C0543B59DA48D90B",
		  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
		  "5104A106168A72D9790D41EE8EDAD388EB2E1EFC46DA57C8FCE630DF9141BE28" },
		{ "776BEFF2851DB06F4C8A0542C8696F6C6A81AF1EEC96B4D37FC1D689E6C1C104" "00000060",
		  "DB5672C97AA8F0B2", "53696E676C6520626C6F636B206D7367",
		  "145AD01DBF824EC7560863DC71E3E0C0" },
	};

	for (size_t i = 0; i < N(v); i++) {
		uint8_t k[40], pkt[64] = { 0 }, pt[32], out[64];
		size_t kl = unhex(v[i].key_nonce, k, sizeof(k));
		size_t ivl = unhex(v[i].iv, pkt + 8, 8);
		size_t ctl = unhex(v[i].ct, pkt + 16, 32);
		struct ikc_esp_sa_ctx *ctx = NULL;
		struct ikc_esp_plain r;

		unhex(v[i].pt, pt, sizeof(pt));
		cr_assert_eq(ivl, 8);
		cr_assert_eq(ikc_esp_sa_ctx_new(IKC_ESP_ENC_AES_CTR, k, kl, IKC_ESP_AUTH_NULL, NULL, 0, &ctx), IKC_OK);
		cr_assert_eq(ikc_esp_decrypt(ctx, pkt, 16 + ctl, out, sizeof(out), &r), IKC_ESP_BAD_PADDING);
		cr_assert_eq(r.plain_len, ctl);
		cr_assert_eq(memcmp(r.plain, pt, ctl), 0, "RFC 3686 vector %zu", i);
		ikc_esp_sa_ctx_free(ctx);
	}
}

/* ------------------------------------------------- tables and IKEv1 ids */

Test(esp_tables, ikev1_doi_mapping)
{
	struct ikc_esp_ikev1_alg a;

	/* ESP_AES (12), 128-bit, HMAC-SHA (2): 16 + 20 bytes of KEYMAT */
	cr_assert_eq(ikc_esp_from_ikev1(12, 128, 2, &a), IKC_OK);
	cr_assert_eq(a.enc, IKC_ESP_ENC_AES_CBC);
	cr_assert_eq(a.auth, IKC_ESP_AUTH_HMAC_SHA1_96);
	cr_assert_eq(a.enc_key_len, 16);
	cr_assert_eq(a.auth_key_len, 20);
	/* ESP_AES 256 + HMAC-SHA2-256 (5): RFC 4868 128-bit ICV */
	cr_assert_eq(ikc_esp_from_ikev1(12, 256, 5, &a), IKC_OK);
	cr_assert_eq(a.auth, IKC_ESP_AUTH_HMAC_SHA2_256_128);
	cr_assert_eq(a.enc_key_len + a.auth_key_len, 64);
	/* ESP_AES-GCM-16 (20), 128: key + salt = 20 bytes, no auth */
	cr_assert_eq(ikc_esp_from_ikev1(20, 128, 0, &a), IKC_OK);
	cr_assert_eq(a.enc, IKC_ESP_ENC_AES_GCM_16);
	cr_assert_eq(a.enc_key_len, 20);
	cr_assert_eq(a.auth_key_len, 0);
	cr_assert_eq(ikc_esp_from_ikev1(18, 256, 0, &a), IKC_OK);
	cr_assert_eq(a.enc, IKC_ESP_ENC_AES_GCM_8);
	cr_assert_eq(a.enc_key_len, 36);
	cr_assert_eq(ikc_esp_from_ikev1(19, 192, 0, &a), IKC_OK);
	cr_assert_eq(a.enc, IKC_ESP_ENC_AES_GCM_12);
	/* ESP_AES-CTR (13): key + 4-byte nonce; AES-XCBC (9) key 16 */
	cr_assert_eq(ikc_esp_from_ikev1(13, 0, 9, &a), IKC_OK);
	cr_assert_eq(a.enc, IKC_ESP_ENC_AES_CTR);
	cr_assert_eq(a.enc_key_len, 20);
	cr_assert_eq(a.auth, IKC_ESP_AUTH_AES_XCBC_96);
	cr_assert_eq(a.auth_key_len, 16);
	/* ESP_3DES (3) + HMAC-MD5 (1); 6 and 7 for SHA2-384/512 */
	cr_assert_eq(ikc_esp_from_ikev1(3, 0, 1, &a), IKC_OK);
	cr_assert_eq(a.enc, IKC_ESP_ENC_3DES_CBC);
	cr_assert_eq(a.enc_key_len, 24);
	cr_assert_eq(a.auth_key_len, 16);
	cr_assert_eq(ikc_esp_from_ikev1(12, 0, 6, &a), IKC_OK);
	cr_assert_eq(a.auth, IKC_ESP_AUTH_HMAC_SHA2_384_192);
	cr_assert_eq(a.auth_key_len, 48);
	cr_assert_eq(ikc_esp_from_ikev1(12, 0, 7, &a), IKC_OK);
	cr_assert_eq(a.auth, IKC_ESP_AUTH_HMAC_SHA2_512_256);
	cr_assert_eq(a.enc_key_len, 16, "no Key Length attribute: 128");
	/* refusals */
	cr_assert_eq(ikc_esp_from_ikev1(12, 100, 2, &a), IKC_MALFORMED);
	cr_assert_eq(ikc_esp_from_ikev1(20, 128, 2, &a), IKC_MALFORMED, "GCM with HMAC");
	cr_assert_eq(ikc_esp_from_ikev1(23, 128, 0, &a), IKC_UNSUPPORTED);
	cr_assert_eq(ikc_esp_from_ikev1(12, 128, 4, &a), IKC_UNSUPPORTED);
}

Test(esp_tables, descriptors)
{
	const struct ikc_esp_enc_desc *e;

	e = ikc_esp_enc_find(IKC_ESP_ENC_AES_CBC, 24);
	cr_assert_not_null(e);
	cr_assert_eq(e->iv_len, 16);
	e = ikc_esp_enc_find(IKC_ESP_ENC_AES_GCM_12, 36);
	cr_assert_not_null(e);
	cr_assert_eq(e->key_len, 32);
	cr_assert_eq(e->icv_len, 12);
	cr_assert_null(ikc_esp_enc_find(IKC_ESP_ENC_AES_CTR, 16));
	cr_assert_eq(ikc_esp_auth_find(IKC_ESP_AUTH_HMAC_SHA2_512_256)->icv_len, 32);
	cr_assert_null(ikc_esp_auth_find(IKC_ESP_AUTH_COUNT));
	/* The ICV lengths agree with the list's own column. */
#define X_ICV(id, name, icv) cr_assert_eq(ikc_esp_auth_find(IKC_ESP_AUTH_##id)->icv_len, icv);
	IKC_ESP_AUTH_LIST(X_ICV)
#undef X_ICV
}

/* ------------------------------------------------------ round trips */

/* Self-consistency over every algorithm this build can do (not an
 * independent truth: the captures and vectors above are). */
Test(esp_roundtrip, all_algorithms)
{
	static const struct {
		enum ikc_esp_enc enc;
		size_t elen;
		enum ikc_esp_auth auth;
		size_t alen;
	} v[] = {
		{ IKC_ESP_ENC_3DES_CBC, 24, IKC_ESP_AUTH_HMAC_SHA2_384_192, 48 },
		{ IKC_ESP_ENC_AES_CBC, 24, IKC_ESP_AUTH_HMAC_SHA2_512_256, 64 },
		{ IKC_ESP_ENC_AES_CBC, 16, IKC_ESP_AUTH_AES_XCBC_96, 16 },
		{ IKC_ESP_ENC_AES_CTR, 20, IKC_ESP_AUTH_HMAC_SHA1_96, 20 },
		{ IKC_ESP_ENC_AES_CTR, 36, IKC_ESP_AUTH_HMAC_SHA2_256_96, 32 },
		{ IKC_ESP_ENC_AES_GCM_8, 20, IKC_ESP_AUTH_NULL, 0 },
		{ IKC_ESP_ENC_AES_GCM_12, 28, IKC_ESP_AUTH_NULL, 0 },
		{ IKC_ESP_ENC_AES_GCM_16, 36, IKC_ESP_AUTH_NULL, 0 },
		{ IKC_ESP_ENC_AES_GCM_16_IIV, 20, IKC_ESP_AUTH_NULL, 0 },
		{ IKC_ESP_ENC_CHACHA20_POLY1305, 36, IKC_ESP_AUTH_NULL, 0 },
		{ IKC_ESP_ENC_CHACHA20_POLY1305_IIV, 36, IKC_ESP_AUTH_NULL, 0 },
		{ IKC_ESP_ENC_NULL, 0, IKC_ESP_AUTH_HMAC_MD5_96, 16 },
	};
	uint8_t ek[64], ak[64], iv[16], payload[300], pkt[512], out[512];

	for (size_t i = 0; i < sizeof(ek); i++) {
		ek[i] = (uint8_t)(i * 7 + 1);
		ak[i] = (uint8_t)(i * 13 + 5);
	}
	memset(iv, 0xa5, sizeof(iv));
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	for (size_t i = 0; i < N(v); i++) {
		struct ikc_esp_sa_ctx *tx = NULL, *rx = NULL;

		cr_assert_eq(ikc_esp_sa_ctx_new_encrypt(v[i].enc, ek, v[i].elen, v[i].auth, ak, v[i].alen, &tx), IKC_OK, "%zu", i);
		cr_assert_eq(ikc_esp_sa_ctx_new(v[i].enc, ek, v[i].elen, v[i].auth, ak, v[i].alen, &rx), IKC_OK);
		for (size_t plen = 0; plen < sizeof(payload); plen += 37) {
			size_t len = 0;
			struct ikc_esp_plain r;

			cr_assert_eq(ikc_esp_encrypt(tx, 0x1234, (uint32_t)plen + 1, iv, 41, payload, plen, pkt, sizeof(pkt), &len), IKC_OK);
			cr_assert_eq(ikc_esp_decrypt(rx, pkt, len, out, sizeof(out), &r), IKC_ESP_OK, "alg %zu plen %zu", i, plen);
			cr_assert(r.icv_checked);
			cr_assert_eq(r.next_header, 41);
			cr_assert_eq(r.seq, plen + 1);
			cr_assert_eq(r.payload_len, plen);
			cr_assert_eq(memcmp(r.payload, payload, plen), 0);
			pkt[len / 2] ^= 0x10;
			cr_assert_eq(ikc_esp_decrypt(rx, pkt, len, out, sizeof(out), &r), IKC_ESP_ICV_FAILED);
		}
		ikc_esp_sa_ctx_free(tx);
		ikc_esp_sa_ctx_free(rx);
	}
}

/* fuzz_decrypt.c - libFuzzer harness: mutated encrypted IKEv1 messages
 * reaching decryption, the decoder of decrypted bodies and HASH verification.
 *
 * At start-up the harness reads captures/lab/mm-psk-aes128-sha1-g2.pcap (Main
 * Mode, PSK, AES-CBC-128, SHA1, group 2) and its keys file with ikc_keys_load.
 * Each input is run through a fresh pipeline (tools/fuzz/pipeline.h, main.c's
 * loop): the capture's own MM1..MM4 (and MM5, MM6 where the position needs
 * them), then one message built from the input:
 *
 *   byte 0   bits 0-1  position: 0 MM5, 1 MM6, 2 first Quick Mode message,
 *                      3 Informational
 *            bit 2     the body is plaintext: the harness encrypts it with the
 *                      SA's key and the IV RFC 2409 App. B gives for that
 *                      position, so the fuzzer controls the decrypted chain
 *            bit 3     (plaintext) put the correct HASH into the first HASH
 *                      payload, so HASH verification succeeds and the session
 *                      goes on to what follows a verified message
 *            bit 4     send the message twice (retransmission path)
 *            bit 5     from the other peer (addresses and ports swapped)
 *            bit 6     header length field = the input's byte 6 instead of
 *                      the true length
 *   byte 1   next payload of the ISAKMP header (first payload of the body)
 *   2..5     message ID (Quick Mode / Informational; ignored for MM5/MM6)
 *   6..      the body: ciphertext, or plaintext when bit 2 is set
 *
 * The secrets are derived here too (ikecrypto.h, from the PSK and g^xy of
 * the keys file and the capture's nonces and KE payloads), and checked once at
 * start-up by decrypting the capture's MM5 and QM1 to sound payload chains, so
 * a broken derivation stops the harness instead of fuzzing nothing.
 *
 * FUZZ_DECRYPT_SEEDS=DIR: write seed inputs (the capture's real encrypted
 * messages, and their plaintexts in bit-2 form) into DIR and exit.
 * FUZZ_DECRYPT_PCAP=FILE: also write every message fed to the pipeline as a
 * capture (Ethernet/IPv4/UDP): with the lab keys beside it, that file is the
 * reproducer for captures/regress/.
 * FUZZ_DECRYPT_SHOW=1: the output goes to stdout instead of /dev/null (to
 * see what an input does: run the binary on that one file).
 */
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/provider.h>

#include "../../decoders/ikecrypto.h"
#include "../../dissector/capture.h"
#include "pcapw.h"
#include "pipeline.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CASE "captures/lab/mm-psk-aes128-sha1-g2"
#define NMSG 11          /* MM1..MM6, QM1..QM3, INFO, INFO */
#define BLOCK 16
#define MAX_BODY 65536

enum { MM1, MM2, MM3, MM4, MM5, MM6, QM1, QM2, QM3, INFO1, INFO2 };

struct fz_msg {
	struct ikc_pkt pkt;
	uint8_t *data;
	size_t len;
};

struct fz_state {
	FILE *null;
	FILE *pcap;      /* FUZZ_DECRYPT_PCAP */
	struct ikc_keys *keys;
	OSSL_PROVIDER *prov_default, *prov_legacy;
	struct fz_msg m[NMSG];
	size_t nm;
	struct ikc_net *net;     /* only while reading the capture */
	/* derived from the capture and the keys file */
	const struct ikc_hash_desc *h;
	const struct ikc_cipher_desc *ci;
	uint8_t skeyid[IKC_MAX_HASH], skeyid_d[IKC_MAX_HASH], skeyid_a[IKC_MAX_HASH], skeyid_e[IKC_MAX_HASH];
	uint8_t ka[IKC_MAX_KEY], iv0[BLOCK];
	uint8_t gxi[256], gxr[256], ni[256], nr[256], sai[2048];
	size_t gxi_len, gxr_len, ni_len, nr_len, sai_len;
};
static struct fz_state st;   /* harness state, set up once */

static void die(const char *what)
{
	fprintf(stderr, "fuzz_decrypt: %s\n", what);
	exit(1);
}

static void keep_pkt(void *ctx, const struct ikc_pkt *pkt)
{
	(void)ctx;
	if (pkt->transport != IKC_T_UDP500 && pkt->transport != IKC_T_UDP4500_IKE)
		return;
	if (st.nm == NMSG)
		return;
	st.m[st.nm].pkt = *pkt;
	st.m[st.nm].data = malloc(pkt->len);
	if (!st.m[st.nm].data)
		die("out of memory");
	memcpy(st.m[st.nm].data, pkt->data, pkt->len);
	st.m[st.nm].len = pkt->len;
	st.m[st.nm].pkt.data = st.m[st.nm].data;
	st.nm++;
}

static void on_frame(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec, const uint8_t *bytes,
		     size_t caplen, size_t wirelen)
{
	(void)ctx;
	(void)ikc_net_input(st.net, dlt, frame, ts_sec, ts_nsec, bytes, caplen, wirelen, keep_pkt, NULL);
}

/* The value of the first `payload` of clear message i (body, without header). */
static void clear_payload(struct ikc_arena *a, size_t i, uint8_t type, uint8_t *out, size_t max, size_t *len)
{
	struct ikc_decode_ctx ctx = { .doi = IKC_DOI_IPSEC };
	struct ikc_msg msg;
	const struct ikc_payload *p;

	ikc_arena_reset(a);
	if (ikc_isakmp_decode(a, st.m[i].data, st.m[i].len, &ctx, &msg) != IKC_OK)
		die("capture message does not decode");
	p = ikc_find_payload(msg.payloads, msg.npayloads, type);
	if (!p || p->body_len > max)
		die("capture message lacks a payload");
	memcpy(out, p->body, p->body_len);
	*len = p->body_len;
}

/* Hex after the last space of the first line starting with `word`. */
static size_t keyfile_value(const char *text, const char *word, uint8_t *out, size_t max, bool quoted)
{
	const char *l = text;

	while (l && *l) {
		if (strncmp(l, word, strlen(word)) == 0) {
			const char *end = strchr(l, '\n');
			size_t n = 0;

			if (!end)
				end = l + strlen(l);
			if (quoted) {
				const char *q = memchr(l, '"', (size_t)(end - l));
				const char *q2 = q ? memchr(q + 1, '"', (size_t)(end - q - 1)) : NULL;
				if (!q2 || (size_t)(q2 - q - 1) > max)
					die("bad psk line");
				memcpy(out, q + 1, (size_t)(q2 - q - 1));
				return (size_t)(q2 - q - 1);
			}
			{
				const char *s = end;
				while (s > l && s[-1] != ' ')
					s--;
				for (; s + 1 < end && n < max; s += 2) {
					unsigned v;
					if (sscanf(s, "%2x", &v) != 1)
						die("bad hex in keys file");
					out[n++] = (uint8_t)v;
				}
			}
			return n;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	die("keys file lacks a line");
	return 0;
}

static void derive(const char *keyfile)
{
	struct ikc_arena a;
	char text[4096];
	uint8_t psk[128], gxy[IKC_MAX_DH];
	size_t psk_len, gxy_len, n, hl;
	FILE *f = fopen(keyfile, "r");

	if (!f)
		die("cannot open the keys file");
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	psk_len = keyfile_value(text, "psk ", psk, sizeof psk, true);
	gxy_len = keyfile_value(text, "dh ", gxy, sizeof gxy, false);

	if (ikc_arena_init(&a, 1u << 16) != 0)
		die("out of memory");
	clear_payload(&a, MM1, IKC_PT_SA, st.sai, sizeof st.sai, &st.sai_len);
	clear_payload(&a, MM3, IKC_PT_KE, st.gxi, sizeof st.gxi, &st.gxi_len);
	clear_payload(&a, MM4, IKC_PT_KE, st.gxr, sizeof st.gxr, &st.gxr_len);
	clear_payload(&a, MM3, IKC_PT_NONCE, st.ni, sizeof st.ni, &st.ni_len);
	clear_payload(&a, MM4, IKC_PT_NONCE, st.nr, sizeof st.nr, &st.nr_len);
	ikc_arena_free(&a);

	st.h = ikc_hash_by_ike_id(2);        /* the lab case's SHA1 */
	st.ci = ikc_cipher_by_ike_id(7, 128); /* and AES-CBC-128 */
	if (!st.h || !st.ci)
		die("SHA1 / AES-128-CBC unavailable");
	if (ikc_skeyid_psk(st.h, psk, psk_len, st.ni, st.ni_len, st.nr, st.nr_len, st.skeyid, &hl) ||
	    ikc_skeyid_derive(st.h, st.skeyid, hl, gxy, gxy_len, st.m[MM1].data, st.m[MM2].data + 8, st.skeyid_d,
			      st.skeyid_a, st.skeyid_e) ||
	    ikc_p1_enc_key(st.h, st.skeyid_e, st.h->len, st.ci->key_len, st.ka) ||
	    ikc_p1_iv(st.h, st.gxi, st.gxi_len, st.gxr, st.gxr_len, BLOCK, st.iv0))
		die("key derivation failed");
}

static const uint8_t *last_block(size_t i)
{
	return st.m[i].data + st.m[i].len - BLOCK;
}

/* The IV RFC 2409 App. B gives the first message at a position. */
static void iv_for(unsigned pos, uint32_t msgid, uint8_t iv[BLOCK])
{
	if (pos == 0)
		memcpy(iv, st.iv0, BLOCK);
	else if (pos == 1)
		memcpy(iv, last_block(MM5), BLOCK);
	else if (ikc_p2_iv(st.h, last_block(MM6), BLOCK, msgid, iv) != IKC_OK)
		die("p2 iv");
}

/* Decrypt capture message i with iv, check the chain decodes soundly. */
static size_t decrypt_capture(size_t i, const uint8_t *iv, uint8_t *out)
{
	struct ikc_arena a;
	struct ikc_decode_ctx ctx = { .doi = IKC_DOI_IPSEC };
	struct ikc_payload *pl;
	size_t n = 0, len = st.m[i].len - 28;
	ikc_notes cn = 0;

	if (ikc_cbc_decrypt(st.ci, st.ka, iv, st.m[i].data + 28, len, out, NULL) != IKC_OK)
		die("decrypt");
	if (ikc_arena_init(&a, 1u << 16) != 0)
		die("out of memory");
	if (ikc_payload_chain_decode(&a, st.m[i].data[16], out, len, &ctx, &pl, &n, &cn) != IKC_OK || n < 2 ||
	    pl[0].notes)
		die("the derived key does not decrypt the capture: fix the harness");
	ikc_arena_free(&a);
	return len;
}

/* Write the correct HASH into the first HASH payload of a plaintext chain. */
static void fix_hash(unsigned pos, uint32_t msgid, uint8_t first, uint8_t *plain, size_t len, bool responder)
{
	struct ikc_arena a;
	struct ikc_decode_ctx ctx = { .doi = IKC_DOI_IPSEC };
	struct ikc_payload *pl = NULL;
	size_t n = 0, hi, outlen;
	ikc_notes cn = 0;
	uint8_t out[IKC_MAX_HASH];
	enum ikc_err err = IKC_MALFORMED;

	if (ikc_arena_init(&a, 1u << 18) != 0)
		return;
	if (ikc_payload_chain_decode(&a, first, plain, len, &ctx, &pl, &n, &cn) != IKC_OK)
		goto out;
	for (hi = 0; hi < n && pl[hi].type != IKC_PT_HASH; hi++)
		;
	if (hi == n || pl[hi].body_len != st.h->len)
		goto out;
	if (pos < 2) {
		const struct ikc_payload *id = ikc_find_payload(pl, n, IKC_PT_ID);
		struct ikc_p1_hash_in in = {
			.gxi = st.gxi, .gxi_len = st.gxi_len, .gxr = st.gxr, .gxr_len = st.gxr_len,
			.cky_i = st.m[MM1].data, .cky_r = st.m[MM2].data + 8, .sai_b = st.sai, .sai_len = st.sai_len,
			.id_b = id ? id->body : NULL, .id_len = id ? id->body_len : 0,
		};
		if (id)
			err = ikc_p1_hash(st.h, st.skeyid, st.h->len, responder, &in, out, &outlen);
	} else {
		const uint8_t *after = NULL;
		size_t after_len = 0;

		/* a LENGTH_SHORT payload ends the chain with no body at all */
		if (hi + 1 < n && pl[hi + 1].body && pl[n - 1].body) {
			after = pl[hi + 1].body - 4;
			after_len = (size_t)(pl[n - 1].body + pl[n - 1].body_len - after);
		}
		if (pos == 2)
			err = ikc_qm_hash1(st.h, st.skeyid_a, st.h->len, msgid, after, after_len, out, &outlen);
		else
			err = ikc_info_hash(st.h, st.skeyid_a, st.h->len, msgid, after, after_len, out, &outlen);
	}
	if (err == IKC_OK && outlen == pl[hi].body_len)
		memcpy((uint8_t *)(uintptr_t)pl[hi].body, out, outlen);
out:
	ikc_arena_free(&a);
}

static void put_seed(const char *dir, const char *name, uint8_t sel, uint8_t next, uint32_t msgid,
		     const uint8_t *body, size_t len)
{
	char path[4096];
	uint8_t hdr[6] = { sel, next, (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16), (uint8_t)(msgid >> 8),
			   (uint8_t)msgid };
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(hdr, 1, 6, f) != 6 || fwrite(body, 1, len, f) != len)
		die("cannot write a seed");
	fclose(f);
}

static uint32_t msgid_of(size_t i)
{
	const uint8_t *p = st.m[i].data + 20;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decrypt the capture's MM5, MM6, QM1 and INFO with the derived key (a
 * self-check) and, if asked, write seeds from them. */
static void self_check(const char *seed_dir)
{
	static const struct { size_t i; unsigned pos; const char *name; } k[] = {
		{ MM5, 0, "mm5" }, { MM6, 1, "mm6" }, { QM1, 2, "qm1" }, { INFO1, 3, "info1" }, { INFO2, 3, "info2" },
	};
	uint8_t plain[4096], iv[BLOCK];

	for (size_t j = 0; j < sizeof k / sizeof k[0]; j++) {
		size_t i = k[j].i, len;
		uint32_t mid = msgid_of(i);
		char name[64];

		if (st.m[i].len - 28 > sizeof plain)
			die("capture message too long");
		iv_for(k[j].pos, mid, iv);
		len = decrypt_capture(i, iv, plain);
		if (!seed_dir)
			continue;
		snprintf(name, sizeof name, "%s-cipher", k[j].name);
		put_seed(seed_dir, name, (uint8_t)k[j].pos, st.m[i].data[16], mid, st.m[i].data + 28, len);
		snprintf(name, sizeof name, "%s-plain", k[j].name);
		put_seed(seed_dir, name, (uint8_t)(k[j].pos | 4), st.m[i].data[16], mid, plain, len);
		snprintf(name, sizeof name, "%s-plain-hash", k[j].name);
		put_seed(seed_dir, name, (uint8_t)(k[j].pos | 4 | 8), st.m[i].data[16], mid, plain, len);
		snprintf(name, sizeof name, "%s-plain-retransmit", k[j].name);
		put_seed(seed_dir, name, (uint8_t)(k[j].pos | 4 | 8 | 16), st.m[i].data[16], mid, plain, len);
	}
}

/* Free what start-up made, so LeakSanitizer's exit check stays quiet. */
static void at_exit(void)
{
	ikc_keys_free(st.keys);
	for (size_t i = 0; i < st.nm; i++)
		free(st.m[i].data);
	ikc_crypto_release();
	if (st.prov_legacy)
		OSSL_PROVIDER_unload(st.prov_legacy);
	if (st.prov_default)
		OSSL_PROVIDER_unload(st.prov_default);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char root[4096], keyfile[4096], pcapfile[4096], errbuf[IKC_CAPTURE_ERRBUF_SIZE], warn[512];
	struct ikc_net_config ncfg;
	struct ikc_capture *cap = NULL;
	const char *seed_dir = getenv("FUZZ_DECRYPT_SEEDS");
	FILE *probe;

	(void)argc;
	/* The repository root: the current directory, else two levels above the binary. */
	snprintf(root, sizeof root, ".");
	probe = fopen(CASE ".pcap", "rb");
	if (probe) {
		fclose(probe);
	} else {
		char tmp[4096];
		snprintf(tmp, sizeof tmp, "%s", (*argv)[0]);
		snprintf(root, sizeof root, "%s/..", dirname(tmp));
	}
	snprintf(keyfile, sizeof keyfile, "%s/%s.keys", root, CASE);
	snprintf(pcapfile, sizeof pcapfile, "%s/%s.pcap", root, CASE);

	/* As main.c: the legacy provider for DES/Blowfish/CAST. */
	st.prov_default = OSSL_PROVIDER_load(NULL, "default");
	st.prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	ikc_crypto_init();
	atexit(at_exit);
	st.null = getenv("FUZZ_DECRYPT_SHOW") ? stdout : fopen("/dev/null", "w");
	st.keys = ikc_keys_new();
	if (!st.null || !st.keys)
		die("out of memory");
	if (getenv("FUZZ_DECRYPT_PCAP") && !(st.pcap = fz_pcap_open(getenv("FUZZ_DECRYPT_PCAP"))))
		die("cannot write FUZZ_DECRYPT_PCAP");
	if (ikc_keys_load(st.keys, keyfile, errbuf, sizeof errbuf, warn, sizeof warn) != IKC_OK)
		die(errbuf);
	ikc_net_config_default(&ncfg);
	st.net = ikc_net_new(&ncfg);
	if (!st.net || ikc_capture_open_offline(&cap, pcapfile, errbuf, sizeof errbuf) != IKC_OK ||
	    ikc_capture_loop(cap, 0, NULL, on_frame, NULL, errbuf, sizeof errbuf) != IKC_OK)
		die(errbuf);
	ikc_capture_close(cap);
	ikc_net_free(st.net);
	st.net = NULL;
	if (st.nm != NMSG)
		die("the lab capture does not hold 11 IKE messages");
	derive(keyfile);
	self_check(seed_dir);
	if (seed_dir) {
		fprintf(stderr, "fuzz_decrypt: seeds written to %s\n", seed_dir);
		exit(0);
	}
	return 0;
}

static void feed(struct fz_run *r, const struct ikc_pkt *pkt)
{
	if (st.pcap) {
		fz_pcap_udp(st.pcap, (uint32_t)pkt->frame, pkt->src, pkt->dst, pkt->sport, pkt->dport, pkt->data,
			    pkt->len);
		fflush(st.pcap);
	}
	fz_on_pkt(r, pkt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t before[4] = { MM5, MM6, QM1, QM1 };   /* messages fed first */
	static const size_t like[4] = { MM5, MM6, QM1, INFO1 };   /* whose addresses it takes */
	static const uint8_t exch[4] = { IKC_EX_MAIN, IKC_EX_MAIN, IKC_EX_QUICK, IKC_EX_INFO };
	struct fz_run r;
	struct ikc_pkt pkt;
	uint8_t *msg;
	size_t body, len;
	unsigned pos;
	uint8_t sel;
	uint32_t msgid;

	if (size < 6 || size - 6 > MAX_BODY)
		return 0;
	sel = data[0];
	pos = sel & 3;
	msgid = pos < 2 ? 0 : (uint32_t)data[2] << 24 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 8 | data[5];
	body = size - 6;
	/* plaintext is zero-padded to whole blocks before encryption */
	len = 28 + ((sel & 4) ? (body + BLOCK - 1) / BLOCK * BLOCK : body);
	msg = calloc(1, len ? len : 1);
	if (!msg)
		return 0;
	memcpy(msg, st.m[MM2].data, 16);                /* CKY-I, CKY-R */
	msg[16] = data[1];
	msg[17] = 0x10;
	msg[18] = exch[pos];
	msg[19] = IKC_FLAG_E;
	msg[20] = (uint8_t)(msgid >> 24);
	msg[21] = (uint8_t)(msgid >> 16);
	msg[22] = (uint8_t)(msgid >> 8);
	msg[23] = (uint8_t)msgid;
	{
		uint32_t hl = (sel & 64) ? data[6 % size] : (uint32_t)len;
		msg[24] = (uint8_t)(hl >> 24);
		msg[25] = (uint8_t)(hl >> 16);
		msg[26] = (uint8_t)(hl >> 8);
		msg[27] = (uint8_t)hl;
	}
	memcpy(msg + 28, data + 6, body);
	if ((sel & 4) && len > 28) {
		uint8_t iv[BLOCK];

		if (sel & 8)
			fix_hash(pos, msgid, data[1], msg + 28, len - 28, (pos == 1) != ((sel & 32) != 0));
		iv_for(pos, msgid, iv);
		if (ikc_cbc_encrypt(st.ci, st.ka, iv, msg + 28, len - 28, msg + 28, NULL) != IKC_OK)
			abort();
	}

	if (fz_run_init(&r, st.keys, st.null, false) != 0)
		abort();
	/* Its "send twice" is the retransmission path, fed at one capture time. */
	ikc_dupes_free(r.p.dupes);
	r.p.dupes = NULL;
	for (size_t i = 0; i < before[pos]; i++)
		feed(&r, &st.m[i].pkt);
	pkt = st.m[like[pos]].pkt;
	if (sel & 32) {
		uint16_t port = pkt.sport;
		uint8_t addr[16];

		memcpy(addr, pkt.src, 16);
		memcpy(pkt.src, pkt.dst, 16);
		memcpy(pkt.dst, addr, 16);
		pkt.sport = pkt.dport;
		pkt.dport = port;
	}
	pkt.data = msg;
	pkt.len = pkt.wire_len = len;
	feed(&r, &pkt);
	if (sel & 16) {
		pkt.frame++;
		feed(&r, &pkt);
	}
	/* then what the capture says next, against whatever state that left */
	if (pos == 2)
		feed(&r, &st.m[QM2].pkt);
	fz_run_finish(&r);
	free(msg);
	if (st.pcap) {           /* one input, one reproducer */
		fclose(st.pcap);
		st.pcap = NULL;
	}
	return 0;
}

/* test_gdoi.c - GDOI HASHes and rekey signatures (dissector/gdoi.c) against
 * the values our RFC 6407 peers logged (captures/gdoi/NAME.truth.json:
 * SKEYID_a, the PULL plaintexts and HASHes, the bytes each rekey signature
 * covers, the signature and the KS's public key), plus hostile inputs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dissector/diagnose.h"
#include "../dissector/gdoi.h"
#include "../dissector/session.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[1] && n < cap) {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* The n-th (0-based) string value of "key": "..." in a truth file. */
static size_t truth_hex(const char *name, const char *key, int nth, uint8_t *out, size_t cap)
{
	char path[256], pat[64], *buf, *p;
	FILE *f;
	long sz;
	size_t n = 0;

	snprintf(path, sizeof path, "captures/gdoi/%s.truth.json", name);
	f = fopen(path, "rb");
	if (!f)
		cr_skip_test("%s not found (run from the top directory)", path);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)sz + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	p = buf;
	for (int i = 0; p && i <= nth; i++) {
		p = strstr(p, pat);
		if (p && i < nth)
			p += strlen(pat);
	}
	cr_assert_not_null(p, "%s: no %d-th %s", name, nth, key);
	p += strlen(pat);
	*strchr(p, '"') = '\0';
	n = unhex(p, out, cap);
	free(buf);
	return n;
}

static uint8_t pt[3][1024];
static size_t ptlen[3];

/* gdoi-rekey, M-ID df341211: PULL1..PULL3 plaintexts (frames 9-11). */
static void load_pull(void)
{
	for (int i = 0; i < 3; i++)
		ptlen[i] = truth_hex("gdoi-rekey", "plaintext", 2 + i, pt[i], sizeof pt[i]);
}

Test(gdoi, pull_hashes_match_the_peers)
{
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(4);   /* SHA2-256 */
	uint8_t ska[64], out[IKC_MAX_HASH];
	size_t alen = truth_hex("gdoi-rekey", "SKEYID_a", 0, ska, sizeof ska), olen = 0;
	const uint32_t mid = 3744731665u;
	const uint8_t *ni_b, *nr_b;

	cr_assert_not_null(h);
	load_pull();
	/* PULL1: HASH(32) at 4, then Ni (36 octets, body at 40) and ID (12) till 88. */
	ni_b = pt[0] + 36 + 4;
	cr_assert_eq(ikc_gdoi_pull_hash(h, ska, alen, mid, 1, NULL, 0, NULL, 0, pt[0] + 36, 36 + 12, out, &olen),
		     IKC_OK);
	cr_assert_eq(olen, 32);
	cr_assert_arr_eq(out, pt[0] + 4, 32, "HASH(1) = prf(SKEYID_a, M-ID | Ni | ID)");
	/* PULL2: HASH(2) over Ni_b | Nr | SA; the SA payload's length from its header. */
	{
		size_t sa_at = 36 + 36, sa_len = (size_t)pt[1][sa_at + 2] << 8 | pt[1][sa_at + 3];
		cr_assert_eq(ikc_gdoi_pull_hash(h, ska, alen, mid, 2, ni_b, 32, NULL, 0, pt[1] + 36, 36 + sa_len,
						 out, &olen),
			     IKC_OK);
		cr_assert_arr_eq(out, pt[1] + 4, 32, "HASH(2) = prf(SKEYID_a, M-ID | Ni_b | Nr | SA)");
	}
	nr_b = pt[1] + 36 + 4;
	/* PULL3: HASH only; no leading zero octet (unlike Quick Mode's HASH(3)). */
	cr_assert_eq(ikc_gdoi_pull_hash(h, ska, alen, mid, 3, ni_b, 32, nr_b, 32, NULL, 0, out, &olen), IKC_OK);
	cr_assert_arr_eq(out, pt[2] + 4, 32, "HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b)");
	/* Quick Mode's form gives something else. */
	{
		uint8_t q[IKC_MAX_HASH];
		size_t ql = 0;
		cr_assert_eq(ikc_qm_hash3(h, ska, alen, mid, ni_b, 32, nr_b, 32, q, &ql), IKC_OK);
		cr_assert(memcmp(q, pt[2] + 4, 32) != 0);
	}
}

Test(gdoi, pull_hash_refuses_missing_nonces)
{
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(2);
	uint8_t k[20] = { 0 }, out[IKC_MAX_HASH];
	size_t olen;

	cr_assert_eq(ikc_gdoi_pull_hash(h, k, 20, 1, 2, NULL, 0, NULL, 0, NULL, 0, out, &olen), IKC_USAGE);
	cr_assert_eq(ikc_gdoi_pull_hash(h, k, 20, 1, 3, k, 4, NULL, 0, NULL, 0, out, &olen), IKC_USAGE);
	cr_assert_eq(ikc_gdoi_pull_hash(h, k, 20, 1, 5, k, 4, k, 4, NULL, 0, out, &olen), IKC_USAGE);
	cr_assert_eq(ikc_gdoi_pull_hash(NULL, k, 20, 1, 1, NULL, 0, NULL, 0, NULL, 0, out, &olen), IKC_USAGE);
}

static uint8_t spki[2048], signin[4096], sig[1024];

Test(gdoi, rekey_signature_verifies)
{
	size_t kl = truth_hex("gdoi-rekey", "sig_public_key_der", 0, spki, sizeof spki);
	size_t il = truth_hex("gdoi-rekey", "signed_input", 0, signin, sizeof signin);
	size_t sl = truth_hex("gdoi-rekey", "signature", 0, sig, sizeof sig);

	cr_assert_eq(memcmp(signin, "rekey", 5), 0);
	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 3, signin, il, sig, sl), 1);
	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 0, signin, il, sig, sl), 1, "0: SHA-256 by default");
	/* One input octet changed, the wrong hash, a short signature: no. */
	signin[10] ^= 1;
	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 3, signin, il, sig, sl), 0);
	signin[10] ^= 1;
	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 2, signin, il, sig, sl), 0);
	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 3, signin, il, sig, sl - 1), 0);
	/* Not a key / unknown hash: not checkable. */
	cr_assert_eq(ikc_gdoi_sig_verify(spki, 10, 3, signin, il, sig, sl), -1);
	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 9, signin, il, sig, sl), -1);
	cr_assert_eq(ikc_gdoi_sig_verify(NULL, 0, 3, signin, il, sig, sl), -1);
}

Test(gdoi, corrupted_rekey_signature_fails)
{
	/* gdoi-rekey-badsig frame 15: one signature bit flipped by the KS. */
	size_t kl = truth_hex("gdoi-rekey-badsig", "sig_public_key_der", 0, spki, sizeof spki);
	size_t il = truth_hex("gdoi-rekey-badsig", "signed_input", 0, signin, sizeof signin);
	size_t sl = truth_hex("gdoi-rekey-badsig", "signature", 0, sig, sizeof sig);

	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 3, signin, il, sig, sl), 0);
	/* ... and its second rekey (SEQ 3) is good. */
	il = truth_hex("gdoi-rekey-badsig", "signed_input", 1, signin, sizeof signin);
	sl = truth_hex("gdoi-rekey-badsig", "signature", 1, sig, sizeof sig);
	cr_assert_eq(ikc_gdoi_sig_verify(spki, kl, 3, signin, il, sig, sl), 1);
}

Test(gdoi, exchange_doi_by_port)
{
	struct ikc_pkt pkt;
	struct ikc_msg msg;

	memset(&pkt, 0, sizeof pkt);
	memset(&msg, 0, sizeof msg);
	msg.hdr.version = 0x10;
	msg.hdr.exchange = 32;
	pkt.transport = IKC_T_UDP848;
	cr_assert_eq(ikc_gdoi_exchange_doi(&pkt, &msg, IKC_DOI_IPSEC), IKC_DOI_GDOI, "PULL whatever the P1 DOI");
	msg.hdr.exchange = IKC_EX_MAIN;
	cr_assert_eq(ikc_gdoi_exchange_doi(&pkt, &msg, IKC_DOI_IPSEC), IKC_DOI_IPSEC);
	msg.hdr.exchange = 32;
	pkt.transport = IKC_T_UDP500;
	cr_assert_eq(ikc_gdoi_exchange_doi(&pkt, &msg, IKC_DOI_IPSEC), IKC_DOI_IPSEC, "Quick Mode on 500");
	msg.hdr.exchange = 33;
	cr_assert(ikc_gdoi_is_push(IKC_DOI_GDOI, &msg));
	cr_assert(!ikc_gdoi_is_push(IKC_DOI_IPSEC, &msg));
}

Test(gdoi, empty_table)
{
	struct ikc_gdoi *g = ikc_gdoi_new();
	struct ikc_pkt pkt;
	struct ikc_msg msg;
	struct ikc_msg_info info;
	struct ikc_arena a;

	cr_assert_not_null(g);
	cr_assert_eq(ikc_arena_init(&a, 1 << 16), 0);
	memset(&pkt, 0, sizeof pkt);
	memset(&msg, 0, sizeof msg);
	memset(&info, 0, sizeof info);
	msg.hdr.version = 0x10;
	msg.hdr.exchange = 33;
	msg.hdr.flags = IKC_FLAG_E;
	msg.enc = (const uint8_t *)"0123456789abcdef";
	msg.enc_len = 16;
	info.doi = IKC_DOI_GDOI;
	/* A rekey under a KEK nobody announced: handled, no key. */
	cr_assert(ikc_gdoi_push(g, &a, &pkt, &msg, &info));
	cr_assert_eq(info.dec, IKC_DEC_NO_KEY);
	cr_assert_str_eq(info.label, "PUSH");
	cr_assert_eq(ikc_gdoi_count(g), 0);
	msg.hdr.exchange = 32;
	cr_assert(!ikc_gdoi_push(g, &a, &pkt, &msg, &info));
	ikc_arena_free(&a);
	ikc_gdoi_free(g);
}

Test(gdoi, push_ack_hostile)
{
	/* RFC 8263: exchange 35 on the GDOI port is a GROUPKEY-PUSH ACK,
	 * unencrypted; one for a KEK nobody announced, one without a SEQ,
	 * one with the E flag: labelled, never decrypted, no group made. */
	struct ikc_gdoi *g = ikc_gdoi_new();
	struct ikc_pkt pkt;
	struct ikc_msg msg;
	struct ikc_msg_info info;
	struct ikc_arena a;
	struct ikc_payload seq;

	cr_assert_not_null(g);
	cr_assert_eq(ikc_arena_init(&a, 1 << 16), 0);
	memset(&pkt, 0, sizeof pkt);
	memset(&msg, 0, sizeof msg);
	memset(&info, 0, sizeof info);
	memset(&seq, 0, sizeof seq);
	pkt.transport = IKC_T_UDP848;
	msg.hdr.version = 0x10;
	msg.hdr.exchange = 35;
	cr_assert_eq(ikc_gdoi_exchange_doi(&pkt, &msg, IKC_DOI_IPSEC), IKC_DOI_GDOI);
	info.doi = IKC_DOI_GDOI;
	cr_assert(ikc_gdoi_push(g, &a, &pkt, &msg, &info));
	cr_assert_str_eq(info.label, "PUSH-ACK");
	cr_assert_eq(info.dec, IKC_DEC_NOT_ENCRYPTED);
	cr_assert(strstr(info.dec_detail, "without a SEQ"));
	seq.type = IKC_PT_SEQ;
	seq.u.seq.seq = 7;
	msg.payloads = &seq;
	msg.npayloads = 1;
	memset(&info, 0, sizeof info);
	info.doi = IKC_DOI_GDOI;
	cr_assert(ikc_gdoi_push(g, &a, &pkt, &msg, &info));
	cr_assert(strstr(info.dec_detail, "SEQ 7") && strstr(info.dec_detail, "no group"), "%s", info.dec_detail);
	msg.hdr.flags = IKC_FLAG_E;
	memset(&info, 0, sizeof info);
	info.doi = IKC_DOI_GDOI;
	cr_assert(ikc_gdoi_push(g, &a, &pkt, &msg, &info));
	cr_assert_eq(info.dec, IKC_DEC_UNSUPPORTED);
	cr_assert_eq(ikc_gdoi_count(g), 0);
	/* Under IKEv2 (version 2.0) it is nothing of ours. */
	msg.hdr.version = 0x20;
	memset(&info, 0, sizeof info);
	info.doi = IKC_DOI_GDOI;
	cr_assert(!ikc_gdoi_push(g, &a, &pkt, &msg, &info));
	ikc_arena_free(&a);
	ikc_gdoi_free(g);
}

Test(gdoi, note_packet_hostile_times)
{
	/* Packet clock with no group, a NULL table and absurd timestamps
	 * (negative, near INT64_MAX seconds): no overflow, nothing found. */
	struct ikc_gdoi *g = ikc_gdoi_new();
	struct ikc_pkt pkt;
	struct ikc_diag_list out;

	cr_assert_not_null(g);
	memset(&pkt, 0, sizeof pkt);
	pkt.transport = IKC_T_ESP;
	pkt.data = (const uint8_t *)"\x01\x02\x03\x04\0\0\0\x01";
	pkt.len = 8;
	ikc_gdoi_note_packet(NULL, &pkt);
	pkt.ts_sec = -5;
	ikc_gdoi_note_packet(g, &pkt);
	pkt.ts_sec = INT64_MAX;
	pkt.ts_nsec = 999999999u;
	ikc_gdoi_note_packet(g, &pkt);
	ikc_diag_list_init(&out);
	cr_assert_eq(ikc_gdoi_diagnose(g, NULL, &out), IKC_OK);
	cr_assert_eq(out.n, 0);
	ikc_diag_list_free(&out);
	ikc_gdoi_free(g);
}

/* The first non-zero number value of "key": N in a truth file. */
static uint32_t truth_uint(const char *name, const char *key)
{
	char path[256], pat[64], buf[65536];
	FILE *f;
	size_t n;
	const char *p;

	snprintf(path, sizeof path, "captures/gdoi/%s.truth.json", name);
	if (!(f = fopen(path, "rb")))
		cr_skip_test("%s not found (run from the top directory)", path);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	for (p = strstr(buf, pat); p; p = strstr(p + 1, pat)) {
		unsigned long v = strtoul(p + strlen(pat), NULL, 10);
		if (v)
			return (uint32_t)v;
	}
	cr_assert_fail("%s: no non-zero %s", name, key);
	return 0;
}

/* RFC 6407 §3.2 with the options: HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b
 * [| KE_I] [| CERT] [| POP_I]), HASH(4) = prf(SKEYID_a, M-ID | Ni_b | Nr_b
 * [| KE_R] | SEQ | KD [| CERT] [| POP_R]): the payloads after the HASH, whole,
 * against the HASHes our peers sent (and verified) in gdoi-pull-pfs (KE) and
 * gdoi-pull-pop (CERT, SIG).  Plaintexts 2..5 of the truth are PULL1..PULL4. */
static void pull_opts_case(const char *name, uint32_t mid)
{
	const struct ikc_hash_desc *h = ikc_hash_by_ike_id(4);
	static uint8_t p[4][2048];
	size_t len[4], alen, olen = 0;
	uint8_t ska[64], out[IKC_MAX_HASH];

	alen = truth_hex(name, "SKEYID_a", 0, ska, sizeof ska);
	for (int i = 0; i < 4; i++)
		len[i] = truth_hex(name, "plaintext", 2 + i, p[i], sizeof p[i]);
	for (int m = 2; m < 4; m++) {
		/* the ISAKMP Length covers the zero padding: the payload chain ends
		 * where the generic headers say, so walk them */
		size_t end = 36;
		while (end + 4 <= len[m]) {
			size_t pl = (size_t)p[m][end + 2] << 8 | p[m][end + 3];
			uint8_t next = p[m][end];
			cr_assert(pl >= 4 && end + pl <= len[m]);
			end += pl;
			if (!next)
				break;
		}
		cr_assert_eq(ikc_gdoi_pull_hash(h, ska, alen, mid, m + 1, p[0] + 40, 32, p[1] + 40, 32, p[m] + 36,
						 end - 36, out, &olen),
			     IKC_OK);
		cr_assert_eq(olen, 32);
		cr_assert_arr_eq(out, p[m] + 4, 32, "%s: HASH(%d) with the KE/CERT/POP options", name, m + 1);
		/* without the options it would not match */
		cr_assert_eq(ikc_gdoi_pull_hash(h, ska, alen, mid, m + 1, p[0] + 40, 32, p[1] + 40, 32, NULL, 0, out,
						 &olen),
			     IKC_OK);
		cr_assert(memcmp(out, p[m] + 4, 32) != 0);
	}
}

Test(gdoi, pull_hashes_with_ke_cert_pop)
{
	pull_opts_case("gdoi-pull-pfs", truth_uint("gdoi-pull-pfs", "mid"));
	pull_opts_case("gdoi-pull-pop", truth_uint("gdoi-pull-pop", "mid"));
}

/* fuzz_keys.c - libFuzzer harness: the key-file parsers of dissector/keys.c.
 *
 * The input is written to a temporary file and loaded with ikc_keys_load, as
 * `ikecap -k FILE` does: the format is recognised from the content (ikecap's
 * own lines, Wireshark ikev1_decryption_table / esp_sa / ikev2 tables,
 * tcpdump -E secrets).  Every input is loaded into a fresh store, then into
 * a store that already holds the lab keys (a second load that fails must roll
 * back only its own entries).  After a successful load every lookup runs, with
 * cookies, addresses and SPIs taken from the input, and with the lab case's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../dissector/keys.h"
#include "tmpfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t lab_cookie[8] = { 0xee, 0x6d, 0x1b, 0x7f, 0x1f, 0x9b, 0x4d, 0xc5 };
static const uint8_t lab_a[16] = { 198, 51, 100, 1 }, lab_b[16] = { 198, 51, 100, 2 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_tmp_init("keys");
	return 0;
}

static void lookups(const struct ikc_keys *ks, const uint8_t *data, size_t size)
{
	uint8_t ck[8] = { 0 }, a[16] = { 0 }, b[16] = { 0 };
	const struct ikc_psk *psk[8];
	struct ikc_keys_counts c;
	uint32_t spi = 0;
	size_t len, n;

	memcpy(ck, data, size < 8 ? size : 8);
	if (size > 8)
		memcpy(a, data + 8, size - 8 < 16 ? size - 8 : 16);
	if (size > 24)
		memcpy(b, data + 24, size - 24 < 16 ? size - 24 : 16);
	if (size >= 4)
		spi = (uint32_t)data[size - 4] << 24 | (uint32_t)data[size - 3] << 16 | (uint32_t)data[size - 2] << 8 |
		      data[size - 1];

	ikc_keys_get_counts(ks, &c);
	n = ikc_keys_nfiles(ks);
	for (size_t i = 0; i < n; i++)
		(void)ikc_keys_format_name(ikc_keys_file_at(ks, i)->format);
	for (int af = 4; af <= 6; af += 2) {
		n = ikc_keys_psk_candidates(ks, af, a, b, psk, 8);
		for (size_t i = 0; i < n; i++)
			if (psk[i]->key_len && psk[i]->key[psk[i]->key_len - 1] == 0xA5)
				c.psk++;   /* touch the bytes so ASan checks them */
		(void)ikc_keys_psk_candidates(ks, af, lab_a, NULL, psk, 8);
		(void)ikc_keys_psk_candidates(ks, af, NULL, NULL, psk, 8);
		(void)ikc_keys_esp(ks, af, a, b, spi);
		(void)ikc_keys_esp(ks, af, lab_a, lab_b, spi);
	}
	for (size_t i = 0; i < 4; i++) {
		const uint8_t *p;

		if ((p = ikc_keys_dh(ks, ck, false, 0, i, &len)) && len)
			c.dh += p[len - 1];
		if ((p = ikc_keys_dh(ks, ck, true, spi, i, &len)) && len)
			c.dh += p[len - 1];
		if ((p = ikc_keys_dh(ks, lab_cookie, false, 0, i, &len)) && len)
			c.dh += p[len - 1];
		if ((p = ikc_keys_dhpriv(ks, ck, i, &len)) && len)
			c.dh += p[len - 1];
		if ((p = ikc_keys_ikev1(ks, ck, i, &len)) && len)
			c.dh += p[len - 1];
		if ((p = ikc_keys_ikev1(ks, lab_cookie, i, &len)) && len)
			c.dh += p[len - 1];
	}
	{
		const struct ikc_esp_key *e = ikc_keys_esp(ks, 4, a, b, spi);
		if (e && e->enc_key_len)
			c.esp += e->enc_key[e->enc_key_len - 1];
		if (e && e->auth_key_len)
			c.esp += e->auth_key[e->auth_key_len - 1];
	}
	(void)c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], warn[512];
	struct ikc_keys *ks;

	if (size > (1u << 20) || fz_tmp_write(data, size) != 0)
		return 0;
	ks = ikc_keys_new();
	if (!ks)
		return 0;
	if (ikc_keys_load(ks, fz_tmp_file.path, err, sizeof err, warn, sizeof warn) == IKC_OK)
		lookups(ks, data, size);
	ikc_keys_free(ks);

	/* The same file after a good one: a failure must leave the first load intact. */
	ks = ikc_keys_new();
	if (!ks)
		return 0;
	if (fz_tmp_write((const uint8_t *)"psk * \"P@ssword123\"\n", 20) == 0 &&
	    ikc_keys_load(ks, fz_tmp_file.path, err, sizeof err, warn, sizeof warn) == IKC_OK &&
	    fz_tmp_write(data, size) == 0) {
		(void)ikc_keys_load(ks, fz_tmp_file.path, err, sizeof err, warn, sizeof warn);
		lookups(ks, data, size);
	}
	ikc_keys_free(ks);
	return 0;
}

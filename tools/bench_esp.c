/* bench_esp.c - ESP verify+decrypt throughput of decoders/esp_crypto.c.
 *
 *   cc <flags> -O2 decoders/cursor.c decoders/esp_crypto.c tools/bench_esp.c \
 *      -o bench_esp -lcrypto && ./bench_esp [packets] [payload-bytes]
 *
 * Builds 64 synthetic packets per algorithm with ikc_esp_encrypt, then
 * decrypts and verifies `packets` of them in a loop through one SA context
 * (as the dissector does) and prints MB/s of ESP payload and packets/s.
 * Not a test: numbers depend on the machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../decoders/esp_crypto.h"

#define NPKT 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long parse_ul(const char *s, unsigned long def)
{
	char *end = NULL;
	unsigned long v;

	if (!s)
		return def;
	v = strtoul(s, &end, 10);
	return (end && *end == '\0' && v > 0) ? v : def;
}

static int bench(const char *label, enum ikc_esp_enc enc, size_t elen, enum ikc_esp_auth auth,
                 size_t alen, unsigned long n, size_t plen)
{
	struct ikc_esp_sa_ctx *tx = NULL, *rx = NULL;
	uint8_t ek[64], ak[64], iv[16];
	uint8_t *pkts = NULL, *payload = NULL, *out = NULL;
	size_t lens[NPKT], stride = plen + 128;
	double t0, t1;
	int rc = 1;

	for (size_t i = 0; i < sizeof(ek); i++) {
		ek[i] = (uint8_t)(i * 31 + 7);
		ak[i] = (uint8_t)(i * 17 + 3);
	}
	pkts = malloc(stride * NPKT);
	payload = malloc(plen ? plen : 1);
	out = malloc(stride);
	if (!pkts || !payload || !out)
		goto out;
	memset(payload, 0x45, plen);
	if (ikc_esp_sa_ctx_new_encrypt(enc, ek, elen, auth, ak, alen, &tx) ||
	    ikc_esp_sa_ctx_new(enc, ek, elen, auth, ak, alen, &rx)) {
		fprintf(stderr, "%s: cannot set up the SA\n", label);
		goto out;
	}
	for (size_t i = 0; i < NPKT; i++) {
		memset(iv, (int)i, sizeof(iv));
		if (ikc_esp_encrypt(tx, 0x1000, (uint32_t)i + 1, iv, 4, payload, plen, pkts + i * stride,
		                    stride, &lens[i])) {
			fprintf(stderr, "%s: encrypt failed\n", label);
			goto out;
		}
	}
	t0 = now();
	for (unsigned long k = 0; k < n; k++) {
		struct ikc_esp_plain r;
		size_t i = k % NPKT;

		if (ikc_esp_decrypt(rx, pkts + i * stride, lens[i], out, stride, &r) != IKC_ESP_OK) {
			fprintf(stderr, "%s: packet %lu did not verify\n", label, k);
			goto out;
		}
	}
	t1 = now();
	printf("%-28s %8lu pkts x %5zu B payload (%zu B ESP): %9.1f MB/s  %10.0f pkts/s\n", label, n,
	       plen, lens[0], (double)n * (double)plen / (t1 - t0) / 1e6, (double)n / (t1 - t0));
	rc = 0;
out:
	ikc_esp_sa_ctx_free(tx);
	ikc_esp_sa_ctx_free(rx);
	free(pkts);
	free(payload);
	free(out);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long n = parse_ul(argc > 1 ? argv[1] : NULL, 200000);
	size_t plen = parse_ul(argc > 2 ? argv[2] : NULL, 1400);
	int rc = 0;

	if (plen > 65000)
		plen = 65000;
	rc |= bench("AES-CBC-128 + HMAC-SHA1-96", IKC_ESP_ENC_AES_CBC, 16, IKC_ESP_AUTH_HMAC_SHA1_96,
	            20, n, plen);
	rc |= bench("AES-GCM-128 (16-byte ICV)", IKC_ESP_ENC_AES_GCM_16, 20, IKC_ESP_AUTH_NULL, 0, n,
	            plen);
	return rc;
}

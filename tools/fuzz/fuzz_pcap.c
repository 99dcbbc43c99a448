/* fuzz_pcap.c - libFuzzer harness: the whole pipeline on a capture file.
 *
 * The input is a pcap or pcapng file.  It is written to a temporary file and
 * opened with ikc_capture_open_offline (so libpcap's reader and capture.c run
 * as for `ikecap -r`), then every frame goes through the loop of main.c
 * (tools/fuzz/pipeline.h: net, IP reassembly, ISAKMP decode, IKE fragments,
 * session + decryption, ESP table, text and JSON emitters, SA summaries).
 * Keys of the lab cases are loaded once at start-up, so seeds made from the
 * lab captures decrypt and their mutations reach the crypto paths.
 * main.c is not linked (it has main()); pipeline.h is its loop, copied.
 */
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/provider.h>

#include "../../decoders/ikecrypto.h"
#include "../../dissector/capture.h"
#include "pipeline.h"
#include "tmpfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES 2000   /* keep one input under a second */

struct fz_state {
	FILE *null;
	struct ikc_keys *keys;
	struct ikc_keys *empty;       /* no keys: the reload path */
	OSSL_PROVIDER *prov_default, *prov_legacy;
};
static struct fz_state st;   /* harness state, set up once */

/* Free what start-up made, so LeakSanitizer's exit check stays quiet. */
static void at_exit(void)
{
	ikc_keys_free(st.keys);
	ikc_keys_free(st.empty);
	ikc_crypto_release();
	if (st.prov_legacy)
		OSSL_PROVIDER_unload(st.prov_legacy);
	if (st.prov_default)
		OSSL_PROVIDER_unload(st.prov_default);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const keyfiles[] = {
		"captures/lab/mm-psk-aes128-sha1-g2.keys", "captures/lab/mm-psk-aes256-sha256-g14-pfs.keys",
		"captures/lab/am-psk.keys", "captures/lab/ikev1-esp-gcm.keys", "captures/lab/natt.keys",
		"captures/corpus/tcpdump/esp-secrets.txt",
	};
	char root[4096], path[4096], err[512], warn[512];
	FILE *probe;

	(void)argc;
	snprintf(root, sizeof root, ".");
	probe = fopen(keyfiles[0], "r");
	if (probe) {
		fclose(probe);
	} else {
		char tmp[4096];
		snprintf(tmp, sizeof tmp, "%s", (*argv)[0]);
		snprintf(root, sizeof root, "%s/..", dirname(tmp));
	}
	st.prov_default = OSSL_PROVIDER_load(NULL, "default");
	st.prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	ikc_crypto_init();
	atexit(at_exit);
	st.null = getenv("FUZZ_PCAP_SHOW") ? stdout : fopen("/dev/null", "w");
	st.keys = ikc_keys_new();
	st.empty = ikc_keys_new();
	if (!st.null || !st.keys || !st.empty)
		abort();
	for (size_t i = 0; i < sizeof keyfiles / sizeof keyfiles[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", root, keyfiles[i]);
		if (ikc_keys_load(st.keys, path, err, sizeof err, warn, sizeof warn) != IKC_OK)
			fprintf(stderr, "fuzz_pcap: %s (fuzzing without those keys)\n", err);
	}
	fz_tmp_init("pcap");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[IKC_CAPTURE_ERRBUF_SIZE];
	struct ikc_capture *cap = NULL;
	struct fz_run r;

	if (size > (4u << 20) || fz_tmp_write(data, size) != 0)
		return 0;
	if (ikc_capture_open_offline(&cap, fz_tmp_file.path, errbuf, sizeof errbuf) != IKC_OK)
		return 0;
	/* Odd sizes: run without keys, keeping what finds none, then load the
	 * keys and replay it (the live reload path) over hostile bytes. */
	if (fz_run_init(&r, (size & 1) ? st.empty : st.keys, st.null, size & 1) == 0) {
		(void)ikc_capture_dlt(cap);
		(void)ikc_capture_loop(cap, MAX_FRAMES, NULL, fz_on_frame, &r, errbuf, sizeof errbuf);
		if (size & 1)
			ikc_pipeline_set_keys(&r.p, st.keys);
	}
	fz_run_finish(&r);
	ikc_capture_close(cap);
	return 0;
}

/* main.c - the ikecap command line: options, the read loop, the run summary.
 *
 * Exit status (scripts rely on it; documented in ikecap.1):
 *   0  the capture was read to its end (malformed packets included)
 *   1  a file could not be read: capture, key file, or a non-capture file
 *   2  usage error (bad option, bad filter expression)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/provider.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../decoders/esp.h"
#include "../decoders/isakmp.h"
#include "capture.h"
#include "emit.h"
#include "ikefrag.h"
#include "keys.h"
#include "net.h"
#include "session.h"

#define IKECAP_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_IO = 1, EXIT_USAGE = 2 };

static volatile sig_atomic_t g_stop;   /* the one mutable global: a signal flag */

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

struct counts {
	uint64_t frames, ike, ike_bad, ike_fragments, esp, esp_bad, keepalive;
	uint64_t not_ike, frag_held, truncated, malformed, unsupported_link;
};

struct run {
	struct ikc_net *net;
	struct ikc_session *sess;
	struct ikc_ikefrag *frag;
	struct ikc_emitter em;
	struct ikc_arena arena;
	struct ikc_capture *cap;
	struct counts n;
	bool progress;
	time_t last_progress;
};

static void usage(FILE *f)
{
	fputs("Usage: ikecap [options] -r FILE [BPF filter expression]\n"
	      "       ikecap [options] -i IFACE [BPF filter expression]\n"
	      "\n"
	      "Dissects IKEv1/ISAKMP, GDOI and ESP from a capture; with keys, decrypts.\n"
	      "\n"
	      "Input:\n"
	      "  -r FILE          read a pcap or pcapng file (\"-\" for stdin)\n"
	      "  -i IFACE         capture live on IFACE\n"
	      "  -c N             stop after N packets\n"
	      "  -k FILE|DIR      load keys (repeatable): ikecap key file, Wireshark\n"
	      "                   ikev1_decryption_table / esp_sa, tcpdump -E secrets\n"
	      "  --ike-port N     UDP port of IKE (default 500)\n"
	      "  --natt-port N    UDP port of NAT-T (default 4500)\n"
	      "  --gdoi-port N    UDP port of GDOI (default 848)\n"
	      "\n"
	      "Output:\n"
	      "  -v               the full payload tree of each message\n"
	      "  -x               with -v, the bytes of each payload in hex\n"
	      "  -T text|json     output format (json: NDJSON, one record per line)\n"
	      "  -q               no per-packet output, only the summary\n"
	      "  -n               do not resolve addresses (ikecap never does; accepted)\n"
	      "  --color=WHEN     auto (default: only on a terminal), always, never;\n"
	      "                   NO_COLOR in the environment turns colour off\n"
	      "  --show-secrets   show XAUTH passwords instead of masking them\n"
	      "  --no-progress    no progress indicator on stderr\n"
	      "  -h, --help       this help\n"
	      "  --version        version\n"
	      "\n"
	      "Exit status: 0 capture read to its end; 1 unreadable capture or key file;\n"
	      "2 usage error.\n",
	      f);
}

static int parse_port(const char *s, uint16_t *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* An IKEv1 fragment: shown as itself; once its train is complete the whole
 * message is decoded and goes through the session like any other. */
static void on_ike_fragment(struct run *r, const struct ikc_pkt *pkt, const struct ikc_msg *msg,
			    const struct ikc_decode_ctx *dctx)
{
	const struct ikc_frag *fr = &msg->payloads[0].u.frag;
	struct ikc_msg_info info;
	struct ikc_msg whole;
	struct ikc_pkt full;
	const uint8_t *data;
	size_t len;
	uint64_t first;

	memset(&info, 0, sizeof info);
	info.doi = dctx->doi;
	snprintf(info.label, sizeof info.label, "FRAG%u%s", fr->number, (fr->flags & 1) ? "/last" : "");
	r->n.ike_fragments++;
	ikc_emit_isakmp(&r->em, pkt, msg, &info);
	if (ikc_ikefrag_add(r->frag, pkt, msg, fr, &data, &len, &first) != IKC_IF_COMPLETE)
		return;
	full = *pkt;
	full.data = data;
	full.len = full.wire_len = len;
	full.reassembled = true;
	full.first_frame = first;
	if (ikc_isakmp_decode(&r->arena, data, len, dctx, &whole) != IKC_OK) {
		r->n.ike_bad++;
		ikc_emit_bad_isakmp(&r->em, &full, IKC_MALFORMED);
		return;
	}
	ikc_session_process(r->sess, &r->arena, &full, &whole, &info);
	ikc_emit_isakmp(&r->em, &full, &whole, &info);
}

static void on_pkt(void *ctx, const struct ikc_pkt *pkt)
{
	struct run *r = ctx;

	ikc_arena_reset(&r->arena);
	switch (pkt->transport) {
	case IKC_T_UDP500:
	case IKC_T_UDP4500_IKE:
	case IKC_T_UDP848: {
		struct ikc_decode_ctx dctx = { .doi = pkt->transport == IKC_T_UDP848 ? IKC_DOI_GDOI : IKC_DOI_IPSEC };
		struct ikc_msg msg;
		struct ikc_msg_info info;
		enum ikc_err err = ikc_isakmp_decode(&r->arena, pkt->data, pkt->len, &dctx, &msg);

		if (err) {
			r->n.ike_bad++;
			ikc_emit_bad_isakmp(&r->em, pkt, err);
			break;
		}
		r->n.ike++;
		if (msg.hdr.version < 0x20 && msg.npayloads && msg.payloads[0].type == IKC_PT_FRAG &&
		    !(msg.payloads[0].notes & (IKC_NOTE(LENGTH_SHORT) | IKC_NOTE(LENGTH_PAST_END) |
					       IKC_NOTE(TRUNCATED) | IKC_NOTE(MALFORMED)))) {
			on_ike_fragment(r, pkt, &msg, &dctx);
			break;
		}
		ikc_session_process(r->sess, &r->arena, pkt, &msg, &info);
		ikc_emit_isakmp(&r->em, pkt, &msg, &info);
		break;
	}
	case IKC_T_ESP:
	case IKC_T_UDP4500_ESP: {
		struct ikc_esp_hdr esp;
		enum ikc_err err = ikc_esp_decode(pkt->data, pkt->len, &esp);

		if (err)
			r->n.esp_bad++;
		else
			r->n.esp++;
		ikc_emit_esp(&r->em, pkt, &esp, !err);
		break;
	}
	case IKC_T_KEEPALIVE:
		r->n.keepalive++;
		ikc_emit_keepalive(&r->em, pkt);
		break;
	case IKC_T_NONE:
		break;
	}
}

static void show_progress(struct run *r, bool final)
{
	uint64_t done = 0, total = 0;
	time_t now = time(NULL);

	if (!r->progress || (!final && now == r->last_progress))
		return;
	r->last_progress = now;
	if (ikc_capture_progress(r->cap, &done, &total) != 0 || total == 0)
		return;
	if (final)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r%3u%% %llu packets", (unsigned)(done * 100 / total),
			(unsigned long long)r->n.frames);
}

static void on_frame(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec, const uint8_t *bytes,
		     size_t caplen, size_t wirelen)
{
	struct run *r = ctx;
	enum ikc_net_verdict v;

	r->n.frames++;
	v = ikc_net_input(r->net, dlt, frame, ts_sec, ts_nsec, bytes, caplen, wirelen, on_pkt, r);
	switch (v) {
	case IKC_NV_DELIVERED: break;
	case IKC_NV_NOT_IKE: r->n.not_ike++; break;
	case IKC_NV_FRAGMENT_HELD: r->n.frag_held++; break;
	case IKC_NV_TRUNCATED: r->n.truncated++; break;
	case IKC_NV_MALFORMED: r->n.malformed++; break;
	case IKC_NV_UNSUPPORTED_LINK: r->n.unsupported_link++; break;
	}
	if (r->progress && (frame & 0x3fff) == 0)
		show_progress(r, false);
}

static void text_summary(struct run *r, FILE *out)
{
	struct ikc_session_stats st;

	ikc_session_get_stats(r->sess, &st);
	fprintf(out, "\n%llu packets: %llu IKE messages (%llu retransmitted), %llu ESP, %llu NAT keepalives",
		(unsigned long long)r->n.frames, (unsigned long long)r->n.ike, (unsigned long long)st.retransmits,
		(unsigned long long)r->n.esp, (unsigned long long)r->n.keepalive);
	if (r->n.ike_bad + r->n.esp_bad + r->n.malformed)
		fprintf(out, ", %llu malformed", (unsigned long long)(r->n.ike_bad + r->n.esp_bad + r->n.malformed));
	if (r->n.truncated)
		fprintf(out, ", %llu truncated", (unsigned long long)r->n.truncated);
	if (r->n.ike_fragments)
		fprintf(out, ", %llu IKE fragments", (unsigned long long)r->n.ike_fragments);
	if (r->n.frag_held)
		fprintf(out, ", %llu IP fragments", (unsigned long long)r->n.frag_held);
	fprintf(out, ", %llu other\n", (unsigned long long)(r->n.not_ike + r->n.unsupported_link));
}

static void json_stats(struct run *r, struct ikc_rw *w)
{
	struct ikc_session_stats st;

	ikc_session_get_stats(r->sess, &st);
	ikc_rw_begin_map(w, NULL, NULL);
	ikc_rw_cstr(w, "type", "Record", "stats");
	ikc_rw_uint(w, "ikecap.frames", "Frames", r->n.frames, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.ike", "IKE messages", r->n.ike, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.ike_malformed", "Undecodable IKE", r->n.ike_bad, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.ike_fragments", "IKE fragments", r->n.ike_fragments, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp", "ESP packets", r->n.esp, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_malformed", "Undecodable ESP", r->n.esp_bad, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.keepalives", "NAT keepalives", r->n.keepalive, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.not_ike", "Other packets", r->n.not_ike, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.fragments_held", "IP fragments", r->n.frag_held, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.truncated", "Truncated", r->n.truncated, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.malformed", "Malformed IP/UDP", r->n.malformed, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.unsupported_link", "Unsupported link type", r->n.unsupported_link, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.retransmits", "Retransmissions", st.retransmits, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.sas", "IKE SAs", st.sas, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.sas_evicted", "IKE SAs evicted", st.evicted, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.decrypted", "Decrypted", st.decrypted, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.no_key", "Not decrypted: no key", st.no_key, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.wrong_key", "Not decrypted: wrong key", st.wrong_key, IKC_RW_DEC, NULL);
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

/* --export-keys DIR: Wireshark's ikev1_decryption_table, mode 0600. */
static int export_keys(struct run *r, const char *dir)
{
	char path[4096];
	int fd;
	FILE *f;
	size_t n;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "ikecap: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/ikev1_decryption_table", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "ikecap: cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = ikc_session_export_ikev1(r->sess, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "ikecap: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(stderr, "ikecap: wrote %zu IKEv1 key(s) to %s\n", n, path);
	return 0;
}

static void on_audit_hit(void *ctx, const char *icky, const char *word, size_t len, unsigned long lineno)
{
	char esc[1024];

	(void)ctx;
	ikc_escape_text((const uint8_t *)word, len, esc, sizeof esc);
	printf("PSK audit: SA %s: the responder's HASH_R matches word %lu: \"%s\"\n", icky, lineno, esc);
}

/* --psk-audit FILE: passive word-list audit of Aggressive Mode PSKs. */
static int psk_audit(struct run *r, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t hits;

	if (!f) {
		fprintf(stderr, "ikecap: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	hits = ikc_session_psk_audit(r->sess, f, on_audit_hit, NULL);
	if (f != stdin)
		fclose(f);
	printf("PSK audit: %zu SA(s) matched\n", hits);
	return 0;
}

enum {
	OPT_HELP = 0x100, OPT_VERSION, OPT_COLOR, OPT_SHOW_SECRETS, OPT_NO_PROGRESS, OPT_PRINT_KEYS, OPT_EXPORT_KEYS, OPT_PSK_AUDIT,
	OPT_IKE_PORT, OPT_NATT_PORT, OPT_GDOI_PORT,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "show-secrets", no_argument, NULL, OPT_SHOW_SECRETS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "print-keys", no_argument, NULL, OPT_PRINT_KEYS },
		{ "export-keys", required_argument, NULL, OPT_EXPORT_KEYS },
		{ "psk-audit", required_argument, NULL, OPT_PSK_AUDIT },
		{ "ike-port", required_argument, NULL, OPT_IKE_PORT },
		{ "natt-port", required_argument, NULL, OPT_NATT_PORT },
		{ "gdoi-port", required_argument, NULL, OPT_GDOI_PORT },
		{ NULL, 0, NULL, 0 },
	};
	struct ikc_emit_opts eo = { 0 };
	struct ikc_net_config ncfg;
	struct ikc_session_config scfg;
	struct run r;
	const char *rfile = NULL, *iface = NULL, *color = "auto";
	const char *export_dir = NULL, *audit_file = NULL;
	const char *keyfiles[64];
	size_t nkeyfiles = 0;
	char filter[4096] = "";
	char errbuf[1024];
	uint64_t max_packets = 0;
	struct ikc_keys *keys = NULL;
	bool no_progress = false;
	OSSL_PROVIDER *prov_default = NULL, *prov_legacy = NULL;
	int c, rc = EXIT_OK;
	enum ikc_err err;

	memset(&r, 0, sizeof r);
	ikc_net_config_default(&ncfg);
	ikc_session_config_default(&scfg);
	while ((c = getopt_long(argc, argv, "+r:i:c:k:vxT:qnh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rfile = optarg; break;
		case 'i': iface = optarg; break;
		case 'c': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v == 0) {
				fprintf(stderr, "ikecap: -c wants a positive number, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			max_packets = v;
			break;
		}
		case 'k':
			if (nkeyfiles == sizeof keyfiles / sizeof keyfiles[0]) {
				fputs("ikecap: too many -k options\n", stderr);
				return EXIT_USAGE;
			}
			keyfiles[nkeyfiles++] = optarg;
			break;
		case 'v': eo.verbose++; break;
		case 'x': eo.hex = true; break;
		case 'q': eo.quiet = true; break;
		case 'n': break;
		case 'T':
			if (strcmp(optarg, "json") == 0 || strcmp(optarg, "ndjson") == 0) {
				eo.format = IKC_FMT_JSON;
			} else if (strcmp(optarg, "text") == 0) {
				eo.format = IKC_FMT_TEXT;
			} else {
				fprintf(stderr, "ikecap: -T takes text or json, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
		case OPT_HELP: usage(stdout); return EXIT_OK;
		case OPT_VERSION: printf("ikecap %s\n", IKECAP_VERSION); return EXIT_OK;
		case OPT_COLOR: color = optarg; break;
		case OPT_SHOW_SECRETS: eo.show_secrets = true; break;
		case OPT_NO_PROGRESS: no_progress = true; break;
		case OPT_PRINT_KEYS: scfg.print_keys = true; break;
		case OPT_EXPORT_KEYS: export_dir = optarg; break;
		case OPT_PSK_AUDIT: audit_file = optarg; break;
		case OPT_IKE_PORT:
		case OPT_NATT_PORT:
		case OPT_GDOI_PORT: {
			uint16_t *dst = c == OPT_IKE_PORT ? &ncfg.ike_port
					: c == OPT_NATT_PORT ? &ncfg.natt_port : &ncfg.gdoi_port;
			if (parse_port(optarg, dst) != 0) {
				fprintf(stderr, "ikecap: bad port '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		default: fputs("Try 'ikecap --help'.\n", stderr); return EXIT_USAGE;
		}
	}
	/* The rest of the command line is a BPF filter, as tcpdump takes it. */
	for (int i = optind; i < argc; i++) {
		size_t used = strlen(filter);
		int n = snprintf(filter + used, sizeof filter - used, "%s%s", used ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof filter - used) {
			fputs("ikecap: filter expression too long\n", stderr);
			return EXIT_USAGE;
		}
	}
	if ((rfile != NULL) == (iface != NULL)) {
		fputs(rfile ? "ikecap: give -r or -i, not both\n" : "ikecap: no input: give -r FILE or -i IFACE\n",
		      stderr);
		fputs("Try 'ikecap --help'.\n", stderr);
		return EXIT_USAGE;
	}
	if (strcmp(color, "always") == 0)
		eo.color = true;
	else if (strcmp(color, "never") == 0)
		eo.color = false;
	else if (strcmp(color, "auto") == 0)
		eo.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	else {
		fprintf(stderr, "ikecap: --color takes auto, always or never, not '%s'\n", color);
		return EXIT_USAGE;
	}
	if (getenv("NO_COLOR") && getenv("NO_COLOR")[0])
		eo.color = false;

	/* DES, Blowfish and CAST live in OpenSSL's legacy provider; loading it
	 * also needs the default provider loaded explicitly.  Missing: those
	 * ciphers are reported as unsupported, nothing else changes. */
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");

	keys = ikc_keys_new();
	if (!keys) {
		fputs("ikecap: out of memory\n", stderr);
		return EXIT_IO;
	}
	for (size_t i = 0; i < nkeyfiles; i++) {
		char warn[512] = "";
		err = ikc_keys_load(keys, keyfiles[i], errbuf, sizeof errbuf, warn, sizeof warn);
		if (warn[0])
			fprintf(stderr, "ikecap: warning: %s\n", warn);
		if (err) {
			fprintf(stderr, "ikecap: %s\n", errbuf);
			rc = EXIT_IO;
			goto out;
		}
	}

	if (rfile)
		err = ikc_capture_open_offline(&r.cap, rfile, errbuf, sizeof errbuf);
	else
		err = ikc_capture_open_live(&r.cap, iface, errbuf, sizeof errbuf);
	if (!err && filter[0])
		err = ikc_capture_set_filter(r.cap, filter, errbuf, sizeof errbuf);
	if (err) {
		fprintf(stderr, "ikecap: %s\n", errbuf);
		rc = err == IKC_USAGE ? EXIT_USAGE : EXIT_IO;
		goto out;
	}

	r.net = ikc_net_new(&ncfg);
	r.sess = ikc_session_new(&scfg, keys);
	r.frag = ikc_ikefrag_new(256, 4u << 20, 30);
	if (!r.net || !r.sess || !r.frag || ikc_arena_init(&r.arena, 1u << 20) != 0) {
		fputs("ikecap: out of memory\n", stderr);
		rc = EXIT_IO;
		goto out;
	}
	ikc_emit_init(&r.em, stdout, &eo);
	r.progress = rfile && strcmp(rfile, "-") != 0 && !no_progress && isatty(STDERR_FILENO);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	err = ikc_capture_loop(r.cap, max_packets, &g_stop, on_frame, &r, errbuf, sizeof errbuf);
	show_progress(&r, true);
	if (err) {
		/* Report, then still print what was decoded before the damage. */
		fprintf(stderr, "ikecap: %s\n", errbuf);
		rc = EXIT_IO;
	}
	if (eo.format == IKC_FMT_JSON) {
		ikc_session_write_summary(r.sess, &r.em.rw);
		json_stats(&r, &r.em.rw);
	} else {
		text_summary(&r, stdout);
		if (eo.verbose) {
			struct ikc_rw tw;
			ikc_rw_text_init(&tw, stdout, 2, eo.color);
			ikc_session_write_summary(r.sess, &tw);
		} else {
			ikc_session_write_text(r.sess, stdout);
		}
	}
	if (export_dir && export_keys(&r, export_dir) != 0)
		rc = EXIT_IO;
	if (audit_file && psk_audit(&r, audit_file) != 0)
		rc = EXIT_IO;
	fflush(stdout);

out:
	ikc_capture_close(r.cap);
	ikc_net_free(r.net);
	ikc_session_free(r.sess);
	ikc_ikefrag_free(r.frag);
	ikc_arena_free(&r.arena);
	ikc_keys_free(keys);
	if (prov_legacy)
		OSSL_PROVIDER_unload(prov_legacy);
	if (prov_default)
		OSSL_PROVIDER_unload(prov_default);
	return rc;
}

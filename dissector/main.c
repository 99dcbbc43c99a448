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
#include <pcap/pcap.h>
#include <openssl/crypto.h>
#include <openssl/provider.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
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
#include "diagnose.h"
#include "ended.h"
#include "ladder.h"
#include "emit.h"
#include "pipeline.h"
#include "esp_sa.h"
#include "gdoi.h"
#include "ikefrag.h"
#include "keys.h"
#include "net.h"
#include "pcap_out.h"
#include "sa_crypto.h"
#include "session.h"
#include "util.h"

#define IKECAP_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_IO = 1, EXIT_USAGE = 2 };

/* The only mutable globals: signal flags. */
static volatile sig_atomic_t g_stop;    /* SIGINT, SIGTERM: finish cleanly */
static volatile sig_atomic_t g_reload;  /* SIGHUP: load the -k files again */

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		g_reload = 1;
	else
		g_stop = 1;
}

/* The state limits of this run (--max-*), for the summary's eviction lines. */
struct limits {
	size_t ike_sas, esp_sas, frag_bytes, quick_modes;
};

struct run {
	struct ikc_pipeline p;         /* net, session, ESP table, fragments, counts */
	struct ikc_keys *keys;         /* the key store in use (replaced on reload) */
	const char *const *keyfiles;   /* -k arguments, for reloads */
	size_t nkeyfiles;
	uint64_t keys_stamp;           /* keyfiles_stamp() when last loaded */
	int64_t last_key_check_ms;     /* monotonic */
	struct ikc_emitter em;
	struct ikc_emitter cbor;       /* --export-cbor: the records, whatever -T says */
	FILE *cbor_file;
	struct ikc_capture *cap;
	struct limits lim;
	bool progress;
	uint64_t frames_seen;          /* handed to on_frame, for the progress line */
	bool live;
	unsigned stats_every;          /* --stats N: seconds, 0 = off */
	time_t last_stall_check;
	unsigned stall_s;              /* --stall-timeout */
	time_t last_stats;
	time_t last_progress;
	struct ikc_ended *ended;       /* what is kept of SAs that ended (ended.h) */
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
	      "  -p               live: do not put the interface in promiscuous mode\n"
	      "  -Z USER          live: run as USER once the capture is open\n"
	      "  -D               list the interfaces to capture on\n"
	      "  -w FILE, --write-raw FILE  also write every packet read (after the filter\n"
	      "                   and -c), unchanged, to FILE: a pcap tcpdump and Wireshark read\n"
	      "  --stats N        one line of statistics on stderr every N seconds\n"
	      "  --stall-timeout N  live: diagnose an SA N s after it stops progressing\n"
	      "                   (default 30)\n"
	      "  --dup-window MS  a packet identical to one at most MS ms earlier is that\n"
	      "                   packet captured twice (span ports): shown as DUP, not\n"
	      "                   taken as a retransmission or replay (default 20; 0: off)\n"
	      "  -k FILE|DIR      load keys (repeatable): ikecap key file, Wireshark\n"
	      "                   ikev1_decryption_table / esp_sa, tcpdump -E secrets\n"
	      "  --ike-port N     UDP port of IKE (default 500)\n"
	      "  --natt-port N    UDP port of NAT-T (default 4500)\n"
	      "  --gdoi-port N    UDP port of GDOI (default 848)\n"
	      "\n"
	      "Limits (the oldest is evicted past each, counted in the summary):\n"
	      "  --max-ike-sas N      IKE SAs held at once (default 20000)\n"
	      "  --max-esp-sas N      ESP SAs held at once (default 4096)\n"
	      "  --max-quick-modes N  Quick Modes held per IKE SA (default 32)\n"
	      "  --max-frag-bytes N   bytes held for IP fragment reassembly, and as much\n"
	      "                       again for IKE fragments (default 4M; k, M, G suffixes)\n"
	      "  --retire-idle N      an SA quiet for N s of capture time has ended: its\n"
	      "                       record is written and its memory freed (default 300;\n"
	      "                       deleted SAs 60 s, established ones 24 h; 0: keep all)\n"
	      "\n"
	      "Output:\n"
	      "  -v               the full payload tree of each message\n"
	      "  -x               with -v, the bytes of each payload in hex\n"
	      "  -T text|json|cbor|ladder  output format (json: NDJSON, one record per line;\n"
	      "                   cbor: the same records as a CBOR sequence;\n"
	      "                   ladder: a ladder diagram of each IKE SA and its findings)\n"
	      "  -q               no per-packet output, only the summary\n"
	      "  --write-decrypted FILE  write the decrypted ESP traffic (inner packets)\n"
	      "                   to FILE as a pcap (LINKTYPE_RAW)\n"
	      "  --export-cbor FILE  also write the records of -T cbor to FILE, whatever\n"
	      "                   -T says (e.g. text on the terminal, CBOR for a pipeline)\n"
	      "  -n               do not resolve addresses (ikecap never does; accepted)\n"
	      "  --color=WHEN     auto (default: only on a terminal), always, never;\n"
	      "                   NO_COLOR in the environment turns colour off\n"
	      "  --show-secrets   show XAUTH passwords instead of masking them\n"
	      "  --print-keys     derived keys (IKE and ESP) in the summary records\n"
	      "  --export-keys DIR  write DIR/ikev1_decryption_table, DIR/esp_sa\n"
	      "                   (Wireshark) and DIR/esp-secrets.txt (tcpdump -E)\n"
	      "  --psk-audit FILE  try each line of FILE (- for stdin) as the PSK of every\n"
	      "                   Aggressive Mode SA (its HASH_R travels in clear)\n"
	      "  --no-progress    no progress indicator on stderr\n"
	      "  -h, --help       this help\n"
	      "  --version        version\n"
	      "\n"
	      "Exit status: 0 capture read to its end; 1 unreadable capture or key file;\n"
	      "2 usage error.\n",
	      f);
}

/* A positive count, with an optional k/M/G (binary) suffix when `suffix`. */
static int parse_count(const char *s, bool suffix, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (suffix && *end && !end[1]) {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		default: break;
		}
	}
	if (errno || *end != '\0' || v == 0 || v > ((unsigned long long)SIZE_MAX >> shift) || v > (1ull << 40) >> shift)
		return -1;
	*out = (size_t)(v << shift);
	return 0;
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
			(unsigned long long)r->p.n.frames);
}

/* Newest mtime of the -k files (a directory's own mtime covers new files). */
/* A fingerprint of the -k files' modification times and sizes, to the
 * nanosecond: a daemon may rewrite a file twice within one second. */
static uint64_t keyfiles_stamp(const struct run *r)
{
	uint64_t h = 1469598103934665603ull;
	struct stat st;

	for (size_t i = 0; i < r->nkeyfiles; i++) {
		uint64_t v[3] = { 0, 0, 0 };
		if (stat(r->keyfiles[i], &st) == 0) {
			v[0] = (uint64_t)st.st_mtim.tv_sec;
			v[1] = (uint64_t)st.st_mtim.tv_nsec;
			v[2] = (uint64_t)st.st_size;
		}
		for (int k = 0; k < 3; k++)
			h = (h ^ v[k]) * 1099511628211ull;
	}
	return h;
}

/* Load every -k file into a new store; swap it in only when all load, so a
 * half-written key file never costs the keys already in use. */
static void reload_keys(struct run *r, const char *why)
{
	struct ikc_keys *fresh = ikc_keys_new();
	char errbuf[1024], warn[512];

	if (!fresh)
		return;
	for (size_t i = 0; i < r->nkeyfiles; i++) {
		warn[0] = '\0';
		if (ikc_keys_load(fresh, r->keyfiles[i], errbuf, sizeof errbuf, warn, sizeof warn) != IKC_OK) {
			fprintf(stderr, "ikecap: keys not reloaded (%s): %s; the old keys stay in use\n", why, errbuf);
			ikc_keys_free(fresh);
			return;
		}
	}
	ikc_pipeline_set_keys(&r->p, fresh);
	ikc_keys_free(r->keys);
	r->keys = fresh;
	fprintf(stderr, "ikecap: keys reloaded (%s)\n", why);
}

/* Live: SIGHUP, or a -k file that changed (checked five times a second),
 * reloads the keys, so keys a daemon writes as SAs come up decrypt what
 * follows, and what went by while the SA had no key (pipeline.h). */
static void maybe_reload(struct run *r)
{
	struct timespec ts;
	int64_t now_ms;

	if (g_reload) {
		g_reload = 0;
		r->keys_stamp = keyfiles_stamp(r);
		reload_keys(r, "SIGHUP");
		return;
	}
	if (!r->live || !r->nkeyfiles)
		return;
	/* Five stats a second: keys a daemon logs just before its next message
	 * should be in use before the traffic they protect goes by. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now_ms - r->last_key_check_ms < 200)
		return;
	r->last_key_check_ms = now_ms;
	if (keyfiles_stamp(r) != r->keys_stamp) {
		r->keys_stamp = keyfiles_stamp(r);
		reload_keys(r, "a key file changed");
	}
}

/* --stats N: one line on stderr every N seconds. */
static void periodic_stats(struct run *r)
{
	time_t now = time(NULL);
	const struct ikc_pipeline_counts *n = &r->p.n;
	struct ikc_session_stats st;

	if (!r->stats_every || now - r->last_stats < (time_t)r->stats_every)
		return;
	r->last_stats = now;
	ikc_session_get_stats(r->p.sess, &st);
	fprintf(stderr, "ikecap: %llu packets, %llu IKE (%llu decrypted, %llu retransmitted), %llu ESP, %llu IKE SAs\n",
		(unsigned long long)n->frames, (unsigned long long)n->ike, (unsigned long long)st.decrypted,
		(unsigned long long)st.retransmits, (unsigned long long)n->esp, (unsigned long long)st.sas);
}

/* Live: an SA that stopped progressing (--stall-timeout seconds, 30 by
 * default, without a message, short of an established state: MM1
 * retransmitted into silence, MM5 unanswered ...) is diagnosed now, not only
 * when the capture ends. */
static void live_diagnosis(struct run *r)
{
	const struct ikc_ike_sa **v;
	struct ikc_diag_list dl;
	size_t n;
	time_t now;

	if (!r->live || (now = time(NULL)) == r->last_stall_check)
		return;
	r->last_stall_check = now;
	n = ikc_session_stalled(r->p.sess, (int64_t)now, r->stall_s, &v);
	if (!n) {
		free(v);
		return;
	}
	ikc_diag_list_init(&dl);
	if (ikc_diagnose_sas(v, n, &dl) == IKC_OK) {
		if (r->em.o.format == IKC_FMT_TEXT) {
			printf("-- %zu IKE SA(s) stalled for %u s:\n", n, r->stall_s);
			ikc_diag_write_text_all(&dl, stdout, r->em.o.color);
		} else {
			ikc_diag_write_all(&dl, &r->em.rw);
		}
		fflush(stdout);
	}
	ikc_diag_list_free(&dl);
	free(v);
}

static void on_tick(void *ctx)
{
	struct run *r = ctx;

	maybe_reload(r);
	periodic_stats(ctx);
	live_diagnosis(ctx);
	if (r->live)
		ikc_session_tick(r->p.sess, (int64_t)time(NULL));
}

static void on_frame(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec, const uint8_t *bytes,
		     size_t caplen, size_t wirelen)
{
	struct run *r = ctx;

	maybe_reload(r);
	ikc_pipeline_frame(&r->p, dlt, frame, ts_sec, ts_nsec, bytes, caplen, wirelen);
	ikc_session_tick(r->p.sess, ikc_pipeline_clamp_sec(ts_sec));   /* as the packets saw it */
	periodic_stats(r);
	live_diagnosis(r);
	/* Counted here: with a filter, frame numbers have gaps. */
	if (r->progress && (++r->frames_seen & 0x3fff) == 0)
		show_progress(r, false);
}

static void json_stats(struct run *r, struct ikc_rw *w);

/* The records that close a JSON or CBOR stream: the SAs still alive (those
 * that ended were written then), GDOI groups, findings, ESP SAs, stats. */
/* --psk-audit: one word that reproduced an SA's HASH_R. */
struct audit_hit {
	uint8_t icky[8];
	unsigned long lineno;
	char word[1024];              /* escaped for a terminal (ikc_escape_text) */
};

struct audit {
	FILE *words;                  /* opened before the capture is read */
	struct audit_hit *hit;
	size_t n, cap;
	bool nomem;
};

static void on_audit_hit(void *ctx, const uint8_t icky[8], const char *word, size_t len, unsigned long lineno)
{
	struct audit *a = ctx;
	struct audit_hit *v = ikc_grow(a->hit, &a->cap, a->n, sizeof *v, 4, 0);

	if (!v) {
		a->nomem = true;
		return;
	}
	a->hit = v;
	v = &a->hit[a->n++];
	memcpy(v->icky, icky, sizeof v->icky);
	v->lineno = lineno;
	ikc_escape_text((const uint8_t *)word, len, v->word, sizeof v->word);
}

/* --psk-audit FILE: passive word-list audit of Aggressive Mode PSKs, run once
 * the capture is read; the hits go out with the summary (audit_text,
 * audit_record). */
static void psk_audit(struct run *r, struct audit *a)
{
	ikc_session_psk_audit(r->p.sess, a->words, on_audit_hit, a);
	if (a->nomem)
		fputs("ikecap: out of memory for the PSK audit: some matches are not listed\n", stderr);
}

static void audit_text(const struct audit *a, FILE *out)
{
	for (size_t i = 0; i < a->n; i++) {
		char cky[17];

		ikc_hex(a->hit[i].icky, sizeof a->hit[i].icky, cky, sizeof cky);
		fprintf(out, "PSK audit: SA %s: the responder's HASH_R matches word %lu: \"%s\"\n", cky,
			a->hit[i].lineno, a->hit[i].word);
	}
	fprintf(out, "PSK audit: %zu SA(s) matched\n", a->n);
}

/* The machine formats: one {"type":"psk_audit"} record before the stats. */
static void audit_record(const struct audit *a, struct ikc_rw *w)
{
	ikc_rw_begin_map(w, NULL, NULL);
	ikc_rw_cstr(w, "type", "Record", "psk_audit");
	ikc_rw_uint(w, "ikecap.psk_audit_matched", "SAs matched", a->n, IKC_RW_DEC, NULL);
	ikc_rw_begin_array(w, "ikecap.psk_audit_hits", "Matches");
	for (size_t i = 0; i < a->n; i++) {
		ikc_rw_begin_map(w, NULL, NULL);
		ikc_rw_bytes(w, "isakmp.ispi", "Initiator cookie", a->hit[i].icky, sizeof a->hit[i].icky);
		ikc_rw_uint(w, "ikecap.psk_audit_line", "Word list line", a->hit[i].lineno, IKC_RW_DEC, NULL);
		ikc_rw_cstr(w, "ikecap.psk_audit_word", "Pre-shared key", a->hit[i].word);
		ikc_rw_end_map(w);
	}
	ikc_rw_end_array(w);
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

/* The run's diagnosis is written without holding every finding at once:
 * the live SAs' a batch at a time, then the ones held (the GDOI groups').
 * With 10,000 live SAs their findings were a fifth of the peak in text,
 * two fifths in JSON. */

static void write_finding_records(void *ctx, const struct ikc_ike_sa *const *sas, size_t n,
				  const struct ikc_diag_list *l)
{
	(void)sas, (void)n;
	ikc_diag_write_all(l, ctx);
}

static void machine_summary(struct run *r, struct ikc_emitter *em, const struct ikc_diag_list *held,
			    bool print_keys, const struct audit *audit)
{
	ikc_session_write_summary(r->p.sess, &em->rw);
	ikc_gdoi_write_summary(ikc_session_gdoi(r->p.sess), &em->rw, print_keys);
	if (ikc_diagnose_session_each(r->p.sess, IKC_DIAG_BATCH, write_finding_records, &em->rw) != IKC_OK)
		fputs("ikecap: out of memory for the diagnosis\n", stderr);
	ikc_diag_write_all(held, &em->rw);
	ikc_emit_esp_sas(em, r->p.esp, print_keys);
	if (audit->words)
		audit_record(audit, &em->rw);
	json_stats(r, &em->rw);
}

/* Text: the ended SAs' findings (kept since) come first, and the heading
 * needs the count: the live ones are counted first (texts not composed). */

static void write_findings(void *ctx, const struct ikc_ike_sa *const *sas, size_t n, const struct ikc_diag_list *l)
{
	(void)sas, (void)n;
	ikc_diag_write_text_each(l, stdout, *(const bool *)ctx);
}

static void diagnosis_text(struct run *r, const struct ikc_diag_list *held, bool color)
{
	size_t live = 0;

	/* held: the findings made already (GDOI's). */
	if (ikc_diagnose_session_count(r->p.sess, &live) != IKC_OK)
		fputs("ikecap: out of memory for the diagnosis\n", stderr);
	ikc_diag_write_text_head((size_t)ikc_ended_findings(r->ended) + live + held->n, stdout);
	ikc_ended_write_findings(r->ended, stdout);
	if (live && ikc_diagnose_session_each(r->p.sess, IKC_DIAG_BATCH, write_findings, &color) != IKC_OK)
		fputs("ikecap: out of memory for the diagnosis\n", stderr);
	ikc_diag_write_text_each(held, stdout, color);
}

static void text_summary(struct run *r, FILE *out)
{
	struct ikc_session_stats st;

	ikc_session_get_stats(r->p.sess, &st);
	fprintf(out, "\n%llu packets: %llu IKE messages (%llu retransmitted), %llu ESP, %llu NAT keepalives",
		(unsigned long long)r->p.n.frames, (unsigned long long)r->p.n.ike, (unsigned long long)st.retransmits,
		(unsigned long long)r->p.n.esp, (unsigned long long)r->p.n.keepalive);
	if (r->p.n.ike_bad + r->p.n.esp_bad + r->p.n.malformed)
		fprintf(out, ", %llu malformed", (unsigned long long)(r->p.n.ike_bad + r->p.n.esp_bad + r->p.n.malformed));
	if (r->p.n.truncated)
		fprintf(out, ", %llu truncated", (unsigned long long)r->p.n.truncated);
	if (r->p.n.ike_fragments)
		fprintf(out, ", %llu IKE fragments", (unsigned long long)r->p.n.ike_fragments);
	if (r->p.n.icmp_errors)
		fprintf(out, ", %llu ICMP errors about IKE", (unsigned long long)r->p.n.icmp_errors);
	if (r->p.n.duplicates)
		fprintf(out, ", %llu capture duplicates", (unsigned long long)r->p.n.duplicates);
	if (r->p.n.frag_held)
		fprintf(out, ", %llu IP fragments", (unsigned long long)r->p.n.frag_held);
	if (r->p.n.unsupported_link)
		fprintf(out, ", %llu on an unsupported link type", (unsigned long long)r->p.n.unsupported_link);
	fprintf(out, ", %llu other\n", (unsigned long long)r->p.n.not_ike);
	if (r->p.n.esp) {
		struct ikc_esp_table_stats es;
		ikc_esp_table_get_stats(r->p.esp, &es);
		fprintf(out, "ESP: %llu decrypted, %llu without a key, %llu failed", (unsigned long long)es.decrypted,
			(unsigned long long)es.no_key, (unsigned long long)es.failed);
		if (r->p.pw)
			fprintf(out, "; %llu written to the --write-decrypted file",
				(unsigned long long)ikc_pcap_out_count(r->p.pw));
		fputc('\n', out);
	}
}

/* One line per limit that evicted something: the count, the limit, the option. */
static void evictions_text(struct run *r, FILE *out)
{
	struct ikc_session_stats st;
	struct ikc_esp_table_stats es;
	struct ikc_net_stats ns;
	struct ikc_ikefrag_stats fs;

	ikc_session_get_stats(r->p.sess, &st);
	ikc_esp_table_get_stats(r->p.esp, &es);
	ikc_net_get_stats(r->p.net, &ns);
	ikc_ikefrag_get_stats(r->p.frag, &fs);
	if (st.evicted)
		fprintf(out, "IKE SAs evicted: %llu (limit %zu; raise with --max-ike-sas)\n",
			(unsigned long long)st.evicted, r->lim.ike_sas);
	if (st.qm_evicted)
		fprintf(out, "Quick Modes evicted: %llu (limit %zu per IKE SA; raise with --max-quick-modes)\n",
			(unsigned long long)st.qm_evicted, r->lim.quick_modes);
	if (es.evicted)
		fprintf(out, "ESP SAs evicted: %llu (limit %zu; raise with --max-esp-sas)\n",
			(unsigned long long)es.evicted, r->lim.esp_sas);
	if (ns.frags_evicted)
		fprintf(out, "IP fragment trains evicted: %llu (limit %zu bytes; raise with --max-frag-bytes)\n",
			(unsigned long long)ns.frags_evicted, r->lim.frag_bytes);
	if (fs.evicted)
		fprintf(out, "IKE fragment trains evicted: %llu (limit %zu bytes; raise with --max-frag-bytes)\n",
			(unsigned long long)fs.evicted, r->lim.frag_bytes);
}

static void json_stats(struct run *r, struct ikc_rw *w)
{
	struct ikc_session_stats st;

	ikc_session_get_stats(r->p.sess, &st);
	ikc_rw_begin_map(w, NULL, NULL);
	ikc_rw_cstr(w, "type", "Record", "stats");
	ikc_rw_uint(w, "ikecap.frames", "Frames", r->p.n.frames, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.ike", "IKE messages", r->p.n.ike, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.ike_malformed", "Undecodable IKE", r->p.n.ike_bad, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.ike_fragments", "IKE fragments", r->p.n.ike_fragments, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp", "ESP packets", r->p.n.esp, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.esp_malformed", "Undecodable ESP", r->p.n.esp_bad, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.keepalives", "NAT keepalives", r->p.n.keepalive, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.icmp_errors", "ICMP errors about IKE", r->p.n.icmp_errors, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.duplicates", "Capture duplicates", r->p.n.duplicates, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.not_ike", "Other packets", r->p.n.not_ike, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.fragments_held", "IP fragments", r->p.n.frag_held, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.truncated", "Truncated", r->p.n.truncated, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.malformed", "Malformed IP/UDP", r->p.n.malformed, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.unsupported_link", "Unsupported link type", r->p.n.unsupported_link, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.retransmits", "Retransmissions", st.retransmits, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.sas", "IKE SAs", st.sas, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.sas_evicted", "IKE SAs evicted", st.evicted, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.sas_retired", "IKE SAs ended during the capture", st.retired, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.max_ike_sas", "IKE SA limit", r->lim.ike_sas, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.quick_modes_evicted", "Quick Modes evicted", st.qm_evicted, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.max_quick_modes", "Quick Mode limit per IKE SA", r->lim.quick_modes, IKC_RW_DEC,
		    NULL);
	{
		struct ikc_net_stats ns;
		struct ikc_ikefrag_stats fs;
		ikc_net_get_stats(r->p.net, &ns);
		ikc_ikefrag_get_stats(r->p.frag, &fs);
		ikc_rw_uint(w, "ikecap.ip_fragment_trains_evicted", "IP fragment trains evicted", ns.frags_evicted,
			    IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.ike_fragment_trains_evicted", "IKE fragment trains evicted", fs.evicted,
			    IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.max_frag_bytes", "Reassembly byte limit", r->lim.frag_bytes, IKC_RW_DEC, NULL);
	}
	ikc_rw_uint(w, "ikecap.decrypted", "Decrypted", st.decrypted, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.no_key", "Not decrypted: no key", st.no_key, IKC_RW_DEC, NULL);
	ikc_rw_uint(w, "ikecap.wrong_key", "Not decrypted: wrong key", st.wrong_key, IKC_RW_DEC, NULL);
	{
		struct ikc_esp_table_stats es;
		ikc_esp_table_get_stats(r->p.esp, &es);
		ikc_rw_uint(w, "ikecap.esp_sas", "ESP SAs", es.sas, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.esp_sas_keyed", "ESP SAs with keys", es.keyed, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.esp_sas_evicted", "ESP SAs evicted", es.evicted, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.max_esp_sas", "ESP SA limit", r->lim.esp_sas, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.esp_decrypted", "ESP decrypted", es.decrypted, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.esp_no_key", "ESP without a key", es.no_key, IKC_RW_DEC, NULL);
		ikc_rw_uint(w, "ikecap.esp_failed", "ESP not decrypted (ICV, padding, ...)", es.failed, IKC_RW_DEC,
			    NULL);
		if (r->p.pw)
			ikc_rw_uint(w, "ikecap.esp_written", "Written to --write-decrypted", ikc_pcap_out_count(r->p.pw), IKC_RW_DEC,
				    NULL);
	}
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

static FILE *open_secret(const char *dir, const char *name, char *path, size_t pathsz)
{
	int fd;
	FILE *f;

	snprintf(path, pathsz, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "ikecap: cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static int close_secret(FILE *f, const char *path)
{
	if (fclose(f) != 0) {
		fprintf(stderr, "ikecap: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Wireshark 4.0's esp_sa strings (packet-ipsec.c esp_encryption_type_vals /
 * esp_authentication_type_vals); NULL where 4.0 has no entry. */
static const char *ws_enc_name(enum ikc_esp_enc e)
{
	static const char *const n[IKC_ESP_ENC_COUNT] = {
		[IKC_ESP_ENC_NULL] = "NULL",
		[IKC_ESP_ENC_DES_CBC] = "DES-CBC [RFC2405]",
		[IKC_ESP_ENC_3DES_CBC] = "TripleDES-CBC [RFC2451]",
		[IKC_ESP_ENC_AES_CBC] = "AES-CBC [RFC3602]",
		[IKC_ESP_ENC_AES_CTR] = "AES-CTR [RFC3686]",
		[IKC_ESP_ENC_AES_GCM_8] = "AES-GCM with 8 octet ICV [RFC4106]",
		[IKC_ESP_ENC_AES_GCM_12] = "AES-GCM with 12 octet ICV [RFC4106]",
		[IKC_ESP_ENC_AES_GCM_16] = "AES-GCM with 16 octet ICV [RFC4106]",
		[IKC_ESP_ENC_CAST5_CBC] = "CAST5-CBC [RFC2144]",
		[IKC_ESP_ENC_BLOWFISH_CBC] = "BLOWFISH-CBC [RFC2451]",
		[IKC_ESP_ENC_TWOFISH_CBC] = "TWOFISH-CBC",
	};
	return (unsigned)e < IKC_ESP_ENC_COUNT ? n[e] : NULL;
}

static const char *ws_auth_name(enum ikc_esp_auth a)
{
	static const char *const n[IKC_ESP_AUTH_COUNT] = {
		[IKC_ESP_AUTH_NULL] = "NULL",
		[IKC_ESP_AUTH_HMAC_MD5_96] = "HMAC-MD5-96 [RFC2403]",
		[IKC_ESP_AUTH_HMAC_SHA1_96] = "HMAC-SHA-1-96 [RFC2404]",
		[IKC_ESP_AUTH_HMAC_SHA2_256_96] = "HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]",
		[IKC_ESP_AUTH_HMAC_SHA2_256_128] = "HMAC-SHA-256-128 [RFC4868]",
		[IKC_ESP_AUTH_HMAC_SHA2_384_192] = "HMAC-SHA-384-192 [RFC4868]",
		[IKC_ESP_AUTH_HMAC_SHA2_512_256] = "HMAC-SHA-512-256 [RFC4868]",
		[IKC_ESP_AUTH_HMAC_RIPEMD160_96] = "MAC-RIPEMD-160-96 [RFC2857]",
		/* Wireshark 4.0 cannot check AES-XCBC: it still skips the 12-byte ICV. */
		[IKC_ESP_AUTH_AES_XCBC_96] = "ANY 96 bit authentication [no checking]",
		[IKC_ESP_AUTH_ANY_64] = "ANY 64 bit authentication [no checking]",
		[IKC_ESP_AUTH_ANY_96] = "ANY 96 bit authentication [no checking]",
		[IKC_ESP_AUTH_ANY_128] = "ANY 128 bit authentication [no checking]",
		[IKC_ESP_AUTH_ANY_192] = "ANY 192 bit authentication [no checking]",
		[IKC_ESP_AUTH_ANY_256] = "ANY 256 bit authentication [no checking]",
	};
	return (unsigned)a < IKC_ESP_AUTH_COUNT ? n[a] : NULL;
}

/* tcpdump -E cipher: OpenSSL's names, "-hmac96" for a 12-byte ICV (tcpdump
 * skips it unchecked); tcpdump does no AEAD and no other ICV length. */
static bool td_algo(const struct ikc_esp_sa_info *in, char *out, size_t n)
{
	const char *c = NULL;
	size_t icv = ikc_esp_auth_icv_len(in->auth);

	switch (in->enc) {
	case IKC_ESP_ENC_NULL: c = "none"; break;
	case IKC_ESP_ENC_DES_CBC: c = "des-cbc"; break;
	case IKC_ESP_ENC_3DES_CBC: c = "3des-cbc"; break;
	case IKC_ESP_ENC_AES_CBC:
		c = in->enc_len == 16 ? "aes128-cbc" : in->enc_len == 24 ? "aes192-cbc" : "aes256-cbc";
		break;
	case IKC_ESP_ENC_CAST5_CBC: c = "cast128-cbc"; break;
	case IKC_ESP_ENC_BLOWFISH_CBC: c = "blowfish-cbc"; break;
	default: return false;
	}
	if (icv != 0 && icv != 12)
		return false;
	snprintf(out, n, "%s%s", c, icv == 12 ? "-hmac96" : "");
	return true;
}

static void hex_line(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* DIR/esp_sa (Wireshark UAT) and DIR/esp-secrets.txt (tcpdump -E) for every
 * keyed ESP SA; '*' addresses, as strongSwan's save-keys writes them, so the
 * table also works on the other side of a NAT. */
static int export_esp(struct run *r, const char *dir)
{
	char p1[4096], p2[4096];
	const struct ikc_esp_sa **v = NULL;
	size_t n = ikc_esp_table_list(r->p.esp, &v), ws = 0, td = 0;
	FILE *f = open_secret(dir, "esp_sa", p1, sizeof p1);
	FILE *g = f ? open_secret(dir, "esp-secrets.txt", p2, sizeof p2) : NULL;
	int rc = 0;

	if (!f || !g) {
		if (f)
			fclose(f);
		free(v);
		return -1;
	}
	fputs("# tcpdump -E secrets written by ikecap: tcpdump -E file:esp-secrets.txt ...\n", g);
	for (size_t i = 0; i < n; i++) {
		const struct ikc_esp_sa_info *in = ikc_esp_sa_get_info(v[i]);
		const char *we = ws_enc_name(in->enc), *wa = ws_auth_name(in->auth);
		char algo[40], dst[64];

		if (in->origin == IKC_ESP_ORIGIN_NONE)
			continue;
		if (we && wa) {
			fprintf(f, "\"%s\",\"*\",\"*\",\"0x%08x\",\"%s\",\"0x", in->af == 6 ? "IPv6" : "IPv4", in->spi, we);
			hex_line(f, in->enc_key, in->enc_len);
			fprintf(f, "\",\"%s\",\"0x", wa);
			hex_line(f, in->auth_key, in->auth_len);
			fputs("\"\n", f);
			ws++;
		}
		if (in->af && !in->dst_any)
			ikc_format_addr(in->af, in->dst, dst, sizeof dst);
		if (td_algo(in, algo, sizeof algo) && in->af && !in->dst_any) {
			fprintf(g, "0x%08x@%s %s:0x", in->spi, dst, algo);
			hex_line(g, in->enc_key, in->enc_len);
			fputc('\n', g);
			td++;
		} else {
			fprintf(g, "# 0x%08x: %s/%s is not something tcpdump -E can decrypt\n", in->spi,
				ikc_esp_enc_name(in->enc), ikc_esp_auth_name(in->auth));
		}
	}
	free(v);
	if (close_secret(f, p1) != 0)
		rc = -1;
	if (close_secret(g, p2) != 0)
		rc = -1;
	if (rc == 0)
		fprintf(stderr, "ikecap: wrote %zu ESP SA(s) to %s, %zu to %s\n", ws, p1, td, p2);
	return rc;
}

/* --export-keys DIR: Wireshark's ikev1_decryption_table and esp_sa, tcpdump's
 * -E secrets; mode 0600. */
/* -Z USER: switch to USER's uid/gid (and groups) once the capture is open. */
static int drop_privileges(const char *user, char *errbuf, size_t errlen)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		snprintf(errbuf, errlen, "-Z: no user '%s'", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		snprintf(errbuf, errlen, "-Z %s: cannot change user: %s", user, strerror(errno));
		return -1;
	}
	return 0;
}

/* tcpdump's closing lines for a live capture, on stderr. */
static void live_stats(const struct run *r)
{
	uint64_t recv, drop, ifdrop;

	if (ikc_capture_stats(r->cap, &recv, &drop, &ifdrop) != IKC_OK)
		return;
	fprintf(stderr, "%llu packets received by filter\n%llu packets dropped by kernel\n"
			"%llu packets dropped by interface\n",
		(unsigned long long)recv, (unsigned long long)drop, (unsigned long long)ifdrop);
}

static int export_keys(struct run *r, const char *dir)
{
	char path[4096];
	FILE *f;
	size_t n;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "ikecap: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	f = open_secret(dir, "ikev1_decryption_table", path, sizeof path);
	if (!f)
		return -1;
	n = ikc_ended_export_ikev1(r->ended, f);
	n += ikc_session_export_ikev1(r->p.sess, f);
	if (close_secret(f, path) != 0)
		return -1;
	fprintf(stderr, "ikecap: wrote %zu IKEv1 key(s) to %s\n", n, path);
	return export_esp(r, dir);
}


/* The absolute path a name will have: the file's own when it exists, else
 * its directory's resolved path and its last component; "" when neither. */
static void canonical_path(const char *name, char out[PATH_MAX])
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *slash = strrchr(name, '/'), *base = slash ? slash + 1 : name;

	out[0] = '\0';
	if (realpath(name, out))
		return;
	out[0] = '\0';
	if (slash)
		snprintf(tmp, sizeof tmp, "%.*s", slash == name ? 1 : (int)(slash - name), name);
	else
		snprintf(tmp, sizeof tmp, ".");
	if (*base && realpath(tmp, dir)) {
		size_t dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir), bl = strlen(base);

		if (dl + bl + 2 > PATH_MAX)
			return;
		memcpy(out, dir, dl);
		out[dl] = '/';
		memcpy(out + dl + 1, base, bl + 1);
	}
}

/* True when both name one file, existing (the same inode, whatever the path)
 * or to be made (the same resolved directory and name). */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char ca[PATH_MAX], cb[PATH_MAX];

	if (!a || !b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return false;
	if (strcmp(a, b) == 0)
		return true;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	canonical_path(a, ca);
	canonical_path(b, cb);
	return ca[0] && strcmp(ca, cb) == 0;
}

/* An output that would overwrite the capture being read, or another output:
 * says so and returns true. */
static bool outputs_clash(const char *rfile, const char *rawfile, const char *wfile, const char *cbor_path)
{
	const char *out[3] = { rawfile, wfile, cbor_path };
	static const char *const name[3] = { "-w", "--write-decrypted", "--export-cbor" };

	for (int i = 0; i < 3; i++) {
		if (!out[i])
			continue;
		if (same_file(out[i], rfile)) {
			fprintf(stderr, "ikecap: %s %s would overwrite the capture being read\n", name[i], out[i]);
			return true;
		}
		for (int j = i + 1; j < 3; j++)
			if (same_file(out[i], out[j])) {
				fprintf(stderr, "ikecap: %s and %s name the same file\n", name[i], name[j]);
				return true;
			}
	}
	return false;
}

enum {
	OPT_HELP = 0x100, OPT_VERSION, OPT_COLOR, OPT_SHOW_SECRETS, OPT_NO_PROGRESS, OPT_PRINT_KEYS, OPT_EXPORT_KEYS, OPT_PSK_AUDIT, OPT_WRITE_RAW, OPT_WRITE_DECRYPTED, OPT_STATS, OPT_STALL, OPT_DUP_WINDOW,
	OPT_IKE_PORT, OPT_NATT_PORT, OPT_GDOI_PORT,
	OPT_MAX_IKE_SAS, OPT_MAX_ESP_SAS, OPT_MAX_FRAG_BYTES, OPT_MAX_QUICK_MODES, OPT_RETIRE_IDLE, OPT_EXPORT_CBOR,
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
		/* -w is tcpdump's: the raw packets.  --write-raw: its long name. */
		{ "write-raw", required_argument, NULL, OPT_WRITE_RAW },
		{ "write-decrypted", required_argument, NULL, OPT_WRITE_DECRYPTED },
		{ "stats", required_argument, NULL, OPT_STATS },
		{ "stall-timeout", required_argument, NULL, OPT_STALL },
		{ "dup-window", required_argument, NULL, OPT_DUP_WINDOW },
		{ "ike-port", required_argument, NULL, OPT_IKE_PORT },
		{ "natt-port", required_argument, NULL, OPT_NATT_PORT },
		{ "gdoi-port", required_argument, NULL, OPT_GDOI_PORT },
		{ "max-ike-sas", required_argument, NULL, OPT_MAX_IKE_SAS },
		{ "max-esp-sas", required_argument, NULL, OPT_MAX_ESP_SAS },
		{ "max-frag-bytes", required_argument, NULL, OPT_MAX_FRAG_BYTES },
		{ "max-quick-modes", required_argument, NULL, OPT_MAX_QUICK_MODES },
		{ "retire-idle", required_argument, NULL, OPT_RETIRE_IDLE },
		{ "export-cbor", required_argument, NULL, OPT_EXPORT_CBOR },
		{ NULL, 0, NULL, 0 },
	};
	struct ikc_emit_opts eo = { 0 };
	struct ikc_net_config ncfg;
	struct ikc_session_config scfg;
	struct run r;
	const char *rfile = NULL, *iface = NULL, *color = "auto";
	const char *export_dir = NULL, *audit_file = NULL, *wfile = NULL, *rawfile = NULL, *drop_user = NULL;
	const char *cbor_path = NULL;
	struct ikc_live_opts lopts;
	const char *keyfiles[64];
	size_t nkeyfiles = 0;
	char filter[4096] = "";
	char errbuf[1024];
	uint64_t max_packets = 0;
	unsigned dup_window_ms = IKC_DUPES_DEFAULT_WINDOW_MS;
	struct ikc_keys *keys = NULL;
	bool no_progress = false;
	bool ladder = false;
	size_t max_esp_sas = IKC_ESP_SA_DEFAULT_MAX;
	struct ikc_diag_list diags;
	struct audit audit = { 0 };
	OSSL_PROVIDER *prov_default = NULL;
	int c, rc = EXIT_OK;
	enum ikc_err err;

	memset(&r, 0, sizeof r);
	r.stall_s = 30;
	ikc_diag_list_init(&diags);
	ikc_net_config_default(&ncfg);
	ikc_live_opts_default(&lopts);
	ikc_session_config_default(&scfg);
	/* Options may follow the filter, as tcpdump takes them (getopt permutes);
	 * getopt's own messages would name the program by its full path. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:i:c:k:vxT:qnhw:DpZ:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rfile = optarg; break;
		case 'i': iface = optarg; break;
		case 'c': {
			char *end;
			unsigned long long v;
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' || v == 0 || errno == ERANGE) {
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
		case 'w': rawfile = optarg; break;
		case 'D': {
			char e[512];
			if (ikc_capture_list_interfaces(stdout, e, sizeof e) != IKC_OK) {
				fprintf(stderr, "ikecap: %s\n", e);
				return EXIT_IO;
			}
			return EXIT_OK;
		}
		case 'p': lopts.promisc = false; break;
		case 'Z': drop_user = optarg; break;
		case OPT_WRITE_RAW: rawfile = optarg; break;
		case OPT_WRITE_DECRYPTED: wfile = optarg; break;
		case OPT_EXPORT_CBOR: cbor_path = optarg; break;
		case OPT_STALL: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v == 0 || v > 86400) {
				fprintf(stderr, "ikecap: --stall-timeout wants seconds (1-86400), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			r.stall_s = (unsigned)v;
			break;
		}
		case OPT_DUP_WINDOW: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' || v > IKC_DUPES_MAX_WINDOW_MS) {
				fprintf(stderr, "ikecap: --dup-window wants milliseconds (0-%d), not '%s'\n",
					IKC_DUPES_MAX_WINDOW_MS, optarg);
				return EXIT_USAGE;
			}
			dup_window_ms = (unsigned)v;
			break;
		}
		case OPT_STATS: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v == 0 || v > 86400) {
				fprintf(stderr, "ikecap: --stats wants seconds (1-86400), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			r.stats_every = (unsigned)v;
			break;
		}
		case 'n': break;
		case 'T':
			if (strcmp(optarg, "json") == 0 || strcmp(optarg, "ndjson") == 0) {
				eo.format = IKC_FMT_JSON;
			} else if (strcmp(optarg, "cbor") == 0) {
				eo.format = IKC_FMT_CBOR;
			} else if (strcmp(optarg, "text") == 0) {
				eo.format = IKC_FMT_TEXT;
			} else if (strcmp(optarg, "ladder") == 0) {
				ladder = true;
				eo.format = IKC_FMT_TEXT;
				eo.quiet = true;
			} else {
				fprintf(stderr, "ikecap: -T takes text, json, cbor or ladder, not '%s'\n", optarg);
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
		case OPT_MAX_IKE_SAS:
		case OPT_MAX_ESP_SAS:
		case OPT_MAX_FRAG_BYTES:
		case OPT_MAX_QUICK_MODES: {
			size_t *dst = c == OPT_MAX_IKE_SAS ? &scfg.max_sas
				      : c == OPT_MAX_ESP_SAS ? &max_esp_sas
				      : c == OPT_MAX_FRAG_BYTES ? &ncfg.max_frag_bytes : &scfg.max_qm;
			if (parse_count(optarg, c == OPT_MAX_FRAG_BYTES, dst) != 0) {
				fprintf(stderr, "ikecap: --%s wants a positive number, not '%s'\n",
					c == OPT_MAX_IKE_SAS ? "max-ike-sas" : c == OPT_MAX_ESP_SAS ? "max-esp-sas"
					: c == OPT_MAX_FRAG_BYTES ? "max-frag-bytes" : "max-quick-modes", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case OPT_RETIRE_IDLE: {
			size_t v = 0;
			if (strcmp(optarg, "0") != 0 && (parse_count(optarg, false, &v) != 0 || v > 100u * 86400u)) {
				fprintf(stderr, "ikecap: --retire-idle wants seconds (0 to keep every SA), not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			scfg.retire_idle_s = (uint32_t)v;
			break;
		}
		/* optopt is the short option's letter; for a long option it is 0 or
		 * its val (0x100 and up): then the word as typed says it best. */
		case ':':
			if (optopt > 0 && optopt < 0x100)
				fprintf(stderr, "ikecap: -%c needs an argument (see ikecap --help)\n", optopt);
			else
				fprintf(stderr, "ikecap: %s needs an argument (see ikecap --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (optopt > 0 && optopt < 0x100)
				fprintf(stderr, "ikecap: unknown option -%c (see ikecap --help)\n", optopt);
			else if (optopt)
				fprintf(stderr, "ikecap: %s takes no value (see ikecap --help)\n", argv[optind - 1]);
			else
				fprintf(stderr, "ikecap: unknown or ambiguous option %s (see ikecap --help)\n",
					argv[optind - 1]);
			return EXIT_USAGE;
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
	if (strcmp(color, "auto") != 0 && strcmp(color, "always") != 0 && strcmp(color, "never") != 0) {
		fprintf(stderr, "ikecap: --color takes auto, always or never, not '%s'\n", color);
		return EXIT_USAGE;
	}
	if ((rfile != NULL) == (iface != NULL)) {
		fputs(rfile ? "ikecap: give -r or -i, not both\n"
			    : "ikecap: no input: give -r FILE or -i IFACE (see ikecap --help)\n",
		      stderr);
		return EXIT_USAGE;
	}
	/* Standard output carries the decode; a pcap there would be mixed in. */
	if ((rawfile && strcmp(rawfile, "-") == 0) || (wfile && strcmp(wfile, "-") == 0) ||
	    (cbor_path && strcmp(cbor_path, "-") == 0)) {
		fputs("ikecap: cannot write a pcap to standard output (it carries the decode): give a file name\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (outputs_clash(rfile, rawfile, wfile, cbor_path))
		return EXIT_USAGE;
	if (audit_file && strcmp(audit_file, "-") == 0 && rfile && strcmp(rfile, "-") == 0) {
		fputs("ikecap: --psk-audit - and -r - cannot both read standard input\n", stderr);
		return EXIT_USAGE;
	}
	if (strcmp(color, "always") == 0)
		eo.color = true;
	else if (strcmp(color, "never") == 0)
		eo.color = false;
	else
		eo.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	/* Outputs that come after the whole capture is read fail now, not then. */
	if (audit_file && !(audit.words = strcmp(audit_file, "-") == 0 ? stdin : fopen(audit_file, "r"))) {
		fprintf(stderr, "ikecap: --psk-audit %s: %s\n", audit_file, strerror(errno));
		return EXIT_IO;
	}
	if (export_dir) {
		struct stat st;

		if ((mkdir(export_dir, 0700) != 0 && errno != EEXIST) || stat(export_dir, &st) != 0 ||
		    (!S_ISDIR(st.st_mode) && (errno = ENOTDIR)) || access(export_dir, W_OK) != 0) {
			fprintf(stderr, "ikecap: --export-keys %s: %s\n", export_dir, strerror(errno));
			rc = EXIT_IO;
			goto out;
		}
	}
	if (getenv("NO_COLOR") && getenv("NO_COLOR")[0])
		eo.color = false;

	/* OpenSSL's error strings are ~450 KB of memory, and ikecap prints
	 * none of them: not loaded. */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	/* DES, Blowfish and CAST live in OpenSSL's legacy provider, loaded when
	 * first needed (ikc_crypto_want_legacy); that needs the default provider
	 * loaded explicitly.  Missing: those ciphers are reported as
	 * unsupported, nothing else changes. */
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	ikc_crypto_init();

	r.keyfiles = keyfiles;
	r.nkeyfiles = nkeyfiles;
	r.live = iface != NULL;
	keys = ikc_keys_new();
	r.keys = keys;
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

	r.keys_stamp = keyfiles_stamp(&r);
	r.last_stats = time(NULL);
	if (rfile)
		err = ikc_capture_open_offline(&r.cap, rfile, errbuf, sizeof errbuf);
	else
		err = ikc_capture_open_live_opts(&r.cap, iface, &lopts, errbuf, sizeof errbuf);
	if (!err && rawfile)
		err = ikc_capture_dump_open(r.cap, rawfile, errbuf, sizeof errbuf);
	/* -Z: give up root once the capture is open, as tcpdump does. */
	if (!err && drop_user && drop_privileges(drop_user, errbuf, sizeof errbuf) != 0)
		err = IKC_USAGE;
	/* Live, with no filter given: only what ikecap reads (IKE, GDOI, ESP, IP
	 * fragments, and ICMP errors that may quote them), so a busy span port
	 * does not flood the pipeline. */
	if (!err && iface && !filter[0])
		snprintf(filter, sizeof filter,
			 "udp port %u or udp port %u or udp port %u or ip proto 50 or ip6 proto 50 or "
			 "(ip and ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44) or icmp or icmp6",
			 ncfg.ike_port, ncfg.natt_port, ncfg.gdoi_port);
	if (!err && filter[0])
		err = ikc_capture_set_filter(r.cap, filter, errbuf, sizeof errbuf);
	if (!err && iface) {
		const char *warn = ikc_capture_warning(r.cap);
		if (warn && warn[0])
			fprintf(stderr, "ikecap: warning: %s\n", warn);
		setvbuf(stdout, NULL, _IOLBF, 0);  /* live: each line as it happens */
	} else if (!err) {
		/* Offline: one write per 256 KiB, not per 4 KiB (st_blksize); glibc
		 * ignores the size unless given the buffer.  Static: stdout uses it
		 * until exit flushes it, after main returns. */
		static char obuf[256u << 10];
		setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	}
	if (!err && !ikc_net_dlt_supported(ikc_capture_dlt(r.cap))) {
		int dlt = ikc_capture_dlt(r.cap);
		const char *name = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "ikecap: warning: link type %s (%d) is not decoded: its packets are counted and skipped\n",
			name ? name : "?", dlt);
	}
	if (err) {
		fprintf(stderr, "ikecap: %s\n", errbuf);
		rc = err == IKC_USAGE ? EXIT_USAGE : EXIT_IO;
		goto out;
	}

	r.p.net = ikc_net_new(&ncfg);
	{
		struct ikc_ended_opts eopts = { .format = eo.format, .ladder = ladder, .verbose = eo.verbose,
						.color = eo.color, .keep_keys = export_dir != NULL,
						.keys_in_text = scfg.print_keys, .out = stdout };
		if (eo.format != IKC_FMT_TEXT && !ladder)
			eopts.rw[eopts.nrw++] = &r.em.rw;
		if (cbor_path)
			eopts.rw[eopts.nrw++] = &r.cbor.rw;
		r.ended = ikc_ended_new(&eopts);
	}
	scfg.keep_for_reload = iface != NULL && nkeyfiles > 0;  /* keys reloaded live open what went by */
	scfg.ladder_facts = ladder;
	scfg.keep_key_inputs = nkeyfiles > 0 || audit_file;   /* nothing else can use them */
	r.p.keep_esp = scfg.keep_for_reload;
	scfg.on_retire = ikc_ended_retire;
	scfg.retire_ctx = r.ended;
	if (audit_file)
		scfg.retire_idle_s = 0;  /* the audit tries every Aggressive Mode SA at the end */
	r.p.sess = ikc_session_new(&scfg, keys);
	r.p.frag = ikc_ikefrag_new(256, ncfg.max_frag_bytes, 30);
	r.p.esp = ikc_esp_table_new(max_esp_sas, keys);
	r.p.dupes = ikc_dupes_new(dup_window_ms);
	r.lim = (struct limits){ .ike_sas = scfg.max_sas, .esp_sas = max_esp_sas, .frag_bytes = ncfg.max_frag_bytes,
				 .quick_modes = scfg.max_qm };
	if (!r.p.net || !r.ended || !r.p.sess || !r.p.frag || !r.p.esp || (dup_window_ms && !r.p.dupes) ||
	    ikc_arena_init(&r.p.arena, 1u << 20) != 0) {
		fputs("ikecap: out of memory\n", stderr);
		rc = EXIT_IO;
		goto out;
	}
	if (wfile) {
		err = ikc_pcap_out_open(&r.p.pw, wfile, errbuf, sizeof errbuf);
		if (err) {
			fprintf(stderr, "ikecap: --write-decrypted: %s\n", errbuf);
			rc = EXIT_IO;
			goto out;
		}
	}
	if (ikc_emit_init(&r.em, stdout, &eo) != 0) {
		fputs("ikecap: out of memory\n", stderr);
		rc = EXIT_IO;
		goto out;
	}
	ikc_emit_meta(&r.em, IKECAP_VERSION);
	r.p.em[0] = &r.em;
	r.p.nem = 1;
	if (cbor_path) {
		struct ikc_emit_opts co = eo;
		co.format = IKC_FMT_CBOR;
		co.quiet = false;
		co.color = false;
		if (!(r.cbor_file = fopen(cbor_path, "wb"))) {
			fprintf(stderr, "ikecap: --export-cbor %s: %s\n", cbor_path, strerror(errno));
			rc = EXIT_IO;
			goto out;
		}
		if (ikc_emit_init(&r.cbor, r.cbor_file, &co) != 0) {
			fputs("ikecap: out of memory\n", stderr);
			rc = EXIT_IO;
			goto out;
		}
		ikc_emit_meta(&r.cbor, IKECAP_VERSION);
		r.p.em[r.p.nem++] = &r.cbor;
	}
	/* Not while the run writes to the same terminal: \r would land inside
	 * its lines.  Only -q text waits for the end; the ladder and the machine
	 * formats write each SA as it ends. */
	r.progress = rfile && strcmp(rfile, "-") != 0 && !no_progress && isatty(STDERR_FILENO) &&
		     (!isatty(STDOUT_FILENO) || (eo.quiet && eo.format == IKC_FMT_TEXT && !ladder));
	{
		/* No SA_RESTART: a signal must get the read loop back to g_stop. */
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}

	ikc_capture_set_tick(r.cap, on_tick, &r);
	err = ikc_capture_loop(r.cap, max_packets, &g_stop, on_frame, &r, errbuf, sizeof errbuf);
	if (iface)
		live_stats(&r);
	show_progress(&r, true);
	if (err) {
		/* Report, then still print what was decoded before the damage. */
		fprintf(stderr, "ikecap: %s\n", errbuf);
		rc = EXIT_IO;
	}
	if (audit.words)
		psk_audit(&r, &audit);
	/* Only the GDOI groups' findings are held: every output makes the live
	 * SAs' a batch at a time, as it writes them (machine_summary,
	 * diagnosis_text, ikc_ladder_write). */
	if (ikc_gdoi_diagnose(ikc_session_gdoi(r.p.sess), r.p.esp, &diags) != IKC_OK)
		fputs("ikecap: out of memory for the GDOI diagnosis\n", stderr);
	if (cbor_path)
		machine_summary(&r, &r.cbor, &diags, scfg.print_keys, &audit);
	if (ladder) {
		/* SAs that ended were drawn as they ended. */
		if (!ikc_ended_count(r.ended) || ikc_session_live(r.p.sess))
			ikc_ladder_write(r.p.sess, &diags, stdout, eo.color);
		evictions_text(&r, stdout);
	} else if (eo.format != IKC_FMT_TEXT) {
		machine_summary(&r, &r.em, &diags, scfg.print_keys, &audit);
	} else {
		text_summary(&r, stdout);
		evictions_text(&r, stdout);
		if (ikc_ended_count(r.ended))
			fprintf(stdout, "IKE SAs (%llu ended during the capture, listed first; %zu at its end):\n",
				(unsigned long long)ikc_ended_count(r.ended), ikc_session_live(r.p.sess));
		ikc_ended_write_text(r.ended, stdout);
		if (eo.verbose) {
			struct ikc_rw tw;
			ikc_rw_text_init(&tw, stdout, 2, eo.color);
			ikc_session_write_summary(r.p.sess, &tw);
			ikc_rw_flush(&tw);
		} else {
			ikc_session_write_text(r.p.sess, stdout, ikc_ended_count(r.ended) == 0);
		}
		ikc_gdoi_write_text(ikc_session_gdoi(r.p.sess), stdout);
		ikc_emit_esp_sas(&r.em, r.p.esp, scfg.print_keys);
		diagnosis_text(&r, &diags, eo.color);
	}
	if (export_dir && export_keys(&r, export_dir) != 0)
		rc = EXIT_IO;
	if (audit.words && (eo.format == IKC_FMT_TEXT || ladder))
		audit_text(&audit, stdout);
	fflush(stdout);

	if (r.p.pw) {
		uint64_t written = ikc_pcap_out_count(r.p.pw);
		err = ikc_pcap_out_close(r.p.pw);
		r.p.pw = NULL;
		if (err || r.p.pw_failed) {
			fprintf(stderr, "ikecap: --write-decrypted %s: not every decrypted packet was written\n", wfile);
			rc = EXIT_IO;
		} else if (!eo.quiet || eo.format == IKC_FMT_TEXT) {
			fprintf(stderr, "ikecap: wrote %llu decrypted packet(s) to %s\n", (unsigned long long)written,
				wfile);
		}
	}

out:
	ikc_diag_list_free(&diags);
	if (audit.words && audit.words != stdin)
		fclose(audit.words);
	free(audit.hit);
	if (r.p.pw && ikc_pcap_out_close(r.p.pw) != IKC_OK)
		rc = EXIT_IO;
	ikc_emit_close(&r.em);
	if (r.cbor_file) {
		ikc_emit_close(&r.cbor);
		if (fclose(r.cbor_file) != 0) {
			fprintf(stderr, "ikecap: --export-cbor %s: %s\n", cbor_path, strerror(errno));
			rc = EXIT_IO;
		}
	}
	ikc_esp_table_free(r.p.esp);
	ikc_dupes_free(r.p.dupes);
	ikc_capture_close(r.cap);
	ikc_net_free(r.p.net);
	ikc_session_free(r.p.sess);
	ikc_ended_free(r.ended);
	ikc_pipeline_drop_kept(&r.p);
	ikc_ikefrag_free(r.p.frag);
	ikc_arena_free(&r.p.arena);
	ikc_keys_free(r.keys);
	ikc_crypto_release();
	if (prov_default)
		OSSL_PROVIDER_unload(prov_default);
	return rc;
}

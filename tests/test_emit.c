/* test_emit.c - the one-line view's endpoints (emit.c).
 *
 * The line writer keeps the "SRC > DST" text of the last few endpoint pairs;
 * these tests cycle through more pairs than it keeps, in both directions and
 * both address families, and check every line against the endpoints written
 * independently here (inet_ntop and printf, tcpdump's "a.b.c.d.port" aside:
 * ikecap writes "addr:port", IPv6 as "[addr]:port").
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../dissector/emit.h"

struct pair {
	int af;
	const char *src, *dst;
	uint16_t sport, dport;
	enum ikc_transport t;
};

static const struct pair pairs[] = {
	{ 4, "198.51.100.1", "203.0.113.2", 4500, 4500, IKC_T_UDP4500_ESP },
	{ 4, "203.0.113.2", "198.51.100.1", 4500, 4500, IKC_T_UDP4500_ESP },
	{ 4, "198.51.100.1", "203.0.113.2", 4500, 64999, IKC_T_UDP4500_ESP },  /* only a port differs */
	{ 4, "10.0.0.1", "10.0.0.2", 0, 0, IKC_T_ESP },
	{ 6, "2001:db8::1", "2001:db8::2", 4500, 4500, IKC_T_UDP4500_ESP },
	{ 6, "2001:db8::2", "2001:db8::1", 0, 0, IKC_T_ESP },
	{ 4, "0.0.0.0", "255.255.255.255", 1, 65535, IKC_T_UDP4500_ESP },
};
#define NPAIRS (sizeof pairs / sizeof pairs[0])

static void pkt_of(const struct pair *p, uint64_t frame, struct ikc_pkt *pkt)
{
	memset(pkt, 0, sizeof *pkt);
	pkt->frame = frame;
	pkt->af = p->af;
	/* bytes past an IPv4 address are junk: they must not matter */
	memset(pkt->src, 0xa5, sizeof pkt->src);
	memset(pkt->dst, (int)(0x5a + frame), sizeof pkt->dst);
	cr_assert_eq(inet_pton(p->af == 6 ? AF_INET6 : AF_INET, p->src, pkt->src), 1);
	cr_assert_eq(inet_pton(p->af == 6 ? AF_INET6 : AF_INET, p->dst, pkt->dst), 1);
	pkt->sport = p->sport;
	pkt->dport = p->dport;
	pkt->transport = p->t;
}

static void want_endpoints(const struct pair *p, char *out, size_t n)
{
	if (p->t == IKC_T_ESP)
		snprintf(out, n, " %s > %s ESP spi ", p->src, p->dst);
	else if (p->af == 6)
		snprintf(out, n, " [%s]:%u > [%s]:%u ESP spi ", p->src, p->sport, p->dst, p->dport);
	else
		snprintf(out, n, " %s:%u > %s:%u ESP spi ", p->src, p->sport, p->dst, p->dport);
}

Test(emit, endpoints_of_every_line_across_more_pairs_than_are_kept)
{
	struct ikc_emit_opts o = { .format = IKC_FMT_TEXT };
	struct ikc_emitter e;
	struct ikc_esp_hdr esp = { .spi = 0x1234, .seq = 1, .body_len = 32 };
	char *buf = NULL, *line, *save = NULL, want[160];
	size_t len = 0, frame = 0;
	FILE *f = open_memstream(&buf, &len);
	/* in order, backwards, and one pair repeated between the others */
	size_t order[3 * NPAIRS + 6];
	size_t n = 0;

	for (size_t i = 0; i < NPAIRS; i++)
		order[n++] = i;
	for (size_t i = NPAIRS; i-- > 0;)
		order[n++] = i;
	for (size_t i = 0; i < NPAIRS; i++)
		order[n++] = i % 2 ? 0 : i;
	for (size_t i = 0; i < 6; i++)
		order[n++] = 5 - i % 2;
	cr_assert_not_null(f);
	cr_assert_eq(ikc_emit_init(&e, f, &o), 0);
	for (size_t i = 0; i < n; i++) {
		struct ikc_pkt pkt;

		pkt_of(&pairs[order[i]], i + 1, &pkt);
		ikc_emit_esp(&e, &pkt, &esp, true, NULL);
	}
	ikc_emit_close(&e);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), frame++) {
		cr_assert_lt(frame, n);
		want_endpoints(&pairs[order[frame]], want, sizeof want);
		cr_assert(strstr(line, want), "line %zu: %s\nwant: %s", frame + 1, line, want);
	}
	cr_assert_eq(frame, n);
	free(buf);
}

Test(emit, time_of_day_of_every_line_against_gmtime)
{
	/* Packets in one second, across seconds, across midnight, and before
	 * 1970: each line's HH:MM:SS.uuuuuu must be what gmtime_r says. */
	static const int64_t secs[] = { 1700000000, 1700000000, 1700000001, 1700000001, 1700006399,
					1700006400, 1700006400, 0, -1, -1, -86401, 1700000000 };
	static const uint32_t nsecs[] = { 0, 999999999, 1000, 500000, 123456789, 0, 42000, 0, 999999000, 0, 1, 7000 };
	struct ikc_emit_opts o = { .format = IKC_FMT_TEXT };
	struct ikc_emitter e;
	struct ikc_esp_hdr esp = { .spi = 1, .seq = 1, .body_len = 16 };
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, i = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(ikc_emit_init(&e, f, &o), 0);
	for (size_t k = 0; k < sizeof secs / sizeof secs[0]; k++) {
		struct ikc_pkt pkt;

		pkt_of(&pairs[3], k + 1, &pkt);
		pkt.ts_sec = secs[k];
		pkt.ts_nsec = nsecs[k];
		ikc_emit_esp(&e, &pkt, &esp, true, NULL);
	}
	ikc_emit_close(&e);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		time_t t = (time_t)secs[i];
		struct tm tm;
		char want[32];

		cr_assert_not_null(gmtime_r(&t, &tm));
		snprintf(want, sizeof want, " %02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned)(nsecs[i] / 1000));
		cr_assert(strstr(line, want), "line %zu: %s\nwant: %s", i + 1, line, want);
	}
	cr_assert_eq(i, sizeof secs / sizeof secs[0]);
	free(buf);
}

Test(emit, frame_numbers_of_every_line_against_printf)
{
	/* Frames counted up across every carry (9 -> 10 ... 999999 -> 1000000),
	 * repeated, going back and jumping: each line starts with "%5llu ". */
	static const uint64_t starts[] = { 1, 95, 995, 9995, 99995, 999995, 9999999999995ull, 7, 7, 3 };
	struct ikc_emit_opts o = { .format = IKC_FMT_TEXT };
	struct ikc_emitter e;
	struct ikc_esp_hdr esp = { .spi = 1, .seq = 1, .body_len = 16 };
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, n = 0;
	uint64_t frames[128];
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(ikc_emit_init(&e, f, &o), 0);
	for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++)
		for (uint64_t v = starts[k]; v < starts[k] + 10 && n < 128; v++) {
			struct ikc_pkt pkt;

			frames[n++] = v;
			pkt_of(&pairs[0], v, &pkt);
			ikc_emit_esp(&e, &pkt, &esp, true, NULL);
			if (k == 7 && v == starts[k] + 2) {   /* the same frame twice */
				frames[n++] = v;
				ikc_emit_esp(&e, &pkt, &esp, true, NULL);
			}
		}
	ikc_emit_close(&e);
	fclose(f);
	n = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		char want[32];

		snprintf(want, sizeof want, "%5llu ", (unsigned long long)frames[n]);
		cr_assert_eq(strncmp(line, want, strlen(want)), 0, "line %zu: %s\nwant: %s", n + 1, line, want);
	}
	cr_assert_eq(n, 10 * (sizeof starts / sizeof starts[0]) + 1);
	free(buf);
}

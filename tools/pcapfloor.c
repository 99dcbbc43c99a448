/* pcapfloor.c - the floor of any pcap reader: libpcap's pcap_next_ex over a
 * file and nothing else (a byte sum so the loop is not optimised away).
 * tools/bench compares ikecap's packets/s with it.  The file gets the same
 * 256 KB stdio buffer ikecap gives it (capture.c), so the floor is the fastest
 * plain libpcap read, not one slowed by a read(2) per 4 KB.
 * Usage: pcapfloor FILE */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0;
	unsigned sum = 0;
	static char buf[256 << 10];
	pcap_t *p;
	FILE *fp;
	int rc;

	if (argc != 2) {
		fputs("usage: pcapfloor FILE\n", stderr);
		return 2;
	}
	fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(fp, buf, _IOFBF, sizeof buf);
	p = pcap_fopen_offline(fp, err);
	if (!p) {
		fprintf(stderr, "pcapfloor: %s\n", err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		sum += h->caplen ? d[0] : 0;
	}
	pcap_close(p);
	printf("%llu packets %llu bytes %u\n", n, bytes, sum);
	return rc == PCAP_ERROR ? 1 : 0;
}

/* cbor2json - print an ikecap CBOR export (a CBOR sequence, RFC 8742) as
 * NDJSON (the same lines `ikecap -T json` writes: byte strings as lowercase
 * hex) or, with -d, in CBOR diagnostic notation (RFC 8949 §8).
 *
 *   ikecap -T cbor -r capture.pcap | tools/cbor2json
 *   tools/cbor2json -d export.cbor
 *
 * Decoding is libcbor's (cbor_load), so this reader shares no code with the
 * writer it checks.  Exit status: 0, or 1 on an unreadable file or a
 * malformed item (with the byte offset).
 */
#include <cbor.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_text(const unsigned char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char b = s[i];
		if (b == '"' || b == '\\')
			printf("\\%c", b);
		else if (b < 0x20 || b == 0x7f)
			printf("\\u%04x", b);
		else
			putchar(b);
	}
	putchar('"');
}

static void print_item(const cbor_item_t *it, bool diag)
{
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_UINT:
		printf("%llu", (unsigned long long)cbor_get_int(it));
		break;
	case CBOR_TYPE_NEGINT:
		printf("-%llu", (unsigned long long)cbor_get_int(it) + 1);
		break;
	case CBOR_TYPE_BYTESTRING: {
		const unsigned char *p = cbor_bytestring_handle(it);
		size_t n = cbor_bytestring_length(it);
		printf(diag ? "h'" : "\"");
		for (size_t i = 0; i < n; i++)
			printf("%02x", p[i]);
		putchar(diag ? '\'' : '"');
		break;
	}
	case CBOR_TYPE_STRING:
		json_text(cbor_string_handle(it), cbor_string_length(it));
		break;
	case CBOR_TYPE_ARRAY: {
		cbor_item_t **v = cbor_array_handle(it);
		putchar('[');
		for (size_t i = 0; i < cbor_array_size(it); i++) {
			if (i)
				printf(diag ? ", " : ",");
			print_item(v[i], diag);
		}
		putchar(']');
		break;
	}
	case CBOR_TYPE_MAP: {
		struct cbor_pair *p = cbor_map_handle(it);
		putchar('{');
		for (size_t i = 0; i < cbor_map_size(it); i++) {
			if (i)
				printf(diag ? ", " : ",");
			print_item(p[i].key, diag);
			printf(diag ? ": " : ":");
			print_item(p[i].value, diag);
		}
		putchar('}');
		break;
	}
	case CBOR_TYPE_FLOAT_CTRL:
		if (cbor_is_bool(it))
			printf(cbor_get_bool(it) ? "true" : "false");
		else if (cbor_is_null(it))
			printf("null");
		else
			printf(diag ? "simple(?)" : "null");
		break;
	default:
		printf(diag ? "?" : "null");
		break;
	}
}

int main(int argc, char **argv)
{
	bool diag = false;
	const char *path = NULL;
	FILE *f;
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, off = 0, n;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0)
			diag = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			puts("usage: cbor2json [-d] [FILE]   (stdin when no FILE)");
			return 0;
		} else
			path = argv[i];
	}
	f = path ? fopen(path, "rb") : stdin;
	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (len == cap) {
			unsigned char *p;
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p) {
				fputs("cbor2json: out of memory\n", stderr);
				return 1;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (f != stdin)
		fclose(f);
	while (off < len) {
		struct cbor_load_result res;
		cbor_item_t *it = cbor_load(buf + off, len - off, &res);
		if (!it || res.error.code != CBOR_ERR_NONE) {
			fprintf(stderr, "cbor2json: malformed CBOR at byte %zu\n", off + res.error.position);
			rc = 1;
			break;
		}
		print_item(it, diag);
		putchar('\n');
		off += res.read;
		cbor_decref(&it);
	}
	free(buf);
	return rc;
}

/* record.c - the NDJSON and text-tree implementations of the record writer.
 *
 * Both writers stream straight to a FILE: no allocation per call, no state
 * beyond struct ikc_rw.  Nesting deeper than IKC_RW_MAX_DEPTH is dropped
 * (the container and everything in it) while begin/end stay balanced, so a
 * hostile nesting depth can cost output but never memory or validity.
 *
 * JSON (RFC 8259): compact, one record per line at end_record.  Strings are
 * UTF-8 checked: valid sequences pass through, control bytes become \u00XX,
 * and a byte that is not part of valid UTF-8 becomes the four characters
 * \xNN (written "\\xNN" in the JSON text), so the output is always valid JSON
 * and the odd byte stays visible.  Bytes are lowercase hex without separators.
 *
 * Text: "label: value" lines, two spaces per level after a left margin; a
 * container prints its label on a line of its own and its children below it.
 * A container without a label prints nothing and does not indent.  Strings go
 * through ikc_escape_text, so no control byte reaches the terminal.
 */
#include "record.h"

#include <inttypes.h>
#include <string.h>

#define TEXT_STEP 2            /* spaces per labelled level */
#define TEXT_BYTES_PER_LINE 32 /* bytes longer than this fold */

#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

static const char hexdig[] = "0123456789abcdef";

size_t ikc_escape_text(const uint8_t *s, size_t len, char *out, size_t outsz)
{
	size_t o = 0;

	if (!outsz)
		return 0;
	for (size_t i = 0; i < len && s; i++) {
		uint8_t b = s[i];
		size_t need = (b >= 0x20 && b < 0x7f) ? (b == '\\' ? 2 : 1) : 4;

		if (o + need + 1 > outsz)
			break; /* never split an escape */
		if (b == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (need == 1) {
			out[o++] = (char)b;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hexdig[b >> 4];
			out[o++] = hexdig[b & 15];
		}
	}
	out[o] = '\0';
	return o;
}

/* ------------------------------------------------------------------ JSON */

/* Length of the valid UTF-8 sequence starting at p (RFC 3629 §4: no
 * overlongs, no surrogates, nothing past U+10FFFF), or 0 when invalid. */
size_t ikc_utf8_seq_len(const uint8_t *p, size_t left)
{
	uint8_t b = p[0];
	size_t n;
	uint8_t lo = 0x80, hi = 0xbf;

	if (b >= 0xc2 && b <= 0xdf)
		n = 2;
	else if (b >= 0xe0 && b <= 0xef)
		n = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		n = 4;
	else
		return 0;
	if (left < n)
		return 0;
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static void json_string(FILE *f, const uint8_t *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len && s;) {
		uint8_t b = s[i];

		if (b == '"' || b == '\\') {
			fputc('\\', f);
			fputc(b, f);
			i++;
		} else if (b < 0x20 || b == 0x7f) {
			fprintf(f, "\\u%04x", (unsigned)b);
			i++;
		} else if (b < 0x80) {
			fputc(b, f);
			i++;
		} else {
			size_t n = ikc_utf8_seq_len(s + i, len - i);

			if (n) {
				fwrite(s + i, 1, n, f);
				i += n;
			} else {
				fprintf(f, "\\\\x%c%c", hexdig[b >> 4], hexdig[b & 15]);
				i++;
			}
		}
	}
	fputc('"', f);
}

static void json_cstring(FILE *f, const char *s)
{
	json_string(f, (const uint8_t *)s, s ? strlen(s) : 0);
}

/* Comma and key before a member; false when the member is to be dropped. */
static bool json_member(struct ikc_rw *w, const char *key)
{
	int d = w->depth;

	if (d > IKC_RW_MAX_DEPTH)
		return false;
	if (d > 0) {
		if (!w->first[d])
			fputc(',', w->out);
		if (!w->in_array[d]) {
			json_cstring(w->out, key ? key : "");
			fputc(':', w->out);
		}
	}
	w->first[d] = false;
	return true;
}

static void json_open(struct ikc_rw *w, const char *key, bool array)
{
	if (w->depth >= IKC_RW_MAX_DEPTH || !json_member(w, key)) {
		w->depth++; /* dropped, but counted to keep balance */
		return;
	}
	fputc(array ? '[' : '{', w->out);
	w->depth++;
	w->first[w->depth] = true;
	w->in_array[w->depth] = array;
}

static void json_close(struct ikc_rw *w)
{
	if (w->depth <= 0)
		return; /* unbalanced end: ignore */
	if (w->depth <= IKC_RW_MAX_DEPTH)
		fputc(w->in_array[w->depth] ? ']' : '}', w->out);
	w->depth--;
}

static void json_begin_map(struct ikc_rw *w, const char *key, const char *label)
{
	(void)label;
	json_open(w, key, false);
}

static void json_begin_array(struct ikc_rw *w, const char *key, const char *label)
{
	(void)label;
	json_open(w, key, true);
}

static void json_uint(struct ikc_rw *w, const char *key, const char *label, uint64_t v, enum ikc_rw_fmt fmt,
		      const char *vname)
{
	(void)label;
	(void)fmt;
	(void)vname;
	if (json_member(w, key))
		fprintf(w->out, "%" PRIu64, v);
}

static void json_str(struct ikc_rw *w, const char *key, const char *label, const char *s, size_t len)
{
	(void)label;
	if (json_member(w, key))
		json_string(w->out, (const uint8_t *)s, len);
}

static void json_bytes(struct ikc_rw *w, const char *key, const char *label, const uint8_t *p, size_t n)
{
	(void)label;
	if (!json_member(w, key))
		return;
	fputc('"', w->out);
	for (size_t i = 0; i < n && p; i++) {
		fputc(hexdig[p[i] >> 4], w->out);
		fputc(hexdig[p[i] & 15], w->out);
	}
	fputc('"', w->out);
}

static void json_bool(struct ikc_rw *w, const char *key, const char *label, bool v)
{
	(void)label;
	if (json_member(w, key))
		fputs(v ? "true" : "false", w->out);
}

static void json_end_record(struct ikc_rw *w)
{
	while (w->depth > 0) /* close whatever the caller left open */
		json_close(w);
	fputc('\n', w->out);
	w->depth = 0;
	w->first[0] = true;
	w->in_array[0] = false;
}

static const struct ikc_rw_ops json_ops = {
	.begin_map = json_begin_map,
	.end_map = json_close,
	.begin_array = json_begin_array,
	.end_array = json_close,
	.uint = json_uint,
	.str = json_str,
	.bytes = json_bytes,
	.boolean = json_bool,
	.end_record = json_end_record,
};

void ikc_rw_json_init(struct ikc_rw *w, FILE *out)
{
	memset(w, 0, sizeof *w);
	w->ops = &json_ops;
	w->out = out;
	w->first[0] = true;
}

/* ------------------------------------------------------------------ text */

/* In the text writer, first[d] records whether level d printed a label line
 * (and so indents its children); in_array[d] whether it is an array. */

static int text_cols(const struct ikc_rw *w)
{
	int d = w->depth > IKC_RW_MAX_DEPTH ? IKC_RW_MAX_DEPTH : w->depth;
	int cols = w->indent;

	for (int i = 1; i <= d; i++)
		if (w->first[i])
			cols += TEXT_STEP;
	return cols;
}

static void text_pad(struct ikc_rw *w, int extra)
{
	fprintf(w->out, "%*s", text_cols(w) + extra, "");
}

/* "label: " (dim when coloured); an array item without a label gets "- ". */
static void text_label(struct ikc_rw *w, const char *key, const char *label)
{
	const char *l = label ? label : key;
	char buf[128];

	text_pad(w, 0);
	if (!l) {
		if (w->depth > 0 && w->depth <= IKC_RW_MAX_DEPTH && w->in_array[w->depth])
			fputs("- ", w->out);
		return;
	}
	/* Labels are ours, but escape anyway: a caller may pass a table name. */
	ikc_escape_text((const uint8_t *)l, strlen(l), buf, sizeof buf);
	fprintf(w->out, "%s%s:%s ", w->color ? C_DIM : "", buf, w->color ? C_OFF : "");
}

static void text_open(struct ikc_rw *w, const char *key, const char *label, bool array)
{
	bool show = label != NULL;

	if (w->depth >= IKC_RW_MAX_DEPTH) {
		w->depth++;
		return;
	}
	if (w->depth == 0 && !label)
		show = false;
	else if (!label && key && !(w->depth > 0 && w->in_array[w->depth]))
		show = true, label = key;
	if (show) {
		char buf[128];

		ikc_escape_text((const uint8_t *)label, strlen(label), buf, sizeof buf);
		text_pad(w, 0);
		fprintf(w->out, "%s%s%s\n", w->color ? C_DIM : "", buf, w->color ? C_OFF : "");
	}
	w->depth++;
	w->first[w->depth] = show;
	w->in_array[w->depth] = array;
}

static void text_close(struct ikc_rw *w)
{
	if (w->depth > 0)
		w->depth--;
}

static void text_begin_map(struct ikc_rw *w, const char *key, const char *label)
{
	text_open(w, key, label, false);
}

static void text_begin_array(struct ikc_rw *w, const char *key, const char *label)
{
	text_open(w, key, label, true);
}

static void text_uint(struct ikc_rw *w, const char *key, const char *label, uint64_t v, enum ikc_rw_fmt fmt,
		      const char *vname)
{
	char num[32];

	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	if (fmt == IKC_RW_HEX)
		snprintf(num, sizeof num, "0x%" PRIx64, v);
	else
		snprintf(num, sizeof num, "%" PRIu64, v);
	text_label(w, key, label);
	if (vname) {
		char buf[160];

		ikc_escape_text((const uint8_t *)vname, strlen(vname), buf, sizeof buf);
		fprintf(w->out, "%s%s%s (%s)\n", w->color ? C_BOLD : "", buf, w->color ? C_OFF : "", num);
	} else {
		fprintf(w->out, "%s\n", num);
	}
}

static void text_str(struct ikc_rw *w, const char *key, const char *label, const char *s, size_t len)
{
	char buf[4 * 64 + 1];
	const uint8_t *p = (const uint8_t *)s;

	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	text_label(w, key, label);
	/* Escape in chunks: each byte escapes on its own, so chunking is exact. */
	for (size_t off = 0; off < len && p; off += 64) {
		size_t n = len - off < 64 ? len - off : 64;

		ikc_escape_text(p + off, n, buf, sizeof buf);
		fputs(buf, w->out);
	}
	fputc('\n', w->out);
}

static void text_hex_run(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputc(hexdig[p[i] >> 4], f);
		fputc(hexdig[p[i] & 15], f);
	}
}

static void text_bytes(struct ikc_rw *w, const char *key, const char *label, const uint8_t *p, size_t n)
{
	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	text_label(w, key, label);
	if (!p || !n) {
		fputs("(empty)\n", w->out);
		return;
	}
	if (n <= TEXT_BYTES_PER_LINE) {
		text_hex_run(w->out, p, n);
		fputc('\n', w->out);
		return;
	}
	fprintf(w->out, "(%zu bytes)\n", n);
	for (size_t off = 0; off < n; off += TEXT_BYTES_PER_LINE) {
		size_t k = n - off < TEXT_BYTES_PER_LINE ? n - off : TEXT_BYTES_PER_LINE;

		text_pad(w, TEXT_STEP);
		text_hex_run(w->out, p + off, k);
		fputc('\n', w->out);
	}
}

static void text_bool(struct ikc_rw *w, const char *key, const char *label, bool v)
{
	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	text_label(w, key, label);
	fputs(v ? "yes\n" : "no\n", w->out);
}

static void text_end_record(struct ikc_rw *w)
{
	w->depth = 0;
}

static const struct ikc_rw_ops text_ops = {
	.begin_map = text_begin_map,
	.end_map = text_close,
	.begin_array = text_begin_array,
	.end_array = text_close,
	.uint = text_uint,
	.str = text_str,
	.bytes = text_bytes,
	.boolean = text_bool,
	.end_record = text_end_record,
};

void ikc_rw_text_init(struct ikc_rw *w, FILE *out, int base_indent, bool color)
{
	memset(w, 0, sizeof *w);
	w->ops = &text_ops;
	w->out = out;
	w->indent = base_indent < 0 ? 0 : base_indent;
	w->color = color;
}

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
#include "util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_STEP 2            /* spaces per labelled level */
#define TEXT_BYTES_PER_LINE 32 /* bytes longer than this fold */

#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

static const char hexdig[] = "0123456789abcdef";

/* Output: each piece is a copy into w->buf (obuf.h); the stream sees one
 * write per record. */
static inline void out_flush(struct ikc_rw *w)
{
	ikc_ob_flush(&w->ob);
}

static inline void out_mem(struct ikc_rw *w, const void *s, size_t n)
{
	ikc_ob_put(&w->ob, s, n);
}

static inline void out_c(struct ikc_rw *w, char c)
{
	ikc_ob_putc(&w->ob, c);
}

static void out_cstr(struct ikc_rw *w, const char *s)
{
	out_mem(w, s, strlen(s));
}

/* Back at the top level: hand the record to the stream. */
static inline void out_settle(struct ikc_rw *w)
{
	if (w->depth == 0)
		out_flush(w);
}

void ikc_rw_flush(struct ikc_rw *w)
{
	if (!w->impl)
		out_flush(w);
}

/* Every field of the writer but the buffer (no 16 KB memset per writer). */
static void rw_reset(struct ikc_rw *w, const struct ikc_rw_ops *ops, FILE *out)
{
	memset(w, 0, offsetof(struct ikc_rw, buf));
	w->ops = ops;
	w->out = out;
	w->ob = ikc_ob_init(out, w->buf, sizeof w->buf);
}

/* Decimal (ikc_dec_right), or "0x" and lowercase hex, NUL-terminated in t;
 * returns where it starts. */
static const char *u64_text(char t[25], uint64_t v, bool hex)
{
	char *p = t + 24;

	*p = '\0';
	if (!hex)
		return t + ikc_dec_right(t, v, 0, ' ');
	do {
		*--p = hexdig[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	return p;
}

/* Eight bytes at a time.  With y = x without its top bits no sum below
 * carries out of a byte, so each byte's top bit answers for that byte
 * alone: y + 0x60 has it when y >= 0x20, y + 0x01 when y == 0x7f, and
 * (y ^ c) + 0x7f when y != c. */
#define ONES 0x0101010101010101u
#define HIGH (ONES * 0x80)

/* Top bit set in each byte of x that is printable ASCII (0x20..0x7e). */
static inline uint64_t word_printable(uint64_t x)
{
	uint64_t y = x & ~HIGH;

	return ~x & (y + ONES * 0x60) & ~(y + ONES) & HIGH;
}

/* Top bit set in each byte of x that is not c (c < 0x80). */
static inline uint64_t word_not(uint64_t x, uint8_t c)
{
	return ((x & ~HIGH) ^ (ONES * c)) + ONES * 0x7f;
}

/* All eight bytes as the text writer keeps them: printable, no '\\'. */
static inline bool text_word_plain(uint64_t x)
{
	return (word_printable(x) & word_not(x, '\\')) == HIGH;
}

/* True when ikc_escape_text would return s unchanged: a word at a time, the
 * last word overlapping (labels and value names are checked on every line). */
static bool plain_text(const char *s, size_t n)
{
	uint64_t x;
	size_t i = 0;

	if (n >= 8) {
		for (; i + 8 <= n; i += 8) {
			memcpy(&x, s + i, 8);
			if (!text_word_plain(x))
				return false;
		}
		memcpy(&x, s + n - 8, 8);
		return text_word_plain(x);
	}
	if (n >= 4) {   /* the first four and the last four (they may overlap) as one word */
		uint32_t lo, hi;

		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		return text_word_plain((uint64_t)lo | (uint64_t)hi << 32);
	}
	for (; i < n; i++) {
		uint8_t b = (uint8_t)s[i];
		if (b < 0x20 || b >= 0x7f || b == '\\')
			return false;
	}
	return true;
}

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

/* JSON_PLAIN[b]: byte b goes into a JSON string as itself (printable ASCII
 * other than '"' and '\\'); the rest is escaped or UTF-8 checked. */
#define PLAIN_ROW(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const uint8_t JSON_PLAIN[256] = {
	PLAIN_ROW(0), PLAIN_ROW(0),                                  /* 0x00-0x1f */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,              /* 0x20-0x2f: '"' */
	PLAIN_ROW(1), PLAIN_ROW(1),                                  /* 0x30-0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,              /* 0x50-0x5f: '\\' */
	PLAIN_ROW(1),                                                /* 0x60-0x6f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,              /* 0x70-0x7f: DEL */
	PLAIN_ROW(0), PLAIN_ROW(0), PLAIN_ROW(0), PLAIN_ROW(0),      /* 0x80-0xff */
	PLAIN_ROW(0), PLAIN_ROW(0), PLAIN_ROW(0), PLAIN_ROW(0),
};
#undef PLAIN_ROW

#define JSON_ESC_MAX 6 /* the longest escape of one byte: \u00XX */

/* All eight bytes plain for JSON (JSON_PLAIN a word at a time). */
static inline bool json_word_plain(uint64_t x)
{
	return (word_printable(x) & word_not(x, '\\') & word_not(x, '"')) == HIGH;
}

/* The escape of s[*i] (not a plain byte) into o; returns its length. */
static size_t json_escape_at(const uint8_t *s, size_t len, size_t *i, char *o)
{
	uint8_t b = s[*i];
	size_t n;

	if (b == '"' || b == '\\') {
		o[0] = '\\';
		o[1] = (char)b;
		n = 2;
	} else if (b < 0x20 || b == 0x7f) {
		memcpy(o, "\\u00", 4);
		o[4] = hexdig[b >> 4];
		o[5] = hexdig[b & 15];
		n = 6;
	} else if ((n = ikc_utf8_seq_len(s + *i, len - *i)) != 0) {
		memcpy(o, s + *i, n); /* a valid UTF-8 sequence passes through */
		*i += n;
		return n;
	} else {
		memcpy(o, "\\\\x", 3);
		o[3] = hexdig[b >> 4];
		o[4] = hexdig[b & 15];
		n = 5;
	}
	*i += 1;
	return n;
}

static void json_string(struct ikc_rw *w, const uint8_t *s, size_t len)
{
	size_t i = 0;

	if (!s)
		len = 0;
	/* Short strings (every key, nearly every value): escaped straight into
	 * the buffer in one pass, with room for the worst case made first. */
	if (len <= sizeof w->buf / (2 * JSON_ESC_MAX)) {
		char *o;

		ikc_ob_reserve(&w->ob, len * JSON_ESC_MAX + 2);
		o = w->ob.b + w->ob.n;
		*o++ = '"';
		if (len >= 8) { /* a word at a time; the last word may overlap */
			uint64_t x;
			size_t k = 0;

			for (; k + 8 <= len; k += 8) {
				memcpy(&x, s + k, 8);
				if (!json_word_plain(x))
					break;
				memcpy(o + k, &x, 8);
			}
			if (k + 8 > len) {
				memcpy(&x, s + len - 8, 8);
				if (json_word_plain(x)) {
					memcpy(o + len - 8, &x, 8);
					k = len;
				}
			}
			i = k;
			o += k;
		}
		while (i < len) {
			if (JSON_PLAIN[s[i]])
				*o++ = (char)s[i++];
			else
				o += json_escape_at(s, len, &i, o);
		}
		*o++ = '"';
		w->ob.n = (size_t)(o - w->ob.b);
		return;
	}
	out_c(w, '"');
	while (i < len) {
		size_t run = i;
		char e[JSON_ESC_MAX];

		while (run < len && JSON_PLAIN[s[run]])
			run++;
		if (run > i) {
			out_mem(w, s + i, run - i);
			i = run;
			continue;
		}
		out_mem(w, e, json_escape_at(s, len, &i, e));
	}
	out_c(w, '"');
}

/* Sanitizer builds (gcc says so with __SANITIZE_ADDRESS__, clang through
 * __has_feature) check what the release build takes on trust. */
#if defined(__SANITIZE_ADDRESS__)
#define IKC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IKC_SANITIZED 1
#endif
#endif

/* A key is one of the program's own field names (record.h: Wireshark's, or
 * ikecap.*), never packet bytes: plain ASCII, written as it is with its quotes
 * and colon, without the escaper's checks (a sixth of a -T json run).  The
 * sanitizer builds check it: the golden sweep runs ikecap-asan -T json over
 * every capture, and the fuzzers run the JSON writer too. */
static void json_key(struct ikc_rw *w, const char *key)
{
	size_t n = strlen(key);
	char *o;

#ifdef IKC_SANITIZED
	for (size_t i = 0; i < n; i++)
		if (!JSON_PLAIN[(uint8_t)key[i]])
			abort();
#endif
	if (n > 256) {   /* no field name is this long; the general path copes */
		json_string(w, (const uint8_t *)key, n);
		out_c(w, ':');
		return;
	}
	ikc_ob_reserve(&w->ob, n + 3);
	o = w->ob.b + w->ob.n;
	o[0] = '"';
	memcpy(o + 1, key, n);
	o[n + 1] = '"';
	o[n + 2] = ':';
	w->ob.n += n + 3;
}

/* Comma and key before a member; false when the member is to be dropped. */
static bool json_member(struct ikc_rw *w, const char *key)
{
	int d = w->depth;

	if (d > IKC_RW_MAX_DEPTH)
		return false;
	if (d > 0) {
		if (!w->first[d])
			out_c(w, ',');
		if (!w->in_array[d])
			json_key(w, key ? key : "");
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
	out_c(w, array ? '[' : '{');
	w->depth++;
	w->first[w->depth] = true;
	w->in_array[w->depth] = array;
}

static void json_close(struct ikc_rw *w)
{
	if (w->depth <= 0)
		return; /* unbalanced end: ignore */
	if (w->depth <= IKC_RW_MAX_DEPTH)
		out_c(w, w->in_array[w->depth] ? ']' : '}');
	w->depth--;
	out_settle(w);
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
	char t[24];

	(void)label;
	(void)fmt;
	(void)vname;
	if (json_member(w, key)) {
		int i = ikc_dec_right(t, v, 0, ' ');

		out_mem(w, t + i, (size_t)(24 - i));
	}
	out_settle(w);
}

static void json_str(struct ikc_rw *w, const char *key, const char *label, const char *s, size_t len)
{
	(void)label;
	if (json_member(w, key))
		json_string(w, (const uint8_t *)s, len);
	out_settle(w);
}

static void json_bytes(struct ikc_rw *w, const char *key, const char *label, const uint8_t *p, size_t n)
{
	char t[64];

	(void)label;
	if (json_member(w, key)) {
		out_c(w, '"');
		for (size_t i = 0; i < n && p;) {
			size_t k = 0;

			for (; i < n && k < sizeof t; i++) {
				t[k++] = hexdig[p[i] >> 4];
				t[k++] = hexdig[p[i] & 15];
			}
			out_mem(w, t, k);
		}
		out_c(w, '"');
	}
	out_settle(w);
}

static void json_bool(struct ikc_rw *w, const char *key, const char *label, bool v)
{
	(void)label;
	if (json_member(w, key))
		out_cstr(w, v ? "true" : "false");
	out_settle(w);
}

static void json_end_record(struct ikc_rw *w)
{
	while (w->depth > 0) /* close whatever the caller left open */
		json_close(w);
	out_c(w, '\n');
	out_flush(w);
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
	rw_reset(w, &json_ops, out);
	w->first[0] = true;
}

/* ------------------------------------------------------------------ text */

/* In the text writer, first[d] records whether level d printed a label line
 * (and so indents its children); in_array[d] whether it is an array. */

/* The left margin of the current level (kept per level as levels open). */
static int text_cols(const struct ikc_rw *w)
{
	return w->margin[w->depth > IKC_RW_MAX_DEPTH ? IKC_RW_MAX_DEPTH : w->depth];
}

/* Each field is one line, composed in place in the writer's buffer (a
 * stream write per piece was a fifth of a -v run).  TEXT_LINE holds
 * the deepest margin, a 128-byte label and a 160-byte value name, escaped. */
#define TEXT_LINE 2048

/* A line is composed in place at the end of w->buf, at most TEXT_LINE - 1
 * bytes of it (ikc_sbuf cuts there, as a line buffer of that size did). */
static struct ikc_sbuf line_begin(struct ikc_rw *w)
{
	ikc_ob_reserve(&w->ob, TEXT_LINE);
	return ikc_sb_init(w->ob.b + w->ob.n, TEXT_LINE);
}

/* Keep what ln holds and start the next piece after it. */
static void line_flush(struct ikc_rw *w, struct ikc_sbuf *ln)
{
	w->ob.n += ln->len;
	*ln = line_begin(w);
}

/* The line is complete: at the top level it goes to the stream now. */
static void line_end(struct ikc_rw *w, struct ikc_sbuf *ln)
{
	w->ob.n += ln->len;
	out_settle(w);
}

static void text_pad(struct ikc_rw *w, struct ikc_sbuf *ln, int extra)
{
	int n = text_cols(w) + extra;

	if (n > 0)
		ikc_sb_fill(ln, ' ', (size_t)n);
}

/* s as ikc_escape_text would print it (bounded to what fits in cap - 1
 * escaped bytes, as the callers' buffers were). */
static void text_escaped(struct ikc_sbuf *ln, const char *s, size_t cap)
{
	size_t n = strlen(s);
	char buf[160];

	if (n < cap && plain_text(s, n)) {
		ikc_sb_putn(ln, s, n);
		return;
	}
	ikc_escape_text((const uint8_t *)s, n, buf, cap < sizeof buf ? cap : sizeof buf);
	ikc_sb_put(ln, buf);
}

/* "label: " (dim when coloured); an array item without a label gets "- ". */
static void text_label(struct ikc_rw *w, struct ikc_sbuf *ln, const char *key, const char *label)
{
	const char *l = label ? label : key;

	text_pad(w, ln, 0);
	if (!l) {
		if (w->depth > 0 && w->depth <= IKC_RW_MAX_DEPTH && w->in_array[w->depth])
			ikc_sb_put(ln, "- ");
		return;
	}
	/* Labels are ours, but escape anyway: a caller may pass a table name. */
	if (w->color)
		ikc_sb_put(ln, C_DIM);
	text_escaped(ln, l, 128);
	ikc_sb_putc(ln, ':');
	if (w->color)
		ikc_sb_put(ln, C_OFF);
	ikc_sb_putc(ln, ' ');
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
		struct ikc_sbuf ln = line_begin(w);

		text_pad(w, &ln, 0);
		if (w->color)
			ikc_sb_put(&ln, C_DIM);
		text_escaped(&ln, label, 128);
		if (w->color)
			ikc_sb_put(&ln, C_OFF);
		ikc_sb_putc(&ln, '\n');
		line_flush(w, &ln);
	}
	w->depth++;
	w->first[w->depth] = show;
	w->in_array[w->depth] = array;
	w->margin[w->depth] = w->margin[w->depth - 1] + (show ? TEXT_STEP : 0);
}

static void text_close(struct ikc_rw *w)
{
	if (w->depth > 0)
		w->depth--;
	out_settle(w);
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
	char t[25];
	struct ikc_sbuf ln = line_begin(w);
	const char *num;

	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	num = u64_text(t, v, fmt == IKC_RW_HEX);
	text_label(w, &ln, key, label);
	if (vname) {
		if (w->color)
			ikc_sb_put(&ln, C_BOLD);
		text_escaped(&ln, vname, 160);
		if (w->color)
			ikc_sb_put(&ln, C_OFF);
		ikc_sb_putn(&ln, " (", 2);   /* three pieces: not worth ikc_sb_join's walk */
		ikc_sb_put(&ln, num);
		ikc_sb_putn(&ln, ")\n", 2);
	} else {
		ikc_sb_put(&ln, num);
		ikc_sb_putc(&ln, '\n');
	}
	line_end(w, &ln);
}

static void text_str(struct ikc_rw *w, const char *key, const char *label, const char *s, size_t len)
{
	char buf[4 * 64 + 1];
	struct ikc_sbuf ln = line_begin(w);
	const uint8_t *p = (const uint8_t *)s;

	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	text_label(w, &ln, key, label);
	if (p && plain_text(s, len)) {
		if (len < TEXT_LINE / 2) {
			ikc_sb_putn(&ln, s, len);
			ikc_sb_putc(&ln, '\n');
			line_end(w, &ln);
			return;
		}
		line_flush(w, &ln);
		out_mem(w, s, len);
		out_c(w, '\n');
		out_settle(w);
		return;
	}
	line_flush(w, &ln);
	/* Escape in chunks: each byte escapes on its own, so chunking is exact. */
	for (size_t off = 0; off < len && p; off += 64) {
		size_t n = len - off < 64 ? len - off : 64;

		ikc_escape_text(p + off, n, buf, sizeof buf);
		out_cstr(w, buf);
	}
	out_c(w, '\n');
	out_settle(w);
}

static void text_bytes(struct ikc_rw *w, const char *key, const char *label, const uint8_t *p, size_t n)
{
	struct ikc_sbuf ln = line_begin(w);

	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	text_label(w, &ln, key, label);
	if (!p || !n) {
		ikc_sb_put(&ln, "(empty)\n");
	} else if (n <= TEXT_BYTES_PER_LINE) {
		ikc_sb_hex(&ln, p, n);
		ikc_sb_putc(&ln, '\n');
	} else {
		ikc_sb_printf(&ln, "(%zu bytes)\n", n);
		for (size_t off = 0; off < n; off += TEXT_BYTES_PER_LINE) {
			size_t k = n - off < TEXT_BYTES_PER_LINE ? n - off : TEXT_BYTES_PER_LINE;

			if (ln.len > TEXT_LINE / 2)
				line_flush(w, &ln);
			text_pad(w, &ln, TEXT_STEP);
			ikc_sb_hex(&ln, p + off, k);
			ikc_sb_putc(&ln, '\n');
		}
	}
	line_end(w, &ln);
}

static void text_bool(struct ikc_rw *w, const char *key, const char *label, bool v)
{
	struct ikc_sbuf ln = line_begin(w);

	if (w->depth > IKC_RW_MAX_DEPTH)
		return;
	text_label(w, &ln, key, label);
	ikc_sb_put(&ln, v ? "yes\n" : "no\n");
	line_end(w, &ln);
}

static void text_end_record(struct ikc_rw *w)
{
	w->depth = 0;
	out_flush(w);
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
	rw_reset(w, &text_ops, out);
	w->indent = base_indent < 0 ? 0 : base_indent;
	w->margin[0] = w->indent;
	w->color = color;
}

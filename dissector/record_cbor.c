/* record_cbor.c - the record writer as a CBOR sequence (RFC 8742), encoded
 * with libcbor's encoders.
 *
 * The same records as NDJSON: a map per record, maps and arrays nested as
 * the emitters nest them, integers as unsigned integers, byte fields as byte
 * strings, text as text strings.  Text must be valid UTF-8 in CBOR, so invalid
 * bytes become the same "\xNN" text the JSON writer writes.
 *
 * Deterministic: containers get definite lengths in their shortest form.  A
 * container's count is only known at its end, so its content is written
 * first and its head is inserted in front when it closes (one memmove).
 * The buffer grows to the largest record and is reused.
 */
#include <cbor.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

struct cbor_state {
	uint8_t *buf;
	size_t len, cap;
	size_t start[IKC_RW_MAX_DEPTH + 1];  /* offset of each open container's content */
	size_t count[IKC_RW_MAX_DEPTH + 1];  /* items (arrays) or pairs (maps) so far */
	bool is_map[IKC_RW_MAX_DEPTH + 1];
	int skipped;                          /* containers past the depth limit */
	bool oom;
};

static bool reserve(struct cbor_state *c, size_t n)
{
	if (c->oom)
		return false;
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		uint8_t *p;
		while (cap < c->len + n)
			cap *= 2;
		p = realloc(c->buf, cap);
		if (!p) {
			c->oom = true;
			return false;
		}
		c->buf = p;
		c->cap = cap;
	}
	return true;
}

static void put(struct cbor_state *c, const void *p, size_t n)
{
	if (n && reserve(c, n)) {
		memcpy(c->buf + c->len, p, n);
		c->len += n;
	}
}

static void put_head(struct cbor_state *c, size_t (*enc)(size_t, unsigned char *, size_t), size_t v)
{
	unsigned char h[9];

	put(c, h, enc(v, h, sizeof h));
}

static void put_text(struct cbor_state *c, const uint8_t *s, size_t len)
{
	static const char hexdig[] = "0123456789abcdef";
	size_t out = 0;

	/* Length first: valid UTF-8 passes, each invalid byte becomes 4 bytes. */
	for (size_t i = 0; i < len;) {
		size_t n = s[i] < 0x80 ? 1 : ikc_utf8_seq_len(s + i, len - i);
		out += n ? n : 4;
		i += n ? n : 1;
	}
	put_head(c, cbor_encode_string_start, out);
	for (size_t i = 0; i < len;) {
		size_t n = s[i] < 0x80 ? 1 : ikc_utf8_seq_len(s + i, len - i);
		if (n) {
			put(c, s + i, n);
			i += n;
		} else {
			char e[4] = { '\\', 'x', hexdig[s[i] >> 4], hexdig[s[i] & 15] };
			put(c, e, 4);
			i++;
		}
	}
}

/* A member of the current container: the key when it is a map. */
static bool member(struct ikc_rw *w, const char *key)
{
	struct cbor_state *c = w->impl;

	if (c->skipped)
		return false;
	if (w->depth > 0) {
		c->count[w->depth]++;
		if (c->is_map[w->depth])
			put_text(c, (const uint8_t *)(key ? key : ""), key ? strlen(key) : 0);
	}
	return true;
}

static void open_container(struct ikc_rw *w, const char *key, bool map)
{
	struct cbor_state *c = w->impl;

	if (c->skipped || w->depth >= IKC_RW_MAX_DEPTH) {
		c->skipped++;
		return;
	}
	member(w, key);
	w->depth++;
	c->start[w->depth] = c->len;
	c->count[w->depth] = 0;
	c->is_map[w->depth] = map;
}

static void close_container(struct ikc_rw *w)
{
	struct cbor_state *c = w->impl;
	unsigned char h[9];
	size_t hl, at;

	if (c->skipped) {
		c->skipped--;
		return;
	}
	if (w->depth == 0)
		return;
	at = c->start[w->depth];
	hl = c->is_map[w->depth] ? cbor_encode_map_start(c->count[w->depth], h, sizeof h)
				 : cbor_encode_array_start(c->count[w->depth], h, sizeof h);
	if (reserve(c, hl)) {
		memmove(c->buf + at + hl, c->buf + at, c->len - at);
		memcpy(c->buf + at, h, hl);
		c->len += hl;
	}
	w->depth--;
}

static void cbor_begin_map(struct ikc_rw *w, const char *key, const char *label)
{
	(void)label;
	open_container(w, key, true);
}

static void cbor_begin_array(struct ikc_rw *w, const char *key, const char *label)
{
	(void)label;
	open_container(w, key, false);
}

static void cbor_end(struct ikc_rw *w)
{
	close_container(w);
}

static void cbor_uint(struct ikc_rw *w, const char *key, const char *label, uint64_t v, enum ikc_rw_fmt fmt,
		      const char *vname)
{
	unsigned char h[9];

	(void)label; (void)fmt; (void)vname;
	if (member(w, key))
		put(w->impl, h, cbor_encode_uint(v, h, sizeof h));
}

static void cbor_str(struct ikc_rw *w, const char *key, const char *label, const char *s, size_t len)
{
	(void)label;
	if (member(w, key))
		put_text(w->impl, (const uint8_t *)(s ? s : ""), s ? len : 0);
}

static void cbor_bytes(struct ikc_rw *w, const char *key, const char *label, const uint8_t *p, size_t n)
{
	(void)label;
	if (!member(w, key))
		return;
	put_head(w->impl, cbor_encode_bytestring_start, n);
	put(w->impl, p, n);
}

static void cbor_boolean(struct ikc_rw *w, const char *key, const char *label, bool v)
{
	unsigned char h[1];

	(void)label;
	if (member(w, key))
		put(w->impl, h, cbor_encode_bool(v, h, sizeof h));
}

static void cbor_end_record(struct ikc_rw *w)
{
	struct cbor_state *c = w->impl;

	while (w->depth > 0)   /* a record left open is closed, never half-written */
		close_container(w);
	if (!c->oom && c->len)
		fwrite(c->buf, 1, c->len, w->out);
	c->len = 0;
	c->skipped = 0;
	c->oom = false;
}

static const struct ikc_rw_ops cbor_ops = {
	.begin_map = cbor_begin_map,
	.end_map = cbor_end,
	.begin_array = cbor_begin_array,
	.end_array = cbor_end,
	.uint = cbor_uint,
	.str = cbor_str,
	.bytes = cbor_bytes,
	.boolean = cbor_boolean,
	.end_record = cbor_end_record,
};

int ikc_rw_cbor_init(struct ikc_rw *w, FILE *out)
{
	memset(w, 0, sizeof *w);
	w->ops = &cbor_ops;
	w->out = out;
	w->impl = calloc(1, sizeof(struct cbor_state));
	return w->impl ? 0 : -1;
}

void ikc_rw_cbor_free(struct ikc_rw *w)
{
	struct cbor_state *c = w->impl;

	if (c)
		free(c->buf);
	free(c);
	w->impl = NULL;
}

/* cursor.h - the one bounded cursor every decoder reads through.
 *
 * A cursor is a position and a remaining count.  Every read checks the count
 * first and fails with IKC_TRUNCATED without moving; nothing ever reads past
 * `left`.  `ikc_cur_sub` carves an exact-length child and advances the parent,
 * so a nested structure cannot read past its declared length.
 */
#ifndef IKC_CURSOR_H
#define IKC_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ikc_err.h"

struct ikc_cursor {
	const uint8_t *p;
	size_t left;
};

static inline struct ikc_cursor ikc_cur(const uint8_t *p, size_t len)
{
	struct ikc_cursor c = { p, len };
	return c;
}

/* The readers are inline: every field of every packet goes through them, and
 * a call each was a tenth of an ESP decode. */

/* Point *out at the next n bytes (no copy) and advance. */
IKC_MUST_CHECK static inline enum ikc_err ikc_cur_bytes(struct ikc_cursor *c, size_t n, const uint8_t **out)
{
	if (n > c->left)
		return IKC_TRUNCATED;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return IKC_OK;
}

/* The next n (<= 8) bytes as a big-endian number, and advance; the only
 * error is IKC_TRUNCATED (nothing read, v unchanged). */
IKC_MUST_CHECK static inline enum ikc_err ikc_cur_be(struct ikc_cursor *c, size_t n, uint64_t *v)
{
	uint64_t acc = 0;

	if (n > c->left)
		return IKC_TRUNCATED;
	for (size_t i = 0; i < n; i++)
		acc = (acc << 8) | c->p[i];
	c->p += n;
	c->left -= n;
	*v = acc;
	return IKC_OK;
}

IKC_MUST_CHECK static inline enum ikc_err ikc_cur_u8(struct ikc_cursor *c, uint8_t *v)
{
	if (c->left < 1)
		return IKC_TRUNCATED;
	*v = c->p[0];
	c->p++;
	c->left--;
	return IKC_OK;
}

IKC_MUST_CHECK static inline enum ikc_err ikc_cur_u16(struct ikc_cursor *c, uint16_t *v)
{
	uint64_t x;
	return ikc_cur_be(c, 2, &x) ? IKC_TRUNCATED : (*v = (uint16_t)x, IKC_OK);
}

IKC_MUST_CHECK static inline enum ikc_err ikc_cur_u24(struct ikc_cursor *c, uint32_t *v)
{
	uint64_t x;
	return ikc_cur_be(c, 3, &x) ? IKC_TRUNCATED : (*v = (uint32_t)x, IKC_OK);
}

IKC_MUST_CHECK static inline enum ikc_err ikc_cur_u32(struct ikc_cursor *c, uint32_t *v)
{
	uint64_t x;
	return ikc_cur_be(c, 4, &x) ? IKC_TRUNCATED : (*v = (uint32_t)x, IKC_OK);
}

IKC_MUST_CHECK static inline enum ikc_err ikc_cur_u64(struct ikc_cursor *c, uint64_t *v)
{
	return ikc_cur_be(c, 8, v);
}

/* Copy the next n bytes into out and advance. */
IKC_MUST_CHECK static inline enum ikc_err ikc_cur_copy(struct ikc_cursor *c, size_t n, void *out)
{
	const uint8_t *p;
	enum ikc_err err = ikc_cur_bytes(c, n, &p);

	if (err)
		return err;
	if (n)
		memcpy(out, p, n);
	return IKC_OK;
}

IKC_MUST_CHECK static inline enum ikc_err ikc_cur_skip(struct ikc_cursor *c, size_t n)
{
	const uint8_t *p;

	return ikc_cur_bytes(c, n, &p);
}

/* Carve an exact-length child cursor of n bytes and advance the parent past it. */
IKC_MUST_CHECK static inline enum ikc_err ikc_cur_sub(struct ikc_cursor *c, size_t n, struct ikc_cursor *child)
{
	const uint8_t *p;
	enum ikc_err err = ikc_cur_bytes(c, n, &p);

	if (err)
		return err;
	*child = ikc_cur(p, n);
	return IKC_OK;
}

/* Peek at byte `off` without advancing. */
IKC_MUST_CHECK static inline enum ikc_err ikc_cur_peek_u8(const struct ikc_cursor *c, size_t off, uint8_t *v)
{
	if (off >= c->left)
		return IKC_TRUNCATED;
	*v = c->p[off];
	return IKC_OK;
}

#endif

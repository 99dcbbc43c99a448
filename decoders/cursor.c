/* cursor.c - bounded big-endian readers (see cursor.h). */
#include "cursor.h"

#include <string.h>

enum ikc_err ikc_cur_bytes(struct ikc_cursor *c, size_t n, const uint8_t **out)
{
	if (n > c->left)
		return IKC_TRUNCATED;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return IKC_OK;
}

enum ikc_err ikc_cur_copy(struct ikc_cursor *c, size_t n, void *out)
{
	const uint8_t *p;
	enum ikc_err err = ikc_cur_bytes(c, n, &p);

	if (err)
		return err;
	if (n)
		memcpy(out, p, n);
	return IKC_OK;
}

enum ikc_err ikc_cur_skip(struct ikc_cursor *c, size_t n)
{
	const uint8_t *p;

	return ikc_cur_bytes(c, n, &p);
}

enum ikc_err ikc_cur_sub(struct ikc_cursor *c, size_t n, struct ikc_cursor *child)
{
	const uint8_t *p;
	enum ikc_err err = ikc_cur_bytes(c, n, &p);

	if (err)
		return err;
	*child = ikc_cur(p, n);
	return IKC_OK;
}

static enum ikc_err read_be(struct ikc_cursor *c, size_t n, uint64_t *v)
{
	const uint8_t *p;
	enum ikc_err err = ikc_cur_bytes(c, n, &p);
	uint64_t acc = 0;

	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		acc = (acc << 8) | p[i];
	*v = acc;
	return IKC_OK;
}

enum ikc_err ikc_cur_u8(struct ikc_cursor *c, uint8_t *v)
{
	uint64_t x;
	enum ikc_err err = read_be(c, 1, &x);

	if (!err)
		*v = (uint8_t)x;
	return err;
}

enum ikc_err ikc_cur_u16(struct ikc_cursor *c, uint16_t *v)
{
	uint64_t x;
	enum ikc_err err = read_be(c, 2, &x);

	if (!err)
		*v = (uint16_t)x;
	return err;
}

enum ikc_err ikc_cur_u24(struct ikc_cursor *c, uint32_t *v)
{
	uint64_t x;
	enum ikc_err err = read_be(c, 3, &x);

	if (!err)
		*v = (uint32_t)x;
	return err;
}

enum ikc_err ikc_cur_u32(struct ikc_cursor *c, uint32_t *v)
{
	uint64_t x;
	enum ikc_err err = read_be(c, 4, &x);

	if (!err)
		*v = (uint32_t)x;
	return err;
}

enum ikc_err ikc_cur_u64(struct ikc_cursor *c, uint64_t *v)
{
	return read_be(c, 8, v);
}

enum ikc_err ikc_cur_peek_u8(const struct ikc_cursor *c, size_t off, uint8_t *v)
{
	if (off >= c->left)
		return IKC_TRUNCATED;
	*v = c->p[off];
	return IKC_OK;
}

const char *ikc_strerror(enum ikc_err err)
{
	switch (err) {
	case IKC_OK: return "ok";
	case IKC_TRUNCATED: return "truncated";
	case IKC_MALFORMED: return "malformed";
	case IKC_UNSUPPORTED: return "unsupported";
	case IKC_CRYPTO: return "crypto failure";
	case IKC_NOMEM: return "out of memory";
	case IKC_IO: return "i/o error";
	case IKC_USAGE: return "usage error";
	}
	return "unknown error";
}

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

IKC_MUST_CHECK enum ikc_err ikc_cur_u8(struct ikc_cursor *c, uint8_t *v);
IKC_MUST_CHECK enum ikc_err ikc_cur_u16(struct ikc_cursor *c, uint16_t *v);
IKC_MUST_CHECK enum ikc_err ikc_cur_u24(struct ikc_cursor *c, uint32_t *v);
IKC_MUST_CHECK enum ikc_err ikc_cur_u32(struct ikc_cursor *c, uint32_t *v);
IKC_MUST_CHECK enum ikc_err ikc_cur_u64(struct ikc_cursor *c, uint64_t *v);
/* Point *out at the next n bytes (no copy) and advance. */
IKC_MUST_CHECK enum ikc_err ikc_cur_bytes(struct ikc_cursor *c, size_t n, const uint8_t **out);
/* Copy the next n bytes into out and advance. */
IKC_MUST_CHECK enum ikc_err ikc_cur_copy(struct ikc_cursor *c, size_t n, void *out);
IKC_MUST_CHECK enum ikc_err ikc_cur_skip(struct ikc_cursor *c, size_t n);
/* Carve an exact-length child cursor of n bytes and advance the parent past it. */
IKC_MUST_CHECK enum ikc_err ikc_cur_sub(struct ikc_cursor *c, size_t n, struct ikc_cursor *child);
/* Peek at byte `off` without advancing. */
IKC_MUST_CHECK enum ikc_err ikc_cur_peek_u8(const struct ikc_cursor *c, size_t off, uint8_t *v);

#endif

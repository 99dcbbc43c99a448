/* arena.h - a bump allocator reset once per packet.
 *
 * Decoded trees live in an arena whose capacity is fixed when it is created,
 * so the hot path makes no heap calls and a hostile packet cannot make us grow
 * without bound: when the arena is full, allocation returns NULL and the decoder
 * records a note instead of failing the whole capture.
 */
#ifndef IKC_ARENA_H
#define IKC_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct ikc_arena {
	uint8_t *buf;
	size_t cap;
	size_t used;
};

/* Returns 0 on success, -1 when the backing buffer cannot be allocated. */
int ikc_arena_init(struct ikc_arena *a, size_t cap);
void ikc_arena_free(struct ikc_arena *a);
static inline void ikc_arena_reset(struct ikc_arena *a) { a->used = 0; }
/* Zeroed, 16-byte aligned; NULL when the arena is full. */
void *ikc_arena_alloc(struct ikc_arena *a, size_t n);
/* Array allocation with an overflow check. */
void *ikc_arena_calloc(struct ikc_arena *a, size_t count, size_t size);

#endif

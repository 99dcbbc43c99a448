/* arena.c - see arena.h. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

int ikc_arena_init(struct ikc_arena *a, size_t cap)
{
	a->buf = malloc(cap);
	a->cap = a->buf ? cap : 0;
	a->used = 0;
	return a->buf ? 0 : -1;
}

void ikc_arena_free(struct ikc_arena *a)
{
	free(a->buf);
	a->buf = NULL;
	a->cap = a->used = 0;
}

void *ikc_arena_alloc(struct ikc_arena *a, size_t n)
{
	size_t start = (a->used + 15u) & ~(size_t)15u;
	void *p;

	if (start < a->used || n > a->cap || start > a->cap - n)
		return NULL;
	p = a->buf + start;
	a->used = start + n;
	memset(p, 0, n);
	return p;
}

void *ikc_arena_calloc(struct ikc_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return ikc_arena_alloc(a, count * size);
}

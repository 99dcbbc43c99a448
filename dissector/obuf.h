/* obuf.h - output gathered in a buffer and handed to a stream in few large
 * writes.  The record writers and the one-line view append a piece per field
 * of every packet; a stream call per piece was a fifth of a run.  A piece
 * larger than the whole buffer goes straight through after what is held. */
#ifndef IKC_OBUF_H
#define IKC_OBUF_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct ikc_obuf {
	FILE *f;
	char *b;      /* the caller's buffer, cap bytes */
	size_t cap;
	size_t n;     /* bytes held */
};

static inline struct ikc_obuf ikc_ob_init(FILE *f, char *b, size_t cap)
{
	struct ikc_obuf o = { f, b, cap, 0 };
	return o;
}

static inline void ikc_ob_flush(struct ikc_obuf *o)
{
	if (o->n)
		fwrite(o->b, 1, o->n, o->f);
	o->n = 0;
}

static inline void ikc_ob_put(struct ikc_obuf *o, const void *s, size_t n)
{
	if (n > o->cap - o->n) {
		ikc_ob_flush(o);
		if (n > o->cap) {
			fwrite(s, 1, n, o->f);
			return;
		}
	}
	memcpy(o->b + o->n, s, n);
	o->n += n;
}

static inline void ikc_ob_putc(struct ikc_obuf *o, char c)
{
	if (o->n == o->cap)
		ikc_ob_flush(o);
	o->b[o->n++] = c;
}

/* Room for at least need more bytes at o->b + o->n (need <= cap). */
static inline void ikc_ob_reserve(struct ikc_obuf *o, size_t need)
{
	if (o->cap - o->n < need)
		ikc_ob_flush(o);
}

#endif

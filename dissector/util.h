/* util.h - small formatting helpers shared by the emitters. */
#ifndef IKC_UTIL_H
#define IKC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* af 4 or 6; writes the address text into out (IPv4 by hand, IPv6 and a
 * too-small buffer through inet_ntop; "?" when that fails). */
void ikc_format_addr(int af, const uint8_t *addr, char *out, size_t outsz);
/* Lowercase hex of n bytes into out (2n+1 bytes needed; cut to whole bytes). */
void ikc_hex(const uint8_t *p, size_t n, char *out, size_t outsz);
/* FNV-1a's multiply a 64-bit word at a time: a fast digest for equality
 * checks and hash tables (not for anything an attacker must not collide). */
/* One 64-bit word into such a digest (its step; dupes.c mixes fields with it). */
static inline uint64_t ikc_digest_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 1099511628211ull;
	return h ^ h >> 29;
}
uint64_t ikc_digest64(const uint8_t *p, size_t n, uint64_t seed);
/* "00" .. "99", for writing decimals two digits a step. */
extern const char ikc_two_digits[201];
/* v in decimal at the end of t[24], padded with pad on the left to width;
 * returns the index of its first character (no NUL is written). */
int ikc_dec_right(char t[24], uint64_t v, int width, char pad);

/* A bounded string builder over a caller's buffer: appends are cut to fit
 * (cap - 1 characters, always NUL-terminated) and never fail.  Built for the
 * hot paths that used snprintf only to join words and numbers. */
struct ikc_sbuf {
	char *b;
	size_t cap;
	size_t len;
};

/* An empty builder over buf[cap] (cap > 0). */
struct ikc_sbuf ikc_sb_init(char *buf, size_t cap);
/* Inline: the text writers call these for every piece of every line. */
/* How many of n more characters fit (cap - 1 in all). */
static inline size_t ikc_sb_room(const struct ikc_sbuf *s, size_t n)
{
	size_t left = s->cap > s->len + 1 ? s->cap - 1 - s->len : 0;

	return n < left ? n : left;
}

static inline void ikc_sb_putn(struct ikc_sbuf *s, const char *p, size_t n)
{
	if ((n = ikc_sb_room(s, n)) == 0)
		return;
	memcpy(s->b + s->len, p, n);
	s->len += n;
	s->b[s->len] = '\0';
}

/* n copies of c (cut to fit). */
static inline void ikc_sb_fill(struct ikc_sbuf *s, char c, size_t n)
{
	if ((n = ikc_sb_room(s, n)) == 0)
		return;
	memset(s->b + s->len, c, n);
	s->len += n;
	s->b[s->len] = '\0';
}

static inline void ikc_sb_putc(struct ikc_sbuf *s, char c)
{
	if (s->cap && s->len + 1 < s->cap) {
		s->b[s->len++] = c;
		s->b[s->len] = '\0';
	}
}

void ikc_sb_put(struct ikc_sbuf *s, const char *str);
/* Decimal; lowercase hex of n bytes (cut to whole bytes). */
void ikc_sb_u64(struct ikc_sbuf *s, uint64_t v);
void ikc_sb_hex(struct ikc_sbuf *s, const uint8_t *p, size_t n);
/* before, v in decimal, after: "(3 retransmitted)". */
void ikc_sb_num(struct ikc_sbuf *s, const char *before, uint64_t v, const char *after);
/* The strings up to NULL, one after the other. */
void ikc_sb_join(struct ikc_sbuf *s, ...) __attribute__((sentinel));
/* printf onto the end, cut to fit. */
void ikc_sb_printf(struct ikc_sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* buf = the strings up to NULL, joined and cut to fit (sz > 0). */
void ikc_strjoin(char *buf, size_t sz, ...) __attribute__((sentinel));

/* printf at the end of the text already in buf (sz bytes in all), cut to fit. */
void ikc_appendf(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Room for element n of the array v (capacity *cap, elements of elem
 * bytes): grows by half again (plus one) from `first`, never past `max`
 * (0: unbounded).
 * Returns the array (moved or not), or NULL when it is full at max or out of
 * memory — v and *cap are then unchanged. */
void *ikc_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first, size_t max);
/* ikc_grow, and the elements it adds are zero (arrays whose free entries are
 * all-zero ones, not the first n). */
void *ikc_grow_zeroed(void *v, size_t *cap, size_t n, size_t elem, size_t first, size_t max);
/* Give back the room an ikc_grow array has past its n elements (NULL when
 * n is 0).  Returns the array, moved or not; unchanged if realloc fails. */
void *ikc_shrink(void *v, size_t *cap, size_t n, size_t elem);

/* A big-endian 32-bit number at p (4 bytes the caller has checked are there). */
static inline uint32_t ikc_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The same for arrays whose room is counted in 32 bits (those every live
 * SA holds; max is then at most UINT32_MAX). */
static inline void *ikc_grow32(void *v, uint32_t *cap, size_t n, size_t elem, size_t first, size_t max)
{
	size_t c = *cap;

	v = ikc_grow(v, &c, n, elem, first, max && max < UINT32_MAX ? max : UINT32_MAX);
	if (v)
		*cap = (uint32_t)c;
	return v;
}

static inline void *ikc_shrink32(void *v, uint32_t *cap, size_t n, size_t elem)
{
	size_t c = *cap;

	v = ikc_shrink(v, &c, n, elem);
	*cap = (uint32_t)c;
	return v;
}

/* vsnprintf for the conversions the diagnosis texts use (%s %d %u %x %08x
 * %llu %zu %%) without stdio's set-up per call, which cost as much as the
 * text: same output, cut at size - 1, and the full length returned.  -1
 * (nothing written, ap untouched) when fmt has any other conversion. */
int ikc_vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* A text an SA keeps, held at its exact size (NULL: none), so that what
 * most SAs never fill costs a pointer.  ikc_text_set replaces *t with a copy
 * of the first max - 1 bytes of s ("" frees it); false when out of memory
 * (*t unchanged).  ikc_text_printf formats (cut at max - 1, max <= 512). */
bool ikc_text_set(char **t, const char *s, size_t max);
bool ikc_text_printf(char **t, size_t max, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline const char *ikc_text(const char *t)
{
	return t ? t : "";
}

#endif

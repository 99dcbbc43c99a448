/* util.h - small formatting helpers shared by the emitters. */
#ifndef IKC_UTIL_H
#define IKC_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* af 4 or 6; writes the address text (inet_ntop) into out. */
void ikc_format_addr(int af, const uint8_t *addr, char *out, size_t outsz);
/* Lowercase hex of n bytes into out (2n+1 bytes needed; truncated to fit). */
void ikc_hex(const uint8_t *p, size_t n, char *out, size_t outsz);

/* printf at the end of the text already in buf (sz bytes in all), cut to fit. */
void ikc_appendf(char *buf, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Room for element n of the array v (capacity *cap, elements of elem
 * bytes): grows by doubling from `first`, never past `max` (0: unbounded).
 * Returns the array (moved or not), or NULL when it is full at max or out of
 * memory — v and *cap are then unchanged. */
void *ikc_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first, size_t max);

#endif

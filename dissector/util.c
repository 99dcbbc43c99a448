/* util.c - see util.h. */
#include "util.h"

#include <stdlib.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void ikc_format_addr(int af, const uint8_t *addr, char *out, size_t outsz)
{
	if (!outsz)
		return;
	if (!inet_ntop(af == 6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)outsz))
		snprintf(out, outsz, "?");
}

void ikc_hex(const uint8_t *p, size_t n, char *out, size_t outsz)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;

	if (!outsz)
		return;
	for (size_t i = 0; i < n && o + 2 < outsz; i++) {
		out[o++] = digits[p[i] >> 4];
		out[o++] = digits[p[i] & 15];
	}
	out[o] = '\0';
}

void *ikc_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first, size_t max)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : first;
	if (max && ncap > max)
		ncap = max;
	if (ncap <= n || ncap > SIZE_MAX / elem || !(nv = realloc(v, ncap * elem)))
		return NULL;
	*cap = ncap;
	return nv;
}

void ikc_appendf(char *buf, size_t sz, const char *fmt, ...)
{
	size_t used = strnlen(buf, sz);
	va_list ap;

	if (used + 1 >= sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, sz - used, fmt, ap);
	va_end(ap);
}

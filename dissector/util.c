/* util.c - see util.h. */
#include "util.h"

#include <limits.h>
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
	/* IPv4 by hand: inet_ntop cost ~1800 instructions an address, and the
	 * summary prints two for every SA. */
	if (af != 6 && outsz >= 16) {
		size_t o = 0;
		for (int i = 0; i < 4; i++) {
			unsigned v = addr[i];
			if (i)
				out[o++] = '.';
			if (v >= 100)
				out[o++] = (char)('0' + v / 100);
			if (v >= 10)
				out[o++] = (char)('0' + v / 10 % 10);
			out[o++] = (char)('0' + v % 10);
		}
		out[o] = '\0';
		return;
	}
	if (!inet_ntop(af == 6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)outsz))
		snprintf(out, outsz, "?");
}

void ikc_hex(const uint8_t *p, size_t n, char *out, size_t outsz)
{
	struct ikc_sbuf b;

	if (!outsz)
		return;
	b = ikc_sb_init(out, outsz);
	ikc_sb_hex(&b, p, n);
}

uint64_t ikc_digest64(const uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t h = 1469598103934665603ull ^ seed, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = ikc_digest_mix(h, w);
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h ^ n;
}

void *ikc_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first, size_t max)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap + *cap / 2 + 1 : first; /* x1.5: most arrays stay small, held by every live SA */
	if (max && ncap > max)
		ncap = max;
	if (ncap <= n || ncap > SIZE_MAX / elem || !(nv = realloc(v, ncap * elem)))
		return NULL;
	*cap = ncap;
	return nv;
}

void *ikc_grow_zeroed(void *v, size_t *cap, size_t n, size_t elem, size_t first, size_t max)
{
	size_t old = *cap;
	unsigned char *nv = ikc_grow(v, cap, n, elem, first, max);

	if (nv && *cap > old)
		memset(nv + old * elem, 0, (*cap - old) * elem);
	return nv;
}

void *ikc_shrink(void *v, size_t *cap, size_t n, size_t elem)
{
	void *nv;

	if (!v || n >= *cap)
		return v;
	if (!n) {
		free(v);
		*cap = 0;
		return NULL;
	}
	if (!(nv = realloc(v, n * elem)))
		return v;
	*cap = n;
	return nv;
}

/* The conversion at f (just past '%') if ikc_vformat knows it: its length. */
static size_t simple_conversion(const char *f)
{
	if (*f == 's' || *f == 'd' || *f == 'u' || *f == 'x' || *f == '%')
		return 1;
	if ((f[0] == 'l' && f[1] == 'l' && f[2] == 'u') || (f[0] == '0' && f[1] == '8' && f[2] == 'x'))
		return 3;
	if (f[0] == 'z' && f[1] == 'u')
		return 2;
	return 0;
}

struct vf {
	char *buf;
	size_t size, len;
};

static inline void vf_put(struct vf *o, const char *s, size_t n)
{
	if (o->len + 1 < o->size) {
		size_t room = o->size - 1 - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void vf_number(struct vf *o, unsigned long long v, unsigned base, int width)
{
	char t[24];
	int n = (int)sizeof t;

	do {
		t[--n] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while ((int)sizeof t - n < width)
		t[--n] = '0';
	vf_put(o, t + n, sizeof t - (size_t)n);
}

int ikc_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct vf o = { buf, size, 0 };
	const char *f = fmt, *pct;

	for (pct = strchr(fmt, '%'); pct; pct = strchr(pct + 1 + simple_conversion(pct + 1), '%'))
		if (!simple_conversion(pct + 1))
			return -1;
	while ((pct = strchr(f, '%')) != NULL) {
		vf_put(&o, f, (size_t)(pct - f));   /* the literal run, then the conversion */
		f = pct + 1 + simple_conversion(pct + 1);
		switch (pct[1]) {
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			vf_put(&o, str, strlen(str));
			break;
		}
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0)
				vf_put(&o, "-", 1);
			vf_number(&o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, 10, 0);
			break;
		}
		case 'u': vf_number(&o, va_arg(ap, unsigned), 10, 0); break;
		case 'x': vf_number(&o, va_arg(ap, unsigned), 16, 0); break;
		case 'l': vf_number(&o, va_arg(ap, unsigned long long), 10, 0); break;
		case 'z': vf_number(&o, va_arg(ap, size_t), 10, 0); break;
		case '0': vf_number(&o, va_arg(ap, unsigned), 16, 8); break;
		default: vf_put(&o, "%", 1); break;   /* "%%" */
		}
	}
	vf_put(&o, f, strlen(f));
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

bool ikc_text_set(char **t, const char *s, size_t max)
{
	size_t n = max ? strnlen(s, max - 1) : 0;
	char *c;

	if (!n) {
		free(*t);
		*t = NULL;
		return true;
	}
	if (!(c = malloc(n + 1)))
		return false;
	memcpy(c, s, n);
	c[n] = '\0';
	free(*t);
	*t = c;
	return true;
}

bool ikc_text_printf(char **t, size_t max, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (max > sizeof buf)
		max = sizeof buf;
	if (!strchr(fmt, '%'))
		return ikc_text_set(t, fmt, max);
	va_start(ap, fmt);
	if (ikc_vformat(buf, max, fmt, ap) < 0) {
		va_end(ap);
		va_start(ap, fmt);
		vsnprintf(buf, max, fmt, ap);
	}
	va_end(ap);
	return ikc_text_set(t, buf, max);
}

struct ikc_sbuf ikc_sb_init(char *buf, size_t cap)
{
	if (cap)
		buf[0] = '\0';
	return (struct ikc_sbuf){ buf, cap, 0 };
}

void ikc_sb_put(struct ikc_sbuf *s, const char *str)
{
	ikc_sb_putn(s, str, strlen(str));
}

const char ikc_two_digits[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				 "8081828384858687888990919293949596979899";

int ikc_dec_right(char t[24], uint64_t v, int width, char pad)
{
	int i = 24;

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		t[--i] = ikc_two_digits[2 * r + 1];
		t[--i] = ikc_two_digits[2 * r];
	}
	if (v >= 10) {
		t[--i] = ikc_two_digits[2 * v + 1];
		t[--i] = ikc_two_digits[2 * v];
	} else {
		t[--i] = (char)('0' + v);
	}
	while (24 - i < width && i > 0)
		t[--i] = pad;
	return i;
}

void ikc_sb_u64(struct ikc_sbuf *s, uint64_t v)
{
	char d[24];
	int i = ikc_dec_right(d, v, 0, ' ');

	ikc_sb_putn(s, d + i, sizeof d - (size_t)i);
}

void ikc_sb_num(struct ikc_sbuf *s, const char *before, uint64_t v, const char *after)
{
	ikc_sb_put(s, before);
	ikc_sb_u64(s, v);
	ikc_sb_put(s, after);
}

void ikc_sb_hex(struct ikc_sbuf *s, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *o;

	if (!s->cap || s->len + 1 >= s->cap)
		return;
	if (n > (s->cap - 1 - s->len) / 2)
		n = (s->cap - 1 - s->len) / 2; /* cut to fit, by whole bytes */
	o = s->b + s->len;
	for (size_t i = 0; i < n; i++) {
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	s->len += 2 * n;
	s->b[s->len] = '\0';
}

void ikc_sb_printf(struct ikc_sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!s->cap || s->len + 1 >= s->cap)
		return;
	va_start(ap, fmt);
	r = vsnprintf(s->b + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	s->len += (size_t)r;
	if (s->len >= s->cap)
		s->len = s->cap - 1;
}

static void sb_joinv(struct ikc_sbuf *s, va_list ap)
{
	const char *part;

	while ((part = va_arg(ap, const char *)) != NULL)
		ikc_sb_put(s, part);
}

void ikc_sb_join(struct ikc_sbuf *s, ...)
{
	va_list ap;

	va_start(ap, s);
	sb_joinv(s, ap);
	va_end(ap);
}

void ikc_strjoin(char *buf, size_t sz, ...)
{
	struct ikc_sbuf b = ikc_sb_init(buf, sz);
	va_list ap;

	va_start(ap, sz);
	sb_joinv(&b, ap);
	va_end(ap);
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

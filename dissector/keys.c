/* keys.c - the key store and its file parsers (see keys.h for the formats).
 *
 * Sources for the foreign formats (read for facts only):
 *   - Wireshark epan/dissectors/packet-ipsec.c: esp_sa UAT fields (protocol,
 *     src, dst, spi, encryption algorithm + key, authentication algorithm +
 *     key), the algorithm strings, keys "0x..." = hex else text, "*" wildcard;
 *   - Wireshark packet-isakmp.c: ikev1_decryption_table "icookie,key" in hex;
 *   - tcpdump print-esp.c and tcpdump(8) -E: "spi@dst algo:secret", a lone
 *     "algo:secret" is the default SA, "-hmac96" means a 12-byte ICV that is
 *     not checked, "-cbc" is dropped before the cipher lookup, a secret is
 *     text unless it starts with 0x, "ikev2 I|R ..." lines are IKEv2 SAs.
 *
 * Shape: read the whole file (bounded), recognise its format from the first
 * line that is not blank or a comment, then parse line by line into growable
 * arrays.  When a load succeeds the cookie and SPI arrays are sorted so that
 * lookups are binary searches; when it fails every entry it added is wiped.
 */
#include "keys.h"
#include "util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#define KEYS_MAX_FILE (16u << 20)   /* a key file is small; anything bigger is a mistake */
#define KEYS_MAX_LINE 8192
#define KEYS_MAX_SECRET 1024        /* bytes of one decoded secret */
#define KEYS_MAX_FIELDS 16
#define KEYS_MAX_DIR_FILES 4096

/* ---------------------------------------------------------------- tables */

#define X_ENC_NAME(id, name) name,
#define X_AUTH_NAME(id, name, icv) name,
#define X_AUTH_ICV(id, name, icv) icv,
static const char *const enc_names[] = { IKC_ESP_ENC_LIST(X_ENC_NAME) };
static const char *const auth_names[] = { IKC_ESP_AUTH_LIST(X_AUTH_NAME) };
static const uint8_t auth_icv[] = { IKC_ESP_AUTH_LIST(X_AUTH_ICV) };

const char *ikc_esp_enc_name(enum ikc_esp_enc e)
{
	return (unsigned)e < IKC_ESP_ENC_COUNT ? enc_names[e] : "?";
}

const char *ikc_esp_auth_name(enum ikc_esp_auth a)
{
	return (unsigned)a < IKC_ESP_AUTH_COUNT ? auth_names[a] : "?";
}

size_t ikc_esp_auth_icv_len(enum ikc_esp_auth a)
{
	return (unsigned)a < IKC_ESP_AUTH_COUNT ? auth_icv[a] : 0;
}

/* Key lengths an algorithm accepts: a list, or (list empty) a range. */
struct enc_keylen {
	uint8_t len[3];
	uint8_t min, max;
};
static const struct enc_keylen enc_keylens[IKC_ESP_ENC_COUNT] = {
	[IKC_ESP_ENC_NULL] = { { 0 }, 0, 0 },
	[IKC_ESP_ENC_DES_CBC] = { { 8 }, 0, 0 },
	[IKC_ESP_ENC_3DES_CBC] = { { 24 }, 0, 0 },
	[IKC_ESP_ENC_AES_CBC] = { { 16, 24, 32 }, 0, 0 },
	[IKC_ESP_ENC_AES_CTR] = { { 20, 28, 36 }, 0, 0 },
	[IKC_ESP_ENC_AES_GCM_8] = { { 20, 28, 36 }, 0, 0 },
	[IKC_ESP_ENC_AES_GCM_12] = { { 20, 28, 36 }, 0, 0 },
	[IKC_ESP_ENC_AES_GCM_16] = { { 20, 28, 36 }, 0, 0 },
	[IKC_ESP_ENC_AES_GCM_16_IIV] = { { 20, 28, 36 }, 0, 0 },
	[IKC_ESP_ENC_CAST5_CBC] = { { 0 }, 5, 16 },      /* RFC 2144: 40..128 bits */
	[IKC_ESP_ENC_BLOWFISH_CBC] = { { 0 }, 4, 56 },
	[IKC_ESP_ENC_TWOFISH_CBC] = { { 16, 24, 32 }, 0, 0 },
	[IKC_ESP_ENC_CHACHA20_POLY1305] = { { 36 }, 0, 0 },
	[IKC_ESP_ENC_CHACHA20_POLY1305_IIV] = { { 36 }, 0, 0 },
};

static bool enc_keylen_ok(enum ikc_esp_enc e, size_t n)
{
	const struct enc_keylen *k = &enc_keylens[e];
	size_t i;

	if (e == IKC_ESP_ENC_NULL)
		return n == 0;
	if (k->len[0] == 0)
		return n >= k->min && n <= k->max;
	for (i = 0; i < sizeof(k->len) && k->len[i]; i++)
		if (k->len[i] == n)
			return true;
	return false;
}

/* Wireshark's esp_sa strings (packet-ipsec.c esp_encryption_type_vals and
 * esp_authentication_type_vals), compared without the " [RFC...]" tail and
 * case-insensitively: strongSwan's save-keys writes "TripleDes-CBC" where
 * tshark 4.0 says "TripleDES-CBC [RFC2451]". */
struct ws_enc {
	const char *base;
	enum ikc_esp_enc enc;
};
static const struct ws_enc ws_encs[] = {
	{ "NULL", IKC_ESP_ENC_NULL },
	{ "TripleDES-CBC", IKC_ESP_ENC_3DES_CBC },
	{ "AES-CBC", IKC_ESP_ENC_AES_CBC },
	{ "AES-CTR", IKC_ESP_ENC_AES_CTR },
	{ "DES-CBC", IKC_ESP_ENC_DES_CBC },
	{ "CAST5-CBC", IKC_ESP_ENC_CAST5_CBC },
	{ "BLOWFISH-CBC", IKC_ESP_ENC_BLOWFISH_CBC },
	{ "TWOFISH-CBC", IKC_ESP_ENC_TWOFISH_CBC },
	/* "AES-GCM [RFC4106]" is Wireshark's deprecated entry without an ICV
	 * length; strongSwan and Linux default to the 16-octet ICV. */
	{ "AES-GCM", IKC_ESP_ENC_AES_GCM_16 },
	{ "AES-GCM with 8 octet ICV", IKC_ESP_ENC_AES_GCM_8 },
	{ "AES-GCM with 12 octet ICV", IKC_ESP_ENC_AES_GCM_12 },
	{ "AES-GCM with 16 octet ICV", IKC_ESP_ENC_AES_GCM_16 },
	{ "AES-GCM with IIV and 16 octet ICV", IKC_ESP_ENC_AES_GCM_16_IIV },
	{ "ChaCha20 with Poly1305", IKC_ESP_ENC_CHACHA20_POLY1305 },
	{ "ChaCha20 with Poly1305 and IIV", IKC_ESP_ENC_CHACHA20_POLY1305_IIV },
};

struct ws_auth {
	const char *base;
	enum ikc_esp_auth auth;
};
static const struct ws_auth ws_auths[] = {
	{ "NULL", IKC_ESP_AUTH_NULL },
	{ "HMAC-SHA-1-96", IKC_ESP_AUTH_HMAC_SHA1_96 },
	{ "HMAC-SHA-256-96", IKC_ESP_AUTH_HMAC_SHA2_256_96 },
	{ "HMAC-SHA-256-128", IKC_ESP_AUTH_HMAC_SHA2_256_128 },
	{ "HMAC-SHA-384-192", IKC_ESP_AUTH_HMAC_SHA2_384_192 },
	{ "HMAC-SHA-512-256", IKC_ESP_AUTH_HMAC_SHA2_512_256 },
	{ "HMAC-MD5-96", IKC_ESP_AUTH_HMAC_MD5_96 },
	{ "MAC-RIPEMD-160-96", IKC_ESP_AUTH_HMAC_RIPEMD160_96 },
	{ "AES-XCBC-MAC-96", IKC_ESP_AUTH_AES_XCBC_96 },  /* commented out in Wireshark */
	{ "ANY 64 bit authentication", IKC_ESP_AUTH_ANY_64 },
	{ "ANY 96 bit authentication", IKC_ESP_AUTH_ANY_96 },
	{ "ANY 128 bit authentication", IKC_ESP_AUTH_ANY_128 },
	{ "ANY 192 bit authentication", IKC_ESP_AUTH_ANY_192 },
	{ "ANY 256 bit authentication", IKC_ESP_AUTH_ANY_256 },
};

/* tcpdump -E cipher names, after "-hmac96" and "-cbc" are cut off. */
struct td_enc {
	const char *name;
	enum ikc_esp_enc enc;
	uint8_t keylen;   /* 0: what the algorithm allows */
};
static const struct td_enc td_encs[] = {
	{ "des", IKC_ESP_ENC_DES_CBC, 8 },
	{ "3des", IKC_ESP_ENC_3DES_CBC, 24 },
	{ "des-ede3", IKC_ESP_ENC_3DES_CBC, 24 },
	{ "aes128", IKC_ESP_ENC_AES_CBC, 16 },
	{ "aes192", IKC_ESP_ENC_AES_CBC, 24 },
	{ "aes256", IKC_ESP_ENC_AES_CBC, 32 },
	{ "aes-128", IKC_ESP_ENC_AES_CBC, 16 },
	{ "aes-192", IKC_ESP_ENC_AES_CBC, 24 },
	{ "aes-256", IKC_ESP_ENC_AES_CBC, 32 },
	{ "cast128", IKC_ESP_ENC_CAST5_CBC, 0 },
	{ "cast5", IKC_ESP_ENC_CAST5_CBC, 0 },
	{ "cast", IKC_ESP_ENC_CAST5_CBC, 0 },
	{ "blowfish", IKC_ESP_ENC_BLOWFISH_CBC, 0 },
	{ "bf", IKC_ESP_ENC_BLOWFISH_CBC, 0 },
	{ "none", IKC_ESP_ENC_NULL, 0 },
	{ "null", IKC_ESP_ENC_NULL, 0 },
};

const char *ikc_keys_format_name(enum ikc_keys_format f)
{
	static const char *const names[] = {
		[IKC_KEYS_FMT_UNKNOWN] = "not a key file",
		[IKC_KEYS_FMT_IKECAP] = "ikecap keys",
		[IKC_KEYS_FMT_WS_IKEV1] = "Wireshark ikev1_decryption_table",
		[IKC_KEYS_FMT_WS_IKEV2] = "Wireshark ikev2_decryption_table",
		[IKC_KEYS_FMT_WS_ESP] = "Wireshark esp_sa",
		[IKC_KEYS_FMT_TCPDUMP] = "tcpdump -E secrets",
	};
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

/* ---------------------------------------------------------------- store */

struct cookie_ent {
	uint8_t cookie[8];
	bool has_msgid;
	uint32_t msgid;
	size_t seq;          /* load order, so equal keys keep file order */
	uint8_t *val;
	size_t len;
};

struct esp_ent {
	struct ikc_esp_key k;
	size_t seq;          /* load order, for a stable sort */
};

struct ikc_keys {
	struct ikc_psk *psk;
	size_t npsk, cpsk;
	struct cookie_ent *dh, *dhpriv, *ikev1;
	size_t ndh, cdh, ndhpriv, cdhpriv, nikev1, cikev1;
	struct esp_ent *esp;
	size_t nesp, cesp;
	struct ikc_keys_file *files;   /* every file seen; path is ours */
	size_t nfiles, cfiles;
	size_t ikev2_skipped;
	size_t seq;
};

/* Per-line parse context. */
struct lctx {
	struct ikc_keys *ks;
	const char *path;
	const char *base;     /* basename, for ids */
	size_t line;
	char *err;
	size_t errsz;
	struct ikc_keys_counts *counts;
};

static void secret_free(const uint8_t *p, size_t n)
{
	if (p) {
		OPENSSL_cleanse((void *)(uintptr_t)p, n);
		free((void *)(uintptr_t)p);
	}
}

struct ikc_keys *ikc_keys_new(void)
{
	return calloc(1, sizeof(struct ikc_keys));
}

/* Drop (and wipe) entries beyond the given counts: the rollback of a failed load. */
struct marks {
	size_t npsk, ndh, ndhpriv, nikev1, nesp, nfiles, ikev2_skipped;
};

static void keys_truncate(struct ikc_keys *ks, const struct marks *m)
{
	size_t i;

	for (i = m->npsk; i < ks->npsk; i++)
		secret_free(ks->psk[i].key, ks->psk[i].key_len);
	ks->npsk = m->npsk;
	for (i = m->ndh; i < ks->ndh; i++)
		secret_free(ks->dh[i].val, ks->dh[i].len);
	ks->ndh = m->ndh;
	for (i = m->ndhpriv; i < ks->ndhpriv; i++)
		secret_free(ks->dhpriv[i].val, ks->dhpriv[i].len);
	ks->ndhpriv = m->ndhpriv;
	for (i = m->nikev1; i < ks->nikev1; i++)
		secret_free(ks->ikev1[i].val, ks->ikev1[i].len);
	ks->nikev1 = m->nikev1;
	for (i = m->nesp; i < ks->nesp; i++) {
		secret_free(ks->esp[i].k.enc_key, ks->esp[i].k.enc_key_len);
		secret_free(ks->esp[i].k.auth_key, ks->esp[i].k.auth_key_len);
	}
	ks->nesp = m->nesp;
	for (i = m->nfiles; i < ks->nfiles; i++)
		free((void *)(uintptr_t)ks->files[i].path);
	ks->nfiles = m->nfiles;
	ks->ikev2_skipped = m->ikev2_skipped;
}

void ikc_keys_free(struct ikc_keys *ks)
{
	struct marks zero = { 0 };

	if (!ks)
		return;
	keys_truncate(ks, &zero);
	free(ks->psk);
	free(ks->dh);
	free(ks->dhpriv);
	free(ks->ikev1);
	free(ks->esp);
	free(ks->files);
	free(ks);
}

/* ---------------------------------------------------------------- messages */

static void buf_set(char *buf, size_t sz, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
static void buf_set(char *buf, size_t sz, const char *fmt, va_list ap)
{
	if (buf && sz)
		vsnprintf(buf, sz, fmt, ap);
}

static enum ikc_err file_err(char *err, size_t errsz, enum ikc_err code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static enum ikc_err file_err(char *err, size_t errsz, enum ikc_err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_set(err, errsz, fmt, ap);
	va_end(ap);
	return code;
}

/* "FILE:LINE: <what>".  Never pass a field of the line in: it may be a secret. */
static enum ikc_err line_err(struct lctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static enum ikc_err line_err(struct lctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errsz)
		return IKC_USAGE;
	n = snprintf(c->err, c->errsz, "%s:%zu: ", c->path, c->line);
	if (n >= 0 && (size_t)n < c->errsz) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return IKC_USAGE;
}

static void warn_add(char *warn, size_t warnsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn_add(char *warn, size_t warnsz, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (!warn || !warnsz)
		return;
	used = strnlen(warn, warnsz);
	if (used + 1 >= warnsz)
		return;
	if (used) {
		warn[used++] = '\n';
		warn[used] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(warn + used, warnsz - used, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- lexical helpers */

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

enum hexres { HEX_OK, HEX_EMPTY, HEX_BAD_DIGIT, HEX_ODD, HEX_TOO_LONG, HEX_NOMEM };

static const char *hexres_text(enum hexres r)
{
	switch (r) {
	case HEX_EMPTY: return "is empty";
	case HEX_BAD_DIGIT: return "is not hex";
	case HEX_ODD: return "has an odd number of hex digits";
	case HEX_TOO_LONG: return "is too long";
	case HEX_NOMEM: return "out of memory";
	case HEX_OK: break;
	}
	return "is bad";
}

static const char *skip_0x(const char *s)
{
	return (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? s + 2 : s;
}

/* Count hex digits ('0x' prefix and ':' separators allowed); -1 if bad. */
static long hex_digits(const char *s)
{
	long n = 0;

	for (s = skip_0x(s); *s; s++) {
		if (*s == ':')
			continue;
		if (hexval((unsigned char)*s) < 0)
			return -1;
		n++;
	}
	return n;
}

/* Hex already checked by hex_digits (even count, ':' separators allowed) into out. */
static void hex_decode(const char *s, uint8_t *out)
{
	int hi = -1;
	size_t i = 0;

	for (s = skip_0x(s); *s; s++) {
		int v;

		if (*s == ':')
			continue;
		v = hexval((unsigned char)*s);
		if (hi < 0) {
			hi = v;
		} else {
			out[i++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
}

/* Decode hex into a fresh heap buffer (wiped by the caller's secret_free). */
static enum hexres hex_alloc(const char *s, bool allow_empty, uint8_t **out, size_t *outlen)
{
	long nd = hex_digits(s);
	size_t n;
	uint8_t *p;

	*out = NULL;
	*outlen = 0;
	if (nd < 0)
		return HEX_BAD_DIGIT;
	if (nd == 0)
		return allow_empty ? HEX_OK : HEX_EMPTY;
	if (nd % 2)
		return HEX_ODD;
	n = (size_t)nd / 2;
	if (n > KEYS_MAX_SECRET)
		return HEX_TOO_LONG;
	p = malloc(n);
	if (!p)
		return HEX_NOMEM;
	hex_decode(s, p);
	*out = p;
	*outlen = n;
	return HEX_OK;
}

/* Exactly n bytes of hex into out. */
static bool hex_fixed(const char *s, uint8_t *out, size_t n)
{
	if (hex_digits(s) != (long)(2 * n))
		return false;
	hex_decode(s, out);
	return true;
}

static uint8_t *text_alloc(const char *s, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *p = malloc(n ? n : 1);

	if (p)
		memcpy(p, s, n);
	*len = n;
	return p;
}

/* "1.2.3.4", "::1" or "*" (af_out 0). */
static bool parse_addr(const char *s, int *af_out, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (strcmp(s, "*") == 0) {
		*af_out = 0;
		return true;
	}
	if (inet_pton(AF_INET, s, addr) == 1) {
		*af_out = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*af_out = 6;
		return true;
	}
	return false;
}

/* SPI as hex (0x optional, as the ikecap file says) or, when dec_ok and without
 * 0x, decimal (Wireshark and tcpdump read it with base 0). */
static bool parse_spi(const char *s, bool dec_ok, uint32_t *spi)
{
	const char *h = skip_0x(s);
	uint64_t v = 0;
	bool hex = h != s || !dec_ok;
	size_t n = 0;

	if (!*h)
		return false;
	for (; *h; h++, n++) {
		int d = hex ? hexval((unsigned char)*h) : (*h >= '0' && *h <= '9' ? *h - '0' : -1);

		if (d < 0 || n >= 10)
			return false;
		v = v * (hex ? 16 : 10) + (uint64_t)d;
	}
	if (v > UINT32_MAX)
		return false;
	*spi = (uint32_t)v;
	return true;
}

/* Split an ikecap line in place into fields: whitespace separates, '#' outside
 * quotes ends the line, "..." holds spaces and '#' (\" and \\ escape). */
static const char *split_fields(char *line, char **f, bool *quoted, size_t *nf)
{
	char *r = line, *w;

	*nf = 0;
	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r || *r == '#')
			return NULL;
		if (*nf == KEYS_MAX_FIELDS)
			return "too many fields";
		if (*r == '"') {
			w = ++r;
			f[*nf] = w;
			quoted[*nf] = true;
			for (;;) {
				if (!*r)
					return "unterminated quote";
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\')) {
					*w++ = r[1];
					r += 2;
					continue;
				}
				if (*r == '"')
					break;
				*w++ = *r++;
			}
			r++;
			if (*r && *r != ' ' && *r != '\t' && *r != '#')
				return "text after closing quote";
			*w = '\0';
			if (*r == '#')
				*r = '\0';
			else if (*r)
				r++;
			(*nf)++;
			continue;
		}
		f[*nf] = r;
		quoted[*nf] = false;
		while (*r && *r != ' ' && *r != '\t' && *r != '#')
			r++;
		(*nf)++;
		if (*r == '#') {
			*r = '\0';
			return NULL;
		}
		if (*r)
			*r++ = '\0';
	}
}

/* Split a Wireshark UAT line on commas; a field may be "quoted" (with \\, \"
 * and \xNN escapes, as Wireshark writes them). */
static const char *split_uat(char *line, char **f, size_t *nf)
{
	char *r = line, *w;

	*nf = 0;
	for (;;) {
		if (*nf == KEYS_MAX_FIELDS)
			return "too many fields";
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '"') {
			w = ++r;
			f[(*nf)++] = w;
			for (;;) {
				if (!*r)
					return "unterminated quote";
				if (*r == '\\' && r[1] == 'x' && hexval((unsigned char)r[2]) >= 0 &&
				    hexval((unsigned char)r[3]) >= 0) {
					*w++ = (char)(hexval((unsigned char)r[2]) << 4 | hexval((unsigned char)r[3]));
					r += 4;
					continue;
				}
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\')) {
					*w++ = r[1];
					r += 2;
					continue;
				}
				if (*r == '"')
					break;
				*w++ = *r++;
			}
			r++;
			while (*r == ' ' || *r == '\t')
				r++;
			*w = '\0';
			if (!*r)
				return NULL;
			if (*r != ',')
				return "text after closing quote";
			r++;
			continue;
		}
		f[(*nf)++] = r;
		while (*r && *r != ',')
			r++;
		w = r;
		while (w > f[*nf - 1] && (w[-1] == ' ' || w[-1] == '\t'))
			w--;
		if (!*r) {
			*w = '\0';
			return NULL;
		}
		*r++ = '\0';
		*w = '\0';
	}
}

static bool is_cookie_hex(const char *s)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return false;
	return s[16] == '\0';
}

/* Strip Wireshark's " [RFC...]" tail into buf. */
static void ws_base(const char *s, char *buf, size_t bufsz)
{
	size_t n = strlen(s);
	const char *br = strrchr(s, '[');

	if (br && n && s[n - 1] == ']')
		n = (size_t)(br - s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* ---------------------------------------------------------------- adders */

static void make_id(const struct lctx *c, char *id)
{
	snprintf(id, IKC_KEYS_ID_MAX, "%s:%zu", c->base, c->line);
}

static enum ikc_err add_cookie(struct lctx *c, struct cookie_ent **arr, size_t *n, size_t *cap,
			       const uint8_t cookie[8], bool has_msgid, uint32_t msgid, uint8_t *val, size_t len)
{
	struct cookie_ent *e = ikc_grow(*arr, cap, *n, sizeof(**arr), 16, 0);

	if (!e) {
		secret_free(val, len);
		return line_err(c, "out of memory"), IKC_NOMEM;
	}
	*arr = e;
	e = &(*arr)[(*n)++];
	memcpy(e->cookie, cookie, 8);
	e->has_msgid = has_msgid;
	e->msgid = msgid;
	e->seq = c->ks->seq++;
	e->val = val;
	e->len = len;
	return IKC_OK;
}

static enum ikc_err add_esp(struct lctx *c, struct ikc_esp_key *k)
{
	struct ikc_keys *ks = c->ks;
	void *v = ikc_grow(ks->esp, &ks->cesp, ks->nesp, sizeof(*ks->esp), 16, 0);

	if (!v) {
		secret_free(k->enc_key, k->enc_key_len);
		secret_free(k->auth_key, k->auth_key_len);
		return line_err(c, "out of memory"), IKC_NOMEM;
	}
	ks->esp = v;
	make_id(c, k->id);
	ks->esp[ks->nesp].k = *k;
	ks->esp[ks->nesp++].seq = ks->seq++;
	c->counts->esp++;
	return IKC_OK;
}

/* Check and finish an ESP entry whose keys are already decoded. */
static enum ikc_err esp_finish(struct lctx *c, const char *what, struct ikc_esp_key *k)
{
	if (!enc_keylen_ok(k->enc, k->enc_key_len)) {
		enum ikc_err e = line_err(c, "%s: %s key has the wrong length (%zu bytes)", what,
					  ikc_esp_enc_name(k->enc), k->enc_key_len);
		secret_free(k->enc_key, k->enc_key_len);
		secret_free(k->auth_key, k->auth_key_len);
		return e;
	}
	if (k->auth == IKC_ESP_AUTH_NULL && k->auth_key_len) {
		secret_free(k->enc_key, k->enc_key_len);
		secret_free(k->auth_key, k->auth_key_len);
		return line_err(c, "%s: null authentication takes no key", what);
	}
	if (k->auth != IKC_ESP_AUTH_NULL && ikc_esp_auth_icv_len(k->auth) && k->auth < IKC_ESP_AUTH_ANY_64 &&
	    !k->auth_key_len) {
		secret_free(k->enc_key, k->enc_key_len);
		return line_err(c, "%s: %s needs a key", what, ikc_esp_auth_name(k->auth));
	}
	return add_esp(c, k);
}

/* ---------------------------------------------------------------- ikecap format */

static bool enc_by_name(const char *s, enum ikc_esp_enc *e)
{
	unsigned i;

	for (i = 0; i < IKC_ESP_ENC_COUNT; i++)
		if (!strcasecmp(s, enc_names[i])) {
			*e = (enum ikc_esp_enc)i;
			return true;
		}
	if (!strcasecmp(s, "aes-gcm") || !strcasecmp(s, "rfc4106")) {
		*e = IKC_ESP_ENC_AES_GCM_16;
		return true;
	}
	return false;
}

static bool auth_by_name(const char *s, enum ikc_esp_auth *a)
{
	unsigned i;

	for (i = 0; i < IKC_ESP_AUTH_COUNT; i++)
		if (!strcasecmp(s, auth_names[i])) {
			*a = (enum ikc_esp_auth)i;
			return true;
		}
	return false;
}

static enum ikc_err ikecap_psk(struct lctx *c, char **f, const bool *quoted, size_t nf)
{
	struct ikc_keys *ks = c->ks;
	struct ikc_psk p;
	uint8_t *key = NULL;
	size_t len = 0;

	if (nf != 3)
		return line_err(c, "psk: expected 'psk <peer-address|*> <secret>' (%zu fields)", nf);
	memset(&p, 0, sizeof(p));
	if (!parse_addr(f[1], &p.af, p.addr))
		return line_err(c, "psk: peer must be an IPv4 or IPv6 address or *");
	if (!quoted[2] && (f[2][0] == '0' && (f[2][1] == 'x' || f[2][1] == 'X'))) {
		enum hexres r = hex_alloc(f[2], false, &key, &len);

		if (r == HEX_NOMEM)
			return line_err(c, "out of memory"), IKC_NOMEM;
		if (r != HEX_OK)
			return line_err(c, "psk: hex secret %s", hexres_text(r));
	} else {
		if (!f[2][0])
			return line_err(c, "psk: empty secret");
		if (strlen(f[2]) > KEYS_MAX_SECRET)
			return line_err(c, "psk: secret is too long");
		key = text_alloc(f[2], &len);
		if (!key)
			return line_err(c, "out of memory"), IKC_NOMEM;
	}
	{
		void *v = ikc_grow(ks->psk, &ks->cpsk, ks->npsk, sizeof(*ks->psk), 16, 0);
		if (!v) {
			secret_free(key, len);
			return line_err(c, "out of memory"), IKC_NOMEM;
		}
		ks->psk = v;
	}
	p.key = key;
	p.key_len = len;
	make_id(c, p.id);
	ks->psk[ks->npsk++] = p;
	c->counts->psk++;
	return IKC_OK;
}

/* dh, dhpriv, ikev1: <icookie[:msgid]> <hex>. */
static enum ikc_err ikecap_cookie_line(struct lctx *c, const char *kind, char **f, size_t nf)
{
	uint8_t cookie[8], mid[4];
	uint32_t msgid = 0;
	bool has_msgid = false, is_dh = !strcmp(kind, "dh");
	char *colon, *ck = f[1];
	uint8_t *val;
	size_t len;
	enum hexres r;
	enum ikc_err err;

	if (nf != 3)
		return line_err(c, "%s: expected '%s <initiator-cookie%s> <hex>' (%zu fields)", kind, kind,
				is_dh ? "[:message-id]" : "", nf);
	/* The cookie may be written with ':' separators too, so the message id
	 * is whatever follows the 16th hex digit. */
	colon = NULL;
	{
		char *s = (char *)(uintptr_t)skip_0x(ck);
		int digits = 0;

		for (; *s; s++) {
			if (*s == ':' && digits == 16) {
				colon = s;
				break;
			}
			if (*s != ':')
				digits++;
		}
	}
	if (colon) {
		if (!is_dh)
			return line_err(c, "%s: a message id is only allowed on dh lines", kind);
		*colon = '\0';
		if (!hex_fixed(colon + 1, mid, 4))
			return line_err(c, "dh: message id must be 8 hex digits");
		msgid = ikc_be32(mid);
		has_msgid = true;
	}
	if (!hex_fixed(ck, cookie, 8))
		return line_err(c, "%s: initiator cookie must be 16 hex digits", kind);
	r = hex_alloc(f[2], false, &val, &len);
	if (r == HEX_NOMEM)
		return line_err(c, "out of memory"), IKC_NOMEM;
	if (r != HEX_OK)
		return line_err(c, "%s: %s %s", kind,
				is_dh ? "shared secret" : !strcmp(kind, "dhpriv") ? "private value" : "key",
				hexres_text(r));
	if (is_dh) {
		err = add_cookie(c, &c->ks->dh, &c->ks->ndh, &c->ks->cdh, cookie, has_msgid, msgid, val, len);
		if (!err)
			has_msgid ? c->counts->dh_pfs++ : c->counts->dh++;
	} else if (!strcmp(kind, "dhpriv")) {
		err = add_cookie(c, &c->ks->dhpriv, &c->ks->ndhpriv, &c->ks->cdhpriv, cookie, false, 0, val, len);
		if (!err)
			c->counts->dhpriv++;
	} else {
		err = add_cookie(c, &c->ks->ikev1, &c->ks->nikev1, &c->ks->cikev1, cookie, false, 0, val, len);
		if (!err)
			c->counts->ikev1++;
	}
	return err;
}

static enum ikc_err esp_key_field(struct lctx *c, const char *what, const char *s, uint8_t **out, size_t *len)
{
	enum hexres r;

	*out = NULL;
	*len = 0;
	if (!strcmp(s, "-"))
		return IKC_OK;
	r = hex_alloc(s, true, out, len);
	if (r == HEX_NOMEM)
		return line_err(c, "out of memory"), IKC_NOMEM;
	if (r != HEX_OK)
		return line_err(c, "esp: %s %s", what, hexres_text(r));
	return IKC_OK;
}

static enum ikc_err ikecap_esp(struct lctx *c, char **f, size_t nf)
{
	uint8_t *ek = NULL, *ak = NULL;
	struct ikc_esp_key k;
	int saf, daf;
	enum ikc_err err;

	if (nf != 8)
		return line_err(c, "esp: expected 'esp <src|*> <dst|*> <spi> <enc-alg> <enc-key> <auth-alg> "
				   "<auth-key>' (%zu fields)", nf);
	memset(&k, 0, sizeof(k));
	if (!parse_addr(f[1], &saf, k.src))
		return line_err(c, "esp: source must be an IPv4 or IPv6 address or *");
	if (!parse_addr(f[2], &daf, k.dst))
		return line_err(c, "esp: destination must be an IPv4 or IPv6 address or *");
	if (saf && daf && saf != daf)
		return line_err(c, "esp: source and destination are of different address families");
	k.af = saf ? saf : daf;
	k.src_any = saf == 0;
	k.dst_any = daf == 0;
	if (!parse_spi(f[3], false, &k.spi))
		return line_err(c, "esp: SPI must be 1 to 8 hex digits");
	if (!enc_by_name(f[4], &k.enc))
		return line_err(c, "esp: unknown encryption algorithm (aes-cbc, aes-ctr, aes-gcm-8, aes-gcm-12, "
				   "aes-gcm-16, 3des-cbc, des-cbc, null, ...)");
	if (!auth_by_name(f[6], &k.auth))
		return line_err(c, "esp: unknown authentication algorithm (hmac-md5-96, hmac-sha1-96, "
				   "hmac-sha2-256-128, hmac-sha2-384-192, hmac-sha2-512-256, aes-xcbc-96, null, ...)");
	err = esp_key_field(c, "encryption key", f[5], &ek, &k.enc_key_len);
	if (err)
		return err;
	k.enc_key = ek;
	err = esp_key_field(c, "authentication key", f[7], &ak, &k.auth_key_len);
	if (err) {
		secret_free(k.enc_key, k.enc_key_len);
		return err;
	}
	k.auth_key = ak;
	return esp_finish(c, "esp", &k);
}

static enum ikc_err line_ikecap(struct lctx *c, char *line)
{
	char *f[KEYS_MAX_FIELDS];
	bool quoted[KEYS_MAX_FIELDS];
	size_t nf;
	const char *why = split_fields(line, f, quoted, &nf);

	if (why)
		return line_err(c, "%s", why);
	if (nf == 0)
		return IKC_OK;
	if (!strcasecmp(f[0], "psk"))
		return ikecap_psk(c, f, quoted, nf);
	if (!strcasecmp(f[0], "dh"))
		return ikecap_cookie_line(c, "dh", f, nf);
	if (!strcasecmp(f[0], "dhpriv"))
		return ikecap_cookie_line(c, "dhpriv", f, nf);
	if (!strcasecmp(f[0], "ikev1"))
		return ikecap_cookie_line(c, "ikev1", f, nf);
	if (!strcasecmp(f[0], "esp"))
		return ikecap_esp(c, f, nf);
	return line_err(c, "unknown line kind (expected psk, dh, dhpriv, ikev1 or esp)");
}

/* ---------------------------------------------------------------- Wireshark UAT */

static enum ikc_err ws_key(struct lctx *c, const char *what, const char *s, uint8_t **out, size_t *len)
{
	enum hexres r;

	*out = NULL;
	*len = 0;
	/* packet-ipsec.c compute_ascii_key: "0x..." is hex, "0x" alone an empty
	 * key, anything else the key's own bytes as text. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		r = hex_alloc(s, true, out, len);
		if (r == HEX_NOMEM)
			return line_err(c, "out of memory"), IKC_NOMEM;
		if (r != HEX_OK)
			return line_err(c, "esp_sa: %s %s", what, hexres_text(r));
		return IKC_OK;
	}
	if (!*s)
		return IKC_OK;
	if (strlen(s) > KEYS_MAX_SECRET)
		return line_err(c, "esp_sa: %s is too long", what);
	*out = text_alloc(s, len);
	if (!*out)
		return line_err(c, "out of memory"), IKC_NOMEM;
	return IKC_OK;
}

static enum ikc_err ws_esp_line(struct lctx *c, char **f, size_t nf)
{
	char base[64];
	uint8_t *ek = NULL, *ak = NULL;
	struct ikc_esp_key k;
	int fam, saf, daf;
	size_t i;
	bool found;
	enum ikc_err err;

	if (nf != 8)
		return line_err(c, "esp_sa: expected 8 comma-separated fields (%zu)", nf);
	memset(&k, 0, sizeof(k));
	if (!strcasecmp(f[0], "IPv4"))
		fam = 4;
	else if (!strcasecmp(f[0], "IPv6"))
		fam = 6;
	else if (!strcasecmp(f[0], "Any") || !strcmp(f[0], "*"))
		fam = 0;
	else
		return line_err(c, "esp_sa: protocol must be IPv4 or IPv6");
	if (!parse_addr(f[1], &saf, k.src))
		return line_err(c, "esp_sa: source must be an address or * (partial wildcards are not supported)");
	if (!parse_addr(f[2], &daf, k.dst))
		return line_err(c, "esp_sa: destination must be an address or * (partial wildcards are not "
				   "supported)");
	if ((fam && saf && saf != fam) || (fam && daf && daf != fam) || (saf && daf && saf != daf))
		return line_err(c, "esp_sa: address does not match the protocol");
	k.af = fam ? fam : saf ? saf : daf;
	k.src_any = saf == 0;
	k.dst_any = daf == 0;
	if (!strcmp(f[3], "*"))
		k.spi_any = true;
	else if (!parse_spi(f[3], true, &k.spi))
		return line_err(c, "esp_sa: SPI must be 0x-hex, decimal or *");
	ws_base(f[4], base, sizeof(base));
	for (i = 0, found = false; i < sizeof(ws_encs) / sizeof(ws_encs[0]); i++)
		if (!strcasecmp(base, ws_encs[i].base)) {
			k.enc = ws_encs[i].enc;
			found = true;
			break;
		}
	if (!found)
		return line_err(c, "esp_sa: unknown encryption algorithm");
	ws_base(f[6], base, sizeof(base));
	for (i = 0, found = false; i < sizeof(ws_auths) / sizeof(ws_auths[0]); i++)
		if (!strcasecmp(base, ws_auths[i].base)) {
			k.auth = ws_auths[i].auth;
			found = true;
			break;
		}
	if (!found)
		return line_err(c, "esp_sa: unknown authentication algorithm");
	err = ws_key(c, "encryption key", f[5], &ek, &k.enc_key_len);
	if (err)
		return err;
	k.enc_key = ek;
	err = ws_key(c, "authentication key", f[7], &ak, &k.auth_key_len);
	if (err) {
		secret_free(k.enc_key, k.enc_key_len);
		return err;
	}
	k.auth_key = ak;
	/* Wireshark ignores the key of ANY-n and NULL authentication. */
	if (k.auth == IKC_ESP_AUTH_NULL || k.auth >= IKC_ESP_AUTH_ANY_64) {
		secret_free(k.auth_key, k.auth_key_len);
		k.auth_key = NULL;
		k.auth_key_len = 0;
	}
	return esp_finish(c, "esp_sa", &k);
}

static enum ikc_err line_uat(struct lctx *c, char *line)
{
	char *f[KEYS_MAX_FIELDS];
	size_t nf;
	const char *why;
	uint8_t cookie[8], *val;
	size_t len;
	enum hexres r;
	enum ikc_err err;

	if (line[0] == '#')
		return IKC_OK;
	why = split_uat(line, f, &nf);
	if (why)
		return line_err(c, "%s", why);
	if (nf == 1 && !f[0][0])
		return IKC_OK;
	if (!strcasecmp(f[0], "IPv4") || !strcasecmp(f[0], "IPv6") || !strcasecmp(f[0], "Any"))
		return ws_esp_line(c, f, nf);
	if (nf == 8) {
		if (!is_cookie_hex(f[0]) || !is_cookie_hex(f[1]))
			return line_err(c, "ikev2_decryption_table: SPIs must be 16 hex digits");
		c->counts->ikev2_skipped++;
		c->ks->ikev2_skipped++;
		return IKC_OK;
	}
	if (nf != 2)
		return line_err(c, "expected 'icookie,key' (ikev1_decryption_table) or an esp_sa line (%zu fields)",
				nf);
	if (!hex_fixed(f[0], cookie, 8))
		return line_err(c, "ikev1_decryption_table: initiator cookie must be 16 hex digits");
	r = hex_alloc(f[1], false, &val, &len);
	if (r == HEX_NOMEM)
		return line_err(c, "out of memory"), IKC_NOMEM;
	if (r != HEX_OK)
		return line_err(c, "ikev1_decryption_table: key %s", hexres_text(r));
	err = add_cookie(c, &c->ks->ikev1, &c->ks->nikev1, &c->ks->cikev1, cookie, false, 0, val, len);
	if (!err)
		c->counts->ikev1++;
	return err;
}

/* ---------------------------------------------------------------- tcpdump -E */

static enum ikc_err td_one(struct lctx *c, char *spec)
{
	char *f[KEYS_MAX_FIELDS], *algo, *secret, *at;
	bool quoted[KEYS_MAX_FIELDS];
	size_t nf, i, n;
	const char *why;
	struct ikc_esp_key k;
	const struct td_enc *te = NULL;
	int af;

	why = split_fields(spec, f, quoted, &nf);
	if (why)
		return line_err(c, "%s", why);
	if (nf == 0)
		return IKC_OK;
	if (!strcasecmp(f[0], "ikev2")) {
		c->counts->ikev2_skipped++;
		c->ks->ikev2_skipped++;
		return IKC_OK;
	}
	if (!strcasecmp(f[0], "file"))
		return line_err(c, "tcpdump 'file' indirection is not supported: give that file with -k");
	memset(&k, 0, sizeof(k));
	if (nf == 1) {
		/* tcpdump's default SA: any SPI, any destination */
		algo = f[0];
		k.spi_any = true;
		k.src_any = k.dst_any = true;
	} else if (nf == 2) {
		algo = f[1];
		at = strchr(f[0], '@');
		if (!at)
			return line_err(c, "tcpdump: expected 'spi@address algorithm:secret'");
		*at = '\0';
		if (!parse_spi(f[0], true, &k.spi))
			return line_err(c, "tcpdump: SPI must be 0x-hex or decimal");
		if (!parse_addr(at + 1, &af, k.dst) || af == 0)
			return line_err(c, "tcpdump: destination must be an IPv4 or IPv6 address");
		k.af = af;
		k.src_any = true;
	} else {
		return line_err(c, "tcpdump: expected 'spi@address algorithm:secret' (%zu fields)", nf);
	}
	secret = strchr(algo, ':');
	if (!secret)
		return line_err(c, "tcpdump: expected 'algorithm:secret'");
	*secret++ = '\0';
	n = strlen(algo);
	k.auth = IKC_ESP_AUTH_NULL;
	if (n > 7 && !strcasecmp(algo + n - 7, "-hmac96")) {
		/* tcpdump only strips a 12-byte ICV; it never checks it */
		algo[n -= 7] = '\0';
		k.auth = IKC_ESP_AUTH_ANY_96;
	}
	if (n > 4 && !strcasecmp(algo + n - 4, "-cbc"))
		algo[n - 4] = '\0';
	for (i = 0; i < sizeof(td_encs) / sizeof(td_encs[0]); i++)
		if (!strcasecmp(algo, td_encs[i].name)) {
			te = &td_encs[i];
			break;
		}
	if (!te)
		return line_err(c, "tcpdump: unsupported algorithm (des-cbc, 3des-cbc, aes128-cbc, aes192-cbc, "
				   "aes256-cbc, cast128-cbc, blowfish-cbc, none; optional -hmac96)");
	k.enc = te->enc;
	if (secret[0] == '0' && secret[1] == 'x') {
		uint8_t *ek = NULL;
		enum hexres r = hex_alloc(secret, true, &ek, &k.enc_key_len);

		if (r == HEX_NOMEM)
			return line_err(c, "out of memory"), IKC_NOMEM;
		if (r != HEX_OK)
			return line_err(c, "tcpdump: secret %s", hexres_text(r));
		k.enc_key = ek;
	} else if (*secret) {
		if (strlen(secret) > KEYS_MAX_SECRET)
			return line_err(c, "tcpdump: secret is too long");
		k.enc_key = text_alloc(secret, &k.enc_key_len);
		if (!k.enc_key)
			return line_err(c, "out of memory"), IKC_NOMEM;
	}
	if (te->keylen && k.enc_key_len != te->keylen) {
		secret_free(k.enc_key, k.enc_key_len);
		return line_err(c, "tcpdump: %s-cbc needs a %u-byte key (got %zu bytes)", te->name, te->keylen,
				k.enc_key_len);
	}
	return esp_finish(c, "tcpdump", &k);
}

static enum ikc_err line_tcpdump(struct lctx *c, char *line)
{
	char *p = line, *comma;
	enum ikc_err err;

	if (line[0] == '#')
		return IKC_OK;
	/* tcpdump also separates SAs with commas */
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		err = td_one(c, p);
		if (err || !comma)
			return err;
		p = comma + 1;
	}
}

/* ---------------------------------------------------------------- recognition */

static bool td_algo_token(const char *tok)
{
	char algo[48];
	const char *colon = strchr(tok, ':');
	size_t n, i;

	if (!colon || (size_t)(colon - tok) >= sizeof(algo))
		return false;
	n = (size_t)(colon - tok);
	memcpy(algo, tok, n);
	algo[n] = '\0';
	if (n > 7 && !strcasecmp(algo + n - 7, "-hmac96"))
		algo[n -= 7] = '\0';
	if (n > 4 && !strcasecmp(algo + n - 4, "-cbc"))
		algo[n - 4] = '\0';
	for (i = 0; i < sizeof(td_encs) / sizeof(td_encs[0]); i++)
		if (!strcasecmp(algo, td_encs[i].name))
			return true;
	return false;
}

/* Which format is this line of?  Works on a copy; the line may be anything. */
static enum ikc_keys_format classify(const char *line)
{
	char copy[KEYS_MAX_LINE + 1], *f[KEYS_MAX_FIELDS];
	bool quoted[KEYS_MAX_FIELDS];
	size_t nf = 0, n = strlen(line);
	enum ikc_keys_format fmt = IKC_KEYS_FMT_UNKNOWN;

	if (n > KEYS_MAX_LINE)
		return IKC_KEYS_FMT_UNKNOWN;
	char *comma;

	memcpy(copy, line, n + 1);
	/* the keyword decides, even when the rest of the line is wrong (the
	 * parser then says what is wrong with it) */
	split_fields(copy, f, quoted, &nf);
	if (nf >= 1 && (!strcasecmp(f[0], "psk") || !strcasecmp(f[0], "dh") || !strcasecmp(f[0], "dhpriv") ||
			!strcasecmp(f[0], "ikev1") || !strcasecmp(f[0], "esp"))) {
		fmt = IKC_KEYS_FMT_IKECAP;
		goto out;
	}
	memcpy(copy, line, n + 1);
	comma = strchr(copy, ',');   /* tcpdump: the first of comma-separated SAs */
	if (comma)
		*comma = '\0';
	if (!split_fields(copy, f, quoted, &nf) && nf >= 1) {
		if (!strcasecmp(f[0], "ikev2") && nf >= 2 && (!strcmp(f[1], "I") || !strcmp(f[1], "R")))
			fmt = IKC_KEYS_FMT_TCPDUMP;
		else if (nf == 2 && strchr(f[0], '@') && td_algo_token(f[1]))
			fmt = IKC_KEYS_FMT_TCPDUMP;
		else if (nf == 1 && td_algo_token(f[0]))
			fmt = IKC_KEYS_FMT_TCPDUMP;
	}
	if (fmt)
		goto out;
	memcpy(copy, line, n + 1);
	if (!split_uat(copy, f, &nf)) {
		if (nf == 8 && (!strcasecmp(f[0], "IPv4") || !strcasecmp(f[0], "IPv6") || !strcasecmp(f[0], "Any")))
			fmt = IKC_KEYS_FMT_WS_ESP;
		else if (nf == 8 && is_cookie_hex(f[0]) && is_cookie_hex(f[1]))
			fmt = IKC_KEYS_FMT_WS_IKEV2;
		else if (nf == 2 && is_cookie_hex(skip_0x(f[0])) && hex_digits(f[1]) > 0)
			fmt = IKC_KEYS_FMT_WS_IKEV1;
	}
out:
	OPENSSL_cleanse(copy, n + 1);
	return fmt;
}

/* ---------------------------------------------------------------- files */

/* Read a whole regular file, at most KEYS_MAX_FILE bytes, NUL-terminated. */
static enum ikc_err read_file(const char *path, char **out, size_t *outlen, mode_t *mode, char *err, size_t errsz)
{
	struct stat st;
	char *buf = NULL;
	size_t cap, len = 0;
	enum ikc_err ret = IKC_OK;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return file_err(err, errsz, IKC_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = file_err(err, errsz, IKC_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = file_err(err, errsz, IKC_USAGE, "%s: not a regular file or directory", path);
		goto out;
	}
	if (st.st_size > (off_t)KEYS_MAX_FILE) {
		ret = file_err(err, errsz, IKC_USAGE, "%s: too large for a key file (over %u MiB)", path,
			       KEYS_MAX_FILE >> 20);
		goto out;
	}
	*mode = st.st_mode;
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (!buf) {
		ret = file_err(err, errsz, IKC_NOMEM, "%s: out of memory", path);
		goto out;
	}
	/* read one byte more than stat said, to notice a file that grew */
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = file_err(err, errsz, IKC_IO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == cap) {
			ret = file_err(err, errsz, IKC_USAGE, "%s: changed while being read", path);
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
out:
	if (buf) {
		OPENSSL_cleanse(buf, cap + 1);
		free(buf);
	}
	close(fd);
	return ret;
}

/* Next line of buf[0..len): NUL-terminates it in place (dropping \r\n),
 * returns its start and length, advances *pos.  NULL at the end. */
static char *next_line(char *buf, size_t len, size_t *pos, size_t *linelen)
{
	char *start, *nl;
	size_t n;

	if (*pos >= len)
		return NULL;
	start = buf + *pos;
	nl = memchr(start, '\n', len - *pos);
	n = nl ? (size_t)(nl - start) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	start[n] = '\0';
	if (n && start[n - 1] == '\r')
		start[--n] = '\0';
	*linelen = n;
	return start;
}

static bool line_is_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return false;
	}
	return true;
}

static bool line_is_blank_or_comment(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s || *s == '#';
}

/* Recognise the file's format by its first significant line. */
static enum ikc_keys_format detect(const char *buf, size_t len, size_t *bad_line, const char **why)
{
	size_t pos = 0, lineno = 0;

	*why = NULL;
	*bad_line = 0;
	while (pos < len) {
		const char *start = buf + pos, *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		char line[KEYS_MAX_LINE + 1];
		enum ikc_keys_format fmt;

		lineno++;
		pos += n + (nl ? 1 : 0);
		if (n && start[n - 1] == '\r')
			n--;
		*bad_line = lineno;
		if (n > KEYS_MAX_LINE) {
			*why = "line too long";
			return IKC_KEYS_FMT_UNKNOWN;
		}
		if (!line_is_text(start, n)) {
			*why = "binary data, not a key file";
			return IKC_KEYS_FMT_UNKNOWN;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		if (line_is_blank_or_comment(line)) {
			OPENSSL_cleanse(line, n);
			continue;
		}
		fmt = classify(line);
		OPENSSL_cleanse(line, n);
		if (!fmt)
			*why = "not a recognised key file (ikecap keys, Wireshark ikev1_decryption_table / esp_sa / "
			       "ikev2_decryption_table, or tcpdump -E secrets)";
		return fmt;
	}
	*bad_line = 0;
	return IKC_KEYS_FMT_IKECAP;   /* only blanks and comments: an empty key file */
}

static void keys_sort(struct ikc_keys *ks);

static enum ikc_err add_file_ent(struct ikc_keys *ks, const char *path, enum ikc_keys_format fmt,
				 struct ikc_keys_counts **counts)
{
	struct ikc_keys_file *fe;

	if (!(fe = ikc_grow(ks->files, &ks->cfiles, ks->nfiles, sizeof(*ks->files), 16, 0)))
		return IKC_NOMEM;
	ks->files = fe;
	fe = &ks->files[ks->nfiles];
	memset(fe, 0, sizeof(*fe));
	fe->path = strdup(path);
	if (!fe->path)
		return IKC_NOMEM;
	fe->format = fmt;
	ks->nfiles++;
	*counts = &fe->counts;
	return IKC_OK;
}

/* explicit: given by name (an unrecognised file is an error, not a skip). */
static enum ikc_err load_file(struct ikc_keys *ks, const char *path, bool explicit, char *err, size_t errsz,
			      char *warn, size_t warnsz)
{
	char *buf = NULL, *line;
	size_t len = 0, pos = 0, linelen, bad_line;
	mode_t mode = 0;
	enum ikc_keys_format fmt;
	const char *why, *slash;
	struct lctx c;
	enum ikc_err ret;

	ret = read_file(path, &buf, &len, &mode, err, errsz);
	if (ret && !explicit && ret != IKC_NOMEM) {
		/* in a directory, an unreadable or oversized file is not ours: say so, go on */
		struct ikc_keys_counts *unused;

		if (ret == IKC_IO)
			warn_add(warn, warnsz, "%s, skipped", err);
		ret = add_file_ent(ks, path, IKC_KEYS_FMT_UNKNOWN, &unused)
			      ? file_err(err, errsz, IKC_NOMEM, "%s: out of memory", path)
			      : IKC_OK;
		if (!ret && err && errsz)
			err[0] = '\0';
		goto out;
	}
	if (ret)
		goto out;
	/* A UTF-8 byte order mark, as Windows editors write one, is not text. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		memmove(buf, buf + 3, len - 3);
		OPENSSL_cleanse(buf + len - 3, 3);
		len -= 3;
	}
	fmt = detect(buf, len, &bad_line, &why);
	if (!fmt) {
		if (explicit) {
			ret = bad_line ? file_err(err, errsz, IKC_USAGE, "%s:%zu: %s", path, bad_line, why)
				       : file_err(err, errsz, IKC_USAGE, "%s: %s", path, why);
		} else {
			struct ikc_keys_counts *unused;

			if (add_file_ent(ks, path, IKC_KEYS_FMT_UNKNOWN, &unused))
				ret = file_err(err, errsz, IKC_NOMEM, "%s: out of memory", path);
		}
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.ks = ks;
	c.path = path;
	slash = strrchr(path, '/');
	c.base = slash && slash[1] ? slash + 1 : path;
	c.err = err;
	c.errsz = errsz;
	if (add_file_ent(ks, path, fmt, &c.counts)) {
		ret = file_err(err, errsz, IKC_NOMEM, "%s: out of memory", path);
		goto out;
	}
	while ((line = next_line(buf, len, &pos, &linelen)) != NULL) {
		c.line++;
		if (linelen > KEYS_MAX_LINE) {
			ret = line_err(&c, "line too long (over %u bytes)", KEYS_MAX_LINE);
			goto out;
		}
		if (!line_is_text(line, linelen)) {
			ret = line_err(&c, "binary data (a control character), not a key file");
			goto out;
		}
		if (line_is_blank_or_comment(line))
			continue;
		switch (fmt) {
		case IKC_KEYS_FMT_IKECAP:
			ret = line_ikecap(&c, line);
			break;
		case IKC_KEYS_FMT_TCPDUMP:
			ret = line_tcpdump(&c, line);
			break;
		default:
			ret = line_uat(&c, line);
			break;
		}
		if (ret)
			goto out;
	}
	if (mode & 077)
		warn_add(warn, warnsz, "%s: readable by group or others; chmod 600 it", path);
out:
	if (buf) {
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum ikc_err load_dir(struct ikc_keys *ks, const char *path, char *err, size_t errsz, char *warn,
			     size_t warnsz)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL, *full = NULL;
	size_t n = 0, cap = 0, i, fullsz;
	enum ikc_err ret = IKC_OK;

	if (!d)
		return file_err(err, errsz, IKC_IO, "%s: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;   /* ".", "..", editor and hidden files */
		if (n == KEYS_MAX_DIR_FILES) {
			ret = file_err(err, errsz, IKC_USAGE, "%s: more than %u files", path, KEYS_MAX_DIR_FILES);
			goto out;
		}
		{
			char **v = ikc_grow(names, &cap, n, sizeof(*names), 16, 0);
			if (v)
				names = v;
			if (!v || !(names[n] = strdup(de->d_name))) {
				ret = file_err(err, errsz, IKC_NOMEM, "%s: out of memory", path);
				goto out;
			}
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);   /* a stable order for ids and reports */
	for (i = 0; i < n; i++) {
		struct stat st;

		fullsz = strlen(path) + strlen(names[i]) + 2;
		free(full);
		full = malloc(fullsz);
		if (!full) {
			ret = file_err(err, errsz, IKC_NOMEM, "%s: out of memory", path);
			goto out;
		}
		snprintf(full, fullsz, "%s%s%s", path, path[0] && path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode))
			continue;   /* subdirectories, sockets, dangling links */
		ret = load_file(ks, full, false, err, errsz, warn, warnsz);
		if (ret)
			goto out;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(full);
	closedir(d);
	return ret;
}

enum ikc_err ikc_keys_load(struct ikc_keys *ks, const char *path, char *err, size_t errsz, char *warn,
			   size_t warnsz)
{
	struct marks m;
	struct stat st;
	enum ikc_err ret;

	if (err && errsz)
		err[0] = '\0';
	if (warn && warnsz)
		warn[0] = '\0';
	if (!ks || !path)
		return file_err(err, errsz, IKC_USAGE, "no key file given");
	m.npsk = ks->npsk;
	m.ndh = ks->ndh;
	m.ndhpriv = ks->ndhpriv;
	m.nikev1 = ks->nikev1;
	m.nesp = ks->nesp;
	m.nfiles = ks->nfiles;
	m.ikev2_skipped = ks->ikev2_skipped;
	if (stat(path, &st) < 0)
		ret = file_err(err, errsz, IKC_IO, "%s: %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		ret = load_dir(ks, path, err, errsz, warn, warnsz);
	else
		ret = load_file(ks, path, true, err, errsz, warn, warnsz);
	if (ret) {
		keys_truncate(ks, &m);
		if (warn && warnsz)
			warn[0] = '\0';
		return ret;
	}
	keys_sort(ks);
	return IKC_OK;
}

/* ---------------------------------------------------------------- lookups */

static int cmp_cookie_key(const uint8_t *ca, bool ha, uint32_t ma, const struct cookie_ent *b)
{
	int r = memcmp(ca, b->cookie, 8);

	if (r)
		return r;
	if (ha != b->has_msgid)
		return ha ? 1 : -1;
	if (ma != b->msgid)
		return ma < b->msgid ? -1 : 1;
	return 0;
}

static int cmp_cookie_ent(const void *va, const void *vb)
{
	const struct cookie_ent *a = va, *b = vb;
	int r = cmp_cookie_key(a->cookie, a->has_msgid, a->msgid, b);

	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_esp_ent(const void *va, const void *vb)
{
	const struct esp_ent *a = va, *b = vb;

	if (a->k.spi_any != b->k.spi_any)
		return a->k.spi_any ? 1 : -1;
	if (a->k.spi != b->k.spi)
		return a->k.spi < b->k.spi ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;   /* load order */
}

/* Sort by key, then drop a value given twice for the same key (one file
 * loaded twice, or a table beside the key file it came from). */
static void cookie_sort_dedup(struct cookie_ent *arr, size_t *n)
{
	size_t i, j, out = 0, group = 0;

	if (!*n)
		return;
	qsort(arr, *n, sizeof(*arr), cmp_cookie_ent);
	for (i = 0; i < *n; i++) {
		bool dup = false;

		if (out && cmp_cookie_key(arr[i].cookie, arr[i].has_msgid, arr[i].msgid, &arr[out - 1]) != 0)
			group = out;   /* arr[group..out) share arr[i]'s key, if any */
		for (j = group; j < out && !dup; j++)
			dup = arr[j].len == arr[i].len && CRYPTO_memcmp(arr[j].val, arr[i].val, arr[i].len) == 0;
		if (dup)
			secret_free(arr[i].val, arr[i].len);
		else
			arr[out++] = arr[i];
	}
	*n = out;
}

static void keys_sort(struct ikc_keys *ks)
{
	cookie_sort_dedup(ks->dh, &ks->ndh);
	cookie_sort_dedup(ks->dhpriv, &ks->ndhpriv);
	cookie_sort_dedup(ks->ikev1, &ks->nikev1);
	if (ks->nesp)
		qsort(ks->esp, ks->nesp, sizeof(*ks->esp), cmp_esp_ent);
}

static const uint8_t *cookie_find(const struct cookie_ent *arr, size_t n, const uint8_t cookie[8], bool has_msgid,
				  uint32_t msgid, size_t idx, size_t *len)
{
	size_t lo = 0, hi = n;

	if (len)
		*len = 0;
	if (!arr || !cookie)
		return NULL;
	while (lo < hi) {   /* lower bound */
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_cookie_key(cookie, has_msgid, msgid, &arr[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo + idx >= n || idx > n || cmp_cookie_key(cookie, has_msgid, msgid, &arr[lo + idx]) != 0)
		return NULL;
	if (len)
		*len = arr[lo + idx].len;
	return arr[lo + idx].val;
}

const uint8_t *ikc_keys_dh(const struct ikc_keys *ks, const uint8_t icookie[8], bool has_msgid, uint32_t msgid,
			   size_t idx, size_t *len)
{
	return ks ? cookie_find(ks->dh, ks->ndh, icookie, has_msgid, has_msgid ? msgid : 0, idx, len) : NULL;
}

const uint8_t *ikc_keys_dhpriv(const struct ikc_keys *ks, const uint8_t icookie[8], size_t idx, size_t *len)
{
	return ks ? cookie_find(ks->dhpriv, ks->ndhpriv, icookie, false, 0, idx, len) : NULL;
}

const uint8_t *ikc_keys_ikev1(const struct ikc_keys *ks, const uint8_t icookie[8], size_t idx, size_t *len)
{
	return ks ? cookie_find(ks->ikev1, ks->nikev1, icookie, false, 0, idx, len) : NULL;
}

static size_t alen(int af)
{
	return af == 6 ? 16 : 4;
}

size_t ikc_keys_psk_candidates(const struct ikc_keys *ks, int af, const uint8_t *addr_a, const uint8_t *addr_b,
			       const struct ikc_psk **out, size_t max)
{
	size_t i, n = 0;

	if (!ks || !out)
		return 0;
	for (i = 0; i < ks->npsk && n < max; i++) {
		const struct ikc_psk *p = &ks->psk[i];

		if (!p->af || p->af != af)
			continue;
		if ((addr_a && !memcmp(p->addr, addr_a, alen(af))) || (addr_b && !memcmp(p->addr, addr_b, alen(af))))
			out[n++] = p;
	}
	for (i = 0; i < ks->npsk && n < max; i++)
		if (!ks->psk[i].af)
			out[n++] = &ks->psk[i];
	return n;
}

/* 3: both addresses listed and equal, 2: destination, 1: source, 0: wildcards;
 * -1: does not apply. */
static int esp_score(const struct ikc_esp_key *k, int af, const uint8_t *src, const uint8_t *dst)
{
	int s = 0;

	if (k->af && k->af != af)
		return -1;
	if (!k->dst_any) {
		if (!dst || memcmp(k->dst, dst, alen(af)))
			return -1;
		s += 2;
	}
	if (!k->src_any) {
		if (!src || memcmp(k->src, src, alen(af)))
			return -1;
		s += 1;
	}
	return s;
}

const struct ikc_esp_key *ikc_keys_esp(const struct ikc_keys *ks, int af, const uint8_t *src, const uint8_t *dst,
				       uint32_t spi)
{
	const struct ikc_esp_key *best = NULL;
	int best_score = -1;
	size_t lo = 0, hi, i;

	if (!ks || !ks->nesp)
		return NULL;
	hi = ks->nesp;
	while (lo < hi) {   /* first entry with this SPI (listed SPIs sort first) */
		size_t mid = lo + (hi - lo) / 2;
		const struct ikc_esp_key *k = &ks->esp[mid].k;

		if (!k->spi_any && k->spi < spi)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < ks->nesp && !ks->esp[i].k.spi_any && ks->esp[i].k.spi == spi; i++) {
		int s = esp_score(&ks->esp[i].k, af, src, dst);

		if (s > best_score) {
			best_score = s;
			best = &ks->esp[i].k;
		}
	}
	if (best)
		return best;
	for (i = lo; i < ks->nesp; i++) {   /* tcpdump's default SAs sort last */
		int s;

		if (!ks->esp[i].k.spi_any)
			continue;
		s = esp_score(&ks->esp[i].k, af, src, dst);
		if (s > best_score) {
			best_score = s;
			best = &ks->esp[i].k;
		}
	}
	return best;
}

void ikc_keys_get_counts(const struct ikc_keys *ks, struct ikc_keys_counts *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!ks)
		return;
	out->psk = ks->npsk;
	for (i = 0; i < ks->ndh; i++)
		ks->dh[i].has_msgid ? out->dh_pfs++ : out->dh++;
	out->dhpriv = ks->ndhpriv;
	out->ikev1 = ks->nikev1;
	out->esp = ks->nesp;
	out->ikev2_skipped = ks->ikev2_skipped;
}

size_t ikc_keys_nfiles(const struct ikc_keys *ks)
{
	return ks ? ks->nfiles : 0;
}

const struct ikc_keys_file *ikc_keys_file_at(const struct ikc_keys *ks, size_t i)
{
	return ks && i < ks->nfiles ? &ks->files[i] : NULL;
}

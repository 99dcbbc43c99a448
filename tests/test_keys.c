/* test_keys.c - the key store: every line kind of the ikecap key file, the
 * Wireshark UAT tables and tcpdump -E secrets, error messages (exact, and
 * never quoting the secret), the permission warning, directory loads, lookups.
 *
 * Expected bytes come from the files themselves and from strongSwan's level-4
 * log of the same SA (/work/shared/lab/mm-psk-aes128-sha1-g2/keys/log-secrets-a.txt:
 * "encryption key Ka", "encryption initiator key", "integrity initiator key"),
 * never from ikecap's output. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../dissector/keys.h"

#define LAB "captures/lab/keys/mm-psk-aes128-sha1-g2"
#define TCPDUMP_SECRETS "captures/corpus/tcpdump/esp-secrets.txt"

static char tmpdir[256];

static void mk_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ikc-keys-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

/* Write a file under tmpdir with the given mode; path into out. */
static void put(const char *name, const void *data, size_t len, mode_t mode, char *out, size_t outsz)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
	if (out)
		snprintf(out, outsz, "%s", path);
}

static void puts_file(const char *name, const char *text, char *out, size_t outsz)
{
	put(name, text, strlen(text), 0600, out, outsz);
}

struct loaded {
	struct ikc_keys *ks;
	enum ikc_err rc;
	char err[512];
	char warn[1024];
	char path[512];
};

static void load_text(struct loaded *l, const char *name, const char *text)
{
	puts_file(name, text, l->path, sizeof(l->path));
	l->ks = ikc_keys_new();
	cr_assert_not_null(l->ks);
	l->rc = ikc_keys_load(l->ks, l->path, l->err, sizeof(l->err), l->warn, sizeof(l->warn));
}

/* The error must be "<tmpdir>/<name>:<line>: <what>" exactly. */
static void expect_err(const char *text, const char *what_line, const char *secret)
{
	struct loaded l;
	char want[700];

	load_text(&l, "k.txt", text);
	cr_assert_eq(l.rc, IKC_USAGE, "loaded a bad file: %s", text);
	snprintf(want, sizeof(want), "%s/%s", tmpdir, what_line);
	cr_assert_str_eq(l.err, want);
	if (secret)
		cr_assert_null(strstr(l.err, secret), "secret echoed: %s", l.err);
	ikc_keys_free(l.ks);
}

static void hexb(const char *hex, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;

		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void ip4(const char *s, uint8_t a[16])
{
	memset(a, 0, 16);
	cr_assert_eq(inet_pton(AF_INET, s, a), 1);
}

TestSuite(keys, .init = mk_tmpdir, .fini = rm_tmpdir);

/* ---------------------------------------------------------------- ikecap format */

Test(keys, every_line_kind)
{
	struct loaded l;
	struct ikc_keys_counts n;
	const struct ikc_psk *c[8];
	uint8_t ck[8], a[16], want[32];
	const uint8_t *v;
	size_t len;

	load_text(&l, "k.txt",
		  "# ikecap keys\n"
		  "\n"
		  "psk 192.0.2.1 \"pass word # not a comment\"   # a comment\n"
		  "psk * 0x0102:03ff\n"
		  "dh 0011223344556677 0xAABBccdd\n"
		  "dh 00:11:22:33:44:55:66:77:0000abcd  01:02:03\n"
		  "dhpriv 0x0011223344556677 deadbeef\n"
		  "dhpriv 0011223344556677 cafe\n"
		  "ikev1 0011223344556677 000102030405060708090a0b0c0d0e0f\n"
		  "esp 10.0.0.1 10.0.0.2 0x1234 aes-cbc 0x000102030405060708090a0b0c0d0e0f HMAC-SHA1-96 "
		  "0x0001020304050607080910111213141516171819\n"
		  "esp * * c0ffee AES-GCM-16 00112233445566778899aabbccddeeff01020304 null 0x\n"
		  "esp * 2001:db8::2 1 null - hmac-sha2-256-128 "
		  "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f\r\n");
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	cr_assert_str_eq(l.warn, "");
	ikc_keys_get_counts(l.ks, &n);
	cr_assert_eq(n.psk, 2);
	cr_assert_eq(n.dh, 1);
	cr_assert_eq(n.dh_pfs, 1);
	cr_assert_eq(n.dhpriv, 2);
	cr_assert_eq(n.ikev1, 1);
	cr_assert_eq(n.esp, 3);

	ip4("192.0.2.1", a);
	cr_assert_eq(ikc_keys_psk_candidates(l.ks, 4, a, NULL, c, 8), 2);
	cr_assert_eq(c[0]->key_len, strlen("pass word # not a comment"));
	cr_assert(!memcmp(c[0]->key, "pass word # not a comment", c[0]->key_len));
	cr_assert_str_eq(c[0]->id, "k.txt:3");
	cr_assert_eq(c[1]->key_len, 4);
	cr_assert(!memcmp(c[1]->key, "\x01\x02\x03\xff", 4));
	cr_assert_str_eq(c[1]->id, "k.txt:4");
	cr_assert_eq(c[1]->af, 0);

	hexb("0011223344556677", ck, 8);
	v = ikc_keys_dh(l.ks, ck, false, 0, 0, &len);
	cr_assert_not_null(v);
	cr_assert_eq(len, 4);
	cr_assert(!memcmp(v, "\xaa\xbb\xcc\xdd", 4));
	cr_assert_null(ikc_keys_dh(l.ks, ck, false, 0, 1, &len));
	v = ikc_keys_dh(l.ks, ck, true, 0xabcd, 0, &len);
	cr_assert_not_null(v);
	cr_assert_eq(len, 3);
	cr_assert(!memcmp(v, "\x01\x02\x03", 3));
	cr_assert_null(ikc_keys_dh(l.ks, ck, true, 0xabce, 0, &len));

	v = ikc_keys_dhpriv(l.ks, ck, 0, &len);
	cr_assert(v && len == 4 && !memcmp(v, "\xde\xad\xbe\xef", 4));
	v = ikc_keys_dhpriv(l.ks, ck, 1, &len);
	cr_assert(v && len == 2 && !memcmp(v, "\xca\xfe", 2));
	cr_assert_null(ikc_keys_dhpriv(l.ks, ck, 2, &len));

	v = ikc_keys_ikev1(l.ks, ck, 0, &len);
	hexb("000102030405060708090a0b0c0d0e0f", want, 16);
	cr_assert(v && len == 16 && !memcmp(v, want, 16));
	ck[7] ^= 1;
	cr_assert_null(ikc_keys_ikev1(l.ks, ck, 0, &len));
	cr_assert_null(ikc_keys_dh(l.ks, ck, false, 0, 0, &len));
	ikc_keys_free(l.ks);
}

Test(keys, esp_lines_and_lookup)
{
	struct loaded l;
	const struct ikc_esp_key *e;
	uint8_t s[16], d[16], x[16], v6[16];

	load_text(&l, "k.txt",
		  "esp * * 0x1000 aes-cbc 0x00000000000000000000000000000000 hmac-md5-96 "
		  "0x00000000000000000000000000000000\n"
		  "esp 10.0.0.1 10.0.0.2 0x1000 3des-cbc 0x000000000000000000000000000000000000000000000000 "
		  "hmac-sha2-512-256 0x01\n"
		  "esp * 10.0.0.2 0x1000 des-cbc 0x0000000000000000 aes-xcbc-96 0x00000000000000000000000000000000\n"
		  "esp * 2001:db8::1 0x2000 aes-ctr 0x0000000000000000000000000000000000000000 "
		  "hmac-sha2-384-192 0x02\n"
		  "esp * * 0x3000 AES-GCM-8 0x0000000000000000000000000000000000000000 null 0x\n"
		  "esp * * 0x3001 aes-gcm-12 0x0000000000000000000000000000000000000000 null -\n");
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	ip4("10.0.0.1", s);
	ip4("10.0.0.2", d);
	ip4("10.9.9.9", x);
	e = ikc_keys_esp(l.ks, 4, s, d, 0x1000);
	cr_assert_not_null(e);
	cr_assert_eq(e->enc, IKC_ESP_ENC_3DES_CBC);
	cr_assert_eq(e->auth, IKC_ESP_AUTH_HMAC_SHA2_512_256);
	cr_assert_str_eq(e->id, "k.txt:2");
	e = ikc_keys_esp(l.ks, 4, x, d, 0x1000);   /* destination-only entry beats '*' '*' */
	cr_assert(e && e->enc == IKC_ESP_ENC_DES_CBC && e->auth == IKC_ESP_AUTH_AES_XCBC_96);
	e = ikc_keys_esp(l.ks, 4, d, x, 0x1000);   /* only the wildcard applies */
	cr_assert(e && e->enc == IKC_ESP_ENC_AES_CBC && e->auth == IKC_ESP_AUTH_HMAC_MD5_96);
	cr_assert_eq(e->enc_key_len, 16);
	cr_assert_eq(ikc_esp_auth_icv_len(e->auth), 12);
	cr_assert_null(ikc_keys_esp(l.ks, 4, s, d, 0x1001));
	memset(v6, 0, 16);
	cr_assert_eq(inet_pton(AF_INET6, "2001:db8::1", v6), 1);
	e = ikc_keys_esp(l.ks, 6, NULL, v6, 0x2000);
	cr_assert(e && e->enc == IKC_ESP_ENC_AES_CTR && e->af == 6);
	cr_assert_null(ikc_keys_esp(l.ks, 4, s, d, 0x2000));
	e = ikc_keys_esp(l.ks, 6, NULL, v6, 0x3000);
	cr_assert(e && e->enc == IKC_ESP_ENC_AES_GCM_8 && e->auth == IKC_ESP_AUTH_NULL && e->auth_key_len == 0);
	e = ikc_keys_esp(l.ks, 4, s, d, 0x3001);
	cr_assert(e && e->enc == IKC_ESP_ENC_AES_GCM_12);
	cr_assert_str_eq(ikc_esp_enc_name(IKC_ESP_ENC_AES_GCM_16), "aes-gcm-16");
	cr_assert_str_eq(ikc_esp_auth_name(IKC_ESP_AUTH_HMAC_SHA2_256_128), "hmac-sha2-256-128");
	cr_assert_eq(ikc_esp_auth_icv_len(IKC_ESP_AUTH_HMAC_SHA2_256_128), 16);
	ikc_keys_free(l.ks);
}

Test(keys, psk_ordering)
{
	struct loaded l;
	const struct ikc_psk *c[8];
	uint8_t a[16], b[16], o[16], v6[16];

	load_text(&l, "k.txt",
		  "psk * wild\n"
		  "psk 10.0.0.1 first\n"
		  "psk 10.0.0.2 second\n"
		  "psk 2001:db8::1 six\n"
		  "psk 10.0.0.1 third\n"
		  "psk * wild2\n");
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	ip4("10.0.0.1", a);
	ip4("10.0.0.2", b);
	ip4("10.0.0.3", o);
	cr_assert_eq(ikc_keys_psk_candidates(l.ks, 4, b, a, c, 8), 5);
	cr_assert_str_eq(c[0]->id, "k.txt:2");
	cr_assert_str_eq(c[1]->id, "k.txt:3");
	cr_assert_str_eq(c[2]->id, "k.txt:5");
	cr_assert_str_eq(c[3]->id, "k.txt:1");
	cr_assert_str_eq(c[4]->id, "k.txt:6");
	cr_assert(!memcmp(c[2]->key, "third", 5));
	cr_assert_eq(ikc_keys_psk_candidates(l.ks, 4, b, a, c, 2), 2);
	cr_assert_eq(ikc_keys_psk_candidates(l.ks, 4, o, NULL, c, 8), 2);
	cr_assert_str_eq(c[0]->id, "k.txt:1");
	memset(v6, 0, 16);
	cr_assert_eq(inet_pton(AF_INET6, "2001:db8::1", v6), 1);
	cr_assert_eq(ikc_keys_psk_candidates(l.ks, 6, NULL, v6, c, 8), 3);
	cr_assert_str_eq(c[0]->id, "k.txt:4");
	/* the ids never carry the secret */
	cr_assert_null(strstr(c[0]->id, "six"));
	ikc_keys_free(l.ks);
}

/* What a file that must load holds. */
static struct ikc_keys_counts counts_of(const char *name, const char *text)
{
	struct loaded l;
	struct ikc_keys_counts n;

	load_text(&l, name, text);
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	ikc_keys_get_counts(l.ks, &n);
	ikc_keys_free(l.ks);
	return n;
}

Test(keys, comments_blank_and_empty_file)
{
	struct ikc_keys_counts n = counts_of("k.txt", "# only comments\n\n   \t\n# psk * nothing\n");

	cr_assert_eq(n.psk + n.dh + n.ikev1 + n.esp, 0);
	n = counts_of("k2.txt", "");
	cr_assert_eq(n.psk + n.dh + n.ikev1 + n.esp, 0);
}

/* A file saved by a Windows editor starts with a UTF-8 byte order mark. */
Test(keys, utf8_bom_is_skipped)
{
	struct ikc_keys_counts n =
		counts_of("bom.txt", "\xef\xbb\xbfpsk * secret\nikev1 0011223344556677 000102030405060708090a0b0c0d0e0f\n");
	struct loaded l;

	cr_assert_eq(n.psk, 1);
	cr_assert_eq(n.ikev1, 1);
	/* only the mark at the very start: one inside a line is still an error */
	load_text(&l, "bom2.txt", "psk * a\n\xef\xbb\xbfpsk * b\n");
	cr_assert_neq(l.rc, IKC_OK);
	ikc_keys_free(l.ks);
}

/* ---------------------------------------------------------------- errors */

Test(keys, error_messages)
{
	expect_err("psk * a\ndh 0011 aabb\n", "k.txt:2: dh: initiator cookie must be 16 hex digits", NULL);
	expect_err("psk * ok\n\ndh 00112233445566778 aabb\n", "k.txt:3: dh: initiator cookie must be 16 hex digits",
		   NULL);
	expect_err("dh 0011223344556677:123 aabb\n", "k.txt:1: dh: message id must be 8 hex digits", NULL);
	expect_err("ikev1 0011223344556677:00000001 aabb\n",
		   "k.txt:1: ikev1: a message id is only allowed on dh lines", NULL);
	expect_err("ikev1 0011223344556677 aabbc\n", "k.txt:1: ikev1: key has an odd number of hex digits", "aabbc");
	expect_err("dhpriv 0011223344556677 SuperSecretXY\n", "k.txt:1: dhpriv: private value is not hex",
		   "SuperSecret");
	expect_err("dh 0011223344556677 0x\n", "k.txt:1: dh: shared secret is empty", NULL);
	expect_err("psk 10.0.0.300 SuperSecret\n", "k.txt:1: psk: peer must be an IPv4 or IPv6 address or *",
		   "SuperSecret");
	expect_err("psk * \"Super Secret\n", "k.txt:1: unterminated quote", "Super");
	expect_err("psk * \"Super Secret\"x\n", "k.txt:1: text after closing quote", "Super");
	expect_err("psk *\n", "k.txt:1: psk: expected 'psk <peer-address|*> <secret>' (2 fields)", NULL);
	expect_err("psk * Super Secret\n", "k.txt:1: psk: expected 'psk <peer-address|*> <secret>' (4 fields)",
		   "Super");
	expect_err("psk * \"\"\n", "k.txt:1: psk: empty secret", NULL);
	expect_err("psk * 0xSuperSecret\n", "k.txt:1: psk: hex secret is not hex", "SuperSecret");
	expect_err("psk * a\nSuperSecret1 x y\n", "k.txt:2: unknown line kind (expected psk, dh, dhpriv, ikev1 or esp)",
		   "SuperSecret");
	expect_err("esp * * 0x123456789 aes-cbc 0x00000000000000000000000000000000 null -\n",
		   "k.txt:1: esp: SPI must be 1 to 8 hex digits", NULL);
	expect_err("esp * * 1 aes-cbc 0x000000000000000000000000000000 null -\n",
		   "k.txt:1: esp: aes-cbc key has the wrong length (15 bytes)", NULL);
	expect_err("esp * * 1 3des-cbc 0x0000000000000000 null -\n",
		   "k.txt:1: esp: 3des-cbc key has the wrong length (8 bytes)", NULL);
	expect_err("esp * * 1 null - null 0x0102\n", "k.txt:1: esp: null authentication takes no key", NULL);
	expect_err("esp * * 1 null - hmac-sha1-96 -\n", "k.txt:1: esp: hmac-sha1-96 needs a key", NULL);
	expect_err("esp 10.0.0.1 ::1 1 null - null -\n",
		   "k.txt:1: esp: source and destination are of different address families", NULL);
	expect_err("esp * * 1 rot13 0xSuperSecret null -\n",
		   "k.txt:1: esp: unknown encryption algorithm (aes-cbc, aes-ctr, aes-gcm-8, aes-gcm-12, aes-gcm-16, "
		   "3des-cbc, des-cbc, null, ...)",
		   "SuperSecret");
	expect_err("esp * * 1 aes-cbc 00000000000000000000000000000000 hmac-sha9 SuperSecret\n",
		   "k.txt:1: esp: unknown authentication algorithm (hmac-md5-96, hmac-sha1-96, hmac-sha2-256-128, "
		   "hmac-sha2-384-192, hmac-sha2-512-256, aes-xcbc-96, null, ...)",
		   "SuperSecret");
	expect_err("esp * * 1 aes-cbc 0xSuperSecretSuperSecretSuperSecretSuperSecret null -\n",
		   "k.txt:1: esp: encryption key is not hex", "SuperSecret");
	expect_err("esp * * 1 aes-cbc\n",
		   "k.txt:1: esp: expected 'esp <src|*> <dst|*> <spi> <enc-alg> <enc-key> <auth-alg> <auth-key>' "
		   "(5 fields)",
		   NULL);
	expect_err("SuperSecret\n",
		   "k.txt:1: not a recognised key file (ikecap keys, Wireshark ikev1_decryption_table / esp_sa / "
		   "ikev2_decryption_table, or tcpdump -E secrets)",
		   "SuperSecret");
}

Test(keys, failed_load_keeps_nothing_of_that_file)
{
	struct ikc_keys *ks = ikc_keys_new();
	struct ikc_keys_counts n;
	char good[512], bad[512], err[256], warn[256];

	puts_file("good.txt", "psk * one\n", good, sizeof(good));
	puts_file("bad.txt", "psk * two\nikev1 0011223344556677 000102030405060708090a0b0c0d0e0f\ndh zz 00\n", bad,
		  sizeof(bad));
	cr_assert_eq(ikc_keys_load(ks, good, err, sizeof(err), warn, sizeof(warn)), IKC_OK);
	cr_assert_eq(ikc_keys_load(ks, bad, err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	ikc_keys_get_counts(ks, &n);
	cr_assert_eq(n.psk, 1);
	cr_assert_eq(n.ikev1, 0);
	cr_assert_eq(ikc_keys_nfiles(ks), 1);
	ikc_keys_free(ks);
}

Test(keys, missing_file)
{
	struct ikc_keys *ks = ikc_keys_new();
	char err[600], warn[64], want[600], path[300];

	snprintf(want, sizeof(want), "%s/nope: No such file or directory", tmpdir);
	snprintf(path, sizeof(path), "%s/nope", tmpdir);
	cr_assert_eq(ikc_keys_load(ks, path, err, sizeof(err), warn, sizeof(warn)), IKC_IO);
	cr_assert_str_eq(err, want);
	ikc_keys_free(ks);
}

Test(keys, permission_warning)
{
	struct ikc_keys *ks = ikc_keys_new();
	char p1[512], p2[512], err[256], warn[512], want[600];

	put("open.txt", "psk * x\n", 8, 0644, p1, sizeof(p1));
	put("closed.txt", "psk * y\n", 8, 0600, p2, sizeof(p2));
	cr_assert_eq(ikc_keys_load(ks, p1, err, sizeof(err), warn, sizeof(warn)), IKC_OK);
	snprintf(want, sizeof(want), "%s: readable by group or others; chmod 600 it", p1);
	cr_assert_str_eq(warn, want);
	cr_assert_eq(ikc_keys_load(ks, p2, err, sizeof(err), warn, sizeof(warn)), IKC_OK);
	cr_assert_str_eq(warn, "");
	ikc_keys_free(ks);
}

Test(keys, garbage_rejected)
{
	static const uint8_t bin[] = { 0x7f, 'E', 'L', 'F', 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe, '\n', 0x00 };
	struct ikc_keys *ks = ikc_keys_new();
	char p[512], err[512], warn[256], want[600];
	char *big = malloc(20000);
	int fd;

	put("bin", bin, sizeof(bin), 0600, p, sizeof(p));
	cr_assert_eq(ikc_keys_load(ks, p, err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	snprintf(want, sizeof(want), "%s:1: binary data, not a key file", p);
	cr_assert_str_eq(err, want);

	/* a control character inside an otherwise good file */
	put("ctl", "psk * a\npsk * b\x01\n", 17, 0600, p, sizeof(p));
	cr_assert_eq(ikc_keys_load(ks, p, err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	snprintf(want, sizeof(want), "%s:2: binary data (a control character), not a key file", p);
	cr_assert_str_eq(err, want);

	/* a very long line, first and later */
	cr_assert_not_null(big);
	memset(big, 'a', 20000);
	memcpy(big, "psk * a\npsk * ", 14);
	big[19999] = '\n';
	put("long", big, 20000, 0600, p, sizeof(p));
	cr_assert_eq(ikc_keys_load(ks, p, err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	snprintf(want, sizeof(want), "%s:2: line too long (over 8192 bytes)", p);
	cr_assert_str_eq(err, want);
	put("long1", big + 8, 20000 - 8, 0600, p, sizeof(p));
	cr_assert_eq(ikc_keys_load(ks, p, err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	snprintf(want, sizeof(want), "%s:1: line too long", p);
	cr_assert_str_eq(err, want);
	free(big);

	/* a huge file (sparse): refused before reading */
	put("huge", "", 0, 0600, p, sizeof(p));
	fd = open(p, O_WRONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, (off_t)64 << 20), 0);
	close(fd);
	cr_assert_eq(ikc_keys_load(ks, p, err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	snprintf(want, sizeof(want), "%s: too large for a key file (over 16 MiB)", p);
	cr_assert_str_eq(err, want);

	/* not a regular file */
	cr_assert_eq(ikc_keys_load(ks, "/dev/null", err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	cr_assert_str_eq(err, "/dev/null: not a regular file or directory");
	ikc_keys_free(ks);
}

/* ---------------------------------------------------------------- Wireshark tables */

Test(keys, lab_ikev1_table)
{
	struct ikc_keys *ks = ikc_keys_new();
	char err[512], warn[512];
	uint8_t ck[8], ka[16];
	const uint8_t *v;
	size_t len;

	cr_assert_eq(ikc_keys_load(ks, LAB "/ikev1_decryption_table", err, sizeof(err), warn, sizeof(warn)), IKC_OK,
		     "%s", err);
	cr_assert_eq(ikc_keys_file_at(ks, 0)->format, IKC_KEYS_FMT_WS_IKEV1);
	/* the file: ee6d1b7f1f9b4dc5,7cc5a2dba4de076a711babcec5c97c10; charon:
	 * "encryption key Ka => 16 bytes  0: 7C C5 A2 DB A4 DE 07 6A 71 1B AB CE C5 C9 7C 10" */
	hexb("ee6d1b7f1f9b4dc5", ck, 8);
	hexb("7cc5a2dba4de076a711babcec5c97c10", ka, 16);
	v = ikc_keys_ikev1(ks, ck, 0, &len);
	cr_assert_not_null(v);
	cr_assert_eq(len, 16);
	cr_assert(!memcmp(v, ka, 16));
	/* the lab files are 0444 */
	cr_assert_not_null(strstr(warn, "readable by group or others; chmod 600 it"));
	/* the same key loaded again (here: twice) is kept once */
	cr_assert_eq(ikc_keys_load(ks, LAB "/ikev1_decryption_table", err, sizeof(err), warn, sizeof(warn)), IKC_OK);
	cr_assert_null(ikc_keys_ikev1(ks, ck, 1, &len));
	v = ikc_keys_ikev1(ks, ck, 0, &len);
	cr_assert(v && len == 16 && !memcmp(v, ka, 16));
	ikc_keys_free(ks);
}

Test(keys, lab_esp_sa)
{
	struct ikc_keys *ks = ikc_keys_new();
	char err[512], warn[512];
	uint8_t ek[16], ak[20], any[16] = { 10, 1, 2, 3 };
	const struct ikc_esp_key *e;

	cr_assert_eq(ikc_keys_load(ks, LAB "/esp_sa", err, sizeof(err), warn, sizeof(warn)), IKC_OK, "%s", err);
	cr_assert_eq(ikc_keys_file_at(ks, 0)->format, IKC_KEYS_FMT_WS_ESP);
	cr_assert_eq(ikc_keys_file_at(ks, 0)->counts.esp, 2);
	/* charon: encryption initiator key A1 9B FC C3 ..., integrity initiator key E1 61 99 93 ... */
	e = ikc_keys_esp(ks, 4, any, any, 0x69522f12);
	cr_assert_not_null(e);
	cr_assert(e->src_any && e->dst_any && !e->spi_any && e->af == 4);
	cr_assert_eq(e->enc, IKC_ESP_ENC_AES_CBC);
	cr_assert_eq(e->auth, IKC_ESP_AUTH_HMAC_SHA1_96);
	hexb("a19bfcc38274fb36d2b2ee36245f082f", ek, 16);
	hexb("e1619993411a8045b534bffcdd74e4563aa9dc5b", ak, 20);
	cr_assert(e->enc_key_len == 16 && !memcmp(e->enc_key, ek, 16));
	cr_assert(e->auth_key_len == 20 && !memcmp(e->auth_key, ak, 20));
	e = ikc_keys_esp(ks, 4, NULL, NULL, 0x919a3802);
	hexb("71b8db5d0440a8b512614951a2f57b91", ek, 16);
	hexb("da3efd2b8f397564d23088a8a7b470c8c797161d", ak, 20);
	cr_assert(e && e->enc_key_len == 16 && !memcmp(e->enc_key, ek, 16));
	cr_assert(e->auth_key_len == 20 && !memcmp(e->auth_key, ak, 20));
	cr_assert_null(ikc_keys_esp(ks, 4, NULL, NULL, 0x919a3803));
	ikc_keys_free(ks);
}

Test(keys, lab_esp_gcm_and_ws_algorithm_strings)
{
	struct loaded l;
	const struct ikc_esp_key *e;

	l.ks = ikc_keys_new();
	l.rc = ikc_keys_load(l.ks, "captures/lab/keys/ikev1-esp-gcm/esp_sa", l.err, sizeof(l.err), l.warn,
			     sizeof(l.warn));
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	e = ikc_keys_esp(l.ks, 4, NULL, NULL, 0xdf733d14);
	cr_assert(e && e->enc == IKC_ESP_ENC_AES_GCM_16 && e->enc_key_len == 20 && e->auth == IKC_ESP_AUTH_NULL);
	cr_assert(!memcmp(e->enc_key, "\xf3\xc8\x6a\xa3", 4));
	ikc_keys_free(l.ks);

	load_text(&l, "esp_sa",
		  "# a comment\n"
		  "\"IPv4\",\"192.168.0.1\",\"192.168.0.100\",\"0x070883c2\",\"TripleDes-CBC\","
		  "\"0x000102030405060708090a0b0c0d0e0f1011121314151617\",\"HMAC-MD5-96 [RFC2403]\",\"0x00\"\n"
		  "\"IPv4\",\"*\",\"*\",\"0x00000002\",\"TripleDES-CBC [RFC2451]\","
		  "\"0x000102030405060708090a0b0c0d0e0f1011121314151617\",\"HMAC-SHA-256-96 "
		  "[draft-ietf-ipsec-ciph-sha-256-00]\",\"0x00\"\n"
		  "IPv4,*,*,3,AES-CTR [RFC3686],0x0000000000000000000000000000000000000000,HMAC-SHA-256-128 [RFC4868],"
		  "0x01\n"
		  "\"IPv4\",\"*\",\"*\",\"4\",\"DES-CBC [RFC2405]\",\"0x0000000000000000\",\"HMAC-SHA-384-192 "
		  "[RFC4868]\",\"0x01\"\n"
		  "\"IPv4\",\"*\",\"*\",\"5\",\"CAST5-CBC [RFC2144]\",\"0x0000000000000000\",\"HMAC-SHA-512-256 "
		  "[RFC4868]\",\"0x01\"\n"
		  "\"IPv4\",\"*\",\"*\",\"6\",\"BLOWFISH-CBC [RFC2451]\",\"0x0000000000000000\",\"MAC-RIPEMD-160-96 "
		  "[RFC2857]\",\"0x01\"\n"
		  "\"IPv4\",\"*\",\"*\",\"7\",\"TWOFISH-CBC\",\"0x00000000000000000000000000000000\",\"ANY 64 bit "
		  "authentication [no checking]\",\"\"\n"
		  "\"IPv6\",\"*\",\"2001:db8::1\",\"8\",\"AES-GCM with 8 octet ICV [RFC4106]\","
		  "\"0x0000000000000000000000000000000000000000\",\"NULL\",\"\"\n"
		  "\"IPv4\",\"*\",\"*\",\"9\",\"AES-GCM with 12 octet ICV [RFC4106]\","
		  "\"0x0000000000000000000000000000000000000000\",\"ANY 96 bit authentication [no checking]\",\"\"\n"
		  "\"IPv4\",\"*\",\"*\",\"10\",\"AES-GCM [RFC4106]\",\"0x0000000000000000000000000000000000000000\","
		  "\"ANY 128 bit authentication [no checking]\",\"\"\n"
		  "\"IPv4\",\"*\",\"*\",\"11\",\"AES-GCM with IIV and 16 octet ICV [RFC4106 & RFC8750]\","
		  "\"0x0000000000000000000000000000000000000000\",\"ANY 192 bit authentication [no checking]\",\"\"\n"
		  "\"IPv4\",\"*\",\"*\",\"12\",\"ChaCha20 with Poly1305 [RFC7634]\",\"0x" \
		  "000000000000000000000000000000000000000000000000000000000000000000000000\","
		  "\"ANY 256 bit authentication [no checking]\",\"\"\n"
		  "\"IPv4\",\"*\",\"*\",\"13\",\"ChaCha20 with Poly1305 and IIV [RFC7634 & RFC8750]\",\"0x" \
		  "000000000000000000000000000000000000000000000000000000000000000000000000\",\"NULL\",\"0x\"\n"
		  "\"IPv4\",\"*\",\"*\",\"14\",\"NULL\",\"\",\"HMAC-SHA-1-96 [RFC2404]\",\"textkey\"\n"
		  "\"IPv4\",\"*\",\"*\",\"*\",\"AES-CBC [RFC3602]\",\"0x00000000000000000000000000000000\",\"NULL\",\"\"\n");
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	cr_assert_eq(ikc_keys_file_at(l.ks, 0)->counts.esp, 15);
#define CHK(spi, E, A)                                                          \
	do {                                                                    \
		e = ikc_keys_esp(l.ks, 4, NULL, NULL, spi);                     \
		cr_assert_not_null(e, "spi %u", (unsigned)(spi));              \
		cr_assert_eq(e->enc, E, "spi %u", (unsigned)(spi));            \
		cr_assert_eq(e->auth, A, "spi %u", (unsigned)(spi));           \
	} while (0)
	CHK(2, IKC_ESP_ENC_3DES_CBC, IKC_ESP_AUTH_HMAC_SHA2_256_96);
	CHK(3, IKC_ESP_ENC_AES_CTR, IKC_ESP_AUTH_HMAC_SHA2_256_128);
	CHK(4, IKC_ESP_ENC_DES_CBC, IKC_ESP_AUTH_HMAC_SHA2_384_192);
	CHK(5, IKC_ESP_ENC_CAST5_CBC, IKC_ESP_AUTH_HMAC_SHA2_512_256);
	CHK(6, IKC_ESP_ENC_BLOWFISH_CBC, IKC_ESP_AUTH_HMAC_RIPEMD160_96);
	CHK(7, IKC_ESP_ENC_TWOFISH_CBC, IKC_ESP_AUTH_ANY_64);
	CHK(9, IKC_ESP_ENC_AES_GCM_12, IKC_ESP_AUTH_ANY_96);
	CHK(10, IKC_ESP_ENC_AES_GCM_16, IKC_ESP_AUTH_ANY_128);
	CHK(11, IKC_ESP_ENC_AES_GCM_16_IIV, IKC_ESP_AUTH_ANY_192);
	CHK(12, IKC_ESP_ENC_CHACHA20_POLY1305, IKC_ESP_AUTH_ANY_256);
	CHK(13, IKC_ESP_ENC_CHACHA20_POLY1305_IIV, IKC_ESP_AUTH_NULL);
	CHK(14, IKC_ESP_ENC_NULL, IKC_ESP_AUTH_HMAC_SHA1_96);
	cr_assert(e->auth_key_len == 7 && !memcmp(e->auth_key, "textkey", 7));  /* no 0x: text */
	CHK(999, IKC_ESP_ENC_AES_CBC, IKC_ESP_AUTH_NULL);                      /* SPI '*' */
	e = ikc_keys_esp(l.ks, 6, NULL, NULL, 8);
	cr_assert_null(e);   /* destination 2001:db8::1 required */
	{
		uint8_t v6[16] = { 0 }, s4[16] = { 192, 168, 0, 1 }, d4[16] = { 192, 168, 0, 100 };

		cr_assert_eq(inet_pton(AF_INET6, "2001:db8::1", v6), 1);
		e = ikc_keys_esp(l.ks, 6, NULL, v6, 8);
		cr_assert(e && e->enc == IKC_ESP_ENC_AES_GCM_8 && e->af == 6);
		e = ikc_keys_esp(l.ks, 4, s4, d4, 0x070883c2);
		cr_assert(e && e->enc == IKC_ESP_ENC_3DES_CBC && e->auth == IKC_ESP_AUTH_HMAC_MD5_96);
		cr_assert(!e->src_any && !e->dst_any);
		/* reversed addresses: only the SPI '*' entry applies */
		e = ikc_keys_esp(l.ks, 4, d4, s4, 0x070883c2);
		cr_assert(e && e->spi_any && e->enc == IKC_ESP_ENC_AES_CBC);
	}
	ikc_keys_free(l.ks);
#undef CHK
}

Test(keys, ws_errors)
{
	expect_err("\"IPv4\",\"*\",\"*\",\"0x1\",\"ROT13-CBC\",\"0xSuperSecret\",\"NULL\",\"\"\n",
		   "k.txt:1: esp_sa: unknown encryption algorithm", "SuperSecret");
	expect_err("\"IPv4\",\"*\",\"*\",\"0x1\",\"AES-CBC [RFC3602]\",\"0x0011\",\"NULL\",\"\"\n",
		   "k.txt:1: esp_sa: aes-cbc key has the wrong length (2 bytes)", NULL);
	expect_err("\"IPv4\",\"*\",\"*\",\"0x1\",\"AES-CBC [RFC3602]\",\"0x00112233445566778899aabbccddeeff\","
		   "\"HMAC-SHA-1-96 [RFC2404]\",\"0xSuperSecret\"\n",
		   "k.txt:1: esp_sa: authentication key is not hex", "SuperSecret");
	expect_err("\"IPv4\",\"10.0.*\",\"*\",\"0x1\",\"NULL\",\"\",\"NULL\",\"\"\n",
		   "k.txt:1: esp_sa: source must be an address or * (partial wildcards are not supported)", NULL);
	expect_err("\"IPv4\",\"::1\",\"*\",\"0x1\",\"NULL\",\"\",\"NULL\",\"\"\n",
		   "k.txt:1: esp_sa: address does not match the protocol", NULL);
	expect_err("\"IPv4\",\"*\",\"*\",\"0x1\",\"NULL\",\"\",\"NULL\",\"\"\n\"IPv4\",\"*\"\n",
		   "k.txt:2: esp_sa: expected 8 comma-separated fields (2)", NULL);
	expect_err("0011223344556677,00112233\n00112233,SuperSecret00\n",
		   "k.txt:2: ikev1_decryption_table: initiator cookie must be 16 hex digits", "SuperSecret");
	expect_err("0011223344556677,00112233\n0011223344556677,SuperSecret00\n",
		   "k.txt:2: ikev1_decryption_table: key is not hex", "SuperSecret");
	expect_err("0011223344556677,00112233\n\"0011223344556677\",\"0011\n",
		   "k.txt:2: unterminated quote", NULL);
}

Test(keys, ws_ikev1_quoted_and_ikev2_skipped)
{
	struct loaded l;
	struct ikc_keys_counts n;
	uint8_t ck[8];
	const uint8_t *v;
	size_t len;

	load_text(&l, "ikev1_decryption_table",
		  "# This file is automatically generated, DO NOT MODIFY.\n"
		  "\"fafaeb49382a763c\",\"735be0cb62f82675c4f7bf8fbab9b56834ba76d6ab4fa240\"\n"
		  "AB3E0F1F8BC3BE8E,928392441E00ECE5E8AF3BC545416E86\n"
		  "ab3e0f1f8bc3be8e,00\n");
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	hexb("fafaeb49382a763c", ck, 8);
	v = ikc_keys_ikev1(l.ks, ck, 0, &len);
	cr_assert(v && len == 24 && v[0] == 0x73 && v[23] == 0x40);
	hexb("ab3e0f1f8bc3be8e", ck, 8);
	v = ikc_keys_ikev1(l.ks, ck, 0, &len);   /* file order kept for one cookie */
	cr_assert(v && len == 16 && v[0] == 0x92 && v[15] == 0x86);
	v = ikc_keys_ikev1(l.ks, ck, 1, &len);
	cr_assert(v && len == 1 && v[0] == 0);
	cr_assert_null(ikc_keys_ikev1(l.ks, ck, 2, &len));
	ikc_keys_free(l.ks);

	l.ks = ikc_keys_new();
	l.rc = ikc_keys_load(l.ks, "captures/corpus/wireshark/ikev2_decryption_table.tmpl", l.err,
			     sizeof(l.err), l.warn, sizeof(l.warn));
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	ikc_keys_get_counts(l.ks, &n);
	cr_assert_eq(n.ikev2_skipped, 9);   /* 10 lines, one a comment */
	cr_assert_eq(ikc_keys_file_at(l.ks, 0)->format, IKC_KEYS_FMT_WS_IKEV2);
	ikc_keys_free(l.ks);

	l.ks = ikc_keys_new();
	l.rc = ikc_keys_load(l.ks, "captures/corpus/wireshark/ikev1_decryption_table.tmpl", l.err,
			     sizeof(l.err), l.warn, sizeof(l.warn));
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	ikc_keys_get_counts(l.ks, &n);
	cr_assert_eq(n.ikev1, 3);
	hexb("29f6006212625def", ck, 8);
	v = ikc_keys_ikev1(l.ks, ck, 0, &len);
	cr_assert(v && len == 32 && v[0] == 0xc2 && v[31] == 0x5b);
	ikc_keys_free(l.ks);
}

/* ---------------------------------------------------------------- tcpdump */

Test(keys, tcpdump_corpus_secrets)
{
	struct ikc_keys *ks = ikc_keys_new();
	char err[512], warn[512];
	uint8_t d1[16], d2[16], key[32];
	const struct ikc_esp_key *e;

	cr_assert_eq(ikc_keys_load(ks, TCPDUMP_SECRETS, err, sizeof(err), warn, sizeof(warn)), IKC_OK, "%s", err);
	cr_assert_eq(ikc_keys_file_at(ks, 0)->format, IKC_KEYS_FMT_TCPDUMP);
	cr_assert_eq(ikc_keys_file_at(ks, 0)->counts.esp, 3);
	ip4("192.1.2.45", d1);
	ip4("192.0.1.1", d2);
	/* 0x12345678@192.1.2.45 3des-cbc-hmac96:0x43434545464649494a4a4c4c4f4f51515252545457575840 */
	e = ikc_keys_esp(ks, 4, NULL, d1, 0x12345678);
	cr_assert_not_null(e);
	cr_assert(e->src_any && !e->dst_any && e->af == 4);
	cr_assert_eq(e->enc, IKC_ESP_ENC_3DES_CBC);
	cr_assert_eq(e->auth, IKC_ESP_AUTH_ANY_96);
	hexb("43434545464649494a4a4c4c4f4f51515252545457575840", key, 24);
	cr_assert(e->enc_key_len == 24 && !memcmp(e->enc_key, key, 24));
	cr_assert_null(ikc_keys_esp(ks, 4, NULL, d2, 0x12345678));
	e = ikc_keys_esp(ks, 4, NULL, d2, 0xabcdabcd);
	hexb("434545464649494a4a4c4c4f4f5151525254545757584043", key, 24);
	cr_assert(e && e->enc_key_len == 24 && !memcmp(e->enc_key, key, 24));
	e = ikc_keys_esp(ks, 4, NULL, d1, 0xd1234567);
	hexb("aaaabbbbccccdddd4043434545464649494a4a4c4c4f4f515152525454575758", key, 32);
	cr_assert(e && e->enc == IKC_ESP_ENC_AES_CBC && e->enc_key_len == 32 && !memcmp(e->enc_key, key, 32));
	ikc_keys_free(ks);
}

Test(keys, tcpdump_forms)
{
	struct loaded l;
	struct ikc_keys_counts n;
	const struct ikc_esp_key *e;
	uint8_t d[16];

	load_text(&l, "secrets",
		  "# tcpdump -E\n"
		  "0x100@10.0.0.1 des-cbc:0x0001020304050607,305419896@10.0.0.2 aes128-cbc-hmac96:0123456789abcdef\n"
		  "ikev2 I 0x0001020304050607 0xc02e7a3031a03188 sha1:0x00 aes128:0x00\n"
		  "3des-cbc-hmac96:0x4043434545464649494a4a4c4c4f4f515152525454575758\n"
		  "0x200@2001:db8::1 none:\n"
		  "0x300@10.0.0.1 cast128-cbc:0x0001020304050607\n");
	cr_assert_eq(l.rc, IKC_OK, "%s", l.err);
	ikc_keys_get_counts(l.ks, &n);
	cr_assert_eq(n.esp, 5);
	cr_assert_eq(n.ikev2_skipped, 1);
	ip4("10.0.0.1", d);
	e = ikc_keys_esp(l.ks, 4, NULL, d, 0x100);
	cr_assert(e && e->enc == IKC_ESP_ENC_DES_CBC && e->auth == IKC_ESP_AUTH_NULL && e->enc_key_len == 8);
	ip4("10.0.0.2", d);
	e = ikc_keys_esp(l.ks, 4, NULL, d, 0x12345678);   /* decimal SPI, text secret */
	cr_assert(e && e->enc == IKC_ESP_ENC_AES_CBC && e->auth == IKC_ESP_AUTH_ANY_96);
	cr_assert(e->enc_key_len == 16 && !memcmp(e->enc_key, "0123456789abcdef", 16));
	e = ikc_keys_esp(l.ks, 4, NULL, d, 0x99);          /* the default SA */
	cr_assert(e && e->spi_any && e->enc == IKC_ESP_ENC_3DES_CBC);
	ip4("10.0.0.1", d);
	e = ikc_keys_esp(l.ks, 4, NULL, d, 0x300);
	cr_assert(e && e->enc == IKC_ESP_ENC_CAST5_CBC);
	ikc_keys_free(l.ks);

	expect_err("0x1@10.0.0.1 des-cbc:0x0011223344556677\n0x2@10.0.0.1 3des-cbc:0x00112233445566778899aabbccddeeff\n",
		   "k.txt:2: tcpdump: 3des-cbc needs a 24-byte key (got 16 bytes)", NULL);
	expect_err("0x1@10.0.0.1 des-cbc:0x0011223344556677\n0x2@10.0.0.1 rc3-cbc:SuperSecret\n",
		   "k.txt:2: tcpdump: unsupported algorithm (des-cbc, 3des-cbc, aes128-cbc, aes192-cbc, aes256-cbc, "
		   "cast128-cbc, blowfish-cbc, none; optional -hmac96)",
		   "SuperSecret");
	expect_err("0x1@10.0.0.1 des-cbc:0x0011223344556677\n0x2@nohost des-cbc:SuperSec\n",
		   "k.txt:2: tcpdump: destination must be an IPv4 or IPv6 address", "SuperSec");
	expect_err("0x1@10.0.0.1 des-cbc:0x0011223344556677\nfile /etc/passwd\n",
		   "k.txt:2: tcpdump 'file' indirection is not supported: give that file with -k", NULL);
}

/* ---------------------------------------------------------------- directories */

Test(keys, directory_load)
{
	static const uint8_t pcap[] = { 0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0 };
	struct ikc_keys *ks = ikc_keys_new();
	struct ikc_keys_counts n;
	char err[512], warn[1024], sub[600];
	const struct ikc_keys_file *f;

	puts_file("a.keys", "psk * secret\ndh 0011223344556677 01\n", NULL, 0);
	puts_file("b_esp_sa", "\"IPv4\",\"*\",\"*\",\"0x1\",\"NULL\",\"\",\"NULL\",\"\"\n", NULL, 0);
	put("c.pcap", pcap, sizeof(pcap), 0600, NULL, 0);
	puts_file("d.log", "2026-11-29 05:31:25 13[IKE] <lab|1> SKEYID => 20 bytes\n", NULL, 0);
	puts_file(".hidden", "psk * hidden\n", NULL, 0);
	snprintf(sub, sizeof(sub), "%s/subdir", tmpdir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	cr_assert_eq(ikc_keys_load(ks, tmpdir, err, sizeof(err), warn, sizeof(warn)), IKC_OK, "%s", err);
	cr_assert_str_eq(warn, "");
	ikc_keys_get_counts(ks, &n);
	cr_assert_eq(n.psk, 1);
	cr_assert_eq(n.dh, 1);
	cr_assert_eq(n.esp, 1);
	cr_assert_eq(ikc_keys_nfiles(ks), 4);
	f = ikc_keys_file_at(ks, 0);
	cr_assert_eq(f->format, IKC_KEYS_FMT_IKECAP);
	cr_assert_eq(f->counts.psk, 1);
	cr_assert_not_null(strstr(f->path, "/a.keys"));
	cr_assert_eq(ikc_keys_file_at(ks, 1)->format, IKC_KEYS_FMT_WS_ESP);
	cr_assert_eq(ikc_keys_file_at(ks, 2)->format, IKC_KEYS_FMT_UNKNOWN);   /* c.pcap */
	cr_assert_eq(ikc_keys_file_at(ks, 3)->format, IKC_KEYS_FMT_UNKNOWN);   /* d.log */
	cr_assert_null(ikc_keys_file_at(ks, 4));
	cr_assert_str_eq(ikc_keys_format_name(IKC_KEYS_FMT_WS_ESP), "Wireshark esp_sa");
	ikc_keys_free(ks);
}

Test(keys, directory_with_a_bad_key_file_fails)
{
	struct ikc_keys *ks = ikc_keys_new();
	char err[512], warn[256], want[600];

	puts_file("a.keys", "psk * secret\n", NULL, 0);
	puts_file("b.keys", "psk * secret\nikev1 00 11\n", NULL, 0);
	cr_assert_eq(ikc_keys_load(ks, tmpdir, err, sizeof(err), warn, sizeof(warn)), IKC_USAGE);
	snprintf(want, sizeof(want), "%s/b.keys:2: ikev1: initiator cookie must be 16 hex digits", tmpdir);
	cr_assert_str_eq(err, want);
	cr_assert_eq(ikc_keys_nfiles(ks), 0);
	ikc_keys_free(ks);
}

Test(keys, lab_keys_directory)
{
	struct ikc_keys *ks = ikc_keys_new();
	struct ikc_keys_counts n;
	char err[512], warn[1024];
	size_t i, unknown = 0;

	cr_assert_eq(ikc_keys_load(ks, LAB, err, sizeof(err), warn, sizeof(warn)), IKC_OK, "%s", err);
	ikc_keys_get_counts(ks, &n);
	cr_assert_eq(n.ikev1, 1);
	cr_assert_eq(n.esp, 2);
	cr_assert_eq(ikc_keys_nfiles(ks), 4);
	for (i = 0; i < 4; i++)
		unknown += ikc_keys_file_at(ks, i)->format == IKC_KEYS_FMT_UNKNOWN;
	cr_assert_eq(unknown, 2);   /* the two charon logs */
	cr_assert_not_null(strstr(warn, LAB "/esp_sa: readable by group or others; chmod 600 it"));
	cr_assert_not_null(strstr(warn, LAB "/ikev1_decryption_table: readable by group or others"));
	ikc_keys_free(ks);
}

Test(keys, null_safety)
{
	uint8_t ck[8] = { 0 };
	size_t len = 99;
	const struct ikc_psk *c[1];

	ikc_keys_free(NULL);
	cr_assert_null(ikc_keys_ikev1(NULL, ck, 0, &len));
	cr_assert_eq(ikc_keys_psk_candidates(NULL, 4, NULL, NULL, c, 1), 0);
	cr_assert_null(ikc_keys_esp(NULL, 4, NULL, NULL, 1));
	cr_assert_str_eq(ikc_esp_enc_name((enum ikc_esp_enc)99), "?");
}

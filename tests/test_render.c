/* test_render.c - the record writers (record.c) and the ISAKMP renderer (render.c).
 *
 * Expected values come from outside ikecap: JSON escaping from RFC 8259 §7 and
 * UTF-8 validity from RFC 3629 §4; field names and values from
 * `tshark -T json` on captures/lab/am-psk (MM/AM SA, QM SA, ID subnets,
 * DELETE) and `tshark -G fields`; attribute numbers from RFC 2409 App. A and
 * RFC 2407 §4.5; XAUTH numbers from draft-beaulieu-ike-xauth-02 §6.
 * JSON validity is checked by python3's json module.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decoders/isakmp.h"
#include "../dissector/record.h"
#include "../dissector/render.h"

struct cap {
	char *buf;
	size_t len;
	FILE *f;
	struct ikc_rw w;
};

static void cap_json(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	cr_assert_not_null(c->f);
	ikc_rw_json_init(&c->w, c->f);
}

static void cap_text(struct cap *c, bool color)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	cr_assert_not_null(c->f);
	ikc_rw_text_init(&c->w, c->f, 0, color);
}

static const char *cap_done(struct cap *c)
{
	fclose(c->f);
	return c->buf;
}

/* Every line must parse as JSON (python3's json module, strict). */
static int json_lines_valid(const char *s)
{
	FILE *p = popen("python3 -c 'import json,sys\n"
			"for l in sys.stdin.read().splitlines():\n"
			"    json.loads(l, strict=True)' 2>/dev/null",
			"w");
	int rc;

	if (!p)
		return 0;
	fputs(s, p);
	rc = pclose(p);
	return rc == 0;
}

/* python3 decodes line 1 and prints repr of obj[key] (for exact string checks). */
static char *json_get(const char *s, const char *pyexpr)
{
	char cmd[512];
	char tmp[] = "/tmp/ikc_render_XXXXXX";
	int fd = mkstemp(tmp);
	FILE *f, *p;
	static char out[4096];
	size_t n;

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs(s, f);
	fclose(f);
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json,sys\nd=json.loads(open(sys.argv[1]).readline())\nprint(%s, end=\"\")' %s",
		 pyexpr, tmp);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	remove(tmp);
	return out;
}

/* ------------------------------------------------------------ JSON writer */

static const char *json_of_str(const char *s, size_t n)
{
	static char out[1024];
	struct cap c;

	cap_json(&c);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_rw_str(&c.w, "k", "K", s, n);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	snprintf(out, sizeof out, "%s", cap_done(&c));
	free(c.buf);
	return out;
}

Test(rw_json, escapes_control_quote_backslash_nul)
{
	/* RFC 8259 §7: quote, backslash and U+0000..U+001F must be escaped. */
	cr_assert_str_eq(json_of_str("\x1b[31m", 5), "{\"k\":\"\\u001b[31m\"}\n");
	cr_assert_str_eq(json_of_str("a\0b", 3), "{\"k\":\"a\\u0000b\"}\n");
	cr_assert_str_eq(json_of_str("\"q\"", 3), "{\"k\":\"\\\"q\\\"\"}\n");
	cr_assert_str_eq(json_of_str("a\\b", 3), "{\"k\":\"a\\\\b\"}\n");
	cr_assert_str_eq(json_of_str("\n\t\x7f", 3), "{\"k\":\"\\u000a\\u0009\\u007f\"}\n");
}

Test(rw_json, utf8_valid_passes_invalid_becomes_backslash_x)
{
	/* U+00E9 (c3 a9), U+20AC (e2 82 ac), U+1F600 (f0 9f 98 80) are valid. */
	cr_assert_str_eq(json_of_str("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9),
			 "{\"k\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}\n");
	/* RFC 3629 §4: ff never appears; c0 80 is overlong; ed a0 80 is a
	 * surrogate; a lone continuation byte and a cut sequence are invalid. */
	cr_assert_str_eq(json_of_str("\xff", 1), "{\"k\":\"\\\\xff\"}\n");
	cr_assert_str_eq(json_of_str("\xc0\x80", 2), "{\"k\":\"\\\\xc0\\\\x80\"}\n");
	cr_assert_str_eq(json_of_str("\xed\xa0\x80", 3), "{\"k\":\"\\\\xed\\\\xa0\\\\x80\"}\n");
	cr_assert_str_eq(json_of_str("\x80z", 2), "{\"k\":\"\\\\x80z\"}\n");
	cr_assert_str_eq(json_of_str("\xe2\x82", 2), "{\"k\":\"\\\\xe2\\\\x82\"}\n");
	cr_assert_str_eq(json_of_str("\xf4\x90\x80\x80", 4), "{\"k\":\"\\\\xf4\\\\x90\\\\x80\\\\x80\"}\n");
}

Test(rw_json, every_byte_value_gives_valid_json)
{
	char all[256];
	const char *out;

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	out = json_of_str(all, sizeof all);
	cr_assert(json_lines_valid(out), "%s", out);
	/* the decoded string is 0x00..0x7f then 128 visible \xNN escapes */
	cr_assert_str_eq(json_get(out, "len(d[\"k\"])"), "640");
}

/* RFC 8259 §7 for one byte that is not part of a UTF-8 sequence, written
 * here byte by byte: the writer checks eight bytes at a time, so every byte
 * value is tried at every lane of a word and in the tail. */
static size_t ref_escape_byte(unsigned char b, char *o)
{
	if (b == '"' || b == '\\')
		return (size_t)sprintf(o, "\\%c", b);
	if (b < 0x20 || b == 0x7f)
		return (size_t)sprintf(o, "\\u%04x", b);
	if (b >= 0x80)
		return (size_t)sprintf(o, "\\\\x%02x", b);
	o[0] = (char)b;
	return 1;
}

Test(rw_json, every_byte_at_every_position)
{
	char in[24], want[256];

	for (int b = 0; b < 256; b++) {
		for (size_t len = 1; len <= sizeof in; len++) {
			for (size_t at = 0; at < len; at++) {
				size_t o = (size_t)sprintf(want, "{\"k\":\"");

				memset(in, 'a', len);
				in[at] = (char)b;
				for (size_t i = 0; i < len; i++)
					o += ref_escape_byte((unsigned char)in[i], want + o);
				sprintf(want + o, "\"}\n");
				cr_assert_str_eq(json_of_str(in, len), want, "byte %02x at %zu of %zu", b, at, len);
			}
		}
	}
}

Test(rw_json, records_longer_than_the_buffer)
{
	/* A string past the one-pass limit, and a record of many fields that
	 * fills the writer's buffer several times: nothing lost or reordered. */
	static char big[40000];
	struct cap c;
	size_t n = 0;
	const char *out;

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	big[30000] = '"';
	cap_json(&c);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_rw_str(&c.w, "big", NULL, big, sizeof big);
	for (unsigned i = 0; i < 3000; i++)
		ikc_rw_uint(&c.w, "field.number", NULL, i, IKC_RW_DEC, NULL);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	cr_assert(json_lines_valid(out));
	cr_assert_str_eq(json_get(out, "len(d[\"big\"])"), "40000");
	cr_assert_str_eq(json_get(out, "d[\"big\"][29999:30002]"), "v\"x"); /* 29999 % 26 = 21 */
	for (const char *p = out; (p = strstr(p, "\"field.number\":")); p++)
		n++;
	cr_assert_eq(n, 3000);
	cr_assert(strstr(out, "\"field.number\":2999}\n"));
	free(c.buf);
}

Test(rw_json, nested_record_types_and_keys_in_arrays)
{
	struct cap c;
	const uint8_t b[] = { 0xde, 0xad, 0x00, 0x0f };
	const char *out;

	cap_json(&c);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_rw_uint(&c.w, "n", "N", 18446744073709551615ull, IKC_RW_HEX, "name");
	ikc_rw_bytes(&c.w, "b", "B", b, sizeof b);
	ikc_rw_bool(&c.w, "t", "T", true);
	ikc_rw_begin_array(&c.w, "arr", "Arr");
	ikc_rw_uint(&c.w, "ignored", "I", 1, IKC_RW_DEC, NULL);
	ikc_rw_begin_map(&c.w, "ignored2", "M");
	ikc_rw_bool(&c.w, "f", "F", false);
	ikc_rw_end_map(&c.w);
	ikc_rw_begin_array(&c.w, NULL, NULL);
	ikc_rw_end_array(&c.w);
	ikc_rw_end_array(&c.w);
	ikc_rw_begin_map(&c.w, "empty", NULL);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	/* a second record on its own line */
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_rw_cstr(&c.w, "s", "S", "x");
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	cr_assert_str_eq(out, "{\"n\":18446744073709551615,\"b\":\"dead000f\",\"t\":true,"
			      "\"arr\":[1,{\"f\":false},[]],\"empty\":{}}\n{\"s\":\"x\"}\n");
	cr_assert(json_lines_valid(out));
	free(c.buf);
}

Test(rw_json, depth_overflow_keeps_balance)
{
	struct cap c;
	const char *out;

	cap_json(&c);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	for (int i = 0; i < 100; i++)
		ikc_rw_begin_map(&c.w, "m", NULL);
	ikc_rw_uint(&c.w, "deep", NULL, 1, IKC_RW_DEC, NULL);
	ikc_rw_bytes(&c.w, "deepb", NULL, (const uint8_t *)"x", 1);
	for (int i = 0; i < 100; i++)
		ikc_rw_end_map(&c.w);
	ikc_rw_uint(&c.w, "after", NULL, 2, IKC_RW_DEC, NULL);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_map(&c.w); /* one end too many: ignored */
	ikc_rw_end_record(&c.w);
	/* a record left open is closed at end_record */
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_rw_begin_array(&c.w, "a", NULL);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	cr_assert(json_lines_valid(out), "%s", out);
	cr_assert_null(strstr(out, "deep"));
	cr_assert_not_null(strstr(out, "\"after\":2}"));
	cr_assert_not_null(strstr(out, "\n{\"a\":[]}\n"));
	free(c.buf);
}

/* ------------------------------------------------------------ text writer */

Test(rw_text, escape_text_contract)
{
	char out[16];
	size_t n;

	n = ikc_escape_text((const uint8_t *)"a\\b\x1b", 4, out, sizeof out);
	cr_assert_str_eq(out, "a\\\\b\\x1b");
	cr_assert_eq(n, 8);
	/* never splits an escape; always terminated */
	n = ikc_escape_text((const uint8_t *)"ab\x01", 3, out, 5);
	cr_assert_str_eq(out, "ab");
	cr_assert_eq(n, 2);
	n = ikc_escape_text((const uint8_t *)"abc", 3, out, 1);
	cr_assert_str_eq(out, "");
	cr_assert_eq(n, 0);
	cr_assert_eq(ikc_escape_text((const uint8_t *)"x", 1, out, 0), 0);
}

Test(rw_text, no_control_byte_reaches_output)
{
	struct cap c;
	char all[256];
	const char *out;
	uint8_t vid[3] = { 0x1b, 0x9b, 0x07 };

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	cap_text(&c, false);
	ikc_rw_begin_map(&c.w, NULL, "Top");
	ikc_rw_str(&c.w, "s", "Str", all, sizeof all);
	ikc_rw_uint(&c.w, "u", "Num", 1, IKC_RW_DEC, "evil\x1b]0;title\x07");
	ikc_rw_str(&c.w, "s2", "lab\x1b[2J", "v", 1);
	ikc_rw_bytes(&c.w, "b", "Bytes", vid, 3);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	for (size_t i = 0; i < c.len; i++) {
		unsigned char ch = (unsigned char)out[i];

		cr_assert(ch == '\n' || (ch >= 0x20 && ch < 0x7f), "byte 0x%02x at %zu", ch, i);
	}
	cr_assert_not_null(strstr(out, "\\x1b\\x1c"));
	cr_assert_not_null(strstr(out, "\\x7f\\x80"));
	free(c.buf);
}

/* The terminal escape, written here byte by byte: printable ASCII stays,
 * a backslash doubles, every other byte is \xNN.  The writer checks labels
 * and strings eight bytes at a time, so each byte value is put at every lane
 * of a word and in the short tail. */
static size_t ref_text_byte(unsigned char b, char *o)
{
	if (b == '\\')
		return (size_t)sprintf(o, "\\\\");
	if (b < 0x20 || b >= 0x7f)
		return (size_t)sprintf(o, "\\x%02x", b);
	o[0] = (char)b;
	return 1;
}

Test(rw_text, every_byte_at_every_position_of_labels_and_values)
{
	char in[24], esc[24 * 4 + 1], want[256];

	for (int b = 1; b < 256; b++) { /* labels are C strings: no NUL */
		for (size_t len = 1; len <= sizeof in; len++) {
			for (size_t at = 0; at < len; at++) {
				struct cap c;
				size_t o = 0;
				char lab[sizeof in + 1];

				memset(in, 'a', len);
				in[at] = (char)b;
				for (size_t i = 0; i < len; i++)
					o += ref_text_byte((unsigned char)in[i], esc + o);
				esc[o] = '\0';
				memcpy(lab, in, len);
				lab[len] = '\0';
				cap_text(&c, false);
				ikc_rw_str(&c.w, "k", lab, in, len);
				ikc_rw_end_record(&c.w);
				snprintf(want, sizeof want, "%s: %s\n", esc, esc);
				cr_assert_str_eq(cap_done(&c), want, "byte %02x at %zu of %zu", b, at, len);
				free(c.buf);
			}
		}
	}
}

Test(rw_text, layout_values_and_folding)
{
	struct cap c;
	uint8_t b40[40];
	const char *out;

	for (int i = 0; i < 40; i++)
		b40[i] = (uint8_t)i;
	cap_text(&c, false);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_rw_uint(&c.w, "k", "Exchange type", 2, IKC_RW_DEC, "Main Mode");
	ikc_rw_uint(&c.w, "k", "Flags", 0x1f, IKC_RW_HEX, NULL);
	ikc_rw_bool(&c.w, "k", "Encrypted", true);
	ikc_rw_begin_array(&c.w, "a", "Items");
	ikc_rw_cstr(&c.w, NULL, NULL, "one");
	ikc_rw_end_array(&c.w);
	ikc_rw_bytes(&c.w, "b", "Data", b40, sizeof b40);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	cr_assert_str_eq(out, "Exchange type: Main Mode (2)\n"
			      "Flags: 0x1f\n"
			      "Encrypted: yes\n"
			      "Items\n"
			      "  - one\n"
			      "Data: (40 bytes)\n"
			      "  000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
			      "  2021222324252627\n");
	free(c.buf);
}

Test(rw_text, color_only_when_asked_and_depth_overflow)
{
	struct cap c;
	const char *out;

	cap_text(&c, true);
	for (int i = 0; i < 80; i++)
		ikc_rw_begin_map(&c.w, NULL, "L");
	ikc_rw_uint(&c.w, "k", "Deep", 1, IKC_RW_DEC, NULL);
	for (int i = 0; i < 80; i++)
		ikc_rw_end_map(&c.w);
	ikc_rw_uint(&c.w, "k", "Top", 1, IKC_RW_DEC, "one");
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	cr_assert_null(strstr(out, "Deep"));
	cr_assert_not_null(strstr(out, "\033[2mTop:\033[0m \033[1mone\033[0m (1)\n"));
	free(c.buf);

	cap_text(&c, false);
	ikc_rw_uint(&c.w, "k", "Top", 1, IKC_RW_DEC, "one");
	out = cap_done(&c);
	cr_assert_null(strchr(out, '\033'));
	free(c.buf);
}

/* ------------------------------------------------------------ renderer */

static struct ikc_attr tv(uint16_t type, uint16_t v)
{
	struct ikc_attr a = { .type = type, .tv = true, .value = v, .has_value = true };
	return a;
}

static struct ikc_attr tlv(uint16_t type, const void *data, uint16_t len)
{
	struct ikc_attr a = { .type = type, .tv = false, .data = data, .len = len };

	if (len >= 1 && len <= 4) {
		const uint8_t *d = data;

		a.has_value = true;
		for (uint16_t i = 0; i < len; i++)
			a.value = a.value << 8 | d[i];
	}
	return a;
}

static const char *render_json(const struct ikc_payload *pl, size_t n, uint32_t doi, bool secrets)
{
	static char out[16384];
	struct cap c;
	struct ikc_decode_ctx ctx = { .doi = doi };
	struct ikc_render_opts o = { .show_secrets = secrets };

	cap_json(&c);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_render_payloads(&c.w, pl, n, &ctx, &o);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	snprintf(out, sizeof out, "%s", cap_done(&c));
	free(c.buf);
	cr_assert(json_lines_valid(out), "%s", out);
	return out;
}

/* A life duration TLV that declares 8 bytes but runs past its transform
 * (ATTR_TRUNCATED, 2 bytes present) is no lifetime: the summary once read
 * its declared length from a 2-byte tail (the fuzzer's heap overflow in
 * be_uint).  The tail is its own allocation so ASan sees any over-read. */
Test(render, truncated_life_attribute_is_not_read)
{
	uint8_t *tail = calloc(1, 2);
	struct ikc_attr attrs[3] = { tv(1, 7), tv(11, 1), { .type = 12, .data = tail, .len = 8 } };
	struct ikc_transform t = { .number = 1, .id = 1, .space = IKC_ATTRS_IKE, .attrs = attrs, .nattrs = 3 };
	char sum[128];

	cr_assert_not_null(tail);
	tail[1] = 0x01;
	attrs[2].notes = IKC_NOTE(ATTR_TRUNCATED);
	ikc_transform_summary(&t, 1, sum, sizeof sum);
	cr_assert_str_eq(sum, "AES-CBC");
	attrs[2].notes = 0; /* whole, 2 bytes: a lifetime of 1 s */
	attrs[2].len = 2;
	ikc_transform_summary(&t, 1, sum, sizeof sum);
	cr_assert_str_eq(sum, "AES-CBC, lifetime 1 s");
	free(tail);
}

/* The phase 1 proposal strongSwan sends in captures/lab/am-psk (tshark):
 * AES-CBC (7), key length 128, SHA (2), group 2, PSK (1), seconds, 86400. */
Test(render, phase1_sa_fields_and_summary)
{
	static const uint8_t life[4] = { 0x00, 0x01, 0x51, 0x80 }; /* 86400 */
	struct ikc_attr attrs[7] = { tv(1, 7), tv(14, 128), tv(2, 2), tv(4, 2), tv(3, 1), tv(11, 1),
				     tlv(12, life, 4) };
	struct ikc_transform t = { .length = 40, .number = 1, .id = 1, .space = IKC_ATTRS_IKE, .attrs = attrs,
				   .nattrs = 7 };
	struct ikc_proposal p = { .length = 48, .number = 1, .protoid = 1, .ntransforms = 1, .transforms = &t,
				  .ntr = 1 };
	struct ikc_payload pl = { .type = IKC_PT_SA, .next = IKC_PT_KE, .length = 60 };
	const char *out;
	char sum[128];

	pl.u.sa = (struct ikc_sa){ .doi = 1, .situation = 1, .has_situation = true, .proposals = &p, .nprop = 1 };
	ikc_transform_summary(&t, 1, sum, sizeof sum);
	cr_assert_str_eq(sum, "AES-CBC-128, SHA1, modp1024 (group 2), pre-shared key, lifetime 86400 s");

	out = render_json(&pl, 1, 1, false);
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.typepayload\"]"), "1");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.nextpayload\"]"), "4");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.payloadlength\"]"), "60");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.sa.doi\"]"), "1");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.sa.situation\"]"), "00000001");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.sa.situation.identity_only\"]"), "True");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.prop\"][0][\"isakmp.prop.protoid\"]"), "1");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.prop\"][0][\"isakmp.prop.transforms\"]"),
			 "1");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.prop\"][0][\"isakmp.trans\"][0]"
				       "[\"isakmp.trans.id\"]"),
			 "1");
	cr_assert_str_eq(json_get(out, "d[\"isakmp.payloads\"][0][\"isakmp.prop\"][0][\"isakmp.trans\"][0]"
				       "[\"ikecap.summary\"]"),
			 "AES-CBC-128, SHA1, modp1024 (group 2), pre-shared key, lifetime 86400 s");
	/* attributes in wire order with tshark's typed value fields */
	cr_assert_str_eq(json_get(out, "[(a[\"isakmp.ike.attr.type\"], [v for k, v in a.items() if k not in "
				       "(\"isakmp.ike.attr.type\",\"isakmp.ike.attr.format\",\"isakmp.ike.attr.length\")]) "
				       "for a in d[\"isakmp.payloads\"][0][\"isakmp.prop\"][0][\"isakmp.trans\"][0]"
				       "[\"isakmp.attrs\"]]"),
			 "[(1, [7]), (14, [128]), (2, [2]), (4, [2]), (3, [1]), (11, [1]), (12, [86400])]");
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.encryption_algorithm\":7"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.key_length\":128"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.hash_algorithm\":2"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.group_description\":2"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.authentication_method\":1"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.life_type\":1"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.life_duration\":86400"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.attr.format\":false,\"isakmp.ike.attr.length\":4"));
}

/* captures/lab/am-psk QM: ESP (3), AES-CBC (12), key length 128, HMAC-SHA1 (2),
 * encap 3 (UDP tunnel), seconds, 3600 (tshark). */
Test(render, phase2_summary_and_ipsec_fields)
{
	static const uint8_t spi[4] = { 0x60, 0xe0, 0x34, 0x42 };
	struct ikc_attr attrs[6] = { tv(6, 128), tv(5, 2), tv(4, 1), tv(3, 14), tv(1, 1), tv(2, 3600) };
	struct ikc_transform t = { .number = 1, .id = 12, .space = IKC_ATTRS_IPSEC, .attrs = attrs, .nattrs = 6 };
	struct ikc_proposal p = { .number = 1, .protoid = 3, .spisize = 4, .spi = spi, .ntransforms = 1,
				  .transforms = &t, .ntr = 1 };
	struct ikc_payload pl = { .type = IKC_PT_SA };
	char sum[128];
	const char *out;

	ikc_transform_summary(&t, 3, sum, sizeof sum);
	cr_assert_str_eq(sum, "ESP AES-CBC-128, HMAC-SHA1, tunnel, PFS modp2048 (group 14), lifetime 3600 s");
	attrs[2] = tv(4, 3);
	t.nattrs = 3; /* no group: no PFS */
	ikc_transform_summary(&t, 3, sum, sizeof sum);
	cr_assert_str_eq(sum, "ESP AES-CBC-128, HMAC-SHA1, UDP tunnel, no PFS");
	/* truncation stays terminated */
	cr_assert_eq(ikc_transform_summary(&t, 3, sum, 8), 7);
	cr_assert_str_eq(sum, "ESP AES");

	t.nattrs = 6;
	pl.u.sa = (struct ikc_sa){ .doi = 1, .proposals = &p, .nprop = 1 };
	out = render_json(&pl, 1, 1, false);
	cr_assert_not_null(strstr(out, "\"isakmp.spi\":\"60e03442\""));
	cr_assert_not_null(strstr(out, "\"isakmp.ipsec.attr.key_length\":128"));
	cr_assert_not_null(strstr(out, "\"isakmp.ipsec.attr.auth_algorithm\":2"));
	cr_assert_not_null(strstr(out, "\"isakmp.ipsec.attr.encap_mode\":3"));
	cr_assert_not_null(strstr(out, "\"isakmp.ipsec.attr.life_duration\":3600"));
	cr_assert_not_null(strstr(out, "\"isakmp.ipsec.attr.group_description\":14"));
}

Test(render, xauth_password_masked_unless_asked)
{
	static const char user[] = "alice", pass[] = "s3cret";
	struct ikc_attr attrs[4] = { tv(16520, 0), tlv(16521, user, 5), tlv(16522, pass, 6), tlv(16522, "", 0) };
	struct ikc_payload pl = { .type = IKC_PT_ATTR };
	const char *out;

	pl.u.attr = (struct ikc_modecfg){ .type = 2, .identifier = 0x1234, .attrs = attrs, .nattrs = 4 };
	out = render_json(&pl, 1, 1, false);
	cr_assert_null(strstr(out, "s3cret"), "%s", out);
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.xauth.user_password\":\"********\""));
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.xauth.user_password\":\"\""));
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.xauth.user_name\":\"alice\""));
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.type\":2,\"isakmp.cfg.identifier\":4660"));
	out = render_json(&pl, 1, 1, true);
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.xauth.user_password\":\"s3cret\""));
}

Test(render, modecfg_addresses)
{
	static const uint8_t a4[4] = { 10, 9, 8, 7 }, sub[8] = { 10, 1, 0, 0, 255, 255, 0, 0 };
	static const uint8_t bad[3] = { 1, 2, 3 };
	struct ikc_attr attrs[4] = { tlv(1, a4, 4), tlv(13, sub, 8), tlv(3, bad, 3), tlv(1, NULL, 0) };
	struct ikc_payload pl = { .type = IKC_PT_ATTR };
	const char *out;

	pl.u.attr = (struct ikc_modecfg){ .type = 1, .attrs = attrs, .nattrs = 4 };
	out = render_json(&pl, 1, 1, false);
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.internal_ip4_address\":\"10.9.8.7\""));
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.internal_ip4_subnet_ip\":\"10.1.0.0\""));
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.internal_ip4_subnet_netmask\":\"255.255.0.0\""));
	cr_assert_not_null(strstr(out, "\"isakmp.cfg.attr.value\":\"010203\""));
}

static const char *id_json(uint8_t type, const void *data, size_t len)
{
	struct ikc_payload pl = { .type = IKC_PT_ID, .body = data, .body_len = len };

	pl.u.id = (struct ikc_id){ .type = type, .protoid = 17, .port = 500, .data = data, .len = len };
	return render_json(&pl, 1, 1, false);
}

Test(render, id_every_type)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t sub4[8] = { 10, 1, 0, 0, 255, 255, 255, 0 };
	static const uint8_t odd4[8] = { 10, 1, 0, 0, 255, 0, 255, 0 };
	static const uint8_t rng4[8] = { 10, 0, 0, 1, 10, 0, 0, 9 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t sub6[32] = { 0x20, 0x01, 0x0d, 0xb8, [16] = 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t rng6[32] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1, [16] = 0x20, 0x01, 0x0d, 0xb8, [31] = 2 };
	static const uint8_t dn[4] = { 0x30, 0x02, 0x31, 0x00 };
	static const uint8_t keyid[3] = { 0xca, 0xfe, 0x01 };
	const char *out;

	out = id_json(1, v4, 4);
	cr_assert_not_null(strstr(out, "\"isakmp.id.type\":1,\"isakmp.id.protoid\":17,\"isakmp.id.port\":500"));
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.ipv4_addr\":\"192.0.2.1\""));
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"192.0.2.1\""));
	out = id_json(2, "initiator.lab.example", 21);
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.fqdn\":\"initiator.lab.example\""));
	out = id_json(3, "bob@ex\x1b", 7);
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.user_fqdn\":\"bob@ex\\u001b\""));
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"bob@ex\\\\x1b\"")); /* terminal-safe text */
	/* am-psk QM IDs per tshark: ipv4_addr 10.1.0.0, ipv4_subnet 255.255.255.0 */
	out = id_json(4, sub4, 8);
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.ipv4_addr\":\"10.1.0.0\""));
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.ipv4_subnet\":\"255.255.255.0\""));
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"10.1.0.0/24\""));
	out = id_json(4, odd4, 8);
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"10.1.0.0/255.0.255.0\""));
	out = id_json(5, v6, 16);
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.ipv6_addr\":\"2001:db8::1\""));
	out = id_json(6, sub6, 32);
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.ipv6_subnet\":\"ffff:ffff:ffff:ffff::\""));
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"2001:db8::/64\""));
	out = id_json(7, rng4, 8);
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.ipv4_range_start\":\"10.0.0.1\""));
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.ipv4_range_end\":\"10.0.0.9\""));
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"10.0.0.1 - 10.0.0.9\""));
	out = id_json(8, rng6, 32);
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"2001:db8::1 - 2001:db8::2\""));
	out = id_json(9, dn, 4);
	cr_assert_not_null(strstr(out, "\"ikecap.id.der_asn1_dn\":\"30023100\""));
	out = id_json(11, keyid, 3);
	cr_assert_not_null(strstr(out, "\"isakmp.id.data.key_id\":\"cafe01\""));
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"cafe01\""));
	/* hostile: lengths that do not fit the type */
	out = id_json(1, v4, 3);
	cr_assert_null(strstr(out, "ipv4_addr"));
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"(bad length 3)\""));
	out = id_json(6, sub6, 31);
	cr_assert_null(strstr(out, "ipv6_addr"));
	out = id_json(4, sub4, 0);
	cr_assert_not_null(strstr(out, "\"ikecap.id\":\"(bad length 0)\""));
}

Test(render, id_pointer_outside_body_is_not_read)
{
	static const uint8_t body[4] = { 1, 2, 3, 4 }, other[8] = { 10, 1, 0, 0, 255, 255, 255, 0 };
	struct ikc_payload pl = { .type = IKC_PT_ID, .body = body, .body_len = 4 };
	const char *out;

	pl.u.id = (struct ikc_id){ .type = 4, .data = other, .len = 8 };
	out = render_json(&pl, 1, 1, false);
	cr_assert_null(strstr(out, "ikecap.id\""));
	pl.u.id = (struct ikc_id){ .type = 1, .data = body + 2, .len = 4 }; /* runs past the body */
	out = render_json(&pl, 1, 1, false);
	cr_assert_null(strstr(out, "ipv4_addr"));
}

Test(render, notes_array_and_hex)
{
	static const uint8_t body[2] = { 0xab, 0xcd };
	struct ikc_payload pl = { .type = IKC_PT_HASH, .length = 6, .body = body, .body_len = 2,
				  .notes = IKC_NOTE(TRUNCATED) | IKC_NOTE(EXTRA_DATA) };
	struct cap c;
	struct ikc_decode_ctx ctx = { .doi = 1 };
	struct ikc_render_opts o = { .hex = true };
	const char *out;

	pl.u.hash = (struct ikc_blob){ body, 2 };
	cap_json(&c);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_render_payloads(&c.w, &pl, 1, &ctx, &o);
	ikc_render_notes(&c.w, 0); /* nothing */
	ikc_render_notes(&c.w, IKC_NOTE(TRAILING_DATA));
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	cr_assert(json_lines_valid(out));
	/* note names are the stable ones declared in decoders/isakmp.h */
	cr_assert_not_null(strstr(out, "\"isakmp.hash\":\"abcd\",\"ikecap.payload_bytes\":\"abcd\","
				       "\"ikecap.notes\":[\"truncated\",\"payload_extra_data\"]}"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "],\"ikecap.notes\":[\"trailing_data\"]}"));
	free(c.buf);
}

Test(render, header_fields)
{
	struct ikc_isakmp_hdr h = { .icookie = { 0xf3, 0xea, 0x2a, 0xd3, 0xfc, 0x64, 0x76, 0x2f },
				    .next = 8, .version = 0x10, .exchange = 32, .flags = 0x01,
				    .msgid = 0x4a3fb6ef, .length = 188 };
	struct cap c;
	const char *out;

	cap_json(&c);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_render_isakmp_hdr(&c.w, &h, 1);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	/* am-psk frame 6 per tshark: ispi f3:ea:..., version 0x10, exchangetype 32,
	 * flags 0x01 (E), messageid 0x4a3fb6ef, length 188 */
	cr_assert_str_eq(out, "{\"isakmp.ispi\":\"f3ea2ad3fc64762f\",\"isakmp.rspi\":\"0000000000000000\","
			      "\"isakmp.nextpayload\":8,\"isakmp.version\":16,\"isakmp.exchangetype\":32,"
			      "\"isakmp.flags\":1,\"isakmp.flag_e\":true,\"isakmp.flag_c\":false,"
			      "\"isakmp.flag_a\":false,\"isakmp.messageid\":1245689583,\"isakmp.length\":188}\n");
	free(c.buf);
}

Test(render, notify_delete_natd_vid)
{
	static const uint8_t spi[16] = { 0xd8, 0x6c, 0xb3, 0x6d, 0x8e, 0xb7, 0xa4, 0x37,
					 0x80, 0xf0, 0xd3, 0x4f, 0x28, 0x99, 0x9f, 0x2e };
	static const uint8_t seq[4] = { 0, 0, 0x12, 0x34 };
	static const uint8_t dspis[8] = { 0x60, 0xe0, 0x34, 0x42, 0x3f, 0x17, 0xa5, 0x59 };
	static const uint8_t hash[4] = { 1, 2, 3, 4 };
	struct ikc_payload pl[5] = { { .type = IKC_PT_NOTIFY }, { .type = IKC_PT_NOTIFY }, { .type = IKC_PT_DELETE },
				     { .type = IKC_PT_NATD }, { .type = IKC_PT_DELETE } };
	const char *out;

	/* fail-no-proposal per tshark: doi 1, protoid 1, spisize 16, msgtype 14 */
	pl[0].u.notify = (struct ikc_notify){ .doi = 1, .protoid = 1, .spisize = 16, .type = 14, .spi = spi };
	pl[1].u.notify = (struct ikc_notify){ .doi = 1, .protoid = 1, .type = 36136, .data = seq, .len = 4 };
	pl[2].u.del = (struct ikc_delete){ .doi = 1, .protoid = 3, .spisize = 4, .nspi = 2, .spis = dspis };
	pl[3].u.natd = (struct ikc_blob){ hash, 4 };
	/* hostile: 60000 SPIs of 16 bytes declared over an 8-byte body */
	pl[4].body = dspis;
	pl[4].body_len = 8;
	pl[4].u.del = (struct ikc_delete){ .doi = 1, .protoid = 3, .spisize = 16, .nspi = 60000, .spis = dspis };
	out = render_json(pl, 5, 1, false);
	cr_assert_not_null(strstr(out, "\"isakmp.notify.doi\":1,\"isakmp.notify.protoid\":1,\"isakmp.spisize\":16,"
				       "\"isakmp.notify.msgtype\":14,\"isakmp.spi\":\"d86cb36d8eb7a43780f0d34f28999f2e\","
				       "\"isakmp.notify.data\":\"\""));
	cr_assert_not_null(strstr(out, "\"isakmp.notify.data.dpd.are_you_there\":4660"));
	cr_assert_not_null(strstr(out, "\"isakmp.delete.doi\":1,\"isakmp.delete.protoid\":3,\"isakmp.spisize\":4,"
				       "\"isakmp.spinum\":2,\"isakmp.delete.spi\":[\"60e03442\",\"3f17a559\"]"));
	cr_assert_not_null(strstr(out, "\"isakmp.ike.nat_hash\":\"01020304\""));
	cr_assert_not_null(strstr(out, "\"isakmp.spinum\":60000}"));
}

Test(render, hostile_model_and_unknown_payloads)
{
	struct ikc_payload pl[4] = { { .type = IKC_PT_SA }, { .type = 200, .body = (const uint8_t *)"zz", .body_len = 2 },
				     { .type = IKC_PT_SAK, .body = (const uint8_t *)"q", .body_len = 1 },
				     { .type = IKC_PT_SEQ } };
	const char *out;

	pl[0].u.sa = (struct ikc_sa){ .doi = 1, .proposals = NULL, .nprop = 5 };
	pl[3].u.seq.seq = 7;
	out = render_json(pl, 4, 1, false);
	cr_assert_null(strstr(out, "isakmp.prop\""));
	cr_assert_not_null(strstr(out, "\"isakmp.datapayload\":\"7a7a\""));
	/* 15..19 are GDOI only under DOI 2: shown as bytes under DOI 1 */
	cr_assert_not_null(strstr(out, "\"isakmp.datapayload\":\"71\""));
	cr_assert_null(strstr(out, "isakmp.seq.seq"));
	out = render_json(&pl[3], 1, 2, false);
	cr_assert_not_null(strstr(out, "\"isakmp.seq.seq\":7"));
	out = render_json(NULL, 3, 1, false);
	cr_assert_not_null(strstr(out, "\"isakmp.payloads\":[]"));
}

Test(render, gdoi_kd_keys_masked)
{
	static const uint8_t key[16] = { 0x11, 0x22 };
	static const uint8_t kspi[4] = { 1, 2, 3, 4 };
	struct ikc_attr attrs[1] = { tlv(1, key, 16) };
	struct ikc_kd_packet kp = { .kd_type = 1, .spisize = 4, .spi = kspi, .attrs = attrs, .nattrs = 1 };
	struct ikc_payload pl = { .type = IKC_PT_KD };
	const char *out;

	pl.u.kd = (struct ikc_kd){ .npackets = 1, .packets = &kp, .nkp = 1 };
	out = render_json(&pl, 1, 2, false);
	cr_assert_not_null(strstr(out, "\"isakmp.kd.num_pkt\":1"));
	cr_assert_not_null(strstr(out, "\"isakmp.kd.payload.spi\":\"01020304\""));
	cr_assert_null(strstr(out, "1122"));
	cr_assert_not_null(strstr(out, "\"ikecap.gdoi.kd.attr.tek_algorithm_key\":\"********\""));
	out = render_json(&pl, 1, 2, true);
	cr_assert_not_null(strstr(out, "\"ikecap.gdoi.kd.attr.tek_algorithm_key\":\"11220000"));
}

Test(render, text_tree_of_sa)
{
	struct ikc_attr attrs[2] = { tv(1, 7), tv(14, 256) };
	struct ikc_transform t = { .number = 1, .id = 1, .space = IKC_ATTRS_IKE, .attrs = attrs, .nattrs = 2 };
	struct ikc_proposal p = { .number = 1, .protoid = 1, .ntransforms = 1, .transforms = &t, .ntr = 1 };
	struct ikc_payload pl = { .type = IKC_PT_SA, .length = 40 };
	struct ikc_decode_ctx ctx = { .doi = 1 };
	struct ikc_render_opts o = { 0 };
	struct cap c;
	const char *out;

	pl.u.sa = (struct ikc_sa){ .doi = 1, .proposals = &p, .nprop = 1 };
	cap_text(&c, false);
	ikc_rw_begin_map(&c.w, NULL, NULL);
	ikc_render_payloads(&c.w, &pl, 1, &ctx, &o);
	ikc_rw_end_map(&c.w);
	ikc_rw_end_record(&c.w);
	out = cap_done(&c);
	cr_assert_not_null(strstr(out, "Payloads\n"), "%s", out);
	cr_assert_not_null(strstr(out, "\n    Proposals\n      Proposal 1\n"), "%s", out);
	cr_assert_not_null(strstr(out, "          Summary: AES-CBC-256\n"), "%s", out);
	cr_assert_not_null(strstr(out, "              Key length: 256\n"), "%s", out);
	free(c.buf);
}

/* RFC 6407 §5.2: a GDOI SA carries SA TEK payloads in a nested chain, and an
 * SA with DOI 2 makes the rest of the chain GDOI (SEQ 18 after it). */
Test(render, gdoi_sa_nested_chain_and_doi_switch)
{
	static const uint8_t src[8] = { 10, 1, 0, 0, 255, 255, 255, 0 }, dst[8] = { 10, 2, 0, 0, 255, 255, 255, 0 };
	struct ikc_attr attrs[1] = { tv(1, 1) };
	struct ikc_payload tek = { .type = IKC_PT_SAT, .length = 40 };
	struct ikc_payload pl[2] = { { .type = IKC_PT_SA, .next = IKC_PT_SEQ }, { .type = IKC_PT_SEQ } };
	const char *out;

	tek.u.sat = (struct ikc_sat){ .protocol = 1, .ip_protocol = 17, .src_id_type = 4, .src_id = src,
				      .src_id_len = 8, .dst_id_type = 4, .dst_id = dst, .dst_id_len = 8,
				      .transform_id = 12, .spi = 0x11223344, .attrs = attrs, .nattrs = 1 };
	pl[0].u.sa = (struct ikc_sa){ .doi = 2, .situation = 0, .has_situation = true, .sa_attr_next = IKC_PT_SAT,
				      .gdoi = &tek, .ngdoi = 1 };
	pl[1].u.seq.seq = 9;
	out = render_json(pl, 2, 1, false);
	cr_assert_not_null(strstr(out, "\"isakmp.sa.next_attribute_payload\":16,\"isakmp.payloads\":[{"), "%s", out);
	cr_assert_not_null(strstr(out, "\"isakmp.sat.protocol_id\":1,\"isakmp.sat.protocol\":17"));
	cr_assert_not_null(strstr(out, "\"ikecap.sat.src_id\":\"10.1.0.0/24\""));
	cr_assert_not_null(strstr(out, "\"ikecap.sat.dst_id\":\"10.2.0.0/24\""));
	cr_assert_not_null(strstr(out, "\"isakmp.sat.spi\":\"11223344\""));
	cr_assert_not_null(strstr(out, "\"isakmp.ipsec.attr.life_type\":1"));
	cr_assert_not_null(strstr(out, "\"isakmp.seq.seq\":9"));
}

/* A payload whose length ran past the message was kept raw by the decoder:
 * its union holds only the bytes, so no typed field may be read from it. */
Test(render, undecoded_payload_shown_as_bytes)
{
	static const uint8_t body[3] = { 0, 0, 1 };
	struct ikc_payload pl = { .type = IKC_PT_NOTIFY, .length = 400, .body = body, .body_len = 3,
				  .notes = IKC_NOTE(LENGTH_PAST_END) };
	const char *out;

	pl.u.raw = (struct ikc_blob){ body, 3 };
	out = render_json(&pl, 1, 1, false);
	cr_assert_null(strstr(out, "isakmp.notify"));
	cr_assert_not_null(strstr(out, "\"isakmp.datapayload\":\"000001\""));
	cr_assert_not_null(strstr(out, "\"ikecap.notes\":[\"payload_length_past_end\"]"));
}

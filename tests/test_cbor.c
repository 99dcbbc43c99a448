/* test_cbor.c - the CBOR record writer (dissector/record_cbor.c): exact
 * deterministic bytes for small records (worked out by hand from RFC 8949
 * §3: major types and shortest heads), and a libcbor decode of a nested one. */
#include <cbor.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../dissector/record.h"

static size_t encode(void (*fill)(struct ikc_rw *), uint8_t *out, size_t cap)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ikc_rw w;

	cr_assert(f);
	cr_assert_eq(ikc_rw_cbor_init(&w, f), 0);
	fill(&w);
	ikc_rw_cbor_free(&w);
	fclose(f);
	cr_assert_leq(len, cap);
	memcpy(out, buf, len);
	free(buf);
	return len;
}

static void small(struct ikc_rw *w)
{
	ikc_rw_begin_map(w, NULL, NULL);
	ikc_rw_uint(w, "a", "A", 1, IKC_RW_DEC, NULL);
	ikc_rw_bytes(w, "b", "B", (const uint8_t *)"\x01\x02", 2);
	ikc_rw_begin_array(w, "c", "C");
	ikc_rw_bool(w, NULL, NULL, true);
	ikc_rw_uint(w, NULL, NULL, 500, IKC_RW_DEC, NULL);
	ikc_rw_end_array(w);
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

Test(cbor, deterministic_bytes)
{
	/* {"a": 1, "b": h'0102', "c": [true, 500]} */
	static const uint8_t want[] = { 0xa3, 0x61, 'a', 0x01, 0x61, 'b', 0x42, 0x01, 0x02,
					0x61, 'c', 0x82, 0xf5, 0x19, 0x01, 0xf4 };
	uint8_t got[64];
	size_t n = encode(small, got, sizeof got);

	cr_assert_eq(n, sizeof want);
	cr_assert(memcmp(got, want, n) == 0);
}

static void invalid_utf8(struct ikc_rw *w)
{
	ikc_rw_begin_map(w, NULL, NULL);
	ikc_rw_str(w, "s", "S", "A\xff", 2);
	ikc_rw_end_map(w);
	ikc_rw_end_record(w);
}

Test(cbor, invalid_utf8_escaped_as_text)
{
	/* {"s": "A\xff"} with the byte written as the 4 characters \xff */
	static const uint8_t want[] = { 0xa1, 0x61, 's', 0x65, 'A', '\\', 'x', 'f', 'f' };
	uint8_t got[32];
	size_t n = encode(invalid_utf8, got, sizeof got);

	cr_assert_eq(n, sizeof want);
	cr_assert(memcmp(got, want, n) == 0);
}

static void nested_big(struct ikc_rw *w)
{
	ikc_rw_begin_map(w, NULL, NULL);
	ikc_rw_begin_array(w, "list", "List");
	for (int i = 0; i < 30; i++) {  /* 30 items: a 2-byte array head */
		ikc_rw_begin_map(w, NULL, NULL);
		ikc_rw_uint(w, "i", "I", (uint64_t)i, IKC_RW_DEC, NULL);
		ikc_rw_end_map(w);
	}
	ikc_rw_end_array(w);
	ikc_rw_uint(w, "big", "Big", 0x100000000ull, IKC_RW_DEC, NULL);
	/* left open on purpose: end_record closes it */
	ikc_rw_end_record(w);
}

Test(cbor, libcbor_decodes_nested_record)
{
	uint8_t got[1024];
	size_t n = encode(nested_big, got, sizeof got);
	struct cbor_load_result res;
	cbor_item_t *it = cbor_load(got, n, &res);
	struct cbor_pair *p;

	cr_assert(it && res.error.code == CBOR_ERR_NONE);
	cr_assert_eq(res.read, n);
	cr_assert(cbor_isa_map(it) && cbor_map_size(it) == 2);
	p = cbor_map_handle(it);
	cr_assert(cbor_isa_array(p[0].value) && cbor_array_size(p[0].value) == 30);
	cr_assert_eq(got[1 + 1 + 4], 0x98); /* array(30): head 0x98 0x1e after "list" */
	cr_assert_eq(cbor_get_int(p[1].value), 0x100000000ull);
	cbor_decref(&it);
}

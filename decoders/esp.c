/* esp.c - RFC 4303 §2 header (see esp.h for the layout). */
#include "esp.h"

#include "cursor.h"

enum ikc_err ikc_esp_decode(const uint8_t *buf, size_t len, struct ikc_esp_hdr *out)
{
	struct ikc_cursor c = ikc_cur(buf, len);
	enum ikc_err err;

	err = ikc_cur_u32(&c, &out->spi);
	if (!err)
		err = ikc_cur_u32(&c, &out->seq);
	if (err)
		return err;
	out->body = c.p;
	out->body_len = c.left;
	return IKC_OK;
}

/* esp.h - the clear part of an ESP packet (RFC 4303 §2):
 *
 *   0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |               Security Parameters Index (SPI)                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      Sequence Number                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Payload Data* (variable)  ...  ICV         |
 */
#ifndef IKC_ESP_H
#define IKC_ESP_H

#include <stddef.h>
#include <stdint.h>

#include "ikc_err.h"

struct ikc_esp_hdr {
	uint32_t spi;
	uint32_t seq;
	const uint8_t *body;   /* IV, ciphertext, ICV: opaque without keys */
	size_t body_len;
};

IKC_MUST_CHECK enum ikc_err ikc_esp_decode(const uint8_t *buf, size_t len, struct ikc_esp_hdr *out);

#endif

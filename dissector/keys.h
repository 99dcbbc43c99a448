/* keys.h - the key store: every secret given with -k, and the lookups the
 * session code uses to find the one that applies.
 *
 * A file's format is recognised by its content, never its name:
 *   - ikecap's own key file (psk / dh / dhpriv / ikev1 / esp lines, see below);
 *   - Wireshark UAT tables: ikev1_decryption_table ("icookie,Ka"), esp_sa
 *     ("IPv4","src","dst","0xSPI","AES-CBC [RFC3602]","0xkey","HMAC-...","0xkey")
 *     and ikev2_decryption_table (recognised, counted, skipped for now);
 *   - tcpdump -E secrets ("0xSPI@dst algo:secret", "algo:secret", "ikev2 ..."
 *     lines are counted and skipped).
 * A directory loads every regular file in it whose content is recognised.
 *
 * ikecap key file, one entry per line, '#' starts a comment outside quotes:
 *   psk    <peer-address | *>  <secret>     text, "quoted text", or 0x-hex
 *   dh     <icookie>  <g^xy>                 DH shared secret of that phase-1 SA
 *   dh     <icookie>:<msgid>  <g^xy>         ... of a PFS Quick Mode
 *   dhpriv <icookie>  <x>                    a DH private value of either peer
 *   ikev1  <icookie>  <Ka>                   already-derived phase-1 key
 *   esp    <src|*> <dst|*> <spi> <enc-alg> <enc-key> <auth-alg> <auth-key>
 * Hex takes an optional 0x and ':' separators; an empty esp key is "0x" or "-".
 *
 * Contract: keys.c never prints.  Errors come back as "FILE:LINE: what is
 * wrong" in the caller's buffer and never quote a field of the line (any field
 * could be a misplaced secret).  Every secret is wiped with OPENSSL_cleanse
 * when the store is freed or a failed load is rolled back.  Pointers handed
 * out stay valid until the next ikc_keys_load or ikc_keys_free.
 */
#ifndef IKC_KEYS_H
#define IKC_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decoders/ikc_err.h"

#include "../decoders/esp_algs.h"

const char *ikc_esp_enc_name(enum ikc_esp_enc e);    /* "aes-cbc"; "?" if out of range */
const char *ikc_esp_auth_name(enum ikc_esp_auth a);  /* "hmac-sha1-96" */
size_t ikc_esp_auth_icv_len(enum ikc_esp_auth a);    /* 12 for hmac-sha1-96 */

#define IKC_KEYS_ID_MAX 64   /* "keys.txt:4": where a secret came from */

struct ikc_psk {
	const uint8_t *key;
	size_t key_len;
	int af;                  /* 0 for '*', else 4 or 6 */
	uint8_t addr[16];        /* IPv4 uses the first 4 bytes */
	char id[IKC_KEYS_ID_MAX];
};

struct ikc_esp_key {
	int af;                  /* 4 or 6; 0 when both addresses are '*' and no family was given */
	bool src_any, dst_any, spi_any;
	uint8_t src[16], dst[16];
	uint32_t spi;
	enum ikc_esp_enc enc;
	const uint8_t *enc_key;  /* for CTR/GCM/ChaCha the salt/nonce is the last 4 bytes */
	size_t enc_key_len;
	enum ikc_esp_auth auth;
	const uint8_t *auth_key;
	size_t auth_key_len;
	char id[IKC_KEYS_ID_MAX];
};

struct ikc_keys_counts {
	size_t psk, dh, dh_pfs, dhpriv, ikev1, esp;
	size_t ikev2_skipped;    /* IKEv2 lines recognised but not used yet */
};

enum ikc_keys_format {
	IKC_KEYS_FMT_UNKNOWN = 0,
	IKC_KEYS_FMT_IKECAP,
	IKC_KEYS_FMT_WS_IKEV1,   /* Wireshark ikev1_decryption_table */
	IKC_KEYS_FMT_WS_IKEV2,   /* Wireshark ikev2_decryption_table */
	IKC_KEYS_FMT_WS_ESP,     /* Wireshark esp_sa */
	IKC_KEYS_FMT_TCPDUMP,    /* tcpdump -E secrets */
};
const char *ikc_keys_format_name(enum ikc_keys_format f);

/* One file seen by ikc_keys_load, for the "loaded ..." report. */
struct ikc_keys_file {
	const char *path;
	enum ikc_keys_format format;   /* UNKNOWN: not a key file, skipped (directory loads) */
	struct ikc_keys_counts counts;
};

struct ikc_keys;

struct ikc_keys *ikc_keys_new(void);
void ikc_keys_free(struct ikc_keys *ks);

/* Load a file or a directory.  On failure nothing of that call is kept,
 * err holds "FILE:LINE: ..." and the result is IKC_USAGE (IKC_NOMEM, IKC_IO
 * for those).  warn gets warnings, one per line ("FILE: readable by group or
 * others; chmod 600 it"); both buffers are always NUL-terminated (when sz > 0). */
IKC_MUST_CHECK enum ikc_err ikc_keys_load(struct ikc_keys *ks, const char *path, char *err, size_t errsz,
					  char *warn, size_t warnsz);

void ikc_keys_get_counts(const struct ikc_keys *ks, struct ikc_keys_counts *out);
size_t ikc_keys_nfiles(const struct ikc_keys *ks);
const struct ikc_keys_file *ikc_keys_file_at(const struct ikc_keys *ks, size_t i);

/* PSKs that apply to a peer at addr_a or addr_b (af 4 or 6; either may be
 * NULL): address-specific ones first (file order), then the '*' ones.
 * Writes up to max pointers, returns how many it wrote. */
size_t ikc_keys_psk_candidates(const struct ikc_keys *ks, int af, const uint8_t *addr_a, const uint8_t *addr_b,
			       const struct ikc_psk **out, size_t max);

/* g^xy of a phase-1 SA (has_msgid false) or of a PFS Quick Mode; idx walks
 * several different values given for the same SA (0 = first).  NULL when none. */
const uint8_t *ikc_keys_dh(const struct ikc_keys *ks, const uint8_t icookie[8], bool has_msgid, uint32_t msgid,
			   size_t idx, size_t *len);
/* DH private values given for an SA (either peer's); idx 0, 1, ... until NULL. */
const uint8_t *ikc_keys_dhpriv(const struct ikc_keys *ks, const uint8_t icookie[8], size_t idx, size_t *len);
/* Phase-1 encryption key Ka; idx walks different keys for one cookie (the two
 * sides of a PSK mismatch derive two). */
const uint8_t *ikc_keys_ikev1(const struct ikc_keys *ks, const uint8_t icookie[8], size_t idx, size_t *len);
/* The most specific ESP SA for (spi, src, dst): exact addresses beat '*',
 * a listed SPI beats tcpdump's default SA.  NULL when none. */
const struct ikc_esp_key *ikc_keys_esp(const struct ikc_keys *ks, int af, const uint8_t *src, const uint8_t *dst,
				       uint32_t spi);

#endif

/* record.h - the one record writer every view is built on.
 *
 * A decoded record (packet, payload tree, SA summary, diagnosis) is written
 * once, as calls on this interface; implementations turn the calls into NDJSON,
 * CBOR (libcbor) or the indented text tree.  So a field exists in every format
 * or in none.
 *
 * Each call names a field twice: `key` is the machine name (Wireshark's field
 * name where Wireshark has the field, `isakmp.ispi`; `ikecap.*` for ours), and
 * `label` is the words an engineer reads in the text tree ("Initiator cookie").
 * Strings may hold attacker-controlled bytes: every writer escapes them.
 * Inside an array, keys are ignored by the JSON and CBOR writers.
 */
#ifndef IKC_RECORD_H
#define IKC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "obuf.h"

enum ikc_rw_fmt {
	IKC_RW_DEC = 0,
	IKC_RW_HEX,      /* text shows 0x%x; JSON still writes a number */
};

struct ikc_rw;

struct ikc_rw_ops {
	void (*begin_map)(struct ikc_rw *w, const char *key, const char *label);
	void (*end_map)(struct ikc_rw *w);
	void (*begin_array)(struct ikc_rw *w, const char *key, const char *label);
	void (*end_array)(struct ikc_rw *w);
	/* vname: the value's name from a table (text shows "name (v)"), or NULL. */
	void (*uint)(struct ikc_rw *w, const char *key, const char *label, uint64_t v,
		     enum ikc_rw_fmt fmt, const char *vname);
	void (*str)(struct ikc_rw *w, const char *key, const char *label, const char *s, size_t len);
	void (*bytes)(struct ikc_rw *w, const char *key, const char *label, const uint8_t *p, size_t n);
	void (*boolean)(struct ikc_rw *w, const char *key, const char *label, bool v);
	/* End of one top-level record (NDJSON newline, CBOR item flush). */
	void (*end_record)(struct ikc_rw *w);
};

#define IKC_RW_MAX_DEPTH 32
#define IKC_RW_BUF 16384

/* The JSON and text writers gather output in buf and hand it to the stream
 * whenever they are back at the top level (depth 0) and at end_record, so
 * whatever the caller writes to the same FILE between records stays in order.
 * A caller that writes to the FILE while a container is open must call
 * ikc_rw_flush first. */

struct ikc_rw {
	const struct ikc_rw_ops *ops;
	FILE *out;
	int depth;
	bool first[IKC_RW_MAX_DEPTH + 1];  /* JSON: no comma before the first member;
	                                      text: this level printed a label line */
	bool in_array[IKC_RW_MAX_DEPTH + 1];
	int indent;                        /* text: left margin; each labelled level adds 2 */
	int margin[IKC_RW_MAX_DEPTH + 1];  /* text: the columns of level d's lines */
	bool color;                        /* text: ANSI colour allowed */
	void *impl;                        /* CBOR writer state */
	struct ikc_obuf ob;                /* JSON, text: over buf, to out */
	char buf[IKC_RW_BUF];
};

/* Convenience wrappers (the only way emitters call the writer). */
static inline void ikc_rw_begin_map(struct ikc_rw *w, const char *k, const char *l) { w->ops->begin_map(w, k, l); }
static inline void ikc_rw_end_map(struct ikc_rw *w) { w->ops->end_map(w); }
static inline void ikc_rw_begin_array(struct ikc_rw *w, const char *k, const char *l) { w->ops->begin_array(w, k, l); }
static inline void ikc_rw_end_array(struct ikc_rw *w) { w->ops->end_array(w); }
static inline void ikc_rw_uint(struct ikc_rw *w, const char *k, const char *l, uint64_t v, enum ikc_rw_fmt f, const char *vn) { w->ops->uint(w, k, l, v, f, vn); }
static inline void ikc_rw_str(struct ikc_rw *w, const char *k, const char *l, const char *s, size_t n) { w->ops->str(w, k, l, s, n); }
static inline void ikc_rw_cstr(struct ikc_rw *w, const char *k, const char *l, const char *s) { w->ops->str(w, k, l, s, s ? __builtin_strlen(s) : 0); }
static inline void ikc_rw_bytes(struct ikc_rw *w, const char *k, const char *l, const uint8_t *p, size_t n) { w->ops->bytes(w, k, l, p, n); }
static inline void ikc_rw_bool(struct ikc_rw *w, const char *k, const char *l, bool v) { w->ops->boolean(w, k, l, v); }
static inline void ikc_rw_end_record(struct ikc_rw *w) { w->ops->end_record(w); }

void ikc_rw_json_init(struct ikc_rw *w, FILE *out);
/* Hand what the JSON or text writer holds to its stream (a no-op for CBOR). */
void ikc_rw_flush(struct ikc_rw *w);
/* CBOR sequence (RFC 8742), one data item per record, deterministic encoding
 * (definite lengths, shortest forms; RFC 8949 §4.2.1 apart from map key
 * order, which is the record's field order).  Returns -1 without memory. */
int ikc_rw_cbor_init(struct ikc_rw *w, FILE *out);
void ikc_rw_cbor_free(struct ikc_rw *w);
void ikc_rw_text_init(struct ikc_rw *w, FILE *out, int base_indent, bool color);

/* Escape attacker-controlled bytes for a terminal: printable ASCII kept,
 * everything else as \xNN (and backslash as \\).  Returns bytes written
 * (without the NUL); output always NUL-terminated when outsz > 0. */
/* Length of the valid UTF-8 sequence at p (RFC 3629), 0 if invalid. */
size_t ikc_utf8_seq_len(const uint8_t *p, size_t left);

size_t ikc_escape_text(const uint8_t *s, size_t len, char *out, size_t outsz);

#endif

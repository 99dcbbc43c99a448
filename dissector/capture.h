/* capture.h - a thin libpcap wrapper: open a file (pcap or pcapng, "-" for
 * stdin) or an interface, set a BPF filter, read frames.
 *
 * Frames are numbered from 1.  A file's frames keep their place in the file
 * when a BPF filter skips some (the filter runs here, on each frame read), so
 * frame numbers match Wireshark's for the same file; live, they count the
 * frames the kernel's filter passed.  Timestamps are in nanoseconds.  The bytes
 * passed to the callback are libpcap's: valid during the callback only, copy
 * what you keep.  Errors come back as an ikc_err plus a message for the user
 * written into the caller's buffer (IKC_CAPTURE_ERRBUF_SIZE is enough), e.g.
 * "cannot open FILE: reason", "FILE: not a pcap or pcapng file",
 * "bad filter expression: ..." (IKC_USAGE).
 */
#ifndef IKC_CAPTURE_H
#define IKC_CAPTURE_H

#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../decoders/ikc_err.h"

/* PCAP_ERRBUF_SIZE (256) + room for a file name and our wording. */
#define IKC_CAPTURE_ERRBUF_SIZE (256 + 128)

struct ikc_capture; /* opaque */

typedef void (*ikc_frame_cb)(void *ctx, int dlt, uint64_t frame, int64_t ts_sec, uint32_t ts_nsec,
			     const uint8_t *bytes, size_t caplen, size_t wirelen);

/* A pcap or pcapng file, or "-" for standard input. */
IKC_MUST_CHECK enum ikc_err ikc_capture_open_offline(struct ikc_capture **out, const char *path, char *errbuf,
						     size_t errlen);
/* A live interface: snaplen 262144, promiscuous, immediate mode, 4 MiB buffer,
 * 250 ms read timeout (so a stop flag is seen).  A libpcap warning (for
 * example promiscuous mode not supported) is kept in ikc_capture_warning. */
IKC_MUST_CHECK enum ikc_err ikc_capture_open_live(struct ikc_capture **out, const char *iface, char *errbuf,
						  size_t errlen);
/* "" or the warning pcap_activate gave. */
/* Live capture settings (ikc_capture_open_live uses the defaults: promiscuous,
 * snaplen 262144, 4 MiB buffer). */
struct ikc_live_opts {
	bool promisc;
	int snaplen;
	int buffer_bytes;
};
void ikc_live_opts_default(struct ikc_live_opts *o);
IKC_MUST_CHECK enum ikc_err ikc_capture_open_live_opts(struct ikc_capture **out, const char *iface,
							const struct ikc_live_opts *o, char *errbuf, size_t errlen);
/* -D: the interfaces libpcap can capture on, one per line ("1.eth0 (desc)"). */
IKC_MUST_CHECK enum ikc_err ikc_capture_list_interfaces(FILE *out, char *errbuf, size_t errlen);
/* Kernel counters of a live capture: received, dropped by the kernel (buffer
 * full), dropped by the interface.  IKC_UNSUPPORTED for a file. */
IKC_MUST_CHECK enum ikc_err ikc_capture_stats(const struct ikc_capture *cap, uint64_t *received,
					      uint64_t *dropped, uint64_t *if_dropped);
/* Also write every frame read, unchanged, to a pcap file (tcpdump -w). */
IKC_MUST_CHECK enum ikc_err ikc_capture_dump_open(struct ikc_capture *cap, const char *path, char *errbuf,
						  size_t errlen);

/* Live: called about every 250 ms while no packet arrives (and never from a
 * file), so a caller can print periodic statistics on an idle link. */
typedef void (*ikc_tick_cb)(void *ctx);
void ikc_capture_set_tick(struct ikc_capture *cap, ikc_tick_cb cb, void *ctx);

const char *ikc_capture_warning(const struct ikc_capture *cap);
/* Compile and install a BPF filter; a bad expression is IKC_USAGE. */
IKC_MUST_CHECK enum ikc_err ikc_capture_set_filter(struct ikc_capture *cap, const char *expr, char *errbuf,
						   size_t errlen);
/* The link type (DLT_*) of the capture. */
int ikc_capture_dlt(const struct ikc_capture *cap);
/* Read until the end, max_packets frames (0: no limit), or *stop set (may be
 * NULL).  A damaged file (a record cut short) ends with IKC_IO and a message
 * naming the last good frame; the frames before it have been delivered. */
IKC_MUST_CHECK enum ikc_err ikc_capture_loop(struct ikc_capture *cap, uint64_t max_packets,
					     volatile sig_atomic_t *stop, ikc_frame_cb cb, void *ctx,
					     char *errbuf, size_t errlen);
/* Bytes read so far and the file size, for a progress indicator.  IKC_UNSUPPORTED
 * for a live capture or a pipe (no size). */
IKC_MUST_CHECK enum ikc_err ikc_capture_progress(const struct ikc_capture *cap, uint64_t *done, uint64_t *total);
/* Frames read so far. */
uint64_t ikc_capture_frames(const struct ikc_capture *cap);
void ikc_capture_close(struct ikc_capture *cap);

#endif

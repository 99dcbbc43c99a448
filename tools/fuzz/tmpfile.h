/* tmpfile.h - the fuzz input as a named file, for the APIs that take a path
 * (ikc_keys_load, ikc_capture_open_offline).  One file per process, made
 * once with mkstemp under $TMPDIR (default /tmp), rewritten for each input
 * and removed at exit.  Header-only: each harness is one program. */
#ifndef IKC_FUZZ_TMPFILE_H
#define IKC_FUZZ_TMPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fz_tmp {
	char path[4096];
	int fd;
};

static struct fz_tmp fz_tmp_file;   /* harness state, set up once */

static void fz_tmp_remove(void)
{
	if (fz_tmp_file.path[0])
		unlink(fz_tmp_file.path);
}

/* Make the file (mode 0600), or exit. */
static inline void fz_tmp_init(const char *tag)
{
	const char *dir = getenv("TMPDIR");

	snprintf(fz_tmp_file.path, sizeof fz_tmp_file.path, "%s/ikecap-%s-XXXXXX", dir && dir[0] ? dir : "/tmp", tag);
	fz_tmp_file.fd = mkstemp(fz_tmp_file.path);
	if (fz_tmp_file.fd < 0) {
		perror("fuzz: mkstemp");
		exit(1);
	}
	atexit(fz_tmp_remove);
}

/* Replace the file's content with data; 0 on success. */
static inline int fz_tmp_write(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(fz_tmp_file.fd, 0) != 0)
		return -1;
	while (off < size) {
		ssize_t n = pwrite(fz_tmp_file.fd, data + off, size - off, (off_t)off);
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

#endif

/* cursor.c - the error names (the cursor readers are inline in cursor.h). */
#include "cursor.h"

const char *ikc_strerror(enum ikc_err err)
{
	switch (err) {
	case IKC_OK: return "ok";
	case IKC_TRUNCATED: return "truncated";
	case IKC_MALFORMED: return "malformed";
	case IKC_UNSUPPORTED: return "unsupported";
	case IKC_CRYPTO: return "crypto failure";
	case IKC_NOMEM: return "out of memory";
	case IKC_IO: return "i/o error";
	case IKC_USAGE: return "usage error";
	}
	return "unknown error";
}

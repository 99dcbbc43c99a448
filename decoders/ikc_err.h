/* ikc_err.h - the one error enum of ikecap.
 *
 * Every fallible function returns an ikc_err; IKC_OK is 0 so `if (err) goto out;`
 * reads naturally.  TRUNCATED (the capture cut the bytes short) is kept apart from
 * MALFORMED (the bytes are there but wrong), as tcpdump does.
 */
#ifndef IKC_ERR_H
#define IKC_ERR_H

#define IKC_MUST_CHECK __attribute__((warn_unused_result))

enum ikc_err {
	IKC_OK = 0,
	IKC_TRUNCATED,
	IKC_MALFORMED,
	IKC_UNSUPPORTED,
	IKC_CRYPTO,
	IKC_NOMEM,
	IKC_IO,
	IKC_USAGE,
};

const char *ikc_strerror(enum ikc_err err);

#endif

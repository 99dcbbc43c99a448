/* sa_crypto.c - see sa_crypto.h. */
#include "sa_crypto.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "session_int.h"

void ikc_sa_crypto_clear(struct ikc_sa_crypto *c)
{
	OPENSSL_cleanse(c, sizeof *c);
}

void ikc_qm_crypto_clear(struct ikc_qm *qm)
{
	OPENSSL_cleanse(&qm->crypto, sizeof qm->crypto);
}

void ikc_sa_crypto_learn_transform(struct ikc_sa_crypto *c, const struct ikc_transform *t)
{
	for (size_t i = 0; i < t->nattrs; i++) {
		const struct ikc_attr *at = &t->attrs[i];
		if (!at->has_value)
			continue;
		switch (at->type) {
		case 1: c->enc = (uint16_t)at->value; break;
		case 2: c->hash = (uint16_t)at->value; break;
		case 3: c->auth = (uint16_t)at->value; break;
		case 4: c->group = (uint16_t)at->value; break;
		case 14: c->keylen = (uint16_t)at->value; break;
		default: break;
		}
	}
	c->have_transform = true;
}

void ikc_sa_crypto_process(struct ikc_ike_sa *sa, const struct ikc_keys *keys, struct ikc_arena *a,
			   const struct ikc_pkt *pkt, const struct ikc_msg *msg, struct ikc_seen *seen,
			   struct ikc_msg_info *info)
{
	char cky[17];

	(void)keys; (void)a; (void)pkt; (void)seen;
	if (!(msg->hdr.flags & IKC_FLAG_E) || sa->ikev2)
		return;
	ikc_sa_cookie_hex(sa, cky);
	info->dec = IKC_DEC_NO_KEY;
	snprintf(info->dec_detail, sizeof info->dec_detail,
		 "SA %s: %s not decrypted: need g^xy (a `dh` line) or the phase-1 key (an `ikev1` line)", cky,
		 info->label);
}

void ikc_sa_crypto_write_summary(const struct ikc_sa_crypto *c, struct ikc_rw *w)
{
	(void)c; (void)w;
}

/* ladder.h - the text sequence diagram of each IKE SA (-T ladder).
 *
 * Per SA: the two peers as columns (initiator left, responder right, with
 * address:port), one arrow per message in capture order with its time offset
 * from the SA's first message and its frame, labelled MM1..MM6, AM1..AM3,
 * QM1..QM3, INFO ... ("R1", "R2" for retransmissions), the payloads on the
 * arrow ({ } around the ones that were encrypted and decrypted), below it what
 * the decrypted contents say (IDs, proxy IDs, SPIs, chosen transforms), the
 * decryption verdict and the reply time; then the state and the findings.
 * At most 79 columns.  ANSI colour only when asked.
 */
#ifndef IKC_LADDER_H
#define IKC_LADDER_H

#include <stdbool.h>
#include <stdio.h>

#include "diagnose.h"
#include "session.h"

#define IKC_LADDER_WIDTH 79

/* One SA; findings are taken from diags (those whose sa is this one), which
 * may be NULL. */
void ikc_ladder_write_sa(const struct ikc_ike_sa *sa, const struct ikc_diag_list *diags, FILE *out, bool color);

/* Every SA of a finished run, in order of creation, each with its findings:
 * the diagnosis runs here, a batch of SAs at a time; held (NULL: none) are
 * findings made already (the GDOI groups'). */
void ikc_ladder_write(const struct ikc_session *s, const struct ikc_diag_list *held, FILE *out, bool color);

#endif

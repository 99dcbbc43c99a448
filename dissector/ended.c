/* ended.c - what a run keeps of the IKE SAs that ended before it did (see
 * ended.h for the contract). */
#include "ended.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ladder.h"
#include "util.h"

/* Text kept for the summary at the end: a temporary file, so that memory
 * does not grow with the SAs a long capture ends (up to IKC_ENDED_MAX of
 * them); in memory when no temporary file can be made, or when the text
 * carries keys (--print-keys), which must not reach a disk. */
struct spill {
	FILE *f;
	bool in_memory;              /* f is a memstream over mem */
	char *mem;
	size_t mem_len;
	bool failed;                 /* neither could be made */
};

static FILE *spill_file(struct spill *sp, bool memory_only)
{
	if (sp->f || sp->failed)
		return sp->f;
	if (memory_only || !(sp->f = tmpfile()))
		sp->in_memory = (sp->f = open_memstream(&sp->mem, &sp->mem_len)) != NULL;
	sp->failed = !sp->f;
	return sp->f;
}

/* Copy what was kept to out; false when it could not be kept or read back. */
static bool spill_copy(struct spill *sp, FILE *out)
{
	char buf[16384];
	size_t n;
	bool ok;

	if (!sp->f)
		return !sp->failed;
	if (fflush(sp->f) != 0)
		return false;
	if (sp->in_memory) {
		fwrite(sp->mem, 1, sp->mem_len, out);
		return true;
	}
	rewind(sp->f);
	while ((n = fread(buf, 1, sizeof buf, sp->f)) > 0)
		fwrite(buf, 1, n, out);
	ok = !ferror(sp->f);
	fseek(sp->f, 0, SEEK_END);
	return ok;
}

static void spill_close(struct spill *sp)
{
	if (sp->f)
		fclose(sp->f);
	free(sp->mem);
}

struct ikc_ended {
	struct ikc_ended_opts o;
	uint64_t count;
	struct spill text;           /* summary lines of the kept SAs */
	size_t ntext;
	uint64_t text_dropped;       /* SAs past IKC_ENDED_MAX, not listed */
	struct spill findings;       /* their findings, as ikc_diag_write_text writes them (text mode) */
	uint64_t nfindings;
	uint64_t diags_dropped;      /* info findings past the limit */
	char *keys;                  /* ikev1 key lines (memstream: secrets stay in memory) */
	size_t keys_len;
	FILE *keys_mem;
	size_t nkeys;
};

struct ikc_ended *ikc_ended_new(const struct ikc_ended_opts *o)
{
	struct ikc_ended *e = calloc(1, sizeof *e);

	if (!e)
		return NULL;
	e->o = *o;
	return e;
}

void ikc_ended_free(struct ikc_ended *e)
{
	if (!e)
		return;
	spill_close(&e->text);
	spill_close(&e->findings);
	if (e->keys_mem)
		fclose(e->keys_mem);
	if (e->keys) {
		OPENSSL_cleanse(e->keys, e->keys_len);
		free(e->keys);
	}
	free(e);
}

/* What print_sa writes, appended to the one text stream of all kept SAs. */
static void keep_text(struct ikc_ended *e, const struct ikc_session *s, const struct ikc_ike_sa *sa)
{
	FILE *f;

	if (e->ntext == IKC_ENDED_MAX || !(f = spill_file(&e->text, e->o.keys_in_text))) {
		e->text_dropped++;
		return;
	}
	if (e->o.verbose) {
		struct ikc_rw tw;
		ikc_rw_text_init(&tw, f, 2, e->o.color);
		ikc_session_write_sa(s, sa, &tw);
		ikc_rw_flush(&tw);
	} else {
		ikc_session_write_sa_text(s, sa, f);
	}
	e->ntext++;
}

/* The SA's findings, written as the diagnosis at the end will show them;
 * past IKC_ENDED_MAX kept, informational ones are only counted. */
static void keep_findings(struct ikc_ended *e, const struct ikc_diag_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct ikc_finding *f = &l->v[i];
		bool info = f->severity == IKC_DIAG_INFO;
		FILE *out;

		if ((info && e->nfindings >= IKC_ENDED_MAX) || !(out = spill_file(&e->findings, false))) {
			e->diags_dropped++;
			continue;
		}
		ikc_diag_write_text(f, out, e->o.color, 80);
		e->nfindings++;
	}
}

/* The batch's findings ordered by SA: the SAs' order in sas, each SA's in
 * the order found (one sort, not a pass over the list per SA).  Findings of
 * no SA in sas go last.  False when out of memory (l unchanged). */
struct sa_at {
	const struct ikc_ike_sa *sa;
	size_t pos;                  /* in sas */
};

struct finding_at {
	size_t sa_pos, index;        /* its SA's place in sas (n: none), its place in the list */
};

static int sa_at_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct sa_at *)a)->sa, y = (uintptr_t)((const struct sa_at *)b)->sa;

	return (x > y) - (x < y);
}

static int finding_at_cmp(const void *a, const void *b)
{
	const struct finding_at *x = a, *y = b;

	if (x->sa_pos != y->sa_pos)
		return x->sa_pos < y->sa_pos ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static bool order_by_sa(struct ikc_diag_list *l, const struct ikc_ike_sa *const *sas, size_t n)
{
	struct sa_at *by_ptr = malloc((n ? n : 1) * sizeof *by_ptr);
	struct finding_at *key = malloc((l->n ? l->n : 1) * sizeof *key);
	struct ikc_finding *v = malloc((l->n ? l->n : 1) * sizeof *v);
	bool ok = by_ptr && key && v;

	if (ok) {
		for (size_t i = 0; i < n; i++)
			by_ptr[i] = (struct sa_at){ sas[i], i };
		qsort(by_ptr, n, sizeof *by_ptr, sa_at_cmp);
		for (size_t i = 0; i < l->n; i++) {
			struct sa_at want = { l->v[i].sa, 0 };
			const struct sa_at *hit = bsearch(&want, by_ptr, n, sizeof *by_ptr, sa_at_cmp);
			key[i] = (struct finding_at){ hit ? hit->pos : n, i };
		}
		qsort(key, l->n, sizeof *key, finding_at_cmp);
		for (size_t i = 0; i < l->n; i++)
			v[i] = l->v[key[i].index];
		free(l->v);
		l->v = v;
		l->cap = l->n;
		v = NULL;
	}
	free(by_ptr);
	free(key);
	free(v);
	return ok;
}

void ikc_ended_retire(void *ctx, const struct ikc_session *s, const struct ikc_ike_sa *const *sas, size_t n)
{
	struct ikc_ended *e = ctx;
	struct ikc_diag_list l;
	size_t at = 0;

	e->count += n;
	ikc_diag_list_init(&l);
	if (ikc_diagnose_retiring(s, sas, n, &l) != IKC_OK || !order_by_sa(&l, sas, n))
		fputs("ikecap: out of memory: findings of ended SAs incomplete\n", stderr);
	for (size_t i = 0; i < n; i++) {
		const struct ikc_ike_sa *sa = sas[i];
		struct ikc_diag_list one;   /* a view of l: this SA's findings */

		one.v = l.v + at;
		one.n = 0;
		while (at + one.n < l.n && l.v[at + one.n].sa == sa)
			one.n++;
		one.cap = one.n;
		at += one.n;
		for (size_t k = 0; k < e->o.nrw; k++) {
			ikc_session_write_sa(s, sa, e->o.rw[k]);
			ikc_diag_write_all(&one, e->o.rw[k]);
		}
		if (e->o.ladder) {
			ikc_ladder_write_sa(sa, &one, e->o.out, e->o.color);
		} else if (e->o.format == IKC_FMT_TEXT) {
			keep_text(e, s, sa);
			keep_findings(e, &one);
		}
		if (e->o.keep_keys) {
			if (!e->keys_mem)
				e->keys_mem = open_memstream(&e->keys, &e->keys_len);
			if (e->keys_mem && ikc_session_export_sa(sa, e->keys_mem))
				e->nkeys++;
		}
	}
	ikc_diag_list_free(&l);
}

uint64_t ikc_ended_count(const struct ikc_ended *e)
{
	return e ? e->count : 0;
}

void ikc_ended_write_text(struct ikc_ended *e, FILE *out)
{
	if (!spill_copy(&e->text, out))
		fputs("ikecap: the SAs that ended earlier could not be kept: not all are listed\n", stderr);
	if (e->text_dropped)
		fprintf(out, "  ... and %llu more SAs that ended earlier, not listed (limit %d; -T json lists all)\n",
			(unsigned long long)e->text_dropped, IKC_ENDED_MAX);
	if (e->diags_dropped)
		fprintf(out, "  (%llu informational findings of ended SAs not kept)\n",
			(unsigned long long)e->diags_dropped);
}

uint64_t ikc_ended_findings(const struct ikc_ended *e)
{
	return e ? e->nfindings : 0;
}

void ikc_ended_write_findings(struct ikc_ended *e, FILE *out)
{
	if (e && !spill_copy(&e->findings, out))
		fputs("ikecap: the findings of SAs that ended earlier could not be read back\n", stderr);
}

size_t ikc_ended_export_ikev1(const struct ikc_ended *e, FILE *out)
{
	if (!e || !e->keys_mem || fflush(e->keys_mem) != 0)
		return 0;
	fwrite(e->keys, 1, e->keys_len, out);
	return e->nkeys;
}

/* test_dlist.c - the intrusive list under the IKE SA table (LRU and creation
 * order), the ESP SA table and the fragment trains.  Oracle: an array that
 * models the list, checked both ways after every append and unlink. */
#include <criterion/criterion.h>

#include <stddef.h>
#include <stdlib.h>

#include "../dissector/dlist.h"

struct item {
	int value;
	struct ikc_dnode a, b;   /* on two lists at once, as an IKE SA is */
};

static struct item *of_a(struct ikc_dnode *n)
{
	return n ? IKC_DLIST_ENTRY(n, struct item, a) : NULL;
}

/* The list holds exactly want[0..n) in order, walked forwards and back. */
static void check(const struct ikc_dlist *l, const int *want, size_t n)
{
	size_t i = 0;

	for (struct item *it = of_a(l->head); it; it = of_a(it->a.next), i++) {
		cr_assert_lt(i, n, "more items than expected");
		cr_assert_eq(it->value, want[i], "item %zu: %d, expected %d", i, it->value, want[i]);
	}
	cr_assert_eq(i, n);
	for (struct item *it = of_a(l->tail); it; it = of_a(it->a.prev)) {
		cr_assert_gt(i, 0);
		cr_assert_eq(it->value, want[--i]);
	}
	cr_assert_eq(i, 0);
	if (!n)
		cr_assert(l->head == NULL && l->tail == NULL);
}

Test(dlist, append_and_unlink_anywhere_keep_order)
{
	enum { N = 6 };
	struct item items[N];
	struct ikc_dlist l = { NULL, NULL };
	int model[N];
	size_t n = 0;

	for (int i = 0; i < N; i++) {
		items[i].value = i;
		ikc_dlist_append(&l, &items[i].a);
		model[n++] = i;
		check(&l, model, n);
	}
	/* middle, head, tail, then the rest */
	static const int order[N] = { 3, 0, 5, 1, 4, 2 };
	for (int k = 0; k < N; k++) {
		size_t j = 0;

		ikc_dlist_unlink(&l, &items[order[k]].a);
		cr_assert(items[order[k]].a.prev == NULL && items[order[k]].a.next == NULL);
		while (model[j] != order[k])
			j++;
		for (; j + 1 < n; j++)
			model[j] = model[j + 1];
		n--;
		check(&l, model, n);
	}
}

Test(dlist, move_to_tail_is_lru_order_and_lists_are_independent)
{
	struct item items[3] = { { .value = 0 }, { .value = 1 }, { .value = 2 } };
	struct ikc_dlist lru = { NULL, NULL }, created = { NULL, NULL };

	for (int i = 0; i < 3; i++) {
		ikc_dlist_append(&lru, &items[i].a);
		ikc_dlist_append(&created, &items[i].b);
	}
	/* use item 0, then item 1: least recently used is now item 2 */
	ikc_dlist_unlink(&lru, &items[0].a);
	ikc_dlist_append(&lru, &items[0].a);
	ikc_dlist_unlink(&lru, &items[1].a);
	ikc_dlist_append(&lru, &items[1].a);
	check(&lru, (const int[]){ 2, 0, 1 }, 3);
	/* the creation list did not move */
	cr_assert_eq(IKC_DLIST_ENTRY(created.head, struct item, b)->value, 0);
	cr_assert_eq(IKC_DLIST_ENTRY(created.tail, struct item, b)->value, 2);
	cr_assert_eq(IKC_DLIST_ENTRY(created.head->next, struct item, b)->value, 1);
}

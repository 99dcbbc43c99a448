/* dlist.h - intrusive doubly-linked lists.
 *
 * An element holds one struct ikc_dnode per list it can sit on; the list holds
 * its first and last node.  Append and unlink are O(1), so a table can keep
 * its elements in least-recently-used order (unlink, append on each use) or
 * in order of creation (append once) without sorting.  IKC_DLIST_ENTRY turns
 * a node back into its element.  No allocation: the element owns its nodes.
 */
#ifndef IKC_DLIST_H
#define IKC_DLIST_H

#include <stddef.h>

struct ikc_dnode {
	struct ikc_dnode *prev, *next;
};

struct ikc_dlist {
	struct ikc_dnode *head, *tail;   /* head: the first appended still on it */
};

#define IKC_DLIST_ENTRY(node, type, member) ((type *)(void *)((char *)(node) - offsetof(type, member)))

static inline void ikc_dlist_append(struct ikc_dlist *l, struct ikc_dnode *n)
{
	n->prev = l->tail;
	n->next = NULL;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
}

static inline void ikc_dlist_unlink(struct ikc_dlist *l, struct ikc_dnode *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = NULL;
}

#endif

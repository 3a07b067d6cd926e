/*
 * socket_context.c - celsp's state for each socket, found by handle value
 * (the table is provider/common/handle_table.c).
 *
 * Lifecycle as everywhere in ce-winsock: allocate, initialise, reference
 * (the table holds one; every call in progress holds one), dereference,
 * delete on the last dereference.  A context that is closing is no longer
 * found, so every later use of the handle fails with WSAENOTSOCK while the
 * calls already inside it finish with the references they hold.
 */
#include "celsp.h"

static struct handle_table table = HANDLE_TABLE_INIT;

static struct lsp_socket *context_of(struct handle_entry *e)
{
    return e ? HANDLE_ENTRY_RECORD(e, struct lsp_socket, link) : NULL;
}

struct lsp_socket *socket_context_create(SOCKET handle, struct lower *lower, DWORD catalog_id,
                                         int type, const struct lsp_socket *parent)
{
    /* allocate */
    struct lsp_socket *so = calloc(1, sizeof(*so));
    struct handle_entry *stale;

    if (!so)
        return NULL;
    /* initialise: CE's defaults, or the listening socket's settings for an accepted one;
     * the one reference is the table's */
    handle_entry_initialise(&so->link, handle);
    so->lower = lower;
    so->catalog_id = catalog_id;
    so->type = type;
    InitializeSRWLock(&so->lock);
    so->linger.l_onoff = 0;         /* SO_DONTLINGER is the default */
    so->linger.l_linger = 0;
    so->linger_note = settings_linger_note_default() != 0;
    if (parent) {
        AcquireSRWLockShared((PSRWLOCK)&parent->lock);
        so->linger = parent->linger;
        so->linger_note = parent->linger_note;
        so->nonblocking = parent->nonblocking;
        so->event_selected = parent->event_selected;
        so->async_selected = parent->async_selected;
        ReleaseSRWLockShared((PSRWLOCK)&parent->lock);
    }
    /* a context left for a reused handle value is stale: drop the table's reference to it */
    stale = handle_table_insert(&table, &so->link);
    if (stale)
        socket_context_dereference(context_of(stale));
    return so;
}

struct lsp_socket *socket_context_lookup(SOCKET s, int *err)
{
    /* reference: the caller's, dropped by socket_context_dereference */
    struct lsp_socket *so = context_of(handle_table_lookup(&table, s));

    if (!so)
        *err = WSAENOTSOCK;
    return so;
}

void socket_context_reference(struct lsp_socket *so)
{
    handle_entry_reference(&so->link);
}

void socket_context_dereference(struct lsp_socket *so)
{
    /* dereference; delete on the last one */
    if (handle_entry_dereference(&so->link)) {
        shared_socket_release(so->shared);
        free(so);
    }
}

LONG socket_context_refs(const struct lsp_socket *so)
{
    return handle_entry_refs(&so->link);
}

BOOL socket_context_begin_close(struct lsp_socket *so)
{
    if (InterlockedCompareExchange(&so->closing, 1, 0) != 0)
        return FALSE;
    if (handle_table_remove(&table, &so->link))
        socket_context_dereference(so);     /* the table's reference */
    return TRUE;
}

struct lsp_socket **socket_context_snapshot(size_t *count)
{
    /* each slot turns from the entry into the context that holds it */
    struct handle_entry **all = handle_table_snapshot(&table, count);
    size_t i;

    for (i = 0; i < *count; i++)
        ((struct lsp_socket **)all)[i] = context_of(all[i]);
    return (struct lsp_socket **)all;
}

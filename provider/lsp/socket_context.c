/*
 * socket_context.c - celsp's state for each socket, found by handle value.
 *
 * Lifecycle as everywhere in ce-winsock: allocate, initialise, reference
 * (the table holds one; every call in progress holds one), dereference,
 * delete on the last dereference.  A context that is closing is no longer
 * found, so every later use of the handle fails with WSAENOTSOCK while the
 * calls already inside it finish with the references they hold.
 */
#include "celsp.h"

#define BUCKETS 4096u

static struct lsp_socket *buckets[BUCKETS];
static SRWLOCK table_lock = SRWLOCK_INIT;

static unsigned bucket_of(SOCKET handle)
{
    return (unsigned)((handle >> 2) % BUCKETS);
}

struct lsp_socket *socket_context_create(SOCKET handle, struct lower *lower, DWORD catalog_id,
                                         int type, const struct lsp_socket *parent)
{
    struct lsp_socket *so = calloc(1, sizeof(*so)), **link;

    if (!so)
        return NULL;
    /* initialise: CE's defaults, or the listening socket's settings for an accepted one */
    so->refs = 1;
    so->handle = handle;
    so->lower = lower;
    so->catalog_id = catalog_id;
    so->type = type;
    InitializeSRWLock(&so->lock);
    so->linger.l_onoff = 0;         /* SO_DONTLINGER is the default */
    so->linger.l_linger = 0;
    so->linger_note = settings_linger_note_default();
    if (parent) {
        AcquireSRWLockShared((PSRWLOCK)&parent->lock);
        so->linger = parent->linger;
        so->linger_note = parent->linger_note;
        so->nonblocking = parent->nonblocking;
        so->event_selected = parent->event_selected;
        so->async_selected = parent->async_selected;
        ReleaseSRWLockShared((PSRWLOCK)&parent->lock);
    }
    AcquireSRWLockExclusive(&table_lock);
    /* a context left for a reused handle value is stale: drop it */
    for (link = &buckets[bucket_of(handle)]; *link; link = &(*link)->next_in_bucket)
        if ((*link)->handle == handle) {
            struct lsp_socket *stale = *link;
            *link = stale->next_in_bucket;
            socket_context_dereference(stale);
            break;
        }
    so->next_in_bucket = buckets[bucket_of(handle)];
    buckets[bucket_of(handle)] = so;
    ReleaseSRWLockExclusive(&table_lock);
    return so;
}

struct lsp_socket *socket_context_lookup(SOCKET s, int *err)
{
    struct lsp_socket *so;

    AcquireSRWLockShared(&table_lock);
    for (so = buckets[bucket_of(s)]; so; so = so->next_in_bucket)
        if (so->handle == s) {
            InterlockedIncrement(&so->refs);
            break;
        }
    ReleaseSRWLockShared(&table_lock);
    if (!so)
        *err = WSAENOTSOCK;
    return so;
}

void socket_context_reference(struct lsp_socket *so)
{
    InterlockedIncrement(&so->refs);
}

void socket_context_dereference(struct lsp_socket *so)
{
    if (InterlockedDecrement(&so->refs) == 0)
        free(so);
}

LONG socket_context_refs(const struct lsp_socket *so)
{
    return InterlockedCompareExchange((LONG *)&so->refs, 0, 0);
}

BOOL socket_context_begin_close(struct lsp_socket *so)
{
    struct lsp_socket **link;
    BOOL removed = FALSE;

    if (InterlockedCompareExchange(&so->closing, 1, 0) != 0)
        return FALSE;
    AcquireSRWLockExclusive(&table_lock);
    for (link = &buckets[bucket_of(so->handle)]; *link; link = &(*link)->next_in_bucket)
        if (*link == so) {
            *link = so->next_in_bucket;
            removed = TRUE;
            break;
        }
    ReleaseSRWLockExclusive(&table_lock);
    if (removed)
        socket_context_dereference(so);     /* the table's reference */
    return TRUE;
}

struct lsp_socket **socket_context_snapshot(size_t *count)
{
    struct lsp_socket **all = NULL, *so;
    size_t n = 0, cap = 0;
    unsigned i;

    AcquireSRWLockShared(&table_lock);
    for (i = 0; i < BUCKETS; i++)
        for (so = buckets[i]; so; so = so->next_in_bucket) {
            if (n == cap) {
                struct lsp_socket **grown;
                cap = cap ? cap * 2 : 64;
                grown = realloc(all, cap * sizeof(*all));
                if (!grown)
                    goto done;
                all = grown;
            }
            InterlockedIncrement(&so->refs);
            all[n++] = so;
        }
done:
    ReleaseSRWLockShared(&table_lock);
    *count = n;
    return all;
}

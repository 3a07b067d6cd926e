/*
 * socket.c - the handle table: which provider owns each application SOCKET.
 *
 * Providers choose the handle values (an IFS provider hands out its own
 * kernel handle, a non-IFS one gets one from WPUCreateSocketHandle), so the
 * table is keyed by value.  Handle values are reused as soon as a provider
 * closes one, so removal is by record identity, never by value alone.
 */
#include "ws2_private.h"

#define BUCKETS 4096u

static struct socket_record *buckets[BUCKETS];
static SRWLOCK table_lock = SRWLOCK_INIT;

static unsigned bucket_of(SOCKET handle)
{
    /* kernel handles are multiples of 4 */
    return (unsigned)((handle >> 2) % BUCKETS);
}

int socket_table_insert(SOCKET handle, struct catalog_entry *entry, struct provider *provider)
{
    struct socket_record **link, *r;

    /* allocate and initialise; the table holds the first reference */
    r = calloc(1, sizeof(*r));
    if (!r)
        return WSA_NOT_ENOUGH_MEMORY;
    r->refs = 1;
    r->handle = handle;
    catalog_entry_reference(entry);
    r->entry = entry;
    provider_reference(provider);
    r->provider = provider;

    AcquireSRWLockExclusive(&table_lock);
    /* a record left behind for a reused value is stale: the new one wins */
    for (link = &buckets[bucket_of(handle)]; *link; link = &(*link)->next_in_bucket) {
        if ((*link)->handle == handle) {
            struct socket_record *stale = *link;
            *link = stale->next_in_bucket;
            socket_record_dereference(stale);
            break;
        }
    }
    r->next_in_bucket = buckets[bucket_of(handle)];
    buckets[bucket_of(handle)] = r;
    ReleaseSRWLockExclusive(&table_lock);
    return 0;
}

struct socket_record *socket_table_lookup(SOCKET handle)
{
    struct socket_record *r;

    AcquireSRWLockShared(&table_lock);
    for (r = buckets[bucket_of(handle)]; r; r = r->next_in_bucket)
        if (r->handle == handle) {
            InterlockedIncrement(&r->refs);
            break;
        }
    ReleaseSRWLockShared(&table_lock);
    return r;
}

void socket_table_remove(struct socket_record *r)
{
    struct socket_record **link;
    BOOL found = FALSE;

    AcquireSRWLockExclusive(&table_lock);
    for (link = &buckets[bucket_of(r->handle)]; *link; link = &(*link)->next_in_bucket)
        if (*link == r) {
            *link = r->next_in_bucket;
            found = TRUE;
            break;
        }
    ReleaseSRWLockExclusive(&table_lock);
    if (found)
        socket_record_dereference(r);   /* the table's reference */
}

void socket_record_dereference(struct socket_record *r)
{
    if (InterlockedDecrement(&r->refs) != 0)
        return;
    provider_dereference(r->provider);
    catalog_entry_dereference(r->entry);
    free(r);
}

struct socket_record *socket_table_drain(void)
{
    struct socket_record *all = NULL;
    unsigned i;

    AcquireSRWLockExclusive(&table_lock);
    for (i = 0; i < BUCKETS; i++) {
        while (buckets[i]) {
            struct socket_record *r = buckets[i];
            buckets[i] = r->next_in_bucket;
            r->next_in_bucket = all;
            all = r;
        }
    }
    ReleaseSRWLockExclusive(&table_lock);
    return all;
}

struct socket_record *socket_record_next_drained(struct socket_record *r)
{
    return r->next_in_bucket;
}

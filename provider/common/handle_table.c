/*
 * handle_table.c - records found by handle value (handle_table.h says who
 * uses it and why stale entries exist).
 */
#include "handle_table.h"

#include <stdlib.h>

/* Entries per bucket, on average, before the buckets double. */
enum { LOAD_LIMIT = 2 };

/* Kernel handle values are multiples of four; a multiplicative hash spreads
 * the rest over a power-of-two bucket count. */
static size_t bucket_of(ULONG_PTR handle, size_t bucket_count)
{
    ULONGLONG mixed = (ULONGLONG)(handle >> 2) * 0x9E3779B97F4A7C15ull;
    return (size_t)(mixed >> 32) & (bucket_count - 1);
}

/* Under the lock: the bucket array in use, the table's own until it grows. */
static struct handle_entry **bucket_array(struct handle_table *t)
{
    return t->buckets ? t->buckets : t->first_buckets;
}

void handle_entry_initialise(struct handle_entry *e, ULONG_PTR handle)
{
    e->handle = handle;
    e->refs = 1;
    e->next = NULL;
}

void handle_entry_reference(struct handle_entry *e)
{
    InterlockedIncrement(&e->refs);
}

BOOL handle_entry_dereference(struct handle_entry *e)
{
    return InterlockedDecrement(&e->refs) == 0;
}

LONG handle_entry_refs(const struct handle_entry *e)
{
    return InterlockedCompareExchange((volatile LONG *)&e->refs, 0, 0);
}

/* Under the exclusive lock: twice the buckets, every entry moved.  Without
 * the memory for it the table keeps its buckets; chains only get longer. */
static void grow(struct handle_table *t)
{
    size_t old_count = t->bucket_count, new_count = old_count * 2, i;
    struct handle_entry **old = bucket_array(t), **grown;

    if (new_count < old_count)
        return;
    grown = calloc(new_count, sizeof(*grown));
    if (!grown)
        return;
    for (i = 0; i < old_count; i++)
        while (old[i]) {
            struct handle_entry *e = old[i];
            size_t b = bucket_of(e->handle, new_count);
            old[i] = e->next;
            e->next = grown[b];
            grown[b] = e;
        }
    if (t->buckets)
        free(t->buckets);
    t->buckets = grown;
    t->bucket_count = new_count;
}

/* Under the lock (shared will do): the link that points at the first entry
 * matching handle (or, when want is given, at exactly want), or the end of
 * its chain, which points at NULL.  The one search of a chain. */
static struct handle_entry **find_link(struct handle_table *t, ULONG_PTR handle,
                                       const struct handle_entry *want)
{
    struct handle_entry **link = &bucket_array(t)[bucket_of(handle, t->bucket_count)];

    while (*link && !(want ? *link == want : (*link)->handle == handle))
        link = &(*link)->next;
    return link;
}

/* Under the exclusive lock: unlinks what find_link finds; NULL when there
 * is none. */
static struct handle_entry *unlink_entry(struct handle_table *t, ULONG_PTR handle,
                                         const struct handle_entry *want)
{
    struct handle_entry **link = find_link(t, handle, want), *e = *link;

    if (e) {
        *link = e->next;
        e->next = NULL;
        t->count--;
    }
    return e;
}

struct handle_entry *handle_table_insert(struct handle_table *t, struct handle_entry *e)
{
    struct handle_entry **buckets, *stale;
    size_t b;

    AcquireSRWLockExclusive(&t->lock);
    /* an entry left for a reused value is stale: the new one takes its place */
    stale = unlink_entry(t, e->handle, NULL);
    buckets = bucket_array(t);
    b = bucket_of(e->handle, t->bucket_count);
    e->next = buckets[b];
    buckets[b] = e;
    t->count++;
    if (t->count > t->bucket_count * LOAD_LIMIT)
        grow(t);
    ReleaseSRWLockExclusive(&t->lock);
    return stale;
}

struct handle_entry *handle_table_lookup(struct handle_table *t, ULONG_PTR handle)
{
    struct handle_entry *e;

    AcquireSRWLockShared(&t->lock);
    e = *find_link(t, handle, NULL);
    /* referenced under the lock: until then the table's reference keeps it */
    if (e)
        InterlockedIncrement(&e->refs);
    ReleaseSRWLockShared(&t->lock);
    return e;
}

BOOL handle_table_remove(struct handle_table *t, struct handle_entry *e)
{
    struct handle_entry *removed;

    AcquireSRWLockExclusive(&t->lock);
    removed = unlink_entry(t, e->handle, e);
    ReleaseSRWLockExclusive(&t->lock);
    return removed != NULL;
}

struct handle_entry *handle_table_take(struct handle_table *t, ULONG_PTR handle)
{
    struct handle_entry *e;

    AcquireSRWLockExclusive(&t->lock);
    e = unlink_entry(t, handle, NULL);
    ReleaseSRWLockExclusive(&t->lock);
    return e;
}

struct handle_entry *handle_table_drain(struct handle_table *t)
{
    struct handle_entry *all = NULL, **buckets;
    size_t i;

    AcquireSRWLockExclusive(&t->lock);
    buckets = bucket_array(t);
    for (i = 0; i < t->bucket_count; i++)
        while (buckets[i]) {
            struct handle_entry *e = buckets[i];
            buckets[i] = e->next;
            e->next = all;
            all = e;
        }
    /* back to the table's own buckets: a DLL unloaded after this leaks nothing */
    if (t->buckets)
        free(t->buckets);
    t->buckets = NULL;
    t->bucket_count = HANDLE_TABLE_FIRST_BUCKETS;
    t->count = 0;
    ReleaseSRWLockExclusive(&t->lock);
    return all;
}

struct handle_entry **handle_table_snapshot(struct handle_table *t, size_t *count)
{
    struct handle_entry **all = NULL, **buckets, *e;
    size_t n = 0, i;

    AcquireSRWLockShared(&t->lock);
    if (t->count) {
        all = malloc(t->count * sizeof(*all));
        buckets = bucket_array(t);
        for (i = 0; all && i < t->bucket_count; i++)
            for (e = buckets[i]; e; e = e->next) {
                InterlockedIncrement(&e->refs);
                all[n++] = e;
            }
    }
    ReleaseSRWLockShared(&t->lock);
    *count = n;
    return all;
}

/* One of the table's sizes, read under the shared lock so that it is the
 * value between two changes, never one half-made. */
static size_t read_shared(struct handle_table *t, const size_t *size)
{
    size_t n;

    AcquireSRWLockShared(&t->lock);
    n = *size;
    ReleaseSRWLockShared(&t->lock);
    return n;
}

size_t handle_table_count(struct handle_table *t)
{
    return read_shared(t, &t->count);
}

size_t handle_table_bucket_count(struct handle_table *t)
{
    return read_shared(t, &t->bucket_count);
}

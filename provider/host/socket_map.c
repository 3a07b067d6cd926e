/*
 * socket_map.c - which catalog entry each of our sockets belongs to.
 *
 * WPUModifyIFSHandle needs a catalog entry id, and WSPAccept has only the
 * listening socket to go on.  The id that matters is the one WSPSocket was
 * given, which is not necessarily one of our own four: a layered provider
 * that passes handles through hands us its own entry so that ws2.dll
 * routes the socket to it, and the accepted socket must go to the same
 * place.  So every socket we create is recorded here with that id, and
 * forgotten when closed.  Handle values are reused by the host as soon as
 * they are closed, so every insertion overwrites whatever stale record the
 * value may still have.  The record also says whether the socket is
 * overlapped, which decides whether a call's lpOverlapped is honoured
 * (io.c), and whether its next close must reset.
 *
 * A chained hash table under one slim reader/writer lock: lookups (accept, every
 * overlapped call, the catalog id of a socket) share it, creation and close take it exclusively.
 */
#include "hostprov.h"

#define BUCKET_COUNT 1024u

struct socket_record {
    SOCKET s;
    DWORD catalog_id;
    BOOL overlapped;        /* a kernel file without FILE_SYNCHRONOUS_IO_* */
    BOOL abortive;          /* SO_LINGER {1,0} was set: close with a reset */
    struct socket_record *next;
};

static struct socket_record *buckets[BUCKET_COUNT];
static SRWLOCK map_lock = SRWLOCK_INIT;

/* Kernel handle values are multiples of four. */
static unsigned bucket_of(SOCKET s)
{
    ULONG_PTR value = (ULONG_PTR)s >> 2;
    return (unsigned)(value ^ (value >> 10)) % BUCKET_COUNT;
}

BOOL socket_map_set(SOCKET s, DWORD catalog_id, BOOL overlapped)
{
    struct socket_record **head = &buckets[bucket_of(s)];
    struct socket_record *record;
    BOOL stored = TRUE;

    AcquireSRWLockExclusive(&map_lock);
    for (record = *head; record; record = record->next)
        if (record->s == s)
            break;
    if (!record) {
        record = HeapAlloc(GetProcessHeap(), 0, sizeof(*record));
        if (record) {
            record->s = s;
            record->abortive = FALSE;
            record->next = *head;
            *head = record;
        }
    }
    if (record) {
        record->catalog_id = catalog_id;
        record->overlapped = overlapped;
    } else
        stored = FALSE;
    ReleaseSRWLockExclusive(&map_lock);
    return stored;
}

BOOL socket_map_get(SOCKET s, DWORD *catalog_id)
{
    struct socket_record *record;
    BOOL found = FALSE;

    AcquireSRWLockShared(&map_lock);
    for (record = buckets[bucket_of(s)]; record; record = record->next) {
        if (record->s == s) {
            *catalog_id = record->catalog_id;
            found = TRUE;
            break;
        }
    }
    ReleaseSRWLockShared(&map_lock);
    return found;
}

/* Sockets we have no record of are taken as overlapped, the default. */
BOOL socket_map_overlapped(SOCKET s)
{
    struct socket_record *record;
    BOOL overlapped = TRUE;

    AcquireSRWLockShared(&map_lock);
    for (record = buckets[bucket_of(s)]; record; record = record->next) {
        if (record->s == s) {
            overlapped = record->overlapped;
            break;
        }
    }
    ReleaseSRWLockShared(&map_lock);
    return overlapped;
}

/* Remembered at setsockopt time, so that an ordinary close asks the host nothing. */
void socket_map_set_abortive(SOCKET s, BOOL abortive)
{
    struct socket_record *record;

    AcquireSRWLockExclusive(&map_lock);
    for (record = buckets[bucket_of(s)]; record; record = record->next)
        if (record->s == s) {
            record->abortive = abortive;
            break;
        }
    ReleaseSRWLockExclusive(&map_lock);
}

BOOL socket_map_take(SOCKET s, DWORD *catalog_id, BOOL *abortive, BOOL *overlapped)
{
    struct socket_record **link = &buckets[bucket_of(s)];
    struct socket_record *record = NULL;

    AcquireSRWLockExclusive(&map_lock);
    for (; *link; link = &(*link)->next) {
        if ((*link)->s == s) {
            record = *link;
            *link = record->next;
            break;
        }
    }
    ReleaseSRWLockExclusive(&map_lock);

    if (!record)
        return FALSE;
    *catalog_id = record->catalog_id;
    if (abortive)
        *abortive = record->abortive;
    if (overlapped)
        *overlapped = record->overlapped;
    HeapFree(GetProcessHeap(), 0, record);
    return TRUE;
}

void socket_map_clear(void)
{
    unsigned i;

    AcquireSRWLockExclusive(&map_lock);
    for (i = 0; i < BUCKET_COUNT; i++) {
        struct socket_record *record = buckets[i];
        buckets[i] = NULL;
        while (record) {
            struct socket_record *next = record->next;
            HeapFree(GetProcessHeap(), 0, record);
            record = next;
        }
    }
    ReleaseSRWLockExclusive(&map_lock);
}

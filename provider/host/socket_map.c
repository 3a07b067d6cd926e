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
 * The table is provider/common/handle_table.c: lookups (accept, every
 * overlapped call, the catalog id of a socket) hold a reference to a record
 * only while they read it.  A record's catalog id and overlapped flag never
 * change once it is in the table; its abortive flag is set by setsockopt.
 */
#include "hostprov.h"
#include "../common/handle_table.h"

struct socket_record {
    struct handle_entry link;   /* the table's links and the references */
    DWORD catalog_id;
    BOOL overlapped;            /* a kernel file without FILE_SYNCHRONOUS_IO_* */
    volatile LONG abortive;     /* SO_LINGER {1,0} was set: close with a reset */
};

static struct handle_table map = HANDLE_TABLE_INIT;

static struct socket_record *record_of(struct handle_entry *e)
{
    return e ? HANDLE_ENTRY_RECORD(e, struct socket_record, link) : NULL;
}

static void record_dereference(struct socket_record *record)
{
    /* dereference; delete on the last one */
    if (handle_entry_dereference(&record->link))
        HeapFree(GetProcessHeap(), 0, record);
}

BOOL socket_map_set(SOCKET s, DWORD catalog_id, BOOL overlapped)
{
    /* allocate */
    struct socket_record *record = HeapAlloc(GetProcessHeap(), 0, sizeof(*record));
    struct handle_entry *stale;

    if (!record)
        return FALSE;
    /* initialise: the one reference is the map's */
    handle_entry_initialise(&record->link, (ULONG_PTR)s);
    record->catalog_id = catalog_id;
    record->overlapped = overlapped;
    record->abortive = FALSE;
    /* a stale record for the value gives way with all it said: it was left
     * by a socket ended without WSPCloseSocket (CloseHandle), and the new
     * socket that has the value now asked for no reset */
    stale = handle_table_insert(&map, &record->link);
    if (stale)
        record_dereference(record_of(stale));
    return TRUE;
}

BOOL socket_map_get(SOCKET s, DWORD *catalog_id, BOOL *overlapped)
{
    /* reference while reading */
    struct socket_record *record = record_of(handle_table_lookup(&map, (ULONG_PTR)s));

    if (!record)
        return FALSE;
    *catalog_id = record->catalog_id;
    if (overlapped)
        *overlapped = record->overlapped;
    record_dereference(record);
    return TRUE;
}

/* Sockets we have no record of are taken as overlapped, the default. */
BOOL socket_map_overlapped(SOCKET s)
{
    struct socket_record *record = record_of(handle_table_lookup(&map, (ULONG_PTR)s));
    BOOL overlapped = TRUE;

    if (record) {
        overlapped = record->overlapped;
        record_dereference(record);
    }
    return overlapped;
}

/* Remembered at setsockopt time, so that an ordinary close asks the host nothing. */
void socket_map_set_abortive(SOCKET s, BOOL abortive)
{
    struct socket_record *record = record_of(handle_table_lookup(&map, (ULONG_PTR)s));

    if (record) {
        InterlockedExchange(&record->abortive, abortive);
        record_dereference(record);
    }
}

BOOL socket_map_take(SOCKET s, DWORD *catalog_id, BOOL *abortive, BOOL *overlapped)
{
    /* out of the map, with the map's reference */
    struct socket_record *record = record_of(handle_table_take(&map, (ULONG_PTR)s));

    if (!record)
        return FALSE;
    *catalog_id = record->catalog_id;
    if (abortive)
        *abortive = record->abortive;
    if (overlapped)
        *overlapped = record->overlapped;
    record_dereference(record);
    return TRUE;
}

void socket_map_clear(void)
{
    struct handle_entry *e = handle_table_drain(&map);

    while (e) {
        struct handle_entry *next = e->next;
        record_dereference(record_of(e));
        e = next;
    }
}

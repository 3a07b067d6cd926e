/*
 * socket.c - the handle table: which provider owns each application SOCKET.
 *
 * Providers choose the handle values (an IFS provider hands out its own
 * kernel handle, a non-IFS one gets one from WPUCreateSocketHandle), so the
 * table is keyed by value (provider/common/handle_table.c).  Handle values
 * are reused as soon as a provider closes one, so removal is by record
 * identity, never by value alone, and a record still there for a value a
 * provider hands out again is stale: the new record replaces it and the
 * table's reference to the stale one is dropped.
 */
#include "ws2_private.h"

static struct handle_table table = HANDLE_TABLE_INIT;

static struct socket_record *record_of(struct handle_entry *e)
{
    return e ? HANDLE_ENTRY_RECORD(e, struct socket_record, link) : NULL;
}

int socket_table_insert(SOCKET handle, struct catalog_entry *entry, struct provider *provider)
{
    struct socket_record *r;
    struct handle_entry *stale;

    /* allocate */
    r = calloc(1, sizeof(*r));
    if (!r)
        return WSA_NOT_ENOUGH_MEMORY;
    /* initialise: the table holds the first reference */
    handle_entry_initialise(&r->link, handle);
    catalog_entry_reference(entry);
    r->entry = entry;
    provider_reference(provider);
    r->provider = provider;
    /* a record left behind for a reused value is stale: the new one wins */
    stale = handle_table_insert(&table, &r->link);
    if (stale)
        socket_record_dereference(record_of(stale));
    return 0;
}

struct socket_record *socket_table_lookup(SOCKET handle)
{
    /* reference: the caller's, dropped by socket_record_dereference */
    return record_of(handle_table_lookup(&table, handle));
}

void socket_table_remove(struct socket_record *r)
{
    if (handle_table_remove(&table, &r->link))
        socket_record_dereference(r);   /* the table's reference */
}

void socket_record_dereference(struct socket_record *r)
{
    /* dereference; delete on the last one */
    if (!handle_entry_dereference(&r->link))
        return;
    provider_dereference(r->provider);
    catalog_entry_dereference(r->entry);
    free(r);
}

struct socket_record *socket_table_drain(void)
{
    return record_of(handle_table_drain(&table));
}

struct socket_record *socket_record_next_drained(struct socket_record *r)
{
    return record_of(r->link.next);
}

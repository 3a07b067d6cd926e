/*
 * handle_table.h - records found by handle value: the one table behind
 * ws2.dll's handle table (ws2/socket.c), celsp's socket contexts
 * (provider/lsp/socket_context.c) and hostprov's socket map
 * (provider/host/socket_map.c).
 *
 * Each layer's record embeds a struct handle_entry; the table links
 * entries by it and counts references on it, and the layer keeps what the
 * record means (and what its last dereference deletes).  Handle values are
 * chosen by the system or a provider and reused as soon as one is closed,
 * so a record may be left behind for a value that now names another
 * socket: inserting a value the table already holds takes that stale
 * entry out and hands it back, and the layer decides what becomes of it.
 * Removal is by entry identity (a newer entry for the same value is never
 * removed by mistake) or, for a layer without references in flight, by
 * value.
 *
 * Lifecycle of an entry, as everywhere in ce-winsock: allocated and
 * initialised by the layer (handle_entry_initialise: one reference, the
 * table's once inserted), referenced by every lookup, dereferenced by
 * whoever holds a reference, deleted by the layer when
 * handle_entry_dereference says the last one is gone.
 *
 * The table: one slim reader/writer lock (lookups share it, changes take it
 * alone), chained buckets whose count doubles when entries outnumber twice
 * the buckets, so a lookup stays short however many sockets are open.  A
 * table starts with HANDLE_TABLE_FIRST_BUCKETS buckets inside it; a grown
 * bucket array is freed again by handle_table_drain.
 */
#ifndef HANDLE_TABLE_H
#define HANDLE_TABLE_H

#include <windows.h>
#include <stddef.h>

struct handle_entry {
    ULONG_PTR handle;
    volatile LONG refs;
    struct handle_entry *next;      /* in its bucket; in a drained list, the next drained */
};

enum { HANDLE_TABLE_FIRST_BUCKETS = 64 };

struct handle_table {
    SRWLOCK lock;
    struct handle_entry **buckets;  /* NULL until grown: first_buckets */
    size_t bucket_count;            /* a power of two */
    size_t count;
    struct handle_entry *first_buckets[HANDLE_TABLE_FIRST_BUCKETS];
};

/* A table ready for use, for a static definition. */
#define HANDLE_TABLE_INIT { SRWLOCK_INIT, NULL, HANDLE_TABLE_FIRST_BUCKETS, 0, { NULL } }

/* The record of a layer holding entry e: e is its member named member. */
#define HANDLE_ENTRY_RECORD(e, type, member) \
    ((type *)((char *)(e) - offsetof(type, member)))

/* One reference (the table's, once inserted), linked nowhere yet. */
void handle_entry_initialise(struct handle_entry *e, ULONG_PTR handle);
void handle_entry_reference(struct handle_entry *e);
/* TRUE when this was the last reference: the caller deletes the record. */
BOOL handle_entry_dereference(struct handle_entry *e);
LONG handle_entry_refs(const struct handle_entry *e);

/* Puts e in the table with the reference it holds.  An entry already there
 * for the same value is taken out and returned, still holding the table's
 * reference; NULL when there was none. */
struct handle_entry *handle_table_insert(struct handle_table *t, struct handle_entry *e);
/* The entry for handle, referenced; NULL when there is none. */
struct handle_entry *handle_table_lookup(struct handle_table *t, ULONG_PTR handle);
/* Takes exactly e out; TRUE if it was in, and the caller now holds the
 * table's reference. */
BOOL handle_table_remove(struct handle_table *t, struct handle_entry *e);
/* Takes the entry for handle out and returns it with the table's
 * reference; NULL when there is none. */
struct handle_entry *handle_table_take(struct handle_table *t, ULONG_PTR handle);
/* Takes every entry out, each with the table's reference, linked by next;
 * the table is back to its first buckets. */
struct handle_entry *handle_table_drain(struct handle_table *t);
/* Every entry, referenced, in a malloc'ed array (free() it); *count says
 * how many (fewer than the table held if memory ran out). */
struct handle_entry **handle_table_snapshot(struct handle_table *t, size_t *count);

/* For tests and diagnostics. */
size_t handle_table_count(struct handle_table *t);
size_t handle_table_bucket_count(struct handle_table *t);

#endif

/*
 * provider_handle.h - the socket handles ws2.dll makes for non-IFS
 * providers (WPUCreateSocketHandle), found by value in a handle table of
 * their own (provider/common/handle_table.c, as every other layer's).
 */
#ifndef PROVIDER_HANDLE_H
#define PROVIDER_HANDLE_H

#include <winsock2.h>
#include <windows.h>
#include "../provider/common/handle_table.h"

struct provider_handle {
    struct handle_entry link;   /* link.handle: the pipe's server end, what the application holds */
    HANDLE client;              /* the pipe's client end: only ws2.dll writes to it */
    DWORD catalog_id;
    DWORD_PTR context;
    CRITICAL_SECTION io;        /* one completion at a time on this handle */
};

/* A new handle for the provider of catalog_id, in the table; INVALID_SOCKET
 * with *err set when the system had no pipe for it. */
SOCKET provider_handle_create(DWORD catalog_id, DWORD_PTR context, LPINT err);
/* The handle's record, referenced, or NULL when ws2.dll did not make s. */
struct provider_handle *provider_handle_reference(SOCKET s);
void provider_handle_dereference(struct provider_handle *h);
/* Takes s out of the table and drops the table's reference once no
 * completion is running on it; FALSE when ws2.dll did not make s. */
BOOL provider_handle_close(SOCKET s);

#endif

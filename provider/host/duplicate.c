/*
 * duplicate.c - WSPDuplicateSocket and its other half in WSPSocket.
 *
 * The host's WSADuplicateSocketW describes the socket with the host's own
 * catalog entry (its ids would mean nothing, or something else, to our
 * ws2.dll) plus whatever private fields the host needs to import the
 * socket in the target process (Wine, for one, hides the duplicated
 * handle and a magic value in its ids and service flags).  So what the
 * application receives is our catalog entry, which routes its
 * WSASocket(FROM_PROTOCOL_INFO) back to us, with the host's description
 * packed whole into the unused tail of szProtocol, and dwProviderReserved
 * (which the SPI leaves to the provider for exactly this) marking it.  The target's WSPSocket unpacks it and
 * gives it to the host's WSASocketW.
 *
 * Layout of szProtocol in a packed description:
 *   [0, NAME_ROOM)        the entry's name, NUL-terminated (truncated)
 *   [NAME_ROOM, ...)      struct packed_host_info, byte-copied (unaligned)
 */
#include "hostprov.h"

#include <stddef.h>
#include <string.h>

/* dwProviderReserved of a description made by WSPDuplicateSocket. */
#define DUPLICATE_MARK 0x70756468u      /* "hdup" */
#define PACKED_MAGIC   0x74736f68u      /* "host" */

/* WCHARs of szProtocol left for the name. */
#define NAME_ROOM 64

/* The host's description up to (not including) its szProtocol: every
 * field the host could use to find the socket again. */
#define HOST_HEAD_SIZE offsetof(WSAPROTOCOL_INFOW, szProtocol)

struct packed_host_info {
    DWORD magic;
    BYTE head[HOST_HEAD_SIZE];
};

_Static_assert(NAME_ROOM * sizeof(WCHAR) + sizeof(struct packed_host_info)
               <= sizeof(((WSAPROTOCOL_INFOW *)0)->szProtocol),
               "the host's description fits in szProtocol's tail");

static BYTE *packed_tail(WSAPROTOCOL_INFOW *info)
{
    return (BYTE *)&info->szProtocol[NAME_ROOM];
}

BOOL is_duplicate_info(const WSAPROTOCOL_INFOW *info)
{
    return info->dwProviderReserved == DUPLICATE_MARK;
}

/*
 * WHY: the application will carry the description to another process and
 * call WSASocket with it there; it must route to our catalog entry in that
 * process's ws2.dll, yet still hold everything the host needs to import
 * the socket.  See the top of this file.
 */
int WSPAPI WSPDuplicateSocket(SOCKET s, DWORD process_id,
                              LPWSAPROTOCOL_INFOW info, LPINT error)
{
    WSAPROTOCOL_INFOW host_info, ours;
    struct packed_host_info packed;
    DWORD caller_error, catalog_id;

    if (!info) {
        *error = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!catalog_id_of_socket(s, &catalog_id, error))
        return SOCKET_ERROR;

    caller_error = host_call_begin();
    if (WSADuplicateSocketW(s, process_id, &host_info) == SOCKET_ERROR) {
        host_call_failed(caller_error, error);
        return SOCKET_ERROR;
    }
    host_call_succeeded(caller_error, error);

    catalog_describe(catalog_id, &host_info, &ours);

    packed.magic = PACKED_MAGIC;
    memcpy(packed.head, &host_info, HOST_HEAD_SIZE);
    ours.szProtocol[NAME_ROOM - 1] = 0;
    memset(&ours.szProtocol[NAME_ROOM], 0,
           sizeof(ours.szProtocol) - NAME_ROOM * sizeof(WCHAR));
    memcpy(packed_tail(&ours), &packed, sizeof(packed));
    ours.dwProviderReserved = DUPLICATE_MARK;

    *info = ours;
    return 0;
}

SOCKET import_duplicate(const WSAPROTOCOL_INFOW *info, GROUP g, DWORD flags,
                        LPINT error)
{
    WSAPROTOCOL_INFOW copy = *info, host_info;
    struct packed_host_info packed;
    SOCKET host_socket;
    DWORD caller_error;

    memcpy(&packed, packed_tail(&copy), sizeof(packed));
    if (packed.magic != PACKED_MAGIC) {
        *error = WSAEINVAL;
        return INVALID_SOCKET;
    }
    memset(&host_info, 0, sizeof(host_info));
    memcpy(&host_info, packed.head, HOST_HEAD_SIZE);

    caller_error = host_call_begin();
    host_socket = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                             FROM_PROTOCOL_INFO, &host_info, g, flags);
    if (host_socket == INVALID_SOCKET) {
        host_call_failed(caller_error, error);
        return INVALID_SOCKET;
    }
    SetLastError(caller_error);

    return adopt_host_socket(host_socket, info->dwCatalogEntryId, HOST_MODE_ASK, error);
}

/*
 * queryset_pack.h - one WSAQUERYSETW or WSAQUERYSETA and everything it
 * points to, packed into one caller's buffer, as NSPLookupServiceNext and
 * WSALookupServiceNext hand results back: hostprov's namespace provider
 * (provider/host/namespace.c) and ws2.dll's WSALookupServiceNextA
 * (ws2/nslookup_ansi.c).  No Winsock calls.
 */
#ifndef CEWS2_QUERYSET_PACK_H
#define CEWS2_QUERYSET_PACK_H

#include <cews2.h>

struct queryset_content {
    const WCHAR *name;              /* lpszServiceInstanceName (NULL: none) */
    const GUID *class_id;           /* lpServiceClassId */
    DWORD name_space;
    const GUID *provider_id;        /* lpNSProviderId */
    const WCHAR *comment;           /* lpszComment */
    const CSADDR_INFO *addrs;       /* copied with the sockaddrs they point to */
    DWORD addr_count;
    const void *blob;               /* lpBlob's data */
    DWORD blob_size;
    DWORD output_flags;
};

/*
 * Writes content into buffer (*length bytes) as a WSAQUERYSETW, or as a
 * WSAQUERYSETA when narrow (strings in the ANSI code page).  Returns 0,
 * or WSAEFAULT with *length = the bytes it needs (buffer untouched).
 */
int queryset_pack(const struct queryset_content *content, BOOL narrow, void *buffer, DWORD *length);

#endif

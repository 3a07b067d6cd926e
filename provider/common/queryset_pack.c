/*
 * queryset_pack.c - packing a query set and what it points to into one
 * buffer (queryset_pack.h).  Two passes over the same layout: the first
 * with no buffer measures, the second writes, so the size asked for is
 * exactly the size used.
 */
#include "queryset_pack.h"

#include <string.h>

struct packer {
    BYTE *base;                     /* NULL while measuring */
    DWORD used;
};

/* Room for n bytes, 8-byte aligned; NULL while measuring. */
static void *take(struct packer *p, DWORD n)
{
    DWORD at = (p->used + 7) & ~7u;
    p->used = at + n;
    return p->base ? p->base + at : NULL;
}

static void *copy(struct packer *p, const void *data, DWORD n)
{
    void *to = take(p, n);
    if (to)
        memcpy(to, data, n);
    return to;
}

static void *text(struct packer *p, const WCHAR *s, BOOL narrow)
{
    if (!s)
        return NULL;
    if (!narrow)
        return copy(p, s, (DWORD)((wcslen(s) + 1) * sizeof(WCHAR)));
    int n = WideCharToMultiByte(CP_ACP, 0, s, -1, NULL, 0, NULL, NULL);
    char *to = take(p, (DWORD)(n > 0 ? n : 1));
    if (to) {
        to[0] = 0;
        if (n > 0)
            WideCharToMultiByte(CP_ACP, 0, s, -1, to, n, NULL, NULL);
    }
    return to;
}

/* The layout of WSAQUERYSETA and WSAQUERYSETW is the same but for the
 * type of the strings, so one pass fills either. */
static void pack(struct packer *p, const struct queryset_content *c, BOOL narrow)
{
    WSAQUERYSETW *q = take(p, sizeof(*q));
    CSADDR_INFO *addrs;
    void *name, *comment;
    GUID *class_id = NULL, *provider_id = NULL;
    BLOB *blob = NULL;

    if (q)
        memset(q, 0, sizeof(*q));
    name = text(p, c->name, narrow);
    comment = text(p, c->comment, narrow);
    if (c->class_id)
        class_id = copy(p, c->class_id, sizeof(GUID));
    if (c->provider_id)
        provider_id = copy(p, c->provider_id, sizeof(GUID));
    addrs = c->addr_count ? take(p, c->addr_count * (DWORD)sizeof(CSADDR_INFO)) : NULL;
    for (DWORD i = 0; i < c->addr_count; i++) {
        const CSADDR_INFO *from = &c->addrs[i];
        SOCKADDR *local = NULL, *remote = NULL;
        if (from->LocalAddr.lpSockaddr && from->LocalAddr.iSockaddrLength > 0)
            local = copy(p, from->LocalAddr.lpSockaddr, (DWORD)from->LocalAddr.iSockaddrLength);
        if (from->RemoteAddr.lpSockaddr && from->RemoteAddr.iSockaddrLength > 0)
            remote = copy(p, from->RemoteAddr.lpSockaddr, (DWORD)from->RemoteAddr.iSockaddrLength);
        if (addrs) {
            addrs[i] = *from;
            addrs[i].LocalAddr.lpSockaddr = local;
            addrs[i].RemoteAddr.lpSockaddr = remote;
        }
    }
    if (c->blob) {
        blob = take(p, sizeof(*blob));
        BYTE *data = copy(p, c->blob, c->blob_size);
        if (blob) {
            blob->cbSize = c->blob_size;
            blob->pBlobData = data;
        }
    }
    if (!q)
        return;
    q->dwSize = sizeof(*q);
    q->lpszServiceInstanceName = name;
    q->lpServiceClassId = class_id;
    q->dwNameSpace = c->name_space;
    q->lpNSProviderId = provider_id;
    q->lpszComment = comment;
    q->dwNumberOfCsAddrs = c->addr_count;
    q->lpcsaBuffer = addrs;
    q->lpBlob = blob;
    q->dwOutputFlags = c->output_flags;
}

int queryset_pack(const struct queryset_content *content, BOOL narrow, void *buffer, DWORD *length)
{
    struct packer measure = { NULL, 0 }, write;

    pack(&measure, content, narrow);
    if (!buffer || *length < measure.used) {
        *length = measure.used;
        return WSAEFAULT;
    }
    write.base = buffer;
    write.used = 0;
    pack(&write, content, narrow);
    return 0;
}

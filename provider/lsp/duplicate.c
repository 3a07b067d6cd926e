/*
 * duplicate.c - WSPDuplicateSocket and its other half in WSPSocket.
 *
 * A duplicate must come back through celsp in the target process, or it
 * would lose the CE contract there (it would be a plain socket of the
 * provider below).  So the description the application carries names our
 * chain entry, and the provider below's own description travels beside it:
 * in a section (shared memory) that this process fills and hands to the
 * target process as a handle of its own, the way the SPI leaves
 * dwProviderReserved to the provider for.  The section also carries the
 * socket's CE settings (linger, the note option, non-blocking), so the
 * duplicate closes the way the original would.
 *
 * The underlying socket is shared: each process's closesocket releases
 * only its own reference, and the connection ends (gracefully, or with the
 * reset a hard linger asks for) with the last one, as the reference page
 * says of the "last reference".
 */
#include "celsp.h"

#define DUPLICATE_MAGIC   0x70647363u      /* "csdp" */
#define DUPLICATE_VERSION 2u
/* Where in szProtocol the marker goes: past any name we give an entry. */
#define MARK_AT           (WSAPROTOCOL_LEN - 4)
static const WCHAR duplicate_mark[3] = { 0x1d, L'C', L'D' };

struct duplicate_record {
    DWORD magic;
    DWORD version;
    WSAPROTOCOL_INFOW lower_info;   /* what the provider below described */
    int type;
    struct linger linger;
    BOOL linger_note;
    BOOL nonblocking;
    /* for a duplicate into this same process: the handles' group
     * (shared_socket.c), valid only in the process that made it */
    DWORD origin_pid;
    UINT64 shared;
};

BOOL duplicate_is_ours(const WSAPROTOCOL_INFOW *info)
{
    return !memcmp(&info->szProtocol[MARK_AT], duplicate_mark, sizeof(duplicate_mark)) &&
           info->dwProviderReserved != 0;
}

/* The section with rec, as a handle valid in process pid; NULL with *err. */
static HANDLE section_for(DWORD pid, const struct duplicate_record *rec, int *err)
{
    HANDLE section, target, remote = NULL;
    void *view;

    section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(*rec),
                                 NULL);
    if (!section) {
        *err = WSAENOBUFS;
        return NULL;
    }
    view = MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, sizeof(*rec));
    if (!view) {
        CloseHandle(section);
        *err = WSAENOBUFS;
        return NULL;
    }
    memcpy(view, rec, sizeof(*rec));
    UnmapViewOfFile(view);
    /* the target owns the only handle: the section lives until it imports */
    target = pid == GetCurrentProcessId() ? GetCurrentProcess()
                                          : OpenProcess(PROCESS_DUP_HANDLE, FALSE, pid);
    if (!target) {
        CloseHandle(section);
        *err = WSAEINVAL;
        return NULL;
    }
    if (!DuplicateHandle(GetCurrentProcess(), section, target, &remote, FILE_MAP_READ, FALSE,
                         DUPLICATE_CLOSE_SOURCE)) {
        remote = NULL;
        *err = WSAEINVAL;
    }
    if (target != GetCurrentProcess())
        CloseHandle(target);
    return remote;
}

/*
 * WHY: the provider below describes its socket; we wrap that description
 * so that the target's WSASocket reaches our chain entry, and celsp there
 * can import the socket from the provider below with the same CE settings.
 */
int WSPAPI lsp_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err)
{
    struct lsp_socket *so = socket_context_lookup(s, err);
    struct duplicate_record rec;
    WSAPROTOCOL_INFOW ours;
    HANDLE remote;
    int result = SOCKET_ERROR;

    if (!so)
        return SOCKET_ERROR;
    if (!chain_info(so->catalog_id, &ours)) {
        *err = WSAEINVALIDPROVIDER;
        goto done;
    }
    memset(&rec, 0, sizeof(rec));
    rec.magic = DUPLICATE_MAGIC;
    rec.version = DUPLICATE_VERSION;
    if (so->lower->procs.lpWSPDuplicateSocket(s, pid, &rec.lower_info, err))
        goto done;
    AcquireSRWLockShared(&so->lock);
    rec.type = so->type;
    rec.linger = so->linger;
    rec.linger_note = so->linger_note;
    rec.nonblocking = so->nonblocking;
    ReleaseSRWLockShared(&so->lock);
    rec.origin_pid = GetCurrentProcessId();
    if (pid == rec.origin_pid) {
        struct shared_socket *sh = shared_socket_for(so);
        if (!sh) {
            *err = WSAENOBUFS;
            goto done;
        }
        rec.shared = (UINT64)(UINT_PTR)sh;
    }
    if (!(remote = section_for(pid, &rec, err))) {
        shared_socket_release((struct shared_socket *)(UINT_PTR)rec.shared);
        goto done;
    }
    /* our entry, marked, with the section's handle in the target */
    ours.szProtocol[MARK_AT - 1] = 0;
    memcpy(&ours.szProtocol[MARK_AT], duplicate_mark, sizeof(duplicate_mark));
    ours.dwProviderReserved = (DWORD)(UINT_PTR)remote;
    *info = ours;
    result = 0;
done:
    socket_context_dereference(so);
    return result;
}

/*
 * WHY: the other half, in the target process: the provider below imports
 * its socket from its own description, and the context takes the
 * original's CE settings.
 */
SOCKET duplicate_import(struct lower *lower, const WSAPROTOCOL_INFOW *info, GROUP group,
                        DWORD flags, LPINT err)
{
    HANDLE section = (HANDLE)(UINT_PTR)info->dwProviderReserved;
    struct duplicate_record rec;
    struct lsp_socket settings, *so;
    struct shared_socket *sh;
    const struct duplicate_record *view;
    SOCKET s;
    int ignored;

    view = MapViewOfFile(section, FILE_MAP_READ, 0, 0, sizeof(rec));
    if (!view) {
        *err = WSAEINVAL;   /* not a description made for this process */
        return INVALID_SOCKET;
    }
    rec = *view;
    UnmapViewOfFile(view);
    if (rec.magic != DUPLICATE_MAGIC || rec.version != DUPLICATE_VERSION) {
        *err = WSAEINVAL;
        return INVALID_SOCKET;
    }
    /* imported once: the section is not needed any more */
    CloseHandle(section);
    sh = rec.origin_pid == GetCurrentProcessId() ? (struct shared_socket *)(UINT_PTR)rec.shared
                                                 : NULL;
    s = lower->procs.lpWSPSocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                                 &rec.lower_info, group, flags, err);
    if (s == INVALID_SOCKET) {
        shared_socket_release(sh);
        return INVALID_SOCKET;
    }
    memset(&settings, 0, sizeof(settings));
    InitializeSRWLock(&settings.lock);
    settings.linger = rec.linger;
    settings.linger_note = rec.linger_note != 0;
    settings.nonblocking = rec.nonblocking != 0;
    s = lsp_adopt(s, lower, info->dwCatalogEntryId, rec.type, &settings, err);
    /* the duplicate joins the original's group, with the description's reference */
    if (sh && (s == INVALID_SOCKET || !(so = socket_context_lookup(s, &ignored)))) {
        shared_socket_release(sh);
    } else if (sh) {
        shared_socket_join(so, sh);
        socket_context_dereference(so);
    }
    return s;
}

/*
 * process.c - the process object: WSAStartup/WSACleanup and what they own.
 *
 * CE builds its catalog when the device boots; a desktop process has no
 * boot, so ws2.dll builds the catalog at the first WSAStartup of the process
 * (and again after the last WSACleanup released it), running every
 * registration's entry then.
 */
#include "ws2_private.h"

static CRITICAL_SECTION lock;
static LONG startup_count;
static struct catalog *catalog;
static struct thread_slot catalog_being_built = THREAD_SLOT_VALUE;

void process_lock(void)   { EnterCriticalSection(&lock); }
void process_unlock(void) { LeaveCriticalSection(&lock); }

BOOL process_started(void)
{
    return InterlockedCompareExchange(&startup_count, 0, 0) > 0;
}

struct catalog *process_catalog_being_built(void)
{
    return thread_slot_get(&catalog_being_built);
}

BOOL process_build_enter(struct catalog *c, struct catalog **outer)
{
    *outer = thread_slot_get(&catalog_being_built);
    return thread_slot_set(&catalog_being_built, c);
}

void process_build_leave(struct catalog *outer)
{
    thread_slot_set(&catalog_being_built, outer);   /* the slot exists: cannot fail */
}

struct catalog *process_catalog_if_built(void)
{
    struct catalog *c;
    process_lock();
    c = catalog;
    process_unlock();
    return c;
}

struct catalog *process_catalog(void)
{
    struct catalog *c;
    process_lock();
    if (!catalog) {
        /* Build into a fresh object and publish it only when complete, so
         * that entries' WSCInstallProvider calls land in it. */
        struct catalog *outer = NULL;
        c = catalog_allocate();
        /* without the thread's slot an entry's WSCInstallProvider would
         * build the catalog again from inside this build: none at all */
        if (c && !process_build_enter(c, &outer)) {
            catalog_delete(c);
            c = NULL;
        }
        if (c) {
            catalog_load_registrations(c);
            process_build_leave(outer);
            catalog = c;
        }
    }
    c = catalog;
    process_unlock();
    return c;
}

/* Closes what the application left open, then stops every provider. */
static void process_release_everything(void)
{
    struct socket_record *r = socket_table_drain();
    struct catalog *c;

    /* close each socket through its provider, so providers release state */
    while (r) {
        struct socket_record *next = socket_record_next_drained(r);
        int err = 0;
        PROVIDER_CALL(r).lpWSPCloseSocket(r->link.handle, &err);
        socket_record_dereference(r);
        r = next;
    }
    process_lock();
    c = catalog;
    catalog = NULL;
    process_unlock();
    /* deleting the catalog cleans up each started provider (WSPCleanup) */
    if (c)
        catalog_delete(c);
    /* and each started namespace provider (NSPCleanup) */
    ns_catalog_cleanup();
}

int impl_WSAStartup(WORD version, LPWSADATA data)
{
    BYTE major = LOBYTE(version), minor = HIBYTE(version);
    WORD granted;

    /* a version it cannot offer is said first, even with nowhere to write */
    if (!data)
        return major == 0 ? WSAVERNOTSUPPORTED : WSAEFAULT;
    /* The version granted, as Windows grants it: 1.0 and 1.1 (a higher 1.x is
     * 1.1), 2.0 to 2.2 (higher is 2.2); an unknown major is offered 2.2 in
     * wVersion, and major 0 is refused with the WSADATA filled all the same. */
    if (major == 1)
        granted = MAKEWORD(1, minor > 1 ? 1 : minor);
    else if (major == 2)
        granted = MAKEWORD(2, minor > 2 ? 2 : minor);
    else
        granted = MAKEWORD(2, 2);
    /* lpVendorInfo is the application's to keep: Winsock 2 leaves it alone */
    data->wVersion = granted;
    data->wHighVersion = MAKEWORD(2, 2);
    memset(data->szDescription, 0, sizeof(data->szDescription));
    memset(data->szSystemStatus, 0, sizeof(data->szSystemStatus));
    strcpy(data->szDescription, "WinSock 2.0");
    strcpy(data->szSystemStatus, "Running");
    /* Winsock 1 applications read these limits; Winsock 2 has none */
    data->iMaxSockets = major == 1 ? 32767 : 0;
    data->iMaxUdpDg = major == 1 ? 65467 : 0;
    if (major == 0)
        return WSAVERNOTSUPPORTED;

    process_lock();
    if (startup_count++ == 0 && !process_catalog()) {
        startup_count--;
        process_unlock();
        return WSASYSNOTREADY;
    }
    process_unlock();
    return 0;
}

int impl_WSACleanup(void)
{
    BOOL last;

    process_lock();
    if (startup_count == 0) {
        process_unlock();
        return api_fail(WSANOTINITIALISED);
    }
    last = --startup_count == 0;
    process_unlock();
    if (last)
        process_release_everything();
    SetLastError(0);   /* as on Windows: a success clears the last error */
    return 0;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    if (reason == DLL_PROCESS_ATTACH)
        InitializeCriticalSection(&lock);
    /* ws2's per-thread values are Win32 TLS slots (thread_slot.h), let go
     * here and nowhere else: no emulated TLS callback runs before us */
    else if (reason == DLL_THREAD_DETACH)
        thread_slots_thread_exit();
    /* FreeLibrary (reserved NULL); at process exit the other threads were
     * stopped wherever they were and the process's memory goes anyway */
    else if (reason == DLL_PROCESS_DETACH && !reserved)
        thread_slots_unload();
    return TRUE;
}

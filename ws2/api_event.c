/*
 * api_event.c - WSA event objects: manual-reset Win32 events, as on CE.
 */
#include "ws2_private.h"

WSAEVENT WSAAPI WSACreateEvent(void)
{
    TRACE_START(t);
    HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
    TRACE_API(t, NULL, e ? 0 : WSA_NOT_ENOUGH_MEMORY, "WSACreateEvent() = 0x%llx", TP(e));
    if (!e)
        WSASetLastError(WSA_NOT_ENOUGH_MEMORY);
    return e ? e : WSA_INVALID_EVENT;
}

/* WSACloseEvent, WSASetEvent and WSAResetEvent: one Win32 call each. */
static BOOL event_call(LONGLONG t, const char *api, BOOL (WINAPI *fn)(HANDLE), WSAEVENT e)
{
    BOOL ok = fn(e);
    TRACE_API(t, NULL, ok ? 0 : WSA_INVALID_HANDLE, "%s(event=0x%llx) = %s", api, TP(e),
              ok ? "TRUE" : "FALSE");
    if (!ok)
        WSASetLastError(WSA_INVALID_HANDLE);
    return ok;
}

BOOL WSAAPI WSACloseEvent(WSAEVENT e)
{
    TRACE_START(t);
    return event_call(t, "WSACloseEvent", CloseHandle, e);
}

BOOL WSAAPI WSASetEvent(WSAEVENT e)
{
    TRACE_START(t);
    return event_call(t, "WSASetEvent", SetEvent, e);
}

BOOL WSAAPI WSAResetEvent(WSAEVENT e)
{
    TRACE_START(t);
    return event_call(t, "WSAResetEvent", ResetEvent, e);
}

DWORD WSAAPI WSAWaitForMultipleEvents(DWORD count, const WSAEVENT *events, BOOL wait_all,
                                      DWORD timeout, BOOL alertable)
{
    TRACE_START(t);
    DWORD result;
    int err = 0;

    if (count == 0 || count > WSA_MAXIMUM_WAIT_EVENTS) {
        err = WSA_INVALID_PARAMETER;
        result = WSA_WAIT_FAILED;
    } else if (!api_readable(events, count * sizeof(*events))) {
        err = WSAEFAULT;
        result = WSA_WAIT_FAILED;
    } else {
        result = WaitForMultipleObjectsEx(count, events, wait_all, timeout, alertable);
        if (result == WAIT_FAILED)
            err = WSA_INVALID_HANDLE;
    }
    TRACE_API(t, NULL, err, "WSAWaitForMultipleEvents(count=%lu, events=0x%llx, wait_all=%d, "
              "timeout=%lu, alertable=%d) = %lu", count, TP(events), wait_all, timeout, alertable,
              result);
    if (err)
        WSASetLastError(err);
    return result;
}

/*
 * api_event.c - WSA event objects: manual-reset Win32 events, as on CE.
 */
#include "ws2_private.h"

WSAEVENT WSAAPI WSACreateEvent(void)
{
    HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!e)
        WSASetLastError(WSA_NOT_ENOUGH_MEMORY);
    return e ? e : WSA_INVALID_EVENT;
}

BOOL WSAAPI WSACloseEvent(WSAEVENT e)
{
    if (CloseHandle(e))
        return TRUE;
    WSASetLastError(WSA_INVALID_HANDLE);
    return FALSE;
}

BOOL WSAAPI WSASetEvent(WSAEVENT e)
{
    if (SetEvent(e))
        return TRUE;
    WSASetLastError(WSA_INVALID_HANDLE);
    return FALSE;
}

BOOL WSAAPI WSAResetEvent(WSAEVENT e)
{
    if (ResetEvent(e))
        return TRUE;
    WSASetLastError(WSA_INVALID_HANDLE);
    return FALSE;
}

DWORD WSAAPI WSAWaitForMultipleEvents(DWORD count, const WSAEVENT *events, BOOL wait_all,
                                      DWORD timeout, BOOL alertable)
{
    DWORD result;
    if (count == 0 || count > WSA_MAXIMUM_WAIT_EVENTS) {
        WSASetLastError(WSA_INVALID_PARAMETER);
        return WSA_WAIT_FAILED;
    }
    if (!api_readable(events, count * sizeof(*events))) {
        WSASetLastError(WSAEFAULT);
        return WSA_WAIT_FAILED;
    }
    result = WaitForMultipleObjectsEx(count, events, wait_all, timeout, alertable);
    if (result == WAIT_FAILED)
        WSASetLastError(WSA_INVALID_HANDLE);
    return result;
}

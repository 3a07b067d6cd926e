/*
 * mswsock.c - AcceptEx, GetAcceptExSockaddrs and TransmitFile, as mswsock.h
 * declares them, answered by the socket's own provider: each asks for the
 * provider's function with SIO_GET_EXTENSION_FUNCTION_POINTER (through
 * ws2.dll, so through the layered provider too) and calls it.
 *
 * GetAcceptExSockaddrs has no socket to ask: it parses a buffer that an
 * AcceptEx filled, so it uses the parser the provider of the last AcceptEx
 * handed out (the buffer's layout is that provider's).
 */
#include <winsock2.h>
#include <mswsock.h>

static LPFN_GETACCEPTEXSOCKADDRS volatile last_sockaddrs_parser;

/* The provider's extension function for s, or NULL with the last error set. */
static void *extension_of(SOCKET s, GUID id)
{
    void *fn = NULL;
    DWORD returned = 0;
    if (WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id), &fn, sizeof(fn),
                 &returned, NULL, NULL) != 0)
        return NULL;
    return fn;
}

BOOL WINAPI AcceptEx(SOCKET listener, SOCKET accepted, PVOID buffer, DWORD data_length,
                     DWORD local_length, DWORD remote_length, LPDWORD received,
                     LPOVERLAPPED ov)
{
    LPFN_ACCEPTEX accept_ex = extension_of(listener, (GUID)WSAID_ACCEPTEX);
    LPFN_GETACCEPTEXSOCKADDRS parser = extension_of(listener, (GUID)WSAID_GETACCEPTEXSOCKADDRS);

    if (parser)
        last_sockaddrs_parser = parser;
    if (!accept_ex)
        return FALSE;
    return accept_ex(listener, accepted, buffer, data_length, local_length, remote_length,
                     received, ov);
}

VOID WINAPI GetAcceptExSockaddrs(PVOID buffer, DWORD data_length, DWORD local_length,
                                 DWORD remote_length, struct sockaddr **local, LPINT local_size,
                                 struct sockaddr **remote, LPINT remote_size)
{
    LPFN_GETACCEPTEXSOCKADDRS parser = last_sockaddrs_parser;

    if (parser) {
        parser(buffer, data_length, local_length, remote_length, local, local_size, remote,
               remote_size);
        return;
    }
    /* no AcceptEx has run in this process: there is nothing to parse */
    if (local)
        *local = NULL;
    if (local_size)
        *local_size = 0;
    if (remote)
        *remote = NULL;
    if (remote_size)
        *remote_size = 0;
}

BOOL WINAPI TransmitFile(SOCKET s, HANDLE file, DWORD bytes, DWORD bytes_per_send,
                         LPOVERLAPPED ov, LPTRANSMIT_FILE_BUFFERS buffers, DWORD flags)
{
    LPFN_TRANSMITFILE transmit = extension_of(s, (GUID)WSAID_TRANSMITFILE);
    if (!transmit)
        return FALSE;
    return transmit(s, file, bytes, bytes_per_send, ov, buffers, flags);
}

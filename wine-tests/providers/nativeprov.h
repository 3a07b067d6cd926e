/*
 * nativeprov.h - what test_linger_native and nativeprov.dll (a test base
 * provider emulating a Windows host whose closesocket lingers itself,
 * wine-tests/providers/nativeprov.c) agree on.
 */
#ifndef NATIVEPROV_H
#define NATIVEPROV_H

#include <cews2.h>

/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0020} */
#define NATIVEPROV_GUID \
    { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x20 } }

#define NATIVEPROV_PROTOCOL_NAME L"Native-linger TCP/IPv4 (ce-winsock test)"

/* Counters of the closes it carried out with a linger interval, exported
 * as NativeprovStats (the test loads the DLL itself too). */
struct nativeprov_stats {
    LONG lingering_closes;      /* WSPCloseSocket with SO_LINGER {1, N>0} */
    LONG would_block;           /* ... non-blocking with data queued: WSAEWOULDBLOCK */
    LONG drained;               /* ... blocking, waited until the peer had it all */
    LONG timed_out;             /* ... blocking, reset when the interval ended */
};
typedef void (WINAPI *NATIVEPROV_STATS)(struct nativeprov_stats *out);

#endif

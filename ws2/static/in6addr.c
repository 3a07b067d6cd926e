/* in6addr.c - the two IPv6 addresses ws2tcpip.h declares as data. */
#include <winsock2.h>
#include <ws2tcpip.h>

const struct in6_addr in6addr_any = { { { 0 } } };
const struct in6_addr in6addr_loopback = { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };

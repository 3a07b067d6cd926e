/*
 * netdb_pack.h - database answers packed into one buffer (netdb_pack.c),
 * for the WSAAsyncGetXByY calls (api_async_lookup.c).
 */
#ifndef CEWS2_NETDB_PACK_H
#define CEWS2_NETDB_PACK_H

#include <winsock2.h>

/* Each writes e into out (size bytes) as it must look at address base,
 * when it fits, and returns the size the packed answer needs either way. */
size_t netdb_pack_servent(const struct servent *e, char *out, size_t size, ULONG_PTR base);
size_t netdb_pack_protoent(const struct protoent *e, char *out, size_t size, ULONG_PTR base);
size_t netdb_pack_hostent(const struct hostent *e, char *out, size_t size, ULONG_PTR base);

#endif

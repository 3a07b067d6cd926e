/*
 * wspiapi.c - the targets of <wspiapi.h>'s renames (getaddrinfo ->
 * WspiapiGetAddrInfo, ...).  The header exists for Windows 2000, which had
 * no getaddrinfo; ws2.dll has it, so each simply calls ws2.dll's.
 */
#include <winsock2.h>
#include <ws2tcpip.h>

int WINAPI WspiapiGetAddrInfo(const char *node, const char *service, const struct addrinfo *hints,
                              struct addrinfo **result);
int WINAPI WspiapiGetNameInfo(const struct sockaddr *sa, socklen_t salen, char *host,
                              size_t hostlen, char *serv, size_t servlen, int flags);
void WINAPI WspiapiFreeAddrInfo(struct addrinfo *list);

int WINAPI WspiapiGetAddrInfo(const char *node, const char *service, const struct addrinfo *hints,
                              struct addrinfo **result)
{
    return getaddrinfo(node, service, hints, result);
}

int WINAPI WspiapiGetNameInfo(const struct sockaddr *sa, socklen_t salen, char *host,
                              size_t hostlen, char *serv, size_t servlen, int flags)
{
    /* getnameinfo takes DWORD lengths: a larger buffer is used up to 4 GiB */
    return getnameinfo(sa, salen, host, hostlen > MAXDWORD ? MAXDWORD : (DWORD)hostlen, serv,
                       servlen > MAXDWORD ? MAXDWORD : (DWORD)servlen, flags);
}

void WINAPI WspiapiFreeAddrInfo(struct addrinfo *list)
{
    freeaddrinfo(list);
}

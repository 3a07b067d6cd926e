/*
 * echo_server.c - the smallest TCP server on ce-winsock.
 *
 *   echo_server [PORT]     listen on 127.0.0.1:PORT (0 or none: any free
 *                          port), serve ONE client: send back everything it
 *                          sends until it closes, then exit 0.
 *
 * Porting your own code: it is plain Winsock 2.  Include <cews2.h> (or keep
 * <winsock2.h>: cews2.h only adds the CE definitions), link -lws2 (ws2.dll,
 * the CE stack) instead of -lws2_32, and at run time put ws2.dll and the
 * provider DLLs where the program finds them (see README).  Everything
 * below would build unchanged against the desktop's ws2_32.
 */
#include <cews2.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what)
{
    fprintf(stderr, "echo_server: %s failed: error %d\n", what, WSAGetLastError());
    WSACleanup();
    return 1;
}

int main(int argc, char **argv)
{
    WSADATA wd;
    struct sockaddr_in addr = { 0 };
    int addrlen = sizeof(addr);
    SOCKET listener, client;
    char buf[4096];
    int n;
    long total = 0;

    /* 1. Start Winsock: on ce-winsock this also loads the registered
     *    providers (hostprov.dll, celsp.dll) into the catalog. */
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0) {
        fprintf(stderr, "echo_server: WSAStartup failed\n");
        return 1;
    }

    /* 2. A TCP socket, bound to the loopback address, listening. */
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (listener == INVALID_SOCKET)
        return fail("socket");
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((u_short)(argc > 1 ? atoi(argv[1]) : 0));
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
        return fail("bind");
    if (listen(listener, 1) == SOCKET_ERROR)
        return fail("listen");

    /* Tell the user (or a script) which port we got. */
    if (getsockname(listener, (struct sockaddr *)&addr, &addrlen) == SOCKET_ERROR)
        return fail("getsockname");
    printf("echo_server: listening on 127.0.0.1:%u\n", ntohs(addr.sin_port));
    fflush(stdout);

    /* 3. One client; the listener is not needed after that. */
    client = accept(listener, NULL, NULL);
    if (client == INVALID_SOCKET)
        return fail("accept");
    closesocket(listener);

    /* 4. Echo until the client closes its side (recv returns 0). */
    while ((n = recv(client, buf, sizeof(buf), 0)) > 0) {
        int sent = 0;
        while (sent < n) {              /* send may take less than asked */
            int m = send(client, buf + sent, n - sent, 0);
            if (m == SOCKET_ERROR)
                return fail("send");
            sent += m;
        }
        total += n;
    }
    if (n == SOCKET_ERROR)
        return fail("recv");

    /* 5. Close.  The default (SO_DONTLINGER) returns at once and still
     *    delivers what is queued, then FIN: see the lingertable sample. */
    closesocket(client);
    printf("echo_server: echoed %ld bytes, client closed\n", total);
    WSACleanup();
    return 0;
}

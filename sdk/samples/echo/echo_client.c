/*
 * echo_client.c - the smallest TCP client on ce-winsock.
 *
 *   echo_client PORT [TEXT]   connect to 127.0.0.1:PORT, send TEXT (default
 *                             "hello, CE"), read the echo back, print it,
 *                             exit 0 if it matches.
 *
 * See echo_server.c for what porting takes (include <cews2.h>, link -lws2).
 */
#include <cews2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
    fprintf(stderr, "echo_client: %s failed: error %d\n", what, WSAGetLastError());
    WSACleanup();
    return 1;
}

int main(int argc, char **argv)
{
    WSADATA wd;
    struct sockaddr_in addr = { 0 };
    const char *text = argc > 2 ? argv[2] : "hello, CE";
    int len, got = 0, n;
    char buf[1024];
    SOCKET s;

    if (argc < 2) {
        fprintf(stderr, "usage: echo_client PORT [TEXT]\n");
        return 2;
    }
    len = (int)strlen(text);
    if (len >= (int)sizeof(buf)) {
        fprintf(stderr, "echo_client: TEXT is limited to %u bytes\n", (unsigned)sizeof(buf) - 1);
        return 2;
    }

    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0) {
        fprintf(stderr, "echo_client: WSAStartup failed\n");
        return 1;
    }

    /* Connect to the server on the loopback address. */
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return fail("socket");
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((u_short)atoi(argv[1]));
    if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR)
        return fail("connect");

    /* Send the text, then say "no more" with shutdown(SD_SEND): the server
     * sees end of stream after the last byte, echoes and closes. */
    if (send(s, text, len, 0) != len)
        return fail("send");
    if (shutdown(s, SD_SEND) == SOCKET_ERROR)
        return fail("shutdown");

    /* Read the echo until the server closes (recv returns 0). */
    while ((n = recv(s, buf + got, (int)sizeof(buf) - 1 - got, 0)) > 0)
        got += n;
    if (n == SOCKET_ERROR)
        return fail("recv");
    buf[got] = 0;
    closesocket(s);
    WSACleanup();

    printf("echo_client: sent \"%s\", got back \"%s\"\n", text, buf);
    return got == len && memcmp(buf, text, (size_t)len) == 0 ? 0 : 1;
}

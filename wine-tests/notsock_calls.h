/*
 * notsock_calls.h - every export that takes a socket, called once on a
 * given handle with otherwise valid arguments, and the value it returns on
 * failure: test_notsock gives them non-sockets; test_badinput lists them in
 * the published bad-input table.
 */
#ifndef NOTSOCK_CALLS_H
#define NOTSOCK_CALLS_H

#include "testutil.h"

typedef long long (*sock_fn)(SOCKET s);

struct sock_call {
    const char *name;
    sock_fn fn;
    long long failval;
};

extern const struct sock_call sock_calls[];
extern const size_t sock_calls_count;
#define NSOCK_CALLS sock_calls_count

#endif

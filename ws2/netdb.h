/*
 * netdb.h - the protocol and services databases behind getprotobyname,
 * getprotobynumber, getservbyname and getservbyport (netdb.c), and their
 * built-in fallback (netdb_tables.c).
 */
#ifndef CEWS2_NETDB_H
#define CEWS2_NETDB_H

extern const char netdb_builtin_protocol[];
extern const char netdb_builtin_services[];

#endif

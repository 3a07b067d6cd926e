/*
 * address_text.h - text to binary IPv4/IPv6 addresses the way inet_pton
 * reads them on Windows, including what it leaves in the output when the
 * text is not an address (see address_text.c).  Portable C: no Windows
 * headers, so the scanners can also be built and checked natively.
 */
#ifndef CEWS2_ADDRESS_TEXT_H
#define CEWS2_ADDRESS_TEXT_H

/* 1 when text is exactly a dotted-quad address (written to out[4]); 0
 * otherwise, with out[] holding whatever Windows would have stored. */
int address_text_ipv4(const char *text, unsigned char out[4]);

/* 1 when text is exactly an IPv6 address (written to out[16]); 0
 * otherwise, with out[] holding whatever Windows would have stored. */
int address_text_ipv6(const char *text, unsigned char out[16]);

#endif

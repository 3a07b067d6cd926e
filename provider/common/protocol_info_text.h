/*
 * protocol_info_text.h - WSAPROTOCOL_INFOW <-> WSAPROTOCOL_INFOA, the same
 * but for szProtocol (protocol_info_text.c says who converts with them).
 */
#ifndef PROTOCOL_INFO_TEXT_H
#define PROTOCOL_INFO_TEXT_H

#include <cews2.h>
#include <windows.h>

/* The name in the ANSI code page (cut, never unterminated, if it does not
 * fit); what a provider keeps past the name's terminator is carried over
 * where it is ASCII. */
void protocol_info_narrow(const WSAPROTOCOL_INFOW *w, WSAPROTOCOL_INFOA *a);
void protocol_info_widen(const WSAPROTOCOL_INFOA *a, WSAPROTOCOL_INFOW *w);

#endif

/*
 * registration_store.h - what registration.c (the readers' side of the
 * registration store) and registration_write.c (the writers' side) share:
 * the store's key and its commit counter.  Private to those two files.
 */
#ifndef CEWS2_REGISTRATION_STORE_H
#define CEWS2_REGISTRATION_STORE_H

#include "registration.h"

/* Registry key names compare case-insensitively, independent of locale. */
int registration_names_equal(const WCHAR *a, const WCHAR *b);
/* A store's Comm\WS2 key (LSP, LSP.journal and LspSequence are in it). */
LONG registration_open_store(enum regroot_scope scope, REGSAM access, HKEY *key);
/* The commit counter; absent (or damaged: not a DWORD) reads as 0, even. */
LONG registration_read_sequence(enum regroot_scope scope, DWORD *sequence);
/* Odd: a committed journal is the effective set. */
int registration_is_committed(DWORD sequence);
/* Whether the store has a journal (committed or not). */
int registration_journal_exists(enum regroot_scope scope);

#endif

/*
 * regtree.h - registry keys as trees, for the writers of ce-winsock's
 * registry data (the registration store, and moving the old root).
 *
 * Every modification (a key created, a value written or deleted, a key
 * deleted) goes through these functions, so that each one is counted for
 * the crash test hook:
 *
 *   if the environment variable CEWS2_INSTALL_CRASH_AT is a positive decimal
 *   number N, the process terminates itself (TerminateProcess, so no
 *   clean-up runs, as if killed) immediately after its N-th registry
 *   modification, with exit code CEWS2_INSTALL_CRASH_EXIT_CODE.
 *   Modifications are counted from the start of the process, so recovery
 *   work counts too.  A test can try N = 1, 2, ... until the process no
 *   longer exits with that code: then every interruption point has been
 *   exercised (wine-tests/installer_crash.sh).
 *
 * Names of keys are at most REGTREE_KEY_NAME_MAX characters, as the
 * registry allows.
 */
#ifndef CEWS2_REGTREE_H
#define CEWS2_REGTREE_H

#include <windows.h>

#define CEWS2_INSTALL_CRASH_ENV        L"CEWS2_INSTALL_CRASH_AT"
#define CEWS2_INSTALL_CRASH_EXIT_CODE  0xCE

#define REGTREE_KEY_NAME_MAX  255

/* Whether parent\name exists (and can be opened to query it). */
int regtree_key_exists(HKEY parent, const WCHAR *name);

/* RegCreateKeyExW (KEY_ALL_ACCESS, non-volatile); an existing key is opened
 * and is no modification. */
LONG regtree_create_key(HKEY parent, const WCHAR *name, HKEY *key);

LONG regtree_set_value(HKEY key, const WCHAR *name, DWORD type, const void *data, DWORD bytes);
LONG regtree_set_string(HKEY key, const WCHAR *name, const WCHAR *text);   /* REG_SZ */

/* Deleting a value or a key that is not there is success (and no
 * modification). */
LONG regtree_delete_value(HKEY key, const WCHAR *name);
/* parent\name and everything below it, one key at a time, so that the
 * crash hook can interrupt it anywhere, as a real kill could. */
LONG regtree_delete(HKEY parent, const WCHAR *name);

/* Creates destination_parent\name as a copy of source: values and subkeys
 * (what the destination key already had is kept, and overwritten where
 * the source has the same value). */
LONG regtree_copy(HKEY source, HKEY destination_parent, const WCHAR *name);

/*
 * Adds to destination what it lacks of source: each value of source that
 * destination has no value of that name for, and each subkey, recursively.
 * What destination has is never changed.  Values and subkeys of source's
 * top level named in skip_values / skip_keys (NULL-terminated lists, may be
 * NULL) are left out.  *added (may be NULL) counts the values added.
 * Idempotent: a second run after an interrupted one adds the rest.
 */
LONG regtree_merge(HKEY source, HKEY destination, const WCHAR *const *skip_values,
                   const WCHAR *const *skip_keys, DWORD *added);

/* Same values (names, types, bytes) and same subkeys, recursively; subkey
 * names compare as the registry does (ignoring case). */
int regtree_equal(HKEY a, HKEY b);

/* Whether key has neither values nor subkeys (0 if it cannot be queried). */
int regtree_is_empty(HKEY key);

#endif /* CEWS2_REGTREE_H */

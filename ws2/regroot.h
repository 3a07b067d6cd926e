/*
 * regroot.h - ce-winsock's registry roots and the order they are read in.
 *
 * The roots are defined once, in cews2.h (CEWS2_REGISTRY_ROOT,
 * CEWS2_USER_REGISTRY_ROOT, and what the lookup order is); this module turns
 * a root and a key of CE's layout below it (CEWS2_LSP_SUBKEY, ...) into a
 * registry path, an open key, a name for messages, or the value of a
 * setting.  Plain advapi32 code, safe before WSAStartup, compiled into
 * every binary that reads the registry (ws2.dll, celsp.dll, irdaprov.dll,
 * irair.exe, ws2inst.exe): providers keep to the SPI and call nothing in
 * ws2.dll for it.
 *
 * No KEY_WOW64_* flag is ever used: every process reads its own registry
 * view, so a 32-bit process on 64-bit Windows finds the 32-bit machine root
 * (HKLM\Software\WOW6432Node\ce-winsock), whose Dll paths are 32-bit DLLs;
 * HKEY_CURRENT_USER\Software is one view for both, which is why the per-user
 * root names the architecture (see cews2.h).
 */
#ifndef CEWS2_REGROOT_H
#define CEWS2_REGROOT_H

#include <cews2.h>
#include <stddef.h>

enum regroot_scope {
    REGROOT_USER,       /* HKEY_CURRENT_USER\CEWS2_USER_REGISTRY_ROOT */
    REGROOT_MACHINE,    /* HKEY_LOCAL_MACHINE\CEWS2_REGISTRY_ROOT */
    REGROOT_OLD,        /* HKEY_LOCAL_MACHINE itself, where older builds kept
                         * the layout: only ws2inst migrate reads it, ws2.dll
                         * only notices that it is there */
};

/* The hive of a root: HKEY_CURRENT_USER or HKEY_LOCAL_MACHINE. */
HKEY regroot_hive(enum regroot_scope scope);

/*
 * The path below the hive of subkey (a key of CE's layout, e.g.
 * CEWS2_LSP_SUBKEY; NULL or L"" for the root itself) in scope's root.
 * Returns ERROR_SUCCESS, or ERROR_INSUFFICIENT_BUFFER with path empty.
 */
LONG regroot_path(enum regroot_scope scope, const WCHAR *subkey, WCHAR *path, size_t capacity);

/* The same, with the hive's full name in front, for messages
 * ("HKEY_CURRENT_USER\Software\ce-winsock\x64\Comm\WS2\LSP"); cut to fit. */
void regroot_display(enum regroot_scope scope, const WCHAR *subkey, WCHAR *text, size_t capacity);

/* RegOpenKeyExW of subkey in scope's root: ERROR_SUCCESS or a Win32 error
 * (ERROR_FILE_NOT_FOUND when the key is not there). */
LONG regroot_open(enum regroot_scope scope, const WCHAR *subkey, REGSAM access, HKEY *key);

/*
 * A setting: the value called value of subkey, from the per-user root if
 * that has the value (whatever its type), else from the machine root; never
 * from the old root.  Arguments as RegGetValueW's (flags RRF_RT_*, type and
 * data may be NULL; *bytes is the capacity of data).  Returns ERROR_SUCCESS,
 * ERROR_FILE_NOT_FOUND when neither root has the value, or the error of the
 * root that has it (ERROR_UNSUPPORTED_TYPE for a type flags exclude,
 * ERROR_MORE_DATA, ...): a per-user value that cannot be used is not
 * replaced by the machine's, so the setting takes its default.
 */
LONG regroot_get_setting(const WCHAR *subkey, const WCHAR *value, DWORD flags, DWORD *type,
                         void *data, DWORD *bytes);

/* What older builds kept under the old root, relative to HKEY_LOCAL_MACHINE:
 * ce-winsock's keys (migrated, then deleted) and their parent (deleted when
 * nothing else is left in it). */
#define REGROOT_OLD_PARENT  L"Comm"
extern const WCHAR *const regroot_old_keys[];   /* CEWS2_WS2_SUBKEY, CEWS2_IRDA_SUBKEY */
#define REGROOT_OLD_KEY_COUNT 2

/* Whether any of regroot_old_keys exists under HKEY_LOCAL_MACHINE. */
int regroot_old_data_present(void);

#endif /* CEWS2_REGROOT_H */

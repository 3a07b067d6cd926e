/*
 * nsregistry.h - the store of namespace-provider registrations,
 * <root>\Comm\WS2\NameSpace\<name> (the layout is in cews2.h).
 *
 * Compiled into ws2.dll (WSCInstallNameSpace & co. write, the catalog
 * reads) and ws2inst.exe (reset, list, verify).  Plain advapi32 code, no
 * Winsock calls.  One key is one registration, written value by value; a
 * key whose values cannot be used (a writer killed half-way, a hand edit)
 * is returned with problem set and skipped by ws2.dll, shown by ws2inst.
 */
#ifndef CEWS2_NSREGISTRY_H
#define CEWS2_NSREGISTRY_H

#include <cews2.h>
#include <stddef.h>

#include "regroot.h"

#define NSREG_NAME_MAX      63
#define NSREG_DEFAULT_ORDER 100

struct ns_registration {
    WCHAR name[NSREG_NAME_MAX + 1];   /* the key name: the provider's identifier */
    WCHAR dll[MAX_PATH];
    GUID id;
    DWORD name_space;
    DWORD version;
    DWORD order;
    BOOL enabled;
    const WCHAR *problem;             /* NULL, or what makes it unusable */
    enum regroot_scope source;
};

/* Every registration of one root, sorted by Order then name.  A missing
 * NameSpace key is an empty set.  Returns 0 or a Win32 error. */
LONG nsreg_read_root(enum regroot_scope scope, struct ns_registration **list, size_t *count);
/* What ws2.dll uses: the per-user root's, then the machine's whose names the
 * per-user root lacks, sorted as above.  A root that cannot be read counts
 * as empty.  Returns 0 or ERROR_NOT_ENOUGH_MEMORY. */
LONG nsreg_read_effective(struct ns_registration **list, size_t *count);
void nsreg_free(struct ns_registration *list);

/* Creates or replaces the key of registration->name in scope's root. */
LONG nsreg_write(enum regroot_scope scope, const struct ns_registration *registration);
/* Deletes one key (ERROR_FILE_NOT_FOUND when absent). */
LONG nsreg_delete(enum regroot_scope scope, const WCHAR *name);
/* Sets the Enabled value of one key (ERROR_FILE_NOT_FOUND when absent). */
LONG nsreg_set_enabled(enum regroot_scope scope, const WCHAR *name, BOOL enabled);

/* "{8f2c6d1e-3b7a-4c55-9e1d-0a6b2c4e5f01}" (39 characters with the NUL). */
void nsreg_guid_text(const GUID *id, WCHAR text[39]);
BOOL nsreg_guid_parse(const WCHAR *text, GUID *id);

#endif

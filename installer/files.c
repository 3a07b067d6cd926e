/*
 * files.c - where ws2inst lives, and whether a registration's DLL exists.
 */
#include "installer.h"

#include <wchar.h>

int installer_directory(wchar_t *directory, size_t capacity)
{
    DWORD length = GetModuleFileNameW(NULL, directory, (DWORD)capacity);
    wchar_t *last_separator;

    /* A path that filled the buffer may have been cut short. */
    if (length == 0 || length >= capacity)
        return 0;
    last_separator = wcsrchr(directory, L'\\');
    if (!last_separator)
        return 0;
    *last_separator = 0;
    return 1;
}

int dll_is_present(const wchar_t *dll)
{
    HMODULE module;
    UINT previous_mode;

    if (wcspbrk(dll, L"\\/:")) {
        DWORD attributes = GetFileAttributesW(dll);

        return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
    }
    /* A bare name: let the loader search as it would for ws2.dll, but map
     * the file as data so that none of its code runs, and without the
     * "cannot find" dialog some systems would show. */
    previous_mode = SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
    module = LoadLibraryExW(dll, NULL, LOAD_LIBRARY_AS_DATAFILE);
    SetErrorMode(previous_mode);
    if (!module)
        return 0;
    FreeLibrary(module);
    return 1;
}

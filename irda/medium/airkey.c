/*
 * airkey.c - the air's owner secret on disk (see airkey.h).
 *
 * The hub creates the key after it holds the port (so the loser of a start
 * race never overwrites the winner's key) and before it accepts anyone, so
 * a client that got the hub's CHALLENGE reads the current key.  The file
 * is written under a protected DACL that grants only this process's user
 * (and nothing inherited), to a temporary name, then moved over the old
 * one.  At exit the hub removes it before it lets the port go.
 */
#include "airkey.h"
#include "airproto.h"

#include <sddl.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define KEY_DIR L"ce-winsock"

typedef BOOLEAN (WINAPI *gen_random_fn)(void *buf, ULONG len);

DWORD air_random(uint8_t *p, size_t len)
{
    /* RtlGenRandom, exported by advapi32 as SystemFunction036 (documented) */
    HMODULE h = GetModuleHandleW(L"advapi32.dll");
    if (!h)
        h = LoadLibraryW(L"advapi32.dll");
    gen_random_fn gen = h ? (gen_random_fn)(void *)GetProcAddress(h, "SystemFunction036") : NULL;
    if (!gen)
        return ERROR_PROC_NOT_FOUND;
    return gen(p, (ULONG)len) ? 0 : ERROR_GEN_FAILURE;
}

static int key_dir(WCHAR *out, size_t n)
{
    DWORD r = GetEnvironmentVariableW(L"LOCALAPPDATA", out, (DWORD)n);
    if (!r || r >= n)
        r = GetEnvironmentVariableW(L"USERPROFILE", out, (DWORD)n);
    if (!r || r >= n || r + wcslen(KEY_DIR) + 2 >= n)
        return 0;
    wcscat(out, L"\\" KEY_DIR);
    return 1;
}

int air_key_path(unsigned short port, WCHAR *out, size_t n)
{
    WCHAR dir[MAX_PATH];
    if (!key_dir(dir, MAX_PATH))
        return 0;
    int r = _snwprintf(out, n, L"%ls\\irair-%u.key", dir, (unsigned)port);
    return r > 0 && (size_t)r < n;
}

/* "D:P(A;;FA;;;<this user's SID>)": full access for the user, nothing else,
 * nothing inherited from the folder.  LocalFree the result. */
static PSECURITY_DESCRIPTOR owner_only_sd(void)
{
    HANDLE tok;
    uint8_t buf[256];
    DWORD got;
    WCHAR *sid = NULL, sddl[256];
    PSECURITY_DESCRIPTOR sd = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
        return NULL;
    if (GetTokenInformation(tok, TokenUser, buf, sizeof(buf), &got) &&
        ConvertSidToStringSidW(((TOKEN_USER *)buf)->User.Sid, &sid)) {
        _snwprintf(sddl, 256, L"D:P(A;;FA;;;%ls)", sid);
        sddl[255] = 0;
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL))
            sd = NULL;
        LocalFree(sid);
    }
    CloseHandle(tok);
    return sd;
}

DWORD air_key_create(unsigned short port, uint8_t key[AIR_KEY_LEN])
{
    WCHAR path[MAX_PATH], tmp[MAX_PATH + 32], dir[MAX_PATH];
    DWORD e, wrote;
    if (!key_dir(dir, MAX_PATH) || !air_key_path(port, path, MAX_PATH))
        return ERROR_PATH_NOT_FOUND;
    if ((e = air_random(key, AIR_KEY_LEN)) != 0)
        return e;
    PSECURITY_DESCRIPTOR sd = owner_only_sd();
    if (!sd)
        return GetLastError() ? GetLastError() : ERROR_ACCESS_DENIED;
    SECURITY_ATTRIBUTES sa = { sizeof(sa), sd, FALSE };
    CreateDirectoryW(dir, NULL);            /* may exist */
    _snwprintf(tmp, MAX_PATH + 32, L"%ls.%lu.tmp", path, (unsigned long)GetCurrentProcessId());
    tmp[MAX_PATH + 31] = 0;
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, &sa, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    LocalFree(sd);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    BOOL ok = WriteFile(h, key, AIR_KEY_LEN, &wrote, NULL) && wrote == AIR_KEY_LEN;
    e = ok ? 0 : GetLastError();
    CloseHandle(h);
    if (ok && !MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING))
        e = GetLastError();
    if (e)
        DeleteFileW(tmp);
    return e;
}

DWORD air_key_read(unsigned short port, uint8_t key[AIR_KEY_LEN])
{
    WCHAR path[MAX_PATH];
    DWORD got = 0;
    if (!air_key_path(port, path, MAX_PATH))
        return ERROR_PATH_NOT_FOUND;
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    BOOL ok = ReadFile(h, key, AIR_KEY_LEN, &got, NULL);
    DWORD e = ok ? (got == AIR_KEY_LEN ? 0 : ERROR_INVALID_DATA) : GetLastError();
    CloseHandle(h);
    return e;
}

void air_key_remove(unsigned short port)
{
    WCHAR path[MAX_PATH];
    if (air_key_path(port, path, MAX_PATH))
        DeleteFileW(path);
}

void air_auth_answer(const uint8_t key[AIR_KEY_LEN], const uint8_t nonce[AIR_NONCE_LEN],
                     uint8_t out[AIR_MAC_LEN])
{
    static const char label[] = "irair auth";
    uint8_t msg[sizeof(label) - 1 + AIR_NONCE_LEN];
    memcpy(msg, label, sizeof(label) - 1);
    memcpy(msg + sizeof(label) - 1, nonce, AIR_NONCE_LEN);
    air_hmac_sha256(key, AIR_KEY_LEN, msg, sizeof(msg), out);
}

int air_mac_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= a[i] ^ b[i];
    return d == 0;
}

DWORD air_auth_reply(unsigned short port, const uint8_t *chal, size_t len, uint8_t *msg)
{
    uint8_t key[AIR_KEY_LEN];
    DWORD e;
    if (len < AIR_CHALLENGE_LEN || air_get32(chal) != AIR_MAGIC)
        return ERROR_INVALID_DATA;
    if ((e = air_key_read(port, key)) != 0)
        return e;
    air_header(msg, AIR_AUTH, AIR_AUTH_LEN);
    air_put32(msg + AIR_HDR, AIR_MAGIC);
    air_auth_answer(key, chal + 4, msg + AIR_HDR + 4);
    SecureZeroMemory(key, sizeof(key));
    return 0;
}

# ce-winsock: cross-built with mingw-w64, run and tested under Wine.
#
#   make                 build everything for ARCH (default x86_64) into build/$(ARCH)/
#   make ARCH=i686       the same for 32-bit (builds and links; no 32-bit Wine here to run it)
#   make ARCH=aarch64    stops: no aarch64 mingw-w64 runtime in Debian 12 (README: Other architectures)
#   make check           set up the host, build, and run every test suite under Wine
#   make demo            set up the host, build, and run the demo through the stack
#   make check-scripts   every command the scripts call is installed by installer/host-setup.sh
#   make irda-native-check   the IrDA core's native unit tests (irda-fuzz-smoke: its fuzzers)
#   make bench           measure the stack against the host's ws2_32 under Wine (BENCH_ARGS=...)
#   make stress          long load, fault and fuzz runs with figures (STRESS_ARGS=...; docs/reliability.md)
#   make conformance     Wine 8.0's own ws2_32 tests against ours and the host's ws2_32, judged
#                        against wine-tests/conformance/*.txt (CONFORMANCE_ARGS=...; docs/compatibility.md)
#   make install PREFIX=DIR     the SDK: bin/ (with cews2-run) lib/ include/ lib/pkgconfig/ lib/cmake/
#                               share/ce-winsock/samples/ share/ce-winsock/cmake/ (toolchain file)
#   make install-wine WINEPREFIX=DIR [FROM=BINDIR]   the stack into a Wine prefix, providers registered
#   make help            this text

ARCH    ?= x86_64
TRIPLE  := $(ARCH)-w64-mingw32
B       := build/$(ARCH)
CC      := $(TRIPLE)-gcc
DLLTOOL := $(TRIPLE)-dlltool
WINDRES := $(TRIPLE)-windres
NM      := $(TRIPLE)-nm
AR      := $(TRIPLE)-ar

# ARCH=aarch64 (Windows on ARM64) needs a mingw-w64 toolchain that links for
# it; Debian 12 has none (README.md, "Other architectures", has what was
# checked).  Given one as CC=... (llvm-mingw's aarch64-w64-mingw32-clang,
# say), the build goes on, untried here; without, it stops saying why.
ifeq ($(ARCH),aarch64)
ifeq ($(filter help clean,$(MAKECMDGOALS)),)
ifeq ($(origin CC),command line)
AARCH64_CC_LINKS := $(shell $(CC) -dumpmachine 2>/dev/null | grep -qE '^aarch64-.*(mingw|windows)' && \
                      mkdir -p $(B) && printf 'int main(void) { return 0; }\n' | \
                      $(CC) -x c - -o $(B)/cc-links.exe >/dev/null 2>&1 && echo yes)
endif
ifneq ($(AARCH64_CC_LINKS),yes)
$(error ARCH=aarch64: no compiler that links aarch64-w64-mingw32 programs: Debian 12's clang compiles for that target with the mingw-w64 headers and its lld links ARM64 PE files, but Debian has no aarch64 mingw-w64 CRT or import libraries (crt2.o, libmingw32.a, libmingwex.a, libmsvcrt.a, libkernel32.a, libws2_32.a); give CC=a compiler that has them (e.g. llvm-mingw's aarch64-w64-mingw32-clang), see README.md "Other architectures")
endif
endif
endif

CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Werror -std=gnu11 -Isdk/include -D_WIN32_WINNT=0x0601 \
           -DWIN32_LEAN_AND_MEAN -MMD -MP
LDFLAGS += -static-libgcc

DEPS     := build/deps/$(ARCH)
CMOCKA   := $(DEPS)/lib/libcmocka.a

.PHONY: all help check demo setup clean
all:

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# --- objects -------------------------------------------------------------
$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CFLAGS_$(firstword $(subst /, ,$*))) -c $< -o $@

# An export list for this ARCH: i686 import libraries need the stdcall
# decoration (name@bytes), read back from the objects that define the exports.
define def_for_arch
$(B)/$(1).def: $(2) $(3)
	@mkdir -p $$(dir $$@)
	@if [ "$(ARCH)" = i686 ]; then \
	  $(NM) $(3) | awk 'NR==FNR { if ($$$$2 == "T") { n=$$$$3; sub(/^_/, "", n); d[n]=1; split(n, p, "@"); if (p[2] != "") full[p[1]] = n }; next } \
	      /^(LIBRARY|EXPORTS)/ || NF == 0 { print; next } \
	      { name=$$$$1; rest=""; for (i=2;i<=NF;i++) rest=rest" "$$$$i; print "    " (name in full ? full[name] : name) rest }' - $(2) > $$@; \
	else cp $(2) $$@; fi
endef

# --- provider/common: written once, built into each layer that needs it -----
# (provider/common/README.md): the handle table and the W -> A protocol
# description (ws2.dll, celsp, hostprov); the provider loader (celsp, irdaprov);
# the WSAAsyncSelect relay over a provider's event select (hostprov, irdaprov)
HANDLE_TABLE_OBJ    := $(B)/obj/provider/common/handle_table.o
PROTOCOL_INFO_OBJ   := $(B)/obj/provider/common/protocol_info_text.o
PROVIDER_LOADER_OBJ := $(B)/obj/provider/common/provider_loader.o
# the packing of a WSAQUERYSET into one buffer (hostprov's namespace provider, ws2.dll's A forms)
QUERYSET_PACK_OBJ   := $(B)/obj/provider/common/queryset_pack.o
ASYNC_RELAY_OBJ     := $(B)/obj/provider/common/async_relay.o

# --- ws2.dll and its import library ---------------------------------------
WS2_SRC := $(wildcard ws2/*.c)
WS2_OBJ := $(WS2_SRC:%.c=$(B)/obj/%.o) $(HANDLE_TABLE_OBJ) $(PROTOCOL_INFO_OBJ) $(QUERYSET_PACK_OBJ)
$(eval $(call def_for_arch,ws2,ws2/ws2.def,$(WS2_OBJ)))
$(B)/bin/ws2.dll: $(WS2_OBJ) $(B)/ws2.def
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $(WS2_OBJ) $(B)/ws2.def -Wl,--kill-at $(LDFLAGS) -ladvapi32 -luser32
# ws2/static/: what applications expect in Winsock's import library besides
# the imports (in6addr_any, the <wspiapi.h> targets, mswsock.h's calls...)
WS2_STATIC_SRC := $(wildcard ws2/static/*.c)
WS2_STATIC_OBJ := $(WS2_STATIC_SRC:%.c=$(B)/obj/%.o)
$(B)/lib/libws2.a: $(B)/ws2.def $(WS2_STATIC_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(DLLTOOL) -d $< -D ws2.dll -l $@ $(if $(filter i686,$(ARCH)),-k)
	$(AR) rcs $@ $(WS2_STATIC_OBJ)
all: $(B)/bin/ws2.dll $(B)/lib/libws2.a

# --- provider/host: the host base provider (TCP/UDP over the host's ws2_32) -
HOSTPROV_SRC := $(wildcard provider/host/*.c)
HOSTPROV_OBJ := $(HOSTPROV_SRC:%.c=$(B)/obj/%.o) $(HANDLE_TABLE_OBJ) $(PROTOCOL_INFO_OBJ) $(QUERYSET_PACK_OBJ) $(ASYNC_RELAY_OBJ)
$(eval $(call def_for_arch,hostprov,provider/host/hostprov.def,$(HOSTPROV_OBJ)))
$(B)/bin/hostprov.dll: $(HOSTPROV_OBJ) $(B)/hostprov.def
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $(HOSTPROV_OBJ) $(B)/hostprov.def -Wl,--kill-at $(LDFLAGS) -lws2_32
all: $(B)/bin/hostprov.dll

# --- provider/lsp: the CE 5.0 layered provider ------------------------------
# ws2/select_split.c: the one select over several providers, built into both DLLs;
# ws2/regroot.c: the registry roots and lookup order, for celsp's settings
CELSP_SRC := $(wildcard provider/lsp/*.c)
CELSP_OBJ := $(CELSP_SRC:%.c=$(B)/obj/%.o) $(B)/obj/ws2/select_split.o $(B)/obj/ws2/regroot.o \
             $(HANDLE_TABLE_OBJ) $(PROTOCOL_INFO_OBJ) $(PROVIDER_LOADER_OBJ)
$(CELSP_SRC:%.c=$(B)/obj/%.o): CFLAGS += -Iws2
$(eval $(call def_for_arch,celsp,provider/lsp/celsp.def,$(CELSP_OBJ)))
$(B)/bin/celsp.dll: $(CELSP_OBJ) $(B)/celsp.def
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $(CELSP_OBJ) $(B)/celsp.def -Wl,--kill-at $(LDFLAGS) -ladvapi32
all: $(B)/bin/celsp.dll

# --- installer: ws2inst.exe ------------------------------------------------
INST_SRC := $(wildcard installer/*.c) ws2/nsregistry.c ws2/registration.c ws2/registration_write.c ws2/registration_value.c \
            ws2/regroot.c ws2/regtree.c ws2/oldroot.c
INST_OBJ := $(INST_SRC:%.c=$(B)/obj/%.o) $(B)/obj/installer/ws2inst_res.o
# its manifest: asInvoker, so that Windows' registry virtualization never
# turns a denied machine-wide write into a silent per-user one
$(B)/obj/installer/ws2inst_res.o: installer/ws2inst.rc installer/ws2inst.manifest
	@mkdir -p $(dir $@)
	$(WINDRES) -I installer $< -O coff -o $@
$(B)/bin/ws2inst.exe: $(INST_OBJ) $(B)/lib/libws2.a
	@mkdir -p $(dir $@)
	$(CC) -municode -o $@ $(INST_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 -ladvapi32
all: $(B)/bin/ws2inst.exe

# --- wine-tests: one cmocka program per wine-tests/test_*.c ------------------
TEST_SRC  := $(wildcard wine-tests/test_*.c)
TEST_EXE  := $(TEST_SRC:wine-tests/%.c=$(B)/tests/%.exe)
# the suites' objects are made only through the pattern rules below, which
# would make them intermediates that make deletes (and the next make
# rebuilds): kept
.SECONDARY: $(TEST_SRC:%.c=$(B)/obj/%.o)
# capture_scenarios.c is a program of its own (wine-tests/capture.sh runs it)
TESTLIB_SRC := $(filter-out wine-tests/test_%.c wine-tests/capture_scenarios.c,$(wildcard wine-tests/*.c))
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(B)/obj/%.o)
CFLAGS_wine-tests = -I$(DEPS)/include -Iwine-tests
$(B)/tests/%.exe: $(B)/obj/wine-tests/%.o $(TESTLIB_OBJ) $(B)/lib/libws2.a $(CMOCKA)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(TESTLIB_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 $(CMOCKA) -ladvapi32
tests: $(TEST_EXE)
all: tests

$(B)/tests/capture_scenarios.exe: $(B)/obj/wine-tests/capture_scenarios.o $(TESTLIB_OBJ) $(B)/lib/libws2.a $(CMOCKA)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(TESTLIB_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 $(CMOCKA) -ladvapi32
tests: $(if $(wildcard wine-tests/capture_scenarios.c),$(B)/tests/capture_scenarios.exe)

# wine-tests/providers: test-only provider DLLs, built next to the test programs.
# NAME.dll is NAME.c and its parts NAME_*.c (loopprov_io.c, ...), linked with
# providers/shared/ (testprov.h: install call, stream entry, startup table)
# as a library, so that each DLL takes only the pieces it calls.
TESTPROV_ALL := $(wildcard wine-tests/providers/*.c)
TESTPROV_SRC := $(filter-out $(foreach f,$(TESTPROV_ALL),$(if $(findstring _,$(notdir $(f))),$(f))),$(TESTPROV_ALL))
TESTPROV_DLL := $(TESTPROV_SRC:wine-tests/providers/%.c=$(B)/tests/%.dll)
TESTPROV_SHARED_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard wine-tests/providers/shared/*.c))
TESTPROV_SHARED_LIB := $(B)/obj/wine-tests/providers/shared/libtestprov.a
$(TESTPROV_SHARED_LIB): $(TESTPROV_SHARED_OBJ)
	rm -f $@
	$(AR) rcs $@ $^
.SECONDEXPANSION:
$(TESTPROV_DLL): $(B)/tests/%.dll: $(B)/obj/wine-tests/providers/%.o \
                 $$(addprefix $(B)/obj/,$$(subst .c,.o,$$(wildcard wine-tests/providers/$$*_*.c))) \
                 $(TESTPROV_SHARED_LIB)
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $^ -Wl,--kill-at $(LDFLAGS)
tests: $(TESTPROV_DLL)

# test_handle_table: provider/common/handle_table.c on its own, no stack loaded
$(B)/tests/test_handle_table.exe: $(B)/obj/wine-tests/test_handle_table.o $(HANDLE_TABLE_OBJ) $(TESTLIB_OBJ) $(B)/lib/libws2.a $(CMOCKA)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(HANDLE_TABLE_OBJ) $(TESTLIB_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 $(CMOCKA) -ladvapi32

$(CMOCKA):
	ARCHES=$(ARCH) bash installer/host-setup.sh

# --- wine-tests/bench: make bench (ours against the host's ws2_32, under Wine) -
# bench.exe imports neither ws2.dll nor ws2_32.dll: it loads both at run time.
BENCH_SRC := $(wildcard wine-tests/bench/*.c)
BENCH_OBJ := $(BENCH_SRC:%.c=$(B)/obj/%.o)
$(B)/bench/bench.exe: $(BENCH_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(BENCH_OBJ) $(LDFLAGS)

.PHONY: bench
bench: $(B)/bin/ws2.dll $(B)/bin/celsp.dll $(B)/bin/hostprov.dll $(B)/bin/ws2inst.exe $(B)/bench/bench.exe
# the IrDA workload (w7_irda.c): the AF_IRDA provider and the air's hub
bench: $(B)/bin/irdaprov.dll $(B)/bin/irair.exe
	bash wine-tests/bench/run.sh $(B) $(BENCH_ARGS)

# The trace workload's baseline (wine-tests/bench/w9_trace.c): ws2.dll with
# every trace call compiled out, in a folder of its own (a child bench.exe
# loads it by path; the providers find it loaded by its name, ws2.dll).
WS2_UNTRACED_OBJ := $(WS2_SRC:%.c=$(B)/obj/untraced/%.o) $(filter-out $(B)/obj/ws2/%,$(WS2_OBJ))
$(B)/obj/untraced/ws2/%.o: ws2/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DCEWS2_TRACE_BUILD=0 -c $< -o $@
$(B)/bench/untraced/ws2.dll: $(WS2_UNTRACED_OBJ) $(B)/ws2.def
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $(WS2_UNTRACED_OBJ) $(B)/ws2.def -Wl,--kill-at $(LDFLAGS) -ladvapi32 -luser32
bench: $(B)/bench/untraced/ws2.dll

# --- wine-tests/stress: make stress (long load, fault and fuzz runs; figures) ---
# The TCP load test's objects, linked into stress.exe (which #includes
# stress_irda.c, and it stress_hostile.c) and into the short profile
# test_stress_short.exe.  The hostile client answers the air hub's
# CHALLENGE (irda/medium/airkey.c) through the medium suites' raw hub
# client (wine-tests/irmedium/hub_client.c).
STRESS_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(addprefix wine-tests/stress/,stress_core.c stress_peers.c stress_overlapped.c))
STRESS_AIRKEY_OBJ := $(B)/obj/irda/medium/airkey.o $(B)/obj/irda/medium/sha256.o $(B)/obj/wine-tests/irmedium/hub_client.o
$(B)/obj/wine-tests/stress/stress.o: CFLAGS += -Iirda/medium
$(B)/stress/stress.exe: $(B)/obj/wine-tests/stress/stress.o $(STRESS_OBJ) $(STRESS_AIRKEY_OBJ) $(TESTLIB_OBJ) $(B)/lib/libws2.a $(CMOCKA)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(STRESS_OBJ) $(STRESS_AIRKEY_OBJ) $(TESTLIB_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 $(CMOCKA) -ladvapi32
$(B)/tests/test_stress_short.exe: $(B)/obj/wine-tests/test_stress_short.o $(STRESS_OBJ) $(TESTLIB_OBJ) $(B)/lib/libws2.a $(CMOCKA)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(STRESS_OBJ) $(TESTLIB_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 $(CMOCKA) -ladvapi32
all: $(B)/stress/stress.exe

# STRESS_ARGS are passed to wine-tests/stress/run.sh (e.g. --quick, --only tcp).
.PHONY: stress
stress: all irda-fuzz ws2-fuzz
	bash wine-tests/stress/run.sh $(B) $(STRESS_ARGS)

# --- wine-tests/conformance: make conformance (Wine 8.0's ws2_32 tests) ---------
# Fetches Debian's wine source (build/deps/src/wine), builds dlls/ws2_32/tests
# sock.c and protocol.c against the host's ws2_32 and against libws2.a, runs
# every test function under Wine in a prefix with our stack installed, and
# compares.  CONFORMANCE_ARGS: [--report] [FUNCTION...] (see the script).
.PHONY: conformance
conformance: $(B)/bin/ws2.dll $(B)/lib/libws2.a $(B)/bin/celsp.dll $(B)/bin/hostprov.dll $(B)/bin/ws2inst.exe
	bash wine-tests/conformance/run.sh $(B) $(CONFORMANCE_ARGS)

# --- sdk: ws2.lib for MSVC-style linkers, the samples, install ------------------
# ws2.lib: the same exports as libws2.a, as an import library for lld-link/link
# (i686: the decorated names from $(B)/ws2.def, imported undecorated).
LLVM_DLLTOOL ?= llvm-dlltool
LLVM_AR      ?= llvm-ar
# ws2/static/ for MSVC-style programs: clang for the MSVC target, with
# mingw-w64's headers standing in for the Windows SDK's (as sdk_msvc.sh does)
MSVC_TARGET  := $(if $(filter i686,$(ARCH)),i686-pc-windows-msvc -D_X86_,x86_64-pc-windows-msvc -D_AMD64_)
WS2_STATIC_MSVC_OBJ := $(WS2_STATIC_SRC:%.c=$(B)/obj-msvc/%.obj)
$(B)/obj-msvc/%.obj: %.c
	@mkdir -p $(dir $@)
	clang --target=$(MSVC_TARGET) -fgnuc-version=4.2.1 -ffreestanding -isystem /usr/$(TRIPLE)/include \
	    -Isdk/include -D_WIN32_WINNT=0x0601 -DWIN32_LEAN_AND_MEAN -O2 -Wall -Wextra -Werror -c $< -o $@
$(B)/lib/ws2.lib: $(B)/ws2.def $(WS2_STATIC_MSVC_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(LLVM_DLLTOOL) -m $(if $(filter i686,$(ARCH)),i386 -k,i386:x86-64) -d $< -D ws2.dll -l $@
	$(LLVM_AR) rcs $@ $(WS2_STATIC_MSVC_OBJ)
all: $(B)/lib/ws2.lib

# sdk/samples/<sample>/<program>.c -> $(B)/samples/<program>.exe, linked with ws2.dll only.
# A program is a file of the folder that defines main; the folder's other .c
# files are its parts, linked into each program of that folder (beam/: beam.c
# and crc32.c, obex.c, receive.c, send.c).
SAMPLE_ALL  := $(wildcard sdk/samples/*/*.c)
SAMPLE_SRC  := $(shell grep -l -E '^int w?main\b' $(SAMPLE_ALL) /dev/null)
SAMPLE_PART  = $(filter-out $(SAMPLE_SRC),$(filter $(dir $(1))%,$(SAMPLE_ALL)))
SAMPLE_EXE  := $(foreach s,$(SAMPLE_SRC),$(B)/samples/$(basename $(notdir $(s))).exe)
define sample_rule
$(B)/samples/$(basename $(notdir $(1))).exe: $(B)/obj/$(1:.c=.o) $(patsubst %.c,$(B)/obj/%.o,$(call SAMPLE_PART,$(1))) $(B)/lib/libws2.a
	@mkdir -p $$(dir $$@)
	$$(CC) -o $$@ $$(filter %.o,$$^) $$(LDFLAGS) -L$(B)/lib -lws2
endef
$(foreach s,$(SAMPLE_SRC),$(eval $(call sample_rule,$(s))))
samples: $(SAMPLE_EXE)
all: samples

# make install PREFIX=DIR: the SDK, laid out for users of the stack.
PREFIX       ?= /opt/ce-winsock/$(ARCH)
CEWS_VERSION := 0.1
IPREFIX       = $(abspath $(PREFIX))
# what sdk/cmake/*.in and sdk/cews2-run.in are filled in with
SDK_SUBST     = -e 's|@ARCH@|$(ARCH)|g' -e 's|@VERSION@|$(CEWS_VERSION)|g' \
                -e 's|@VERSION_MAJOR@|$(firstword $(subst ., ,$(CEWS_VERSION)))|g' \
                -e 's|@SIZEOF_VOID_P@|$(if $(filter i686,$(ARCH)),4,8)|g'
install: all
	@mkdir -p $(IPREFIX)/bin $(IPREFIX)/lib/pkgconfig $(IPREFIX)/lib/cmake/ce-winsock $(IPREFIX)/include \
	    $(IPREFIX)/share/ce-winsock/samples $(IPREFIX)/share/ce-winsock/cmake
	cp -f $(B)/bin/*.dll $(B)/bin/*.exe $(IPREFIX)/bin/
	cp -f $(B)/lib/libws2.a $(B)/lib/ws2.lib $(IPREFIX)/lib/
	cp -f sdk/include/*.h $(IPREFIX)/include/
	sed -e 's|@PREFIX@|$(IPREFIX)|' -e 's|@VERSION@|$(CEWS_VERSION)|' sdk/ce-winsock.pc.in \
	    > $(IPREFIX)/lib/pkgconfig/ce-winsock.pc
	cp -f sdk/cmake/ce-winsockConfig.cmake $(IPREFIX)/lib/cmake/ce-winsock/
	sed $(SDK_SUBST) sdk/cmake/ce-winsockConfigVersion.cmake.in > $(IPREFIX)/lib/cmake/ce-winsock/ce-winsockConfigVersion.cmake
	sed $(SDK_SUBST) sdk/cmake/mingw-w64.cmake.in > $(IPREFIX)/share/ce-winsock/cmake/mingw-w64-$(ARCH).cmake
	sed $(SDK_SUBST) sdk/cews2-run.in > $(IPREFIX)/bin/cews2-run
	chmod 755 $(IPREFIX)/bin/cews2-run
	cp -rf sdk/samples/. $(IPREFIX)/share/ce-winsock/samples/
	$(foreach s,$(SAMPLE_SRC),cp -f $(B)/samples/$(basename $(notdir $(s))).exe \
	    $(IPREFIX)/share/ce-winsock/samples/$(notdir $(patsubst %/,%,$(dir $(s))))/ &&) true
	@echo "installed into $(IPREFIX)"

# make install-wine WINEPREFIX=DIR [FROM=BINDIR]: copy the DLLs and ws2inst.exe
# (from $(B)/bin, or FROM, e.g. an installed PREFIX/bin) into the prefix's
# system32 and run `ws2inst reset` there; wineboot the prefix first if needed.
install-wine: $(if $(FROM),,all)
	@test -n "$(WINEPREFIX)" || { echo "usage: make install-wine WINEPREFIX=DIR [FROM=BINDIR]" >&2; exit 2; }
	bash sdk/install-wine.sh "$(or $(FROM),$(B)/bin)" "$(WINEPREFIX)"

.PHONY: samples install install-wine

# --- irda/medium: the IrDA medium (loopback air and its hub irair.exe, serial) -
# IRMED_OBJ is what an embedding (the AF_IRDA provider) links; irair.exe is
# the hub stations start on demand, installed next to the DLLs.
# ws2/regroot.c: the registry roots and lookup order, for the medium's settings
IRMED_SRC := $(filter-out irda/medium/irair.c,$(wildcard irda/medium/*.c)) ws2/regroot.c
IRMED_OBJ := $(IRMED_SRC:%.c=$(B)/obj/%.o)
$(B)/bin/irair.exe: $(B)/obj/irda/medium/irair.o $(IRMED_OBJ) $(B)/lib/libws2.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(IRMED_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 -ladvapi32
all: $(B)/bin/irair.exe
# wine-tests/test_irmedium*.c link the medium too, and their recording
# station (wine-tests/irmedium/)
IRMED_STATION_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard wine-tests/irmedium/*.c))
$(B)/obj/wine-tests/test_irmed%.o: CFLAGS += -Iirda/medium
$(IRMED_STATION_OBJ): CFLAGS += -Iirda/medium
$(B)/tests/test_irmed%.exe: $(B)/obj/wine-tests/test_irmed%.o $(IRMED_STATION_OBJ) $(IRMED_OBJ) $(TESTLIB_OBJ) $(B)/lib/libws2.a $(CMOCKA)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(IRMED_STATION_OBJ) $(IRMED_OBJ) $(TESTLIB_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 $(CMOCKA) -ladvapi32
# wine-tests/test_air_owner.c answers the hub's CHALLENGE itself (airkey.c)
# and asks the hub's status (airctl.c): it links the medium as well
$(B)/obj/wine-tests/test_air_owner.o: CFLAGS += -Iirda/medium
$(B)/tests/test_air_owner.exe: $(B)/obj/wine-tests/test_air_owner.o $(IRMED_OBJ) $(TESTLIB_OBJ) $(B)/lib/libws2.a $(CMOCKA)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(IRMED_OBJ) $(TESTLIB_OBJ) $(LDFLAGS) -L$(B)/lib -lws2 $(CMOCKA) -ladvapi32

# --- irda/provider: irdaprov.dll, the AF_IRDA base provider (core + medium) ----
IRDAPROV_SRC := $(wildcard irda/provider/*.c) $(wildcard irda/core/*.c)
IRDAPROV_OBJ := $(IRDAPROV_SRC:%.c=$(B)/obj/%.o) $(IRMED_OBJ) $(PROVIDER_LOADER_OBJ) $(ASYNC_RELAY_OBJ)
$(B)/obj/irda/provider/%.o: CFLAGS += -Iirda/core -Iirda/medium
$(B)/obj/irda/core/%.o: CFLAGS += -Iirda/core
$(eval $(call def_for_arch,irdaprov,irda/provider/irdaprov.def,$(filter $(B)/obj/irda/provider/%,$(IRDAPROV_OBJ))))
$(B)/bin/irdaprov.dll: $(IRDAPROV_OBJ) $(B)/irdaprov.def
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $(IRDAPROV_OBJ) $(B)/irdaprov.def -Wl,--kill-at $(LDFLAGS) -ladvapi32
all: $(B)/bin/irdaprov.dll

# --- running -------------------------------------------------------------
setup:
	bash installer/host-setup.sh

# every command the scripts call comes from a package host-setup installs
.PHONY: check-scripts
check-scripts:
	bash installer/check-commands-test.sh
	bash installer/check-commands.sh

check: setup
	$(MAKE) check-scripts
	$(MAKE) all
	$(MAKE) irda-native-check irda-fuzz-smoke ws2-fuzz-smoke
	bash wine-tests/run.sh $(B)

demo: setup
	$(MAKE) all
	bash wine-tests/demo.sh $(B)

clean:
	rm -rf build/x86_64 build/i686 build/aarch64

# --- irda: the portable protocol core, built and tested natively ---------------
include irda/irda.mk

# --- ws2/fuzz: libFuzzer targets for the registration parser, built natively --
# Same flags and corpus layout as irda/irda.mk (ws2/fuzz/corpus/<name>/);
# the portable parser (ws2/registration_value.c) is the code under test.
WS2_FUZZ_OUT  ?= build/native/ws2
WS2_FUZZ_SRC  := $(wildcard ws2/fuzz/fuzz_*.c)
WS2_FUZZ_BIN  := $(patsubst ws2/fuzz/%.c,$(WS2_FUZZ_OUT)/fuzz/%,$(WS2_FUZZ_SRC))
WS2_FUZZ_RUNS ?= $(IRDA_FUZZ_RUNS)
.PHONY: ws2-fuzz ws2-fuzz-smoke
ws2-fuzz: $(WS2_FUZZ_BIN)
$(WS2_FUZZ_OUT)/fuzz/%: ws2/fuzz/%.c ws2/registration_value.c ws2/registration_value.h
	@mkdir -p $(dir $@)
	$(IRDA_FUZZ_CC) $(IRDA_FUZZ_FLAGS) -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Iws2 $< ws2/registration_value.c -o $@
ws2-fuzz-smoke: ws2-fuzz
	@set -e; for f in $(WS2_FUZZ_BIN); do \
	  n=$$(basename $$f); n=$${n#fuzz_}; \
	  work=$(WS2_FUZZ_OUT)/fuzz/work/$$n; rm -rf $$work; mkdir -p $$work; \
	  cp ws2/fuzz/corpus/$$n/* $$work/ 2>/dev/null || true; \
	  echo "== fuzz smoke: $$n"; \
	  $$f $(WS2_FUZZ_RUNS) -print_final_stats=1 $$work > $(WS2_FUZZ_OUT)/fuzz/$$n.log 2>&1 \
	    || { tail -40 $(WS2_FUZZ_OUT)/fuzz/$$n.log; echo "fuzz smoke FAILED: $$n"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' $(WS2_FUZZ_OUT)/fuzz/$$n.log | tr '\n' ' '; echo; \
	done; echo "ws2 fuzz smoke: $(words $(WS2_FUZZ_BIN)) targets passed"

-include $(shell find build/$(ARCH)/obj -name '*.d' 2>/dev/null)

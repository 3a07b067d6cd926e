# irda/irda.mk - native build, unit tests and fuzz smoke runs of the portable
# IrDA core (irda/core). Works standalone from the repository root:
#     make -f irda/irda.mk irda-native-check
# and when included from the top-level Makefile:
#     include irda/irda.mk
# Every variable is prefixed IRDA_ so that nothing clashes with the
# cross-build variables (CC, CFLAGS...) of the top-level Makefile.
#
# Targets:
#   irda-native        build build/native/irda/libirdacore.a and the unit tests
#   irda-native-check  run the unit tests (summary line; fails on any failure)
#   irda-fuzz          build the libFuzzer targets
#   irda-fuzz-smoke    build and briefly run every fuzz target on its corpus
#   irda-native-clean  remove build/native/irda

IRDA_DIR        := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
IRDA_SAVED_GOAL := $(.DEFAULT_GOAL)
IRDA_OUT        ?= build/native/irda
IRDA_NATIVE_CC  ?= gcc
IRDA_FUZZ_CC    ?= clang
IRDA_SAN        ?= -fsanitize=address,undefined -fno-sanitize-recover=all
IRDA_CFLAGS     ?= -O1 -g -fno-omit-frame-pointer
IRDA_WFLAGS     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
                   -Wmissing-prototypes -I$(IRDA_DIR)/core
IRDA_FUZZ_FLAGS ?= -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
IRDA_FUZZ_RUNS  ?= -runs=20000 -max_total_time=20
IRDA_CMOCKA     ?= -lcmocka

IRDA_CORE_SRC   := $(wildcard $(IRDA_DIR)/core/*.c)
IRDA_CORE_OBJ   := $(patsubst $(IRDA_DIR)/core/%.c,$(IRDA_OUT)/obj/%.o,$(IRDA_CORE_SRC))
IRDA_LIB        := $(IRDA_OUT)/libirdacore.a
IRDA_TEST_SRC   := $(wildcard $(IRDA_DIR)/tests/test_*.c)
IRDA_TEST_SUPP  := $(filter-out $(IRDA_TEST_SRC),$(wildcard $(IRDA_DIR)/tests/*.c))
IRDA_TEST_BIN   := $(patsubst $(IRDA_DIR)/tests/%.c,$(IRDA_OUT)/tests/%,$(IRDA_TEST_SRC))
IRDA_FUZZ_SRC   := $(wildcard $(IRDA_DIR)/fuzz/fuzz_*.c)
IRDA_FUZZ_BIN   := $(patsubst $(IRDA_DIR)/fuzz/%.c,$(IRDA_OUT)/fuzz/%,$(IRDA_FUZZ_SRC))

.PHONY: irda-native irda-native-check irda-fuzz irda-fuzz-smoke irda-native-clean

irda-native: $(IRDA_LIB) $(IRDA_TEST_BIN)

$(IRDA_OUT)/obj/%.o: $(IRDA_DIR)/core/%.c
	@mkdir -p $(dir $@)
	$(IRDA_NATIVE_CC) $(IRDA_CFLAGS) $(IRDA_SAN) $(IRDA_WFLAGS) -MMD -MP -c $< -o $@

$(IRDA_LIB): $(IRDA_CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(IRDA_OUT)/tests/%: $(IRDA_DIR)/tests/%.c $(IRDA_TEST_SUPP) $(wildcard $(IRDA_DIR)/tests/*.h) $(IRDA_LIB)
	@mkdir -p $(dir $@)
	$(IRDA_NATIVE_CC) $(IRDA_CFLAGS) $(IRDA_SAN) $(IRDA_WFLAGS) -Wno-missing-prototypes \
	    -I$(IRDA_DIR)/tests $< $(IRDA_TEST_SUPP) $(IRDA_LIB) $(IRDA_CMOCKA) -o $@

# Runs every test binary; prints one summary line "N passed, N failed".
irda-native-check: irda-native
	@pass=0; fail=0; bad=""; \
	for t in $(IRDA_TEST_BIN); do \
	  out=$$($$t 2>&1); rc=$$?; echo "$$out"; \
	  p=$$(echo "$$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1); \
	  f=$$(echo "$$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1); \
	  pass=$$((pass + $${p:-0})); fail=$$((fail + $${f:-0})); \
	  if [ $$rc -ne 0 ]; then bad="$$bad $$(basename $$t)"; [ -z "$$f" ] && fail=$$((fail + 1)); fi; \
	done; \
	echo "irda native unit tests ($(words $(IRDA_TEST_BIN)) suites):"; \
	echo "$$pass passed, $$fail failed"; \
	if [ -n "$$bad" ]; then echo "failing suites:$$bad"; exit 1; fi

irda-fuzz: $(IRDA_FUZZ_BIN)

$(IRDA_OUT)/fuzz/%: $(IRDA_DIR)/fuzz/%.c $(IRDA_CORE_SRC) $(wildcard $(IRDA_DIR)/core/*.h)
	@mkdir -p $(dir $@)
	$(IRDA_FUZZ_CC) $(IRDA_FUZZ_FLAGS) -std=c11 -Wall -Wextra -Werror -I$(IRDA_DIR)/core \
	    $< $(IRDA_CORE_SRC) -o $@

# Each target runs on a copy of its seed corpus (the seeds stay untouched).
irda-fuzz-smoke: irda-fuzz
	@set -e; for f in $(IRDA_FUZZ_BIN); do \
	  n=$$(basename $$f); n=$${n#fuzz_}; \
	  work=$(IRDA_OUT)/fuzz/work/$$n; rm -rf $$work; mkdir -p $$work; \
	  cp $(IRDA_DIR)/fuzz/corpus/$$n/* $$work/ 2>/dev/null || true; \
	  echo "== fuzz smoke: $$n"; \
	  $$f $(IRDA_FUZZ_RUNS) -print_final_stats=1 $$work > $(IRDA_OUT)/fuzz/$$n.log 2>&1 \
	    || { tail -40 $(IRDA_OUT)/fuzz/$$n.log; echo "fuzz smoke FAILED: $$n"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' $(IRDA_OUT)/fuzz/$$n.log | tr '\n' ' '; echo; \
	done; echo "irda fuzz smoke: $(words $(IRDA_FUZZ_BIN)) targets passed"

irda-native-clean:
	rm -rf $(IRDA_OUT)

-include $(IRDA_CORE_OBJ:.o=.d)

# Included from another makefile: leave its default goal alone.
ifneq ($(IRDA_SAVED_GOAL),)
.DEFAULT_GOAL := $(IRDA_SAVED_GOAL)
endif

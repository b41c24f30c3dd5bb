# Regime — build, test, demo, install.
#
#   make              build regc, regrt and libregrt into build/
#   make test         unit + golden + e2e tests, then the same under ASan+UBSan
#   make demo         build the tthc example and run it over every commune
#   make bench        the benchmark against the peers (see bench/README.md)
#   make fuzz         libFuzzer harnesses (FUZZ_SECONDS=N each)
#   make install PREFIX=/usr/local
#
# Switches: WERROR=1 (warnings are errors), SAN=1 (ASan+UBSan build in
# build/san/), V=1 (echo commands).

PREFIX   ?= /usr/local
LLVM_CONFIG ?= llvm-config-19
CC       ?= cc
ifeq ($(origin CC),default)
CC       := cc
endif
FLEX     ?= flex
BISON    ?= bison

VERSION  := 0.1.0

ifeq ($(SAN),1)
O        := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT      := -O1 -g
else
O        := build
SANFLAGS :=
OPT      := -O2 -g
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wundef -Wwrite-strings -Wpointer-arith -Wcast-qual \
        -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif

LLVM_CFLAGS  := $(shell $(LLVM_CONFIG) --cflags 2>/dev/null | sed -e 's/-std=[^ ]*//g' -e 's/-W[^ ]*//g' -e 's/-O[0-9s]//g' -e 's/-g[^ ]*//g')
LLVM_LIBS    := $(shell $(LLVM_CONFIG) --ldflags --libs --link-shared 2>/dev/null)
XML_CFLAGS   := $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS     := $(shell pkg-config --libs libxml-2.0 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
# libsodium: Ed25519 signatures and SHA-256 of regime artifacts
# (runtime/verify.c); every program linking libregrt needs it.
SODIUM_CFLAGS := $(shell pkg-config --cflags libsodium 2>/dev/null)
SODIUM_LIBS   := $(shell pkg-config --libs libsodium 2>/dev/null || echo -lsodium)
# The reporting server (server/, `regrt serve`): HTTP, the two stores, Argon2id.
SERVER_CFLAGS := $(shell pkg-config --cflags libmicrohttpd sqlite3 libpq libsodium libcurl 2>/dev/null)
SERVER_LIBS   := $(shell pkg-config --libs libmicrohttpd sqlite3 libpq libsodium libcurl 2>/dev/null)

CPPFLAGS := -D_GNU_SOURCE -DREGIME_VERSION='"$(VERSION)"' \
            -Iruntime/include -Icompiler -Iruntime -I$(O)/gen
CFLAGS   := -std=c11 $(OPT) $(WARN) $(SANFLAGS) -fPIC -pthread
LDFLAGS  := $(SANFLAGS) -pthread

Q := @
ifeq ($(V),1)
Q :=
endif

# ---- sources --------------------------------------------------------------

GEN_SRC      := $(O)/gen/parser.c $(O)/gen/lexer.c
COMPILER_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
RUNTIME_SRC  := $(filter-out runtime/regrt.c,$(wildcard runtime/*.c))

COMPILER_OBJ := $(COMPILER_SRC:%.c=$(O)/obj/%.o) $(O)/obj/gen/parser.o $(O)/obj/gen/lexer.o
RUNTIME_OBJ  := $(RUNTIME_SRC:%.c=$(O)/obj/%.o)
SERVER_SRC   := $(wildcard server/*.c)
SERVER_OBJ   := $(SERVER_SRC:%.c=$(O)/obj/%.o) $(O)/obj/gen/web_assets.o
WEB_ASSETS   := $(wildcard runtime/web/*.js runtime/web/*.css)

LIBREGC  := $(O)/lib/libregc.a
LIBREGRT := $(O)/lib/libregrt.a
LIBREGSRV := $(O)/lib/libregsrv.a
REGC     := $(O)/bin/regc
REGRT    := $(O)/bin/regrt

UNIT_SRC   := $(wildcard tests/unit/check_*.c)
UNIT_BINS  := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all deps test test-run test-unit test-golden test-e2e test-forms demo bench fuzz serve-demo \
        fuzz-short clean install format format-check tools
.DEFAULT_GOAL := all

all: $(REGC) $(REGRT)

deps:
	$(Q)bash scripts/deps.sh

# ---- generated front end --------------------------------------------------

$(O)/gen/parser.c $(O)/gen/parser.h: grammar/parser.y
	@mkdir -p $(@D)
	$(Q)$(BISON) -Wall -Werror --defines=$(O)/gen/parser.h -o $(O)/gen/parser.c $<

$(O)/gen/lexer.c $(O)/gen/lexer.h: grammar/lexer.l $(O)/gen/parser.h
	@mkdir -p $(@D)
	$(Q)$(FLEX) --header-file=$(O)/gen/lexer.h -o $(O)/gen/lexer.c $<

# Generated code is not ours to lint: keep the warnings that find bugs.
$(O)/obj/gen/%.o: $(O)/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) -Icompiler $(filter-out -Werror -Wmissing-prototypes -Wshadow -Wcast-qual,$(CFLAGS)) -Wno-unused-function -Wno-sign-compare -c $< -o $@

# ---- objects --------------------------------------------------------------

$(O)/obj/compiler/%.o: compiler/%.c $(O)/gen/parser.h $(O)/gen/lexer.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(LLVM_CFLAGS) $(XML_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(XML_CFLAGS) $(SODIUM_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(O)/obj/server/%.o: server/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(XML_CFLAGS) $(SERVER_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# the pages' assets compiled into regrt (server/pages.c)
$(O)/gen/web_assets.c: $(WEB_ASSETS) scripts/embed_web.py
	@mkdir -p $(@D)
	$(Q)python3 scripts/embed_web.py $@ $(WEB_ASSETS)

$(O)/obj/gen/web_assets.o: $(O)/gen/web_assets.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIBREGSRV): $(SERVER_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBREGC): $(COMPILER_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBREGRT): $(RUNTIME_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(REGC): $(O)/obj/compiler/main.o $(LIBREGC) $(LIBREGRT)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LLVM_LIBS) $(XML_LIBS) $(SODIUM_LIBS) -lm

$(REGRT): $(O)/obj/runtime/regrt.o $(LIBREGSRV) $(LIBREGRT)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -rdynamic -o $@ $^ $(XML_LIBS) $(SERVER_LIBS) $(SODIUM_LIBS) -ldl -lm

-include $(wildcard $(O)/obj/*/*.d)

# ---- tests ----------------------------------------------------------------

$(O)/tests/check_%: tests/unit/check_%.c $(LIBREGC) $(LIBREGRT)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(LLVM_CFLAGS) $(XML_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -o $@ $< \
	    $(LIBREGC) $(LIBREGRT) $(LDFLAGS) $(LLVM_LIBS) $(XML_LIBS) $(SODIUM_LIBS) $(CHECK_LIBS) -ldl -lm

# The server's unit tests link the server's library and its dependencies.
$(O)/tests/check_srv: tests/unit/check_srv.c $(LIBREGSRV) $(LIBREGRT)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) -Iserver $(XML_CFLAGS) $(SERVER_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -o $@ $< \
	    $(LIBREGSRV) $(LIBREGRT) $(LDFLAGS) $(XML_LIBS) $(SERVER_LIBS) $(CHECK_LIBS) -ldl -lm

tools: $(REGC) $(REGRT)

# Runs every kind of test against the build in $(O); every suite runs even
# when an earlier one fails, and the status says whether any failed.
test-run:
	$(Q)$(MAKE) --no-print-directory $(REGC) $(REGRT) $(UNIT_BINS)
	$(Q)rc=0; \
	$(MAKE) --no-print-directory test-unit || rc=1; \
	$(MAKE) --no-print-directory test-golden || rc=1; \
	$(MAKE) --no-print-directory test-e2e || rc=1; \
	exit $$rc

test-unit: $(UNIT_BINS)
	$(Q)O=$(O) sh tests/run-unit.sh $(UNIT_BINS)

test-golden: $(REGC) $(REGRT)
	$(Q)O=$(O) sh tests/golden/run.sh

test-e2e: $(REGC) $(REGRT)
	$(Q)O=$(O) sh tests/e2e/run.sh

# The conformance suite of the generated forms in real form engines (ODK's
# engine in Node, Enketo in Chromium; docs/FORMS.md). Once, not per build.
test-forms: $(REGC) $(REGRT)
	$(Q)O=$(O) sh tests/forms/run.sh

# The full suite: normal build, then the sanitizer build.
test: deps
	$(Q)$(MAKE) --no-print-directory test-run
	$(Q)$(MAKE) --no-print-directory test-forms
	$(Q)$(MAKE) --no-print-directory SAN=1 test-run
	$(Q)if command -v clang-19 >/dev/null 2>&1; then $(MAKE) --no-print-directory fuzz-short; fi
	@echo "make test: all suites passed"

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh examples/demo.sh

# The reporting server on the bundled tthc example (docs/SERVER.md).
# signed with the development key (docs/DISTRIBUTION.md), which the server trusts
serve-demo: all
	$(Q)mkdir -p build/serve-demo
	$(Q)sh scripts/devkey.sh $(REGC) build/devkey dev
	$(Q)REGIME_SIGNING_KEY=$(CURDIR)/build/devkey/dev.key REGIME_PATH=$(CURDIR)/stdlib \
	    $(REGC) build examples/tthc/tthc.regime -o build/serve-demo/regimes/tthc >/dev/null
	$(Q)REGIME_SIGNING_KEY=$(CURDIR)/build/devkey/dev.key REGIME_PATH=$(CURDIR)/stdlib \
	    $(REGC) build examples/tthc/tthc.regime --target wasm32-unknown-unknown -o build/serve-demo/regimes/tthc/web >/dev/null
	$(Q)echo demo | $(REGRT) serve-admin --store build/serve-demo/store.db add c00001 --role reporter --unit 00001 2>/dev/null || true
	$(Q)echo demo | $(REGRT) serve-admin --store build/serve-demo/store.db add p01 --role supervisor --unit 01 2>/dev/null || true
	$(Q)echo demo | $(REGRT) serve-admin --store build/serve-demo/store.db add admin --role admin --unit '' 2>/dev/null || true
	$(Q)sh scripts/serve-demo.sh $(REGRT) 127.0.0.1:8080

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bash bench/bench.sh $(BENCH_ARGS)

FUZZ_SECONDS ?= 60
fuzz: deps
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

fuzz-short:
	$(Q)FUZZ_SECONDS=$${FUZZ_SHORT_SECONDS:-10} sh tests/fuzz/run.sh

# ---- install, format, clean ----------------------------------------------

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	           $(DESTDIR)$(PREFIX)/share/regime/stdlib
	install -m 755 $(REGC) $(REGRT) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIBREGRT) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 runtime/include/*.h $(DESTDIR)$(PREFIX)/include/
	cp -R stdlib/. $(DESTDIR)$(PREFIX)/share/regime/stdlib/

FORMAT_SRC = $(wildcard compiler/*.c compiler/*.h runtime/*.c runtime/*.h runtime/include/*.h tests/unit/*.c)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build

# ---- runtime fixtures (runtime) ---------------------------------------------
# A hand-written stand-in for the compiled tthc regime (tests/fixtures/
# tthc_hand.c), so that libregrt is tested before regc can build the real one.
FIXTURE_TTHC := $(O)/fixtures/tthc/tthc.so

# The development key, made once by scripts/devkey.sh: tests/lib.sh,
# examples/demo.sh and bench/regime-peer.sh export it as REGIME_SIGNING_KEY
# and its trust store $(O)/devkey/trusted as REGIME_TRUST; the fixture is
# signed with it, as a regime must be to load (docs/DISTRIBUTION.md).
DEVKEY := $(O)/devkey/dev.key
$(DEVKEY): | $(REGC)
	$(Q)sh scripts/devkey.sh $(REGC) $(O)/devkey dev

$(FIXTURE_TTHC): tests/fixtures/tthc_hand.c runtime/include/regime.h $(REGC) $(DEVKEY)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 $(OPT) $(WARN) $(SANFLAGS) -fPIC -shared -Iruntime/include -o $@ $<
	$(Q)$(REGC) sign --key $(DEVKEY) $(@D) >/dev/null

.PHONY: fixtures
fixtures: $(FIXTURE_TTHC)
test-e2e test-unit: $(FIXTURE_TTHC)

# ---- codegen (codegen) ------------------------------------------------------
# regdiff: the differential test of compiled kernels against the reference
# evaluator (tests/diff/), run by tests/e2e/t_build_diff.sh. bench-kernel:
# the validate kernel of tthc against a hand-written C loop (bench/kernel/).
REGDIFF := $(O)/tests/regdiff

$(REGDIFF): tests/diff/regdiff.c $(LIBREGC) $(LIBREGRT)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(LLVM_CFLAGS) $(CFLAGS) -o $@ $< $(LIBREGC) $(LIBREGRT) \
	    $(LDFLAGS) $(LLVM_LIBS) $(XML_LIBS) $(SODIUM_LIBS) -ldl -lm

test-e2e: $(REGDIFF)

KBENCH := build/bench/kbench
$(KBENCH): bench/kernel/kbench.c bench/kernel/hand.c runtime/include/regime.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -O2 -Iruntime/include -o $@ bench/kernel/kbench.c bench/kernel/hand.c -ldl

.PHONY: bench-kernel
bench-kernel: $(KBENCH)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(REGC) build examples/tthc/tthc.regime -o build/bench/tthc
	$(Q)$(KBENCH) build/bench/tthc/tthc.so $(KBENCH_ARGS)

# ---- fuzzing (robustness) ---------------------------------------------------
# The harnesses of the robustness work: tests/fuzz/fuzz_csv.c (every CSV
# reader of libregrt), fuzz_xml.c (XML instances), fuzz_fmtdiff.c (regc fmt
# and diff); tests/fuzz/coverage.sh measures their line coverage. tests/fuzz/run.sh builds build/fuzz/fuzz_NAME and runs it
# (`make fuzz FUZZ_SECONDS=N`, `make fuzz-short`). clang-19 with
# -fsanitize=fuzzer,address,undefined; the sources are compiled into objects
# of their own (build/fuzz/obj/, -fsanitize=fuzzer-no-link) so that a change
# to one file recompiles one file. The CSV and XML harnesses load the tthc,
# edoc and itplan regimes built by regc into build/fuzz/lib/ (forms and XSDs
# beside them). `make valgrind` runs tests/valgrind.sh (memcheck over a
# representative set of regc and regrt runs).
FUZZ_CC      ?= clang-19
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -g -O1 $(FUZZ_SAN) -pthread -D_GNU_SOURCE -DREGIME_VERSION='"$(VERSION)"' \
                -DFUZZ_ROOT='"$(CURDIR)"' -Iruntime/include -Iruntime -Icompiler -Ibuild/gen
FUZZ_RT_OBJ  := $(RUNTIME_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_CC_OBJ  := $(COMPILER_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/parser.o build/fuzz/obj/gen/lexer.o
FUZZ_LIBS    := build/fuzz/lib/tthc/tthc.so build/fuzz/lib/edoc/edoc.so build/fuzz/lib/itplan/itplan.so

build/fuzz/obj/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(XML_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/obj/compiler/%.o: compiler/%.c build/gen/parser.h build/gen/lexer.h
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(LLVM_CFLAGS) $(XML_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Wno-unused-function -c $< -o $@

-include $(wildcard build/fuzz/obj/*/*.d)

build/fuzz/lib/tthc/tthc.so: examples/tthc/tthc.regime examples/tthc/domains.csv $(REGC)
build/fuzz/lib/edoc/edoc.so: examples/edoc/edoc.regime $(REGC)
build/fuzz/lib/itplan/itplan.so: examples/itplan/itplan.regime $(REGC)
$(FUZZ_LIBS): | $(DEVKEY)
	@mkdir -p $(@D)
	@echo "  REGC    $@"
	$(Q)REGIME_PATH=$(CURDIR)/stdlib $(REGC) build $< -o $(@D) --sign $(DEVKEY) >/dev/null

build/fuzz/fuzz_csv build/fuzz/fuzz_xml: build/fuzz/%: tests/fuzz/%.c $(FUZZ_RT_OBJ) $(FUZZ_LIBS)
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(XML_CFLAGS) -o $@ $< $(FUZZ_RT_OBJ) \
	    $(XML_LIBS) $(SODIUM_LIBS) -ldl -lm

build/fuzz/fuzz_fmtdiff: tests/fuzz/fuzz_fmtdiff.c $(FUZZ_CC_OBJ) $(FUZZ_RT_OBJ)
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(LLVM_CFLAGS) -o $@ $< $(FUZZ_CC_OBJ) $(FUZZ_RT_OBJ) \
	    $(LLVM_LIBS) $(XML_LIBS) $(SODIUM_LIBS) -ldl -lm

# fuzz_manifest.c: the parsers of signed artifacts (runtime/verify.c):
# manifest.json, manifest.sig, key files (tests/fuzz/seeds-manifest/).
build/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c $(FUZZ_RT_OBJ)
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(XML_CFLAGS) -o $@ $< $(FUZZ_RT_OBJ) \
	    $(XML_LIBS) $(SODIUM_LIBS) -ldl -lm

# fuzz_submit: the server's submission path (multipart + XML) over a
# loopback connection to an in-process server (tests/fuzz/fuzz_submit.c).
FUZZ_SRV_OBJ := $(SERVER_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/web_assets.o
build/fuzz/obj/server/%.o: server/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(XML_CFLAGS) $(SERVER_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/fuzz_submit: tests/fuzz/fuzz_submit.c $(FUZZ_SRV_OBJ) $(FUZZ_RT_OBJ) build/fuzz/lib/tthc/tthc.so
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Iserver -fsanitize=fuzzer $(XML_CFLAGS) $(SERVER_CFLAGS) -o $@ $< \
	    $(FUZZ_SRV_OBJ) $(FUZZ_RT_OBJ) $(XML_LIBS) $(SERVER_LIBS) -ldl -lm

.PHONY: fuzz-robustness valgrind
fuzz-robustness: build/fuzz/fuzz_csv build/fuzz/fuzz_xml build/fuzz/fuzz_fmtdiff build/fuzz/fuzz_submit \
                 build/fuzz/fuzz_manifest

valgrind: $(REGC) $(REGRT) $(FIXTURE_TTHC)
	$(Q)O=$(O) sh tests/valgrind.sh

# ---- fuzzing (front end) ----------------------------------------------------
# tests/fuzz/fuzz_spec.c: the spec lexer, parser, import driver and every
# semantic pass on arbitrary bytes (tests/fuzz/run.sh builds and runs it with
# tests/fuzz/seeds-spec/ and tests/fuzz/spec.dict). Built with clang-19 and
# -fsanitize=fuzzer,address,undefined from the front end's sources only: the
# objects of build/fuzz/obj/ (compiled by the robustness section above) and
# the generated parser and lexer of build/gen/, and the shared core
# (runtime/core_*.c but core_out.c, which needs the runtime's language) that
# the lexer and sema_decls.c read literals with.
FUZZ_SPEC_SRC := $(addprefix compiler/,arena.c srcloc.c diag.c diag_catalog.c lex.c ast_build.c \
                   driver.c model.c $(notdir $(wildcard compiler/sema*.c)))
FUZZ_SPEC_OBJ := $(FUZZ_SPEC_SRC:%.c=build/fuzz/obj/%.o) $(patsubst %.c,build/fuzz/obj/%.o,$(filter-out runtime/core_out.c,$(wildcard runtime/core_*.c))) \
                 build/fuzz/obj/gen/parser.o build/fuzz/obj/gen/lexer.o

build/fuzz/fuzz_spec: tests/fuzz/fuzz_spec.c $(FUZZ_SPEC_OBJ)
	@mkdir -p $(@D)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_SPEC_OBJ) -lm

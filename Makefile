# Kaipiao — the two commands a newcomer needs are `make run` and `make test`.
# Both install what they need first (`make deps`).

GO        ?= go
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   = $(GO) run golang.org/x/perf/cmd/benchstat@latest
FUZZTIME  ?= 5s

.PHONY: all deps build gui run demo screenshots test vet lint fuzz soak bench clean windows deb

all: build

deps:
	@./scripts/deps.sh

# The command-line programs, and the desktop program (cgo: a cold build takes minutes).
build: deps gui
	$(GO) build -o bin/ ./cmd/...

gui: deps
	$(GO) build -tags migrated_fynedo -o bin/kaipiao .

# The Windows programs and their installer: kaipiao.exe (the desktop program, cross-built
# with mingw-w64, Debian package gcc-mingw-w64-x86-64), kaipiaoctl.exe, and
# kaipiao-setup.exe (NSIS, Debian package nsis; packaging/windows/kaipiao.nsi). The icon,
# manifest and version information (assets/windows) are linked in from a .syso that
# exists only for the build: left in the tree, it would break other targets' builds.
# Symbols and DWARF are left out (-s -w) and so is Fyne's colour-emoji font (no_emoji):
# see docs/windows.md for what makes the size.
VERSION ?= 1.0.0
WINCC  ?= x86_64-w64-mingw32-gcc
WINRES  = $(GO) run github.com/tc-hib/go-winres@v0.3.3
WINTAGS = migrated_fynedo no_emoji

windows:
	@command -v $(WINCC) >/dev/null || { echo "make windows: no $(WINCC): apt-get install gcc-mingw-w64-x86-64" >&2; exit 2; }
	@command -v makensis >/dev/null || { echo "make windows: no makensis: apt-get install nsis" >&2; exit 2; }
	cd assets/windows && $(WINRES) make --in winres.json --arch amd64 --out ../../rsrc \
		--product-version $(VERSION).0 --file-version $(VERSION).0
	CC=$(WINCC) GOOS=windows GOARCH=amd64 CGO_ENABLED=1 $(GO) build -tags '$(WINTAGS)' \
		-ldflags '-s -w -H=windowsgui' -o bin/kaipiao.exe . ; status=$$?; rm -f rsrc_windows_amd64.syso; exit $$status
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -ldflags '-s -w' -o bin/kaipiaoctl.exe ./cmd/kaipiaoctl
	makensis -V2 -DVERSION=$(VERSION) -DBINDIR=$(CURDIR)/bin -DOUTFILE=$(CURDIR)/bin/kaipiao-setup.exe \
		packaging/windows/kaipiao.nsi

# The Debian package of the Linux programs, with the desktop entry and the icon
# (scripts/deb.sh): bin/kaipiao_$(VERSION)_amd64.deb.
deb: gui
	./scripts/deb.sh $(VERSION)

# The desktop workstation on its embedded defaults: the built-in device simulator, a
# local data folder, and a local reference platform with demo certificates.
RUN_DATA ?= .kaipiao-data

run: build
	RUN_DATA=$(RUN_DATA) ./scripts/run.sh

# The same workstation from the command line: it issues the example orders through the
# built-in simulator into the local data folder (again and again: a repeated order is
# replayed, never issued twice), lists them, reverses one, and shows the device.
KCTL = KAIPIAO_DEMO_KEYS=1 ./bin/kaipiaoctl --data $(RUN_DATA)

demo: build
	@echo "== kaipiaoctl check docs/examples/01-software-service.json"
	@./bin/kaipiaoctl check docs/examples/01-software-service.json | head -12; echo "   ..."
	@echo "== kaipiaoctl issue docs/examples/07-orders.csv   (data in $(RUN_DATA)/)"
	@$(KCTL) issue docs/examples/07-orders.csv
	@echo "== kaipiaoctl issue docs/examples/06-over-limit-one-line.json   (split over the limit)"
	@$(KCTL) issue docs/examples/06-over-limit-one-line.json
	@echo "== kaipiaoctl red --of <the first invoice>"
	@$(KCTL) red --of "$$($(KCTL) list --buyer 厦门 --limit 1000 | tail -1 | sed -E 's/.*"code":"([0-9]+)","number":"([0-9]+)".*/\1:\2/')"
	@echo "== kaipiaoctl list"
	@$(KCTL) list --limit 10
	@echo "== kaipiaoctl device status"
	@$(KCTL) device status

# Screenshots of every screen, from Fyne's test driver, and of the real window under Xvfb.
screenshots: build
	KAIPIAO_SCREENSHOTS=1 CGO_ENABLED=0 $(GO) test -count=1 -run 'TestClerk|TestFirstRun|TestLogInScreenShowsTheLockout|TestPreview|TestInboxImports|TestAdministrator|TestScreensInEnglish|TestInvoiceListExports|TestInvoiceMail|TestMasterData|TestMonthlyStatistics|TestNoDevice|TestPartlyIssued|TestGridShowsEightLines|TestStalePlatform|TestDigital|TestSlip' ./ui
	./scripts/gui-smoke.sh docs/screens/gui-xvfb.png
	./scripts/gui-nodevice.sh docs/screens
	./scripts/gui-keyboard.sh docs/screens
	./scripts/gui-digital.sh docs/screens
	$(MAKE) --no-print-directory windows
	./scripts/wine-test.sh docs/screens/windows-wine.png

vet:
	$(GO) vet ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(STATICCHECK) ./...

# vet, staticcheck, every test (the print tests run their own cupsd with cups-pdf; the
# platform's tests run once more on a throw-away PostgreSQL, scripts/pgtest.sh), the
# Windows print path under Wine, the desktop program's smoke test under Xvfb, a clerk's
# keyboard-only day in the real window (xdotool), and each fuzz target briefly.
test: deps vet lint build
	$(GO) test -count=1 -timeout 25m ./...
	./scripts/pgtest.sh
	$(GO) test -tags wine -count=1 -run TestPrintUnderWine ./cmd/kaipiaoctl
	./scripts/gui-smoke.sh $$(mktemp --suffix=.png)
	./scripts/gui-nodevice.sh $$(mktemp -d)
	./scripts/gui-keyboard.sh $$(mktemp -d)
	./scripts/gui-digital.sh $$(mktemp -d)
	./scripts/gui-latency.sh 500
	$(MAKE) --no-print-directory windows
	./scripts/wine-test.sh
	$(MAKE) --no-print-directory deb
	./scripts/deb-test.sh bin/kaipiao_$(VERSION)_amd64.deb
	./scripts/fuzz.sh $(FUZZTIME)

# Longer fuzzing: `make fuzz FUZZTIME=10m`.
fuzz: FUZZTIME = 2m
fuzz: deps
	./scripts/fuzz.sh $(FUZZTIME)

# The device link's long seeded fault run: over 10,000 frames with random faults, then
# the device's journal and the client's view must be identical (about two minutes).
soak: deps
	$(GO) test -count=1 -run Soak ./device/sim/ -args -long

# Benchmarks, six runs each, summarised by benchstat (medians); then the platform's load
# test on PostgreSQL and bbolt (scripts/platform-bench.sh). Copy the figures into
# BENCHMARKS.md together with the machine line this prints.
bench: deps
	@echo "machine: $$(uname -srm), $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $$($(GO) version | cut -d' ' -f3)"
	$(GO) test -run='^$$' -bench=. -benchmem -count=6 ./... | tee bench.out
	$(BENCHSTAT) bench.out
	./scripts/platform-bench.sh

clean:
	rm -rf bin bench.out

# The README's two commands: `make run` (build and start the daemon) and `make test` (the whole suite).
# `make install` / `make uninstall` put coroq on a machine as a service (README, "Run as a service").
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
# /etc for a system prefix (/usr), else under the prefix.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)

BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
DOCDIR = $(PREFIX)/share/doc/coroq
UNITDIR = $(PREFIX)/lib/systemd/system
USERUNITDIR = $(PREFIX)/lib/systemd/user
SYSUSERSDIR = $(PREFIX)/lib/sysusers.d
BASHDIR = $(PREFIX)/share/bash-completion/completions
ZSHDIR = $(PREFIX)/share/zsh/site-functions
FISHDIR = $(PREFIX)/share/fish/vendor_completions.d
# Static binaries, built apart from the debug and release builds: they run without a Swift toolchain.
INSTALL_BUILD = .build-install/release

.PHONY: deps build run test bench clean man install-build install uninstall

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build -c release

# Builds release binaries and runs coroqd in the foreground with its per-user defaults.
run: build
	.build/release/coroqd

# Every test: the Swift suites, every benchmark workload at a tiny size (a smoke run, no timing checks),
# Examples/custom-daemon built, tested and run through the CLI, then `make install` of static binaries
# checked on a toolchain-less PATH, then the dashboard in headless Chromium (scripts/test-dashboard). A step that hangs is stopped by
# the watchdog, which first prints every thread's stack of the processes it stops. First the module
# arrows: an import that Package.swift does not list for its target fails (scripts/check-imports: any
# import not declared; SwiftPM's check: an import of a target outside the importer's dependencies).
test: deps
	scripts/check-imports
	scripts/with-watchdog 2400 $(SWIFT) test --explicit-target-dependency-import-check error
	scripts/with-watchdog 900 scripts/bench --smoke --bin .build/debug
	scripts/with-watchdog 1200 scripts/test-example
	scripts/with-watchdog 1200 scripts/test-install
	scripts/with-watchdog 600 scripts/test-dashboard --bin .build/debug

# The benchmarks at full size (about 5 minutes here, after the build); figures and how to read them: BENCHMARKS.md.
bench: deps
	$(SWIFT) build -c release
	scripts/bench

clean:
	rm -rf .build .build-install

# Regenerates man/ from the commands' help (argument-parser's manual generator); commit the result.
man:
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --multi-page
	rm -rf man && mkdir -p man
	cp .build/plugins/GenerateManual/outputs/coroq/*.1 .build/plugins/GenerateManual/outputs/coroqd/*.1 man/

install-build: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-install

# Installs what `make install-build` built (run that as yourself: root may have no swift on its PATH).
install:
	@[ -x $(INSTALL_BUILD)/coroqd ] && [ -x $(INSTALL_BUILD)/coroq ] || { echo "make install: run 'make install-build' first (as yourself), then 'sudo make install'" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	install -m 0755 -s $(INSTALL_BUILD)/coroqd $(INSTALL_BUILD)/coroq $(DESTDIR)$(BINDIR)/
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/
	install -m 0644 README.md docs/PROTOCOL.md docs/ARCHITECTURE.md config/coroqd.toml $(DESTDIR)$(DOCDIR)/
	# The stricter sandbox is an example, not applied: its first lines say how to apply it.
	install -m 0644 contrib/systemd/coroqd.service.d/hardening.conf $(DESTDIR)$(DOCDIR)/hardening.conf
	install -d $(DESTDIR)$(SYSCONFDIR)/coroq
	# An existing config file is the administrator's: it is kept (the example stays in the doc folder).
	[ -e $(DESTDIR)$(SYSCONFDIR)/coroq/coroqd.toml ] || install -m 0644 config/coroqd.toml $(DESTDIR)$(SYSCONFDIR)/coroq/coroqd.toml
	for unit in coroqd.service coroqd.socket; do \
		sed 's#/usr/local/bin/#$(BINDIR)/#; s#/usr/local/share/doc/#$(PREFIX)/share/doc/#; s#/usr/local/etc/#$(SYSCONFDIR)/#' systemd/$$unit > $(DESTDIR)$(UNITDIR)/$$unit; \
		sed 's#/usr/local/bin/#$(BINDIR)/#; s#/usr/local/share/doc/#$(PREFIX)/share/doc/#; s#/usr/local/etc/#$(SYSCONFDIR)/#' systemd/user/$$unit > $(DESTDIR)$(USERUNITDIR)/$$unit; \
	done
	install -m 0644 systemd/sysusers.d/coroq.conf $(DESTDIR)$(SYSUSERSDIR)/coroq.conf
	$(INSTALL_BUILD)/coroq --generate-completion-script bash > $(DESTDIR)$(BASHDIR)/coroq
	$(INSTALL_BUILD)/coroq --generate-completion-script zsh > $(DESTDIR)$(ZSHDIR)/_coroq
	$(INSTALL_BUILD)/coroq --generate-completion-script fish > $(DESTDIR)$(FISHDIR)/coroq.fish
	$(INSTALL_BUILD)/coroqd --generate-completion-script bash > $(DESTDIR)$(BASHDIR)/coroqd
	$(INSTALL_BUILD)/coroqd --generate-completion-script zsh > $(DESTDIR)$(ZSHDIR)/_coroqd
	$(INSTALL_BUILD)/coroqd --generate-completion-script fish > $(DESTDIR)$(FISHDIR)/coroqd.fish

# Removes exactly what `install` put there (the database and logs in /var/lib/coroq are the user's).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/coroqd $(DESTDIR)$(BINDIR)/coroq
	cd man && for page in *.1; do rm -f $(DESTDIR)$(MANDIR)/$$page; done
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(DOCDIR)/PROTOCOL.md $(DESTDIR)$(DOCDIR)/ARCHITECTURE.md $(DESTDIR)$(DOCDIR)/coroqd.toml
	rm -f $(DESTDIR)$(DOCDIR)/hardening.conf
	-rmdir $(DESTDIR)$(DOCDIR)
	# The config file goes only if it is still the example (an edited one is the administrator's).
	cmp -s config/coroqd.toml $(DESTDIR)$(SYSCONFDIR)/coroq/coroqd.toml && rm -f $(DESTDIR)$(SYSCONFDIR)/coroq/coroqd.toml || true
	-rmdir $(DESTDIR)$(SYSCONFDIR)/coroq
	rm -f $(DESTDIR)$(UNITDIR)/coroqd.service $(DESTDIR)$(UNITDIR)/coroqd.socket
	rm -f $(DESTDIR)$(USERUNITDIR)/coroqd.service $(DESTDIR)$(USERUNITDIR)/coroqd.socket
	rm -f $(DESTDIR)$(SYSUSERSDIR)/coroq.conf
	rm -f $(DESTDIR)$(BASHDIR)/coroq $(DESTDIR)$(BASHDIR)/coroqd $(DESTDIR)$(ZSHDIR)/_coroq $(DESTDIR)$(ZSHDIR)/_coroqd
	rm -f $(DESTDIR)$(FISHDIR)/coroq.fish $(DESTDIR)$(FISHDIR)/coroqd.fish

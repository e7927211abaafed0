MVN ?= ./mvnw -B -ntp
.DEFAULT_GOAL := help

.PHONY: help run test bench fmt crds package

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

SANDBOX ?= true
SHELL := bash
.SHELLFLAGS := -o pipefail -c

# What a build reads: `make run` rebuilds only when one of these changed since the last build.
SOURCES := pom.xml $(shell find src crds -type f 2>/dev/null)
BUILT := target/.built
DEVKIT := java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/test-classes:target/classes:$$(cat target/devkit.classpath)"

run: $(BUILT) ## run the operator in the embedded sandbox (SANDBOX=false: current kubeconfig and a real token)
ifeq ($(SANDBOX),false)
	java -jar target/quarkus-app/quarkus-run.jar
else
	$(DEVKIT) io.flagops.operator.sandbox.SandboxLauncher
endif

# The operator's jar and the dev kit beside it, without running tests; one line per build step.
$(BUILT): $(SOURCES)
	@echo "Building the operator and its dev kit (the first build downloads dependencies: a few minutes)"
	@$(MVN) package -DskipTests | grep --line-buffered -E '^\[(ERROR|WARNING)\]|--- .* @ |BUILD' \
	  | sed -u -E 's/\x1b\[[0-9;]*m//g; s/^\[INFO\] --- ([^ ]+) .*/  \1/'
	@touch $@

test: ## build and run every test
	@# one line per test class: its result ("Tests run: ... in <class>"), not also its start
	$(MVN) verify | { grep --line-buffered -a -v '^\[INFO\] Running ' || true; }

BENCH_ARGS ?=

bench: $(BUILT) ## measure convergence, calls, steady state and memory (see docs/benchmarks.md); BENCH_ARGS="--sizes 100 --rates 20"
	$(DEVKIT) io.flagops.operator.bench.Benchmark $(BENCH_ARGS)

fmt: ## format the Java sources
	$(MVN) spotless:apply

package: $(BUILT) ## build the operator, the dev kit and the kubectl plugin (target/kubectl-flagrelease) without running tests

crds: ## regenerate crds/ from the Java API types
	$(MVN) -q test -Dtest=CrdGenerationTest -Dcrd.update=true -Dsurefire.failIfNoSpecifiedTests=false
	for d in deploy/helm/flagrelease-operator/crds deploy/kustomize/base/crds; do cp crds/flagreleases.flagops.io-v1.yml $$d/; done

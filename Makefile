MVN ?= mvn -B
.DEFAULT_GOAL := help

.PHONY: help run test bench fmt crds package

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

SANDBOX ?= true

run: package ## run the operator in the embedded sandbox (SANDBOX=false: current kubeconfig and a real token)
	java -Dflagops.sandbox=$(SANDBOX) -jar target/quarkus-app/quarkus-run.jar

test: ## build and run every test
	$(MVN) verify

BENCH_ARGS ?=

bench: ## measure convergence, calls, steady state and memory (see docs/benchmarks.md); BENCH_ARGS="--sizes 100 --rates 20"
	$(MVN) -q compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec \
	  -Dexec.executable=java \
	  -Dexec.args="-Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp %classpath io.flagops.operator.bench.Benchmark $(BENCH_ARGS)"

fmt: ## format the Java sources
	$(MVN) spotless:apply

package: ## build the operator without running tests
	$(MVN) -q package -DskipTests

crds: ## regenerate crds/ from the Java API types
	$(MVN) -q test -Dtest=CrdGenerationTest -Dcrd.update=true -Dsurefire.failIfNoSpecifiedTests=false
	for d in deploy/helm/flagrelease-operator/crds deploy/kustomize/base/crds; do cp crds/flagreleases.flagops.io-v1.yml $$d/; done

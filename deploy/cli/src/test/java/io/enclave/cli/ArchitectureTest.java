package io.enclave.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies between Enclave's packages run one way: cli -> jobs -> sinks / ingest -> operators
 * -> config. The embedded servers and the event generator serve only the demo and the local
 * walkthrough's commands, and no production class reaches the test fixtures. Run here, where every
 * module's production classes (and the fixtures' jar) are on the classpath; tests are left out.
 */
@AnalyzeClasses(packages = "io.enclave", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule importsRunOneWay = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("cli")
            .definedBy("io.enclave.cli..")
            .layer("jobs")
            .definedBy("io.enclave.jobs..")
            .layer("sinks")
            .definedBy("io.enclave.sinks..")
            .layer("ingest")
            .definedBy("io.enclave.ingest..")
            .layer("operators")
            .definedBy("io.enclave.operators..")
            .layer("config")
            .definedBy("io.enclave.config..")
            .layer("embedded")
            .definedBy("io.enclave.embedded..")
            .layer("testing")
            .definedBy("io.enclave.testing..")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("jobs")
            .mayOnlyBeAccessedByLayers("cli", "testing")
            .whereLayer("sinks")
            .mayOnlyBeAccessedByLayers("cli", "jobs", "testing")
            .whereLayer("ingest")
            .mayOnlyBeAccessedByLayers("cli", "jobs", "testing")
            .whereLayer("operators")
            .mayOnlyBeAccessedByLayers("cli", "jobs", "sinks", "ingest", "testing")
            .whereLayer("config")
            .mayOnlyBeAccessedByLayers("cli", "jobs", "sinks", "ingest", "operators", "embedded", "testing")
            .whereLayer("embedded")
            .mayOnlyBeAccessedByLayers("cli", "testing")
            .whereLayer("testing")
            .mayNotBeAccessedByAnyLayer();

    @ArchTest
    static final ArchRule embeddedServersOnlyForTheDemoAndTheLocalWalkthrough = noClasses()
            .that()
            .resideOutsideOfPackages(
                    "io.enclave.cli.demo..", "io.enclave.cli.local..", "io.enclave.embedded..", "io.enclave.testing..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.enclave.embedded..")
            .because("the embedded broker, MariaDB and API stand-in are for the demo, enclave local and tests only");
}

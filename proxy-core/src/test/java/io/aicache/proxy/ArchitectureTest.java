package io.aicache.proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.aicache.storage.CacheIndex;

/**
 * The rules of the house, checked on the main code of every module but the benchmarks: which module and
 * package may use which. docs/architecture.md draws the same map.
 */
@AnalyzeClasses(packages = {"io.aicache.model", "io.aicache.storage", "io.aicache.upstream", "io.aicache.proxy"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule theNounsDependOnNothingOfOurs = noClasses().that().resideInAPackage("io.aicache.model..")
            .should().dependOnClassesThat().resideInAnyPackage("io.aicache.storage..", "io.aicache.upstream..",
                    "io.aicache.proxy..", "io.netty..", "org.rocksdb..", "com.fasterxml..")
            .because("storage, upstream and proxy-core all speak the model's nouns");

    @ArchTest
    static final ArchRule storageKnowsNoHttp = noClasses().that().resideInAPackage("io.aicache.storage..")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.net.http..", "io.aicache.upstream..",
                    "io.aicache.proxy..")
            .because("storage keeps bytes and records; how they travel is the other modules' business");

    @ArchTest
    static final ArchRule upstreamKnowsNoStorage = noClasses().that().resideInAPackage("io.aicache.upstream..")
            .should().dependOnClassesThat().resideInAnyPackage("io.aicache.storage..", "org.rocksdb..",
                    "com.github.benmanes.caffeine..", "io.aicache.proxy..")
            .because("upstream talks to registries and knows nothing of what is kept");

    @ArchTest
    static final ArchRule onlyUpstreamSendsToRegistries = noClasses().that().resideOutsideOfPackages(
                    "io.aicache.upstream..", "io.aicache.proxy.cli..")
            .should().dependOnClassesThat().belongToAnyOf(HttpClient.class, HttpRequest.class)
            .because("requests to registries, chart repositories and intercepted hosts are built in upstream alone;"
                    + " the CLI's clients talk to aicache's own admin API and to Kubernetes");

    @ArchTest
    static final ArchRule onlyCredentialKindsKnowTheAwsSdk = noClasses().that().resideOutsideOfPackage(
                    "io.aicache.upstream.credentials..")
            .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
            .because("a cloud's SDK stays behind its CredentialProvider; the rest of aicache sees Credentials");

    @ArchTest
    static final ArchRule proxyCorePackagesHaveNoCycles = slices().matching("io.aicache.proxy.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule proxyReachesTheIndexThroughItsStores = noClasses().that().resideInAPackage("io.aicache.proxy..")
            .should().dependOnClassesThat().belongToAnyOf(CacheIndex.class)
            .because("each part of the proxy reads and writes the records it needs through the store of their kind"
                    + " (store.tags(), store.blobs(), ...), never the whole index");

    @ArchTest
    static final ArchRule modulesHaveNoCycles = slices().matching("io.aicache.(*)..").should().beFreeOfCycles();
}

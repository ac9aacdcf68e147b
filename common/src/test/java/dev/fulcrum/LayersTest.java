package dev.fulcrum;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

import java.util.Arrays;
import java.util.List;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layers of common's main code, lowest first. A package may use only packages of lower layers (and its
 * own layer's, as long as no cycle forms); every package must be placed in a layer, so a new one gets a place here
 * before it gets code. The order is the real import graph laid flat: the leaves (the rules language, dialling an
 * origin, the request view, TLS, and the etcd client, which reads its PEM files with TLS's reader), the
 * configuration model, the control state built on it (store, health, the cluster's shared health and secrets), the
 * data path (affinity, routing, upstream, and the forwarding loop over them), the edges that read both (the REST
 * API, metrics), the dashboard's page (served beside the API), the runtime that wires them, and the servlet adapters
 * the hosts and the WAR share.
 */
@AnalyzeClasses(packages = "dev.fulcrum", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    /** One layer: its name and the packages in it ({@code ..} takes the subpackages along). */
    private record Layer(String name, String... packages) {
    }

    private static final List<Layer> LAYERS = List.of(
            new Layer("rules", "dev.fulcrum.rules.."),
            new Layer("net", "dev.fulcrum.net.."),
            new Layer("request", "dev.fulcrum.request.."),
            new Layer("tls", "dev.fulcrum.tls.."),
            new Layer("etcd", "dev.fulcrum.etcd.."),
            new Layer("config", "dev.fulcrum.config.."),
            new Layer("store", "dev.fulcrum.store.."),
            new Layer("health", "dev.fulcrum.health.."),
            new Layer("cluster", "dev.fulcrum.cluster.."),
            new Layer("affinity", "dev.fulcrum.affinity.."),
            new Layer("routing", "dev.fulcrum.routing.."),
            new Layer("upstream", "dev.fulcrum.upstream.."),
            new Layer("forwarding", "dev.fulcrum.forwarding.."),
            new Layer("api", "dev.fulcrum.api.."),
            new Layer("metrics", "dev.fulcrum.metrics.."),
            new Layer("dashboard", "dev.fulcrum.dashboard.."),
            new Layer("runtime", "dev.fulcrum.runtime.."),
            new Layer("servlet", "dev.fulcrum.servlet.."));

    @ArchTest
    static final ArchRule noPackageUsesAHigherLayer = layers();

    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("dev.fulcrum.(**)").should().beFreeOfCycles();

    private static ArchRule layers() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture();
        for (final Layer layer : LAYERS) {
            rule = rule.layer(layer.name()).definedBy(layer.packages());
        }
        for (int i = 0; i < LAYERS.size(); i++) {
            final String[] lower = LAYERS.subList(0, i).stream().map(Layer::name).toArray(String[]::new);
            rule = lower.length == 0
                   ? rule.whereLayer(LAYERS.get(i).name()).mayNotAccessAnyLayer()
                   : rule.whereLayer(LAYERS.get(i).name()).mayOnlyAccessLayers(lower);
        }
        return rule.as("packages use only lower layers, in the order " + Arrays.toString(
                LAYERS.stream().map(Layer::name).toArray()));
    }
}

package dev.securelink.gateway;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package map, kept by the build: features depend on each other only as listed here, and never in a cycle.
 * A new dependency between features is a decision; make it here, where it shows.
 */
class ArchitectureTests {

	private static final String ROOT = "dev.securelink.gateway";

	/** Each feature package and the feature packages it may use (the root package's shared beans: all of them). */
	private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
			Map.entry("access", Set.of("audit", "keys", "link", "session", "tenant", "web")),
			Map.entry("admin", Set.of("audit", "input", "tenant", "web")),
			Map.entry("audit", Set.of("keys")),
			Map.entry("change", Set.of()),
			Map.entry("database", Set.of("keys")),
			Map.entry("demo", Set.of()),
			Map.entry("input", Set.of()),
			Map.entry("keys", Set.of()),
			Map.entry("link", Set.of("audit", "change", "input", "keys", "tenant")),
			Map.entry("privacy", Set.of("admin", "audit", "input", "tenant")),
			Map.entry("proxy", Set.of("audit", "keys", "link", "session", "web")),
			Map.entry("session", Set.of("keys", "link", "tenant")),
			Map.entry("tenant", Set.of("audit", "change", "input")),
			Map.entry("web", Set.of()));

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(ROOT);

	@Test
	void packagesWhenComparedThenFreeOfCycles() {
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void eachFeatureWhenItUsesAnotherThenOnlyAsTheMapAllows() {
		for (Map.Entry<String, Set<String>> feature : ALLOWED.entrySet()) {
			Set<String> forbidden = new TreeSet<>(ALLOWED.keySet());
			forbidden.remove(feature.getKey());
			forbidden.removeAll(feature.getValue());
			List<String> packages = forbidden.stream().map((name) -> ROOT + "." + name + "..").toList();
			noClasses().that().resideInAPackage(ROOT + "." + feature.getKey() + "..")
				.should().dependOnClassesThat().resideInAnyPackage(packages.toArray(String[]::new))
				.because("the package map in ArchitectureTests lists what " + feature.getKey() + " may use")
				.check(CLASSES);
		}
	}

	@Test
	void everyFeaturePackageWhenPresentThenOnTheMap() {
		Set<String> present = new TreeSet<>();
		CLASSES.forEach((type) -> {
			String name = type.getPackageName();
			if (name.startsWith(ROOT + ".")) {
				present.add(name.substring(ROOT.length() + 1).split("\\.")[0]);
			}
		});
		org.assertj.core.api.Assertions.assertThat(ALLOWED.keySet()).containsExactlyInAnyOrderElementsOf(present);
	}

}

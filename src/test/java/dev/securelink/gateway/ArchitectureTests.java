package dev.securelink.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package map, kept by the build: features depend on each other only as listed here,
 * and never in a cycle. A new dependency between features is a decision; make it here,
 * where it shows. Each table is written and read by the SQL of one package; the others go
 * through that package's types.
 */
class ArchitectureTests {

	private static final String ROOT = "dev.securelink.gateway";

	/**
	 * Each feature package and the feature packages it may use (the root package's shared
	 * beans: all of them).
	 */
	static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
			Map.entry("access",
					Set.of("audit", "edge", "input", "keys", "link", "mail", "page", "paths", "session", "tenant",
							"tracing")),
			Map.entry("admin", Set.of("audit", "change", "input", "paths", "tenant")),
			Map.entry("audit", Set.of("keys")), Map.entry("change", Set.of()), Map.entry("database", Set.of("keys")),
			Map.entry("demo", Set.of()), Map.entry("edge", Set.of("page", "paths", "tracing")),
			Map.entry("input", Set.of()), Map.entry("keys", Set.of()),
			Map.entry("link", Set.of("audit", "change", "input", "keys", "paths", "tenant")),
			Map.entry("mail", Set.of("database", "keys")), Map.entry("page", Set.of()), Map.entry("paths", Set.of()),
			Map.entry("privacy", Set.of("admin", "audit", "input", "link", "paths", "tenant")),
			Map.entry("proxy", Set.of("audit", "edge", "keys", "link", "page", "paths", "session", "tracing")),
			Map.entry("session", Set.of("keys", "link", "tenant")),
			Map.entry("tenant", Set.of("audit", "change", "input", "mail", "paths")), Map.entry("tracing", Set.of()),
			Map.entry("webhook", Set.of("audit", "input", "keys", "paths", "tenant", "tracing")));

	/**
	 * Each table (as the migrations create it) and the one package whose SQL may name it.
	 */
	static final Map<String, String> TABLE_OWNERS = Map.ofEntries(Map.entry("tenant", "tenant"),
			Map.entry("link", "link"), Map.entry("link_attempt", "access"), Map.entry("link_client_attempt", "access"),
			Map.entry("client_budget", "access"), Map.entry("renewal_request", "access"),
			Map.entry("access_event", "audit"), Map.entry("access_event_tombstone", "audit"),
			Map.entry("audit_chain_head", "audit"), Map.entry("audit_checkpoint", "audit"),
			Map.entry("admin_principal", "admin"), Map.entry("webhook_endpoint", "webhook"),
			Map.entry("webhook_delivery", "webhook"), Map.entry("webhook_attempt", "webhook"),
			Map.entry("idempotency_record", "proxy"), Map.entry("change_log", "change"),
			Map.entry("handoff_redemption", "session"), Map.entry("tenant_link_host", "tenant"),
			Map.entry("mail_delivery", "mail"), Map.entry("link_code_challenge", "access"),
			Map.entry("remembered_device", "access"), Map.entry("link_recipient", "link"));

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
			noClasses().that()
				.resideInAPackage(ROOT + "." + feature.getKey() + "..")
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(packages.toArray(String[]::new))
				.because("the package map in ArchitectureTests lists what " + feature.getKey() + " may use")
				.check(CLASSES);
		}
	}

	@Test
	void leavesWhenTheyImportThenNothingOfTheGateway() {
		for (String leaf : List.of("paths", "input")) {
			noClasses().that()
				.resideInAPackage(ROOT + "." + leaf + "..")
				.should()
				.dependOnClassesThat(JavaClass.Predicates.resideInAPackage(ROOT + "..")
					.and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage(ROOT + "." + leaf + ".."))))
				.because(leaf + " is a leaf every feature may name without depending on another")
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
		assertThat(ALLOWED.keySet()).containsExactlyInAnyOrderElementsOf(present);
	}

	@Test
	void everyTableWhenMigratedThenOwnedByOnePackage() throws IOException {
		Set<String> migrated = new TreeSet<>();
		Pattern create = Pattern.compile("(?i)create table (\\w+)");
		for (Path script : files(Path.of("src/main/resources/db/migration"))) {
			create.matcher(Files.readString(script)).results().forEach((found) -> migrated.add(found.group(1)));
		}
		assertThat(TABLE_OWNERS.keySet()).containsExactlyInAnyOrderElementsOf(migrated);
	}

	@Test
	void sqlWhenItNamesATableThenInTheTablesPackage() throws IOException {
		String tables = String.join("|", TABLE_OWNERS.keySet());
		Pattern sql = Pattern.compile("(?i)\\b(?:from|join|into|update|table)\\s+(" + tables + ")\\b(?![\\w.(])");
		Path root = Path.of("src/main/java/dev/securelink/gateway");
		List<String> strays = new ArrayList<>();
		for (Path source : files(root)) {
			String relative = root.relativize(source).toString();
			String owner = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
			// Comments may talk about tables; only code (SQL in strings and text blocks)
			// is checked.
			String code = Files.readString(source).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
			sql.matcher(code).results().forEach((found) -> {
				String table = found.group(1).toLowerCase(Locale.ROOT);
				if (!TABLE_OWNERS.get(table).equals(owner)) {
					strays.add(relative + " names " + table + " (owned by " + TABLE_OWNERS.get(table) + ")");
				}
			});
		}
		assertThat(strays).as("SQL on another package's table: read it through that package's types").isEmpty();
	}

	private static List<Path> files(Path dir) throws IOException {
		try (Stream<Path> walk = Files.walk(dir)) {
			return walk.filter(Files::isRegularFile).sorted().toList();
		}
	}

}

package dev.securelink.gateway;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import dev.securelink.gateway.support.Behaviour;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/behaviour.md} is the specification of the public flow: every numbered row
 * is shown by at least one test tagged {@link Behaviour} with it, and no test names a row
 * that does not exist.
 */
class BehaviourRowsTests {

	private static final Pattern ROW = Pattern.compile("(?m)^\\| *([0-9]+[a-z]?) *\\|");

	@Test
	void everyRowWhenDocumentedThenShownByATaggedTest() throws IOException {
		Set<String> rows = rows();
		Map<String, Set<String>> tagged = tagged();
		assertThat(rows).as("rows of docs/behaviour.md without a test tagged @Behaviour with them")
			.allSatisfy((row) -> assertThat(tagged).containsKey(row));
		assertThat(tagged.keySet()).as("@Behaviour tags naming no row of docs/behaviour.md").isSubsetOf(rows);
	}

	private static Set<String> rows() throws IOException {
		Set<String> rows = new TreeSet<>();
		ROW.matcher(Files.readString(Path.of("docs/behaviour.md"))).results().forEach((row) -> rows.add(row.group(1)));
		assertThat(rows).as("rows parsed from docs/behaviour.md").hasSizeGreaterThan(40);
		return rows;
	}

	/** Each tagged row and the tests that show it. */
	private static Map<String, Set<String>> tagged() {
		Map<String, Set<String>> tagged = new TreeMap<>();
		new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
			.importPackages("dev.securelink.gateway")
			.forEach((type) -> {
				for (Method method : type.reflect().getDeclaredMethods()) {
					Behaviour behaviour = method.getAnnotation(Behaviour.class);
					if (behaviour != null) {
						for (String row : behaviour.value()) {
							tagged.computeIfAbsent(row, (key) -> new TreeSet<>())
								.add(type.getSimpleName() + "." + method.getName());
						}
					}
				}
			});
		return tagged;
	}

}

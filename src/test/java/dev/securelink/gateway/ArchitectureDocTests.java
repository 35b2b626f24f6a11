package dev.securelink.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/architecture.md} shows the package map and the tables as the build enforces
 * them ({@link ArchitectureTests}): a package, a dependency or a table the code has and
 * the page does not, or the other way round, fails here.
 */
class ArchitectureDocTests {

	private static final Pattern ROW = Pattern.compile("(?m)^\\| *`([a-z_]+)` *\\| *([^|]*?) *\\|");

	@Test
	void packageMapWhenDocumentedThenAsTheBuildEnforcesIt() throws IOException {
		Map<String, Set<String>> documented = new TreeMap<>();
		Matcher row = ROW.matcher(section("## The package map"));
		while (row.find()) {
			String uses = row.group(2).replaceAll("\\(.*\\)", "").replace("—", "").trim();
			documented.put(row.group(1), uses.isEmpty() ? Set.of()
					: Arrays.stream(uses.split(",")).map(String::trim).collect(Collectors.toCollection(TreeSet::new)));
		}
		assertThat(documented).as("docs/architecture.md, 'The package map'")
			.isEqualTo(new TreeMap<>(ArchitectureTests.ALLOWED));
	}

	@Test
	void tablesWhenDocumentedThenEachWithThePackageThatOwnsIt() throws IOException {
		Map<String, String> documented = new TreeMap<>();
		Matcher row = ROW.matcher(section("## State"));
		while (row.find()) {
			documented.put(row.group(1), row.group(2).replace("`", "").trim());
		}
		assertThat(documented).as("docs/architecture.md, 'State'")
			.isEqualTo(new TreeMap<>(ArchitectureTests.TABLE_OWNERS));
	}

	/** The text of {@code heading}'s section, up to the next heading of its level. */
	private static String section(String heading) throws IOException {
		String page = Files.readString(Path.of("docs/architecture.md"));
		int start = page.indexOf("\n" + heading + "\n");
		assertThat(start).as(heading + " in docs/architecture.md").isNotNegative();
		int end = page.indexOf("\n## ", start + heading.length() + 1);
		return page.substring(start, (end < 0) ? page.length() : end);
	}

}

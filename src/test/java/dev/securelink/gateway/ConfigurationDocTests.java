package dev.securelink.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} lists every {@code securelink.*} property: each one of
 * the configuration metadata Boot's processor generates (from the
 * {@code @ConfigurationProperties} records and
 * {@code META-INF/additional-spring-configuration-metadata.json}) has exactly one row,
 * showing the metadata's default when it has one, and no row names a property the
 * metadata does not have.
 */
class ConfigurationDocTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path DOC = Path.of("docs/configuration.md");

	private static final Pattern ROW = Pattern.compile("(?m)^\\| *`(securelink\\.[a-z0-9.-]+)` *\\|([^|]*)\\|");

	@Test
	void propertyWhenInTheMetadataThenHasARow() throws IOException {
		Set<String> missing = new TreeSet<>(properties().keySet());
		missing.removeAll(rows().keySet());
		assertThat(missing)
			.as("securelink.* properties of the metadata without a row in docs/configuration.md: %s", missing)
			.isEmpty();
	}

	@Test
	void rowWhenInTheDocsThenNamesAPropertyOfTheMetadata() throws IOException {
		Set<String> extra = new TreeSet<>(rows().keySet());
		extra.removeAll(properties().keySet());
		assertThat(extra).as("rows of docs/configuration.md naming no securelink.* property of the metadata: %s", extra)
			.isEmpty();
	}

	@Test
	void propertyWhenDocumentedThenOneRowWithTheMetadataDefault() throws IOException {
		Map<String, String> properties = properties();
		Map<String, String> wrong = new TreeMap<>();
		rows().forEach((name, defaults) -> {
			String expected = properties.getOrDefault(name, "");
			if (defaults.size() > 1) {
				wrong.put(name, defaults.size() + " rows");
			}
			else if (!expected.isEmpty() && !defaults.get(0).equals("`" + expected + "`")) {
				wrong.put(name, defaults.get(0) + " instead of `" + expected + "`");
			}
		});
		assertThat(wrong)
			.as("rows of docs/configuration.md repeated, or with another default than the metadata's: %s", wrong)
			.isEmpty();
	}

	/**
	 * The {@code securelink.*} properties of the metadata, each with its default as the
	 * docs write it (list items joined by commas), or empty without one.
	 */
	private static Map<String, String> properties() throws IOException {
		assertThat(METADATA).as("written by Boot's configuration processor when src/main compiles").exists();
		Map<String, String> properties = new TreeMap<>();
		for (JsonNode property : JsonMapper.builder().build().readTree(METADATA).path("properties")) {
			String name = property.path("name").asString();
			if (name.startsWith("securelink.")) {
				properties.put(name, defaultValue(property.path("defaultValue")));
			}
		}
		assertThat(properties).as("securelink.* properties of the metadata").hasSizeGreaterThan(60);
		return properties;
	}

	private static String defaultValue(JsonNode value) {
		if (value.isMissingNode() || value.isNull()) {
			return "";
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return String.join(",", items);
		}
		return value.asString();
	}

	/** Each property with a row, and the default cell of each of its rows. */
	private static Map<String, List<String>> rows() throws IOException {
		Map<String, List<String>> rows = new TreeMap<>();
		Matcher row = ROW.matcher(Files.readString(DOC));
		while (row.find()) {
			rows.computeIfAbsent(row.group(1), (name) -> new ArrayList<>()).add(row.group(2).strip());
		}
		assertThat(rows).as("securelink.* rows parsed from docs/configuration.md").hasSizeGreaterThan(60);
		return rows;
	}

}

package dev.idempotency.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps the property table of {@code docs/configuration.md} (section "Properties") true to the
 * configuration metadata that {@code spring-boot-configuration-processor} generates from
 * {@link IdempotencyProperties} ({@code META-INF/spring-configuration-metadata.json} of this module): a
 * property added, renamed or removed in the code, or a changed default, fails here until the table says
 * the same.
 * <p>
 * How the table is read: the rows of the first table after the heading {@code ## Properties}, cells split
 * at {@code |} not escaped as {@code \|}. The property is the code span of the first cell, the type the
 * second cell, the default the third.
 * <p>
 * How defaults are compared (the normalisation): the documented default is the first code span of the
 * default cell ({@code `30s`}; text around it, such as {@code (off)}, is commentary), and a cell without a
 * code span (such as {@code empty}) documents no value. The metadata's {@code defaultValue} is taken as
 * text: a JSON string without its quotes ({@code "30s"} is {@code 30s}), a JSON boolean or number as
 * written ({@code true}, {@code 255}). Then, by the property's type in the metadata:
 * <ul>
 * <li>{@code java.time.Duration}: both parsed with Spring Boot's {@link DurationStyle}, so {@code 30s}
 * and {@code PT30S} are equal;</li>
 * <li>{@code DataSize}: both parsed with {@link DataSize#parse(CharSequence)}, so {@code 1MB} and
 * {@code 1048576B} are equal;</li>
 * <li>enums: both in lower case with {@code _} as {@code -} (Spring Boot's kebab-case form, e.g.
 * {@code fail-closed}), and the type cell must list every constant of the enum, and nothing else, as
 * code spans;</li>
 * <li>everything else (booleans, numbers, strings): the texts must be equal.</li>
 * </ul>
 * Properties without a {@code defaultValue} in the metadata (lists, {@code filter-order}) have no value to
 * compare; their row must still say what happens when they are unset.
 */
class ConfigurationReferenceTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final String DOC = "docs/configuration.md";

	private static final String PREFIX = "idempotency.";

	private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

	/** The {@code idempotency.*} properties of the metadata, by name. */
	private static Map<String, JsonNode> metadata;

	/** The other properties of the metadata, e.g. the actuator endpoint's access. */
	private static Set<String> otherMetadataProperties;

	/** The rows of the doc's property table, by property name, in table order. */
	private static Map<String, Row> table;

	private static Path docPath;

	private static List<String> docLines;

	@BeforeAll
	static void readMetadataAndDoc() throws IOException {
		JsonNode root = readMetadata();
		metadata = new LinkedHashMap<>();
		otherMetadataProperties = new TreeSet<>();
		for (JsonNode property : root.path("properties").values()) {
			String name = property.path("name").asString();
			if (name.startsWith(PREFIX)) {
				metadata.put(name, property);
			}
			else {
				otherMetadataProperties.add(name);
			}
		}
		assertThat(metadata).as("idempotency.* properties in %s", METADATA).isNotEmpty();
		docPath = findDoc();
		docLines = Files.readAllLines(docPath, StandardCharsets.UTF_8);
		table = readPropertyTable(docLines);
	}

	@Test
	void everyPropertyInTheMetadataHasARowInTheDocTable() {
		Set<String> undocumented = new TreeSet<>(metadata.keySet());
		undocumented.removeAll(table.keySet());
		assertThat(undocumented)
			.as("properties in %s without a row in the table of %s: add a row for each", METADATA, docPath)
			.isEmpty();
	}

	@Test
	void everyRowOfTheDocTableIsAPropertyInTheMetadata() {
		Set<String> unknown = new TreeSet<>(table.keySet());
		unknown.removeAll(metadata.keySet());
		assertThat(unknown)
			.as("rows of the table of %s naming no property of %s (renamed or removed?)", docPath, METADATA)
			.isEmpty();
	}

	@Test
	void everyDocumentedDefaultEqualsTheMetadataDefault() {
		List<String> wrong = new ArrayList<>();
		metadata.forEach((name, property) -> {
			Row row = table.get(name);
			JsonNode defaultValue = property.get("defaultValue");
			if (row == null || defaultValue == null || defaultValue.isNull()) {
				return;
			}
			String expected = metadataText(defaultValue);
			String documented = row.documentedDefault();
			if (documented == null) {
				wrong.add(name + ": the metadata default is '" + expected + "', the doc gives none in backticks ("
						+ row.defaultCell() + ")");
			}
			else if (!sameValue(property.path("type").asString(), documented, expected)) {
				wrong.add(name + ": the doc says '" + documented + "', the metadata '" + expected + "'");
			}
		});
		assertThat(wrong).as("defaults in %s that differ from %s", docPath, METADATA).isEmpty();
	}

	@Test
	void everyRowWithoutAMetadataDefaultSaysWhatItsDefaultIs() {
		metadata.forEach((name, property) -> {
			Row row = table.get(name);
			if (row != null && property.get("defaultValue") == null) {
				assertThat(row.defaultCell()).as("default cell of %s in %s", name, docPath).isNotBlank();
			}
		});
	}

	@Test
	void everyEnumPropertyListsExactlyItsValuesInTheDocTable() {
		metadata.forEach((name, property) -> {
			Class<?> type = loadClass(property.path("type").asString());
			Row row = table.get(name);
			if (type == null || !type.isEnum() || row == null) {
				return;
			}
			Set<String> values = new TreeSet<>();
			for (Object constant : type.getEnumConstants()) {
				values.add(kebab(((Enum<?>) constant).name()));
			}
			assertThat(new TreeSet<>(codeSpans(row.typeCell())))
				.as("values of %s listed in the type cell of %s (%s)", name, docPath, row.typeCell())
				.isEqualTo(values);
		});
	}

	@Test
	void everyOtherPropertyOfTheMetadataIsNamedInTheDoc() {
		String doc = String.join("\n", docLines);
		for (String name : otherMetadataProperties) {
			assertThat(doc).as("%s names %s, which %s declares", docPath, name, METADATA).contains(name);
		}
	}

	private static JsonNode readMetadata() throws IOException {
		List<URL> candidates = Collections.list(Thread.currentThread().getContextClassLoader().getResources(METADATA));
		List<JsonNode> ours = new ArrayList<>();
		for (URL url : candidates) {
			try (InputStream in = url.openStream()) {
				JsonNode root = JsonMapper.shared().readTree(in);
				boolean describesIdempotencyProperties = root.path("groups")
					.values()
					.stream()
					.anyMatch((group) -> IdempotencyProperties.class.getName().equals(group.path("type").asString()));
				if (describesIdempotencyProperties) {
					ours.add(root);
				}
			}
		}
		if (ours.size() != 1) {
			fail("Expected exactly one " + METADATA + " describing " + IdempotencyProperties.class.getName()
					+ " on the test class path, found " + ours.size() + " among " + candidates
					+ ". It is generated by spring-boot-configuration-processor into target/classes when the module"
					+ " compiles; build with ./mvnw -pl idempotency-spring-boot-starter -am test.");
		}
		return ours.get(0);
	}

	/**
	 * {@code docs/configuration.md} of the project: surefire runs in the module directory ({@code basedir}),
	 * whose parent holds {@code docs/}; from any other working directory, the nearest ancestor that has it.
	 */
	private static Path findDoc() {
		List<Path> starts = new ArrayList<>();
		String basedir = System.getProperty("basedir");
		if (basedir != null) {
			starts.add(Path.of(basedir).toAbsolutePath());
		}
		starts.add(Path.of("").toAbsolutePath());
		List<Path> tried = new ArrayList<>();
		for (Path start : starts) {
			for (Path dir = start; dir != null; dir = dir.getParent()) {
				Path candidate = dir.resolve(DOC);
				tried.add(candidate);
				if (Files.isRegularFile(candidate)) {
					return candidate;
				}
			}
		}
		return fail("The configuration reference " + DOC + " was not found; looked for " + tried
				+ ". Run this test inside the project (./mvnw -pl idempotency-spring-boot-starter -am test).");
	}

	private static Map<String, Row> readPropertyTable(List<String> lines) {
		int heading = lines.indexOf("## Properties");
		if (heading < 0) {
			fail(docPath + " has no '## Properties' heading; the property table is expected under it.");
		}
		int header = -1;
		for (int i = heading + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
			if (lines.get(i).startsWith("|")) {
				header = i;
				break;
			}
		}
		if (header < 0) {
			fail(docPath + " has no table under '## Properties'.");
		}
		List<String> columns = cells(lines.get(header));
		assertThat(columns).as("columns of the property table in %s", docPath)
			.containsExactly("property", "type", "default", "meaning");
		Map<String, Row> rows = new LinkedHashMap<>();
		for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
			List<String> cells = cells(lines.get(i));
			assertThat(cells).as("cells of line %d of %s: %s", i + 1, docPath, lines.get(i)).hasSize(4);
			Matcher name = CODE_SPAN.matcher(cells.get(0));
			if (!name.matches()) {
				fail("Line " + (i + 1) + " of " + docPath + ": the first cell must be one property name in"
						+ " backticks, not '" + cells.get(0) + "'");
			}
			Row previous = rows.put(name.group(1), new Row(cells.get(1), cells.get(2)));
			assertThat(previous).as("second row for %s in %s", name.group(1), docPath).isNull();
		}
		assertThat(rows).as("rows of the property table in %s", docPath).isNotEmpty();
		return rows;
	}

	/** The cells of a table line: split at every {@code |} that is not escaped, trimmed. */
	private static List<String> cells(String line) {
		String trimmed = line.trim();
		String inner = trimmed.substring(1, trimmed.endsWith("|") ? trimmed.length() - 1 : trimmed.length());
		return Arrays.stream(inner.split("(?<!\\\\)\\|", -1)).map(String::trim).toList();
	}

	private static List<String> codeSpans(String cell) {
		List<String> spans = new ArrayList<>();
		Matcher matcher = CODE_SPAN.matcher(cell);
		while (matcher.find()) {
			spans.add(matcher.group(1));
		}
		return spans;
	}

	/** A JSON default as text: a string without its quotes, a boolean or number as written. */
	private static String metadataText(JsonNode value) {
		if (value.isArray()) {
			List<String> elements = new ArrayList<>();
			value.values().forEach((element) -> elements.add(metadataText(element)));
			return String.join(",", elements);
		}
		return value.asString();
	}

	private static boolean sameValue(String type, String documented, String expected) {
		if (type.equals("java.time.Duration")) {
			return DurationStyle.detectAndParse(documented).equals(DurationStyle.detectAndParse(expected));
		}
		if (type.equals("org.springframework.util.unit.DataSize")) {
			return DataSize.parse(documented).equals(DataSize.parse(expected));
		}
		Class<?> enumType = loadClass(type);
		if (enumType != null && enumType.isEnum()) {
			return kebab(documented).equals(kebab(expected));
		}
		return documented.equals(expected);
	}

	private static String kebab(String value) {
		return value.toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static @Nullable Class<?> loadClass(String name) {
		if (name.contains("<")) {
			return null;
		}
		try {
			return Class.forName(name, false, ConfigurationReferenceTests.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
	}

	/** A row of the property table. */
	private record Row(String typeCell, String defaultCell) {

		Row {
			Objects.requireNonNull(typeCell);
			Objects.requireNonNull(defaultCell);
		}

		/** The first code span of the default cell, or {@code null} when it has none. */
		@Nullable String documentedDefault() {
			List<String> spans = codeSpans(this.defaultCell);
			return spans.isEmpty() ? null : spans.get(0);
		}

	}

}

package dev.securelink.gateway.audit;

import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one writer and reader of {@link AuditDetail}s, configured here and nowhere else:
 * properties in each record's declared order, instants as ISO-8601 text.
 */
final class AuditJson {

	static final JsonMapper MAPPER = JsonMapper.builder().disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

	private AuditJson() {
	}

}

package dev.securelink.gateway.webhook;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.audit.AuditDetail;

/**
 * The webhook event catalogue in the admin API's OpenAPI document: one schema per event
 * type ({@code components.schemas["webhook.link.opened"]}, …) and an OpenAPI
 * {@code webhooks} entry per type, built from the same lists the payloads are made from,
 * so that the document cannot drift from what is sent: a type's detail members are the
 * components of its {@link AuditDetail} record.
 */
@Component
class WebhookCatalogue implements OpenApiCustomizer {

	/** What each type is, for the document. */
	private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
			Map.entry("link.created", "The admin API created a link."),
			Map.entry("link.opened", "A session's first document request (never the /l/ GET that mail scanners make)."),
			Map.entry("link.verified",
					"A typed address matched one of the link's recipients; method is code when an e-mail code sent "
							+ "to it was typed too (the mailbox was proven), device when a browser the tenant "
							+ "remembered for the recipient opened the link, and absent for an address alone."),
			Map.entry("link.verification_failed",
					"A typed address matched none; failures in the window and the threshold that locks."),
			Map.entry("link.locked", "A wrong address locked the link's e-mail check until lockedUntil."),
			Map.entry("link.unlocked", "A lock on the link's e-mail check was lifted."),
			Map.entry("link.renewal_requested",
					"A recipient of the expired, locked (or, if the tenant allows it, revoked) link asked for a new "
							+ "one by typing its address: mail that recipient a new link. At most one per link and "
							+ "recipient a day."),
			Map.entry("link.recipient_added",
					"The link gained a recipient: a verified recipient shared it with a colleague (addedBy, their "
							+ "index; via share) or a person of an allowed domain proved their mailbox (via domain); "
							+ "the new index, the rights given and the depth. Never an address or its hash."),
			Map.entry("link.recipient_removed",
					"Recipients added to the link were removed, by the admin API or by the recipient who shared "
							+ "(by): the one named and everyone they had added in turn (removed)."),
			Map.entry("link.misdirected",
					"A verified recipient said the document was not meant for them (a mistyped address): they were "
							+ "revoked, with anyone they had added (removed), and the link too when no one else could "
							+ "open it (linkRevoked). Send the document to the right person."),
			Map.entry("sign.submitted", "A submitted signature was answered: the status and who answered it."),
			Map.entry("pay.submitted", "A submitted payment was answered: the status and who answered it."),
			Map.entry("link.revoked",
					"The link was revoked: by the admin API, or because the last person who could open it said it "
							+ "was not meant for them (link.misdirected)."),
			Map.entry("link.expired", "The link reached expiresAt (delivered within a minute of it)."),
			Map.entry("link.completed", "The invoicing application marked actions of the link done (completed)."),
			Map.entry("tenant.settings_changed", "The tenant's GDPR settings changed: before and after."),
			Map.entry("tenant.link_host_added",
					"The tenant was given a link host of its own (PUT …/link-hosts/{host}): the host."),
			Map.entry("tenant.link_host_removed", "The tenant lost one of its link hosts: the host."),
			Map.entry("support.accessed", "Support staff read the tenant's data: the method and path."),
			Map.entry("audit.checkpoint", "A signed checkpoint of the tenant's audit chain was stored."),
			Map.entry("webhook.test", "Sent by POST …/webhooks/{id}/test."));

	@Override
	public void customise(io.swagger.v3.oas.models.OpenAPI openApi) {
		for (String type : WebhookEventTypes.ALL) {
			Schema<?> schema = typed("object")
				.description(DESCRIPTIONS.get(type) + " Never carries an e-mail address, a code, a cookie or an "
						+ "IP address.")
				.addProperty("type", typed("string")._enum(java.util.Collections.singletonList(type)))
				.addProperty("timestamp", dateTime())
				.addProperty("data", data(type))
				.required(List.of("type", "timestamp", "data"));
			String name = "webhook." + type;
			openApi.getComponents().addSchemas(name, schema);
			openApi.addWebhooks(type,
					new PathItem().post(new Operation().summary(DESCRIPTIONS.get(type))
						.requestBody(new RequestBody().required(true)
							.content(new Content().addMediaType("application/json",
									new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + name)))))
						.responses(new ApiResponses().addApiResponse("2XX",
								new ApiResponse().description("Received; any other answer is retried")))));
		}
	}

	private static Schema<?> data(String type) {
		Map<String, Schema<?>> properties = new LinkedHashMap<>();
		properties.put("tenantId", string());
		switch (type) {
			case "audit.checkpoint" -> {
				properties.put("seq", integer());
				properties.put("count", integer());
				properties.put("hash", string().description("base64 of the hash of the event at seq"));
				properties.put("createdAt", dateTime());
				properties.put("jws", string().description("the checkpoint as signed (ES256, key in the JWKS)"));
			}
			case "webhook.test" -> {
				properties.put("endpointId", string());
				properties.put("occurredAt", dateTime());
			}
			default -> {
				if (type.startsWith("link.") || type.startsWith("sign.") || type.startsWith("pay.")) {
					properties.put("linkId", string());
				}
				properties.put("occurredAt", dateTime());
				properties.put("outcome", string());
				properties.put("auditEvent",
						typed("object")
							.description("the audit event reported: its id in the events API, place and hash")
							.addProperty("id", integer())
							.addProperty("seq", integer())
							.addProperty("hash", string()));
				String auditType = WebhookEventTypes.auditTypeOf(type);
				Class<? extends AuditDetail> detail = (auditType != null) ? AuditDetail.typeOf(auditType) : null;
				if (detail != null) {
					for (RecordComponent member : detail.getRecordComponents()) {
						properties.put(member.getName(), member(member.getName()));
					}
				}
				properties.put("truncated", typed("boolean").description("present when a long detail was left out"));
			}
		}
		Schema<?> data = typed("object");
		properties.forEach(data::addProperty);
		return data;
	}

	private static Schema<?> member(String name) {
		return switch (name) {
			case "failures", "threshold" -> integer();
			case "recipient" -> integer().description("the recipient's index (from 0): in the recipients of the "
					+ "request that created the link, then in the order people were added");
			case "addedBy" ->
				integer().description("the index of the recipient who shared (absent: an allowed domain)");
			case "delegatedBy" -> integer().description("the index of the recipient who shared with this one");
			case "by" -> integer().description("the index of the recipient who withdrew (absent: the admin API)");
			case "depth" -> integer().description("how many shares away from a recipient the link was created for");
			case "rights" -> typed("array").items(typed("string")._enum(List.of("view", "sign", "pay")));
			case "removed" -> typed("array").items(integer()).description("every index removed");
			case "via" -> typed("string")._enum(List.of("share", "domain"));
			case "linkRevoked" -> typed("boolean");
			case "status" -> integer().description("the HTTP status the visitor was answered with");
			case "answeredBy" -> typed("string")._enum(List.of("upstream", "gateway"));
			case "scope" -> typed("string")._enum(List.of("client", "everyone"))
				.description("client: the link is locked for the client that typed the wrong addresses; everyone: "
						+ "the link's ceiling was reached");
			case "lockedUntil", "expiresAt" -> dateTime();
			case "before", "after" -> typed("object").description("the tenant's settings");
			case "bodySha256" -> string().description("hex SHA-256 of the submitted body, as it was forwarded");
			case "completed" -> typed("array").items(typed("string")._enum(List.of("sign", "pay")));
			default -> string();
		};
	}

	/**
	 * A schema of one JSON type, in the form of OpenAPI 3.0 ({@code type}) and 3.1
	 * ({@code types}) alike.
	 */
	private static Schema<Object> typed(String type) {
		return new Schema<>().type(type).types(java.util.Set.of(type));
	}

	private static Schema<?> string() {
		return typed("string");
	}

	private static Schema<?> integer() {
		return typed("integer").format("int64");
	}

	private static Schema<?> dateTime() {
		return typed("string").format("date-time");
	}

}

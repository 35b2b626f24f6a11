package dev.securelink.gateway.audit;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Typed details write exactly the bytes the code before them wrote (each literal below is
 * what that code stored for the same values: strings joined by hand, or Jackson over a
 * map; for {@code support_read}, whose map had no order, one of the two it could write),
 * so every stored event and every chain hash stays what it was; and every stored detail
 * reads back as its record.
 */
class AuditDetailTests {

	private static final Instant AT = Instant.parse("2026-03-04T05:06:07.123456Z");

	/** One event of each type with details, as the code before the records stored it. */
	private static final List<Stored> STORED = List.of(
			new Stored("failed", "{\"failures\":3,\"threshold\":5}", new AuditDetail.Failed(3, 5)),
			new Stored("locked",
					"{\"failures\":5,\"threshold\":5,\"lockedUntil\":\"2026-03-04T05:06:07Z\",\"scope\":\"everyone\"}",
					new AuditDetail.Locked(5, 5, AT, "everyone")),
			new Stored("renewal_requested", "{\"recipient\":1}", new AuditDetail.RenewalRequested(1)),
			new Stored("sign_answered",
					"{\"status\":201,\"answeredBy\":\"upstream\",\"bodySha256\":\"" + "ab".repeat(32) + "\"}",
					new AuditDetail.Answered(201, "upstream", "ab".repeat(32))),
			new Stored("expired", "{\"expiresAt\":\"2026-03-04T05:06:07Z\"}", new AuditDetail.Expired(AT)),
			new Stored("expiry_changed",
					"{\"before\":\"2026-03-04T05:06:07.123456Z\",\"after\":\"2026-04-01T00:00:00Z\"}",
					new AuditDetail.ExpiryChanged(AT, Instant.parse("2026-04-01T00:00:00Z"))),
			new Stored("completed", "{\"completed\":[\"pay\",\"sign\"]}",
					new AuditDetail.Completed(List.of("sign", "pay"))),
			new Stored("settings_changed", "{\"before\":{\"emailVerification\":true,\"supportAccess\":false,"
					+ "\"supportAccessUntil\":null,\"selfServiceRenewal\":true,\"renewalForRevoked\":false,"
					+ "\"displayName\":null,\"showSenderOnPrompt\":true},\"after\":{\"emailVerification\":true,"
					+ "\"supportAccess\":true,\"supportAccessUntil\":\"2026-03-04T05:06:07.123456Z\","
					+ "\"selfServiceRenewal\":true,\"renewalForRevoked\":false,\"displayName\":\"Café \\\"Ada\\\" & Co\","
					+ "\"showSenderOnPrompt\":false}}",
					new AuditDetail.SettingsChanged(
							new AuditDetail.Settings(true, false, null, true, false, null, true),
							new AuditDetail.Settings(true, true, AT, true, false, "Café \"Ada\" & Co", false))),
			new Stored("support_read", "{\"method\":\"GET\",\"path\":\"/admin/v1/tenants/t-1/links\"}",
					new AuditDetail.SupportRead("GET", "/admin/v1/tenants/t-1/links")));

	@Test
	void jsonWhenWrittenThenTheBytesTheCodeBeforeStored() {
		for (Stored stored : STORED) {
			assertThat(stored.detail().json()).as(stored.type()).isEqualTo(stored.json());
		}
	}

	@Test
	void readWhenStoredThenItsRecord() {
		for (Stored stored : STORED) {
			assertThat(AuditDetail.read(stored.type(), stored.json())).as(stored.type()).isEqualTo(stored.detail());
		}
	}

	@Test
	void chainWhenWrittenByTheCodeBeforeThenTheSameHashesFromTheRecords() {
		byte[] before = new byte[0];
		byte[] now = new byte[0];
		for (Stored stored : STORED) {
			before = AuditLog.chain(before, event(stored.type(), stored.json()));
			now = AuditLog.chain(now, event(stored.type(), stored.detail().json()));
			assertThat(HexFormat.of().formatHex(now)).as(stored.type()).isEqualTo(HexFormat.of().formatHex(before));
		}
	}

	@Test
	void readWhenAnOlderEventLacksLaterSettingsThenTheyReadAsNull() {
		AuditDetail read = AuditDetail.read("settings_changed",
				"{\"before\":{\"emailVerification\":true,\"supportAccess\":false,\"supportAccessUntil\":null},"
						+ "\"after\":{\"emailVerification\":false,\"supportAccess\":false,\"supportAccessUntil\":null}}");

		assertThat(read).isEqualTo(
				new AuditDetail.SettingsChanged(new AuditDetail.Settings(true, false, null, null, null, null, null),
						new AuditDetail.Settings(false, false, null, null, null, null, null)));
	}

	@Test
	void readWhenASupportReadWasStoredWithItsMembersTheOtherWayRoundThenTheSameRecord() {
		// The code before wrote this detail from an unordered map: either order is
		// stored.
		assertThat(AuditDetail.read("support_read", "{\"path\":\"/admin/v1/tenants/t-1/links\",\"method\":\"GET\"}"))
			.isEqualTo(new AuditDetail.SupportRead("GET", "/admin/v1/tenants/t-1/links"));
	}

	@Test
	void readWhenTheTypeHasNoDetailOrTheTextIsNoneThenNull() {
		assertThat(AuditDetail.read("opened", "{\"status\":1}")).isNull();
		assertThat(AuditDetail.read("failed", null)).isNull();
		assertThat(AuditDetail.read("failed", "not json")).isNull();
		assertThat(AuditDetail.read("failed", "[1,2]")).isNull();
	}

	@Test
	void detailsWhenAnEventIsReadBackThenItsRecord() {
		AccessEvent event = AccessEvent.expired("t-1", "link-1", AT);

		assertThat(event.detail()).isEqualTo("{\"expiresAt\":\"2026-03-04T05:06:07Z\"}");
		assertThat(event.details()).isEqualTo(new AuditDetail.Expired(AT));
	}

	private static AccessEvent event(String type, String detail) {
		return new AccessEvent("t-1", "link-1", type, "ok", null, "c0ffee", AT, "s-1", detail);
	}

	private record Stored(String type, String json, AuditDetail detail) {
	}

}

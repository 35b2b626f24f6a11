package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;

/**
 * Issue 27: verification accepts a tombstone only where a later sealed {@code purged}
 * event accounts for it. The tombstones retention left before purges recorded themselves
 * are accounted for once, here: each tenant that has some gets one sealed {@code purged}
 * event naming them (its link unknown), chained from the tenant's head as the sealer
 * would chain it. Every tombstone made after this migration needs a purge of its own.
 */
public class V16__Tombstones_accounted_for extends BaseJavaMigration {

	@Override
	public void migrate(Context context) throws SQLException {
		Connection connection = context.getConnection();
		Map<String, List<AuditDetail.Removed>> byTenant = new LinkedHashMap<>();
		try (PreparedStatement tombstones = connection
			.prepareStatement("select tenant_id, seq, hash from access_event_tombstone order by tenant_id, seq");
				ResultSet rows = tombstones.executeQuery()) {
			while (rows.next()) {
				byTenant.computeIfAbsent(rows.getString(1), (tenant) -> new ArrayList<>())
					.add(new AuditDetail.Removed(rows.getLong(2),
							Base64.getEncoder().encodeToString(rows.getBytes(3))));
			}
		}
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		for (Map.Entry<String, List<AuditDetail.Removed>> tenant : byTenant.entrySet()) {
			account(connection,
					AccessEvent.purged(tenant.getKey(), now, new AuditDetail.Purged(null, tenant.getValue(), null)));
		}
	}

	/**
	 * Chains {@code purged} from its tenant's head, sealed, and moves the head past it.
	 */
	private static void account(Connection connection, AccessEvent purged) throws SQLException {
		long seq;
		byte[] previous;
		try (PreparedStatement head = connection
			.prepareStatement("select seq, hash from audit_chain_head where tenant_id = ? for update")) {
			head.setString(1, purged.tenantId());
			try (ResultSet row = head.executeQuery()) {
				if (!row.next()) {
					throw new IllegalStateException("A tenant with tombstones has no chain head");
				}
				seq = row.getLong(1) + 1;
				previous = row.getBytes(2);
			}
		}
		byte[] hash = AuditLog.chain(previous, purged);
		try (PreparedStatement insert = connection.prepareStatement("""
				insert into access_event (tenant_id, link_id, type, outcome, actor, client, occurred_at, session_id,
				                          detail, seq, prev_hash, hash, sealed)
				values (?, null, ?, ?, null, null, ?, null, ?, ?, ?, ?, true)
				""")) {
			insert.setString(1, purged.tenantId());
			insert.setString(2, purged.type());
			insert.setString(3, purged.outcome());
			insert.setTimestamp(4, Timestamp.from(purged.occurredAt()));
			insert.setString(5, purged.detail());
			insert.setLong(6, seq);
			insert.setBytes(7, (previous.length > 0) ? previous : null);
			insert.setBytes(8, hash);
			insert.executeUpdate();
		}
		try (PreparedStatement move = connection
			.prepareStatement("update audit_chain_head set seq = ?, hash = ?, sealed_at = ? where tenant_id = ?")) {
			move.setLong(1, seq);
			move.setBytes(2, hash);
			move.setTimestamp(3, Timestamp.from(purged.occurredAt()));
			move.setString(4, purged.tenantId());
			move.executeUpdate();
		}
	}

}

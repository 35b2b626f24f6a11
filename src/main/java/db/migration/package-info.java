/**
 * Flyway's Java migrations, beside the SQL ones in {@code db/migration}: the steps that
 * need the gateway's own hashing (the audit chain's) to rewrite nothing that is stored.
 */
package db.migration;

package platform

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// pgMigrations are the PostgreSQL schema's steps, in order; step i brings the schema to
// version i+1. A step, once released, is never edited: a change is a new step. Every
// table is in the connection's search_path schema (public by default).
var pgMigrations = []string{
	// 1: what the bbolt file holds, one table per bucket.
	`CREATE TABLE invoices (
		device        text        NOT NULL,
		code          text        NOT NULL,
		number        text        NOT NULL,
		seller_tax_id text        NOT NULL,
		order_id      text        NOT NULL,
		request_id    text        NOT NULL,
		total         text        NOT NULL,
		digest        text        NOT NULL,
		acked_at      timestamptz NOT NULL,
		receipt       bytea       NOT NULL, -- the signed receipt's JSON, byte for byte
		invoice       bytea       NOT NULL, -- the wire invoice's JSON, byte for byte
		PRIMARY KEY (device, code, number)
	);
	CREATE INDEX invoices_seller ON invoices (seller_tax_id, device, code, number);
	CREATE TABLE envelopes (
		id      text        PRIMARY KEY,
		seen_at timestamptz NOT NULL -- the envelope's own time: forgotten after the window
	);
	CREATE INDEX envelopes_seen_at ON envelopes (seen_at);
	CREATE TABLE orders (
		seller_tax_id text        NOT NULL,
		id            text        NOT NULL,
		body          bytea       NOT NULL, -- the ERP's order JSON
		posted_at     timestamptz NOT NULL,
		acked_at      timestamptz,
		PRIMARY KEY (seller_tax_id, id)
	);
	CREATE INDEX orders_pending ON orders (seller_tax_id, id) WHERE acked_at IS NULL;
	CREATE TABLE upload_acks (
		machine text  NOT NULL,
		first   text  NOT NULL, -- uint64 counters, decimal
		through text  NOT NULL,
		ack     bytea NOT NULL,
		PRIMARY KEY (machine, first, through)
	);
	CREATE TABLE audit_anchors (
		workstation   text        PRIMARY KEY, -- tax ID, or tax ID/machine (orderapi.go anchorKey)
		seq           numeric(20) NOT NULL,
		hash          text        NOT NULL,
		at            timestamptz NOT NULL
	);
	CREATE TABLE erp_tokens (
		hash       bytea       PRIMARY KEY, -- SHA-256 of the token; the token is never kept
		seller     text        NOT NULL,
		name       text        NOT NULL,
		created_at timestamptz NOT NULL
	);`,
	// 2: the digital channel (digitaldb.go's buckets). Numbers are 20 digits compared as
	// text, so their columns collate as bytes ("C") whatever the database's locale.
	`CREATE TABLE digital_sequences (
		prefix text   COLLATE "C" PRIMARY KEY, -- YY + region + 7
		last   bigint NOT NULL CHECK (last BETWEEN 0 AND 999999999999999)
	);
	CREATE TABLE digital_segments (
		first  text COLLATE "C" PRIMARY KEY,
		last   text COLLATE "C" NOT NULL CHECK (last >= first),
		tax_id text NOT NULL
	);
	CREATE INDEX digital_segments_tax_id ON digital_segments (tax_id, first);
	CREATE TABLE digital_returned (
		first  text COLLATE "C" PRIMARY KEY,
		last   text COLLATE "C" NOT NULL CHECK (last >= first),
		tax_id text NOT NULL
	);
	CREATE INDEX digital_returned_tax_id ON digital_returned (tax_id, first);
	CREATE TABLE digital_quota (
		tax_id text   NOT NULL,
		period text   NOT NULL,
		set_fen bigint NOT NULL DEFAULT 0 CHECK (set_fen >= 0),
		out_fen bigint NOT NULL DEFAULT 0 CHECK (out_fen >= 0),
		PRIMARY KEY (tax_id, period)
	);
	CREATE TABLE digital_fetches (
		tax_id text  NOT NULL,
		id     text  NOT NULL,
		answer bytea, -- NULL while the fetch's transaction runs
		PRIMARY KEY (tax_id, id)
	);
	CREATE TABLE digital_returns (
		tax_id text  NOT NULL,
		id     text  NOT NULL,
		answer bytea,
		PRIMARY KEY (tax_id, id)
	);
	ALTER TABLE invoices ALTER COLUMN number TYPE text COLLATE "C";`,
	// 3: the confirmation slips (slipdb.go's buckets): the slip's JSON and the columns
	// it is found by.
	`CREATE SEQUENCE slip_seq;
	CREATE TABLE slips (
		number        text COLLATE "C" PRIMARY KEY,
		seller_tax_id text NOT NULL,
		buyer_tax_id  text NOT NULL,
		blue_code     text NOT NULL,
		blue_number   text COLLATE "C" NOT NULL,
		body          bytea NOT NULL -- upload.Slip JSON
	);
	CREATE INDEX slips_blue ON slips (blue_code, blue_number, number);
	CREATE INDEX slips_seller ON slips (seller_tax_id, number);
	CREATE INDEX slips_buyer ON slips (buyer_tax_id, number);
	CREATE TABLE slip_requests (
		requester  text NOT NULL,
		request_id text NOT NULL,
		number     text, -- NULL while the creating transaction runs
		PRIMARY KEY (requester, request_id)
	);
	CREATE INDEX invoices_code_number ON invoices (code, number);`,
}

// pgMigrateLock is the advisory lock that lets one instance at a time migrate: two
// instances started together on a new database must not both create the tables.
const pgMigrateLock = 0x6b616970 // "kaip"

// migrate brings the schema to the newest version, in one transaction: a step that
// fails leaves the schema as it was. A schema newer than this program knows is refused
// (an older instance must not write to tables it does not understand).
func migrate(ctx context.Context, conn *pgx.Conn) (version int, err error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgMigrateLock); err != nil {
		return 0, err
	}
	// A schema named first in the URL's search_path is made if missing (a database per
	// platform is not needed: several can live in one database, each in its schema).
	var path string
	if err := tx.QueryRow(ctx, `SELECT current_setting('search_path')`).Scan(&path); err != nil {
		return 0, err
	}
	if first := strings.Trim(strings.TrimSpace(strings.Split(path, ",")[0]), `"`); first != "" && first != "$user" && first != "public" {
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{first}.Sanitize()); err != nil {
			return 0, err
		}
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, err
	}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return 0, err
	}
	if version > len(pgMigrations) {
		return version, fmt.Errorf("the database's schema is version %d, this program knows up to %d: run the newer kaipiao-platform", version, len(pgMigrations))
	}
	for v := version + 1; v <= len(pgMigrations); v++ {
		if _, err := tx.Exec(ctx, pgMigrations[v-1]); err != nil {
			return version, fmt.Errorf("schema migration %d: %w", v, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, v); err != nil {
			return version, err
		}
	}
	return len(pgMigrations), tx.Commit(ctx)
}

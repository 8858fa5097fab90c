-- Up Migration
-- Two login roles: the application writes orders and outbox rows and cannot replicate;
-- the CDC role can replicate and read only what is captured. Passwords are set outside
-- migrations (local set-up, or Secrets Manager in AWS).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'holdline_app') THEN
    CREATE ROLE holdline_app LOGIN NOREPLICATION;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'holdline_cdc') THEN
    CREATE ROLE holdline_cdc LOGIN;
  END IF;
  -- RDS does not let the master user grant REPLICATION; it grants the rds_replication role instead.
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_replication') THEN
    GRANT rds_replication TO holdline_cdc;
  ELSE
    ALTER ROLE holdline_cdc REPLICATION;
  END IF;
END
$$;

-- Debezium keeps its offsets in Postgres (the Fargate task is stateless); it creates its table here.
-- Owned by whoever migrates, not AUTHORIZATION holdline_cdc: on RDS (PostgreSQL 16+) the master has CREATEROLE
-- but may not SET ROLE to the roles it creates, so it could not hand the schema over. USAGE and CREATE suffice.
CREATE SCHEMA IF NOT EXISTS cdc;
GRANT USAGE, CREATE ON SCHEMA cdc TO holdline_cdc;

-- Down Migration
DROP SCHEMA IF EXISTS cdc CASCADE;

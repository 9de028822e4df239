import NightshiftCore

/// How dates are stored: `bigint` milliseconds since 1970-01-01 UTC, exactly as the SQLite driver
/// stores them (``StoredTime``, shared by both).
///
/// Not `timestamptz`: its microseconds would keep what SQLite drops, so a store copied between the
/// drivers (`store migrate`) or a record hashed into the audit chain would not compare equal, and
/// every value would pass through calendar conversions on the way. Integers compare exactly, sort
/// the same on both drivers and read plainly in `psql`; the database's own clock, where it is used,
/// is read as `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`.
typealias PostgresTime = StoredTime

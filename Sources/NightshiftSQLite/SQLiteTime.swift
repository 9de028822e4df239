import NightshiftCore

/// How dates are stored: INTEGER milliseconds since 1970-01-01 UTC (``StoredTime``, shared with
/// the PostgreSQL driver).
typealias SQLiteTime = StoredTime

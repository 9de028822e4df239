#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Settings of this process's memory that only the daemon makes (docs/PERFORMANCE.md, "Idle
/// daemon"). They change how much memory the process holds, never what it does.
public enum ProcessMemory {
    /// Caps glibc's malloc arenas at `count` (no effect elsewhere). Call it before the daemon starts
    /// its threads.
    ///
    /// glibc gives a thread that finds the arena it wants locked an arena of its own, up to eight per
    /// core, and each keeps its own free memory; the idle daemon's threads come and go (libdispatch's
    /// workers, GRDB's queues), and with the default they spread a 2 MiB heap over up to 16 arenas.
    /// Each thread keeps a cache of small blocks that needs no lock (tcache), so two arenas cost a
    /// daemon that runs a few jobs at a time no measurable contention.
    public static func limitMallocArenas(to count: Int32) {
        #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, count)
        #endif
    }

    /// Returns the heap's free memory to the system: glibc's `malloc_trim(0)` releases the top of
    /// every arena and the whole free pages inside them (no effect elsewhere).
    public static func trimHeap() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}

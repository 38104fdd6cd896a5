import CNcursesw

/// Process-wide protections for a program that holds secrets in memory.
public enum ProcessHardening {
    /// No core dump (PR_SET_DUMPABLE 0, RLIMIT_CORE 0): a crash or `kill -QUIT` while a token's
    /// secret is in memory cannot write it to disk. Returns false if the kernel refused.
    @discardableResult
    public static func disableCoreDumps() -> Bool { cn_disable_core_dumps() == 0 }
}

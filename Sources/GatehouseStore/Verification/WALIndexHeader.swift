import Foundation
import GRDBSQLite
import GatehouseDomain
import Synchronization

/// The WAL-index header of a database, read from its `-shm` file without a lock.
///
/// SQLite rewrites this header on every commit, before the commit returns
/// (https://www.sqlite.org/walformat.html, "The WAL-Index Header": the same 48 bytes twice,
/// with a change counter, the last valid frame and checksums). So an unchanged header means no
/// transaction has committed since, in any process; readers of SQLite itself check the same
/// header before they take a lock. Verification uses it to skip even the epoch query while
/// nothing has been written (a read transaction costs two `fcntl` locks, and two threads
/// contend for SQLite's process-wide lock mutex).
final class WALIndexHeaderWatch: @unchecked Sendable {
    /// The header as published: the first of the two copies.
    struct Header: Equatable {
        fileprivate var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)

        static func == (a: Header, b: Header) -> Bool {
            a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
                && a.words.3 == b.words.3 && a.words.4 == b.words.4 && a.words.5 == b.words.5
        }
    }

    private static let headerSize = 48
    /// `iVersion` of the only WAL-index format there is.
    private static let formatVersion: UInt32 = 3_007_000

    /// Keeps the database open, so its VFS keeps the WAL index mapped and holds the index's shared
    /// lock: no process may truncate or rebuild the file meanwhile. The header is read through
    /// that connection's own mapping. (An earlier version opened and mapped `-shm` itself; closing
    /// its own descriptor dropped every POSIX lock this process held on the file, SQLite's
    /// included, so another process could rebuild the index under the mapping: SIGBUS, once.)
    private let anchor: SQLiteReadConnection
    private let mapping: UnsafeRawPointer

    /// nil when the database has no WAL index to watch (not in WAL mode, or the file cannot be
    /// mapped); verification then reads the epoch every time, as it would anyway.
    init?(databasePath: String) {
        guard let anchor = try? SQLiteReadConnection(path: databasePath),
              let probe = try? anchor.prepare("SELECT value FROM verification_epoch"),
              (try? probe.rows { _ in }) != nil,  // a read: the connection now uses the WAL index
              let mapping = anchor.walIndexFirstRegion(),
              mapping.loadUnaligned(as: UInt32.self) == Self.formatVersion else { return nil }
        self.anchor = anchor
        self.mapping = mapping
    }

    /// The current header, or nil while a writer is halfway through publishing it (the two copies
    /// differ). Read in SQLite's order: the first copy, a barrier, then the second; a writer
    /// stores the second copy first, so agreeing copies are a complete header.
    func current() -> Header? {
        var first = Header()
        var second = Header()
        withUnsafeMutableBytes(of: &first.words) { $0.copyMemory(from: UnsafeRawBufferPointer(start: mapping, count: Self.headerSize)) }
        atomicMemoryFence(ordering: .acquiringAndReleasing)
        withUnsafeMutableBytes(of: &second.words) {
            $0.copyMemory(from: UnsafeRawBufferPointer(start: mapping + Self.headerSize, count: Self.headerSize))
        }
        return first == second ? first : nil
    }
}

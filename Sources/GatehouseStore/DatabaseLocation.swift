import Foundation
import GatehouseDomain

/// Where the directory database lives: `--db`, else `$GATEHOUSE_DB`, else
/// `$XDG_DATA_HOME/gatehouse/gatehouse.sqlite`, else `~/.local/share/gatehouse/gatehouse.sqlite`.
public enum DatabaseLocation {
    public static func resolve(explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicitPath, !explicitPath.isEmpty { return explicitPath }
        if let path = environment["GATEHOUSE_DB"], !path.isEmpty { return path }
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            dataHome = home + "/.local/share"
        }
        return dataHome + "/gatehouse/gatehouse.sqlite"
    }

    /// The environment without `GATEHOUSE_DB`: where the default location is.
    public static func withoutOverride(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        environment.filter { $0.key != "GATEHOUSE_DB" }
    }

    /// What is at a path, looked at without changing anything (no folder, no file, no WAL).
    public enum Finding: Equatable, Sendable {
        case nothing
        /// A file of 0 bytes (made by `touch`, or by an interrupted first run).
        case emptyFile
        case folder
        /// A device, a pipe, a socket: not something a database lives in.
        case notRegularFile
        /// Not an SQLite database at all (text, an image, a typo'd path to another file).
        case notSQLite
        /// An SQLite database that Gatehouse did not make (someone else's data).
        case foreignSQLite
        /// A Gatehouse directory, with the migrations it has applied, oldest first.
        case gatehouse(appliedMigrations: [String])
        /// It could not be read (permissions, I/O error).
        case unreadable(String)
    }

    /// Looks at `path` read-only: a Gatehouse directory is an SQLite file whose `grdb_migrations`
    /// table holds the first migration, `v1-directory`.
    public static func inspect(_ path: String) -> Finding {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? .nothing : .unreadable(String(cString: strerror(errno)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: break
        default: return .notRegularFile
        }
        if info.st_size == 0 { return .emptyFile }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .unreadable(String(cString: strerror(errno))) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 16) }
        close(descriptor)
        guard count == 16, header == Array("SQLite format 3\u{0}".utf8) else { return .notSQLite }
        return SQLiteInspection.migrations(at: path)
    }

    /// Why `finding` at `path` is not a directory to open, and what to do.
    public static func refusal(_ finding: Finding, at path: String) -> String {
        let create = "create a directory there with `gatehouse init --db \(path)`, or check the path (--db, $GATEHOUSE_DB)"
        switch finding {
        case .nothing: return "there is no Gatehouse directory at \(path); \(create)"
        case .emptyFile: return "\(path) is an empty file, not a Gatehouse directory; \(create)"
        case .folder: return "\(path) is a folder; give the path of the directory's database file (e.g. \(path)/gatehouse.sqlite)"
        case .notRegularFile: return "\(path) is not a regular file (a device, pipe or socket); give the path of the directory's database file"
        case .notSQLite: return "\(path) is not a Gatehouse directory (not an SQLite database at all); check the path, it was left untouched"
        case .foreignSQLite: return "\(path) is an SQLite database that Gatehouse did not make; it was left untouched. Check the path, or give a new one to `gatehouse init --db`"
        case .gatehouse: return "\(path) already holds a Gatehouse directory"
        case let .unreadable(reason): return "cannot read \(path) (\(reason)); check its permissions"
        }
    }

    /// Creates the database's folder (0700) and an empty file (0600) if they do not exist, so the
    /// directory's data is never readable by other local users, whatever the umask.
    static func prepare(path: String) throws(GatehouseError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let manager = FileManager.default
        if !manager.fileExists(atPath: folder) {
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .storage("cannot create the folder \(folder) (\(error.localizedDescription))")
            }
        }
        if !manager.fileExists(atPath: path) {
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw .storage("cannot create \(path) (\(String(cString: strerror(errno))))")
            }
            close(descriptor)
        }
    }
}

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

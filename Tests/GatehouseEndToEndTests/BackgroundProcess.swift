import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A long-running program (gatehouse serve, nginx, fcgiwrap) started for one test, its output in a
/// file, stopped by its own process id (SIGTERM, then SIGKILL) when the test is done.
final class BackgroundProcess: @unchecked Sendable {
    let pid: pid_t
    let outputPath: String
    let name: String

    init(_ executable: String, _ arguments: [String], outputPath: String, environment: [String: String] = [:]) throws {
        name = URL(fileURLWithPath: executable).lastPathComponent
        self.outputPath = outputPath
        pid = try Subprocess.spawnDetached(executable, arguments, outputPath: outputPath, environment: environment)
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Waits until `output` contains `text` (or the process has exited, or the time is up).
    @discardableResult
    func waitForOutput(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let current = output
            if current.contains(text) { return current }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw EndToEndFailure("\(name) exited before printing \(text): \(current)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw EndToEndFailure("\(name) did not print \(text) in \(Int(timeout)) s: \(output)")
    }

    /// SIGTERM, and the exit status (SIGKILL after `grace`).
    @discardableResult
    func stop(grace: TimeInterval = 10) -> Int32? {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while Date() < deadline {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
            if reaped == -1 { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        return nil
    }

    deinit { _ = stop(grace: 2) }
}

struct EndToEndFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw EndToEndFailure("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    guard bound == 0 else { throw EndToEndFailure("bind() failed") }
    let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    guard named == 0 else { throw EndToEndFailure("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The first executable of these names on PATH (or at an absolute path), or nil.
func findExecutable(_ names: String...) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
    for name in names {
        if name.hasPrefix("/") { if FileManager.default.isExecutableFile(atPath: name) { return name } else { continue } }
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") { return "\(folder)/\(name)" }
    }
    return nil
}

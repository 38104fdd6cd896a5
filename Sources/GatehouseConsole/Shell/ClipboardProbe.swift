import Foundation
import TerminalKit

extension ClipboardReach {
    /// Asks the tmux server named by `TMUX` (its socket is the first comma-separated field).
    /// Runs `tmux`, so call it off a frame that must be fast, and once per copy at most.
    static func probe(environment: [String: String] = ProcessInfo.processInfo.environment) -> ClipboardReach {
        let variable = environment["TMUX"]
        let socket = variable?.split(separator: ",").first.map(String.init)
        return decide(tmuxVariable: variable) { name in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["tmux"] + (socket.map { ["-S", $0] } ?? []) + ["show-options", "-gv", name]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

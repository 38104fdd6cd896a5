import Foundation

/// Finds the `Resources/` folder (scope catalog, demo data, help) wherever the binary is run from.
///
/// Looked for, in order: `$GATEHOUSE_RESOURCES`; `Resources/` beside the executable or in any folder
/// above it (a build tree: `.build/debug/gatehouse` → the checkout's `Resources/`); and
/// `../share/gatehouse/` beside the executable (an installed layout). A folder counts only if it holds
/// `scopes.json`, so an unrelated `Resources/` is never picked up.
public struct ResourceLocator: Sendable {
    public let directory: URL

    public static let markerFile = "scopes.json"

    public init(directory: URL) { self.directory = directory }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(GatehouseError) -> ResourceLocator {
        let candidates = candidateDirectories(environment: environment)
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent(markerFile).path) {
            return ResourceLocator(directory: candidate)
        }
        let searched = candidates.map(\.path).joined(separator: ", ")
        throw .notAllowed("Gatehouse cannot find its Resources folder (the scope catalog \(markerFile)). Searched: \(searched). Set GATEHOUSE_RESOURCES to the folder that holds \(markerFile).")
    }

    static func candidateDirectories(environment: [String: String]) -> [URL] {
        var candidates: [URL] = []
        if let override = environment["GATEHOUSE_RESOURCES"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent().standardizedFileURL
        if let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folder = URL(fileURLWithPath: real).deletingLastPathComponent()
        }
        candidates.append(folder.deletingLastPathComponent().appendingPathComponent("share/gatehouse"))
        while true {
            candidates.append(folder.appendingPathComponent("Resources"))
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        return candidates
    }

    public func url(for name: String) -> URL { directory.appendingPathComponent(name) }

    public func data(_ name: String) throws(GatehouseError) -> Data {
        do {
            return try Data(contentsOf: url(for: name))
        } catch {
            throw .notAllowed("Gatehouse cannot read \(url(for: name).path): \(error.localizedDescription)")
        }
    }

    public func scopeCatalog() throws(GatehouseError) -> ScopeCatalog {
        try ScopeCatalog(json: data(Self.markerFile))
    }
}

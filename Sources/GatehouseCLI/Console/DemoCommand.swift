import ArgumentParser
import Foundation
import GatehouseConsole
import GatehouseDemo
import GatehouseDomain
import GatehouseStore

/// `gatehouse demo`: a fresh copy of the seeded demo organization, acting as its administrator.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open a fresh copy of the seeded demo organization, as its administrator.",
        discussion: "The copy lives in a temporary folder and is deleted when you quit; your own directory is not touched. --as LOGIN acts as any demo user.")

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this demo user instead of the administrator.", valueName: "login"))
    var asLogin: String?

    @Option(help: ArgumentHelp("Keep the demo database at this path instead of a temporary one.", valueName: "path"))
    var keep: String?

    @OptionGroup var terminal: TerminalFlags

    @MainActor
    func run() async throws {
        var temporaryFolder: URL?
        defer { temporaryFolder.map { try? FileManager.default.removeItem(at: $0) } }
        try await ConsoleLauncher.launch(terminal: terminal.options) { _ throws(GatehouseError) in
            let path: String
            if let keep {
                path = keep
            } else {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-demo-\(UUID().uuidString)")
                temporaryFolder = folder
                path = folder.appendingPathComponent("demo.sqlite").path
            }
            return try DemoDirectory.open(at: path, asLogin: asLogin)
        }
    }
}

/// Seeds (when empty) and opens a demo directory.
enum DemoDirectory {
    static func open(at path: String, asLogin: String?) throws(GatehouseError) -> (AccessService, Actor) {
        let resources = try ResourceLocator.locate()
        let catalog = try resources.scopeCatalog()
        let store = try SQLiteDirectoryStore(path: path)
        let seeder = try DemoSeeder(resources: resources)
        let isEmpty: Bool
        do {
            isEmpty = try store.read { try $0.isEmpty() }
        } catch {
            throw .storage(String(describing: error))
        }
        if isEmpty { try seeder.seed(into: store, catalog: catalog, now: Date()) }
        let service = AccessService(store: store, catalog: catalog)
        let actor = try service.resolveActor(login: seeder.administratorLogin, asLogin: asLogin, anyoneMayImpersonate: true)
        return (service, actor)
    }
}

import Foundation
import GatehouseDomain

/// Replays the demo timeline through the façade with a clock set to each event's time, so the demo
/// directory holds what real use would leave: expired and revoked tokens, regenerated secrets,
/// non-compliant tokens from before a policy, "last used" stamps, and a true audit history.
public struct DemoSeeder {
    /// Groups are set up after every account exists and before the first token.
    static let groupSetupDaysAgo = 330.0

    public let administratorLogin: String
    private let file: DemoDirectoryFile

    public init(json: Data) throws(GatehouseError) {
        do {
            file = try JSONDecoder().decode(DemoDirectoryFile.self, from: json)
        } catch {
            throw .storage("the demo directory file is not valid (\(error))")
        }
        administratorLogin = file.administrator.login
    }

    public init(resources: ResourceLocator) throws(GatehouseError) {
        try self.init(json: resources.data("demo/directory.json"))
    }

    /// Seeds an empty store. `now` is the moment the demo opens.
    public func seed(into store: any DirectoryStore, catalog: ScopeCatalog, now: Date) throws(GatehouseError) {
        let clock = ManualClock(now)
        // The demo's secrets are never shown, but they come from the CSPRNG like any other.
        let service = AccessService(store: store, catalog: catalog, clock: clock, lastUsedGranularity: 0)
        var timeline = try DemoTimeline(file: file, service: service, catalog: catalog)
        try timeline.run(clock: clock, now: now)
        try service.markAsDemo(administratorLogin: administratorLogin)
    }
}

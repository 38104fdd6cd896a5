import Foundation
import GatehouseDomain
import GatehousePostgres
import GatehouseStore

/// Opens the directory `--db` (or `$GATEHOUSE_DB`) names, for every command: a path is an SQLite
/// file, a `postgresql://` URL a shared PostgreSQL database. The one place that chooses.
enum StoreOpening {
    /// The store and whether this open made a new, empty directory (the caller bootstraps it).
    static func open(_ location: String, mayCreate: Bool, verificationCacheCapacity: Int? = nil) throws(GatehouseError) -> (store: any DirectoryStore, wasCreated: Bool) {
        guard PostgresLocation.isPostgres(location) else {
            let store = try SQLiteDirectoryStore(path: location, opening: mayCreate ? .createIfMissing : .existing,
                                                 verificationCacheCapacity: verificationCacheCapacity ?? SQLiteDirectoryStore.defaultVerificationCacheCapacity)
            return (store, store.wasCreated)
        }
        let store = try PostgresDirectoryStore(url: location, migrate: false, verificationCacheCapacity: verificationCacheCapacity ?? 16_384)
        let status = try store.migrationStatus()
        if status.applied.isEmpty && !mayCreate {
            throw .storage("there is no Gatehouse directory in \(store.location.display) yet. Create one with `gatehouse init --db URL`, or move one up from SQLite with `gatehouse db copy --from PATH --to URL`")
        }
        _ = try store.migrateNow()
        let isEmpty: Bool
        do { isEmpty = try store.read { try $0.isEmpty() } } catch { throw AccessServiceErrors.typed(error) }
        return (store, isEmpty && mayCreate)
    }

    /// Whether a Gatehouse directory (with at least one organization) is already there.
    static func holdsDirectory(_ location: String) throws(GatehouseError) -> Bool {
        guard PostgresLocation.isPostgres(location) else {
            if case .gatehouse = DatabaseLocation.inspect(location) { return true }
            return false
        }
        let store = try PostgresDirectoryStore(url: location, migrate: false, verificationCacheCapacity: 0)
        guard !(try store.migrationStatus().applied.isEmpty) else { return false }
        do { return !(try store.read { try $0.isEmpty() }) } catch { throw AccessServiceErrors.typed(error) }
    }

    /// Where a location may be shown: a path as is, a URL as host:port/database (no password).
    static func display(_ location: String) -> String {
        PostgresLocation.isPostgres(location) ? PostgresLocation(location).display : location
    }
}

/// A store error as the façade would type it.
enum AccessServiceErrors {
    static func typed(_ error: any Error) -> GatehouseError {
        (error as? GatehouseError) ?? .storage(String(describing: error))
    }
}

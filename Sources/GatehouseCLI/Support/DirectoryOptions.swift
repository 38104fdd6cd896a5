import ArgumentParser
import Foundation
import GatehouseDomain
import GatehouseStore

/// Options every command that opens the directory takes.
struct DirectoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The directory database: an SQLite file, or postgresql://user@host:port/db (default: $GATEHOUSE_DB, else $XDG_DATA_HOME/gatehouse/gatehouse.sqlite).", valueName: "path|url"))
    var db: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as another user (needs Manage users; audited as \"you as LOGIN\").", valueName: "login"))
    var asLogin: String?
}

/// An open directory and the acting user: what every command works with.
struct DirectoryContext {
    let service: AccessService
    let actor: Actor
    let store: any DirectoryStore
    let resources: ResourceLocator

    /// When opening may create a directory: only `gatehouse init`, and the console's first run at
    /// the default location. Every other command refuses a path that holds no Gatehouse directory.
    enum Creation {
        case never
        /// Creates one if nothing is at the default location (no --db, no $GATEHOUSE_DB).
        case atDefaultLocation
        case always
    }

    /// Opens the directory; where `creation` allows and nothing is there yet, creates one with the
    /// OS login as first administrator.
    static func open(_ options: DirectoryOptions, output: CommandOutput, anyoneMayImpersonate: Bool = false, pathOverride: String? = nil,
                     creation: Creation = .never) throws(GatehouseError) -> DirectoryContext {
        // Over SSH the key's owner acts, on the database sshd's forced command names: nothing else.
        if let session = CLIEnvironment.current.sshSession { return try session.open(asLogin: options.asLogin, db: options.db) }
        let resources = try ResourceLocator.locate()
        // Decoded on another core while the store opens: ~1 ms of the console's start.
        let catalogLoad = BackgroundResult { () throws(GatehouseError) in try resources.scopeCatalog() }
        // Who is asking comes first: without a passwd entry there is nobody to open the directory for.
        let login = try OperatingSystemLogin.current()
        let path = pathOverride ?? DatabaseLocation.resolve(explicitPath: options.db)
        let mayCreate = switch creation {
        case .never: false
        case .always: true
        case .atDefaultLocation: pathOverride == nil && path == DatabaseLocation.resolve(explicitPath: nil, environment: DatabaseLocation.withoutOverride())
        }
        let (store, wasCreated) = try StoreOpening.open(path, mayCreate: mayCreate)
        let service = AccessService(store: store, catalog: try catalogLoad.value(), clock: CLIEnvironment.current.clock)
        if wasCreated, try service.bootstrapIfEmpty(administratorLogin: login, organizationName: "Default") {
            output.note("Created a new directory at \(StoreOpening.display(path)) with \(login) as its first administrator.")
        }
        // A demo copy (`gatehouse demo --keep PATH`): act as its administrator, or as anyone with --as.
        if let demoAdministrator = try service.demoAdministrator(), (try? service.resolveActor(login: login)) == nil {
            let actor = try service.resolveActor(login: demoAdministrator, asLogin: options.asLogin, anyoneMayImpersonate: true)
            return DirectoryContext(service: service, actor: actor, store: store, resources: resources)
        }
        let actor = try service.resolveActor(login: login, asLogin: options.asLogin, anyoneMayImpersonate: anyoneMayImpersonate)
        return DirectoryContext(service: service, actor: actor, store: store, resources: resources)
    }
}

/// The OS login the acting user is mapped from: the effective user's passwd entry, which `su`
/// and `sudo -u` change and an environment variable cannot fake.
///
/// No passwd entry means no identity: `$USER` and friends are the caller's to set, so falling back on
/// them would let anyone name the account they act as.
enum OperatingSystemLogin {
    static func current() throws(GatehouseError) -> String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name, name.pointee != 0 else {
            throw .notAllowed("Your user id (\(uid)) has no passwd entry, so Gatehouse cannot tell who you are. Run it as a user with an entry in /etc/passwd (or in NSS).")
        }
        return String(cString: name)
    }
}

/// A value computed on its own thread while the caller goes on; `value()` waits for it.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written once by the worker before `finished` is signalled; read only after waiting on it.
    private var result: Result<Value, GatehouseError>?

    init(_ work: @escaping @Sendable () throws(GatehouseError) -> Value) {
        Thread.detachNewThread { [self] in
            do throws(GatehouseError) { result = .success(try work()) } catch { result = .failure(error) }
            finished.signal()
        }
    }

    func value() throws(GatehouseError) -> Value {
        finished.wait()
        finished.signal()  // a second call does not wait forever
        return try (result ?? .failure(.storage("the background work ended without a result"))).get()
    }
}

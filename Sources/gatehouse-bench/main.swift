import Foundation
import Synchronization
import GatehouseConsole
import GatehouseDomain
import GatehousePostgres
import GatehouseStore
import TerminalKit

// gatehouse-bench: in-process figures on a (large) directory database.
//   gatehouse-bench --db big.sqlite [--secrets secrets.txt] [--gatehouse .build-bench/release/gatehouse] [--json] [--quick]
// Every figure is a median (p50) and p95 over many iterations; throughput is per second.

struct Options {
    var db = ""
    var secrets: String?
    var gatehouse: String?
    var json = false
    var quick = false
    /// Sections to run (verify, queries, filter, console, startup, ssh); empty: all.
    var only: Set<String> = []
    var login = Options.osLogin()

    static func osLogin() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--db": options.db = iterator.next() ?? ""
            case "--secrets": options.secrets = iterator.next()
            case "--gatehouse": options.gatehouse = iterator.next()
            case "--as": options.login = iterator.next() ?? options.login
            case "--json": options.json = true
            case "--quick": options.quick = true
            case "--only": options.only = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            case "-h", "--help":
                print("usage: gatehouse-bench --db PATH [--secrets FILE] [--gatehouse BINARY] [--as LOGIN] [--json] [--quick] [--only verify,queries,filter,console,layout,speed,startup,ssh,concurrency,revocation]")
                exit(0)
            default:
                FileHandle.standardError.write(Data("gatehouse-bench: unknown argument \(argument)\n".utf8))
                exit(64)
            }
        }
        guard !options.db.isEmpty else {
            FileHandle.standardError.write(Data("gatehouse-bench: --db PATH is required (make one with `gatehouse dev seed`)\n".utf8))
            exit(64)
        }
        return options
    }
}

/// One measured figure.
struct Figure {
    let group: String
    let name: String
    let unit: String
    let p50: Double
    let p95: Double
    let samples: Int
    var note = ""
    /// Where a figure's tail matters (a login waits on it), its 99th percentile too.
    var p99: Double?
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = p * Double(sorted.count - 1)
    let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
}

nonisolated(unsafe) var figures: [Figure] = []
let clock = ContinuousClock()

/// Times `body` `iterations` times (after `warmup` untimed runs); records milliseconds.
@discardableResult
func measure(_ group: String, _ name: String, iterations: Int, warmup: Int = 2, note: String = "", _ body: () throws -> Void) rethrows -> Figure {
    for _ in 0..<warmup { try body() }
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = clock.now
        try body()
        samples.append(seconds(clock.now - start) * 1_000)
    }
    samples.sort()
    let figure = Figure(group: group, name: name, unit: "ms", p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), samples: iterations, note: note)
    figures.append(figure)
    progress("\(group) / \(name): p50 \(format(figure.p50)) ms, p95 \(format(figure.p95)) ms")
    return figure
}

func format(_ value: Double) -> String { String(format: value < 10 ? "%.3f" : "%.1f", value) }

func progress(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

let options = Options.parse(CommandLine.arguments)
func runs(_ section: String) -> Bool { options.only.isEmpty || options.only.contains(section) }
let iterations = options.quick ? 15 : 60

let catalog = try ResourceLocator.locate().scopeCatalog()
/// `--db` a path (SQLite) or a postgresql:// URL: the same figures on either backend.
func openStore(_ db: String, verificationCacheCapacity: Int = 16_384) throws -> any DirectoryStore {
    PostgresLocation.isPostgres(db)
        ? try PostgresDirectoryStore(url: db, verificationCacheCapacity: verificationCacheCapacity)
        : try SQLiteDirectoryStore(path: db, verificationCacheCapacity: verificationCacheCapacity)
}
let store = try openStore(options.db)
let service = AccessService(store: store, catalog: catalog)
let actor = try service.resolveActor(login: options.login)
let userCount = try service.count(UserQuery(), by: actor)
let tokenCount = try service.count(TokenQuery(), by: actor)
progress("database \(PostgresLocation.isPostgres(options.db) ? PostgresLocation(options.db).display : options.db): \(userCount) users, \(tokenCount) tokens visible to \(actor.user.loginName)")

// MARK: 1. Token verification throughput

if let path = options.secrets, runs("verify") {
    let secrets = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { TokenSecret(presented: String($0)) }
    // One pass first: it records "last used" (a write, at most once per 5 minutes per token), as production would;
    // the measured passes are then the steady state, pure reads.
    var outcomes: [String: Int] = [:]
    for secret in secrets {
        switch try service.verify(secret) {
        case .success: outcomes["verified", default: 0] += 1
        case let .failure(failure): outcomes["\(failure)", default: 0] += 1
        }
    }
    progress("verification warm-up: \(outcomes)")
    let duration = options.quick ? 1.0 : 3.0
    // Cached: the steady state of an API server while nothing is written (no SQLite call at all).
    // With commits elsewhere: each commit sends the next call back to the epoch query; a relevant
    // change (here, a token renamed) also evicts the records it touches. Uncached: capacity 0, so
    // every call reads its record from SQLite.
    let uncachedService = AccessService(store: try openStore(options.db, verificationCacheCapacity: 0), catalog: catalog)
    let renamed = try service.tokens(TokenQuery(ownerID: actor.user.id), page: .first(1), by: actor).items.first
    let heartbeat: @Sendable (Int) throws -> Void = { tick in try store.write { try $0.setSetting("bench-heartbeat", to: String(tick)) } }
    let renaming = Mutex(renamed)
    let rename: @Sendable (Int) throws -> Void = { tick in
        try renaming.withLock { token in
            guard let current = token else { return }
            token = try service.updateToken(current.id, TokenChanges(displayName: "bench-epoch-\(tick % 2)"), expectedVersion: current.version, by: actor)
        }
    }
    var variants: [(label: String, verifier: AccessService, writes: (@Sendable (Int) throws -> Void)?, pause: Double)] = [
        ("cached", service, nil, 0),
        ("cached, 100 commits/s elsewhere", service, heartbeat, 0.01),
    ]
    if renamed != nil { variants.append(("cached, 10 token renames/s elsewhere", service, rename, 0.1)) }
    variants.append(("uncached", uncachedService, nil, 0))
    for variant in variants {
        for threads in [1, 2] {
            var rates: [Double] = []
            for _ in 0..<(options.quick ? 3 : 5) {
                let counts = Mutex<[Int]>(Array(repeating: 0, count: threads))
                let stop = Atomic<Bool>(false)
                let writer = DispatchGroup()
                if let writes = variant.writes {
                    let pause = variant.pause
                    DispatchQueue.global().async(group: writer) {
                        var tick = 0
                        while !stop.load(ordering: .relaxed) {
                            try? writes(tick)
                            tick += 1
                            Thread.sleep(forTimeInterval: pause)
                        }
                    }
                }
                let start = clock.now
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    var done = 0
                    var index = thread * 7_919
                    let deadline = start + .milliseconds(Int(duration * 1_000 / 5))
                    while clock.now < deadline {
                        for _ in 0..<256 {
                            _ = try? variant.verifier.verify(secrets[index % secrets.count])
                            index += 1
                            done += 1
                        }
                    }
                    counts.withLock { $0[thread] = done }
                }
                let elapsed = seconds(clock.now - start)
                stop.store(true, ordering: .relaxed)
                writer.wait()
                rates.append(Double(counts.withLock { $0.reduce(0, +) }) / elapsed)
            }
            rates.sort()
            let figure = Figure(group: "verification", name: "verify, \(variant.label), \(threads) thread\(threads == 1 ? "" : "s")", unit: "/s",
                                p50: percentile(rates, 0.5), p95: percentile(rates, 0.05), samples: rates.count,
                                note: "\(secrets.count) real active tokens, round robin; p95 column = 5th percentile of runs")
            figures.append(figure)
            progress("verification \(variant.label), \(threads) thread(s): \(Int(figure.p50)) /s")
        }
    }
    if let renamed, let current = renaming.withLock({ $0 }) {
        _ = try? service.updateToken(current.id, TokenChanges(displayName: renamed.displayName), expectedVersion: current.version, by: actor)
    }
    // The offline and hashing parts alone, for the profile.
    measure("verification", "format check + SHA-256 only (1,000)", iterations: iterations) {
        for secret in secrets.prefix(1_000) {
            _ = TokenFormat.validate(secret.reveal())
            _ = TokenDigest(of: secret)
        }
    }
}

// Issue #17 (PostgresFigures.swift), only when asked for: `--only concurrency`, `--only revocation`.
if options.only.contains("concurrency") { try MainActor.assumeIsolated { try concurrencyFigures() } }
if options.only.contains("revocation") { try MainActor.assumeIsolated { try revocationFigures() } }

// MARK: 2. Page queries: what each list and quick filter of the console runs (count + first page + next page)

nonisolated(unsafe) var someUsers: [User] = []
let pageLimit = 38  // 80x24: 18 rows on screen + a margin of 20, as PagedList asks
func pageQuery<Item>(_ group: String, _ name: String, count: () throws -> Int, cappedCount: (() throws -> ListCount)? = nil,
                     page: (PageRequest) throws -> Page<Item>) throws {
    var last: PageCursor?
    measure(group, "\(name): count", iterations: iterations) { _ = try? count() }
    if let cappedCount {
        // What the console's counter runs: exact where cheap, else up to ListCount.defaultCap.
        let shown = try cappedCount()
        measure(group, "\(name): console count (\(shown.value)\(shown.isExact ? "" : "+"))", iterations: iterations) { _ = try? cappedCount() }
    }
    measure(group, "\(name): first page", iterations: iterations) { last = (try? page(.first(pageLimit)))?.entries.last?.cursor }
    if let cursor = last {
        measure(group, "\(name): next page", iterations: iterations) { _ = try? page(PageRequest(.after(cursor), limit: pageLimit)) }
    }
}

if runs("queries") {
// Users
var userQueries: [(String, UserQuery)] = [
    ("all, by name", UserQuery()),
    ("all, by login", UserQuery(sort: .loginName)),
    ("all, by date added", UserQuery(sort: .createdAt)),
    ("all, by name desc", UserQuery(descending: true)),
]
userQueries += AccountStatus.allCases.map { ("status \($0.rawValue)", UserQuery(statuses: [$0])) }
userQueries += AccountKind.allCases.map { ("kind \($0.rawValue)", UserQuery(kinds: [$0])) }
userQueries += IdentitySource.allCases.map { ("source \($0.rawValue)", UserQuery(identitySources: [$0])) }
if let firstOrg = try service.organizations(by: actor).first {
    userQueries.append(("org \(firstOrg.name)", UserQuery(organizationID: firstOrg.id)))
}
for (name, query) in userQueries {
    try pageQuery("users", name, count: { try service.count(query, by: actor) }, cappedCount: { try service.count(query, cap: ListCount.defaultCap, by: actor) },
                  page: { try service.users(query, page: $0, by: actor) })
}
// The Users pane also shows, per row, the group count and the active-token count.
someUsers = try service.users(UserQuery(), page: .first(18), by: actor).entries.map(\.item)
measure("users", "row extras for 18 rows (groups + active tokens)", iterations: iterations) {
    for user in someUsers {
        _ = try? service.groups(of: user.id, by: actor).count
        _ = try? service.count(TokenQuery(ownerID: user.id, statuses: [.active]), by: actor)
    }
}

// Groups
try pageQuery("groups", "all", count: { try service.count(GroupQuery(), by: actor) }, page: { try service.groups(GroupQuery(), page: $0, by: actor) })

// Tokens: the default view (active, soonest expiry first), every quick filter alone, the risk view, the sorts.
let rules = (try? service.nonComplianceRules(by: actor)) ?? []
func tokenQuery(_ configure: (inout TokenQuery) -> Void) -> TokenQuery {
    var query = TokenQuery()
    configure(&query)
    return query
}
var tokenQueries: [(String, TokenQuery)] = [
    ("default (active, by expiry)", TokenQuery(statuses: [.active])),
    ("all", TokenQuery()),
    ("expired", TokenQuery(statuses: [.expired])),
    ("revoked", TokenQuery(statuses: [.revoked])),
    ("expiring within 7 days", tokenQuery { $0.expiringWithin = 7 * 86_400 }),
    ("full access", tokenQuery { $0.fullAccessOnly = true }),
    ("high privilege", tokenQuery { $0.highPrivilegeOnly = true }),
    ("global", tokenQuery { $0.globalOnly = true }),
    ("never used", tokenQuery { $0.neverUsedOnly = true }),
    ("unused 90 days", tokenQuery { $0.unusedFor = 90 * 86_400 }),
    ("owner disabled", tokenQuery { $0.disabledOwnerOnly = true }),
    ("non-compliant", tokenQuery { $0.nonCompliantWith = rules }),
    ("risk view: active + high + unused 90d", tokenQuery { $0.statuses = [.active]; $0.highPrivilegeOnly = true; $0.unusedFor = 90 * 86_400 }),
    ("active, by name", TokenQuery(statuses: [.active], sort: .displayName)),
    ("active, by created", TokenQuery(statuses: [.active], sort: .createdAt)),
    ("active, by last use", TokenQuery(statuses: [.active], sort: .lastUsedAt)),
]
if let heavy = someUsers.first {
    tokenQueries.append(("one owner's tokens", TokenQuery(ownerID: heavy.id)))
}
for (name, query) in tokenQueries {
    try pageQuery("tokens", name, count: { try service.count(query, by: actor) }, cappedCount: { try service.count(query, cap: ListCount.defaultCap, by: actor) },
                  page: { try service.tokens(query, page: $0, by: actor) })
}

// Audit
let auditQueries: [(String, AuditQuery)] = [
    ("all, newest first", AuditQuery()),
    ("actor \(actor.user.loginName)", AuditQuery(actorLogin: actor.user.loginName)),
    ("action token.revoke", AuditQuery(actions: [.tokenRevoked])),
    ("target contains \"deploy\"", AuditQuery(target: TextSearch("deploy"))),
]
for (name, query) in auditQueries {
    try pageQuery("audit", name, count: { try service.count(query, by: actor) }, cappedCount: { try service.count(query, cap: ListCount.defaultCap, by: actor) },
                  page: { try service.auditEvents(query, page: $0, by: actor) })
}

}

// MARK: 3. Filter as you type (Users, 100k): each prefix of a typed name, count + first page

let typed = "maria"
if runs("filter") {
for length in 1...typed.count {
    let text = String(typed.prefix(length))
    let query = UserQuery(search: TextSearch(text))
    measure("filter", "users \"\(text)\": count + first page", iterations: iterations) {
        _ = try? service.count(query, by: actor)
        _ = try? service.users(query, page: .first(pageLimit), by: actor)
    }
}
let tokenTyped = "deploy"
for length in [1, 3, 6] {
    let text = String(tokenTyped.prefix(length))
    let query = TokenQuery(search: TextSearch(text), statuses: [.active])
    measure("filter", "tokens \"\(text)\": count + first page", iterations: max(5, iterations / 4)) {
        _ = try? service.count(query, by: actor)
        _ = try? service.tokens(query, page: .first(pageLimit), by: actor)
    }
    measure("filter", "tokens \"\(text)\": console count (capped) + first page", iterations: max(5, iterations / 4)) {
        _ = try? service.count(query, cap: ListCount.defaultCap, by: actor)
        _ = try? service.tokens(query, page: .first(pageLimit), by: actor)
    }
}
// Every order the Tokens pane offers (`s`, `S`), each part alone: capped count, first, next and last page.
for length in [1, 3, 6] {
    let text = String(tokenTyped.prefix(length))
    for sort in TokenQuery.Sort.allCases {
        for descending in [false, true] {
            let query = TokenQuery(search: TextSearch(text), statuses: [.active], sort: sort, descending: descending)
            let name = "tokens \"\(text)\" by \(sort.rawValue)\(descending ? " desc" : "")"
            var last: PageCursor?
            measure("filter", "\(name): console count", iterations: max(5, iterations / 3)) {
                _ = try? service.count(query, cap: ListCount.defaultCap, by: actor)
            }
            measure("filter", "\(name): first page", iterations: max(5, iterations / 3)) {
                last = (try? service.tokens(query, page: .first(pageLimit), by: actor))?.lastCursor
            }
            if let cursor = last {
                measure("filter", "\(name): next page", iterations: max(5, iterations / 3)) {
                    _ = try? service.tokens(query, page: PageRequest(.after(cursor), limit: pageLimit), by: actor)
                }
            }
            measure("filter", "\(name): last page (End)", iterations: max(5, iterations / 3)) {
                _ = try? service.tokens(query, page: PageRequest(.last, limit: pageLimit), by: actor)
            }
        }
    }
}

}

// MARK: 4. Console frames through the in-memory backend

@MainActor
func consoleFigures() {
    for (width, height) in [(80, 24), (200, 60)] {
        let size = "\(width)x\(height)"
        var driver: ConsoleDriver?
        measure("console \(size)", "open console (first frame, Users pane)", iterations: max(5, iterations / 4), warmup: 1) {
            driver = ConsoleDriver(service: service, actor: actor, width: width, height: height)
        }
        guard let driver else { continue }
        measure("console \(size)", "render frame only (Users)", iterations: iterations * 4) { driver.draw() }
        measure("console \(size)", "down arrow (update + render), Users", iterations: iterations * 4) { driver.send(.down) }
        measure("console \(size)", "page down (update + render), Users", iterations: iterations) { driver.send(.pageDown) }
        // Tokens pane: switch once, then move.
        driver.send(.character("3"))
        measure("console \(size)", "render frame only (Tokens)", iterations: iterations * 4) { driver.draw() }
        measure("console \(size)", "down arrow (update + render), Tokens", iterations: iterations * 4) { driver.send(.down) }
        driver.send(.character("4"))
        measure("console \(size)", "down arrow (update + render), Audit", iterations: iterations * 2) { driver.send(.down) }
        measure("console \(size)", "switch pane Users ⇄ Tokens", iterations: iterations) {
            driver.send(.character("1"))
            driver.send(.character("3"))
        }
        // Filter as you type through the whole console (update + query + render), Users pane.
        driver.send(.character("1"))
        var keySamples: [Double] = []
        for _ in 0..<(options.quick ? 3 : 8) {
            driver.send(.character("/"))
            for character in typed {
                let start = clock.now
                driver.send(.character(character))
                keySamples.append(seconds(clock.now - start) * 1_000)
            }
            driver.send(.escape)
        }
        keySamples.sort()
        let figure = Figure(group: "console \(size)", name: "filter keystroke \"\(typed)\" (update + query + render)", unit: "ms",
                            p50: percentile(keySamples, 0.5), p95: percentile(keySamples, 0.95), samples: keySamples.count)
        figures.append(figure)
        progress("console \(size) filter keystroke: p50 \(format(figure.p50)) ms, p95 \(format(figure.p95)) ms")
    }
}
if runs("console") { MainActor.assumeIsolated { consoleFigures() } }

// MARK: 4b. Issue #13's screens: a big group's members, the bulk-revoke dry run, the filter's queries

@MainActor
func layoutFigures() throws {
    // The group with the most direct members (a default Contributors: ~13,500 at 100k accounts).
    let groups = try collectPages { try service.groups(GroupQuery(), page: $0, by: actor) }
    let biggest = try groups.max { try service.memberCount(of: $0.id, by: actor) < service.memberCount(of: $1.id, by: actor) }
    if let biggest {
        let members = try service.memberCount(of: biggest.id, by: actor)
        let note = "\(biggest.name): \(members) members"
        try measure("group members", "memberPage first 40 + memberCount (what the detail opens with)", iterations: iterations, note: note) {
            _ = try service.memberCount(of: biggest.id, by: actor)
            _ = try service.memberPage(of: biggest.id, page: .first(40), by: actor)
        }
        var page = try service.memberPage(of: biggest.id, page: .first(40), by: actor)
        try measure("group members", "memberPage next 40 (scrolling)", iterations: iterations, note: note) {
            if let last = page.lastCursor, page.hasMoreAfter { page = try service.memberPage(of: biggest.id, page: PageRequest(.after(last), limit: 40), by: actor) }
        }
        try measure("group members", "memberPage last 40 (End)", iterations: iterations, note: note) {
            _ = try service.memberPage(of: biggest.id, page: PageRequest(.last, limit: 40), by: actor)
        }
        try measure("group members", "members(of:) whole list (before: what the detail read)", iterations: max(3, iterations / 5), warmup: 1, note: note) {
            _ = try service.members(of: biggest.id, by: actor)
        }
        // Through the console: the Groups pane filtered to the group's name, then Enter opens it
        // (timed: update + render) and Esc closes it (not timed).
        let driver = ConsoleDriver(service: service, actor: actor, width: 80, height: 24)
        driver.send(.character("2"), .character("/"))
        driver.type(biggest.name)
        driver.send(.enter)
        var samples: [Double] = []
        for _ in 0..<max(5, iterations / 3) {
            let start = clock.now
            driver.send(.enter)
            samples.append(seconds(clock.now - start) * 1_000)
            driver.send(.escape)
        }
        tailFigure("console: Enter opens the group's detail (update + render), 80x24", samples, note: note, group: "group members")
    }
    // The dry run of a bulk revocation: every active token (the broadest the console can ask
    // for once a filter is required is still ~all of them: "active" and a one-letter search).
    var broad = TokenQuery(statuses: [.active])
    broad.search = TextSearch("e")
    let broadCount = try service.count(broad, cap: ListCount.defaultCap, by: actor)
    try measure("bulk revoke", "dry run opens: first page of 40 with owners (the count follows on the next tick)", iterations: iterations, note: "\(broadCount.value)\(broadCount.isExact ? "" : "+") active tokens match") {
        _ = try service.tokensWithOwners(broad, page: .first(40), by: actor)
    }
    try measure("bulk revoke", "dry run: capped count + first page of 40 with owners", iterations: iterations, note: "\(broadCount.value)\(broadCount.isExact ? "" : "+") active tokens match") {
        _ = try service.count(broad, cap: ListCount.defaultCap, by: actor)
        _ = try service.tokensWithOwners(broad, page: .first(40), by: actor)
    }
    // A realistic filter for a bulk revocation: active tokens unused for 90 days (the risk view's f).
    var unused = TokenQuery(statuses: [.active])
    unused.unusedFor = 90 * 86_400
    let unusedCount = try service.count(unused, cap: ListCount.defaultCap, by: actor)
    try measure("bulk revoke", "dry run opens, unused 90 days: first page of 40 with owners", iterations: iterations, note: "\(unusedCount.value)\(unusedCount.isExact ? "" : "+") match") {
        _ = try service.tokensWithOwners(unused, page: .first(40), by: actor)
    }
    try measure("bulk revoke", "dry run, unused 90 days: tokens(...) first page of 40 without owners", iterations: iterations) {
        _ = try service.tokens(unused, page: .first(40), by: actor)
    }
    var everyActive = TokenQuery(statuses: [.active])
    everyActive.fullAccessOnly = true
    try measure("bulk revoke", "dry run before: revokeTokens(dryRun:) reads every match (full access, active)", iterations: 3, warmup: 1) {
        _ = try service.revokeTokens(matching: everyActive, dryRun: true, by: actor)
    }
    // Where the Users filter's keystroke goes: its queries, one by one, for each prefix of "maria".
    for length in 1...typed.count {
        let text = String(typed.prefix(length))
        let query = UserQuery(search: TextSearch(text))
        try measure("users filter", "\"\(text)\": first page of 40", iterations: iterations) { _ = try service.users(query, page: .first(40), by: actor) }
        try measure("users filter", "\"\(text)\": capped count", iterations: iterations) { _ = try service.count(query, cap: ListCount.defaultCap, by: actor) }
    }
}

func collectPages<Item: Sendable>(_ fetch: (PageRequest) throws -> Page<Item>) rethrows -> [Item] {
    var items: [Item] = []
    var request = PageRequest.first(500)
    while true {
        let page = try fetch(request)
        items += page.items
        guard page.hasMoreAfter, let last = page.lastCursor else { return items }
        request = PageRequest(.after(last), limit: 500)
    }
}
if runs("layout") { try MainActor.assumeIsolated { try layoutFigures() } }
if runs("speed") || options.only.contains(where: { $0.hasPrefix("speed") }) { try MainActor.assumeIsolated { try consoleSpeedFigures() } }  // ConsoleSpeedFigures.swift

// MARK: 5. Process start to first frame, through a pseudo-terminal

/// Starts `binary --db PATH` on a fresh pty (80x24) and returns the seconds until the first frame
/// is complete: the last byte before the output has been quiet for 50 ms.
func timeToFirstFrame(binary: String, db: String) -> Double? {
    // posix_openpt/unlockpt/ptsname are hidden from Swift's Glibc module: the same through /dev/ptmx ioctls.
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    guard master >= 0 else { return nil }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0, ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
        close(master)
        return nil
    }
    let slavePath = "/dev/pts/\(number)"
    var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    posix_spawnattr_setflags(&attributes, 0x80 /* POSIX_SPAWN_SETSID */)
    var environment = ProcessInfo.processInfo.environment
    environment["TERM"] = "xterm-256color"
    environment["LANG"] = "C.UTF-8"
    environment.removeValue(forKey: "LC_ALL")
    let argv: [UnsafeMutablePointer<CChar>?] = [binary, "--db", db].map { text in text.withCString { strdup($0) } } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { entry in "\(entry.key)=\(entry.value)".withCString { strdup($0) } } + [nil]
    var pid: pid_t = 0
    let start = clock.now
    let spawned = posix_spawn(&pid, binary, &actions, &attributes, argv, envp)
    argv.forEach { free($0) }
    envp.forEach { free($0) }
    posix_spawn_file_actions_destroy(&actions)
    posix_spawnattr_destroy(&attributes)
    guard spawned == 0 else { close(master); return nil }
    var lastByte: ContinuousClock.Instant?
    var total = 0
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let deadline = start + .seconds(10)
    while clock.now < deadline {
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, 50)
        if ready > 0 {
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { break }
            total += count
            lastByte = clock.now
        } else if total > 500 {
            break  // quiet for 50 ms after a frame's worth of output
        }
    }
    kill(pid, SIGTERM)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    close(master)
    return lastByte.map { seconds($0 - start) }
}

if let binary = options.gatehouse, runs("startup") {
    var samples: [Double] = []
    for _ in 0..<(options.quick ? 5 : 15) {
        if let value = timeToFirstFrame(binary: binary, db: options.db) { samples.append(value * 1_000) }
    }
    samples.sort()
    let figure = Figure(group: "startup", name: "process start to first frame (pty 80x24)", unit: "ms",
                        p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), samples: samples.count,
                        note: "last byte before 50 ms of quiet")
    figures.append(figure)
    progress("startup: p50 \(format(figure.p50)) ms, p95 \(format(figure.p95)) ms")
}

// MARK: 6. SSH login: the lookup sshd's AuthorizedKeysCommand waits on

/// Samples in milliseconds, sorted, as a figure with p99.
@discardableResult
func tailFigure(_ name: String, _ samples: [Double], note: String, group: String = "ssh") -> Figure {
    let sorted = samples.sorted()
    let figure = Figure(group: group, name: name, unit: "ms", p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95),
                        samples: sorted.count, note: note + "; p99 \(format(percentile(sorted, 0.99))) ms", p99: percentile(sorted, 0.99))
    figures.append(figure)
    progress("\(group) / \(name): p50 \(format(figure.p50)) ms, p95 \(format(figure.p95)) ms, p99 \(format(percentile(sorted, 0.99))) ms")
    return figure
}

/// Runs `binary arguments` with stdout and stderr to /dev/null; returns the wall time in ms.
func timeProcess(_ binary: String, _ arguments: [String]) -> Double? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor: Int32 in [0, 1, 2] {
        posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let start = clock.now
    var pid: pid_t = 0
    guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return seconds(clock.now - start) * 1_000
}

if runs("ssh") {
    // Keys of the first few thousand accounts (by the users list's order), through the façade.
    var registered: [(fingerprint: String, line: String)] = []
    var page = try service.users(UserQuery(), page: .first(500), by: actor)
    while registered.count < 2_000 {
        for user in page.items {
            registered += try service.sshKeys(of: user.id, by: actor).map { ($0.fingerprint, $0.key.openSSHLine) }
        }
        guard page.hasMoreAfter, let last = page.lastCursor else { break }
        page = try service.users(UserQuery(), page: PageRequest(.after(last), limit: 500), by: actor)
    }
    if registered.isEmpty {
        progress("ssh: no SSH keys in this database (seed with --ssh-key-every N); skipped")
    } else {
        let rounds = options.quick ? 2_000 : 20_000
        var samples: [Double] = []
        samples.reserveCapacity(rounds)
        for round in 0..<rounds {
            let fingerprint = registered[round % registered.count].fingerprint
            let start = clock.now
            _ = try? service.sshLogin(fingerprint: fingerprint)
            samples.append(seconds(clock.now - start) * 1_000)
        }
        tailFigure("sshLogin(fingerprint:), registered key", samples, note: "\(registered.count) keys of \(userCount) accounts' keys, round robin")
        samples.removeAll(keepingCapacity: true)
        for round in 0..<rounds {
            let fingerprint = "SHA256:" + String(repeating: "x", count: 38) + String(format: "%05d", round % 100_000)
            let start = clock.now
            _ = try? service.sshLogin(fingerprint: fingerprint)
            samples.append(seconds(clock.now - start) * 1_000)
        }
        tailFigure("sshLogin(fingerprint:), unknown key", samples, note: "a miss on the unique index")
        if let binary = options.gatehouse {
            var processSamples: [Double] = []
            for round in 0..<(options.quick ? 10 : 100) {
                let fields = registered[round % registered.count].line.split(separator: " ")
                let arguments = ["ssh", "authorized-keys", "--db", options.db, "--service-user", options.login, options.login, String(fields[0]), String(fields[1])]
                if let value = timeProcess(binary, arguments) { processSamples.append(value) }
            }
            tailFigure("gatehouse ssh authorized-keys (whole process)", processSamples, note: "what sshd waits for per offered key")
        }
    }
}

// MARK: Output

if options.json {
    var rows: [[String: Any]] = []
    for figure in figures {
        rows.append(["group": figure.group, "name": figure.name, "unit": figure.unit, "p50": figure.p50, "p95": figure.p95,
                     "samples": figure.samples, "note": figure.note].merging(figure.p99.map { ["p99": $0] } ?? [:]) { first, _ in first })
    }
    let document: [String: Any] = ["database": options.db, "users": userCount, "tokens": tokenCount, "figures": rows,
                                   "date": ISO8601DateFormatter().string(from: Date()), "cpus": ProcessInfo.processInfo.activeProcessorCount]
    let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} else {
    let nameWidth = min(70, figures.map { $0.group.count + $0.name.count + 3 }.max() ?? 40)
    func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        if count >= width { return text }
        let padding = String(repeating: " ", count: width - count)
        return right ? padding + text : text + padding
    }
    print(pad("FIGURE", nameWidth) + pad("P50", 12, right: true) + pad("P95", 12, right: true) + "  UNIT  N")
    for figure in figures {
        let p50 = figure.unit == "/s" ? String(Int(figure.p50)) : format(figure.p50)
        let p95 = figure.unit == "/s" ? String(Int(figure.p95)) : format(figure.p95)
        print(pad("\(figure.group) / \(figure.name)", nameWidth) + pad(p50, 12, right: true) + pad(p95, 12, right: true) + "  " + pad(figure.unit, 4) + "  \(figure.samples)")
    }
}

import Foundation
import GatehouseDomain
import TerminalKit

/// What every screen works with: the façade, the acting user, time, and the space it has.
/// Screens read the directory through effects (`ConsoleAction.run`), off the main loop: the store
/// may be a network database. Rendering only reads state; so do the permission answers here,
/// which the shell loads as an effect (`ActorOverview`) at start and after every change.
final class ConsoleEnvironment {
    let service: AccessService
    let actor: Actor
    let clock: any WallClock
    /// Monotonic time for flashes, injectable so tests can expire them exactly.
    let instant: () -> ContinuousClock.Instant
    /// The rectangle screens draw in, known before each key is handled (from the terminal size).
    var contentArea: Rect = Rect(x: 0, y: 3, width: 80, height: 19)
    /// The organization the lists are narrowed to (`:org NAME`); nil shows every organization.
    var scope: OrganizationID?
    /// Organization names by id: a deployment has a handful; refreshed after changes.
    private(set) var organizationNames: [OrganizationID: String] = [:]
    private(set) var organizations: [Organization] = []
    /// What the lists show with no `:org`: "all organizations" only when the actor sees every one
    /// of the directory; otherwise the organizations it belongs to ("Contoso", "your 3 organizations").
    private(set) var everyVisibleOrganization = "all organizations"
    /// A bulk revocation's tokens per transaction, and its work per frame (tests make both small).
    var bulkRevocationChunk = 250
    var bulkRevocationBudget = Duration.milliseconds(150)
    private var loginCache: [UserID: User] = [:]
    /// The acting user's organizations and permission answers, as last loaded (kept while the
    /// next load runs, so footers do not flicker); nil until the first answer.
    private(set) var overview: ActorOverview?
    /// Permission texts already worded, per overview.
    private var denials: [String: String?] = [:]
    private var lastRequestID = 0

    /// Where a copy (OSC 52) can be known to end up: asked when `c` is pressed (tmux's options
    /// may change while the console runs); tests give a fixed answer.
    let clipboardReach: () -> ClipboardReach

    init(service: AccessService, actor: Actor, clock: any WallClock = SystemClock(), instant: @escaping () -> ContinuousClock.Instant = { ContinuousClock.now },
         clipboardReach: @escaping () -> ClipboardReach = { ClipboardReach.probe() }) {
        self.service = service
        self.actor = actor
        self.clock = clock
        self.instant = instant
        self.clipboardReach = clipboardReach
    }

    var now: Date { clock.now }
    var catalog: ScopeCatalog { service.catalog }

    /// A request id no other load of this session has: an answer is taken only by the request
    /// that asked for it (a screen gone, or a superseded load, never takes one).
    func nextRequestID() -> Int {
        lastRequestID += 1
        return lastRequestID
    }

    /// The acting user's reach, as an effect loaded it.
    func adopt(_ overview: ActorOverview) {
        self.overview = overview
        organizations = overview.organizations
        organizationNames = Dictionary(overview.organizations.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        everyVisibleOrganization = switch organizations.count {
        case overview.organizationCount: "all organizations"
        case 0: "no organization"
        case 1: organizations[0].name
        case 2: organizations.map(\.name).joined(separator: " and ")
        default: "your \(organizations.count) organizations"
        }
        denials.removeAll()
    }

    /// Said for a key whose permission answer has not arrived yet.
    static let checking = "Still checking what you may do\u{2026}"

    func organizationName(_ id: OrganizationID?) -> String {
        guard let id else { return "All organizations" }
        return organizationNames[id] ?? "(deleted organization)"
    }

    /// A user by id for display; cached per refresh. Synchronous: for the forms and the
    /// show-once screen, which still read in their update functions (panes and details load
    /// what they show with their pages instead).
    func user(_ id: UserID) -> User? {
        if let user = loginCache[id] { return user }
        let user = try? service.user(id, by: actor)
        if let user { loginCache[id] = user }
        return user
    }

    func forgetCachedUsers() { loginCache.removeAll() }

    /// After a change: cached users are read again (the permission answers are reloaded by the shell).
    func forgetDecisions() {
        loginCache.removeAll()
    }

    /// The reason an action is unavailable to the acting user, or nil when it is allowed.
    /// Allowed when the permission holds in at least one organization (the façade re-checks
    /// against the object's own organization when the action runs).
    func denial(of permission: Permission, action: String) -> String? {
        let key = "\(permission.rawValue)|*|\(action)"
        if let cached = denials[key] { return cached }
        let answer = computeDenial(of: permission, action: action)
        denials[key] = answer
        return answer
    }

    private func computeDenial(of permission: Permission, action: String) -> String? {
        guard let overview else { return Self.checking }
        var firstDecision: (Organization, PermissionDecision)?
        for organization in overview.memberships {
            guard let decision = overview.decisions[organization.id]?[permission] else { continue }
            if decision.isAllowed { return nil }
            if firstDecision == nil { firstDecision = (organization, decision) }
        }
        let why = firstDecision.map { " (\($0.1.reasonText) in \($0.0.name))" } ?? ""
        return "You may not \(action): it needs \u{201C}\(permission.title)\u{201D}\(why)."
    }

    /// The reason in an organization, or nil when allowed there.
    func denial(of permission: Permission, in organization: OrganizationID, action: String) -> String? {
        let key = "\(permission.rawValue)|\(organization)|\(action)"
        if let cached = denials[key] { return cached }
        let answer = computeDenial(of: permission, in: organization, action: action)
        denials[key] = answer
        return answer
    }

    private func computeDenial(of permission: Permission, in organization: OrganizationID, action: String) -> String? {
        guard let overview else { return Self.checking }
        guard let decision = overview.decisions[organization]?[permission] else {
            return "You may not \(action)."
        }
        if decision.isAllowed { return nil }
        return "You may not \(action) in \(organizationName(organization)): it needs \u{201C}\(permission.title)\u{201D} (\(decision.reasonText))."
    }
}

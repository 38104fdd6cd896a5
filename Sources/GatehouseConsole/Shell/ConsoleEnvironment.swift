import Foundation
import GatehouseDomain
import TerminalKit

/// What every screen works with: the façade, the acting user, time, and the space it has.
/// Screens call the façade from their update functions (synchronously: it is in-process and
/// every query is one page); rendering only reads state.
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
    /// Permission answers for footers and dialogs, asked on every frame: cached until the next
    /// change (`reloadOrganizations` runs after every change), so drawing costs no queries.
    private var denials: [String: String?] = [:]

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
        reloadOrganizations()
    }

    var now: Date { clock.now }
    var catalog: ScopeCatalog { service.catalog }

    func reloadOrganizations() {
        organizations = (try? service.organizations(by: actor)) ?? []
        organizationNames = Dictionary(uniqueKeysWithValues: organizations.map { ($0.id, $0.name) })
        let total = (try? service.organizationCount()) ?? organizations.count
        everyVisibleOrganization = switch organizations.count {
        case total: "all organizations"
        case 1: organizations[0].name
        case 2: organizations.map(\.name).joined(separator: " and ")
        default: "your \(organizations.count) organizations"
        }
        loginCache.removeAll()
        denials.removeAll()
    }

    func organizationName(_ id: OrganizationID?) -> String {
        guard let id else { return "All organizations" }
        return organizationNames[id] ?? "(deleted organization)"
    }

    /// A user by id for display; cached per refresh, since lists show owners row after row.
    func user(_ id: UserID) -> User? {
        if let user = loginCache[id] { return user }
        let user = try? service.user(id, by: actor)
        if let user { loginCache[id] = user }
        return user
    }

    func forgetCachedUsers() { loginCache.removeAll() }

    /// After a change that may move permissions (a group's grid, a membership): ask again.
    func forgetDecisions() {
        denials.removeAll()
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
        let memberships = (try? service.organizations(of: actor.user.id, by: actor)) ?? []
        var firstDecision: (Organization, PermissionDecision)?
        for organization in memberships {
            guard let decision = try? service.decision(permission, in: organization.id, for: actor) else { continue }
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
        guard let decision = try? service.decision(permission, in: organization, for: actor) else {
            return "You may not \(action)."
        }
        if decision.isAllowed { return nil }
        return "You may not \(action) in \(organizationName(organization)): it needs \u{201C}\(permission.title)\u{201D} (\(decision.reasonText))."
    }
}

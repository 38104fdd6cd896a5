import Foundation
import GatehouseConsole
import GatehouseDomain
import TerminalKit

// Issue #13's "fast on the big directory", each item with its parts (`--only speed`, or one
// item alone: `--only speed1,speed3`):
//   1. policy impact (Restrict token creation's confirmation),
//   2. the Users `/` filter keystroke,
//   3. a one-letter search in the bulk-revoke dry run and the Tokens filter,
//   4. the Tokens down-arrow at 200x60 (update and render apart),
//   5. the console's first frame (in process; the pty figure is the `startup` section),
//   6. saving one staged permission of a big default group.

/// Samples of `body` in milliseconds (after `warmup` runs), as a figure with p99.
@discardableResult
func timedFigure(_ group: String, _ name: String, iterations: Int, warmup: Int = 2, note: String = "", _ body: () throws -> Void) rethrows -> Figure {
    for _ in 0..<warmup { try body() }
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = clock.now
        try body()
        samples.append(seconds(clock.now - start) * 1_000)
    }
    return tailFigure(name, samples, note: note, group: group)
}

/// The policy impact as it was computed before (one member query per group, sets in Swift),
/// with the store's public reads: the "before" figure of item 1.
func policyImpactBefore(_ policy: TokenPolicy, in organization: OrganizationID, _ reader: any DirectoryReader) throws -> Int {
    var closures: [GroupID: Set<UserID>] = [:]
    func users(reaching group: GroupID, _ path: Set<GroupID> = []) throws -> Set<UserID> {
        if let known = closures[group] { return known }
        var found = Set<UserID>()
        for member in try reader.members(of: group) {
            switch member {
            case let .user(id): found.insert(id)
            case let .group(nested) where !path.contains(nested): found.formUnion(try users(reaching: nested, path.union([group])))
            case .group: break
            }
        }
        closures[group] = found
        return found
    }
    var allowed = Set<UserID>(), denied = Set<UserID>()
    for group in try collectPages({ try reader.groups(GroupQuery(organizationID: organization), page: $0) }) {
        switch try reader.permissionSettings(of: group.id)[.createTokens] ?? .notSet {
        case .allow: allowed.formUnion(try users(reaching: group.id))
        case .deny: denied.formUnion(try users(reaching: group.id))
        case .notSet: break
        }
    }
    var candidates = allowed.subtracting(denied)
    for exemption in policy.exemptions {
        switch exemption {
        case let .user(id): candidates.remove(id)
        case let .group(id): candidates.subtract(try users(reaching: id))
        }
    }
    return candidates.intersection(try reader.activeMemberIDs(of: organization)).count
}

/// `--only speed` runs every item; `--only speed1,speed3` only those.
func runsSpeedItem(_ item: Int) -> Bool { runs("speed") || options.only.contains("speed\(item)") }

@MainActor
func consoleSpeedFigures() throws {
    let group = "#13 speed"
    let organizations = try service.organizations(by: actor)
    let biggest = try organizations.max { try service.count(UserQuery(organizationID: $0.id), cap: 1_000_000, by: actor).value
        < service.count(UserQuery(organizationID: $1.id), cap: 1_000_000, by: actor).value }

    // 1. Policy impact.
    if runsSpeedItem(1), let organization = biggest {
        var policy = try service.policies(of: organization.id, by: actor)[.restrictCreation]
        policy.isEnabled = true
        let members = try service.count(UserQuery(organizationID: organization.id), by: actor)
        let impact = try service.policyImpact(of: policy, in: organization.id, by: actor)
        let shown = "\(impact.usersLosingCreation)\(impact.usersLosingCreationIsExact ? "" : "+") people, \(impact.tokensBecomingNonCompliant)\(impact.tokensBecomingNonCompliantIsExact ? "" : "+") tokens"
        let note = "\(organization.name): \(members) members; answer: \(shown)"
        try timedFigure(group, "1. policyImpact, Restrict token creation (counts capped at \(PolicyImpact.countCap))", iterations: iterations, note: note) {
            _ = try service.policyImpact(of: policy, in: organization.id, by: actor)
        }
        try policyImpactParts(group, policy, in: organization.id, note: note)
        var exact = 0
        try timedFigure(group, "1. permissionHolders, exact (no cap): what an exact count costs", iterations: max(3, iterations / 5), warmup: 1, note: note) {
            exact = try store.read { try $0.permissionHolders(.createTokens, in: organization.id, exempt: policy.exemptions, only: nil, cap: Int.max).value }
        }
        var before = 0
        try timedFigure(group, "1. before: one member query per group, sets in Swift", iterations: 3, warmup: 0, note: note) {
            before = try store.read { try policyImpactBefore(policy, in: organization.id, $0) }
        }
        if before != exact { progress("policy impact: the old walk counts \(before), the query \(exact): they differ") }
        // Through the console: Space on "Restrict token creation" until the dialog is drawn.
        if !(try service.policies(of: organization.id, by: actor)[.restrictCreation].isEnabled) {
            let driver = ConsoleDriver(service: service, actor: actor, width: 100, height: 30)
            driver.send(.character("5"), .character("j"), .character("j"), .character("j"))
            var samples: [Double] = []
            for _ in 0..<max(5, iterations / 3) {
                let start = clock.now
                driver.send(.character(" "))
                samples.append(seconds(clock.now - start) * 1_000)
                if !driver.screen.contains("Turn on") { progress("policy impact: no confirmation drawn"); break }
                driver.send(.escape)
            }
            tailFigure("1. console: Space until the confirmation is drawn (100x30)", samples, note: "the Policies pane's organization", group: group)
        }
    }

    if runsSpeedItem(2) { try usersFilterFigures(group) }
    if runsSpeedItem(3) { try oneLetterTokenFigures(group) }
    if runsSpeedItem(4) { tokensArrowFigures(group) }
    if runsSpeedItem(5) {
        // 5. First frame, in process: the console's own part of the pty figure.
        try timedFigure(group, "5. console opens to its first frame (in process), 80x24", iterations: max(5, iterations / 3), warmup: 1) {
            _ = ConsoleDriver(service: service, actor: actor, width: 80, height: 24)
        }
    }
    if runsSpeedItem(6) { try permissionSaveFigures(group) }
}

/// Item 1's parts, each in its own read as the façade's one read runs them: the people who lose
/// creation (capped), whether the actor is one of them, the non-compliant tokens (capped).
func policyImpactParts(_ group: String, _ policy: TokenPolicy, in organization: OrganizationID, note: String) throws {
    let cap = PolicyImpact.countCap
    try timedFigure(group, "1a. part: permissionHolders capped at \(cap)", iterations: iterations, note: note) {
        _ = try store.read { try $0.permissionHolders(.createTokens, in: organization, exempt: policy.exemptions, only: nil, cap: cap) }
    }
    try timedFigure(group, "1b. part: permissionHolders of the actor alone", iterations: iterations, note: note) {
        _ = try store.read { try $0.permissionHolders(.createTokens, in: organization, exempt: policy.exemptions, only: actor.user.id, cap: 1) }
    }
    var query = TokenQuery(organizationID: organization)
    query.nonCompliantWith = [NonComplianceRule(organizationID: organization, policy: policy)]
    try timedFigure(group, "1c. part: non-compliant tokens, count capped at \(cap)", iterations: iterations, note: note) {
        _ = try service.count(query, cap: cap, by: actor)
    }
}

/// Item 2: the Users filter, "maria": per keystroke through the console, and per prefix what the
/// keystroke's effect reads (page, the count the list shows, the page's group and token counts).
@MainActor
func usersFilterFigures(_ group: String) throws {
    for (width, height) in [(80, 24), (200, 60)] {
        let driver = ConsoleDriver(service: service, actor: actor, width: width, height: height)
        var keys: [Double] = [], renders: [Double] = []
        for _ in 0..<(options.quick ? 4 : 10) {
            driver.send(.character("/"))
            for character in typed {
                let start = clock.now
                driver.send(.character(character))
                keys.append(seconds(clock.now - start) * 1_000)
                let drawn = clock.now
                driver.draw()
                renders.append(seconds(clock.now - drawn) * 1_000)
            }
            driver.send(.escape, .escape)
        }
        tailFigure("2. Users filter keystroke \"\(typed)\" (update + page + render), \(width)x\(height)", keys, note: "every prefix", group: group)
        tailFigure("2. Users filter: render alone, \(width)x\(height)", renders, note: "", group: group)
    }
    let rows = pageLimit
    for length in 1...typed.count {
        let text = String(typed.prefix(length))
        let query = UserQuery(search: TextSearch(text))
        var page: Page<User>?
        try timedFigure(group, "2. Users \"\(text)\": page of \(rows)", iterations: iterations) { page = try service.users(query, page: .first(rows), by: actor) }
        var counted = ListCount.exact(0)
        try timedFigure(group, "2. Users \"\(text)\": count, as the list asks it (cap \(ListCount.defaultCap))", iterations: iterations) {
            counted = try service.count(query, cap: ListCount.defaultCap, by: actor)
        }
        try timedFigure(group, "2. Users \"\(text)\": count + page of \(rows) (the goal: <= 15 ms p95)", iterations: iterations,
                        note: "\(counted.value)\(counted.isExact ? "" : "+") matches") {
            _ = try service.count(query, cap: ListCount.defaultCap, by: actor)
            _ = try service.users(query, page: .first(rows), by: actor)
        }
        if let users = page?.items {
            try timedFigure(group, "2. Users \"\(text)\": listCounts of the page (groups + active tokens)", iterations: iterations) {
                _ = try service.listCounts(for: users, by: actor)
            }
        }
    }
}

/// Item 3: one letter, the bulk-revoke dry run's first page and the Tokens filter keystroke, with
/// the count the list shows and the other sorts of the pane.
@MainActor
func oneLetterTokenFigures(_ group: String) throws {
    let rows = pageLimit
    var broad = TokenQuery(statuses: [.active])
    broad.search = TextSearch("e")
    try timedFigure(group, "3. bulk-revoke dry run \"e\": first page of 40 with owners", iterations: iterations) {
        _ = try service.tokensWithOwners(broad, page: .first(40), by: actor)
    }
    try timedFigure(group, "3. Tokens \"e\": page of \(rows)", iterations: iterations) {
        _ = try service.tokens(broad, page: .first(rows), by: actor)
    }
    var counted = ListCount.exact(0)
    try timedFigure(group, "3. Tokens \"e\": count, as the list asks it (cap \(ListCount.defaultCap))", iterations: iterations) {
        counted = try service.count(broad, cap: ListCount.defaultCap, by: actor)
    }
    progress("one letter: \"e\" matches \(counted.value)\(counted.isExact ? "" : "+") active tokens")
    for sort in [TokenQuery.Sort.createdAt, .lastUsedAt, .displayName] {
        var sorted = broad
        sorted.sort = sort
        try timedFigure(group, "3. Tokens \"e\" sorted by \(sort): first page of 40 with owners", iterations: iterations) {
            _ = try service.tokensWithOwners(sorted, page: .first(40), by: actor)
        }
    }
    for (width, height) in [(80, 24), (200, 60)] {
        let driver = ConsoleDriver(service: service, actor: actor, width: width, height: height)
        driver.send(.character("3"))
        var samples: [Double] = []
        for _ in 0..<max(5, iterations / 2) {
            driver.send(.character("/"))
            let start = clock.now
            driver.send(.character("e"))
            samples.append(seconds(clock.now - start) * 1_000)
            driver.send(.escape, .escape)
        }
        tailFigure("3. Tokens filter keystroke \"e\" (update + page + render), \(width)x\(height)", samples, note: "", group: group)
    }

}

/// Item 4: the Tokens down-arrow, update and render apart.
@MainActor
func tokensArrowFigures(_ group: String) {
    for (width, height) in [(80, 24), (200, 60)] {
        let driver = ConsoleDriver(service: service, actor: actor, width: width, height: height)
        driver.send(.character("3"))
        var keys: [Double] = [], renders: [Double] = []
        for _ in 0..<(iterations * 4) {
            let start = clock.now
            driver.send(.down)
            keys.append(seconds(clock.now - start) * 1_000)
            let drawn = clock.now
            driver.draw()
            renders.append(seconds(clock.now - drawn) * 1_000)
        }
        tailFigure("4. Tokens down-arrow (update + render), \(width)x\(height)", keys, note: "", group: group)
        tailFigure("4. Tokens frame render alone, \(width)x\(height)", renders, note: "", group: group)
    }

}

/// Item 6.
@MainActor
func permissionSaveFigures(_ group: String) throws {
    // 6. One staged permission of the biggest default group saved (Ctrl-S): three saves of
    //    Space (Not set → Allow → Deny → Not set) leave it as it was.
    let defaults = try collectPages { try service.groups(GroupQuery(), page: $0, by: actor) }.filter(\.isDefault)
    let groupSizes = try defaults.map { ($0, try service.memberCount(of: $0.id, by: actor)) }
    if let (target, _) = groupSizes.filter({ $0.0.defaultRole != .projectCollectionAdministrators && $0.1 < 20_000 }).max(by: { $0.1 < $1.1 }) {
        let driver = ConsoleDriver(service: service, actor: actor, width: 80, height: 24)
        driver.send(.character("2"), .character("/"))
        driver.type(target.name)
        // Enter keeps the filter; Enter opens the first group of that name (one per organization).
        driver.send(.enter, .enter, .tab)
        let sizes = try groupSizes.filter { $0.0.name == target.name }.map { String($0.1) }.joined(separator: " / ")
        var samples: [Double] = []
        for _ in 0..<(options.quick ? 2 : 4) {
            for _ in 0..<3 {
                driver.send(.character(" "))
                let start = clock.now
                driver.send(.ctrl("s"))
                samples.append(seconds(clock.now - start) * 1_000)
            }
        }
        if !driver.screen.contains("Saved for") && !driver.screen.contains(target.name) { progress("permission save: the group detail did not open") }
        tailFigure("6. save one staged permission (Ctrl-S: save, refresh, render), 80x24", samples, note: "\(target.name): \(sizes) members (one per organization)", group: group)
    }
}

import Foundation
import GatehouseDomain
import TerminalKit

/// Everything about one token except its secret, which no screen can show again. What it shows
/// is loaded by an effect (the token again, its owner and creator, the policy checks); until the
/// answer the token from the list is shown, with "Loading…".
struct TokenDetail: BindingScreen {
    private var token: PersonalAccessToken
    private var checks: [PolicyCheck] = []
    private var loadError: String?
    private var scroll = 0
    /// When the current secret's show-once screen closed without acknowledgement.
    private var unacknowledgedSince: Date?
    private var owner: User?
    private var creator: User?
    private var hasLoaded = false
    /// The load asked last: an older answer is dropped.
    private var request: Int?

    init(token: PersonalAccessToken, _ environment: ConsoleEnvironment) {
        self.token = token
    }

    var breadcrumb: String { token.displayName }
    var helpSummary: String { "The secret was shown once when the token was created or regenerated; only its SHA-256 digest is stored. Regenerate (r) issues a new secret with the same settings." }
    var isLoading: Bool { request != nil }

    /// What one load read.
    struct Loaded: Sendable {
        let request: Int
        let outcome: Result<Content, GatehouseError>

        struct Content: Sendable {
            let token: PersonalAccessToken
            let unacknowledgedSince: Date?
            let checks: [PolicyCheck]
            let owner: User?
            let creator: User?
        }
    }

    mutating func load(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        let id = environment.nextRequestID()
        request = id
        let service = environment.service
        let actor = environment.actor
        let tokenID = token.id
        return [.run(Effect {
            Loaded(request: id, outcome: Result { () throws(GatehouseError) in
                let token = try service.token(tokenID, by: actor)
                let request = TokenRequest(displayName: token.displayName, ownerID: token.ownerID, target: token.target, scopes: token.scopes,
                                           expiration: .days(max(1, Int((token.lifespan / 86_400).rounded()))))
                let owner = try? service.user(token.ownerID, by: actor)
                let creator = token.createdByID == token.ownerID ? nil : try? service.user(token.createdByID, by: actor)
                return Loaded.Content(token: token, unacknowledgedSince: try? service.secretNeverAcknowledged(token),
                                      checks: (try? service.policyChecks(for: request, by: actor)) ?? [], owner: owner, creator: creator)
            })
        })]
    }

    mutating func refreshing(_ environment: ConsoleEnvironment) -> [ConsoleAction] { load(environment) }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case let .effect(value) = result else { return [] }
        guard let loaded = value as? Loaded else { return TokenActions.receive(value, environment) ?? [] }
        guard loaded.request == request else { return [] }
        request = nil
        hasLoaded = true
        switch loaded.outcome {
        case let .success(content):
            token = content.token
            unacknowledgedSince = content.unacknowledgedSince
            checks = content.checks
            owner = content.owner
            creator = content.creator
            loadError = nil
        case let .failure(error):
            loadError = error.description
        }
        return []
    }

    /// The detail's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<TokenDetail>] {
        // Until the owner is loaded, a dialog naming them waits for it (read as an effect).
        let owner: TokenActions.Owner = hasLoaded ? .known(self.owner) : .unknown
        return [
            KeyBinding([.character("e")], "e", "Edit", disabledReason: TokenActions.editRefusal(token)) { detail, _, environment in
                TokenActions.edit(detail.token, environment)
            },
            KeyBinding([.character("r")], "r", "Regenerate", disabledReason: TokenActions.regenerateRefusal(token)) { detail, _, environment in
                TokenActions.regenerate(detail.token, owner: owner, environment)
            },
            KeyBinding([.character("d"), .delete], "d", "Revoke", disabledReason: TokenActions.revokeRefusal(token)) { detail, _, environment in
                TokenActions.revoke(detail.token, owner: owner, environment)
            },
        ] + (maximumScroll(environment) == 0 ? [] : [
            // Only while the lines overflow the frame: an arrow that moves nothing is not offered.
            KeyBinding([.down, .up, .character("j"), .character("k")], "\u{2191}/\u{2193}", "Scroll") { detail, key, environment in
                let down = key == .down || key == .character("j")
                detail.scroll = min(max(0, detail.scroll + (down ? 1 : -1)), detail.maximumScroll(environment))
                return []
            },
        ])
    }

    /// How far the lines can scroll in the content area (inside the detail's frame).
    func maximumScroll(_ environment: ConsoleEnvironment) -> Int {
        max(0, lines(environment).count - max(0, environment.contentArea.height - 2))
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        handleBinding(key, environment)
    }

    func lines(_ environment: ConsoleEnvironment) -> [(String, String, Role)] {
        let now = environment.now
        let status = TokenPresentation.status(token, now: now)
        var rows: [(String, String, Role)] = [
            ("Name", token.displayName, .normal),
            ("Status", status.text + (token.revocation.map { ": \($0.reason), \(TextFormat.dateTime($0.at))" } ?? ""),
             status.role ?? (token.status(at: now) == .active ? .success : .normal)),
            ("Owner", owner.map { "\($0.displayName) (\($0.loginName), \($0.kind.title.lowercased()))\($0.isActive ? "" : " \u{2014} disabled: the token does not verify")" } ?? (hasLoaded ? "(deleted)" : "\u{2026}"),
             owner?.isActive == false ? .danger : .normal),
            ("Created by", creator.map { "\($0.loginName), on behalf of the owner" } ?? (hasLoaded || token.createdByID == token.ownerID ? "the owner" : "\u{2026}"), .normal),
            ("Organization", TokenPresentation.target(token, environment).text, token.target.isGlobal ? .warning : .normal),
            ("Handle", "\(token.handle)  (the secret itself is never shown again)", .normal),
            ("Authorization", token.id.description, .muted),
            ("Valid", "\(TextFormat.dateTime(token.validFrom)) \u{2192} \(TextFormat.dateTime(token.validTo)) (\(TokenPresentation.expiry(token, now: now).text))", .normal),
            ("Last used", token.lastUsedAt.map { "\(TextFormat.dateTime($0)) (\(TextFormat.relative($0, from: now)))" } ?? "never", .normal),
            ("Created", TextFormat.dateTime(token.createdAt) + (token.generation > 1 ? ", regenerated \(token.generation - 1)\u{00D7}" : ""), .muted),
        ]
        if let since = unacknowledgedSince {
            rows.insert(("Secret", "never acknowledged: the show-once screen closed without \u{201C}I have copied it\u{201D} (\(TextFormat.dateTime(since))); nobody may hold it. Regenerate (r) or revoke (d).", .danger), at: 2)
        }
        switch token.scopes {
        case .fullAccess:
            rows.append(("Scopes", "Full access \u{2020} (every scope, in every area)", .danger))
        case let .custom(identifiers):
            for (index, identifier) in identifiers.enumerated() {
                let entry = environment.catalog.lookup(identifier)
                let text = entry.map { "\($0.area.name): \($0.level.name) (\(identifier))\($0.level.isHighPrivilege ? " \u{2020} high privilege" : "")" } ?? identifier
                rows.append((index == 0 ? "Scopes" : "", text, entry?.level.isHighPrivilege == true ? .warning : .normal))
            }
        }
        let failing = checks.compactMap(\.violation)
        if token.status(at: now) == .active, hasLoaded {
            if failing.isEmpty {
                rows.append(("Policies", "complies with the current policies", .success))
            } else {
                for (index, violation) in failing.enumerated() {
                    rows.append((index == 0 ? "Policies" : "", "breaks \u{201C}\(violation.kind.title)\u{201D} of \(violation.organizationName) (made before the policy; not revoked)", .warning))
                }
            }
        }
        return rows
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: token.displayName, isFocused: true).render(into: &buffer, area: area, theme: theme)
        if let loadError {
            buffer.put(loadError, x: inner.x + 1, y: inner.y, style: theme[.errorText], maxWidth: inner.width - 2)
            return
        }
        let rows = lines(environment)
        let start = min(scroll, max(0, rows.count - inner.height))
        for (offset, row) in rows.dropFirst(start).prefix(inner.height).enumerated() {
            let y = inner.y + offset
            buffer.put(row.0, x: inner.x + 1, y: y, style: theme[.muted], maxWidth: 14)
            buffer.put(row.1, x: inner.x + 16, y: y, style: theme[row.2], maxWidth: max(0, inner.width - 17))
        }
    }
}

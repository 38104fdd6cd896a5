import Foundation
import GatehouseDomain
import TerminalKit

/// Everything about one token except its secret, which no screen can show again.
struct TokenDetail: ConsoleScreen {
    private var token: PersonalAccessToken
    private var checks: [PolicyCheck] = []
    private var loadError: String?
    private var scroll = 0
    /// When the current secret's show-once screen closed without acknowledgement.
    private var unacknowledgedSince: Date?

    init(token: PersonalAccessToken, _ environment: ConsoleEnvironment) {
        self.token = token
        refresh(environment)
    }

    var breadcrumb: String { token.displayName }
    var helpSummary: String { "The secret was shown once when the token was created or regenerated; only its SHA-256 digest is stored. Regenerate (r) issues a new secret with the same settings." }

    mutating func refresh(_ environment: ConsoleEnvironment) {
        do {
            token = try environment.service.token(token.id, by: environment.actor)
            unacknowledgedSince = try? environment.service.secretNeverAcknowledged(token)
            let request = TokenRequest(displayName: token.displayName, ownerID: token.ownerID, target: token.target, scopes: token.scopes,
                                       expiration: .days(max(1, Int((token.lifespan / 86_400).rounded()))))
            checks = (try? environment.service.policyChecks(for: request, by: environment.actor)) ?? []
            loadError = nil
        } catch {
            loadError = error.description
        }
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] {
        let revoked = token.revocation != nil ? "This token is revoked." : nil
        return [ScreenKey("e", "Edit", disabledReason: revoked), ScreenKey("r", "Regenerate", disabledReason: revoked),
                ScreenKey("d", "Revoke", disabledReason: revoked), ScreenKey("↑/↓", "Scroll")]
    }

    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        switch key {
        case .character("e"): return TokenActions.edit(token, environment)
        case .character("r"): return TokenActions.regenerate(token, environment)
        case .character("d"), .delete: return TokenActions.revoke(token, environment)
        case .down, .character("j"):
            scroll += 1
            return []
        case .up, .character("k"):
            scroll = max(0, scroll - 1)
            return []
        default: return nil
        }
    }

    func lines(_ environment: ConsoleEnvironment) -> [(String, String, Role)] {
        let now = environment.now
        let owner = environment.user(token.ownerID)
        let creator = token.createdByID == token.ownerID ? nil : environment.user(token.createdByID)
        let status = TokenPresentation.status(token, now: now)
        var rows: [(String, String, Role)] = [
            ("Name", token.displayName, .normal),
            ("Status", status.text + (token.revocation.map { ": \($0.reason), \(TextFormat.dateTime($0.at))" } ?? ""),
             status.role ?? (token.status(at: now) == .active ? .success : .normal)),
            ("Owner", owner.map { "\($0.displayName) (\($0.loginName), \($0.kind.title.lowercased()))\($0.isActive ? "" : " \u{2014} disabled: the token does not verify")" } ?? "(deleted)",
             owner?.isActive == false ? .danger : .normal),
            ("Created by", creator.map { "\($0.loginName), on behalf of the owner" } ?? "the owner", .normal),
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
        if token.status(at: now) == .active {
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

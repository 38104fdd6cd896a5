import Foundation
import GatehouseDomain
import TerminalKit

/// How tokens read in lists and details: relative expiry, status colors, scope summaries.
enum TokenPresentation {
    /// When a token stops working, written the same way wherever it is shown (the wizard's
    /// Review, the show-once screen): a custom date is valid through that whole day (UTC), so it
    /// reads "through 2026-03-31 (until 2026-04-01 00:00 UTC)"; a lifespan in days reads as the moment.
    static func validUntil(_ validTo: Date) -> String {
        let seconds = validTo.timeIntervalSince1970
        guard seconds.isFinite, seconds.truncatingRemainder(dividingBy: 86_400) == 0 else { return TextFormat.dateTime(validTo) }
        return "through \(TextFormat.date(validTo.addingTimeInterval(-86_400))) (until \(TextFormat.dateTime(validTo)))"
    }

    /// Color marks what needs attention (expiring, revoked; expired is muted), not the usual
    /// "Active": fewer color runs per row, so moving the selection writes fewer bytes.
    static func status(_ token: PersonalAccessToken, now: Date) -> CellText {
        switch token.status(at: now) {
        case .active:
            return token.validTo.timeIntervalSince(now) < 7 * 86_400 ? CellText("Expiring", .warning) : CellText("Active")
        case .expired: return CellText("Expired", .muted)
        case .revoked: return CellText("Revoked", .danger)
        }
    }

    /// "in 5 days", "expired 3 days ago", "revoked".
    static func expiry(_ token: PersonalAccessToken, now: Date) -> CellText {
        if token.revocation != nil { return CellText("revoked", .muted) }
        let relative = TextFormat.relative(token.validTo, from: now)
        if token.validTo <= now { return CellText("expired \(relative)", .muted) }
        return CellText(relative, token.validTo.timeIntervalSince(now) < 7 * 86_400 ? .warning : nil)
    }

    static func lastUsed(_ token: PersonalAccessToken, now: Date) -> CellText {
        guard let used = token.lastUsedAt else { return CellText("never", .muted) }
        return CellText(TextFormat.relative(used, from: now))
    }

    /// "Full access †", or the areas: "Code, Build †".
    static func scopes(_ token: PersonalAccessToken, catalog: ScopeCatalog) -> CellText {
        switch token.scopes {
        case .fullAccess:
            return CellText("Full access \u{2020}", .danger)
        case let .custom(identifiers):
            let areas = identifiers.compactMap(catalog.areaName(of:))
            let text = areas.joined(separator: ", ") + (token.isHighPrivilege ? " \u{2020}" : "")
            return CellText(text, token.isHighPrivilege ? .warning : nil)
        }
    }

    static func target(_ token: PersonalAccessToken, _ environment: ConsoleEnvironment) -> CellText {
        switch token.target {
        case let .organization(id): CellText(environment.organizationName(id))
        case .allAccessibleOrganizations: CellText("All orgs (global)", .warning)
        }
    }
}

import Foundation
import GatehouseDomain

/// The Tokens pane's quick filters; ticked together they form the admin risk view.
enum TokenRisk: String, CaseIterable {
    case active, expiringSoon = "expiring", expired, revoked, fullAccess = "full", highPrivilege = "high", global
    case neverUsed = "never-used", unused90 = "unused-90", disabledOwner = "disabled-owner", nonCompliant = "non-compliant"
    case unacknowledged = "unacknowledged"

    var label: String {
        switch self {
        case .active: "Active"
        case .expiringSoon: "Expiring within 7 days"
        case .expired: "Expired"
        case .revoked: "Revoked"
        case .fullAccess: "Full access"
        case .highPrivilege: "High-privilege scopes (\u{2020})"
        case .global: "Global (all organizations)"
        case .neverUsed: "Never used"
        case .unused90: "Unused for 90 days"
        case .disabledOwner: "Owner disabled"
        case .nonCompliant: "Breaks current policy"
        case .unacknowledged: "Secret never acknowledged"
        }
    }

    var group: String {
        switch self {
        case .active, .expired, .revoked: "Status (any of)"
        default: "Risk (all of)"
        }
    }

    var shortLabel: String {
        switch self {
        case .expiringSoon: "expiring ≤7d"
        case .highPrivilege: "high-privilege"
        case .neverUsed: "never used"
        case .unused90: "unused 90d"
        case .disabledOwner: "owner disabled"
        case .nonCompliant: "non-compliant"
        case .fullAccess: "full access"
        case .unacknowledged: "never acknowledged"
        default: rawValue
        }
    }

    static let options = allCases.map { QuickFilterOption(id: $0.rawValue, label: $0.label, group: $0.group) }

    /// Applies the ticked filters to a query. Statuses combine with OR; the rest with AND.
    static func apply(_ risks: Set<TokenRisk>, to query: inout TokenQuery, rules: () -> [NonComplianceRule]) {
        query.statuses = Set(risks.compactMap { risk -> TokenStatus? in
            switch risk {
            case .active: .active
            case .expired: .expired
            case .revoked: .revoked
            default: nil
            }
        })
        query.expiringWithin = risks.contains(.expiringSoon) ? 7 * 86_400 : nil
        query.fullAccessOnly = risks.contains(.fullAccess)
        query.highPrivilegeOnly = risks.contains(.highPrivilege)
        query.globalOnly = risks.contains(.global)
        query.neverUsedOnly = risks.contains(.neverUsed)
        query.unusedFor = risks.contains(.unused90) ? 90 * 86_400 : nil
        query.disabledOwnerOnly = risks.contains(.disabledOwner)
        query.secretNeverAcknowledgedOnly = risks.contains(.unacknowledged)
        query.nonCompliantWith = risks.contains(.nonCompliant) ? rules() : nil
    }
}

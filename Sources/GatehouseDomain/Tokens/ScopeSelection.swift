import Foundation

/// What a token may do: everything, or a custom set with at most one level per area.
public enum ScopeSelection: Hashable, Sendable {
    case fullAccess
    /// Catalog identifiers, in catalog order (e.g. `vso.code_write`, `vso.build`).
    case custom([String])

    /// Validates identifiers against the catalog: unknown ids and two levels of one area are refused.
    public static func custom(
        _ identifiers: [String], catalog: ScopeCatalog
    ) throws(GatehouseError) -> ScopeSelection {
        let trimmed = identifiers.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if trimmed.contains(ScopeCatalog.fullAccessIdentifier) {
            guard trimmed.count == 1 else {
                throw .invalidInput(field: "Scopes", problem: "Full access (app_token) already includes every scope; choose it alone or pick custom scopes.")
            }
            return .fullAccess
        }
        guard !trimmed.isEmpty else {
            throw .invalidInput(field: "Scopes", problem: "choose Full access or at least one scope.")
        }
        let unknown = trimmed.filter { catalog.lookup($0) == nil }
        guard unknown.isEmpty else {
            throw .invalidInput(field: "Scopes", problem: "unknown scope \(unknown.map { "\u{201C}\($0)\u{201D}" }.joined(separator: ", ")). Scope identifiers look like vso.code_write; list them with `gatehouse tokens scopes`.")
        }
        var areaOfLevel: [String: String] = [:]
        for identifier in Set(trimmed) {
            guard let area = catalog.lookup(identifier)?.area.name else { continue }
            if let other = areaOfLevel[area] {
                let pair = [other, identifier].sorted().joined(separator: " and ")
                throw .invalidInput(field: "Scopes", problem: "\(pair) are two levels of \(area); keep one level per area (higher levels include the lower ones).")
            }
            areaOfLevel[area] = identifier
        }
        return .custom(catalog.sortedByCatalog(Set(trimmed)))
    }

    public var isFullAccess: Bool { self == .fullAccess }

    public var identifiers: [String] {
        switch self {
        case .fullAccess: [ScopeCatalog.fullAccessIdentifier]
        case let .custom(identifiers): identifiers
        }
    }

    /// True for full access or any † level.
    public func isHighPrivilege(in catalog: ScopeCatalog) -> Bool {
        switch self {
        case .fullAccess: true
        case let .custom(identifiers): identifiers.contains { catalog.lookup($0)?.level.isHighPrivilege == true }
        }
    }

    /// Only packaging scopes (`vso.packaging`, `_write`, `_manage`): what "Restrict token creation
    /// (packaging only)" still allows. Stored with the token so the policy is an indexed query.
    public var isPackagingOnly: Bool {
        switch self {
        case .fullAccess: false
        case let .custom(identifiers): identifiers.allSatisfy { $0 == "vso.packaging" || $0.hasPrefix("vso.packaging_") }
        }
    }

    /// "Full access", or "Code: Read & write†, Build: Read".
    public func summary(in catalog: ScopeCatalog) -> String {
        switch self {
        case .fullAccess:
            return "Full access"
        case let .custom(identifiers):
            return identifiers.map { identifier in
                guard let (area, level) = catalog.lookup(identifier) else { return identifier }
                return "\(area.name): \(level.name)\(level.isHighPrivilege ? "\u{2020}" : "")"
            }.joined(separator: ", ")
        }
    }

    /// The stored form: "app_token" or space-separated identifiers.
    public var storageText: String { identifiers.joined(separator: " ") }

    public init(storageText: String) {
        let parts = storageText.split(separator: " ").map(String.init)
        self = parts == [ScopeCatalog.fullAccessIdentifier] ? .fullAccess : .custom(parts)
    }
}

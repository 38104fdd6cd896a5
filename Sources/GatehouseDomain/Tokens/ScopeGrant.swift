/// Which scopes a selection grants: Full access grants every scope; within an area a level grants
/// itself and the levels before it (read ⊂ write ⊂ manage), so `vso.code_write` grants `vso.code`
/// but not `vso.code_manage`, and nothing in one area grants anything in another.
extension ScopeCatalog {
    /// Whether holding `held` grants `wanted`. Unknown identifiers grant and are granted nothing.
    public func level(_ held: String, grants wanted: String) -> Bool {
        guard let have = lookup(held), let want = lookup(wanted), have.area.name == want.area.name,
              let heldPosition = have.area.levels.firstIndex(of: have.level),
              let wantedPosition = want.area.levels.firstIndex(of: want.level) else { return false }
        return heldPosition >= wantedPosition
    }
}

extension ScopeSelection {
    /// Whether this selection grants `identifier` (a catalog identifier, or `app_token` for Full access).
    public func grants(_ identifier: String, in catalog: ScopeCatalog) -> Bool {
        switch self {
        case .fullAccess:
            return identifier == ScopeCatalog.fullAccessIdentifier || catalog.lookup(identifier) != nil
        case let .custom(held):
            return held.contains { catalog.level($0, grants: identifier) }
        }
    }

    /// The first of `identifiers` this selection does not grant, or nil when it grants them all.
    public func firstMissing(of identifiers: [String], in catalog: ScopeCatalog) -> String? {
        identifiers.first { !grants($0, in: catalog) }
    }
}

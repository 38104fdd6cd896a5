import Foundation

extension AccessService {
    /// The audit log, newest first: the events that affect an organization where the actor holds
    /// "View audit log" (and no others).
    public func auditEvents(_ query: AuditQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<AuditEvent> {
        try read { reader in try reader.auditEvents(try visibleQuery(query, actor, reader), page: page) }
    }

    public func count(_ query: AuditQuery, by actor: Actor) throws(GatehouseError) -> Int {
        try read { reader in try reader.count(try visibleQuery(query, actor, reader)) }
    }

    /// For a list's counter: exact where cheap, else counted up to `cap` (see `ListCount`).
    public func count(_ query: AuditQuery, cap: Int, by actor: Actor) throws(GatehouseError) -> ListCount {
        try read { reader in try reader.count(try visibleQuery(query, actor, reader), cap: cap) }
    }

    private func visibleQuery(_ query: AuditQuery, _ actor: Actor, _ reader: any DirectoryReader) throws -> AuditQuery {
        let authorization = try authorize(actor, reader)
        let auditable = authorization.organizations(holding: .viewAuditLog)
        guard !auditable.isEmpty else {
            try authorization.requireInAny(.viewAuditLog, of: authorization.memberships, to: "read the audit log", reader)
            return query
        }
        var query = query
        query.visibleOrganizations = authorization.filter(for: auditable)
        return query
    }
}

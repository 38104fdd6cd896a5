import Foundation

extension AccessService {
    /// The audit log, newest first. Needs "View audit log" in at least one organization.
    public func auditEvents(_ query: AuditQuery, page: PageRequest = .first(), by actor: Actor) throws(GatehouseError) -> Page<AuditEvent> {
        try read { reader in
            try requireAuditAccess(actor, reader)
            return try reader.auditEvents(query, page: page)
        }
    }

    public func count(_ query: AuditQuery, by actor: Actor) throws(GatehouseError) -> Int {
        try read { reader in
            try requireAuditAccess(actor, reader)
            return try reader.count(query)
        }
    }

    /// For a list's counter: exact where cheap, else counted up to `cap` (see `ListCount`).
    public func count(_ query: AuditQuery, cap: Int, by actor: Actor) throws(GatehouseError) -> ListCount {
        try read { reader in
            try requireAuditAccess(actor, reader)
            return try reader.count(query, cap: cap)
        }
    }

    private func requireAuditAccess(_ actor: Actor, _ reader: any DirectoryReader) throws {
        try requireInAny(.viewAuditLog, of: reader.organizationIDs(ofUser: actor.user.id), actor: actor.user, to: "read the audit log", reader)
    }
}

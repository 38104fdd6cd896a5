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

    private func requireAuditAccess(_ actor: Actor, _ reader: any DirectoryReader) throws {
        try requireInAny(.viewAuditLog, of: reader.organizationIDs(ofUser: actor.user.id), actor: actor.user, to: "read the audit log", reader)
    }
}

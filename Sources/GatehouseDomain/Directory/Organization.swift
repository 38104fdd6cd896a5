import Foundation

/// A deployment holds one or more organizations; users, groups and policies belong to them.
public struct Organization: Hashable, Sendable, Identifiable {
    public let id: OrganizationID
    public var name: String
    public let createdAt: Date

    public init(id: OrganizationID = OrganizationID(), name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

import Foundation

/// A typed UUID: a `UserID` cannot be passed where a `GroupID` is expected.
/// UUIDs (not row numbers) so that several hosts sharing one directory never collide
/// and audit entries keep pointing at the right object.
public struct Identifier<Entity>: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID = UUID()) { self.uuid = uuid }

    public init?(string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.uuid = uuid
    }

    public var description: String { uuid.uuidString.lowercased() }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.uuid.uuidString < rhs.uuid.uuidString
    }
}

public typealias OrganizationID = Identifier<Organization>
public typealias UserID = Identifier<User>
public typealias GroupID = Identifier<SecurityGroup>
public typealias TokenID = Identifier<PersonalAccessToken>
public typealias SSHKeyID = Identifier<RegisteredSSHKey>

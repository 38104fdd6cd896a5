import Foundation
import GatehouseDomain

/// Graph's subjects in Azure DevOps' JSON shape (`GraphUser`, `GraphGroup`, `GraphMembership`).
struct GraphLink: Encodable, Sendable { let href: String }

struct GraphUserBody: Encodable, Sendable {
    let subjectKind = "user"
    let metaType = "member"
    let domain: String
    let principalName: String
    let mailAddress: String
    let origin: String
    let originId: String
    let displayName: String
    let directoryAlias: String
    let isDeletedInOrigin = false
    let url: String
    let descriptor: String
    let _links: [String: GraphLink]

    init(_ user: User, organizationURL: String) {
        descriptor = SubjectDescriptor.of(user)
        (origin, domain) = switch user.identitySource {
        case .entraID: ("aad", "Microsoft Entra ID")
        case .microsoftAccount: ("msa", "Windows Live ID")
        case .activeDirectory: ("ad", "Active Directory")
        case .local: ("vsts", "Gatehouse")
        }
        principalName = user.email.isEmpty ? user.loginName : user.email
        mailAddress = user.email
        originId = user.id.description
        displayName = user.displayName
        directoryAlias = user.loginName
        url = "\(organizationURL)/_apis/graph/users/\(descriptor)"
        _links = GraphLinks.subject(descriptor, url: url, organizationURL: organizationURL)
    }
}

struct GraphGroupBody: Encodable, Sendable {
    let subjectKind = "group"
    let description: String
    let domain: String
    let principalName: String
    let origin = "vsts"
    let originId: String
    let displayName: String
    let url: String
    let descriptor: String
    let isCrossProject = false
    let scopeName: String
    let _links: [String: GraphLink]

    init(_ group: SecurityGroup, organization: Organization, organizationURL: String) {
        descriptor = SubjectDescriptor.of(group.id)
        description = group.description
        domain = "vstfs:///Framework/IdentityDomain/\(organization.id.description)"
        principalName = "[\(organization.name)]\\\(group.name)"
        originId = group.id.description
        displayName = group.name
        scopeName = organization.name
        url = "\(organizationURL)/_apis/graph/groups/\(descriptor)"
        _links = GraphLinks.subject(descriptor, url: url, organizationURL: organizationURL)
    }
}

struct GraphMembershipBody: Encodable, Sendable {
    let containerDescriptor: String
    let memberDescriptor: String
    let _links: [String: GraphLink]

    init(member: String, container: String, organizationURL: String) {
        memberDescriptor = member
        containerDescriptor = container
        _links = [
            "self": GraphLink(href: "\(organizationURL)/_apis/graph/memberships/\(member)/\(container)"),
            "member": GraphLink(href: "\(organizationURL)/_apis/graph/subjects/\(member)"),
            "container": GraphLink(href: "\(organizationURL)/_apis/graph/groups/\(container)"),
        ]
    }
}

/// `{"value": "...", "_links": …}`: a descriptor or a storage key looked up.
struct GraphValueBody: Encodable, Sendable {
    let value: String
    let _links: [String: GraphLink]
}

enum GraphLinks {
    static func subject(_ descriptor: String, url: String, organizationURL: String) -> [String: GraphLink] {
        [
            "self": GraphLink(href: url),
            "memberships": GraphLink(href: "\(organizationURL)/_apis/graph/Memberships/\(descriptor)"),
            "storageKey": GraphLink(href: "\(organizationURL)/_apis/graph/storagekeys/\(descriptor)"),
        ]
    }
}

import Foundation

/// The resources Azure DevOps' clients find through location discovery (`OPTIONS {org}/_apis`):
/// each with the id the SDK looks it up by, its area, its route template (relative to the
/// organization's URL) and the versions it answers. The ids are the SDK's own.
struct ResourceLocation: Encodable, Sendable {
    let id: String
    let area: String
    let resourceName: String
    let routeTemplate: String
    let resourceVersion: Int
    let minVersion: Double
    let maxVersion: Double
    /// "0.0": the resource is in preview, so a request must say `-preview`.
    let releasedVersion: String

    init(_ id: String, _ area: String, _ resourceName: String, _ routeTemplate: String) {
        self.id = id
        self.area = area
        self.resourceName = resourceName
        self.routeTemplate = routeTemplate
        resourceVersion = 1
        minVersion = 1.0
        maxVersion = APIVersion.newest
        releasedVersion = "0.0"
    }

    static let connectionData = ResourceLocation("00d9565f-ed9c-4a06-9a50-00e7896ccab4", "Location", "ConnectionData", "_apis/connectionData")
    static let resourceAreas = ResourceLocation("e81700f7-3be2-46de-8624-2eb35882fcaa", "Location", "ResourceAreas", "_apis/resourceAreas/{areaId}")
    static let users = ResourceLocation("005e26ec-6b77-4e4f-a986-b3827bf241f5", "Graph", "Users", "_apis/graph/users/{userDescriptor}")
    static let groups = ResourceLocation("ebbe6af8-0b91-4c13-8cf1-777c14858188", "Graph", "Groups", "_apis/graph/groups/{groupDescriptor}")
    static let membership = ResourceLocation("3fd2e6ca-fb30-443a-b579-95b19ed0934c", "Graph", "Memberships",
                                             "_apis/graph/memberships/{subjectDescriptor}/{containerDescriptor}")
    static let membershipList = ResourceLocation("e34b6394-6b30-4435-94a9-409a5eef3e31", "Graph", "Memberships", "_apis/graph/Memberships/{subjectDescriptor}")
    static let descriptors = ResourceLocation("048aee0a-7072-4cde-ab73-7af77b1e0b4e", "Graph", "Descriptors", "_apis/graph/descriptors/{storageKey}")
    static let storageKeys = ResourceLocation("eb85f8cc-f0f6-4264-a5b1-ffe2e4d4801f", "Graph", "StorageKeys", "_apis/graph/storagekeys/{subjectDescriptor}")
    static let personalAccessTokens = ResourceLocation("af68438b-ed04-4407-9eb6-f1dbae3f922e", "TokenAdmin", "PersonalAccessTokens",
                                                       "_apis/tokenadmin/personalaccesstokens/{subjectDescriptor}")
    static let revocations = ResourceLocation("a9c08b2c-5466-4e22-8626-1ff304ffdf0f", "TokenAdmin", "Revocations", "_apis/tokenadmin/revocations")
    /// PAT Lifecycle Management (no SDK client: plain HTTP). Its id is Gatehouse's own.
    static let pats = ResourceLocation("55967393-20ef-45c1-b684-6ac0d3ca7ba2", "Tokens", "Pats", "_apis/tokens/pats")

    static let all: [ResourceLocation] = [connectionData, resourceAreas, users, groups, membership, membershipList,
                                          descriptors, storageKeys, personalAccessTokens, revocations, pats]
}

/// A resource area (`GET {org}/_apis/resourceAreas`): the SDK asks where each client's area lives.
/// Every area Gatehouse answers lives at the organization's own URL.
struct ResourceArea: Encodable, Sendable {
    let id: String
    let name: String
    let locationUrl: String

    static let areas: [(id: String, name: String)] = [
        ("bb1e7ec9-e901-4b68-999a-de7012b920f8", "Graph"),
        ("af68438b-ed04-4407-9eb6-f1dbae3f922e", "TokenAdmin"),
        ("00d9565f-ed9c-4a06-9a50-00e7896ccab4", "Location"),
    ]
}

/// An Azure DevOps `api-version` (`7.1-preview.1`, `7.1`, `6.0-preview`), from the query or the
/// Accept header's `api-version` parameter, checked as Azure DevOps checks it.
struct APIVersion: Equatable {
    static let newest = 7.1
    let number: Double
    let isPreview: Bool

    /// nil when the text is not a version.
    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, first.utf8.count <= 8, first.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              first.filter({ $0 == "." }).count <= 1, let number = Double(first), number.isFinite else { return nil }
        if parts.count == 2 {
            let preview = parts[1].lowercased()
            guard preview == "preview" || (preview.hasPrefix("preview.") && Int(preview.dropFirst(8)).map { (1...99).contains($0) } == true) else { return nil }
        }
        self.number = number
        self.isPreview = parts.count == 2
    }

    /// The version a request asks for: the query's `api-version`, else the Accept header's.
    static func requested(query: String?, accept: String?) -> String? {
        if let query, !query.isEmpty { return query }
        guard let accept else { return nil }
        for parameter in accept.split(whereSeparator: { $0 == ";" || $0 == "," }) {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "api-version" {
                return pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The refusal for a version this server does not answer, or nil. No version at all is taken
    /// as the newest (curl users forget it; the SDK always sends one).
    static func problem(with text: String?, for location: ResourceLocation) -> AzureDevOpsError? {
        guard let text else { return nil }
        let shown = Responses.headerSafe(String(text.prefix(40)))
        guard let version = APIVersion(text) else {
            return .badRequest("The api-version \u{201C}\(shown)\u{201D} is not a version; write, for example, api-version=7.1-preview.1.",
                               typeKey: "VssInvalidApiVersionException")
        }
        guard version.number >= location.minVersion, version.number <= location.maxVersion else {
            return .badRequest("The requested REST API version of \(shown) is out of range for this server. The latest REST API version this server supports is \(newest).",
                               typeKey: "VssVersionOutOfRangeException")
        }
        if !version.isPreview, let released = Double(location.releasedVersion), version.number > released {
            return .badRequest("The requested version \u{201C}\(shown)\u{201D} of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: \u{201C}\(shown)-preview\u{201D}.",
                               typeKey: "VssInvalidPreviewVersionException")
        }
        return nil
    }
}

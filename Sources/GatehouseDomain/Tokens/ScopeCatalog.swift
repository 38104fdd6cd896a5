import Foundation

/// One level of one scope area, e.g. Code › Read & write (`vso.code_write`, high-privilege).
public struct ScopeLevel: Hashable, Sendable, Codable {
    public let name: String
    public let identifier: String
    /// † in SCOPES.md: warned about in the wizard and listed in the risk view.
    public let isHighPrivilege: Bool

    enum CodingKeys: String, CodingKey {
        case name, identifier = "id", isHighPrivilege = "highPrivilege"
    }

    public init(name: String, identifier: String, isHighPrivilege: Bool) {
        self.name = name
        self.identifier = identifier
        self.isHighPrivilege = isHighPrivilege
    }
}

/// An area of the catalog; its levels are ordered, each including the ones before it.
public struct ScopeArea: Hashable, Sendable, Codable {
    public let name: String
    public let levels: [ScopeLevel]

    enum CodingKeys: String, CodingKey { case name = "area", levels }

    public init(name: String, levels: [ScopeLevel]) {
        self.name = name
        self.levels = levels
    }
}

/// The Azure DevOps scope catalog, loaded from `Resources/scopes.json`.
public struct ScopeCatalog: Sendable {
    public static let fullAccessIdentifier = "app_token"
    public let areas: [ScopeArea]
    private let index: [String: (area: Int, level: Int)]

    public init(areas: [ScopeArea]) throws(GatehouseError) {
        var index: [String: (area: Int, level: Int)] = [:]
        for (areaIndex, area) in areas.enumerated() {
            guard !area.levels.isEmpty else {
                throw .storage("the scope catalog's area \(area.name) has no levels")
            }
            for (levelIndex, level) in area.levels.enumerated() {
                guard index[level.identifier] == nil, level.identifier != Self.fullAccessIdentifier else {
                    throw .storage("the scope catalog lists \(level.identifier) twice")
                }
                index[level.identifier] = (areaIndex, levelIndex)
            }
        }
        self.areas = areas
        self.index = index
    }

    /// Decodes the JSON document kept in `Resources/scopes.json`.
    public init(json: Data) throws(GatehouseError) {
        struct Document: Decodable { let areas: [ScopeArea] }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch {
            throw .storage("the scope catalog is not valid JSON (\(error))")
        }
        try self.init(areas: document.areas)
    }

    public func lookup(_ identifier: String) -> (area: ScopeArea, level: ScopeLevel)? {
        guard let position = index[identifier] else { return nil }
        let area = areas[position.area]
        return (area, area.levels[position.level])
    }

    /// The name of the area a scope belongs to (what a list row shows), without copying the area.
    public func areaName(of identifier: String) -> String? {
        index[identifier].map { areas[$0.area].name }
    }

    /// The identifiers in catalog order, so a stored selection always reads the same way.
    func sortedByCatalog(_ identifiers: some Sequence<String>) -> [String] {
        identifiers.sorted { (index[$0]?.area ?? .max, index[$0]?.level ?? .max) < (index[$1]?.area ?? .max, index[$1]?.level ?? .max) }
    }

    public var allIdentifiers: [String] { areas.flatMap { $0.levels.map(\.identifier) } }
}

/// Effective permissions: Deny anywhere wins, else Allow anywhere, else denied;
/// settings are inherited through nested groups.
public struct PermissionEvaluator: Sendable {
    /// Every group the user reaches in one organization, each with the shortest chain that reaches it.
    public let reachedGroups: [GroupPath]
    /// The explicit settings of those groups (absent = Not set).
    public let settings: [GroupID: [Permission: PermissionSetting]]

    public init(reachedGroups: [GroupPath], settings: [GroupID: [Permission: PermissionSetting]]) {
        self.reachedGroups = reachedGroups
        self.settings = settings
    }

    public func decide(_ permission: Permission) -> PermissionDecision {
        var firstAllow: GroupPath?
        // reachedGroups is in breadth-first order, so the first hit is the closest group.
        for reached in reachedGroups {
            switch settings[reached.group.id]?[permission] ?? .notSet {
            case .deny:
                return PermissionDecision(permission: permission, source: .denied(by: reached))
            case .allow where firstAllow == nil:
                firstAllow = reached
            default:
                break
            }
        }
        if let firstAllow {
            return PermissionDecision(permission: permission, source: .allowed(by: firstAllow))
        }
        return PermissionDecision(permission: permission, source: .notSet)
    }

    public func decideAll() -> [PermissionDecision] {
        Permission.allCases.map(decide)
    }

    /// Walks membership upward breadth-first from a member, recording the shortest chain to each group.
    /// `parents` answers "which groups directly contain this member"; it is called once per group reached.
    public static func reachableGroups(
        from member: GroupMember,
        parents: (GroupMember) throws -> [SecurityGroup]
    ) rethrows -> [GroupPath] {
        var result: [GroupPath] = []
        var seen: Set<GroupID> = []
        var frontier: [(GroupMember, [GroupReference])] = [(member, [])]
        while !frontier.isEmpty {
            var next: [(GroupMember, [GroupReference])] = []
            for (current, chain) in frontier {
                for parent in try parents(current).sorted(by: { $0.name < $1.name }) where !seen.contains(parent.id) {
                    seen.insert(parent.id)
                    let path = chain + [GroupReference(parent)]
                    result.append(GroupPath(path))
                    next.append((.group(parent.id), path))
                }
            }
            frontier = next
        }
        return result
    }
}

/// Every failure a front end can show. Each message says what went wrong and what to do next;
/// none ever contains a token secret (the secret type cannot be interpolated into text).
public enum GatehouseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field failed validation. `field` is the user-visible label ("Name", "Expiration").
    case invalidInput(field: String, problem: String)
    case notFound(kind: ObjectKind, reference: String)
    case alreadyExists(kind: ObjectKind, name: String)
    /// Optimistic concurrency: the object changed since the caller read it.
    case staleVersion(kind: ObjectKind, name: String)
    case permissionDenied(PermissionDenial)
    case policyViolation(PolicyViolation)
    case membershipCycle(path: [String])
    /// A rule of the domain forbids the change (e.g. deleting a default group).
    case notAllowed(String)
    case verificationFailed(VerificationFailure)
    /// The store failed for a reason outside the caller's control (disk full, locked file...).
    case storage(String)
    /// Another change saved at the same moment took the unique value this one wanted (a login, a
    /// group or token name): the store's own unique rule refused it. `field` is the user's word.
    case duplicate(kind: ObjectKind, field: String)
    /// Changes made at the same moment kept colliding with this one; it was retried `attempts`
    /// times (each as if alone) and then given up. Nothing was changed.
    case busy(attempts: Int)
    /// The directory database cannot be reached (`host` is where it was looked for; never a password).
    case unavailable(host: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidInput(field, problem):
            return "\(field): \(problem)"
        case let .notFound(kind, reference):
            return "No \(kind.noun) matches \u{201C}\(reference)\u{201D}. Check the spelling, or list \(kind.plural) to find it."
        case let .alreadyExists(kind, name):
            return "\(kind.article.capitalized) \(kind.noun) named \u{201C}\(name)\u{201D} already exists. Choose another name."
        case let .staleVersion(kind, name):
            return "The \(kind.noun) \u{201C}\(name)\u{201D} was changed by someone else since you opened it. Reload it and make your change again."
        case let .permissionDenied(denial):
            return denial.description
        case let .policyViolation(violation):
            return violation.description
        case let .membershipCycle(path):
            return "That membership would make a cycle: \(path.joined(separator: " \u{2192} ")). A group cannot contain itself, directly or through other groups."
        case let .notAllowed(reason):
            return reason
        case let .verificationFailed(failure):
            return failure.description
        case let .storage(detail):
            return "The directory database could not complete the change: \(detail). Nothing was changed."
        case let .duplicate(kind, field):
            return "Another \(kind.noun) with the same \(field) was saved at the same moment. Nothing was changed; reload and choose another \(field)."
        case let .busy(attempts):
            return "The directory was busy with other changes to the same objects; this change was tried \(attempts) time\(attempts == 1 ? "" : "s") and nothing was changed. Try again."
        case let .unavailable(host, detail):
            return "The directory database at \(host) cannot be reached (\(detail)). Nothing was changed. Check that it is running and reachable from here, then try again."
        }
    }

    /// A coarse class of the error, stable for scripts (the CLI maps it to exit statuses).
    public var category: Category {
        switch self {
        case .invalidInput, .policyViolation, .membershipCycle, .notAllowed: .invalid
        case .notFound: .notFound
        case .alreadyExists, .staleVersion, .duplicate, .busy: .conflict
        case .permissionDenied: .permissionDenied
        case .verificationFailed: .verificationFailed
        case .storage: .storage
        case .unavailable: .unavailable
        }
    }

    public enum Category: String, Sendable {
        case invalid, notFound, conflict, permissionDenied, verificationFailed, storage
        /// The database cannot be reached: worth retrying later, unlike `storage`.
        case unavailable
    }
}

/// The kinds of objects users talk about, with the words used in messages.
public enum ObjectKind: String, Sendable, CaseIterable {
    case organization, user, group, token, sshKey, policy, auditEvent

    public var noun: String {
        switch self {
        case .organization: "organization"
        case .user: "user"
        case .group: "security group"
        case .token: "personal access token"
        case .sshKey: "SSH key"
        case .policy: "policy"
        case .auditEvent: "audit event"
        }
    }

    /// "a" or "an", as the noun wants.
    public var article: String {
        switch self {
        case .organization: "an"
        default: "a"
        }
    }

    public var plural: String {
        switch self {
        case .organization: "organizations"
        case .user: "users"
        case .group: "security groups"
        case .token: "personal access tokens"
        case .sshKey: "SSH keys"
        case .policy: "policies"
        case .auditEvent: "audit events"
        }
    }
}

/// Why the acting user may not do something: the permission, where, and what the evaluation found.
public struct PermissionDenial: Equatable, Sendable, CustomStringConvertible {
    public let action: String
    public let permission: Permission
    public let organizationName: String?
    public let decision: PermissionDecision?

    public init(action: String, permission: Permission, organizationName: String?, decision: PermissionDecision?) {
        self.action = action
        self.permission = permission
        self.organizationName = organizationName
        self.decision = decision
    }

    public var description: String {
        let place = organizationName.map { " in \($0)" } ?? ""
        let why = decision.map { " (\($0.reasonText))" } ?? ""
        return "You may not \(action): it needs the \u{201C}\(permission.title)\u{201D} permission\(place)\(why). Ask a Project Collection Administrator to grant it."
    }
}

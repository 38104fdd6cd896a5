import Foundation
import GatehouseDomain

/// The JSON the CLI prints. Stable: keys are only ever added, never renamed or removed; every key is
/// always present (`null` when empty); enumerations are the lower-case keywords the options accept;
/// dates are ISO-8601 UTC ("2026-03-02T12:00:00Z").
enum JSONShapes {
    /// `{"id", "name", "createdAt"}`
    static func organization(_ organization: Organization) -> JSONValue {
        .object(["id": .string(organization.id.description), "name": .string(organization.name),
                 "createdAt": .date(organization.createdAt)])
    }

    /// `{"id", "login", "displayName", "email", "kind", "identitySource", "accessLevel", "status", "createdAt", "version"}`
    /// kind: user | service-account | service-principal | job-agent | third-party-app;
    /// identitySource: entra-id | microsoft-account | active-directory | local;
    /// accessLevel: stakeholder | basic | basic-test-plans; status: active | disabled.
    static func user(_ user: User) -> JSONValue {
        .object([
            "id": .string(user.id.description), "login": .string(user.loginName), "displayName": .string(user.displayName),
            "email": .string(user.email), "kind": .string(user.kind.rawValue), "identitySource": .string(user.identitySource.rawValue),
            "accessLevel": .string(user.accessLevel.rawValue), "status": .string(user.status.rawValue),
            "createdAt": .date(user.createdAt), "version": .int(user.version),
        ])
    }

    /// `{"id", "organization", "organizationId", "name", "description", "defaultRole", "createdAt", "version"}`;
    /// defaultRole is null for custom groups, else e.g. "project-collection-administrators".
    static func group(_ group: SecurityGroup, organizationName: String?) -> JSONValue {
        .object([
            "id": .string(group.id.description), "organization": .text(organizationName),
            "organizationId": .string(group.organizationID.description), "name": .string(group.name),
            "description": .string(group.description), "defaultRole": .text(group.defaultRole?.rawValue),
            "createdAt": .date(group.createdAt), "version": .int(group.version),
        ])
    }

    /// `{"type": "user"|"group", "id", "name", "login"}` (login null for groups).
    static func member(_ member: ResolvedMember) -> JSONValue {
        switch member {
        case let .user(user):
            .object(["type": .string("user"), "id": .string(user.id.description), "name": .string(user.displayName), "login": .string(user.loginName)])
        case let .group(group):
            .object(["type": .string("group"), "id": .string(group.id.description), "name": .string(group.name), "login": .null])
        }
    }

    /// `{"id", "name", "owner", "ownerId", "createdBy", "organization", "organizationId", "global", "scopes",
    /// "fullAccess", "highPrivilege", "status", "validFrom", "expiresAt", "createdAt", "lastUsedAt",
    /// "revokedAt", "revocationReason", "handle", "generation", "version"}`.
    /// scopes: catalog identifiers (["app_token"] for full access); status: active | expired | revoked;
    /// organization null for a global token. Never a secret or a digest.
    static func token(_ token: PersonalAccessToken, names: NameCache, now: Date) -> JSONValue {
        .object([
            "id": .string(token.id.description), "name": .string(token.displayName),
            "owner": .string(names.login(token.ownerID)), "ownerId": .string(token.ownerID.description),
            "createdBy": .string(names.login(token.createdByID)),
            "organization": .text(names.organizationName(token.target.organizationID)),
            "organizationId": .text(token.target.organizationID?.description), "global": .bool(token.target.isGlobal),
            "scopes": .array(token.scopes.identifiers.map(JSONValue.string)), "fullAccess": .bool(token.scopes.isFullAccess),
            "highPrivilege": .bool(token.isHighPrivilege), "status": .string(token.status(at: now).rawValue),
            "validFrom": .date(token.validFrom), "expiresAt": .date(token.validTo), "createdAt": .date(token.createdAt),
            "lastUsedAt": .date(token.lastUsedAt), "revokedAt": .date(token.revocation?.at),
            "revocationReason": .text(token.revocation?.reason), "handle": .string(token.handle),
            "generation": .int(token.generation), "version": .int(token.version),
        ])
    }

    /// `{"id", "userId", "fingerprint", "type", "bits", "comment", "addedAt", "publicKey"}`.
    static func sshKey(_ key: RegisteredSSHKey) -> JSONValue {
        .object([
            "id": .string(key.id.description), "userId": .string(key.userID.description), "fingerprint": .string(key.fingerprint),
            "type": .string(key.key.algorithm.rawValue), "bits": .int(key.key.bitLength), "comment": .string(key.key.comment),
            "addedAt": .date(key.addedAt), "publicKey": .string(key.key.openSSHLine),
        ])
    }

    /// `{"id", "occurredAt", "action", "actor", "actorId", "impersonator", "onBehalfOf",
    /// "target": {"kind", "id", "name"}, "organization", "organizationId", "details": [{"key", "value"}]}`.
    /// action: the dotted keyword ("token.create"); impersonator set for `--as`.
    static func auditEvent(_ event: AuditEvent, names: NameCache) -> JSONValue {
        .object([
            "id": .int(Int(event.id)), "occurredAt": .date(event.occurredAt), "action": .string(event.action.rawValue),
            "actor": .string(event.actor.login), "actorId": .string(event.actor.id.description),
            "impersonator": .text(event.impersonator?.login), "onBehalfOf": .text(event.onBehalfOf?.login),
            "target": .object(["kind": .string(event.target.kind.rawValue), "id": .string(event.target.id), "name": .string(event.target.name)]),
            "organization": .text(names.organizationName(event.organizationID)),
            "organizationId": .text(event.organizationID?.description),
            "details": .array(event.details.map { .object(["key": .string($0.key), "value": .string($0.value)]) }),
        ])
    }

    /// `{"kind", "title", "enabled", "maximumLifespanDays", "packagingOnly", "exemptions": [{"type", "id", "name"}]}`.
    static func policy(_ policy: TokenPolicy, exemptionNames: [PolicyExemption: String]) -> JSONValue {
        let exemptions = policy.exemptions.map { exemption -> JSONValue in
            switch exemption {
            case let .user(id): .object(["type": .string("user"), "id": .string(id.description), "name": .text(exemptionNames[exemption])])
            case let .group(id): .object(["type": .string("group"), "id": .string(id.description), "name": .text(exemptionNames[exemption])])
            }
        }.sorted { $0.encoded(pretty: false) < $1.encoded(pretty: false) }
        return .object([
            "kind": .string(policy.kind.rawValue), "title": .string(policy.kind.title), "enabled": .bool(policy.isEnabled),
            "maximumLifespanDays": .int(policy.maximumLifespanDays), "packagingOnly": .bool(policy.packagingOnly),
            "exemptions": .array(exemptions),
        ])
    }

    /// `{"area", "level", "identifier", "highPrivilege"}`.
    static func scopeLevel(_ level: ScopeLevel, area: ScopeArea) -> JSONValue {
        .object(["area": .string(area.name), "level": .string(level.name), "identifier": .string(level.identifier),
                 "highPrivilege": .bool(level.isHighPrivilege)])
    }
}

/// Words for human tables.
enum HumanText {
    static func date(_ date: Date?) -> String { date.map(TextFormat.date) ?? "never" }

    static func expiry(_ token: PersonalAccessToken, now: Date) -> String {
        switch token.status(at: now) {
        case .active: "\(TextFormat.date(token.validTo)) (\(TextFormat.relative(token.validTo, from: now)))"
        case .expired, .revoked: TextFormat.date(token.validTo)
        }
    }

    static func lastUsed(_ token: PersonalAccessToken, now: Date) -> String {
        token.lastUsedAt.map { TextFormat.relative($0, from: now) } ?? "never"
    }

    static func target(_ token: PersonalAccessToken, names: NameCache) -> String {
        names.organizationName(token.target.organizationID) ?? "all organizations"
    }

    /// The id as lists show it: the first 8 hex digits, enough to type back (`tokens show 3f2a9c1d`).
    static func shortID(_ id: some CustomStringConvertible) -> String { String(id.description.prefix(8)) }
}

import Foundation
import Testing
@testable import GatehouseDomain

/// A change a plain member (Contributors or Readers) may not make, and how it must be refused.
enum ForbiddenCall: String, CaseIterable, Sendable {
    case createUser, updateUser, disableUser, deleteUser, addUserToOrganization
    case addSSHKeyForSomeoneElse, removeSomeoneElsesSSHKey
    case createGroup, updateGroup, deleteGroup, addMember, removeMember, setPermission
    case updatePolicy
    case createTokenForServiceAccount
    case revokeSomeoneElsesToken, regenerateSomeoneElsesToken, editSomeoneElsesToken
    case createOrganization

    enum Refusal: Equatable {
        case permission(Permission)
        /// Someone else's token is reported as absent: its existence is not the actor's to learn.
        case notFound(ObjectKind)
        case notAllowed
    }

    var refusal: Refusal {
        switch self {
        case .createUser, .updateUser, .disableUser, .deleteUser, .addUserToOrganization, .addSSHKeyForSomeoneElse, .removeSomeoneElsesSSHKey:
            .permission(.manageUsers)
        case .createGroup, .updateGroup, .deleteGroup, .addMember, .removeMember, .setPermission:
            .permission(.manageGroups)
        case .updatePolicy: .permission(.editPolicies)
        case .createTokenForServiceAccount: .permission(.manageOthersTokens)
        case .revokeSomeoneElsesToken, .regenerateSomeoneElsesToken, .editSomeoneElsesToken: .notFound(.token)
        case .createOrganization: .notAllowed
        }
    }
}

@Suite("Every change is authorized against the acting user's effective permissions")
struct AuthorizationTests {
    /// A directory with something to act on: dave (with a token and an SSH key), a service account,
    /// a custom group with a member, and a second organization.
    struct World {
        let dir: TestDirectory
        let dave: User
        let service: User
        let team: SecurityGroup
        let davesToken: IssuedToken
        let davesKey: RegisteredSSHKey
        let second: Organization

        init() throws {
            dir = try TestDirectory()
            dave = try dir.addUser("dave", groups: [.contributors])
            service = try dir.addUser("build-bot", kind: .serviceAccount)
            team = try dir.addGroup("Team", members: [.user(dave.id)])
            davesToken = try dir.createToken("dave-ci", by: try dir.actor("dave"))
            davesKey = try dir.service.addSSHKey(SampleKeys.ed25519.line, to: dave.id, by: dir.admin)
            second = try dir.service.createOrganization(named: "Second", by: dir.admin)
        }

        func attempt(_ call: ForbiddenCall, by actor: Actor) throws {
            let service = dir.service
            let org = dir.orgID
            switch call {
            case .createUser:
                try service.createUser(UserDraft(displayName: "Eve", loginName: "eve"), in: [org], by: actor)
            case .updateUser:
                var draft = UserDraft(dave)
                draft.displayName = "Dave Renamed"
                try service.updateUser(dave.id, to: draft, expectedVersion: dave.version, by: actor)
            case .disableUser:
                try service.setStatus(.disabled, ofUser: dave.id, by: actor)
            case .deleteUser:
                try service.deleteUser(dave.id, by: actor)
            case .addUserToOrganization:
                try service.addUser(dave.id, toOrganization: second.id, by: actor)
            case .addSSHKeyForSomeoneElse:
                try service.addSSHKey(SampleKeys.ecdsa256.line, to: dave.id, by: actor)
            case .removeSomeoneElsesSSHKey:
                try service.removeSSHKey(davesKey.id, by: actor)
            case .createGroup:
                try service.createGroup(named: "Shadow admins", in: org, by: actor)
            case .updateGroup:
                try service.updateGroup(team.id, name: "Team", description: "now mine", expectedVersion: team.version, by: actor)
            case .deleteGroup:
                try service.deleteGroup(team.id, by: actor)
            case .addMember:
                try service.addMember(.user(dave.id), to: dir.defaultGroup(.projectCollectionAdministrators).id, by: actor)
            case .removeMember:
                try service.removeMember(.user(dave.id), from: team.id, by: actor)
            case .setPermission:
                try service.setPermission(.manageUsers, to: .allow, for: team.id, by: actor)
            case .updatePolicy:
                let current = try service.policies(of: org, by: actor)
                try service.updatePolicy(TokenPolicy(kind: .restrictGlobalTokens, isEnabled: false), in: org,
                                         expectedVersion: current.version, by: actor)
            case .createTokenForServiceAccount:
                _ = try service.createToken(dir.request("bot-token", owner: self.service.id), by: actor)
            case .revokeSomeoneElsesToken:
                try service.revokeToken(davesToken.token.id, reason: "mine now", by: actor)
            case .regenerateSomeoneElsesToken:
                _ = try service.regenerateToken(davesToken.token.id, by: actor)
            case .editSomeoneElsesToken:
                try service.updateToken(davesToken.token.id, TokenChanges(displayName: "renamed"), expectedVersion: davesToken.token.version, by: actor)
            case .createOrganization:
                try service.createOrganization(named: "Mine", by: actor)
            }
        }
    }

    @Test("a plain member is refused, with a message naming the permission, and nothing changes (not even the audit log)",
          arguments: ForbiddenCall.allCases, [DefaultGroup.contributors, .readers])
    func refused(_ call: ForbiddenCall, _ membership: DefaultGroup) throws {
        let world = try World()
        try world.dir.addUser("carol", groups: [membership])
        let carol = try world.dir.actor("carol")
        let before = try world.dir.snapshot()

        let error = expectError { try world.attempt(call, by: carol) }
        switch call.refusal {
        case let .permission(permission):
            let denial = try #require(error?.denial, "got \(String(describing: error))")
            #expect(denial.permission == permission)
            #expect(error?.category == .permissionDenied)
            #expect(error?.description.contains("\u{201C}\(permission.title)\u{201D} permission") == true)
            #expect(error?.description.contains("Ask a Project Collection Administrator") == true)
        case let .notFound(kind):
            guard case .notFound(kind, _)? = error else {
                Issue.record("expected notFound(\(kind)), got \(String(describing: error))")
                return
            }
        case .notAllowed:
            #expect(error?.isNotAllowed == true, "got \(String(describing: error))")
        }
        #expect(try world.dir.snapshot() == before)
        #expect(try world.dir.service.verify(world.davesToken.secret).success != nil, "dave's token still works")
    }

    @Test("the same calls succeed for the administrator (the refusals above are about permission, not the calls)",
          arguments: ForbiddenCall.allCases)
    func allowedForAdministrator(_ call: ForbiddenCall) throws {
        let world = try World()
        let audit = try world.dir.auditCount()
        guard call != .regenerateSomeoneElsesToken else {
            // Not even an administrator receives a working secret of a person's token (it would
            // authenticate as dave): they revoke it instead. OrganizationWallTests has the service-account case.
            #expect(expectError { try world.attempt(call, by: world.dir.admin) }?.isNotAllowed == true)
            return
        }
        try world.attempt(call, by: world.dir.admin)
        #expect(try world.dir.auditCount() > audit, "a change is audited")
    }

    @Test("a plain member may manage their own tokens and SSH keys, and cannot see anyone else's tokens")
    func ownThingsAreAllowed() throws {
        let world = try World()
        try world.dir.addUser("carol", groups: [.readers])
        let carol = try world.dir.actor("carol")
        let issued = try world.dir.createToken("mine", by: carol)
        let renamed = try world.dir.service.updateToken(issued.token.id, TokenChanges(displayName: "mine-2"), expectedVersion: 1, by: carol)
        let regenerated = try world.dir.service.regenerateToken(issued.token.id, by: carol)
        try world.dir.service.revokeToken(issued.token.id, by: carol)
        #expect(renamed.displayName == "mine-2")
        #expect(regenerated.token.generation == 2)
        let key = try world.dir.service.addSSHKey(SampleKeys.ecdsa256.line, to: carol.user.id, by: carol)
        try world.dir.service.removeSSHKey(key.id, by: carol)

        #expect(try world.dir.service.tokens(TokenQuery(), by: carol).items.map(\.displayName) == ["mine-2"])
        #expect(try world.dir.service.count(TokenQuery(), by: carol) == 1)
        #expect(expectError { try world.dir.service.token(world.davesToken.token.id, by: carol) }?.isNotFound == true)
        #expect(try world.dir.service.managesOthersTokens(carol) == false)
        #expect(try world.dir.service.managesOthersTokens(world.dir.admin))
        // A bulk revocation by carol only ever reaches her own tokens.
        let bulk = try world.dir.service.revokeTokens(matching: TokenQuery(), dryRun: false, by: carol)
        #expect(bulk.tokens.isEmpty)
        #expect(try world.dir.service.verify(world.davesToken.secret).success != nil)
    }

    @Test("an administrator of another organization cannot revoke this organization's tokens, one by one or in bulk")
    func otherOrganizationsAdministrator() throws {
        let world = try World()
        // olga administers Second only.
        let olga = try world.dir.service.createUser(UserDraft(displayName: "Olga", loginName: "olga"), in: [world.second.id], by: world.dir.admin)
        let secondAdmins = try world.dir.service.group(named: DefaultGroup.projectCollectionAdministrators.name, in: world.second.id, by: world.dir.admin)
        try world.dir.service.addMember(.user(olga.id), to: secondAdmins.id, by: world.dir.admin)
        let olgaActor = try world.dir.actor("olga")
        let olgasOwn = try world.dir.createToken("olga-ci", by: olgaActor, target: .organization(world.second.id))
        let before = try world.dir.snapshot()

        // Another organization's token does not exist for olga: not even its id is confirmed.
        let single = expectError { try world.dir.service.revokeToken(world.davesToken.token.id, by: olgaActor) }
        #expect(single?.isNotFound == true, "got \(String(describing: single))")

        let dryRun = try world.dir.service.revokeTokens(matching: TokenQuery(), dryRun: true, by: olgaActor)
        #expect(dryRun.tokens.map(\.id) == [olgasOwn.token.id])
        #expect(try world.dir.snapshot() == before)
        let bulk = try world.dir.service.revokeTokens(matching: TokenQuery(), dryRun: false, by: olgaActor)
        #expect(bulk.tokens.map(\.id) == [olgasOwn.token.id])
        #expect(try world.dir.service.verify(world.davesToken.secret).success != nil, "dave's token in Default still works")
    }

    @Test("a member whose Create tokens is denied cannot create even their own")
    func createTokensDenied() throws {
        let world = try World()
        let carol = try world.dir.addUser("carol")
        try world.dir.addGroup("No tokens", members: [.user(carol.id)], permissions: [.createTokens: .deny])
        let before = try world.dir.snapshot()
        let error = expectError { try world.dir.createToken("nope", by: try world.dir.actor("carol")) }
        #expect(error?.denial?.permission == .createTokens)
        #expect(error?.description.contains("denied by No tokens") == true)
        #expect(try world.dir.snapshot() == before)
    }

    @Test("a disabled account cannot act, even with a resolved actor from before")
    func disabledActorCannotAct() throws {
        let world = try World()
        let dave = try world.dir.actor("dave")
        try world.dir.service.setStatus(.disabled, ofUser: world.dave.id, by: world.dir.admin)
        let error = expectError { try world.dir.createToken("after", by: dave) }
        #expect(error?.isNotAllowed == true)
        #expect(error?.description.contains("disabled") == true)
        #expect(expectError { try world.dir.service.resolveActor(login: "dave") }?.description.contains("disabled") == true)
    }

    // MARK: Acting as another user

    @Test("--as is refused for someone who may not manage users")
    func actAsRefused() throws {
        let world = try World()
        try world.dir.addUser("carol", groups: [.contributors])
        let error = expectError { try world.dir.service.resolveActor(login: "carol", asLogin: "dave") }
        #expect(error?.denial?.permission == .manageUsers)
        #expect(error?.description.contains("act as dave") == true)
        // The presenter's switch works only in a demo copy: elsewhere it changes nothing.
        #expect(expectError { try world.dir.service.resolveActor(login: "carol", asLogin: "dave", anyoneMayImpersonate: true) }?.denial?.permission == .manageUsers)
        // A demo copy lets anyone act as anyone.
        try world.dir.service.markAsDemo(administratorLogin: "admin")
        let demo = try world.dir.service.resolveActor(login: "carol", asLogin: "dave", anyoneMayImpersonate: true)
        #expect(demo.user.loginName == "dave")
        #expect(demo.impersonator?.loginName == "carol")
    }

    @Test("--as by an administrator acts with the other user's permissions and is audited as \"X as Y\"")
    func actAsAudited() throws {
        let world = try World()
        let actor = try world.dir.service.resolveActor(login: "admin", asLogin: "dave")
        #expect(actor.user.loginName == "dave")
        #expect(actor.displayText == "admin as dave")
        let issued = try world.dir.createToken("as-dave", by: actor)
        #expect(issued.token.ownerID == world.dave.id)
        let event = try #require(try world.dir.allAuditEvents().last)
        #expect(event.action == .tokenCreated)
        #expect(event.actorText == "admin as dave")
        #expect(event.actor.login == "dave")
        #expect(event.impersonator?.login == "admin")
        // The audit filter by login finds the event under either name.
        #expect(try world.dir.service.auditEvents(AuditQuery(actorLogin: "admin"), by: world.dir.admin).items.first?.id == event.id)
        #expect(try world.dir.service.auditEvents(AuditQuery(actorLogin: "dave"), by: world.dir.admin).items.first?.id == event.id)
        // dave's permissions, not the administrator's.
        #expect(expectError { try world.dir.service.createGroup(named: "Nope", in: world.dir.orgID, by: actor) }?.denial?.permission == .manageGroups)
        // Acting as oneself is just oneself.
        #expect(try world.dir.service.resolveActor(login: "admin", asLogin: "ADMIN").impersonator == nil)
        #expect(expectError { try world.dir.service.resolveActor(login: "admin", asLogin: "nobody") }?.isNotFound == true)
    }
}

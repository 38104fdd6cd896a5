import Foundation

/// What Azure DevOps' own REST API needs beyond the console's calls (`gatehouse serve`'s Graph and
/// Token Administration routes): Token Administration is an administrator's tool, so it needs
/// *Manage others' tokens* in the organization even to list one's own tokens.
extension AccessService {
    /// A user's tokens that work in one organization, as Token Administration lists them. Needs
    /// *Manage others' tokens* there (through a token: `vso.tokenadministration` for it). A user who
    /// is not a member of the organization is "not found".
    public func administeredTokens(
        ofUser userID: UserID, in organization: OrganizationID, page: PageRequest = .first(), by actor: Actor
    ) throws(GatehouseError) -> Page<PersonalAccessToken> {
        try read { reader in
            let authorization = try authorize(actor, reader)
            try authorization.require(.manageOthersTokens, in: organization, to: "list users' tokens", reader)
            try requireMember(userID, of: organization, reader)
            return try reader.tokens(visibleQuery(TokenQuery(ownerID: userID, organizationID: organization), authorization),
                                     now: clock.now, page: page)
        }
    }

    /// Revokes the listed tokens, each of which must work in the organization, where the actor needs
    /// *Manage others' tokens*. One transaction: all are revoked, or none (an unknown id refuses the
    /// whole list). A token already revoked stays as it was. Returns the tokens revoked now.
    @discardableResult
    public func revokeAuthorizations(
        _ ids: [TokenID], in organization: OrganizationID, reason rawReason: String = "", by actor: Actor
    ) throws(GatehouseError) -> [PersonalAccessToken] {
        let reason = try InputRules.reason(rawReason)
        return try write { writer in
            let authorization = try authorize(actor, writer)
            try authorization.require(.manageOthersTokens, in: organization, to: "revoke users' tokens", writer)
            let why = reason.isEmpty ? "revoked through Token Administration by \(actor.displayText)" : reason
            var seen = Set<TokenID>()
            var revoked: [PersonalAccessToken] = []
            for id in ids where seen.insert(id).inserted {
                // Manage others' tokens holds in the organization, and the token works there: that is the reach.
                guard let token = try writer.token(id),
                      try organizationsInScope(of: token.target, ownerID: token.ownerID, writer).contains(organization) else {
                    throw GatehouseError.notFound(kind: .token, reference: id.description)
                }
                guard token.revocation == nil else { continue }
                revoked.append(try revoke(token, reason: why, actor: actor, acting: authorization.user, writer))
            }
            return revoked
        }
    }

    /// Groups a group belongs to directly (Graph's memberships "up" of a group), in the
    /// organizations the actor may read.
    public func groups(containing groupID: GroupID, by actor: Actor) throws(GatehouseError) -> [SecurityGroup] {
        try read { reader in
            let authorization = try authorize(actor, reader)
            _ = try visibleGroup(groupID, authorization, reader)
            return try readableGroups(containing: .group(groupID), authorization, reader)
        }
    }

    private func requireMember(_ userID: UserID, of organization: OrganizationID, _ reader: any DirectoryReader) throws {
        guard try reader.user(userID) != nil, try reader.organizationIDs(ofUser: userID).contains(organization) else {
            throw GatehouseError.notFound(kind: .user, reference: userID.description)
        }
    }
}

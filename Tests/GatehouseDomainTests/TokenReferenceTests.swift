import Foundation
import Testing
@testable import GatehouseDomain
import GatehouseStore

/// `AccessService.token(reference:by:)`: a token by its id or a unique id prefix, as scripts type it.
@Suite struct TokenReferenceTests {
    @Test func resolvesFullIDsAndUniquePrefixesOfVisibleTokens() throws {
        let directory = try TestDirectory()
        let alice = try directory.addUser("alice")
        let mine = try directory.createToken("mine").token
        let hers = try directory.createToken("hers", by: directory.actor("alice")).token
        let service = directory.service

        #expect(try service.token(reference: mine.id.description, by: directory.admin) == mine)
        #expect(try service.token(reference: mine.id.description.uppercased(), by: directory.admin) == mine)
        #expect(try service.token(reference: String(mine.id.description.prefix(8)), by: directory.admin) == mine)
        #expect(try service.token(reference: String(hers.id.description.prefix(13)), by: directory.admin) == hers, "dashes are ignored")
        // Alice may not see the administrator's token: its prefix is not found, not forbidden.
        let hidden = expectError { try service.token(reference: String(mine.id.description.prefix(8)), by: directory.actor("alice")) }
        #expect(hidden?.isNotFound == true)
        _ = alice
    }

    @Test func refusesWhatCannotBeAnIDAndAmbiguousPrefixes() throws {
        let directory = try TestDirectory()
        let template = try directory.createToken("template").token
        // Two stored tokens whose ids share their first 8 hex digits (set up below the façade, as only a test may).
        for (index, uuid) in ["12345678-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "12345678-bbbb-4bbb-8bbb-bbbbbbbbbbbb"].enumerated() {
            let copy = PersonalAccessToken(
                id: TokenID(string: uuid)!, displayName: "twin \(index)", ownerID: template.ownerID, createdByID: template.createdByID,
                target: template.target, scopes: template.scopes, validFrom: template.validFrom, validTo: template.validTo,
                createdAt: template.createdAt, handle: template.handle, digest: TokenDigest(bytes: [UInt8](repeating: UInt8(index + 1), count: 32)),
                isHighPrivilege: false)
            try directory.store.write { try $0.insert(copy) }
        }
        let service = directory.service
        let ambiguous = expectError { try service.token(reference: "12345678", by: directory.admin) }
        #expect(ambiguous?.invalidField == "Token")
        #expect(ambiguous?.description.contains("several token ids; type more of the id") == true)
        #expect(try service.token(reference: "12345678-b", by: directory.admin).displayName == "twin 1")
        #expect(expectError { try service.token(reference: "123", by: directory.admin) }?.invalidField == "Token")
        #expect(expectError { try service.token(reference: "not-hex!", by: directory.admin) }?.invalidField == "Token")
        let secretLike = expectError { try service.token(reference: "gpat_" + String(repeating: "A", count: 49), by: directory.admin) }
        #expect(secretLike?.description.contains("looks like a token secret") == true)
        #expect(expectError { try service.token(reference: "1234567f", by: directory.admin) }?.isNotFound == true)
    }

    @Test func anIDPrefixQueryNeverMatchesEverything() throws {
        let directory = try TestDirectory()
        try directory.createToken("one")
        var query = TokenQuery()
        query.idPrefix = "zz-not-hex"
        #expect(try directory.service.count(query, by: directory.admin) == 0)
        query.idPrefix = ""
        #expect(try directory.service.count(query, by: directory.admin) == 0)
    }

}

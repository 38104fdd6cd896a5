import Foundation
import Testing
@testable import GatehouseDomain
import GatehouseStore

/// The SQLite store answers verification with its own joined query; any other store uses the
/// protocol's transaction-based default. Both must say the same thing about the same token.
@Suite("Verification lookup: the SQLite fast path agrees with the generic one")
struct VerificationFastPathTests {
    /// A store that forwards reads and writes, so it gets the protocol's default lookup.
    struct GenericStore: DirectoryStore {
        let base: SQLiteDirectoryStore
        func read<T>(_ body: (any DirectoryReader) throws -> T) throws -> T { try base.read(body) }
        func write<T>(_ body: (any DirectoryWriter) throws -> T) throws -> T { try base.write(body) }
    }

    @Test func bothPathsReturnTheSameRecord() throws {
        let dir = try TestDirectory()
        _ = try dir.addUser("bob", groups: [.contributors])
        let issued = try dir.createToken("ci", by: try dir.actor("bob"), scopes: .custom(["vso.code_write", "vso.build"]))
        let digest = TokenDigest(of: issued.secret)
        let fast = try #require(try dir.store.verificationRecord(digest: digest))
        let generic = try #require(try GenericStore(base: dir.store).verificationRecord(digest: digest))
        #expect(fast.token == generic.token)
        #expect(fast.owner == generic.owner)
        #expect(fast.organizations == generic.organizations)
        #expect(fast.token.digest == digest)
        #expect(try dir.store.verificationRecord(digest: TokenDigest(bytes: Array(repeating: 0, count: 32))) == nil)
    }

    @Test func aRevokedTokensRecordCarriesTheRevocation() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("to revoke")
        try dir.service.revokeToken(issued.token.id, reason: "test", by: dir.admin)
        let record = try #require(try dir.store.verificationRecord(digest: TokenDigest(of: issued.secret)))
        #expect(record.token.revocation?.reason == "test")
        #expect(try GenericStore(base: dir.store).verificationRecord(digest: TokenDigest(of: issued.secret))?.token == record.token)
    }
}

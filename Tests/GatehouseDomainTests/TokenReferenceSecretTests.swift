import Foundation
import Testing
@testable import GatehouseDomain

@Suite("A token secret typed where a token id belongs")
struct TokenReferenceSecretTests {
    @Test("is refused without being echoed back, however it is wrapped", arguments: [
        "%@", " %@ ", "\"%@\"", "'%@'", "Bearer %@", "token=%@", "Authorization: Basic :%@",
    ])
    func secretIsNotEchoed(_ template: String) throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        let secret = issued.secret.reveal()
        let error = expectError { try dir.service.token(reference: template.replacingOccurrences(of: "%@", with: secret), by: dir.admin) }
        #expect(error?.invalidField == "Token")
        #expect(error?.description.contains("looks like a token secret") == true)
        #expect(error?.description.contains(secret) == false)
        #expect(error?.description.contains(String(secret.dropFirst(5).prefix(12))) == false)
    }

    @Test("an id prefix with dashes and capitals, or surrounded by spaces, still resolves; others' tokens stay hidden")
    func prefixForms() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        let id = issued.token.id.description
        for reference in [" \(id) ", id.uppercased(), String(id.prefix(13)).uppercased(), " " + String(id.prefix(6)) + " "] {
            #expect(try dir.service.token(reference: reference, by: dir.admin).id == issued.token.id, "\(reference)")
        }
        try dir.addUser("bob", groups: [.contributors])
        #expect(expectError { try dir.service.token(reference: String(id.prefix(8)), by: try dir.actor("bob")) }?.isNotFound == true)
        #expect(expectError { try dir.service.token(reference: id, by: try dir.actor("bob")) }?.isNotFound == true)
    }
}

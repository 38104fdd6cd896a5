import Foundation
import Testing
@testable import GatehouseDomain

@Suite("The scope catalog (Resources/scopes.json) and scope selections")
struct ScopeCatalogTests {
    @Test("the catalog has Azure DevOps' 38 areas, each identifier once, app_token not among them")
    func catalogShape() throws {
        let catalog = try RepoResources.catalog()
        #expect(catalog.areas.count == 38)
        let identifiers = catalog.allIdentifiers
        #expect(Set(identifiers).count == identifiers.count)
        #expect(!identifiers.contains(ScopeCatalog.fullAccessIdentifier))
        #expect(catalog.lookup("app_token") == nil)
        #expect(catalog.lookup("vso.unknown") == nil)
        #expect(catalog.areas.allSatisfy { !$0.levels.isEmpty && $0.levels.allSatisfy { $0.identifier.hasPrefix("vso.") } })
    }

    @Test("identifiers map to their area, level and high-privilege mark (SCOPES.md)", arguments: [
        ("vso.code", "Code", "Read", false),
        ("vso.code_write", "Code", "Read & write", true),
        ("vso.code_full", "Code", "Full", true),
        ("vso.build_execute", "Build", "Read & execute", true),
        ("vso.packaging_write", "Packaging", "Read & write", true),
        ("vso.securefiles_read", "Secure Files", "Read", true),
        ("vso.work_full", "Work Items", "Read, write & manage", false),
        ("vso.notification_diagnostics", "Notifications", "Diagnostics", false),
        ("vso.tokenadministration", "Tokens", "Token administration", true),
        ("vso.extension.data_write", "Extension Data", "Read & write", false),
        ("vso.threads_full", "PR Threads", "Read & write", false),
        ("vso.auditlog", "Auditing", "Read audit log", false),
    ])
    func lookups(_ identifier: String, _ area: String, _ level: String, _ highPrivilege: Bool) throws {
        let found = try #require(try RepoResources.catalog().lookup(identifier))
        #expect(found.area.name == area)
        #expect(found.level.name == level)
        #expect(found.level.isHighPrivilege == highPrivilege)
    }

    @Test("a custom selection is trimmed, de-duplicated and kept in catalog order")
    func selectionNormalized() throws {
        let catalog = try RepoResources.catalog()
        let selection = try ScopeSelection.custom([" vso.work ", "vso.code_write", "vso.build", "vso.work", ""], catalog: catalog)
        #expect(selection == .custom(["vso.build", "vso.code_write", "vso.work"]))
        #expect(selection.summary(in: catalog) == "Build: Read, Code: Read & write\u{2020}, Work Items: Read")
        #expect(selection.storageText == "vso.build vso.code_write vso.work")
        #expect(ScopeSelection(storageText: selection.storageText) == selection)
        #expect(try ScopeSelection.custom(["app_token"], catalog: catalog) == .fullAccess)
        #expect(ScopeSelection(storageText: "app_token") == .fullAccess)
        #expect(ScopeSelection.fullAccess.summary(in: catalog) == "Full access")
    }

    @Test("high privilege and packaging-only are judged from the levels", arguments: [
        (ScopeSelection.fullAccess, true, false),
        (.custom(["vso.code"]), false, false),
        (.custom(["vso.code", "vso.build_execute"]), true, false),
        (.custom(["vso.packaging"]), false, true),
        (.custom(["vso.packaging_manage"]), true, true),
        (.custom(["vso.packaging", "vso.code"]), false, false),
    ])
    func privilegeAndPackaging(_ selection: ScopeSelection, _ highPrivilege: Bool, _ packagingOnly: Bool) throws {
        #expect(selection.isHighPrivilege(in: try RepoResources.catalog()) == highPrivilege)
        #expect(selection.isPackagingOnly == packagingOnly)
    }

    @Test("a damaged catalog is refused with a reason")
    func damagedCatalog() {
        let level = ScopeLevel(name: "Read", identifier: "vso.x", isHighPrivilege: false)
        #expect(expectError { try ScopeCatalog(areas: [ScopeArea(name: "A", levels: [level]), ScopeArea(name: "B", levels: [level])]) }?.description.contains("vso.x twice") == true)
        #expect(expectError { try ScopeCatalog(areas: [ScopeArea(name: "Empty", levels: [])]) }?.description.contains("Empty has no levels") == true)
        let sneaky = ScopeLevel(name: "All", identifier: "app_token", isHighPrivilege: true)
        #expect(expectError { try ScopeCatalog(areas: [ScopeArea(name: "A", levels: [sneaky])]) } != nil)
        #expect(expectError { try ScopeCatalog(json: Data("{\"areas\": 3}".utf8)) }?.category == .storage)
    }

    @Test("the resources folder is found through GATEHOUSE_RESOURCES, and a folder without scopes.json is never used")
    func resourceLocator() throws {
        let located = try ResourceLocator.locate(environment: ["GATEHOUSE_RESOURCES": RepoResources.directory.path])
        #expect(located.directory.standardizedFileURL == RepoResources.directory.standardizedFileURL)
        #expect(try located.scopeCatalog().allIdentifiers == (try RepoResources.catalog()).allIdentifiers)

        let empty = try TemporaryFolder()
        let candidates = ResourceLocator.candidateDirectories(environment: ["GATEHOUSE_RESOURCES": empty.url.path])
        #expect(candidates.first?.path == empty.url.path, "the override is tried first")
        if let found = try? ResourceLocator.locate(environment: ["GATEHOUSE_RESOURCES": empty.url.path]) {
            #expect(found.directory.path != empty.url.path, "a folder without scopes.json is skipped")
        }
        #expect(expectError { try ResourceLocator(directory: empty.url).data("scopes.json") }?.description.contains(empty.url.path) == true)
    }
}

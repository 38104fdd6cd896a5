import Testing
@testable import TerminalKit

@Suite("Confirm dialog")
struct DialogTests {
    func revoke() -> ConfirmDialog {
        ConfirmDialog(title: "Revoke token", message: "Programs using it will stop working.",
                      objectName: "ci-deploy", confirmLabel: "Revoke", isDestructive: true)
    }

    @Test func cancelIsFocusedFirstAndEnterCancels() {
        var dialog = revoke()
        #expect(dialog.focus == .cancel)
        #expect(dialog.handle(.enter) == .cancelled)
    }

    @Test(arguments: [Key.tab, .backTab, .left, .right, .character("l"), .character("h")] as [Key])
    func focusSwitchKeys(key: Key) {
        var dialog = revoke()
        #expect(dialog.handle(key) == .focusChanged)
        #expect(dialog.focus == .confirm)
        #expect(dialog.handle(.enter) == .confirmed)
    }

    @Test func escapeAndShortcuts() {
        var destructive = revoke()
        #expect(destructive.handle(.escape) == .cancelled)
        #expect(destructive.handle(.character("y")) == .ignored)  // no shortcut into destruction
        #expect(destructive.handle(.character("n")) == .cancelled)
        var plain = ConfirmDialog(title: "Extend", message: "Extend by 30 days?", confirmLabel: "Extend")
        #expect(plain.handle(.character("y")) == .confirmed)
    }

    @Test func rendersNameButtonsAndDangerStyle() {
        var buffer = Buffer(width: 80, height: 24)
        buffer.put(String(repeating: "x", count: 80), x: 0, y: 12)
        var dialog = revoke()
        dialog.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.contains("Revoke token"))
        #expect(buffer.contains("ci-deploy"))
        #expect(buffer.contains("[ Cancel ]  [ Revoke ]"))
        guard let cancel = buffer.find("[ Cancel ]"), let confirm = buffer.find("[ Revoke ]"), let name = buffer.find("ci-deploy") else {
            Issue.record("dialog parts missing:\n\(buffer.renderedText)")
            return
        }
        #expect(buffer.style(atX: cancel.x, y: cancel.y) == Theme.color[.selection])
        #expect(buffer.style(atX: confirm.x, y: confirm.y) == Theme.color[.danger])
        #expect(buffer.style(atX: name.x, y: name.y) == Theme.color[.accent])
        // The dialog clears what was under it.
        #expect(!buffer.text(row: 12).contains("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))
        _ = dialog.handle(.tab)
        dialog.render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.style(atX: confirm.x, y: confirm.y) == Theme.color[.dangerSelection])
    }

    @Test(arguments: [(1, 1), (10, 4), (20, 6), (30, 8)])
    func tinyAreasDoNotCrash(width: Int, height: Int) {
        var buffer = Buffer(width: width, height: height)
        revoke().render(into: &buffer, area: buffer.area, theme: .color)
        #expect(buffer.lines.count == height)
    }
}
